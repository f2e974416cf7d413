// Drawing helpers of the digit lab: maps and filters as canvases, on a diverging colour scale.

import { h } from "./ui.js";

// Diverging colours: negative blue, zero white, positive red (as plot_filters draws weights).
export function colour(value, scale) {
  const t = Math.max(-1, Math.min(1, scale > 0 ? value / scale : 0));
  const [r, g, b] = t >= 0 ? [178, 24, 43] : [33, 102, 172];
  const a = Math.abs(t);
  return [255 + (r - 255) * a, 255 + (g - 255) * a, 255 + (b - 255) * a];
}

export function paint(canvas, values, rows, cols, scale, offset = 0) {
  const context = canvas.getContext("2d");
  const image = context.createImageData(cols, rows);
  for (let i = 0; i < rows * cols; i += 1) {
    const [r, g, b] = colour(values[offset + i], scale);
    image.data.set([r, g, b, 255], 4 * i);
  }
  context.putImageData(image, 0, 0);
}

export function paintGray(canvas, pixels) {
  const context = canvas.getContext("2d");
  const image = context.createImageData(28, 28);
  for (let i = 0; i < 784; i += 1) {
    const v = 255 - Math.round(255 * pixels[i]);
    image.data.set([v, v, v, 255], 4 * i);
  }
  context.putImageData(image, 0, 0);
}

export function maxAbs(values, start = 0, end = values.length) {
  let top = 0;
  for (let i = start; i < end; i += 1) top = Math.max(top, Math.abs(values[i]));
  return top;
}

// t: the widget's translator (i18n.js), for the bar's accessible name.
export function colourBar(scale, t) {
  const text = (v) => (Math.abs(v) >= 100 ? v.toFixed(0) : v.toPrecision(2));
  return h(
    "div",
    {
      class: "cl-colourbar",
      role: "img",
      "aria-label": t("digit_lab.colour_scale", { from: text(-scale), to: text(scale) }),
    },
    h("span", { text: text(-scale) }),
    h("span", { class: "cl-colourbar-strip" }),
    h("span", { text: text(scale) }),
  );
}
