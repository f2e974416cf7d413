"""The built book in headless Chromium, offline: every request that leaves localhost is
blocked and recorded, and must not happen. The widgets must render and stay live.

Chromium is Debian's (/usr/bin/chromium) driven by Playwright; ``playwright install`` is
never needed. Without it the tests skip, except in CI (CI=true), where they fail.
Screenshots go to the session's temporary folder (printed; run pytest with -s to see it).
"""

from __future__ import annotations

import functools
import http.server
import json
import re
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import pytest
from conftest import ROOT, toc_files

from cnnlab.shapes import explain
from cnnlab.widgets.grids import convolve, convolve_cell
from cnnlab.widgets.network import propagate

pytestmark = [pytest.mark.browser, pytest.mark.slow]

# pydata-sphinx-theme logs "invalid theme mode" until a reader picks one. (sphinx-thebe's
# "THEBE_JS_URL has already been declared" is gone: _ext/no_thebe.py drops its scripts.)
HARMLESS = ("invalid theme mode",)
PLAYGROUND = "book/playground"


def widget_pages() -> list[str]:
    """Pages of _toc.yml whose notebook shows cnnlab widgets (the playground always does)."""
    pages = []
    for name in toc_files():
        source = ROOT / f"{name}.ipynb"
        text = source.read_text(encoding="utf-8") if source.exists() else ""
        if re.search(r"cnnlab\.widgets|from cnnlab import widgets", text):
            pages.append(name)
    return pages


@pytest.fixture(scope="session")
def site(built_book: Path) -> Iterator[str]:
    """The built book served on 127.0.0.1 (a free port)."""

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args: Any) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=built_book))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


@pytest.fixture(scope="session")
def site_in_subfolder(built_book: Path) -> Iterator[str]:
    """The built book served under /cnnlab/, as GitHub Pages serves a project's site; nothing at /."""

    class InSubfolder(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args: Any) -> None:
            pass

        def translate_path(self, path: str) -> str:
            if not path.startswith("/cnnlab/"):
                return str(built_book / "no-such-file")
            return super().translate_path(path.removeprefix("/cnnlab"))

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0),
                                             functools.partial(InSubfolder, directory=built_book))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/cnnlab"
    server.shutdown()


@pytest.fixture()
def browser_page(browser: Any) -> Iterator[Any]:
    """A fresh page (its own context: no cache, no storage), closed after the test."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    yield context.new_page()
    context.close()


@dataclass
class Visit:
    """An open page and what it tried: requests off localhost, errors, local files missing."""

    page: Any
    off_host: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)

    def check_clean(self) -> None:
        assert self.off_host == [], f"requests off localhost: {self.off_host}"
        assert self.missing == [], f"local files missing: {self.missing}"
        assert self.errors == [], f"errors on the page: {self.errors}"


def visit(page: Any, url: str) -> Visit:
    """Open ``url`` in ``page``, blocking and recording every request that leaves localhost."""
    seen = Visit(page)

    def route(route: Any) -> None:
        target = route.request.url
        local = urlparse(target).hostname in ("127.0.0.1", "localhost")
        if local or target.startswith(("data:", "blob:", "file:")):
            route.continue_()
        else:
            seen.off_host.append(target)
            route.abort()

    page.route("**/*", route)
    page.on("pageerror", lambda error: None if any(h in str(error) for h in HARMLESS)
            else seen.errors.append(f"pageerror: {error}"))
    page.on("console", lambda message: seen.errors.append(f"console: {message.text}")
            if message.type == "error" and not any(h in message.text for h in HARMLESS) else None)
    page.on("response", lambda response: seen.missing.append(f"{response.status} {response.url}")
            if response.status >= 400 else None)
    page.goto(url, wait_until="load")
    return seen


def cnnlab_views(html: str) -> int:
    """How many views of cnnlab widgets the page's embedded widget state holds."""
    state = re.search(r'<script type="application/vnd.jupyter.widget-state\+json">(.*?)</script>', html, re.S)
    if state is None:
        return 0
    models = json.loads(state.group(1))["state"]
    views = re.findall(r'<script type="application/vnd.jupyter.widget-view\+json">(.*?)</script>', html, re.S)
    ids = [json.loads(view)["model_id"] for view in views]
    return sum(models.get(i, {}).get("state", {}).get("_anywidget_id", "").startswith("cnnlab.widgets.")
               for i in ids)


