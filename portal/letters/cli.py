"""`flask letters check PATH`: the B1 check of a letter file from the command line, as text or JSON.

Register it on the app with `app.cli.add_command(letters_cli)`. Exit 0 when the check ran (whatever the verdict),
2 with one line on stderr when the file cannot be read (missing, empty, too large, mistyped, damaged).
"""
import json
from pathlib import Path

import click

from portal.letters.analysis import analyse
from portal.letters.documents import MAX_UPLOAD_BYTES, DocumentRefused, read_document

UNREADABLE = 2


def seed_or_database_list():
    """The officialese pairs: portal.letters.wordlist.officialese_pairs() where that exists, else the seed list."""
    try:
        from portal.letters.wordlist import officialese_pairs
    except ModuleNotFoundError as missing:
        if missing.name != "portal.letters.wordlist":
            raise  # the module is there but broken: say so rather than quietly check against the seed list
        return None
    return dict(officialese_pairs())


def load(path):
    """The text of the file at `path`, or a ClickException-free exit 2 with one line on stderr."""
    file = Path(path)
    try:
        if file.stat().st_size > MAX_UPLOAD_BYTES:
            raise DocumentRefused("too_large")
        data = file.read_bytes()
        return read_document(file.name, data)
    except DocumentRefused as refusal:
        fail(f"{path}: {refusal.message}")
    except OSError as error:
        fail(f"{path}: {error.strerror or 'cannot be read'}")


def fail(line):
    """One line on stderr and exit code 2: the check did not run."""
    click.echo(line, err=True)
    raise SystemExit(UNREADABLE)


def as_text(result):
    """A short report for a terminal: verdict, score, reasons, then each sentence's issues."""
    data = result.as_json()
    lines = [f"verdict: {data['verdict']} (B1: {'yes' if data['meets_b1'] else 'no'}), reading ease {data['score']}"]
    lines += [f"  - {reason['message']}" for reason in data["reasons"]]
    for sentence in data["sentences"]:
        if sentence["issues"]:
            lines.append(f"[{sentence['index']}] {sentence['text']}")
            lines += [f"    {issue['kind']}: {issue['text']} -> {issue['suggestion']}" for issue in sentence["issues"]]
    return "\n".join(lines)


def make_group(officialese_source=seed_or_database_list):
    """The `letters` command group; `officialese_source` returns the phrase → plain dict (None: the seed list)."""

    @click.group("letters", help="Check outgoing letters for language level B1.")
    def group():
        pass

    @group.command("check")
    @click.argument("path", type=click.Path(dir_okay=False))
    @click.option("--format", "output", type=click.Choice(["text", "json"]), default="text", show_default=True)
    def check(path, output):
        """Check the letter in PATH (.txt, .docx, .odt or .pdf) and print the verdict and the issues."""
        result = analyse(load(path), officialese_source())
        if output == "json":
            click.echo(json.dumps(result.as_json(), ensure_ascii=False, indent=2))
        else:
            click.echo(as_text(result))

    return group


letters_cli = make_group()
