"""Requests about personal data (AVG)."""
