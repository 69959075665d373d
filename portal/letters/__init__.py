"""Letters: a B1 check for outgoing letters (sentences, words, officialese) and safe readers for uploaded drafts."""
