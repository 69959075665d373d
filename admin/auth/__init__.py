"""Log-in, two-factor log-in and log-out of staff."""
