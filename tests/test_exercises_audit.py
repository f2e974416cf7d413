"""The teacher's audit: right answers in every form a learner writes them, and typical wrong ones.

Each checker must accept every right answer (0 rejected) and refuse every wrong one
(0 accepted); and no hint to a wrong answer may contain the right value, as a number or as
an arithmetic expression that evaluates to it (numbers the question gives are fine).
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterator
from typing import Any

import numpy as np
import pytest
import torch
from torch import nn, optim

from cnnlab.exercises import ch01, ch02, ch03, ch04, ch05, ch06, ch07, ch08, ch09, ch10
from cnnlab.exercises.questions import QUESTIONS, ex3_5_question, ex7_6_question
from cnnlab.models import LeNet5, MnistNet


def number_forms(value: float) -> list[Any]:
    """A number as learners write it: int or float, text, tensors, numpy scalars, one-element lists."""
    forms: list[Any] = [
        value,
        float(value),
        str(value),
        f" {value} ",
        torch.tensor(value),
        torch.tensor([value]),
        np.float64(value),
        [value],
    ]
    if float(value).is_integer():
        whole = int(value)
        forms += [
            whole,
            np.int64(whole),
            torch.tensor(whole),
            f"{whole:,}" if abs(whole) >= 1000 else str(whole),
            f"{whole:_}",
        ]
    return forms


def shape_forms(shape: tuple[int, ...]) -> list[Any]:
    """A shape as learners write it: tuple, list, torch.Size, tensor, text."""
    return [
        shape,
        list(shape),
        torch.Size(shape),
        torch.tensor(shape),
        np.array(shape),
        str(shape),
        f"torch.Size({list(shape)})",
        "×".join(map(str, shape)),
        tuple(float(n) for n in shape),
    ]


def size_forms(size: int) -> list[Any]:
    return [
        *number_forms(size),
        (size, size),
        [size, size],
        torch.Size([size, size]),
        f"({size}, {size})",
        f"{size}x{size}",
    ]


Case = tuple[Callable[..., Any], Any, bool]


def cases() -> Iterator[Case]:
    # ---- chapter 1
    for form in shape_forms((64, 3, 32, 32)):
        yield ch01.ex1_1, form, True
    for answer in [(64, 32, 32, 3), (3, 64, 32, 32), (3, 32, 32), (64, 1, 32, 32), "64, 3, 32"]:
        yield ch01.ex1_1, answer, False
    yield ch01.ex1_2, torch.zeros(64, 3, 32, 32).to(memory_format=torch.channels_last).stride(), True
    yield ch01.ex1_2, "(3072, 1, 96, 3)", True
    for answer in [(3072, 1024, 32, 1), (64, 3, 32, 32), (3072, 96, 3, 1), (3072, 1, 3, 96)]:
        yield ch01.ex1_2, answer, False
    for answer in [
        -0.4242,
        -0.42422,
        "-0.424",
        torch.tensor(-0.4242),
        np.float32(-0.42422),
        [-0.4242],
        (0 / 255 - 0.1307) / 0.3081,
        "−0.4242",
    ]:
        yield ch01.ex1_3, answer, True
    for answer in [0, -0.1307, -0.423, -0.425, 0.4242, -1.0, -0.4446, -0.42]:
        yield ch01.ex1_3, answer, False
    for form in number_forms(188_160_000):
        yield ch01.ex1_4, form, True
    yield ch01.ex1_4, 60_000 * 1 * 28 * 28 * 4.0, True
    for answer in [47_040_000, 376_320_000, 564_480_000, 94_080_000, 3136, 188_160_001]:
        yield ch01.ex1_4, answer, False
    yield from choice_cases(ch01.ex1_5, "ex1_5")
    # ---- chapter 2
    for form in shape_forms((16, 3, 5, 5)):
        yield ch02.ex2_1, form, True
    yield ch02.ex2_1, nn.Conv2d(3, 16, kernel_size=5).weight.shape, True
    for answer in [(3, 16, 5, 5), (16, 5, 5), (16, 3, 5), (1, 16, 3, 5, 5), (16, 3, 25)]:
        yield ch02.ex2_1, answer, False
    for form in number_forms(1216):
        yield ch02.ex2_2, form, True
    yield ch02.ex2_2, sum(p.numel() for p in nn.Conv2d(3, 16, 5).parameters()), True
    for answer in [1200, 416, 1203, 1248, 256, 1600, 1217, "1216.5"]:
        yield ch02.ex2_2, answer, False
    for form in number_forms(305):
        yield ch02.ex2_3, form, True
    for answer in [295, 255, 245, 269, 221, 292, 306]:
        yield ch02.ex2_3, answer, False
    for form in shape_forms((1, 8, 62, 62)):
        yield ch02.ex2_4, form, True
    for answer in [
        (1, 8, 64, 64),
        (1, 8, 61, 61),
        (8, 62, 62),
        (1, 3, 62, 62),
        (1, 24, 62, 62),
        (1, 8, 66, 66),
    ]:
        yield ch02.ex2_4, answer, False
    yield from choice_cases(ch02.ex2_5, "ex2_5")
    # ---- chapter 3
    for answer in [*number_forms(2), (2, 2), [2, 2], "same", "'same'", "Same"]:
        yield ch03.ex3_1, answer, True
    for answer in [4, 0, 1, 3, 5, 2.5, (2, 3), "valid"]:
        yield ch03.ex3_1, answer, False
    for form in size_forms(30):
        yield ch03.ex3_2, form, True
    for answer in [29, 28, 27, 26, 32, 25, (30, 29), 30.5]:
        yield ch03.ex3_2, answer, False
    for layer in [
        nn.Conv2d(3, 16, 3, padding=1),
        nn.Conv2d(3, 16, 5, padding=2),
        nn.Conv2d(3, 16, 3, padding="same"),
        nn.Conv2d(3, 16, (3, 5), padding=(1, 2)),
        nn.Conv2d(3, 16, 7, padding=3),
        nn.LazyConv2d(16, 3, padding=1),
    ]:
        yield ch03.ex3_3, layer, True
    for layer in [
        nn.Conv2d(3, 16, 3),
        nn.Conv2d(1, 16, 3, padding=1),
        nn.Conv2d(3, 8, 3, padding=1),
        nn.Conv2d(3, 16, 3, padding=2),
        nn.Conv2d(3, 16, 3, stride=2, padding=1),
        nn.Conv2d,
    ]:
        yield ch03.ex3_3, layer, False
    for form in number_forms(2):
        yield ch03.ex3_4, form, True
    for answer in [1, 3, 4, 1.5, 0]:
        yield ch03.ex3_4, answer, False
    for name in ["", "Ada", "Grace", "Alan", "Emmy"]:
        right = ex3_5_question(name).answer
        for form in number_forms(right):
            yield (lambda answer, name=name: ch03.ex3_5(answer, name=name)), form, True
        for slip in ex3_5_question(name).slips:
            yield (lambda answer, name=name: ch03.ex3_5(answer, name=name)), slip.value, False
    # ---- chapter 4
    for form in size_forms(16):
        yield ch04.ex4_1, form, True
    for answer in [16.5, 17, 15, 14, 32, 28, (16, 17)]:
        yield ch04.ex4_1, answer, False
    for form in [*number_forms(2), (2, 2)]:
        yield ch04.ex4_2, form, True
    for answer in [14, 1, 4, 0, 2.5]:
        yield ch04.ex4_2, answer, False
    for form in [*number_forms(4), (2, 2), "2x2"]:
        yield ch04.ex4_3, form, True
    for answer in [2, 9, 3, 16, 36]:
        yield ch04.ex4_3, answer, False
    for form in [*number_forms(1), (1, 1)]:
        yield ch04.ex4_4, form, True
    for answer in [0, 2, 14, "same", 0.5]:
        yield ch04.ex4_4, answer, False
    for model in [
        nn.Sequential(*(nn.Conv2d(c, 8, 3, stride=2, padding=1) for c in (3, 8, 8))),
        nn.Sequential(
            nn.Conv2d(3, 16, 4, stride=2, padding=1),
            nn.ReLU(),
            nn.Conv2d(16, 32, 4, 2, 1),
            nn.ReLU(),
            nn.Conv2d(32, 64, 4, 2, 1),
        ),
        nn.Sequential(nn.Conv2d(3, 8, 2, stride=2), nn.Conv2d(8, 8, 2, stride=2), nn.Conv2d(8, 8, 2, 2)),
        nn.Sequential(nn.Conv2d(3, 8, 8, stride=8), nn.Conv2d(8, 8, 3, padding=1), nn.Conv2d(8, 4, 1)),
    ]:
        yield ch04.ex4_5, model, True
    for model in [
        nn.Sequential(
            nn.Conv2d(3, 8, 3, padding=1), nn.MaxPool2d(2), nn.Conv2d(8, 8, 3, 2, 1), nn.Conv2d(8, 8, 3, 2, 1)
        ),
        nn.Sequential(*(nn.Conv2d(c, 8, 3, stride=2) for c in (3, 8, 8))),
        nn.Sequential(nn.Conv2d(3, 8, 3, 2, 1), nn.Conv2d(8, 8, 3, 2, 1)),
        nn.Sequential(*(nn.Conv2d(c, 8, 3, stride=2, padding=1) for c in (3, 8, 8, 8))),
        nn.Sequential(*(nn.Conv2d(c, 8, 3, padding=1) for c in (3, 8, 8))),
    ]:
        yield ch04.ex4_5, model, False
    # ---- chapter 5
    for answer in [
        [64, 32, 15, 7],
        (64, 32, 15, 7),
        7,
        "7",
        torch.tensor(7),
        [64.0, 32, "15", 7],
        "[64, 32, 15, 7]",
        np.array([64, 32, 15, 7]),
    ]:
        yield ch05.ex5_1, answer, True
    for answer in [[62, 31, 15, 7], [64, 32, 16, 8], 8, 15, [64, 32, 15]]:
        yield ch05.ex5_1, answer, False
    for form in number_forms(1600):
        yield ch05.ex5_2, form, True
    for answer in [2304, 7744, 3136, 1024, 800, 25, 64, 784, 1601]:
        yield ch05.ex5_2, answer, False
    for answer in [(32, 16), [32, 16], torch.Size([32, 16]), "(32, 16)", torch.tensor([32, 16])]:
        yield ch05.ex5_3, answer, True
    for answer in [(16, 32), (31, 16), (32, 17), (32, 15), (32, 48)]:
        yield ch05.ex5_3, answer, False
    for form in number_forms(1):
        yield ch05.ex5_4, form, True
    for answer in [0, 2, -1, 3]:
        yield ch05.ex5_4, answer, False
    yield from model_cases_ch05()
    for form in number_forms(10):
        yield ch05.ex5_6, form, True
    for answer in [8, 7, 9, 54, 3, 5, 6, 11]:
        yield ch05.ex5_6, answer, False
    for form in number_forms(2304):
        yield ch05.ex5_7, form, True
    for answer in [1600, 6912, 3136, 10816, 2305]:
        yield ch05.ex5_7, answer, False
    # ---- chapter 6
    for form in size_forms(3):
        yield ch06.ex6_1, form, True
    for answer in [4, 6, 7, 2, 14, 3.5]:
        yield ch06.ex6_1, answer, False
    for form in [*number_forms(0), sum(p.numel() for p in nn.MaxPool2d(2).parameters())]:
        yield ch06.ex6_2, form, True
    for answer in [4, 5, 1]:
        yield ch06.ex6_2, answer, False
    grid = torch.tensor(ch06.EX3_INPUT, dtype=torch.float32).view(1, 1, 4, 4)
    for answer in [
        [[4, 5.25], [4, 3.25]],
        nn.AvgPool2d(2)(grid),
        nn.AvgPool2d(2)(grid)[0, 0].numpy(),
        [[16 / 4, 21 / 4], [16 / 4, 13 / 4]],
    ]:
        yield ch06.ex6_3, answer, True
    for answer in [[[7, 9], [8, 6]], [[16, 21], [16, 13]], [[4, 4], [5.25, 3.25]], [[4, 5], [4, 3]]]:
        yield ch06.ex6_3, answer, False
    for form in shape_forms((1, 16, 5, 5)):
        yield ch06.ex6_4, form, True
    for answer in [(16, 5, 5), (1, 16, 9, 9), (1, 16, 10, 10), (1, 8, 5, 5)]:
        yield ch06.ex6_4, answer, False
    for form in size_forms(4):
        yield ch06.ex6_5, form, True
    for answer in [3, 5, 3.5]:
        yield ch06.ex6_5, answer, False
    yield from choice_cases(ch06.ex6_6, "ex6_6")
    # ---- chapter 7
    for form in number_forms(4640):
        yield ch07.ex7_1, form, True
    for answer in [4608, 4624, 4609, 320, 160, 544]:
        yield ch07.ex7_1, answer, False
    for form in [*number_forms(64), sum(p.numel() for p in nn.BatchNorm2d(32).parameters())]:
        yield ch07.ex7_2, form, True
    for answer in [128, 32, 0, 96]:
        yield ch07.ex7_2, answer, False
    yield from model_cases_ch07()
    for loss in [
        nn.MSELoss(),
        nn.MSELoss,
        nn.L1Loss(),
        nn.HuberLoss(),
        nn.SmoothL1Loss(),
        "MSE",
        "nn.MSELoss()",
        "mean squared error",
        "mean squared error loss",
        "L1",
    ]:
        yield ch07.ex7_4, loss, True
    for loss in [nn.CrossEntropyLoss(), nn.NLLLoss(), nn.BCELoss(), "cross entropy", "KLDiv"]:
        yield ch07.ex7_4, loss, False
    model = MnistNet()
    yield ch07.ex7_5, optim.SGD(model.parameters(), lr=0.01, momentum=0.9, weight_decay=5e-4), True
    for optimizer in [
        optim.SGD(model.parameters(), lr=0.01, momentum=0.9),
        optim.SGD(model.parameters(), lr=0.1, momentum=0.9, weight_decay=5e-4),
        optim.Adam(model.parameters(), lr=0.01, weight_decay=5e-4),
    ]:
        yield ch07.ex7_5, optimizer, False
    for name in ["", "Ada", "Grace", "Alan"]:
        question = ex7_6_question(name)

        def check(answer: Any, name: str = name) -> Any:
            return ch07.ex7_6(answer, name=name)

        for form in number_forms(question.answer):
            yield check, form, True
        for slip in question.slips:
            yield check, slip.value, False
    # ---- chapter 8
    for layer in [nn.Conv2d(16, 120, kernel_size=5), nn.Conv2d(16, 120, (5, 5)), nn.LazyConv2d(120, 5)]:
        yield ch08.ex8_1, layer, True
    for layer in [
        nn.Linear(400, 120),
        nn.Conv2d(16, 120, 5, padding=2),
        nn.Conv2d(16, 120, 3),
        nn.Sequential(nn.Conv2d(16, 120, 3), nn.AdaptiveMaxPool2d(1)),
        nn.Conv2d(16, 60, 5),
    ]:
        yield ch08.ex8_1, layer, False
    for form in number_forms(576):
        yield ch08.ex8_2, form, True
    for answer in [400, 1024, 2304, 1536, 216, 36, 784]:
        yield ch08.ex8_2, answer, False
    yield from model_cases_ch08()
    for form in number_forms(48_120):
        yield ch08.ex8_4, form, True
    for answer in [48_000, 2040, 3120, 48_016, 61_706]:
        yield ch08.ex8_4, answer, False
    yield from choice_cases(ch08.ex8_5, "ex8_5")
    # ---- chapter 9 (ex9_5 belongs to the validation-data rewrite)
    for answer in ["mps", "MPS", torch.device("mps"), "mps:0"]:
        yield ch09.ex9_1, answer, True
    for answer in ["cuda", "gpu", "metal", "cpu", "cuda:0"]:
        yield ch09.ex9_1, answer, False
    for form in number_forms(938):
        yield ch09.ex9_2, form, True
    yield ch09.ex9_2, math.ceil(60_000 / 64), True
    for answer in [937, 60_000, 64, 235, 63, 157, 937.5]:
        yield ch09.ex9_2, answer, False
    yield from step_cases()
    counts = torch.tensor(ch09.EX4_CONFUSION)
    for answer in [
        87.5,
        "87.5",
        "87.5%",
        100 * counts.diagonal().sum() / counts.sum(),
        np.float32(87.5),
        [87.5],
        0.875,
    ]:
        yield ch09.ex9_4, answer, True
    for answer in [175, 87, 88.0, 86.9, 90.9]:
        yield ch09.ex9_4, answer, False
    for answer in [1e-5, "1e-5", 0.00001, [1e-05], torch.tensor(1e-5), np.float64(1e-5), 1e-3 * 0.1**2]:
        yield ch09.ex9_6, answer, True
    for answer in [1e-4, 1e-6, 1e-3, 0.0001, -1e-5]:
        yield ch09.ex9_6, answer, False
    for id in ["ex9_7", "ex9_8", "ex9_9", "ex9_10", "ex9_11"]:
        yield from choice_cases(getattr(ch09, id), id)
    # ---- chapter 10
    for form in shape_forms((16, 6, 5, 5)):
        yield ch10.ex10_1, form, True
    yield ch10.ex10_1, LeNet5().backbone.conv2.weight.shape, True
    for answer in [(6, 16, 5, 5), (16, 5, 5), (16, 1, 5, 5), (6, 1, 5, 5), (120, 16, 5, 5)]:
        yield ch10.ex10_1, answer, False
    for answer in [("Shirt", "T-shirt/top"), ["t-shirt", "shirt"], ("T-shirt/top", "Shirt"), (6, 0)]:
        yield ch10.ex10_2, answer, True
    for answer in [("Shirt", "Coat"), ("Pullover", "Coat"), ("Shirt", "Shirt"), ("Sneaker", "Ankle boot")]:
        yield ch10.ex10_2, answer, False
    for form in shape_forms((1, 16, 10, 10)):
        yield ch10.ex10_3, form, True
    for answer in [(16, 10, 10), (1, 16, 5, 5), (1, 16, 14, 14), (1, 16, 9, 9), (1, 6, 10, 10)]:
        yield ch10.ex10_3, answer, False
    for answer in [
        "RandomHorizontalFlip",
        "T.RandomHorizontalFlip()",
        "v2.RandomHorizontalFlip(p=0.5)",
        "horizontal flip",
        "Horizontal Flip",
        "flip horizontally",
        "horizontal flips",
    ]:
        yield ch10.ex10_4, answer, True
    for answer in [
        "RandomRotation",
        "v2.RandomAffine(degrees=0, translate=(0.1, 0.1))",
        "vertical flip",
        "RandomResizedCrop",
        "rotation",
    ]:
        yield ch10.ex10_4, answer, False
    for id in ["ex10_5", "ex10_6"]:
        yield from choice_cases(getattr(ch10, id), id)


def choice_cases(check: Callable[..., Any], id: str) -> Iterator[Case]:
    """The right option as a letter (any case, spaces) or as its text; every other option is wrong."""
    question = QUESTIONS[id]
    for choice in question.choices:
        correct = choice.key == question.answer
        for form in (
            [choice.key, choice.key.upper(), f" {choice.key} ", choice.label]
            if correct
            else [choice.key, choice.label]
        ):
            yield check, form, correct


def model_cases_ch05() -> Iterator[Case]:
    def fixed(**changes: nn.Module) -> nn.Module:
        model = MnistNet()
        model.conv2 = nn.Conv2d(10, 50, kernel_size=5)
        for name, module in changes.items():
            setattr(model, name, module)
        return model

    yield ch05.ex5_5, fixed(fc=nn.Linear(800, 10)), True
    yield ch05.ex5_5, fixed(fc=nn.LazyLinear(10)), True

    class ViewOne(nn.Module):  # breaks on a batch of two
        def __init__(self) -> None:
            super().__init__()
            self.conv = nn.Sequential(
                nn.Conv2d(1, 10, 5),
                nn.MaxPool2d(2),
                nn.ReLU(),
                nn.Conv2d(10, 50, 5),
                nn.MaxPool2d(2),
                nn.ReLU(),
            )
            self.fc = nn.Linear(800, 10)

        def forward(self, x: torch.Tensor) -> torch.Tensor:
            return self.fc(self.conv(x).view(1, -1))

    yield ch05.ex5_5, ViewOne(), False
    yield ch05.ex5_5, fixed(), False
    model = MnistNet()
    model.fc = nn.Linear(320, 10)
    yield ch05.ex5_5, model, False  # conv2 not widened


def model_cases_ch07() -> Iterator[Case]:
    def block(pool: nn.Module, kernel: int = 3, padding: int | str = 1) -> nn.Module:
        return nn.Sequential(nn.Conv2d(16, 32, kernel, padding=padding), nn.BatchNorm2d(32), nn.ReLU(), pool)

    yield ch07.ex7_3, block(nn.MaxPool2d(2)), True
    yield ch07.ex7_3, block(nn.MaxPool2d(2, 2), padding="same"), True
    yield ch07.ex7_3, block(nn.MaxPool2d(kernel_size=2, stride=2)), True
    yield ch07.ex7_3, block(nn.AvgPool2d(2)), False
    yield ch07.ex7_3, block(nn.MaxPool2d(2), kernel=5, padding=2), False
    yield (
        ch07.ex7_3,
        nn.Sequential(nn.Conv2d(16, 32, 3, padding=1), nn.ReLU(), nn.BatchNorm2d(32), nn.MaxPool2d(2)),
        False,
    )
    yield ch07.ex7_3, nn.Sequential(nn.Conv2d(16, 32, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2)), False
    yield (
        ch07.ex7_7,
        nn.Sequential(
            nn.Conv2d(3, 16, 3, padding=1),
            nn.ReLU(),
            nn.MaxPool2d(2),
            nn.Conv2d(16, 32, 3, padding=1),
            nn.ReLU(),
            nn.MaxPool2d(2),
            nn.Flatten(),
            nn.Linear(32 * 8 * 8, 10),
        ),
        True,
    )
    yield (
        ch07.ex7_7,
        nn.Sequential(
            nn.Conv2d(3, 16, 5),
            nn.BatchNorm2d(16),
            nn.ReLU(),
            nn.MaxPool2d(2),
            nn.Conv2d(16, 32, 5),
            nn.ReLU(),
            nn.MaxPool2d(2),
            nn.Flatten(),
            nn.LazyLinear(10),
        ),
        True,
    )
    yield (
        ch07.ex7_7,
        nn.Sequential(
            nn.Conv2d(1, 16, 3, padding=1),
            nn.ReLU(),
            nn.MaxPool2d(2),
            nn.Conv2d(16, 32, 3, padding=1),
            nn.ReLU(),
            nn.MaxPool2d(2),
            nn.Flatten(),
            nn.Linear(32 * 8 * 8, 10),
        ),
        False,
    )
    yield (
        ch07.ex7_7,
        nn.Sequential(nn.Conv2d(3, 16, 3, padding=1), nn.ReLU(), nn.Flatten(), nn.Linear(16 * 32 * 32, 10)),
        False,
    )
    yield ch07.ex7_7, MnistNet(), False


def model_cases_ch08() -> Iterator[Case]:
    no_padding = LeNet5()
    no_padding.backbone.conv1 = nn.Conv2d(1, 6, kernel_size=5)
    wider = LeNet5()
    wider.head.fc1 = nn.Linear(16 * 6 * 6, 120)
    valid = LeNet5()
    valid.backbone.conv1 = nn.Conv2d(1, 6, kernel_size=5, padding="valid")
    for model in (no_padding, wider, valid):
        yield ch08.ex8_3, model, True
    global_pool = nn.Sequential(
        nn.Conv2d(1, 6, 5),
        nn.ReLU(),
        nn.Conv2d(6, 16, 5),
        nn.AdaptiveAvgPool2d(1),
        nn.Flatten(),
        nn.Linear(16, 120),
        nn.Linear(120, 84),
        nn.Linear(84, 10),
    )
    pooled = LeNet5()
    pooled.backbone = nn.Sequential(
        nn.Conv2d(1, 6, 5, padding=2),
        nn.ReLU(),
        nn.MaxPool2d(2),
        nn.Conv2d(6, 16, 5),
        nn.ReLU(),
        nn.AdaptiveMaxPool2d(5),
    )

    class ViewOne(LeNet5):
        def forward(self, x: torch.Tensor) -> torch.Tensor:
            return self.head(self.backbone(x).view(1, -1))

    one = ViewOne()
    one.backbone.conv1 = nn.Conv2d(1, 6, kernel_size=5)
    for model in (LeNet5(), global_pool, pooled, one):
        yield ch08.ex8_3, model, False


def step_cases() -> Iterator[Case]:
    def zero_grad_first(model, images, labels, loss_fn, optimizer):
        optimizer.zero_grad()
        loss_fn(model(images), labels).backward()
        optimizer.step()

    def grad_none(model, images, labels, loss_fn, optimizer):
        for p in model.parameters():
            p.grad = None
        loss_fn(model(images), labels).backward()
        optimizer.step()

    def set_to_none(model, images, labels, loss_fn, optimizer):
        loss = loss_fn(model(images), labels)
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        optimizer.step()

    def zero_in_place(model, images, labels, loss_fn, optimizer):
        for p in model.parameters():
            if p.grad is not None:
                p.grad.zero_()
        loss_fn(model(images), labels).backward()
        optimizer.step()

    def no_zero(model, images, labels, loss_fn, optimizer):
        loss_fn(model(images), labels).backward()
        optimizer.step()

    def zero_between(model, images, labels, loss_fn, optimizer):
        loss_fn(model(images), labels).backward()
        optimizer.zero_grad()
        optimizer.step()

    def step_first(model, images, labels, loss_fn, optimizer):
        optimizer.zero_grad()
        optimizer.step()
        loss_fn(model(images), labels).backward()

    for function in (zero_grad_first, grad_none, set_to_none, zero_in_place):
        yield ch09.ex9_3, function, True
    for function in (no_zero, zero_between, step_first):
        yield ch09.ex9_3, function, False


CASES = list(cases())


def test_the_corpus_is_large_and_covers_every_exercise() -> None:
    assert len(CASES) >= 300
    assert sum(1 for *_, correct in CASES if correct) >= 150
    assert sum(1 for *_, correct in CASES if not correct) >= 150


def describe(answer: Any) -> str:
    text = repr(answer) if not isinstance(answer, nn.Module | optim.Optimizer) else type(answer).__name__
    return text if len(text) < 60 else text[:57] + "..."


@pytest.mark.parametrize(
    ("check", "answer", "correct"),
    CASES,
    ids=[f"{getattr(c, '__name__', 'check')}-{i}" for i, (c, _, _) in enumerate(CASES)],
)
def test_audit(check: Callable[..., Any], answer: Any, correct: bool) -> None:
    feedback = check(answer)
    assert bool(feedback) == correct, (
        f"{'rejected' if correct else 'accepted'} {describe(answer)}: {feedback}"
    )
    assert feedback.message


# ---------------------------------------------------------------- hints never give the answer

_NUMBER = r"\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?"
_EXPRESSION = re.compile(rf"[⌊⌈(]*(?:{_NUMBER})(?:\s*[+\-−·×*/]\s*[⌊⌈(]*(?:{_NUMBER})[⌋⌉)]*)+[⌋⌉)]*")


def _evaluate(expression: str) -> float | None:
    text = (
        expression.replace(",", "")
        .replace("−", "-")
        .replace("·", "*")
        .replace("×", "*")
        .replace("⌊", "math.floor(")
        .replace("⌋", ")")
        .replace("⌈", "math.ceil(")
        .replace("⌉", ")")
    )
    if text.count("(") != text.count(")"):
        text = text.strip("()")
    try:
        return float(eval(text, {"math": math}))  # only digits, operators and floor/ceil reach here
    except Exception:
        return None


def gives_away(hint: str, values: set[float], given: set[float]) -> str | None:
    """The piece of ``hint`` that states one of ``values`` (not ``given`` by the question), or None."""
    hidden = values - given
    for match in _EXPRESSION.finditer(hint):
        value = _evaluate(match.group())
        if value is not None and value in hidden:
            return match.group()
    # numbers outside expressions; operands of a formula with letters ("2·p", "k − 1", "⌋ + 1") are not values
    without_expressions = _EXPRESSION.sub(" ", hint)
    operator = r"[+\-−·×*/]"
    standalone = rf"(?<![\w.·/])(?<!{operator} )({_NUMBER})(?!\.\d|[\w·/]|\s*{operator})"
    for match in re.finditer(standalone, without_expressions):
        if float(match.group().replace(",", "")) in hidden:
            return match.group()
    return None


def _numbers(text: str) -> set[float]:
    return {float(n.replace(",", "")) for n in re.findall(_NUMBER, text)}


def _right_values(check: Callable[..., Any]) -> set[float]:
    rights = [answer for c, answer, correct in CASES if c is check and correct]
    values: set[float] = set()
    for answer in rights[:1]:
        if isinstance(answer, tuple | list) and all(isinstance(v, int | float) for v in answer):
            values |= {float(v) for v in answer}
        elif isinstance(answer, int | float) and not isinstance(answer, bool):
            values.add(float(answer))
    return values


QUESTION_TEXT = {  # what the chapter's question shows besides the checker's docstring
    "ex5_1": " ".join(step.label for step in ch05.EX1_STEPS),
}


def _given(check: Callable[..., Any]) -> set[float]:
    name = check.__name__
    question = QUESTIONS.get(name)
    text = (check.__doc__ or "") + (question.prompt if question else "") + QUESTION_TEXT.get(name, "")
    return _numbers(text) | ({1.0} if re.search(r"\bone\b", text) else set())


NUMERIC = sorted(
    {
        c
        for c, answer, correct in CASES
        if correct and getattr(c, "__name__", "<lambda>") != "<lambda>" and _right_values(c)
    },
    key=lambda c: c.__name__,
)


def test_the_hint_check_finds_what_the_issue_reported() -> None:
    assert gives_away("Almost: count the window's positions, 64 − 3 + 1.", {62.0}, {64.0, 3.0})
    assert gives_away("One short: the formula ends with + 1, (14 − 5) / 1 + 1.", {10.0}, set())
    assert gives_away("= 13: one row short, try 14.", {14.0}, set())
    assert not gives_away("Padding counts on each side: 2·p zeros across.", {2.0}, set())


@pytest.mark.parametrize("check", NUMERIC, ids=lambda check: check.__name__)
def test_no_wrong_answer_hint_contains_the_right_value(check: Callable[..., Any]) -> None:
    values, given = _right_values(check), _given(check)
    wrongs = [answer for c, answer, correct in CASES if c is check and not correct]
    assert wrongs
    for answer in wrongs:
        hint = check(answer).message
        echoed = _numbers(str(answer)) if isinstance(answer, int | float | str | tuple | list) else set()
        leak = gives_away(hint, values, given | echoed)  # repeating the learner's own numbers gives nothing
        assert leak is None, f"{check.__name__}({describe(answer)}): hint states {leak!r}: {hint}"


def test_seeded_questions_hide_their_answers_too() -> None:
    for question in [ex3_5_question(name) for name in ("", "Ada", "Grace", "Alan", "Emmy")] + [
        ex7_6_question(name) for name in ("", "Ada", "Grace", "Alan")
    ]:
        check = ch03.ex3_5 if question.id == "ex3_5" else ch07.ex7_6
        name = next(
            n
            for n in ("", "Ada", "Grace", "Alan", "Emmy")
            if (ex3_5_question(n) if question.id == "ex3_5" else ex7_6_question(n)) == question
        )
        for slip in question.slips:
            hint = check(slip.value, name=name).message
            assert gives_away(hint, {float(question.answer)}, _numbers(question.prompt)) is None, hint
