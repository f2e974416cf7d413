"""Quick checks in the static book: answered right and wrong in the page, offline, remembered,
in English and, on the Chinese edition's pages (``<html lang="zh-CN">``), in Chinese.

Every request that leaves localhost is blocked and recorded (``test_browser.visit``); the
hints the page shows are the words Python's checker gives for the same answer.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import test_browser
from test_browser import visit

from cnnlab.exercises.messages_zh_cn import MESSAGES_ZH_CN
from cnnlab.exercises.questions import QUESTIONS
from cnnlab.exercises.questions_zh_cn import LABELS_ZH_CN, PROMPTS_ZH_CN, prompt_zh_cn
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


# ---------------------------------------------------------------- the Chinese edition

ENGLISH_WORDS = re.compile(r"\b[A-Za-z]{2,}(?: [A-Za-z]{2,}){2,}\b")  # three English words in a row
# The Chinese edition's pages say <html lang="zh-CN">; the widgets render after the page has loaded.
CHINESE_PAGE = ('document.addEventListener("DOMContentLoaded", '
                '() => { document.documentElement.lang = "zh-CN"; });')
# What cnnlab.widgets.set_language("zh_CN") stores in a quick check's state, on an English page.
QUICK_CHECK_SET_TO_CHINESE = """
document.addEventListener("DOMContentLoaded", () => {
  const script = document.querySelector('script[type="application/vnd.jupyter.widget-state+json"]');
  const state = JSON.parse(script.textContent);
  for (const model of Object.values(state.state)) {
    if (model.state._anywidget_id === "cnnlab.widgets.quick_check.QuickCheck") model.state.language = "zh_CN";
  }
  script.textContent = JSON.stringify(state);
});
"""


def said_zh(id: str, answer: str) -> str:
    """What the Chinese quick check says to ``answer``."""
    verdict = grade(QUESTIONS[id], answer)
    words = MESSAGES_ZH_CN[verdict.message].format(**verdict.params)
    return ("✅ 答对了！" if verdict.correct else "❌ 还不对。") + words


def assert_all_chinese(quick: Any) -> None:
    """No English sentence (three English words in a row) anywhere in the widget, and no English UI word."""
    text = quick.inner_text()
    assert re.search(r"[\u4e00-\u9fff]", text), text
    assert not ENGLISH_WORDS.search(text), ENGLISH_WORDS.search(text).group()
    for english in ("Quick check", "Your answer", "Check", "Right!", "Not yet", "answered", "chapter"):
        assert english not in text, english


def test_a_chinese_page_asks_grades_and_counts_in_chinese(browser_page: Any, site: str,
                                                          built_book: Path) -> None:
    from playwright.sync_api import expect

    browser_page.add_init_script(CHINESE_PAGE)
    seen, quick = open_quick_check(browser_page, site, "book/03_padding")
    assert seen.page.evaluate("document.documentElement.lang") == "zh-CN"
    expect(quick.locator(".cl-title")).to_contain_text("随堂小测")
    expect(quick.locator(".cl-title")).to_contain_text("第 3 章")
    question = quick.locator('[data-question="ex3_2"]')
    expect(question.locator(".cl-quick-prompt")).to_have_text(PROMPTS_ZH_CN["ex3_2"])
    expect(question.get_by_label("你的答案")).to_be_visible()
    progress, feedback = quick.get_by_test_id("quick-progress"), question.get_by_test_id("quick-feedback")
    expect(progress).to_have_text("本章已答对 0 / 3 题（进度保存在本浏览器中）")

    question.get_by_test_id("quick-answer").fill("28")
    question.get_by_role("button", name="提交").click()
    expect(feedback).to_have_text(said_zh("ex3_2", "28"))  # the padding counted once
    expect(feedback).to_contain_text("填充只算了一次")
    assert_all_chinese(quick)

    question.get_by_test_id("quick-answer").fill("30")
    question.get_by_test_id("quick-answer").press("Enter")
    expect(feedback).to_have_text(said_zh("ex3_2", "30"))
    expect(progress).to_have_text("本章已答对 1 / 3 题（进度保存在本浏览器中）")
    seeded = quick.locator('[data-question="ex3_5"] .cl-quick-prompt')
    expect(seeded).to_have_text(prompt_zh_cn(QUESTIONS["ex3_5"]))  # numbers filled in
    assert_all_chinese(quick)
    seen.check_clean()


def test_a_chinese_page_shows_options_and_misconceptions_in_chinese(browser_page: Any, site: str,
                                                                     built_book: Path) -> None:
    from playwright.sync_api import expect

    browser_page.add_init_script(CHINESE_PAGE)
    seen, quick = open_quick_check(browser_page, site, "book/06_pooling")
    question = quick.locator('[data-question="ex6_6"]')
    feedback = question.get_by_test_id("quick-feedback")
    expect(question.locator(".cl-quick-prompt")).to_have_text(PROMPTS_ZH_CN["ex6_6"])
    for key, label in LABELS_ZH_CN["ex6_6"].items():
        expect(question.locator("label", has=seen.page.locator(f"input[value={key}]"))).to_have_text(
            f"{key}) {label}")
    question.get_by_text(LABELS_ZH_CN["ex6_6"]["a"]).click()  # blurs the map
    question.get_by_role("button", name="提交").click()
    expect(feedback).to_have_text(said_zh("ex6_6", "a"))
    assert_all_chinese(quick)
    question.get_by_text(LABELS_ZH_CN["ex6_6"]["c"]).click()
    question.get_by_role("button", name="提交").click()
    expect(feedback).to_have_text(said_zh("ex6_6", "c"))
    expect(quick.get_by_test_id("quick-progress")).to_contain_text("1 / 3")
    assert_all_chinese(quick)
    seen.check_clean()


def test_set_language_is_honoured_over_the_pages_language(browser_page: Any, site: str,
                                                          built_book: Path) -> None:
    """A quick check made after set_language("zh_CN") speaks Chinese on an English page (Jupyter's)."""
    from playwright.sync_api import expect

    browser_page.add_init_script(QUICK_CHECK_SET_TO_CHINESE)
    seen, quick = open_quick_check(browser_page, site, "book/03_padding")
    assert seen.page.evaluate("document.documentElement.lang") == "en"
    question = quick.locator('[data-question="ex3_2"]')
    expect(question.locator(".cl-quick-prompt")).to_have_text(PROMPTS_ZH_CN["ex3_2"])
    question.get_by_test_id("quick-answer").fill("abc")
    question.get_by_role("button", name="提交").click()
    expect(question.get_by_test_id("quick-feedback")).to_have_text(said_zh("ex3_2", "abc"))
    assert quick.get_attribute("lang") == "zh-CN"
    assert_all_chinese(quick)
    seen.check_clean()


def test_an_english_page_keeps_english_quick_checks(browser_page: Any, site: str, built_book: Path) -> None:
    from playwright.sync_api import expect

    seen, quick = open_quick_check(browser_page, site, "book/06_pooling")
    assert seen.page.evaluate("document.documentElement.lang") == "en"
    expect(quick.locator(".cl-title")).to_have_text("Quick checkchapter 6, answered in the page")
    question = quick.locator('[data-question="ex6_6"]')
    expect(question.locator(".cl-quick-prompt")).to_have_text(
        QUESTIONS["ex6_6"].prompt.replace(" Answer with the letter of one option.", ""))
    assert not re.search(r"[\u4e00-\u9fff]", quick.inner_text())
    seen.check_clean()
