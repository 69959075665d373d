"""`flask letters check PATH`: exit 0 with the verdict when the check ran, exit 2 with one line when it could not."""
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from portal.letters.cli import letters_cli, make_group
from portal.letters.documents import MAX_UPLOAD_BYTES

LETTERS = Path(__file__).parent / "letters"


def run(*args, group=letters_cli):
    return CliRunner().invoke(group, ["check", *map(str, args)])


def test_a_plain_letter_gives_json_with_the_verdict_score_sentences_and_issues():
    result = run(LETTERS / "b1_paspoort.txt", "--format", "json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["meets_b1"] is True and isinstance(data["score"], float)
    assert data["sentences"] and {"index", "text", "words", "issues"} <= set(data["sentences"][0])


def test_an_officialese_letter_still_exits_zero_and_names_its_officialese():
    result = run(LETTERS / "officialese_woz_beschikking.txt", "--format", "json")
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert data["meets_b1"] is False
    officialese = [issue for issue in data["issues"] if issue["kind"] == "officialese"]
    assert {"kind", "sentence", "text", "suggestion"} <= set(officialese[0])
    assert ("teneinde", "om") in {(issue["text"].lower(), issue["suggestion"]) for issue in officialese}


def test_the_text_format_shows_the_verdict_and_the_reasons():
    result = run(LETTERS / "officialese_bezwaar.txt")
    assert result.exit_code == 0
    assert result.stdout.startswith("verdict: not_b1") and "Officialese: " in result.stdout


def test_a_docx_letter_is_read_and_checked(tmp_path):
    import docx

    document = docx.Document()
    for line in (LETTERS / "b1_parkeervergunning.txt").read_text().split("\n\n"):
        document.add_paragraph(line)
    document.save(tmp_path / "brief.docx")
    result = run(tmp_path / "brief.docx", "--format", "json")
    assert result.exit_code == 0 and json.loads(result.stdout)["meets_b1"] is True


def test_the_officialese_list_can_come_from_elsewhere(tmp_path):
    (tmp_path / "brief.txt").write_text("Wij sturen u de brief morgen. Het formulier vult u in. " * 4)
    group = make_group(lambda: {"formulier": "papier"})
    data = json.loads(run(tmp_path / "brief.txt", "--format", "json", group=group).stdout)
    assert {(issue["text"], issue["suggestion"]) for issue in data["issues"] if issue["kind"] == "officialese"} == {
        ("formulier", "papier")}


@pytest.mark.parametrize("name, content, says", [
    ("leeg.txt", b"", "This file has no text."),
    ("brief.docx", b"Dit is gewoon tekst, geen Word-bestand.", "not a real Word"),
    ("groot.txt", b"a" * (MAX_UPLOAD_BYTES + 1), "larger than 2 MB"),
    ("kapot.pdf", b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 9 0 R >> endobj\n%%EOF", "cannot be read"),
    ("brief.rtf", b"{\\rtf1 Beste}", "cannot be checked"),
])
def test_an_unreadable_file_exits_two_with_one_line_and_no_traceback(tmp_path, name, content, says):
    (tmp_path / name).write_bytes(content)
    result = run(tmp_path / name, "--format", "json")
    assert result.exit_code == 2
    assert result.stdout == ""
    assert says in result.stderr and result.stderr.count("\n") == 1 and "Traceback" not in result.stderr


def test_a_missing_path_exits_two_with_one_line(tmp_path):
    result = run(tmp_path / "bestaat-niet.txt")
    assert result.exit_code == 2
    assert "No such file or directory" in result.stderr and result.stderr.count("\n") == 1