def open_widgets(page: Any, site: str, built_book: Path, name: str) -> Visit:
    """Open a page and wait until each of its cnnlab widgets has rendered."""
    from playwright.sync_api import expect

    expected = cnnlab_views((built_book / f"{name}.html").read_text(encoding="utf-8"))
    assert expected > 0, f"{name}.html holds no cnnlab widget (was the notebook executed?)"
    seen = visit(page, f"{site}/{name}.html")
    expect(seen.page.locator(".cnnlab-widget")).to_have_count(expected, timeout=30_000)
    return seen


# ---------------------------------------------------------------- what Python says


def explorer_settings(explorer: Any) -> dict[str, Any]:
    """The settings a shape explorer shows, read from its controls."""
    value = explorer.locator("[data-param=padding]").input_value()
    mode = explorer.get_by_label("padding mode").input_value()
    return {"height": int(explorer.get_by_label("input size (height)").input_value()),
            "width": int(explorer.get_by_label("input size (width)").input_value()),
            "kernel_size": int(explorer.get_by_label("kernel size").input_value()),
            "stride": int(explorer.get_by_label("stride").input_value()),
            "padding": int(value) if mode == "number" else mode,
            "dilation": int(explorer.get_by_label("dilation").input_value()),
            "layer": explorer.locator("input[data-param=layer]:checked").get_attribute("value"),
            "ceil_mode": explorer.locator("[data-param=ceil_mode]").is_checked(),
            "output_padding": int(explorer.locator("[data-param=output_padding]").input_value())}


def python_says(s: dict[str, Any]) -> tuple[str, str, str]:
    """(output size text, formula, error) as cnnlab.shapes computes them for these settings."""
    size = s["height"] if s["height"] == s["width"] else (s["height"], s["width"])
    try:
        result = explain(size, s["kernel_size"], s["stride"], s["padding"], s["dilation"], layer=s["layer"],
                         ceil_mode=s["ceil_mode"], output_padding=s["output_padding"])
    except ValueError as wrong:
        return "—", "", str(wrong)
    out = (result.output, result.output) if isinstance(result.output, int) else result.output
    return f"{out[0]} × {out[1]}", str(result), ""


def check_explorer(explorer: Any) -> None:
    """The explorer shows what cnnlab.shapes says for its current settings."""
    from playwright.sync_api import expect

    output, formula, error = python_says(explorer_settings(explorer))
    expect(explorer.get_by_test_id("output-size")).to_have_text(output)
    if error:
        expect(explorer.get_by_test_id("error")).to_have_text(error)
    else:
        expect(explorer.get_by_test_id("error")).to_be_hidden()
        assert explorer.get_by_test_id("formula").inner_text().strip() == formula


def change_and_check(explorer: Any, label: str, value: int | str) -> None:
    explorer.get_by_label(label, exact=True).fill(str(value))
    check_explorer(explorer)


# ---------------------------------------------------------------- every page, offline


@pytest.mark.parametrize("name", toc_files())
def test_page_makes_no_request_off_localhost(browser_page: Any, site: str, built_book: Path,
                                             name: str) -> None:
    if not (built_book / f"{name}.html").exists():
        pytest.fail(f"{name}.html was not built")
    seen = visit(browser_page, f"{site}/{name}.html")
    seen.page.wait_for_load_state("networkidle")
    seen.check_clean()


@pytest.mark.parametrize("name", widget_pages())
def test_widgets_render_and_follow_kernel_size_and_stride(browser_page: Any, site: str, built_book: Path,
                                                          name: str, screenshots: Path) -> None:
    seen = open_widgets(browser_page, site, built_book, name)
    page = seen.page
    for index, explorer in enumerate(page.locator(".cnnlab-shape-explorer").all()):
        check_explorer(explorer)
        kernel = int(explorer.get_by_label("kernel size").input_value())
        change_and_check(explorer, "kernel size", 3 if kernel != 3 else 5)
        change_and_check(explorer, "stride", 2)
        explorer.screenshot(path=screenshots / f"{name.replace('/', '_')}-shape-{index}.png")
    for stepper in page.locator(".cnnlab-conv-stepper").all():
        before = stepper.get_by_test_id("status").inner_text()
        stepper.get_by_label("next step").click()
        assert stepper.get_by_test_id("status").inner_text() != before, "the stepper did not advance"
    page.screenshot(path=screenshots / f"{name.replace('/', '_')}.png", full_page=True)
    seen.check_clean()


