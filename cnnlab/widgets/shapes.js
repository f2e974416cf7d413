// Output-size arithmetic for convolution, pooling and transposed convolution, in JavaScript.
//
// A line-by-line translation of cnnlab/shapes.py (Python is the reference): the same sizes,
// the same refused settings, the same error messages and the same formula text.
// tests/test_widget_parity.py checks that on thousands of settings with node.
// Every widget of cnnlab.widgets inlines this file, so the static book needs no Python.
// Errors are messages of the string tables (i18n.js): the English table writes Python's text,
// word for word; a widget shows them in the page's language.
//
// A size is a number or a [height, width] pair; padding may also be "same" or "valid".
// Padding is counted per side, as in PyTorch.

import { english, message } from "./i18n.js";

// A refused setting: `reason` (a message), in which dimension (`dimension`: 0 height, 1 width,
// null when the size is one number), and `advice` (a message saying "use …", or null).
// `message` is the English text, as Python's ValueError says it.
export class ShapeError extends Error {
  constructor(reason, { dimension = null, advice = null } = {}) {
    const said = advice ? message("shapes.reason_advice", { reason, advice }) : reason;
    const whole = inDimension(dimension, said);
    super(english(whole));
    this.name = "ShapeError";
    Object.assign(this, { reason, dimension, advice, said: whole });
  }
}

// "height: …" when the size is a pair (the dimension as a message), else the text alone.
export function inDimension(dimension, text) {
  if (dimension === null) return text;
  const name = message(dimension === 0 ? "shapes.height" : "shapes.width");
  return message("shapes.in_dimension", { dimension: name, text });
}

// How Python prints a value in an error message (repr).
export function pyRepr(value) {
  if (typeof value === "string") return `'${value}'`;
  if (typeof value === "boolean") return value ? "True" : "False";
  if (value === null || value === undefined) return "None";
  if (Array.isArray(value)) return `(${value.map(pyRepr).join(", ")})`;
  return String(value);
}

const floorDiv = (a, b) => Math.floor(a / b);

// ---------------------------------------------------------------- argument checks

function asPair(name, value) {
  if (Number.isInteger(value)) return [value, value];
  if (Array.isArray(value) && value.length === 2 && value.every(Number.isInteger)) {
    return [value[0], value[1]];
  }
  throw new ShapeError(message("shapes.not_pair", { name, value: pyRepr(value) }));
}

// The dimension an error names: its index when the size is a pair, else null.
function where(dim, paired) {
  return paired ? dim : null;
}

// `name` is a setting's name as typed in Python, or a message ("input size").
function checkAtLeast(name, value, minimum, hint, at) {
  if (value < minimum) {
    const reason = message("shapes.at_least", { name, minimum, value, hint: message(`shapes.hint.${hint}`) });
    throw new ShapeError(reason, { dimension: at });
  }
}

function checkCommon(n, k, s, d, at) {
  checkAtLeast(message("shapes.input_size"), n, 1, "pixel", at);
  checkAtLeast("kernel_size", k, 1, "window", at);
  checkAtLeast("stride", s, 1, "step", at);
  checkAtLeast("dilation", d, 1, "dilation", at);
}

// Zeros before and after that keep the size with stride 1 (PyTorch puts an odd extra one after).
export function samePadding(k, d) {
  const total = d * (k - 1);
  return [floorDiv(total, 2), total - floorDiv(total, 2)];
}

// The keys of the reasons that say a window is larger than the padded input.
export const TOO_LARGE = [
  "shapes.kernel_too_large",
  "shapes.dilated_kernel_too_large",
  "shapes.pool_too_large",
  "shapes.dilated_pool_too_large",
];

function tooLarge(n, p, k, d, at) {
  const span = d * (k - 1) + 1;
  const key = d === 1 ? "shapes.kernel_too_large" : "shapes.dilated_kernel_too_large";
  const need = Math.ceil((span - n) / 2);
  const padded = `${n} + 2·${p} = ${n + 2 * p}`;
  return new ShapeError(message(key, { k, d, span, padded }), {
    dimension: at,
    advice: message("shapes.use_padding_at_least", { need }),
  });
}

// ---------------------------------------------------------------- one dimension

function conv1d(n, k, s, p, d, at) {
  checkCommon(n, k, s, d, at);
  if (p === "valid") p = 0;
  if (p === "same") {
    if (s !== 1) {
      const reason = message("shapes.same_needs_stride_1", { s, p: floorDiv(d * (k - 1), 2) });
      throw new ShapeError(reason, { dimension: at });
    }
    return n; // 'same' pads d·(k − 1) in total, so the window always fits
  }
  checkAtLeast("padding", p, 0, "zeros", at);
  if (n + 2 * p < d * (k - 1) + 1) throw tooLarge(n, p, k, d, at);
  return floorDiv(n + 2 * p - d * (k - 1) - 1, s) + 1;
}

