"""Shapes through a stack of layers, recomputed from each layer's settings.

The network shape stack lets a reader change a layer (conv1's out channels, fc1's in
features, ...) and see every shape after it update, in the static book too, where no
PyTorch runs. So the layers become plain dicts (``layers_from_trace``), and ``propagate``
recomputes the shapes with ``cnnlab.shapes``, finds the first layer that breaks and says
why in the words of ``cnnlab.trace``. ``network.js`` does the same in the browser
(tests/test_widget_parity.py compares them), and ``to_module`` builds the edited stack in
PyTorch, which the tests use to check both against the real thing.

>>> from cnnlab.models import MnistNet
>>> from cnnlab.tracing import trace
>>> layers = layers_from_trace(trace(MnistNet(), (1, 1, 28, 28)))
>>> [layer["name"] for layer in layers][-2:]
['view', 'fc']
>>> layers[3]["out_channels"] = 50          # conv2 with 50 filters: 50·4·4 = 800 features
>>> result = propagate(layers, (1, 1, 28, 28))
>>> result.broken, result.fix
(7, 'nn.Linear(800, 10)')
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial
from math import prod
from types import SimpleNamespace
from typing import Any

import torch
from torch import nn

from cnnlab.diagnosis import (
    Finding,
    batch_breaker,
    batch_mismatch,
    batch_norm_mismatch,
    channel_mismatch,
    earlier_rows,
    linear_mismatch,
    reshape_failure,
    size_failure,
    uniform,
)
from cnnlab.recording import rank_of
from cnnlab.shapes import explain
from cnnlab.writing import conv_code, pool_code, shape_text

Shape = tuple[int, ...]
Layer = dict[str, Any]
Row = dict[str, Any]

# What each kind of trace row does here (2-D layers only; the rest keep their recorded shapes).
_KINDS = {"adaptive_pool": "adaptive", "other": "fixed"}


def _plain(value: Any) -> Any:
    """Tuples become lists, so that settings and shapes travel as JSON to the browser."""
    return [_plain(v) for v in value] if isinstance(value, (tuple, list)) else value


def layers_from_trace(result: Any) -> list[Layer]:
    """The rows of a ``cnnlab.trace`` result as editable layer dicts.

    Each dict has ``name``, ``type`` (as trace writes it), ``kind`` (what it does to a
    shape), its settings, ``params``, and the recorded ``input_shape``/``output_shape``.

    >>> from cnnlab.tracing import trace
    >>> layer = layers_from_trace(trace(nn.Conv2d(1, 6, 5), (1, 1, 28, 28)))[0]
    >>> layer["kind"], layer["kernel_size"], layer["output_shape"]
    ('conv', [5, 5], [1, 6, 24, 24])
    """
    layers = []
    for row in result.rows:
        kind = _KINDS.get(row.kind, row.kind)
        spatial = kind not in ("linear", "flatten", "reshape", "keep")
        two_d = rank_of(row.type) in (None, 2) if spatial else True
        if (row.type.startswith("F.") and kind in ("conv", "linear")) or not two_d:
            kind = "fixed"  # a function with a given weight, or a 1-D or 3-D layer: nothing to edit here
        layer = {"name": row.name, "type": row.type, "kind": kind, "params": row.params,
                 "input_shape": _plain(row.input_shape), "output_shape": _plain(row.output_shape)}
        layer.update({key: _plain(value) for key, value in row.settings.items()})
        if kind == "adaptive":
            layer["output_size"] = list(row.output_shape[-2:])
        layers.append(layer)
    return layers


class _Breaks(Exception):
    """The layer cannot run: ``diagnosis`` says why (as trace would), ``fix`` what to change."""

    def __init__(self, diagnosis: str, fix: str | None = "") -> None:
        super().__init__(diagnosis)
        self.diagnosis, self.fix = diagnosis, fix


@dataclass(frozen=True)
class Stack:
    """What ``propagate`` found: one row per layer reached, like trace's rows.

    ``rows[i]`` has ``input_shape``, ``output_shape`` (``None`` for the layer that breaks),
    ``formula`` (``str(explain(...))`` for convolution and pooling) and ``params``.
    ``broken`` is the index of the layer that breaks, or -1.

    >>> layers = [{"name": "flat", "type": "Flatten", "kind": "flatten", "start_dim": 1, "end_dim": -1}]
    >>> propagate(layers, (1, 16, 5, 5)).output_shape
    (1, 400)
    """

    rows: list[Row]
    broken: int
    diagnosis: str
    fix: str
    output_shape: Shape | None


def _breaks(finding: Finding) -> _Breaks:
    """A diagnosis of ``cnnlab.diagnosis`` as the widget shows it: the text, and the fix apart."""
    return _Breaks(finding.text, finding.fix)


def _explain(where: str, layer: Layer, shape: Shape, rows: list[Row], names: list[str]) -> Any:
    """``cnnlab.shapes.explain`` for a convolution or pooling layer and its incoming height × width."""
    if len(shape) < 3:
        raise _Breaks(f"{where} does not fit its input of shape {shape_text(shape)}: "
                      f"it needs an input with 2 spatial dimensions after the channels.")
    pair = {key: tuple(value) if isinstance(value, list) else value for key, value in layer.items()}
    try:
        return explain((shape[-2], shape[-1]), pair["kernel_size"], pair["stride"], pair["padding"],
                       pair.get("dilation", 1), layer=layer["kind"], ceil_mode=pair.get("ceil_mode", False),
                       output_padding=pair.get("output_padding", 0))
    except ValueError as wrong_size:
        earlier = earlier_rows(rows, names)
        finding = size_failure(where, shape, str(wrong_size), earlier, uniform(layer, shape))
        raise _Breaks(finding.text, None) from None  # propagate finds the fix


def _size_fixes(layer: Layer, shape: Shape) -> list[tuple[Layer, str]]:
    """Settings to try for a window that does not fit: paddings that make it fit, then smaller kernels
    (kernels first for pooling), each as the changed layer and its code."""
    kernel, dilation = layer["kernel_size"], layer.get("dilation", [1, 1])
    padding = [0, 0] if isinstance(layer["padding"], str) else layer["padding"]
    sizes, pooling = shape[-2:], layer["kind"].endswith("pool")
    need = max(0, *(-(-(d * (k - 1) + 1 - n) // 2) for k, d, n in zip(kernel, dilation, sizes, strict=True)))
    fits = [min(k, n + 2 * p) for k, n, p in zip(kernel, sizes, padding, strict=True)]
    kernels = [fits] + [[k, k] for k in range(min(fits) - 1, 0, -1)][:3]
    start = max(need, *padding)
    paddings = [[p, p] for p in range(start, start + 3) if not pooling or p <= min(kernel) // 2]
    options = [("kernel_size", k) for k in kernels] + [("padding", p) for p in paddings]
    fixes = []
    for key, value in options if pooling else options[len(kernels):] + options[:len(kernels)]:
        if value == layer[key]:
            continue
        changed = {**layer, key: value}
        if key == "kernel_size" and pooling and layer["stride"] == layer["kernel_size"]:
            changed["stride"] = value  # pooling steps by its window
        code = pool_code(layer["type"], changed) if pooling else \
            conv_code(layer["type"], layer["in_channels"], layer["out_channels"], changed)
        fixes.append((changed, code))
    return fixes


def _size_fix(layers: list[Layer], index: int, input_shape: Shape, shape: Shape) -> str:
    """For a window that does not fit, tried on the stack: the first setting with which every layer runs,
    else the first that gets past this layer (a later one then says what else to change), else ``""``."""
    reached = []
    for changed, code in _size_fixes(layers[index], shape):
        broken = propagate([*layers[:index], changed, *layers[index + 1:]], input_shape).broken
        if broken < 0:
            return code
        reached.append((broken, code))
    return next((code for broken, code in reached if broken > index), "")


def _reshape(where: str, layer: Layer, shape: Shape) -> Shape:
    target, numbers = list(layer["shape"]), prod(shape)
    known = prod(n for n in target if n != -1)
    if -1 in target and known and numbers % known == 0:
        target[target.index(-1)] = numbers // known
    if prod(target) != numbers or -1 in target:
        wanted = "[" + ", ".join(str(n) for n in layer["shape"]) + "]"
        message = f"RuntimeError: shape '{wanted}' is invalid for input of size {numbers}"
        raise _breaks(reshape_failure(where, shape, layer["shape"], message))
    return tuple(target)


def _step(layer: Layer, shape: Shape, rows: list[Row], names: list[str]) -> tuple[Shape, str | None]:
    """The output shape and formula of one layer, or ``_Breaks`` (checked in trace's order)."""
    kind, where = layer["kind"], f"{layer['name']} ({layer['type']})"
    earlier = earlier_rows(rows, names)
    if kind == "linear":
        if shape[-1] != layer["in_features"]:
            raise _breaks(linear_mismatch(where, layer["in_features"], layer["out_features"], shape, earlier))
        return (*shape[:-1], layer["out_features"]), None
    if kind in ("conv", "conv_transpose") and len(shape) in (3, 4) and shape[-3] != layer["in_channels"]:
        code = conv_code(layer["type"], shape[-3], layer["out_channels"], layer)
        raise _breaks(channel_mismatch(where, layer["in_channels"], shape, 2, earlier, code))
    if kind in ("conv", "conv_transpose", "max_pool", "avg_pool"):
        explanation = _explain(where, layer, shape, rows, names)
        channels = layer["out_channels"] if kind.startswith("conv") else shape[-3]
        return (*shape[:-3], channels, *explanation.output), str(explanation)
    if kind == "batch_norm" and shape[1] != layer["num_features"]:
        raise _breaks(batch_norm_mismatch(where, layer["type"], layer["num_features"], shape, earlier))
    if kind == "flatten":
        start, end = (dim % len(shape) for dim in (layer["start_dim"], layer["end_dim"]))
        return (*shape[:start], prod(shape[start:end + 1]), *shape[end + 1:]), None
    if kind == "reshape":
        return _reshape(where, layer, shape), None
    if kind == "adaptive":
        return (*shape[:-2], *layer["output_size"]), None
    if kind == "fixed":
        if list(shape) != layer["input_shape"]:
            raise _Breaks(f"{where} cannot be recomputed here: it was traced with the input "
                          f"{shape_text(layer['input_shape'])}, now it gets {shape_text(shape)}; "
                          f"trace the changed model.")
        return tuple(layer["output_shape"]), None
    return shape, None


def parameter_count(layer: Layer) -> int:
    """Weights and biases of a layer, as PyTorch counts them (the recorded count for other layers).

    >>> parameter_count({"kind": "linear", "in_features": 320, "out_features": 10, "bias": True})
    3210
    """
    bias = 1 if layer.get("bias", True) else 0
    if layer["kind"] in ("conv", "conv_transpose"):
        weights = layer["in_channels"] // layer.get("groups", 1) * layer["out_channels"]
        return weights * prod(_plain(layer["kernel_size"]) if isinstance(layer["kernel_size"], list)
                              else [layer["kernel_size"]] * 2) + bias * layer["out_channels"]
    if layer["kind"] == "linear":
        return layer["in_features"] * layer["out_features"] + bias * layer["out_features"]
    if layer["kind"] == "batch_norm":
        return 2 * layer["num_features"]
    return int(layer.get("params", 0))


def propagate(layers: list[Layer], input_shape: Shape) -> Stack:
    """Every layer's output shape from the input shape and the settings, up to the first that breaks.

    >>> layers = [{"name": "fc", "type": "Linear", "kind": "linear", "in_features": 320, "out_features": 10}]
    >>> print(propagate(layers, (1, 800)).diagnosis.splitlines()[0])
    fc (Linear) expects 320 input features (nn.Linear(320, 10)) but received 800.
    """
    rows: list[Row] = []
    names = [layer["name"] for layer in layers]
    shape = tuple(input_shape)
    for index, layer in enumerate(layers):
        rows.append({"input_shape": shape, "output_shape": None, "formula": None,
                     "params": parameter_count(layer)})
        try:
            shape, formula = _step(layer, shape, rows, names)
        except _Breaks as breaks:
            fix = _size_fix(layers, index, input_shape, shape) if breaks.fix is None else breaks.fix
            return Stack(rows, index, breaks.diagnosis, fix, None)
        rows[-1].update(output_shape=shape, formula=formula)
    if shape and input_shape and shape[0] != input_shape[0]:  # it ran, but mixed the examples (as trace says)
        views = [SimpleNamespace(name=layer["name"], type=layer["type"], kind=layer["kind"], **row)
                 for layer, row in zip(layers, rows, strict=True)]
        finding = batch_mismatch(views, input_shape[0], shape)
        index = batch_breaker(views, input_shape[0])
        if finding is not None and index is not None:
            return Stack(rows, index, finding.text, finding.fix, None)
    return Stack(rows, -1, "", "", shape)


# ---------------------------------------------------------------- back to PyTorch


class Reshape(nn.Module):
    """``x.view(*shape)`` as a layer, for ``to_module``.

    >>> Reshape([1, -1])(torch.zeros(1, 20, 4, 4)).shape
    torch.Size([1, 320])
    """

    def __init__(self, shape: list[int]) -> None:
        super().__init__()
        self.shape = list(shape)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """``x`` with the new shape (``-1``: whatever the other sizes leave)."""
        return x.view(*self.shape)


_ACTIVATIONS = {"relu": nn.ReLU, "tanh": nn.Tanh, "sigmoid": nn.Sigmoid, "leaky_relu": nn.LeakyReLU,
                "gelu": nn.GELU, "dropout": nn.Dropout, "softmax": partial(nn.Softmax, dim=-1),
                "log_softmax": partial(nn.LogSoftmax, dim=-1)}


def _module(layer: Layer, device: str | torch.device) -> nn.Module:
    """One layer dict as a PyTorch module (functions such as ``F.relu`` become ``nn.ReLU``)."""
    s = {key: tuple(value) if isinstance(value, list) else value for key, value in layer.items()}
    kind = layer["kind"]
    if kind in ("conv", "conv_transpose"):
        conv = partial(nn.Conv2d) if kind == "conv" else partial(nn.ConvTranspose2d,
                                                                  output_padding=s["output_padding"])
        return conv(s["in_channels"], s["out_channels"], s["kernel_size"], s["stride"], s["padding"],
                    dilation=s["dilation"], groups=s.get("groups", 1), bias=s.get("bias", True),
                    device=device)
    if kind == "max_pool":
        return nn.MaxPool2d(s["kernel_size"], s["stride"], s["padding"], s.get("dilation", 1),
                            ceil_mode=s.get("ceil_mode", False))
    if kind == "avg_pool":
        return nn.AvgPool2d(s["kernel_size"], s["stride"], s["padding"], s.get("ceil_mode", False))
    if kind == "linear":
        return nn.Linear(s["in_features"], s["out_features"], bias=s.get("bias", True), device=device)
    if kind == "flatten":
        return nn.Flatten(s["start_dim"], s["end_dim"])
    if kind == "reshape":
        return Reshape(layer["shape"])
    if kind == "batch_norm":
        return nn.BatchNorm2d(s["num_features"], device=device)
    if kind == "adaptive":
        adaptive = nn.AdaptiveMaxPool2d if "max" in layer["type"].lower() else nn.AdaptiveAvgPool2d
        return adaptive(s["output_size"])
    if kind == "keep":
        name = layer["type"].split(".")[-1]
        return getattr(nn, name)() if hasattr(nn, name) else _ACTIVATIONS[name]()
    raise ValueError(f"{layer['name']} ({layer['type']}) cannot be rebuilt from its settings; only "
                     f"convolution, pooling, linear, flatten, view, batch norm and activations can")


def to_module(layers: list[Layer], device: str | torch.device = "cpu") -> nn.Sequential:
    """The layers as an ``nn.Sequential`` (a module used twice appears twice), on ``device``.

    Build it on ``"meta"`` to check shapes without allocating any weights.

    >>> layers = [{"name": "fc", "type": "Linear", "kind": "linear", "in_features": 4, "out_features": 2}]
    >>> to_module(layers)
    Sequential(
      (0): Linear(in_features=4, out_features=2, bias=True)
    )
    """
    return nn.Sequential(*(_module(layer, device) for layer in layers))
