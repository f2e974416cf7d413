"""Quick checks in the static book: answered right and wrong in the page, offline, remembered.

Every request that leaves localhost is blocked and recorded (``test_browser.visit``); the
hints the page shows are the words Python's checker gives for the same answer.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import test_browser
from test_browser import visit

from cnnlab.exercises.questions import QUESTIONS
from cnnlab.exercises.quick import grade

site, browser_page = test_browser.site, test_browser.browser_page  # the served book, a fresh page


def said(id: str, answer: str) -> str:
    """What Python says to ``answer``, as the page writes it."""
    verdict = grade(QUESTIONS[id], answer)
    return ("✅ Right! " if verdict.correct else "❌ Not yet. ") + verdict.text()


def open_quick_check(page: Any, url: str, name: str) -> tuple[Any, Any]:
    from playwright.sync_api import expect

    seen = visit(page, f"{url}/{name}.html")
    quick = seen.page.locator(".cnnlab-quick-check")
    expect(quick).to_have_count(1, timeout=30_000)
    return seen, quick


def test_a_number_question_right_and_wrong_and_remembered(browser_page: Any, site: str,
                                                          built_book: Path) -> None:
    from playwright.sync_api import expect

    seen, quick = open_quick_check(browser_page, site, "book/03_padding")
    question = quick.locator('[data-question="ex3_2"]')
    feedback, progress = question.get_by_test_id("quick-feedback"), quick.get_by_test_id("quick-progress")
    expect(progress).to_have_text("0 of 3 answered right in this chapter (kept in this browser)")

    question.get_by_test_id("quick-answer").fill("28")
    question.get_by_test_id("quick-submit").click()
    expect(feedback).to_have_text(said("ex3_2", "28"))  # the padding counted once
    assert "30" not in feedback.inner_text()
    expect(progress).to_contain_text("0 of 3")

    question.get_by_test_id("quick-answer").fill("(30, 30)")
    question.get_by_test_id("quick-answer").press("Enter")
    expect(feedback).to_have_text(said("ex3_2", "(30, 30)"))
    expect(feedback).to_contain_text("✅ Right!")
    expect(progress).to_contain_text("1 of 3")

    seen.page.reload(wait_until="load")
    quick = seen.page.locator(".cnnlab-quick-check")
    expect(quick.get_by_test_id("quick-progress")).to_contain_text("1 of 3", timeout=30_000)
    question = quick.locator('[data-question="ex3_2"]')
    expect(question.get_by_test_id("quick-answer")).to_have_value("(30, 30)")
    expect(question.get_by_test_id("quick-feedback")).to_contain_text("✅ Right!")
    seen.check_clean()


def test_a_multiple_choice_question_names_the_misconception(browser_page: Any, site: str,
                                                            built_book: Path) -> None:
    from playwright.sync_api import expect

    seen, quick = open_quick_check(browser_page, site, "book/06_pooling")
    question = quick.locator('[data-question="ex6_6"]')
    feedback = question.get_by_test_id("quick-feedback")
    question.get_by_text("it blurs the feature map").click()
    question.get_by_test_id("quick-submit").click()
    expect(feedback).to_have_text(said("ex6_6", "a"))
    question.get_by_text("a window's maximum stays the same").click()
    question.get_by_test_id("quick-submit").click()
    expect(feedback).to_have_text(said("ex6_6", "c"))
    expect(quick.get_by_test_id("quick-progress")).to_contain_text("1 of 3")
    seen.page.reload(wait_until="load")
    question = seen.page.locator('.cnnlab-quick-check [data-question="ex6_6"]')
    expect(question.locator("input[value=c]")).to_be_checked(timeout=30_000)
    seen.check_clean()
