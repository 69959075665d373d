"""The calendar: one clock (UTC stored, Amsterdam shown) and terms in working days."""
