// The numbers a convolution and a pooling layer compute, one output cell at a time.
//
// Grids are arrays of rows. A convolution here is what nn.Conv2d computes (a cross-correlation:
// the kernel is not flipped), with zero padding on each side; tests/test_widget_parity.py
// checks these functions against PyTorch with node. Formatting matches cnnlab/widgets/grids.py.

import { convOutputSize, poolOutputSize } from "./shapes.js";

// Numbers as the widgets print them: rounded to 2 decimals (half away from zero), no trailing zeros.
export function formatValue(value) {
  return String(Number(value.toFixed(2)));
}

function factor(value) {
  return value < 0 ? `(${formatValue(value)})` : formatValue(value);
}

// The sizes of grids as shapes.js takes them: numbers when all are square (shorter messages), else pairs.
export function sizesOf(...grids) {
  const pairs = grids.map((grid) => [grid.length, grid[0].length]);
  return pairs.every(([rows, cols]) => rows === cols) ? pairs.map(([rows]) => rows) : pairs;
}

// An output size as a [height, width] pair.
export function pairOf(size) {
  return Array.isArray(size) ? size : [size, size];
}

// The input with `padding` rows and columns of zeros on every side.
export function padGrid(grid, padding) {
  const width = grid[0].length + 2 * padding;
  const zeros = () => new Array(width).fill(0);
  const rows = grid.map((row) => [...new Array(padding).fill(0), ...row, ...new Array(padding).fill(0)]);
  return [...Array.from({ length: padding }, zeros), ...rows, ...Array.from({ length: padding }, zeros)];
}

// One output cell of a convolution: where the window sits in the padded input, the
// products it adds up, the sum, and the multiply-and-add written out.
export function convolveCell(grid, kernel, stride, padding, row, col) {
  const padded = padGrid(grid, padding);
  const top = row * stride;
  const left = col * stride;
  const terms = [];
  let value = 0;
  kernel.forEach((weights, i) =>
    weights.forEach((weight, j) => {
      const x = padded[top + i][left + j];
      terms.push(`${factor(x)}·${factor(weight)}`);
      value += x * weight;
    }),
  );
  return { top, left, value, text: `${terms.join(" + ")} = ${formatValue(value)}` };
}

// The whole output of a convolution (throws a ShapeError for impossible settings).
export function convolve(grid, kernel, stride, padding) {
  const [rows, cols] = pairOf(convOutputSize(...sizesOf(grid, kernel), stride, padding));
  return Array.from({ length: rows }, (_, r) =>
    Array.from({ length: cols }, (_, c) => convolveCell(grid, kernel, stride, padding, r, c).value),
  );
}

// One output cell of max and average pooling: the window's corner and the chosen (largest, first
// if tied) cell in the padded input, both results, and each written out. As PyTorch computes it:
// max pooling ignores the padding (−∞), average pooling counts padded cells as zeros
// (count_include_pad=True) but not the part of a window that ceil_mode lets hang over the edge.
export function poolCell(grid, kernelSize, stride, row, col, padding = 0) {
  const [height, width] = [grid.length, grid[0].length];
  const top = row * stride;
  const left = col * stride;
  const values = [];
  const terms = [];
  let best = { value: -Infinity, row: top, col: left };
  for (let i = top; i < Math.min(top + kernelSize, height + 2 * padding); i += 1) {
    for (let j = left; j < Math.min(left + kernelSize, width + 2 * padding); j += 1) {
      const [r, c] = [i - padding, j - padding];
      if (r >= 0 && r < height && c >= 0 && c < width) {
        const value = grid[r][c];
        values.push(value);
        terms.push(formatValue(value));
        if (value > best.value) best = { value, row: i, col: j };
      } else {
        terms.push("0"); // a padded cell: −∞ for max pooling, 0 for average pooling
      }
    }
  }
  const average = values.reduce((a, b) => a + b, 0) / terms.length;
  return {
    top,
    left,
    max: best.value,
    maxRow: best.row,
    maxCol: best.col,
    average,
    maxText: `max(${values.map(formatValue).join(", ")}) = ${formatValue(best.value)}`,
    averageText: `(${terms.join(" + ")}) / ${terms.length} = ${formatValue(average)}`,
  };
}

// Both pooled outputs, {max, average} (throws a ShapeError when impossible).
export function pool(grid, kernelSize, stride, padding = 0, ceilMode = false) {
  const [rows, cols] = pairOf(poolOutputSize(...sizesOf(grid), kernelSize, stride, padding, 1, ceilMode));
  const cells = Array.from({ length: rows }, (_, r) =>
    Array.from({ length: cols }, (_, c) => poolCell(grid, kernelSize, stride, r, c, padding)),
  );
  return {
    max: cells.map((row) => row.map((c) => c.max)),
    average: cells.map((row) => row.map((c) => c.average)),
  };
}
