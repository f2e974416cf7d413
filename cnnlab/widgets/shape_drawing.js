// The shape explorer's picture: the (padded) input, the window at its first three positions and
// the output, as SVG; for a transposed convolution, the patches each input cell paints. Its
// labels come from the string tables (t: the widget's translator, i18n.js).

import { paddingBeforeAfter } from "./shapes.js";
import { h, svg } from "./ui.js";

const COLORS = ["var(--cl-c1)", "var(--cl-c2)", "var(--cl-c3)"];
const MAX_DRAWN = 96; // larger grids are described, not drawn

const TOP = 20; // room for the labels above the grids
const GAP = 60; // room for the arrow between input and output
const CHAR_WIDTH = 7; // about the width of one character of a 12px label (a Chinese one: 12)

// About how wide a 12px label is drawn.
function textWidth(text) {
  return Array.from(text).reduce((sum, char) => sum + (char.codePointAt(0) >= 0x2e80 ? 12 : CHAR_WIDTH), 0);
}

// A grid of cells at (x, TOP); cellClass(r, c) names each cell's style.
function grid(x, rows, cols, size, cellClass) {
  const group = svg("g", { transform: `translate(${x} ${TOP})` });
  for (let r = 0; r < rows; r += 1) {
    for (let c = 0; c < cols; c += 1) {
      const cell = { x: c * size, y: r * size, width: size, height: size, class: cellClass(r, c) };
      group.append(svg("rect", cell));
    }
  }
  return group;
}

// The cells one window covers (dilation leaves gaps) in one colour, and its outline.
// `at` is the window's top-left cell [row, col] in the grid drawn at x.
function windowMark(x, at, p, size, color, first) {
  const [top, left] = at;
  const span = p.dilation * (p.kernel - 1) + 1;
  const group = svg("g", { transform: `translate(${x} ${TOP})`, style: `--mark: ${color}` });
  for (let a = 0; a < p.kernel; a += 1) {
    for (let b = 0; b < p.kernel; b += 1) {
      const cell = { x: (left + b * p.dilation) * size, y: (top + a * p.dilation) * size };
      group.append(svg("rect", { ...cell, width: size, height: size, class: "cl-tap" }));
    }
  }
  const outline = { x: left * size, y: top * size, width: span * size, height: span * size };
  group.append(svg("rect", { ...outline, class: first ? "cl-window cl-first" : "cl-window" }));
  return group;
}

// The first three cells of a rows × cols grid, row by row.
function firstCells(rows, cols) {
  const cells = [];
  for (let i = 0; i < rows * cols && cells.length < 3; i += 1) cells.push([Math.floor(i / cols), i % cols]);
  return cells;
}

// The input pixels (counting from 0, along one side of `n`) that no window covers: with
// `before` zeros in front, windows of `k` taps `d` apart start every `s` cells, `out` times.
// When the stride does not divide evenly, the last rows or columns are never looked at.
export function unreached(n, before, k, s, d, out) {
  const covered = new Set();
  for (let i = 0; i < out; i += 1) {
    for (let a = 0; a < k; a += 1) covered.add(i * s + a * d - before);
  }
  return Array.from({ length: n }, (_, x) => x).filter((x) => !covered.has(x));
}

// The class of a cell: its colour when it is one of `marked`.
function marking(marked, plain) {
  const index = new Map(marked.map(([r, c], i) => [`${r},${c}`, i]));
  return (r, c) => (index.has(`${r},${c}`) ? `${plain} cl-hit${index.get(`${r},${c}`)}` : plain);
}

// The SVG for an input grid, an arrow and an output grid; `description` is what a screen reader says.
// Where the output part starts and how wide the picture is: a grid, or its label when that
// is longer ("input 2×2, padding 1 before, 2 after" above a 5-cell grid).
function placement(inputWidth, inputText, outputWidth, outputText) {
  const outX = Math.max(inputWidth, textWidth(inputText) + 8) + GAP;
  return { outX, width: outX + Math.max(outputWidth, textWidth(outputText)) + 4 };
}

// The viewBox lets CSS shrink the drawing to a narrow column instead of cutting it off.
function canvas(width, rows, size, description) {
  const height = rows * size + TOP + 14;
  return svg("svg", {
    width,
    height,
    viewBox: `0 0 ${width} ${height}`,
    role: "img",
    "aria-label": description,
    class: size < 7 ? "cl-small" : "",
  });
}

// An arrow from the input grid (ending at x) to the output part (starting at outX).
function arrow(x, outX, y) {
  return svg("path", { d: `M ${x + 12} ${y} H ${outX - 12} m -7 -5 l 7 5 l -7 5`, class: "cl-arrow" });
}

function label(x, text) {
  return svg("text", { x, y: 12, class: "cl-label" }, text);
}

