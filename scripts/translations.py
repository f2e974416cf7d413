"""The Chinese edition (issue 14): refresh the translation catalogs, report on them, build the pages.

    python scripts/translations.py pot      # `make pot`: catalogs from the English pages, then a report
    python scripts/translations.py stat     # per catalog: translated, fuzzy, untranslated
    python scripts/translations.py check [FILE.po ...]  # what a translation lost: markup, math, code, numbers
    python scripts/translations.py chinese  # _build/html/zh_CN/ from the notebooks `make book` executed

The English words of every page (markdown cells: headings, paragraphs, list items, admonitions,
table cells; never code or outputs) are gettext messages, one catalog per page in
``locales/zh_CN/LC_MESSAGES/``. After an English edit, ``pot`` updates the catalogs: a changed
paragraph becomes *fuzzy* (shown in English until a translator reviews it), a new one
*untranslated*. An entry that is pure math or code is translated as itself and carries the
translator comment ``UNTRANSLATABLE`` (tests/test_translations.py checks both rules).
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from book_editions import build, source_tree  # noqa: E402
from stamp_notebooks import ROOT  # noqa: E402

LANGUAGE = "zh_CN"
LOCALES = ROOT / "locales"
CATALOGS = LOCALES / LANGUAGE / "LC_MESSAGES"
UNTRANSLATABLE = "UNTRANSLATABLE"
TITLE = "cnnlab — 动手学卷积神经网络"
AUTHOR = "cnnlab 作者团队"


@dataclass
class CatalogStatus:
    """How far one catalog is translated."""

    path: Path
    translated: int
    fuzzy: int
    untranslated: int

    @property
    def done(self) -> bool:
        return self.fuzzy == 0 and self.untranslated == 0


def catalogs(folder: Path = CATALOGS) -> list[Path]:
    """Every ``.po`` file of the book's pages (``book/``; not the theme's ``sphinx.po`` or
    ``booktheme.po`` beside it, which are written by hand)."""
    return sorted(folder.glob("book/*.po"))


def read_catalog(path: Path) -> Any:
    """A catalog as babel's ``Catalog`` (``message.string`` is the translation)."""
    from babel.messages.pofile import read_po

    with path.open("rb") as handle:
        return read_po(handle)


def write_catalog(path: Path, catalog: Any) -> None:
    """Write ``catalog`` back as sphinx-intl writes it (no line wrapping: a round trip changes nothing)."""
    from babel.messages.pofile import write_po

    with path.open("wb") as handle:
        write_po(handle, catalog, width=0)


def status(path: Path) -> CatalogStatus:
    """Count the catalog's messages: translated, fuzzy and untranslated (the header not counted)."""
    catalog = read_catalog(path)
    translated = fuzzy = untranslated = 0
    for message in catalog:
        if not message.id:
            continue
        if message.fuzzy:
            fuzzy += 1
        elif message.string:
            translated += 1
        else:
            untranslated += 1
    return CatalogStatus(path, translated, fuzzy, untranslated)


def report(folder: Path = CATALOGS) -> bool:
    """Print each catalog's counts; True when every message is translated and none is fuzzy."""
    statuses = [status(path) for path in catalogs(folder)]
    for entry in statuses:
        mark = "ok" if entry.done else "TODO"
        print(f"{mark:4} {entry.path.relative_to(folder)}: {entry.translated} translated, "
              f"{entry.fuzzy} fuzzy, {entry.untranslated} untranslated")
    total = sum(entry.translated + entry.fuzzy + entry.untranslated for entry in statuses)
    done = sum(entry.translated for entry in statuses)
    print(f"{done}/{total} messages translated ({100 * done / max(total, 1):.1f} %)")
    return all(entry.done for entry in statuses)


CJK = re.compile(r"[\u4e00-\u9fff]")
NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
DISPLAY_MATH = re.compile(r"\\[a-zA-Z]+")  # a LaTeX command outside $…$: the message is a $$ block
LIST_MARKER = re.compile(r"^\s*(?:\d+[.)]|[-*+])(?:\s|$)")  # would turn the msgstr into a list


def _markdown() -> Any:
    from markdown_it import MarkdownIt
    from mdit_py_plugins.dollarmath import dollarmath_plugin
    from mdit_py_plugins.myst_role import myst_role_plugin

    return MarkdownIt("commonmark").use(dollarmath_plugin).use(myst_role_plugin).enable("table")


def markup(text: str, parser: Any = None) -> tuple[Counter, set[str]]:
    """What a translation must keep of ``text``: its markup (bold, italics, links with their
    targets, inline code, math, roles with their targets, as a multiset) and the numbers in its prose.

    >>> kept, numbers = markup("The **stride** $s$ of `nn.Conv2d` is 2 ({ref}`see <stride>`)")
    >>> sorted(kept.elements())
    ['code:nn.Conv2d', 'math:s', 'role:ref:stride', 'strong']
    >>> numbers
    {'2'}
    """
    parser = parser or _markdown()
    kept: Counter = Counter()
    numbers: set[str] = set()

    def walk(tokens: list[Any]) -> None:
        for token in tokens:
            if token.type in ("strong_open", "em_open"):
                kept[token.type[:-5]] += 1
            elif token.type == "link_open":
                kept[f"link:{token.attrs.get('href')}"] += 1
            elif token.type in ("code_inline", "math_inline", "math_block", "math_inline_double"):
                kept[f"{token.type.split('_')[0]}:{token.content.strip()}"] += 1
            elif token.type == "myst_role":
                target = re.search(r"<([^<>]+)>\s*$", token.content)
                kept[f"role:{token.meta.get('name')}:{target.group(1) if target else token.content}"] += 1
            elif token.type == "text":
                numbers.update(NUMBER.findall(token.content))
            if token.children:
                walk(token.children)

    walk(parser.parse(text))
    return kept, numbers


