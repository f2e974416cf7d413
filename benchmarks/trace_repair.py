"""How long ``trace`` takes to diagnose and repair the broken models of the test corpus.

For each model of ``tests/test_repair_corpus.py`` this times ``trace(model, shape)``
(the real forward pass, then the search for a verified repair on copies of the model)
and counts how many repairs are complete and give the expected lines. Each time is the
best of ``--rounds`` rounds. Progress goes to stderr; the last line of stdout is one JSON
object.

    python benchmarks/trace_repair.py
    python benchmarks/trace_repair.py --rounds 3
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from test_repair_corpus import CASES  # noqa: E402

from cnnlab import trace  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=1, help="rounds per model; the best counts")
    arguments = parser.parse_args()
    times, right = {}, 0
    for case in CASES:
        best = float("inf")
        for _ in range(arguments.rounds):
            model = case.broken()
            start = time.perf_counter()
            result = trace(model, case.shape)
            best = min(best, time.perf_counter() - start)
        repaired = result.repair is not None and result.repair.complete and result.repair.lines == case.lines
        right += repaired
        times[case.name] = round(best, 3)
        print(f"{case.name:48} {best:6.2f} s  {'ok' if repaired else 'NOT REPAIRED'}", file=sys.stderr)
    print(json.dumps({"models": len(CASES), "repaired_as_expected": right,
                      "median_s": round(statistics.median(times.values()), 3),
                      "max_s": max(times.values()), "seconds": times}))


if __name__ == "__main__":
    main()
