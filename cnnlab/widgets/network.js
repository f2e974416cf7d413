// Shapes through a stack of layers, recomputed in the browser from each layer's settings.
//
// A line-by-line translation of propagate() in cnnlab/widgets/network.py: a layer is a plain
// object {name, type, kind, ...settings} written from cnnlab.trace rows; propagate() gives each
// layer's output shape, the first layer that breaks, and trace's diagnosis with the fix.
// tests/test_widget_parity.py checks it against the Python side, and that against PyTorch.
// Diagnoses are lines of messages (i18n.js): `diagnosis` is their English text, Python's word for
// word; `says` the lines themselves, which the widget shows in the page's language.

import { english, message } from "./i18n.js";
import { ShapeError, TOO_LARGE, explain, inDimension } from "./shapes.js";

const product = (numbers) => numbers.reduce((a, b) => a * b, 1);
const sameShape = (a, b) =>
  a !== null && b !== null && a.length === b.length && a.every((n, i) => n === b[i]);

// A shape as trace prints it: (1, 6, 28, 28), or (10,) for one dimension.
export function shapeText(shape) {
  return `(${shape.join(", ")}${shape.length === 1 ? "," : ""})`;
}

// A setting as one would type it: [5, 5] → 5, [3, 5] → (3, 5), "same" → 'same'.
export function shortSetting(value) {
  if (Array.isArray(value)) return new Set(value).size === 1 ? String(value[0]) : shapeText(value);
  return typeof value === "string" ? `'${value}'` : String(value);
}

// nn.Conv2d(...) as trace writes it, with non-default options only (cnnlab.diagnosis.conv_code).
export function convCode(type, inChannels, outChannels, layer) {
  const defaults = { stride: "1", padding: "0", output_padding: "0", dilation: "1", groups: "1" };
  const options = Object.keys(defaults)
    .filter((key) => key in layer && shortSetting(layer[key]) !== defaults[key])
    .map((key) => `, ${key}=${shortSetting(layer[key])}`)
    .join("");
  const bias = layer.bias === false ? ", bias=False" : "";
  const kernel = shortSetting(layer.kernel_size);
  return `nn.${type}(${inChannels}, ${outChannels}, kernel_size=${kernel}${options}${bias})`;
}

// nn.MaxPool2d(...) or F.max_pool2d(x, ...) with non-default options only (cnnlab.diagnosis.pool_code).
export function poolCode(type, layer) {
  const kernel = layer.kernel_size;
  let options = sameShape(layer.stride, kernel) ? "" : `, stride=${shortSetting(layer.stride)}`;
  for (const key of ["padding", "dilation"]) {
    const plain = key === "dilation" ? 1 : 0;
    if (key in layer && !(new Set(layer[key]).size === 1 && layer[key][0] === plain)) {
      options += `, ${key}=${shortSetting(layer[key])}`;
    }
  }
  const start = type.startsWith("F.") ? `${type}(x, ` : `nn.${type}(`;
  return `${start}${shortSetting(kernel)}${options})`;
}

// The layer cannot run: `says` (lines, each a message) tells why, `fix` what to change.
class Breaks extends Error {
  constructor(says, fix = "") {
    const diagnosis = says.map(english).join("\n");
    super(diagnosis);
    Object.assign(this, { says, diagnosis, fix });
  }
}

function origin(rows, names, shape, received) {
  for (let number = rows.length - 1; number > 0; number -= 1) {
    const row = rows[number - 1];
    if (!sameShape(row.output_shape, shape)) break;
    if (row.input_shape.length > shape.length) {
      const dims = row.input_shape.slice(1);
      const factors =
        dims.length >= 2
          ? message("network.channels_times", { channels: dims[0], rest: dims.slice(1).join(" × ") })
          : dims.join(" × ");
      const flattened = shapeText(row.input_shape);
      const name = names[number - 1];
      return message("network.from_flatten", { received, number, name, flattened, factors });
    }
  }
  if (rows.length > 1 && sameShape(rows[rows.length - 2].output_shape, shape)) {
    const [number, name] = [rows.length - 1, names[rows.length - 2]];
    return message("network.from_row", { received, number, name, shape: shapeText(shape) });
  }
  return message("network.last_dimension", { received, shape: shapeText(shape) });
}

