"""The digit lab in the built book, in headless Chromium, offline (every off-host request blocked).

On chapter 10 the page's own network (its weights read from the page's widget state, rebuilt in
PyTorch) must give the class and probabilities the page shows, for the 28 × 28 image the page
shows (read back from it); a vertical stroke drawn with the default pen reads as 1 and a closed
loop as 0; each test digit loads with PyTorch's class; tapping a cell of the last pooling layer
lights a square of the size ``receptive_fields`` gives; it works from ``file://`` and under a
subfolder, at 400 px with touch, and from the keyboard. Reuse a built book with CNNLAB_BUILT_BOOK.
"""

# ruff: noqa: F811  (the fixtures imported from test_browser are test arguments here)
from __future__ import annotations

import base64
import json
import math
import re
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import torch
from test_browser import (  # noqa: F401  (fixtures)
    Visit,
    browser_page,
    cnnlab_views,
    site,
    site_in_subfolder,
    visit,
)
from torch import nn

from cnnlab.data import normalize
from cnnlab.models import LeNet5
from cnnlab.receptive_field import receptive_fields

pytestmark = [pytest.mark.browser, pytest.mark.slow]

CHAPTER = "book/10_beyond"
TOLERANCE = 1e-4


def lab_state(built_book: Path, name: str = CHAPTER) -> dict[str, Any]:
    """The digit lab's widget state embedded in a built page."""
    html = (built_book / f"{name}.html").read_text(encoding="utf-8")
    state = re.search(r'<script type="application/vnd.jupyter.widget-state\+json">(.*?)</script>', html, re.S)
    assert state is not None, f"{name}.html holds no widget state"
    for model in json.loads(state.group(1))["state"].values():
        if model.get("state", {}).get("_anywidget_id", "") == "cnnlab.widgets.digit_lab.DigitLab":
            return model["state"]
    raise AssertionError(f"{name}.html holds no digit lab")


def torch_network(state: dict[str, Any]) -> nn.Sequential:
    """The page's network rebuilt as PyTorch layers, with the page's weights."""
    dtype = "<f4" if state["dtype"] == "float32" else "<f2"
    weights = torch.from_numpy(np.frombuffer(base64.b64decode(state["weights"]), dtype).astype(np.float32))

    def take(start: int, shape: torch.Size) -> nn.Parameter:
        return nn.Parameter(weights[start:start + math.prod(shape)].reshape(shape).clone())

    modules: list[nn.Module] = []
    for layer in state["layers"]:
        kind = layer["kind"]
        if kind == "conv":
            module = nn.Conv2d(layer["in_channels"], layer["out_channels"], layer["kernel_size"],
                               layer["stride"], layer["padding"], layer["dilation"])
            module.weight = take(layer["weight"], module.weight.shape)
            module.bias = take(layer["bias"], module.bias.shape)
        elif kind == "linear":
            module = nn.Linear(layer["in_features"], layer["out_features"])
            module.weight = take(layer["weight"], module.weight.shape)
            module.bias = take(layer["bias"], module.bias.shape)
        elif kind == "maxpool":
            module = nn.MaxPool2d(layer["kernel_size"], layer["stride"], layer["padding"], layer["dilation"])
        elif kind == "avgpool":
            module = nn.AvgPool2d(layer["kernel_size"], layer["stride"], layer["padding"],
                                  count_include_pad=layer["count_include_pad"])
        else:
            module = {"relu": nn.ReLU(), "tanh": nn.Tanh(), "sigmoid": nn.Sigmoid(),
                      "flatten": nn.Flatten()}[kind]
        modules.append(module)
    return nn.Sequential(*modules).eval()


def shown(lab: Any) -> tuple[torch.Tensor, int, np.ndarray]:
    """The 28 × 28 image the page shows (read back), the class it writes, its ten probabilities."""
    lab.page.evaluate("new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)))")
    text, said, values = lab.evaluate("""(el) => [
      el.querySelector("[data-testid=input-image]").dataset.pixels,
      el.querySelector("[data-testid=prediction]").textContent,
      [...el.querySelectorAll(".cl-bar")].map((bar) => bar.dataset.probability),
    ]""")  # one snapshot: the image and what the page says about it
    image = torch.tensor([float(v) for v in text.split(",")], dtype=torch.float32).reshape(1, 1, 28, 28)
    predicted = int(said.removeprefix("prediction: "))
    probabilities = np.array([float(value) for value in values])
    return image, predicted, probabilities