function poolUnchecked(n, k, s, p, d, ceilMode) {
  const numerator = n + 2 * p - d * (k - 1) - 1;
  let out = floorDiv(numerator + (ceilMode ? s - 1 : 0), s) + 1;
  // ceil_mode: the last window must start inside the input or the left padding.
  if (ceilMode && (out - 1) * s >= n + p) out -= 1;
  return out;
}

function pool1d(n, k, s, p, d, ceilMode, at) {
  checkCommon(n, k, s, d, at);
  checkAtLeast("padding", p, 0, "zeros", at);
  const half = floorDiv(k, 2);
  if (p > half) {
    throw new ShapeError(message("shapes.pool_padding", { p, k, half }), {
      dimension: at,
      advice: message("shapes.use_pool_padding", { half }),
    });
  }
  const out = poolUnchecked(n, k, s, p, d, ceilMode);
  if (out < 1) {
    const span = d * (k - 1) + 1;
    const key = d === 1 ? "shapes.pool_too_large" : "shapes.dilated_pool_too_large";
    const padded = `${n} + 2·${p} = ${n + 2 * p}`;
    throw new ShapeError(message(key, { k, d, span, padded }), {
      dimension: at,
      advice: message("shapes.use_kernel_at_most", { size: n + 2 * p }),
    });
  }
  return out;
}

function transpose1d(n, k, s, p, op, d, at) {
  checkCommon(n, k, s, d, at);
  checkAtLeast("padding", p, 0, "cropped", at);
  checkAtLeast("output_padding", op, 0, "extra", at);
  if (op >= s && op >= d) {
    throw new ShapeError(message("shapes.output_padding", { op, s, d }), {
      dimension: at,
      advice: message("shapes.use_output_padding", { most: Math.max(s, d) - 1 }),
    });
  }
  const out = (n - 1) * s - 2 * p + d * (k - 1) + op + 1;
  if (out < 1) {
    throw new ShapeError(message("shapes.removes_too_much", { p, out }), {
      dimension: at,
      advice: message("shapes.use_padding_at_most", { most: floorDiv((n - 1) * s + d * (k - 1) + op, 2) }),
    });
  }
  return out;
}

// ---------------------------------------------------------------- public functions

function paddingPair(padding, allowStrings) {
  if (typeof padding === "string") {
    if (!allowStrings || (padding !== "valid" && padding !== "same")) {
      const key = allowStrings ? "shapes.padding_or_name" : "shapes.padding_number";
      throw new ShapeError(message(key, { value: pyRepr(padding) }));
    }
    return [padding, padding];
  }
  return asPair("padding", padding);
}

function result(size, values) {
  return Number.isInteger(size) ? values[0] : [values[0], values[1]];
}

// Output size of nn.Conv2d; padding per side, or "valid" / "same".
export function convOutputSize(size, kernelSize, stride = 1, padding = 0, dilation = 1) {
  const [n, k, s, p, d] = [
    asPair("size", size),
    asPair("kernel_size", kernelSize),
    asPair("stride", stride),
    paddingPair(padding, true),
    asPair("dilation", dilation),
  ];
  const paired = !Number.isInteger(size);
  return result(
    size,
    [0, 1].map((i) => conv1d(n[i], k[i], s[i], p[i], d[i], where(i, paired))),
  );
}

// Output size of nn.MaxPool2d / nn.AvgPool2d (stride defaults to the kernel size).
export function poolOutputSize(size, kernelSize, stride = null, padding = 0, dilation = 1, ceilMode = false) {
  if (stride === null) stride = kernelSize;
  const [n, k, s, p, d] = [
    asPair("size", size),
    asPair("kernel_size", kernelSize),
    asPair("stride", stride),
    paddingPair(padding, false),
    asPair("dilation", dilation),
  ];
  const paired = !Number.isInteger(size);
  return result(
    size,
    [0, 1].map((i) => pool1d(n[i], k[i], s[i], p[i], d[i], ceilMode, where(i, paired))),
  );
}

// Output size of nn.ConvTranspose2d.
export function convTransposeOutputSize(
  size,
  kernelSize,
  stride = 1,
  padding = 0,
  outputPadding = 0,
  dilation = 1,
) {
  const [n, k, s, p, op, d] = [
    asPair("size", size),
    asPair("kernel_size", kernelSize),
    asPair("stride", stride),
    paddingPair(padding, false),
    asPair("output_padding", outputPadding),
    asPair("dilation", dilation),
  ];
  const paired = !Number.isInteger(size);
  return result(
    size,
    [0, 1].map((i) => transpose1d(n[i], k[i], s[i], p[i], op[i], d[i], where(i, paired))),
  );
}

// ---------------------------------------------------------------- explain

function convText(n, k, s, before, after, d, out) {
  const pad = before === after ? `2·${before}` : `${before} + ${after}`;
  const formula = `⌊(${n} + ${pad} − ${d}·(${k} − 1) − 1) / ${s}⌋ + 1 = ${out}`;
  return message("shapes.formula", { formula });
}

