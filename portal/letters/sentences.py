"""A Dutch letter cut into sentences and words: abbreviations, numbers, dates, lists and salutations kept whole."""
import re
from dataclasses import dataclass, field

# Abbreviations that end in a full stop without ending the sentence ("bijv. een", "dhr. Jansen", "nr. 12").
ABBREVIATIONS = frozenset("""
a.s. aanv. adv. afd. afz. alg. art. bijv. bijl. blz. bv. c.q. ca. d.d. d.m.v. d.w.z. dhr. dr. drs. e.a. e.d.
e.e.a. e.v. enz. etc. evt. excl. fa. fig. geb. i.c.m. i.o.v. i.p.v. i.s.m. i.v.m. incl. ing. ir. jhr. jl. jr.
m.a.w. m.b.t. m.b.v. m.i.v. m.u.v. max. mevr. min. mr. mw. n.a.v. n.v.t. nl. nr. o.a. o.b.v. o.i.d. o.l.v. p.a.
p.p. prof. red. resp. s.v.p. sr. st. t.a.v. t.b.v. t.g.v. t.o.v. t.w. t.z.t. tel. vgl. vs. z.o.z. z.s.m. zgn.
""".split())
# Of those, the ones a sentence often ends with: a capital after them starts a new sentence.
MAY_END_SENTENCE = frozenset("enz. etc. e.d. e.a. e.e.a. z.s.m. t.z.t. o.i.d. n.v.t.".split())
SALUTATION = re.compile(
    r"^\s*(geachte|beste|hallo|lieve|dag|aan|dear|hoogachtend|met\s+vriendelijke\s+groet(en)?|"
    r"vriendelijke\s+groet(en)?|met\s+een\s+vriendelijke\s+groet)\b", re.IGNORECASE)
LIST_MARKER = re.compile(r"^\s*(?:[-–—•*▪·◦]|\(?\d{1,2}[.)]|\(?[a-z][.)])\s+")
_SENTENCE_END = re.compile(r"[.!?]+[\"'”’)\]]*(?=\s+|$)")
_AT_END = re.compile(r"\s*\Z")
_NEXT_STARTS_SENTENCE = re.compile(r"\s+[\"'“‘(\[]*[A-ZÀ-Þ0-9]|\s*$")

_TOKEN = re.compile(r"""
    (?P<url>(?:https?://|www\.)[^\s<>"]+[^\s<>".,;:!?)\]])
  | (?P<email>[\w.+-]{1,64}@[\w-]+(?:\.[\w-]+)+)
  | (?P<ref>(?=[A-Za-z0-9/-]{0,60}\d)[A-Za-z][A-Za-z0-9-]*(?:/[A-Za-z0-9-]+)+)
  | (?P<abbr>(?:[^\W\d_]{1,3}\.){2,})
  | (?P<number>\d+(?:[.,:/-]\d+)*(?:[^\W\d_]{1,2}\b)?)
  | (?P<word>[^\W\d_][^\W_]*(?:['’-][^\W_]+)*)
""", re.VERBOSE)


@dataclass(frozen=True)
class Token:
    """One word-like piece of a sentence: its text, kind (word, number, ref, url, email, abbr) and place."""

    text: str
    kind: str
    start: int
    end: int

    @property
    def is_word(self):
        return self.kind == "word"


@dataclass
class Sentence:
    """A sentence (or list item, heading, salutation): its number, text, place in the letter and tokens."""

    index: int
    text: str
    start: int
    tokens: list = field(default_factory=list)

    @property
    def words(self):
        return len(self.tokens)


def tokenize(text):
    """The word-like tokens of a text, in order; punctuation is left out."""
    return [Token(match.group(), match.lastgroup, match.start(), match.end()) for match in _TOKEN.finditer(text)]


def _ends_with_abbreviation(text, stop):
    """Whether the full stop at `stop` closes an abbreviation or an initial, and which one."""
    before = re.search(r"(\S+)$", text[max(0, stop - 40):stop])  # a window: no rescans of a long text
    if not before:
        return None
    chunk = before.group(1).lstrip("(\"'“‘").lower() + "."
    if chunk in ABBREVIATIONS:
        return chunk
    if re.fullmatch(r"[^\W\d_]\.", chunk) and before.group(1)[-1].isupper():
        return chunk  # an initial: "J. Jansen"
    return None


def _split_unit(unit):
    """(start, end) pairs of the sentences in one unit of text, split at . ! ? followed by a capital or the end."""
    pieces, begin = [], 0
    for match in _SENTENCE_END.finditer(unit):
        if not _NEXT_STARTS_SENTENCE.match(unit, match.end()):
            continue
        if match.group().startswith(".") and len(match.group().rstrip("\"'”’)]")) == 1:
            abbreviation = _ends_with_abbreviation(unit, match.start())
            if abbreviation and (abbreviation not in MAY_END_SENTENCE or _AT_END.match(unit, match.end())):
                continue
        pieces.append((begin, match.end()))
        begin = match.end()
    if unit[begin:].strip():
        pieces.append((begin, len(unit)))
    return pieces


def _line_closes_unit(line, next_line):
    """Whether a line break ends a unit: before a list item, after a salutation, or before a capital
    when the line has no trailing comma (a heading, an address line)."""
    if not next_line.strip():
        return True
    if LIST_MARKER.match(next_line) or LIST_MARKER.match(line):
        return True
    if SALUTATION.match(line) and line.rstrip().endswith(","):
        return True
    starts_capital = re.match(r"\s*[\"'“‘(]*[A-ZÀ-Þ0-9]", next_line) is not None
    return starts_capital and not line.rstrip().endswith((",", "-"))


def _units(text):
    """(start, end) spans of the units of a text: paragraphs cut at list items, salutations and headings."""
    units, start, offset = [], None, 0
    lines = text.split("\n")
    for number, line in enumerate(lines):
        if start is None and line.strip():
            start = offset
        offset += len(line) + 1
        following = lines[number + 1] if number + 1 < len(lines) else ""
        if start is not None and _line_closes_unit(line, following):
            units.append((start, offset - 1))
            start = None
    return units


def split_sentences(text):
    """The sentences of a text, numbered from 0, each with its tokens (offsets within the sentence text).

    Dutch abbreviations (bijv., o.a., d.w.z., m.b.t., z.s.m., nr., art., dhr., mevr., e.d., t.a.v. …) and initials
    do not end a sentence, nor do full stops inside numbers, dates, references, addresses and URLs (1.500, 3,5,
    12.03.2026, www.dronten.nl). List items, salutations ("Geachte heer Jansen,") and headings are units of their own.
    """
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    sentences = []
    for unit_start, unit_end in _units(text):
        unit = text[unit_start:unit_end]
        marker = LIST_MARKER.match(unit)
        skip = marker.end() if marker else 0
        for begin, end in _split_unit(unit[skip:]):
            raw = unit[skip + begin:skip + end]
            body = " ".join(raw.split())
            tokens = tokenize(body)
            if not tokens:
                continue  # punctuation alone, a line of dashes
            start = unit_start + skip + begin + (len(raw) - len(raw.lstrip()))
            sentences.append(Sentence(len(sentences), body, start, tokens))
    return sentences
