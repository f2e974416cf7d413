"""The fixes ``cnnlab.repair`` tries for a problem, each as code to show and a change to a copy.

A :class:`Candidate` has the ``changes`` a reader would write (``fc: nn.Linear(800, 10)``)
and ``apply``, which makes them on a copy of the model (a :class:`State`): it replaces a
module, or replaces a function call such as ``x.view(-1, 144)`` by its number, or changes
the input shape. Nothing here decides what works: ``cnnlab.repair`` runs each candidate
(chapter 5).

>>> from cnnlab.recording import record
>>> model = nn.Sequential(nn.Conv2d(1, 4, 3), nn.Flatten(), nn.Linear(100, 10))
>>> recording = record(model, torch.zeros(2, 1, 12, 12))
>>> problem = Problem(2, "2", None, recording.layer)
>>> [str(option.changes[0]) for option in candidates(model, recording, problem, (2, 1, 12, 12))]
['2 (Linear): nn.Linear(400, 10) instead of nn.Linear(100, 10)']
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from math import prod
from typing import Any, NamedTuple

import torch
import torch.nn.functional as F
from torch import nn

from cnnlab.diagnosis import Finding
from cnnlab.rebuilding import module_code, rebuild
from cnnlab.recording import Layer, Recording, Replacement
from cnnlab.writing import pool_code, shape_text

Shape = tuple[int, ...]
_SHRINKING = ("conv", "max_pool", "avg_pool")
_COMMON_SIZES = (16, 28, 32, 48, 64, 96, 112, 128, 224, 227, 256, 299)


@dataclass(frozen=True)
class Change:
    """One line to change: in ``layer`` (a row's name, or ``input``), write ``code``.

    ``was`` is what the line says now; ``before`` means: add ``code`` just before ``layer``.

    >>> print(Change("fc", "nn.Linear(800, 10)", was="nn.Linear(320, 10)"))
    fc: nn.Linear(800, 10) instead of nn.Linear(320, 10)
    """

    layer: str
    code: str
    was: str = ""
    before: bool = False

    def __str__(self) -> str:
        if self.before:
            return f"before {self.layer}: add {self.code}"
        return f"{self.layer}: {self.code}" + (f" instead of {self.was}" if self.was else "")


@dataclass
class State:
    """A repaired copy: the model, the calls replaced, the input shape and the changes so far."""

    model: nn.Module
    shape: Shape
    replace: dict[int, Replacement] = field(default_factory=dict)
    changes: tuple[Change, ...] = ()


class Problem(NamedTuple):
    """What is wrong: at which row (``position``), in which layer (``name``), and the finding.

    ``layer`` is the layer that raised, if one did.
    """

    position: int
    name: str
    finding: Finding
    layer: Layer | None


@dataclass(frozen=True)
class Candidate:
    """A fix to try: the ``changes`` to show, and ``apply``, which makes them on a ``State``."""

    changes: tuple[Change, ...]
    apply: Callable[[State], None]
    shape: Shape | None = None  # a new input shape, if the fix is the input


def _path(model: nn.Module, module: nn.Module) -> str | None:
    return next((name for name, candidate in model.named_modules() if candidate is module), None)


def _in_sequential(model: nn.Module, module: nn.Module | None) -> bool:
    """Whether ``module`` sits in an ``nn.Sequential`` (a fix is then a layer, not a line of ``forward``)."""
    path = _path(model, module) if module is not None else None
    return bool(path) and isinstance(model.get_submodule(path.rpartition(".")[0]), nn.Sequential)


def _setter(path: str, make: Callable[[nn.Module], nn.Module]) -> Callable[[State], None]:
    """``apply`` for a candidate that replaces the module at ``path`` by ``make(old module)``."""
    def apply(state: State) -> None:
        if not path:
            state.model = make(state.model)
            return
        parent, _, child = path.rpartition(".")
        owner = state.model.get_submodule(parent)
        setattr(owner, child, make(owner.get_submodule(child)))
    return apply


def _swap(model: nn.Module, row_name: str, old: nn.Module, new: nn.Module) -> Candidate | None:
    path = _path(model, old)
    if path is None:
        return None
    return Candidate((Change(where(row_name, old), module_code(new), was=module_code(old)),),
                     _setter(path, lambda _: new))


def where(name: str, layer: Any, row: int | None = None) -> str:
    """A layer as the diagnoses name it: ``fc (Linear)``, ``4 (Conv2d)``; a function call with its row,
    as a forward may call it twice: ``max_pool2d (F.max_pool2d, row 6)``.

    >>> where("fc", nn.Linear(2, 3)), where("view", "Tensor.view", row=7)
    ('fc (Linear)', 'view (Tensor.view, row 7)')
    """
    kind = layer if isinstance(layer, str) else type(layer).__name__
    return f"{name} ({kind}{'' if row is None else f', row {row}'})"


def _call(call: int, run: Callable[[torch.Tensor], torch.Tensor]) -> Callable[[State], None]:
    """``apply`` for a candidate that replaces the function call number ``call``."""
    def apply(state: State) -> None:
        state.replace[call] = lambda args, kwargs: run(args[0] if args else kwargs["input"])
    return apply


# ---------------------------------------------------------------- candidates for a problem


def candidates(model: nn.Module, recording: Recording, problem: Problem, shape: Shape) -> list[Candidate]:
    """The fixes to try for ``problem``, most likely first: here ``in_channels`` as received, then also
    ``out_channels`` swapped (a layer written (C, C // r) where (C // r, C) was meant).

    >>> model = nn.Sequential(nn.Conv2d(3, 8, 3))
    >>> from cnnlab.recording import record
    >>> recording = record(model, torch.zeros(1, 1, 5, 5))
    >>> problem = Problem(0, "0", None, recording.layer)
    >>> [option.changes[0].code for option in candidates(model, recording, problem, (1, 1, 5, 5))]
    ['nn.Conv2d(1, 8, kernel_size=3)', 'nn.Conv2d(1, 3, kernel_size=3)']
    """
    layer, rows = problem.layer, recording.rows
    if layer is None:
        reshaping = problem.position < len(rows) and rows[problem.position].kind in ("reshape", "flatten")
        if problem.name and reshaping:
            return _flatten_instead(model, recording.layers[problem.position])
        return list(_forward_candidates(model, recording, problem))
    return [candidate for candidate in _layer_candidates(model, recording, layer) if candidate is not None]


def _layer_candidates(model: nn.Module, recording: Recording, layer: Layer) -> Iterator[Candidate | None]:
    s, shape, module, rows = layer.settings, layer.input_shape or (), layer.module, recording.rows
    if layer.kind == "reshape":
        yield from _flatten_instead(model, layer)
    rank = len(s.get("kernel_size", ()))
    if module is None and layer.kind in ("max_pool", "avg_pool") and s and shape:
        yield from _size_candidates(model, layer, shape, rank)  # a pooling function in a forward
    if module is None or not s or not shape:
        return
    if layer.kind == "linear" and shape[-1] != s["in_features"]:
        flat, out = prod(shape[1:]), s["out_features"]
        options = []
        if len(shape) > 2:
            add = "nn.Flatten()" if _in_sequential(model, module) else "x = torch.flatten(x, 1)"
            new = rebuild(module, in_features=flat) if flat != s["in_features"] else None
            options.append(_before(model, layer, nn.Flatten(), add, new))
        options.append(_swap(model, layer.name, module, rebuild(module, in_features=shape[-1])))
        spatial = len(rows) > 1 and rows[-2].kind in ("conv", "max_pool", "avg_pool", "adaptive_pool",
                                                      "batch_norm", "conv_transpose")
        yield from options if len(shape) >= 4 or spatial else reversed(options)
    elif layer.kind in ("conv", "conv_transpose") and len(shape) == 2 and rank >= 2:
        yield _unflatten(model, layer, shape, rank)  # a flat vector (from a Linear) into a convolution
    elif layer.kind in ("conv", "conv_transpose") and len(shape) in (rank + 1, rank + 2) \
            and shape[-rank - 1] != s["in_channels"]:
        received, expected, out = shape[-rank - 1], s["in_channels"], s["out_channels"]
        if len(rows) == 1 and len(shape) == rank + 2 and shape[0] == 1 and expected == 1:
            # (64, 28, 28) read as one image of 64 channels: the images lack their channel dimension
            images = (shape[1], 1, *shape[2:])
            yield Candidate((Change("input", f"input of shape {shape_text(images)}: x = x.unsqueeze(1)",
                                    was=shape_text(shape)),), lambda state: None, shape=images)
        if len(shape) == rank + 2 and shape[-1] == expected and rank in (1, 2):  # channels last
            order = (0, 2, 1) if rank == 1 else (0, 3, 1, 2)
            yield _before(model, layer, _Permute(order), f"x = x.permute{order}  (channels first)")
        yield _swap(model, layer.name, module, rebuild(module, in_channels=received))
        if expected != out:  # written (C, C // r) where (C // r, C) was meant: swap them
            swapped = rebuild(module, in_channels=received, out_channels=expected)
            yield _swap(model, layer.name, module, swapped)
        yield _from_producer(model, recording, "out_channels", expected)
    elif layer.kind == "batch_norm" and len(shape) == 2 and not isinstance(module, nn.BatchNorm1d):
        yield _swap(model, layer.name, module, nn.BatchNorm1d(shape[1]))
    elif layer.kind == "batch_norm" and len(shape) > 1 and shape[1] != s["num_features"]:
        yield _swap(model, layer.name, module, rebuild(module, num_features=shape[1]))
        yield _from_producer(model, recording, "out_channels", s["num_features"])
    elif layer.kind in _SHRINKING:
        yield from _size_candidates(model, layer, shape, rank)


class _Permute(nn.Module):
    """``x.permute(*order)`` as a layer."""

    def __init__(self, order: tuple[int, ...]) -> None:
        super().__init__()
        self.order = order

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x.permute(*self.order)


def _before(model: nn.Module, layer: Layer, extra: nn.Module, code: str,
            new: nn.Module | None = None) -> Candidate | None:
    """Add ``extra`` (written ``code``) just before ``layer``, and replace the layer by ``new`` if given."""
    module = layer.module
    path = _path(model, module) if module is not None else None
    if path is None or module is None:
        return None
    changes = (Change(where(layer.name, module), code, before=True),)
    if new is not None:
        changes += (Change(where(layer.name, module), module_code(new), was=module_code(module)),)
    return Candidate(changes, _setter(path, lambda old: nn.Sequential(extra, old if new is None else new)))


def _unflatten(model: nn.Module, layer: Layer, shape: Shape, rank: int) -> Candidate | None:
    """A convolution that gets (N, features): give the features back their channels and sizes."""
    channels = layer.settings["in_channels"]
    if shape[1] % channels:
        return None
    side = round((shape[1] // channels) ** (1 / rank))
    if side ** rank != shape[1] // channels:
        return None
    sizes = (channels, *(side,) * rank)
    code = f"nn.Unflatten(1, {sizes})" if _in_sequential(model, layer.module) else \
        f"x = x.view(x.size(0), {', '.join(map(str, sizes))})"
    return _before(model, layer, nn.Unflatten(1, sizes), code)


def _from_producer(model: nn.Module, recording: Recording, key: str, value: int) -> Candidate | None:
    """The layer that made the channels, changed to make ``value`` of them instead."""
    producer = _producer(recording)
    if producer is None or producer.module is None:
        return None
    return _swap(model, producer.name, producer.module, rebuild(producer.module, **{key: value}))


def _producer(recording: Recording) -> Layer | None:
    """The last conv module before the failing row, if it made the channels that row received."""
    rows = recording.rows
    received = rows[-1].input_shape
    for row, layer in zip(reversed(rows[:-1]), reversed(recording.layers[:-1]), strict=True):
        if row.kind == "conv" and row.output_shape and received and row.output_shape[1] == received[1]:
            return layer
        if row.kind not in ("keep", "batch_norm", "max_pool", "avg_pool", "other"):
            return None
    return None


def _size_candidates(model: nn.Module, layer: Layer, shape: Shape, rank: int) -> Iterator[Candidate | None]:
    """A window that does not fit: a padding that makes it fit, or a smaller kernel (exact values, tried)."""
    s, module = layer.settings, layer.module
    if (module is None and layer.call is None) or len(shape) < rank + 1:
        return
    sizes, kernel = shape[-rank:], s["kernel_size"]
    padding = (0,) * rank if isinstance(s["padding"], str) else tuple(s["padding"])
    dilation = s.get("dilation", (1,) * rank)
    spans = [d * (k - 1) + 1 for k, d in zip(kernel, dilation, strict=True)]
    need = max(0, *(-(-(span - n) // 2) for span, n in zip(spans, sizes, strict=True)))
    pooling = layer.kind.endswith("pool")
    fits = [min(k, n + 2 * p) for k, n, p in zip(kernel, sizes, padding, strict=True)]
    kernels = [tuple(fits)] + [(k,) * rank for k in range(min(fits) - 1, 0, -1)][:3]
    paddings = [(p,) * rank for p in range(max(need, max(padding)), max(need, max(padding)) + 3)
                if not pooling or p <= min(kernel) // 2]
    options = [("kernel_size", k) for k in kernels] + [("padding", p) for p in paddings]
    for key, option in (options if pooling else options[len(kernels):] + options[:len(kernels)]):
        if option == s[key]:
            continue
        if module is not None:
            yield _swap(model, layer.name, module, rebuild(module, **{key: option}))
        elif pooling and layer.call is not None:  # F.max_pool2d(x, 2) in a forward: other numbers
            yield _pool_call(layer, key, option)
    if pooling and module is not None:  # whatever the size: one value per channel
        adaptive = getattr(nn, f"Adaptive{'Max' if layer.kind == 'max_pool' else 'Avg'}Pool{rank}d")
        yield _swap(model, layer.name, module, adaptive(1))


def _pool_call(layer: Layer, key: str, value: tuple[int, ...]) -> Candidate | None:
    """A pooling function (``F.max_pool2d(x, 2)``) called with another kernel or padding."""
    function = getattr(F, layer.type.removeprefix("F."), None)
    if function is None or layer.call is None:
        return None
    s = {**layer.settings, key: value}
    if key == "kernel_size" and layer.settings["stride"] == layer.settings["kernel_size"]:
        s["stride"] = value
    extra = {"dilation": s["dilation"], "ceil_mode": s["ceil_mode"]} if layer.kind == "max_pool" else {
        "ceil_mode": s["ceil_mode"], "count_include_pad": s["count_include_pad"]}
    change = Change(where(layer.name, layer.type, layer.row), pool_code(layer.type, s),
                    was=pool_code(layer.type, layer.settings))
    return Candidate((change,), _call(layer.call, lambda x: function(x, s["kernel_size"], s["stride"],
                                                                     s["padding"], **extra)))


def _flatten_instead(model: nn.Module, layer: Layer) -> list[Candidate]:
    """A reshape or flatten that fails or mixes examples: ``torch.flatten(x, 1)`` instead."""
    if layer.module is not None and isinstance(layer.module, nn.Flatten):
        swapped = _swap(model, layer.name, layer.module, nn.Flatten())
        return [swapped] if swapped is not None else []
    if layer.call is None:
        return []
    target = layer.settings.get("shape", ())
    if layer.kind == "flatten":
        was = f"{layer.type}(x)"
    else:
        was = f"x.{layer.type.split('.')[-1]}({', '.join(str(n) for n in target)})"
    return [Candidate((Change(where(layer.name, layer.type, layer.row), "x = torch.flatten(x, 1)", was=was),),
                      _call(layer.call, lambda x: torch.flatten(x, 1)))]


def _forward_candidates(model: nn.Module, recording: Recording, problem: Problem) -> Iterator[Candidate]:
    """A failure between layers (``x * scale``, ``torch.cat``, ``x + shortcut``): try the sizes the error
    names as the out_channels / out_features of the last layers of that forward, and stride 1."""
    numbers = {int(n) for n in re.findall(r"\b(\d+)\b", str(recording.error)) if int(n) > 1}
    prefix = problem.name + "." if problem.name else ""
    seen: list[nn.Module] = []
    pairs = list(zip(recording.rows, recording.layers, strict=True))
    for index in range(len(pairs) - 1, -1, -1):
        row, layer = pairs[index]
        module = layer.module
        if not row.name.startswith(prefix) or module is None or row.kind not in ("conv", "linear") \
                or any(module is other for other in seen) or len(seen) >= 4:
            continue
        seen.append(module)
        key = "out_channels" if row.kind == "conv" else "out_features"
        following = pairs[index + 1][1] if index + 1 < len(pairs) else None
        for number in sorted(numbers - {row.settings.get(key)}):
            candidate = _swap(model, row.name, module, rebuild(module, **{key: number}))
            if candidate is not None and following is not None and following.kind == "batch_norm" \
                    and following.module is not None:
                candidate = _both(candidate, _swap(model, following.name, following.module,
                                                   rebuild(following.module, num_features=number)))
            if candidate is not None:
                yield candidate
        if row.kind == "conv" and set(row.settings["stride"]) != {1}:
            candidate = _swap(model, row.name, module, rebuild(module, stride=1))
            if candidate is not None:
                yield candidate


def _both(first: Candidate, second: Candidate | None) -> Candidate:
    """Two candidates made together."""
    if second is None:
        return first

    def apply(state: State) -> None:
        first.apply(state)
        second.apply(state)
    return Candidate(first.changes + second.changes, apply)


# ---------------------------------------------------------------- fixes that change more than one layer


def shrink_candidates(model: nn.Module, recording: Recording, problem: Problem,
                      shape: Shape) -> list[list[Candidate]]:
    """For a problem of size: other input sizes, one pooling layer fewer, an adaptive pooling before flatten.

    One list per way; ``cnnlab.repair`` keeps the first candidate of each that works.

    >>> from cnnlab.recording import record
    >>> model = nn.Sequential(nn.Conv2d(1, 4, 3), nn.MaxPool2d(2), nn.Conv2d(4, 4, 3))
    >>> recording = record(model, torch.zeros(1, 1, 6, 6))
    >>> ways = shrink_candidates(model, recording, Problem(2, "2", None, recording.layer), (1, 1, 6, 6))
    >>> ways[0][0].shape, str(ways[1][0].changes[0])
    ((1, 1, 16, 16), '1 (MaxPool2d): nn.Identity() (one pooling layer fewer) instead of nn.MaxPool2d(2)')
    """
    layer = problem.layer
    rank = len(shape) - 2
    ways = [_input_sizes(shape)] if rank >= 1 and len(set(shape[2:])) == 1 else []
    if layer is None:  # a failure between layers (torch.cat of maps of different sizes): the input size
        return ways if problem.finding.text.startswith("The forward") else []
    if layer.kind not in (*_SHRINKING, "linear"):
        return []
    rows, layers = recording.rows[:-1], recording.layers[:-1]
    if layer.kind in (*_SHRINKING, "linear"):
        pools = []
        for row, earlier in zip(reversed(rows), reversed(layers), strict=True):
            path = _path(model, earlier.module) if earlier.module is not None else None
            if row.kind in ("max_pool", "avg_pool") and path is not None:
                change = Change(where(row.name, row.type), "nn.Identity() (one pooling layer fewer)",
                                was=module_code(earlier.module))
                pools.append(Candidate((change,), _setter(path, lambda _: nn.Identity())))
            elif row.kind in ("max_pool", "avg_pool") and earlier.call is not None:
                change = Change(where(row.name, row.type, earlier.row),
                                "remove this call (one pooling layer fewer)")
                pools.append(Candidate((change,), _call(earlier.call, lambda x: x)))
        ways.append(pools)
    if layer.kind == "linear" and layer.module is not None:
        lazy = nn.LazyLinear(layer.settings["out_features"], bias=layer.settings["bias"])
        ways.append([candidate for candidate in [_swap(model, layer.name, layer.module, lazy)] if candidate])
        ways.append(list(_adaptive(model, recording, layer)))
    return ways


def _input_sizes(shape: Shape) -> list[Candidate]:
    size, rank = shape[2], len(shape) - 2
    common = sorted(set(_COMMON_SIZES if rank == 2 else (size // 2, 2 * size, 4 * size)) - {size},
                    key=lambda n: abs(n - size))
    near = sorted((size + step for step in range(-8, 9) if step and size + step > 0),
                  key=lambda n: abs(n - size))
    result = []
    for new in list(dict.fromkeys(common + near))[:30]:  # the sizes images usually have first
        new_shape = (*shape[:2], *(new,) * rank)
        result.append(Candidate((Change("input", f"input of shape {shape_text(new_shape)}",
                                        was=shape_text(shape)),), lambda state: None, shape=new_shape))
    return result


def _adaptive(model: nn.Module, recording: Recording, layer: Layer) -> Iterator[Candidate]:
    """``nn.AdaptiveAvgPoolNd`` before the flatten, sized so that the flattened map has ``in_features``."""
    rows = recording.rows[:-1]
    flatten = next((index for index in range(len(rows) - 1, -1, -1)
                    if rows[index].kind in ("flatten", "reshape")), None)
    if flatten is None or not rows[flatten].input_shape or len(rows[flatten].input_shape) < 3:
        return
    before = rows[flatten].input_shape
    channels, rank, wanted = before[1], len(before) - 2, layer.settings["in_features"]
    if wanted % channels:
        return
    side = round((wanted // channels) ** (1 / rank))
    if side ** rank != wanted // channels or rank > 3:
        return
    pool_type = f"AdaptiveAvgPool{rank}d"
    pool = getattr(nn, pool_type)
    code = f"nn.{pool_type}({side})"
    row, flattening = rows[flatten], recording.layers[flatten]
    path = _path(model, flattening.module) if flattening.module is not None else None
    if path is not None:
        yield Candidate((Change(where(row.name, row.type), code, before=True),),
                        _setter(path, lambda old: nn.Sequential(pool(side), old)))
    elif flattening.call is not None:
        code = f"x = F.adaptive_avg_pool{rank}d(x, {side})"
        yield Candidate((Change(where(row.name, row.type, flattening.row), code, before=True),),
                        _call(flattening.call, lambda x: torch.flatten(pool(side)(x), 1)))
