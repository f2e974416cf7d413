"""How much faster ``cnnlab.train.fit`` trains LeNet-5 than the seeds' tutorial loop, at what accuracy.

One run, same data, same model (LeNet-5), same device:

(a) the tutorial loop of the seeds (seed 002's): torchvision transforms (``ToImage``,
    ``ToDtype(float32, scale=True)``) + ``DataLoader(batch_size=64, shuffle=True)``, Adam
    (lr 0.001), ``loss.item()`` at every step;
(b) ``cnnlab.train.fit`` with its defaults, on the same training images minus the 10 % it holds
    out as its validation split (``split_validation``): it measures each epoch on those, not on the
    test split. Both loops' accuracies are of their last epoch, on the test split, measured once
    after training: nothing is chosen on it.

Data: Fashion-MNIST's 60,000 training images (the user cache, Debian's
``/usr/share/datasets/fashion-mnist`` or, on the development machines,
``../shared/data/fashion-mnist``); without it, the 4,000-digit MNIST sample.

It also measures the machine's matrix-multiply speed (GEMM FLOP/s) and counts LeNet-5's
FLOPs per training image, for the compute limit: the samples/s a loop would reach if it
did nothing but LeNet-5's arithmetic at GEMM speed.

Progress goes to stderr; the last line of stdout is one JSON object. Its ``ratio`` is
over all epochs. On a machine shared with other programs, one busy minute can slow an
epoch tenfold, so it also gives ``ratio_of_median_epochs``, and ``ratio_best_bursts``:
the fastest of several alternating short runs of each loop, the least disturbed ones.
The load average before and after is recorded too.

    python benchmarks/train_speed.py             # 5 epochs each: the accuracy target is after 5
    python benchmarks/train_speed.py --epochs 1  # speed only, ~30 s on 2 cores
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import statistics
import sys
import time
from pathlib import Path

import torch
import torch.nn.functional as F
import torchvision.transforms.v2 as v2
from torch.utils.data import DataLoader
from torch.utils.flop_counter import FlopCounterMode
from torchvision import datasets

from cnnlab.data import ImageSplit, data_root, load_fashion_mnist, load_mnist, split_validation
from cnnlab.devices import autocast_dtype, pick_device
from cnnlab.idx import find_idx_files, install_idx_files
from cnnlab.models import LeNet5
from cnnlab.train import BATCH_SIZE, PEAK_LR_AT_256, evaluate, fit

SHARED_FASHION_MNIST = Path(__file__).resolve().parents[2] / "shared" / "data" / "fashion-mnist"
TUTORIAL_TRANSFORM = v2.Compose([v2.ToImage(), v2.ToDtype(torch.float32, scale=True)])  # seed 002's


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def load_data() -> tuple[ImageSplit, ImageSplit, str]:
    """Fashion-MNIST if it is anywhere here, else the MNIST sample; and the data set's name."""
    with contextlib.redirect_stdout(sys.stderr):
        try:
            train, test = load_fashion_mnist()
        except FileNotFoundError:
            shared = SHARED_FASHION_MNIST.is_dir()
            found = find_idx_files(SHARED_FASHION_MNIST, "Fashion-MNIST") if shared else None
            if not found:
                train, test = load_mnist()
                return train, test, "MNIST sample"
            install_idx_files(found, data_root() / "FashionMNIST" / "raw", "Fashion-MNIST")
            train, test = load_fashion_mnist()
    return train, test, "Fashion-MNIST"


def tutorial_datasets(train: ImageSplit, test: ImageSplit, name: str):
    """torchvision's dataset classes with seed 002's transforms (per image: a PIL image, then a tensor)."""
    if name == "Fashion-MNIST":
        return (datasets.FashionMNIST(str(data_root()), train=True, transform=TUTORIAL_TRANSFORM),
                datasets.FashionMNIST(str(data_root()), train=False, transform=TUTORIAL_TRANSFORM))
    return train, test  # the sample has no torchvision class; indexing gives the same float images


