"""The checks on one sentence: length, officialese, rare and long words, passive verbs and nouns made from verbs.

Each check reads a Sentence (portal.letters.sentences) and returns Issues. They look at words and word endings only,
without parsing the sentence, so each rule is one a person can follow and correct (see wording.LIMITS).
"""
import re
from dataclasses import dataclass, field
from functools import lru_cache

from portal.letters import vocabulary
from portal.letters.wording import ADVICE, EXPLANATIONS

LONG_SENTENCE_OVER = 20  # words: B1 guides (Gebruiker Centraal, Direct Duidelijk) keep sentences at 15-20 words
SHORT_LINE_WORDS = 4  # address lines, signatures, headings
LONG_WORD_FROM = 5  # syllables: "afvalinzameling" (6), "verantwoordelijkheid" (6); "informatie" (4) is fine
# A noun made from a verb is an everyday thing once it is this common ("woning" 4.77, "rekening" 4.79,
# "informatie" 5.45); rarer ones ("vaststelling", "inwerkingtreding") hide an action.
EVERYDAY_NOUN_FROM = 4.5
NOMINAL_ENDINGS = ("isatie", "atie", "ering", "heid", "ing")
AUXILIARIES = frozenset("wordt worden werd werden word geworden is zijn was waren ben bent".split())
# Participles of verbs that take "zijn" in the active voice ("is gekomen" is not passive), and nouns and
# adjectives that look like participles.
NOT_PASSIVE = frozenset("""
gekomen gegaan geweest gebleven geworden gebeurd gestorven verhuisd begonnen gestopt geslaagd gelukt mislukt
verschenen gevallen gestegen gedaald gegroeid overleden vertrokken verdwenen ontstaan opgegroeid teruggekomen
gebied gezond geduld gebod gewicht gezicht gedicht gevecht geslacht gerecht gerucht bericht verband bestand
verstand verbond beleid bereid gemeenten gebieden gevolgen gedachten gebouwen gesprekken gezinnen geluiden
gewichten gebreken gebeurtenissen gewoonten getallen geschenken gerechten gebruiken geven gelden geloven genieten
gebeuren genezen gewoon gemeen geschikt gemiddeld geleden geboren gewend genoeg verleden bekend besluit verschuldigd
geheugen verzoekt betreft verkoopt aangezien gelegen ontvangst
""".split())
STRONG_PARTICIPLES = frozenset("""
ontvangen verzonden beschreven besproken verkregen verboden verbonden bevonden vergeten ontnomen ontslagen
verworven vervallen bekeken bevroren verloren verdreven ontheven herschreven ondertekend onderzocht onderschreven
verzocht besloten bevolen verweten ontboden vertrokken
""".split())
SEPARABLE = "aan|af|bij|door|in|mee|na|om|onder|op|over|samen|tegen|terug|toe|uit|vast|voor|weg"
_GE_PARTICIPLE = re.compile(rf"^(?:{SEPARABLE})?ge(?P<core>[^\W\d_]{{2,}}(?:d|t|en|n))$")
_PREFIX_PARTICIPLE = re.compile(r"^(?:be|ver|ont|her|onder)[^\W\d_]{2,}[dt]$")
KOFSCHIP = ("p", "t", "k", "f", "s", "ch", "x")
PARTICIPLE_VERB_AT_LEAST = 2.5  # Zipf of the infinitive: a verb in everyday use
_NOMINAL_INFINITIVE = re.compile(r"\bhet\s+([^\W\d_]{4,}en)\s+van\b", re.IGNORECASE)


@dataclass
class Issue:
    """One problem in one sentence: its kind, the words found, a plainer alternative and an explanation."""

    kind: str
    sentence: int
    text: str
    suggestion: str
    start: int = 0
    end: int = 0
    explanation: str = ""
    params: dict = field(default_factory=dict)

    def as_json(self):
        """A plain dict for JSON: kind, sentence, text, suggestion, place (start, end) and the explanation."""
        return {"kind": self.kind, "sentence": self.sentence, "text": self.text, "suggestion": self.suggestion,
                "start": self.start, "end": self.end, "explanation": self.explanation % self.params,
                "explanation_source": self.explanation, "params": dict(self.params)}


def _issue(kind, sentence, found, start, end, suggestion=None, **params):
    params = {"found": found, **params}
    return Issue(kind, sentence.index, found, suggestion if suggestion is not None else ADVICE[kind], start, end,
                 EXPLANATIONS[kind], params)


def long_sentence(sentence):
    """The sentence itself when it has more than LONG_SENTENCE_OVER words."""
    if sentence.words <= LONG_SENTENCE_OVER:
        return []
    return [_issue("long_sentence", sentence, sentence.text, 0, len(sentence.text),
                   words=sentence.words, limit=LONG_SENTENCE_OVER)]


@lru_cache(maxsize=16)
def officialese_pattern(pairs):
    """One case-insensitive, whole-word pattern for a tuple of (phrase, plain) pairs; the longest phrase wins."""
    phrases = sorted({phrase for phrase, _ in pairs if phrase.strip()}, key=len, reverse=True)
    if not phrases:
        return None
    body = "|".join(r"\s+".join(re.escape(part) for part in phrase.split()) for phrase in phrases)
    return re.compile(rf"(?<![\w/-])(?:{body})(?![\w/-]|\.\w)", re.IGNORECASE)