def check_against_pytorch(lab: Any, network: nn.Sequential) -> int:
    image, predicted, probabilities = shown(lab)
    with torch.no_grad():
        expected = network(normalize(image)).softmax(dim=1)[0].double().numpy()
    assert predicted == int(expected.argmax()), f"page says {predicted}, PyTorch {expected.argmax()}"
    assert np.abs(probabilities - expected).max() <= TOLERANCE, np.abs(probabilities - expected).max()
    assert 0 <= image.min() and image.max() <= 1
    return predicted


def draw(page: Any, lab: Any, points: list[tuple[float, float]]) -> None:
    """One stroke with the mouse through points given as fractions of the pad."""
    pad = lab.get_by_test_id("pad")
    pad.scroll_into_view_if_needed()  # mouse events only reach what is on the screen
    box = pad.bounding_box()
    xy = [(box["x"] + box["width"] * x, box["y"] + box["height"] * y) for x, y in points]
    page.mouse.move(*xy[0])
    page.mouse.down()
    for point in xy[1:]:
        page.mouse.move(*point)
    page.mouse.up()


VERTICAL = [(0.5, 0.15 + 0.7 * i / 20) for i in range(21)]
LOOP = [(0.5 + 0.25 * math.sin(2 * math.pi * i / 40), 0.5 - 0.35 * math.cos(2 * math.pi * i / 40))
        for i in range(41)]


def open_lab(page: Any, url: str) -> tuple[Visit, Any]:
    from playwright.sync_api import expect

    seen = visit(page, url)
    lab = seen.page.locator(".cnnlab-digit-lab").first
    expect(lab.get_by_test_id("prediction")).to_contain_text("prediction: ", timeout=30_000)
    return seen, lab


def test_the_page_reads_like_pytorch_draws_and_loads_examples(browser_page: Any, site: str,
                                                                built_book: Path, screenshots: Path) -> None:
    from playwright.sync_api import expect

    state = lab_state(built_book)
    network = torch_network(state)
    seen, lab = open_lab(browser_page, f"{site}/{CHAPTER}.html")
    page = seen.page
    expect(lab.get_by_role("img", name="draw a digit")).to_be_visible()
    expect(lab.locator("[aria-live]").filter(has_text="prediction: ")).to_have_count(1)
    check_against_pytorch(lab, network)

    lab.get_by_role("button", name="clear the drawing").click()
    draw(page, lab, VERTICAL)
    expect(lab.get_by_test_id("prediction")).to_have_text("prediction: 1")
    assert check_against_pytorch(lab, network) == 1
    lab.get_by_role("button", name="clear the drawing").click()
    draw(page, lab, LOOP)
    expect(lab.get_by_test_id("prediction")).to_have_text("prediction: 0")
    assert check_against_pytorch(lab, network) == 0
    lab.screenshot(path=screenshots / "digit-lab-loop.png")
    draw(page, lab, VERTICAL)  # undo takes the last stroke back: the loop again
    lab.get_by_role("button", name="undo the last stroke").click()
    expect(lab.get_by_test_id("prediction")).to_have_text("prediction: 0")

    examples = state["examples"]
    assert any(e["label"] != e["predicted"] for e in examples), "the page offers misread digits"
    for index, example in enumerate(examples):
        lab.get_by_test_id(f"example-{index}").click()
        expect(lab.get_by_test_id("prediction")).to_have_text(f"prediction: {example['predicted']}")
        image, _, _ = shown(lab)
        original = np.frombuffer(base64.b64decode(example["pixels"]), np.uint8) / 255
        assert np.allclose(image.flatten().numpy(), original, atol=1e-6), "the example is shown as it is"
        check_against_pytorch(lab, network)
    seen.check_clean()


