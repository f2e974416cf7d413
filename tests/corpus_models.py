"""Broken models in the style people post them, for tests/test_repair_corpus.py.

Each model class takes the settings that are wrong as arguments, so that the test can build
the broken model and, independently of ``trace``, the model as the repair says to write it.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn


class MnistViewNet(nn.Module):
    """The classic MNIST example with a wider conv2 and the view left for 320 values."""

    def __init__(self, flat: int = 320, fixed: bool = False) -> None:
        super().__init__()
        self.conv1 = nn.Conv2d(1, 10, kernel_size=5)
        self.conv2 = nn.Conv2d(10, 50, kernel_size=5)
        self.fc = nn.Linear(flat, 10)
        self.fixed = fixed

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = F.relu(F.max_pool2d(self.conv1(x), 2))
        x = F.relu(F.max_pool2d(self.conv2(x), 2))
        x = torch.flatten(x, 1) if self.fixed else x.view(-1, 320)
        return F.log_softmax(self.fc(x), dim=1)


class View144(nn.Module):
    """x.view(-1, 144) on a map of 16·6·6 = 576 values: no error, 4 rows per image."""

    def __init__(self, flat: int = 144, fixed: bool = False) -> None:
        super().__init__()
        self.conv = nn.Conv2d(1, 16, 5)
        self.fc1 = nn.Linear(flat, 64)
        self.fc2 = nn.Linear(64, 10)
        self.fixed = fixed

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = F.max_pool2d(F.relu(self.conv(x)), 2)
        x = F.max_pool2d(x, 2)
        x = torch.flatten(x, 1) if self.fixed else x.view(-1, 144)
        return self.fc2(F.relu(self.fc1(x)))


class HardCodedBatch(nn.Module):
    """x.view(64, -1): right only when the batch is 64."""

    def __init__(self, flat: int = 1250, fixed: bool = False) -> None:
        super().__init__()
        self.features = nn.Sequential(nn.Conv2d(3, 8, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2))
        self.classifier = nn.Linear(flat, 10)
        self.fixed = fixed

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = self.features(x)
        return self.classifier(torch.flatten(x, 1) if self.fixed else x.view(64, -1))


class LeNetView400(nn.Module):
    """LeNet-5 written for 32×32 inputs, fed MNIST's 28×28: view(-1, 16*5*5) cannot split 256 values."""

    def __init__(self, flat: int = 400, fixed: bool = False) -> None:
        super().__init__()
        self.conv1 = nn.Conv2d(1, 6, 5)
        self.conv2 = nn.Conv2d(6, 16, 5)
        self.fc1 = nn.Linear(flat, 120)
        self.fc2 = nn.Linear(120, 84)
        self.fc3 = nn.Linear(84, 10)
        self.fixed = fixed

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = F.max_pool2d(F.relu(self.conv1(x)), (2, 2))
        x = F.max_pool2d(F.relu(self.conv2(x)), 2)
        x = torch.flatten(x, 1) if self.fixed else x.view(-1, 16 * 5 * 5)
        x = F.relu(self.fc1(x))
        return self.fc3(F.relu(self.fc2(x)))


