"""The widgets on the Python side: they build without a browser, their values follow their
settings (checked against cnnlab.shapes and PyTorch), and bad settings give a message."""

from __future__ import annotations

import json
from collections import OrderedDict

import pytest
import torch
import torch.nn.functional as F
from conftest import edited_models
from hypothesis import given, settings
from hypothesis import strategies as st
from torch import nn

from cnnlab import shapes
from cnnlab.models import MODELS, LeNet5
from cnnlab.tracing import trace
from cnnlab.widgets import (
    ConvStepper,
    NetworkStack,
    PoolingExplorer,
    ShapeExplorer,
    conv_stepper,
    network_stack,
    pooling_explorer,
    shape_explorer,
)
from cnnlab.widgets.grids import check_grid, format_value
from cnnlab.widgets.network import layers_from_trace, propagate, to_module


@pytest.fixture(scope="module")
def lenet_stack() -> NetworkStack:
    return network_stack("LeNet5")


def test_every_widget_builds_without_a_browser(lenet_stack: NetworkStack) -> None:
    for widget in (shape_explorer(), conv_stepper(), pooling_explorer(), lenet_stack):
        state = widget.get_state()
        assert "export default" in state["_esm"] and "import {" not in state["_esm"]
        assert ".cnnlab-widget" in state["_css"]
        json.dumps(state)  # what the notebook stores and the static page loads
        assert "0x" not in repr(widget) and repr(widget).startswith(type(widget).__name__ + "(")


# ---------------------------------------------------------------- shape explorer

layers = st.sampled_from(["conv", "max_pool", "avg_pool", "conv_transpose"])


@settings(max_examples=300, deadline=None)
@given(layer=layers, height=st.integers(0, 40), width=st.integers(1, 40), kernel=st.integers(0, 9),
       stride=st.integers(0, 4), padding=st.one_of(st.integers(-1, 5), st.sampled_from(["same", "valid"])),
       dilation=st.integers(1, 3), ceil_mode=st.booleans(), output_padding=st.integers(0, 3))
def test_shape_explorer_values_follow_its_settings(layer: str, height: int, width: int, kernel: int,
                                                   stride: int, padding: int | str, dilation: int,
                                                   ceil_mode: bool, output_padding: int) -> None:
    explorer = ShapeExplorer()
    explorer.set_state(dict(layer=layer, height=height, width=width, kernel_size=kernel, stride=stride,
                            padding=padding, dilation=dilation, ceil_mode=ceil_mode,
                            output_padding=output_padding))  # as the browser sends them
    size = height if height == width else (height, width)
    try:
        expected = shapes.explain(size, kernel, stride, padding, dilation, layer=layer,  # type: ignore[arg-type]
                                  ceil_mode=ceil_mode, output_padding=output_padding)
    except ValueError as wrong:
        assert (explorer.output, explorer.formula, explorer.error) == ([], "", str(wrong))
    else:
        out = (expected.output, expected.output) if isinstance(expected.output, int) else expected.output
        assert (explorer.output, explorer.formula, explorer.error) == (list(out), str(expected), "")


def test_shape_explorer_follows_each_change() -> None:
    explorer = shape_explorer(28, kernel_size=5, padding=2)
    assert explorer.output == [28, 28]
    explorer.kernel_size = 3
    assert explorer.output == [30, 30]
    explorer.stride = 2
    assert explorer.output == [15, 15] and explorer.formula == "⌊(28 + 2·2 − 1·(3 − 1) − 1) / 2⌋ + 1 = 15"
    explorer.layer = "max_pool"
    assert explorer.error.startswith("pooling padding must be at most half the kernel")
    explorer.padding = 1
    assert explorer.output == [14, 14] and explorer.error == ""


@pytest.mark.parametrize("settings, words", [
    ({"kernel_size": 0}, "kernel_size must be at least 1"),
    ({"layer": "pool"}, "layer must be 'conv', 'max_pool', 'avg_pool' or 'conv_transpose'"),
    ({"padding": "full"}, "padding must be an int, an (height, width) pair, 'valid' or 'same'"),
    ({"padding": "same", "stride": 2}, "padding='same'"),
    ({"layer": "avg_pool", "dilation": 2}, "average pooling has no dilation"),
    ({"height": 2, "width": 2, "kernel_size": 5}, "use padding ≥ 2"),
])
def test_bad_settings_give_the_message_not_an_exception(settings: dict, words: str) -> None:
    explorer = ShapeExplorer(**settings)
    assert words in explorer.error and explorer.output == [] and explorer.formula == ""


# ---------------------------------------------------------------- stepper and pooling, against PyTorch

grids = st.integers(1, 6).flatmap(lambda rows: st.integers(1, 6).flatmap(
    lambda cols: st.lists(st.lists(st.integers(-9, 9), min_size=cols, max_size=cols), min_size=rows,
                          max_size=rows)))


