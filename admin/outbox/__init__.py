"""The outbox page: every e-mail with its status and what went wrong, and sending failed ones again (admins)."""
