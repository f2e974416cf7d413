"""The widgets speak the page's language, in the built book, in headless Chromium, offline.

The playground (every widget kind) is opened with its ``<html lang>`` set to "en" or to "zh-CN" (as
the Chinese edition says it) before the widgets render: each widget's labels, hints and messages
are then English or Chinese (a sample of each, and no former English label left on the Chinese
page), and the numbers they compute are the same, checked against cnnlab.shapes, cnnlab.widgets
and PyTorch as the other browser tests do. Reuse a built book with CNNLAB_BUILT_BOOK.
"""

# ruff: noqa: F811  (the fixtures imported from test_browser are test arguments here)
from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import torch
from test_browser import (  # noqa: F401  (fixtures)
    PLAYGROUND,
    Visit,
    browser_page,
    cnnlab_views,
    python_says,
    site,
    visit,
)
from test_browser_digit_lab import lab_state, torch_network

from cnnlab.data import normalize
from cnnlab.models import LeNet5
from cnnlab.tracing import trace
from cnnlab.widgets.grids import convolve_cell
from cnnlab.widgets.network import layers_from_trace, propagate

pytestmark = [pytest.mark.browser, pytest.mark.slow]

SEED_INPUT = [[3, 4, 6, 5, 7], [2, 4, 6, 8, 2], [1, 6, 7, 8, 4], [9, 7, 4, 6, 2], [3, 7, 5, 4, 1]]
SEED_KERNEL = [[1, 2, 3], [4, 5, 6], [7, 8, 9]]

# What each language calls things: labels to find controls by, and texts the widgets show.
SAYS = {
    "en": {
        "shape_title": "Shape explorer", "kernel_size": "kernel size", "stride": "stride",
        "too_large": "kernel 40 is larger than the padded input 28 + 2·2 = 32; use padding ≥ 6",
        "stepper_title": "Convolution stepper", "next": "next step", "second_cell": "output cell 2 of 9",
        "pooling_title": "Pooling explorer", "max_cell": "max pooling output row 1, column 0 (from 0): 9",
        "max_text": "max pooling out[1, 0]:", "stack_title": "Network shape stack",
        "conv2_out": "backbone.conv2 out channels", "broken": "input (1, 1, 28, 28) → breaks at head.fc1",
        "fix": "Fix: nn.Linear(800, 120)", "lab_title": "Digit lab", "prediction": "prediction: ",
        "clear": "clear the drawing",
    },
    "zh-CN": {
        "shape_title": "形状探索器", "kernel_size": "卷积核大小", "stride": "步幅",
        "too_large": "卷积核 40 比填充后的输入 28 + 2·2 = 32 还大；请使用 padding ≥ 6",
        "stepper_title": "卷积步进器", "next": "下一步", "second_cell": "第 2 个输出单元（共 9 个）",
        "pooling_title": "池化探索器", "max_cell": "最大池化输出第 1 行、第 0 列（从 0 开始）：9",
        "max_text": "最大池化 out[1, 0]：", "stack_title": "网络形状栈",
        "conv2_out": "backbone.conv2 的输出通道", "broken": "输入 (1, 1, 28, 28) → 在 head.fc1 处出错",
        "fix": "修改建议：nn.Linear(800, 120)", "lab_title": "数字实验室", "prediction": "预测：",
        "clear": "清除画板",
    },
}

# Labels the widgets wrote in English before the string tables: none may be left on a Chinese page.
ENGLISH_LABELS = ["Shape explorer", "how big is the output", "output size", "kernel size", "input size",
                  "padding mode", "dilation", "convolution", "average pool", "in no window",
                  "Convolution stepper", "next step", "previous step", "play", "reset", "kernel values",
                  "one row per line",
                  "output cell", "Pooling explorer", "window", "max pooling", "average pooling",
                  "Network shape stack", "out channels", "in features", "parameters", "breaks", "Fix",
                  "Digit lab", "prediction", "clear", "undo", "probabilities", "feature maps", "filters",
                  "test digits", "receptive field", "colour scale", "weights as", "in your browser"]

# Everything a widget says in words: its text and its elements' accessible names and titles, without
# code (nn.Conv2d(…)), formulas and the names of layers and models, which stay as Python writes them.
WORDS_SHOWN = """(el) => {
  const copy = el.cloneNode(true);
  const code = "code, .cl-code, .cl-formula, .cl-layer-name, .cl-layer-type, select, .cl-map-title strong";
  copy.querySelectorAll(code).forEach((node) => node.remove());
  const names = [...el.querySelectorAll("[aria-label], [title]")].map(
    (node) => `${node.getAttribute("aria-label") || ""} ${node.getAttribute("title") || ""}`);
  return [copy.textContent, ...names].join("\\n");
}"""


def open_playground(page: Any, site: str, built_book: Path, language: str) -> Visit:
    """The playground with <html lang> set to ``language`` before any widget renders."""
    from playwright.sync_api import expect

    page.add_init_script(f"""document.addEventListener("DOMContentLoaded", () => {{
      document.documentElement.lang = "{language}";
    }});""")
    seen = visit(page, f"{site}/{PLAYGROUND}.html")
    expected = cnnlab_views((built_book / f"{PLAYGROUND}.html").read_text(encoding="utf-8"))
    expect(seen.page.locator(".cnnlab-widget")).to_have_count(expected, timeout=30_000)
    assert seen.page.evaluate("document.documentElement.lang") == language
    return seen


