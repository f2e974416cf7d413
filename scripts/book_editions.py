"""Build the book from notebooks that have already run: the teacher edition or the student edition.

Both editions are built from executed notebooks (``execute_notebooks: off``), so no chapter
runs twice: ``make student`` takes the notebooks ``make book`` has just executed
(``_build/jupyter_execute``), the test suite takes the chapters nbval has validated. The
student edition drops every cell tagged ``solution`` (see scripts/stamp_notebooks.py for the
rule that tags them) and has no launch or repository buttons, which would open the teacher's
notebooks:

    python scripts/book_editions.py student      # _build/student/html and _build/student/notebooks
"""

from __future__ import annotations

import argparse
import copy
import json
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))
from stamp_notebooks import ROOT, SOLUTION_TAG, book_config, dump, toc_notebooks  # noqa: E402


def strip_solutions(notebook: dict) -> dict:
    """A copy of ``notebook`` without its ``solution`` cells.

    >>> solution = {"cell_type": "code", "metadata": {"tags": ["solution"]}}
    >>> len(strip_solutions({"cells": [solution, {"cell_type": "code", "metadata": {}}]})["cells"])
    1
    """
    stripped = copy.deepcopy(notebook)
    stripped["cells"] = [cell for cell in stripped["cells"]
                         if SOLUTION_TAG not in cell.get("metadata", {}).get("tags", [])]
    return stripped


def edition_config(student: bool, root: Path = ROOT) -> dict:
    """_config.yml for a build from executed notebooks; the student edition has no launch buttons."""
    config = book_config(root)
    config["execute"]["execute_notebooks"] = "off"
    if student:
        config["title"] = f"{config['title']} (student edition)"
        config["launch_buttons"] = {"notebook_interface": "jupyterlab", "binderhub_url": "",
                                    "colab_url": "", "thebe": False}
        config["html"]["use_repository_button"] = False
    return config


def source_tree(dest: Path, notebooks: Path, student: bool, root: Path = ROOT,
                edit: Callable[[dict], dict] | None = None) -> Path:
    """Lay out a book at ``dest``: root's config, toc and book/ files, the notebooks taken from
    ``notebooks`` (same relative paths as in the repository), solutions dropped for students;
    ``edit`` changes the config further (the Chinese edition sets its language)."""
    if dest.exists():
        shutil.rmtree(dest)
    (dest / "book").mkdir(parents=True)
    config = edition_config(student, root)
    if edit is not None:
        config = edit(config)
    (dest / "_config.yml").write_text(yaml.safe_dump(config, sort_keys=False,
                                                     allow_unicode=True), encoding="utf-8")
    shutil.copy2(root / "_toc.yml", dest / "_toc.yml")
    for path in (root / "book").iterdir():
        if path.is_file() and path.suffix != ".ipynb":
            shutil.copy2(path, dest / "book" / path.name)
    for path in toc_notebooks(root):
        relative = path.relative_to(root)
        executed = notebooks / relative
        if not executed.exists():
            raise FileNotFoundError(f"{executed} is missing: build the book first (make book)")
        notebook = json.loads(executed.read_text(encoding="utf-8"))
        edition = strip_solutions(notebook) if student else notebook
        (dest / relative).write_text(dump(edition), encoding="utf-8")
    # the book's own Sphinx extensions (_config.yml: local_extensions) come along
    if (root / "_ext").is_dir():
        shutil.copytree(root / "_ext", dest / "_ext")
    # the translation catalogs and the term list (the glossary page; the Chinese edition)
    if (root / "locales").is_dir():
        shutil.copytree(root / "locales", dest / "locales", ignore=shutil.ignore_patterns("*.mo"))
    (dest / "vendor").symlink_to(root / "vendor", target_is_directory=True)
    return dest


def build(source: Path, html: Path) -> Path:
    """``jupyter-book build --all -W`` of ``source``; the pages end up in ``html``. Returns ``html``."""
    script = Path(sys.executable).with_name("jupyter-book")
    command = [str(script)] if script.exists() else [sys.executable, "-m", "jupyter_book"]
    output = source.parent / f"{source.name}-out"
    shutil.rmtree(output, ignore_errors=True)
    result = subprocess.run([*command, "build", "--all", "-W", "--path-output", str(output), str(source)],
                            capture_output=True, text=True)
    if result.returncode != 0:
        raise RuntimeError(f"jupyter-book build of {source} failed ({result.returncode}):\n"
                           f"{(result.stdout + result.stderr)[-6000:]}")
    shutil.rmtree(html, ignore_errors=True)
    html.parent.mkdir(parents=True, exist_ok=True)
    shutil.move(output / "_build" / "html", html)
    shutil.rmtree(output, ignore_errors=True)
    return html


def student_notebooks(dest: Path, root: Path = ROOT) -> list[Path]:
    """Write each chapter without its solutions into ``dest`` (flat: what a teacher hands out)."""
    shutil.rmtree(dest, ignore_errors=True)
    dest.mkdir(parents=True)
    written = []
    for path in toc_notebooks(root):
        notebook = json.loads(path.read_text(encoding="utf-8"))
        (dest / path.name).write_text(dump(strip_solutions(notebook)), encoding="utf-8")
        written.append(dest / path.name)
    return written


def main() -> None:
    """The command line: ``student`` builds the student edition."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("edition", choices=["student"])
    parser.add_argument("--notebooks", type=Path, default=ROOT / "_build" / "jupyter_execute",
                        help="folder of the executed notebooks (default: what `make book` wrote)")
    parser.add_argument("--out", type=Path, default=ROOT / "_build" / "student")
    args = parser.parse_args()
    source = source_tree(args.out / "src", args.notebooks, student=True)
    html = build(source, args.out / "html")
    shutil.rmtree(source)
    written = student_notebooks(args.out / "notebooks")
    print(f"student edition: {html / 'index.html'}")
    print(f"student notebooks: {len(written)} in {args.out / 'notebooks'}")


if __name__ == "__main__":
    main()
