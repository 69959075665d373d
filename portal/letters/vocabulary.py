"""Dutch words: how common they are (wordfreq), whether they are compounds of common words, and their syllables.

Both wordfreq's list and pyphen's dictionary ship inside their packages: nothing is fetched at run time. Each is
loaded once per process, on first use, and single words are cached, so a letter costs dictionary look-ups only.
"""
import re
from functools import lru_cache

# Zipf 3.0 is once per million words. On wordfreq 3.1.1's Dutch list the word form at rank 30,000 has Zipf 2.98
# (measured: rank 10,000 is 3.73, rank 20,000 3.28). Word forms count every inflection apart ("ontvangt" is at rank
# 3,000), so this line keeps the everyday vocabulary of a B1 reader on the known side (afspraak 4.77, paspoort 4.28,
# aanslag 4.52) and puts the words letters should explain or avoid below it (onverwijld 2.53, aanvrager 2.62,
# gehonoreerd 2.93, bewijsstukken 2.92).
RARE_BELOW = 3.0
# A compound counts as known when each part is at least this common (kliko-like brand words stay rare).
COMPOUND_PART_AT_LEAST = 3.3
# A word counts as English rather than Dutch when it is ten times (one Zipf step) more common in English.
ENGLISH_MARGIN = 1.0

# Dutch function words, the glue of every Dutch sentence: 40-46% of the words of the example letters, 0-3% of
# the English, German and French samples (whose own "die", "was", "in" are left out on purpose). wordfreq's Dutch
# list alone knows too many German and French words (web text mixes languages) to tell those apart.
DUTCH_FUNCTION_WORDS = frozenset("""
de het een en van op te dat niet u uw wij we voor met zijn er aan om ook als bij naar hebben heeft kunt wordt
worden deze dit ons onze je jij ik hij zij ze nog maar dan geen wel tot uit door moet moeten kan kunnen zal hoe
waar wanneer omdat hier daar meer veel alle andere wie wat
""".split())

VOWELS = "aeiouyáéíóúàèìòùâêîôûäëïöü"
# Dutch vowel sounds written with two or three letters; each is one syllable's nucleus. Longest first.
NUCLEI = (  # 'ai' is one in mail, detail (maïs writes its two with a diaeresis)
    "aai", "ooi", "oei", "eeu", "ieu", "aa", "ai", "ee", "oo", "uu", "ie", "ei", "ij", "ui", "au", "ou", "oe", "eu")
_VOWEL_RUN = re.compile(rf"ij|[{VOWELS}]+")
_DIAERESIS_SPLIT = re.compile("(?=[äëïöü])")
_PLAIN_VOWEL = str.maketrans("äëïöü", "aeiou")


@lru_cache(maxsize=1)
def _wordfreq():
    import wordfreq

    return wordfreq


@lru_cache(maxsize=1)
def _hyphenator():
    import pyphen

    return pyphen.Pyphen(lang="nl_NL")


@lru_cache(maxsize=65536)
def zipf(word, language="nl"):
    """How common a (lower-case) word is in a language, on wordfreq's Zipf scale (0 = not in the list, 7 = 'de')."""
    return _wordfreq().zipf_frequency(word, language)


@lru_cache(maxsize=65536)
def compound_parts(word):
    """The two common words a rare Dutch compound is made of ('milieu', 'straat'), or None.

    Tries every split with at least three letters a side; the first part may carry a linking s ('gemeentes')
    or be a verb stem ('parkeer' + en). Explainable, and good enough to keep everyday compounds off the rare list.
    """
    for cut in range(3, len(word) - 2):
        head, tail = word[:cut], word[cut:]
        if zipf(tail) < COMPOUND_PART_AT_LEAST:
            continue
        heads = (head, head[:-1] if head.endswith("s") else head, head + "en")
        if any(zipf(candidate) >= COMPOUND_PART_AT_LEAST for candidate in heads if len(candidate) >= 3):
            return head, tail
    return None


def is_known(word):
    """Whether a lower-case Dutch word is common enough for a B1 reader (by itself, by its parts if hyphenated,
    or as a compound of two common words)."""
    if zipf(word) >= RARE_BELOW:
        return True
    if "-" in word:
        return all(is_known(part) for part in word.split("-") if part)
    return len(word) >= 8 and compound_parts(word) is not None


def looks_english(word):
    """Whether a lower-case word is much more common in English than in Dutch ('the', 'please', 'your')."""
    return zipf(word, "en") > zipf(word) + ENGLISH_MARGIN


def looks_dutch(word):
    """Whether a lower-case word reads as Dutch: on the Dutch list or a Dutch compound, and not plainly English."""
    return not looks_english(word) and (zipf(word) >= 2.0 or is_known(word))


def vowel_nuclei(word):
    """The syllables of a Dutch word counted by its vowel sounds: 'aa', 'ij', 'oei' are one, 'ua' in januari two,
    and a diaeresis starts a new one ('ideeën', 'beëindigen': be-ein-di-gen)."""
    count = 0
    for match in _VOWEL_RUN.finditer(word.lower()):
        for run in _DIAERESIS_SPLIT.split(match.group()):
            run = run.translate(_PLAIN_VOWEL)
            while run:
                run = run[next((len(n) for n in NUCLEI if run.startswith(n)), 1):]
                count += 1
    return count


@lru_cache(maxsize=65536)
def syllables(word):
    """The number of syllables of a word: the larger of pyphen's hyphenation count and the vowel-sound count.

    pyphen's nl_NL dictionary places hyphens, and a hyphen never leaves one letter alone at either end: 'idee',
    'via' and 'Eva' come out as one piece, 'radio' as two. Counting vowel sounds fixes that but merges a few
    vowel pairs that are two syllables ('museum'), which pyphen does split: so the larger count wins
    (measured on 48 words in tests/test_letters_analysis.py).
    """
    parts = [part for part in word.lower().split("-") if part]
    total = 0
    for part in parts:
        by_hyphens = len(_hyphenator().positions(part)) + 1
        total += max(by_hyphens, vowel_nuclei(part), 1)
    return max(total, 1)


def pyphen_syllables(word):
    """pyphen's count alone (hyphenation points + 1 per hyphen-separated part), kept for the measurement."""
    parts = [part for part in word.lower().split("-") if part]
    return sum(len(_hyphenator().positions(part)) + 1 for part in parts) or 1
