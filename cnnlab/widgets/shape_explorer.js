// Shape explorer: set input size, kernel size, padding, stride, dilation and the layer type,
// and see the output size, the formula with the numbers filled in, and a drawing.
// Everything is computed here, in the browser, by shapes.js: no kernel needed; shape_drawing.js
// draws the picture.

import { pairOf } from "./grids.js";
import { languageOf, translator } from "./i18n.js";
import { drawing, unreached } from "./shape_drawing.js";
import { explain, paddingBeforeAfter } from "./shapes.js";
import { errorBox, h, numberField, radioGroup, save, uid } from "./ui.js";

export { unreached }; // tests/test_widget_parity.py checks it against PyTorch

const LAYERS = ["conv", "max_pool", "avg_pool", "conv_transpose"]; // labels: "shape_explorer.layer.<kind>"

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