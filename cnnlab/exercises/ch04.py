"""Chapter 4 exercises: output size with a stride, the stride that halves, counting windows, padding.

>>> from cnnlab.exercises import ch04 as check
>>> print(check.ex4_2(14))
❌ Not yet. 14 is the output size you want; the question asks for the stride that gives it.
>>> print(check.ex4_4(1))
✅ Right! padding=1: ⌊(28 + 2·1 − 3) / 2⌋ + 1 = 13 + 1 = 14.
"""

from __future__ import annotations

from typing import Any

from cnnlab.exercises import (
    Feedback,
    as_int,
    as_number,
    as_padding,
    as_shape,
    as_size,
    right,
    unanswered,
    wrong,
)


def ex4_1(answer: Any) -> Feedback:
    """Checks the output size of kernel 5, stride 2, padding 2 on a 32×32 input."""
    if (missing := unanswered(answer)) is not None:
        return missing
    size = as_size(answer)
    value = float(size) if size is not None else as_number(answer)
    if value is None:
        return wrong("Give the output height (= width) as a whole number.")
    if value == 16:
        return right("⌊(32 + 2·2 − 5) / 2⌋ + 1 = ⌊15.5⌋ + 1 = 16.")
    slips = {
        16.5: "Sizes are whole numbers: round the division down (⌊15.5⌋ = 15), then add 1.",
        17: "That is rounded up; PyTorch rounds down, because a window that would hang over the edge "
            "is not used.",
        15: "Check two things: the + 1 at the end (the first position counts), and the padding on BOTH "
            "sides (2·p).",
        14: "The padding is missing: 2 zeros are added on each side before the window slides.",
        32: "Divide by the stride: the window moves 2 pixels per step, so it has half as many positions.",
        28: "Divide by the stride before adding 1: ⌊(n + 2·p − k) / s⌋ + 1.",
    }
    return wrong(slips.get(value, "Fill n = 32, k = 5, p = 2, s = 2 into ⌊(n + 2·p − k) / s⌋ + 1."))


def ex4_2(answer: Any) -> Feedback:
    """Checks the stride that halves a 28-pixel input with a 2×2 kernel and no padding."""
    if (missing := unanswered(answer)) is not None:
        return missing
    value = as_int(answer)
    if value is None:
        if isinstance(answer, float):
            return wrong("A stride is a whole number of pixels, at least 1.")
        return wrong("Give a whole number.")
    if value == 2:
        return right("⌊(28 − 2) / 2⌋ + 1 = 14: the windows tile the image without overlap.")
    slips = {
        14: "14 is the output size you want; the question asks for the stride that gives it.",
        1: "Stride 1 gives 28 − 2 + 1 = 27: one position per pixel, minus the edge.",
        4: "Stride 4 gives ⌊26 / 4⌋ + 1 = 7, a quarter of 28.",
        0: "A stride of 0 would never move the window; the stride is at least 1.",
    }
    return wrong(slips.get(value, "Try ⌊(28 − 2) / s⌋ + 1 for a few values of s."))


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
        9: "A window starting at column 4 would cover columns 4, 5 and 6, but column 6 does not exist: "
           "it is never used (the floor in the formula).",
        3: "Along one dimension the window starts at 0 and 2 only: a window at 4 would hang over the edge.",
        16: "That is stride 1 (4 positions per dimension); with stride 2 the window skips every other one.",
        36: "One window per pixel would be stride 1 with padding; count the starting positions instead.",
    }
    return wrong(slips.get(value, "List the columns where a 3-wide window can start (0, 2, …) without "
                                  "hanging over the edge, then do the same for rows."))


def ex4_4(answer: Any) -> Feedback:
    """Checks the padding that makes a 3×3 convolution with stride 2 map 28 to 14, per side."""
    if (missing := unanswered(answer)) is not None:
        return missing
    if isinstance(answer, str) and answer.strip().lower() == "same":
        return wrong("PyTorch refuses padding='same' with a stride above 1 (the output could not keep the "
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
