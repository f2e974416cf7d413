"""Diagrams of the book: grids of numbers, zero padding, kernel windows, channels.

Every function draws with matplotlib and returns what it drew on (an ``Axes`` or a
``Figure``), so a chapter can add a title or combine panels. Coordinates follow the
book: ``(row, column)`` from the top-left corner, and a *window* is
``(row, column, height, width)`` counted on the **padded** grid.

>>> import matplotlib
>>> matplotlib.use("Agg")
>>> ax = draw_grid([[3, 4], [2, 4]], padding=1, highlight=(0, 0, 2, 2))
>>> ax.get_title()
''
>>> fig = draw_conv_step([[1, 2, 3, 0], [0, 1, 2, 3], [3, 0, 1, 2], [2, 3, 0, 1]],
...                      [[2, 0, 1], [0, 1, 2], [1, 0, 2]])
>>> print(multiply_and_add([[1, 2, 3], [0, 1, 2], [3, 0, 1]], [[2, 0, 1], [0, 1, 2], [1, 0, 2]]))
1·2 + 2·0 + 3·1
+ 0·0 + 1·1 + 2·2
+ 3·1 + 0·0 + 1·2 = 15
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

Window = tuple[int, int, int, int]
"""A kernel window on the padded grid: (row, column, height, width)."""

WINDOW_COLOURS = ("#d62728", "#1f77b4", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b")
PADDING_COLOUR = "#e6e6e6"
CHANNEL_COLOURS = ("#e8a0a0", "#a0d8a0", "#a0b8e8", "#f0d090", "#c8a8e0", "#a8dcdc")
OUTPUT_COLOURS = ("#f6c28b", "#b39ddb", "#80cbc4", "#f48fb1", "#c5e1a5", "#ffe082")


def _as_2d(values: Any) -> np.ndarray:
    """A 2-D numpy array from a list of lists, a numpy array or a tensor (extra size-1 dims dropped)."""
    array = values.detach().cpu().numpy() if isinstance(values, torch.Tensor) else np.asarray(values)
    array = array.squeeze() if array.ndim > 2 else array
    if array.ndim != 2:
        raise ValueError(f"expected a 2-D grid of values (height, width), got shape {array.shape}")
    return array


def _padding4(padding: int | Sequence[int]) -> tuple[int, int, int, int]:
    """(top, bottom, left, right) from p, (p_height, p_width) or (top, bottom, left, right)."""
    if isinstance(padding, int):
        return (padding,) * 4
    if len(padding) == 2:
        return (padding[0], padding[0], padding[1], padding[1])
    if len(padding) == 4:
        return (padding[0], padding[1], padding[2], padding[3])
    raise ValueError(f"padding must be p, (p_height, p_width) or (top, bottom, left, right), got {padding}")


def _format(value: float, fmt: str) -> str:
    return fmt.format(value) if fmt else (f"{value:g}" if float(value) != int(value) else f"{int(value)}")


def _fontsize(ax: Axes, columns: int) -> float:
    """A font size that fits a number into one cell of ``columns`` cells across the axes."""
    cell_points = ax.get_position().width * ax.figure.get_figwidth() * 72 / max(columns, 1)
    return float(np.clip(cell_points * 0.36, 5, 14))


def draw_grid(values: Any, ax: Axes | None = None, *, padding: int | Sequence[int] = 0,
              highlight: Window | Sequence[Window] | None = None, cmap: str | None = None,
              show_values: bool = True, fmt: str = "", title: str | None = None,
              fontsize: float | None = None) -> Axes:
    """Draw a grid of numbers with its zero padding shaded and kernel windows outlined.

    ``values`` is 2-D (list of lists, array or tensor). ``padding`` adds a grey ring of
    zeros: ``p`` on each side, ``(p_h, p_w)``, or ``(top, bottom, left, right)``.
    ``highlight`` is one window ``(row, col, height, width)`` on the padded grid, or a
    list of them (drawn in different colours). With ``cmap`` the cells are coloured
    by value, like an image; ``show_values=False`` hides the numbers.

    >>> import matplotlib; matplotlib.use("Agg")
    >>> ax = draw_grid([[1, 2], [3, 4]], padding=(0, 0, 0, 1), highlight=[(0, 0, 1, 2)])
    >>> len(ax.patches)  # 6 cells (two of them padding), the frame of the input, 1 window
    8
    """
    grid = _as_2d(values)
    top, bottom, left, right = _padding4(padding)
    padded = np.pad(grid.astype(float), ((top, bottom), (left, right)))
    rows, columns = padded.shape
    if ax is None:
        _, ax = plt.subplots(figsize=(min(0.5 * columns + 0.4, 8), min(0.5 * rows + 0.4, 8)))
    size = fontsize or _fontsize(ax, columns)
    colours = plt.get_cmap(cmap) if cmap else None
    low, high = (float(grid.min()), float(grid.max())) if grid.size else (0.0, 1.0)
    for r in range(rows):
        for c in range(columns):
            inside = top <= r < rows - bottom and left <= c < columns - right
            face = PADDING_COLOUR if not inside else "white"
            if inside and colours is not None:
                face = colours((padded[r, c] - low) / (high - low) if high > low else 0.0)
            ax.add_patch(Rectangle((c, r), 1, 1, facecolor=face, edgecolor="#9a9a9a", linewidth=0.6))
            if show_values:
                text_colour = "#8a8a8a" if not inside else "black"
                if inside and colours is not None and np.mean(face[:3]) < 0.5:
                    text_colour = "white"
                ax.text(c + 0.5, r + 0.5, _format(padded[r, c], fmt), ha="center", va="center",
                        fontsize=size, color=text_colour)
    if top or bottom or left or right:
        ax.add_patch(Rectangle((left, top), columns - left - right, rows - top - bottom, fill=False,
                               edgecolor="#555555", linewidth=1.2))
    windows = [] if highlight is None else (
        [highlight] if isinstance(highlight[0], int) else list(highlight))  # type: ignore[list-item]
    for i, (r, c, h, w) in enumerate(windows):  # type: ignore[misc]
        colour = WINDOW_COLOURS[i % len(WINDOW_COLOURS)]
        inset = 0.06 * (i % 3)
        ax.add_patch(Rectangle((c + inset, r + inset), w - 2 * inset, h - 2 * inset, fill=False,
                               edgecolor=colour, linewidth=2.6))
    ax.set_xlim(-0.05, columns + 0.05)
    ax.set_ylim(rows + 0.05, -0.05)
    ax.set_aspect("equal")
    ax.axis("off")
    if title:
        ax.set_title(title, fontsize=10)
    return ax


def multiply_and_add(window: Any, kernel: Any, bias: float = 0.0) -> str:
    """The multiply-and-add that gives one output cell, written out, one kernel row per line.

    >>> print(multiply_and_add([[3, 4], [2, 4]], [[1, 0], [0, 1]], bias=1))
    3·1 + 4·0
    + 2·0 + 4·1
    + 1 = 8
    """
    patch, weights = _as_2d(window), _as_2d(kernel)
    lines = [" + ".join(f"{_format(x, '')}·{_format(k, '')}" for x, k in zip(row, krow, strict=True))
             for row, krow in zip(patch, weights, strict=True)]
    total = float((patch * weights).sum()) + bias
    text = "\n+ ".join(lines)
    if bias:
        text += f"\n+ {_format(bias, '')}"
    return f"{text} = {_format(total, '')}"


def _cross_correlate(padded: np.ndarray, kernel: np.ndarray, stride: int) -> np.ndarray:
    """Slide ``kernel`` over ``padded`` (no flip), ``stride`` pixels per step."""
    kh, kw = kernel.shape
    out_h, out_w = (padded.shape[0] - kh) // stride + 1, (padded.shape[1] - kw) // stride + 1
    return np.array([[(padded[i * stride:i * stride + kh, j * stride:j * stride + kw] * kernel).sum()
                      for j in range(out_w)] for i in range(out_h)])


def draw_conv_step(input: Any, kernel: Any, *, padding: int = 0, stride: int = 1,
                   position: tuple[int, int] = (0, 0), bias: float = 0.0,
                   show_sum: bool = True) -> Figure:
    """One step of a convolution: input with the window, kernel, output so far, and the sum.

    ``position`` is the (row, column) of the output cell being computed; the output
    panel shows the cells computed before it, the current one outlined.

    >>> import matplotlib; matplotlib.use("Agg")
    >>> fig = draw_conv_step([[3, 4, 6], [2, 4, 6], [1, 6, 7]], [[1, 2], [3, 4]], position=(1, 1))
    >>> [ax.get_title() for ax in fig.axes if ax.get_title()]
    ['input 3×3', 'kernel 2×2', 'output 2×2']
    """
    image, weights = _as_2d(input), _as_2d(kernel)
    if padding < 0 or stride < 1:
        raise ValueError(f"padding must be ≥ 0 and stride ≥ 1, got padding={padding}, stride={stride}")
    padded = np.pad(image.astype(float), padding)
    kh, kw = weights.shape
    if padded.shape[0] < kh or padded.shape[1] < kw:
        raise ValueError(f"kernel {kh}×{kw} is larger than the padded input {padded.shape[0]}×"
                         f"{padded.shape[1]}; use more padding")
    output = _cross_correlate(padded, weights, stride) + bias
    row, col = position
    if not (0 <= row < output.shape[0] and 0 <= col < output.shape[1]):
        raise ValueError(f"position {position} is outside the {output.shape[0]}×{output.shape[1]} output")
    done = np.arange(output.size).reshape(output.shape) <= row * output.shape[1] + col
    widths = [padded.shape[1], 0.9, kw, 0.9, output.shape[1]]
    fig, axes = plt.subplots(1, 5, figsize=(min(1.6 + 0.42 * sum(widths), 8), 2.9 if show_sum else 2.4),
                             gridspec_kw={"width_ratios": widths})
    size = _fontsize(axes[0], padded.shape[1])
    title = f"input {image.shape[0]}×{image.shape[1]}" + (f", padding {padding}" if padding else "")
    draw_grid(image, axes[0], padding=padding, highlight=(row * stride, col * stride, kh, kw),
              title=title, fontsize=size)
    draw_grid(weights, axes[2], highlight=(0, 0, kh, kw), title=f"kernel {kh}×{kw}", fontsize=size)
    shown = np.where(done, output, np.nan)
    draw_grid(np.nan_to_num(shown), axes[4], highlight=(row, col, 1, 1), show_values=False,
              title=f"output {output.shape[0]}×{output.shape[1]}", fontsize=size)
    for (r, c), value in np.ndenumerate(output):
        if done[r, c]:
            axes[4].text(c + 0.5, r + 0.5, _format(value, ""), ha="center", va="center", fontsize=size,
                         fontweight="bold" if (r, c) == (row, col) else "normal")
    for ax, symbol in ((axes[1], "⋆"), (axes[3], "=")):
        ax.text(0.5, 0.5, symbol, ha="center", va="center", fontsize=30, transform=ax.transAxes)
        ax.axis("off")
    if show_sum:
        window = padded[row * stride:row * stride + kh, col * stride:col * stride + kw]
        fig.text(0.5, 0.02, multiply_and_add(window, weights, bias).replace("\n", " "), ha="center",
                 va="bottom", fontsize=9, family="monospace", wrap=True)
    return fig


def draw_coverage(size: int | tuple[int, int], kernel_size: int, stride: int = 1, padding: int = 0,
                  ax: Axes | None = None, *, outline: str = "first row") -> Axes:
    """How many windows read each input pixel; pixels no window reads are marked in red.

    ``outline`` draws the windows of the ``"first row"`` of positions, ``"all"`` or ``"none"``.

    >>> import matplotlib; matplotlib.use("Agg")
    >>> ax = draw_coverage(6, kernel_size=3, stride=2)   # the last row and column are never read
    >>> ax.get_title()
    '6×6 input, kernel 3, stride 2: 2×2 windows'
    """
    height, width = (size, size) if isinstance(size, int) else size
    counts = np.zeros((height + 2 * padding, width + 2 * padding), dtype=int)
    starts_h = range(0, counts.shape[0] - kernel_size + 1, stride)
    starts_w = range(0, counts.shape[1] - kernel_size + 1, stride)
    for r in starts_h:
        for c in starts_w:
            counts[r:r + kernel_size, c:c + kernel_size] += 1
    inner = counts[padding:padding + height, padding:padding + width]
    ax = draw_grid(inner, ax, padding=padding, cmap="Blues", show_values=False)
    size = _fontsize(ax, counts.shape[1])
    for (r, c), count in np.ndenumerate(inner):
        dark = count > 0.6 * inner.max()
        ax.text(c + padding + 0.5, r + padding + 0.5, str(count), ha="center", va="center",
                fontsize=size, color="white" if dark else "black")
        if count == 0:
            ax.add_patch(Rectangle((c + padding, r + padding), 1, 1, facecolor="#fbd5d5",
                                   edgecolor="#d62728", hatch="//", linewidth=0.8))
            ax.text(c + padding + 0.5, r + padding + 0.5, "0", ha="center", va="center",
                    color="#d62728", fontweight="bold", fontsize=size)
    chosen = {"all": [(r, c) for r in starts_h for c in starts_w],
              "first row": [(starts_h[0], c) for c in starts_w] if len(starts_h) else [], "none": []}
    for i, (r, c) in enumerate(chosen[outline]):
        inset = 0.07 * (i % 3)
        ax.add_patch(Rectangle((c + inset, r + inset), kernel_size - 2 * inset, kernel_size - 2 * inset,
                               fill=False, edgecolor=WINDOW_COLOURS[i % len(WINDOW_COLOURS)], linewidth=2.4))
    shape = f"{height}×{width}" + (f", padding {padding}" if padding else "")
    ax.set_title(f"{shape} input, kernel {kernel_size}, stride {stride}: "
                 f"{len(starts_h)}×{len(starts_w)} windows", fontsize=10)
    return ax


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
    size = _fontsize(ax, len(cells)) * 0.8
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


# ---------------------------------------------------------------- chapters 5–8: a network's shapes
# (added by the author of chapters 5–8; the functions above are chapters 1–4's)

FLOW_COLOURS = {"input": "#cfcfcf", "conv": "#90b8e0", "pool": "#f3c68c", "flat": "#a5d6a7",
                "failed": "#ef9a9a"}


def _flow_kind(row_type: str) -> str:
    lowered = row_type.lower()
    return "pool" if "pool" in lowered else "conv" if "conv" in lowered else "flat"


def draw_shape_flow(table: Any, ax: Axes | None = None, *, title: str | None = None) -> Axes:
    """The shapes a batch takes through a network, from ``cnnlab.shapes.trace(model, ...)``.

    One block per layer that changes the shape (activations and batch norm keep it and
    are left out): height for the image size, width for the number of channels (on a
    log scale), a thin bar for a flat vector. A layer that failed is drawn in red.

    >>> import matplotlib; matplotlib.use("Agg")
    >>> from cnnlab.models import LeNet5
    >>> from cnnlab.trace import trace
    >>> ax = draw_shape_flow(trace(LeNet5(), (1, 1, 28, 28)))
    >>> [text.get_text() for text in ax.texts][:3]
    ['input', '1 ch\\n28×28', 'conv1']
    """
    stages: list[tuple[str, str, tuple[int, ...] | None]] = [("input", "input", table.input_shape[1:])]
    for row in table.rows:
        last = row.name.split(".")[-1]
        name = row.name if last.isdigit() else last  # "conv1.0" says more than "0"
        if row.output_shape is None:
            stages.append((name, "failed", None))
        elif row.output_shape != row.input_shape:
            stages.append((name, _flow_kind(row.type), row.output_shape[1:]))
    sizes = [shape[-1] for _, _, shape in stages if shape is not None and len(shape) == 3]
    biggest = max(sizes, default=1)
    if ax is None:
        _, ax = plt.subplots(figsize=(min(0.8 * len(stages) + 0.4, 8), 2.4))
    for i, (name, kind, shape) in enumerate(stages):
        if shape is not None and len(shape) == 3:
            width, height = 0.2 + 0.09 * np.log2(shape[0] + 1), 0.3 + 2.2 * shape[-2] / biggest
        elif shape is not None:
            width, height = 0.12, 0.3 + 0.17 * np.log2(max(int(np.prod(shape)), 1) + 1)
        else:
            width, height = 0.5, 0.5
        label = "✗ failed" if shape is None else (
            f"{shape[0]} ch\n{shape[1]}×{shape[2]}" if len(shape) == 3 else "×".join(map(str, shape)))
        ax.add_patch(Rectangle((i - width / 2, -height / 2), width, height, facecolor=FLOW_COLOURS[kind],
                               edgecolor="#555555", linewidth=0.9))
        ax.text(i, 1.5, name, ha="center", va="bottom", fontsize=7.5)
        ax.text(i, -1.5, label, ha="center", va="top", fontsize=7,
                color="#a40000" if shape is None else "black")
    ax.set_xlim(-0.6, len(stages) - 0.4)
    ax.set_ylim(-1.9, 1.9)
    ax.axis("off")
    if title:
        ax.set_title(title, fontsize=10)
    return ax
