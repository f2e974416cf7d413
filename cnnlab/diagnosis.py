"""Diagnoses for ``cnnlab.trace``: what went wrong in the layer that failed, and the fix.

When a model's forward pass fails, ``trace`` hands the rows recorded so far and the layer
that raised to :func:`diagnose`, which answers in the book's words: which layer, which
numbers, where they came from, and what to write instead. The classic case is the
``mat1 and mat2 shapes cannot be multiplied (64x800 and 320x10)`` error of a
``nn.Linear`` whose ``in_features`` no longer match the flattened feature maps.

>>> from torch import nn
>>> from cnnlab.models import MnistNet
>>> from cnnlab.tracing import trace
>>> model = MnistNet()
>>> model.conv2 = nn.Conv2d(10, 50, kernel_size=5)   # wider conv2, fc left as Linear(320, 10)
>>> print(trace(model, (64, 1, 28, 28)).diagnosis.splitlines()[-1])
Fix: nn.Linear(800, 10), or nn.LazyLinear(10), which reads its in_features from the first batch.
"""

from __future__ import annotations

from collections.abc import Sequence
from math import prod
from typing import TYPE_CHECKING, Any

from cnnlab.shapes import explain

if TYPE_CHECKING:
    from cnnlab.tracing import Row, _Layer


def explain_layer(layer: _Layer) -> Any:
    """``cnnlab.shapes.explain`` for a conv or pool layer and its incoming height × width.

    ``layer`` is what ``trace`` records of a layer just before it runs:

    >>> from cnnlab.tracing import _Layer
    >>> conv1 = _Layer("conv1", "Conv2d", "conv", {"kernel_size": (5, 5), "stride": (1, 1),
    ...                "padding": (2, 2), "dilation": (1, 1)}, params=156, input_shape=(1, 1, 28, 28))
    >>> print(explain_layer(conv1))
    ⌊(28 + 2·2 − 1·(5 − 1) − 1) / 1⌋ + 1 = 28
    """
    s = layer.settings
    if layer.kind not in ("conv", "conv_transpose", "max_pool", "avg_pool"):
        raise ValueError(f"{layer.type} has no size formula")
    if layer.input_shape is None or len(layer.input_shape) < 3:
        raise ValueError(f"{layer.type} needs an input with a height and a width")
    size = (layer.input_shape[-2], layer.input_shape[-1])
    if layer.kind == "conv":
        return explain(size, s["kernel_size"], s["stride"], s["padding"], s["dilation"])
    if layer.kind == "conv_transpose":
        return explain(size, s["kernel_size"], s["stride"], s["padding"], s["dilation"],
                       layer="conv_transpose", output_padding=s["output_padding"])
    dilation = s.get("dilation", 1)
    return explain(size, s["kernel_size"], s["stride"], s["padding"], dilation, layer=layer.kind,
                   ceil_mode=s["ceil_mode"])


def diagnose(rows: list[Row], layer: _Layer, error: Exception) -> str:
    """What went wrong in the last row, in the book's words, with the fix.

    ``trace`` calls it with its rows so far when a layer raises:

    >>> from torch import nn
    >>> from cnnlab.tracing import trace
    >>> broken = nn.Sequential(nn.Conv2d(1, 6, 5), nn.Conv2d(3, 16, 5))
    >>> print(trace(broken, (1, 1, 28, 28)).diagnosis.splitlines()[-1])
    Fix: nn.Conv2d(6, 16, kernel_size=5).
    """
    where = f"{rows[-1].name} ({layer.type})"
    shape = layer.input_shape
    if shape is None:
        return f"{where} failed: {error_line(error)}"
    if layer.kind == "linear" and layer.settings and shape[-1] != layer.settings["in_features"]:
        return _linear_mismatch(rows, layer)
    if layer.kind in ("conv", "conv_transpose") and layer.settings and len(shape) in (3, 4) \
            and shape[-3] != layer.settings["in_channels"]:
        return _channel_mismatch(rows, layer)
    if layer.kind in ("conv", "conv_transpose", "max_pool", "avg_pool"):
        try:
            explain_layer(layer)
        except ValueError as wrong_size:
            return f"{where} does not fit its input of shape {shape_text(shape)}: {wrong_size}."
    if layer.kind == "reshape":
        flat = shape_text((shape[0], prod(shape[1:])))
        return (f"{where} cannot give the tensor of shape {shape_text(shape)} ({prod(shape):,} numbers) "
                f"the shape {shape_text(layer.settings.get('shape'))}: {error_line(error)}\n"
                f"To flatten each example and keep the batch, use torch.flatten(x, 1), which gives {flat}.")
    return f"{where} failed on its input of shape {shape_text(shape)}: {error_line(error)}"


