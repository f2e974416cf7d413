"""Questions graded from data, the same way in Python and in the static page.

A :class:`Question` holds everything a hint needs: the right value, the typical slips and
the message each one gets. :func:`grade` turns an answer into a :class:`Verdict`, a message
*id* from :data:`cnnlab.exercises.messages.MESSAGES` plus its parameters, so that the wording
lives in one table (and can be translated). ``cnnlab/widgets/quick_check.js`` repeats
:func:`grade` for typed text, and ``tests/test_quick_checks.py`` runs both on the same
answers and compares ids and parameters. The chapters' checkers built with :func:`checker`
give the same hints as the page's quick checks (``cnnlab.widgets.quick_check``).

>>> question = Question("demo", "2 + 2?", answer=4, right="demo.right",
...                     slips=(Slip("demo.product", value=22),), fallback="demo.fallback")
>>> grade(question, " 4 ")
Verdict(correct=True, message='demo.right', params={'value': '4'})
>>> grade(question, "22").message, grade(question, "x").message
('demo.product', 'answer.not_number')
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import Any

from cnnlab.exercises import Feedback, unanswered
from cnnlab.exercises.answers import as_number, as_shape, name_key
from cnnlab.exercises.messages import MESSAGES


@dataclass(frozen=True)
class Slip:
    """A typical wrong answer: a ``value`` (± the question's tolerance), a range ``low``…``high``
    (inclusive, None = open), or a ``text`` such as ``'same'``; ``message`` is its hint's id."""

    message: str
    value: float | str | None = None
    low: float | None = None
    high: float | None = None
    text: str | None = None
    params: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Choice:
    """An option of a multiple-choice question; ``message`` explains why it is right or wrong
    (each wrong option names one misconception)."""

    key: str
    label: str
    message: str


@dataclass(frozen=True)
class Question:
    """A question with a number (``choices`` empty) or one option (``choices``) as its answer.

    ``tolerance`` is absolute; ``whole`` refuses fractions with ``not_whole``'s message;
    ``size`` also reads a square pair such as ``(3, 3)`` as 3.
    """

    id: str
    prompt: str
    answer: float | str
    right: str
    slips: tuple[Slip, ...] = ()
    fallback: str = "answer.wrong"
    choices: tuple[Choice, ...] = ()
    tolerance: float = 0.0
    whole: bool = False
    size: bool = False
    not_whole: str = "answer.not_whole"
    params: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        """The question as plain data for the page (``quick_check.js``)."""
        return asdict(self)


@dataclass(frozen=True)
class Verdict:
    """What :func:`grade` decided: right or not, a message id and the parameters of its template."""

    correct: bool
    message: str
    params: dict[str, Any]

    def text(self) -> str:
        """The message in words.

        >>> Verdict(False, "answer.not_number", {}).text()
        'Give a number, e.g. 12 or 0.5.'
        """
        return MESSAGES[self.message].format(**self.params)


def _shown(answer: Any, value: float) -> str:
    return answer.strip() if isinstance(answer, str) else f"{value:g}"


def _number(question: Question, answer: Any) -> float | str | None:
    """The answer as a float, or ``'not_square'`` for a size given as an unequal pair."""
    value = as_number(answer)
    if value is None and question.size:
        shape = as_shape(answer)
        if shape is not None and len(shape) == 2:
            return float(shape[0]) if shape[0] == shape[1] else "not_square"
    return value


def grade(question: Question, answer: Any) -> Verdict:
    """Grade ``answer`` (any Python value; the page passes typed text) against ``question``.

    Chapters 1–10: every question of ``cnnlab.exercises.questions``.

    >>> question = Question("demo", "Stride?", answer=2, right="answer.wrong", whole=True, size=True)
    >>> grade(question, "(2, 2)").correct, grade(question, "(2, 3)").message, grade(question, 2.5).message
    (True, 'answer.not_square', 'answer.not_whole')
    """
    if answer is None or isinstance(answer, str) and not answer.strip():
        return Verdict(False, "answer.missing", {})
    if question.choices:
        key = name_key(answer) if isinstance(answer, str) else ""
        for choice in question.choices:
            if key and key in (name_key(choice.key), name_key(choice.label)):
                return Verdict(choice.key == question.answer, choice.message, dict(question.params))
        return Verdict(False, "answer.not_choice", {"choices": ", ".join(c.key for c in question.choices)})
    if isinstance(answer, str):
        for slip in question.slips:
            if slip.text is not None and name_key(answer) == name_key(slip.text):
                return Verdict(False, slip.message, {**question.params, **slip.params})
    value = _number(question, answer)
    if value == "not_square":
        return Verdict(False, "answer.not_square", {})
    if not isinstance(value, float):
        return Verdict(False, "answer.not_number", {})
    params = {**question.params, "value": _shown(answer, value)}
    if question.whole and not value.is_integer():
        return Verdict(False, question.not_whole, params)
    if abs(value - float(question.answer)) <= question.tolerance:
        return Verdict(True, question.right, params)
    for slip in question.slips:
        if slip.text is not None:
            continue
        hit = (abs(value - float(slip.value)) <= question.tolerance if slip.value is not None
               else (slip.low is None or value >= slip.low) and (slip.high is None or value <= slip.high))
        if hit:
            return Verdict(False, slip.message, {**params, **slip.params})
    return Verdict(False, question.fallback, params)


def feedback(question: Question, answer: Any) -> Feedback:
    """:func:`grade` as the :class:`~cnnlab.exercises.Feedback` a notebook shows.

    >>> print(feedback(Question("demo", "2 + 2?", answer=4, right="answer.wrong"), "5"))
    ❌ Not yet. 5 is not it yet: work through the question step by step.
    """
    if (missing := unanswered(answer)) is not None:
        return missing
    verdict = grade(question, answer)
    return Feedback(verdict.correct, verdict.text())


def checker(question: Question, doc: str) -> Callable[[Any], Feedback]:
    """A chapter's checker function for ``question``, named after it (``ex2_2``).

    >>> check = checker(Question("ex0_1", "2 + 2?", answer=4, right="answer.wrong"), "2 + 2.")
    >>> check.__name__, check(4).correct
    ('ex0_1', True)
    """

    def check(answer: Any) -> Feedback:
        return feedback(question, answer)

    check.__name__ = check.__qualname__ = question.id
    check.__doc__ = doc
    return check


def seeded(name: str, options: list[Any]) -> Any:
    """One of ``options`` picked from a learner's ``name`` (the first one for the default ``""``),
    so that two learners get different numbers but a notebook always gets the same.

    >>> seeded("", [3, 5, 7]), seeded("Ada", [3, 5, 7]) == seeded("Ada", [3, 5, 7])
    (3, True)
    """
    if not name.strip():
        return options[0]
    code = sum((index + 1) * ord(letter) for index, letter in enumerate(name.strip().lower()))
    return options[code % len(options)]


