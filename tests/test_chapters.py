"""Every chapter runs under nbval from the installed wheel, outside the repository.

Each chapter of _toc.yml is copied into an empty temporary folder and run by nbval (the
fresh outputs must match the stored ones, sanitised by book/sanitize.cfg) in a Python that
finds ``cnnlab`` only in the built wheel, installed with ``pip install --no-deps --target``:
what Colab or Binder gets, not the editable checkout. This is the only place the test suite
executes the chapters; the book is built from these same notebooks (tests/conftest.py).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT, toc_files

pytestmark = pytest.mark.slow

NOTEBOOKS = [name for name in toc_files() if (ROOT / f"{name}.ipynb").exists()]


def wheel_environment(site: Path) -> dict[str, str]:
    """The environment in which Python (and the kernels it starts) imports cnnlab from ``site`` only."""
    environment = dict(os.environ)
    environment["PYTHONPATH"] = str(site)  # never the checkout, even if the caller had it on the path
    environment.pop("PYTEST_ADDOPTS", None)
    return environment


def test_cnnlab_comes_from_the_wheel(built_package: dict[str, Path], chapter_copies: Path) -> None:
    result = subprocess.run([sys.executable, "-c", "import cnnlab; print(cnnlab.__file__)"],
                            cwd=chapter_copies / "book", env=wheel_environment(built_package["site"]),
                            capture_output=True, text=True, check=True)
    location = Path(result.stdout.strip()).resolve()
    assert location.is_relative_to(built_package["site"].resolve()), f"cnnlab was imported from {location}"
    assert not location.is_relative_to(ROOT)


def test_chapters_lie_outside_the_repository(chapter_copies: Path) -> None:
    assert not chapter_copies.resolve().is_relative_to(ROOT)
    assert not (chapter_copies / "cnnlab").exists() and not (chapter_copies / "book" / "cnnlab").exists()


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_chapter_runs_from_the_wheel_under_nbval(name: str, built_package: dict[str, Path],
                                                 chapter_copies: Path) -> None:
    folder = chapter_copies / "book"
    notebook = folder / Path(name).with_suffix(".ipynb").name
    command = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--rootdir", str(folder),
               "--nbval", "--nbval-current-env", "--nbval-sanitize-with", "sanitize.cfg", notebook.name]
    result = subprocess.run(command, cwd=folder, env=wheel_environment(built_package["site"]),
                            capture_output=True, text=True, timeout=3600)
    assert result.returncode == 0, f"nbval failed on {name} (run from the wheel):\n{result.stdout[-8000:]}"
    assert " passed" in result.stdout
