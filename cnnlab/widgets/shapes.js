// Output-size arithmetic for convolution, pooling and transposed convolution, in JavaScript.
//
// A line-by-line translation of cnnlab/shapes.py (Python is the reference): the same sizes,
// the same refused settings, the same error messages and the same formula text.
// tests/test_widget_parity.py checks that on thousands of settings with node.
// Every widget of cnnlab.widgets inlines this file, so the static book needs no Python.
//
// A size is a number or a [height, width] pair; padding may also be "same" or "valid".
// Padding is counted per side, as in PyTorch.

export class ShapeError extends Error {
  constructor(message) {
    super(message);
    this.name = "ShapeError";
  }
}

const DIMENSIONS = ["height", "width"];

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
  throw new ShapeError(`${name} must be an int or an (height, width) pair, got ${pyRepr(value)}`);
}

function where(dim, paired) {
  return paired ? `${DIMENSIONS[dim]}: ` : "";
}

function checkAtLeast(name, value, minimum, hint, at) {
  if (value < minimum) {
    throw new ShapeError(`${at}${name} must be at least ${minimum}, got ${value} (${hint})`);
  }
}

function checkCommon(n, k, s, d, at) {
  checkAtLeast("input size", n, 1, "an image needs at least one pixel", at);
  checkAtLeast("kernel_size", k, 1, "the window covers k×k pixels", at);
  checkAtLeast("stride", s, 1, "the window moves s pixels per step", at);
  checkAtLeast("dilation", d, 1, "1 means a window without gaps", at);
}

// Zeros before and after that keep the size with stride 1 (PyTorch puts an odd extra one after).
export function samePadding(k, d) {
  const total = d * (k - 1);
  return [floorDiv(total, 2), total - floorDiv(total, 2)];
}

function tooLarge(n, p, k, d, at) {
  const span = d * (k - 1) + 1;
  const kernel = d === 1 ? `kernel ${k}` : `kernel ${k} with dilation ${d} spans ${span} pixels and`;
  const need = Math.ceil((span - n) / 2);
  const padded = `${n} + 2·${p} = ${n + 2 * p}`;
  return `${at}${kernel} is larger than the padded input ${padded}; use padding ≥ ${need}`;
}

// ---------------------------------------------------------------- one dimension

function conv1d(n, k, s, p, d, at) {
  checkCommon(n, k, s, d, at);
  if (p === "valid") p = 0;
  if (p === "same") {
    if (s !== 1) {
      throw new ShapeError(
        `${at}padding='same' keeps the output as large as the input, which PyTorch only ` +
          `does for stride 1, got stride ${s}; give a number instead, ` +
          `e.g. padding=${floorDiv(d * (k - 1), 2)}`,
      );
    }
    return n; // 'same' pads d·(k − 1) in total, so the window always fits
  }
  checkAtLeast("padding", p, 0, "zeros added on each side", at);
  if (n + 2 * p < d * (k - 1) + 1) throw new ShapeError(tooLarge(n, p, k, d, at));
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
  checkAtLeast("padding", p, 0, "zeros added on each side", at);
  const half = floorDiv(k, 2);
  if (p > half) {
    throw new ShapeError(
      `${at}pooling padding must be at most half the kernel: padding ${p} > ${k} // 2 = ` +
        `${half}; use padding ≤ ${half} (or a larger kernel)`,
    );
  }
  const out = poolUnchecked(n, k, s, p, d, ceilMode);
  if (out < 1) {
    const span = d * (k - 1) + 1;
    const window = d === 1 ? `window ${k}` : `window ${k} with dilation ${d} spans ${span} pixels and`;
    throw new ShapeError(
      `${at}pooling ${window} is larger than the padded input ${n} + 2·${p} = ${n + 2 * p}, ` +
        `so the output would be empty; use a kernel ≤ ${n + 2 * p}`,
    );
  }
  return out;
}

