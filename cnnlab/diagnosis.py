"""Diagnoses for ``cnnlab.trace``: what went wrong, in which layer, and where the wrong size came from.

When a model's forward pass fails (or silently mixes the examples of a batch), ``trace``
hands the rows recorded so far to :func:`diagnose` or :func:`batch_mismatch`, which answer
in the book's words: which layer, which numbers, where they came from. A :class:`Finding`
keeps the fix apart (``fix``, ``fix_line``): exercise hints show the diagnosis without it,
and ``trace`` shows the fixes of ``cnnlab.repair`` instead, each verified by a re-run.

>>> from torch import nn
>>> from cnnlab.models import MnistNet
>>> from cnnlab.tracing import trace
>>> model = MnistNet()
>>> model.conv2 = nn.Conv2d(10, 50, kernel_size=5)   # wider conv2, fc left as Linear(320, 10)
>>> print(trace(model, (64, 1, 28, 28)).diagnosis.splitlines()[0])
fc (Linear) expects 320 input features (nn.Linear(320, 10)) but received 800.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from math import prod
from typing import Any, NamedTuple, Protocol

from cnnlab.shapes import explain
from cnnlab.writing import conv_code, error_line, shape_text

Earlier = Sequence[tuple[str, Any, Any]]
"""The rows before the layer that failed, first to last, as (name, input shape, output shape)."""

_DIMENSION_NAMES = {1: ("length",), 2: ("height", "width"), 3: ("depth", "height", "width")}


class LayerLike(Protocol):
    """What a diagnosis needs of a layer (``cnnlab.recording.Layer`` has it)."""

    name: str
    type: str
    kind: str
    settings: dict[str, Any]
    input_shape: tuple[int, ...] | None


@dataclass(frozen=True)
class Finding:
    """A diagnosis: ``text`` says what is wrong and where; ``fix`` is the code to write
    (``'nn.Linear(800, 10)'``, empty when there is none) and ``fix_line`` the sentence that
    proposes it (``'Fix: ...'``)."""

    text: str
    fix: str = ""
    fix_line: str = ""


class Formula(NamedTuple):
    """The output-size formula of a 1-D or 3-D layer: ``str()`` is the text, ``output`` the sizes."""

    text: str
    output: tuple[int, ...]

    def __str__(self) -> str:
        return self.text


def explain_layer(kind: str, settings: dict[str, Any], input_shape: Sequence[int] | None) -> Any:
    """``cnnlab.shapes.explain`` for a conv or pool layer (1-D, 2-D or 3-D) and its incoming sizes.

    >>> settings = {"kernel_size": (5, 5), "stride": (1, 1), "padding": (2, 2), "dilation": (1, 1)}
    >>> print(explain_layer("conv", settings, (1, 1, 28, 28)))
    ⌊(28 + 2·2 − 1·(5 − 1) − 1) / 1⌋ + 1 = 28
    >>> print(explain_layer("max_pool", {"kernel_size": (2,), "stride": (2,), "padding": (0,),
    ...                                  "dilation": (1,), "ceil_mode": False}, (8, 4, 9)))
    ⌊(9 + 2·0 − 1·(2 − 1) − 1) / 2⌋ + 1 = 4
    """
    if kind not in ("conv", "conv_transpose", "max_pool", "avg_pool"):
        raise ValueError(f"a {kind} layer has no size formula")
    rank = len(settings["kernel_size"])
    if input_shape is None or len(input_shape) < rank + 1:
        dimensions = f"{rank} spatial dimension{'s' * (rank > 1)}"
        raise ValueError(f"it needs an input with {dimensions} after the channels")
    sizes = tuple(input_shape[-rank:])

    def one(index: Any, size: Any) -> Any:
        value = {key: (v if isinstance(v, str) else v[index] if isinstance(index, int) else v)
                 for key, v in settings.items() if key in ("kernel_size", "stride", "padding", "dilation",
                                                           "output_padding")}
        return explain(size, value["kernel_size"], value["stride"], value["padding"],
                       value.get("dilation", 1), layer=kind, ceil_mode=settings.get("ceil_mode", False),
                       output_padding=value.get("output_padding", 0))

    if rank == 2:
        return one(None, sizes)
    parts = [one(index, size) for index, size in enumerate(sizes)]
    texts = [str(part) for part in parts]
    if len(set(texts)) == 1:
        return Formula(texts[0], tuple(part.output for part in parts))
    lines = [f"{name}: {text}" for name, text in zip(_DIMENSION_NAMES[rank], texts, strict=True)]
    return Formula("\n".join(lines), tuple(part.output for part in parts))


def diagnose(layer: LayerLike, earlier: Earlier, error: Exception) -> Finding:
    """What went wrong in ``layer`` (the one that raised ``error``), in the book's words.

    ``earlier`` are the rows before it. ``trace`` calls it when a layer raises:

    >>> from torch import nn
    >>> from cnnlab.tracing import trace
    >>> broken = nn.Sequential(nn.Conv2d(1, 6, 5), nn.Conv2d(3, 16, 5))
    >>> print(trace(broken, (1, 1, 28, 28)).diagnosis.split(":")[0])
    1 (Conv2d) expects 3 input channels but received 6
    """
    where = f"{layer.name} ({layer.type})"
    shape, s = layer.input_shape, layer.settings
    if shape is None:
        return Finding(f"{where} failed: {error_line(error)}")
    if layer.kind == "linear" and s and shape[-1] != s["in_features"]:
        return linear_mismatch(where, s["in_features"], s["out_features"], shape, earlier,
                               functional=layer.type == "F.linear")
    rank = len(s.get("kernel_size", ()))
    if layer.kind in ("conv", "conv_transpose") and s and len(shape) in (rank + 1, rank + 2) \
            and shape[-rank - 1] != s["in_channels"]:
        code = (f"a weight of shape ({s['out_channels']}, {shape[-rank - 1] // s['groups']}, "
                f"{', '.join(map(str, s['kernel_size']))})") if layer.type.startswith("F.") else \
            conv_code(layer.type, shape[-rank - 1], s["out_channels"], s)
        return channel_mismatch(where, s["in_channels"], shape, rank, earlier, code)
    if layer.kind == "batch_norm" and s and len(shape) > 1 and shape[1] != s["num_features"]:
        return batch_norm_mismatch(where, layer.type, s["num_features"], shape, earlier)
    if layer.kind in ("conv", "conv_transpose", "max_pool", "avg_pool") and s:
        try:
            explain_layer(layer.kind, s, shape)
        except ValueError as wrong_size:
            return size_failure(where, shape, str(wrong_size), earlier, uniform(s, shape))
    if layer.kind == "reshape":
        return reshape_failure(where, shape, s.get("shape", ()), error_line(error))
    return Finding(f"{where} failed on its input of shape {shape_text(shape)}: {error_line(error)}")


def batch_breaker(rows: Sequence[Any], batch: int, *, flattening: bool = False) -> int | None:
    """The index of the first row that turns ``batch`` examples into another number of rows, if any.

    ``flattening``: only a reshape or flatten that leaves rows of features (the classic
    ``x.view(-1, 144)``), not one that folds frames into the batch on purpose.

    >>> from types import SimpleNamespace as Row
    >>> batch_breaker([Row(kind="reshape", input_shape=(64, 16, 6, 6), output_shape=(256, 144))], 64)
    0
    """
    for index, row in enumerate(rows):
        before, after = row.input_shape, row.output_shape
        if before and after and before[0] == batch and after[0] != batch and (
                not flattening or (row.kind in ("reshape", "flatten") and len(after) <= 2)):
            return index
    return None


def batch_mismatch(rows: Sequence[Any], batch: int, output_shape: Sequence[int] | None) -> Finding | None:
    """A silent bug: a row that turns a batch of ``batch`` examples into another number of rows.

    With ``output_shape``, found when the model's output batch differs from its input's;
    without (a later layer failed), only a reshape or flatten that mixes the examples.
    ``None`` when there is none.

    >>> from types import SimpleNamespace as Row
    >>> rows = [Row(name="view", type="Tensor.view", kind="reshape", input_shape=(64, 16, 6, 6),
    ...             output_shape=(256, 144))]
    >>> print(batch_mismatch(rows, 64, (256, 10)).text)
    view (Tensor.view) turns the batch of 64 examples into 256 rows: each example's (16, 6, 6) = 576 values \
are split into rows of 144, so rows mix values of different examples. The model's output (256, 10) has 256 \
rows for 64 inputs: the loss would compare them with the wrong labels.
    """
    if output_shape is not None and (not output_shape or output_shape[0] == batch):
        return None
    culprit = batch_breaker(rows, batch, flattening=output_shape is None)
    after = (f" The model's output {shape_text(output_shape)} has {output_shape[0]} rows for {batch} inputs: "
             f"the loss would compare them with the wrong labels.") if output_shape is not None else (
        " The layers after it see the wrong rows.")
    if culprit is None:
        return Finding(after.strip()) if output_shape is not None else None
    row = rows[culprit]
    before, rows_out = row.input_shape, row.output_shape
    values = f"{shape_text(before[1:])} = {prod(before[1:]):,} values" if len(before) > 2 else \
        f"{prod(before[1:]):,} values"
    if len(rows_out) > 1:
        what = (f"turns the batch of {batch} examples into {rows_out[0]} rows: each example's {values} are "
                f"split into rows of {prod(rows_out[1:]):,}, so rows mix values of different examples.")
    else:
        what = (f"turns the batch of {batch} examples into one vector of {rows_out[0]:,} values: the "
                f"examples are no longer apart.")
    return Finding(f"{row.name} ({row.type}) {what}{after}",
                   "torch.flatten(x, 1)", f"Fix: torch.flatten(x, 1) (or x.view(x.size(0), -1)), which gives "
                                          f"{shape_text((batch, prod(before[1:])))}.")


# ---------------------------------------------------------------- shared with the network stack widget


def earlier_rows(rows: Sequence[Any], names: Sequence[str] | None = None) -> Earlier:
    """The rows before the last, as the diagnoses take them: (name, input shape, output shape).

    ``rows`` are trace's rows, or the network stack's row dicts with their layers' ``names``.

    >>> earlier_rows([{"input_shape": [1, 4], "output_shape": [1, 2]}, {}], ["fc1", "fc2"])
    [('fc1', [1, 4], [1, 2])]
    """
    if names is None:
        return [(row.name, row.input_shape, row.output_shape) for row in rows[:-1]]
    return [(names[index], row["input_shape"], row["output_shape"]) for index, row in enumerate(rows[:-1])]


def size_failure(where: str, shape: Sequence[int], message: str, earlier: Earlier,
                 uniform: bool = True) -> Finding:
    """A window that does not fit: ``message`` is ``cnnlab.shapes``' error, without its range of fixes.

    ``uniform``: the input and the settings are the same in every dimension (so the
    message need not say ``height:``).

    >>> print(size_failure("pool (MaxPool2d)", (1, 4, 1, 1), "height: pooling window 2 is larger than the "
    ...                    "padded input 1 + 2·0 = 1, so the output would be empty; use a kernel ≤ 1",
    ...                    [("conv", (1, 1, 3, 3), (1, 4, 1, 1))]).text.replace(": ", ":\\n"))
    pool (MaxPool2d) does not fit its input of shape (1, 4, 1, 1):
    pooling window 2 is larger than the padded input 1 + 2·0 = 1, so the output would be empty.
    The input of size 3 × 3 was shrunk to 1 × 1 by row 1 (conv).
    """
    reason = message.split("; use")[0]
    if uniform:  # the same sizes in every dimension: no need to say which
        reason = reason.removeprefix("height: ")
    origin = f"\n{size_origin(earlier, shape)}" if "larger than" in reason else ""
    return Finding(f"{where} does not fit its input of shape {shape_text(shape)}: {reason}.{origin}")


def uniform(settings: dict[str, Any], shape: Sequence[int]) -> bool:
    """Whether a conv or pool layer and its input are the same in every spatial dimension.

    >>> uniform({"kernel_size": (5, 5), "stride": [1, 1], "padding": "same"}, (1, 3, 8, 8))
    True
    """
    rank = len(settings["kernel_size"])
    values = [settings.get(key) for key in ("kernel_size", "stride", "padding", "dilation")]
    return len(set(shape[-rank:])) == 1 and all(
        isinstance(value, (str, int)) or value is None or len(set(value)) == 1 for value in values)


def batch_norm_mismatch(where: str, type_name: str, expected: int, shape: Sequence[int],
                        earlier: Earlier) -> Finding:
    """A batch norm built for ``expected`` channels that receives ``shape``.

    >>> print(batch_norm_mismatch("bn (BatchNorm2d)", "BatchNorm2d", 32, (1, 64, 8, 8), []).fix_line)
    Fix: nn.BatchNorm2d(64).
    """
    code = f"nn.{type_name}({shape[1]})"
    return Finding(f"{where} normalizes {expected} channels but received {shape[1]}: the tensor of shape "
                   f"{shape_text(shape)} is {channel_source(earlier, shape)}.", code, f"Fix: {code}.")


def reshape_failure(where: str, shape: Sequence[int], target: Sequence[int], message: str) -> Finding:
    """A view or reshape to ``target`` that the ``shape``'s numbers cannot fill; ``message`` is PyTorch's.

    >>> reshape_failure("view (Tensor.view)", (7, 4, 26, 26), (-1, 3136), "RuntimeError: ...").fix
    'torch.flatten(x, 1)'
    """
    flat = shape_text((shape[0], prod(shape[1:])))
    return Finding(f"{where} cannot give the tensor of shape {shape_text(shape)} ({prod(shape):,} numbers) "
                   f"the shape {shape_text(target)}: {message}", "torch.flatten(x, 1)",
                   f"To flatten each example and keep the batch, use torch.flatten(x, 1), which gives "
                   f"{flat}.")


def linear_mismatch(where: str, expected: int, out: int, shape: Sequence[int], earlier: Earlier, *,
                    functional: bool = False) -> Finding:
    """Why a linear layer ``where`` that expects ``expected`` features cannot take ``shape``; and the fix.

    >>> earlier = [("flat", (1, 2, 4, 4), (1, 32))]
    >>> finding = linear_mismatch("fc (Linear)", 50, 10, (1, 32), earlier)
    >>> print(finding.text)
    fc (Linear) expects 50 input features (nn.Linear(50, 10)) but received 32.
    The 32 come from row 1 (flat), which flattened the tensor of shape (1, 2, 4, 4): 2 channels × 4 × 4 = 32.
    >>> print(finding.fix_line)
    Fix: nn.Linear(32, 10), or nn.LazyLinear(10), which reads its in_features from the first batch.
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
        return Finding("\n".join(lines), "torch.flatten(x, 1)", "Fix: torch.flatten(x, 1).")
    fix = f"a weight of shape ({out}, {received})" if functional else f"nn.Linear({received}, {out})"
    lazy = f", or nn.LazyLinear({out}), which reads its in_features from the first batch"
    return Finding("\n".join(lines), fix, f"Fix: {fix}{'' if functional else lazy}.")