def tutorial_loop(train_set, test_set, epochs: int, device: torch.device, seed: int) -> dict:
    """The seeds' loop (seed 002's trainer, seed 001's test), timed without its tests."""
    torch.manual_seed(seed)
    model = LeNet5().to(device)
    loader = DataLoader(train_set, batch_size=64, shuffle=True)
    loss_fn = torch.nn.CrossEntropyLoss()
    optimizer = torch.optim.Adam(model.parameters(), lr=0.001)
    seconds, accuracies = [], []
    for epoch in range(1, epochs + 1):
        model.train()
        start = time.perf_counter()
        for images, labels in loader:
            images, labels = images.to(device), labels.to(device)
            loss = loss_fn(model(images), labels)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            loss.item()  # the seeds print or sum the loss at every step
        seconds.append(time.perf_counter() - start)
        model.eval()
        correct = 0
        with torch.no_grad():
            for images, labels in DataLoader(test_set, batch_size=1000):
                correct += (model(images.to(device)).argmax(dim=1) == labels.to(device)).sum().item()
        accuracies.append(correct / len(test_set))
        log(f"  tutorial epoch {epoch}: {len(train_set) / seconds[-1]:,.0f} images/s, "
            f"test accuracy {accuracies[-1]:.2%}")
    return {"seconds": seconds, "accuracies": accuracies}


def tutorial_burst(train_set, device: torch.device, images: int) -> float:
    """Images/s of the tutorial loop over its first ``images`` images (a fresh model: speed only)."""
    model = LeNet5().to(device)
    optimizer = torch.optim.Adam(model.parameters(), lr=0.001)
    done, start = 0, time.perf_counter()
    for batch, labels in DataLoader(train_set, batch_size=64, shuffle=True):
        loss = F.cross_entropy(model(batch.to(device)), labels.to(device))
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        loss.item()
        done += len(labels)
        if done >= images:
            break
    return done / (time.perf_counter() - start)


def fit_burst(train: ImageSplit, val: ImageSplit, images: int, seed: int) -> float:
    """Images/s of one epoch of ``fit`` with its defaults on ``images`` training images."""
    history = fit(LeNet5(), train.subset(images, seed=seed), val.subset(256), epochs=1, progress=False)
    return history[0].images_per_second


def gemm_flops(dtype: torch.dtype, device: torch.device, size: int = 2048, seconds: float = 1.0) -> float:
    """Measured FLOP/s of a size×size matrix product on ``device``."""
    a = torch.randn(size, size, device=device).to(dtype)
    b = torch.randn(size, size, device=device).to(dtype)
    a @ b  # warm up
    runs, start = 0, time.perf_counter()
    while time.perf_counter() - start < seconds:
        a @ b
        runs += 1
    if device.type == "cuda":
        torch.cuda.synchronize()
    return 2 * size**3 * runs / (time.perf_counter() - start)


