"""Convolution stepper: watch the window slide and each output cell being computed.

The default is the source tutorials' example: a 5×5 input and the 3×3 kernel 1…9. The browser
computes every cell itself (``conv_stepper.js``); with a kernel, the Python side keeps
``output``, ``calculation`` (the current cell's multiply-and-add) and ``error`` up to date.

>>> stepper = ConvStepper(stride=2)
>>> stepper.output
[[211.0, 262.0], [251.0, 169.0]]
>>> stepper.step = 1
>>> print(stepper.calculation)
6·1 + 5·2 + 7·3 + 6·4 + 8·5 + 2·6 + 7·7 + 8·8 + 4·9 = 262
"""

from __future__ import annotations

from typing import Any

import traitlets

from cnnlab.shapes import conv_output_size
from cnnlab.widgets.base import Widget, bundle
from cnnlab.widgets.grids import Grid, check_grid, convolve, convolve_cell, pair_of, sizes_of

SEED_INPUT = [[3, 4, 6, 5, 7], [2, 4, 6, 8, 2], [1, 6, 7, 8, 4], [9, 7, 4, 6, 2], [3, 7, 5, 4, 1]]
SEED_KERNEL = [[1, 2, 3], [4, 5, 6], [7, 8, 9]]


class ConvStepper(Widget):
    """A small input and kernel; ``padding`` and ``stride`` settable; ``step`` is the output cell shown.

    Cells are numbered row by row from 0. Settings PyTorch would refuse do not raise:
    ``error`` holds the message the widget shows.

    >>> ConvStepper(padding=1).output_size
    [5, 5]
    >>> ConvStepper(input=[[1, 2], [3, 4]]).error
    'kernel 3 is larger than the padded input 2 + 2·0 = 2; use padding ≥ 1'
    """

    _esm = bundle("conv_stepper.js")
    _parameters = ("padding", "stride", "step")

    input = traitlets.List(traitlets.List(traitlets.Float()), default_value=SEED_INPUT).tag(sync=True)
    kernel = traitlets.List(traitlets.List(traitlets.Float()), default_value=SEED_KERNEL).tag(sync=True)
    padding = traitlets.Int(0).tag(sync=True)
    stride = traitlets.Int(1).tag(sync=True)
    step = traitlets.Int(0).tag(sync=True)

    output = traitlets.List(read_only=True).tag(sync=True)
    output_size = traitlets.List(traitlets.Int(), read_only=True).tag(sync=True)
    calculation = traitlets.Unicode("", read_only=True).tag(sync=True)
    error = traitlets.Unicode("", read_only=True).tag(sync=True)

    def __init__(self, **settings: Any) -> None:
        super().__init__(**settings)
        self._recompute()

    @traitlets.validate("input", "kernel")
    def _rectangle(self, proposal: Any) -> Grid:
        return check_grid(proposal["trait"].name, proposal["value"])

    @traitlets.observe("input", "kernel", "padding", "stride", "step")
    def _recompute(self, _change: Any = None) -> None:
        try:
            size = conv_output_size(*sizes_of(self.input, self.kernel), self.stride, self.padding)
        except ValueError as wrong:
            values: tuple[Any, ...] = ([], [], "", str(wrong))
        else:
            rows, cols = pair_of(size)
            step = min(max(self.step, 0), rows * cols - 1)
            cell = convolve_cell(self.input, self.kernel, self.stride, self.padding, *divmod(step, cols))
            output = convolve(self.input, self.kernel, self.stride, self.padding)
            values = (output, [rows, cols], cell.text, "")
            if step != self.step:
                self.step = step  # observers run again with the step inside the output
                return
        with self.hold_trait_notifications():
            for name, value in zip(("output", "output_size", "calculation", "error"), values, strict=True):
                self.set_trait(name, value)


def conv_stepper(input: Grid | None = None, kernel: Grid | None = None, padding: int = 0, stride: int = 1,
                 **settings: Any) -> ConvStepper:
    """A convolution stepper; without ``input`` and ``kernel``, the source tutorials' 5×5 example.

    >>> conv_stepper(padding=1).output[0]       # the first row tutorial 000 prints with padding=1
    [91.0, 168.0, 224.0, 215.0, 127.0]
    >>> conv_stepper([[1, 2], [3, 4]], [[1]]).output
    [[1.0, 2.0], [3.0, 4.0]]
    """
    return ConvStepper(input=SEED_INPUT if input is None else input,
                       kernel=SEED_KERNEL if kernel is None else kernel,
                       padding=padding, stride=stride, **settings)
