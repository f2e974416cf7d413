"""Shape explorer: vary kernel size, padding, stride, dilation and layer type, see the output size.

The browser computes and draws everything itself (``shape_explorer.js``, with the same
arithmetic as ``cnnlab.shapes``), so the widget stays live in the static book. With a
kernel, the Python side also keeps ``output``, ``formula`` and ``error`` up to date.

>>> explorer = ShapeExplorer(kernel_size=5, padding=2)
>>> explorer.output, explorer.formula
([28, 28], '⌊(28 + 2·2 − 1·(5 − 1) − 1) / 1⌋ + 1 = 28')
>>> explorer.stride = 2
>>> explorer.output
[14, 14]
"""

from __future__ import annotations

from typing import Any

import traitlets

from cnnlab.shapes import Size, explain
from cnnlab.widgets.base import Widget, bundle
from cnnlab.widgets.grids import pair_of


class ShapeExplorer(Widget):
    """Input size, kernel size, padding, stride, dilation and layer type in; output size out.

    ``layer`` is ``"conv"``, ``"max_pool"``, ``"avg_pool"`` or ``"conv_transpose"``;
    ``padding`` is a number (per side) or ``"same"``/``"valid"``. Settings PyTorch would
    refuse do not raise: ``error`` holds the message the widget shows, and ``output`` is empty.

    >>> ShapeExplorer(height=2, width=2, kernel_size=5).error
    'kernel 5 is larger than the padded input 2 + 2·0 = 2; use padding ≥ 2'
    """

    _esm = bundle("shape_explorer.js")
    _parameters = ("layer", "height", "width", "kernel_size", "padding", "stride", "dilation")

    layer = traitlets.Unicode("conv").tag(sync=True)
    height = traitlets.Int(28).tag(sync=True)
    width = traitlets.Int(28).tag(sync=True)
    kernel_size = traitlets.Int(5).tag(sync=True)
    padding = traitlets.Union([traitlets.Int(), traitlets.Unicode()], default_value=0).tag(sync=True)
    stride = traitlets.Int(1).tag(sync=True)
    dilation = traitlets.Int(1).tag(sync=True)
    ceil_mode = traitlets.Bool(False).tag(sync=True)
    output_padding = traitlets.Int(0).tag(sync=True)

    output = traitlets.List(traitlets.Int(), read_only=True).tag(sync=True)
    formula = traitlets.Unicode("", read_only=True).tag(sync=True)
    error = traitlets.Unicode("", read_only=True).tag(sync=True)

    def __init__(self, **settings: Any) -> None:
        super().__init__(**settings)
        self._recompute()

    @traitlets.observe("layer", "height", "width", "kernel_size", "padding", "stride", "dilation",
                       "ceil_mode", "output_padding")
    def _recompute(self, _change: Any = None) -> None:
        try:
            size = self.height if self.height == self.width else (self.height, self.width)
            result = explain(size, self.kernel_size, self.stride, self.padding,
                             self.dilation, layer=self.layer, ceil_mode=self.ceil_mode,  # type: ignore[arg-type]
                             output_padding=self.output_padding)
        except ValueError as wrong:
            values: tuple[list[int], str, str] = ([], "", str(wrong))
        else:
            values = (list(pair_of(result.output)), str(result), "")
        with self.hold_trait_notifications():
            for name, value in zip(("output", "formula", "error"), values, strict=True):
                self.set_trait(name, value)


def shape_explorer(size: Size = 28, kernel_size: int = 5, padding: int | str = 0, stride: int = 1,
                   dilation: int = 1, layer: str = "conv", **settings: Any) -> ShapeExplorer:
    """A shape explorer for an input of ``size`` (an int, or a (height, width) pair).

    >>> shape_explorer(5, kernel_size=3, stride=2).output       # the source tutorials' 5×5 example
    [2, 2]
    >>> shape_explorer((28, 32), kernel_size=2, layer="max_pool", stride=2).output
    [14, 16]
    """
    height, width = (size, size) if isinstance(size, int) else size
    return ShapeExplorer(height=height, width=width, kernel_size=kernel_size, padding=padding, stride=stride,
                         dilation=dilation, layer=layer, **settings)
