"""Chapter 5 exercises: output sizes layer by layer, the first Linear layer, a broken model.

The size checkers replay the formula of every layer and, when an answer is off, name the
layer and the slip that produces exactly that number (padding counted once, the forgotten
``+ 1``, rounding up, the stride left out, ...).

>>> from cnnlab.exercises import ch05 as check
>>> print(check.ex5_1(...))
❌ Not yet. Replace the ... with your answer, then run the cell again.
>>> print(check.ex5_2(64 * 11 * 11))
❌ Not yet. 64 · 11 · 11 is the size before the last MaxPool2d(2): the Linear layer gets the pooled tensor.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from torch import nn

from cnnlab.exercises import Feedback, as_int, as_number, as_shape, right, run_model, unanswered, wrong
from cnnlab.exercises.questions import QUESTIONS
from cnnlab.exercises.quick import checker

# ---------------------------------------------------------------- sizes, one layer at a time


@dataclass(frozen=True)
class SizeStep:
    """One layer of a stack, for one dimension: ``kind`` is ``"conv"`` or ``"pool"``."""

    kind: str
    kernel: int
    stride: int
    padding: int
    label: str

    def size(self, n: int) -> int:
        """The output size PyTorch gives for input size ``n`` (padding per side, rounded down)."""
        return (n + 2 * self.padding - self.kernel) // self.stride + 1

    def slips(self, n: int) -> list[tuple[float, str]]:
        """Wrong sizes a learner typically gets for input ``n``, each with the slip that explains it."""
        k, s, p = self.kernel, self.stride, self.padding
        exact = (n + 2 * p - k) / s
        slips: list[tuple[float, str]] = []
        if p > 0:
            zeros = f"{p} zero{'s' if p > 1 else ''}"
            slips.append(((n + p - k) // s + 1, f"the padding is counted on one side only: padding={p} "
                          f"adds {zeros} on EACH side, 2·{p} = {2 * p} in total"))
            slips.append(((n - k) // s + 1, f"the padding is missing: padding={p} adds {zeros} on each "
                          f"side before the window slides"))
        slips.append((math.floor(exact), "the formula ends with + 1: the window's first position "
                       "counts too, before it takes any step"))
        if exact != math.floor(exact):
            slips.append((math.ceil(exact) + 1, "that is rounded up; PyTorch rounds down (⌊ ⌋), "
                          "because a window that would hang over the edge is not used"))
        if s > 1:
            how = "its stride defaults to the kernel size" if self.kind == "pool" else f"stride={s}"
            slips.append(((n + 2 * p - k) + 1, f"the stride is missing: {how}, so the window jumps "
                          f"{s} pixels and you divide by {s}"))
        slips.append((n, "the size did not change, but a "
                      f"{k}×{k} window{' with padding ' + str(p) if p else ''} "
                      f"{'and stride ' + str(s) + ' ' if s > 1 else ''}does not keep it"))
        return slips


def stack_sizes(size: int, steps: list[SizeStep]) -> list[int]:
    """The size after each step of ``steps`` for a square input of side ``size``.

    >>> stack_sizes(28, [SizeStep("conv", 5, 1, 0, "conv1"), SizeStep("pool", 2, 2, 0, "pool1")])
    [24, 12]
    """
    sizes = []
    for step in steps:
        size = step.size(size)
        sizes.append(size)
    return sizes


def _whole(value: Any) -> int | float | None:
    """An int when ``value`` is a whole number, a float when it is a fraction, else None."""
    number = as_number(value)
    if number is None:
        return None
    return int(number) if number.is_integer() else number


def sentence(text: str) -> str:
    """``text`` with a capital first letter and a full stop: hints are built from fragments.

    >>> sentence("the stride is missing")
    'The stride is missing.'
    """
    text = text.strip()
    return text[:1].upper() + text[1:] + ("" if text.endswith((".", "!", "?")) else ".")


def _step_hint(step: SizeStep, n: int, given: float) -> str:
    """Why ``step`` applied to ``n`` does not give ``given``: every slip that produces it."""
    if given != int(given):
        return (f"{step.label} on {n} pixels: sizes are whole numbers; round the division down (⌊ ⌋) "
                "before adding 1")
    reasons = [reason for value, reason in step.slips(n) if value == given]
    if not reasons:
        return (f"{step.label} on {n} pixels does not give {given:g}. Fill n = {n}, k = {step.kernel}, "
                f"s = {step.stride}, p = {step.padding} into ⌊(n + 2·p − k) / s⌋ + 1 step by step")
    return f"{step.label} on {n} pixels: " + "; or ".join(reasons)


def check_stack(answer: Any, size: int, steps: list[SizeStep]) -> Feedback:
    """Check a list of sizes after each step (or only the final size) and point at the first wrong one.

    >>> steps = [SizeStep("conv", 3, 1, 0, "Conv2d(1, 4, kernel_size=3)")]
    >>> check_stack([26], 28, steps).correct
    True
    >>> print(check_stack([25], 28, steps).message[:60])
    Conv2d(1, 4, kernel_size=3) on 28 pixels: the formula ends w
    """
    correct = stack_sizes(size, steps)
    if isinstance(answer, str) and as_shape(answer) is not None:
        answer = list(as_shape(answer))  # type: ignore[arg-type]
    elif hasattr(answer, "tolist") and getattr(answer, "ndim", 0) == 1:
        answer = answer.tolist()
    if isinstance(answer, (list, tuple)) and len(answer) != 1:
        if len(answer) != len(steps):
            return wrong(f"Give {len(steps)} sizes, one after each layer; you gave {len(answer)}.")
        values = [_whole(value) for value in answer]
        if any(value is None for value in values):
            return wrong("Every size must be a number, e.g. [64, 32, 15, 7]: the sizes after each layer.")
        previous = size
        for step, value, expected in zip(steps, values, correct, strict=True):
            if value != expected:
                return wrong(sentence(_step_hint(step, previous, value)))  # type: ignore[arg-type]
            previous = expected
        return right(f"{' → '.join(str(n) for n in [size, *correct])}: every layer's size "
                     "follows ⌊(n + 2p − k) / s⌋ + 1.")
    value = _whole(answer)
    if value is None:
        return wrong(f"Answer with a number (the final size) or a list of {len(steps)} sizes, "
                     f"got {type(answer).__name__}.")
    if value == correct[-1]:
        return right(f"{' → '.join(str(n) for n in [size, *correct])}.")
    if len(steps) == 1:
        return wrong(sentence(_step_hint(steps[0], size, value)))
    # A wrong final size has many possible causes (e.g. 15 = a forgotten stride two layers up, or a pooling
    # that changed nothing); a hint about the last layer would guess, and give away the size before it.
    return wrong(f"The final size is not {value:g}. Write the size after each layer as a list "
                 f"[{', '.join('…' for _ in steps)}] and check again: the hint then names the first "
                 "layer that goes wrong.")


# ---------------------------------------------------------------- the exercises

EX1_STEPS = [
    SizeStep("conv", 5, 1, 2, "Conv2d(3, 16, kernel_size=5, padding=2)"),
    SizeStep("pool", 2, 2, 0, "MaxPool2d(2)"),
    SizeStep("conv", 3, 2, 0, "Conv2d(16, 32, kernel_size=3, stride=2)"),
    SizeStep("pool", 2, 2, 0, "MaxPool2d(2)"),
]


def ex5_1(answer: Any) -> Feedback:
    """Sizes of a 64×64 image after each layer of ``EX1_STEPS`` (a list of 4, or the final size)."""
    if (missing := unanswered(answer)) is not None:
        return missing
    return check_stack(answer, 64, EX1_STEPS)


ex5_2 = checker(
    QUESTIONS["ex5_2"],
    "``in_features`` of the first Linear layer after conv(1→32, 3) · pool 2 · conv(32→64, 3) · pool 2.")


EX3_HEIGHT = SizeStep("conv", 3, 1, 1, "the height (kernel 3, stride 1, padding 1)")
EX3_WIDTH = SizeStep("conv", 5, 3, 2, "the width (kernel 5, stride 3, padding 2)")


def ex5_3(answer: Any) -> Feedback:
    """(H, W) of a 32×48 input after ``Conv2d(3, 8, kernel_size=(3, 5), stride=(1, 3), padding=(1, 2))``."""
    if (missing := unanswered(answer)) is not None:
        return missing
    if isinstance(answer, str) and as_shape(answer) is not None:
        answer = as_shape(answer)
    elif hasattr(answer, "tolist") and getattr(answer, "ndim", 0) == 1:
        answer = answer.tolist()
    if not isinstance(answer, (tuple, list)) or len(answer) != 2:
        return wrong("Answer with a pair (height, width): each dimension has its own kernel size, "
                     "stride and padding.")
    height, width = (_whole(value) for value in answer)
    expected = (EX3_HEIGHT.size(32), EX3_WIDTH.size(48))
    if (height, width) == expected:
        return right(f"height ⌊(32 + 2·1 − 3) / 1⌋ + 1 = {expected[0]}, "
                     f"width ⌊(48 + 2·2 − 5) / 3⌋ + 1 = {expected[1]}.")
    if (width, height) == expected:
        return wrong("Height comes first: PyTorch writes sizes as (H, W), and kernel_size=(3, 5) "
                     "means 3 rows by 5 columns.")
    if height is None or width is None:
        return wrong("Both sizes must be numbers.")
    if height != expected[0]:
        return wrong(sentence(_step_hint(EX3_HEIGHT, 32, height)))
    return wrong(sentence(_step_hint(EX3_WIDTH, 48, width)))


def ex5_4(answer: Any) -> Feedback:
    """``output_padding`` that makes ``ConvTranspose2d(k=3, stride=2, padding=1)`` map 7×7 to 14×14."""
    if (missing := unanswered(answer)) is not None:
        return missing
    value = as_int(answer)
    if value is None:
        return wrong(f"output_padding is a whole number of rows, got {answer!r}.")
    if value == 1:
        return right("(7 − 1)·2 − 2·1 + (3 − 1) + 1 + 1 = 14: the extra row the stride-2 convolution "
                     "rounded away.")
    if value < 0:
        return wrong("output_padding cannot be negative: it adds rows at the bottom and right.")
    if value >= 2:
        return wrong("PyTorch refuses that: output_padding must be smaller than the stride (2).")
    return wrong("Fill your value into (n − 1)·s − 2·p + (k − 1) + output_padding + 1 with n = 7, s = 2, "
                 "p = 1, k = 3: does it give 14?")


def ex5_5(answer: Any) -> Feedback:
    """A fixed version of MnistNet with ``conv2`` widened to 50 channels: (N, 1, 28, 28) → (N, 10)."""
    if (missing := unanswered(answer)) is not None:
        return missing
    run = run_model(answer, (1, 1, 28, 28))
    if run.problem is not None:
        return wrong(sentence(run.problem))
    if run.shape != (1, 10):
        return wrong(f"A batch of one image should give (1, 10): one score per digit; the model gives "
                     f"{run.shape}.")
    widths = [module.out_channels for module in answer.modules() if isinstance(module, nn.Conv2d)]
    if 50 not in widths:
        return wrong("The model runs, but conv2 no longer has 50 channels: the task is to keep the wider "
                     "conv2 and fix the layer after it.")
    linears = [module for module in answer.modules() if isinstance(module, nn.Linear)]
    if not linears:
        return wrong("The model runs, but it has no Linear layer left to classify with.")
    features = linears[0].in_features
    if features == 50 * 4 * 4:
        return right(f"It runs on a batch in train and eval mode: 50 channels × 4 × 4 = {features} features "
                     "reach the classifier.")
    return right(f"It runs on a batch in train and eval mode, and {features} features reach the classifier "
                 f"({type(linears[0]).__name__}({features}, {linears[0].out_features})).")


ex5_6 = checker(QUESTIONS["ex5_6"],
                "Receptive field: input pixels one output pixel sees after conv, conv, pool, conv.")


ex5_7 = checker(QUESTIONS["ex5_7"], "Transfer: in_features of exercise 5.2's network for 3-channel 32×32 "
                                    "images.")
