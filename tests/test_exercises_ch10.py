"""Chapter 10's checkers: right answers pass, each typical slip gets its own hint, nothing raises."""

from __future__ import annotations

import pytest
import torch
from torchvision.transforms import v2

from cnnlab.data import FASHION_MNIST_CLASSES
from cnnlab.exercises import ch10
from cnnlab.models import LeNet5
from cnnlab.plots import confusion_matrix


def test_ex10_1_right_answer_is_the_weight_torch_builds() -> None:
    weight = LeNet5().backbone.conv2.weight
    assert ch10.ex10_1(weight.shape)
    assert ch10.ex10_1(tuple(weight.shape))
    assert ch10.ex10_1([16, 6, 5, 5])


@pytest.mark.parametrize(("answer", "hint"), [
    ((6, 16, 5, 5), "swapped"), ((16, 5, 5), "spans the input channels"), ((16, 1, 5, 5), "how many maps"),
    ((6, 1, 5, 5), "conv1's weight"), ((16, 6, 10, 10), "output maps"), ((16, 6, 3, 3), "5×5"),
    ((120, 16, 5, 5), "C5"), ((1, 2, 3, 4), "filters first"), ((1, 2), "four dimensions"),
    (torch.zeros(4), "filters first"), ("sixteen", "a tuple of four numbers"),
])
def test_ex10_1_hints(answer, hint) -> None:
    feedback = ch10.ex10_1(answer)
    assert not feedback and hint in feedback.message


def test_ex10_2_matrix_is_a_consistent_fashion_mnist_test_result() -> None:
    counts = torch.tensor(ch10.FASHION_CONFUSION)
    assert ch10.FASHION_CLASSES == FASHION_MNIST_CLASSES
    assert counts.shape == (10, 10) and counts.sum(dim=1).tolist() == [1000] * 10  # 1,000 test images each
    assert counts.trace().item() == 9064  # 90.64%, as the module docstring says
    labels = torch.arange(10).repeat_interleave(counts.sum(dim=1))
    predicted = torch.cat([torch.arange(10).repeat_interleave(row) for row in counts])
    assert confusion_matrix(labels, predicted, num_classes=10).equal(counts)


@pytest.mark.parametrize("answer", [("Shirt", "T-shirt/top"), ["t-shirt", "shirt"], {"Shirt", "T-shirt"},
                                    (0, 6), ("T_SHIRT", "shirt")])
def test_ex10_2_accepts_the_pair_in_any_spelling_and_order(answer) -> None:
    feedback = ch10.ex10_2(answer)
    assert feedback and "213 mistakes" in feedback.message


@pytest.mark.parametrize(("answer", "hint"), [
    (("Pullover", "Coat"), "56 + 57 = 113"), (("Shirt", "Pullover"), "Another pair has more"),
    (("Shirt", "Shirt"), "diagonal"), (("Shirt", "Jacket"), "'Jacket' is not a Fashion-MNIST class"),
    ("Shirt", "two class names"), (("a", "b", "c"), "two class names"),
    ((0, 10), "not a Fashion-MNIST class"),
])
def test_ex10_2_hints(answer, hint) -> None:
    feedback = ch10.ex10_2(answer)
    assert not feedback and hint in feedback.message


def test_ex10_3_right_answer_is_the_shape_torch_computes() -> None:
    model = LeNet5()
    captured = []
    model.backbone.conv2.register_forward_hook(lambda module, inputs, output: captured.append(output.shape))
    model(torch.zeros(1, 1, 28, 28))
    assert ch10.ex10_3(captured[0])
    assert ch10.ex10_3(tuple(captured[0]))


@pytest.mark.parametrize(("answer", "hint"), [
    ((16, 10, 10), "batch dimension"), ((1, 16, 5, 5), "after the second pooling"),
    ((1, 16, 14, 14), "no padding"),
    ((1, 16, 9, 9), "+ 1"), ((1, 6, 10, 10), "conv1's channel count"), ((1, 16, 24, 24), "pooled 14×14"),
    ((1, 16, 28, 28), "pooled 14×14"), ((1, 6, 28, 28), "conv1's output"), ((1, 16, 12, 12), "k − 1"),
    ((2, 3, 4, 5), "Follow the image"), ("x", "(N, C, H, W)"),
])
def test_ex10_3_hints(answer, hint) -> None:
    feedback = ch10.ex10_3(answer)
    assert not feedback and hint in feedback.message


@pytest.mark.parametrize("answer", [v2.RandomHorizontalFlip(p=0.5), v2.RandomHorizontalFlip,
                                    "RandomHorizontalFlip", "v2.RandomHorizontalFlip(p=0.5)"])
def test_ex10_4_accepts_the_flip(answer) -> None:
    assert ch10.ex10_4(answer)


@pytest.mark.parametrize(("answer", "hint"), [
    (v2.RandomRotation(degrees=10), "how people write"),
    (v2.RandomAffine(degrees=0, translate=(0.1, 0.1)), "shift of a few pixels"),
    (v2.RandomResizedCrop(28, scale=(0.85, 1.0), antialias=True), "slight zoom"),
    ("v2.RandomRotation", "how people write"), (3, "Pick one of the four"),
    ("v2.RandomAffine(degrees=0, translate=(0.1, 0.1))", "shift of a few pixels"),   # copied from the list
    (v2.RandomVerticalFlip(), "not one of the four"), ("flip", "Pick one of the four"),
])
def test_ex10_4_hints(answer, hint) -> None:
    feedback = ch10.ex10_4(answer)
    assert not feedback and hint in feedback.message
