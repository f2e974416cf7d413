"""The record of a training run: one :class:`EpochStats` per epoch, in a :class:`History`.

``fit`` returns a History; print it for a table, or plot its columns.

>>> history = History([EpochStats(1, 0.9, 0.7, 0.8, 0.75, 0.01, 3.0, 1000.0)])
>>> history.column("val_accuracy")
[0.75]

``val_loss`` and ``val_accuracy`` are measured on the validation split after each epoch: the
data that choose the best epoch. The test split is evaluated once, after training.
"""

from __future__ import annotations

import math
import textwrap
from dataclasses import dataclass, fields


@dataclass(frozen=True)
class EpochStats:
    """What one epoch of ``fit`` measured. Accuracies are fractions (0.9 is 90 %).

    ``val_*``: on the validation split, which chooses the best epoch (chapter 9).
    """

    epoch: int
    train_loss: float
    train_accuracy: float
    val_loss: float
    val_accuracy: float
    learning_rate: float
    seconds: float
    images_per_second: float

    def __getattr__(self, name: str) -> float:
        """Only called for names the class lacks: the old test_* names get a hint."""
        if name in RENAMED:
            raise AttributeError(f"EpochStats has no {name!r}: fit measures each epoch on a validation split "
                                 f"now, never on the test split; use {RENAMED[name]!r}")
        raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")


RENAMED = {"test_loss": "val_loss", "test_accuracy": "val_accuracy"}
"""History fields that were called ``test_*`` before ``fit`` took a validation split."""


class History(list[EpochStats]):
    """The epochs of a ``fit``, in order, with helpers to read them.

    >>> history = History([EpochStats(1, 0.5, 0.8, 0.4, 0.85, 0.001, 2.0, 30000.0)])
    >>> history.column("val_accuracy"), history.best().epoch
    ([0.85], 1)
    >>> print(history)
    epoch  train loss  train acc  val loss  val acc  learning rate  seconds  images/s
        1      0.5000     80.00%    0.4000   85.00%       0.001000      2.0    30,000
    """

    def column(self, name: str) -> list[float]:
        """One field of every epoch, e.g. ``history.column("val_accuracy")``, ready to plot."""
        names = [field.name for field in fields(EpochStats)]
        if name in RENAMED:
            raise ValueError(f"no column {name!r}: fit measures on a validation split now; "
                             f"use {RENAMED[name]!r}")
        if name not in names:
            raise ValueError(f"no column {name!r}; the columns are {', '.join(names)}")
        return [getattr(stats, name) for stats in self]

    def best(self) -> EpochStats:
        """The epoch with the highest validation accuracy (the first of equals): the one to keep."""
        if not self:
            raise ValueError("the history is empty: train for at least one epoch")
        return max(self, key=lambda stats: stats.val_accuracy)

    def as_table(self) -> str:
        """The history as a text table, one line per epoch."""
        lines = ["epoch  train loss  train acc  val loss  val acc  learning rate  seconds  images/s"]
        for s in self:
            lines.append(f"{s.epoch:5d}  {s.train_loss:10.4f}  {s.train_accuracy:9.2%}  {s.val_loss:8.4f}  "
                         f"{s.val_accuracy:7.2%}  {s.learning_rate:13.6f}  {s.seconds:7.1f}  "
                         f"{s.images_per_second:8,.0f}")
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.as_table()


class TrainingDiverged(RuntimeError):
    """The loss became NaN or infinite: training stopped. ``.history`` holds the epochs before.

    The message is wrapped to lines of at most 88 characters, so that it fits a page.
    """

    def __init__(self, message: str, history: History) -> None:
        super().__init__(textwrap.fill(message, width=88))
        self.history = history


def stop_if_diverged(loss: float, epoch: int, step: int, learning_rate: float, history: History) -> None:
    """Raise :class:`TrainingDiverged`, with a hint, when ``loss`` is NaN or infinite (chapter 9).

    >>> stop_if_diverged(0.5, epoch=1, step=3, learning_rate=0.01, history=History())  # finite: nothing
    >>> try:
    ...     stop_if_diverged(float("nan"), epoch=1, step=3, learning_rate=1e6, history=History())
    ... except TrainingDiverged as error:
    ...     print(max(len(line) for line in str(error).splitlines()) <= 88)
    True
    """
    if math.isfinite(loss):
        return
    lr = learning_rate
    raise TrainingDiverged(
        f"training stopped: the loss became {loss} in epoch {epoch}, by step {step}, at learning rate "
        f"{lr:g}. The learning rate is probably too high: try 10× lower (lr={lr / 10:g}). If that does "
        f"not help, look for NaN in the inputs, or a loss_fn that takes the log of 0.", history)