// A formula line: a message (the formula, and in words why ceil_mode drops a window).
function poolText(n, k, s, p, d, ceilMode, out) {
  const [left, right] = ceilMode ? ["⌈", "⌉"] : ["⌊", "⌋"];
  const rounded = ceilMode
    ? floorDiv(n + 2 * p - d * (k - 1) - 1 + s - 1, s) + 1
    : poolUnchecked(n, k, s, p, d, false);
  const formula = `${left}(${n} + 2·${p} − ${d}·(${k} − 1) − 1) / ${s}${right} + 1 = ${rounded}`;
  if (rounded === out) return message("shapes.formula", { formula });
  return message("shapes.window_dropped", { formula, start: (rounded - 1) * s, n, p, out });
}

function transposeText(n, k, s, p, op, d, out) {
  const formula = `(${n} − 1)·${s} − 2·${p} + ${d}·(${k} − 1) + ${op} + 1 = ${out}`;
  return message("shapes.formula", { formula });
}

// The output-size formula of `layer` with the numbers filled in, as cnnlab.shapes.explain:
// returns {layer, lines, output, says}: `lines` in English as Python writes them, `says` the same
// lines as messages (i18n.js); invalid settings throw a ShapeError with Python's message.
export function explain(
  size,
  kernelSize,
  { stride = null, padding = 0, dilation = 1, layer = "conv", ceilMode = false, outputPadding = 0 } = {},
) {
  const pooling = layer === "max_pool" || layer === "avg_pool";
  if (!["conv", "max_pool", "avg_pool", "conv_transpose"].includes(layer)) {
    throw new ShapeError(message("shapes.unknown_layer", { value: pyRepr(layer) }));
  }
  if (layer === "avg_pool" && asPair("dilation", dilation).some((v) => v !== 1)) {
    throw new ShapeError(message("shapes.avg_pool_dilation", { value: pyRepr(dilation) }));
  }
  if (stride === null) stride = pooling ? kernelSize : 1;
  let output;
  if (layer === "conv") output = convOutputSize(size, kernelSize, stride, padding, dilation);
  else if (pooling) output = poolOutputSize(size, kernelSize, stride, padding, dilation, ceilMode);
  else output = convTransposeOutputSize(size, kernelSize, stride, padding, outputPadding, dilation);
  const paired = !Number.isInteger(size);
  const [n, k, s, p, d, op, out] = [
    asPair("size", size),
    asPair("kernel_size", kernelSize),
    asPair("stride", stride),
    paddingPair(padding, layer === "conv"),
    asPair("dilation", dilation),
    asPair("output_padding", outputPadding),
    asPair("output", output),
  ];
  const texts = [0, 1].map((i) => {
    if (layer === "conv") {
      const [before, after] =
        p[i] === "same" ? samePadding(k[i], d[i]) : p[i] === "valid" ? [0, 0] : [p[i], p[i]];
      return convText(n[i], k[i], s[i], before, after, d[i], out[i]);
    }
    if (pooling) return poolText(n[i], k[i], s[i], p[i], d[i], ceilMode, out[i]);
    return transposeText(n[i], k[i], s[i], p[i], op[i], d[i], out[i]);
  });
  const same = english(texts[0]) === english(texts[1]);
  const says = paired && !same ? texts.map((text, i) => inDimension(i, text)) : [texts[0]];
  return { layer, lines: says.map(english), output, says };
}

// Padding (before, after) that explain draws for one dimension: "same" may be uneven.
export function paddingBeforeAfter(padding, k, d) {
  if (padding === "same") return samePadding(k, d);
  if (padding === "valid") return [0, 0];
  return [padding, padding];
}

// ---------------------------------------------------------------- receptive field

// The receptive field after each layer of a stack, for one dimension (cnnlab.shapes.receptive_field):
// layers are [kernelSize, stride, padding, dilation]; each field is {size, jump, start} in input
// pixels. Unit i sees input pixels start + i·jump … start + i·jump + size − 1 (negative: padding).
export function receptiveField(layers) {
  let [size, jump, start] = [1, 1, 0];
  return layers.map((layer, number) => {
    if (!Array.isArray(layer) || layer.length !== 4) {
      throw new ShapeError(message("shapes.field_layer", { number, value: pyRepr(layer) }));
    }
    const [k, s, p, d] = layer;
    const limits = [
      ["kernel_size", k, 1],
      ["stride", s, 1],
      ["padding", p, 0],
      ["dilation", d, 1],
    ];
    for (const [name, value, minimum] of limits) {
      if (!Number.isInteger(value)) {
        throw new ShapeError(message("shapes.field_not_int", { number, name, value: pyRepr(value) }));
      }
      if (value < minimum) {
        throw new ShapeError(message("shapes.field_at_least", { number, name, minimum, value }));
      }
    }
    size += (k - 1) * d * jump;
    start -= p * jump;
    jump *= s;
    return { size, jump, start };
  });
}