function linearMismatch(where, layer, shape, rows, names) {
  const expected = layer.in_features;
  const out = layer.out_features;
  let received = shape[shape.length - 1];
  const lines = [message("network.linear_features", { where, expected, out, received })];
  if (shape.length > 2) {
    // forgot to flatten: a linear layer only sees the last dimension
    const flat = product(shape.slice(1));
    const flattened = shapeText([shape[0], flat]);
    lines.push(message("network.unflattened", { shape: shapeText(shape), received, flattened }));
    received = flat;
  } else {
    lines.push(origin(rows, names, shape, received));
  }
  if (received === expected) return new Breaks(lines, "torch.flatten(x, 1)"); // flattening is the fix
  return new Breaks(lines, `nn.Linear(${received}, ${out})`);
}

function channelSource(rows, names, shape) {
  if (rows.length > 1 && sameShape(rows[rows.length - 2].output_shape, shape)) {
    return message("network.source_row", { number: rows.length - 1, name: names[rows.length - 2] });
  }
  if (rows.length === 1) return message("network.source_input");
  return message("network.source_given");
}

function channelMismatch(where, layer, shape, rows, names) {
  const received = shape[shape.length - 3];
  const [expected, source] = [layer.in_channels, channelSource(rows, names, shape)];
  return new Breaks(
    [
      message("network.channels", { where, expected, received, shape: shapeText(shape), source }),
      message("network.channels_why"),
    ],
    convCode(layer.type, received, layer.out_channels, layer),
  );
}

// Which earlier layers shrank the input to `shape` (cnnlab.diagnosis.size_origin).
function sizeOrigin(rows, names, shape) {
  const earlier = rows.slice(0, -1);
  if (earlier.length === 0 || earlier[0].input_shape.length !== shape.length) {
    return message("network.size_of_input");
  }
  const rank = Math.max(shape.length - 2, 1);
  const last = (s) => s.slice(s.length - rank);
  const shrinking = earlier
    .map((row, i) => [row, `${i + 1} (${names[i]})`])
    .filter(
      ([row]) =>
        row.output_shape !== null &&
        row.input_shape.length === row.output_shape.length &&
        last(row.output_shape).some((n, i) => n < last(row.input_shape)[i]),
    )
    .map(([, text]) => text);
  const size = last(earlier[0].input_shape).join(" × ");
  const shrunk = last(shape).join(" × ");
  if (shrinking.length === 0) return message("network.shrunk", { size, shrunk });
  if (shrinking.length === 1) return message("network.shrunk_by_row", { size, shrunk, row: shrinking[0] });
  const [list, final] = [shrinking.slice(0, -1).join(", "), shrinking.at(-1)];
  return message("network.shrunk_by_rows", { size, shrunk, list, last: final });
}

const uniform = (layer, shape) =>
  new Set(shape.slice(-2)).size === 1 &&
  ["kernel_size", "stride", "padding", "dilation"].every(
    (key) => !Array.isArray(layer[key]) || new Set(layer[key]).size === 1,
  );

function explainLayer(where, layer, shape, rows, names) {
  if (shape.length < 3) {
    throw new Breaks([message("network.needs_2d", { where, shape: shapeText(shape) })]);
  }
  try {
    return explain([shape[shape.length - 2], shape[shape.length - 1]], layer.kernel_size, {
      stride: layer.stride,
      padding: layer.padding,
      dilation: layer.dilation ?? 1,
      layer: layer.kind,
      ceilMode: layer.ceil_mode ?? false,
      outputPadding: layer.output_padding ?? 0,
    });
  } catch (error) {
    if (!(error instanceof ShapeError)) throw error;
    // the reason without the advice ("use …"); "height: " only when height and width differ
    const named = error.dimension === 0 && uniform(layer, shape) ? null : error.dimension;
    const reason = inDimension(named, error.reason);
    const lines = [message("network.does_not_fit", { where, shape: shapeText(shape), reason })];
    if (TOO_LARGE.includes(error.reason.key)) lines.push(sizeOrigin(rows, names, shape));
    throw new Breaks(lines, null); // propagate() tries settings for the fix
  }
}

