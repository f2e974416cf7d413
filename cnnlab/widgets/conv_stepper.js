// Convolution stepper: the window slides over the (padded) input one output cell at a time,
// and each cell's multiply-and-add is written out. The reader edits the input, the kernel's values
// and its size, the padding and the stride. Computed in the browser by grids.js.

import { convolveCell, formatValue, pairOf, sizesOf } from "./grids.js";
import { convOutputSize } from "./shapes.js";
import { button, errorBox, gridField, h, intField, numberField, numberGrid, save } from "./ui.js";

const MAX_DRAWN = 24; // larger padded inputs are described, not drawn (hundreds of cells freeze the page)
const MAX_INPUT = 12; // the largest input the reader can type
const MAX_KERNEL = 7; // the largest kernel size field value

// The kernel resized to n×n: the values it had stay where they were, new cells are 0.
export function resizeKernel(kernel, n) {
  return Array.from({ length: n }, (_, r) => Array.from({ length: n }, (_, c) => kernel[r]?.[c] ?? 0));
}

function layout(model) {
  const input = model.get("input");
  const kernel = model.get("kernel");
  const padding = model.get("padding");
  const stride = model.get("stride");
  try {
    const [rows, cols] = pairOf(convOutputSize(...sizesOf(input, kernel), stride, padding));
    return { input, kernel, padding, stride, rows, cols, total: rows * cols, error: "" };
  } catch (error) {
    if (error.name !== "ShapeError") throw error;
    return { input, kernel, padding, stride, rows: 0, cols: 0, total: 0, error: error.message };
  }
}

