"""The student edition: every solution in the teacher's book, none in the student's.

The solution cells are those tagged ``solution`` (scripts/stamp_notebooks.py tags them). Their
text must appear in the teacher build, and in none of the student edition's pages and
notebooks; every exercise heading must appear in both, and the student pages must not launch
or link to the teacher notebooks.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import yaml
from book_editions import student_notebooks
from bs4 import BeautifulSoup
from conftest import ROOT, toc_files

pytestmark = pytest.mark.slow

NOTEBOOKS = [name for name in toc_files() if (ROOT / f"{name}.ipynb").exists()]


def squeeze(text: str) -> str:
    """Text without whitespace or markdown emphasis: what survives rendering, comparable."""
    text = text.translate(str.maketrans("‘’“”", "''\"\""))  # the book's typographer curls quotes
    return re.sub(r"[\s*`]", "", text)


def cells(name: str) -> list[dict]:
    return json.loads((ROOT / f"{name}.ipynb").read_text(encoding="utf-8"))["cells"]


def source(cell: dict) -> str:
    return "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]


def solutions(name: str) -> list[str]:
    return [source(cell) for cell in cells(name) if "solution" in cell.get("metadata", {}).get("tags", [])]


def exercise_headings(name: str) -> list[str]:
    return [line.lstrip("#").strip() for cell in cells(name) if cell["cell_type"] == "markdown"
            for line in source(cell).splitlines() if re.match(r"#+ +Exercise\b", line)]


def page_text(page: Path) -> str:
    return squeeze(BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser").get_text(""))


@pytest.fixture(scope="module")
def handed_out(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """The student notebooks `make student` writes, by file name, as squeezed text of their cells."""
    written = student_notebooks(tmp_path_factory.mktemp("notebooks"))
    return {path.name: squeeze("".join(source(cell) for cell in json.loads(path.read_text())["cells"]))
            for path in written}


def test_the_chapters_have_solutions_and_exercises() -> None:
    assert sum(len(solutions(name)) for name in NOTEBOOKS) >= 40
    assert sum(len(exercise_headings(name)) for name in NOTEBOOKS) >= 40
    for name in NOTEBOOKS:
        for cell in cells(name):
            tags = cell.get("metadata", {}).get("tags", [])
            if "solution" in tags and cell["cell_type"] == "code":
                assert "hide-cell" in tags, f"a solution of {name} is not collapsed: {source(cell)[:60]}"


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_solutions_are_in_the_teacher_book_only(name: str, built_book: Path, student_book: Path,
                                                handed_out: dict[str, str]) -> None:
    teacher = page_text(built_book / f"{name}.html")
    student = page_text(student_book / f"{name}.html")
    notebook = handed_out[Path(name).name + ".ipynb"]
    for solution in solutions(name):
        text = squeeze(solution)
        assert text in teacher, f"{name}: a solution is missing from the teacher's page: {solution[:80]}"
        assert text not in student, f"{name}: the student page shows a solution: {solution[:80]}"
        assert text not in notebook, f"{name}: the student notebook holds a solution: {solution[:80]}"
    for heading in exercise_headings(name):
        assert squeeze(heading) in teacher and squeeze(heading) in student, f"{name}: {heading!r} is missing"
        assert squeeze(heading) in notebook


def test_no_student_page_opens_the_teacher_notebooks(student_book: Path) -> None:
    repository = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))["repository"]["url"]
    pages = list(student_book.rglob("*.html"))
    assert len(pages) >= len(NOTEBOOKS)
    for page in pages:
        text = page.read_text(encoding="utf-8")
        for host in ("colab.research.google.com", "mybinder.org"):
            assert host not in text, f"{page} has launch buttons"
        assert f'href="{repository}' not in text, f"{page} links to the repository (the teacher's notebooks)"
    for download in student_book.rglob("*.ipynb"):  # the pages' download button
        tagged = [cell for cell in json.loads(download.read_text(encoding="utf-8"))["cells"]
                  if "solution" in cell.get("metadata", {}).get("tags", [])]
        assert not tagged, f"{download} holds solutions"