@settings(max_examples=150, deadline=None)
@given(grid=grids, kernel=grids, stride=st.integers(1, 3), padding=st.integers(0, 2))
def test_conv_stepper_computes_what_conv2d_computes(grid: list, kernel: list, stride: int,
                                                    padding: int) -> None:
    stepper = ConvStepper(input=grid, kernel=kernel, stride=stride, padding=padding)
    x, w = torch.tensor(grid, dtype=torch.float64), torch.tensor(kernel, dtype=torch.float64)
    try:
        expected = F.conv2d(x[None, None], w[None, None], stride=stride, padding=padding)[0, 0]
    except RuntimeError:
        assert stepper.error and stepper.output == []
        return
    assert stepper.error == "" and stepper.output_size == list(expected.shape)
    assert torch.equal(torch.tensor(stepper.output, dtype=torch.float64), expected)


def test_conv_stepper_step_writes_out_the_current_cell() -> None:
    stepper = conv_stepper(stride=2)
    assert stepper.output == [[211.0, 262.0], [251.0, 169.0]]            # the seed's stride-2 result
    assert stepper.calculation.endswith("= 211")
    stepper.step = 3
    assert stepper.calculation == "7·1 + 8·2 + 4·3 + 4·4 + 6·5 + 2·6 + 5·7 + 4·8 + 1·9 = 169"
    stepper.stride = 1                                                    # 9 cells now: step 3 stays
    assert stepper.step == 3 and stepper.calculation.endswith(f"= {format_value(stepper.output[1][0])}")
    stepper.step = 99                                                     # clamped to the last cell
    assert stepper.step == 8
    stepper.stride = 0
    assert stepper.error.startswith("stride must be at least 1") and stepper.calculation == ""


@settings(max_examples=300, deadline=None)
@given(grid=grids, kernel_size=st.integers(1, 4), stride=st.integers(1, 3), padding=st.integers(0, 2),
       ceil_mode=st.booleans())
def test_pooling_explorer_computes_what_pooling_layers_compute(grid: list, kernel_size: int, stride: int,
                                                               padding: int, ceil_mode: bool) -> None:
    explorer = PoolingExplorer(grid=grid, kernel_size=kernel_size, stride=stride, padding=padding,
                               ceil_mode=ceil_mode)
    x = torch.tensor(grid, dtype=torch.float64)[None, None]
    settings = {"kernel_size": kernel_size, "stride": stride, "padding": padding, "ceil_mode": ceil_mode}
    try:
        expected_max, expected_average = F.max_pool2d(x, **settings), F.avg_pool2d(x, **settings)
    except RuntimeError:
        size = len(grid) if len(grid) == len(grid[0]) else (len(grid), len(grid[0]))
        with pytest.raises(ValueError) as refused:
            shapes.pool_output_size(size, kernel_size, stride, padding, ceil_mode=ceil_mode)
        assert explorer.error == str(refused.value) and explorer.max_output == []
        return
    assert explorer.error == ""
    assert torch.equal(torch.tensor(explorer.max_output, dtype=torch.float64)[None, None], expected_max)
    assert torch.allclose(torch.tensor(explorer.average_output, dtype=torch.float64)[None, None],
                          expected_average)


def test_pooling_explorer_padding_and_ceil_mode_write_out_the_window() -> None:
    explorer = pooling_explorer(kernel_size=2, padding=1)                 # padding: −∞ for max, 0 for average
    assert explorer.output_size == [3, 3]
    assert (explorer.max_calculation, explorer.average_calculation) == ("max(3) = 3",
                                                                       "(0 + 0 + 0 + 3) / 4 = 0.75")
    corner = [[3, 4, 6], [2, 4, 6], [1, 6, 7]]
    explorer = pooling_explorer(corner, kernel_size=2, ceil_mode=True, selected=[0, 1])
    assert explorer.output_size == [2, 2]                                 # the last window hangs over
    assert explorer.average_calculation == "(6 + 6) / 2 = 6"              # the overhang is not counted


def test_pooling_explorer_selected_cell() -> None:
    explorer = pooling_explorer()
    assert (explorer.max_calculation, explorer.average_calculation) == ("max(3, 4, 2, 4) = 4",
                                                                       "(3 + 4 + 2 + 4) / 4 = 3.25")
    explorer.selected = [1, 1]
    assert explorer.max_calculation == "max(7, 8, 4, 6) = 8"
    explorer.kernel_size = 0
    assert "kernel_size must be at least 1" in explorer.error and explorer.max_output == []


def test_malformed_grids_are_refused_with_a_clear_message() -> None:
    with pytest.raises(ValueError, match="rectangle of numbers"):
        check_grid("input", [[1, 2], [3]])
    with pytest.raises(Exception, match="rectangle of numbers"):
        conv_stepper([[1, 2], [3]])
    with pytest.raises(ValueError, match="at least one row"):
        check_grid("kernel", [])


# ---------------------------------------------------------------- network stack


def run_in_pytorch(layers: list[dict], input_shape: tuple[int, ...]) -> tuple[list[tuple[int, ...]], int]:
    """The output shape of each layer as PyTorch computes it, and the index of the first that fails (-1)."""
    x, shapes_seen = torch.zeros(input_shape), []
    for index, module in enumerate(to_module(layers).eval()):
        try:
            x = module(x)
        except RuntimeError:
            return shapes_seen, index
        shapes_seen.append(tuple(x.shape))
    return shapes_seen, -1