def channel_mismatch(where: str, expected: int, shape: Sequence[int], rank: int, earlier: Earlier,
                     code: str) -> Finding:
    """Why a convolution ``where`` expecting ``expected`` channels cannot take ``shape``; ``code`` fixes it.

    >>> finding = channel_mismatch("conv2 (Conv2d)", 8, (1, 6, 12, 12), 2, [("pool", None, (1, 6, 12, 12))],
    ...                            "nn.Conv2d(6, 16, kernel_size=5)")
    >>> print(finding.text.replace(": ", ":\\n"))
    conv2 (Conv2d) expects 8 input channels but received 6:
    the tensor of shape (1, 6, 12, 12) is the output of row 1 (pool).
    Each filter has one slice per input channel, so in_channels must equal the channels coming in.
    """
    received = shape[-rank - 1]
    return Finding(f"{where} expects {expected} input channels but received {received}: the tensor of shape "
                   f"{shape_text(shape)} is {channel_source(earlier, shape)}.\nEach filter has one slice per "
                   f"input channel, so in_channels must equal the channels coming in.", code, f"Fix: {code}.")


def feature_origin(earlier: Earlier, shape: Sequence[int], received: int) -> str:
    """Where the ``received`` features of a linear layer came from: the row that flattened them, if any.

    >>> print(feature_origin([("pool", (1, 4, 4, 4), (1, 4, 2, 2))], (1, 4, 2, 2), 2))
    The 2 come from row 1 (pool), with output (1, 4, 2, 2).
    """
    for number in range(len(earlier), 0, -1):  # the rows before the failing one, last first
        name, input_shape, output_shape = earlier[number - 1]
        if _tuple(output_shape) != _tuple(shape):
            break
        if input_shape is not None and len(input_shape) > len(shape):
            dims = input_shape[1:]
            factors = " × ".join(str(n) for n in dims)
            if len(dims) >= 2:
                factors = f"{dims[0]} channels × " + " × ".join(str(n) for n in dims[1:])
            return (f"The {received} come from row {number} ({name}), which flattened the tensor of "
                    f"shape {shape_text(input_shape)}: {factors} = {received}.")
    if earlier and _tuple(earlier[-1][2]) == _tuple(shape):
        name = earlier[-1][0]
        return f"The {received} come from row {len(earlier)} ({name}), with output {shape_text(shape)}."
    return f"The {received} are the last dimension of the tensor of shape {shape_text(shape)}."