@pytest.mark.parametrize("where", ["subfolder", "file"])
def test_widgets_work_in_a_subfolder_and_from_disk(browser_page: Any, built_book: Path,
                                                   site_in_subfolder: str, where: str) -> None:
    """Hosted as a project site (https://user.github.io/cnnlab/…) or opened from disk, widgets work."""
    from playwright.sync_api import expect

    name = PLAYGROUND
    page_file = built_book / f"{name}.html"
    expected = cnnlab_views(page_file.read_text(encoding="utf-8"))
    url = f"{site_in_subfolder}/{name}.html" if where == "subfolder" else page_file.as_uri()
    seen = visit(browser_page, url)
    expect(seen.page.locator(".cnnlab-widget")).to_have_count(expected, timeout=30_000)
    explorer = seen.page.locator(".cnnlab-shape-explorer").first
    change_and_check(explorer, "kernel size", 3)
    expect(seen.page.locator("mjx-container").first).to_be_visible()
    seen.page.wait_for_load_state("networkidle")
    seen.check_clean()


# ---------------------------------------------------------------- the playground, closely


@pytest.fixture()
def playground(browser_page: Any, site: str, built_book: Path) -> Iterator[Visit]:
    seen = open_widgets(browser_page, site, built_book, PLAYGROUND)
    yield seen
    seen.check_clean()


def test_shape_explorer_is_live(playground: Visit, screenshots: Path) -> None:
    from playwright.sync_api import expect

    explorer = playground.page.locator(".cnnlab-shape-explorer").first
    expect(explorer.get_by_test_id("output-size")).to_have_text("28 × 28")   # kernel 5, padding 2
    change_and_check(explorer, "kernel size", 3)                                # 30 × 30
    change_and_check(explorer, "stride", 2)                                     # 15 × 15
    expect(explorer.get_by_test_id("output-size")).to_have_text("15 × 15")
    explorer.get_by_label("kernel size", exact=True).focus()                    # the keyboard works too
    playground.page.keyboard.press("ArrowUp")
    expect(explorer.get_by_label("kernel size", exact=True)).to_have_value("4")
    check_explorer(explorer)
    change_and_check(explorer, "dilation", 2)
    change_and_check(explorer, "input size (width)", 32)                        # height ≠ width
    explorer.screenshot(path=screenshots / "shape-explorer-dilation.png")
    for layer in ("max pool", "average pool", "transposed conv", "convolution"):
        explorer.get_by_text(layer, exact=True).click()
        check_explorer(explorer)
    padding = explorer.locator("[data-param=padding]").input_value()
    explorer.get_by_label("padding mode").select_option("same")                 # 'same' refuses stride 2
    check_explorer(explorer)
    expect(explorer.get_by_test_id("error")).to_contain_text("padding='same'")
    explorer.screenshot(path=screenshots / "shape-explorer-error.png")
    explorer.get_by_label("padding mode").select_option("number")               # the number comes back
    expect(explorer.locator("[data-param=padding]")).to_have_value(padding)
    check_explorer(explorer)


def test_invalid_settings_show_the_message_and_the_widget_recovers(playground: Visit) -> None:
    from playwright.sync_api import expect

    explorer = playground.page.locator(".cnnlab-shape-explorer").first
    change_and_check(explorer, "kernel size", 40)
    expect(explorer.get_by_test_id("error")).to_contain_text("use padding ≥")
    change_and_check(explorer, "stride", 0)
    change_and_check(explorer, "kernel size", 5)
    change_and_check(explorer, "stride", 1)
    expect(explorer.get_by_test_id("output-size")).to_have_text("28 × 28")
    explorer.get_by_text("transposed conv", exact=True).click()
    change_and_check(explorer, "output padding", 3)                             # ≥ stride and dilation
    expect(explorer.get_by_test_id("error")).to_contain_text("output_padding must be smaller")


