"""``trace(model, input_size)``: the table of shapes that explains itself.

``trace`` sends a batch of zeros through the model and writes down every layer it meets,
in order: its shape in and out, the formula behind the new height and width, and its
parameters. It also sees the functions a ``forward`` calls (``F.max_pool2d``,
``x.view(...)``, ``torch.flatten``, ``F.relu``, ...), which ``print(model)`` never shows.

When the model fails, ``trace`` does not raise: it returns the rows up to the layer that
failed, and a diagnosis that says which layer, with which numbers, and what to change.

>>> from cnnlab.models import LeNet5
>>> table = trace(LeNet5(), input_size=(7, 1, 28, 28))
>>> for row in table.rows[:4]:
...     print(row.name, row.output_shape)
backbone.conv1 (7, 6, 28, 28)
backbone.relu (7, 6, 28, 28)
backbone.max_pool2d (7, 6, 14, 14)
backbone.conv2 (7, 16, 10, 10)
>>> print(table.rows[0].formula)
⌊(28 + 2·2 − 1·(5 − 1) − 1) / 1⌋ + 1 = 28
>>> table.ok, table.total_params
(True, 61706)
"""

from __future__ import annotations

import html
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from functools import partial
from typing import Any, NamedTuple

import torch
import torch.nn.functional as F
from torch import nn
from torch.overrides import TorchFunctionMode

from cnnlab.diagnosis import diagnose, error_line, explain_layer, shape_text

__all__ = ["Row", "Trace", "trace"]

Shape = tuple[int, ...]


