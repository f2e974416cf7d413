"""Chapter 1 exercises: the shape of a batch, channels-last strides, normalised pixels, memory.

>>> from cnnlab.exercises import ch01 as check
>>> print(check.ex1_1(...))
❌ Not yet. Replace the ... with your answer, then run the cell again.
>>> print(check.ex1_1((3, 64, 32, 32)))
❌ Not yet. The batch dimension comes first in PyTorch: N, then C, H, W.
>>> bool(check.ex1_3(-0.4242))
True
"""

from __future__ import annotations

from typing import Any

from cnnlab.exercises import Feedback, as_number, as_shape, right, unanswered, wrong
from cnnlab.exercises.questions import QUESTIONS
from cnnlab.exercises.quick import checker

MNIST_MEAN, MNIST_STD = 0.1307, 0.3081


def ex1_1(answer: Any) -> Feedback:
    """Checks the shape of a batch of 64 RGB images of 32×32 pixels, as PyTorch orders it."""
    if (missing := unanswered(answer)) is not None:
        return missing
    shape = as_shape(answer)
    if shape is None:
        return wrong("Give the shape as a tuple of whole numbers, like torch.Size prints it: (…, …, …, …).")
    if shape == (64, 3, 32, 32):
        return right("(N, C, H, W): 64 images, 3 channels, 32 rows, 32 columns.")
    if shape == (64, 32, 32, 3):
        return wrong("That is the channels-last order (N, H, W, C) of TensorFlow and NumPy images; a PyTorch "
                     "tensor's shape is (N, C, H, W), whatever its memory format.")
    if shape == (3, 64, 32, 32):
        return wrong("The batch dimension comes first in PyTorch: N, then C, H, W.")
    if len(shape) == 3 and sorted(shape) == [3, 32, 32]:
        return wrong("That is the shape of ONE image; a batch adds a first dimension: how many images?")
    if len(shape) == 4 and shape[0] == 64 and 1 in shape[1:2] and shape[2:] == (32, 32):
        return wrong("One channel is a grayscale image; an RGB image has a channel for red, green and blue.")
    if len(shape) == 3 and 64 in shape:
        return wrong("Four dimensions: number of images, channels, height, width. One is missing.")
    return wrong("Check each number in the order (N, C, H, W): images in the batch, channels per pixel, "
                 "rows, columns.")


def ex1_2(answer: Any) -> Feedback:
    """Checks the strides of a (64, 3, 32, 32) tensor in channels-last memory format."""
    if (missing := unanswered(answer)) is not None:
        return missing
    strides = as_shape(answer)
    if strides is None:
        return wrong("Give the strides as a tuple of four whole numbers, as x.stride() prints them.")
    if strides == (3072, 1, 96, 3):
        return right("one step in C moves 1 value, in W 3 values (one pixel's channels), "
                     "in H 96 (a row of 32 pixels), in N 3072 (a whole image).")
    if strides == (3072, 1024, 32, 1):
        return wrong("Those are the strides of the default, contiguous channels-first layout. In "
                     "channels-last the channels of one pixel lie next to each other: what does a step in C "
                     "cost then?")
    if strides == (64, 3, 32, 32):
        return wrong("That is the shape. A stride is how many values memory skips for one step along a "
                     "dimension (x.stride()).")
    if strides == (3072, 96, 3, 1):
        return wrong("Right numbers, wrong order: x.stride() lists strides in the order of the shape's "
                     "dimensions, (N, C, H, W), even when memory is laid out as N, H, W, C.")
    if len(strides) == 4 and strides[1] == 1 and strides[2] == 3 and strides[3] == 96:
        return wrong("H and W are swapped: one step to the right skips one pixel (its channels), one step "
                     "down skips a whole row of pixels.")
    return wrong("Picture the memory in channels-last: R G B of pixel (0, 0), then R G B of pixel (0, 1), "
                 "… How many values lie between neighbours along C, W, H and N?")


def _pixel_feedback(answer: Any, pixel: int, expected: float) -> Feedback | None:
    value = as_number(answer)
    if value is None:
        return wrong("Give a number, e.g. a float with 3 or 4 decimals.")
    scaled = pixel / 255
    slips = [
        (expected, None),
        (scaled, "That is what ToTensor() gives. Normalize then subtracts the mean and divides by the std."),
        (scaled - MNIST_MEAN, "You subtracted the mean; now divide by the standard deviation too."),
        ((scaled - 0.1370) / MNIST_STD, "That uses 0.1370, tutorial 000's typo: MNIST's mean is 0.1307."),
        ((scaled - 0.5) / 0.5, "That is Normalize((0.5,), (0.5,)), which maps [0, 1] to [−1, 1]; the "
                               "exercise uses MNIST's mean and std."),
        ((pixel - MNIST_MEAN) / MNIST_STD, "ToTensor() divides by 255 first: the mean and std are on a "
                                           "0–1 scale."),
        (scaled / MNIST_STD - MNIST_MEAN, "Subtract the mean first, then divide: (x − mean) / std."),
        (-expected, "Check the sign: (x − mean) / std."),
    ]
    # "3 or 4 decimals": rounding to 3 decimals is off by at most 0.0005; a wrong third decimal is not.
    for candidate, hint in slips:
        if abs(value - candidate) <= 6e-4:
            return right(f"your {value:g} is ({pixel}/255 − {MNIST_MEAN}) / {MNIST_STD} = {expected:.5f}, "
                         "to the decimals you gave.") if hint is None else wrong(hint)
    if abs(value - expected) < 0.01:
        return wrong("Close, but not to 3 decimals: compute (x − mean) / std without rounding on the way.")
    return None


ex1_3 = checker(QUESTIONS["ex1_3"],
                "Checks the normalised value of a black MNIST pixel (0), with MNIST's mean and std.")


ex1_4 = checker(QUESTIONS["ex1_4"], "Checks the bytes taken by MNIST's 60,000 training images as float32.")


ex1_5 = checker(QUESTIONS["ex1_5"],
                "Explain-why: what x[0] of a (3, 32, 32) image tensor holds (a, b, c or d).")