def cifar_sequential(flat: int = 64 * 7 * 7) -> nn.Module:
    """An MNIST-sized classifier reused on CIFAR-10 (32×32): 64·8·8 = 4096 features, not 3136."""
    return nn.Sequential(
        nn.Conv2d(3, 32, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(32, 64, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
        nn.Flatten(), nn.Linear(flat, 128), nn.ReLU(), nn.Linear(128, 10))


def no_flatten(flat: int = 8 * 5 * 5, fixed: bool = False) -> nn.Module:
    """A missing nn.Flatten, and a Linear sized for another input."""
    return nn.Sequential(nn.Conv2d(1, 8, 3), nn.ReLU(), nn.MaxPool2d(2), *([nn.Flatten()] if fixed else []),
                         nn.Linear(flat, 10))


def gray_model(in_channels: int = 1) -> nn.Module:
    """A grayscale model fed RGB images."""
    return nn.Sequential(nn.Conv2d(in_channels, 16, 3, padding=1), nn.BatchNorm2d(16), nn.ReLU(),
                         nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(16, 10))


class SEBlock(nn.Module):
    """Squeeze-and-excitation with the second 1×1 convolution written like the first."""

    def __init__(self, channels: int = 64, reduction: int = 16, fixed: bool = False) -> None:
        super().__init__()
        squeezed = channels // reduction
        self.fc1 = nn.Conv2d(channels, squeezed, 1)
        self.fc2 = nn.Conv2d(squeezed, channels, 1) if fixed else nn.Conv2d(channels, squeezed, 1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        w = F.adaptive_avg_pool2d(x, 1)
        w = torch.sigmoid(self.fc2(F.relu(self.fc1(w))))
        return x * w


class SENet(nn.Module):
    def __init__(self, fixed: bool = False) -> None:
        super().__init__()
        self.stem = nn.Sequential(nn.Conv2d(3, 64, 3, padding=1), nn.BatchNorm2d(64), nn.ReLU())
        self.se = SEBlock(64, 16, fixed)
        self.head = nn.Linear(64, 10)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = self.se(self.stem(x))
        return self.head(torch.flatten(F.adaptive_avg_pool2d(x, 1), 1))


def dcgan_discriminator(final_padding: int = 0) -> nn.Module:
    """The DCGAN discriminator for 64×64 images."""
    return nn.Sequential(
        nn.Conv2d(3, 64, 4, 2, 1, bias=False), nn.LeakyReLU(0.2, inplace=True),
        nn.Conv2d(64, 128, 4, 2, 1, bias=False), nn.BatchNorm2d(128), nn.LeakyReLU(0.2, inplace=True),
        nn.Conv2d(128, 256, 4, 2, 1, bias=False), nn.BatchNorm2d(256), nn.LeakyReLU(0.2, inplace=True),
        nn.Conv2d(256, 512, 4, 2, 1, bias=False), nn.BatchNorm2d(512), nn.LeakyReLU(0.2, inplace=True),
        nn.Conv2d(512, 1, 4, 1, final_padding, bias=False), nn.Sigmoid())


def signal_model(flat: int = 32 * 61) -> nn.Module:
    """A 1-D model for 256-sample signals, its Linear off by one position."""
    return nn.Sequential(
        nn.Conv1d(1, 16, 7), nn.ReLU(), nn.MaxPool1d(2),
        nn.Conv1d(16, 32, 5), nn.ReLU(), nn.MaxPool1d(2),
        nn.Flatten(), nn.Linear(flat, 5))


class ECGNet(nn.Module):
    """A 1-D network with a custom forward; the second block's in_channels are those of the first."""

    def __init__(self, in_channels: int = 32) -> None:
        super().__init__()
        self.block1 = nn.Sequential(nn.Conv1d(12, 32, 9, padding=4), nn.BatchNorm1d(32), nn.ReLU(),
                                    nn.MaxPool1d(4))
        self.block2 = nn.Sequential(nn.Conv1d(in_channels, 64, 9, padding=4), nn.BatchNorm1d(64), nn.ReLU())
        self.fc = nn.Linear(64, 4)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = self.block2(self.block1(x))
        return self.fc(x.mean(dim=2))


def sequence_too_short(kernel: int = 9) -> nn.Module:
    """A 1-D model whose last kernel is longer than the sequence left."""
    return nn.Sequential(nn.Conv1d(4, 8, 5), nn.ReLU(), nn.MaxPool1d(4), nn.Conv1d(8, 8, kernel),
                         nn.AdaptiveMaxPool1d(1), nn.Flatten(), nn.Linear(8, 2))


def video_model(in_channels: int = 8) -> nn.Module:
    """A 3-D convolution model for clips (N, 3, frames, H, W)."""
    return nn.Sequential(nn.Conv3d(3, 16, 3, padding=1), nn.ReLU(), nn.MaxPool3d(2),
                         nn.Conv3d(in_channels, 32, 3, padding=1), nn.ReLU(), nn.AdaptiveAvgPool3d(1),
                         nn.Flatten(), nn.Linear(32, 10))


class BasicBlock(nn.Module):
    """A torchvision-like residual block with the second batch norm sized for the input."""

    def __init__(self, cin: int = 32, cout: int = 64, bn2: int = 32) -> None:
        super().__init__()
        self.conv1 = nn.Conv2d(cin, cout, 3, padding=1, bias=False)
        self.bn1 = nn.BatchNorm2d(cout)
        self.conv2 = nn.Conv2d(cout, cout, 3, padding=1, bias=False)
        self.bn2 = nn.BatchNorm2d(bn2)
        self.shortcut = nn.Sequential(nn.Conv2d(cin, cout, 1, bias=False), nn.BatchNorm2d(cout))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        out = F.relu(self.bn1(self.conv1(x)))
        out = self.bn2(self.conv2(out))
        return F.relu(out + self.shortcut(x))


class TinyResNet(nn.Module):
    def __init__(self, bn2: int = 32) -> None:
        super().__init__()
        self.stem = nn.Sequential(nn.Conv2d(3, 32, 3, padding=1, bias=False), nn.BatchNorm2d(32), nn.ReLU())
        self.layer1 = BasicBlock(32, 64, bn2)
        self.pool = nn.AdaptiveAvgPool2d((1, 1))
        self.fc = nn.Linear(64, 10)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = self.pool(self.layer1(self.stem(x)))
        x = x.view(x.size(0), -1)
        return self.fc(x)


class StrideBlock(nn.Module):
    """A residual block that halves the size in its main path but not in its shortcut."""

    def __init__(self, stride: int = 2) -> None:
        super().__init__()
        self.conv1 = nn.Conv2d(16, 16, 3, stride=stride, padding=1)
        self.conv2 = nn.Conv2d(16, 16, 3, padding=1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return F.relu(self.conv2(F.relu(self.conv1(x))) + x)


class StrideNet(nn.Module):
    def __init__(self, stride: int = 2) -> None:
        super().__init__()
        self.stem = nn.Conv2d(3, 16, 3, padding=1)
        self.block = StrideBlock(stride)
        self.head = nn.Sequential(nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(16, 10))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.head(self.block(self.stem(x)))


def alexnet_like(flat: int = 256 * 6 * 6) -> nn.Module:
    """AlexNet's features (which give 6×6 for 227×227 inputs) fed 224×224 images."""
    return nn.Sequential(
        nn.Conv2d(3, 64, 11, stride=4), nn.ReLU(inplace=True), nn.MaxPool2d(3, 2),
        nn.Conv2d(64, 192, 5, padding=2), nn.ReLU(inplace=True), nn.MaxPool2d(3, 2),
        nn.Conv2d(192, 384, 3, padding=1), nn.ReLU(inplace=True),
        nn.Conv2d(384, 256, 3, padding=1), nn.ReLU(inplace=True),
        nn.Conv2d(256, 256, 3, padding=1), nn.ReLU(inplace=True), nn.MaxPool2d(3, 2),
        nn.Flatten(), nn.Linear(flat, 4096), nn.ReLU(inplace=True), nn.Linear(4096, 10))


class VGGish(nn.Module):
    """VGG-style blocks for 224×224: five poolings give 7×7 — but this one has six."""

    def __init__(self, flat: int = 128 * 7 * 7) -> None:
        super().__init__()
        layers: list[nn.Module] = []
        channels = 3
        for width in (16, 32, 64, 128, 128, 128):
            layers += [nn.Conv2d(channels, width, 3, padding=1), nn.ReLU(inplace=True), nn.MaxPool2d(2)]
            channels = width
        self.features = nn.Sequential(*layers)
        self.classifier = nn.Sequential(nn.Linear(flat, 256), nn.ReLU(), nn.Dropout(0.5), nn.Linear(256, 10))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = self.features(x)
        x = torch.flatten(x, 1)
        return self.classifier(x)


def no_flatten_after_global_pool(fixed: bool = False) -> nn.Module:
    """Global average pooling, then a Linear that gets (N, 64, 1, 1)."""
    return nn.Sequential(nn.Conv2d(3, 64, 3), nn.ReLU(), nn.AdaptiveAvgPool2d(1),
                         *([nn.Flatten()] if fixed else []), nn.Linear(64, 10))


def decoder(in_channels: int = 128) -> nn.Module:
    """A transposed-convolution decoder with one in_channels left from an earlier draft."""
    return nn.Sequential(nn.ConvTranspose2d(128, 64, 4, 2, 1), nn.ReLU(),
                         nn.ConvTranspose2d(in_channels, 32, 4, 2, 1), nn.ReLU(),
                         nn.ConvTranspose2d(32, 1, 4, 2, 1), nn.Tanh())


def wrong_middle_channels(in_channels: int = 64) -> nn.Module:
    """Two 3×3 convolutions whose channels do not chain."""
    return nn.Sequential(nn.Conv2d(3, 32, 3, padding=1), nn.ReLU(), nn.Conv2d(in_channels, 64, 3, padding=1),
                         nn.ReLU(), nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(64, 10))


def too_many_pools(pools: int = 4) -> nn.Module:
    """Conv-pool blocks on a 16×16 input: the fourth pooling meets a 1×1 map."""
    layers: list[nn.Module] = [nn.Conv2d(1, 8, 3, padding=1)]
    for _ in range(pools):
        layers += [nn.ReLU(), nn.MaxPool2d(2), nn.Conv2d(8, 8, 3, padding=1)]
    return nn.Sequential(*layers[:-1], nn.Flatten(), nn.Linear(8, 10))


class CifarNetSame(nn.Module):
    """A CIFAR network whose convolutions keep the size ('same'), with fc1 sized as if they did not."""

    def __init__(self, flat: int = 16 * 5 * 5) -> None:
        super().__init__()
        self.conv1 = nn.Conv2d(3, 6, 5, padding="same")
        self.pool = nn.MaxPool2d(2, 2)
        self.conv2 = nn.Conv2d(6, 16, 5, padding="same")
        self.fc1 = nn.Linear(flat, 120)
        self.fc2 = nn.Linear(120, 10)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = self.pool(F.relu(self.conv1(x)))
        x = self.pool(F.relu(self.conv2(x)))
        x = x.view(x.size(0), -1)
        return self.fc2(F.relu(self.fc1(x)))


class SmallImageNet(nn.Module):
    """Functional pooling in forward, on images smaller than the network was written for."""

    def __init__(self, last_pool: int = 2, flat: int = 32 * 2 * 2) -> None:
        super().__init__()
        self.conv1 = nn.Conv2d(3, 16, 3)
        self.conv2 = nn.Conv2d(16, 32, 3)
        self.fc = nn.Linear(flat, 10)
        self.last_pool = last_pool

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = F.max_pool2d(F.relu(self.conv1(x)), 2)
        x = F.max_pool2d(F.relu(self.conv2(x)), self.last_pool)
        return self.fc(torch.flatten(x, 1))


class Flatten(nn.Module):
    """A hand-written flatten, as older code has it, with the feature count of another model."""

    def __init__(self, features: int = 320) -> None:
        super().__init__()
        self.features = features

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x.view(-1, self.features) if self.features else torch.flatten(x, 1)


def custom_flatten(features: int = 320, flat: int = 320) -> nn.Module:
    """MNIST's layers in an nn.Sequential with a hand-written Flatten: 50·4·4 = 800 values, split by 320."""
    return nn.Sequential(nn.Conv2d(1, 20, 5), nn.ReLU(), nn.MaxPool2d(2), nn.Conv2d(20, 50, 5), nn.ReLU(),
                         nn.MaxPool2d(2), Flatten(features), nn.Linear(flat, 10))
