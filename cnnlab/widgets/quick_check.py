"""Quick checks: 2–4 questions of a chapter answered in the page, with or without a kernel.

The questions are the data of ``cnnlab.exercises.questions`` (the same ones the chapter's
checkers use), the wording the table ``cnnlab.exercises.messages.MESSAGES``; the browser
grades with ``quick_check.js``, a twin of ``cnnlab.exercises.quick.grade``, and keeps the
reader's answers per chapter in ``localStorage``. These are self-tests: the right answers
are part of the page's data, so graded work stays in the notebooks.

The widget speaks the page's language: ``translations`` carries the Chinese wording of its
questions and messages (``cnnlab.exercises.messages_zh_cn``, ``questions_zh_cn``), and the
page picks English or Chinese from ``<html lang>`` or from ``cnnlab.widgets.set_language``.

>>> checks = quick_check(3)
>>> checks
QuickCheck(chapter=3)
>>> [question["id"] for question in checks.questions]
['ex3_2', 'ex3_4', 'ex3_5']
>>> print(checks.translations["zh_CN"]["questions"]["ex3_2"]["prompt"])
一个 7 × 7 卷积核以 padding=2、步幅 1 在 32 × 32 的输入上滑动。输出的高和宽各是多少像素？
"""

from __future__ import annotations

from typing import Any

import traitlets

from cnnlab.exercises.messages import MESSAGES
from cnnlab.exercises.messages_zh_cn import MESSAGES_ZH_CN
from cnnlab.exercises.questions import quick_checks
from cnnlab.exercises.questions_zh_cn import LABELS_ZH_CN, prompt_zh_cn
from cnnlab.exercises.quick import Question
from cnnlab.widgets.base import Widget, bundle, read


class QuickCheck(Widget):
    """The quick checks of one chapter: ``questions`` as data, ``messages`` the templates they use,
    ``translations`` their wording in the other languages (``{"zh_CN": {"messages", "questions"}}``)."""

    _esm = bundle("quick_check.js")
    _css = Widget._css + read("quick_check.css")
    _parameters = ("chapter",)

    chapter = traitlets.Int(1).tag(sync=True)
    questions = traitlets.List(traitlets.Dict()).tag(sync=True)
    messages = traitlets.Dict().tag(sync=True)
    translations = traitlets.Dict().tag(sync=True)


def used_messages(questions: list[Question]) -> list[str]:
    """Every message id the quick checks of ``questions`` can show, sorted (Chapters 1–10).

    >>> from cnnlab.exercises.questions import quick_checks
    >>> used_messages(quick_checks(4))[:3]
    ['answer.missing', 'answer.not_choice', 'answer.not_number']
    """
    used = {key for key in MESSAGES if key.startswith("answer.")}
    for question in questions:
        used |= {question.right, question.fallback, question.not_whole}
        used |= {slip.message for slip in question.slips} | {c.message for c in question.choices}
    return sorted(key for key in used if key in MESSAGES)


def _chinese(questions: list[Question], used: list[str]) -> dict[str, Any]:
    """The Chinese wording of ``questions``: prompts and option labels by question id, messages by id."""
    return {
        "messages": {key: MESSAGES_ZH_CN[key] for key in used},
        "questions": {q.id: {"prompt": prompt_zh_cn(q), "labels": LABELS_ZH_CN.get(q.id, {})}
                      for q in questions},
    }


def quick_check(chapter: int) -> QuickCheck:
    """The quick-check widget of ``chapter`` (Chapters 1–10, at the end of each chapter's exercises).

    >>> sorted(quick_check(1).messages)[:2]
    ['answer.missing', 'answer.not_choice']
    """
    chosen = quick_checks(chapter)
    questions = [question.to_json() for question in chosen]
    for question in questions:  # in the page an option is clicked, not typed
        question["prompt"] = question["prompt"].replace(" Answer with the letter of one option.", "")
    used = used_messages(chosen)
    return QuickCheck(chapter=chapter, questions=questions, messages={key: MESSAGES[key] for key in used},
                      translations={"zh_CN": _chinese(chosen, used)})
