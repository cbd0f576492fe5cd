"""The whitespace grid: accounts × products, each cell owned, offered, declined, eligible or
held back, filterable and exportable (selectors.py says what each state means)."""