@dataclass(frozen=True)
class Row:
    """One layer the dummy batch went through, in the order it ran.

    - ``name``: the module's path in the model (``backbone.conv1``); for a function called
      in a ``forward``, the path of that module and the function (``backbone.max_pool2d``,
      or just ``view`` when the model itself calls it)
    - ``type``: the module's class (``Conv2d``) or the function (``F.max_pool2d``,
      ``torch.flatten``, ``Tensor.view``)
    - ``input_shape``, ``output_shape``: tensor shapes, batch first; ``output_shape`` is
      ``None`` for the layer that failed
    - ``formula``: for 2-D convolution and pooling, ``str(cnnlab.shapes.explain(...))``
      for the incoming height × width (a line per dimension if they differ), else ``None``
    - ``params``: parameters the layer holds (a function: the ``nn.Parameter`` it was given)
    - ``settings``: what the layer was built with. Convolution: ``in_channels``,
      ``out_channels``, ``kernel_size``, ``stride``, ``padding``, ``dilation``, ``groups``,
      ``bias`` (+ ``output_padding`` when transposed); max pooling: ``kernel_size``,
      ``stride``, ``padding``, ``dilation``, ``ceil_mode``; average pooling: ``kernel_size``,
      ``stride``, ``padding``, ``ceil_mode``, ``count_include_pad``; linear: ``in_features``,
      ``out_features``, ``bias`` (a bool); flatten: ``start_dim``, ``end_dim``;
      view/reshape: ``shape`` (as given, e.g. ``(64, -1)``); anything else (activations,
      batch norm, dropout, ...): ``{}``. Sizes are (height, width) tuples; ``padding`` may
      also be ``'same'`` or ``'valid'``. The names are stable: widgets rebuild the stack
      from them.

    >>> row = trace(nn.Conv2d(1, 6, 5), (1, 1, 28, 28)).rows[0]
    >>> row.output_shape, row.params, row.settings["kernel_size"]
    ((1, 6, 24, 24), 156, (5, 5))
    """

    name: str
    type: str
    input_shape: Shape | None
    output_shape: Shape | None
    formula: str | None
    params: int
    settings: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Trace:
    """What ``trace`` found: ``rows``, and a ``diagnosis`` when the forward pass failed.

    ``str()`` is an aligned text table; in Jupyter it shows as an HTML table with the
    failing layer highlighted. ``total_params`` counts every parameter of the model once.

    >>> result = trace(nn.Sequential(nn.Conv2d(1, 4, 3), nn.Flatten(), nn.Linear(100, 10)), (2, 1, 12, 12))
    >>> result.ok
    False
    >>> print(result.diagnosis.splitlines()[0])
    2 (Linear) expects 100 input features (nn.Linear(100, 10)) but received 400.
    """

    rows: tuple[Row, ...]
    input_shape: Shape
    output_shape: Shape | None
    total_params: int
    diagnosis: str | None = None

    @property
    def ok(self) -> bool:
        """True when the whole forward pass ran."""
        return self.diagnosis is None

    @property
    def failed_row(self) -> Row | None:
        """The row of the layer that failed, if the failure happened in a layer."""
        last = self.rows[-1] if self.rows else None
        return last if last is not None and last.output_shape is None else None

    def to_dicts(self) -> list[dict[str, Any]]:
        """The rows as plain dicts (tuples for shapes), ready for ``json.dumps``."""
        return [asdict(row) for row in self.rows]

    def _cells(self) -> list[tuple[str, ...]]:
        cells = [("", "input", "", "", shape_text(self.input_shape), "", "")]
        for number, row in enumerate(self.rows, start=1):
            output = "FAILED" if row.output_shape is None else shape_text(row.output_shape)
            cells.append((str(number), row.name, row.type, shape_text(row.input_shape), output,
                          f"{row.params:,}", (row.formula or "").replace("\n", "; ")))
        return cells

    def __str__(self) -> str:
        table = [_HEADER, *self._cells()]
        widths = [max(len(line[column]) for line in table) for column in range(len(_HEADER))]
        lines = ["  ".join(cell.rjust(width) if column in (0, 5) else cell.ljust(width)
                           for column, (cell, width) in enumerate(zip(line, widths, strict=True))).rstrip()
                 for line in table]
        lines.append(f"total params: {self.total_params:,}")
        if self.diagnosis:
            lines += ["", self.diagnosis]
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        pad = ' style="padding: 0.15em 0.9em 0.15em 0; text-align: left"'  # columns apart, left-aligned
        head = "".join(f"<th{pad}>{html.escape(cell)}</th>" for cell in _HEADER)
        body = []
        for cells in self._cells():
            failed = cells[4] == "FAILED"
            style = ' class="cnnlab-failed" style="background: #fde2e1; font-weight: bold"' if failed else ""
            body.append(f"<tr{style}>" + "".join(f"<td{pad}>{html.escape(cell)}</td>" for cell in cells)
                        + "</tr>")
        diagnosis = "" if self.diagnosis is None else (
            '<div class="cnnlab-diagnosis" style="white-space: pre-wrap; color: #a40000; '
            f'margin-top: 0.5em">{html.escape(self.diagnosis)}</div>')
        # The table keeps one row per line and scrolls sideways in a narrow column.
        return ('<div class="cnnlab-trace-wrapper" style="overflow-x: auto">'
                '<table class="cnnlab-trace" style="font-family: monospace; white-space: nowrap">'
                f"<thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table></div>"
                f"<div>total params: {self.total_params:,}</div>{diagnosis}")


_HEADER = ("#", "layer", "type", "input", "output", "params", "formula")


def trace(model: nn.Module, input_size: Sequence[int] = (1, 1, 28, 28)) -> Trace:
    """Send a batch of zeros of ``input_size`` through ``model`` and tabulate every layer.

    ``input_size`` is (N, C, H, W), like ``torchinfo.summary``; a 3-tuple is read as
    (C, H, W) and gets a batch of one, like ``torchsummary``; other lengths are used as
    they are, e.g. (N, 784) for a fully connected network. The pass runs under
    ``torch.no_grad()`` on the model's device, in eval mode, and every module's mode is
    restored afterwards (lazy layers such as ``nn.LazyLinear`` do get their size).

    A failing forward pass is not raised: the returned ``Trace`` has ``ok == False``,
    the rows up to the failing layer, and a ``diagnosis`` naming it and the fix.

    >>> print(trace(nn.MaxPool2d(2), (1, 6, 28, 28)).rows[0].formula)
    ⌊(28 + 2·0 − 1·(2 − 1) − 1) / 2⌋ + 1 = 14
    >>> trace(nn.Conv2d(3, 8, 3), (1, 1, 28, 28)).diagnosis.splitlines()[-1]
    'Fix: nn.Conv2d(1, 8, kernel_size=3).'
    """
    if not isinstance(model, nn.Module):
        raise TypeError(f"trace needs a torch.nn.Module, got {type(model).__name__}; "
                        f"did you pass the class instead of a model, e.g. LeNet5 instead of LeNet5()?")
    shape = _batch_shape(input_size)
    first = next(iter(model.parameters()), None)
    device = first.device if first is not None else torch.device("cpu")
    dtype = first.dtype if first is not None and first.dtype.is_floating_point else torch.float32
    modes = {module: module.training for module in model.modules()}
    recorder = _Recorder(model)
    output, diagnosis = None, None
    model.eval()
    try:
        with torch.no_grad(), recorder:
            output = model(torch.zeros(shape, device=device, dtype=dtype))
    except Exception as error:  # the learner's model failed: explain it instead of raising
        diagnosis = recorder.diagnose(error)
    finally:
        for module, training in modes.items():
            module.training = training
    return Trace(rows=tuple(recorder.rows), input_shape=shape, output_shape=_first_shape(output),
                 total_params=_count(model.parameters()), diagnosis=diagnosis)


