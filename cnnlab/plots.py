"""Pictures of training and of a trained model.

- :func:`plot_history`: loss and accuracy per epoch (tutorial 000's accuracy plot);
- :func:`plot_predictions`: images with the predicted and true labels, mistakes in red;
- :func:`plot_confusion_matrix`: which classes are taken for which;
- :func:`plot_filters` and :func:`plot_feature_maps`: what a convolution layer learned,
  and what it makes of one image.

Each function draws with matplotlib and returns the ``Figure`` (in Jupyter, assign it,
``fig = plot_history(history)``, or the figure shows twice; elsewhere ``fig.savefig``).

>>> import matplotlib
>>> matplotlib.use("Agg")
>>> confusion_matrix(torch.tensor([0, 1, 1]), torch.tensor([0, 1, 0]), num_classes=2).tolist()
[[1, 0], [1, 1]]
"""

from __future__ import annotations

import math

import matplotlib.pyplot as plt
import torch
from matplotlib.figure import Figure
from torch import nn

from cnnlab.data import ImageSplit, normalize
from cnnlab.train import History, predict

RIGHT, WRONG = "#2a7d2e", "#d62728"


def plot_history(history: History) -> Figure:
    """Loss (left) and accuracy in % (right) for every epoch, on the training and the validation data.

    Chapter 9. A dashed line marks the best validation accuracy, the epoch ``fit`` keeps.

    >>> from cnnlab.train import EpochStats
    >>> history = History([EpochStats(1, 0.9, 0.7, 0.6, 0.8, 1e-3, 1.0, 1e4),
    ...                    EpochStats(2, 0.5, 0.85, 0.4, 0.88, 1e-3, 1.0, 1e4)])
    >>> [ax.get_ylabel() for ax in plot_history(history).axes]
    ['loss', 'accuracy (%)']
    """
    if not history:
        raise ValueError("the history is empty: train for at least one epoch first")
    epochs = history.column("epoch")
    fig, (loss_ax, accuracy_ax) = plt.subplots(1, 2, figsize=(9, 3.4), layout="constrained")
    loss_ax.plot(epochs, history.column("train_loss"), "o-", label="train")
    loss_ax.plot(epochs, history.column("val_loss"), "o-", label="validation")
    loss_ax.set(xlabel="epoch", ylabel="loss")
    train_accuracy = [100 * a for a in history.column("train_accuracy")]
    val_accuracy = [100 * a for a in history.column("val_accuracy")]
    accuracy_ax.plot(epochs, train_accuracy, "o-", label="train")
    accuracy_ax.plot(epochs, val_accuracy, "o-", label="validation")
    best = history.best()
    accuracy_ax.axhline(100 * best.val_accuracy, linestyle="--", color="#D95319", linewidth=1)
    accuracy_ax.annotate(f"best: epoch {best.epoch}, {best.val_accuracy:.1%}",
                         (epochs[0], 100 * best.val_accuracy),
                         textcoords="offset points", xytext=(0, -14), color="#D95319")
    accuracy_ax.set(xlabel="epoch", ylabel="accuracy (%)")
    for ax in (loss_ax, accuracy_ax):
        ax.set_xticks(epochs if len(epochs) <= 12 else epochs[:: math.ceil(len(epochs) / 12)])
        ax.grid(alpha=0.3)
        ax.legend()
    return fig


def plot_predictions(model: nn.Module, data: ImageSplit, *, count: int = 16, columns: int = 8,
                     only_mistakes: bool = False, start: int = 0) -> Figure:
    """The first ``count`` images from ``start``, titled with the predicted class; mistakes in red.

    A wrong prediction's title also gives the true class. ``only_mistakes`` shows only
    the images the model gets wrong.

    >>> from cnnlab.data import ImageSplit
    >>> data = ImageSplit(torch.zeros(4, 1, 28, 28, dtype=torch.uint8), torch.tensor([0, 1, 0, 1]),
    ...                   ["cat", "dog"], "pets", "zeros")
    >>> model = nn.Sequential(nn.Flatten(), nn.Linear(784, 2))
    >>> fig = plot_predictions(model, data, count=4)
    >>> sorted(ax.get_title().split("\\n")[0] for ax in fig.axes if ax.get_title()) in (
    ...     ["cat"] * 4, ["dog"] * 4)  # a blank image gets one answer
    True
    """
    prediction = predict(model, data)
    indices = torch.arange(len(data))
    if only_mistakes:
        indices = indices[prediction.classes != data.labels.cpu()]
    indices = indices[start:start + count]
    if len(indices) == 0:
        raise ValueError("no image to show: " + ("the model makes no mistake there" if only_mistakes
                                                 else f"start={start} is past the {len(data)} images"))
    columns = min(columns, len(indices))
    rows = math.ceil(len(indices) / columns)
    fig, axes = plt.subplots(rows, columns, figsize=(1.25 * columns, 1.45 * rows), squeeze=False,
                             layout="constrained")
    for ax in axes.flat:
        ax.axis("off")
    for ax, index in zip(axes.flat, indices.tolist(), strict=False):
        predicted, true = int(prediction.classes[index]), int(data.labels[index])
        ax.imshow(data.images[index, 0].cpu().numpy(), cmap="gray_r")
        title = data.classes[predicted] + ("" if predicted == true else f"\n(true: {data.classes[true]})")
        ax.set_title(title, fontsize=8, color=RIGHT if predicted == true else WRONG)
    return fig


