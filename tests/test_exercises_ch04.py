"""Chapter 4's checkers: right answers (computed with torch), each anticipated slip, ``...``, wrong types."""

import pytest
import torch
from torch import nn

from cnnlab.exercises import ch04 as check


def _is_hint(feedback, words: str) -> bool:
    return not feedback.correct and words in feedback.message


def test_ex4_1_strided_output_size():
    size = nn.Conv2d(1, 1, 5, stride=2, padding=2)(torch.zeros(1, 1, 32, 32)).shape[-1]
    assert check.ex4_1(size) and check.ex4_1((size, size)) and check.ex4_1(16.0)
    assert _is_hint(check.ex4_1(16.5), "round the division down")
    assert _is_hint(check.ex4_1(17), "rounded up")
    assert _is_hint(check.ex4_1(15), "+ 1")
    assert _is_hint(check.ex4_1(14), "padding is missing")
    assert _is_hint(check.ex4_1(32), "Divide by the stride")
    assert _is_hint(check.ex4_1(28), "before adding 1")
    assert _is_hint(check.ex4_1(9), "⌊(n + 2·p − k) / s⌋ + 1")


def test_ex4_2_the_stride_that_halves():
    right = next(s for s in range(1, 10)
                 if nn.Conv2d(1, 1, 2, stride=s)(torch.zeros(1, 1, 28, 28)).shape[-1] == 14)
    assert check.ex4_2(right)
    assert _is_hint(check.ex4_2(14), "output size")
    assert _is_hint(check.ex4_2(1), "27")
    assert _is_hint(check.ex4_2(4), "7")
    assert _is_hint(check.ex4_2(0), "never move")
    assert _is_hint(check.ex4_2(0.5), "whole number")
    assert _is_hint(check.ex4_2(3), "a few values")


def test_ex4_3_windows_visited():
    windows = nn.Unfold(kernel_size=3, stride=2)(torch.zeros(1, 1, 6, 6)).shape[-1]
    assert check.ex4_3(windows) and check.ex4_3((2, 2))
    assert _is_hint(check.ex4_3(2), "one dimension")
    assert _is_hint(check.ex4_3(9), "never used")
    assert _is_hint(check.ex4_3(3), "hang over the edge")
    assert _is_hint(check.ex4_3(16), "stride 1")
    assert _is_hint(check.ex4_3(36), "starting positions")
    assert _is_hint(check.ex4_3(5), "List the columns")


def test_ex4_4_padding_for_a_strided_conv():
    right = next(p for p in range(5)
                 if nn.Conv2d(1, 1, 3, stride=2, padding=p)(torch.zeros(1, 1, 28, 28)).shape[-1] == 14)
    assert check.ex4_4(right)
    with pytest.raises(ValueError, match="stride"):  # the 'same' slip is really refused by PyTorch
        nn.Conv2d(1, 1, 3, stride=2, padding="same")
    assert _is_hint(check.ex4_4("same"), "refuses")
    assert _is_hint(check.ex4_4(0), "13")
    assert _is_hint(check.ex4_4(2), "15")
    assert _is_hint(check.ex4_4(14), "output size")
    assert _is_hint(check.ex4_4(3), "p = 0, 1, 2")


@pytest.mark.parametrize("exercise", [check.ex4_1, check.ex4_2, check.ex4_3, check.ex4_4])
def test_unanswered_and_wrong_types(exercise):
    assert "Replace the ..." in exercise(...).message
    for bad in ("abc", object(), [1, "x"], None):
        feedback = exercise(bad)
        assert not feedback and feedback.message
