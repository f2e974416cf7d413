// Pooling explorer: max and average pooling over the same small grid, window and stride
// settable; pick an output cell to see its window and, for max pooling, the cell it chose.

import { formatValue, pairOf, poolCell, sizesOf } from "./grids.js";
import { poolOutputSize } from "./shapes.js";
import { errorBox, h, numberField, numberGrid, save } from "./ui.js";

function outputSize(grid, kernelSize, stride) {
  try {
    return { size: pairOf(poolOutputSize(...sizesOf(grid), kernelSize, stride)), error: "" };
  } catch (error) {
    if (error.name !== "ShapeError") throw error;
    return { size: [0, 0], error: error.message };
  }
}

function render({ model, el }) {
  const kernel = numberField(model, "kernel_size", "kernel size", { min: 1, hint: "the window is k×k" });
  const stride = numberField(model, "stride", "stride", {
    min: 1,
    hint: "PyTorch's default: the kernel size",
  });
  const error = errorBox();
  const size = h("output", { class: "cl-output", "data-testid": "output-size", "aria-live": "polite" });
  const maxText = h("div", { class: "cl-formula", "data-testid": "max-calculation" });
  const averageText = h("div", { class: "cl-formula", "data-testid": "average-calculation" });
  const stage = h("div", { class: "cl-stage" });

  el.classList.add("cnnlab-widget", "cnnlab-pooling-explorer");
  el.replaceChildren(
    h("div", { class: "cl-title" }, "Pooling explorer", h("span", { text: "max or average of each window" })),
    h("div", { class: "cl-controls" }, kernel.field, stride.field),
    stage,
    h(
      "div",
      { class: "cl-result" },
      h("div", { class: "cl-output-row" }, h("span", { text: "output size" }), size),
      maxText,
      averageText,
      error.box,
    ),
  );

  const update = () => {
    kernel.sync();
    stride.sync();
    const grid = model.get("grid");
    const k = model.get("kernel_size");
    const s = model.get("stride");
    const {
      size: [rows, cols],
      error: message,
    } = outputSize(grid, k, s);
    error.show(message);
    el.classList.toggle("cl-invalid", Boolean(message));
    size.textContent = message ? "—" : `${rows} × ${cols}`;
    const inputGrid = (chosen) =>
      numberGrid(
        grid.length,
        grid[0].length,
        (r, c) => {
          const inWindow =
            chosen && r >= chosen.top && r < chosen.top + k && c >= chosen.left && c < chosen.left + k;
          const isMax = chosen && r === chosen.maxRow && c === chosen.maxCol;
          return {
            text: formatValue(grid[r][c]),
            class: `${inWindow ? "cl-window" : ""} ${isMax ? "cl-chosen" : ""}`,
          };
        },
        { caption: `input ${grid.length}×${grid[0].length}` },
      );
    if (message) {
      maxText.textContent = "";
      averageText.textContent = "";
      stage.replaceChildren(inputGrid(null));
      return;
    }
    const [row, col] = model.get("selected");
    const [r0, c0] = [Math.min(Math.max(row, 0), rows - 1), Math.min(Math.max(col, 0), cols - 1)];
    const chosen = poolCell(grid, k, s, r0, c0);
    const outputGrid = (kind) =>
      numberGrid(
        rows,
        cols,
        (r, c) => {
          const cell = poolCell(grid, k, s, r, c);
          const value = kind === "max" ? cell.max : cell.average;
          const picked = r === r0 && c === c0;
          const pick = h(
            "button",
            {
              type: "button",
              class: `cnnlab-cell cl-out ${picked ? "cl-current" : ""}`,
              "aria-label": `${kind} pooling output row ${r}, column ${c} (from 0): ${formatValue(value)}`,
              "aria-pressed": picked ? "true" : "false",
              "data-cell": `${kind}-${r}-${c}`,
              onclick: () => save(model, "selected", [r, c]),
            },
            formatValue(value),
          );
          return pick;
        },
        {
          caption: `${kind === "max" ? "max" : "average"} pooling ${rows}×${cols}`,
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
    maxText.textContent = `max pooling:      ${chosen.maxText}`;
    averageText.textContent = `average pooling:  ${chosen.averageText}`;
  };
  model.on("change", update);
  update();
  return () => model.off("change", update);
}

export default { render };