def _earlier(rows: list[Row]) -> Earlier:
    return [(row.name, row.input_shape, row.output_shape) for row in rows[:-1]]


def _linear_mismatch(rows: list[Row], layer: _Layer) -> str:
    diagnosis, _ = linear_mismatch(f"{rows[-1].name} ({layer.type})", layer.settings["in_features"],
                                   layer.settings["out_features"], layer.input_shape or (), _earlier(rows),
                                   functional=layer.type == "F.linear")
    return diagnosis


def _channel_mismatch(rows: list[Row], layer: _Layer) -> str:
    shape = layer.input_shape or ()
    s = layer.settings
    expected, received = s["in_channels"], shape[-3]
    source = channel_source(_earlier(rows), shape)
    lines = [f"{rows[-1].name} ({layer.type}) expects {expected} input channels but received {received}: "
             f"the tensor of shape {shape_text(shape)} is {source}.",
             "Each filter has one slice per input channel, so in_channels must equal the channels coming in."]
    if layer.type.startswith("F."):
        kh, kw = s["kernel_size"]
        lines.append(f"Fix: a weight of shape ({s['out_channels']}, {received // s['groups']}, {kh}, {kw}).")
    else:
        defaults = {"stride": (1, 1), "padding": (0, 0), "dilation": (1, 1)}
        options = "".join(f", {key}={short_setting(s[key])}" for key in defaults if s[key] != defaults[key])
        lines.append(f"Fix: nn.{layer.type}({received}, {s['out_channels']}, "
                     f"kernel_size={short_setting(s['kernel_size'])}{options}).")
    return "\n".join(lines)



# ---------------------------------------------------------------- shared with the network stack widget

Earlier = Sequence[tuple[str, Any, Any]]
"""The rows before the layer that failed, first to last, as (name, input shape, output shape)."""


def linear_mismatch(where: str, expected: int, out: int, shape: Sequence[int], earlier: Earlier, *,
                    functional: bool = False) -> tuple[str, str]:
    """Why a linear layer ``where`` that expects ``expected`` features cannot take ``shape``; and the fix.

    Returns the diagnosis (which numbers, where they came from, the fix) and the fix alone.

    >>> earlier = [("flat", (1, 2, 4, 4), (1, 32))]
    >>> diagnosis, fix = linear_mismatch("fc (Linear)", 50, 10, (1, 32), earlier)
    >>> print(diagnosis)
    fc (Linear) expects 50 input features (nn.Linear(50, 10)) but received 32.
    The 32 come from row 1 (flat), which flattened the tensor of shape (1, 2, 4, 4): 2 channels × 4 × 4 = 32.
    Fix: nn.Linear(32, 10), or nn.LazyLinear(10), which reads its in_features from the first batch.
    >>> fix
    'nn.Linear(32, 10)'
    """
    received = shape[-1]
    built = f"its weight has shape ({out}, {expected})" if functional else f"nn.Linear({expected}, {out})"
    lines = [f"{where} expects {expected} input features ({built}) but received {received}."]
    if len(shape) > 2:  # forgot to flatten: a linear layer only sees the last dimension
        flat = prod(shape[1:])
        lines.append(f"It received the tensor of shape {shape_text(shape)} unflattened, and a linear layer "
                     f"only looks at the last dimension ({received}). Flatten each example first: "
                     f"torch.flatten(x, 1) gives {shape_text((shape[0], flat))}.")
        received = flat
    else:
        lines.append(feature_origin(earlier, shape, received))
    if received == expected:  # flattening is the whole fix
        return "\n".join(lines), "torch.flatten(x, 1)"
    fix = f"a weight of shape ({out}, {received})" if functional else f"nn.Linear({received}, {out})"
    lazy = f", or nn.LazyLinear({out}), which reads its in_features from the first batch"
    lines.append(f"Fix: {fix}{'' if functional else lazy}.")
    return "\n".join(lines), fix