// Convolution and pooling: the padded input, the window at its first positions, the output.
function drawSliding(p, result, t) {
  const [height, width] = p.size;
  const [before, after] = paddingBeforeAfter(p.padding, p.kernel, p.dilation);
  const [rows, cols] = [height + before + after, width + before + after];
  const [outRows, outCols] = result.output || [0, 0];
  const size = Math.max(4, Math.min(26, Math.floor(340 / Math.max(rows, cols, outRows, outCols))));
  const padding = before === after ? `${before}` : t("shape_explorer.before_after", { before, after });
  const inputText = before || after
    ? t("ui.input_padded", { height, width, padding })
    : t("ui.input", { height, width });
  const outputText = result.output
    ? t("ui.output", { rows: outRows, cols: outCols })
    : t("shape_explorer.does_not_fit");
  const { outX, width: pictureWidth } = placement(cols * size, inputText, outCols * size, outputText);
  const picture = canvas(pictureWidth, Math.max(rows, outRows), size, `${inputText} → ${outputText}`);
  picture.append(label(0, inputText));
  const inside = (r, c) => r >= before && r < before + height && c >= before && c < before + width;
  const missed = (n, out) => new Set(unreached(n, before, p.kernel, p.stride, p.dilation, out));
  const [missedRows, missedCols] = result.output ? [missed(height, outRows), missed(width, outCols)] : [];
  const inputClass = (r, c) => {
    if (!inside(r, c)) return "cl-pad";
    if (!result.output) return "cl-in";
    return missedRows.has(r - before) || missedCols.has(c - before) ? "cl-unreached" : "cl-in";
  };
  picture.append(grid(0, rows, cols, size, inputClass));
  if (!result.output) {
    // show where the first window would not fit
    picture.append(windowMark(0, [0, 0], p, size, "var(--cl-error)", true));
    return picture;
  }
  const cells = firstCells(outRows, outCols);
  for (let i = cells.length - 1; i >= 0; i -= 1) {
    // the first window on top
    const [r, c] = cells[i];
    picture.append(windowMark(0, [r * p.stride, c * p.stride], p, size, COLORS[i], i === 0));
  }
  picture.append(arrow(cols * size, outX, TOP + (rows * size) / 2));
  picture.append(label(outX, outputText));
  picture.append(grid(outX, outRows, outCols, size, marking(cells, "cl-out")));
  return picture;
}

// Transposed convolution: each input cell paints a kernel-sized patch onto the full output,
// `stride` cells apart; the result is the part from row/column `padding` on, `out` cells long
// (output_padding makes it reach that many cells further at the bottom and right).
function drawTransposed(p, result, t) {
  const [height, width] = p.size;
  const [outRows, outCols] = result.output || [0, 0];
  const crop = result.output ? p.padding : 0;
  const full = (n) => (n - 1) * p.stride + p.dilation * (p.kernel - 1) + 1;
  const [rows, cols] = [Math.max(full(height), crop + outRows), Math.max(full(width), crop + outCols)];
  const size = Math.max(4, Math.min(26, Math.floor(340 / Math.max(rows, cols, height, width))));
  const inputText = t("ui.input", { height, width });
  const end = crop - (p.outputPadding || 0); // cells cropped at the bottom and right
  const numbers = { rows: outRows, cols: outCols, crop, end: Math.abs(end) };
  const outputText =
    crop === 0 && end === 0
      ? t("ui.output", numbers)
      : end === crop
        ? t("shape_explorer.output_cropped", numbers)
        : t(end >= 0 ? "shape_explorer.output_cropped_end" : "shape_explorer.output_added_end", numbers);
  const { outX, width: pictureWidth } = placement(width * size, inputText, cols * size, outputText);
  const picture = canvas(pictureWidth, Math.max(rows, height), size, `${inputText} → ${outputText}`);
  const cells = firstCells(height, width);
  picture.append(label(0, inputText));
  picture.append(grid(0, height, width, size, marking(cells, "cl-in")));
  if (!result.output) return picture;
  picture.append(arrow(width * size, outX, TOP + (height * size) / 2));
  picture.append(label(outX, outputText));
  const inside = (r, c) => r >= crop && r < crop + outRows && c >= crop && c < crop + outCols;
  picture.append(grid(outX, rows, cols, size, (r, c) => (inside(r, c) ? "cl-out" : "cl-pad")));
  for (let i = cells.length - 1; i >= 0; i -= 1) {
    const [r, c] = cells[i];
    picture.append(windowMark(outX, [r * p.stride, c * p.stride], p, size, COLORS[i], i === 0));
  }
  return picture;
}

// The picture for settings `p` and their computed `result` (or a note when there is none).
export function drawing(p, result, t) {
  const [height, width] = p.size;
  const positive = [height, width, p.kernel, p.stride, p.dilation].every(
    (n) => Number.isInteger(n) && n >= 1,
  );
  if (!positive || (typeof p.padding === "number" && p.padding < 0)) {
    return h("p", { class: "cl-note", text: t("shape_explorer.nothing_to_draw") });
  }
  const padding = typeof p.padding === "number" ? p.padding : p.kernel * p.dilation;
  const span = p.dilation * (p.kernel - 1) + 1; // a window that does not fit is drawn whole
  if (Math.max(height, width, span, ...(result.output || [0, 0])) + 2 * padding > MAX_DRAWN) {
    return h("p", { class: "cl-note", text: t("shape_explorer.too_large", { most: MAX_DRAWN }) });
  }
  return p.layer === "conv_transpose" ? drawTransposed(p, result, t) : drawSliding(p, result, t);
}