// Settings to try for a window that does not fit (network.py's _size_fixes): [changed layer, code].
function sizeFixes(layer, shape) {
  const kernel = layer.kernel_size;
  const dilation = layer.dilation ?? [1, 1];
  const padding = typeof layer.padding === "string" ? [0, 0] : layer.padding;
  const sizes = shape.slice(-2);
  const pooling = layer.kind.endsWith("pool");
  const need = Math.max(0, ...kernel.map((k, i) => Math.ceil((dilation[i] * (k - 1) + 1 - sizes[i]) / 2)));
  const fits = kernel.map((k, i) => Math.min(k, sizes[i] + 2 * padding[i]));
  const smallest = Math.min(...fits);
  const kernels = [fits];
  for (let k = smallest - 1; k > 0 && kernels.length < 4; k -= 1) kernels.push([k, k]);
  const start = Math.max(need, ...padding);
  const paddings = [start, start + 1, start + 2]
    .filter((p) => !pooling || p <= Math.floor(Math.min(...kernel) / 2))
    .map((p) => [p, p]);
  const options = [
    ...kernels.map((value) => ["kernel_size", value]),
    ...paddings.map((value) => ["padding", value]),
  ];
  const ordered = pooling ? options : [...options.slice(kernels.length), ...options.slice(0, kernels.length)];
  const fixes = [];
  for (const [key, value] of ordered) {
    if (JSON.stringify(value) === JSON.stringify(layer[key])) continue;
    const changed = { ...layer, [key]: value };
    if (key === "kernel_size" && pooling && sameShape(layer.stride, layer.kernel_size)) {
      changed.stride = value; // pooling steps by its window
    }
    const code = pooling
      ? poolCode(layer.type, changed)
      : convCode(layer.type, layer.in_channels, layer.out_channels, changed);
    fixes.push([changed, code]);
  }
  return fixes;
}

// The first setting with which every layer runs, else the first that gets past this layer, else "".
function sizeFix(layers, index, inputShape, shape) {
  const reached = [];
  for (const [changed, code] of sizeFixes(layers[index], shape)) {
    const tried = [...layers.slice(0, index), changed, ...layers.slice(index + 1)];
    const broken = propagate(tried, inputShape).broken;
    if (broken < 0) return code;
    reached.push([broken, code]);
  }
  const past = reached.find(([broken]) => broken > index);
  return past ? past[1] : "";
}

function reshape(where, layer, shape) {
  const target = [...layer.shape];
  const numbers = product(shape);
  const known = product(target.filter((n) => n !== -1));
  if (target.includes(-1) && known && numbers % known === 0) target[target.indexOf(-1)] = numbers / known;
  if (product(target) !== numbers || target.includes(-1)) {
    const values = {
      where,
      shape: shapeText(shape),
      numbers: numbers.toLocaleString("en-US"),
      target: shapeText(layer.shape),
      error: `RuntimeError: shape '[${layer.shape.join(", ")}]' is invalid for input of size ${numbers}`,
    };
    throw new Breaks([message("network.reshape", values)], "torch.flatten(x, 1)");
  }
  return target;
}

// One layer: [output shape, formula or null, formula lines as messages or null], or a thrown
// Breaks (checked in trace's order).
function step(layer, shape, rows, names) {
  const kind = layer.kind;
  const where = `${layer.name} (${layer.type})`;
  if (kind === "linear") {
    if (shape[shape.length - 1] !== layer.in_features) throw linearMismatch(where, layer, shape, rows, names);
    return [[...shape.slice(0, -1), layer.out_features], null];
  }
  const isConv = kind === "conv" || kind === "conv_transpose";
  if (isConv && (shape.length === 3 || shape.length === 4) && shape[shape.length - 3] !== layer.in_channels) {
    throw channelMismatch(where, layer, shape, rows, names);
  }
  if (isConv || kind === "max_pool" || kind === "avg_pool") {
    const explanation = explainLayer(where, layer, shape, rows, names);
    const channels = isConv ? layer.out_channels : shape[shape.length - 3];
    const out = [...shape.slice(0, -3), channels, ...explanation.output];
    return [out, explanation.lines.join("\n"), explanation.says];
  }
  if (kind === "batch_norm" && shape[1] !== layer.num_features) {
    const [expected, received, source] = [layer.num_features, shape[1], channelSource(rows, names, shape)];
    const values = { where, expected, received, shape: shapeText(shape), source };
    const says = message("network.normalizes", values);
    throw new Breaks([says], `nn.${layer.type}(${shape[1]})`);
  }
  if (kind === "flatten") {
    const [start, end] = [layer.start_dim, layer.end_dim].map(
      (d) => ((d % shape.length) + shape.length) % shape.length,
    );
    return [[...shape.slice(0, start), product(shape.slice(start, end + 1)), ...shape.slice(end + 1)], null];
  }
  if (kind === "reshape") return [reshape(where, layer, shape), null];
  if (kind === "adaptive") return [[...shape.slice(0, -2), ...layer.output_size], null];
  if (kind === "fixed") {
    if (!sameShape(shape, layer.input_shape)) {
      const [traced, now] = [shapeText(layer.input_shape), shapeText(shape)];
      throw new Breaks([message("network.fixed", { where, traced, now })]);
    }
    return [layer.output_shape, null];
  }
  return [shape, null];
}

