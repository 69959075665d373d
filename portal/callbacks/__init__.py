"""Callback requests (terugbelverzoeken): the KCC's hand-over to a colleague, with a term, an owner and a record."""
