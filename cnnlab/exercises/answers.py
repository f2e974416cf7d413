"""The one answer parser every checker uses: numbers, shapes, paddings, names and models.

A learner writes the same answer in many forms: ``28``, ``28.0``, ``"28"``, ``torch.tensor(28)``,
``np.int64(28)``, ``[28]``; a shape as a tuple, a list, a ``torch.Size`` or the text
``"(1, 8, 62, 62)"``; a transform as ``'horizontal flip'`` or ``T.RandomHorizontalFlip()``.
The functions here turn each into one plain Python value (or None when the answer is not
of that kind), so a checker compares values and never refuses a right answer for its type.
``quick_check.js`` parses typed text with the same rules (tested in ``test_quick_checks.py``).

>>> as_number(torch.tensor(87.5)), as_number([1e-05]), as_number("60,000"), as_number("21/4")
(87.5, 1e-05, 60000.0, 5.25)
>>> as_shape("torch.Size([1, 8, 62, 62])"), as_size((14, 14)), as_padding("same", kernel_size=5)
((1, 8, 62, 62), 14, 2)
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping
from typing import Any, NamedTuple

import torch
from torch import nn

_NUMBER = r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?"
_NUMBER_TEXT = re.compile(rf"^({_NUMBER})(?:\s*/\s*({_NUMBER}))?$")
_THOUSANDS = re.compile(r"^[+-]?\d{1,3}(?:,\d{3})+(?:\.\d+)?$")


def number_text(text: str) -> float | None:
    """A typed number: ``"28"``, ``" -0.42 "``, ``"1e-5"``, ``"60,000"``, ``"60_000"``, ``"21/4"``, ``"−3"``.

    >>> number_text("1_216"), number_text("21 / 4"), number_text("abc"), number_text("inf")
    (1216.0, 5.25, None, None)
    """
    text = text.strip().replace("−", "-").replace("_", "")
    if _THOUSANDS.match(text):
        text = text.replace(",", "")
    match = _NUMBER_TEXT.match(text)
    if match is None:
        return None
    value = float(match.group(1))
    if match.group(2) is not None:
        divisor = float(match.group(2))
        if divisor == 0:
            return None
        value /= divisor
    return value if math.isfinite(value) else None


def as_number(answer: Any) -> float | None:
    """``answer`` as a finite float: ints, floats, numpy scalars, 0-d or one-element tensors and
    arrays, one-element lists and tuples, and typed numbers (see :func:`number_text`). Else None.

    Chapter 1 onwards: every numeric exercise.

    >>> as_number("0.5"), as_number(torch.tensor([2.0])), as_number("abc"), as_number(True)
    (0.5, 2.0, None, None)
    """
    if isinstance(answer, bool) or answer is None:
        return None
    if isinstance(answer, torch.Tensor) or hasattr(answer, "dtype") and hasattr(answer, "item"):
        size = answer.numel() if isinstance(answer, torch.Tensor) else getattr(answer, "size", 0)
        if size != 1:
            return None
        answer = answer.item()
    elif isinstance(answer, list | tuple):
        return as_number(answer[0]) if len(answer) == 1 else None
    if isinstance(answer, bool):
        return None
    if isinstance(answer, str):
        return number_text(answer)
    try:
        value = float(answer)
    except (TypeError, ValueError, OverflowError):
        return None
    return value if math.isfinite(value) else None


def as_int(answer: Any) -> int | None:
    """``answer`` as an int when it is a whole number in any form :func:`as_number` reads, else None.

    >>> as_int("28"), as_int(28.0), as_int(2.5), as_int("abc")
    (28, 28, None, None)
    """
    value = as_number(answer)
    return int(value) if value is not None and value.is_integer() else None


_SHAPE_TEXT = re.compile(r"^(?:torch\.Size\()?\s*[\[(]?\s*(.*?)\s*[\])]?\s*\)?$")


def as_shape(answer: Any) -> tuple[int, ...] | None:
    """``answer`` as a tuple of ints: a tuple, list, ``torch.Size``, 1-d tensor or array, or the
    text ``"(1, 16, 5, 5)"``, ``"torch.Size([1, 16, 5, 5])"`` or ``"1×16×5×5"``. Else None.

    >>> as_shape([1, 16, "5", 5.0]), as_shape(torch.Size([2, 3])), as_shape((1, 2.5)), as_shape("16x5x5")
    ((1, 16, 5, 5), (2, 3), None, (16, 5, 5))
    """
    if isinstance(answer, str):
        inner = _SHAPE_TEXT.match(answer.strip())
        parts = re.split(r"\s*[,x×*]\s*", inner.group(1) if inner else "")
        parts = [part for part in parts if part]
        if len(parts) < 1 or "," not in answer and not re.search(r"[x×*]", answer):
            return None
        answer = parts
    elif isinstance(answer, torch.Tensor) or hasattr(answer, "tolist") and hasattr(answer, "ndim"):
        if answer.ndim != 1:
            return None
        answer = answer.tolist()
    if isinstance(answer, tuple | list):  # torch.Size is a tuple
        numbers = [as_int(value) for value in answer]
        if all(number is not None for number in numbers):
            return tuple(numbers)  # type: ignore[arg-type]
    return None


def as_size(answer: Any) -> int | None:
    """One side of a square size: ``14``, ``(14, 14)``, ``[14]``, ``"14 x 14"``; None for non-square.

    >>> as_size(14.0), as_size(torch.Size([14, 14])), as_size((14, 13)), as_size("14×14")
    (14, 14, None, 14)
    """
    value = as_int(answer)
    if value is not None:
        return value
    shape = as_shape(answer)
    if shape is not None and len(shape) == 2 and shape[0] == shape[1]:
        return shape[0]
    return None


def as_padding(answer: Any, kernel_size: int, stride: int = 1) -> int | None:
    """Zeros per side, in every form ``nn.Conv2d(padding=...)`` accepts: ``2``, ``(2, 2)``, ``'same'``
    (only with stride 1 and an odd kernel, as PyTorch), ``'valid'`` (0). Else None.

    >>> as_padding((2, 2), 5), as_padding("same", 5), as_padding("valid", 3), as_padding("same", 4)
    (2, 2, 0, None)
    """
    if isinstance(answer, str) and answer.strip().strip("'\"").lower() in ("same", "valid"):
        if answer.strip().strip("'\"").lower() == "valid":
            return 0
        return (kernel_size - 1) // 2 if stride == 1 and kernel_size % 2 == 1 else None
    return as_size(answer)


def name_key(answer: Any) -> str:
    """A class, instance or text reduced to lower-case letters and digits, without module prefixes.

    >>> name_key("T.RandomHorizontalFlip(p=0.5)"), name_key(nn.MSELoss()), name_key(" horizontal-flip ")
    ('randomhorizontalflip', 'mseloss', 'horizontalflip')
    """
    if not isinstance(answer, str):
        answer = (answer if isinstance(answer, type) else type(answer)).__name__
    text = answer.strip().strip("'\"").split("(")[0].lower()
    text = text.split(".")[-1] if "." in text and not re.fullmatch(r"[\d.]+", text) else text
    return re.sub(r"[^a-z0-9]", "", text)


def as_choice(answer: Any, aliases: Mapping[str, Iterable[str]]) -> str | None:
    """Which key of ``aliases`` names ``answer`` (a key, one of its aliases, or a multiple-choice
    letter given as the key itself), compared with :func:`name_key`. Else None.

    >>> flips = {"hflip": ["RandomHorizontalFlip", "horizontal flip", "flip horizontally"]}
    >>> as_choice("T.RandomHorizontalFlip()", flips), as_choice("Horizontal flip", flips), as_choice(3, flips)
    ('hflip', 'hflip', None)
    """
    key = name_key(answer) if isinstance(answer, str | type) or hasattr(answer, "__module__") else ""
    if not key or isinstance(answer, int | float):
        return None
    for choice, names in aliases.items():
        if key in {name_key(choice), *(name_key(name) for name in names)}:
            return choice
    return None


# ---------------------------------------------------------------- models


class ModelRun(NamedTuple):
    """What :func:`run_model` saw: the output shape (the same in train and eval mode), or a problem."""

    shape: tuple[int, ...] | None
    problem: str | None


def run_model(answer: Any, input_size: tuple[int, ...], batch: int = 2) -> ModelRun:
    """Run a random batch of ``batch`` (≥ 2) inputs of ``input_size[1:]`` through ``answer``, in
    eval mode and in train mode (no gradients; every module's mode is restored afterwards).

    A model that works for one image only (``x.view(1, -1)``) or only in one mode fails here,
    and a failure is a problem in words (``cnnlab.trace``'s diagnosis, without its fix), never
    an exception. The shape reported has ``input_size[0]`` as its batch size again, so a checker
    compares it with the shape its question names. Chapters 5, 7 and 8.

    >>> run_model(nn.Flatten(), (1, 3, 4, 4))
    ModelRun(shape=(1, 48), problem=None)
    >>> run_model(nn.Linear(320, 10), (1, 1, 28, 28)).problem is not None
    True
    """
    if isinstance(answer, type) and issubclass(answer, nn.Module):
        name = answer.__name__
        return ModelRun(None, f"that is the class {name}; pass an instance: {name}(...)")
    if not isinstance(answer, nn.Module):
        kind = type(answer).__name__
        return ModelRun(None, f"expected a PyTorch layer or model (an nn.Module), got {kind}")
    size = (max(batch, 2), *input_size[1:])
    modes = {module: module.training for module in answer.modules()}
    first = next(iter(answer.parameters()), None)
    device = first.device if first is not None else torch.device("cpu")
    inputs = torch.randn(size, generator=torch.Generator().manual_seed(0)).to(device)
    shapes = {}
    try:
        for mode in ("eval", "train"):
            answer.train(mode == "train")
            try:
                with torch.no_grad():
                    output = answer(inputs)
            except Exception as error:  # a learner's model may fail in any way: explain, never raise
                return ModelRun(None, _diagnose(answer, size, error, mode))
            if not isinstance(output, torch.Tensor):
                return ModelRun(None, f"the model returned {type(output).__name__}, not a tensor")
            shapes[mode] = tuple(output.shape)
    finally:
        for module, training in modes.items():
            module.training = training
    if shapes["eval"] != shapes["train"]:
        return ModelRun(None, f"the model gives {shapes['eval']} in eval mode but {shapes['train']} in train "
                              "mode")
    shape = shapes["eval"]
    if not shape or shape[0] != size[0]:
        return ModelRun(None, f"a batch of {size[0]} inputs gives an output of shape {shape}: the first "
                              "dimension must stay the batch (one result per image); does the forward "
                              "reshape with a fixed batch size, like view(1, -1)?")
    return ModelRun((input_size[0], *shape[1:]), None)


def _diagnose(model: nn.Module, size: tuple[int, ...], error: Exception, mode: str) -> str:
    """``trace``'s diagnosis of a failing model (without the fix), or the error's first line."""
    from cnnlab.tracing import trace  # here, so that parsing answers does not need the tracer

    first_line = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
    try:
        diagnosis = trace(model, size, repair=False).diagnosis  # what and where, never the fix
    except Exception:  # the hint must never break the checker
        diagnosis = None
    text = diagnosis or f"{type(error).__name__}: {first_line}"
    return f"a batch of shape {tuple(size)} fails in {mode} mode: {text}"