function transpose1d(n, k, s, p, op, d, at) {
  checkCommon(n, k, s, d, at);
  checkAtLeast("padding", p, 0, "zeros removed from each side of the output", at);
  checkAtLeast("output_padding", op, 0, "extra rows added at the end", at);
  if (op >= s && op >= d) {
    throw new ShapeError(
      `${at}output_padding must be smaller than stride or dilation: output_padding ${op} ` +
        `≥ stride ${s} and ≥ dilation ${d}; use output_padding ≤ ${Math.max(s, d) - 1}`,
    );
  }
  const out = (n - 1) * s - 2 * p + d * (k - 1) + op + 1;
  if (out < 1) {
    throw new ShapeError(
      `${at}padding ${p} removes too much: (n − 1)·s − 2·p + d·(k − 1) + output_padding + 1 ` +
        `= ${out}; use padding ≤ ${floorDiv((n - 1) * s + d * (k - 1) + op, 2)}`,
    );
  }
  return out;
}

// ---------------------------------------------------------------- public functions

function paddingPair(padding, allowStrings) {
  if (typeof padding === "string") {
    if (!allowStrings || (padding !== "valid" && padding !== "same")) {
      const allowed = allowStrings
        ? "an int, an (height, width) pair, 'valid' or 'same'"
        : "an int or an (height, width) pair";
      throw new ShapeError(`padding must be ${allowed}, got ${pyRepr(padding)}`);
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
  return `⌊(${n} + ${pad} − ${d}·(${k} − 1) − 1) / ${s}⌋ + 1 = ${out}`;
}

function poolText(n, k, s, p, d, ceilMode, out) {
  const [left, right] = ceilMode ? ["⌈", "⌉"] : ["⌊", "⌋"];
  const rounded = ceilMode
    ? floorDiv(n + 2 * p - d * (k - 1) - 1 + s - 1, s) + 1
    : poolUnchecked(n, k, s, p, d, false);
  let text = `${left}(${n} + 2·${p} − ${d}·(${k} − 1) − 1) / ${s}${right} + 1 = ${rounded}`;
  if (rounded !== out) {
    const start = (rounded - 1) * s;
    text +=
      `, but the last window would start at ${start} ≥ ${n} + ${p} (in the padding),` +
      ` so it is dropped: ${out}`;
  }
  return text;
}

function transposeText(n, k, s, p, op, d, out) {
  return `(${n} − 1)·${s} − 2·${p} + ${d}·(${k} − 1) + ${op} + 1 = ${out}`;
}

// The output-size formula of `layer` with the numbers filled in, as cnnlab.shapes.explain:
// returns {layer, lines, output}; invalid settings throw a ShapeError with Python's message.
export function explain(
  size,
  kernelSize,
  { stride = null, padding = 0, dilation = 1, layer = "conv", ceilMode = false, outputPadding = 0 } = {},
) {
  const pooling = layer === "max_pool" || layer === "avg_pool";
  if (!["conv", "max_pool", "avg_pool", "conv_transpose"].includes(layer)) {
    throw new ShapeError(
      `layer must be 'conv', 'max_pool', 'avg_pool' or 'conv_transpose', ` + `got ${pyRepr(layer)}`,
    );
  }
  if (layer === "avg_pool" && asPair("dilation", dilation).some((v) => v !== 1)) {
    throw new ShapeError(`average pooling has no dilation (nn.AvgPool2d), got dilation=${pyRepr(dilation)}`);
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
  const lines =
    paired && texts[0] !== texts[1] ? texts.map((text, i) => `${DIMENSIONS[i]}: ${text}`) : [texts[0]];
  return { layer, lines, output };
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
      throw new ShapeError(
        `layer ${number}: give (kernel_size, stride, padding, dilation), got ${pyRepr(layer)}`,
      );
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
        throw new ShapeError(`layer ${number}: ${name} must be an int, got ${pyRepr(value)}`);
      }
      if (value < minimum) {
        throw new ShapeError(`layer ${number}: ${name} must be at least ${minimum}, got ${value}`);
      }
    }
    size += (k - 1) * d * jump;
    start -= p * jump;
    jump *= s;
    return { size, jump, start };
  });
}
