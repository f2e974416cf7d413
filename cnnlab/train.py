"""Training: choosing a device, ``fit``, ``evaluate`` and ``predict``.

``fit`` is the training loop of the source tutorials (forward, loss, ``zero_grad``, ``backward``,
``step``), made fast and safe, and honest: after each epoch it measures the model on a
*validation* split held out from the training images (``cnnlab.data.split_validation``) and
keeps the best epoch by that; the test split is evaluated once, after training, with ``evaluate``.

- batches come from tensors already on the device (:meth:`ImageSplit.batches`),
  not from a ``DataLoader`` that converts one image at a time;
- the running loss stays on the device: no ``loss.item()`` (a wait for the device)
  at every step, only a few times per epoch to update the progress bar;
- on CUDA and on CPUs with bfloat16 units, channels-last memory and mixed precision;
- a NaN or infinite loss stops training with a hint, instead of 50 epochs of ``nan``;
- the best epoch (on validation) is saved atomically and training can resume from it;
- an augmented split (``cnnlab.data.augment``) is used as it is: its batches are transformed on the device.

>>> from cnnlab.data import ImageSplit, split_validation
>>> images = torch.randint(0, 256, (80, 1, 28, 28), dtype=torch.uint8)
>>> data = ImageSplit(images, torch.arange(80) % 10, [str(i) for i in range(10)], "noise", "random")
>>> train, val = split_validation(data, fraction=0.2, seed=0)
>>> model = torch.nn.Sequential(torch.nn.Flatten(), torch.nn.Linear(784, 10))
>>> history = fit(model, train, val, epochs=2, batch_size=16, progress=False, device="cpu")
>>> len(history), history[-1].epoch
(2, 2)
"""

from __future__ import annotations

import math
import os
import textwrap
import time
import warnings
from collections.abc import Callable
from contextlib import nullcontext
from dataclasses import asdict
from pathlib import Path
from typing import NamedTuple

import torch
from torch import nn
from tqdm.auto import tqdm

from cnnlab.checkpoints import RETRAIN_HINT, TEST_SELECTED_FORMAT, load_checkpoint, save_checkpoint
from cnnlab.data import ImageSplit, normalize
from cnnlab.devices import autocast_dtype, check_device, pick_device
from cnnlab.history import EpochStats, History, TrainingDiverged, stop_if_diverged

__all__ = ["BATCH_SIZE", "PEAK_LR_AT_256", "EpochStats", "Evaluation", "History", "Prediction",
           "TrainingDiverged", "evaluate", "fit", "pick_device", "predict"]

LossFunction = Callable[[torch.Tensor, torch.Tensor], torch.Tensor]

BATCH_SIZE = 256
"""``fit``'s default batch size (the source tutorials use 64): fewer, larger steps, which 2 CPU cores run
faster."""
PEAK_LR_AT_256 = 4e-3
"""Adam's peak learning rate at batch 256; other batch sizes scale it by √(batch_size / 256)."""


# ---------------------------------------------------------------- training