def test_a_field_that_is_not_a_whole_number_changes_nothing(playground: Visit) -> None:
    from playwright.sync_api import expect

    explorer = playground.page.locator(".cnnlab-shape-explorer").first
    kernel = explorer.get_by_label("kernel size", exact=True)
    change_and_check(explorer, "kernel size", 3)
    for text in ("2.5", "1e3", ""):
        kernel.fill(text)
        expect(kernel).to_have_attribute("aria-invalid", "true")
        expect(explorer.get_by_test_id("output-size")).to_have_text("30 × 30")  # still kernel 3
    explorer.get_by_label("stride", exact=True).focus()                          # leaving the field …
    expect(kernel).to_have_value("3")                                           # … shows the kernel in use
    expect(kernel).to_have_attribute("aria-invalid", "false")
    stack = playground.page.locator(".cnnlab-network-stack").first
    features = stack.get_by_label("head.fc3 out features")
    before = stack.get_by_test_id("output-shape").inner_text()
    features.fill("-3")                                                          # no layer has −3 outputs
    expect(features).to_have_attribute("aria-invalid", "true")
    expect(stack.get_by_test_id("output-shape")).to_have_text(before)


def test_convolution_stepper_steps_and_plays(playground: Visit, screenshots: Path) -> None:
    from playwright.sync_api import expect

    stepper = playground.page.locator(".cnnlab-conv-stepper").first
    seed_input = [[3, 4, 6, 5, 7], [2, 4, 6, 8, 2], [1, 6, 7, 8, 4], [9, 7, 4, 6, 2], [3, 7, 5, 4, 1]]
    kernel = [[1, 2, 3], [4, 5, 6], [7, 8, 9]]
    expect(stepper.get_by_test_id("status")).to_contain_text("output cell 1 of 9")
    stepper.get_by_label("next step").click()
    expect(stepper.get_by_test_id("status")).to_contain_text("output cell 2 of 9")
    second = convolve_cell(seed_input, kernel, stride=1, padding=0, row=0, col=1)
    expect(stepper.get_by_test_id("calculation")).to_have_text(second.text)
    stepper.screenshot(path=screenshots / "conv-stepper.png")
    stepper.get_by_label("stride", exact=True).fill("2")                        # the seeds' stride-2 example
    expect(stepper.get_by_test_id("status")).to_contain_text("of 4")
    stepper.get_by_label("play").click()
    expect(stepper.get_by_test_id("status")).to_contain_text("output cell 4 of 4", timeout=10_000)
    cells = stepper.locator(".cl-output-grid .cnnlab-cell").all_inner_texts()
    assert cells == ["211", "262", "251", "169"]
    assert [[float(c) for c in cells[:2]], [float(c) for c in cells[2:]]] == convolve(seed_input, kernel, 2)
    stepper.get_by_label("padding", exact=True).fill("1")
    stepper.get_by_label("stride", exact=True).fill("1")
    expect(stepper.get_by_test_id("status")).to_contain_text("of 25")
    stepper.get_by_label("stride", exact=True).fill("9")                        # one window only: 1 cell
    expect(stepper.get_by_test_id("status")).to_contain_text("output cell 1 of 1")


def test_convolution_stepper_takes_input_kernel_values_and_size(playground: Visit, screenshots: Path) -> None:
    from playwright.sync_api import expect

    stepper = playground.page.locator(".cnnlab-conv-stepper").first
    stepper.get_by_label("input (one row per line)").fill("0 0 1 1\n0 0 1 1\n0 0 1 1")   # an edge
    stepper.get_by_label("kernel size", exact=True).fill("2")                   # 1 2 / 4 5: top-left kept
    kernel = stepper.get_by_label("kernel values")
    expect(kernel).to_have_value("1 2\n4 5")
    kernel.fill("-1 1\n-1 1")                                                    # a vertical-edge kernel
    expect(stepper.get_by_test_id("status")).to_contain_text("output cell 1 of 6")
    stepper.get_by_label("play").click()
    expect(stepper.get_by_test_id("status")).to_contain_text("output cell 6 of 6", timeout=10_000)
    expected = convolve([[0, 0, 1, 1]] * 3, [[-1, 1], [-1, 1]])
    cells = stepper.locator(".cl-output-grid .cnnlab-cell").all_inner_texts()
    assert [float(c) for c in cells] == [v for row in expected for v in row] == [0, 2, 0, 0, 2, 0]
    stepper.screenshot(path=screenshots / "conv-stepper-edited.png")
    size = stepper.get_by_label("kernel size", exact=True)
    for text in ("0", "8", "1e9"):                                               # out of 1…7: refused
        size.fill(text)
        expect(size).to_have_attribute("aria-invalid", "true")
        expect(kernel).to_have_value("-1 1\n-1 1")
    kernel.fill("1 2\n3")
    expect(kernel).to_have_attribute("aria-invalid", "true")
    expect(stepper.locator(".cl-field-problem").last).to_contain_text("rows of equal length")
    expect(stepper.get_by_test_id("status")).to_contain_text("of 6")           # the old kernel is used


