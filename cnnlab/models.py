"""Every network of the book, written the way the chapters write them.

The comment after each step is the shape of ``x`` for a batch of ``N`` MNIST images
(N, 1, 28, 28). ``cnnlab.trace(model)`` prints the same table, with formulas.

- ``MnistNet``: two convolutions and one linear layer (8,490 parameters)
- ``LeNet5Classic``: LeNet-5 in one ``nn.Sequential``, with tanh and average pooling (61,706)
- ``LeNet5``: LeNet-5 as a ``Backbone`` and a ``ClassificationHead``, with ReLU (61,706)
- ``SimpleCNN``: two 3×3 convolutions with 32 and 64 filters (421,642)
- ``DeepCNN``: four 5×5 blocks, three of them with batch normalisation (271,178)

``MODELS`` maps each class name to its class, for chapters and widgets that let the
reader pick one.

>>> model = MODELS["LeNet5"]()
>>> model(torch.zeros(7, 1, 28, 28)).shape
torch.Size([7, 10])
>>> count_parameters(model)
61706
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn

__all__ = ["MnistNet", "LeNet5Classic", "Backbone", "ClassificationHead", "LeNet5", "SimpleCNN",
           "DeepCNN", "MODELS", "count_parameters"]


class MnistNet(nn.Module):
    """Two convolutions, each followed by max pooling and ReLU, then one linear layer.

    ``features(x)`` is the network without its last layer: pass a dummy image through
    it to learn how long the flattened vector is (320), and so ``nn.Linear(320, 10)``.

    >>> MnistNet().features(torch.zeros(1, 1, 28, 28)).shape
    torch.Size([1, 320])
    """

    def __init__(self) -> None:
        super().__init__()
        self.conv1 = nn.Conv2d(1, 10, kernel_size=5)
        self.conv2 = nn.Conv2d(10, 20, kernel_size=5)
        self.pooling = nn.MaxPool2d(kernel_size=2)  # no weights, so one layer serves twice
        self.fc = nn.Linear(320, 10)

    def features(self, x: torch.Tensor) -> torch.Tensor:
        """Everything before ``fc``: the flattened feature vector of each image (N, 320)."""
        batch_size = x.size(0)                      # (N, 1, 28, 28)
        x = F.relu(self.pooling(self.conv1(x)))     # (N, 10, 24, 24) → (N, 10, 12, 12)
        x = F.relu(self.pooling(self.conv2(x)))     # (N, 20, 8, 8) → (N, 20, 4, 4)
        return x.view(batch_size, -1)               # (N, 320)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.fc(self.features(x))            # (N, 10)


class LeNet5Classic(nn.Module):
    """LeNet-5 as LeCun drew it: tanh, average pooling, and C5 as a 5×5 convolution.

    >>> LeNet5Classic()(torch.zeros(1, 1, 28, 28)).shape
    torch.Size([1, 10])
    """

    def __init__(self) -> None:
        super().__init__()
        self.net = nn.Sequential(
            nn.Conv2d(in_channels=1, out_channels=6, kernel_size=5, padding=2), nn.Tanh(),  # (N, 6, 28, 28)
            nn.AvgPool2d(kernel_size=2, stride=2),                                           # (N, 6, 14, 14)
            nn.Conv2d(in_channels=6, out_channels=16, kernel_size=5), nn.Tanh(),             # (N, 16, 10, 10)
            nn.AvgPool2d(kernel_size=2, stride=2),                                           # (N, 16, 5, 5)
            nn.Conv2d(in_channels=16, out_channels=120, kernel_size=5), nn.Tanh(),           # (N, 120, 1, 1)
            nn.Flatten(),                                                                    # (N, 120)
            nn.Linear(120, 84), nn.Tanh(),                                                   # (N, 84)
            nn.Linear(84, 10),                                                               # (N, 10)
        )

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.net(x)


class Backbone(nn.Module):
    """LeNet-5's feature extractor: two convolutions with ReLU and 2×2 max pooling.

    >>> Backbone()(torch.zeros(7, 1, 28, 28)).shape
    torch.Size([7, 16, 5, 5])
    """

    def __init__(self) -> None:
        super().__init__()
        self.conv1 = nn.Conv2d(1, 6, kernel_size=5, padding=2)
        self.conv2 = nn.Conv2d(6, 16, kernel_size=5)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = F.relu(self.conv1(x))   # (N, 6, 28, 28)
        x = F.max_pool2d(x, 2)      # (N, 6, 14, 14)
        x = F.relu(self.conv2(x))   # (N, 16, 10, 10)
        x = F.max_pool2d(x, 2)      # (N, 16, 5, 5)
        return x


class ClassificationHead(nn.Module):
    """LeNet-5's classifier: flatten, then three linear layers 400 → 120 → 84 → 10.

    >>> ClassificationHead()(torch.zeros(7, 16, 5, 5)).shape
    torch.Size([7, 10])
    """

    def __init__(self) -> None:
        super().__init__()
        self.fc1 = nn.Linear(16 * 5 * 5, 120)
        self.fc2 = nn.Linear(120, 84)
        self.fc3 = nn.Linear(84, 10)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = torch.flatten(x, start_dim=1)   # (N, 400)
        x = F.relu(self.fc1(x))             # (N, 120)
        x = F.relu(self.fc2(x))             # (N, 84)
        x = self.fc3(x)                     # (N, 10): scores; the loss applies softmax
        return x


class LeNet5(nn.Module):
    """LeNet-5 with ReLU and max pooling: a ``Backbone`` followed by a ``ClassificationHead``.

    >>> print(LeNet5().backbone.conv1)
    Conv2d(1, 6, kernel_size=(5, 5), stride=(1, 1), padding=(2, 2))
    """

    def __init__(self) -> None:
        super().__init__()
        self.backbone = Backbone()
        self.head = ClassificationHead()

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = self.backbone(x)    # (N, 16, 5, 5)
        x = self.head(x)        # (N, 10)
        return x


class SimpleCNN(nn.Module):
    """Two 3×3 convolutions (32 and 64 filters, padding 1), each with ReLU and max pooling.

    >>> SimpleCNN()(torch.zeros(2, 1, 28, 28)).shape
    torch.Size([2, 10])
    """

    def __init__(self) -> None:
        super().__init__()
        self.conv1 = nn.Conv2d(1, 32, kernel_size=3, stride=1, padding=1)
        self.conv2 = nn.Conv2d(32, 64, kernel_size=3, stride=1, padding=1)
        self.fc1 = nn.Linear(64 * 7 * 7, 128)
        self.fc2 = nn.Linear(128, 10)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = F.relu(self.conv1(x))           # (N, 32, 28, 28)
        x = F.max_pool2d(x, 2)              # (N, 32, 14, 14)
        x = F.relu(self.conv2(x))           # (N, 64, 14, 14)
        x = F.max_pool2d(x, 2)              # (N, 64, 7, 7)
        x = torch.flatten(x, start_dim=1)   # (N, 3136); view(-1, 3136) would hide a wrong size
        x = F.relu(self.fc1(x))             # (N, 128)
        x = self.fc2(x)                     # (N, 10)
        return x


class DeepCNN(nn.Module):
    """Four blocks of 5×5 convolution (padding 2), ReLU and 2×2 max pooling: 28 → 14 → 7 → 3 → 1.

    Blocks 2 to 4 normalise their batch (``nn.BatchNorm2d``) before the ReLU.

    >>> DeepCNN()(torch.zeros(2, 1, 28, 28)).shape
    torch.Size([2, 10])
    """

    def __init__(self) -> None:
        super().__init__()
        self.conv1 = nn.Sequential(
            nn.Conv2d(1, 16, kernel_size=5, stride=1, padding=2),
            nn.ReLU(),
            nn.MaxPool2d(2))
        self.conv2 = nn.Sequential(
            nn.Conv2d(16, 32, kernel_size=5, stride=1, padding=2),
            nn.BatchNorm2d(32),
            nn.ReLU(),
            nn.MaxPool2d(2))
        self.conv3 = nn.Sequential(
            nn.Conv2d(32, 64, kernel_size=5, stride=1, padding=2),
            nn.BatchNorm2d(64),
            nn.ReLU(),
            nn.MaxPool2d(2))
        self.conv4 = nn.Sequential(
            nn.Conv2d(64, 128, kernel_size=5, stride=1, padding=2),
            nn.BatchNorm2d(128),
            nn.ReLU(),
            nn.MaxPool2d(2))
        self.fc = nn.Linear(1 * 1 * 128, 10)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        out = self.conv1(x)                     # (N, 16, 14, 14)
        out = self.conv2(out)                   # (N, 32, 7, 7)
        out = self.conv3(out)                   # (N, 64, 3, 3)
        out = self.conv4(out)                   # (N, 128, 1, 1)
        out = torch.flatten(out, start_dim=1)   # (N, 128)
        out = self.fc(out)                      # (N, 10)
        return out


# The complete classifiers by class name (Backbone and ClassificationHead are parts of LeNet5).
MODELS: dict[str, type[nn.Module]] = {
    model.__name__: model for model in (MnistNet, LeNet5Classic, LeNet5, SimpleCNN, DeepCNN)
}


def count_parameters(model: nn.Module) -> int:
    """The number of numbers the model learns: every weight and bias, shared ones once.

    >>> count_parameters(nn.Linear(320, 10))  # 320 × 10 weights + 10 biases
    3210
    """
    return sum(parameter.numel() for parameter in model.parameters())
