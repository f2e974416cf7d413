"""The shapes through a network, drawn from ``cnnlab.trace``: one block per layer."""

from __future__ import annotations

from typing import Any

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.axes import Axes
from matplotlib.patches import Rectangle

# ---------------------------------------------------------------- chapters 5–8: a network's shapes
# (added by the author of chapters 5–8; the functions above are chapters 1–4's)

FLOW_COLOURS = {"input": "#cfcfcf", "conv": "#90b8e0", "pool": "#f3c68c", "flat": "#a5d6a7",
                "failed": "#ef9a9a"}


def _flow_kind(row_type: str) -> str:
    lowered = row_type.lower()
    return "pool" if "pool" in lowered else "conv" if "conv" in lowered else "flat"


def _short_type(layer_type: str) -> str:
    """A short name for a layer of an nn.Sequential: 'Conv2d' → 'conv', 'MaxPool2d' → 'max pool'."""
    lowered = layer_type.lower().replace("_", "")
    for word, short in (("transpose", "conv⁻¹"), ("conv", "conv"), ("maxpool", "max pool"),
                        ("avgpool", "avg pool"), ("linear", "linear"), ("flatten", "flatten")):
        if word in lowered:
            return short
    return layer_type


def draw_shape_flow(table: Any, ax: Axes | None = None, *, title: str | None = None) -> Axes:
    """The shapes a batch takes through a network, from ``cnnlab.trace(model, ...)``.

    One block per layer that changes the shape (activations and batch norm keep it and
    are left out): height for the image size, width for the number of channels (on a
    log scale, from narrow for 1 channel to the full column for the most channels), a
    thin bar for a flat vector. A layer that failed is drawn in red.

    >>> import matplotlib; matplotlib.use("Agg")
    >>> from cnnlab.models import LeNet5
    >>> from cnnlab.tracing import trace
    >>> ax = draw_shape_flow(trace(LeNet5(), (1, 1, 28, 28)))
    >>> [text.get_text() for text in ax.texts][:3]
    ['input', '1 ch\\n28×28', 'conv1']
    """
    stages: list[tuple[str, str, tuple[int, ...] | None]] = [("input", "input", table.input_shape[1:])]
    for row in table.rows:
        last = row.name.split(".")[-1]
        name = _short_type(row.type) if last.isdigit() else last  # "net.0" says less than "conv"
        if row.output_shape is None:
            stages.append((name, "failed", None))
        elif row.output_shape != row.input_shape:
            stages.append((name, _flow_kind(row.type), row.output_shape[1:]))
    sizes = [shape[-1] for _, _, shape in stages if shape is not None and len(shape) == 3]
    biggest = max(sizes, default=1)
    most_channels = max((shape[0] for _, _, shape in stages if shape is not None and len(shape) == 3),
                        default=1)
    if ax is None:
        _, ax = plt.subplots(figsize=(min(0.8 * len(stages) + 0.4, 8), 2.4))
    for i, (name, kind, shape) in enumerate(stages):
        if shape is not None and len(shape) == 3:
            width = 0.15 + 0.7 * np.log2(shape[0] + 1) / np.log2(most_channels + 1)
            height = 0.3 + 2.2 * shape[-2] / biggest
        elif shape is not None:
            width, height = 0.12, 0.3 + 0.17 * np.log2(max(int(np.prod(shape)), 1) + 1)
        else:
            width, height = 0.5, 0.5
        label = "✗ failed" if shape is None else (
            f"{shape[0]} ch\n{shape[1]}×{shape[2]}" if len(shape) == 3 else "×".join(map(str, shape)))
        ax.add_patch(Rectangle((i - width / 2, -height / 2), width, height, facecolor=FLOW_COLOURS[kind],
                               edgecolor="#555555", linewidth=0.9))
        ax.text(i, 1.5, name, ha="center", va="bottom", fontsize=9)
        ax.text(i, -1.5, label, ha="center", va="top", fontsize=9,
                color="#a40000" if shape is None else "black")
    ax.set_xlim(-0.6, len(stages) - 0.4)
    ax.set_ylim(-1.9, 1.9)
    ax.axis("off")
    if title:
        ax.set_title(title, fontsize=10)
    return ax
