"""Chapter 6 exercises: pooling sizes, pooling's (missing) parameters, average pooling by hand.

>>> from cnnlab.exercises import ch06 as check
>>> print(check.ex6_2(0))
✅ Right! MaxPool2d computes a maximum; there is nothing to learn, so nothing to train.
>>> print(check.ex6_1(4))
❌ Not yet. That is rounded up; a 2×2 window that would hang over the edge is dropped (⌊ ⌋, ceil_mode=False).
"""

from __future__ import annotations

from typing import Any

import torch

from cnnlab.exercises import Feedback, as_int, as_shape, right, unanswered, wrong
from cnnlab.exercises.questions import QUESTIONS
from cnnlab.exercises.quick import checker

ex6_1 = checker(QUESTIONS["ex6_1"], "Output size of ``nn.MaxPool2d(2)`` on a 7×7 feature map.")


def ex6_2(answer: Any) -> Feedback:
    """The number of learnable parameters of ``nn.MaxPool2d(kernel_size=2)``."""
    if (missing := unanswered(answer)) is not None:
        return missing
    value = as_int(answer)
    if value is None:
        return wrong(f"Answer with a number of parameters, got {answer!r}.")
    if value == 0:
        return right("MaxPool2d computes a maximum; there is nothing to learn, so nothing to train.")
    if value in (4, 5):
        return wrong("A convolution would have 2×2 weights (+ a bias) here, but pooling has no weights: "
                     "the largest value of the window is picked, not learned.")
    return wrong("What does max pooling compute, and which of its numbers would training change?")


EX3_INPUT = [[1, 3, 2, 4],
             [5, 7, 6, 9],
             [0, 2, 4, 6],
             [8, 6, 2, 1]]


def _as_matrix(answer: Any) -> torch.Tensor | None:
    """``answer`` as a 2-D float tensor (nested lists, numpy arrays, tensors, any leading 1s), or None."""
    try:
        matrix = torch.as_tensor(answer, dtype=torch.float64)
    except (TypeError, ValueError, RuntimeError):
        return None
    while matrix.dim() > 2 and matrix.shape[0] == 1:
        matrix = matrix[0]
    return matrix if matrix.dim() == 2 else None


def ex6_3(answer: Any) -> Feedback:
    """``nn.AvgPool2d(2)`` of ``EX3_INPUT`` computed by hand, as a 2×2 list of lists."""
    if (missing := unanswered(answer)) is not None:
        return missing
    matrix = _as_matrix(answer)
    if matrix is None:
        return wrong("Answer with a 2×2 list of lists, e.g. [[a, b], [c, d]].")
    grid = torch.tensor(EX3_INPUT, dtype=torch.float64).view(1, 1, 4, 4)
    expected = torch.nn.functional.avg_pool2d(grid, 2)[0, 0]
    if matrix.shape == (3, 3):
        return wrong("A 3×3 result means stride 1; AvgPool2d(2) moves by its kernel size, 2, so four "
                     "windows do not overlap.")
    if matrix.shape != (2, 2):
        return wrong(f"A 4×4 input pooled with 2×2 windows and stride 2 gives a 2×2 output, not "
                     f"{tuple(matrix.shape)}.")
    if torch.allclose(matrix, expected):
        return right("[[4, 5.25], [4, 3.25]]: each value is the mean of its 2×2 window.")
    if torch.allclose(matrix, torch.nn.functional.max_pool2d(grid, 2)[0, 0]):
        return wrong("That is max pooling; average pooling takes the mean of each window.")
    if torch.allclose(matrix, expected * 4):
        return wrong("Those are the sums of the windows; divide each by the 4 numbers in the window.")
    if torch.allclose(matrix, expected.T):
        return wrong("Rows and columns are swapped: the first row of the output comes from the first two "
                     "rows of the input.")
    if torch.equal(matrix, expected.floor()):
        return wrong("Keep the fractions: an average need not be a whole number.")
    misses = [f"({row}, {column})" for row in range(2) for column in range(2)
              if not torch.isclose(matrix[row, column], expected[row, column])]
    return wrong(f"Check output cell{'s' if len(misses) > 1 else ''} {', '.join(misses)} (row, column, "
                 "counted from 0): add the four numbers of the window and divide by 4.")


def ex6_4(answer: Any) -> Feedback:
    """Shape of a (1, 16, 10, 10) tensor after ``nn.MaxPool2d(2)``, as a tuple of four numbers."""
    if (missing := unanswered(answer)) is not None:
        return missing
    shape = as_shape(answer)
    if shape is None:
        return wrong("Answer with a tuple of whole numbers, (N, C, H, W).")
    if shape == (1, 16, 5, 5):
        return right("Pooling halves height and width and leaves the batch and the 16 channels alone.")
    if len(shape) == 3:
        return wrong("Keep the batch dimension in front: PyTorch shapes are (N, C, H, W).")
    if len(shape) != 4:
        return wrong(f"A 4-D tensor stays 4-D: give (N, C, H, W), not {len(shape)} numbers.")
    if shape[1] != 16:
        return wrong("Pooling works on each channel separately: the number of channels does not change.")
    if shape[0] != 1:
        return wrong("The batch size does not change: one image in, one image out.")
    if shape[2:] == (9, 9):
        return wrong("That uses stride 1; MaxPool2d(2) moves by its kernel size, 2.")
    if shape[2:] == (10, 10):
        return wrong("Pooling shrinks height and width.")
    return wrong("Apply ⌊(n − k) / s⌋ + 1 to the height and to the width (k = s = 2).")


ex6_5 = checker(QUESTIONS["ex6_5"],
                "Output size of ``nn.MaxPool2d(2, ceil_mode=True)`` on a 7×7 feature map.")


ex6_6 = checker(QUESTIONS["ex6_6"], "Explain-why: why max pooling tolerates small shifts (a, b, c or d).")
