"""Chapter 8's checkers: right answers pass, each typical slip gets its own hint, nothing raises."""

from __future__ import annotations

import pytest
import torch
from torch import nn

from cnnlab.exercises import ch08
from cnnlab.models import Backbone, LeNet5, LeNet5Classic, count_parameters


def test_right_answers_are_what_torch_computes() -> None:
    c5 = LeNet5Classic().net[6]
    assert isinstance(c5, nn.Conv2d)
    assert ch08.ex8_1(c5)
    assert ch08.ex8_1(nn.Sequential(nn.Conv2d(16, 120, kernel_size=5), nn.Tanh()))
    assert ch08.ex8_2(Backbone()(torch.zeros(1, 1, 32, 32)).flatten(1).shape[1])
    assert ch08.ex8_4(count_parameters(c5))


@pytest.mark.parametrize(("answer", "hint"), [
    (nn.Linear(400, 120), "modern LeNet-5's fc1"),
    (nn.Conv2d(16, 120, 3), "as large as the 5×5 map"),
    (nn.Conv2d(16, 120, 5, padding=2), "still 5×5"),
    (nn.Conv2d(16, 84, 5), "120 filters"),
    (nn.Conv2d(6, 120, 5), "expects 6 input channels"),
    (nn.Sequential(nn.AvgPool2d(5), nn.Flatten()), "build it with nn.Conv2d"),
    (nn.Conv2d, "pass an instance"),
    (nn.Sequential(nn.Conv2d(16, 120, 3), nn.MaxPool2d(3)), "one convolution whose 5×5 kernel"),
])
def test_ex8_1_hints(answer, hint) -> None:
    feedback = ch08.ex8_1(answer)
    assert not feedback and hint in feedback.message
    assert "Fix:" not in feedback.message


@pytest.mark.parametrize(("answer", "hint"), [
    (400, "28×28"), (1024, "no padding"), (2304, "before the second pooling"), (1536, "first pooling"),
    (216, "channels of conv2"), (36, "channels too"), (784, "loses 4 pixels"), (5, "Follow the image"),
])
def test_ex8_2_hints(answer, hint) -> None:
    feedback = ch08.ex8_2(answer)
    assert not feedback and hint in feedback.message


def test_ex8_3_accepts_both_fixes() -> None:
    classic = LeNet5()
    classic.backbone.conv1.padding = (0, 0)
    feedback = ch08.ex8_3(classic)
    assert feedback and "61,706" in feedback.message
    wider = LeNet5()
    wider.head.fc1 = nn.Linear(576, 120)
    assert ch08.ex8_3(wider)
    lazy = LeNet5()
    lazy.head.fc1 = nn.LazyLinear(120)
    assert ch08.ex8_3(lazy)


@pytest.mark.parametrize(("answer", "hint"), [
    (LeNet5(), "expects 400 input features"),
    (nn.Sequential(nn.Flatten(), nn.Linear(1024, 10)), "keep its two convolutions"),
    (nn.Sequential(nn.Flatten(), nn.Linear(1024, 5)), "(1, 5)"),
])
def test_ex8_3_hints(answer, hint) -> None:
    feedback = ch08.ex8_3(answer)
    assert not feedback and hint in feedback.message
    assert "Fix:" not in feedback.message


@pytest.mark.parametrize(("answer", "hint"), [
    (48_000, "bias is missing"), (2040, "5 × 5 window"), (3120, "all 16 input channels"),
    (48_016, "output channel"), (61_706, "whole network"), (7, "Weights:"),
])
def test_ex8_4_hints(answer, hint) -> None:
    feedback = ch08.ex8_4(answer)
    assert not feedback and hint in feedback.message