def _batch_shape(input_size: Sequence[int]) -> Shape:
    """``input_size`` as a tuple of positive ints, with a batch of one in front of (C, H, W)."""
    is_sequence = isinstance(input_size, Sequence) and not isinstance(input_size, str)
    numbers = tuple(input_size) if is_sequence else ()
    if not numbers or not all(isinstance(n, int) and not isinstance(n, bool) and n > 0 for n in numbers):
        raise ValueError(f"input_size must be a tuple of positive ints such as (64, 1, 28, 28) "
                         f"(batch, channels, height, width), got {input_size!r}")
    return (1, *numbers) if len(numbers) == 3 else numbers


# ---------------------------------------------------------------- what each layer is


class _Layer(NamedTuple):
    """A layer about to run: enough to make its row, whether it succeeds or fails."""

    name: str
    type: str
    kind: str  # a key of _SETTINGS: conv, max_pool, linear, reshape, ...
    settings: dict[str, Any]
    params: int
    input_shape: Shape | None


# The settings each kind of layer reports (Row.settings), and their defaults.
_SETTINGS: dict[str, tuple[str, ...]] = {
    "conv": ("in_channels", "out_channels", "kernel_size", "stride", "padding", "dilation", "groups", "bias"),
    "conv_transpose": ("in_channels", "out_channels", "kernel_size", "stride", "padding", "output_padding",
                       "dilation", "groups", "bias"),
    "max_pool": ("kernel_size", "stride", "padding", "dilation", "ceil_mode"),
    "avg_pool": ("kernel_size", "stride", "padding", "ceil_mode", "count_include_pad"),
    "linear": ("in_features", "out_features", "bias"),
    "flatten": ("start_dim", "end_dim"),
    "reshape": ("shape",),
    "other": (),
}
_DEFAULTS = {"stride": None, "padding": 0, "output_padding": 0, "dilation": 1, "groups": 1, "bias": None,
             "ceil_mode": False, "count_include_pad": True, "start_dim": 0, "end_dim": -1}
_MODULE_KINDS = ((nn.ConvTranspose2d, "conv_transpose"), (nn.Conv2d, "conv"), (nn.MaxPool2d, "max_pool"),
                 (nn.AvgPool2d, "avg_pool"), (nn.Linear, "linear"), (nn.Flatten, "flatten"))


def _settings(kind: str, given: dict[str, Any]) -> dict[str, Any]:
    """The settings of a layer of ``kind``, from its module's attributes or its function's arguments."""
    settings = {key: given.get(key, _DEFAULTS.get(key)) for key in _SETTINGS[kind]}
    for key in ("kernel_size", "stride", "padding", "dilation", "output_padding"):
        if key in settings:
            settings[key] = _pair(settings[key])
    if "stride" in settings and settings["stride"] in (None, ()):  # pooling steps by its kernel, conv by 1
        settings["stride"] = settings["kernel_size"] if kind.endswith("pool") else (1, 1)
    if "bias" in settings:
        settings["bias"] = settings["bias"] is not None
    return settings


def _module_settings(module: nn.Module) -> tuple[str, dict[str, Any]]:
    """The kind of a module and the settings it was built with."""
    kind = next((kind for cls, kind in _MODULE_KINDS if isinstance(module, cls)), "other")
    attributes = {key: getattr(module, key) for key in _SETTINGS[kind] if hasattr(module, key)}
    return kind, _settings(kind, attributes)


