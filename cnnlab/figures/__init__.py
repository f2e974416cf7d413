"""Diagrams of the book: grids of numbers, zero padding, kernel windows, channels.

Three small modules, all re-exported here (``from cnnlab import figures``):

- ``figures.grids``: ``draw_grid``, ``draw_conv_step``, ``multiply_and_add``, ``draw_coverage``
- ``figures.channels``: ``draw_images``, ``draw_channels``, ``draw_conv_channels``, ``draw_memory_order``
- ``figures.networks``: ``draw_shape_flow`` (the shapes through a network, from ``trace``)

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

from cnnlab.figures.channels import (
    CHANNEL_COLOURS,
    OUTPUT_COLOURS,
    draw_channels,
    draw_conv_channels,
    draw_images,
    draw_memory_order,
)
from cnnlab.figures.grids import (
    PADDING_COLOUR,
    WINDOW_COLOURS,
    Window,
    draw_conv_step,
    draw_coverage,
    draw_grid,
    multiply_and_add,
)
from cnnlab.figures.networks import draw_shape_flow

__all__ = [
    "WINDOW_COLOURS", "PADDING_COLOUR", "CHANNEL_COLOURS", "OUTPUT_COLOURS", "Window",
    "draw_grid", "draw_conv_step", "multiply_and_add", "draw_coverage",
    "draw_images", "draw_channels", "draw_conv_channels", "draw_memory_order", "draw_shape_flow",
]
