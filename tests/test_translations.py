"""The Chinese edition's catalogs (issue 14): complete, current, and faithful to the English.

``scripts/translations.py`` extracts the English words of every page into one gettext catalog
per page (``locales/zh_CN/LC_MESSAGES/book/``); these tests fail when a message is untranslated
or fuzzy, when the English changed since the catalogs were refreshed (``make pot``), or when a
translation lost the markup, math, code, link targets or numbers of its English.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from conftest import ROOT, toc_files
from translations import (
    CATALOGS,
    UNTRANSLATABLE,
    catalogs,
    problems,
    read_catalog,
    refresh_catalogs,
    status,
)

TERMS = ROOT / "locales" / "terms.csv"


def test_every_page_has_a_catalog() -> None:
    pages = {f"{name}.po" for name in toc_files()}
    assert {str(path.relative_to(CATALOGS)) for path in catalogs()} == pages


@pytest.mark.parametrize("path", catalogs(), ids=lambda path: path.stem)
def test_every_message_is_translated_and_keeps_its_markup(path: Path) -> None:
    entry = status(path)
    assert entry.done, f"{path.name}: {entry.untranslated} untranslated, {entry.fuzzy} fuzzy"
    found = problems(path)
    assert not found, "\n".join(found[:20])


def test_catalogs_hold_exactly_the_english_of_the_pages(tmp_path: Path) -> None:
    """Refreshing a copy of the catalogs from today's pages changes no message: no English
    paragraph was added or edited since the translation (run `make pot` after English edits)."""
    copy = tmp_path / "locales"
    shutil.copytree(ROOT / "locales", copy, ignore=shutil.ignore_patterns("*.mo"))
    refresh_catalogs(tmp_path / "work", copy)
    for path in catalogs():
        before = {message.id: message.string for message in read_catalog(path) if message.id}
        refreshed = read_catalog(copy / path.relative_to(ROOT / "locales"))
        after = {message.id: message.string for message in refreshed if message.id}
        new = sorted(set(after) - set(before))
        assert not new, f"{path.name}: English not in the catalog yet (make pot): {new[:3]}"
        assert not [m.id for m in refreshed if m.id and m.fuzzy], f"{path.name}: fuzzy after make pot"
        obsolete = [message.id for message in refreshed.obsolete.values()]
        assert not obsolete, f"{path.name}: messages no page holds any more (make pot): {obsolete[:3]}"


def test_untranslatable_entries_are_math_or_code() -> None:
    """An entry marked UNTRANSLATABLE has no words to translate: only math, code, numbers, names."""
    for path in catalogs():
        for message in read_catalog(path):
            if message.id and any(UNTRANSLATABLE in c for c in message.user_comments):
                if "$" not in message.id and re.search(r"\\[a-zA-Z]+", message.id):
                    continue  # a display-math block: LaTeX, words in \text{} included
                # link targets, math, code and roles have no words to translate; the rest must not either
                prose = re.sub(r"\]\([^)]*\)|\$[^$]*\$|`[^`]*`|\{[a-z]+\}", " ", message.id)
                prose = re.sub(r"\d+|[^A-Za-z]+", " ", prose)
                words = [w for w in prose.split() if len(w) > 2 and w not in ("LeNet", "MNIST", "ReLU")]
                assert len(words) <= 2, f"{path.name}: {message.id!r} has words to translate"


def test_the_checker_catches_what_the_build_would_drop(tmp_path: Path) -> None:
    po = tmp_path / "page.po"
    po.write_text('msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=utf-8\\n"\n\n'
                  'msgid "3. Padding"\nmsgstr "3. 填充"\n\n'
                  'msgid "The **\\"same\\"** padding keeps $n$ at 28."\n'
                  'msgstr "文字**“same”**填充使 $n$ 保持不变。"\n\n'
                  'msgid "See [chapter 5](05_output_size.ipynb)."\nmsgstr "见第 5 章。"\n\n'
                  'msgid "A `Conv2d`"\nmsgstr ""\n', encoding="utf-8")
    found = "\n".join(problems(po))
    assert "list item" in found and "escape" in found
    assert "lost ['strong']" in found and "numbers missing: ['28']" in found
    assert "lost ['link:05_output_size.ipynb']" in found
    assert "not translated" in found


def test_the_term_list_is_one_row_per_term() -> None:
    import csv

    with TERMS.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    english = [row["english"] for row in rows]
    assert len(english) == len(set(english)), "a term is listed twice"
    for row in rows:
        assert row["chinese"].strip(), f"{row['english']}: no Chinese term"
        assert row["chapter"].isdigit() and 1 <= int(row["chapter"]) <= 10, row
