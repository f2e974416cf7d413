// Convolution stepper: the window slides over the (padded) input one output cell at a time,
// and each cell's multiply-and-add is written out. The reader edits the input, the kernel's values
// and its size, the padding and the stride. Computed in the browser by grids.js.

import { convolveCell, formatValue, pairOf, sizesOf } from "./grids.js";
import { languageOf, translator } from "./i18n.js";
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
    return { input, kernel, padding, stride, rows, cols, total: rows * cols, error: null };
  } catch (error) {
    if (error.name !== "ShapeError") throw error;
    return { input, kernel, padding, stride, rows: 0, cols: 0, total: 0, error: error.said };
  }
}

function render({ model, el }) {
  const t = translator(languageOf(model));
  const input = gridField(model, "input", t("ui.input_grid"), { maxSize: MAX_INPUT });
  const kernel = gridField(model, "kernel", t("conv_stepper.kernel_values"), { maxSize: MAX_KERNEL });
  const kernelSize = intField(
    t("ui.kernel_size"),
    model.get("kernel").length,
    (n) => save(model, "kernel", resizeKernel(model.get("kernel"), n)),
    {
      min: 1,
      max: MAX_KERNEL,
      strict: true,
      hint: t("conv_stepper.kernel_size_hint", { most: MAX_KERNEL }),
      param: "kernel_size",
    },
  );
  const padding = numberField(model, "padding", t("ui.padding"), { min: 0, hint: t("shapes.hint.zeros") });
  const stride = numberField(model, "stride", t("ui.stride"), { min: 1 });
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
    play.textContent = t("conv_stepper.play_button");
    play.setAttribute("aria-label", t("conv_stepper.play"));
  };
  const reset = button(t("conv_stepper.reset_button"), t("conv_stepper.reset"), () => {
    stop();
    go(0);
  });
  const back = button(t("conv_stepper.back_button"), t("conv_stepper.back"), () => {
    stop();
    go(Math.max(0, current - 1));
  });
  const next = button(t("conv_stepper.next_button"), t("conv_stepper.next"), () => {
    stop();
    go(current + 1);
  });
  const play = button(t("conv_stepper.play_button"), t("conv_stepper.play"), () => {
    if (timer !== null) return stop();
    const { total } = layout(model);
    if (current >= total - 1) go(0);
    play.textContent = t("conv_stepper.pause_button");
    play.setAttribute("aria-label", t("conv_stepper.pause"));
    timer = setInterval(() => {
      const last = layout(model).total - 1;
      if (current >= last) stop();
      else go(current + 1);
    }, 900);
  });

  el.classList.add("cnnlab-widget", "cnnlab-conv-stepper");
  el.replaceChildren(
    h("div", { class: "cl-title" }, t("conv_stepper.title"), h("span", { text: t("conv_stepper.subtitle") })),
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
    error.show(g.error ? t(g.error) : "");
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
          caption: t("conv_stepper.input"),
        }),
      );
      return;
    }
    if (Math.max(height, width, g.rows, g.cols) > MAX_DRAWN) {
      stop();
      status.textContent = t("ui.output", { rows: g.rows, cols: g.cols });
      calculation.textContent = "";
      stage.replaceChildren(
        h("p", {
          class: "cl-note",
          text: t("conv_stepper.too_large", { height, width, most: MAX_DRAWN }),
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
      {
        caption: t(p ? "ui.input_padded" : "ui.input", {
          height: g.input.length,
          width: g.input[0].length,
          padding: p,
        }),
      },
    );
    const kernelGrid = numberGrid(
      kh,
      kw,
      (r, c) => ({ text: formatValue(g.kernel[r][c]), class: "cl-kernel" }),
      { caption: t("conv_stepper.kernel", { height: kh, width: kw }) },
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
      { caption: t("ui.output", { rows: g.rows, cols: g.cols }), className: "cl-output-grid" },
    );
    stage.replaceChildren(
      inputGrid,
      h("span", { class: "cl-times", text: "⊛" }),
      kernelGrid,
      h("span", { class: "cl-times", text: "=" }),
      outputGrid,
    );
    status.textContent = t("conv_stepper.status", {
      number: step + 1,
      total: g.total,
      row,
      col,
      top: cell.top,
      bottom: cell.top + kh - 1,
      left: cell.left,
      right: cell.left + kw - 1,
    });
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
