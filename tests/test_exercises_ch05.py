"""Chapter 5's checkers: right answers pass, each typical slip gets its own hint, nothing raises."""

from __future__ import annotations

import pytest
import torch
from torch import nn

from cnnlab.exercises import ch05, run_model
from cnnlab.models import MnistNet
from cnnlab.shapes import conv_output_size, conv_transpose_output_size, pool_output_size


def broken_mnist_net() -> nn.Module:
    model = MnistNet()
    model.conv2 = nn.Conv2d(10, 50, kernel_size=5)
    return model


def test_ex5_1_answer_agrees_with_torch_layers() -> None:
    layers = nn.Sequential(nn.Conv2d(3, 16, kernel_size=5, padding=2), nn.MaxPool2d(2),
                           nn.Conv2d(16, 32, kernel_size=3, stride=2), nn.MaxPool2d(2))
    x, sizes = torch.zeros(1, 3, 64, 64), []
    for layer in layers:
        x = layer(x)
        sizes.append(x.shape[-1])
    assert sizes == ch05.stack_sizes(64, ch05.EX1_STEPS) == [64, 32, 15, 7]
    assert ch05.ex5_1(sizes)
    assert ch05.ex5_1(7)
    assert ch05.ex5_1((64.0, 32, "15", 7))


@pytest.mark.parametrize(("answer", "hint"), [
    ([62, 31, 15, 7], "one side only"),
    ([60, 30, 14, 7], "padding is missing"),
    ([63, 31, 15, 7], "ends with + 1"),
    ([64, 63, 31, 15], "stride is missing"),
    ([64, 31, 15, 7], "ends with + 1"),
    ([64, 32, 16, 8], "rounded up"),
    ([64, 32, 14, 7], "ends with + 1"),
    ([64, 32, 30, 15], "stride is missing"),
    ([64, 32, 15.5, 7], "whole numbers"),
    ([64, 32, 15, 8], "rounded up"),
    ([64, 32, 15, 6], "ends with + 1"),
    ([64, 32, 15, 7.5], "whole numbers"),
    ([64, 32, 15, 15], "size did not change"),
    ([64, 32, 15, 3], "Fill n = 15"),
    (8, "as a list"),     # a final size alone: rounding up in conv3 or the pooling, or …
    (15, "as a list"),    # … conv3's stride forgotten, or the pooling skipped: the list tells which
    (3, "as a list"),
    ([64, 32], "Give 4 sizes"),
    ([64, "x", 15, 7], "must be a number"),
])
def test_ex5_1_names_the_layer_and_the_slip(answer, hint) -> None:
    feedback = ch05.ex5_1(answer)
    assert not feedback
    assert hint in feedback.message


def test_ex5_1_hint_names_the_first_wrong_layer() -> None:
    assert ch05.ex5_1([64, 32, 14, 6]).message.startswith("Conv2d(16, 32, kernel_size=3, stride=2) on 32")
    assert ch05.ex5_1([64, 32, 15, 8]).message.startswith("MaxPool2d(2) on 15")


@pytest.mark.parametrize(("answer", "hint"), [
    (64 * 6 * 6, "rounds 11 / 2"),
    (64 * 11 * 11, "before the last MaxPool2d"),
    (64 * 7 * 7, "keeps the size"),
    (64 * 4 * 4, "+ 1"),
    (32 * 5 * 5, "conv1's channel"),
    (25, "every channel"),
    (64, "every pixel"),
    (784, "input image"),
    (1601, "layer by layer"),
    ("1600.5", "whole number"),
])
def test_ex5_2_hints(answer, hint) -> None:
    feedback = ch05.ex5_2(answer)
    assert not feedback
    assert hint in feedback.message


def test_ex5_2_answer_is_what_torch_computes() -> None:
    features = nn.Sequential(nn.Conv2d(1, 32, 3), nn.ReLU(), nn.MaxPool2d(2), nn.Conv2d(32, 64, 3),
                             nn.ReLU(), nn.MaxPool2d(2), nn.Flatten())
    size = features(torch.zeros(1, 1, 28, 28)).shape[1]
    assert size == 1600
    assert ch05.ex5_2(size)
    assert ch05.ex5_2("1600")


