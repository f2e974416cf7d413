// Shapes through a stack of layers, recomputed in the browser from each layer's settings.
//
// A line-by-line translation of propagate() in cnnlab/widgets/network.py: a layer is a plain
// object {name, type, kind, ...settings} written from cnnlab.trace rows; propagate() gives each
// layer's output shape, the first layer that breaks, and trace's diagnosis with the fix.
// tests/test_widget_parity.py checks it against the Python side, and that against PyTorch.

import { ShapeError, explain } from "./shapes.js";

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

// nn.Conv2d(...) as trace suggests it, with non-default options only.
export function convCode(layer, inChannels) {
  const defaults = { stride: "1", padding: "0", dilation: "1" };
  const options = Object.keys(defaults)
    .filter((key) => shortSetting(layer[key] ?? (key === "padding" ? 0 : 1)) !== defaults[key])
    .map((key) => `, ${key}=${shortSetting(layer[key])}`)
    .join("");
  const kernel = shortSetting(layer.kernel_size);
  return `nn.${layer.type}(${inChannels}, ${layer.out_channels}, kernel_size=${kernel}${options})`;
}

class Breaks extends Error {
  constructor(diagnosis, fix = "") {
    super(diagnosis);
    this.diagnosis = diagnosis;
    this.fix = fix;
  }
}

function origin(rows, names, shape, received) {
  for (let number = rows.length - 1; number > 0; number -= 1) {
    const row = rows[number - 1];
    if (!sameShape(row.output_shape, shape)) break;
    if (row.input_shape.length > shape.length) {
      const dims = row.input_shape.slice(1);
      const [c, height, width] = dims;
      const factors = dims.length === 3 ? `${c} channels × ${height} × ${width}` : dims.join(" × ");
      return (
        `The ${received} come from row ${number} (${names[number - 1]}), which flattened the ` +
        `tensor of shape ${shapeText(row.input_shape)}: ${factors} = ${received}.`
      );
    }
  }
  if (rows.length > 1 && sameShape(rows[rows.length - 2].output_shape, shape)) {
    return (
      `The ${received} come from row ${rows.length - 1} (${names[rows.length - 2]}), ` +
      `with output ${shapeText(shape)}.`
    );
  }
  return `The ${received} are the last dimension of the tensor of shape ${shapeText(shape)}.`;
}

function linearMismatch(where, layer, shape, rows, names) {
  const expected = layer.in_features;
  const out = layer.out_features;
  let received = shape[shape.length - 1];
  const lines = [
    `${where} expects ${expected} input features (nn.Linear(${expected}, ${out})) ` +
      `but received ${received}.`,
  ];
  if (shape.length > 2) {
    // forgot to flatten: a linear layer only sees the last dimension
    const flat = product(shape.slice(1));
    lines.push(
      `It received the tensor of shape ${shapeText(shape)} unflattened, and a linear layer ` +
        `only looks at the last dimension (${received}). Flatten each example first: ` +
        `torch.flatten(x, 1) gives ${shapeText([shape[0], flat])}.`,
    );
    received = flat;
  } else {
    lines.push(origin(rows, names, shape, received));
  }
  if (received === expected) return new Breaks(lines.join("\n"), "torch.flatten(x, 1)"); // flattening is the fix
  lines.push(
    `Fix: nn.Linear(${received}, ${out}), or nn.LazyLinear(${out}), which reads its ` +
      `in_features from the first batch.`,
  );
  return new Breaks(lines.join("\n"), `nn.Linear(${received}, ${out})`);
}

function channelMismatch(where, layer, shape, rows, names) {
  const received = shape[shape.length - 3];
  let source = "the tensor it was given";
  if (rows.length > 1 && sameShape(rows[rows.length - 2].output_shape, shape)) {
    source = `the output of row ${rows.length - 1} (${names[rows.length - 2]})`;
  } else if (rows.length === 1) {
    source = "the input itself; if your images have more channels, trace with them in input_size";
  }
  const fix = convCode(layer, received);
  return new Breaks(
    `${where} expects ${layer.in_channels} input channels but received ${received}: the ` +
      `tensor of shape ${shapeText(shape)} is ${source}.\nEach filter has one slice per input ` +
      `channel, so in_channels must equal the channels coming in.\nFix: ${fix}.`,
    fix,
  );
}

function explainLayer(where, layer, shape) {
  if (shape.length < 3) {
    throw new Breaks(
      `${where} does not fit its input of shape ${shapeText(shape)}: ` +
        `${layer.type} needs an input with a height and a width.`,
    );
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
    const hint = error.message.includes("; use")
      ? error.message.slice(error.message.lastIndexOf("; ") + 2)
      : "";
    throw new Breaks(`${where} does not fit its input of shape ${shapeText(shape)}: ${error.message}.`, hint);
  }
}

function reshape(where, layer, shape) {
  const flat = [shape[0], product(shape.slice(1))];
  const target = [...layer.shape];
  const numbers = product(shape);
  const known = product(target.filter((n) => n !== -1));
  if (target.includes(-1) && known && numbers % known === 0) target[target.indexOf(-1)] = numbers / known;
  if (product(target) !== numbers || target.includes(-1)) {
    throw new Breaks(
      `${where} cannot give the tensor of shape ${shapeText(shape)} ` +
        `(${numbers.toLocaleString("en-US")} numbers) the shape ${shapeText(layer.shape)}: RuntimeError: ` +
        `shape '[${layer.shape.join(", ")}]' is invalid for input of size ${numbers}\nTo flatten each ` +
        `example and keep the batch, use torch.flatten(x, 1), which gives ${shapeText(flat)}.`,
      "torch.flatten(x, 1)",
    );
  }
  return target;
}

// One layer: [output shape, formula or null], or a thrown Breaks (checked in trace's order).
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
    const explanation = explainLayer(where, layer, shape);
    const channels = isConv ? layer.out_channels : shape[shape.length - 3];
    return [[...shape.slice(0, -3), channels, ...explanation.output], explanation.lines.join("\n")];
  }
  if (kind === "batch_norm" && shape[1] !== layer.num_features) {
    throw new Breaks(
      `${where} failed on its input of shape ${shapeText(shape)}: RuntimeError: running_mean ` +
        `should contain ${shape[1]} elements not ${layer.num_features}`,
      `nn.BatchNorm2d(${shape[1]})`,
    );
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
      throw new Breaks(
        `${where} cannot be recomputed here: it was traced with the input ` +
          `${shapeText(layer.input_shape)}, now it gets ${shapeText(shape)}; trace the changed model.`,
      );
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

// Every layer's output shape, up to the first that breaks: {rows, broken, diagnosis, fix, output_shape}.
export function propagate(layers, inputShape) {
  const rows = [];
  const names = layers.map((layer) => layer.name);
  let shape = [...inputShape];
  for (const [index, layer] of layers.entries()) {
    const row = { input_shape: shape, output_shape: null, formula: null, params: parameterCount(layer) };
    rows.push(row);
    try {
      [shape, row.formula] = step(layer, shape, rows, names);
      row.output_shape = shape;
    } catch (error) {
      if (!(error instanceof Breaks)) throw error;
      return { rows, broken: index, diagnosis: error.diagnosis, fix: error.fix, output_shape: null };
    }
  }
  return { rows, broken: -1, diagnosis: "", fix: "", output_shape: shape };
}
