"""The package stands on its own: ``python -m build`` makes an sdist and a wheel holding every
file of ``cnnlab/`` the chapters import (modules, exercise checkers, widget JavaScript and CSS).
tests/test_chapters.py then runs every chapter from that wheel."""

from __future__ import annotations

import tarfile
import zipfile
from pathlib import Path

import pytest
from conftest import ROOT

pytestmark = pytest.mark.slow

SHIPPED = (".py", ".js", ".css")


def package_files() -> set[str]:
    """Every module, script and stylesheet under cnnlab/, relative to the repository root."""
    return {path.relative_to(ROOT).as_posix() for path in (ROOT / "cnnlab").rglob("*")
            if path.suffix in SHIPPED and "__pycache__" not in path.parts}


def test_the_package_has_widgets_and_checkers() -> None:
    files = package_files()
    assert {"cnnlab/widgets/shapes.js", "cnnlab/widgets/widgets.css", "cnnlab/exercises/ch05.py"} <= files


def test_the_wheel_holds_every_file_of_the_package(built_package: dict[str, Path]) -> None:
    with zipfile.ZipFile(built_package["wheel"]) as wheel:
        names = set(wheel.namelist())
    missing = package_files() - names
    assert not missing, f"the wheel lacks {sorted(missing)}"


def test_the_sdist_holds_every_file_of_the_package(built_package: dict[str, Path]) -> None:
    with tarfile.open(built_package["sdist"]) as sdist:
        names = {name.split("/", 1)[1] for name in sdist.getnames() if "/" in name}
    missing = (package_files() | {"pyproject.toml", "README.md"}) - names
    assert not missing, f"the sdist lacks {sorted(missing)}"


def test_the_installed_wheel_finds_its_widget_files(built_package: dict[str, Path]) -> None:
    site = built_package["site"]
    assert (site / "cnnlab" / "widgets" / "shapes.js").stat().st_size > 0
    assert (site / "cnnlab" / "widgets" / "widgets.css").stat().st_size > 0
