"""The B1 check of a letter: every sentence marked, the Flesch-Douma reading ease, and a verdict with reasons.

    from portal.letters.analysis import analyse
    result = analyse(text)                      # the seed officialese list
    result = analyse(text, {"middels": "met"})  # the admins' list from the database
    result.meets_b1, result.as_json()

Pure Python: no Flask, no database, no network. See wording.LIMITS for what it cannot do.

The verdict: a letter meets B1 when its reading ease is at least MIN_SCORE and no kind of problem occurs more often
than its limit in MAX_PER_100_WORDS. Why these numbers:

- Flesch-Douma 60 is the lower end of "normal" text on Douma's scale (60-70 normaal, 70-80 vrij makkelijk).
  Measured on tests/letters/: the B1 letters score 84-91, the officialese ones 42-46, so 60 leaves room on both
  sides (Dutch reading-ease scores run high for letters of short everyday words).
- Long sentences (over 20 words): 1 per 100 words, one or two in a one-page letter; B1 guides allow the odd one.
- Officialese: 0.5 per 100 words, one or two in a page; the list is strict ("echter", "indien"). The officialese
  letters measure 8-9 per 100 words, the B1 ones 0-0.3.
- Rare words: 2 per 100; a letter may need a few terms (bezwaarschrift) if it explains them (B1 letters: 0-0.6,
  officialese: 0.8-2.6, not counting the rare words that are officialese and marked as such).
- Long words (5 syllables or more): 3 per 100; Dutch compounds are long by nature (afvalinzameling) (B1: 0-0.6,
  officialese 1.8-3.5).
- Passive verbs: 1.5 per 100; B1 allows a passive now and then, not as the letter's voice (B1: 0, officialese 2-3).
- Nouns made from verbs: 1 per 100 (B1: 0-0.3, officialese 0.8-2.1).

Below MIN_WORDS_TO_JUDGE words, or when the text does not look Dutch, the verdict is "cannot_judge".
"""
from dataclasses import dataclass, field

from portal.letters import checks, vocabulary
from portal.letters.officialese_seed import OFFICIALESE
from portal.letters.sentences import split_sentences
from portal.letters.wording import LIMITS, NOT_DUTCH, REASONS, VERDICTS

MIN_SCORE = 60.0
MAX_PER_100_WORDS = {
    "long_sentence": 1.0,
    "officialese": 0.5,
    "rare_word": 2.0,
    "long_word": 3.0,
    "passive": 1.5,
    "nominalisation": 1.0,
}
MIN_WORDS_TO_JUDGE = 20
# The language check: below this share of Dutch-looking words the text is not Dutch (B1 and plain Dutch letters
# measure 0.99-1.0, the English sample 0.16), nor below this share of Dutch function words (letters 0.40-0.46,
# English, German and French samples 0.00-0.03); fewer than MIN_WORDS_FOR_LANGUAGE words say nothing.
MIN_DUTCH_SHARE = 0.6
MIN_FUNCTION_WORD_SHARE = 0.15
MIN_WORDS_FOR_LANGUAGE = 8


@dataclass
class SentenceReport:
    """One sentence: its number, text, word count and the issues found in it."""

    index: int
    text: str
    words: int
    issues: list = field(default_factory=list)

    def as_json(self):
        """A plain dict: index, text, words and issues."""
        return {"index": self.index, "text": self.text, "words": self.words,
                "issues": [issue.as_json() for issue in self.issues]}


@dataclass
class Reason:
    """Why a letter is not B1 (or cannot be judged): a kind, how often it occurs and the limit it passed."""

    kind: str
    count: int = 0
    rate: float = 0.0
    limit: float = 0.0
    message: str = ""
    params: dict = field(default_factory=dict)

    def as_json(self):
        """A plain dict: kind, count, rate per 100 words, limit and the English message with its source."""
        return {"kind": self.kind, "count": self.count, "rate": self.rate, "limit": self.limit,
                "message": self.message % self.params, "message_source": self.message, "params": dict(self.params)}


@dataclass
class LanguageCheck:
    """Whether the text looks Dutch: the shares of its words that read as Dutch and that are Dutch function words."""

    dutch: bool
    share: float
    function_word_share: float
    checked_words: int

    def as_json(self):
        """A plain dict: dutch, share, function_word_share, checked_words, and a message when it is not Dutch."""
        return {"dutch": self.dutch, "share": self.share, "function_word_share": self.function_word_share,
                "checked_words": self.checked_words, "message": None if self.dutch else NOT_DUTCH}


@dataclass
class Analysis:
    """The whole check of one text; `verdict` is "b1", "not_b1" or "cannot_judge" (then meets_b1 is False)."""

    meets_b1: bool
    verdict: str
    score: float
    words: int
    syllables: int
    sentences: list
    issues: list
    reasons: list
    language: LanguageCheck
    counts: dict

    def as_json(self):
        """A JSON-ready dict: meets_b1, verdict, score, words, sentences, issues, reasons, counts, language, limits."""
        judged = {"b1": True, "not_b1": False}.get(self.verdict)
        return {
            "meets_b1": self.meets_b1, "verdict": self.verdict, "verdict_text": VERDICTS[judged],
            "score": self.score, "words": self.words, "syllables": self.syllables,
            "sentence_count": len(self.sentences),
            "sentences": [sentence.as_json() for sentence in self.sentences],
            "issues": [issue.as_json() for issue in self.issues],
            "reasons": [reason.as_json() for reason in self.reasons],
            "counts": dict(self.counts), "language": self.language.as_json(), "limits": list(LIMITS),
        }