# The functions that get a row of their own when a forward calls them (not when a leaf
# module calls them for itself): their name in the table, kind, and positional arguments.
_FUNCTIONS: dict[Callable[..., Any], tuple[str, str, tuple[str, ...]]] = {
    F.conv2d: ("F.conv2d", "conv", ("input", "weight", "bias", "stride", "padding", "dilation", "groups")),
    F.max_pool2d: ("F.max_pool2d", "max_pool", ("input", "kernel_size", "stride", "padding", "dilation",
                                                "ceil_mode")),
    F.avg_pool2d: ("F.avg_pool2d", "avg_pool", ("input", "kernel_size", "stride", "padding", "ceil_mode",
                                                "count_include_pad")),
    F.linear: ("F.linear", "linear", ("input", "weight", "bias")),
    torch.flatten: ("torch.flatten", "flatten", ("input", "start_dim", "end_dim")),
    torch.Tensor.flatten: ("Tensor.flatten", "flatten", ("input", "start_dim", "end_dim")),
    torch.Tensor.view: ("Tensor.view", "reshape", ("input",)),
    torch.Tensor.reshape: ("Tensor.reshape", "reshape", ("input",)),
    torch.reshape: ("torch.reshape", "reshape", ("input", "shape")),
    **{function: (label, "other", ("input",)) for function, label in [
        (F.relu, "F.relu"), (torch.relu, "torch.relu"), (torch.Tensor.relu, "Tensor.relu"),
        (F.leaky_relu, "F.leaky_relu"), (F.gelu, "F.gelu"), (torch.tanh, "torch.tanh"),
        (torch.Tensor.tanh, "Tensor.tanh"), (torch.sigmoid, "torch.sigmoid"),
        (torch.Tensor.sigmoid, "Tensor.sigmoid"), (F.dropout, "F.dropout"), (F.softmax, "F.softmax"),
        (F.log_softmax, "F.log_softmax"), (F.adaptive_avg_pool2d, "F.adaptive_avg_pool2d"),
        (F.adaptive_max_pool2d, "F.adaptive_max_pool2d")]},
}


def _function_settings(func: Callable[..., Any], args: tuple[Any, ...],
                       kwargs: dict[str, Any]) -> dict[str, Any]:
    """The settings of a function call, read from its arguments (and the shape of its weight)."""
    _, kind, names = _FUNCTIONS[func]
    given = {**dict(zip(names, args, strict=False)), **kwargs}
    weight = given.get("weight")
    if kind == "conv":  # a weight (out_channels, in_channels / groups, kh, kw)
        given.update(in_channels=weight.shape[1] * given.get("groups", 1), out_channels=weight.shape[0],
                     kernel_size=tuple(weight.shape[-2:]))
    if kind == "linear":  # a weight (out_features, in_features)
        given.update(in_features=weight.shape[1], out_features=weight.shape[0])
    if kind == "reshape":  # x.view(n, -1), x.view((n, -1)) or torch.reshape(x, (n, -1))
        shape = given.get("shape", args[1:])
        given["shape"] = tuple(shape[0] if len(shape) == 1 and not isinstance(shape[0], int) else shape)
    return _settings(kind, given)


# ---------------------------------------------------------------- recording


