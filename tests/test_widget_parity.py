"""The browser's arithmetic (cnnlab/widgets/*.js, run with node) agrees with Python.

Python is the reference: ``cnnlab.shapes`` for sizes, formulas and error messages,
PyTorch for the numbers a convolution or a pooling layer computes.
"""

from __future__ import annotations

import dataclasses
import itertools
import json
import os
import random
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from conftest import edited_models

from cnnlab import shapes

WIDGETS = Path(__file__).resolve().parent.parent / "cnnlab" / "widgets"
NODE = shutil.which("node")

pytestmark = pytest.mark.skipif(NODE is None and os.environ.get("CI") != "true",
                                reason="node is not installed (CI requires it)")


def run_node(tmp_path: Path, module: str, function: str, cases: list[Any]) -> list[Any]:
    """Call ``function`` of the JS ``module`` on every case (a list of arguments) in one node run."""
    assert NODE is not None, "node is required in CI: apt-get install nodejs"
    for js in WIDGETS.glob("*.js"):  # .mjs: an ES module whatever package.json says
        shutil.copy(js, tmp_path / f"{js.stem}.mjs")
        text = (tmp_path / f"{js.stem}.mjs").read_text(encoding="utf-8")
        (tmp_path / f"{js.stem}.mjs").write_text(text.replace('.js";', '.mjs";'), encoding="utf-8")
    (tmp_path / "cases.json").write_text(json.dumps(cases), encoding="utf-8")
    runner = tmp_path / "runner.mjs"
    runner.write_text(f"""
import {{ readFileSync, writeFileSync }} from "node:fs";
import * as lib from "./{module}.mjs";
const cases = JSON.parse(readFileSync(process.argv[2], "utf8"));
const results = cases.map((args) => {{
  try {{ return {{ ok: true, value: lib.{function}(...args) }}; }}
  catch (error) {{ return {{ ok: false, error: error.message, kind: error.name }}; }}
}});
writeFileSync(process.argv[3], JSON.stringify(results));
""", encoding="utf-8")
    out = tmp_path / "results.json"
    subprocess.run([NODE, str(runner), str(tmp_path / "cases.json"), str(out)], check=True, timeout=120)
    return json.loads(out.read_text(encoding="utf-8"))


# ---------------------------------------------------------------- sizes and formulas


def size_cases() -> list[dict[str, Any]]:
    """≥ 2,000 settings: every layer kind, ints and pairs, 'same'/'valid', dilation, ceil_mode,
    output_padding, and invalid values (zeros, negatives, strings) that must be refused."""
    cases: list[dict[str, Any]] = []
    sizes, kernels, strides, dilations = (1, 2, 3, 5, 7, 28), (1, 2, 3, 5), (1, 2, 3), (1, 2)
    for n, k, s, p, d in itertools.product(sizes, kernels, strides, (0, 1, 2, "same", "valid"), dilations):
        cases.append({"layer": "conv", "size": n, "kernel_size": k, "stride": s, "padding": p, "dilation": d})
    for layer, n, k, s, p, d, ceil in itertools.product(("max_pool", "avg_pool"), sizes, kernels, strides,
                                                        (0, 1, 2), dilations, (False, True)):
        cases.append({"layer": layer, "size": n, "kernel_size": k, "stride": s, "padding": p,
                      "dilation": d, "ceil_mode": ceil})
    small = (0, 1, 2)
    for n, k, s, p, op, d in itertools.product((1, 2, 3, 7), (1, 2, 3), (1, 2, 3), small, small, (1, 2)):
        cases.append({"layer": "conv_transpose", "size": n, "kernel_size": k, "stride": s, "padding": p,
                      "output_padding": op, "dilation": d})
    rng = random.Random(4)  # pairs: height and width differ, errors name the dimension
    layers = ("conv", "max_pool", "avg_pool", "conv_transpose")
    for _ in range(600):
        layer = rng.choice(layers)
        case: dict[str, Any] = {"layer": layer, "size": [rng.randint(0, 9), rng.randint(1, 9)],
                                "kernel_size": [rng.randint(1, 5), rng.randint(0, 5)],
                                "stride": [rng.randint(1, 3), rng.randint(0, 3)],
                                "padding": [rng.randint(-1, 3), rng.randint(0, 3)],
                                "dilation": [rng.randint(1, 3), rng.randint(1, 2)]}
        for key in ("kernel_size", "stride", "padding", "dilation"):
            if rng.random() < 0.4:
                case[key] = case[key][0]
        if layer == "conv" and rng.random() < 0.3:
            case["padding"] = rng.choice(["same", "valid", "full"])
        if layer != "conv" and rng.random() < 0.05:
            case["padding"] = "same"
        if layer == "conv_transpose":
            case["output_padding"] = [rng.randint(0, 2), rng.randint(0, 2)]
        if layer.endswith("pool"):
            case["ceil_mode"] = rng.random() < 0.5
            if rng.random() < 0.3:
                case["stride"] = None
        cases.append(case)
    cases += [{"layer": "conv", "size": 0, "kernel_size": 3}, {"layer": "conv", "size": 5, "kernel_size": 0},
              {"layer": "conv", "size": 5, "kernel_size": 3, "stride": 0},
              {"layer": "conv", "size": 5, "kernel_size": 3, "dilation": 0},
              {"layer": "conv", "size": [5, 5, 5], "kernel_size": 3},
              {"layer": "pool", "size": 5, "kernel_size": 3}]
    return cases