def test_pooling_explorer_picks_windows(playground: Visit, screenshots: Path) -> None:
    from playwright.sync_api import expect

    explorer = playground.page.locator(".cnnlab-pooling-explorer").first
    expect(explorer.get_by_test_id("max-calculation")).to_contain_text("max(3, 4, 2, 4) = 4")
    explorer.get_by_label("max pooling output row 1, column 0 (from 0): 9").click()
    expect(explorer.get_by_test_id("max-calculation")).to_contain_text("max(1, 6, 9, 7) = 9")
    expect(explorer.get_by_test_id("average-calculation")).to_contain_text("(1 + 6 + 9 + 7) / 4 = 5.75")
    expect(explorer.locator(".cl-chosen")).to_have_text("9")
    explorer.screenshot(path=screenshots / "pooling-explorer.png")
    explorer.get_by_label("window (kernel size)", exact=True).fill("3")
    explorer.get_by_label("stride", exact=True).fill("1")
    expect(explorer.get_by_test_id("output-size")).to_have_text("2 × 2")
    expect(explorer.locator("figcaption").first).to_contain_text("window 3×3, stride 1")   # window …
    expect(explorer.locator(".cl-max-grid + figcaption")).to_have_text("max pooling: output 2×2")  # ≠ window
    explorer.get_by_label("window (kernel size)", exact=True).fill("5")
    expect(explorer.get_by_test_id("error")).to_contain_text("use a kernel ≤ 4")


def test_pooling_explorer_takes_an_input_padding_and_ceil_mode(playground: Visit, screenshots: Path) -> None:
    from playwright.sync_api import expect

    from cnnlab.widgets.grids import pool_cell

    explorer = playground.page.locator(".cnnlab-pooling-explorer").first
    grid = explorer.get_by_label("input (one row per line)")
    grid.fill("3 4 6\n2 4 6\n1 6 7")                                            # chapter 6's 3×3 corner
    expect(explorer.get_by_test_id("output-size")).to_have_text("1 × 1")
    explorer.get_by_label("ceil_mode", exact=True).check()
    expect(explorer.get_by_test_id("output-size")).to_have_text("2 × 2")
    explorer.get_by_label("average pooling output row 0, column 1 (from 0): 6").click()
    corner = [[3, 4, 6], [2, 4, 6], [1, 6, 7]]
    expect(explorer.get_by_test_id("average-calculation")).to_contain_text(
        pool_cell(corner, 2, 2, 0, 1).average_text)                               # (6 + 6) / 2 = 6
    explorer.get_by_label("ceil_mode", exact=True).uncheck()
    explorer.get_by_label("padding", exact=True).fill("1")
    expect(explorer.get_by_test_id("output-size")).to_have_text("2 × 2")
    expect(explorer.locator(".cnnlab-cell.cl-pad").first).to_be_visible()
    explorer.screenshot(path=screenshots / "pooling-explorer-padding.png")
    explorer.get_by_label("padding", exact=True).fill("2")                      # more than half the window
    expect(explorer.get_by_test_id("error")).to_contain_text("at most half the kernel")
    explorer.get_by_label("padding", exact=True).fill("0")
    for text in ("1 2\n3", "1 x", "9 " * 11):                          # ragged, not a number, too wide
        grid.fill(text)
        expect(grid).to_have_attribute("aria-invalid", "true")
        expect(explorer.get_by_test_id("output-size")).to_have_text("1 × 1")     # still the 3×3 corner
    explorer.get_by_label("stride", exact=True).focus()                          # leaving restores the grid
    expect(grid).to_have_value("3 4 6\n2 4 6\n1 6 7")
    explorer.get_by_label("window (kernel size)", exact=True).fill("99999999")  # huge: a message, no freeze
    expect(explorer.get_by_test_id("error")).to_contain_text("use a kernel ≤ 3")


