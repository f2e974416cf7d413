"""Chapter 3 exercises: padding that keeps the size, a padded output size, a layer, 'same' padding.

>>> from torch import nn
>>> from cnnlab.exercises import ch03 as check
>>> print(check.ex3_1(4))
❌ Not yet. 4 is the total: PyTorch's padding counts zeros on EACH side, so padding=p adds 2·p zeros across.
>>> check.ex3_3(nn.Conv2d(3, 16, kernel_size=3)).correct  # 32×32 → 30×30: not yet
False
"""

from __future__ import annotations

import warnings
from typing import Any

import torch
from torch import nn

from cnnlab.exercises import Feedback, as_number, as_padding, right, unanswered, wrong
from cnnlab.exercises.questions import QUESTIONS, ex3_5_question
from cnnlab.exercises.quick import checker, feedback


def ex3_1(answer: Any) -> Feedback:
    """Checks the padding that keeps a 28×28 input 28×28 under a 5×5 kernel (stride 1), per side."""
    if (missing := unanswered(answer)) is not None:
        return missing
    if isinstance(answer, str) and answer.strip().strip("'\"").lower() == "same":
        return right("'same' works: for a 5×5 kernel it pads 2 on each side. As a number: 2.")
    value = as_padding(answer, kernel_size=5)
    if value is None:
        if as_number(answer) is not None:
            return wrong("Padding is a whole number of zeros per side: (k − 1) / 2, not k / 2.")
        return wrong("Give a whole number: the zeros added on each side (or the string 'same').")
    if value == 2:
        return right(f"padding={answer!r}: 28 + 2·2 − 5 + 1 = 28, two zeros on each side replace the "
                     "k − 1 = 4 pixels lost.")
    slips = {
        4: "4 is the total: PyTorch's padding counts zeros on EACH side, so padding=p adds 2·p zeros across.",
        0: "Without padding the output is 28 − 5 + 1 = 24: the window needs room at the borders.",
        1: "With padding 1 the output is 28 + 2 − 5 + 1 = 26, still smaller than 28.",
        3: "With padding 3 the output is 28 + 6 − 5 + 1 = 30, larger than 28.",
        5: "The padding is not the kernel size: the window loses k − 1 pixels, to be split over two sides.",
    }
    return wrong(slips.get(value, "Output = n + 2·p − k + 1. Which p gives 28 when n = 28 and k = 5?"))


ex3_2 = checker(QUESTIONS["ex3_2"],
                "Checks the output size of a 7×7 kernel on 32×32 with padding=2 (stride 1).")


def _output_size(layer: nn.Module) -> tuple[int, ...] | str:
    """The output shape of ``layer`` for a (1, 3, 32, 32) batch of zeros, or the error's first line."""
    try:
        with torch.no_grad(), warnings.catch_warnings():
            warnings.simplefilter("ignore")  # e.g. torch's note on 'same' with an even kernel
            return tuple(layer(torch.zeros(1, 3, 32, 32)).shape)
    except Exception as error:  # any failure is a wrong answer, explained
        return str(error).splitlines()[0] if str(error) else type(error).__name__


def _padding_puts_back(kernel_size: tuple[int, int], padding: tuple[int, int]) -> str:
    """'a 3×3 kernel loses 2 pixels across; padding 1 on each side puts them back', for any kernel."""
    (kh, kw), (ph, pw) = kernel_size, padding
    if (kh, ph) == (kw, pw):
        return f"a {kh}×{kw} kernel loses {kh - 1} pixels across; padding {ph} on each side puts them back."
    return (f"a {kh}×{kw} kernel loses {kh - 1} rows and {kw - 1} columns; padding ({ph}, {pw}) adds "
            f"{ph} at the top and bottom and {pw} at the left and right: {2 * ph} rows and {2 * pw} columns.")


def ex3_3(answer: Any) -> Feedback:
    """Checks an nn.Conv2d that maps a (1, 3, 32, 32) batch to (1, 16, 32, 32)."""
    if (missing := unanswered(answer)) is not None:
        return missing
    if answer is nn.Conv2d:
        return wrong("That is the class; call it to build a layer: nn.Conv2d(in_channels, out_channels, …).")
    if not isinstance(answer, nn.Conv2d):
        return wrong(f"Build an nn.Conv2d layer (got {type(answer).__name__}).")
    if isinstance(answer, nn.LazyConv2d):  # its in_channels is 0 until it sees the batch
        _output_size(answer)
    if answer.in_channels != 3:
        return wrong(f"in_channels is {answer.in_channels}, but the input (1, 3, 32, 32) has 3 channels: "
                     f"in_channels must match the input.")
    if answer.out_channels != 16:
        return wrong(f"out_channels is {answer.out_channels}: the output needs 16 channels, one per filter.")
    result = _output_size(answer)
    if isinstance(result, str):
        return wrong(f"The layer fails on a (1, 3, 32, 32) batch: {result}")
    if result == (1, 16, 32, 32):
        if answer.kernel_size == (1, 1):
            return right("a 1×1 kernel keeps the size, but it sees no neighbours; try a 3×3 or 5×5 kernel "
                         "with the padding that keeps 32.")
        if answer.padding == "same":
            return right("padding='same' lets PyTorch add the k − 1 zeros the kernel needs.")
        return right(_padding_puts_back(answer.kernel_size, answer.padding))
    height, width = result[2], result[3]
    stride, kernel = answer.stride[0], answer.kernel_size[0]
    if stride > 1:
        return wrong(f"A stride of {stride} skips positions, so 32 becomes {height}: keep stride 1.")
    if answer.dilation != (1, 1):
        return wrong(f"With dilation {answer.dilation[0]} the kernel spans more pixels; drop the dilation.")
    if kernel % 2 == 0 and isinstance(answer.padding, tuple):
        return wrong(f"With an even kernel ({kernel}) no number of zeros per side keeps 32: k − 1 = "
                     f"{kernel - 1} is odd. Use an odd kernel size.")
    if height < 32:
        return wrong(f"Your layer maps 32×32 to {height}×{width}: a {kernel}×{kernel} kernel loses k − 1 = "
                     f"{kernel - 1} pixels across; add zeros on each side to make up for them.")
    return wrong(f"Your layer grows 32×32 to {height}×{width}: padding is added on EACH side, so it adds "
                 f"2·p pixels across; the kernel removes only k − 1 = {kernel - 1}.")


ex3_4 = checker(QUESTIONS["ex3_4"],
                "Checks how many zeros padding='same' adds on the RIGHT for a 4-wide kernel.")


def ex3_5(answer: Any, name: str = "") -> Feedback:
    """Design: the padding that keeps 28×28 under a dilated kernel; ``name`` picks your numbers.

    Print the question first: ``print(check.ex3_5_question("your name").prompt)``.
    """
    return feedback(ex3_5_question(name), answer)
