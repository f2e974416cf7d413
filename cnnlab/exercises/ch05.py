"""Chapter 5 exercises: output sizes layer by layer, the first Linear layer, a broken model.

The size checkers replay the formula of every layer and, when an answer is off, name the
layer and the slip that produces exactly that number (padding counted once, the forgotten
``+ 1``, rounding up, the stride left out, ...).

>>> from cnnlab.exercises import ch05 as check
>>> print(check.ex5_1(...))
❌ Not yet. Replace the ... with your answer, then run the cell again.
>>> print(check.ex5_2(64 * 11 * 11))
❌ Not yet. 64 · 11 · 11 is the size before the last MaxPool2d(2): the Linear layer gets the pooled tensor.
>>> run_zero_batch(nn.Conv2d(1, 6, kernel_size=5), (1, 1, 28, 28)).shape
(1, 6, 24, 24)
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, NamedTuple

import torch
from torch import nn

from cnnlab.exercises import Feedback, as_int, right, unanswered, wrong
from cnnlab.tracing import trace

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
    whole = as_int(value)
    if whole is not None:
        return whole
    try:
        return float(value) if not isinstance(value, bool) else None
    except (TypeError, ValueError):
        return None


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
        p = f"2·{step.padding}" if step.padding else "2·0"
        return (f"{step.label} on {n} pixels does not give {given:g}. Fill in "
                f"⌊({n} + {p} − {step.kernel}) / {step.stride}⌋ + 1 step by step")
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
    if isinstance(answer, (list, tuple)):
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


# ---------------------------------------------------------------- running a model on zeros


class ZeroBatchRun(NamedTuple):
    """The result of :func:`run_zero_batch`: the output shape, or a problem in words."""

    shape: tuple[int, ...] | None
    problem: str | None


def run_zero_batch(answer: Any, input_size: tuple[int, ...]) -> ZeroBatchRun:
    """The dummy-input trick as a checker uses it: run ``torch.zeros(input_size)`` through ``answer``.

    The model runs in eval mode without gradients (its mode is restored afterwards). When
    it fails, ``problem`` holds ``cnnlab.trace``'s diagnosis (the layer and the sizes;
    the fix is left for the learner to find) instead of a stack trace; a wrong type is a
    problem too, never an exception.

    >>> run_zero_batch(nn.Linear(320, 10), (64, 1, 28, 28)).problem is not None
    True
    >>> run_zero_batch(nn.Flatten(), (2, 3, 4, 4))
    ZeroBatchRun(shape=(2, 48), problem=None)
    """
    if isinstance(answer, type) and issubclass(answer, nn.Module):
        return ZeroBatchRun(None, f"that is the class {answer.__name__}; pass an instance: "
                                  f"{answer.__name__}(...)")
    if not isinstance(answer, nn.Module):
        return ZeroBatchRun(None, f"expected a PyTorch layer or model (an nn.Module), got "
                                  f"{type(answer).__name__}")
    modes = {module: module.training for module in answer.modules()}
    first = next(iter(answer.parameters()), None)
    device = first.device if first is not None else torch.device("cpu")
    answer.eval()
    try:
        with torch.no_grad():
            output = answer(torch.zeros(input_size, device=device))
    except Exception as error:  # a learner's model may fail in any way: explain, never raise
        return ZeroBatchRun(None, _diagnose(answer, input_size, error))
    finally:
        for module, training in modes.items():
            module.training = training
    if not isinstance(output, torch.Tensor):
        return ZeroBatchRun(None, f"the model returned {type(output).__name__}, not a tensor")
    return ZeroBatchRun(tuple(output.shape), None)


def _diagnose(model: nn.Module, input_size: tuple[int, ...], error: Exception) -> str:
    """``trace``'s diagnosis of a failing model, or the first line of the error."""
    first_line = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
    try:
        diagnosis = trace(model, input_size, repair=False).diagnosis
    except Exception:  # the hint must never break the checker
        diagnosis = None
    # trace's diagnosis says what is wrong and where, never the fix: the learner finds that.
    text = diagnosis or f"{type(error).__name__}: {first_line}"
    return f"a zero batch of shape {tuple(input_size)} fails: {text}"


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


