"""Stamp every chapter listed in _toc.yml: a setup cell at the top, a ``solution`` tag on each solution.

The setup cell lets a chapter run where ``cnnlab`` is not installed (Colab, a plain Jupyter):
it does nothing when ``import cnnlab`` works, and otherwise pip-installs the package from the
repository (``repository.url`` in _config.yml, the one place the address is written) at one
git ref, keeping the torch that is already installed. The ref is ``repository.branch`` unless
``--ref`` names another; the Pages workflow passes the commit it builds, so a published page
installs the package it was built from.

A solution is found by one rule, which holds for every chapter written the book's way: the
markdown cell whose text starts with ``**Solution**``, and the run of cells tagged
``hide-cell`` (collapsed) right after it. Each gets the tag ``solution``; the code cells keep
``hide-cell``. ``make student`` removes every ``solution`` cell.

Running the script twice changes nothing the second time; ``--check`` changes nothing and
exits 1 if a notebook would change.

    python scripts/stamp_notebooks.py [--ref COMMIT] [--check] [notebooks ...]
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
SETUP_ID = "cnnlab-setup"
SOLUTION_TAG = "solution"
SOLUTION_MARKER = "**Solution**"
SETUP_TEMPLATE = """\
# Setup: where cnnlab is missing (Colab, a new Jupyter), install the version of this book.
try:
    import cnnlab
except ImportError:
    import torch  # keep the torch that is installed (Colab's uses its GPU)
    %pip install -q "cnnlab @ git+{url}@{ref}" "torch=={{torch.__version__}}\""""


def book_config(root: Path = ROOT) -> dict:
    """_config.yml as a dictionary."""
    return yaml.safe_load((root / "_config.yml").read_text(encoding="utf-8"))


def toc_pages(root: Path = ROOT) -> list[str]:
    """Every page _toc.yml lists, the root first, as paths without extension (``book/intro``)."""
    toc = yaml.safe_load((root / "_toc.yml").read_text(encoding="utf-8"))
    names = [toc["root"]]

    def walk(entries: list[dict]) -> None:
        for entry in entries:
            if "file" in entry:
                names.append(entry["file"])
            for key in ("parts", "chapters", "sections"):
                walk(entry.get(key, []))

    walk(toc.get("parts", []) + toc.get("chapters", []))
    return [Path(name).with_suffix("").as_posix() for name in names]


def toc_notebooks(root: Path = ROOT) -> list[Path]:
    """Every notebook _toc.yml lists, in its order."""
    paths = [root / f"{name}.ipynb" for name in toc_pages(root)]
    return [path for path in paths if path.exists()]


def setup_source(url: str, ref: str) -> str:
    """The setup cell's code for the repository ``url`` at git ``ref``.

    >>> print(setup_source("https://github.com/me/cnnlab", "abc123").splitlines()[-1].strip())
    %pip install -q "cnnlab @ git+https://github.com/me/cnnlab@abc123" "torch=={torch.__version__}"
    """
    return SETUP_TEMPLATE.format(url=url.rstrip("/"), ref=ref)


def _tags(cell: dict) -> list[str]:
    return cell.setdefault("metadata", {}).setdefault("tags", [])


def _add_tag(cell: dict, tag: str) -> None:
    tags = _tags(cell)
    if tag not in tags:
        tags.append(tag)


def _text(cell: dict) -> str:
    source = cell.get("source", "")
    return "".join(source) if isinstance(source, list) else source


def solution_cells(notebook: dict) -> list[int]:
    """Indices of the solution cells: each ``**Solution**`` markdown cell and the ``hide-cell``
    cells right after it, plus any cell already tagged ``solution``.

    >>> md = lambda text: {"cell_type": "markdown", "source": text, "metadata": {}}
    >>> code = lambda text, tags=(): {"cell_type": "code", "source": text, "metadata": {"tags": list(tags)}}
    >>> solution_cells({"cells": [md("### Exercise 1"), code("answer = ..."), md("**Solution** (click)"),
    ...                           code("answer = 2", ["hide-cell"]), md("### Exercise 2")]})
    [2, 3]
    """
    found = []
    cells = notebook["cells"]
    for index, cell in enumerate(cells):
        if SOLUTION_TAG in cell.get("metadata", {}).get("tags", []):
            found.append(index)
        elif cell["cell_type"] == "markdown" and _text(cell).lstrip().startswith(SOLUTION_MARKER):
            found.append(index)
            after = index + 1
            while after < len(cells) and "hide-cell" in cells[after].get("metadata", {}).get("tags", []):
                found.append(after)
                after += 1
    return sorted(set(found))


def stamp(notebook: dict, url: str, ref: str) -> dict:
    """Put the setup cell after the title cell (or refresh it), and tag the solutions; in place."""
    cells = notebook["cells"]
    source = setup_source(url, ref).splitlines(keepends=True)  # lines, as Jupyter stores them
    existing = [cell for cell in cells if cell.get("id") == SETUP_ID]
    if existing:
        existing[0]["source"] = source
    else:
        title = next((i for i, cell in enumerate(cells)
                      if cell["cell_type"] == "markdown" and _text(cell).lstrip().startswith("# ")), -1)
        cells.insert(title + 1, {"cell_type": "code", "execution_count": None, "id": SETUP_ID,
                                 "metadata": {}, "outputs": [], "source": source})
        notebook["nbformat_minor"] = max(notebook.get("nbformat_minor", 0), 5)  # cell ids
    for index in solution_cells(notebook):
        _add_tag(cells[index], SOLUTION_TAG)
        if cells[index]["cell_type"] == "code":
            _add_tag(cells[index], "hide-cell")  # solutions stay collapsed in the book
    return notebook


def dump(notebook: dict) -> str:
    """The notebook as Jupyter writes it (indent 1, a final newline)."""
    return json.dumps(notebook, indent=1, sort_keys=True, ensure_ascii=False) + "\n"


def main() -> None:
    """The command line: stamp the notebooks given, or every one in _toc.yml."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebooks", nargs="*", type=Path)
    parser.add_argument("--ref", help="git ref the setup cell installs (default: repository.branch)")
    parser.add_argument("--check", action="store_true",
                        help="change nothing; exit 1 if a notebook would change")
    args = parser.parse_args()
    repository = book_config()["repository"]
    ref = args.ref or repository.get("branch", "main")
    changed = []
    for path in args.notebooks or toc_notebooks():
        before = path.read_text(encoding="utf-8")
        after = dump(stamp(json.loads(before), repository["url"], ref))
        if after != before:
            changed.append(path)
            if not args.check:
                path.write_text(after, encoding="utf-8")
    verb = "would change" if args.check else "changed"
    print(f"{verb} {len(changed)} notebook(s)" + "".join(f"\n  {path}" for path in changed))
    if args.check and changed:
        sys.exit(1)


if __name__ == "__main__":
    main()
