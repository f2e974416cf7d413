// Network shape stack: pick a model, change any layer's settings (or the input size) and see
// every shape after it update; the first layer that breaks is highlighted, with trace's
// diagnosis and the fix. Recomputed in the browser by network.js: no kernel needed.

import { languageOf, translator } from "./i18n.js";
import { propagate, shapeText } from "./network.js";
import { button, h, intField, save, uid } from "./ui.js";

// The settings a reader may edit, by kind; each one's label is "network_stack.setting.<setting>".
const EDITABLE = {
  conv: ["in_channels", "out_channels", "kernel_size", "stride", "padding"],
  max_pool: ["kernel_size", "stride", "padding"],
  linear: ["in_features", "out_features"],
};
EDITABLE.conv_transpose = EDITABLE.conv;
EDITABLE.avg_pool = EDITABLE.max_pool;

const clone = (value) => JSON.parse(JSON.stringify(value));
const square = (value) => (Array.isArray(value) ? (value[0] === value[1] ? value[0] : null) : value);

function setLayers(model, change) {
  const layers = clone(model.get("layers"));
  change(layers);
  save(model, "layers", layers);
}

// One table row per layer (and one for its formula), built once per model; update() fills them in.
function buildRows(model, tbody, t) {
  const rows = model.get("layers").map((layer, index) => {
    const fields = (EDITABLE[layer.kind] || []).map((key) => {
      const text = t(`network_stack.setting.${key}`);
      const value = square(layer[key]);
      if (value === null || typeof value === "string") {
        return h("label", {}, text, h("code", { text: JSON.stringify(layer[key]) }));
      }
      const control = intField(
        text,
        value,
        (n) =>
          setLayers(model, (layers) => {
            // A module used twice (MnistNet's pooling) is one layer: both of its rows change.
            const shared = !layer.type.includes(".");
            layers.forEach((other, i) => {
              if (i === index || (shared && other.name === layer.name)) {
                other[key] = Array.isArray(other[key]) ? [n, n] : n;
              }
            });
          }),
        {
          name: t("network_stack.setting_of", { layer: layer.name, setting: text }),
          min: key === "padding" ? 0 : 1,
          strict: true,
        },
      );
      return { key, control };
    });
    const shapeCell = h("div", { class: "cl-shape", "data-testid": "shape" });
    const paramsCell = h("td", { class: "cl-num" });
    const formula = h("td", { class: "cl-formula-cell", colspan: 4 });
    const tr = h(
      "tr",
      { "data-layer": layer.name },
      h("td", { class: "cl-num", text: String(index + 1) }),
      h(
        "td",
        {},
        h("div", { class: "cl-layer-name", text: layer.name }),
        h("div", { class: "cl-layer-type", text: layer.type }),
      ),
      h(
        "td",
        { class: "cl-settings-cell" },
        h(
          "div",
          { class: "cl-settings" },
          fields.map((f) => (f.control ? f.control.field : f)),
        ),
      ),
      h("td", {}, shapeCell),
      paramsCell,
    );
    const formulaRow = h("tr", { class: "cl-formula-row" }, h("td"), formula); // the size formula, if any
    tbody.append(tr, formulaRow);
    return { tr, formulaRow, shapeCell, paramsCell, formula, fields: fields.filter((f) => f.control) };
  });
  return rows;
}

