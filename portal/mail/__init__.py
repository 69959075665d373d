"""E-mail: the outbox, the one way mail leaves Meldpunt."""
