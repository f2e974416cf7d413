"""Chapter 4 exercises: output size with a stride, the stride that halves, counting windows, padding.

>>> from cnnlab.exercises import ch04 as check
>>> print(check.ex4_2(14))
❌ Not yet. 14 is the output size you want; the question asks for the stride that gives it.
>>> print(check.ex4_4(1))
✅ Right! padding=1: ⌊(28 + 2·1 − 3) / 2⌋ + 1 = 13 + 1 = 14.
"""

from __future__ import annotations

from typing import Any

import torch
from torch import nn

from cnnlab.exercises import (
    Feedback,
    as_int,
    as_padding,
    as_shape,
    right,
    run_model,
    unanswered,
    wrong,
)
from cnnlab.exercises.ch05 import sentence
from cnnlab.exercises.questions import QUESTIONS
from cnnlab.exercises.quick import checker
from cnnlab.tracing import trace

ex4_1 = checker(QUESTIONS["ex4_1"],
                "Checks the output size of kernel 5, stride 2, padding 2 on a 32×32 input.")


ex4_2 = checker(QUESTIONS["ex4_2"],
                "Checks the stride that halves a 28-pixel input with a 2×2 kernel and no padding.")


def ex4_3(answer: Any) -> Feedback:
    """Checks how many positions a 3×3 window with stride 2 takes on a 6×6 input."""
    if (missing := unanswered(answer)) is not None:
        return missing
    if as_shape(answer) == (2, 2):
        return right("2 positions per row and per column, 2 × 2 = 4 windows in all.")
    value = as_int(answer)
    if value is None:
        return wrong("Give a whole number: the windows in all, along both dimensions.")
    if value == 4:
        return right("columns 0 and 2 in each direction (a window at 4 would hang over the edge): 2 × 2 = 4.")
    slips = {
        2: "That is along one dimension; the window moves down as well as across.",
        9: "Count again where the last window would start: it would need a column past the edge of the "
           "6-wide input, so it is never used (the floor in the formula).",
        3: "Along one dimension the third start would hang over the edge: count only windows that fit.",
        16: "That is stride 1; with stride 2 the window skips every other position.",
        36: "One window per pixel would be stride 1 with padding; count the starting positions instead.",
    }
    return wrong(slips.get(value, "List the columns where a 3-wide window can start (0, 2, …) without "
                                  "hanging over the edge, then do the same for rows."))


def ex4_4(answer: Any) -> Feedback:
    """Checks the padding that makes a 3×3 convolution with stride 2 map 28 to 14, per side."""
    if (missing := unanswered(answer)) is not None:
        return missing
    if isinstance(answer, str) and answer.strip().lower() == "same":
        return wrong("PyTorch refuses padding='same' with stride 2 (the output could not keep the "
                     "input's size anyway); give a number.")
    value = as_padding(answer, kernel_size=3, stride=2)
    if value is None:
        return wrong("Give a whole number of zeros per side.")
    if value == 1:
        return right(f"padding={answer!r}: ⌊(28 + 2·1 − 3) / 2⌋ + 1 = 13 + 1 = 14.")
    slips = {
        0: "Without padding: ⌊(28 − 3) / 2⌋ + 1 = 13, one short.",
        2: "With padding 2: ⌊(28 + 4 − 3) / 2⌋ + 1 = 15, one too many. Padding counts on each side.",
        14: "14 is the output size; the question asks for the padding.",
    }
    return wrong(slips.get(value, "Try ⌊(28 + 2·p − 3) / 2⌋ + 1 for p = 0, 1, 2, …"))


def _conv_sizes(model: nn.Module, input_size: tuple[int, ...]) -> list[tuple[int, ...]]:
    """The output shape of every nn.Conv2d of ``model`` for a zero batch (forward hooks)."""
    shapes: list[tuple[int, ...]] = []
    hooks = [module.register_forward_hook(lambda _m, _i, out: shapes.append(tuple(out.shape)))
             for module in model.modules() if isinstance(module, nn.Conv2d)]
    try:
        with torch.no_grad():
            model(torch.zeros(input_size))
    finally:
        for hook in hooks:
            hook.remove()
    return shapes


def ex4_5(answer: Any) -> Feedback:
    """Design: exactly three nn.Conv2d and no pooling that take (N, 3, 64, 64) to N × C × 8 × 8."""
    if (missing := unanswered(answer)) is not None:
        return missing
    run = run_model(answer, (1, 3, 64, 64))
    if run.problem is not None:
        return wrong(sentence(run.problem))
    modules = list(answer.modules())
    pools = [type(module).__name__ for module in modules if "Pool" in type(module).__name__]
    if pools:
        return wrong(f"The design must do without pooling, but it has {pools[0]}: let the convolutions "
                     "shrink the image themselves.")
    if any("pool" in row.type.lower() for row in trace(answer, (2, 3, 64, 64)).rows):
        return wrong("The design must do without pooling, and forward() pools: let the convolutions shrink "
                     "the image themselves.")
    convolutions = [module for module in modules if isinstance(module, nn.Conv2d)]
    if len(convolutions) != 3:
        return wrong(f"The design has {len(convolutions)} convolutions; the task asks for exactly three.")
    shape = run.shape
    assert shape is not None
    sizes = [f"{s[-2]}×{s[-1]}" for s in _conv_sizes(answer, (1, 3, 64, 64))]
    if len(shape) != 4 or shape[2:] != (8, 8):
        return wrong(f"Your layers give 64×64 → {' → '.join(sizes)}, not 8×8 at the end. Which setting lets "
                     "one convolution shrink its input by a whole factor?")
    settings = "; ".join(f"kernel {conv.kernel_size[0]}, stride {conv.stride[0]}, padding "
                         f"{conv.padding[0] if isinstance(conv.padding, tuple) else conv.padding}"
                         for conv in convolutions)
    return right(f"64×64 → {' → '.join(sizes)} in three convolutions ({settings}).")