def fit(model: nn.Module, train: ImageSplit, val: ImageSplit, *, epochs: int,
        optimizer: torch.optim.Optimizer | None = None, loss_fn: LossFunction | None = None,
        scheduler: torch.optim.lr_scheduler.LRScheduler | None = None, batch_size: int = BATCH_SIZE,
        lr: float | None = None, device: str | torch.device | None = None,
        checkpoint: str | os.PathLike | None = None, resume: bool = False, seed: int | None = None,
        progress: bool = True, channels_last: bool | None = None,
        mixed_precision: bool | None = None) -> History:
    """Train ``model`` on ``train`` for ``epochs`` epochs, scoring on ``val`` after each, return the history.

    Chapter 9. ``val`` is a validation split held out from the training images
    (``train, val = split_validation(train)``): the best epoch is chosen on it. Never pass
    the test split here: choosing on it makes its accuracy optimistic. Test once, at the
    end, with :func:`evaluate`.

    Defaults, chosen by measuring LeNet-5 on Fashion-MNIST on 2 CPU cores
    (``benchmarks/train_speed.py``):

    - ``batch_size=256`` and, when no ``optimizer`` is given, Adam with a one-cycle
      schedule: the learning rate rises to ``lr`` over the first 30 % of the steps,
      then falls to almost 0. ``lr`` defaults to 0.004·√(batch_size / 256). After 5
      epochs: 90.1 % test accuracy (89.9 % in float32), where the source tutorials' loop (batch 64,
      Adam 0.001, constant) reached 88.6–88.9 %; at batch 1024 the one-cycle run
      lost 2–3 points, at batch 512 it kept 89.3 %.
    - ``loss_fn``: ``nn.CrossEntropyLoss()``, which expects raw scores (logits).
    - ``channels_last`` (None = automatic): on for CPU and CUDA, where convolutions
      are faster with channels-last memory (LeNet-5 on the CPU: 1.2×), unless the model
      cannot take it (``x.view`` on feature maps: a note says so); off on MPS.
    - ``mixed_precision`` (None = automatic): bfloat16 autocast on CUDA (float16 with
      gradient scaling on older GPUs) and on CPUs with bfloat16 units (Intel AMX,
      AVX-512 BF16), where LeNet-5 trained 1.3× faster at the same accuracy; float32
      elsewhere. Both together: 1.6× the speed of plain float32. ``torch.compile`` is
      not used: it made this training 0.6× slower (and compiling takes half a minute).
    - ``device``: :func:`pick_device` (quietly); the model and data are moved there once.

    Your own ``optimizer`` (built on ``model.parameters()``) is used as is, with your
    ``scheduler`` if any: stepped after every epoch like the source tutorials' ``StepLR``, or
    after every batch for ``OneCycleLR`` and ``CyclicLR``, which count batches.

    ``checkpoint``: a file where the best epoch (highest validation accuracy) is saved,
    atomically. ``resume=True`` continues from that file when it exists, up to
    ``epochs`` epochs in all. ``seed`` seeds torch (shuffling, dropout); seed the
    model's creation yourself for identical starting weights. ``progress`` shows a
    bar per epoch (in Jupyter a widget, else text) with the running loss and accuracy.

    A NaN or infinite loss raises :class:`TrainingDiverged`, with a hint.

    >>> from cnnlab.data import ImageSplit
    >>> data = ImageSplit(torch.zeros(8, 1, 28, 28, dtype=torch.uint8), torch.arange(8) % 2,
    ...                   ["a", "b"], "t", "s")
    >>> fit(torch.nn.Linear(784, 2), data, data, epochs=1, progress=False)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ValueError: the model does not accept a batch of images of shape (8, 1, 28, 28): ...
    """
    _check_fit_arguments(train, val, epochs, batch_size, lr, optimizer)
    was_training = model.training
    device = check_device(device, "fit(device=...)") if device is not None else pick_device(verbose=False)
    if seed is not None:
        torch.manual_seed(seed)
    model.to(device)
    train, val = train.to(device), val.to(device)
    channels_last = _choose_memory_format(model, train, device, channels_last, progress)
    precision = autocast_dtype(device, mixed_precision)
    autocast = (lambda: torch.autocast(device.type, dtype=precision)) if precision else nullcontext
    scaler = torch.amp.GradScaler("cuda", enabled=precision == torch.float16)  # float16 needs it
    loss_fn = loss_fn if loss_fn is not None else nn.CrossEntropyLoss()
    default_optimizer = optimizer is None
    peak_lr = lr if lr is not None else PEAK_LR_AT_256 * math.sqrt(batch_size / 256)
    if optimizer is None:
        optimizer = torch.optim.Adam(model.parameters(), lr=peak_lr, fused=device.type == "cpu" or None)
    history = History()
    if resume and checkpoint is not None:
        history = _resume(Path(checkpoint), model, optimizer, scheduler, progress)
    if default_optimizer and len(history) < epochs:
        scheduler = _one_cycle(optimizer, peak_lr, epochs, math.ceil(len(train) / batch_size), len(history))
    per_batch = isinstance(scheduler, torch.optim.lr_scheduler.OneCycleLR | torch.optim.lr_scheduler.CyclicLR)

    def train_step(images: torch.Tensor, labels: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """One step of the source tutorials' loop: forward, loss, zero_grad, backward, step."""
        with autocast():
            scores = model(_prepare(images, channels_last))
            loss = loss_fn(scores, labels)
        optimizer.zero_grad(set_to_none=True)
        scaler.scale(loss).backward()
        scaler.step(optimizer)
        scaler.update()
        if per_batch:
            scheduler.step()
        return loss.detach(), scores.detach()

    try:
        for epoch in range(len(history) + 1, epochs + 1):
            start = time.perf_counter()
            model.train()
            # dynamic_ncols: the whole width of a terminal, or of a notebook's output (where a long
            # postfix then wraps to a second line instead of squeezing the bar to nothing)
            bar = tqdm(total=len(train), desc=f"Epoch {epoch}/{epochs}", unit="img", unit_scale=True,
                       dynamic_ncols=True, disable=not progress)
            with bar:
                train_loss, train_accuracy = _train_epoch(train, batch_size, train_step, bar, epoch,
                                                          optimizer, history)
                images_per_second = len(train) / (time.perf_counter() - start)
                learning_rate = optimizer.param_groups[0]["lr"]
                if scheduler is not None and not per_batch:
                    scheduler.step()
                val_loss, val_accuracy = _evaluate(model, val, loss_fn, channels_last)
                bar.set_postfix(loss=f"{train_loss:.4f}", acc=f"{train_accuracy:.2%}",
                                val_acc=f"{val_accuracy:.2%}")
            history.append(EpochStats(epoch, train_loss, train_accuracy, val_loss, val_accuracy,
                                      learning_rate, time.perf_counter() - start, images_per_second))
            if checkpoint is not None and history.best() is history[-1]:
                save_checkpoint(checkpoint, model, epoch=epoch, optimizer=optimizer, scheduler=scheduler,
                                history=[asdict(stats) for stats in history], classes=list(train.classes),
                                train_data=train.name, val_data=val.name)
    finally:
        model.to(memory_format=torch.contiguous_format)  # give the model back as it came
        model.train(was_training)
    return history


TrainStep = Callable[[torch.Tensor, torch.Tensor], tuple[torch.Tensor, torch.Tensor]]


def _train_epoch(train: ImageSplit, batch_size: int, train_step: TrainStep, bar: tqdm, epoch: int,
                 optimizer: torch.optim.Optimizer, history: History) -> tuple[float, float]:
    """One pass over ``train``; the mean loss and the accuracy, summed on the device as it goes."""
    loss_sum = torch.zeros((), device=train.device)
    correct = torch.zeros((), device=train.device, dtype=torch.int64)
    seen = 0
    refresh_every = max(1, math.ceil(len(train) / batch_size) // 20)
    for step, (images, labels) in enumerate(train.batches(batch_size), start=1):
        loss, scores = train_step(images, labels)
        loss_sum += loss.float() * len(labels)
        correct += (scores.argmax(dim=1) == labels).sum()
        seen += len(labels)
        bar.update(len(labels))
        if step % refresh_every == 0:  # the only waits for the device during an epoch
            running_loss = (loss_sum / seen).item()
            stop_if_diverged(running_loss, epoch, step, optimizer.param_groups[0]["lr"], history)
            bar.set_postfix(loss=f"{running_loss:.4f}", acc=f"{correct.item() / seen:.2%}")
    mean_loss = (loss_sum / seen).item()
    stop_if_diverged(mean_loss, epoch, step, optimizer.param_groups[0]["lr"], history)
    return mean_loss, correct.item() / seen


def _check_fit_arguments(train: ImageSplit, val: ImageSplit, epochs: int, batch_size: int,
                         lr: float | None, optimizer: torch.optim.Optimizer | None) -> None:
    for name, split in (("train", train), ("val", val)):
        if not isinstance(split, ImageSplit):
            raise TypeError(f"{name} must be an ImageSplit (from cnnlab.data.load_mnist() and friends), "
                            f"got {type(split).__name__}")
        if len(split) == 0:
            raise ValueError(f"{name} is empty: give it at least one image")
    if isinstance(epochs, bool) or not isinstance(epochs, int) or epochs < 1:
        raise ValueError(f"epochs must be a whole number ≥ 1, got {epochs!r}")
    if isinstance(batch_size, bool) or not isinstance(batch_size, int) or batch_size < 1:
        raise ValueError(f"batch_size must be a whole number ≥ 1, got {batch_size!r} (256 is a good start)")
    if lr is not None and optimizer is not None:
        raise ValueError("give lr or optimizer, not both: lr only sets the default Adam's learning rate; "
                         "set yours with e.g. torch.optim.SGD(model.parameters(), lr=0.01)")
    if lr is not None and not (isinstance(lr, int | float) and 0 < lr < math.inf):
        raise ValueError(f"lr must be a positive number, got {lr!r} (try 0.001 to 0.01)")


def _choose_memory_format(model: nn.Module, split: ImageSplit, device: torch.device,
                          channels_last: bool | None, progress: bool) -> bool:
    """Put the model in channels-last memory where it helps and the model allows it; True if so.

    A forward pass on one image checks the model first, to turn a shape error deep in
    torch into a readable one.
    """
    requested = channels_last
    if not (device.type in {"cpu", "cuda"} if channels_last is None else channels_last):
        _check_model_accepts(model, split, channels_last=False)
        return False
    model.to(memory_format=torch.channels_last)
    try:
        _check_model_accepts(model, split, channels_last=True)
        return True
    except ValueError:
        model.to(memory_format=torch.contiguous_format)
        _check_model_accepts(model, split, channels_last=False)  # a real shape error fails here too
    hint = ("the model works in the default memory format but not in channels-last, usually because it "
            "calls x.view(...) on feature maps: write torch.flatten(x, 1) or x.reshape(...) instead")
    if requested:
        raise ValueError(f"channels_last=True: {hint}; or leave channels_last to cnnlab")
    if progress:
        print(textwrap.fill(f"Note: training without channels-last memory (slower): {hint}.", width=88))
    return False


def _check_model_accepts(model: nn.Module, split: ImageSplit, *, channels_last: bool) -> None:
    """Run one image through the model, to turn a shape error deep in torch into a readable one."""
    model.eval()
    try:
        with torch.inference_mode():
            scores = model(_prepare(split.images[:1], channels_last))
    except RuntimeError as error:
        raise ValueError(f"the model does not accept a batch of images of shape {tuple(split.images.shape)}: "
                         f"{str(error).splitlines()[0]}. Check its first layer's input size and channels "
                         "(cnnlab.trace(model) shows every layer's shape).") from None
    if scores.dim() != 2 or scores.shape[1] < len(split.classes):
        classes = len(split.classes)
        raise ValueError(f"the model gives scores of shape {tuple(scores.shape)} for one image, but the data "
                         f"has {classes} classes: its last layer needs {classes} outputs, "
                         f"e.g. nn.Linear(..., {classes})")


def _one_cycle(optimizer: torch.optim.Optimizer, peak_lr: float, epochs: int, steps_per_epoch: int,
               epochs_done: int) -> torch.optim.lr_scheduler.OneCycleLR:
    """The default schedule, moved forward past the epochs already done (when resuming)."""
    scheduler = torch.optim.lr_scheduler.OneCycleLR(optimizer, peak_lr, epochs=epochs,
                                                    steps_per_epoch=steps_per_epoch)
    with warnings.catch_warnings():  # "scheduler.step() before optimizer.step()": on purpose here
        warnings.simplefilter("ignore")
        for _ in range(epochs_done * steps_per_epoch):
            scheduler.step()
    return scheduler


def _prepare(images: torch.Tensor, channels_last: bool) -> torch.Tensor:
    inputs = normalize(images)
    return inputs.contiguous(memory_format=torch.channels_last) if channels_last else inputs


def _resume(path: Path, model: nn.Module, optimizer: torch.optim.Optimizer,
            scheduler: torch.optim.lr_scheduler.LRScheduler | None, progress: bool) -> History:
    if not path.exists():
        if progress:
            print(f"No checkpoint at {path} yet: training from epoch 1")
        return History()
    if load_checkpoint(path)["format"] == TEST_SELECTED_FORMAT:
        raise ValueError(f"cannot resume from {path}: {RETRAIN_HINT} (without resume=True)")
    checkpoint = load_checkpoint(path, model, optimizer, scheduler)
    history = History(EpochStats(**stats) for stats in checkpoint["history"])
    if progress:
        print(f"Resuming from {path}: epoch {checkpoint['epoch']}, validation accuracy "
              f"{history[-1].val_accuracy:.2%}" if history else f"Resuming from {path}")
    return history


# ---------------------------------------------------------------- evaluating and predicting


class Evaluation(NamedTuple):
    """Mean loss and accuracy (a fraction) over a data set."""

    loss: float
    accuracy: float


def evaluate(model: nn.Module, data: ImageSplit, *, loss_fn: LossFunction | None = None,
             batch_size: int = 1024) -> Evaluation:
    """Loss and accuracy of ``model`` on ``data``, without gradients, on the model's device.

    >>> from cnnlab.data import ImageSplit
    >>> data = ImageSplit(torch.zeros(4, 1, 2, 2, dtype=torch.uint8), torch.tensor([1, 1, 1, 0]), ["a", "b"],
    ...                   "t", "s")
    >>> model = torch.nn.Sequential(torch.nn.Flatten(), torch.nn.Linear(4, 2))
    >>> with torch.no_grad():
    ...     _ = model[1].bias.copy_(torch.tensor([0.0, 1.0]))  # always says "b"
    ...     _ = model[1].weight.zero_()
    >>> evaluate(model, data).accuracy
    0.75
    """
    device = _model_device(model)
    return _evaluate(model, data.to(device), loss_fn or nn.CrossEntropyLoss(), False, batch_size)


def _evaluate(model: nn.Module, data: ImageSplit, loss_fn: LossFunction, channels_last: bool,
              batch_size: int = 1024) -> Evaluation:
    was_training = model.training
    model.eval()
    loss_sum = torch.zeros((), device=data.device)
    correct = torch.zeros((), device=data.device, dtype=torch.int64)
    with torch.inference_mode():
        for images, labels in data.batches(batch_size, shuffle=False):
            scores = model(_prepare(images, channels_last))
            loss_sum += loss_fn(scores, labels).float() * len(labels)
            correct += (scores.argmax(dim=1) == labels).sum()
    model.train(was_training)
    return Evaluation((loss_sum / len(data)).item(), correct.item() / len(data))


class Prediction(NamedTuple):
    """Predicted class indices (N,) and the probabilities of every class (N, C), on the CPU."""

    classes: torch.Tensor
    probabilities: torch.Tensor


def predict(model: nn.Module, images: torch.Tensor | ImageSplit, *, batch_size: int = 1024) -> Prediction:
    """The class ``model`` predicts for each image, and its softmax probabilities.

    ``images``: an ImageSplit, or ``uint8`` (0–255) or float (0–1) images of shape
    (N, 1, 28, 28), (1, 28, 28) or (28, 28), as ``split.images[:16]`` or ``split[0][0]``.

    >>> model = torch.nn.Sequential(torch.nn.Flatten(), torch.nn.Linear(784, 10))
    >>> prediction = predict(model, torch.zeros(28, 28, dtype=torch.uint8))
    >>> prediction.classes.shape, round(prediction.probabilities.sum().item(), 4)
    (torch.Size([1]), 1.0)
    """
    if isinstance(images, ImageSplit):
        images = images.images
    if not isinstance(images, torch.Tensor):
        raise TypeError(f"predict takes a tensor of images or an ImageSplit, got {type(images).__name__}")
    if images.dim() == 2:
        images = images[None, None]
    elif images.dim() == 3:
        images = images[None]
    if images.dim() != 4:
        raise ValueError(f"images must have shape (N, 1, H, W), (1, H, W) or (H, W), "
                         f"got {tuple(images.shape)}")
    device = _model_device(model)
    was_training = model.training
    model.eval()
    probabilities = []
    with torch.inference_mode():
        for start in range(0, len(images), batch_size):
            batch = normalize(images[start:start + batch_size].to(device))
            probabilities.append(model(batch).float().softmax(dim=1).cpu())
    model.train(was_training)
    probabilities = torch.cat(probabilities)
    return Prediction(probabilities.argmax(dim=1), probabilities)


def _model_device(model: nn.Module) -> torch.device:
    parameter = next(model.parameters(), None)
    return parameter.device if parameter is not None else torch.device("cpu")