def confusion_matrix(labels: torch.Tensor, predicted: torch.Tensor, num_classes: int) -> torch.Tensor:
    """Counts: row = true class, column = predicted class.

    >>> confusion_matrix(torch.tensor([2, 2, 0]), torch.tensor([2, 1, 0]), num_classes=3).tolist()
    [[1, 0, 0], [0, 0, 0], [0, 1, 1]]
    """
    labels, predicted = labels.cpu().long(), predicted.cpu().long()
    if labels.shape != predicted.shape:
        raise ValueError(f"{len(labels)} labels but {len(predicted)} predictions: "
                         "give one of each per image")
    counts = torch.bincount(labels * num_classes + predicted, minlength=num_classes * num_classes)
    return counts.reshape(num_classes, num_classes)


def plot_confusion_matrix(model: nn.Module, data: ImageSplit) -> Figure:
    """The confusion matrix of ``model`` on ``data``, with the count in every cell.

    The diagonal holds the right answers; a large number off it is a pair of classes
    the model mixes up (on Fashion-MNIST: shirts and T-shirts).

    >>> from cnnlab.data import ImageSplit
    >>> data = ImageSplit(torch.zeros(3, 1, 28, 28, dtype=torch.uint8), torch.tensor([0, 1, 1]),
    ...                   ["cat", "dog"], "pets", "zeros")
    >>> fig = plot_confusion_matrix(nn.Sequential(nn.Flatten(), nn.Linear(784, 2)), data)
    >>> fig.axes[0].get_xlabel(), fig.axes[0].get_ylabel()
    ('predicted', 'true')
    """
    counts = confusion_matrix(data.labels, predict(model, data).classes, len(data.classes))
    size = 1.0 + 0.55 * len(data.classes)
    fig, ax = plt.subplots(figsize=(size + 1, size), layout="constrained")
    image = ax.imshow(counts.numpy(), cmap="Blues")
    fig.colorbar(image, ax=ax, shrink=0.8)
    ticks = range(len(data.classes))
    ax.set_xticks(ticks, data.classes, rotation=45 if max(map(len, data.classes)) > 2 else 0, ha="right")
    ax.set_yticks(ticks, data.classes)
    ax.set(xlabel="predicted", ylabel="true",
           title=f"{counts.trace().item():,} of {counts.sum().item():,} right")
    threshold = counts.max().item() / 2
    for row, counts_in_row in enumerate(counts.tolist()):
        for column, count in enumerate(counts_in_row):
            if count:
                ax.text(column, row, str(count), ha="center", va="center", fontsize=9,
                        color="white" if count > threshold else "black")
    return fig


def plot_filters(model: nn.Module, layer: str | nn.Conv2d | None = None, *,
                 max_filters: int = 32) -> Figure:
    """The kernels of a convolution layer (the model's first one by default), one image each.

    Red weights are positive, blue negative. A layer with several input channels
    shows one row per filter and one column per input channel.

    >>> fig = plot_filters(nn.Sequential(nn.Conv2d(1, 6, 5), nn.ReLU()))
    >>> len([ax for ax in fig.axes if ax.images])
    6
    """
    name, conv = _conv_layer(model, layer)
    weights = conv.weight.detach().float().cpu()[:max_filters]
    out_channels, in_channels = weights.shape[:2]
    limit = weights.abs().max().item() or 1.0
    if in_channels == 1:
        columns = min(8, out_channels)
        rows = math.ceil(out_channels / columns)
        kernels = [weights[index, 0] for index in range(out_channels)]
    else:
        rows, columns = out_channels, min(in_channels, 16)
        kernels = [weights[row, column] for row in range(rows) for column in range(columns)]
    fig, axes = plt.subplots(rows, columns, figsize=(0.8 * columns + 0.6, 0.8 * rows + 0.5), squeeze=False,
                             layout="constrained")
    for ax in axes.flat:
        ax.axis("off")
    for ax, kernel in zip(axes.flat, kernels, strict=False):
        ax.imshow(kernel.numpy(), cmap="RdBu_r", vmin=-limit, vmax=limit)
    shown = f" (first {max_filters})" if conv.out_channels > max_filters else ""
    fig.suptitle(f"{name}: {conv.out_channels} filters of {conv.in_channels}×{conv.kernel_size[0]}×"
                 f"{conv.kernel_size[1]}{shown}")
    return fig


