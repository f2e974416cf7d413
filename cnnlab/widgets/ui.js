// Small DOM helpers shared by every cnnlab widget: elements, labelled fields, grids, syncing.
// Labels are given in the widget's language by the caller; what the helpers say themselves
// (a grid field's hint and problems) comes from the string tables (i18n.js, keys "ui.…").

import { languageOf, message, translator } from "./i18n.js";

let counter = 0;

// A page-unique id, so that every <label for=...> points at its own field.
export function uid(prefix) {
  counter += 1;
  return `cnnlab-${prefix}-${counter}-${Math.random().toString(36).slice(2, 7)}`;
}

// h("div", {class: "x", onclick: f}, child, "text") → an element.
export function h(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === null || value === undefined || value === false) continue;
    if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
    else if (key === "text") node.textContent = value;
    else node.setAttribute(key, value === true ? "" : value);
  }
  for (const child of children.flat()) {
    if (child !== null && child !== undefined && child !== false) {
      node.append(child instanceof Node ? child : document.createTextNode(String(child)));
    }
  }
  return node;
}

export function svg(tag, attrs = {}, ...children) {
  const node = document.createElementNS("http://www.w3.org/2000/svg", tag);
  for (const [key, value] of Object.entries(attrs)) node.setAttribute(key, value);
  for (const child of children.flat()) {
    if (child) node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

// Write a value to the model: the kernel (if any) gets it, every view redraws.
export function save(model, name, value) {
  model.set(name, value);
  model.save_changes();
}

// A labelled whole-number field: onValue(n) runs whenever the text is a whole number.
// `label` is the visible text; `name` (optional) the accessible name when it must say more.
export function intField(
  label,
  value,
  onValue,
  { min = null, max = null, hint = null, name = null, param = null, strict = false } = {},
) {
  const id = uid("field");
  const input = h("input", {
    id,
    type: "number",
    step: 1,
    min,
    max,
    inputmode: "numeric",
    value,
    title: hint,
    "aria-label": name,
    "data-param": param,
  });
  // Only whole numbers are used (and, when `strict`, only those within min…max). Anything else
  // (2.5, 1e3, an empty field) marks the field invalid and changes nothing; leaving the field
  // puts back the number in use, so the field never shows a value the widget is not using.
  let used = value;
  const inRange = (n) => !strict || ((min === null || n >= min) && (max === null || n <= max));
  const mark = (invalid) => {
    input.classList.toggle("cl-invalid", invalid);
    input.setAttribute("aria-invalid", String(invalid));
  };
  input.addEventListener("input", () => {
    const text = input.value.trim();
    const n = /^-?\d+$/.test(text) ? parseInt(text, 10) : NaN;
    mark(!Number.isSafeInteger(n) || !inRange(n));
    if (Number.isSafeInteger(n) && inRange(n)) {
      used = n;
      onValue(n);
    }
  });
  input.addEventListener("change", () => {
    if (input.classList.contains("cl-invalid")) input.value = used;
    mark(false);
  });
  const field = h("div", { class: "cnnlab-field" }, h("label", { for: id, text: label }), input);
  // Show a new value, unless the reader is typing in this field right now.
  const show = (next) => {
    used = next;
    if (document.activeElement !== input && String(next) !== input.value) input.value = next;
  };
  return { field, input, show };
}

// A labelled whole-number field bound to one model attribute (keyboard: ↑/↓ change it).
export function numberField(model, name, label, options = {}) {
  const control = intField(label, model.get(name), (n) => save(model, name, n), { ...options, param: name });
  return { ...control, sync: () => control.show(model.get(name)) };
}

// A group of radio buttons (a fieldset with a legend) bound to one model attribute.
export function radioGroup(model, name, legend, options) {
  const group = uid(name);
  const inputs = options.map(([value, label]) => {
    const id = uid(`${name}-${value}`);
    const input = h("input", { id, type: "radio", name: group, value, "data-param": name });
    input.addEventListener("change", () => {
      if (input.checked) save(model, name, value);
    });
    return [input, h("label", { for: id, class: "cnnlab-choice" }, input, h("span", { text: label }))];
  });
  const fieldset = h(
    "fieldset",
    { class: "cnnlab-radios" },
    h("legend", { text: legend }),
    inputs.map(([, label]) => label),
  );
  const sync = () => {
    for (const [input] of inputs) input.checked = input.value === model.get(name);
  };
  sync();
  return { field: fieldset, sync };
}

// A button with a visible text and an accessible name.
export function button(text, label, onclick) {
  return h(
    "button",
    { type: "button", class: "cnnlab-button", "aria-label": label, title: label, onclick },
    text,
  );
}

// A table of numbers drawn as a CSS grid; cell(r, c) returns {text, class, corner} or a cell element.
export function numberGrid(rows, cols, cell, { caption = "", className = "" } = {}) {
  const grid = h("div", {
    class: `cnnlab-grid ${className}`,
    role: "group",
    "aria-label": caption,
    style: `grid-template-columns: repeat(${cols}, var(--cl-cell))`,
  });
  for (let r = 0; r < rows; r += 1) {
    for (let c = 0; c < cols; c += 1) {
      const spec = cell(r, c);
      grid.append(
        spec instanceof Node
          ? spec
          : h(
              "div",
              { class: `cnnlab-cell ${spec.class || ""}` },
              spec.text,
              spec.corner ? h("span", { class: "cnnlab-corner", text: spec.corner }) : null,
            ),
      );
    }
  }
  return h("figure", { class: "cnnlab-figure" }, grid, caption ? h("figcaption", { text: caption }) : null);
}

// The error box: shows `message` (or hides itself when there is none).
export function errorBox() {
  const box = h("div", { class: "cnnlab-error", role: "alert", "data-testid": "error", hidden: true });
  const show = (message) => {
    box.hidden = !message;
    box.textContent = message || "";
  };
  return { box, show };
}

// Rows of numbers as the grid fields show them: one row per line, values separated by spaces.
export function gridText(grid) {
  return grid.map((row) => row.map((v) => String(v)).join(" ")).join("\n");
}

// The grid typed in a grid field, or {error} saying what is wrong with it (a message, i18n.js).
// Rows are lines (or separated by ";"), values are separated by spaces or commas; at most
// maxSize rows and columns.
export function parseGrid(text, maxSize) {
  const lines = text
    .split(/[\n;]/)
    .map((line) => line.trim())
    .filter((line) => line !== "");
  if (lines.length === 0) return { error: message("ui.grid_empty") };
  const rows = lines.map((line) => line.split(/[\s,]+/));
  const bad = rows.flat().find((v) => !/^[-+]?(\d+\.?\d*|\.\d+)$/.test(v) || Math.abs(Number(v)) > 1e6);
  if (bad !== undefined) return { error: message("ui.grid_not_number", { value: bad }) };
  if (new Set(rows.map((row) => row.length)).size !== 1) {
    return { error: message("ui.grid_ragged", { lengths: rows.map((row) => row.length).join(", ") }) };
  }
  if (rows.length > maxSize || rows[0].length > maxSize) {
    const values = { most: maxSize, rows: rows.length, cols: rows[0].length };
    return { error: message("ui.grid_too_large", values) };
  }
  return { grid: rows.map((row) => row.map(Number)) };
}

// A labelled text area holding a grid of numbers, bound to one model attribute. A grid that is
// not a rectangle of numbers (or too large to draw) marks the field invalid, says why, and changes
// nothing; leaving the field puts back the grid in use.
export function gridField(model, name, label, { maxSize = 10, hint = null } = {}) {
  const t = translator(languageOf(model));
  const id = uid("grid");
  const input = h("textarea", {
    id,
    rows: 4,
    spellcheck: "false",
    autocomplete: "off",
    title: hint || t("ui.grid_hint"),
    "data-param": name,
  });
  const problem = h("div", { class: "cl-field-problem", role: "status", hidden: true });
  const mark = (message) => {
    input.classList.toggle("cl-invalid", Boolean(message));
    input.setAttribute("aria-invalid", String(Boolean(message)));
    problem.hidden = !message;
    problem.textContent = message || "";
  };
  input.addEventListener("input", () => {
    const { grid, error } = parseGrid(input.value, maxSize);
    mark(error ? t(error) : "");
    if (grid) save(model, name, grid);
  });
  input.addEventListener("change", () => {
    if (input.classList.contains("cl-invalid")) input.value = gridText(model.get(name));
    mark("");
  });
  const field = h(
    "div",
    { class: "cnnlab-field cnnlab-grid-field" },
    h("label", { for: id, text: label }),
    input,
    problem,
  );
  const sync = () => {
    const grid = model.get(name);
    input.rows = Math.min(Math.max(grid.length, 2), maxSize);
    if (document.activeElement !== input) input.value = gridText(grid);
  };
  sync();
  return { field, input, sync };
}

// A labelled checkbox bound to one boolean model attribute.
export function checkField(model, name, label, { hint = null } = {}) {
  const id = uid(name);
  const input = h("input", {
    id,
    type: "checkbox",
    title: hint,
    "data-param": name,
    onchange: (event) => save(model, name, event.target.checked),
  });
  const field = h("div", { class: "cnnlab-field cnnlab-check" }, input, h("label", { for: id, text: label }));
  const sync = () => {
    input.checked = Boolean(model.get(name));
  };
  sync();
  return { field, input, sync };
}