def test_ex5_3_answer_is_what_torch_computes() -> None:
    layer = nn.Conv2d(3, 8, kernel_size=(3, 5), stride=(1, 3), padding=(1, 2))
    shape = layer(torch.zeros(1, 3, 32, 48)).shape
    assert tuple(shape[2:]) == conv_output_size((32, 48), (3, 5), (1, 3), (1, 2)) == (32, 16)
    assert ch05.ex5_3(shape[2:])
    assert ch05.ex5_3([32, 16])


@pytest.mark.parametrize(("answer", "hint"), [
    ((16, 32), "Height comes first"),
    ((31, 16), "one side only"),
    ((30, 16), "padding is missing"),
    ((32, 17), "rounded up"),
    ((32, 15), "padding is missing"),
    ((32, 16.33), "whole numbers"),
    ((32, 48), "stride is missing"),
    ((32, 20), "Fill n = 48"),
    (32, "pair"),
    ((32, 16, 1), "pair"),
])
def test_ex5_3_hints(answer, hint) -> None:
    feedback = ch05.ex5_3(answer)
    assert not feedback
    assert hint in feedback.message


def test_ex5_4_answer_is_what_torch_computes() -> None:
    layer = nn.ConvTranspose2d(1, 1, kernel_size=3, stride=2, padding=1, output_padding=1)
    assert layer(torch.zeros(1, 1, 7, 7)).shape[-1] == 14
    assert conv_transpose_output_size(7, 3, 2, 1, output_padding=1) == 14
    assert ch05.ex5_4(1)


@pytest.mark.parametrize(("answer", "hint"), [(0, "give 14"), (2, "than the stride"), (-1, "negative"),
                                              ("one", "whole number")])
def test_ex5_4_hints(answer, hint) -> None:
    feedback = ch05.ex5_4(answer)
    assert not feedback
    assert hint in feedback.message


def test_ex5_5_accepts_both_fixes() -> None:
    fixed = broken_mnist_net()
    fixed.fc = nn.Linear(800, 10)
    assert ch05.ex5_5(fixed)
    lazy = broken_mnist_net()
    lazy.fc = nn.LazyLinear(10)
    assert ch05.ex5_5(lazy)


def test_ex5_5_explains_the_broken_model_without_giving_the_fix() -> None:
    feedback = ch05.ex5_5(broken_mnist_net())
    assert not feedback
    for words in ("fc", "320", "800", "50 channels × 4 × 4"):
        assert words in feedback.message
    assert "Fix:" not in feedback.message
    assert "mat1 and mat2" not in feedback.message


@pytest.mark.parametrize(("answer", "hint"), [
    (MnistNet(), "50 channels"),
    (MnistNet, "pass an instance"),
    (nn.Sequential(nn.Flatten(), nn.Linear(784, 5)), "(1, 5)"),
    ("MnistNet()", "nn.Module"),
])
def test_ex5_5_hints(answer, hint) -> None:
    feedback = ch05.ex5_5(answer)
    assert not feedback
    assert hint in feedback.message


def test_run_model_restores_training_mode_per_module() -> None:
    model = nn.Sequential(nn.Conv2d(1, 2, 3), nn.BatchNorm2d(2), nn.Dropout())
    model[2].eval()
    assert run_model(model, (2, 1, 5, 5)).shape == (2, 2, 3, 3)
    assert [module.training for module in model] == [True, True, False]


def test_run_model_reports_a_model_that_raises_anything() -> None:
    class Broken(nn.Module):
        def forward(self, x: torch.Tensor) -> torch.Tensor:
            raise KeyError("oops")

    run = run_model(Broken(), (1, 1, 4, 4))
    assert run.shape is None and "oops" in run.problem


def test_slips_never_equal_the_right_size() -> None:
    for n in range(5, 40):
        for step in (ch05.SizeStep("conv", 3, 2, 1, "c"), ch05.SizeStep("pool", 2, 2, 0, "p"),
                     ch05.SizeStep("conv", 5, 1, 2, "c"), ch05.SizeStep("conv", 5, 3, 2, "c")):
            right_size = step.size(n)
            expected = (conv_output_size(n, step.kernel, step.stride, step.padding) if step.kind == "conv"
                        else pool_output_size(n, step.kernel, step.stride, step.padding))
            assert right_size == expected
            assert ch05.check_stack([right_size], n, [step])
            for value, _ in step.slips(n):
                if value != right_size:
                    assert not ch05.check_stack([value], n, [step])
