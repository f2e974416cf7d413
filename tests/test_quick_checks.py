"""Quick checks: the page (quick_check.js, run with node) grades typed text as Python does.

Python is the reference (``cnnlab.exercises.quick.grade``); both sides return a message id and
its parameters, compared here for every question on right, slipped, odd and random answers.
The wording is one table (``MESSAGES``): every id a question uses is in it, and every
template's parameters are filled.
"""

from __future__ import annotations

import random
import re
import string
from typing import Any

import pytest
from test_widget_parity import NODE, run_node

from cnnlab.exercises import ch03, ch07
from cnnlab.exercises.messages import MESSAGES
from cnnlab.exercises.questions import QUESTIONS, QUICK_CHECKS, ex3_5_question, ex7_6_question, quick_checks
from cnnlab.exercises.quick import Question, grade
from cnnlab.widgets import quick_check

ODD = [
    "",
    " ",
    "abc",
    "1e999",
    "nan",
    "inf",
    "1/0",
    "(3, 4)",
    "3x3",
    "(3, 3)",
    "3 × 3",
    "torch.Size([3, 3])",
    "1,216",
    "1_216",
    "21/4",
    "−0.4242",
    "-0.4242",
    ".5",
    "5.",
    "007",
    "2e1",
    "+4",
    "1,2",
    "1,2,3",
    "a",
    "B",
    " c ",
    "'same'",
    "same",
    "T.RandomHorizontalFlip()",
    "[28]",
    "None",
    "0x10",
    "½",
]


def texts(question: Question, rng: random.Random) -> list[str]:
    """Answers a reader types: the right one in several forms, every slip, neighbours, odd text."""
    found = [*ODD]
    if question.choices:
        for choice in question.choices:
            found += [choice.key, choice.key.upper(), f" {choice.key} ", choice.label, choice.label.upper()]
    else:
        answer = float(question.answer)
        found += [
            str(question.answer),
            f"{answer:g}",
            f"{answer:.4f}",
            f"{answer:,.0f}",
            f"({answer:g}, {answer:g})",
            f"{answer + 1:g}",
            f"{answer - 1:g}",
            f"{answer + 0.5:g}",
            f"{answer * 2:g}",
        ]
        for slip in question.slips:
            if slip.value is not None:
                found += [f"{float(slip.value):g}", repr(slip.value)]
            if slip.low is not None:
                found += [f"{slip.low + 1e-3:g}", f"{slip.high - 1e-3:g}"]
    found += [
        "".join(rng.choice(string.digits + ".,-/x ") for _ in range(rng.randint(1, 6))) for _ in range(20)
    ]
    found += [str(rng.randint(-5, 70_000)) for _ in range(20)]
    return found


def all_questions() -> list[Question]:
    names = ["", "Ada", "Grace", "Alan", "Emmy", "Katherine"]
    return [*QUESTIONS.values(), *(ex3_5_question(n) for n in names), *(ex7_6_question(n) for n in names)]


def test_every_message_id_is_in_the_table_and_every_template_is_filled() -> None:
    rng = random.Random(1)
    for question in all_questions():
        ids = {question.right, question.fallback, question.not_whole}
        ids |= {slip.message for slip in question.slips} | {choice.message for choice in question.choices}
        assert ids <= set(MESSAGES), ids - set(MESSAGES)
        for text in texts(question, rng):
            verdict = grade(question, text)
            words = verdict.text()
            assert not re.search(r"\{\w+\}", words), (question.id, text, words)


def test_every_chapter_has_two_to_four_quick_checks() -> None:
    assert sorted(QUICK_CHECKS) == list(range(1, 11))
    for chapter in QUICK_CHECKS:
        assert 2 <= len(quick_checks(chapter)) <= 4
        widget = quick_check(chapter)
        assert {q["right"] for q in widget.questions} <= set(widget.messages)


def test_the_checkers_give_the_quick_checks_hints() -> None:
    """A chapter's checker and its quick check are one question: same verdict, same words."""
    from cnnlab.exercises import ch01, ch02, ch04, ch05, ch06, ch08, ch09, ch10

    modules = {1: ch01, 2: ch02, 3: ch03, 4: ch04, 5: ch05, 6: ch06, 7: ch07, 8: ch08, 9: ch09, 10: ch10}
    rng = random.Random(2)
    for chapter, ids in QUICK_CHECKS.items():
        for id in ids:
            question, check = QUESTIONS[id], getattr(modules[chapter], id)
            for text in texts(question, rng):
                if not text.strip():
                    continue
                verdict, feedback = grade(question, text), check(text)
                assert (feedback.correct, feedback.message) == (verdict.correct, verdict.text())


@pytest.mark.skipif(NODE is None, reason="node is not installed (CI requires it)")
def test_the_page_grades_as_python_does(tmp_path: Any) -> None:
    rng = random.Random(3)
    cases, expected = [], []
    for question in all_questions():
        data = question.to_json()
        for text in texts(question, rng):
            cases.append([data, text])
            verdict = grade(question, text)
            expected.append(
                {"correct": verdict.correct, "message": verdict.message, "params": verdict.params}
            )
    assert len(cases) > 2000
    results = run_node(tmp_path, "quick_check", "grade", cases)
    mismatches = [
        (case[0]["id"], case[1], want, got.get("value", got))
        for case, want, got in zip(cases, expected, results, strict=True)
        if not got["ok"] or got["value"] != want
    ]
    assert not mismatches, mismatches[:5]


@pytest.mark.skipif(NODE is None, reason="node is not installed (CI requires it)")
def test_the_page_words_messages_as_python_does(tmp_path: Any) -> None:
    cases, expected = [], []
    for question in all_questions():
        for text in ["", "x", str(question.answer), "(3, 4)", "b"]:
            verdict = grade(question, text)
            cases.append(
                [MESSAGES, {"correct": verdict.correct, "message": verdict.message, "params": verdict.params}]
            )
            expected.append(verdict.text())
    results = run_node(tmp_path, "quick_check", "messageText", cases)
    assert [result["value"] for result in results] == expected


def test_seeded_questions_differ_between_learners_and_default_to_the_book() -> None:
    assert ex3_5_question() == QUESTIONS["ex3_5"] and ex7_6_question() == QUESTIONS["ex7_6"]
    assert len({ex7_6_question(name).answer for name in ["Ada", "Grace", "Alan", "Emmy", "Katherine"]}) >= 3
    assert ch03.ex3_5(ex3_5_question("Ada").answer, name="Ada")
    assert ch07.ex7_6(ex7_6_question("Grace").answer, name="Grace")
