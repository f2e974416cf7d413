"""The record of a training run: one :class:`EpochStats` per epoch, in a :class:`History`.

``fit`` returns a History; print it for a table, or plot its columns.

>>> history = History([EpochStats(1, 0.9, 0.7, 0.8, 0.75, 0.01, 3.0, 1000.0)])
>>> history.column("test_accuracy")
[0.75]
"""

from __future__ import annotations

from dataclasses import dataclass, fields


@dataclass(frozen=True)
class EpochStats:
    """What one epoch of ``fit`` measured. Accuracies are fractions (0.9 is 90 %)."""

    epoch: int
    train_loss: float
    train_accuracy: float
    test_loss: float
    test_accuracy: float
    learning_rate: float
    seconds: float
    images_per_second: float


class History(list[EpochStats]):
    """The epochs of a ``fit``, in order, with helpers to read them.

    >>> history = History([EpochStats(1, 0.5, 0.8, 0.4, 0.85, 0.001, 2.0, 30000.0)])
    >>> history.column("test_accuracy"), history.best().epoch
    ([0.85], 1)
    >>> print(history)
    epoch  train loss  train acc  test loss  test acc  learning rate  seconds  images/s
        1      0.5000     80.00%     0.4000    85.00%       0.001000      2.0    30,000
    """

    def column(self, name: str) -> list[float]:
        """One field of every epoch, e.g. ``history.column("test_accuracy")``, ready to plot."""
        names = [field.name for field in fields(EpochStats)]
        if name not in names:
            raise ValueError(f"no column {name!r}; the columns are {', '.join(names)}")
        return [getattr(stats, name) for stats in self]

    def best(self) -> EpochStats:
        """The epoch with the highest test accuracy (the first of equals)."""
        if not self:
            raise ValueError("the history is empty: train for at least one epoch")
        return max(self, key=lambda stats: stats.test_accuracy)

    def as_table(self) -> str:
        """The history as a text table, one line per epoch."""
        lines = ["epoch  train loss  train acc  test loss  test acc  learning rate  seconds  images/s"]
        for s in self:
            lines.append(f"{s.epoch:5d}  {s.train_loss:10.4f}  {s.train_accuracy:9.2%}  {s.test_loss:9.4f}  "
                         f"{s.test_accuracy:8.2%}  {s.learning_rate:13.6f}  {s.seconds:7.1f}  "
                         f"{s.images_per_second:8,.0f}")
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.as_table()


class TrainingDiverged(RuntimeError):
    """The loss became NaN or infinite: training stopped. ``.history`` holds the epochs before."""

    def __init__(self, message: str, history: History) -> None:
        super().__init__(message)
        self.history = history
