"""Digit lab: draw a digit and watch a trained network read it, in the page, without a kernel.

``DigitLab(model, examples=test)`` exports the model's layers and weights into the widget
state (base64 float32 or float16), so the executed notebook, and so the static book, carries
the network the chapter trained. ``digit_lab.js`` runs the forward pass in plain
JavaScript (``digit_net.js``): probabilities, the feature maps of every layer, the learned
filters, and each unit's receptive field. With a kernel, ``lab.image`` is the 28 × 28
image the network last read, shape (1, 1, 28, 28), floats in [0, 1]: what
``cnnlab.train.predict`` takes.

The browser runs Conv2d (stride, padding, dilation), ReLU, Tanh, Sigmoid, Max/AvgPool2d,
Flatten / view, Linear and Dropout (the identity at evaluation); BatchNorm2d is folded into
the convolution before it. Anything else is refused with a message that names the layer.

>>> import torch
>>> from torch import nn
>>> lab = DigitLab(nn.Sequential(nn.Conv2d(1, 2, 3), nn.ReLU(), nn.Flatten(), nn.Linear(1352, 10)))
>>> [layer["kind"] for layer in lab.layers]
['conv', 'relu', 'flatten', 'linear']
>>> lab.image.shape
torch.Size([1, 1, 28, 28])
>>> DigitLab(nn.Sequential(nn.Flatten(), nn.GELU(), nn.Linear(784, 10)))  # doctest: +ELLIPSIS
Traceback (most recent call last):
...
ValueError: the digit lab cannot run layer 2, '1' (GELU), in the browser. It runs Conv2d, ReLU, ...
"""

from __future__ import annotations

import base64
from typing import Any

import numpy as np
import torch
import traitlets
from torch import nn

from cnnlab.data import MNIST_MEAN, MNIST_STD, ImageSplit
from cnnlab.widgets.base import Widget, bundle, read

__all__ = ["DigitLab", "encode", "export_network", "pick_examples"]

KINDS = {
    "Conv2d": "conv", "Linear": "linear",
    "ReLU": "relu", "F.relu": "relu", "torch.relu": "relu", "Tensor.relu": "relu",
    "Tanh": "tanh", "torch.tanh": "tanh", "Tensor.tanh": "tanh", "F.tanh": "tanh",
    "Sigmoid": "sigmoid", "torch.sigmoid": "sigmoid", "Tensor.sigmoid": "sigmoid", "F.sigmoid": "sigmoid",
    "MaxPool2d": "maxpool", "F.max_pool2d": "maxpool", "AvgPool2d": "avgpool", "F.avg_pool2d": "avgpool",
    "Flatten": "flatten", "torch.flatten": "flatten", "Tensor.flatten": "flatten", "Tensor.view": "flatten",
    "Tensor.reshape": "flatten", "torch.reshape": "flatten",
    "Dropout": "dropout", "F.dropout": "dropout", "Dropout2d": "dropout", "BatchNorm2d": "batchnorm",
}
SUPPORTED = ("Conv2d, ReLU, Tanh, Sigmoid, MaxPool2d, AvgPool2d, Flatten/view, Linear, Dropout and "
             "BatchNorm2d after a Conv2d")


def _refuse(number: int, row: Any, why: str = "") -> ValueError:
    return ValueError(f"the digit lab cannot run layer {number}, {row.name!r} ({row.type}), in the browser"
                      f"{why}. It runs {SUPPORTED}; replace that layer or pick one of the book's models.")