def python_explain(case: dict[str, Any]) -> dict[str, Any]:
    """What cnnlab.shapes.explain says: output and formula lines, or the error message."""
    args = {key: tuple(value) if isinstance(value, list) else value for key, value in case.items()}
    layer = args.pop("layer")
    size, kernel_size = args.pop("size"), args.pop("kernel_size")
    try:
        explanation = shapes.explain(size, kernel_size, layer=layer, **args)
    except ValueError as error:
        return {"ok": False, "error": str(error)}
    output = explanation.output
    return {"ok": True, "output": list(output) if isinstance(output, tuple) else output,
            "lines": list(explanation.lines)}


def js_options(case: dict[str, Any]) -> dict[str, Any]:
    names = {"ceil_mode": "ceilMode", "output_padding": "outputPadding"}
    return {names.get(key, key): value for key, value in case.items() if key not in ("size", "kernel_size")}


def test_size_parity_grid_is_large_and_varied() -> None:
    cases = size_cases()
    verdicts = [python_explain(case) for case in cases]
    assert len(cases) >= 2000
    assert 0.2 < sum(v["ok"] for v in verdicts) / len(cases) < 0.9  # both answers well represented
    assert sum(isinstance(case["size"], list) for case in cases) >= 500


def test_js_sizes_formulas_and_errors_match_python(tmp_path: Path) -> None:
    cases = size_cases()
    results = run_node(tmp_path, "shapes", "explain",
                       [[case["size"], case["kernel_size"], js_options(case)] for case in cases])
    mismatches = []
    for case, js in zip(cases, results, strict=True):
        expected = python_explain(case)
        if js["ok"]:
            got = {"ok": True, "output": js["value"]["output"], "lines": js["value"]["lines"]}
        else:
            assert js["kind"] == "ShapeError", f"{case}: JS crashed with {js['kind']}: {js['error']}"
            got = {"ok": False, "error": js["error"]}
        if got != expected:
            mismatches.append(f"{case}\n  python: {expected}\n  js:     {got}")
    assert not mismatches, f"{len(mismatches)} of {len(cases)} differ, e.g.\n" + "\n".join(mismatches[:5])


def test_parity_check_can_fail(tmp_path: Path) -> None:
    """A deliberately wrong expectation is caught: the comparison is not vacuous."""
    [js] = run_node(tmp_path, "shapes", "explain", [[28, 5, {"padding": 2}]])
    assert js["value"]["output"] == 28
    assert js["value"]["lines"] == [str(shapes.explain(28, 5, padding=2))]
    assert js["value"]["lines"] != [str(shapes.explain(28, 5, padding=1))]


# ---------------------------------------------------------------- the stepper's and pooling's numbers


