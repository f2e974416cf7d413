"""Receptive fields: the arithmetic (cnnlab.shapes.receptive_field, its JavaScript twin), the walk
over a model (cnnlab.receptive_field), and a brute-force check on every network of the book.

Brute force: on a copy of the model whose activations are the identity, whose max pooling is
average pooling and whose weights are all positive (so that no path is blocked), the input pixels
with a non-zero gradient for one output unit are exactly the predicted square (clipped to the
image; for a unit at the border the predicted square reaches into the padding).
"""

from __future__ import annotations

import copy
import random
from pathlib import Path
from typing import Any

import pytest
import torch
import torch.nn.functional as F
from test_widget_parity import NODE, run_node
from torch import nn
from torch.overrides import TorchFunctionMode

from cnnlab.models import MODELS, LeNet5
from cnnlab.receptive_field import receptive_fields
from cnnlab.shapes import Field, receptive_field
from cnnlab.widgets.digit_lab import export_network

IDENTITY = {F.relu, torch.relu, torch.Tensor.relu, torch.tanh, torch.Tensor.tanh, torch.sigmoid,
            torch.Tensor.sigmoid}


class Unblocked(TorchFunctionMode):
    """Activations become the identity and max pooling average pooling; every conv/pool output is kept."""

    def __init__(self) -> None:
        super().__init__()
        self.maps: list[torch.Tensor] = []

    def __torch_function__(self, func: Any, types: Any, args: Any = (), kwargs: Any = None) -> Any:
        kwargs = kwargs or {}
        if func in IDENTITY:
            return args[0]
        if func is F.max_pool2d:
            names = ("input", "kernel_size", "stride", "padding")
            given = {**dict(zip(names, args, strict=False)), **kwargs}
            assert given.get("dilation", 1) in (1, (1, 1)), "dilated max pooling has no average twin"
            out = F.avg_pool2d(given["input"], given["kernel_size"], given.get("stride") or None,
                               given.get("padding", 0))
        else:
            out = func(*args, **kwargs)
        if func in (F.conv2d, torch.conv2d, F.avg_pool2d, F.max_pool2d):
            out.retain_grad()
            self.maps.append(out)
        return out


Span = tuple[int, int]


def seen_pixels(model: nn.Module, map_index: int, row: int, col: int) -> tuple[Span, Span]:
    """Rows and columns (first, last) of the input pixels with a non-zero gradient for one unit."""
    model = copy.deepcopy(model).eval()
    with torch.no_grad():
        for parameter in model.parameters():
            parameter.copy_(parameter.abs() + 0.05)
        for module in model.modules():
            if isinstance(module, nn.BatchNorm2d):
                module.running_mean.zero_()
                module.running_var.fill_(1)
    image = torch.ones(1, 1, 28, 28, requires_grad=True)
    with Unblocked() as mode:
        model(image)
    mode.maps[map_index][0, 0, row, col].backward()
    hit = image.grad[0, 0] != 0
    rows, cols = hit.any(dim=1).nonzero().flatten(), hit.any(dim=0).nonzero().flatten()
    square = hit[rows.min():rows.max() + 1, cols.min():cols.max() + 1]
    assert bool(square.all()), "the pixels a unit sees form a full rectangle"
    assert int(hit.sum()) == square.numel()
    return (int(rows.min()), int(rows.max())), (int(cols.min()), int(cols.max()))


def clipped(span: tuple[int, int]) -> tuple[int, int]:
    return max(span[0], 0), min(span[1], 27)


