// Shape explorer: set input size, kernel size, padding, stride, dilation and the layer type,
// and see the output size, the formula with the numbers filled in, and a drawing.
// Everything is computed here, in the browser, by shapes.js: no kernel needed.

import { pairOf } from "./grids.js";
import { languageOf, translator } from "./i18n.js";
import { explain, paddingBeforeAfter } from "./shapes.js";
import { errorBox, h, numberField, radioGroup, save, svg, uid } from "./ui.js";

const LAYERS = ["conv", "max_pool", "avg_pool", "conv_transpose"]; // labels: "shape_explorer.layer.<kind>"
const COLORS = ["var(--cl-c1)", "var(--cl-c2)", "var(--cl-c3)"];
const MAX_DRAWN = 96; // larger grids are described, not drawn

function settings(model) {
  const get = (name) => model.get(name);
  return {
    layer: get("layer"),
    size: [get("height"), get("width")],
    kernel: get("kernel_size"),
    stride: get("stride"),
    padding: get("padding"),
    dilation: get("dilation"),
    ceilMode: get("ceil_mode"),
    outputPadding: get("output_padding"),
  };
}

function compute(p) {
  try {
    const size = p.size[0] === p.size[1] ? p.size[0] : p.size; // square: shorter messages
    const result = explain(size, p.kernel, {
      stride: p.stride,
      padding: p.padding,
      dilation: p.dilation,
      layer: p.layer,
      ceilMode: p.ceilMode,
      outputPadding: p.outputPadding,
    });
    return { output: pairOf(result.output), lines: result.says, error: null };
  } catch (error) {
    if (error.name !== "ShapeError") throw error;
    return { output: null, lines: [], error: error.said };
  }
}

function code(p) {
  const pad = typeof p.padding === "string" ? `'${p.padding}'` : p.padding;
  const options = [`kernel_size=${p.kernel}`, `stride=${p.stride}`, `padding=${pad}`];
  if (p.dilation !== 1) options.push(`dilation=${p.dilation}`);
  if (p.layer === "conv") return `nn.Conv2d(in_channels, out_channels, ${options.join(", ")})`;
  if (p.layer === "conv_transpose") {
    if (p.outputPadding) options.push(`output_padding=${p.outputPadding}`);
    return `nn.ConvTranspose2d(in_channels, out_channels, ${options.join(", ")})`;
  }
  if (p.ceilMode) options.push("ceil_mode=True");
  return `nn.${p.layer === "max_pool" ? "MaxPool2d" : "AvgPool2d"}(${options.join(", ")})`;
}

const TOP = 20; // room for the labels above the grids
const GAP = 60; // room for the arrow between input and output
const CHAR_WIDTH = 7; // about the width of one character of a 12px label

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

// "27" or "26–27" or "0, 2, 4": a list of indices as a reader says it.
function spans(indices) {
  const runs = [];
  for (const x of indices) {
    const last = runs[runs.length - 1];
    if (last && x === last[1] + 1) last[1] = x;
    else runs.push([x, x]);
  }
  const text = runs.map(([a, b]) => (a === b ? `${a}` : `${a}–${b}`));
  return text.length > 4 ? `${text.slice(0, 4).join(", ")}, …` : text.join(", ");
}