def test_tapping_the_last_pooling_layer_lights_its_receptive_field(browser_page: Any, site: str) -> None:
    _, lab = open_lab(browser_page, f"{site}/{CHAPTER}.html")
    field = receptive_fields(LeNet5())[-1]
    last_pool = lab.locator("section.cl-layer[data-layer-name='backbone.max_pool2d']").last
    cell = last_pool.locator("canvas.cl-map").first
    box = cell.bounding_box()
    rows, cols = field.output_shape[2:]
    cell.click(position={"x": box["width"] * 2.5 / cols, "y": box["height"] * 2.5 / rows})  # unit (2, 2)
    marked = lab.get_by_test_id("rf-input")
    (first_row, last_row), (first_col, last_col) = field.pixels(2, 2)
    assert marked.get_attribute("data-size") == f"{field.size[0]}x{field.size[1]}"
    assert marked.get_attribute("data-rows") == f"{first_row}-{last_row}"
    assert marked.get_attribute("data-cols") == f"{first_col}-{last_col}"
    image = lab.get_by_test_id("input-image").bounding_box()
    square = marked.bounding_box()
    pixel = image["width"] / 28
    assert abs(square["width"] / pixel - field.size[1]) < 0.6
    assert abs(square["height"] / pixel - field.size[0]) < 0.6
    written = lab.get_by_test_id("rf-text").inner_text()
    assert f"a receptive field of {field.size[0]} × {field.size[1]} pixels" in written
    # A border unit's field reaches into the padding: the dashed square is larger than the lit part.
    cell.click(position={"x": 1, "y": 1})
    assert "padding" in lab.get_by_test_id("rf-text").inner_text()


def test_keyboard_loads_examples_and_clears(browser_page: Any, site: str, built_book: Path) -> None:
    from playwright.sync_api import expect

    state = lab_state(built_book)
    seen, lab = open_lab(browser_page, f"{site}/{CHAPTER}.html")
    lab.get_by_test_id("example-1").focus()
    seen.page.keyboard.press("Enter")
    expect(lab.get_by_test_id("prediction")).to_have_text(f"prediction: {state['examples'][1]['predicted']}")
    lab.get_by_role("button", name="clear the drawing").focus()
    seen.page.keyboard.press("Enter")
    image, _, _ = shown(lab)
    assert float(image.sum()) == 0
    seen.check_clean()


def test_phone_width_with_touch(browser: Any, site: str, screenshots: Path) -> None:
    from playwright.sync_api import expect

    context = browser.new_context(viewport={"width": 400, "height": 800}, has_touch=True, is_mobile=True)
    try:
        page = context.new_page()
        seen, lab = open_lab(page, f"{site}/{CHAPTER}.html")
        lab.scroll_into_view_if_needed()
        assert lab.evaluate("el => el.scrollWidth <= el.clientWidth"), "the lab scrolls sideways at 400 px"
        box = lab.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= 400
        lab.get_by_role("button", name="clear the drawing").tap()
        pad = lab.get_by_test_id("pad")
        pad.scroll_into_view_if_needed()
        area = pad.bounding_box()
        cdp = context.new_cdp_session(page)
        points = [(area["x"] + area["width"] * x, area["y"] + area["height"] * y) for x, y in VERTICAL]
        cdp.send("Input.dispatchTouchEvent", {"type": "touchStart", "touchPoints": [{"x": points[0][0],
                                                                                    "y": points[0][1]}]})
        for x, y in points[1:]:
            cdp.send("Input.dispatchTouchEvent", {"type": "touchMove", "touchPoints": [{"x": x, "y": y}]})
        cdp.send("Input.dispatchTouchEvent", {"type": "touchEnd", "touchPoints": []})
        expect(lab.get_by_test_id("prediction")).to_have_text("prediction: 1")
        page.screenshot(path=screenshots / "digit-lab-400.png", full_page=False)
        seen.check_clean()
    finally:
        context.close()


@pytest.mark.parametrize("where", ["subfolder", "file"])
def test_works_in_a_subfolder_and_from_disk(browser_page: Any, built_book: Path, site_in_subfolder: str,
                                            where: str) -> None:
    from playwright.sync_api import expect

    page_file = built_book / f"{CHAPTER}.html"
    url = f"{site_in_subfolder}/{CHAPTER}.html" if where == "subfolder" else page_file.as_uri()
    seen, lab = open_lab(browser_page, url)
    expect(seen.page.locator(".cnnlab-widget")).to_have_count(cnnlab_views(page_file.read_text(encoding="utf-8")))
    lab.get_by_role("button", name="clear the drawing").click()
    draw(seen.page, lab, LOOP)
    expect(lab.get_by_test_id("prediction")).to_have_text("prediction: 0")
    seen.page.wait_for_load_state("networkidle")
    seen.check_clean()


def test_the_playground_has_a_live_digit_lab(browser_page: Any, site: str, built_book: Path) -> None:
    state = lab_state(built_book, "book/playground")
    seen, lab = open_lab(browser_page, f"{site}/book/playground.html")
    check_against_pytorch(lab, torch_network(state))
    seen.check_clean()
