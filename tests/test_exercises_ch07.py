"""Chapter 7's checkers: right answers pass, each typical slip gets its own hint, nothing raises."""

from __future__ import annotations

import pytest
import torch
from torch import nn, optim

from cnnlab.exercises import ch07
from cnnlab.models import LeNet5, MnistNet, count_parameters


def block(*layers: nn.Module) -> nn.Sequential:
    return nn.Sequential(*layers)


def test_right_answers_are_what_torch_counts() -> None:
    assert ch07.ex7_1(count_parameters(nn.Conv2d(16, 32, kernel_size=3)))
    assert ch07.ex7_2(count_parameters(nn.BatchNorm2d(32)))


@pytest.mark.parametrize(("answer", "hint"), [
    (4608, "bias is missing"), (4624, "OUTPUT channel"), (4609, "its own bias"),
    (320, "all 16 input channels"), (160, "32 filters"), (544, "3 × 3 window"), (1, "Count one filter"),
])
def test_ex7_1_hints(answer, hint) -> None:
    feedback = ch07.ex7_1(answer)
    assert not feedback and hint in feedback.message


@pytest.mark.parametrize(("answer", "hint"), [
    (128, "buffers"), (32, "two numbers per channel"), (0, "scale and shift"), (96, "buffers"),
    (5, "optimiser change"),
])
def test_ex7_2_hints(answer, hint) -> None:
    feedback = ch07.ex7_2(answer)
    assert not feedback and hint in feedback.message


class FunctionalBlock(nn.Module):
    """The same block with F.relu and F.max_pool2d in forward: trace sees them too."""

    def __init__(self) -> None:
        super().__init__()
        self.conv = nn.Conv2d(16, 32, 3, padding=1)
        self.bn = nn.BatchNorm2d(32)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return torch.nn.functional.max_pool2d(torch.relu(self.bn(self.conv(x))), 2)


@pytest.mark.parametrize("answer", [
    block(nn.Conv2d(16, 32, 3, padding=1), nn.BatchNorm2d(32), nn.ReLU(), nn.MaxPool2d(2)),
    block(nn.Conv2d(16, 32, 3, padding="same"), nn.BatchNorm2d(32), nn.ReLU(), nn.MaxPool2d(2, 2)),
    FunctionalBlock(),
])
def test_ex7_3_accepts_blocks(answer) -> None:
    feedback = ch07.ex7_3(answer)
    assert feedback and "conv 14×14" in feedback.message and "pool 7×7" in feedback.message
    assert answer.training  # the check leaves the block in training mode


def test_ex7_3_says_what_this_block_does() -> None:
    strided = block(nn.Conv2d(16, 32, 3, stride=2, padding=1), nn.BatchNorm2d(32), nn.ReLU(),
                    nn.MaxPool2d(3, 1, 1))
    feedback = ch07.ex7_3(strided)
    assert feedback and "conv 7×7" in feedback.message and "keeps 14×14" not in feedback.message


@pytest.mark.parametrize(("answer", "hint"), [
    (block(nn.Conv2d(16, 32, 3), nn.BatchNorm2d(32), nn.ReLU(), nn.MaxPool2d(2)), "gives 6×6"),
    (block(nn.Conv2d(16, 32, 3, padding=1), nn.BatchNorm2d(16), nn.ReLU(), nn.MaxPool2d(2)),
     "normalizes 16 channels but received 32"),
    (block(nn.Conv2d(16, 32, 3, padding=1), nn.BatchNorm2d(32), nn.ReLU()), "stays 14×14"),
    (block(nn.Conv2d(16, 32, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2)), "no batch norm"),
    (block(nn.Conv2d(16, 32, 3, padding=1), nn.BatchNorm2d(32), nn.MaxPool2d(2)), "no ReLU"),
    (block(nn.Conv2d(16, 32, 3, padding=1), nn.ReLU(), nn.BatchNorm2d(32), nn.MaxPool2d(2)), "the order"),
    (block(nn.Conv2d(16, 16, 3, padding=1), nn.BatchNorm2d(16), nn.ReLU(), nn.MaxPool2d(2)), "16 channels"),
    (block(nn.Conv2d(8, 32, 3, padding=1), nn.BatchNorm2d(32), nn.ReLU(), nn.MaxPool2d(2)),
     "expects 8 input channels"),
    (block(nn.Conv2d(16, 32, 3, padding=1), nn.MaxPool2d(2), nn.Flatten()), "no Flatten"),
    (nn.Conv2d, "pass an instance"),
    (block(nn.Conv2d(16, 32, 5, padding=2), nn.BatchNorm2d(32), nn.ReLU(), nn.MaxPool2d(2)), "kernel is 5×5"),
])
def test_ex7_3_hints(answer, hint) -> None:
    feedback = ch07.ex7_3(answer)
    assert not feedback and hint in feedback.message
    assert "Fix:" not in feedback.message


@pytest.mark.parametrize("answer", [nn.MSELoss(), nn.L1Loss(), nn.SmoothL1Loss, nn.HuberLoss()])
def test_ex7_4_accepts_regression_losses(answer) -> None:
    assert ch07.ex7_4(answer)


@pytest.mark.parametrize(("answer", "hint"), [
    (nn.CrossEntropyLoss(), "classification"), (nn.NLLLoss, "classification"), (nn.BCELoss(), "yes/no"),
    (nn.KLDivLoss(), "not the usual"), (nn.ReLU(), "loss from torch.nn"),
])
def test_ex7_4_hints(answer, hint) -> None:
    feedback = ch07.ex7_4(answer)
    assert not feedback and hint in feedback.message


def test_ex7_5_right() -> None:
    model = MnistNet()
    assert ch07.ex7_5(optim.SGD(model.parameters(), lr=0.01, momentum=0.9, weight_decay=5e-4))


@pytest.mark.parametrize(("make", "hint"), [
    (lambda m: optim.SGD(m.parameters(), lr=0.01, momentum=0.9), "weight_decay"),
    (lambda m: optim.SGD(m.parameters(), lr=0.01, weight_decay=5e-4), "momentum is 0"),
    (lambda m: optim.SGD(m.parameters(), lr=0.01, momentum=0.9, weight_decay=0.1), "weight_decay is 0.1"),
    (lambda m: optim.Adam(m.parameters(), weight_decay=5e-4), "That is Adam"),
    (lambda m: optim.SGD(LeNet5().parameters(), lr=0.1, momentum=0.9, weight_decay=5e-4), "61,706"),
    (lambda m: optim.SGD, "That is the class"),
    (lambda m: optim.SGD(m.parameters(), lr=0.5, momentum=0.9, weight_decay=5e-4), "learning rate is 0.5"),
])
def test_ex7_5_hints(make, hint) -> None:
    feedback = ch07.ex7_5(make(MnistNet()))
    assert not feedback and hint in feedback.message
