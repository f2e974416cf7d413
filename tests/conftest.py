"""Shared fixtures: the whole book, built once per test session.

``built_book`` builds the book with ``jupyter-book build --all -W`` from the chapters that
tests/test_chapters.py runs under nbval, with their stored outputs (each chapter executes once
in the suite), into a temporary folder and returns its html folder (the Chinese edition in its
``zh_CN/``); ``student_book`` does the
same without the solutions. They need the vendored JavaScript (``make vendor``). To reuse a
book you have already built, set ``CNNLAB_BUILT_BOOK`` (``CNNLAB_STUDENT_BOOK``) to its html
folder (never in CI).
"""

from __future__ import annotations

import json
import os
import random
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))
IN_CI = os.environ.get("CI", "").lower() == "true"
CHROMIUM = Path(os.environ.get("CNNLAB_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update"]


def need(reason: str) -> None:
    """Skip a test that lacks a tool; in CI (CI=true) fail instead, since CI must run it."""
    if IN_CI:
        pytest.fail(f"{reason}; CI must run this test")
    pytest.skip(reason)


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """Debian's headless Chromium driven by Playwright (never ``playwright install``)."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        need("playwright is not installed (pip install playwright; never `playwright install`)")
    if not CHROMIUM.exists():
        need(f"{CHROMIUM} is missing (apt-get install chromium)")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


def toc_files() -> list[str]:
    """Every page ``_toc.yml`` lists, the root first, as paths without extension (``book/intro``)."""
    from stamp_notebooks import toc_pages

    return toc_pages(ROOT)


EDITABLE = ("in_channels", "out_channels", "kernel_size", "stride", "padding", "in_features", "out_features")


def edited_models(seed: int, count: int) -> list[tuple[str, list[dict], tuple[int, ...]]]:
    """Every model of MODELS with random edits of the settings a reader can change."""
    from cnnlab.models import MODELS
    from cnnlab.tracing import trace
    from cnnlab.widgets.network import layers_from_trace

    rng = random.Random(seed)
    traced = {name: layers_from_trace(trace(cls(), (1, 1, 28, 28))) for name, cls in MODELS.items()}
    cases = []
    for _ in range(count):
        name = rng.choice(sorted(traced))
        layers = json.loads(json.dumps(traced[name]))
        for layer in rng.sample(layers, k=2):
            keys = [key for key in EDITABLE if key in layer]
            if not keys:  # an activation, a flatten: nothing to edit
                continue
            key = rng.choice(keys)
            value = rng.randint(key != "padding", 6) if key in ("kernel_size", "stride", "padding") \
                else rng.randint(1, 40)
            layer[key] = [value, value] if isinstance(layer[key], list) else value
        size = rng.choice([28, 28, 28, 32, 12])
        cases.append((name, layers, (1, rng.choice([1, 1, 3]), size, size)))
    return cases


@pytest.fixture(scope="session")
def screenshots(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder for the browser tests' screenshots (printed: run pytest with -s to see it)."""
    folder = tmp_path_factory.mktemp("screenshots")
    print(f"\nscreenshots: {folder}")
    return folder


def _need_vendor() -> None:
    missing = [name for name in ("require.js", "jupyter-widgets/embed-amd.js", "mathjax/tex-chtml.js")
               if not (ROOT / "vendor" / name).exists()]
    if missing:
        pytest.fail(f"vendor/ lacks {', '.join(missing)}: run `make vendor` (npm ci + scripts/vendor_js.py) "
                    f"before building the book")


@pytest.fixture(scope="session")
def chapter_copies(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An empty folder holding ``book/``: copies of the chapters and the other files of book/.

    tests/test_chapters.py runs the chapters here under nbval, with the built wheel, and
    ``built_book`` and ``student_book`` are built from these same notebooks with their stored
    outputs: what nbval validated is what the pages show, and no chapter executes twice.
    """
    folder = tmp_path_factory.mktemp("chapters")
    shutil.copytree(ROOT / "book", folder / "book", ignore=shutil.ignore_patterns(".*", "__pycache__"))
    return folder


def _build_edition(tmp_path_factory: pytest.TempPathFactory, notebooks: Path, student: bool) -> Path:
    """One edition's html folder; the teacher edition (what ``make book`` publishes) holds the
    Chinese edition in ``zh_CN/``, built from the same notebooks, as ``make book`` does."""
    from book_editions import build, source_tree
    from translations import LANGUAGE, build_chinese

    _need_vendor()
    name = "student" if student else "teacher"
    folder = tmp_path_factory.mktemp(name)
    source = source_tree(folder / "src", notebooks, student=student)
    try:
        html = build(source, folder / "html")
        if not student:
            build_chinese(notebooks, html / LANGUAGE, folder / "chinese")
        return html
    except RuntimeError as error:
        pytest.fail(str(error))


@pytest.fixture(scope="session")
def built_book(tmp_path_factory: pytest.TempPathFactory, chapter_copies: Path) -> Path:
    """The ``_build/html`` folder of the whole book, built once (a failed build fails the test),
    from the chapters nbval runs (their stored outputs: ``execute_notebooks: off``)."""
    reuse = os.environ.get("CNNLAB_BUILT_BOOK")
    if reuse and not IN_CI:
        html = Path(reuse)
        assert (html / "index.html").exists(), f"CNNLAB_BUILT_BOOK={reuse} has no index.html"
        return html
    html = _build_edition(tmp_path_factory, chapter_copies, student=False)
    assert (html / "index.html").exists(), f"the build wrote no {html / 'index.html'}"
    return html


@pytest.fixture(scope="session")
def student_book(tmp_path_factory: pytest.TempPathFactory, chapter_copies: Path) -> Path:
    """The student edition's html folder, built like ``built_book`` without the solution cells."""
    reuse = os.environ.get("CNNLAB_STUDENT_BOOK")
    if reuse and not IN_CI:
        return Path(reuse)
    return _build_edition(tmp_path_factory, chapter_copies, student=True)


@pytest.fixture(scope="session")
def built_package(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """``python -m build``'s sdist and wheel (the wheel built from the sdist), and the wheel
    installed with ``pip install --no-deps --target``: ``{"sdist", "wheel", "site"}``."""
    dist = tmp_path_factory.mktemp("dist")
    command = [sys.executable, "-m", "build", "--no-isolation", "--outdir", str(dist), str(ROOT)]
    result = subprocess.run(command, capture_output=True, text=True)
    if result.returncode != 0:
        pytest.fail(f"python -m build failed:\n{(result.stdout + result.stderr)[-4000:]}")
    sdist, wheel = next(dist.glob("cnnlab-*.tar.gz")), next(dist.glob("cnnlab-*.whl"))
    site = tmp_path_factory.mktemp("site")
    subprocess.run([sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--no-index",
                    "--target", str(site), str(wheel)], check=True)
    return {"sdist": sdist, "wheel": wheel, "site": site}