def english_left(widget: Any) -> list[str]:
    shown = widget.evaluate(WORDS_SHOWN)
    return [label for label in ENGLISH_LABELS if re.search(rf"\b{re.escape(label)}\b", shown, re.IGNORECASE)]


@pytest.mark.parametrize("language", ["en", "zh-CN"])
def test_widgets_speak_the_page_language_and_compute_the_same(browser_page: Any, site: str, built_book: Path,
                                                              language: str) -> None:
    from playwright.sync_api import expect

    says = SAYS[language]
    seen = open_playground(browser_page, site, built_book, language)
    page = seen.page
    kinds = ("shape-explorer", "conv-stepper", "pooling-explorer", "network-stack", "digit-lab")
    widgets = {name: page.locator(f".cnnlab-{name}").first for name in kinds}
    if language != "en":
        left = {name: english_left(widget) for name, widget in widgets.items()}
        assert not any(left.values()), f"English labels on a {language} page: {left}"

    # shape explorer: the same sizes and formulas as cnnlab.shapes; its errors in the page's language
    explorer = widgets["shape-explorer"]
    expect(explorer.locator(".cl-title")).to_contain_text(says["shape_title"])
    for label, value, size in ((says["kernel_size"], 3, "30 × 30"), (says["stride"], 2, "15 × 15")):
        explorer.get_by_label(label, exact=True).fill(str(value))
        expect(explorer.get_by_test_id("output-size")).to_have_text(size)
    settings = {"height": 28, "width": 28, "kernel_size": 3, "stride": 2, "padding": 2, "dilation": 1,
                "layer": "conv", "ceil_mode": False, "output_padding": 0}
    assert explorer.get_by_test_id("formula").inner_text().strip() == python_says(settings)[1]
    explorer.get_by_label(says["stride"], exact=True).fill("1")
    explorer.get_by_label(says["kernel_size"], exact=True).fill("40")
    expect(explorer.get_by_test_id("error")).to_have_text(says["too_large"])
    expect(explorer.get_by_test_id("output-size")).to_have_text("—")

    # convolution stepper: the second cell's multiply-and-add, as cnnlab.widgets.grids writes it
    stepper = widgets["conv-stepper"]
    expect(stepper.locator(".cl-title")).to_contain_text(says["stepper_title"])
    stepper.get_by_label(says["next"], exact=True).click()
    expect(stepper.get_by_test_id("status")).to_contain_text(says["second_cell"])
    second = convolve_cell(SEED_INPUT, SEED_KERNEL, stride=1, padding=0, row=0, col=1)
    expect(stepper.get_by_test_id("calculation")).to_have_text(second.text)

    # pooling explorer: pick an output cell by its (translated) accessible name
    pooling = widgets["pooling-explorer"]
    expect(pooling.locator(".cl-title")).to_contain_text(says["pooling_title"])
    pooling.get_by_label(says["max_cell"], exact=True).click()
    expect(pooling.get_by_test_id("max-calculation")).to_contain_text(f'{says["max_text"]}')
    expect(pooling.get_by_test_id("max-calculation")).to_contain_text("max(1, 6, 9, 7) = 9")
    expect(pooling.get_by_test_id("average-calculation")).to_contain_text("(1 + 6 + 9 + 7) / 4 = 5.75")

    # network stack: the layer that breaks, trace's diagnosis (English: word for word), the fix
    stack = widgets["network-stack"]
    expect(stack.locator(".cl-title")).to_contain_text(says["stack_title"])
    stack.get_by_label(says["conv2_out"], exact=True).fill("32")
    layers = layers_from_trace(trace(LeNet5(), (1, 1, 28, 28)))
    next(layer for layer in layers if layer["name"] == "backbone.conv2")["out_channels"] = 32
    expected = propagate(layers, (1, 1, 28, 28))
    expect(stack.locator("tr.cl-broken")).to_have_attribute("data-layer", "head.fc1")
    expect(stack.get_by_test_id("output-shape")).to_have_text(says["broken"])
    expect(stack.get_by_test_id("fix")).to_have_text(says["fix"])
    diagnosis = stack.get_by_test_id("error").inner_text()
    if language == "en":
        assert diagnosis == expected.diagnosis
    else:
        assert diagnosis.startswith("head.fc1 (Linear) 期望 400 个输入特征（nn.Linear(400, 120)），"
                                    "但收到了 800 个。")
        assert "32 个通道 × 5 × 5 = 800" in diagnosis

    # digit lab: the class it writes is PyTorch's for the image it shows
    lab = widgets["digit-lab"]
    expect(lab.locator(".cl-title")).to_contain_text(says["lab_title"])
    expect(lab.get_by_role("button", name=says["clear"])).to_be_visible()
    expect(lab.get_by_test_id("prediction")).to_contain_text(says["prediction"], timeout=30_000)
    page.evaluate("new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)))")
    text, said = lab.evaluate("""(el) => [el.querySelector("[data-testid=input-image]").dataset.pixels,
                                          el.querySelector("[data-testid=prediction]").textContent]""")
    image = torch.tensor([float(v) for v in text.split(",")], dtype=torch.float32).reshape(1, 1, 28, 28)
    with torch.no_grad():
        probabilities = torch_network(lab_state(built_book, PLAYGROUND))(normalize(image)).softmax(dim=1)[0]
    assert said == f'{says["prediction"]}{int(np.argmax(probabilities.numpy()))}'
    seen.check_clean()
