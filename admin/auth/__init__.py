"""Log-in, two-factor log-in and log-out of staff, and their own passwords (change, set by link, forgotten)."""