@pytest.mark.parametrize("name", list(MODELS))
def test_brute_force_gradient_matches_the_predicted_square(name: str) -> None:
    torch.manual_seed(0)
    model = MODELS[name]()
    spatial = [row for row in receptive_fields(model) if row.type in
               ("Conv2d", "MaxPool2d", "F.max_pool2d", "AvgPool2d", "F.avg_pool2d")]
    checked = 0
    for index, row in enumerate(spatial):
        _, _, height, width = row.output_shape
        units = {(height // 2, width // 2), (0, 0), (height - 1, width - 1)}
        for r, c in units:
            predicted_rows, predicted_cols = row.pixels(r, c)
            rows, cols = seen_pixels(model, index, r, c)
            assert (rows, cols) == (clipped(predicted_rows), clipped(predicted_cols)), (
                f"{name} {row.name} unit ({r}, {c}): gradient {rows, cols}, predicted "
                f"{predicted_rows, predicted_cols}")
            checked += 1
    assert checked >= 6


def test_border_units_reach_into_the_padding() -> None:
    """LeNet-5's conv1 pads by 2: unit (0, 0) sees rows −2…2, of which −2 and −1 are padding."""
    row = receptive_fields(LeNet5())[0]
    assert row.pixels(0, 0) == ((-2, 2), (-2, 2))
    assert seen_pixels(LeNet5(), 0, 0, 0) == ((0, 2), (0, 2))


def test_lenet5_sizes_jumps_and_starts() -> None:
    rows = [row for row in receptive_fields(LeNet5()) if row.type != "F.relu"]
    assert [row.size[0] for row in rows] == [5, 6, 14, 16]
    assert [row.jump[0] for row in rows] == [1, 2, 2, 4]
    assert [row.start[0] for row in rows] == [-2, -2, -2, -2]


def test_arithmetic_with_dilation_and_stride() -> None:
    assert receptive_field([(3, 2, 1, 2), (3, 1, 0, 1)]) == [Field(5, 2, -1), Field(9, 2, -1)]


@pytest.mark.parametrize("bad", [[(0, 1, 0, 1)], [(3, 0, 0, 1)], [(3, 1, -1, 1)], [(3, 1, 0, 0)],
                                 [(3, 1, 0)], [(3.5, 1, 0, 1)], ["abcd"], [(True, 1, 0, 1)]])
def test_wrong_layers_are_refused_with_the_number(bad: list[Any]) -> None:
    with pytest.raises(ValueError, match="layer 0: "):
        receptive_field(bad)


@pytest.mark.skipif(NODE is None, reason="node is not installed")
def test_javascript_twin_agrees(tmp_path: Path) -> None:
    rng = random.Random(9)
    cases: list[list[Any]] = []
    for _ in range(600):
        stack = [[rng.randint(1, 7), rng.randint(1, 3), rng.randint(0, 3), rng.randint(1, 3)]
                 for _ in range(rng.randint(0, 6))]
        if stack and rng.random() < 0.15:
            position, slot = rng.randrange(len(stack)), rng.randrange(4)
            stack[position][slot] = rng.choice([0, -1, 2.5, "3", True])
        cases.append([stack])
    cases.append([[[3, 1, 0]]])
    results = run_node(tmp_path, "shapes", "receptiveField", cases)
    for (stack,), got in zip(cases, results, strict=True):
        try:
            fields = receptive_field([tuple(layer) for layer in stack])
            expected = {"ok": True, "value": [vars(field) for field in fields]}
        except ValueError as error:
            expected = {"ok": False, "error": str(error)}
        if expected["ok"]:
            assert got == expected, stack
        else:
            assert not got["ok"] and got["error"] == expected["error"], stack


@pytest.mark.skipif(NODE is None, reason="node is not installed")
@pytest.mark.parametrize("name", list(MODELS))
def test_widget_fields_equal_receptive_fields(tmp_path: Path, name: str) -> None:
    """digit_net.js's fieldOf (what the widget highlights) equals receptive_fields(model) on every layer."""
    model = MODELS[name]()
    layers, _ = export_network(model)
    table = [row for row in receptive_fields(model) if row.type != "BatchNorm2d"]  # folded into the conv
    spatial = [i for i, layer in enumerate(layers) if len(layer["output_shape"]) == 3]
    assert len(spatial) == len(table)
    cases = [[layers, -1, index, row.output_shape[2] - 1, 1]
             for index, row in zip(spatial, table, strict=True)]
    results = run_node(tmp_path, "digit_net", "fieldOf", cases)
    for row, got in zip(table, results, strict=True):
        rows, cols = row.pixels(row.output_shape[2] - 1, 1)
        assert got["value"] == {"rows": list(rows), "cols": list(cols), "size": list(row.size)}, row.name
