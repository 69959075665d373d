"""The letter check's speed: a two-page letter as .txt and .docx, read alone and read + analysed, and 40 pages.

    .venv/bin/python bench/letters_benchmark.py [--runs 7]

Builds its documents from the example letters in tests/letters/ (two pages: about 700 words; 40 pages: about
14,000 words, all eight letters repeated). Prints the first analysis in the process apart (it loads wordfreq's Dutch
and English lists and pyphen's dictionary, once per process), then the median of several runs of each case.
Goals: a two-page letter read and analysed within 300 ms, 40 pages within 5 s. Run by hand; not part of the tests.
"""
import argparse
import io
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import docx  # noqa: E402

from portal.letters import vocabulary  # noqa: E402
from portal.letters.analysis import analyse  # noqa: E402
from portal.letters.documents import read_document  # noqa: E402

LETTERS = ROOT / "tests" / "letters"
WORDS_PER_PAGE = 350


def as_docx(text):
    document = docx.Document()
    for block in text.split("\n\n"):
        document.add_paragraph(block)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def pages(count):
    """Text of about `count` pages: paragraphs of the example letters (Dutch ones only) one after another."""
    letters = [path.read_text() for path in sorted(LETTERS.glob("*.txt")) if not path.name.startswith("english")]
    paragraphs = [block for letter in letters for block in letter.split("\n\n")]
    chosen, words, index = [], 0, 0
    while words < count * WORDS_PER_PAGE:
        chosen.append(paragraphs[index % len(paragraphs)])
        words += len(chosen[-1].split())
        index += 1
    return "\n\n".join(chosen)


def median_ms(action, runs):
    timings = []
    for _ in range(runs):
        started = time.perf_counter()
        action()
        timings.append((time.perf_counter() - started) * 1000)
    return statistics.median(timings)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    runs = parser.parse_args().runs
    two = pages(2)
    forty = pages(40)
    files = {"two pages .txt": ("brief.txt", two.encode()), "two pages .docx": ("brief.docx", as_docx(two)),
             "40 pages .docx": ("bijlage.docx", as_docx(forty))}
    started = time.perf_counter()
    analyse(two)
    print(f"first analysis in this process (loads word lists): {(time.perf_counter() - started) * 1000:7.1f} ms")
    print(f"two pages: {len(two.split())} words; 40 pages: {len(forty.split())} words; medians of {runs} runs")
    for label, (name, data) in files.items():
        case_runs = runs if "two" in label else max(3, runs // 2)
        read = median_ms(lambda: read_document(name, data), case_runs)  # noqa: B023
        whole = median_ms(lambda: analyse(read_document(name, data)), case_runs)  # noqa: B023
        print(f"{label:16s} ({len(data) / 1024:6.0f} KB)  read alone {read:8.1f} ms   read + analyse {whole:8.1f} ms")
    print(f"40 pages as text: analyse alone {median_ms(lambda: analyse(forty), max(3, runs // 2)):8.1f} ms")
    fresh = median_ms(lambda: (clear_word_caches(), analyse(forty)), max(3, runs // 2))
    print(f"40 pages as text, word caches emptied before each run: {fresh:8.1f} ms")


def clear_word_caches():
    """Forget the per-word results (not the loaded lists), so no run profits from an earlier one."""
    for cached in (vocabulary.zipf, vocabulary.compound_parts, vocabulary.syllables):
        cached.cache_clear()


if __name__ == "__main__":
    main()
