"""Where one training step of LeNet-5 spends its time on this machine, and why ``fit`` is not faster.

``benchmarks/train_speed.py`` compares whole training runs. This script takes one step
apart, on 256 real Fashion-MNIST images (or the MNIST sample) — the data matters: max
pooling runs faster on images with many zeros than on random numbers:

1. the whole step (forward, loss, backward, Adam) in float32 and bfloat16 autocast, with
   the default and with channels-last memory: ``fit`` picks the fastest that keeps accuracy;
2. the first block alone, ``conv1 → ReLU → max pool`` forward and backward: it works on the
   largest feature map, (N, 6, 28, 28);
3. ``F.max_pool2d`` on that map, forward and backward, against oneDNN's max pooling
   forward on the same numbers (``torch.mkldnn_max_pool2d``, which PyTorch offers only for
   inference, on oneDNN tensors) — the gap between the two kernels;
4. optionally (``--compile``) the step under ``torch.compile``.

Each time is the best of 5 rounds. Progress goes to stderr; the last line of stdout is
one JSON object.

    python benchmarks/step_breakdown.py
    python benchmarks/step_breakdown.py --batch-size 512 --compile
"""

from __future__ import annotations

import argparse
import contextlib
import json
import sys
import time
from collections.abc import Callable

import torch
import torch.nn.functional as F

from cnnlab.data import load_fashion_mnist, load_mnist, normalize
from cnnlab.models import LeNet5


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def best_ms(run: Callable[[], object], repeats: int = 20, rounds: int = 5) -> float:
    """The fastest of ``rounds`` timings of ``repeats`` calls, in milliseconds per call."""
    for _ in range(5):
        run()
    best = float("inf")
    for _ in range(rounds):
        start = time.perf_counter()
        for _ in range(repeats):
            run()
        best = min(best, (time.perf_counter() - start) / repeats)
    return best * 1e3


def real_images(count: int) -> tuple[torch.Tensor, torch.Tensor]:
    """``count`` normalised training images and labels: Fashion-MNIST if found, else the MNIST sample."""
    with contextlib.redirect_stdout(sys.stderr):
        try:
            train, _ = load_fashion_mnist(download=False)
        except FileNotFoundError:
            train, _ = load_mnist()
    return normalize(train.images[:count]), train.labels[:count]


def training_step(images: torch.Tensor, labels: torch.Tensor, precision: torch.dtype | None,
                  channels_last: bool, compile_model: bool = False) -> Callable[[], None]:
    """One step of fit's loop on LeNet-5, in the given precision and memory format."""
    torch.manual_seed(0)
    model = LeNet5()
    if channels_last:
        model.to(memory_format=torch.channels_last)
        images = images.contiguous(memory_format=torch.channels_last)
    forward = torch.compile(model) if compile_model else model
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3, fused=True)

    def step() -> None:
        with torch.autocast("cpu", dtype=precision or torch.float32, enabled=precision is not None):
            loss = F.cross_entropy(forward(images), labels)
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        optimizer.step()

    return step


def first_block(images: torch.Tensor, precision: torch.dtype | None,
                channels_last: bool) -> Callable[[], None]:
    """conv1 → ReLU → max pool of LeNet-5, forward and backward."""
    conv = LeNet5().backbone.conv1
    if channels_last:
        conv.to(memory_format=torch.channels_last)
        images = images.contiguous(memory_format=torch.channels_last)
    gradient = torch.randn(len(images), 6, 14, 14)

    def run() -> None:
        with torch.autocast("cpu", dtype=precision or torch.float32, enabled=precision is not None):
            pooled = F.max_pool2d(torch.relu(conv(images)), 2)
        pooled.backward(gradient.to(pooled.dtype))

    return run


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--batch-size", type=int, default=256, help="images per step (fit's default: 256)")
    parser.add_argument("--compile", action="store_true", help="also time the step under torch.compile")
    arguments = parser.parse_args()
    images, labels = real_images(arguments.batch_size)
    n = len(images)
    log(f"LeNet-5, {n} images per step, {torch.get_num_threads()} threads, torch {torch.__version__}")

    result: dict[str, object] = {"batch_size": n, "threads": torch.get_num_threads(),
                                 "torch": torch.__version__}
    steps, blocks = {}, {}
    for precision in (None, torch.bfloat16):
        for channels_last in (False, True):
            name = f"{'bfloat16' if precision else 'float32'}{' channels-last' if channels_last else ''}"
            steps[name] = best_ms(training_step(images, labels, precision, channels_last))
            blocks[name] = best_ms(first_block(images, precision, channels_last))
            log(f"  {name:24} step {steps[name]:6.2f} ms ({n / steps[name] * 1e3:7,.0f} images/s); "
                f"first block {blocks[name]:5.2f} ms ({blocks[name] / steps[name]:.0%} of the step)")
    fastest = min(steps, key=steps.get)
    result["step_ms"] = {name: round(ms, 2) for name, ms in steps.items()}
    result["first_block_ms"] = {name: round(ms, 2) for name, ms in blocks.items()}
    result["fastest"] = fastest
    result["fastest_images_per_s"] = round(n / steps[fastest] * 1e3)
    result["first_block_share_of_fastest_step"] = round(blocks[fastest] / steps[fastest], 2)

    with torch.no_grad():
        feature_map = torch.relu(LeNet5().backbone.conv1(images))  # (N, 6, 28, 28)
    pooling = feature_map.clone().requires_grad_()
    gradient = torch.randn(n, 6, 14, 14)
    with torch.no_grad():
        aten_forward = best_ms(lambda: F.max_pool2d(feature_map, 2))
        onednn_map = feature_map.to_mkldnn()
        onednn_forward = best_ms(lambda: torch.mkldnn_max_pool2d(onednn_map, [2, 2], [2, 2]))
    aten_both = best_ms(lambda: F.max_pool2d(pooling, 2).backward(gradient))
    log(f"max pooling of the (N, 6, 28, 28) map, float32: PyTorch forward {aten_forward:.2f} ms, "
        f"forward + backward {aten_both:.2f} ms; oneDNN forward {onednn_forward:.2f} ms "
        f"({aten_forward / onednn_forward:.1f}× faster, inference only)")
    result["max_pool_ms"] = {"pytorch_forward": round(aten_forward, 2),
                             "pytorch_forward_backward": round(aten_both, 2),
                             "onednn_forward": round(onednn_forward, 2)}

    if arguments.compile:
        precision = torch.bfloat16 if "bfloat16" in fastest else None
        step = training_step(images, labels, precision, "channels-last" in fastest, compile_model=True)
        start = time.perf_counter()
        step()
        compile_seconds = time.perf_counter() - start
        compiled = best_ms(step)
        log(f"torch.compile ({fastest}): first step {compile_seconds:.1f} s, then {compiled:.2f} ms "
            f"({steps[fastest] / compiled:.2f}× the uncompiled step)")
        result["compiled_step_ms"] = round(compiled, 2)
        result["compile_seconds"] = round(compile_seconds, 1)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
