"""The nightly loyalty score: how each account is scored, stored, explained and backtested.

sources     one SQL aggregate per source table for an account-id range, as of a day
components  pandas over whole columns: each component normalised 0-100, the weighted score
reasons     the strongest reasons, structured and as sentences in Japanese and English
writer      bulk upsert (one JSON array + INSERT … ON CONFLICT on PostgreSQL, else bulk_create)
run         the run ledger: chunks by account-id range, resumable and idempotent
backtest    ROC AUC and top-decile lift of the score against later buying
selectors   score history and "why it changed" for the account page
panels      the account page's score panel
"""
