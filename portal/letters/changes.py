"""What changed between two versions of a letter, and where to mark problems in a sentence: plain data that the
page turns into <ins>, <del> and <mark> elements (no HTML here; Jinja escapes every piece once).

The comparison is by line, and within a changed line by word (difflib), so a reader sees the words that changed
without relying on colour: removed text is a "delete" piece, added text an "insert" piece.
"""
import difflib
import re

_TOKENS = re.compile(r"\s+|[^\s]+")
# Issues marked inside the sentence: the words themselves. A problem of the whole sentence (its length) or one
# that spans many words is listed under the sentence instead of marked.
MARKED_KINDS = ("officialese", "rare_word", "long_word", "passive", "nominalisation")
MAX_MARK_CHARACTERS = 40


def _words(old, new):
    """Pieces of one changed line: ("equal" | "delete" | "insert", text)."""
    before, after = _TOKENS.findall(old), _TOKENS.findall(new)
    pieces = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, before, after, autojunk=False).get_opcodes():
        if tag == "equal":
            pieces.append(("equal", "".join(before[i1:i2])))
            continue
        if tag in ("delete", "replace"):
            pieces.append(("delete", "".join(before[i1:i2])))
        if tag in ("insert", "replace"):
            pieces.append(("insert", "".join(after[j1:j2])))
    return pieces


def compare(old_text, new_text):
    """The changes from one version to the next: a list of lines, each a list of (kind, text) pieces."""
    old_lines, new_lines = old_text.split("\n"), new_text.split("\n")
    lines = []
    matcher = difflib.SequenceMatcher(None, old_lines, new_lines, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            lines.extend([[("equal", line)] for line in old_lines[i1:i2]])
        elif tag == "replace" and i2 - i1 == j2 - j1:
            lines.extend(_words(old, new) for old, new in zip(old_lines[i1:i2], new_lines[j1:j2], strict=True))
        else:
            lines.extend([[("delete", line)] for line in old_lines[i1:i2]])
            lines.extend([[("insert", line)] for line in new_lines[j1:j2]])
    return lines


def count_changes(lines):
    """How many pieces were removed and added."""
    return sum(1 for line in lines for kind, _ in line if kind != "equal")


def segments(sentence):
    """A sentence (from Analysis.as_json()) cut into pieces: (text, issue number or None). Issue numbers count the
    sentence's issues from 1; marks never overlap (the first found wins, officialese before the rest)."""
    text = sentence["text"]
    marks = []
    for number, issue in enumerate(sentence["issues"], start=1):
        start, end = issue.get("start", 0), issue.get("end", 0)
        if issue["kind"] not in MARKED_KINDS or not 0 <= start < end <= len(text) or end - start > MAX_MARK_CHARACTERS:
            continue
        if all(end <= other_start or start >= other_end for other_start, other_end, _ in marks):
            marks.append((start, end, number))
    pieces, place = [], 0
    for start, end, number in sorted(marks):
        if start > place:
            pieces.append((text[place:start], None))
        pieces.append((text[start:end], number))
        place = end
    if place < len(text):
        pieces.append((text[place:], None))
    return pieces
