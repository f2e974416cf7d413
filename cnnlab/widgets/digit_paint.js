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

// The learned filters of every convolution layer, one <details> each (the first open): a layer's
// filters side by side, or with several input channels a row per filter, a column per channel.
// t: the widget's translator (i18n.js).
export function filterPanels(layers, weights, t) {
  const panels = [];
  layers.forEach((layer, index) => {
    if (layer.kind !== "conv") return;
    const [kh, kw] = layer.kernel_size;
    const [O, C] = [layer.out_channels, layer.in_channels];
    const size = kh * kw;
    const scale = maxAbs(weights, layer.weight, layer.weight + O * C * size);
    // One input channel: the filters side by side; more: one row per filter, a column per channel.
    const columns = C === 1 ? Math.min(O, 8) : Math.min(C, 8);
    const grid = h("div", {
      class: "cl-filter-grid",
      style: `grid-template-columns: repeat(${columns}, auto)`,
    });
    const shown = Math.min(O, C === 1 ? O : 16);
    for (let o = 0; o < shown; o += 1) {
      for (let c = 0; c < Math.min(C, 8); c += 1) {
        const canvas = h("canvas", {
          class: "cl-filter",
          width: kw,
          height: kh,
          title: t("digit_lab.filter", { filter: o, channel: c }),
        });
        paint(canvas, weights, kh, kw, scale, layer.weight + (o * C + c) * size);
        grid.append(canvas);
      }
    }
    const values = { layer: layer.name, O, C, kh, kw, shown, channels: Math.min(C, 8) };
    const summary = t(shown < O || C > 8 ? "digit_lab.filters_some" : "digit_lab.filters", values);
    panels.push(
      h(
        "details",
        { class: "cl-filter-layer", open: index === 0 ? true : null },
        h("summary", { text: summary }),
        colourBar(scale, t),
        C === 1 ? null : h("div", { class: "cl-filter-note", text: t("digit_lab.filter_rows") }),
        grid,
      ),
    );
  });
  return panels;
}