def test_shape_explorer_marks_the_pixels_no_window_reaches(playground: Visit, screenshots: Path) -> None:
    from playwright.sync_api import expect

    explorer = playground.page.locator(".cnnlab-shape-explorer").first
    change_and_check(explorer, "padding", 0)
    change_and_check(explorer, "stride", 2)                                      # (28 − 5) / 2: 12 windows
    expect(explorer.get_by_test_id("output-size")).to_have_text("12 × 12")
    expect(explorer.get_by_test_id("unreached")).to_contain_text("55 input pixels (row 27 and column 27")
    assert explorer.locator("rect.cl-unreached").count() == 55
    explorer.screenshot(path=screenshots / "shape-explorer-unreached.png")
    change_and_check(explorer, "stride", 1)                                      # every pixel is used
    expect(explorer.get_by_test_id("unreached")).to_be_hidden()
    assert explorer.locator("rect.cl-unreached").count() == 0


def test_network_stack_finds_the_layer_that_breaks(playground: Visit, screenshots: Path) -> None:
    from playwright.sync_api import expect

    from cnnlab.models import LeNet5
    from cnnlab.tracing import trace
    from cnnlab.widgets.network import layers_from_trace

    stack = playground.page.locator(".cnnlab-network-stack").first
    expect(stack.get_by_test_id("output-shape")).to_contain_text("output (1, 10)")
    stack.get_by_label("backbone.conv2 out channels").fill("32")               # 32·5·5 = 800 features
    layers = layers_from_trace(trace(LeNet5(), (1, 1, 28, 28)))
    next(layer for layer in layers if layer["name"] == "backbone.conv2")["out_channels"] = 32
    expected = propagate(layers, (1, 1, 28, 28))
    expect(stack.locator("tr.cl-broken")).to_have_attribute("data-layer", "head.fc1")
    expect(stack.get_by_test_id("error")).to_have_text(expected.diagnosis)
    expect(stack.get_by_test_id("fix")).to_have_text("Fix: nn.Linear(800, 120)")    # apart, as in trace
    stack.screenshot(path=screenshots / "network-stack-broken.png")
    stack.get_by_label("head.fc1 in features").fill("800")                      # the fix
    expect(stack.get_by_test_id("output-shape")).to_contain_text("output (1, 10)")
    stack.get_by_label("reset the model").click()
    expect(stack.get_by_label("backbone.conv2 out channels")).to_have_value("16")
    stack.get_by_label("model", exact=True).select_option("MnistNet")
    expect(stack.get_by_test_id("output-shape")).to_contain_text("output (1, 10)")
    stack.get_by_label("input size", exact=True).fill("32")                     # 20·5·5 = 500 ≠ 320
    expect(stack.locator("tr.cl-broken")).to_have_attribute("data-layer", "fc")
    expect(stack.get_by_test_id("error")).to_contain_text("but received 500")


@pytest.mark.parametrize("name", ["book/05_output_size", "book/07_building_cnns", "book/08_lenet5"])
def test_trace_tables_are_not_cut_off_at_1280_pixels(browser_page: Any, site: str, name: str) -> None:
    """The formula column wraps, so that each trace table fits the text column (or scrolls in its own box)."""
    seen = visit(browser_page, f"{site}/{name}.html")
    boxes = seen.page.eval_on_selector_all(".cnnlab-trace-wrapper", """wrappers => wrappers.map(w => {
        const table = w.querySelector("table").getBoundingClientRect();
        const column = w.closest("article, main, .bd-article, body").getBoundingClientRect();
        const box = w.getBoundingClientRect();
        return {fits: table.right <= box.right + 1, scrolls: w.scrollWidth > w.clientWidth,
                inside: box.right <= column.right + 1};
    })""")
    assert boxes, f"{name}.html shows no trace table"
    for box in boxes:
        assert box["inside"]                                # the box stays in the text column
        assert box["fits"] and not box["scrolls"], box      # and at 1280 px the table fits it: no scrolling


def test_math_is_typeset_offline(playground: Visit) -> None:
    from playwright.sync_api import expect

    expect(playground.page.locator("mjx-container").first).to_be_visible(timeout=15_000)