// Weights and biases of a layer, as PyTorch counts them (the recorded count for other layers).
export function parameterCount(layer) {
  const bias = layer.bias === false ? 0 : 1;
  if (layer.kind === "conv" || layer.kind === "conv_transpose") {
    const kernel = Array.isArray(layer.kernel_size)
      ? layer.kernel_size
      : [layer.kernel_size, layer.kernel_size];
    const weights = Math.floor(layer.in_channels / (layer.groups ?? 1)) * layer.out_channels;
    return weights * product(kernel) + bias * layer.out_channels;
  }
  if (layer.kind === "linear") return layer.in_features * layer.out_features + bias * layer.out_features;
  if (layer.kind === "batch_norm") return 2 * layer.num_features;
  return layer.params ?? 0;
}

// Every layer's output shape, up to the first that breaks: {rows, broken, diagnosis, fix, output_shape}
// as network.py computes them, and `says`: the diagnosis (and each row's formula) as messages.
export function propagate(layers, inputShape) {
  const rows = [];
  const names = layers.map((layer) => layer.name);
  let shape = [...inputShape];
  for (const [index, layer] of layers.entries()) {
    const row = { input_shape: shape, output_shape: null, formula: null, params: parameterCount(layer) };
    rows.push(row);
    try {
      [shape, row.formula, row.says = null] = step(layer, shape, rows, names);
      row.output_shape = shape;
    } catch (error) {
      if (!(error instanceof Breaks)) throw error;
      const fix = error.fix === null ? sizeFix(layers, index, inputShape, shape) : error.fix;
      const { diagnosis, says } = error;
      return { rows, broken: index, diagnosis, says, fix, output_shape: null };
    }
  }
  const batch = inputShape[0];
  const index = rows.findIndex((row) => row.input_shape[0] === batch && row.output_shape[0] !== batch);
  if (shape[0] !== batch && index >= 0) {
    // it ran, but mixed the examples of the batch (cnnlab.diagnosis.batch_mismatch)
    const says = [batchMismatch(layers[index], rows[index], batch, shape)];
    const diagnosis = english(says[0]);
    return { rows, broken: index, diagnosis, says, fix: "torch.flatten(x, 1)", output_shape: null };
  }
  return { rows, broken: -1, diagnosis: "", says: [], fix: "", output_shape: shape };
}

function batchMismatch(layer, row, batch, output) {
  const before = row.input_shape;
  const after = row.output_shape;
  const perExample = product(before.slice(1));
  const count = perExample.toLocaleString("en-US");
  const values =
    before.length > 2
      ? message("network.values_of_shape", { shape: shapeText(before.slice(1)), count })
      : message("network.values", { count });
  const what =
    after.length > 1
      ? message("network.batch_rows", {
          batch,
          rows: after[0],
          values,
          size: product(after.slice(1)).toLocaleString("en-US"),
        })
      : message("network.batch_vector", { batch, count: after[0].toLocaleString("en-US") });
  const where = `${layer.name} (${layer.type})`;
  return message("network.batch_mixed", { where, what, output: shapeText(output), rows: output[0], batch });
}
