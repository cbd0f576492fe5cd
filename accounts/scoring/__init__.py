"""The nightly loyalty score: how each account is scored, stored, explained and backtested.

sources     one SQL aggregate per source table for an account-id range, as of a day
components  the inputs a score stores; pandas over whole columns: each component normalised
            0-100, the weighted score, tier and churn risk
reasons     a score's explanation: components and strongest reasons, sentences in the
            reader's language
explain     explanations computed again from stored inputs when scores are shown
writer      a chunk's day replaced in bulk (DELETE + COPY on PostgreSQL, else bulk_create)
run         the run ledger: chunks by account-id range, resumable and idempotent
backtest    ROC AUC and top-decile lift of the score against later buying
selectors   score history and "why it changed" for the account page
panels      the account page's score panel
"""