def grid_cases(count: int) -> list[tuple[list[list[int]], list[list[float]], int, int]]:
    rng = random.Random(2)
    cases = []
    for _ in range(count):
        rows, cols, k_rows, k_cols = (rng.randint(1, 6) for _ in range(4))
        grid = [[rng.randint(-9, 9) for _ in range(cols)] for _ in range(rows)]
        kernel = [[rng.choice([-1, 0, 0.5, 1, 2, 0.125]) for _ in range(k_cols)] for _ in range(k_rows)]
        cases.append((grid, kernel, rng.randint(0, 3), rng.randint(0, 2)))
    return cases


def test_js_convolution_matches_python(tmp_path: Path) -> None:
    from cnnlab.widgets.grids import convolve, convolve_cell

    cases = grid_cases(400)
    results = run_node(tmp_path, "grids", "convolve", [[g, k, s, p] for g, k, s, p in cases])
    cells, expected_cells = [], []
    for (grid, kernel, stride, padding), js in zip(cases, results, strict=True):
        try:
            expected = convolve(grid, kernel, stride, padding)
        except ValueError as wrong:
            assert not js["ok"] and js["error"] == str(wrong)
            continue
        assert js["ok"] and js["value"] == expected, (grid, kernel, stride, padding)
        for row, col in itertools.product(range(len(expected)), range(len(expected[0]))):
            cells.append([grid, kernel, stride, padding, row, col])
            cell = convolve_cell(grid, kernel, stride, padding, row, col)
            expected_cells.append(dataclasses.asdict(cell))
    assert len(cells) > 500
    js_cells = run_node(tmp_path, "grids", "convolveCell", cells)
    assert [c["value"] for c in js_cells] == expected_cells


def camel(name: str) -> str:
    """``max_row`` → ``maxRow``: Python's field names as the JavaScript spells them."""
    first, *rest = name.split("_")
    return first + "".join(word.title() for word in rest)


def test_js_pooling_matches_python(tmp_path: Path) -> None:
    from cnnlab.widgets.grids import pool, pool_cell

    rng = random.Random(5)
    cases = [(grid, rng.randint(0, 4), stride, rng.randint(0, 2), rng.random() < 0.5)
             for grid, _, stride, _ in grid_cases(600)]
    results = run_node(tmp_path, "grids", "pool", [list(case) for case in cases])
    cells, expected_cells = [], []
    for (grid, kernel_size, stride, padding, ceil_mode), js in zip(cases, results, strict=True):
        try:
            maximum, average = pool(grid, kernel_size, stride, padding, ceil_mode)
        except ValueError as wrong:
            assert not js["ok"] and js["error"] == str(wrong)
            continue
        assert js["ok"] and js["value"] == {"max": maximum, "average": average}
        for row, col in itertools.product(range(len(maximum)), range(len(maximum[0]))):
            cells.append([grid, kernel_size, stride, row, col, padding])
            cell = pool_cell(grid, kernel_size, stride, row, col, padding)
            expected_cells.append({camel(key): value for key, value in dataclasses.asdict(cell).items()})
    assert len(cells) > 300
    assert [c["value"] for c in run_node(tmp_path, "grids", "poolCell", cells)] == expected_cells


def test_js_number_format_matches_python(tmp_path: Path) -> None:
    from cnnlab.widgets.grids import format_value

    values = [0.125, -0.125, 3.25, 1 / 3, -1 / 3, 2.0, 100.0, 6.255, 0.005, -0.004, 1e-9, 12345.675, 0.0]
    assert [r["value"] for r in run_node(tmp_path, "grids", "formatValue", [[v] for v in values])] == [
        format_value(v) for v in values]


# ---------------------------------------------------------------- the network stack


def unflattened_models() -> list[tuple[str, list[dict], tuple[int, ...]]]:
    """Every model of MODELS with its flatten layer removed: the first Linear gets feature maps."""
    from cnnlab.models import MODELS
    from cnnlab.tracing import trace
    from cnnlab.widgets.network import layers_from_trace

    cases = []
    for name, cls in MODELS.items():
        layers = [layer for layer in layers_from_trace(trace(cls(), (1, 1, 28, 28)))
                  if layer["kind"] != "flatten"]
        cases.append((f"{name} without flatten", layers, (1, 1, 28, 28)))
    return cases


