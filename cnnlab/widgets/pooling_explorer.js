// Pooling explorer: max and average pooling over the same small grid. The reader edits the grid
// and sets the window (kernel size), stride, padding and ceil_mode, and picks an output cell to see
// its window and, for max pooling, the cell it chose.

import { formatValue, pairOf, poolCell, sizesOf } from "./grids.js";
import { languageOf, translator } from "./i18n.js";
import { poolOutputSize } from "./shapes.js";
import { checkField, errorBox, gridField, h, numberField, numberGrid, save } from "./ui.js";

const MAX_INPUT = 10; // the largest grid the reader can type (larger ones are hard to read anyway)
const MAX_DRAWN = 16; // larger padded grids are described, not drawn

function outputSize(grid, kernelSize, stride, padding, ceilMode) {
  try {
    const size = poolOutputSize(...sizesOf(grid), kernelSize, stride, padding, 1, ceilMode);
    return { size: pairOf(size), error: null };
  } catch (error) {
    if (error.name !== "ShapeError") throw error;
    return { size: [0, 0], error: error.said };
  }
}

function render({ model, el }) {
  const t = translator(languageOf(model));
  const input = gridField(model, "grid", t("ui.input_grid"), { maxSize: MAX_INPUT });
  const kernel = numberField(model, "kernel_size", t("pooling_explorer.window"), {
    min: 1,
    hint: t("pooling_explorer.window_hint"),
  });
  const stride = numberField(model, "stride", t("ui.stride"), {
    min: 1,
    hint: t("pooling_explorer.stride_hint"),
  });
  const padding = numberField(model, "padding", t("ui.padding"), {
    min: 0,
    hint: t("pooling_explorer.padding_hint"),
  });
  const ceil = checkField(model, "ceil_mode", "ceil_mode", { hint: t("pooling_explorer.ceil_hint") });
  const error = errorBox();
  const size = h("output", { class: "cl-output", "data-testid": "output-size", "aria-live": "polite" });
  const maxText = h("div", { class: "cl-formula", "data-testid": "max-calculation" });
  const averageText = h("div", { class: "cl-formula", "data-testid": "average-calculation" });
  const stage = h("div", { class: "cl-stage" });

  el.classList.add("cnnlab-widget", "cnnlab-pooling-explorer");
  el.replaceChildren(
    h(
      "div",
      { class: "cl-title" },
      t("pooling_explorer.title"),
      h("span", { text: t("pooling_explorer.subtitle") }),
    ),
    h(
      "div",
      { class: "cl-controls" },
      input.field,
      kernel.field,
      stride.field,
      padding.field,
      ceil.field,
    ),
    stage,
    h(
      "div",
      { class: "cl-result" },
      h("div", { class: "cl-output-row" }, h("span", { text: t("ui.output_size") }), size),
      maxText,
      averageText,
      error.box,
    ),
  );

  const update = () => {
    for (const control of [input, kernel, stride, padding, ceil]) control.sync();
    const grid = model.get("grid");
    const k = model.get("kernel_size");
    const s = model.get("stride");
    const ceilMode = Boolean(model.get("ceil_mode"));
    const {
      size: [rows, cols],
      error: message,
    } = outputSize(grid, k, s, model.get("padding"), ceilMode);
    const p = message ? 0 : model.get("padding");
    error.show(message ? t(message) : "");
    el.classList.toggle("cl-invalid", Boolean(message));
    size.textContent = message ? "—" : `${rows} × ${cols}`;
    const [height, width] = [grid.length + 2 * p, grid[0].length + 2 * p];
    const windowKey = p ? "pooling_explorer.window_padded" : "pooling_explorer.window_text";
    const windowText = t(windowKey, { k, s, p }) + (ceilMode ? t("pooling_explorer.ceil_mode") : "");
    const inputKey = p ? "pooling_explorer.input_padded" : "pooling_explorer.input";
    const inputGrid = (chosen) =>
      numberGrid(
        height,
        width,
        (r, c) => {
          const padded = r < p || r >= height - p || c < p || c >= width - p;
          const inWindow =
            chosen && r >= chosen.top && r < chosen.top + k && c >= chosen.left && c < chosen.left + k;
          const isMax = chosen && r === chosen.maxRow && c === chosen.maxCol;
          return {
            text: padded ? "·" : formatValue(grid[r - p][c - p]),
            class: `${padded ? "cl-pad" : ""} ${inWindow ? "cl-window" : ""} ${isMax ? "cl-chosen" : ""}`,
          };
        },
        { caption: t(inputKey, { height: grid.length, width: grid[0].length, window: windowText }) },
      );
    if (message || Math.max(height, width) > MAX_DRAWN) {
      maxText.textContent = "";
      averageText.textContent = "";
      stage.replaceChildren(
        message
          ? inputGrid(null)
          : h("p", {
              class: "cl-note",
              text: t("pooling_explorer.too_large", { height, width }),
            }),
      );
      return;
    }
    const [row, col] = model.get("selected");
    const [r0, c0] = [Math.min(Math.max(row, 0), rows - 1), Math.min(Math.max(col, 0), cols - 1)];
    const chosen = poolCell(grid, k, s, r0, c0, p);
    const outputGrid = (kind) =>
      numberGrid(
        rows,
        cols,
        (r, c) => {
          const cell = poolCell(grid, k, s, r, c, p);
          const value = kind === "max" ? cell.max : cell.average;
          const picked = r === r0 && c === c0;
          return h(
            "button",
            {
              type: "button",
              class: `cnnlab-cell cl-out ${picked ? "cl-current" : ""}`,
              "aria-label": t(`pooling_explorer.${kind}_cell`, { row: r, col: c, value: formatValue(value) }),
              "aria-pressed": picked ? "true" : "false",
              "data-cell": `${kind}-${r}-${c}`,
              onclick: () => save(model, "selected", [r, c]),
            },
            formatValue(value),
          );
        },
        {
          caption: t(`pooling_explorer.${kind}_output`, { rows, cols }),
          className: `cl-${kind}-grid`,
        },
      );
    const focused = stage.contains(document.activeElement) ? document.activeElement.dataset.cell : null;
    stage.replaceChildren(
      inputGrid(chosen),
      h("span", { class: "cl-times", text: "→" }),
      outputGrid("max"),
      outputGrid("average"),
    );
    if (focused) stage.querySelector(`[data-cell="${focused}"]`)?.focus(); // keep the keyboard's place
    const where = `out[${r0}, ${c0}]`;
    maxText.textContent = t("pooling_explorer.max_text", { where, text: chosen.maxText });
    averageText.textContent = t("pooling_explorer.average_text", { where, text: chosen.averageText });
  };
  model.on("change", update);
  update();
  return () => model.off("change", update);
}

export default { render };