def problems(path: Path) -> list[str]:
    """What is wrong with a catalog's translations, one line per message (empty when all is well)."""
    catalog = read_catalog(path)
    parser = _markdown()
    found = []
    for message in catalog:
        if not message.id:
            continue
        source, target = str(message.id), str(message.string or "")
        untranslatable = any(UNTRANSLATABLE in comment for comment in message.user_comments)
        where = f"{path.name}: {source[:60]!r}"
        if message.fuzzy:
            found.append(f"{where}: fuzzy (review it, then remove the fuzzy flag)")
            continue
        if not target:
            found.append(f"{where}: not translated")
            continue
        if untranslatable:
            if target != source:
                found.append(f"{where}: marked {UNTRANSLATABLE} but translated differently")
            continue
        if DISPLAY_MATH.search(re.sub(r"`[^`]*`", "", source)) and "$" not in source:
            found.append(f"{where}: a display-math block (raw LaTeX): keep it as it is and mark it "
                         f"'# {UNTRANSLATABLE}' (a translated formula renders as an empty \\[ \\])")
            continue
        if target == source or not CJK.search(target):
            found.append(f"{where}: no Chinese in the translation (pure math or code? "
                         f"then add the translator comment '# {UNTRANSLATABLE}')")
        if LIST_MARKER.match(target):
            found.append(f"{where}: starts like a list item and would be dropped: escape it ('3\\. 填充')")
        (kept_source, numbers_source), (kept_target, numbers_target) = markup(source, parser), \
            markup(target, parser)
        if kept_source != kept_target:
            lost, added = kept_source - kept_target, kept_target - kept_source
            found.append(f"{where}: markup differs: lost {sorted(lost.elements())}, "
                         f"added {sorted(added.elements())} (bold next to Chinese punctuation needs "
                         f"the punctuation inside or a space outside)")
        if numbers_source - numbers_target:
            found.append(f"{where}: numbers missing: {sorted(numbers_source - numbers_target)}")
    return found


def refresh_catalogs(work: Path, locales: Path = LOCALES) -> None:
    """Extract the English messages (gettext builder, stored outputs) and update the catalogs
    in ``locales`` (tests/test_translations.py updates a copy to see whether they are current)."""
    source = source_tree(work / "src", ROOT, student=False)
    script = Path(sys.executable).with_name("jupyter-book")
    command = [str(script)] if script.exists() else [sys.executable, "-m", "jupyter_book"]
    subprocess.run([*command, "build", "--all", "--builder", "custom", "--custom-builder", "gettext",
                    "--path-output", str(work / "out"), str(source)], check=True,
                   stdout=subprocess.DEVNULL)
    templates = work / "out" / "_build" / "gettext"
    subprocess.run([sys.executable, "-m", "sphinx_intl", "update", "-p", str(templates),
                    "-d", str(locales), "-l", LANGUAGE, "-w", "0"], check=True, stdout=subprocess.DEVNULL)


def build_chinese(notebooks: Path, html: Path, work: Path) -> Path:
    """The Chinese edition from executed notebooks, into ``html`` (normally ``_build/html/zh_CN``)."""
    source = source_tree(work / "src", notebooks, student=False, edit=chinese_config)
    return build(source, html)


def chinese_config(config: dict) -> dict:
    """``_config.yml`` for the Chinese edition: language zh_CN, the Chinese title and author."""
    config["title"], config["author"] = TITLE, AUTHOR
    config.setdefault("sphinx", {}).setdefault("config", {})["language"] = LANGUAGE
    return config


def main() -> None:
    """The command line (see the module's docstring)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("command", choices=["pot", "stat", "check", "chinese"])
    parser.add_argument("catalogs", nargs="*", type=Path,
                        help="check: these .po files (default: all of locales/zh_CN)")
    parser.add_argument("--notebooks", type=Path, default=ROOT / "_build" / "jupyter_execute",
                        help="folder of the executed notebooks (chinese; default: what `make book` wrote)")
    parser.add_argument("--out", type=Path, default=ROOT / "_build" / "html" / LANGUAGE)
    args = parser.parse_args()
    work = ROOT / "_build" / "translations"
    shutil.rmtree(work, ignore_errors=True)
    if args.command == "pot":
        refresh_catalogs(work)
        report()
    elif args.command == "stat":
        sys.exit(0 if report() else 1)
    elif args.command == "check":
        found = [line for path in (args.catalogs or catalogs()) for line in problems(path)]
        print("\n".join(found) or "no problems")
        sys.exit(1 if found else 0)
    else:
        html = build_chinese(args.notebooks, args.out, work)
        print(f"Chinese edition: {html / 'index.html'}")
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