def training_flops_per_image() -> float:
    """FLOPs of one training step of LeNet-5 (forward and backward), per image, counted by torch."""
    model, images = LeNet5(), torch.randn(64, 1, 28, 28)
    with FlopCounterMode(display=False) as counter:
        F.cross_entropy(model(images), torch.zeros(64, dtype=torch.int64)).backward()
    return counter.get_total_flops() / 64


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=5, help="epochs for each loop (default: 5)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--bursts", type=int, default=5,
                        help="alternating short speed measurements of each loop (default: 5)")
    arguments = parser.parse_args()
    load_before = os.getloadavg()[0]
    device = pick_device(verbose=False)
    train, test, name = load_data()
    log(f"{name}: {len(train):,} training images, {arguments.epochs} epoch(s) each, on {device}, "
        f"{torch.get_num_threads()} threads")

    log("(b) cnnlab.train.fit with its defaults")
    fit_train, val = split_validation(train, 0.1, seed=arguments.seed)
    torch.manual_seed(arguments.seed)
    model = LeNet5()
    history = fit(model, fit_train, val, epochs=arguments.epochs, seed=arguments.seed, progress=False)
    for stats in history:
        log(f"  fit epoch {stats.epoch}: {stats.images_per_second:,.0f} images/s, "
            f"val accuracy {stats.val_accuracy:.2%}")
    fit_seconds = sum(len(fit_train) / stats.images_per_second for stats in history)
    fit_test_accuracy = evaluate(model, test).accuracy  # the last epoch, once

    log("(a) the tutorial loop: v2 transforms + DataLoader(batch_size=64, shuffle=True), Adam, loss.item()")
    train_set, test_set = tutorial_datasets(train, test, name)
    tutorial = tutorial_loop(train_set, test_set, arguments.epochs, device, arguments.seed)

    log(f"speed in {arguments.bursts} alternating short bursts of each loop; the best of each is the "
        "least disturbed by other programs")
    bursts: dict[str, list[float]] = {"tutorial": [], "fit": []}
    for round_ in range(arguments.bursts + 1):  # round 0 warms up
        bursts["tutorial"].append(tutorial_burst(train_set, device, min(6400, len(train))))
        bursts["fit"].append(fit_burst(fit_train, val, min(25600, len(fit_train)), seed=round_))
        log(f"  round {round_}: tutorial {bursts['tutorial'][-1]:,.0f}, "
            f"fit {bursts['fit'][-1]:,.0f} images/s")
    best = {loop: max(speeds[1:]) for loop, speeds in bursts.items()}

    log("compute limit: GEMM speed and LeNet-5's FLOPs per training image")
    gemm_fp32 = gemm_flops(torch.float32, device)
    gemm_bf16 = gemm_flops(torch.bfloat16, device)
    flops_per_image = training_flops_per_image()
    limit = gemm_fp32 / flops_per_image

    fit_speed = arguments.epochs * len(fit_train) / fit_seconds
    tutorial_speed = arguments.epochs * len(train) / sum(tutorial["seconds"])
    precision = autocast_dtype(device)
    result = {
        "dataset": name, "train_images": len(train), "fit_train_images": len(fit_train),
        "epochs": arguments.epochs, "device": str(device),
        "threads": torch.get_num_threads(), "torch": torch.__version__,
        "tutorial_samples_per_s": round(tutorial_speed),
        "fit_samples_per_s": round(fit_speed),
        "ratio": round(fit_speed / tutorial_speed, 2),
        "ratio_of_median_epochs": round(statistics.median(stats.images_per_second for stats in history)
                                        / statistics.median(len(train) / s for s in tutorial["seconds"]), 2),
        "ratio_best_bursts": round(best["fit"] / best["tutorial"], 2),
        "best_burst_samples_per_s": {loop: round(speed) for loop, speed in best.items()},
        "tutorial_epoch_samples_per_s": [round(len(train) / s) for s in tutorial["seconds"]],
        "fit_epoch_samples_per_s": [round(stats.images_per_second) for stats in history],
        "tutorial_test_accuracy": round(tutorial["accuracies"][-1], 4),
        "fit_test_accuracy": round(fit_test_accuracy, 4),
        "accuracy_gap_points": round(100 * (fit_test_accuracy - tutorial["accuracies"][-1]), 2),
        "fit_defaults": {"batch_size": BATCH_SIZE, "peak_lr": PEAK_LR_AT_256, "schedule": "one-cycle",
                         "autocast": str(precision).removeprefix("torch.") if precision else "off"},
        "flops_per_training_image": round(flops_per_image),
        "gemm_fp32_gflops": round(gemm_fp32 / 1e9, 1),
        "gemm_bf16_gflops": round(gemm_bf16 / 1e9, 1),
        "compute_limit_fp32_samples_per_s": round(limit),
        "fit_fraction_of_fp32_limit": round(fit_speed / limit, 3),
        "best_fit_burst_fraction_of_fp32_limit": round(best["fit"] / limit, 3),
        "load_average_before_after": [round(load_before, 2), round(os.getloadavg()[0], 2)],
    }
    log(f"best bursts: tutorial {best['tutorial']:,.0f} images/s, fit {best['fit']:,.0f} images/s: "
        f"{result['ratio_best_bursts']}×")
    log(f"tutorial {tutorial_speed:,.0f} images/s, fit {fit_speed:,.0f} images/s: {result['ratio']}×; "
        f"test accuracy {result['tutorial_test_accuracy']:.2%} vs {result['fit_test_accuracy']:.2%}; "
        f"compute limit {limit:,.0f} images/s (fit at {fit_speed / limit:.0%} of it)")
    print(json.dumps(result))


if __name__ == "__main__":
    main()
