// A trained network's forward pass in plain JavaScript, and MNIST's preprocessing of a drawing.
//
// The network is what cnnlab/widgets/digit_lab.py exports: a list of layers (conv, relu, tanh,
// sigmoid, maxpool, avgpool, flatten, linear; batch norm already folded into the convolutions,
// dropout left out) and their weights as one base64 string of float32 or float16 numbers.
// Maps are Float32Arrays in (channel, row, column) order, one image at a time; sums run in
// double precision. tests/test_digit_lab.py checks it against PyTorch with node.

import { receptiveField } from "./shapes.js";

// ---------------------------------------------------------------- weights

function halfToFloat(bits) {
  const sign = bits & 0x8000 ? -1 : 1;
  const exponent = (bits >> 10) & 0x1f;
  const fraction = bits & 0x3ff;
  if (exponent === 0) return sign * 2 ** -14 * (fraction / 1024);
  if (exponent === 31) return fraction ? NaN : sign * Infinity;
  return sign * 2 ** (exponent - 15) * (1 + fraction / 1024);
}

// base64 → bytes, in the browser and in node.
export function base64Bytes(text) {
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i += 1) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

// The weights as one Float32Array (little-endian float32 or float16 in the string).
export function decodeWeights(text, dtype) {
  const bytes = base64Bytes(text);
  const view = new DataView(bytes.buffer);
  if (dtype === "float16") {
    const values = new Float32Array(bytes.length / 2);
    for (let i = 0; i < values.length; i += 1) values[i] = halfToFloat(view.getUint16(2 * i, true));
    return values;
  }
  const values = new Float32Array(bytes.length / 4);
  for (let i = 0; i < values.length; i += 1) values[i] = view.getFloat32(4 * i, true);
  return values;
}

// ---------------------------------------------------------------- layers

function outSize(n, k, s, p, d) {
  return Math.floor((n + 2 * p - d * (k - 1) - 1) / s) + 1;
}

function conv(x, [C, H, W], layer, w) {
  const O = layer.out_channels;
  const [kh, kw] = layer.kernel_size;
  const [sh, sw] = layer.stride;
  const [ph, pw] = layer.padding;
  const [dh, dw] = layer.dilation;
  const [OH, OW] = [outSize(H, kh, sh, ph, dh), outSize(W, kw, sw, pw, dw)];
  const out = new Float32Array(O * OH * OW);
  const sums = new Float64Array(OH * OW); // one output map, summed in double precision
  for (let o = 0; o < O; o += 1) {
    sums.fill(layer.bias === null ? 0 : w[layer.bias + o]);
    // Weight by weight: add weight × the shifted input to the whole map (a tight inner loop).
    for (let c = 0; c < C; c += 1) {
      for (let ky = 0; ky < kh; ky += 1) {
        for (let kx = 0; kx < kw; kx += 1) {
          const weight = w[layer.weight + ((o * C + c) * kh + ky) * kw + kx];
          const shift = kx * dw - pw; // input column = ox·sw + shift
          const first = Math.max(0, Math.ceil(-shift / sw));
          const last = Math.min(OW - 1, Math.floor((W - 1 - shift) / sw));
          for (let oy = 0; oy < OH; oy += 1) {
            const iy = oy * sh - ph + ky * dh;
            if (iy < 0 || iy >= H) continue;
            const row = (c * H + iy) * W + shift;
            const outRow = oy * OW;
            for (let ox = first; ox <= last; ox += 1) sums[outRow + ox] += weight * x[row + ox * sw];
          }
        }
      }
    }
    out.set(sums, o * OH * OW);
  }
  return [out, [O, OH, OW]];
}

function pool(x, [C, H, W], layer) {
  const [kh, kw] = layer.kernel_size;
  const [sh, sw] = layer.stride;
  const [ph, pw] = layer.padding;
  const [dh, dw] = layer.dilation;
  const isMax = layer.kind === "maxpool";
  const [OH, OW] = [outSize(H, kh, sh, ph, dh), outSize(W, kw, sw, pw, dw)];
  const out = new Float32Array(C * OH * OW);
  for (let c = 0; c < C; c += 1) {
    for (let oy = 0; oy < OH; oy += 1) {
      for (let ox = 0; ox < OW; ox += 1) {
        let [best, sum, count] = [-Infinity, 0, 0];
        for (let ky = 0; ky < kh; ky += 1) {
          const iy = oy * sh - ph + ky * dh;
          for (let kx = 0; kx < kw; kx += 1) {
            const ix = ox * sw - pw + kx * dw;
            const inside = iy >= 0 && iy < H && ix >= 0 && ix < W;
            if (inside) {
              const value = x[(c * H + iy) * W + ix];
              best = Math.max(best, value);
              sum += value;
            }
            // Average pooling counts the zeros of the padding too (count_include_pad=True), but never
            // a window position past the padded input.
            if (inside || layer.count_include_pad) count += 1;
          }
        }
        out[(c * OH + oy) * OW + ox] = isMax ? best : sum / count;
      }
    }
  }
  return [out, [C, OH, OW]];
}

function linear(x, layer, w) {
  const [I, O] = [layer.in_features, layer.out_features];
  const out = new Float32Array(O);
  for (let o = 0; o < O; o += 1) {
    let sum = layer.bias === null ? 0 : w[layer.bias + o];
    const row = layer.weight + o * I;
    for (let i = 0; i < I; i += 1) sum += w[row + i] * x[i];
    out[o] = sum;
  }
  return [out, [O]];
}

const ELEMENTWISE = {
  relu: (v) => (v > 0 ? v : 0),
  tanh: Math.tanh,
  sigmoid: (v) => 1 / (1 + Math.exp(-v)),
};

