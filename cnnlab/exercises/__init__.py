"""Self-checking exercises: one module per chapter (``ch01`` … ``ch10``).

In a chapter::

    from cnnlab.exercises import ch03 as check
    answer = ...            # your answer
    check.ex3_1(answer)     # ✅ right, or ❌ with a hint that points at the mistake

Every checker reads the answer with the one parser of ``cnnlab.exercises.answers`` (numbers,
shapes, paddings, names and models in every form a learner writes them) and returns a
:class:`Feedback`, which prints as one line and shows as a coloured box in Jupyter. A checker
never gives the answer away; the chapters keep worked solutions in collapsed cells.

The exercises that are pure questions (a number or one option) are data:
``cnnlab.exercises.questions`` holds them, ``cnnlab.exercises.quick`` grades them, and
``cnnlab.exercises.messages`` words every hint, one table keyed by message id. The page's
quick checks (``cnnlab.widgets.quick_check``) grade the same questions in the browser, in the
book's Chinese edition with the words of ``messages_zh_cn`` and ``questions_zh_cn`` (the
checkers in the notebooks stay English).

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

from cnnlab.exercises.answers import (
    as_choice,
    as_int,
    as_number,
    as_padding,
    as_shape,
    as_size,
    run_model,
)

__all__ = ["Feedback", "as_choice", "as_int", "as_number", "as_padding", "as_shape",
           "as_size", "right", "run_model", "unanswered", "wrong"]


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
