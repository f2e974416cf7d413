"""How fast the digit lab runs in the browser: headless Chromium, no kernel, no network.

Prints the median milliseconds per prediction (the JavaScript forward pass of
``cnnlab/widgets/digit_net.js``) for LeNet-5 and SimpleCNN over 100 runs each, and the time
from a pen stroke (a pointer event on the drawing pad) to the redrawn maps, over 30 strokes.
The target is one frame (16 ms) per LeNet-5 prediction. The weights are random: speed does
not depend on their values. The last line printed is JSON.

    PYTHONPATH=$PWD python benchmarks/digit_lab_speed.py
"""

from __future__ import annotations

import functools
import http.server
import json
import platform
import statistics
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import torch

from cnnlab.models import LeNet5, SimpleCNN
from cnnlab.widgets import DigitLab
from cnnlab.widgets._bundle import bundle

CHROMIUM = "/usr/bin/chromium"
STATE_KEYS = ("model_name", "layers", "weights", "dtype", "mean", "std", "examples", "pen", "pixels",
              "bytes_added")

PAGE = """<!doctype html><html><head><meta charset="utf-8"><style>{css}</style></head>
<body><div id="lab"></div><script type="module">
import widget from "./lab.mjs";
const state = await (await fetch("./state.json")).json();
const listeners = [];
const model = {{
  get: (name) => state[name],
  set: (name, value) => {{ state[name] = value; }},
  save_changes: () => {{}},
  on: (event, f) => listeners.push(f),
  off: () => {{}},
}};
widget.render({{ model, el: document.getElementById("lab") }});
window.labState = state;
window.labReady = true;
</script></body></html>"""


def write_page(folder: Path, lab: DigitLab) -> Path:
    """A page that renders ``lab`` with a stand-in for the widget model (what the static book does)."""
    (folder / "lab.mjs").write_text(bundle("digit_lab.js"), encoding="utf-8")
    (folder / "state.json").write_text(json.dumps({key: getattr(lab, key) for key in STATE_KEYS}),
                                       encoding="utf-8")
    (folder / "index.html").write_text(PAGE.format(css=lab._css), encoding="utf-8")
    return folder / "index.html"


@contextmanager
def serve(folder: Path) -> Iterator[str]:
    """``folder`` over http on 127.0.0.1 (ES modules do not load from file://)."""

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args: Any) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=folder))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()


def forward_times(page: Any, runs: int) -> list[float]:
    """Milliseconds per forward pass of the page's network on the current image, ``runs`` times."""
    return page.evaluate("""(runs) => {
      const lab = document.getElementById("lab");
      const times = [];
      for (let i = 0; i < runs; i += 1) {
        const start = performance.now();
        lab.cnnlabForward();
        times.push(performance.now() - start);
      }
      return times;
    }""", runs)


def stroke_times(page: Any, strokes: int) -> list[float]:
    """Milliseconds from a pointer event on the pad to the end of the redraw it caused."""
    pad = page.get_by_test_id("pad")
    box = pad.bounding_box()
    times = []
    for i in range(strokes):
        x = box["x"] + box["width"] * (0.3 + 0.4 * (i % 5) / 5)
        page.mouse.move(x, box["y"] + box["height"] * 0.2)
        page.mouse.down()
        for step in range(1, 6):
            page.mouse.move(x + step, box["y"] + box["height"] * (0.2 + 0.12 * step))
            page.wait_for_function("document.getElementById('lab').dataset.redrawMs !== undefined")
            times.append(float(page.evaluate("document.getElementById('lab').dataset.redrawMs")))
            page.evaluate("delete document.getElementById('lab').dataset.redrawMs")
        page.mouse.up()
    return times


def main() -> None:
    from playwright.sync_api import sync_playwright

    results: dict[str, Any] = {"browser": "headless Chromium", "machine": platform.machine(), "runs": 100}
    with tempfile.TemporaryDirectory() as folder, serve(Path(folder)) as url, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        for name, cls in (("LeNet5", LeNet5), ("SimpleCNN", SimpleCNN)):
            torch.manual_seed(0)
            site = Path(folder) / name
            site.mkdir()
            write_page(site, DigitLab(cls()))
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            page.route("**/*", lambda route: route.continue_() if route.request.url.startswith(url)
                       else route.abort())
            page.goto(f"{url}/{name}/index.html")
            page.wait_for_function("window.labReady === true")
            forward_times(page, 10)  # warm up the JIT
            times = forward_times(page, 100)
            results[f"{name}_ms_per_prediction_median"] = round(statistics.median(times), 3)
            results[f"{name}_ms_per_prediction_max"] = round(max(times), 3)
            if name == "LeNet5":
                strokes = stroke_times(page, 6)
                results["LeNet5_stroke_to_redraw_ms_median"] = round(statistics.median(strokes), 2)
                results["LeNet5_stroke_to_redraw_ms_max"] = round(max(strokes), 2)
                results["stroke_events"] = len(strokes)
            page.close()
        browser.close()
    results["target_ms"] = 16
    print(json.dumps(results))


if __name__ == "__main__":
    main()
