"""What staff read about a letter check: each problem's explanation and advice, the verdict's reasons, the limits.

The texts are English source strings with %(name)s placeholders, marked with N_ so that `pybabel extract` puts them
in the catalogue; this package has no Flask, so the page translates them when it shows them:
`gettext(issue.explanation) % issue.params`.
"""


def N_(message):
    """Marks a string for translation without translating it here (the page translates it when it shows it)."""
    return message


KINDS = ("long_sentence", "officialese", "rare_word", "long_word", "passive", "nominalisation")

EXPLANATIONS = {
    "long_sentence": N_("This sentence has %(words)d words. At B1, keep sentences under %(limit)d words."),
    "officialese": N_("“%(found)s” is officialese. Plainer: “%(plain)s”."),
    "rare_word": N_("“%(found)s” is a word few readers know."),
    "long_word": N_("“%(found)s” is a long word (%(syllables)d syllables)."),
    "passive": N_("Passive: “%(found)s” does not say who does it."),
    "nominalisation": N_("Several nouns made from verbs (%(found)s) make a sentence abstract."),
    "nominal_infinitive": N_("“%(found)s” hides the action in a noun."),
}

ADVICE = {
    "long_sentence": N_("Split this sentence in two, or use a list."),
    "rare_word": N_("Use a more common word, or explain this one in the sentence."),
    "long_word": N_("Use a shorter word, or split the idea over more words."),
    "passive": N_("Say who does it: “we send you” instead of “you will be sent”."),
    "nominalisation": N_("Use the verb: “we decide” instead of “the decision is taken”."),
    "nominal_infinitive": N_("Use the verb itself: “you can object” instead of “the lodging of an objection”."),
}

REASONS = {
    "score": N_("Reading ease %(value)s; B1 letters score at least %(limit)s."),
    "long_sentence": N_("Long sentences: %(count)d, that is %(rate)s per 100 words (at most %(limit)s)."),
    "officialese": N_("Officialese: %(count)d, that is %(rate)s per 100 words (at most %(limit)s)."),
    "rare_word": N_("Rare words: %(count)d, that is %(rate)s per 100 words (at most %(limit)s)."),
    "long_word": N_("Long words: %(count)d, that is %(rate)s per 100 words (at most %(limit)s)."),
    "passive": N_("Passive verbs: %(count)d, that is %(rate)s per 100 words (at most %(limit)s)."),
    "nominalisation": N_("Nouns made from verbs: %(count)d, that is %(rate)s per 100 words (at most %(limit)s)."),
    "not_dutch": N_("This text does not look Dutch, so the check cannot judge its language level."),
    "too_short": N_("This text is too short to judge: the check needs at least %(limit)d words."),
}

VERDICTS = {
    True: N_("This letter meets the B1 counts."),
    False: N_("This letter does not meet B1 yet."),
    None: N_("The check cannot judge this text."),
}

NOT_DUTCH = N_("This text does not look Dutch.")

LIMITS = (
    N_("This check counts things that make a letter hard to read: long sentences, officialese from the list, "
       "words that are rare in Dutch, long words, passive verbs and nouns made from verbs. "
       "The reading ease is the Flesch-Douma score."),
    N_("It does not understand the letter. It does not analyse sentence structure as LiNT, the government's "
       "readability tool, does: it guesses passive verbs and nouns from word endings, and it finds only the "
       "officialese on the list. It can miss a hard sentence and mark a good one."),
    N_("Names, numbers, references, e-mail addresses and web addresses are not checked. A word that is common in "
       "Dutch can still be unknown to a reader, and a rare word can be clear in its sentence."),
    N_("B1 here means: the letter stays within these counts. It does not prove that residents will understand it. "
       "For important letters, ask a colleague or a resident to read them."),
)
