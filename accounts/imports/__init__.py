"""Imports of CSV and Excel files into accounts, contacts, subscriptions, usage, orders and NPS.

A file is read whole (reading), every cell is checked column by column (columns, specs), the
rows are checked against the database and each other (loaders), and only when no row has an
error is everything written, in batches, in one transaction (services).
"""
