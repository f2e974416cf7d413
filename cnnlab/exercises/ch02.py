"""Chapter 2 exercises: the weight of a layer, its parameters, one output cell by hand, a shape.

>>> from cnnlab.exercises import ch02 as check
>>> print(check.ex2_1((16, 3, 5)))
❌ Not yet. The kernel is 5×5: two dimensions, kH and kW.
>>> print(check.ex2_2(1216))
✅ Right! 1216 = 16 filters · (3 · 5 · 5) weights + 16 biases.
"""

from __future__ import annotations

from typing import Any

import torch

from cnnlab.exercises import Feedback, as_shape, right, unanswered, wrong
from cnnlab.exercises.questions import QUESTIONS
from cnnlab.exercises.quick import checker

SEED_INPUT = [[3, 4, 6, 5, 7], [2, 4, 6, 8, 2], [1, 6, 7, 8, 4], [9, 7, 4, 6, 2], [3, 7, 5, 4, 1]]
"""Tutorial 000's 5×5 input; the kernel of the chapter holds 1 … 9."""
SEED_KERNEL = [[1, 2, 3], [4, 5, 6], [7, 8, 9]]


def ex2_1(answer: Any) -> Feedback:
    """Checks the weight shape of nn.Conv2d(3, 16, kernel_size=5)."""
    if (missing := unanswered(answer)) is not None:
        return missing
    shape = as_shape(answer)
    if shape is None:
        return wrong("Give the shape as a tuple of whole numbers, as layer.weight.shape prints it.")
    if shape == (16, 3, 5, 5):
        return right("16 filters, each with 3 slices (one per input channel) of 5×5 weights.")
    if shape == (3, 16, 5, 5):
        return wrong("in_channels and out_channels are swapped: the weight is (out_channels, in_channels, "
                     "kH, kW), one row per filter.")
    if shape == (16, 5, 5):
        return wrong("Each filter has one 5×5 slice per INPUT channel, so the weight has four dimensions.")
    if shape in ((16, 3, 5), (16, 3, 25)):
        return wrong("The kernel is 5×5: two dimensions, kH and kW.")
    if shape == (1, 16, 3, 5, 5):
        return wrong("No batch dimension in a weight: it is the same for every image.")
    return wrong("Four numbers: filters (out_channels), slices per filter (in_channels), kernel height, "
                 "kernel width.")


ex2_2 = checker(QUESTIONS["ex2_2"],
                "Checks the number of parameters of nn.Conv2d(3, 16, kernel_size=5), bias included.")


def _cell(kernel: torch.Tensor, row: int, column: int) -> int:
    window = torch.tensor(SEED_INPUT)[row:row + 3, column:column + 3]
    return int((window * kernel).sum())


ex2_3 = checker(
    QUESTIONS["ex2_3"],
    "Checks output cell (row 0, column 1) of tutorial 000's input ⋆ kernel 1…9, bias 10, no padding.")


def ex2_4(answer: Any) -> Feedback:
    """Checks the output shape of nn.Conv2d(3, 8, kernel_size=3) on a (1, 3, 64, 64) batch."""
    if (missing := unanswered(answer)) is not None:
        return missing
    shape = as_shape(answer)
    if shape is None:
        return wrong("Give the shape as a tuple of whole numbers, as output.shape prints it.")
    if shape == (1, 8, 62, 62):
        return right("one map per filter (8), each 64 − 3 + 1 = 62 pixels wide and high.")
    if len(shape) == 3:
        return wrong("Keep the batch dimension: the output is (N, C, H, W) like the input.")
    if len(shape) != 4:
        return wrong("Four numbers: (N, C, H, W).")
    n, channels, height, width = shape
    if n != 1:
        return wrong("One image goes in, one comes out: the batch size does not change.")
    if channels == 3:
        return wrong("Each filter sums over ALL input channels into one map: the output has one channel "
                     "per filter.")
    if channels == 24:
        return wrong("The input channels are not kept apart: each filter adds its 3 slices into ONE map.")
    if channels != 8:
        return wrong("How many filters does the layer have? One output channel per filter.")
    if (height, width) == (64, 64):
        return wrong("Without padding the 3×3 window must fit inside the image, so the size shrinks.")
    if (height, width) == (61, 61):
        return wrong("Almost: count the window's positions, n − k + 1: the first position counts too.")
    if (height, width) == (66, 66):
        return wrong("The size grew: without padding the 3×3 window must fit inside the image, so it "
                     "shrinks.")
    return wrong("The size: count the positions where the 3×3 window fits along each side (n − k + 1).")


ex2_5 = checker(QUESTIONS["ex2_5"], "Explain-why: why a convolution needs so few weights (a, b, c or d).")