def export_network(model: nn.Module) -> tuple[list[dict[str, Any]], np.ndarray]:
    """The layers of ``model`` as the browser runs them, and all their weights in one float32 array.

    Chapter 10. Each layer dict has ``kind``, ``name``, ``type``, ``output_shape`` (without the batch) and
    its settings; ``weight`` and ``bias`` are offsets into the array (``bias`` None without one).

    >>> from cnnlab.models import LeNet5
    >>> layers, weights = export_network(LeNet5())
    >>> [layer["kind"] for layer in layers][:6], len(weights)
    (['conv', 'relu', 'maxpool', 'conv', 'relu', 'maxpool'], 61706)
    """
    from cnnlab.tracing import trace  # late: tracing imports the whole of cnnlab

    was_training = model.training
    model.eval()
    try:
        traced = trace(model, (1, 1, 28, 28))
    finally:
        model.train(was_training)
    if not traced.ok:
        raise ValueError(f"the model does not run on one 28 × 28 image:\n{traced.diagnosis}")
    if traced.output_shape != (1, 10):
        raise ValueError(f"the model gives {traced.output_shape} for one image; "
                         "the digit lab needs 10 scores")
    chunks: list[np.ndarray] = []
    offset = 0

    def store(tensor: torch.Tensor) -> int:
        nonlocal offset
        chunks.append(tensor.detach().float().cpu().contiguous().numpy().ravel())
        start, offset = offset, offset + chunks[-1].size
        return start

    layers: list[dict[str, Any]] = []
    pending: dict[str, Any] | None = None  # a convolution whose weights wait for a batch norm
    for number, row in enumerate(traced.rows, start=1):
        kind = KINDS.get(row.type)
        if kind is None:
            raise _refuse(number, row)
        out = list(row.output_shape[1:])
        common = {"kind": kind, "name": row.name, "type": row.type, "output_shape": out}
        if kind == "batchnorm":
            if pending is None or layers[-1]["kind"] != "conv":
                raise _refuse(number, row, " (batch norm is folded into a convolution right before it)")
            norm = model.get_submodule(row.name)
            scale = norm.weight.detach() / torch.sqrt(norm.running_var + norm.eps)
            pending["weight"] = pending["weight"] * scale[:, None, None, None]
            pending["bias"] = (pending["bias"] - norm.running_mean) * scale + norm.bias.detach()
            layers[-1]["name"] += f" + {row.name}"
            layers[-1]["type"] += " + BatchNorm2d"
            continue
        if pending is not None:
            layers[-1]["weight"], layers[-1]["bias"] = store(pending["weight"]), store(pending["bias"])
            pending = None
        if kind == "dropout":
            continue
        if kind == "conv":
            conv = model.get_submodule(row.name)
            if conv.groups != 1 or conv.padding_mode != "zeros" or isinstance(conv.padding, str):
                raise _refuse(number, row, " (only groups=1, zero padding given as numbers)")
            bias = conv.bias.detach() if conv.bias is not None else torch.zeros(conv.out_channels)
            pending = {"weight": conv.weight.detach().float(), "bias": bias.float()}
            spatial = ("kernel_size", "stride", "padding", "dilation")
            common.update({key: list(row.settings[key]) for key in spatial},
                          in_channels=conv.in_channels, out_channels=conv.out_channels)
        elif kind in ("maxpool", "avgpool"):
            settings = row.settings
            if settings.get("ceil_mode"):
                raise _refuse(number, row, " (ceil_mode=True)")
            common.update(kernel_size=list(settings["kernel_size"]), stride=list(settings["stride"]),
                          padding=list(settings["padding"]), dilation=list(settings.get("dilation", (1, 1))),
                          count_include_pad=bool(settings.get("count_include_pad", True)))
        elif kind == "flatten" and len(row.output_shape) != 2:
            raise _refuse(number, row, f" (it gives {row.output_shape}; only a flatten to (N, features))")
        elif kind == "linear":
            fc = model.get_submodule(row.name)
            common.update(in_features=fc.in_features, out_features=fc.out_features, weight=store(fc.weight),
                          bias=store(fc.bias) if fc.bias is not None else None)
        layers.append(common)
    if pending is not None:
        layers[-1]["weight"], layers[-1]["bias"] = store(pending["weight"]), store(pending["bias"])
    return layers, (np.concatenate(chunks) if chunks else np.zeros(0, np.float32)).astype(np.float32)


def encode(values: np.ndarray, dtype: str) -> str:
    """Little-endian float32 or float16 values as base64 text (the widget's weights, chapter 10).

    >>> encode(np.array([1.0], np.float32), "float16")
    'ADw='
    """
    if dtype not in ("float32", "float16"):
        raise ValueError(f"dtype must be 'float32' or 'float16', got {dtype!r}")
    little_endian = values.astype("<f4" if dtype == "float32" else "<f2")
    return base64.b64encode(little_endian.tobytes()).decode("ascii")