// What the drawing marks as never in a window, in words ("" when every pixel is used);
// t: the widget's translator (i18n.js).
export function unreachedText(p, result, t) {
  if (!result.output || p.layer === "conv_transpose") return "";
  const [before] = paddingBeforeAfter(p.padding, p.kernel, p.dilation);
  const rows = unreached(p.size[0], before, p.kernel, p.stride, p.dilation, result.output[0]);
  const cols = unreached(p.size[1], before, p.kernel, p.stride, p.dilation, result.output[1]);
  if (rows.length === 0 && cols.length === 0) return "";
  const pixels = p.size[0] * p.size[1] - (p.size[0] - rows.length) * (p.size[1] - cols.length);
  const parts = [];
  if (rows.length) {
    const key = rows.length > 1 ? "shape_explorer.rows" : "shape_explorer.row";
    parts.push(t(key, { list: spans(rows) }));
  }
  if (cols.length) {
    const key = cols.length > 1 ? "shape_explorer.columns" : "shape_explorer.column";
    parts.push(t(key, { list: spans(cols) }));
  }
  const where = parts.length > 1 ? t("shape_explorer.and", { a: parts[0], b: parts[1] }) : parts[0];
  return t(pixels > 1 ? "shape_explorer.unreached" : "shape_explorer.unreached_one", { pixels, where });
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
  const outX = Math.max(inputWidth, inputText.length * CHAR_WIDTH + 8) + GAP;
  return { outX, width: outX + Math.max(outputWidth, outputText.length * CHAR_WIDTH) + 4 };
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

function drawing(p, result, t) {
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

// The labelled controls, each bound to one setting of the model.
function controls(model, t) {
  const field = (name, text, options) => numberField(model, name, text, options);
  const layers = LAYERS.map((kind) => [kind, t(`shape_explorer.layer.${kind}`)]);
  const c = {
    layer: radioGroup(model, "layer", t("shape_explorer.layer"), layers),
    height: field("height", t("ui.input_size"), { min: 1, name: t("shape_explorer.height") }),
    width: field("width", "×", { min: 1, name: t("shape_explorer.width") }),
    kernel: field("kernel_size", t("ui.kernel_size"), { min: 1 }),
    padding: field("padding", t("ui.padding"), { min: 0, hint: t("shapes.hint.zeros") }),
    stride: field("stride", t("ui.stride"), { min: 1 }),
    dilation: field("dilation", t("shape_explorer.dilation"), { min: 1, hint: t("shapes.hint.dilation") }),
    outputPadding: field("output_padding", t("shape_explorer.output_padding"), { min: 0 }),
  };
  // padding may also be 'same' or 'valid': a select next to the number
  c.lastPadding = typeof model.get("padding") === "number" ? model.get("padding") : 0;
  c.mode = h(
    "select",
    {
      "aria-label": t("shape_explorer.padding_mode"),
      onchange: () => {
        // back to "number": the number typed, else the one used before 'same' or 'valid'
        const typed = parseInt(c.padding.input.value, 10);
        const number = Number.isInteger(typed) ? Math.max(0, typed) : c.lastPadding;
        save(model, "padding", c.mode.value === "number" ? number : c.mode.value);
      },
    },
    ["number", "same", "valid"].map((m) =>
      h("option", { value: m, text: m === "number" ? t("shape_explorer.number") : `'${m}'` }),
    ),
  );
  c.padding.field.append(h("div", { class: "cl-pair" }, c.padding.input, c.mode));
  c.height.field.append(
    h("div", { class: "cl-pair" }, c.height.input, h("span", { text: "×" }), c.width.input),
  );
  const ceilId = uid("ceil");
  c.ceil = h("input", {
    id: ceilId,
    type: "checkbox",
    "data-param": "ceil_mode",
    onchange: (event) => save(model, "ceil_mode", event.target.checked),
  });
  c.ceilField = h(
    "div",
    { class: "cnnlab-field cnnlab-check" },
    c.ceil,
    h("label", { for: ceilId, text: "ceil_mode" }),
  );
  return c;
}

// Show the settings of the model in the controls (the kernel may have changed them).
function syncControls(c, p) {
  for (const name of [
    "layer",
    "height",
    "width",
    "kernel",
    "padding",
    "stride",
    "dilation",
    "outputPadding",
  ]) {
    c[name].sync();
  }
  c.ceilField.hidden = p.layer !== "max_pool" && p.layer !== "avg_pool";
  c.outputPadding.field.hidden = p.layer !== "conv_transpose";
  c.ceil.checked = Boolean(p.ceilMode);
  const named = typeof p.padding === "string";
  c.mode.value = named ? p.padding : "number";
  if (!named) c.lastPadding = p.padding;
  c.padding.input.disabled = named;
  if (named) {
    // the field shows, greyed, how many zeros 'same' or 'valid' adds
    const [before, after] = paddingBeforeAfter(p.padding, p.kernel, p.dilation);
    c.padding.input.value = "";
    c.padding.input.placeholder = before === after ? String(before) : `${before}/${after}`;
  }
}

// The legend's colours and their labels ("shape_explorer.legend.<name>").
const LEGEND = [
  ["cl-in", "input"],
  ["cl-pad", "padding"],
  ["cl-unreached", "unreached"],
  ["cl-hit0", "first"],
  ["cl-hit1", "second"],
  ["cl-hit2", "third"],
  ["cl-out", "output"],
];

function render({ model, el }) {
  const t = translator(languageOf(model));
  const c = controls(model, t);
  const output = h("output", { class: "cl-output", "data-testid": "output-size", "aria-live": "polite" });
  const formula = h("div", { class: "cl-formula", "data-testid": "formula" });
  const pytorch = h("code", { class: "cl-code", "data-testid": "code" });
  const error = errorBox();
  const missed = h("div", { class: "cl-note", "data-testid": "unreached", "aria-live": "polite" });
  const picture = h("div", { class: "cl-picture" });
  const legend = h(
    "div",
    { class: "cl-legend", "aria-hidden": "true" },
    LEGEND.map(([css, name]) => h("span", {}, h("i", { class: css }), t(`shape_explorer.legend.${name}`))),
  );

  el.classList.add("cnnlab-widget", "cnnlab-shape-explorer");
  el.replaceChildren(
    h(
      "div",
      { class: "cl-title" },
      t("shape_explorer.title"),
      h("span", { text: t("shape_explorer.subtitle") }),
    ),
    c.layer.field,
    h(
      "div",
      { class: "cl-controls" },
      c.height.field,
      c.kernel.field,
      c.padding.field,
      c.stride.field,
      c.dilation.field,
      c.outputPadding.field,
      c.ceilField,
    ),
    h(
      "div",
      { class: "cl-result" },
      h("div", { class: "cl-output-row" }, h("span", { text: t("ui.output_size") }), output),
      pytorch,
      formula,
      missed,
      error.box,
    ),
    picture,
    legend,
  );

  const update = () => {
    const p = settings(model);
    syncControls(c, p);
    const result = compute(p);
    output.textContent = result.output ? `${result.output[0]} × ${result.output[1]}` : "—";
    el.classList.toggle("cl-invalid", Boolean(result.error));
    pytorch.textContent = code(p);
    formula.replaceChildren(...result.lines.map((line) => h("div", { text: t(line) })));
    error.show(result.error ? t(result.error) : "");
    missed.textContent = unreachedText(p, result, t);
    missed.hidden = !missed.textContent;
    picture.replaceChildren(drawing(p, result, t));
  };
  model.on("change", update);
  update();
  return () => model.off("change", update);
}

export default { render };
