"""Dutch first, English second: every string in the code and templates has a Dutch translation."""
import subprocess
import sys
from pathlib import Path

from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent


def test_every_source_string_has_a_dutch_translation(tmp_path):
    pot = tmp_path / "messages.pot"
    subprocess.run(
        [sys.executable, "-m", "babel.messages.frontend", "extract", "-F", "babel.cfg", "-k", "_l", "-o", str(pot),
         "--no-location", "."],
        cwd=ROOT, check=True, capture_output=True,
    )
    with pot.open("rb") as source:
        wanted = {message.id for message in read_po(source) if message.id}
    with (ROOT / "translations/nl/LC_MESSAGES/messages.po").open("rb") as catalogue:
        dutch = {message.id: message for message in read_po(catalogue) if message.id}
    missing = sorted(str(m) for m in wanted if m not in dutch or not dutch[m].string or dutch[m].fuzzy)
    assert missing == [], f"{len(missing)} strings have no Dutch translation; run `make extract` and translate them"


def test_placeholders_survive_translation():
    with (ROOT / "translations/nl/LC_MESSAGES/messages.po").open("rb") as catalogue:
        for message in read_po(catalogue):
            if not message.id or not message.string:
                continue
            source = message.id if isinstance(message.id, str) else message.id[0]
            target = message.string if isinstance(message.string, str) else message.string[0]
            for part in source.split("%(")[1:]:
                name = part.split(")")[0]
                assert f"%({name})" in target, f"{source!r}: the Dutch text lost %({name})s"
