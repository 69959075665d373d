"""Callback requests (terugbelverzoeken): the KCC registers, colleagues call back, coordinators redistribute."""
