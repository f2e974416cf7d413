"""Chapter 3's checkers: right answers (computed with torch), each anticipated slip, ``...``, wrong types."""

import pytest
import torch
import torch.nn.functional as F
from torch import nn

from cnnlab.exercises import ch03 as check
from cnnlab.shapes import conv_output_size


def _is_hint(feedback, words: str) -> bool:
    return not feedback.correct and words in feedback.message


def test_ex3_1_padding_that_keeps_28():
    right = next(p for p in range(10)
                 if nn.Conv2d(1, 1, 5, padding=p)(torch.zeros(1, 1, 28, 28)).shape[-1] == 28)
    assert check.ex3_1(right) and check.ex3_1("same")
    assert _is_hint(check.ex3_1(4), "total")
    assert _is_hint(check.ex3_1(0), "24")
    assert _is_hint(check.ex3_1(1), "26")
    assert _is_hint(check.ex3_1(3), "30")
    assert _is_hint(check.ex3_1(5), "not the kernel size")
    assert _is_hint(check.ex3_1(2.5), "(k − 1) / 2")
    assert _is_hint(check.ex3_1(7), "Which p")


def test_ex3_2_padded_output_size():
    size = nn.Conv2d(1, 1, 7, padding=2)(torch.zeros(1, 1, 32, 32)).shape[-1]
    assert check.ex3_2(size) and check.ex3_2((size, size))
    assert _is_hint(check.ex3_2(29), "+ 1")
    assert _is_hint(check.ex3_2(28), "counted once")
    assert _is_hint(check.ex3_2(27), "Two slips")
    assert _is_hint(check.ex3_2(26), "missing")
    assert _is_hint(check.ex3_2(32), "not enough")
    assert _is_hint(check.ex3_2(25), "Count the window")
    assert _is_hint(check.ex3_2(31), "n + 2·p − k + 1")


def test_ex3_3_a_layer_that_keeps_32():
    assert check.ex3_3(nn.Conv2d(3, 16, kernel_size=3, padding=1))
    assert check.ex3_3(nn.Conv2d(3, 16, kernel_size=5, padding=2))
    assert check.ex3_3(nn.Conv2d(3, 16, kernel_size=4, padding="same"))
    assert "sees no neighbours" in check.ex3_3(nn.Conv2d(3, 16, kernel_size=1)).message
    assert "3 rows and 4 columns" not in check.ex3_3(nn.Conv2d(3, 16, (3, 5), padding=(1, 2))).message
    assert "2 rows and 4 columns" in check.ex3_3(nn.Conv2d(3, 16, (3, 5), padding=(1, 2))).message
    assert check.ex3_3(nn.LazyConv2d(16, 3, padding=1))                       # chapter 5's lazy layers
    assert _is_hint(check.ex3_3(nn.LazyConv2d(16, 3)), "30×30")
    assert _is_hint(check.ex3_3(nn.Conv2d), "That is the class")
    assert _is_hint(check.ex3_3(nn.Linear(3, 16)), "Linear")
    assert _is_hint(check.ex3_3(nn.Conv2d(16, 3, 3, padding=1)), "in_channels is 16")
    assert _is_hint(check.ex3_3(nn.Conv2d(3, 8, 3, padding=1)), "out_channels is 8")
    assert _is_hint(check.ex3_3(nn.Conv2d(3, 16, 3)), "30×30")
    assert _is_hint(check.ex3_3(nn.Conv2d(3, 16, 5, padding=4)), "EACH side")
    assert _is_hint(check.ex3_3(nn.Conv2d(3, 16, 3, padding=1, stride=2)), "stride of 2")
    assert _is_hint(check.ex3_3(nn.Conv2d(3, 16, 3, padding=1, dilation=2)), "dilation")
    assert _is_hint(check.ex3_3(nn.Conv2d(3, 16, 4, padding=1)), "even kernel")
    assert _is_hint(check.ex3_3(nn.Conv2d(3, 16, 64)), "fails")


def test_ex3_4_same_padding_with_an_even_kernel():
    x, weight = torch.randn(1, 1, 1, 10), torch.randn(1, 1, 1, 4)
    right = next(r for r in range(5)
                 if torch.allclose(F.conv2d(x, weight, padding="same"),
                                   F.conv2d(F.pad(x, (3 - r, r)), weight)))
    assert conv_output_size(10, 4, padding="same") == 10
    assert check.ex3_4(right)
    assert _is_hint(check.ex3_4(1), "left side")
    assert _is_hint(check.ex3_4(3), "total")
    assert _is_hint(check.ex3_4(4), "not k")
    assert _is_hint(check.ex3_4(1.5), "evenly")
    assert _is_hint(check.ex3_4(0), "shared")


@pytest.mark.parametrize("exercise", [check.ex3_1, check.ex3_2, check.ex3_3, check.ex3_4])
def test_unanswered_and_wrong_types(exercise):
    assert "Replace the ..." in exercise(...).message
    for bad in ("abc", object(), [1, "x"], None):
        feedback = exercise(bad)
        assert not feedback and feedback.message