function render({ model, el }) {
  const t = translator(languageOf(model));
  const pickId = uid("model");
  const pick = h(
    "select",
    { id: pickId, "data-param": "model_name" },
    Object.keys(model.get("models")).map((name) => h("option", { value: name, text: name })),
  );
  const choose = (name) => {
    const chosen = model.get("models")[name];
    if (!chosen) return; // a stack built from layers alone has nothing to reset to
    model.set("model_name", name);
    model.set("layers", clone(chosen.layers));
    model.set("input_shape", clone(chosen.input_shape));
    model.save_changes();
  };
  pick.addEventListener("change", () => choose(pick.value));
  const setInput = (dimensions, value) => {
    const shape = clone(model.get("input_shape"));
    for (const i of dimensions) shape[i] = value;
    save(model, "input_shape", shape);
  };
  const size = intField(t("ui.input_size"), model.get("input_shape")[2], (n) => setInput([2, 3], n), {
    min: 1,
    param: "input_size",
  });
  const channels = intField(
    t("network_stack.input_channels"),
    model.get("input_shape")[1],
    (n) => setInput([1], n),
    { min: 1, param: "input_channels" },
  );
  const reset = button(t("network_stack.reset_button"), t("network_stack.reset"), () =>
    choose(model.get("model_name")),
  );
  const summary = h("div", { class: "cl-output-row" });
  const diagnosis = h("div", { class: "cnnlab-error", role: "alert", "data-testid": "error", hidden: true });
  const fix = h("div", { class: "cl-fix", "data-testid": "fix", hidden: true });
  const tbody = h("tbody");
  const table = h(
    "table",
    { class: "cl-stack" },
    h(
      "thead",
      {},
      h(
        "tr",
        {},
        ["number", "layer", "settings", "output_shape", "params"].map((name) =>
          h("th", { text: t(`network_stack.column.${name}`) }),
        ),
      ),
    ),
    tbody,
  );

  el.classList.add("cnnlab-widget", "cnnlab-network-stack");
  el.replaceChildren(
    h(
      "div",
      { class: "cl-title" },
      t("network_stack.title"),
      h("span", { text: t("network_stack.subtitle") }),
    ),
    h(
      "div",
      { class: "cl-controls" },
      h("div", { class: "cnnlab-field" }, h("label", { for: pickId, text: t("network_stack.model") }), pick),
      size.field,
      channels.field,
      h("div", { class: "cl-buttons" }, reset),
    ),
    h("div", { class: "cl-result" }, summary, diagnosis, fix),
    h("div", { class: "cl-picture" }, table),
  );

  let built = null;
  let rows = [];
  const update = () => {
    const layers = model.get("layers");
    const shape = model.get("input_shape");
    const structure = `${model.get("model_name")}|${layers.map((l) => l.name).join(",")}`;
    if (structure !== built) {
      tbody.replaceChildren();
      rows = buildRows(model, tbody, t);
      built = structure;
    }
    pick.value = model.get("model_name");
    size.show(shape[2]);
    channels.show(shape[1]);
    const result = propagate(layers, shape);
    const seen = new Set();
    let total = 0;
    rows.forEach((row, i) => {
      const layer = layers[i];
      const computed = result.rows[i];
      for (const { key, control } of row.fields) control.show(square(layer[key]));
      row.tr.classList.toggle("cl-broken", i === result.broken);
      row.tr.classList.toggle("cl-after", result.broken >= 0 && i > result.broken);
      row.formulaRow.classList.toggle("cl-after", result.broken >= 0 && i > result.broken);
      const out = computed && computed.output_shape;
      const broken = i === result.broken ? t("network_stack.breaks_here") : "—";
      row.shapeCell.textContent = out ? shapeText(out) : broken;
      row.tr.classList.toggle(
        "cl-changed",
        Boolean(out && layer.output_shape && shapeText(out) !== shapeText(layer.output_shape)),
      );
      row.paramsCell.textContent = computed ? computed.params.toLocaleString("en-US") : "";
      const formula = computed && computed.says ? computed.says.map((line) => t(line)) : [];
      row.formula.textContent = formula.join("; ");
      row.formulaRow.hidden = !row.formula.textContent;
      row.tr.classList.toggle("cl-has-formula", !row.formulaRow.hidden);
      if (computed && !seen.has(layer.name)) total += computed.params;
      seen.add(layer.name);
    });
    // the summary's words around its two bold parts: "input (1, 1, 28, 28) → output <b> · N parameters"
    const input = shapeText(shape);
    const [before, after] =
      result.broken < 0
        ? t("network_stack.runs", { input, total: total.toLocaleString("en-US") }).split("{output}")
        : t("network_stack.breaks_at", { input }).split("{layer}");
    const bold = result.broken < 0 ? shapeText(result.output_shape) : layers[result.broken].name;
    const text = h("span", { "data-testid": "output-shape" }, before, h("b", { text: bold }), after);
    summary.replaceChildren(text);
    el.classList.toggle("cl-invalid", result.broken >= 0);
    diagnosis.hidden = result.broken < 0;
    diagnosis.textContent = result.says.map((line) => t(line)).join("\n");
    fix.hidden = !result.fix; // trace's diagnosis says what is wrong; the fix comes apart
    fix.replaceChildren(t("network_stack.fix"), h("code", { text: result.fix }));
  };
  model.on("change", update);
  update();
  return () => model.off("change", update);
}

export default { render };
