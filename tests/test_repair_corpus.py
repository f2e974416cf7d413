"""trace's repairs on a corpus of broken models written the way people post them.

Each case names the layer the diagnosis must start with, the lines the repair must write
(verified by trace on a copy), and the output shape; then the test builds the model the
way the repair says, by hand and without trace, and runs it in plain PyTorch.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import corpus_models as c
import pytest
import torch
from torch import nn

from cnnlab import trace


@dataclass(frozen=True)
class Case:
    name: str
    broken: Callable[[], nn.Module]
    shape: tuple[int, ...]
    layer: str                      # the diagnosis starts with "<layer> ("
    lines: list[str]                # the repair's lines of code
    output: tuple[int, ...]         # the repaired model's output shape
    fixed: Callable[[], nn.Module]  # the model written as the repair says, by hand


def _flatten_first(model: nn.Sequential, index: int) -> nn.Module:
    model[index] = nn.Sequential(nn.Flatten(), model[index])
    return model


CASES = [
    Case("mnist_view_silent", c.MnistViewNet, (64, 1, 28, 28), "view",
         ["x = torch.flatten(x, 1)", "nn.Linear(800, 10)"], (64, 10),
         lambda: c.MnistViewNet(800, fixed=True)),
    Case("view_144_on_576_silent", c.View144, (64, 1, 28, 28), "view",
         ["x = torch.flatten(x, 1)", "nn.Linear(576, 64)"], (64, 10), lambda: c.View144(576, fixed=True)),
    Case("view_hard_coded_batch", c.HardCodedBatch, (10, 3, 10, 10), "view",
         ["x = torch.flatten(x, 1)", "nn.Linear(200, 10)"], (10, 10),
         lambda: c.HardCodedBatch(200, fixed=True)),
    Case("lenet_32_fed_28", c.LeNetView400, (64, 1, 28, 28), "view",
         ["x = torch.flatten(x, 1)", "nn.Linear(256, 120)"], (64, 10),
         lambda: c.LeNetView400(256, fixed=True)),
    Case("cifar_sequential_mnist_sized_linear", c.cifar_sequential, (32, 3, 32, 32), "7",
         ["nn.Linear(4096, 128)"], (32, 10), lambda: c.cifar_sequential(4096)),
    Case("missing_flatten_and_linear_for_another_input", c.no_flatten, (16, 1, 28, 28), "3",
         ["nn.Flatten()", "nn.Linear(1352, 10)"], (16, 10), lambda: c.no_flatten(1352, fixed=True)),
    Case("gray_model_fed_rgb", c.gray_model, (8, 3, 32, 32), "0",
         ["nn.Conv2d(3, 16, kernel_size=3, padding=1)"], (8, 10), lambda: c.gray_model(3)),
    Case("se_block_second_conv_like_the_first", c.SENet, (8, 3, 32, 32), "se.fc2",
         ["nn.Conv2d(4, 64, kernel_size=1)"], (8, 10), lambda: c.SENet(fixed=True)),
    Case("dcgan_discriminator_fed_32", c.dcgan_discriminator, (16, 3, 32, 32), "11",
         ["nn.Conv2d(512, 1, kernel_size=4, padding=1, bias=False)"], (16, 1, 1, 1),
         lambda: c.dcgan_discriminator(final_padding=1)),
    Case("signal_1d_linear_off_by_one", c.signal_model, (8, 1, 256), "7",
         ["nn.Linear(1920, 5)"], (8, 5), lambda: c.signal_model(1920)),
    Case("ecg_1d_second_block_channels", lambda: c.ECGNet(in_channels=12), (4, 12, 1000), "block2.0",
         ["nn.Conv1d(32, 64, kernel_size=9, padding=4)"], (4, 4), lambda: c.ECGNet(in_channels=32)),
    Case("sequence_shorter_than_kernel", c.sequence_too_short, (4, 4, 30), "3",
         ["nn.Conv1d(8, 8, kernel_size=9, padding=2)"], (4, 2),
         lambda: nn.Sequential(nn.Conv1d(4, 8, 5), nn.ReLU(), nn.MaxPool1d(4), nn.Conv1d(8, 8, 9, padding=2),
                               nn.AdaptiveMaxPool1d(1), nn.Flatten(), nn.Linear(8, 2))),
    Case("video_3d_channels", c.video_model, (2, 3, 8, 32, 32), "3",
         ["nn.Conv3d(16, 32, kernel_size=3, padding=1)"], (2, 10), lambda: c.video_model(16)),
    Case("resnet_block_batch_norm", c.TinyResNet, (4, 3, 32, 32), "layer1.bn2",
         ["nn.BatchNorm2d(64)"], (4, 10), lambda: c.TinyResNet(64)),
    Case("residual_stride_without_downsample", c.StrideNet, (4, 3, 32, 32), "",
         ["nn.Conv2d(16, 16, kernel_size=3, padding=1)"], (4, 10), lambda: c.StrideNet(stride=1)),
    Case("alexnet_224_instead_of_227", c.alexnet_like, (2, 3, 224, 224), "14",
         ["nn.Linear(6400, 4096)"], (2, 10), lambda: c.alexnet_like(6400)),
    Case("vgg_one_pooling_too_many", c.VGGish, (2, 3, 224, 224), "classifier.0",
         ["nn.Linear(1152, 256)"], (2, 10), lambda: c.VGGish(1152)),
    Case("global_pool_without_flatten", c.no_flatten_after_global_pool, (4, 3, 32, 32), "3",
         ["nn.Flatten()"], (4, 10), lambda: c.no_flatten_after_global_pool(fixed=True)),
    Case("decoder_transposed_channels", c.decoder, (4, 128, 4, 4), "2",
         ["nn.ConvTranspose2d(64, 32, kernel_size=4, stride=2, padding=1)"], (4, 1, 32, 32),
         lambda: c.decoder(64)),
    Case("channels_that_do_not_chain", c.wrong_middle_channels, (4, 3, 32, 32), "2",
         ["nn.Conv2d(32, 64, kernel_size=3, padding=1)"], (4, 10), lambda: c.wrong_middle_channels(32)),
    Case("pooling_on_a_1x1_map", c.too_many_pools, (4, 1, 8, 8), "11",
         ["nn.MaxPool2d(1)"], (4, 10),
         lambda: nn.Sequential(*list(c.too_many_pools())[:11], nn.MaxPool2d(1),
                               *list(c.too_many_pools())[12:])),
    Case("functional_pool_on_a_1x1_map", c.SmallImageNet, (4, 3, 8, 8), "max_pool2d",
         ["F.max_pool2d(x, 1)", "nn.Linear(32, 10)"], (4, 10), lambda: c.SmallImageNet(1, 32)),
    Case("hand_written_flatten_module_silent", c.custom_flatten, (64, 1, 28, 28), "6.view",
         ["x = torch.flatten(x, 1)", "nn.Linear(800, 10)"], (64, 10), lambda: c.custom_flatten(0, 800)),
    Case("cifar_same_padding_fc1", c.CifarNetSame, (4, 3, 32, 32), "fc1",
         ["nn.Linear(1024, 120)"], (4, 10), lambda: c.CifarNetSame(1024)),
]


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.name)
def test_corpus_model_is_diagnosed_and_repaired(case: Case) -> None:
    result = trace(case.broken(), case.shape)
    assert not result.ok
    if case.layer:
        assert result.diagnosis.startswith(f"{case.layer} ("), result.diagnosis
    else:  # a failure between layers names the forward
        assert result.diagnosis.startswith("The forward of block (StrideBlock) failed")
    assert result.repair is not None and result.repair.complete, result
    assert result.repair.lines == case.lines, str(result.repair)
    assert result.repair.output_shape == case.output
    assert "Fix" not in result.diagnosis  # the diagnosis says what and where; the repair says what to write
    fixed = case.fixed().eval()
    with torch.no_grad():
        assert tuple(fixed(torch.zeros(case.shape)).shape) == case.output  # plain PyTorch, no trace
    assert trace(case.fixed(), case.shape).ok


def test_the_corpus_is_large_and_varied() -> None:
    assert len(CASES) >= 20
    ranks = {len(case.shape) - 2 for case in CASES}
    assert ranks == {1, 2, 3}
    assert sum(len(case.lines) > 1 for case in CASES) >= 4  # repairs of more than one line


def test_alternatives_are_verified_and_keep_the_output_shape() -> None:
    repair = trace(c.dcgan_discriminator(), (16, 3, 32, 32)).repair
    assert [alternative.summary() for alternative in repair.alternatives] == [
        "input: input of shape (16, 3, 64, 64) instead of (16, 3, 32, 32) → (16, 1, 1, 1)"]
    with torch.no_grad():
        assert c.dcgan_discriminator().eval()(torch.zeros(16, 3, 64, 64)).shape == (16, 1, 1, 1)
    vgg = trace(c.VGGish(), (2, 3, 224, 224)).repair
    one_fewer = "features.17 (MaxPool2d): nn.Identity() (one pooling layer fewer) instead of nn.MaxPool2d(2)"
    assert f"{one_fewer} → (2, 10)" in [alternative.summary() for alternative in vgg.alternatives]


def test_the_broken_model_is_left_as_it_was() -> None:
    model = c.SENet()
    before = {name: tensor.clone() for name, tensor in model.state_dict().items()}
    trace(model, (8, 3, 32, 32))
    assert model.se.fc2.in_channels == 64 and model.training
    assert all(torch.equal(before[name], tensor) for name, tensor in model.state_dict().items())
