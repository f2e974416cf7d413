"""Chapter 6's checkers: right answers pass, each typical slip gets its own hint, nothing raises."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from torch import nn

from cnnlab.exercises import ch06


def test_right_answers_are_what_torch_computes() -> None:
    assert ch06.ex6_1(nn.MaxPool2d(2)(torch.zeros(1, 1, 7, 7)).shape[-1])
    assert ch06.ex6_2(sum(p.numel() for p in nn.MaxPool2d(kernel_size=2).parameters()))
    grid = torch.tensor(ch06.EX3_INPUT, dtype=torch.float32).view(1, 1, 4, 4)
    pooled = nn.AvgPool2d(2)(grid)
    assert ch06.ex6_3(pooled)
    assert ch06.ex6_3(pooled[0, 0].tolist())
    assert ch06.ex6_3(np.array([[4, 5.25], [4, 3.25]]))
    assert ch06.ex6_4(nn.MaxPool2d(2)(torch.zeros(1, 16, 10, 10)).shape)
    assert ch06.ex6_4([1, 16, 5, 5])
    assert ch06.ex6_5(nn.MaxPool2d(2, ceil_mode=True)(torch.zeros(1, 1, 7, 7)).shape[-1])


@pytest.mark.parametrize(("answer", "hint"), [
    (4, "rounded up"), (6, "stride 1"), (7, "shrinks the map"), (2, "+ 1"), (14, "never grows"),
    (3.5, "whole numbers"), (5, "Fill n = 7"),
])
def test_ex6_1_hints(answer, hint) -> None:
    feedback = ch06.ex6_1(answer)
    assert not feedback and hint in feedback.message


@pytest.mark.parametrize(("answer", "hint"), [(4, "no weights"), (5, "no weights"), (1, "training change")])
def test_ex6_2_hints(answer, hint) -> None:
    feedback = ch06.ex6_2(answer)
    assert not feedback and hint in feedback.message


@pytest.mark.parametrize(("answer", "hint"), [
    ([[7, 9], [8, 6]], "max pooling"),
    ([[16, 21], [16, 13]], "sums"),
    ([[4, 4], [5.25, 3.25]], "swapped"),
    ([[4, 5], [4, 3]], "fractions"),
    ([[4, 5.25], [4, 3]], "cell (1, 1)"),
    ([[0, 5.25], [4, 0]], "cells (0, 0), (1, 1)"),
    ([[1, 2, 3]] * 3, "stride 1"),
    ([[1, 2, 3]], "not (1, 3)"),
    ([1, 2, 3, 4], "list of lists"),
    ([[1, 2], [3]], "list of lists"),
])
def test_ex6_3_hints(answer, hint) -> None:
    feedback = ch06.ex6_3(answer)
    assert not feedback and hint in feedback.message


@pytest.mark.parametrize(("answer", "hint"), [
    ((16, 5, 5), "batch dimension"), ((1, 8, 5, 5), "channels does not change"),
    ((2, 16, 5, 5), "batch size"), ((1, 16, 9, 9), "stride 1"), ((1, 16, 10, 10), "shrinks"),
    ((1, 16, 4, 4), "⌊(n − k) / s⌋ + 1"), ((1, 16, 5, 5, 1), "4-D"), (("a", 16, 5, 5), "whole numbers"),
])
def test_ex6_4_hints(answer, hint) -> None:
    feedback = ch06.ex6_4(answer)
    assert not feedback and hint in feedback.message


@pytest.mark.parametrize(("answer", "hint"), [(3, "floor"), (5, "rounded up")])
def test_ex6_5_hints(answer, hint) -> None:
    feedback = ch06.ex6_5(answer)
    assert not feedback and hint in feedback.message
