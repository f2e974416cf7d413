"""The receptive field of every layer of a model: how many input pixels one unit sees.

``receptive_fields(model)`` walks the layers ``trace`` records and applies the
arithmetic of :func:`cnnlab.shapes.receptive_field` to each convolution and pooling
layer (activations, batch norm and dropout keep the field of the layer before). The walk
stops at the first layer whose output is no longer a stack of maps (a flatten): from there
on every unit sees the whole image.

>>> from cnnlab.models import LeNet5
>>> fields = receptive_fields(LeNet5())
>>> [(row.name, row.size[0]) for row in fields if row.type in ("Conv2d", "F.max_pool2d")]
[('backbone.conv1', 5), ('backbone.max_pool2d', 6), ('backbone.conv2', 14), ('backbone.max_pool2d', 16)]
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from dataclasses import dataclass

from torch import nn

from cnnlab.shapes import Field, receptive_field
from cnnlab.tracing import trace

__all__ = ["FieldRow", "FieldTable", "receptive_fields", "layer_settings"]

Pair = tuple[int, int]

_CONV = ("Conv2d", "F.conv2d")
_POOL = ("MaxPool2d", "F.max_pool2d", "AvgPool2d", "F.avg_pool2d")


@dataclass(frozen=True)
class FieldRow:
    """One layer: its name, type and output shape, and its field as (height, width) pairs."""

    name: str
    type: str
    output_shape: tuple[int, ...]
    size: Pair
    jump: Pair
    start: Pair

    def pixels(self, row: int, col: int) -> tuple[Pair, Pair]:
        """The input rows and columns (first, last; from 0) that unit (row, col) sees.

        >>> from cnnlab.models import LeNet5
        >>> receptive_fields(LeNet5())[-1].pixels(2, 2)  # an interior unit of the last pooling layer
        ((6, 21), (6, 21))
        """
        return tuple(Field(self.size[i], self.jump[i], self.start[i]).pixels(index)  # type: ignore[return-value]
                     for i, index in enumerate((row, col)))


@dataclass(frozen=True)
class FieldTable:
    """The rows of :func:`receptive_fields`; prints as a table (an HTML table in Jupyter)."""

    rows: tuple[FieldRow, ...]

    def _cells(self) -> list[tuple[str, ...]]:
        def text(pair: Pair) -> str:
            return str(pair[0]) if pair[0] == pair[1] else f"{pair[0]}×{pair[1]}"

        return [(row.name, row.type, str(row.output_shape), text(row.size), text(row.jump), text(row.start))
                for row in self.rows]

    def __str__(self) -> str:
        table = [_HEADER, *self._cells()]
        widths = [max(len(line[i]) for line in table) for i in range(len(_HEADER))]
        return "\n".join("  ".join(cell.ljust(width) if i < 3 else cell.rjust(width)
                                   for i, (cell, width) in enumerate(zip(line, widths, strict=True))).rstrip()
                         for line in table)

    def _repr_html_(self) -> str:
        pad = ' style="padding: 0.15em 0.9em 0.15em 0; text-align: left"'
        head = "".join(f"<th{pad}>{html.escape(cell)}</th>" for cell in _HEADER)
        body = "".join("<tr>" + "".join(f"<td{pad}>{html.escape(cell)}</td>" for cell in cells) + "</tr>"
                       for cells in self._cells())
        return (f'<div style="overflow-x: auto"><table class="cnnlab-fields" style="font-family: monospace">'
                f"<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table></div>")

    def __getitem__(self, index: int) -> FieldRow:
        return self.rows[index]

    def __len__(self) -> int:
        return len(self.rows)


_HEADER = ("layer", "type", "output", "size", "jump", "start")


def layer_settings(row_type: str, settings: dict) -> tuple[Pair, Pair, Pair, Pair]:
    """(kernel, stride, padding, dilation) of a traced layer, (h, w) pairs; (1, 1, 0, 1) if not spatial.

    >>> layer_settings("F.max_pool2d", {"kernel_size": (2, 2), "stride": (2, 2), "padding": (0, 0),
    ...                                 "dilation": (1, 1), "ceil_mode": False})
    ((2, 2), (2, 2), (0, 0), (1, 1))
    """
    if row_type not in _CONV + _POOL:
        return (1, 1), (1, 1), (0, 0), (1, 1)
    padding = settings["padding"]
    if padding == "valid":
        padding = (0, 0)
    elif padding == "same" or isinstance(padding, str):
        raise ValueError(f"padding={padding!r}: give the padding as numbers to compute a receptive field")
    return (tuple(settings["kernel_size"]), tuple(settings["stride"]), tuple(padding),  # type: ignore[return-value]
            tuple(settings.get("dilation", (1, 1))))


def receptive_fields(model: nn.Module, input_size: Sequence[int] = (1, 1, 28, 28)) -> FieldTable:
    """Size, jump and start of the receptive field after every layer of ``model``, up to the flatten.

    Chapter 10. Sizes are in input pixels, (height, width); ``start`` is where unit 0's field
    begins (negative: in the padding).

    >>> from cnnlab.models import SimpleCNN
    >>> print(receptive_fields(SimpleCNN()))  # doctest: +NORMALIZE_WHITESPACE
    layer       type          output           size  jump  start
    conv1       Conv2d        (1, 32, 28, 28)     3     1     -1
    relu        F.relu        (1, 32, 28, 28)     3     1     -1
    max_pool2d  F.max_pool2d  (1, 32, 14, 14)     4     2     -1
    conv2       Conv2d        (1, 64, 14, 14)     8     2     -3
    relu        F.relu        (1, 64, 14, 14)     8     2     -3
    max_pool2d  F.max_pool2d  (1, 64, 7, 7)      10     4     -3
    """
    traced = trace(model, input_size)
    if not traced.ok:
        raise ValueError(f"the model does not run on {tuple(input_size)}:\n{traced.diagnosis}")
    rows, stack = [], []
    for row in traced.rows:
        if row.output_shape is None or len(row.output_shape) != 4:
            break
        stack.append(layer_settings(row.type, row.settings))
        per_dimension = [receptive_field([(k[i], s[i], p[i], d[i]) for k, s, p, d in stack])[-1]
                         for i in (0, 1)]
        rows.append(FieldRow(row.name, row.type, row.output_shape,
                             size=(per_dimension[0].size, per_dimension[1].size),
                             jump=(per_dimension[0].jump, per_dimension[1].jump),
                             start=(per_dimension[0].start, per_dimension[1].start)))
    return FieldTable(tuple(rows))