function render({ model, el }) {
  const input = gridField(model, "input", "input (one row per line)", { maxSize: MAX_INPUT });
  const kernel = gridField(model, "kernel", "kernel values", { maxSize: MAX_KERNEL });
  const kernelSize = intField(
    "kernel size",
    model.get("kernel").length,
    (n) => save(model, "kernel", resizeKernel(model.get("kernel"), n)),
    {
      min: 1,
      max: MAX_KERNEL,
      strict: true,
      hint: `k×k, at most ${MAX_KERNEL}; new cells are 0`,
      param: "kernel_size",
    },
  );
  const padding = numberField(model, "padding", "padding", { min: 0, hint: "zeros added on each side" });
  const stride = numberField(model, "stride", "stride", { min: 1 });
  const error = errorBox();
  const status = h("div", { class: "cl-status", "data-testid": "status", "aria-live": "polite" });
  const calculation = h("div", { class: "cl-formula", "data-testid": "calculation" });
  const stage = h("div", { class: "cl-stage" });
  let timer = null;
  let current = 0; // the step shown, kept within the output even when padding or stride shrink it

  const go = (step) => save(model, "step", step);
  const stop = () => {
    if (timer !== null) clearInterval(timer);
    timer = null;
    play.textContent = "▶ play";
    play.setAttribute("aria-label", "play");
  };
  const reset = button("⟲ reset", "reset", () => {
    stop();
    go(0);
  });
  const back = button("◀ back", "previous step", () => {
    stop();
    go(Math.max(0, current - 1));
  });
  const next = button("step ▶", "next step", () => {
    stop();
    go(current + 1);
  });
  const play = button("▶ play", "play", () => {
    if (timer !== null) return stop();
    const { total } = layout(model);
    if (current >= total - 1) go(0);
    play.textContent = "❚❚ pause";
    play.setAttribute("aria-label", "pause");
    timer = setInterval(() => {
      const last = layout(model).total - 1;
      if (current >= last) stop();
      else go(current + 1);
    }, 900);
  });

  el.classList.add("cnnlab-widget", "cnnlab-conv-stepper");
  el.replaceChildren(
    h("div", { class: "cl-title" }, "Convolution stepper", h("span", { text: "one output cell at a time" })),
    h("div", { class: "cl-controls" }, input.field, kernel.field),
    h(
      "div",
      { class: "cl-controls" },
      kernelSize.field,
      padding.field,
      stride.field,
      h("div", { class: "cl-buttons" }, reset, back, next, play),
    ),
    stage,
    h("div", { class: "cl-result" }, status, calculation, error.box),
  );

  const update = () => {
    input.sync();
    kernel.sync();
    kernelSize.show(model.get("kernel").length);
    padding.sync();
    stride.sync();
    const g = layout(model);
    error.show(g.error);
    el.classList.toggle("cl-invalid", Boolean(g.error));
    const step = Math.min(Math.max(model.get("step"), 0), Math.max(g.total - 1, 0));
    current = step;
    back.disabled = Boolean(g.error) || step === 0;
    next.disabled = Boolean(g.error) || step >= g.total - 1;
    play.disabled = Boolean(g.error);
    const p = g.error ? 0 : g.padding;
    const height = g.input.length + 2 * p;
    const width = g.input[0].length + 2 * p;
    const kh = g.kernel.length;
    const kw = g.kernel[0].length;
    if (g.error) {
      stop();
      status.textContent = "";
      calculation.textContent = "";
      stage.replaceChildren(
        numberGrid(g.input.length, g.input[0].length, (r, c) => ({ text: formatValue(g.input[r][c]) }), {
          caption: "input",
        }),
      );
      return;
    }
    if (Math.max(height, width, g.rows, g.cols) > MAX_DRAWN) {
      stop();
      status.textContent = `output ${g.rows}×${g.cols}`;
      calculation.textContent = "";
      stage.replaceChildren(
        h("p", {
          class: "cl-note",
          text: `A padded input of ${height}×${width} is too large to step through here (at most ${MAX_DRAWN}×${MAX_DRAWN}).`,
        }),
      );
      return;
    }
    const row = Math.floor(step / g.cols);
    const col = step % g.cols;
    const cell = convolveCell(g.input, g.kernel, g.stride, p, row, col);
    const inWindow = (r, c) => r >= cell.top && r < cell.top + kh && c >= cell.left && c < cell.left + kw;
    const inputGrid = numberGrid(
      height,
      width,
      (r, c) => {
        const padded = r < p || r >= height - p || c < p || c >= width - p;
        const value = padded ? 0 : g.input[r - p][c - p];
        const here = inWindow(r, c);
        return {
          text: formatValue(value),
          class: `${padded ? "cl-pad" : ""} ${here ? "cl-window" : ""}`,
          corner: here ? `×${formatValue(g.kernel[r - cell.top][c - cell.left])}` : null,
        };
      },
      { caption: `input ${g.input.length}×${g.input[0].length}${p ? `, padding ${p}` : ""}` },
    );
    const kernelGrid = numberGrid(
      kh,
      kw,
      (r, c) => ({ text: formatValue(g.kernel[r][c]), class: "cl-kernel" }),
      { caption: `kernel ${kh}×${kw}` },
    );
    const outputGrid = numberGrid(
      g.rows,
      g.cols,
      (r, c) => {
        const index = r * g.cols + c;
        if (index > step) return { text: "?", class: "cl-todo" };
        const value = convolveCell(g.input, g.kernel, g.stride, p, r, c).value;
        return { text: formatValue(value), class: `cl-out ${index === step ? "cl-current" : ""}` };
      },
      { caption: `output ${g.rows}×${g.cols}`, className: "cl-output-grid" },
    );
    stage.replaceChildren(
      inputGrid,
      h("span", { class: "cl-times", text: "⊛" }),
      kernelGrid,
      h("span", { class: "cl-times", text: "=" }),
      outputGrid,
    );
    status.textContent =
      `output cell ${step + 1} of ${g.total}, out[${row}, ${col}] (counting from 0, as Python does): ` +
      `window on rows ${cell.top}–${cell.top + kh - 1}, ` +
      `columns ${cell.left}–${cell.left + kw - 1} of the padded input`;
    calculation.textContent = cell.text;
  };
  model.on("change", update);
  update();
  return () => {
    stop();
    model.off("change", update);
  };
}

export default { render };
