"""Saving and loading training checkpoints, safely.

A checkpoint is a plain dict: the model's ``state_dict``, the optimizer's (and the
learning-rate scheduler's) state, the epoch it was taken after, and the history so
far (whose ``val_accuracy`` chose the epoch). It holds only tensors, numbers, strings, lists
and dicts, so it loads with
``torch.load(path, weights_only=True)``, which cannot run code hidden in a file.

It is written to a temporary file next to ``path`` and then renamed onto it: the
rename is atomic, so a run interrupted while saving leaves the previous checkpoint
intact, never half a file.

>>> import tempfile
>>> from pathlib import Path
>>> path = Path(tempfile.mkdtemp()) / "tiny.pt"
>>> model = torch.nn.Linear(2, 3)
>>> save_checkpoint(path, model, epoch=4)
>>> load_checkpoint(path, torch.nn.Linear(2, 3))["epoch"]
4
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import torch
from torch import nn

FORMAT = "cnnlab-checkpoint-2"
"""Checkpoints whose epoch was chosen on a validation split (history: ``val_loss``, ``val_accuracy``)."""
TEST_SELECTED_FORMAT = "cnnlab-checkpoint-1"
"""Checkpoints written before cnnlab had validation splits: their epoch was chosen on the test data.
They still load (the weights are fine); ``fit(resume=True)`` refuses them."""
RETRAIN_HINT = ("its epoch was chosen on the test data (cnnlab before validation splits), so its test "
                "accuracy is optimistic. Retrain to choose on validation data: fit(model, train, val, ...) "
                "with train, val = split_validation(train), or python -m cnnlab train --checkpoint FILE")


def save_checkpoint(path: str | os.PathLike, model: nn.Module, *, epoch: int,
                    optimizer: torch.optim.Optimizer | None = None,
                    scheduler: torch.optim.lr_scheduler.LRScheduler | None = None,
                    history: list[dict[str, float]] | None = None, **extra: Any) -> None:
    """Write the model (and optimizer, scheduler, history) to ``path``, atomically.

    ``extra`` keys (plain values: str, int, float, lists, dicts) are saved as well.

    >>> import tempfile
    >>> path = Path(tempfile.mkdtemp()) / "model.pt"
    >>> save_checkpoint(path, torch.nn.Linear(2, 3), epoch=1, note="first try")
    >>> sorted(torch.load(path, weights_only=True))
    ['epoch', 'format', 'history', 'model_name', 'model_state', 'note', 'optimizer_state', 'scheduler_state']
    """
    model = getattr(model, "_orig_mod", model)  # a torch.compile'd model saves its original
    checkpoint = {
        "format": FORMAT,
        "model_name": type(model).__name__,
        "model_state": model.state_dict(),
        "optimizer_state": optimizer.state_dict() if optimizer is not None else None,
        "scheduler_state": scheduler.state_dict() if scheduler is not None else None,
        "epoch": epoch,
        "history": list(history or []),
        **extra,
    }
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".partial")
    torch.save(checkpoint, partial)
    os.replace(partial, path)


def load_checkpoint(path: str | os.PathLike, model: nn.Module | None = None,
                    optimizer: torch.optim.Optimizer | None = None,
                    scheduler: torch.optim.lr_scheduler.LRScheduler | None = None) -> dict[str, Any]:
    """Read a checkpoint (``weights_only=True``) and put its states into the objects given.

    Returns the whole dict. The model must be of the class that was saved. Checkpoints of
    the older format :data:`TEST_SELECTED_FORMAT` load too; check ``checkpoint["format"]``.

    >>> import tempfile
    >>> path = Path(tempfile.mkdtemp()) / "model.pt"
    >>> save_checkpoint(path, torch.nn.Linear(2, 3), epoch=1)
    >>> load_checkpoint(path, torch.nn.Conv2d(1, 1, 3))
    Traceback (most recent call last):
    ValueError: the checkpoint holds a Linear, not a Conv2d: build a Linear and load it into that
    """
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"no checkpoint at {path}: check the name, "
                                f"or train first with checkpoint={str(path)!r}")
    try:
        checkpoint = torch.load(path, map_location="cpu", weights_only=True)
    except Exception as error:  # a truncated zip, a pickle with code in it, a file of another format
        raise ValueError(f"{path} is not a readable checkpoint ({type(error).__name__}: "
                         f"{str(error).splitlines()[0][:200]}). Fix: train again to rewrite it.") from None
    if not isinstance(checkpoint, dict) or checkpoint.get("format") not in (FORMAT, TEST_SELECTED_FORMAT):
        raise ValueError(f"{path} is not a cnnlab checkpoint (no format {FORMAT!r}); a bare state_dict loads "
                         "with model.load_state_dict(torch.load(path, weights_only=True))")
    if model is not None:
        model = getattr(model, "_orig_mod", model)
        saved, given = checkpoint["model_name"], type(model).__name__
        if given != saved:
            raise ValueError(f"the checkpoint holds a {saved}, not a {given}: "
                             f"build a {saved} and load it into that")
        model.load_state_dict(checkpoint["model_state"])
    if optimizer is not None and checkpoint["optimizer_state"] is not None:
        optimizer.load_state_dict(checkpoint["optimizer_state"])
    if scheduler is not None and checkpoint["scheduler_state"] is not None:
        scheduler.load_state_dict(checkpoint["scheduler_state"])
    return checkpoint