class _Recorder(TorchFunctionMode):
    """Forward hooks on every module, plus a torch-function mode that sees the functions a
    ``forward`` calls. Rows are written when a leaf module (one without children) or a
    listed function finishes; functions called inside a leaf module are its own business."""

    def __init__(self, model: nn.Module) -> None:
        super().__init__()
        self.model = model
        self.rows: list[Row] = []
        self.running: list[tuple[str, nn.Module, Shape | None]] = []  # forwards under way, outermost first
        self.calling: _Layer | None = None                              # the function call under way
        self.hooks: list[Any] = []

    def __enter__(self) -> _Recorder:
        for name, module in self.model.named_modules():
            self.hooks.append(module.register_forward_pre_hook(partial(self._enter, name), with_kwargs=True))
            self.hooks.append(module.register_forward_hook(partial(self._leave, name), with_kwargs=True))
        return super().__enter__()

    def __exit__(self, *exception: Any) -> None:
        for hook in self.hooks:
            hook.remove()
        super().__exit__(*exception)

    def _is_leaf(self, module: nn.Module) -> bool:
        """A module without children gets one row, and what it calls inside is its own business;
        but the traced model itself only when it is a PyTorch layer (trace(nn.Conv2d(1, 6, 5)))."""
        own_layer = module is not self.model or type(module).__module__.startswith("torch.nn")
        return own_layer and next(module.children(), None) is None

    def _enter(self, name: str, module: nn.Module, args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
        self.running.append((name, module, _first_shape((args, kwargs))))

    def _leave(self, name: str, module: nn.Module, args: Any, kwargs: Any, output: Any) -> None:
        _, _, input_shape = self.running.pop()
        if self._is_leaf(module):
            self.rows.append(_row(self._module_layer(name, module, input_shape), _first_shape(output)))

    def _module_layer(self, name: str, module: nn.Module, input_shape: Shape | None) -> _Layer:
        kind, settings = _module_settings(module)
        return _Layer(name or type(module).__name__, type(module).__name__, kind, settings,
                      _count(module.parameters()), input_shape)

    def __torch_function__(self, func: Callable[..., Any], types: Any, args: tuple[Any, ...] = (),
                           kwargs: dict[str, Any] | None = None) -> Any:
        kwargs = kwargs or {}
        inside_leaf = bool(self.running) and self._is_leaf(self.running[-1][1])
        if func not in _FUNCTIONS or inside_leaf:
            return func(*args, **kwargs)
        label, kind, _ = _FUNCTIONS[func]
        try:
            settings = _function_settings(func, args, kwargs)
        except Exception:  # odd arguments: the call itself will say what is wrong
            settings = {}
        parent = self.running[-1][0] if self.running else ""
        short = label.split(".")[-1]
        params = sum(value.numel() for value in (*args, *kwargs.values()) if isinstance(value, nn.Parameter))
        self.calling = _Layer(f"{parent}.{short}" if parent else short, label, kind, settings, params,
                              _first_shape(args[:1]))
        result = func(*args, **kwargs)
        self.rows.append(_row(self.calling, _first_shape(result)))
        self.calling = None
        return result

    def diagnose(self, error: Exception) -> str:
        """Add the row of the layer that raised ``error`` and explain what went wrong."""
        if self.calling is not None:
            layer = self.calling
        elif self.running and self._is_leaf(self.running[-1][1]):
            layer = self._module_layer(*self.running[-1])
        else:  # the failing line is in a forward itself, between layers
            name, module, _ = self.running[-1] if self.running else ("", self.model, None)
            return (f"The forward of {name or 'the model'} ({type(module).__name__}) failed after row "
                    f"{len(self.rows)}: {error_line(error)}")
        self.rows.append(_row(layer, None))
        return diagnose(self.rows, layer, error)


def _row(layer: _Layer, output_shape: Shape | None) -> Row:
    formula = None
    try:
        formula = str(explain_layer(layer))
    except (ValueError, TypeError, KeyError):  # not a 2-D conv or pool, or settings that fail
        pass
    return Row(layer.name, layer.type, layer.input_shape, output_shape, formula, layer.params, layer.settings)


# ---------------------------------------------------------------- small helpers


def _count(parameters: Any) -> int:
    """Number of parameters, leaving out lazy ones that have no size yet."""
    return sum(p.numel() for p in parameters if not nn.parameter.is_lazy(p))


def _first_shape(value: Any) -> Shape | None:
    """The shape of the first tensor in ``value`` (a tensor, or tuples, lists and dicts of them)."""
    if isinstance(value, torch.Tensor):
        return tuple(value.shape)
    items = value.values() if isinstance(value, dict) else value if isinstance(value, (tuple, list)) else ()
    for item in items:
        shape = _first_shape(item)
        if shape is not None:
            return shape
    return None


def _pair(value: Any) -> Any:
    """``2`` → ``(2, 2)``, ``[3, 2]`` → ``(3, 2)``; strings (``'same'``) stay as they are."""
    if isinstance(value, int):
        return (value, value)
    if isinstance(value, (tuple, list, torch.Size)):
        return (int(value[0]), int(value[0])) if len(value) == 1 else tuple(int(v) for v in value)
    return value
