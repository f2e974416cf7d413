// Digit lab: draw a digit, see the 28 × 28 image the network receives, its probabilities, the
// feature maps of every layer, the learned filters, and the receptive field of any unit.
// Everything runs here, in the page (digit_net.js); Python only exported the trained network.

import { base64Bytes, decodeWeights, fieldOf, forward, mnistImage } from "./digit_net.js";
import { colourBar, filterPanels, maxAbs, paint, paintGray } from "./digit_paint.js";
import { languageOf, translator } from "./i18n.js";
import { button, h, save } from "./ui.js";

const PAD = 280; // the drawing pad's own pixels (shown smaller or larger by CSS)

function render({ model, el }) {
  const t = translator(languageOf(model));
  const layers = model.get("layers");
  const net = { layers, input_shape: [1, 1, 28, 28], mean: model.get("mean"), std: model.get("std") };
  const weights = decodeWeights(model.get("weights"), model.get("dtype"));
  const examples = model.get("examples");
  let pixels = Float32Array.from(model.get("pixels"));
  let strokes = [];
  let drawing = null;
  let selected = null; // {layer, row, col}: the unit whose receptive field is lit
  let result = null;
  let pending = false;
  let eventTime = null;

  // ---- the pad and the 28 × 28 view
  const pad = h("canvas", {
    class: "cl-pad",
    width: PAD,
    height: PAD,
    role: "img",
    "aria-label": t("digit_lab.pad"),
    "data-testid": "pad",
  });
  const padContext = pad.getContext("2d", { willReadFrequently: true });
  const seen = h("canvas", { class: "cl-seen", width: 28, height: 28, "data-testid": "input-image" });
  const seenField = h("div", { class: "cl-rf cl-rf-input", hidden: true, "data-testid": "rf-input" });
  const seenFull = h("div", { class: "cl-rf-full", hidden: true, "data-testid": "rf-input-full" });
  const seenBox = h("div", { class: "cl-seen-box" }, seen, seenField, seenFull);
  const prediction = h("p", { class: "cl-prediction", "aria-live": "polite", "data-testid": "prediction" });
  const bars = h("div", { class: "cl-bars", "data-testid": "probabilities" });
  const barRows = Array.from({ length: 10 }, (_, digit) => {
    const fill = h("span", { class: "cl-bar-fill" });
    const value = h("span", { class: "cl-bar-value" });
    const row = h(
      "div",
      { class: "cl-bar", "data-digit": digit },
      h("span", { class: "cl-bar-label", text: String(digit) }),
      h("span", { class: "cl-bar-track" }, fill),
      value,
    );
    bars.append(row);
    return { row, fill, value };
  });
  const fieldText = h("p", { class: "cl-field-text", "data-testid": "rf-text", "aria-live": "polite" });
  const mapsBox = h("div", { class: "cl-maps" });
  const filtersBox = h("div", { class: "cl-filters" });

  const redrawPad = () => {
    padContext.clearRect(0, 0, PAD, PAD);
    padContext.lineCap = "round";
    padContext.lineJoin = "round";
    padContext.strokeStyle = "#000";
    padContext.fillStyle = "#000";
    padContext.lineWidth = model.get("pen") * PAD;
    for (const stroke of strokes) {
      padContext.beginPath();
      padContext.moveTo(stroke[0][0], stroke[0][1]);
      if (stroke.length === 1) padContext.lineTo(stroke[0][0] + 0.01, stroke[0][1]);
      for (const [x, y] of stroke.slice(1)) padContext.lineTo(x, y);
      padContext.stroke();
    }
  };
  const readPad = () => {
    const data = padContext.getImageData(0, 0, PAD, PAD).data;
    const ink = new Float32Array(PAD * PAD);
    for (let i = 0; i < ink.length; i += 1) ink[i] = data[4 * i + 3] / 255;
    return mnistImage(ink, PAD, PAD);
  };
  const showExampleOnPad = (image) => {
    const small = h("canvas", { width: 28, height: 28 });
    const context = small.getContext("2d");
    const data = context.createImageData(28, 28);
    for (let i = 0; i < 784; i += 1) data.data.set([0, 0, 0, Math.round(255 * image[i])], 4 * i);
    context.putImageData(data, 0, 0);
    padContext.clearRect(0, 0, PAD, PAD);
    padContext.imageSmoothingEnabled = false;
    padContext.drawImage(small, 0, 0, PAD, PAD);
  };

  // ---- feature maps of every layer (maps: 3-D outputs; vectors: one strip)
  const mapViews = [];
  const buildMaps = () => {
    mapsBox.replaceChildren();
    layers.forEach((layer, index) => {
      const shape = layer.output_shape;
      const spatial = shape.length === 3;
      const canvases = [];
      const grid = h("div", { class: spatial ? "cl-map-grid" : "cl-vector" });
      const channels = spatial ? shape[0] : 1;
      const [rows, cols] = spatial ? [shape[1], shape[2]] : [1, shape[0]];
      for (let c = 0; c < channels; c += 1) {
        const canvas = h("canvas", {
          class: spatial ? "cl-map" : "cl-strip",
          width: cols,
          height: rows,
          "data-layer": index,
          "data-channel": c,
          "aria-label": t(spatial ? "digit_lab.map" : "digit_lab.values", { layer: layer.name, channel: c }),
        });
        const box = h("div", { class: "cl-map-box" }, canvas);
        if (spatial) {
          const pick = (event) => {
            const bounds = canvas.getBoundingClientRect();
            const col = Math.min(cols - 1, Math.floor(((event.clientX - bounds.left) / bounds.width) * cols));
            const row = Math.min(rows - 1, Math.floor(((event.clientY - bounds.top) / bounds.height) * rows));
            select({ layer: index, channel: c, row: Math.max(0, row), col: Math.max(0, col) });
          };
          canvas.addEventListener("pointerdown", pick);
          canvas.addEventListener("pointermove", (event) => {
            if (event.pointerType === "mouse") pick(event);
          });
        }
        grid.append(box);
        canvases.push({ canvas, box });
      }
      const bar = h("div", { class: "cl-map-scale" });
      const title = h(
        "div",
        { class: "cl-map-title" },
        h("strong", { text: layer.name }),
        h("span", { text: ` ${layer.type} → ${shape.join(" × ")}` }),
      );
      mapsBox.append(h("section", { class: "cl-layer", "data-layer-name": layer.name }, title, bar, grid));
      mapViews.push({ layer, index, spatial, rows, cols, canvases, bar });
    });
  };


  // ---- receptive field
  const place = (node, rows, cols, height, width) => {
    node.hidden = false;
    node.style.top = `${(100 * rows[0]) / height}%`;
    node.style.left = `${(100 * cols[0]) / width}%`;
    node.style.height = `${(100 * (rows[1] - rows[0] + 1)) / height}%`;
    node.style.width = `${(100 * (cols[1] - cols[0] + 1)) / width}%`;
  };
  const clip = ([first, last], size) => [Math.max(0, first), Math.min(size - 1, last)];
  const showField = () => {
    for (const view of mapViews) {
      for (const { box } of view.canvases) {
        box.querySelectorAll(".cl-rf, .cl-unit").forEach((node) => node.remove());
      }
    }
    if (!selected) {
      seenField.hidden = true;
      seenFull.hidden = true;
      fieldText.textContent = t("digit_lab.field_hint");
      return;
    }
    const { layer, row, col, channel } = selected;
    const field = fieldOf(layers, -1, layer, row, col);
    const [rows, cols] = [clip(field.rows, 28), clip(field.cols, 28)];
    place(seenField, rows, cols, 28, 28);
    place(seenFull, field.rows, field.cols, 28, 28);
    seenField.dataset.rows = rows.join("-");
    seenField.dataset.cols = cols.join("-");
    seenField.dataset.size = field.size.join("x");
    const padded = field.rows[0] < 0 || field.cols[0] < 0 || field.rows[1] > 27 || field.cols[1] > 27;
    const target = mapViews[layer];
    fieldText.textContent = t(padded ? "digit_lab.field_padded" : "digit_lab.field", {
      layer: layers[layer].name,
      channel,
      row,
      col,
      top: rows[0],
      bottom: rows[1],
      left: cols[0],
      right: cols[1],
      height: field.size[0],
      width: field.size[1],
    });
    for (const view of mapViews.slice(0, layer + 1)) {
      if (!view.spatial) continue;
      const inner =
        view.index === layer
          ? { rows: [row, row], cols: [col, col] }
          : fieldOf(layers, view.index, layer, row, col);
      const [r, c] = [clip(inner.rows, view.rows), clip(inner.cols, view.cols)];
      const boxes = view.index === layer ? [target.canvases[channel]] : view.canvases;
      for (const { box } of boxes) {
        const mark = h("div", { class: view.index === layer ? "cl-unit" : "cl-rf" });
        place(mark, r, c, view.rows, view.cols);
        box.append(mark);
      }
    }
  };
  const select = (next) => {
    selected = next;
    showField();
  };

  // ---- one prediction: run the network, redraw everything that depends on the input
  const update = () => {
    pending = false;
    result = forward(net, weights, pixels);
    paintGray(seen, pixels);
    seen.dataset.pixels = Array.from(pixels).join(",");
    const top = result.predicted;
    prediction.textContent = t("digit_lab.prediction", { digit: top });
    result.probabilities.forEach((p, digit) => {
      const { row, fill, value } = barRows[digit];
      fill.style.width = `${(100 * p).toFixed(2)}%`;
      value.textContent = `${(100 * p).toFixed(1)} %`;
      row.dataset.probability = String(p);
      row.classList.toggle("cl-top", digit === top);
    });
    for (const view of mapViews) {
      const { values } = result.outputs[view.index];
      const scale = maxAbs(values);
      view.bar.replaceChildren(colourBar(scale, t));
      const size = view.rows * view.cols;
      view.canvases.forEach(({ canvas }, c) => paint(canvas, values, view.rows, view.cols, scale, c * size));
    }
    if (eventTime !== null) {
      el.dataset.redrawMs = (performance.now() - eventTime).toFixed(2);
      eventTime = null;
    }
  };
  const schedule = () => {
    if (pending) return;
    pending = true;
    requestAnimationFrame(update);
  };
  const sendImage = () => save(model, "pixels", Array.from(pixels));

  // ---- drawing
  const point = (event) => {
    const bounds = pad.getBoundingClientRect();
    return [
      ((event.clientX - bounds.left) / bounds.width) * PAD,
      ((event.clientY - bounds.top) / bounds.height) * PAD,
    ];
  };
  pad.addEventListener("pointerdown", (event) => {
    event.preventDefault();
    pad.setPointerCapture?.(event.pointerId);
    drawing = [point(event)];
    strokes.push(drawing);
    eventTime = event.timeStamp;
    redrawPad();
    pixels = readPad();
    schedule();
  });
  pad.addEventListener("pointermove", (event) => {
    if (!drawing) return;
    event.preventDefault();
    drawing.push(point(event));
    eventTime = eventTime ?? event.timeStamp;
    redrawPad();
    pixels = readPad();
    schedule();
  });
  const finish = () => {
    if (!drawing) return;
    drawing = null;
    sendImage();
  };
  pad.addEventListener("pointerup", finish);
  pad.addEventListener("pointercancel", finish);

  const clear = button(t("digit_lab.clear"), t("digit_lab.clear_label"), () => {
    strokes = [];
    redrawPad();
    pixels = new Float32Array(784);
    schedule();
    sendImage();
  });
  const undo = button(t("digit_lab.undo"), t("digit_lab.undo_label"), () => {
    strokes.pop();
    redrawPad();
    pixels = strokes.length ? readPad() : new Float32Array(784);
    schedule();
    sendImage();
  });
  const loadExample = (example) => {
    const bytes = base64Bytes(example.pixels);
    pixels = Float32Array.from(bytes, (v) => v / 255);
    strokes = [];
    showExampleOnPad(pixels);
    schedule();
    sendImage();
  };
  const exampleButtons = examples.map((example, i) => {
    const wrong = example.predicted !== example.label;
    return h(
      "button",
      {
        type: "button",
        class: `cnnlab-button cl-example ${wrong ? "cl-wrong" : ""}`,
        "data-testid": `example-${i}`,
        "data-label": example.label,
        "data-predicted": example.predicted,
        "aria-label": t(wrong ? "digit_lab.example_wrong" : "digit_lab.example", example),
        onclick: () => loadExample(example),
      },
      wrong ? `${example.label} → ${example.predicted}` : String(example.label),
    );
  });

  const byteText = t("digit_lab.bytes", {
    model: model.get("model_name"),
    weights: weights.length.toLocaleString("en"),
    dtype: model.get("dtype"),
    kb: Math.round(model.get("bytes_added") / 1024),
  });
  el.classList.add("cnnlab-widget", "cnnlab-digit-lab");
  el.replaceChildren(
    h("div", { class: "cl-title" }, t("digit_lab.title"), h("span", { text: t("digit_lab.subtitle") })),
    h(
      "div",
      { class: "cl-lab-top" },
      h(
        "div",
        { class: "cl-pad-column" },
        pad,
        h("div", { class: "cl-controls cl-pad-controls" }, clear, undo),
      ),
      h(
        "div",
        { class: "cl-seen-column" },
        h("div", { class: "cl-caption", text: t("digit_lab.seen") }),
        seenBox,
        prediction,
      ),
      h(
        "div",
        { class: "cl-bars-column" },
        h("div", { class: "cl-caption", text: t("digit_lab.probabilities") }),
        bars,
      ),
    ),
    examples.length
      ? h(
          "div",
          { class: "cl-examples", role: "group", "aria-label": t("digit_lab.examples_label") },
          h("span", { class: "cl-caption", text: t("digit_lab.examples") }),
          exampleButtons,
        )
      : null,
    fieldText,
    h("div", { class: "cl-caption", text: t("digit_lab.maps") }),
    mapsBox,
    h("div", { class: "cl-caption", text: t("digit_lab.filters_caption") }),
    filtersBox,
    h("p", { class: "cl-bytes", "data-testid": "bytes", text: byteText }),
  );
  el.cnnlabForward = () => forward(net, weights, pixels); // for benchmarks and tests
  buildMaps();
  filtersBox.replaceChildren(...filterPanels(layers, weights, t));
  redrawPad();
  if (pixels.some((v) => v > 0)) showExampleOnPad(pixels);
  showField();
  update();
  return () => {};
}

export default { render };
