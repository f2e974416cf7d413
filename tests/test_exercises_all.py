"""What holds for every checker of every chapter: odd answers are wrong, never an exception.

The per-chapter files test each checker's right answers and its hints; this one finds
every ``exN_M`` function of ``cnnlab.exercises.ch01`` … ``ch10`` by itself, so a new
exercise is covered the moment it is written.
"""

from __future__ import annotations

import importlib
import inspect
import re

import numpy as np
import pytest

CHAPTERS = [f"ch{number:02d}" for number in range(1, 11)]
ODD_ANSWERS = [..., None, "abc", "", object(), 3.5, -1, [1, 2], {"a": 1}, np.array([1, 2])]


def checkers_of(chapter: str) -> list:
    module = importlib.import_module(f"cnnlab.exercises.{chapter}")
    number = int(chapter[2:])
    return [function for name, function in inspect.getmembers(module, inspect.isfunction)
            if re.fullmatch(rf"ex{number}_\d+", name)]


CHECKERS = [checker for chapter in CHAPTERS for checker in checkers_of(chapter)]


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_every_chapter_has_at_least_three_checkers(chapter: str) -> None:
    assert len(checkers_of(chapter)) >= 3


@pytest.mark.parametrize("checker", CHECKERS, ids=lambda checker: checker.__name__)
@pytest.mark.parametrize("answer", ODD_ANSWERS, ids=repr)
def test_odd_answers_are_wrong_not_errors(checker, answer) -> None:
    feedback = checker(answer)
    assert not feedback, f"{checker.__name__} accepted {answer!r}"
    assert feedback.message, f"{checker.__name__}({answer!r}) gave no hint"
    if answer is ... or answer is None:
        assert "Replace the ..." in feedback.message
