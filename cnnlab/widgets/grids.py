"""The numbers behind the convolution stepper and the pooling explorer, one cell at a time.

The same arithmetic as ``grids.js`` (which the browser runs), in Python, so that a notebook
with a kernel can read what the widget shows. A convolution here is what ``nn.Conv2d``
computes: the window slides over the zero-padded input and multiplies-and-adds, without
flipping the kernel.

>>> example = [[3, 4, 6, 5, 7], [2, 4, 6, 8, 2], [1, 6, 7, 8, 4], [9, 7, 4, 6, 2], [3, 7, 5, 4, 1]]
>>> kernel = [[1, 2, 3], [4, 5, 6], [7, 8, 9]]
>>> convolve(example, kernel, stride=2, padding=0)
[[211.0, 262.0], [251.0, 169.0]]
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from cnnlab.shapes import Size, conv_output_size, pool_output_size

Grid = list[list[float]]


def format_value(value: float) -> str:
    """A number as the widgets print it: rounded to 2 decimals (half away from zero), no trailing zeros.

    This is JavaScript's ``String(Number(value.toFixed(2)))``, so both sides print alike.

    >>> format_value(211.0), format_value(3.25), format_value(1 / 3), format_value(-0.125)
    ('211', '3.25', '0.33', '-0.13')
    """
    rounded = Decimal(abs(value)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    text = f"{rounded:f}".rstrip("0").rstrip(".")
    return "-" + text if value < 0 and rounded != 0 else text


def _factor(value: float) -> str:
    return f"({format_value(value)})" if value < 0 else format_value(value)


def check_grid(name: str, grid: Grid) -> Grid:
    """``grid`` as a rectangular list of float rows, or a ``ValueError`` that says what is wrong.

    >>> check_grid("kernel", [[1, 0], [0, 1]])
    [[1.0, 0.0], [0.0, 1.0]]
    >>> check_grid("kernel", [[1, 0], [1]])
    Traceback (most recent call last):
    ...
    ValueError: kernel must be a rectangle of numbers (rows of equal length), got row lengths [2, 1]
    """
    rows = [list(row) for row in grid]
    if not rows or not rows[0]:
        raise ValueError(f"{name} must have at least one row and one column, got {grid!r}")
    if len({len(row) for row in rows}) != 1:
        raise ValueError(f"{name} must be a rectangle of numbers (rows of equal length), "
                         f"got row lengths {[len(row) for row in rows]}")
    try:
        return [[float(value) for value in row] for row in rows]
    except (TypeError, ValueError):
        raise ValueError(f"{name} must contain only numbers, got {grid!r}") from None


def sizes_of(*grids: Grid) -> list[Size]:
    """The sizes of grids as ``cnnlab.shapes`` takes them: numbers when all are square, else pairs.

    Square sizes give shorter messages (no "height:" in front).

    >>> sizes_of([[1, 2], [3, 4]], [[1]]), sizes_of([[1, 2], [3, 4]], [[1, 2]])
    ([2, 1], [(2, 2), (1, 2)])
    """
    pairs = [(len(grid), len(grid[0])) for grid in grids]
    return [rows for rows, _ in pairs] if all(rows == cols for rows, cols in pairs) else list(pairs)


def pair_of(size: Size) -> tuple[int, int]:
    """An output size as a (height, width) pair.

    >>> pair_of(5), pair_of((2, 3))
    ((5, 5), (2, 3))
    """
    return (size, size) if isinstance(size, int) else (size[0], size[1])


def pad_grid(grid: Grid, padding: int) -> Grid:
    """``grid`` with ``padding`` rows and columns of zeros on every side.

    >>> pad_grid([[1, 2]], 1)
    [[0, 0, 0, 0], [0, 1, 2, 0], [0, 0, 0, 0]]
    """
    width = len(grid[0]) + 2 * padding
    rows = [[0] * padding + list(row) + [0] * padding for row in grid]
    return [[0] * width for _ in range(padding)] + rows + [[0] * width for _ in range(padding)]


@dataclass(frozen=True)
class ConvolvedCell:
    """One output cell: the window's top-left corner in the padded input, the sum, and its text.

    >>> ConvolvedCell(top=0, left=2, value=5.0, text="1·5 = 5").left
    2
    """

    top: int
    left: int
    value: float
    text: str


def convolve_cell(grid: Grid, kernel: Grid, stride: int, padding: int, row: int, col: int) -> ConvolvedCell:
    """Output cell (``row``, ``col``) of the convolution, with the multiply-and-add written out.

    >>> print(convolve_cell([[1, 2], [3, 4]], [[1, 0], [0, -1]], 1, 0, 0, 0).text)
    1·1 + 2·0 + 3·0 + 4·(-1) = -3
    """
    padded = pad_grid(grid, padding)
    top, left = row * stride, col * stride
    terms, value = [], 0.0
    for i, weights in enumerate(kernel):
        for j, weight in enumerate(weights):
            x = padded[top + i][left + j]
            terms.append(f"{_factor(x)}·{_factor(weight)}")
            value += x * weight
    return ConvolvedCell(top, left, value, f"{' + '.join(terms)} = {format_value(value)}")


def convolve(grid: Grid, kernel: Grid, stride: int = 1, padding: int = 0) -> Grid:
    """The whole output (a ``ValueError`` from ``cnnlab.shapes`` for impossible settings).

    >>> convolve([[1, 2], [3, 4]], [[1]], padding=1)
    [[0.0, 0.0, 0.0, 0.0], [0.0, 1.0, 2.0, 0.0], [0.0, 3.0, 4.0, 0.0], [0.0, 0.0, 0.0, 0.0]]
    """
    rows, cols = pair_of(conv_output_size(*sizes_of(grid, kernel), stride, padding))
    return [[convolve_cell(grid, kernel, stride, padding, r, c).value for c in range(cols)]
            for r in range(rows)]


@dataclass(frozen=True)
class PooledCell:
    """One output cell of max and average pooling: the window, the chosen cell, both results.

    ``top`` and ``left`` are the window's corner in the padded input; ``max_row`` and ``max_col``
    the chosen cell, also in the padded input.

    >>> pool_cell([[1, 9], [3, 4]], 2, 2, 0, 0).max_row, pool_cell([[1, 9], [3, 4]], 2, 2, 0, 0).max_col
    (0, 1)
    """

    top: int
    left: int
    max: float
    max_row: int
    max_col: int
    average: float
    max_text: str
    average_text: str


def pool_cell(grid: Grid, kernel_size: int, stride: int, row: int, col: int, padding: int = 0) -> PooledCell:
    """Output cell (``row``, ``col``) of max and of average pooling (the first largest value wins ties).

    As PyTorch computes it: max pooling ignores the padding (it pads with −∞); average pooling
    counts padded cells as zeros (``count_include_pad=True``), but not the part of a window that
    ``ceil_mode`` lets hang over the padded input's edge.

    >>> cell = pool_cell([[3, 4, 6, 5], [2, 4, 6, 8]], 2, 2, 0, 0)
    >>> print(cell.max_text, "|", cell.average_text)
    max(3, 4, 2, 4) = 4 | (3 + 4 + 2 + 4) / 4 = 3.25
    >>> print(pool_cell([[3, 4], [2, 4]], 2, 2, 0, 0, padding=1).average_text)
    (0 + 0 + 0 + 3) / 4 = 0.75
    """
    height, width = len(grid), len(grid[0])
    top, left = row * stride, col * stride
    values, terms, best = [], [], (float("-inf"), top, left)
    for i in range(top, min(top + kernel_size, height + 2 * padding)):
        for j in range(left, min(left + kernel_size, width + 2 * padding)):
            r, c = i - padding, j - padding
            if 0 <= r < height and 0 <= c < width:
                value = grid[r][c]
                values.append(value)
                terms.append(format_value(value))
                if value > best[0]:
                    best = (value, i, j)
            else:
                terms.append("0")  # a padded cell: −∞ for max pooling, 0 for average pooling
    average = sum(values) / len(terms)
    return PooledCell(top, left, best[0], best[1], best[2], average,
                      f"max({', '.join(format_value(v) for v in values)}) = {format_value(best[0])}",
                      f"({' + '.join(terms)}) / {len(terms)} = {format_value(average)}")


def pool(grid: Grid, kernel_size: int, stride: int, padding: int = 0,
         ceil_mode: bool = False) -> tuple[Grid, Grid]:
    """Max-pooled and average-pooled outputs (a ``ValueError`` from ``cnnlab.shapes`` when impossible).

    >>> pool([[3, 4, 6, 5], [2, 4, 6, 8], [1, 6, 7, 8], [9, 7, 4, 6]], 2, 2)
    ([[4, 8], [9, 8]], [[3.25, 6.25], [5.75, 6.25]])
    >>> pool([[3, 4, 6], [2, 4, 6], [1, 6, 7]], 2, 2, ceil_mode=True)
    ([[4, 6], [6, 7]], [[3.25, 6.0], [3.5, 7.0]])
    """
    rows, cols = pair_of(pool_output_size(*sizes_of(grid), kernel_size, stride, padding, ceil_mode=ceil_mode))
    cells = [[pool_cell(grid, kernel_size, stride, r, c, padding) for c in range(cols)] for r in range(rows)]
    return [[c.max for c in row] for row in cells], [[c.average for c in row] for row in cells]
