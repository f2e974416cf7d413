"""The Chinese edition (issue 14) as its readers meet it: built beside the English book in
``zh_CN/``, every page linked to its counterpart and back, widgets live and labelled in Chinese,
Chinese search, and no request off localhost, in headless Chromium.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
import test_browser
from conftest import toc_files
from test_browser import cnnlab_views, visit, widget_pages

site, browser_page = test_browser.site, test_browser.browser_page  # the served book, a fresh page

CJK = re.compile(r"[\u4e00-\u9fff]")
SWITCH = re.compile(r'<a class="btn btn-sm cnnlab-language-switch" href="([^"]+)"')


def switch_target(page: Path) -> Path:
    """The file the language switch of ``page`` links to."""
    found = SWITCH.search(page.read_text(encoding="utf-8"))
    assert found, f"{page} has no language switch"
    return (page.parent / found.group(1)).resolve()


@pytest.mark.browser
@pytest.mark.slow
@pytest.mark.parametrize("name", toc_files())
def test_every_page_switches_to_its_chinese_counterpart_and_back(browser_page: Any, site: str,
                                                                 built_book: Path, name: str) -> None:
    """Click the switch on the English page: the same page in Chinese (its title Chinese, the same
    widgets); click it there: back to the English page. Nothing leaves localhost."""
    from playwright.sync_api import expect

    english, chinese = built_book / f"{name}.html", built_book / "zh_CN" / f"{name}.html"
    assert switch_target(english) == chinese.resolve() and switch_target(chinese) == english.resolve()
    assert cnnlab_views(chinese.read_text(encoding="utf-8")) == \
        cnnlab_views(english.read_text(encoding="utf-8")), f"{name}: the editions show different widgets"
    seen = visit(browser_page, f"{site}/{name}.html")
    page = seen.page
    expect(page.locator("a.cnnlab-language-switch")).to_have_text(re.compile("中文"))
    page.locator("a.cnnlab-language-switch").click()
    page.wait_for_url(f"{site}/zh_CN/{name}.html")
    expect(page.locator("html")).to_have_attribute("lang", "zh-CN")
    opening = page.locator("article.bd-article p").first.inner_text()
    assert CJK.search(opening), f"{name}: the Chinese page opens in English: {opening[:80]!r}"
    page.locator("a.cnnlab-language-switch").click()
    page.wait_for_url(f"{site}/{name}.html")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    seen.check_clean()


@pytest.mark.browser
@pytest.mark.slow
@pytest.mark.parametrize("name", widget_pages())
def test_chinese_pages_have_live_widgets_labelled_in_chinese(browser_page: Any, site: str, built_book: Path,
                                                             name: str, screenshots: Path) -> None:
    from playwright.sync_api import expect

    expected = cnnlab_views((built_book / "zh_CN" / f"{name}.html").read_text(encoding="utf-8"))
    seen = visit(browser_page, f"{site}/zh_CN/{name}.html")
    widgets = seen.page.locator(".cnnlab-widget")
    expect(widgets).to_have_count(expected, timeout=30_000)
    for index, widget in enumerate(widgets.all()):
        text = widget.inner_text()
        assert CJK.search(text), f"{name}: widget {index} shows no Chinese: {text[:200]!r}"
    seen.page.screenshot(path=screenshots / f"zh-{name.replace('/', '_')}.png", full_page=True)
    seen.page.wait_for_load_state("networkidle")
    seen.check_clean()


@pytest.mark.browser
@pytest.mark.slow
@pytest.mark.parametrize("term, page", [("感受野", "book/10_beyond"), ("步幅", "book/04_stride"),
                                        ("池化", "book/06_pooling")])
def test_chinese_search_finds_a_term(browser_page: Any, site: str, term: str, page: str) -> None:
    from playwright.sync_api import expect

    seen = visit(browser_page, f"{site}/zh_CN/search.html?q={quote(term)}")
    results = seen.page.locator("#search-results ul.search li a")
    expect(results.first).to_be_visible(timeout=30_000)
    found = [link.get_attribute("href") or "" for link in results.all()]
    assert any(f"{page}.html" in href for href in found), f"{term}: {found}"
    seen.check_clean()


@pytest.mark.browser
@pytest.mark.slow
def test_chinese_page_fits_a_phone(browser: Any, site: str, screenshots: Path) -> None:
    context = browser.new_context(viewport={"width": 400, "height": 800}, has_touch=True)
    try:
        seen = visit(context.new_page(), f"{site}/zh_CN/book/10_beyond.html")
        seen.page.wait_for_load_state("networkidle")
        seen.page.screenshot(path=screenshots / "zh-10_beyond-400.png")
        assert seen.page.evaluate("document.documentElement.scrollWidth") <= 400
        seen.check_clean()
    finally:
        context.close()


@pytest.mark.slow
def test_the_glossary_lists_every_term_in_both_editions(built_book: Path) -> None:
    import csv

    from conftest import ROOT

    with (ROOT / "locales" / "terms.csv").open(encoding="utf-8", newline="") as handle:
        terms = list(csv.DictReader(handle))
    for html in (built_book / "book" / "glossary.html", built_book / "zh_CN" / "book" / "glossary.html"):
        text = html.read_text(encoding="utf-8")
        for curly, straight in (("“", '"'), ("”", '"'), ("‘", "'"), ("’", "'")):  # Sphinx's smart quotes
            text = text.replace(curly, straight)
        for term in terms:
            from html import escape

            assert escape(term["chinese"], quote=False) in text, f"{html}: {term['chinese']}"
            assert escape(term["english"], quote=False) in text, f"{html}: {term['english']}"