def plot_feature_maps(model: nn.Module, image: torch.Tensor, layer: str | nn.Module | None = None, *,
                      max_maps: int = 32) -> Figure:
    """What a layer (the first convolution by default) outputs for one image: one map per channel.

    ``image``: ``uint8`` (0–255) or float (0–1), of shape (1, 28, 28) or (28, 28), e.g.
    ``test.images[0]``. ``layer``: a module of the model or its name (``"backbone.conv2"``).

    >>> model = nn.Sequential(nn.Conv2d(1, 4, 3), nn.ReLU())
    >>> fig = plot_feature_maps(model, torch.zeros(28, 28, dtype=torch.uint8))
    >>> len([ax for ax in fig.axes if ax.images])  # the image, then 4 maps
    5
    """
    if layer is None:
        name, module = _conv_layer(model, None)
    elif isinstance(layer, str):
        name, module = layer, _named(model, layer)
    else:
        name, module = next(((n, m) for n, m in model.named_modules() if m is layer), ("", None))
        if module is None:
            raise ValueError("that layer is not part of the model; give one of its modules or its name")
    if image.dim() == 2:
        image = image[None]
    if image.dim() != 3:
        raise ValueError(f"image must have shape (1, H, W) or (H, W), got {tuple(image.shape)}; "
                         "for one image of a batch, take images[0]")
    captured: list[torch.Tensor] = []
    hook = module.register_forward_hook(lambda _module, _inputs, output: captured.append(output.detach()))
    parameter = next(model.parameters(), None)
    device = parameter.device if parameter is not None else torch.device("cpu")
    was_training = model.training
    try:
        model.eval()
        with torch.inference_mode():
            model(normalize(image[None].to(device)))
    finally:
        hook.remove()
        model.train(was_training)
    if captured[0].dim() != 4:
        raise ValueError(f"{name} outputs shape {tuple(captured[0].shape)}, not feature maps (N, C, H, W): "
                         "pick a convolution or pooling layer")
    maps = captured[0][0].float().cpu()[:max_maps]
    columns = min(8, len(maps) + 1)
    rows = math.ceil((len(maps) + 1) / columns)
    fig, axes = plt.subplots(rows, columns, figsize=(1.1 * columns, 1.2 * rows + 0.3), squeeze=False,
                             layout="constrained")
    for ax in axes.flat:
        ax.axis("off")
    axes.flat[0].imshow(image[0].float().cpu().numpy(), cmap="gray_r")
    axes.flat[0].set_title("input", fontsize=8)
    for index, (ax, feature_map) in enumerate(zip(axes.flat[1:], maps, strict=False)):
        ax.imshow(feature_map.numpy(), cmap="viridis")
        ax.set_title(str(index), fontsize=8)
    fig.suptitle(f"{name}: {captured[0].shape[1]} maps of {captured[0].shape[2]}×{captured[0].shape[3]}")
    return fig


def _named(model: nn.Module, name: str) -> nn.Module:
    modules = dict(model.named_modules())
    if name not in modules:
        convolutions = [n for n, m in modules.items() if isinstance(m, nn.Conv2d)]
        raise ValueError(f"the model has no layer {name!r}; its convolutions are {', '.join(convolutions)}")
    return modules[name]


def _conv_layer(model: nn.Module, layer: str | nn.Conv2d | None) -> tuple[str, nn.Conv2d]:
    """The convolution asked for by name or module, or the model's first one."""
    if isinstance(layer, str):
        module = _named(model, layer)
        if not isinstance(module, nn.Conv2d):
            raise ValueError(f"{layer!r} is a {type(module).__name__}, not a Conv2d: "
                             "it has no filters to show")
        return layer, module
    for name, module in model.named_modules():
        if (layer is None and isinstance(module, nn.Conv2d)) or module is layer:
            return name or "conv", module  # type: ignore[return-value]
    raise ValueError("the model has no nn.Conv2d layer" if layer is None
                     else "that layer is not part of the model; give one of its modules or its name")