def officialese(sentence, pattern, plain):
    """Every officialese phrase in the sentence, with its plain alternative as the suggestion."""
    if pattern is None:
        return []
    issues = []
    for match in pattern.finditer(sentence.text):
        key = " ".join(match.group().lower().split())
        issues.append(_issue("officialese", sentence, match.group(), match.start(), match.end(),
                             suggestion=plain.get(key, ""), plain=plain.get(key, "")))
    return issues


def checkable_words(sentence, names):
    """The sentence's ordinary words with their lower-case form: no numbers, references, addresses, abbreviations,
    acronyms, or names (a capital inside the sentence, a word the letter writes with a capital there, or a
    capital opening a short line without a full stop: an address, a signature, "Wold 17")."""
    short_line = sentence.words <= SHORT_LINE_WORDS and not sentence.text.endswith((".", "?", "!"))
    for position, token in enumerate(sentence.tokens):
        if not token.is_word or any(ch.isdigit() for ch in token.text):
            continue
        if token.text[0].isupper() and (position > 0 or short_line or token.text in names or token.text.isupper()):
            continue
        yield token, token.text.lower().replace("’", "'")


def rare_words(sentence, names):
    """Words rarer than vocabulary.RARE_BELOW on wordfreq's Dutch list that are no compound of common words."""
    return [_issue("rare_word", sentence, token.text, token.start, token.end)
            for token, word in checkable_words(sentence, names) if not vocabulary.is_known(word)]


def long_words(sentence, names):
    """Words of LONG_WORD_FROM syllables or more."""
    issues = []
    for token, word in checkable_words(sentence, names):
        count = vocabulary.syllables(word)
        if count >= LONG_WORD_FROM:
            issues.append(_issue("long_word", sentence, token.text, token.start, token.end, syllables=count))
    return issues


def _verb_exists(stem):
    """Whether a Dutch verb with this stem is common: stuur → sturen, stel → stellen, leef → leven, reis → reizen."""
    if len(stem) < 2:
        return False
    stems = {stem, stem[:-1] + {"f": "v", "s": "z"}.get(stem[-1], stem[-1])}
    candidates = set()
    for base in stems:
        candidates.update({base + "en", base + base[-1] + "en"})
        undoubled = re.sub(r"(aa|ee|oo|uu)(?=[^aeiou]$)", lambda m: m.group()[0], base)
        candidates.add(undoubled + "en")
    return any(vocabulary.zipf(candidate) >= PARTICIPLE_VERB_AT_LEAST for candidate in candidates)


def is_participle(word):
    """Whether a lower-case word looks like a past participle: ge…d/t/en, be-/ver-/ont-/her-/onder-…d/t.

    A final -t counts only after a 't kofschip' consonant (p, t, k, f, s, ch, x), as Dutch spelling has it:
    "gemaakt" is a participle, "betaalt" is the present tense of "betalen" (its participle is "betaald").
    A -d/-t word counts only when its verb is common ("verstuurd": versturen; "bezwaarschrift" has no verb).
    """
    if word in NOT_PASSIVE or word.endswith("heid"):
        return False
    if word in STRONG_PARTICIPLES:
        return True
    ge_form = _GE_PARTICIPLE.match(word)
    if not (ge_form or _PREFIX_PARTICIPLE.match(word)):
        return False
    if word.endswith("n"):
        return True  # only the ge- pattern lets -en and -n through; its look-alikes are in NOT_PASSIVE
    if word.endswith("t") and not word[:-1].endswith(KOFSCHIP):
        return False
    if ge_form:
        core = word[ge_form.start("core"):]
        prefix = word[:ge_form.start("core") - 2]
        stems = (core[:-1], core)
        return _verb_exists(word[:-1]) or any(_verb_exists(prefix + stem) or _verb_exists(stem) for stem in stems)
    return _verb_exists(word[:-1])


def passive(sentence):
    """A form of worden or zijn together with a past participle in the same sentence: one issue per participle."""
    words = [(token, token.text.lower()) for token in sentence.tokens if token.is_word]
    auxiliaries = [token for token, word in words if word in AUXILIARIES]
    if not auxiliaries:
        return []
    issues = []
    for token, word in words:
        if word not in AUXILIARIES and is_participle(word):
            helper = min(auxiliaries, key=lambda aux: abs(aux.start - token.start))
            first, last = sorted((helper, token), key=lambda t: t.start)
            found = f"{first.text} … {last.text}" if last.start > first.end + 1 else f"{first.text} {last.text}"
            issues.append(_issue("passive", sentence, found, first.start, last.end))
    return issues


def is_nominalisation(word):
    """Whether a lower-case word is a noun made from a verb or adjective (-ing, -heid, -atie) that is not an
    everyday word; short words ("ding", "ring") and the common ones ("woning", "informatie") do not count."""
    return (len(word) >= 7 and word.endswith(NOMINAL_ENDINGS)
            and vocabulary.zipf(word) < EVERYDAY_NOUN_FROM)


def nominalisations(sentence, names):
    """Two or more nouns made from verbs in one sentence (one issue), and each "het …en van" (the verb as a noun)."""
    found = [token for token, word in checkable_words(sentence, names) if is_nominalisation(word)]
    issues = []
    if len(found) >= 2:
        listed = ", ".join(token.text for token in found)
        issue = _issue("nominalisation", sentence, listed, found[0].start, found[-1].end)
        issues.append(issue)
    for match in _NOMINAL_INFINITIVE.finditer(sentence.text):
        issue = _issue("nominal_infinitive", sentence, match.group(), match.start(), match.end())
        issue.kind = "nominalisation"
        issues.append(issue)
    return issues