@pytest.mark.parametrize("name", sorted(MODELS))
def test_network_stack_matches_trace_for_every_model(name: str) -> None:
    rows = trace(MODELS[name](), (1, 1, 28, 28)).rows
    result = propagate(layers_from_trace(trace(MODELS[name](), (1, 1, 28, 28))), (1, 1, 28, 28))
    assert result.broken == -1
    assert [tuple(r["output_shape"]) for r in result.rows] == [r.output_shape for r in rows]
    assert [r["formula"] for r in result.rows] == [r.formula for r in rows]


def test_network_stack_agrees_with_pytorch_on_edited_models() -> None:
    broken = 0
    for name, layers, input_shape in edited_models(seed=8, count=150):
        result = propagate(layers, input_shape)
        torch_shapes, torch_broken = run_in_pytorch(layers, input_shape)
        assert result.broken == torch_broken, f"{name} {input_shape}: {result.diagnosis}"
        computed = [tuple(r["output_shape"]) for r in result.rows if r["output_shape"] is not None]
        assert computed == torch_shapes, name
        broken += result.broken >= 0
    assert 30 < broken < 140  # both outcomes well represented


def test_a_forgotten_flatten_is_diagnosed_as_trace_does() -> None:
    def model(*, flatten: bool) -> nn.Module:
        layers = [("conv", nn.Conv2d(1, 16, kernel_size=24)), ("flat", nn.Flatten()),
                  ("fc", nn.Linear(400, 10))]
        return nn.Sequential(OrderedDict(layer for layer in layers if flatten or layer[0] != "flat"))

    layers = [layer for layer in layers_from_trace(trace(model(flatten=True), (1, 1, 28, 28)))
              if layer["name"] != "flat"]
    result = propagate(layers, (1, 1, 28, 28))
    expected = trace(model(flatten=False), (1, 1, 28, 28)).diagnosis
    assert result.diagnosis == expected
    assert "torch.flatten(x, 1) gives (1, 400)" in expected and "Fix:" not in expected  # 400 is right already
    assert result.fix == "torch.flatten(x, 1)"


def test_network_stack_diagnosis_is_traces(lenet_stack: NetworkStack) -> None:
    model = LeNet5()
    model.backbone.conv2 = nn.Conv2d(6, 32, kernel_size=5)                # 32·5·5 = 800 features
    lenet_stack.reset()
    lenet_stack.set_setting("backbone.conv2", "out_channels", 32)
    assert lenet_stack.diagnosis == trace(model, (1, 1, 28, 28)).diagnosis
    assert lenet_stack.broken == 7 and lenet_stack.fix == "nn.Linear(800, 120)"
    model.backbone.conv2 = nn.Conv2d(8, 16, kernel_size=5)                # expects 8 channels, gets 6
    lenet_stack.reset()
    lenet_stack.set_setting("backbone.conv2", "in_channels", 8)
    assert lenet_stack.diagnosis == trace(model, (1, 1, 28, 28)).diagnosis
    assert lenet_stack.fix == "nn.Conv2d(6, 16, kernel_size=5)"
    lenet_stack.reset()
    lenet_stack.input_shape = [1, 1, 2, 2]                                # conv2 meets a 1×1 input
    assert lenet_stack.diagnosis == trace(LeNet5(), (1, 1, 2, 2)).diagnosis
    # not a range ("use padding ≥ 1") but a setting tried on the stack: with it, conv2 runs
    assert lenet_stack.fix == "nn.Conv2d(6, 16, kernel_size=5, padding=2)"
    lenet_stack.set_setting("backbone.conv2", "padding", 2)
    assert lenet_stack.broken > 4
    lenet_stack.reset()
    assert lenet_stack.broken == -1 and lenet_stack.output_shapes[-1] == [1, 10]


def test_network_stack_refuses_unknown_names_clearly(lenet_stack: NetworkStack) -> None:
    with pytest.raises(ValueError, match="no layer is called 'conv9'; the layers are backbone.conv1"):
        lenet_stack.set_setting("conv9", "out_channels", 3)
    with pytest.raises(ValueError, match="has no setting 'colour'"):
        lenet_stack.set_setting("head.fc1", "colour", 3)
    with pytest.raises(ValueError, match="unknown model 'ResNet'; pick one of MnistNet"):
        network_stack("ResNet")
    with pytest.raises(ValueError, match="does not run on an input of shape"):
        network_stack(nn.Linear(3, 2))


def test_network_stack_model_choice_loads_its_layers(lenet_stack: NetworkStack) -> None:
    lenet_stack.model_name = "MnistNet"
    assert [layer["name"] for layer in lenet_stack.layers][-1] == "fc"
    assert lenet_stack.output_shapes[-1] == [1, 10]
    lenet_stack.model_name = "LeNet5"
    assert lenet_stack.layers[-1]["name"] == "head.fc3"
