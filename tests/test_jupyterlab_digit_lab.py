"""The digit lab in JupyterLab 4 with a live kernel, offline: a digit drawn in the page is read
back in Python as ``lab.image`` (shape (1, 1, 28, 28), floats in [0, 1]), and PyTorch's
``predict`` on it agrees with the class the page shows.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from test_jupyterlab import jupyter_lab, notebook_page

pytestmark = [pytest.mark.browser, pytest.mark.slow]

CELLS = [
    "import torch\nfrom cnnlab.models import LeNet5\nfrom cnnlab.train import predict\n"
    "from cnnlab.widgets import DigitLab\ntorch.manual_seed(0)\nmodel = LeNet5()\nlab = DigitLab(model)\nlab",
    "image = lab.image\nprint('python sees', tuple(image.shape), f'{float(image.double().sum()):.3f}',\n"
    "      0 <= float(image.min()) <= float(image.max()) <= 1,\n"
    "      'class', predict(model, image).classes.item())",
]


@pytest.fixture(scope="module")
def lab_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A JupyterLab server on 127.0.0.1 serving one notebook, ``digits.ipynb``; its URL."""
    with jupyter_lab(tmp_path_factory.mktemp("lab-digits"), "digits.ipynb", CELLS) as url:
        yield url


def test_a_drawn_digit_is_read_back_in_python(browser: Any, lab_server: str, screenshots: Path) -> None:
    from playwright.sync_api import expect

    with notebook_page(browser, lab_server, "digits.ipynb") as (page, off_host):
        lab = page.locator(".cnnlab-digit-lab").first
        expect(lab.get_by_test_id("prediction")).to_contain_text("prediction: ", timeout=120_000)
        pad = lab.get_by_test_id("pad")
        pad.scroll_into_view_if_needed()
        box = pad.bounding_box()
        page.mouse.move(box["x"] + box["width"] * 0.3, box["y"] + box["height"] * 0.2)
        page.mouse.down()
        for step in range(1, 21):
            x, y = 0.3 + 0.02 * step, 0.2 + 0.03 * step
            page.mouse.move(box["x"] + box["width"] * x, box["y"] + box["height"] * y)
        page.mouse.up()
        page.wait_for_timeout(300)
        pixels = lab.get_by_test_id("input-image").get_attribute("data-pixels")
        total = sum(float(value) for value in pixels.split(","))
        assert total > 10, "the stroke reached the 28 × 28 image"
        shown = lab.get_by_test_id("prediction").inner_text().removeprefix("prediction: ")
        page.screenshot(path=screenshots / "jupyterlab-digit-lab.png")
        last = page.locator(".jp-Cell").nth(len(CELLS) - 1)
        last.locator(".jp-InputArea-editor").click()
        page.keyboard.press("Shift+Enter")
        expect(last.locator(".jp-OutputArea-output")).to_contain_text(
            f"python sees (1, 1, 28, 28) {total:.3f} True class {shown}", timeout=60_000)
        assert off_host == [], f"requests off localhost: {off_host}"
