"""Self-checking exercises: one module per chapter (``ch01`` … ``ch10``).

In a chapter::

    from cnnlab.exercises import ch03 as check
    answer = ...            # your answer
    check.ex3_1(answer)     # ✅ right, or ❌ with a hint that points at the mistake

Every checker returns a :class:`Feedback`, which prints as one line and shows as a
coloured box in Jupyter. A checker never gives the answer away; the chapters keep
worked solutions in collapsed cells.

>>> feedback = Feedback(True, "28 pixels: padding 2 on each side keeps the size.")
>>> print(feedback)
✅ Right! 28 pixels: padding 2 on each side keeps the size.
>>> bool(Feedback(False, "Count the padding on both sides."))
False
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from typing import Any

import torch


@dataclass(frozen=True)
class Feedback:
    """The verdict of a checker: ``correct`` plus a message (a hint when wrong)."""

    correct: bool
    message: str

    def __bool__(self) -> bool:
        return self.correct

    def __str__(self) -> str:
        return ("✅ Right! " if self.correct else "❌ Not yet. ") + self.message

    __repr__ = __str__

    def _repr_html_(self) -> str:
        colour, border = ("#e8f5e9", "#2e7d32") if self.correct else ("#fff3e0", "#e65100")
        return (f'<div class="cnnlab-feedback" style="background:{colour};border-left:4px solid {border};'
                f'padding:0.5em 0.8em;margin:0.3em 0">{html.escape(str(self))}</div>')


def right(message: str = "") -> Feedback:
    """A correct verdict.

    >>> print(right("well done."))
    ✅ Right! well done.
    """
    return Feedback(True, message)


def wrong(hint: str) -> Feedback:
    """A wrong verdict with a hint that points at the mistake, not at the answer.

    >>> print(wrong("the stride divides the distance the window travels."))
    ❌ Not yet. the stride divides the distance the window travels.
    """
    return Feedback(False, hint)


def unanswered(answer: Any) -> Feedback | None:
    """``Feedback`` asking for an answer when ``answer`` is still ``...`` or ``None``, else None.

    >>> print(unanswered(...))
    ❌ Not yet. Replace the ... with your answer, then run the cell again.
    >>> unanswered(28) is None
    True
    """
    if answer is ... or answer is None:
        return wrong("Replace the ... with your answer, then run the cell again.")
    return None


def as_int(answer: Any) -> int | None:
    """``answer`` as an int when it is a whole number (``28``, ``28.0``, ``"28"``), else None.

    >>> as_int("28"), as_int(28.0), as_int(2.5), as_int("abc")
    (28, 28, None, None)
    """
    if isinstance(answer, bool):
        return None
    try:
        value = float(answer)
    except (TypeError, ValueError):
        return None
    return int(value) if value.is_integer() else None


def as_int_tuple(answer: Any) -> tuple[int, ...] | None:
    """``answer`` as a tuple of ints when it is a tuple, list or ``torch.Size`` of whole numbers, else None.

    >>> as_int_tuple([1, 16, "5", 5.0]), as_int_tuple(torch.Size([2, 3])), as_int_tuple((1, 2.5))
    ((1, 16, 5, 5), (2, 3), None)
    """
    if isinstance(answer, tuple | list):  # torch.Size is a tuple
        numbers = [as_int(value) for value in answer]
        if all(number is not None for number in numbers):
            return tuple(numbers)  # type: ignore[arg-type]
    return None


def as_number(answer: Any) -> float | None:
    """``answer`` as a float (a one-element tensor counts), else None.

    >>> as_number("0.5"), as_number(torch.tensor([2.0])), as_number("abc"), as_number(True)
    (0.5, 2.0, None, None)
    """
    if isinstance(answer, torch.Tensor) and answer.numel() == 1:
        answer = answer.item()
    if isinstance(answer, bool):
        return None
    try:
        return float(answer)
    except (TypeError, ValueError):
        return None