// Normalise as cnnlab.data.normalize does: (pixel − mean) / std, the input every book model expects.
export function normalize(pixels, mean, std) {
  const out = new Float32Array(pixels.length);
  for (let i = 0; i < pixels.length; i += 1) out[i] = (pixels[i] - mean) * (1 / std);
  return out;
}

// Run the network on one image (784 floats in [0, 1]): every layer's output and the probabilities.
export function forward(net, weights, pixels) {
  let x = normalize(pixels, net.mean, net.std);
  let shape = net.input_shape.slice(1);
  const outputs = [];
  for (const layer of net.layers) {
    if (layer.kind === "conv") [x, shape] = conv(x, shape, layer, weights);
    else if (layer.kind === "maxpool" || layer.kind === "avgpool") [x, shape] = pool(x, shape, layer);
    else if (layer.kind === "linear") [x, shape] = linear(x, layer, weights);
    else if (layer.kind === "flatten") shape = [x.length];
    else if (layer.kind in ELEMENTWISE) {
      const f = ELEMENTWISE[layer.kind];
      x = x.map(f);
    } else throw new Error(`unknown layer kind ${layer.kind}`);
    outputs.push({ values: x, shape });
  }
  const scores = Array.from(x);
  const top = Math.max(...scores);
  const exps = scores.map((v) => Math.exp(v - top));
  const total = exps.reduce((a, b) => a + b, 0);
  const probabilities = exps.map((v) => v / total);
  const predicted = probabilities.indexOf(Math.max(...probabilities));
  return { outputs, probabilities, predicted };
}

// (kernel, stride, padding, dilation) of every layer for one dimension (0: rows, 1: columns).
export function fieldSettings(layer, dim) {
  if (layer.kind === "conv" || layer.kind === "maxpool" || layer.kind === "avgpool") {
    return [layer.kernel_size[dim], layer.stride[dim], layer.padding[dim], layer.dilation[dim]];
  }
  return [1, 1, 0, 1];
}

// The input pixels unit (row, col) of layer `to` sees in the output of layer `from` (-1: the input):
// {rows: [first, last], cols: [first, last], size: [h, w]}; outside the map means padding.
export function fieldOf(layers, from, to, row, col) {
  const stack = layers.slice(from + 1, to + 1);
  const none = { size: 1, jump: 1, start: 0 }; // no layer in between: the unit itself
  const [fy, fx] = [0, 1].map(
    (dim) => receptiveField(stack.map((layer) => fieldSettings(layer, dim))).at(-1) ?? none,
  );
  const span = (field, index) => {
    const first = field.start + index * field.jump;
    return [first, first + field.size - 1];
  };
  return { rows: span(fy, row), cols: span(fx, col), size: [fy.size, fx.size] };
}

// ---------------------------------------------------------------- MNIST's preprocessing

// A drawing (ink in [0, 1], width × height) → the 28 × 28 image MNIST would have made of it: the
// bounding box of the ink scaled (area average) so its longer side is 20 pixels, then placed in a
// 28 × 28 frame so that its centre of mass sits at the centre. Empty drawings give zeros.
export function mnistImage(ink, width, height, threshold = 0.05) {
  let [top, bottom, left, right] = [height, -1, width, -1];
  for (let y = 0; y < height; y += 1) {
    for (let x = 0; x < width; x += 1) {
      if (ink[y * width + x] > threshold) {
        top = Math.min(top, y);
        bottom = Math.max(bottom, y);
        left = Math.min(left, x);
        right = Math.max(right, x);
      }
    }
  }
  const image = new Float32Array(28 * 28);
  if (bottom < 0) return image;
  const [boxH, boxW] = [bottom - top + 1, right - left + 1];
  const scale = 20 / Math.max(boxH, boxW);
  const [h, w] = [Math.max(1, Math.round(boxH * scale)), Math.max(1, Math.round(boxW * scale))];
  // Area average: each small pixel is the mean of the drawing's pixels whose centres fall in it.
  const sums = new Float64Array(h * w);
  const counts = new Float64Array(h * w);
  for (let y = top; y <= bottom; y += 1) {
    const sy = Math.min(h - 1, Math.floor(((y - top + 0.5) * h) / boxH));
    for (let x = left; x <= right; x += 1) {
      const sx = Math.min(w - 1, Math.floor(((x - left + 0.5) * w) / boxW));
      sums[sy * w + sx] += ink[y * width + x];
      counts[sy * w + sx] += 1;
    }
  }
  const small = sums.map((sum, i) => (counts[i] ? sum / counts[i] : 0));
  let [mass, my, mx, peak] = [0, 0, 0, 0];
  for (let y = 0; y < h; y += 1) {
    for (let x = 0; x < w; x += 1) {
      const v = small[y * w + x];
      mass += v;
      my += v * y;
      mx += v * x;
      peak = Math.max(peak, v);
    }
  }
  const clamp = (v, hi) => Math.min(Math.max(v, 0), hi);
  const top28 = clamp(Math.round(13.5 - my / mass), 28 - h);
  const left28 = clamp(Math.round(13.5 - mx / mass), 28 - w);
  for (let y = 0; y < h; y += 1) {
    for (let x = 0; x < w; x += 1) {
      image[(top28 + y) * 28 + left28 + x] = Math.min(1, small[y * w + x] / peak);
    }
  }
  return image;
}

// Probabilities for many images at once (tests and benchmarks): images as base64 bytes, 784 each.
export function predictAll(net, weightsText, dtype, imagesText) {
  const weights = decodeWeights(weightsText, dtype);
  const bytes = base64Bytes(imagesText);
  const results = [];
  for (let start = 0; start < bytes.length; start += 784) {
    const pixels = Float32Array.from(bytes.subarray(start, start + 784), (v) => v / 255);
    results.push(forward(net, weights, pixels).probabilities);
  }
  return results;
}
