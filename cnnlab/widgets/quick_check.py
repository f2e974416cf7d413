"""Quick checks: 2–4 questions of a chapter answered in the page, with or without a kernel.

The questions are the data of ``cnnlab.exercises.questions`` (the same ones the chapter's
checkers use), the wording the table ``cnnlab.exercises.messages.MESSAGES``; the browser
grades with ``quick_check.js``, a twin of ``cnnlab.exercises.quick.grade``, and keeps the
reader's answers per chapter in ``localStorage``. These are self-tests: the right answers
are part of the page's data, so graded work stays in the notebooks.

>>> checks = quick_check(3)
>>> checks
QuickCheck(chapter=3)
>>> [question["id"] for question in checks.questions]
['ex3_2', 'ex3_4', 'ex3_5']
"""

from __future__ import annotations

import traitlets

from cnnlab.exercises.messages import MESSAGES
from cnnlab.exercises.questions import quick_checks
from cnnlab.widgets.base import Widget, bundle, read


class QuickCheck(Widget):
    """The quick checks of one chapter: ``questions`` as data, ``messages`` the templates they use."""

    _esm = bundle("quick_check.js")
    _css = Widget._css + read("quick_check.css")
    _parameters = ("chapter",)

    chapter = traitlets.Int(1).tag(sync=True)
    questions = traitlets.List(traitlets.Dict()).tag(sync=True)
    messages = traitlets.Dict().tag(sync=True)


def quick_check(chapter: int) -> QuickCheck:
    """The quick-check widget of ``chapter`` (Chapters 1–10, at the end of each chapter's exercises).

    >>> sorted(quick_check(1).messages)[:2]
    ['answer.missing', 'answer.not_choice']
    """
    questions = [question.to_json() for question in quick_checks(chapter)]
    for question in questions:  # in the page an option is clicked, not typed
        question["prompt"] = question["prompt"].replace(" Answer with the letter of one option.", "")
    used = {key for key in MESSAGES if key.startswith("answer.")}
    for question in questions:
        used |= {question["right"], question["fallback"], question["not_whole"]}
        used |= {slip["message"] for slip in question["slips"]} | {c["message"] for c in question["choices"]}
    return QuickCheck(chapter=chapter, questions=questions,
                      messages={key: MESSAGES[key] for key in sorted(used) if key in MESSAGES})
