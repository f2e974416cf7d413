"""Chapter 2's checkers: right answers (computed with torch), each anticipated slip, ``...``, wrong types."""

import pytest
import torch
import torch.nn.functional as F
from torch import nn

from cnnlab.exercises import ch02 as check

SEED_INPUT = torch.tensor(check.SEED_INPUT, dtype=torch.float32).view(1, 1, 5, 5)
SEED_KERNEL = torch.tensor(check.SEED_KERNEL, dtype=torch.float32).view(1, 1, 3, 3)


def _is_hint(feedback, words: str) -> bool:
    return not feedback.correct and words in feedback.message


def test_ex2_1_weight_shape():
    assert check.ex2_1(nn.Conv2d(3, 16, kernel_size=5).weight.shape)
    assert _is_hint(check.ex2_1((3, 16, 5, 5)), "swapped")
    assert _is_hint(check.ex2_1((16, 5, 5)), "INPUT channel")
    assert _is_hint(check.ex2_1((16, 3, 25)), "5×5")
    assert _is_hint(check.ex2_1((1, 16, 3, 5, 5)), "batch")
    assert _is_hint(check.ex2_1((16, 3, 3, 3)), "Four numbers")


def test_ex2_2_parameters():
    layer = nn.Conv2d(3, 16, kernel_size=5)
    assert check.ex2_2(sum(p.numel() for p in layer.parameters()))
    assert _is_hint(check.ex2_2(1200), "bias")
    assert _is_hint(check.ex2_2(416), "EACH of the 3 input channels")
    assert _is_hint(check.ex2_2(1203), "OUTPUT channel")
    assert _is_hint(check.ex2_2(1248), "not per slice")
    assert _is_hint(check.ex2_2(256), "25 weights")
    assert _is_hint(check.ex2_2(1600), "not one per kernel weight")
    assert _is_hint(check.ex2_2(7), "Count the weight tensor")


def test_ex2_3_one_cell_by_hand():
    output = F.conv2d(SEED_INPUT, SEED_KERNEL, bias=torch.tensor([10.0]))
    assert check.ex2_3(output[0, 0, 0, 1].item())
    assert check.ex2_3(305.0) and check.ex2_3("305")
    true_convolution = F.conv2d(SEED_INPUT, SEED_KERNEL.flip(2, 3), bias=torch.tensor([10.0]))
    assert _is_hint(check.ex2_3(true_convolution[0, 0, 0, 1].item()), "flipped the kernel")
    assert _is_hint(check.ex2_3(true_convolution[0, 0, 0, 1].item() - 10), "bias is missing")
    assert _is_hint(check.ex2_3(output[0, 0, 0, 1].item() - 10), "add the bias")
    assert _is_hint(check.ex2_3(output[0, 0, 1, 0].item()), "swapped")
    assert _is_hint(check.ex2_3(output[0, 0, 0, 0].item()), "cell (0, 0)")
    assert _is_hint(check.ex2_3(output[0, 0, 1, 1].item()), "cell (1, 1)")
    assert _is_hint(check.ex2_3(300), "Lay the 3×3 kernel")


def test_ex2_4_output_shape():
    assert check.ex2_4(nn.Conv2d(3, 8, kernel_size=3)(torch.zeros(1, 3, 64, 64)).shape)
    assert _is_hint(check.ex2_4((8, 62, 62)), "batch dimension")
    assert _is_hint(check.ex2_4((1, 3, 62, 62)), "one channel per filter")
    assert _is_hint(check.ex2_4((1, 24, 62, 62)), "not kept apart")
    assert _is_hint(check.ex2_4((1, 8, 64, 64)), "Without padding")
    assert _is_hint(check.ex2_4((1, 8, 61, 61)), "first position")
    assert _is_hint(check.ex2_4((2, 8, 62, 62)), "batch size does not change")
    assert _is_hint(check.ex2_4((1, 16, 62, 62)), "How many filters")
    assert _is_hint(check.ex2_4((1, 8)), "Four numbers")


@pytest.mark.parametrize("exercise", [check.ex2_1, check.ex2_2, check.ex2_3, check.ex2_4])
def test_unanswered_and_wrong_types(exercise):
    assert "Replace the ..." in exercise(...).message
    for bad in ("abc", object(), [1, "x"], None, 2.5):
        feedback = exercise(bad)
        assert not feedback and feedback.message