def feature_origin(earlier: Earlier, shape: Sequence[int], received: int) -> str:
    """Where the ``received`` features of a linear layer came from: the row that flattened them, if any.

    >>> print(feature_origin([("pool", (1, 4, 4, 4), (1, 4, 2, 2))], (1, 4, 2, 2), 2))
    The 2 come from row 1 (pool), with output (1, 4, 2, 2).
    """
    for number in range(len(earlier), 0, -1):  # the rows before the failing one, last first
        name, input_shape, output_shape = earlier[number - 1]
        if output_shape != shape:
            break
        if input_shape is not None and len(input_shape) > len(shape):
            dims = input_shape[1:]
            factors = " × ".join(str(n) for n in dims)
            if len(dims) == 3:
                factors = f"{dims[0]} channels × {dims[1]} × {dims[2]}"
            return (f"The {received} come from row {number} ({name}), which flattened the tensor of "
                    f"shape {shape_text(input_shape)}: {factors} = {received}.")
    if earlier and earlier[-1][2] == shape:
        name = earlier[-1][0]
        return f"The {received} come from row {len(earlier)} ({name}), with output {shape_text(shape)}."
    return f"The {received} are the last dimension of the tensor of shape {shape_text(shape)}."


def channel_source(earlier: Earlier, shape: Sequence[int]) -> str:
    """Where the tensor a convolution received came from, in words.

    >>> channel_source([("conv1", (1, 1, 28, 28), (1, 6, 24, 24))], (1, 6, 24, 24))
    'the output of row 1 (conv1)'
    """
    if earlier and earlier[-1][2] == shape:
        return f"the output of row {len(earlier)} ({earlier[-1][0]})"
    if not earlier:
        return "the input itself; if your images have more channels, trace with them in input_size"
    return "the tensor it was given"


# ---------------------------------------------------------------- small helpers


def short_setting(value: Any) -> str:
    """A setting as one would type it: ``(5, 5)`` → ``5``, ``'same'`` → ``'same'``.

    >>> short_setting((5, 5)), short_setting((1, 2)), short_setting("same")
    ('5', '(1, 2)', "'same'")
    """
    if isinstance(value, tuple) and len(set(value)) == 1:
        return str(value[0])
    return repr(value)


def shape_text(shape: Any) -> str:
    """A shape as the book writes it: a tuple of numbers, without ``torch.Size``.

    >>> shape_text((64, 16, 5, 5)), shape_text([10]), shape_text(None)
    ('(64, 16, 5, 5)', '(10,)', '')
    """
    if shape is None:
        return ""
    return "(" + ", ".join(str(n) for n in shape) + ("," if len(shape) == 1 else "") + ")"


def error_line(error: Exception) -> str:
    """The first line of an error message, after the error's type.

    >>> error_line(RuntimeError("mat1 and mat2 shapes cannot be multiplied (64x800 and 320x10)\\nmore"))
    'RuntimeError: mat1 and mat2 shapes cannot be multiplied (64x800 and 320x10)'
    """
    lines = str(error).strip().splitlines()
    return f"{type(error).__name__}: {lines[0] if lines else ''}"
