"""Shared fixtures: the whole book, built once per test session.

``built_book`` runs ``jupyter-book build --all -W`` from the repository root into a
temporary folder and returns its ``_build/html``. It needs the vendored JavaScript
(``make vendor``). To reuse a book you have already built, set ``CNNLAB_BUILT_BOOK`` to
its ``_build/html`` folder (never in CI).
"""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
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
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text(encoding="utf-8"))
    files = [toc["root"]]

    def walk(entries: list[dict]) -> None:
        for entry in entries:
            if "file" in entry:
                files.append(entry["file"])
            for key in ("parts", "chapters", "sections"):
                walk(entry.get(key, []))

    walk(toc.get("parts", []) + toc.get("chapters", []))
    return [Path(name).with_suffix("").as_posix() for name in files]


def jupyter_book() -> list[str]:
    """The jupyter-book command of the Python running the tests (the project's venv)."""
    script = Path(sys.executable).with_name("jupyter-book")
    return [str(script)] if script.exists() else [sys.executable, "-m", "jupyter_book"]


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


@pytest.fixture(scope="session")
def built_book(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The ``_build/html`` folder of the whole book, built once (a failed build fails the test)."""
    reuse = os.environ.get("CNNLAB_BUILT_BOOK")
    if reuse and not IN_CI:
        html = Path(reuse)
        assert (html / "index.html").exists(), f"CNNLAB_BUILT_BOOK={reuse} has no index.html"
        return html
    missing = [name for name in ("require.js", "jupyter-widgets/embed-amd.js", "mathjax/tex-chtml.js")
               if not (ROOT / "vendor" / name).exists()]
    if missing:
        pytest.fail(f"vendor/ lacks {', '.join(missing)}: run `make vendor` (npm ci + scripts/vendor_js.py) "
                    f"before building the book")
    output = tmp_path_factory.mktemp("book")
    command = [*jupyter_book(), "build", "--all", "-W", "--path-output", str(output), "."]
    result = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=3600)
    if result.returncode != 0:
        pytest.fail(f"`{' '.join(command)}` failed ({result.returncode}):\n"
                    f"{(result.stdout + result.stderr)[-6000:]}")
    html = output / "_build" / "html"
    assert (html / "index.html").exists(), f"the build wrote no {html / 'index.html'}"
    return html
