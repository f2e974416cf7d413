"""Images, their channels, filters over channels, and the memory order of a tensor.

>>> import matplotlib
>>> matplotlib.use("Agg")
>>> fig = draw_conv_channels(in_channels=3, out_channels=2)
>>> len(fig.axes)
1
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import matplotlib.pyplot as plt
import numpy as np
import torch
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.patches import Polygon, Rectangle

from cnnlab.figures.grids import cell_fontsize, draw_grid

CHANNEL_COLOURS = ("#e8a0a0", "#a0d8a0", "#a0b8e8", "#f0d090", "#c8a8e0", "#a8dcdc")
OUTPUT_COLOURS = ("#f6c28b", "#b39ddb", "#80cbc4", "#f48fb1", "#c5e1a5", "#ffe082")


def draw_images(images: Any, labels: Sequence[Any] | None = None, *, columns: int = 8,
                cmap: str = "gray_r", title: str | None = None) -> Figure:
    """A grid of images (N, H, W) or (N, 1, H, W), each with its label above it.

    >>> import matplotlib; matplotlib.use("Agg")
    >>> fig = draw_images(torch.zeros(3, 1, 28, 28), labels=[7, 2, 1])
    >>> [ax.get_title() for ax in fig.axes][:3]
    ['7', '2', '1']
    """
    batch = images.detach().cpu().numpy() if isinstance(images, torch.Tensor) else np.asarray(images)
    batch = batch[:, 0] if batch.ndim == 4 else batch
    rows = -(-len(batch) // columns)
    size = min(8 / columns, 2.0)  # inches per image: 1 for 8 columns, at most 2
    fig, axes = plt.subplots(rows, columns, figsize=(size * columns, (size + 0.2) * rows), squeeze=False)
    for i, ax in enumerate(axes.flat):
        ax.axis("off")
        if i < len(batch):
            ax.imshow(batch[i], cmap=cmap)
            if labels is not None:
                ax.set_title(str(labels[i]), fontsize=10)
    if title:
        fig.suptitle(title, fontsize=11)
    return fig


def draw_channels(image: Any, *, names: Sequence[str] = ("red", "green", "blue"),
                  show_values: bool = True) -> Figure:
    """An image (C, H, W) and each of its channels as a grid of its own (values 0–255 or 0–1).

    >>> import matplotlib; matplotlib.use("Agg")
    >>> fig = draw_channels(torch.zeros(3, 2, 2, dtype=torch.uint8))
    >>> [ax.get_title() for ax in fig.axes]
    ['image (3, 2, 2)', 'channel 0: red', 'channel 1: green', 'channel 2: blue']
    """
    pixels = image.detach().cpu().numpy() if isinstance(image, torch.Tensor) else np.asarray(image)
    channels = pixels.shape[0]
    fig, axes = plt.subplots(1, channels + 1, figsize=(min(2.1 * (channels + 1), 8), 2.3))
    scale = 255.0 if pixels.max() > 1 else 1.0
    composite = pixels.transpose(1, 2, 0) / scale if channels == 3 else pixels[0] / scale
    axes[0].imshow(composite, cmap=None if channels == 3 else "gray", vmin=0, vmax=1)
    axes[0].set_title(f"image {tuple(pixels.shape)}", fontsize=10)
    axes[0].set_xticks([])
    axes[0].set_yticks([])
    maps = ("Reds", "Greens", "Blues") if channels == 3 else ("gray",) * channels
    for c in range(channels):
        name = names[c] if channels == 3 else f"{c}"
        draw_grid(pixels[c], axes[c + 1], cmap=maps[c], show_values=show_values,
                  title=f"channel {c}: {name}" if channels == 3 else f"channel {name}")
    return fig


def _sheets(ax: Axes, x: float, y: float, count: int, cells: int, colours: Sequence[str],
            label: str) -> None:
    """A stack of ``count`` sheets of ``cells``×``cells`` pixels, back to front, with a label below."""
    step, width = 0.35, cells * 0.5
    for i in reversed(range(count)):
        dx, dy = i * step, i * step
        corners = [(x + dx, y + dy), (x + dx + width, y + dy), (x + dx + width, y + dy + width),
                   (x + dx, y + dy + width)]
        ax.add_patch(Polygon(corners, closed=True, facecolor=colours[i % len(colours)],
                             edgecolor="#444444", linewidth=0.9))
    for k in range(1, cells):  # the pixel grid of the front sheet
        ax.plot([x + k * 0.5] * 2, [y, y + width], color="#444444", linewidth=0.3)
        ax.plot([x, x + width], [y + k * 0.5] * 2, color="#444444", linewidth=0.3)
    ax.text(x + width / 2 + (count - 1) * step / 2, y - 0.25, label, ha="center", va="top", fontsize=9)


def draw_conv_channels(in_channels: int = 3, out_channels: int = 2, *, size: int = 5,
                       kernel_size: int = 3) -> Figure:
    """Why a convolution with ``out_channels`` filters gives ``out_channels`` maps, one per filter.

    Each row: the whole input (``in_channels`` sheets) ⋆ one filter (also ``in_channels``
    sheets) + its bias = ONE output map; the maps are then stacked into the output.

    >>> import matplotlib; matplotlib.use("Agg")
    >>> fig = draw_conv_channels(3, 2)
    >>> fig.axes[0].get_title()
    'nn.Conv2d(3, 2, kernel_size=3): weight (2, 3, 3, 3), bias (2,)'
    """
    out_size, depth = size - kernel_size + 1, in_channels * 0.35
    row_height = size * 0.5 + depth + 1.4
    fig, ax = plt.subplots(figsize=(8, min(0.9 + row_height * out_channels * 0.45, 6)))
    fx = size * 0.5 + depth + 1.3                      # where the filters start
    ox = fx + kernel_size * 0.5 + depth + 2.1          # where the output maps start
    sx = ox + out_size * 0.5 + 2.0                     # where the stacked output starts
    total = row_height * out_channels
    sy = total / 2 - 0.7 - out_size * 0.25 - (out_channels - 1) * 0.175
    for f in range(out_channels):
        y = (out_channels - 1 - f) * row_height
        _sheets(ax, 0, y, in_channels, size, CHANNEL_COLOURS, f"input {in_channels}×{size}×{size}")
        ax.text(size * 0.5 + depth + 0.35, y + size * 0.25, "⋆", fontsize=24, va="center")
        _sheets(ax, fx, y + (size - kernel_size) * 0.25, in_channels, kernel_size, CHANNEL_COLOURS,
                f"filter {f}: {in_channels}×{kernel_size}×{kernel_size}")
        ax.text(fx + kernel_size * 0.5 + depth + 0.2, y + size * 0.25, f"+ b{f} =", fontsize=12, va="center")
        my = y + (size - out_size) * 0.25
        _sheets(ax, ox, my, 1, out_size, [OUTPUT_COLOURS[f % len(OUTPUT_COLOURS)]],
                f"map {f}: 1×{out_size}×{out_size}")
        ax.annotate("", xy=(sx - 0.15, sy + out_size * 0.25 + f * 0.35),
                    xytext=(ox + out_size * 0.5 + 0.15, my + out_size * 0.25),
                    arrowprops={"arrowstyle": "->", "color": "#666666"})
    _sheets(ax, sx, sy, out_channels, out_size, OUTPUT_COLOURS,
            f"output {out_channels}×{out_size}×{out_size}")
    ax.set_xlim(-0.3, sx + out_size * 0.5 + out_channels * 0.35 + 1.2)
    ax.set_ylim(-1.2, total - 0.6)
    ax.set_aspect("equal")
    ax.axis("off")
    ax.set_title(f"nn.Conv2d({in_channels}, {out_channels}, kernel_size={kernel_size}): weight "
                 f"({out_channels}, {in_channels}, {kernel_size}, {kernel_size}), bias ({out_channels},)",
                 fontsize=10)
    return fig


def draw_memory_order(tensor: torch.Tensor, ax: Axes | None = None, *,
                      names: Sequence[str] = ("R", "G", "B")) -> Axes:
    """The order in which a (1, C, H, W) tensor's values lie in memory, read from its strides.

    Each cell is one value, labelled channel and (row, column), coloured by channel.

    >>> import matplotlib; matplotlib.use("Agg")
    >>> x = torch.zeros(1, 3, 2, 2).to(memory_format=torch.channels_last)
    >>> draw_memory_order(x).get_title()
    'strides (12, 1, 6, 3): memory order'
    """
    _, channels, height, width = tensor.shape
    _, s_c, s_h, s_w = tensor.stride()
    cells = sorted((c * s_c + h * s_h + w * s_w, c, h, w)
                   for c in range(channels) for h in range(height) for w in range(width))
    if ax is None:
        _, ax = plt.subplots(figsize=(min(0.62 * len(cells) + 0.4, 8), 1.1))
    size = cell_fontsize(ax, len(cells)) * 0.8
    for i, (_, c, h, w) in enumerate(cells):
        ax.add_patch(Rectangle((i, 0), 1, 1, facecolor=CHANNEL_COLOURS[c % len(CHANNEL_COLOURS)],
                               edgecolor="#444444", linewidth=0.8))
        name = names[c] if c < len(names) else f"c{c}"
        ax.text(i + 0.5, 0.5, f"{name}\n{h},{w}", ha="center", va="center", fontsize=size)
    ax.set_xlim(-0.05, len(cells) + 0.05)
    ax.set_ylim(1.05, -0.05)
    ax.set_aspect("equal")
    ax.axis("off")
    ax.set_title(f"strides {tuple(tensor.stride())}: memory order", fontsize=10)
    return ax
