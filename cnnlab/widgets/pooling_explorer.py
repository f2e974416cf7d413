"""Pooling explorer: max against average pooling over the same small grid.

The default grid is the source tutorials' 4×4 example; the reader can edit it, and set the window
(``kernel_size``), ``stride``, ``padding`` and ``ceil_mode`` as ``nn.MaxPool2d`` takes them. The
browser computes everything itself (``pooling_explorer.js``); with a kernel, the Python side keeps
both outputs, the selected cell's calculation and ``error`` up to date.

>>> explorer = PoolingExplorer()
>>> explorer.max_output, explorer.average_output
([[4.0, 8.0], [9.0, 8.0]], [[3.25, 6.25], [5.75, 6.25]])
>>> explorer.stride = 1
>>> explorer.output_size
[3, 3]
>>> PoolingExplorer(kernel_size=3, padding=1).max_output
[[4.0, 8.0], [9.0, 8.0]]
"""

from __future__ import annotations

from typing import Any

import traitlets

from cnnlab.shapes import pool_output_size
from cnnlab.widgets.base import Widget, bundle
from cnnlab.widgets.grids import Grid, check_grid, pair_of, pool, pool_cell, sizes_of

SEED_GRID = [[3, 4, 6, 5], [2, 4, 6, 8], [1, 6, 7, 8], [9, 7, 4, 6]]


class PoolingExplorer(Widget):
    """A grid, a square window (``kernel_size``), ``stride``, ``padding`` and ``ceil_mode``; ``selected``
    is the output cell shown.

    Settings PyTorch would refuse do not raise: ``error`` holds the message the widget shows.

    >>> explorer = PoolingExplorer(selected=[1, 0])
    >>> explorer.max_calculation
    'max(1, 6, 9, 7) = 9'
    >>> PoolingExplorer(kernel_size=5).error.endswith("use a kernel ≤ 4")
    True
    """

    _esm = bundle("pooling_explorer.js")
    _parameters = ("kernel_size", "stride", "padding", "ceil_mode", "selected")

    grid = traitlets.List(traitlets.List(traitlets.Float()), default_value=SEED_GRID).tag(sync=True)
    kernel_size = traitlets.Int(2).tag(sync=True)
    stride = traitlets.Int(2).tag(sync=True)
    padding = traitlets.Int(0).tag(sync=True)
    ceil_mode = traitlets.Bool(False).tag(sync=True)
    selected = traitlets.List(traitlets.Int(), default_value=[0, 0], minlen=2, maxlen=2).tag(sync=True)

    output_size = traitlets.List(traitlets.Int(), read_only=True).tag(sync=True)
    max_output = traitlets.List(read_only=True).tag(sync=True)
    average_output = traitlets.List(read_only=True).tag(sync=True)
    max_calculation = traitlets.Unicode("", read_only=True).tag(sync=True)
    average_calculation = traitlets.Unicode("", read_only=True).tag(sync=True)
    error = traitlets.Unicode("", read_only=True).tag(sync=True)

    def __init__(self, **settings: Any) -> None:
        super().__init__(**settings)
        self._recompute()

    @traitlets.validate("grid")
    def _rectangle(self, proposal: Any) -> Grid:
        return check_grid("grid", proposal["value"])

    @traitlets.observe("grid", "kernel_size", "stride", "padding", "ceil_mode", "selected")
    def _recompute(self, _change: Any = None) -> None:
        try:
            rows, cols = pair_of(pool_output_size(*sizes_of(self.grid), self.kernel_size, self.stride,
                                                  self.padding, ceil_mode=self.ceil_mode))
        except ValueError as wrong:
            values: tuple[Any, ...] = ([], [], [], "", "", str(wrong))
        else:
            row, col = min(max(self.selected[0], 0), rows - 1), min(max(self.selected[1], 0), cols - 1)
            cell = pool_cell(self.grid, self.kernel_size, self.stride, row, col, self.padding)
            outputs = pool(self.grid, self.kernel_size, self.stride, self.padding, self.ceil_mode)
            values = ([rows, cols], *outputs, cell.max_text,
                      cell.average_text, "")
        with self.hold_trait_notifications():
            names = ("output_size", "max_output", "average_output", "max_calculation", "average_calculation",
                     "error")
            for name, value in zip(names, values, strict=True):
                self.set_trait(name, value)


def pooling_explorer(grid: Grid | None = None, kernel_size: int = 2, stride: int | None = None,
                     **settings: Any) -> PoolingExplorer:
    """A pooling explorer; ``stride`` defaults to ``kernel_size``, as in ``nn.MaxPool2d``.

    >>> pooling_explorer(kernel_size=3, stride=1).max_output
    [[7.0, 8.0], [9.0, 8.0]]
    """
    return PoolingExplorer(grid=SEED_GRID if grid is None else grid, kernel_size=kernel_size,
                           stride=kernel_size if stride is None else stride, **settings)
