"""Management by admins: staff accounts and reference data."""
