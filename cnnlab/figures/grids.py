"""Grids of numbers with zero padding and kernel windows, and one convolution step drawn out.

>>> import matplotlib
>>> matplotlib.use("Agg")
>>> ax = draw_grid([[3, 4], [2, 4]], padding=1, highlight=(0, 0, 2, 2))
>>> len(ax.patches) > 0
True
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import matplotlib.pyplot as plt
import numpy as np
import torch
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle

Window = tuple[int, int, int, int]
"""A kernel window on the padded grid: (row, column, height, width)."""

WINDOW_COLOURS = ("#d62728", "#1f77b4", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b")
PADDING_COLOUR = "#e6e6e6"


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


def cell_fontsize(ax: Axes, columns: int) -> float:
    """A font size that fits a number into one cell of ``columns`` cells across the axes.

    >>> import matplotlib.pyplot as plt
    >>> fig, ax = plt.subplots(figsize=(4, 4))
    >>> cell_fontsize(ax, 5) > cell_fontsize(ax, 28)
    True
    >>> plt.close(fig)
    """
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
    size = fontsize or cell_fontsize(ax, columns)
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
    size = cell_fontsize(axes[0], padded.shape[1])
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
    size = cell_fontsize(ax, counts.shape[1])
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