def test_js_and_python_flag_a_view_that_mixes_the_examples_as_trace_does(tmp_path: Path) -> None:
    import torch
    import torch.nn.functional as F
    from torch import nn

    from cnnlab.tracing import trace
    from cnnlab.widgets.network import layers_from_trace, propagate

    class View144(nn.Module):  # 16·6·6 = 576 values per image, viewed as rows of 144
        def __init__(self) -> None:
            super().__init__()
            self.conv, self.fc = nn.Conv2d(1, 16, 5), nn.Linear(144, 10)

        def forward(self, x: torch.Tensor) -> torch.Tensor:
            return self.fc(F.max_pool2d(F.max_pool2d(self.conv(x), 2), 2).view(-1, 144))

    traced = trace(View144(), (8, 1, 28, 28))
    layers = layers_from_trace(traced)
    python = propagate(layers, (8, 1, 28, 28))
    assert (python.broken, python.diagnosis, python.fix) == (3, traced.diagnosis, "torch.flatten(x, 1)")
    (js,) = run_node(tmp_path, "network", "propagate", [[layers, [8, 1, 28, 28]]])
    assert js["ok"] and (js["value"]["broken"], js["value"]["diagnosis"], js["value"]["fix"]) == (
        3, python.diagnosis, python.fix)


def test_js_network_stack_matches_python(tmp_path: Path) -> None:
    from cnnlab.widgets.network import propagate

    cases = edited_models(seed=3, count=250) + unflattened_models()
    results = run_node(tmp_path, "network", "propagate",
                       [[layers, list(shape)] for _, layers, shape in cases])
    broken = 0
    for (name, layers, shape), js in zip(cases, results, strict=True):
        expected = propagate(layers, shape)
        plain = json.loads(json.dumps({"rows": expected.rows, "broken": expected.broken,
                                       "diagnosis": expected.diagnosis, "fix": expected.fix,
                                       "output_shape": expected.output_shape}))
        assert js["ok"], f"{name} {shape}"
        # the fields Python computes; "says" (the same text as messages, i18n.js) is the widget's
        shared = {key: value for key, value in js["value"].items() if key != "says"}
        shared["rows"] = [{key: value for key, value in row.items() if key != "says"}
                          for row in shared["rows"]]
        assert shared == plain, f"{name} {shape}"
        broken += expected.broken >= 0
    assert 50 < broken < 230


# ---------------------------------------------------------------- what anywidget receives


@pytest.mark.parametrize("name", ["shape_explorer", "conv_stepper", "pooling_explorer", "network_stack"])
def test_bundled_widget_module_loads_in_node(tmp_path: Path, name: str) -> None:
    from cnnlab.widgets._bundle import bundle

    assert NODE is not None
    module = tmp_path / f"{name}.bundle.mjs"
    module.write_text(bundle(f"{name}.js"), encoding="utf-8")
    check = (f'const m = await import("{module.as_uri()}");'
             f'if (typeof m.default.render !== "function") process.exit(3);')
    subprocess.run([NODE, "--input-type=module", "-e", check], check=True, timeout=60)


def test_js_unreached_pixels_are_those_without_a_gradient(tmp_path: Path) -> None:
    """The shape explorer's "in no window" pixels are exactly those whose gradient PyTorch leaves at 0."""
    import torch
    import torch.nn.functional as F

    cases, expected = [], []
    for n, k, s, p, d, layer, ceil in itertools.product((5, 7, 10), (1, 2, 3), (1, 2, 3, 4), (0, 1), (1, 2),
                                                        ("conv", "avg_pool"), (False, True)):
        if layer == "conv" and ceil or layer == "avg_pool" and (d != 1 or p > k // 2):
            continue
        x = torch.ones(1, 1, n, n, requires_grad=True)
        if layer == "conv":
            out = F.conv2d(x, torch.ones(1, 1, k, k), stride=s, padding=p, dilation=d)
        else:
            out = F.avg_pool2d(x, k, s, p, ceil_mode=ceil)
        out.sum().backward()
        expected.append([i for i in range(n) if x.grad[0, 0, i].abs().sum() == 0])
        cases.append([n, p, k, s, d, out.shape[-1]])
    assert len(cases) > 200 and any(expected) and not all(expected)
    assert [r["value"] for r in run_node(tmp_path, "shape_explorer", "unreached", cases)] == expected