def pick_examples(model: nn.Module, split: ImageSplit, right: int = 8,
                  wrong: int = 4) -> list[dict[str, Any]]:
    """Digits of ``split`` to load with one click: ``right`` read correctly (different classes),
    then ``wrong`` the model misreads. Each: label, PyTorch's prediction, 784 pixels as base64 bytes.

    Chapter 10.

    >>> always_one = nn.Sequential(nn.Flatten(), nn.Linear(784, 10))
    >>> with torch.no_grad():
    ...     _ = always_one[1].weight.zero_(), always_one[1].bias.copy_(torch.eye(10)[1])
    >>> split = ImageSplit(torch.zeros(3, 1, 28, 28, dtype=torch.uint8), torch.tensor([0, 1, 2]),
    ...                    list("0123456789"), "toy", "zeros")
    >>> [(example["label"], example["predicted"]) for example in pick_examples(always_one, split)]
    [(1, 1), (0, 1), (2, 1)]
    """
    from cnnlab.train import predict  # late: train imports the whole training stack

    predicted = predict(model, split).classes
    labels = split.labels.cpu()
    chosen: list[int] = []
    for digit in range(10):
        hits = ((labels == digit) & (predicted == digit)).nonzero().flatten()
        if len(hits) and len(chosen) < right:
            chosen.append(int(hits[0]))
    chosen += (predicted != labels).nonzero().flatten()[:wrong].tolist()
    images = split.images.cpu()
    return [{"label": int(labels[i]), "predicted": int(predicted[i]),
             "pixels": base64.b64encode(images[i].reshape(-1).numpy().tobytes()).decode("ascii")}
            for i in chosen]


class DigitLab(Widget):
    """A trained model you can draw for; see the module's docstring. Chapter 10.

    ``dtype``: ``"float32"`` (default, exact) or ``"float16"`` (half the bytes). ``pen``: the
    pen's width as a share of the drawing pad (0.085: after MNIST's scaling, as thick as its strokes).
    """

    _esm = bundle("digit_lab.js")
    _css = Widget._css + read("digit_lab.css")
    _parameters = ("model_name", "dtype", "bytes_added")

    model_name = traitlets.Unicode("").tag(sync=True)
    layers = traitlets.List().tag(sync=True)
    weights = traitlets.Unicode("").tag(sync=True)
    dtype = traitlets.Unicode("float32").tag(sync=True)
    mean = traitlets.Float(MNIST_MEAN).tag(sync=True)
    std = traitlets.Float(MNIST_STD).tag(sync=True)
    examples = traitlets.List().tag(sync=True)
    pen = traitlets.Float(0.085).tag(sync=True)
    pixels = traitlets.List(traitlets.Float()).tag(sync=True)
    bytes_added = traitlets.Int(0).tag(sync=True)

    def __init__(self, model: nn.Module, examples: ImageSplit | None = None, *, dtype: str = "float32",
                 **settings: Any) -> None:
        layers, weights = export_network(model)
        text = encode(weights, dtype)
        chosen = pick_examples(model, examples) if examples is not None else []
        first = (np.frombuffer(base64.b64decode(chosen[0]["pixels"]), np.uint8) / 255).tolist() if chosen \
            else [0.0] * 784
        super().__init__(model_name=type(model).__name__, layers=layers, weights=text, dtype=dtype,
                         examples=chosen, pixels=first, **settings)
        self.bytes_added = len(text) + sum(len(example["pixels"]) for example in chosen)

    @property
    def image(self) -> torch.Tensor:
        """The 28 × 28 image the network last read, (1, 1, 28, 28) floats in [0, 1], ready for ``predict``."""
        return torch.tensor(self.pixels, dtype=torch.float32).reshape(1, 1, 28, 28)

    @property
    def summary(self) -> str:
        """One line: the model, its weights and what they add to the page.

        >>> from cnnlab.models import LeNet5
        >>> DigitLab(LeNet5()).summary
        'LeNet5 in the page: 61,706 weights as float32, 329,100 bytes of base64 (321 KB)'
        """
        count = len(base64.b64decode(self.weights)) // (4 if self.dtype == "float32" else 2)
        return (f"{self.model_name} in the page: {count:,} weights as {self.dtype}, "
                f"{self.bytes_added:,} bytes of base64 ({self.bytes_added / 1024:.0f} KB)")
