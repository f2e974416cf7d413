"""The digit lab's JavaScript forward pass (cnnlab/widgets/digit_net.js, run with node) equals PyTorch.

Every supported model (the five networks of the book, and a small stack with stride, padding,
dilation, batch norm, sigmoid, average pooling with padding and dropout) reads the 1,000 test
digits of the offline MNIST sample: same class for every image, and probabilities within 1e-4
(float32 weights). LeNet-5 is trained for one epoch; the others keep seeded random weights, with
batch-norm statistics from real batches. Layers the browser cannot run are refused by name.
"""

from __future__ import annotations

import base64
import json
import re
from pathlib import Path

import numpy as np
import pytest
import torch
from test_widget_parity import NODE, run_node
from torch import nn

from cnnlab.data import ImageSplit, load_mnist
from cnnlab.models import MODELS
from cnnlab.train import fit, predict
from cnnlab.widgets import DigitLab
from cnnlab.widgets.digit_lab import encode, export_network

pytestmark = pytest.mark.skipif(NODE is None, reason="node is not installed")

TOLERANCE = 1e-4


@pytest.fixture(scope="module")
def mnist(tmp_path_factory: pytest.TempPathFactory) -> tuple[ImageSplit, ImageSplit]:
    """The offline sample: 4,000 train / 1,000 test real MNIST digits."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("CNNLAB_OFFLINE", "1")
        patch.setenv("CNNLAB_DATA", str(tmp_path_factory.mktemp("no-mnist")))
        return load_mnist()


def odd_stack() -> nn.Module:
    """Every setting the browser must follow: stride, padding, dilation, BN, sigmoid, padded avg pooling."""
    features = nn.Sequential(
        nn.Conv2d(1, 4, 3, stride=2, padding=2, dilation=2), nn.BatchNorm2d(4), nn.Sigmoid(),
        nn.AvgPool2d(3, stride=2, padding=1), nn.Dropout(0.3),
        nn.Conv2d(4, 6, 2, padding=1, bias=False), nn.Tanh(),
        nn.MaxPool2d(3, stride=1, padding=1, dilation=2))
    size = features(torch.zeros(1, 1, 28, 28)).numel()
    return nn.Sequential(*features, nn.Flatten(), nn.Linear(size, 10))


def with_batch_statistics(model: nn.Module, split: ImageSplit) -> nn.Module:
    """Batch norm layers get running statistics from real batches (not the 0 / 1 they start with)."""
    from cnnlab.data import normalize

    for module in model.modules():
        if isinstance(module, nn.BatchNorm2d):
            module.momentum = None  # a plain average over the batches below
            with torch.no_grad():
                module.weight.uniform_(0.5, 1.5)
                module.bias.uniform_(-0.2, 0.2)
    model.train()
    with torch.no_grad():
        for images, _ in list(split.batches(256, shuffle=False))[:4]:
            model(normalize(images))
    return model.eval()


@pytest.fixture(scope="module")
def models(mnist: tuple[ImageSplit, ImageSplit]) -> dict[str, nn.Module]:
    train, test = mnist
    chosen: dict[str, nn.Module] = {}
    for name, cls in MODELS.items():
        torch.manual_seed(0)
        chosen[name] = with_batch_statistics(cls(), train)
    torch.manual_seed(0)
    fit(chosen["LeNet5"], train, test, epochs=1, seed=0, progress=False, device="cpu")
    torch.manual_seed(0)
    chosen["odd stack"] = with_batch_statistics(odd_stack(), train)
    return {name: model.cpu().eval() for name, model in chosen.items()}


def browser_probabilities(tmp_path: Path, model: nn.Module, images: torch.Tensor, dtype: str) -> np.ndarray:
    layers, weights = export_network(model)
    net = {"layers": layers, "input_shape": [1, 1, 28, 28], "mean": 0.1307, "std": 0.3081}
    text = base64.b64encode(images.reshape(-1).numpy().tobytes()).decode("ascii")
    [result] = run_node(tmp_path, "digit_net", "predictAll", [[net, encode(weights, dtype), dtype, text]])
    assert result["ok"], result
    return np.array(result["value"])


@pytest.mark.parametrize("name", [*MODELS, "odd stack"])
def test_browser_reads_1000_test_digits_like_pytorch(tmp_path: Path, mnist: tuple[ImageSplit, ImageSplit],
                                                    models: dict[str, nn.Module], name: str) -> None:
    _, test = mnist
    images = test.images[:1000]
    expected = predict(models[name], images).probabilities.double().numpy()
    got = browser_probabilities(tmp_path, models[name], images, "float32")
    difference = np.abs(got - expected).max()
    same_class = (got.argmax(1) == expected.argmax(1)).mean()
    print(f"{name}: {len(images)} digits, same class {same_class:.1%}, max |Δp| {difference:.2e}")
    assert len(got) == 1000
    assert same_class == 1.0, f"{name}: the browser's class differs on {(1 - same_class) * 1000:.0f} digits"
    assert difference <= TOLERANCE, f"{name}: max |Δ probability| {difference:.2e} > {TOLERANCE}"


def test_trained_lenet_is_trained(mnist: tuple[ImageSplit, ImageSplit], models: dict[str, nn.Module]) -> None:
    """At least one model of the parity test is really trained (its predictions are not random)."""
    _, test = mnist
    accuracy = (predict(models["LeNet5"], test).classes == test.labels).float().mean().item()
    assert accuracy > 0.5, accuracy  # chance is 0.1


def test_float16_weights_keep_the_classes(tmp_path: Path, mnist: tuple[ImageSplit, ImageSplit],
                                          models: dict[str, nn.Module]) -> None:
    _, test = mnist
    expected = predict(models["LeNet5"], test.images).probabilities.numpy()
    got = browser_probabilities(tmp_path, models["LeNet5"], test.images, "float16")
    print(f"float16: same class {(got.argmax(1) == expected.argmax(1)).mean():.1%}, "
          f"max |Δp| {np.abs(got - expected).max():.2e}")
    assert (got.argmax(1) == expected.argmax(1)).mean() >= 0.99


def test_batch_norm_is_folded_into_the_convolution(models: dict[str, nn.Module]) -> None:
    layers, _ = export_network(models["DeepCNN"])
    assert [layer["kind"] for layer in layers].count("conv") == 4
    assert layers[3]["name"] == "conv2.0 + conv2.1" and layers[3]["type"] == "Conv2d + BatchNorm2d"
    assert all("batchnorm" != layer["kind"] for layer in layers)


@pytest.mark.parametrize(("layer", "named"), [
    (nn.GELU(), "'1' (GELU)"), (nn.LeakyReLU(), "'1' (LeakyReLU)"),
    (nn.AdaptiveAvgPool2d(5), "'1' (AdaptiveAvgPool2d)"),
])
def test_other_layers_are_refused_by_name(layer: nn.Module, named: str) -> None:
    model = nn.Sequential(nn.Conv2d(1, 2, 3), layer, nn.Flatten(), nn.LazyLinear(10))
    model(torch.zeros(1, 1, 28, 28))
    with pytest.raises(ValueError, match=re.escape(f"cannot run layer 2, {named}")):
        DigitLab(model)


def test_batch_norm_without_a_convolution_before_it_is_refused() -> None:
    model = nn.Sequential(nn.BatchNorm2d(1), nn.Flatten(), nn.Linear(784, 10))
    with pytest.raises(ValueError, match=r"'0' \(BatchNorm2d\).*folded into a convolution"):
        DigitLab(model)


def test_a_model_without_ten_scores_is_refused() -> None:
    with pytest.raises(ValueError, match="needs 10 scores"):
        DigitLab(nn.Sequential(nn.Flatten(), nn.Linear(784, 3)))


def test_the_widget_carries_weights_examples_and_its_size(mnist: tuple[ImageSplit, ImageSplit],
                                                         models: dict[str, nn.Module]) -> None:
    _, test = mnist
    lab = DigitLab(models["LeNet5"], examples=test)
    weights = np.frombuffer(base64.b64decode(lab.weights), "<f4")
    assert len(weights) == 61_706
    assert lab.bytes_added == len(lab.weights) + sum(len(e["pixels"]) for e in lab.examples)
    assert lab.bytes_added < 400 * 1024, "a LeNet-5 page must stay under ~400 KB extra"
    wrong = [e for e in lab.examples if e["label"] != e["predicted"]]
    right = [e for e in lab.examples if e["label"] == e["predicted"]]
    assert wrong and len(right) >= 5, "examples include digits read right and some misread"
    first = np.frombuffer(base64.b64decode(lab.examples[0]["pixels"]), np.uint8)
    assert lab.image.shape == (1, 1, 28, 28)
    assert torch.allclose(lab.image.flatten(), torch.tensor(first / 255.0,
                                                                                                dtype=torch.float32))
    assert 0 <= lab.image.min() and lab.image.max() <= 1
    half = DigitLab(models["LeNet5"], dtype="float16")
    assert len(half.weights) < 0.51 * len(lab.weights)


def test_mnist_preprocessing_fits_20_pixels_and_centres_the_mass(tmp_path: Path) -> None:
    """A drawing (an off-centre L shape on a 280 × 280 pad) → its box scaled into 20 × 20, mass centred."""
    ink = np.zeros((280, 280), np.float32)
    ink[30:200, 40:70] = 1  # the vertical bar of an L
    ink[170:200, 40:150] = 1  # its foot
    [result] = run_node(tmp_path, "digit_net", "mnistImage", [[ink.ravel().tolist(), 280, 280]])
    image = np.array([result["value"][str(i)] for i in range(784)]).reshape(28, 28)
    rows, cols = np.nonzero(image > 0)
    assert rows.max() - rows.min() + 1 == 20 and cols.max() - cols.min() + 1 <= 20
    mass = image.sum()
    centre = ((image.sum(1) * np.arange(28)).sum() / mass, (image.sum(0) * np.arange(28)).sum() / mass)
    assert abs(centre[0] - 13.5) <= 0.5 and abs(centre[1] - 13.5) <= 0.5, centre
    assert image.max() == 1 and image.min() == 0
    [empty] = run_node(tmp_path, "digit_net", "mnistImage", [[[0] * 100, 10, 10]])
    assert set(empty["value"].values()) == {0}




def test_the_widget_builds_without_a_browser(models: dict[str, nn.Module]) -> None:
    lab = DigitLab(models["MnistNet"])
    state = lab.get_state()
    assert "export default" in state["_esm"] and "import {" not in state["_esm"]
    assert ".cnnlab-digit-lab" in state["_css"] and ".cnnlab-widget" in state["_css"]
    json.dumps(state)  # what the notebook stores and the static page loads
    assert repr(lab) == f"DigitLab(model_name='MnistNet', dtype='float32', bytes_added={lab.bytes_added})"
