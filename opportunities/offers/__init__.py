"""The next-best-offer engine: rules turn scores, usage and history into offer cards.

sources.py reads whole columns (one query per source), rules.py proposes candidates per rule
family, affinity.py ranks add-ons by what loyal customers own together, gates.py holds back
where an offer would hurt, timing.py picks the moment, engine.py writes the cards and
publish.py keeps the live ones current. Everything is set-based: no query per account.
"""
