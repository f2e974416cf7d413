"""cnnlab.models: every network of the seeds, with the seeds' parameter counts and shapes."""

from __future__ import annotations

import pytest
import torch
import torchinfo
from torch import nn

from cnnlab.models import (
    MODELS,
    Backbone,
    ClassificationHead,
    DeepCNN,
    LeNet5,
    LeNet5Classic,
    MnistNet,
    count_parameters,
)

PARAMETERS = {"MnistNet": 8_490, "LeNet5Classic": 61_706, "LeNet5": 61_706, "SimpleCNN": 421_642,
              "DeepCNN": 271_178}


def test_the_registry_holds_every_complete_network_by_class_name():
    assert set(MODELS) == set(PARAMETERS)
    assert all(name == model.__name__ for name, model in MODELS.items())


@pytest.mark.parametrize("name", sorted(PARAMETERS))
def test_parameter_count(name):
    assert count_parameters(MODELS[name]()) == PARAMETERS[name]


@pytest.mark.parametrize("name", sorted(PARAMETERS))
def test_a_batch_of_seven_digits_gives_seven_rows_of_ten_scores(name):
    model = MODELS[name]().eval()
    with torch.no_grad():
        assert model(torch.zeros(7, 1, 28, 28)).shape == (7, 10)


@pytest.mark.parametrize("name", sorted(PARAMETERS))
def test_torchinfo_agrees(name):
    stats = torchinfo.summary(MODELS[name](), input_size=(7, 1, 28, 28), verbose=0)
    assert stats.total_params == PARAMETERS[name]
    assert stats.summary_list[0].output_size == [7, 10]


@pytest.mark.parametrize("name", sorted(PARAMETERS))
def test_every_parameter_learns(name):
    model = MODELS[name]()
    model(torch.randn(4, 1, 28, 28)).sum().backward()
    assert all(p.grad is not None for p in model.parameters())


def test_seed_000_dummy_input_trick_gives_320_features():
    x = torch.zeros(1, 1, 28, 28)
    assert MnistNet().features(x).shape == (1, 320)


def test_seed_000_parameters_layer_by_layer():
    model = MnistNet()
    assert [count_parameters(layer) for layer in (model.conv1, model.conv2, model.fc)] == [260, 5_020, 3_210]


def test_seed_001_c5_is_a_5x5_convolution():
    c5 = LeNet5Classic().net[6]
    assert isinstance(c5, nn.Conv2d)
    assert (c5.in_channels, c5.out_channels, c5.kernel_size) == (16, 120, (5, 5))


def test_seed_002_backbone_output_and_head():
    assert Backbone()(torch.zeros(7, 1, 28, 28)).shape == (7, 16, 5, 5)
    assert ClassificationHead().fc1.in_features == 16 * 5 * 5
    assert count_parameters(Backbone()) + count_parameters(ClassificationHead()) == 61_706
    assert isinstance(LeNet5().backbone, Backbone) and isinstance(LeNet5().head, ClassificationHead)


def test_seed_004_batch_norm_only_in_blocks_2_to_4():
    model = DeepCNN()
    blocks = [model.conv1, model.conv2, model.conv3, model.conv4]
    has_batch_norm = [any(isinstance(layer, nn.BatchNorm2d) for layer in block) for block in blocks]
    assert has_batch_norm == [False, True, True, True]


def test_seed_004_spatial_size_halves_down_to_1():
    model, x, sizes = DeepCNN().eval(), torch.zeros(2, 1, 28, 28), []
    with torch.no_grad():
        for block in (model.conv1, model.conv2, model.conv3, model.conv4):
            x = block(x)
            sizes.append(x.shape[-1])
    assert sizes == [14, 7, 3, 1]


def test_flatten_keeps_the_batch_even_when_the_size_is_wrong():
    # SimpleCNN flattens with start_dim=1: a 32×32 image must fail in fc1, not silently change the batch.
    with pytest.raises(RuntimeError, match=r"\(3x4096 and 3136x128\)"):
        MODELS["SimpleCNN"]()(torch.zeros(3, 1, 32, 32))


def test_count_parameters_counts_shared_weights_once():
    layer = nn.Linear(4, 4)
    assert count_parameters(nn.Sequential(layer, layer)) == 20