def channel_source(earlier: Earlier, shape: Sequence[int]) -> str:
    """Where the tensor a convolution received came from, in words.

    >>> channel_source([("conv1", (1, 1, 28, 28), (1, 6, 24, 24))], (1, 6, 24, 24))
    'the output of row 1 (conv1)'
    """
    if earlier and _tuple(earlier[-1][2]) == _tuple(shape):
        return f"the output of row {len(earlier)} ({earlier[-1][0]})"
    if not earlier:
        return "the input itself; if your images have more channels, trace with them in input_size"
    return "the tensor it was given"


def size_origin(earlier: Earlier, shape: Sequence[int]) -> str:
    """Which earlier layers shrank the input to ``shape``, in words.

    >>> earlier = [("conv", (1, 1, 8, 8), (1, 4, 4, 4)), ("pool", (1, 4, 4, 4), (1, 4, 2, 2))]
    >>> size_origin(earlier, (1, 4, 2, 2))
    'The input of size 8 × 8 was shrunk to 2 × 2 by rows 1 (conv) and 2 (pool).'
    """
    if not earlier or earlier[0][1] is None or len(earlier[0][1]) != len(shape):
        return "The size is the input's: a larger input, or less padding removed, makes it fit."
    first = earlier[0][1]
    rank = max(len(shape) - 2, 1)
    shrinking = [f"{number} ({name})" for number, (name, before, after) in enumerate(earlier, start=1)
                 if before is not None and after is not None and len(before) == len(after)
                 and any(a < b for a, b in zip(after[-rank:], before[-rank:], strict=True))]
    size = " × ".join(str(n) for n in first[-rank:])
    rows = " and ".join([", ".join(shrinking[:-1]), shrinking[-1]] if len(shrinking) > 1 else shrinking)
    by = f" by row{'s' * (len(shrinking) > 1)} {rows}" if shrinking else ""
    return f"The input of size {size} was shrunk to {' × '.join(str(n) for n in shape[-rank:])}{by}."


def _tuple(shape: Any) -> Any:
    return tuple(shape) if isinstance(shape, (list, tuple)) else shape
