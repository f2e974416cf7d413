"""The widgets in JupyterLab 4 with a live kernel, in headless Chromium, offline.

A real JupyterLab server runs a small notebook with all four widgets. The test checks
both directions of the kernel link: a value set in Python redraws the widget, and a
value typed into the widget reaches Python (the kernel recomputes its own copy of the
sizes and the diagnosis). Every request that leaves localhost is blocked and must not
happen. Screenshots go to the session's temporary folder.
"""

from __future__ import annotations

import contextlib
import copy
import json
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import pytest
from conftest import need

pytestmark = [pytest.mark.browser, pytest.mark.slow]

TOKEN = "cnnlab-test"
CELLS = [
    "from cnnlab.widgets import conv_stepper, network_stack, pooling_explorer, shape_explorer\n"
    "explorer = shape_explorer(28, kernel_size=5, padding=2)\nexplorer",
    "explorer.kernel_size = 3  # set in Python: the widget must redraw (30 × 30)",
    "conv_stepper()",
    "pooling_explorer()",
    "stack = network_stack('LeNet5')\nstack",
    "print('python sees', explorer.kernel_size, explorer.output, stack.broken, repr(stack.fix))",
]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def tail(log: Path) -> str:
    return log.read_text(errors="replace")[-3000:]


@contextlib.contextmanager
def jupyter_lab(root: Path, name: str, cells: list[str]) -> Iterator[str]:
    """A JupyterLab server on 127.0.0.1 serving one notebook ``name`` made of ``cells``; its URL."""
    try:
        import jupyterlab  # noqa: F401
    except ImportError:
        need("jupyterlab is not installed (pip install -r requirements-test.txt)")
    notebook = {"cells": [{"cell_type": "code", "execution_count": None, "id": f"cell-{i}", "metadata": {},
                           "outputs": [], "source": source} for i, source in enumerate(cells)],
                "metadata": {"kernelspec": {"name": "python3", "display_name": "Python 3",
                                            "language": "python"}},
                "nbformat": 4, "nbformat_minor": 5}
    (root / name).write_text(json.dumps(notebook), encoding="utf-8")
    port = free_port()
    log = (root / "server.log").open("w")
    server = subprocess.Popen(
        [sys.executable, "-m", "jupyter", "lab", "--no-browser", "--allow-root", "--ServerApp.ip=127.0.0.1",
         f"--ServerApp.port={port}", f"--IdentityProvider.token={TOKEN}", f"--ServerApp.root_dir={root}",
         "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate", "--LabApp.news_url=None",
         "--LabApp.extension_manager=readonly"],
        cwd=root, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(240):
            try:
                urllib.request.urlopen(f"{url}/api/status?token={TOKEN}", timeout=2)
                break
            except OSError:
                if server.poll() is not None:
                    pytest.fail(f"jupyter lab stopped:\n{tail(root / 'server.log')}")
                time.sleep(0.5)
        else:
            pytest.fail(f"jupyter lab did not start in 2 minutes:\n{tail(root / 'server.log')}")
        yield url
    finally:
        server.terminate()
        try:
            server.wait(15)
        except subprocess.TimeoutExpired:
            server.kill()
        log.close()


@contextlib.contextmanager
def notebook_page(browser: Any, url: str, notebook: str) -> Iterator[tuple[Any, list[str]]]:
    """A page with ``notebook`` open in JupyterLab and every cell run; requests off localhost are
    blocked and listed (the second item, for the test to assert empty)."""
    from playwright.sync_api import expect

    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    off_host: list[str] = []

    def route(route: Any) -> None:
        target = route.request.url
        if target.startswith(("data:", "blob:")) or urlparse(target).hostname in ("127.0.0.1", "localhost"):
            route.continue_()
        else:
            off_host.append(target)
            route.abort()

    page.route("**/*", route)
    try:
        page.goto(f"{url}/lab/tree/{notebook}?token={TOKEN}")
        expect(page.get_by_text("Python 3 (ipykernel) | Idle")).to_be_visible(timeout=120_000)
        page.get_by_role("menuitem", name="Run", exact=True).click()
        page.get_by_text("Run All Cells", exact=True).click()
        yield page, off_host
    finally:
        context.close()


@pytest.fixture(scope="module")
def lab(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A JupyterLab server on 127.0.0.1 serving one notebook, ``widgets.ipynb``; its URL."""
    with jupyter_lab(tmp_path_factory.mktemp("lab"), "widgets.ipynb", CELLS) as url:
        yield url


def broken_lenet_with_wide_conv2() -> int:
    """The index of the row that breaks when LeNet-5's conv2 has 32 filters, as Python computes it."""
    from cnnlab.widgets import network_stack

    stack = network_stack("LeNet5")
    layers = copy.deepcopy(stack.layers)
    next(layer for layer in layers if layer["name"] == "backbone.conv2")["out_channels"] = 32
    stack.layers = layers
    return stack.broken


def test_widgets_are_live_in_jupyterlab(browser: Any, lab: str, screenshots: Path) -> None:
    from playwright.sync_api import expect

    with notebook_page(browser, lab, "widgets.ipynb") as (page, off_host):

        # Python → widget: cell 2 set kernel_size = 3 after the explorer was drawn.
        explorer = page.locator(".cnnlab-shape-explorer").first
        expect(explorer.get_by_test_id("output-size")).to_have_text("30 × 30", timeout=120_000)
        stepper = page.locator(".cnnlab-conv-stepper").first
        expect(stepper.get_by_test_id("status")).to_contain_text("output cell 1 of 9")
        stepper.get_by_label("next step").click()
        expect(stepper.get_by_test_id("status")).to_contain_text("output cell 2 of 9")
        expect(page.locator(".cnnlab-pooling-explorer").first.get_by_test_id("output-size")).not_to_be_empty()

        # Widget → Python: type into the widgets, then ask the kernel what it sees.
        explorer.get_by_label("kernel size", exact=True).fill("7")
        expect(explorer.get_by_test_id("output-size")).to_have_text("26 × 26")
        stack = page.locator(".cnnlab-network-stack").first
        stack.get_by_label("backbone.conv2 out channels").fill("32")
        expect(stack.get_by_test_id("error")).to_contain_text("received 800")
        expect(stack.get_by_test_id("fix")).to_have_text("Fix: nn.Linear(800, 120)")  # apart, as in trace
        page.screenshot(path=screenshots / "jupyterlab-widgets.png", full_page=True)
        last = page.locator(".jp-Cell").nth(len(CELLS) - 1)
        last.locator(".jp-InputArea-editor").click()
        page.keyboard.press("Shift+Enter")
        expect(last.locator(".jp-OutputArea-output")).to_contain_text(
            f"python sees 7 [26, 26] {broken_lenet_with_wide_conv2()} 'nn.Linear(800, 120)'", timeout=60_000)
        assert off_host == [], f"requests off localhost: {off_host}"
