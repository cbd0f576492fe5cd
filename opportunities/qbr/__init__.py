"""Quarterly business reviews: scheduling, the data-driven agenda, the record of the meeting
and its exports (PowerPoint deck and printable page)."""
