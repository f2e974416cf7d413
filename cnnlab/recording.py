"""Recording a forward pass: every layer a batch goes through, with its shapes and settings.

``record`` runs a model once under forward hooks and a torch-function mode, so it sees the
modules *and* the functions a ``forward`` calls (``F.max_pool2d``, ``x.view(...)``,
``torch.flatten``, ...). It never raises: a failing pass ends with the layer that failed.
``cnnlab.trace`` builds its table from it, and ``cnnlab.repair`` re-runs repaired copies
with it. A function call can be *replaced* by its number (``Recording.calls``), which is
how a repair tries ``torch.flatten(x, 1)`` in place of a ``x.view(-1, 144)``. (Chapter 5
teaches ``trace``; chapters 7 and 8 read its rows.)

>>> from torch import nn
>>> recording = record(nn.Sequential(nn.Conv1d(2, 4, 3), nn.Flatten()), torch.zeros(5, 2, 10))
>>> [(row.kind, row.output_shape) for row in recording.rows]
[('conv', (5, 4, 8)), ('flatten', (5, 32))]
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from typing import Any, NamedTuple

import torch
import torch.nn.functional as F
from torch import nn
from torch.overrides import TorchFunctionMode

from cnnlab.diagnosis import explain_layer

Shape = tuple[int, ...]


@dataclass(frozen=True)
class Row:
    """One layer the batch went through, in the order it ran.

    - ``name``: the module's path in the model (``backbone.conv1``); for a function called
      in a ``forward``, the path of that module and the function (``backbone.max_pool2d``,
      or just ``view`` when the model itself calls it)
    - ``type``: the module's class (``Conv2d``) or the function (``F.max_pool2d``,
      ``torch.flatten``, ``Tensor.view``)
    - ``kind``: what it does to a shape: ``conv``, ``conv_transpose``, ``max_pool``,
      ``avg_pool``, ``adaptive_pool``, ``linear``, ``flatten``, ``reshape``, ``batch_norm``,
      ``keep`` (activations, dropout: the shape stays) or ``other``
    - ``input_shape``, ``output_shape``: tensor shapes, batch first; ``output_shape`` is
      ``None`` for the layer that failed
    - ``formula``: for convolution and pooling (1-D, 2-D, 3-D), the output-size formula
      (``cnnlab.shapes.explain``; a line per dimension if they differ), else ``None``
    - ``params``: parameters the layer holds (a function: the ``nn.Parameter`` it was given)
    - ``settings``: what the layer was built with. Convolution: ``in_channels``,
      ``out_channels``, ``kernel_size``, ``stride``, ``padding``, ``dilation``, ``groups``,
      ``bias`` (+ ``output_padding`` when transposed); max pooling: ``kernel_size``,
      ``stride``, ``padding``, ``dilation``, ``ceil_mode``; average pooling: ``kernel_size``,
      ``stride``, ``padding``, ``ceil_mode``, ``count_include_pad``; linear: ``in_features``,
      ``out_features``, ``bias`` (a bool); flatten: ``start_dim``, ``end_dim``;
      view/reshape: ``shape`` (as given, e.g. ``(64, -1)``); batch norm: ``num_features``;
      adaptive pooling: ``output_size``; anything else: ``{}``. Sizes are tuples with one
      number per dimension ((height, width) in 2-D); ``padding`` may also be ``'same'`` or
      ``'valid'``. The names are stable: widgets rebuild the stack from them.

    >>> row = record(nn.Conv2d(1, 6, 5), torch.zeros(1, 1, 28, 28)).rows[0]
    >>> row.kind, row.output_shape, row.params, row.settings["kernel_size"]
    ('conv', (1, 6, 24, 24), 156, (5, 5))
    """

    name: str
    type: str
    kind: str
    input_shape: Shape | None
    output_shape: Shape | None
    formula: str | None
    params: int
    settings: dict[str, Any] = field(default_factory=dict)


class Layer(NamedTuple):
    """A layer about to run: enough to make its row, whether it succeeds or fails.

    ``module`` is the ``nn.Module`` (``None`` for a function call); ``call`` the number of
    the function call (``None`` for a module), which ``record(..., replace=...)`` takes;
    ``row`` its number in the table once recorded.
    """

    name: str
    type: str
    kind: str  # a key of SETTINGS: conv, max_pool, linear, reshape, ...
    settings: dict[str, Any]
    params: int
    input_shape: Shape | None
    module: nn.Module | None = None
    call: int | None = None
    row: int | None = None  # its number in the table, from 1


# The settings each kind of layer reports (Row.settings), and their defaults.
SETTINGS: dict[str, tuple[str, ...]] = {
    "conv": ("in_channels", "out_channels", "kernel_size", "stride", "padding", "dilation", "groups", "bias"),
    "conv_transpose": ("in_channels", "out_channels", "kernel_size", "stride", "padding", "output_padding",
                       "dilation", "groups", "bias"),
    "max_pool": ("kernel_size", "stride", "padding", "dilation", "ceil_mode"),
    "avg_pool": ("kernel_size", "stride", "padding", "ceil_mode", "count_include_pad"),
    "adaptive_pool": ("output_size",),
    "linear": ("in_features", "out_features", "bias"),
    "flatten": ("start_dim", "end_dim"),
    "reshape": ("shape",),
    "batch_norm": ("num_features",),
    "keep": (),
    "other": (),
}
_DEFAULTS = {"stride": None, "padding": 0, "output_padding": 0, "dilation": 1, "groups": 1, "bias": None,
             "ceil_mode": False, "count_include_pad": True, "start_dim": 0, "end_dim": -1}
_SIZES = ("kernel_size", "stride", "padding", "dilation", "output_padding", "output_size")
_KEEP = (nn.ReLU, nn.ReLU6, nn.LeakyReLU, nn.ELU, nn.GELU, nn.SiLU, nn.Tanh, nn.Sigmoid, nn.Softmax,
         nn.LogSoftmax, nn.Dropout, nn.Dropout1d, nn.Dropout2d, nn.Dropout3d, nn.Identity, nn.PReLU,
         nn.Hardswish, nn.Mish)
_MODULE_KINDS: tuple[tuple[Any, str], ...] = (
    (nn.modules.conv._ConvTransposeNd, "conv_transpose"), (nn.modules.conv._ConvNd, "conv"),
    ((nn.MaxPool1d, nn.MaxPool2d, nn.MaxPool3d), "max_pool"),
    ((nn.AvgPool1d, nn.AvgPool2d, nn.AvgPool3d), "avg_pool"),
    ((nn.modules.pooling._AdaptiveAvgPoolNd, nn.modules.pooling._AdaptiveMaxPoolNd), "adaptive_pool"),
    (nn.Linear, "linear"), (nn.Flatten, "flatten"), (nn.modules.batchnorm._BatchNorm, "batch_norm"),
    (_KEEP, "keep"))


def rank_of(module_or_type: Any) -> int | None:
    """The number of spatial dimensions of a conv/pool/batch-norm layer (``Conv1d`` → 1), else ``None``.

    >>> rank_of(nn.Conv3d(1, 1, 1)), rank_of("F.max_pool1d"), rank_of(nn.Linear(1, 1))
    (3, 1, None)
    """
    name = module_or_type if isinstance(module_or_type, str) else type(module_or_type).__name__
    for rank in (1, 2, 3):
        if name.endswith(f"{rank}d"):
            return rank
    return None


def _settings(kind: str, given: dict[str, Any], rank: int) -> dict[str, Any]:
    """The settings of a layer of ``kind``, from its module's attributes or its function's arguments."""
    settings = {key: given.get(key, _DEFAULTS.get(key)) for key in SETTINGS[kind]}
    for key in _SIZES:
        if key in settings:
            settings[key] = _tuple(settings[key], rank)
    if "stride" in settings and settings["stride"] in (None, ()):  # pooling steps by its kernel, conv by 1
        settings["stride"] = settings["kernel_size"] if kind.endswith("pool") else (1,) * rank
    if "bias" in settings:
        settings["bias"] = settings["bias"] is not None and settings["bias"] is not False
    return settings


def module_layer(name: str, module: nn.Module, input_shape: Shape | None) -> Layer:
    """What ``record`` writes down about ``module`` before it runs.

    >>> module_layer("pool", nn.MaxPool1d(2), (1, 4, 9)).settings["stride"]
    (2,)
    """
    kind = next((kind for cls, kind in _MODULE_KINDS if isinstance(module, cls)), "other")
    attributes = {key: getattr(module, key) for key in SETTINGS[kind] if hasattr(module, key)}
    if isinstance(module, nn.modules.conv._ConvNd):
        attributes["bias"] = module.bias
    settings = _settings(kind, attributes, rank_of(module) or 2)
    return Layer(name or type(module).__name__, type(module).__name__, kind, settings,
                 count(module.parameters()), input_shape, module=module)


# The functions that get a row of their own when a forward calls them (not when a leaf
# module calls them for itself): their name in the table, kind, and positional arguments.
_POOL = ("input", "kernel_size", "stride", "padding")
FUNCTIONS: dict[Callable[..., Any], tuple[str, str, tuple[str, ...]]] = {
    **{getattr(F, f"conv{r}d"): (f"F.conv{r}d", "conv", ("input", "weight", "bias", "stride", "padding",
                                                          "dilation", "groups")) for r in (1, 2, 3)},
    **{getattr(F, f"max_pool{r}d"): (f"F.max_pool{r}d", "max_pool", (*_POOL, "dilation", "ceil_mode"))
       for r in (1, 2, 3)},
    **{getattr(F, f"avg_pool{r}d"): (f"F.avg_pool{r}d", "avg_pool",
                                     (*_POOL, "ceil_mode", "count_include_pad")) for r in (1, 2, 3)},
    **{getattr(F, f"adaptive_{how}_pool{r}d"): (f"F.adaptive_{how}_pool{r}d", "adaptive_pool",
                                                ("input", "output_size"))
       for how in ("avg", "max") for r in (1, 2, 3)},
    F.linear: ("F.linear", "linear", ("input", "weight", "bias")),
    torch.flatten: ("torch.flatten", "flatten", ("input", "start_dim", "end_dim")),
    torch.Tensor.flatten: ("Tensor.flatten", "flatten", ("input", "start_dim", "end_dim")),
    torch.Tensor.view: ("Tensor.view", "reshape", ("input",)),
    torch.Tensor.reshape: ("Tensor.reshape", "reshape", ("input",)),
    torch.reshape: ("torch.reshape", "reshape", ("input", "shape")),
    **{function: (label, "keep", ("input",)) for function, label in [
        (F.relu, "F.relu"), (torch.relu, "torch.relu"), (torch.Tensor.relu, "Tensor.relu"),
        (F.leaky_relu, "F.leaky_relu"), (F.gelu, "F.gelu"), (torch.tanh, "torch.tanh"),
        (torch.Tensor.tanh, "Tensor.tanh"), (torch.sigmoid, "torch.sigmoid"),
        (torch.Tensor.sigmoid, "Tensor.sigmoid"), (F.dropout, "F.dropout"), (F.softmax, "F.softmax"),
        (F.log_softmax, "F.log_softmax")]},
}


def _function_settings(func: Callable[..., Any], args: tuple[Any, ...],
                       kwargs: dict[str, Any]) -> dict[str, Any]:
    """The settings of a function call, read from its arguments (and the shape of its weight)."""
    label, kind, names = FUNCTIONS[func]
    given = {**dict(zip(names, args, strict=False)), **kwargs}
    weight = given.get("weight")
    if kind == "conv":  # a weight (out_channels, in_channels / groups, *kernel)
        given.update(in_channels=weight.shape[1] * given.get("groups", 1), out_channels=weight.shape[0],
                     kernel_size=tuple(weight.shape[2:]))
    if kind == "linear":  # a weight (out_features, in_features)
        given.update(in_features=weight.shape[1], out_features=weight.shape[0])
    if kind == "reshape":  # x.view(n, -1), x.view((n, -1)) or torch.reshape(x, (n, -1))
        shape = given.get("shape", args[1:])
        given["shape"] = tuple(shape[0] if len(shape) == 1 and not isinstance(shape[0], int) else shape)
    return _settings(kind, given, rank_of(label) or 2)


# ---------------------------------------------------------------- recording

Replacement = Callable[[tuple[Any, ...], dict[str, Any]], Any]


@dataclass
class Recording:
    """One forward pass: the ``rows``, and the ``output`` or the ``error`` and the ``layer`` that raised it.

    ``layer`` is ``None`` when the error came from a ``forward`` itself, between layers;
    ``where`` then names that module. ``calls`` counts the function calls seen.
    """

    rows: list[Row]
    layers: list[Layer] = field(default_factory=list)  # one per row: its module or call number
    output: Any = None
    error: Exception | None = None
    layer: Layer | None = None
    where: tuple[str, nn.Module] | None = None
    calls: int = 0


class _Recorder(TorchFunctionMode):
    """Forward hooks on every module, plus a torch-function mode that sees the functions a
    ``forward`` calls. Rows are written when a leaf module (one without children) or a
    listed function finishes; functions called inside a leaf module are its own business."""

    def __init__(self, model: nn.Module, replace: dict[int, Replacement]) -> None:
        super().__init__()
        self.model, self.replace = model, replace
        self.rows: list[Row] = []
        self.layers: list[Layer] = []
        self.running: list[tuple[str, nn.Module, Shape | None]] = []  # forwards under way, outermost first
        self.calling: Layer | None = None                              # the function call under way
        self.calls = 0
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

    def is_leaf(self, module: nn.Module) -> bool:
        """A PyTorch layer without children gets one row, and what it calls inside is its own business;
        a module written by hand without children (a ``Flatten`` or ``View`` of one's own) shows the
        functions it calls, which is where its mistakes are."""
        return type(module).__module__.startswith("torch.nn") and next(module.children(), None) is None

    def _enter(self, name: str, module: nn.Module, args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
        self.running.append((name, module, first_shape((args, kwargs))))

    def _leave(self, name: str, module: nn.Module, args: Any, kwargs: Any, output: Any) -> None:
        _, _, input_shape = self.running.pop()
        if self.is_leaf(module):
            self.add(module_layer(name, module, input_shape), first_shape(output))

    def add(self, layer: Layer, output_shape: Shape | None) -> None:
        layer = layer._replace(row=len(self.layers) + 1)
        self.layers.append(layer)
        self.rows.append(make_row(layer, output_shape))

    def __torch_function__(self, func: Callable[..., Any], types: Any, args: tuple[Any, ...] = (),
                           kwargs: dict[str, Any] | None = None) -> Any:
        kwargs = kwargs or {}
        inside_leaf = bool(self.running) and self.is_leaf(self.running[-1][1])
        if func not in FUNCTIONS or inside_leaf:
            return func(*args, **kwargs)
        label, kind, _ = FUNCTIONS[func]
        try:
            settings = _function_settings(func, args, kwargs)
        except Exception:  # odd arguments: the call itself will say what is wrong
            settings = {}
        parent = self.running[-1][0] if self.running else ""
        short = label.split(".")[-1]
        params = sum(value.numel() for value in (*args, *kwargs.values()) if isinstance(value, nn.Parameter))
        self.calling = Layer(f"{parent}.{short}" if parent else short, label, kind, settings, params,
                             first_shape(args[:1]), call=self.calls)
        self.calls += 1
        replacement = self.replace.get(self.calling.call)  # type: ignore[arg-type]
        result = func(*args, **kwargs) if replacement is None else replacement(args, kwargs)
        self.add(self.calling, first_shape(result))
        self.calling = None
        return result


def record(model: nn.Module, inputs: Any, replace: dict[int, Replacement] | None = None) -> Recording:
    """Run ``model(inputs)`` (a tensor, or a tuple of arguments) and record it; never raises.

    ``replace`` maps the number of a function call to what to run instead. The caller
    takes care of ``no_grad`` and the model's mode.

    >>> recording = record(nn.Linear(3, 2), torch.zeros(4, 5))
    >>> recording.layer.name, type(recording.error).__name__
    ('Linear', 'RuntimeError')
    """
    recorder = _Recorder(model, replace or {})
    arguments = inputs if isinstance(inputs, tuple) else (inputs,)
    try:
        with recorder:
            output = model(*arguments)
    except Exception as error:  # the learner's model failed: record where
        recording = Recording(recorder.rows, recorder.layers, error=error, calls=recorder.calls)
        if recorder.calling is not None:
            recording.layer = recorder.calling
        elif recorder.running and recorder.is_leaf(recorder.running[-1][1]):
            recording.layer = module_layer(*recorder.running[-1])
        else:  # the failing line is in a forward itself, between layers
            name, module, _ = recorder.running[-1] if recorder.running else ("", model, None)
            recording.where = (name, module)
        if recording.layer is not None:
            recorder.add(recording.layer, None)
            recording.layer = recorder.layers[-1]
        return recording
    return Recording(recorder.rows, recorder.layers, output=output, calls=recorder.calls)


def make_row(layer: Layer, output_shape: Shape | None) -> Row:
    """The row of ``layer``, with its formula when it is a convolution or pooling that fits.

    >>> make_row(module_layer("pool", nn.MaxPool2d(2), (1, 3, 8, 8)), (1, 3, 4, 4)).formula
    '⌊(8 + 2·0 − 1·(2 − 1) − 1) / 2⌋ + 1 = 4'
    """
    formula = None
    try:
        formula = str(explain_layer(layer.kind, layer.settings, layer.input_shape))
    except (ValueError, TypeError, KeyError, IndexError):  # not a conv or pool, or settings that fail
        pass
    return Row(layer.name, layer.type, layer.kind, layer.input_shape, output_shape, formula, layer.params,
               layer.settings)


# ---------------------------------------------------------------- small helpers


def count(parameters: Any) -> int:
    """Number of parameters, leaving out lazy ones that have no size yet.

    >>> count(nn.Linear(3, 2).parameters()), count(nn.LazyLinear(2).parameters())
    (8, 0)
    """
    return sum(p.numel() for p in parameters if not nn.parameter.is_lazy(p))


def first_shape(value: Any) -> Shape | None:
    """The shape of the first tensor in ``value`` (a tensor, or tuples, lists and dicts of them).

    >>> first_shape({"logits": (torch.zeros(2, 10), None)}), first_shape("text")
    ((2, 10), None)
    """
    if isinstance(value, torch.Tensor):
        return tuple(value.shape)
    items = value.values() if isinstance(value, dict) else value if isinstance(value, (tuple, list)) else ()
    for item in items:
        shape = first_shape(item)
        if shape is not None:
            return shape
    return None


def _tuple(value: Any, rank: int) -> Any:
    """``2`` → ``(2, 2)`` in 2-D, ``[3, 2]`` → ``(3, 2)``; strings (``'same'``) stay as they are."""
    if isinstance(value, int):
        return (value,) * rank
    if isinstance(value, (tuple, list, torch.Size)):
        if len(value) == 1:
            return (int(value[0]),) * rank
        return tuple(None if v is None else int(v) for v in value)
    return value