# 28 → conv 3×3 → 26 → pool → 13 → conv 3×3 → 11 → pool → 5; 64 channels.
EX2_SLIPS = {
    64 * 6 * 6: "that rounds 11 / 2 = 5.5 up to 6; pooling rounds down: the last row and column are dropped",
    64 * 11 * 11: "64 · 11 · 11 is the size before the last MaxPool2d(2): the Linear layer gets the "
                  "pooled tensor",
    64 * 7 * 7: "that assumes each convolution keeps the size, but kernel_size=3 with no padding removes "
                "a pixel on every side (28 → 26)",
    64 * 4 * 4: "a size is off by one: the formula ends with + 1 (26 → 13, not 25 → 12)",
    32 * 5 * 5: "32 is conv1's channel count; the flattened tensor has the channels of the LAST "
                "convolution",
    5 * 5: "the flattened vector holds every channel: multiply the height and width by the channels",
    64: "the flattened vector holds every pixel of every channel: channels × height × width",
    1 * 28 * 28: "that is the input image flattened; the Linear layer sees the output of the last pooling",
}


def ex5_2(answer: Any) -> Feedback:
    """``in_features`` of the first Linear layer after conv(1→32, 3) · pool 2 · conv(32→64, 3) · pool 2."""
    if (missing := unanswered(answer)) is not None:
        return missing
    value = as_int(answer)
    if value is None:
        return wrong(f"in_features is a whole number (channels × height × width), got {answer!r}.")
    if value == 1600:
        return right("64 channels × 5 × 5 = 1600: nn.Linear(1600, 10).")
    if value in EX2_SLIPS:
        return wrong(sentence(EX2_SLIPS[value]))
    return wrong("Follow the size layer by layer (28 → ? → ? → ? → ?), then multiply the last "
                 "height, width and channel count.")


EX3_HEIGHT = SizeStep("conv", 3, 1, 1, "the height (kernel 3, stride 1, padding 1)")
EX3_WIDTH = SizeStep("conv", 5, 3, 2, "the width (kernel 5, stride 3, padding 2)")


def ex5_3(answer: Any) -> Feedback:
    """(H, W) of a 32×48 input after ``Conv2d(3, 8, kernel_size=(3, 5), stride=(1, 3), padding=(1, 2))``."""
    if (missing := unanswered(answer)) is not None:
        return missing
    if isinstance(answer, torch.Size):
        answer = tuple(answer)
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
    size = (7 - 1) * 2 - 2 * 1 + (3 - 1) + value + 1
    if value == 1:
        return right("(7 − 1)·2 − 2·1 + (3 − 1) + 1 + 1 = 14: the extra row the stride-2 convolution "
                     "rounded away.")
    if value < 0:
        return wrong("output_padding cannot be negative: it adds rows at the bottom and right.")
    if value >= 2:
        return wrong(f"That would give {size}, and PyTorch refuses it anyway: output_padding must be "
                     "smaller than the stride (2).")
    return wrong("With output_padding=0 you get (7 − 1)·2 − 2·1 + (3 − 1) + 0 + 1 = 13: one row short.")


def ex5_5(answer: Any) -> Feedback:
    """A fixed version of MnistNet with ``conv2`` widened to 50 channels: (1, 1, 28, 28) → (1, 10)."""
    if (missing := unanswered(answer)) is not None:
        return missing
    run = run_zero_batch(answer, (1, 1, 28, 28))
    if run.problem is not None:
        return wrong(sentence(run.problem))
    if run.shape != (1, 10):
        return wrong(f"A batch of one image should give (1, 10): one score per digit; the model gives "
                     f"{run.shape}.")
    widths = [module.out_channels for module in answer.modules() if isinstance(module, nn.Conv2d)]
    if 50 not in widths:
        return wrong("The model runs, but conv2 no longer has 50 channels: the task is to keep the wider "
                     "conv2 and fix the layer after it.")
    return right("It runs: 50 channels × 4 × 4 = 800 features reach the classifier.")