def normalise_officialese(officialese):
    """The officialese dict as a sorted tuple of (lower-case phrase, plain) pairs, whitespace collapsed."""
    pairs = OFFICIALESE if officialese is None else officialese.items()
    return tuple(sorted({" ".join(phrase.lower().split()): plain.strip() for phrase, plain in pairs}.items()))


def flesch_douma(words, sentences, syllables, alphabetic_words):
    """Flesch-Douma reading ease: 206.835 - 0.93 x words per sentence - 77 x syllables per word, rounded to 1.

    Sentence length counts every token a reader reads (numbers and references too); word length is taken over
    the words made of letters, as a number or a web address has no syllables in writing.
    """
    if not sentences or not alphabetic_words:
        return 0.0
    return round(206.835 - 0.93 * (words / sentences) - 77 * (syllables / alphabetic_words), 1)


def names_in(sentences):
    """Words the letter writes with a capital inside a sentence: names (Jansen, Dronten, Belastingdienst)."""
    return {token.text for sentence in sentences for token in sentence.tokens[1:]
            if token.is_word and token.text[0].isupper()}


def check_language(sentences, names):
    """Whether the text reads as Dutch: most ordinary words Dutch-looking (vocabulary.looks_dutch) and enough
    Dutch function words among all words; too few words count as Dutch."""
    words = [word for sentence in sentences for _, word in checks.checkable_words(sentence, names)]
    if len(words) < MIN_WORDS_FOR_LANGUAGE:
        return LanguageCheck(True, 1.0, 1.0, len(words))
    share = sum(vocabulary.looks_dutch(word) for word in words) / len(words)
    every = [token.text.lower() for sentence in sentences for token in sentence.tokens if token.is_word]
    glue = sum(word in vocabulary.DUTCH_FUNCTION_WORDS for word in every) / len(every)
    dutch = share >= MIN_DUTCH_SHARE and glue >= MIN_FUNCTION_WORD_SHARE
    return LanguageCheck(dutch, round(share, 2), round(glue, 2), len(words))


def sentence_issues(sentence, names, pattern, plain):
    """All issues of one sentence, in the order of the kinds and then of their place."""
    official = checks.officialese(sentence, pattern, plain)
    # A word inside officialese is marked once, as officialese, with its plain alternative.
    words = [issue for issue in checks.rare_words(sentence, names) + checks.long_words(sentence, names)
             if not any(mark.start <= issue.start and issue.end <= mark.end for mark in official)]
    return (checks.long_sentence(sentence) + official + words
            + checks.passive(sentence) + checks.nominalisations(sentence, names))


def verdict_reasons(score, counts, words):
    """The reasons a letter is not B1: the score and every kind of problem over its limit per 100 words."""
    reasons = []
    if score < MIN_SCORE:
        reasons.append(Reason("score", 0, score, MIN_SCORE, REASONS["score"], {"value": score, "limit": MIN_SCORE}))
    for kind, limit in MAX_PER_100_WORDS.items():
        rate = round(100 * counts[kind] / words, 1)
        if rate > limit:
            params = {"count": counts[kind], "rate": rate, "limit": limit}
            reasons.append(Reason(kind, counts[kind], rate, limit, REASONS[kind], params))
    return reasons


def cannot_judge(language, words):
    """The reason the text cannot be judged (not Dutch, too short), or None."""
    if not language.dutch:
        return Reason("not_dutch", message=REASONS["not_dutch"])
    if words < MIN_WORDS_TO_JUDGE:
        return Reason("too_short", words, 0.0, MIN_WORDS_TO_JUDGE, REASONS["too_short"],
                      {"limit": MIN_WORDS_TO_JUDGE})
    return None


def analyse(text: str, officialese: dict[str, str] | None = None) -> Analysis:
    """Check a letter for B1: issues per sentence, the Flesch-Douma score and the verdict with its reasons.

    `officialese` maps phrases to plain alternatives (matched case-insensitively, as whole words); None means the
    seed list in portal.letters.officialese_seed.
    """
    pairs = normalise_officialese(officialese)
    pattern, plain = checks.officialese_pattern(pairs), dict(pairs)
    sentences = split_sentences(text or "")
    names = names_in(sentences)
    reports, issues = [], []
    for sentence in sentences:
        found = sentence_issues(sentence, names, pattern, plain)
        reports.append(SentenceReport(sentence.index, sentence.text, sentence.words, found))
        issues.extend(found)
    words = sum(sentence.words for sentence in sentences)
    alphabetic = [token.text for sentence in sentences for token in sentence.tokens if token.is_word]
    syllables = sum(vocabulary.syllables(word) for word in alphabetic)
    score = flesch_douma(words, len(sentences), syllables, len(alphabetic))
    counts = {kind: 0 for kind in MAX_PER_100_WORDS}
    for issue in issues:
        counts[issue.kind] += 1
    language = check_language(sentences, names)
    refusal = cannot_judge(language, words)
    reasons = [refusal] if refusal else verdict_reasons(score, counts, words)
    verdict = "cannot_judge" if refusal else ("not_b1" if reasons else "b1")
    return Analysis(verdict == "b1", verdict, score, words, syllables, reports, issues, reasons, language, counts)
