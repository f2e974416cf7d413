"""Sphinx extension: the book's two editions, English and Chinese (issue 14).

The English book is built at the site's root, the Chinese edition from the same executed
notebooks with ``language = "zh_CN"`` into ``zh_CN/`` beside it (``scripts/translations.py``);
its words come from the gettext catalogs in ``locales/zh_CN/LC_MESSAGES/``. This extension

- puts a language switch in every page's header, linking the page to its counterpart in the
  other edition (relative links, so the site works from a subfolder and from ``file://``);
- gives the Chinese pages the theme strings Sphinx's own catalogs lack (the search box, the
  "Show code cell" buttons);
- provides the ``cnnlab-glossary`` directive: the English–Chinese term table, generated from
  the one term list ``locales/terms.csv`` (the glossary page and the translators use the same list).
"""

from __future__ import annotations

import csv
import re
from pathlib import Path
from typing import Any

from docutils import nodes
from docutils.parsers.rst import Directive

CHINESE = "zh_CN"
EDITIONS = {  # language code: (folder under the site root, label of the link that leads to it, lang)
    "en": ("", "English", "en"),
    CHINESE: (f"{CHINESE}/", "中文", "zh-CN"),
}
TEMPLATES = Path(__file__).resolve().parent / "templates"
STATIC = Path(__file__).resolve().parent / "static"
TERMS = Path(__file__).resolve().parent.parent / "locales" / "terms.csv"


def edition(language: str | None) -> str:
    """The edition a build's ``language`` setting makes: ``"zh_CN"`` or ``"en"``."""
    return CHINESE if (language or "").replace("-", "_").startswith("zh") else "en"


def counterpart_url(pagename: str, language: str | None) -> str:
    """The relative address of ``pagename`` in the other edition.

    >>> counterpart_url("book/02_convolution", "en")
    '../zh_CN/book/02_convolution.html'
    >>> counterpart_url("book/02_convolution", "zh_CN")
    '../../book/02_convolution.html'
    >>> counterpart_url("genindex", "zh_CN")
    '../genindex.html'
    """
    here = edition(language)
    other = "en" if here == CHINESE else CHINESE
    up_to_site_root = "../" * (pagename.count("/") + (here == CHINESE))
    return f"{up_to_site_root}{EDITIONS[other][0]}{pagename}.html"


def add_language_switch(app: Any, pagename: str, templatename: str, context: dict[str, Any],
                        doctree: Any) -> None:
    """Hand the page template the other edition's link (templates/language-switch.html shows it)."""
    here = edition(app.config.language)
    other = "en" if here == CHINESE else CHINESE
    _, label, lang = EDITIONS[other]
    title = "Read this page in Chinese" if other == CHINESE else "阅读本页的英文原版"
    context["cnnlab_other_language"] = {"url": counterpart_url(pagename, app.config.language),
                                        "label": label, "lang": lang, "code": other, "title": title}


def configure(app: Any, config: Any) -> None:
    """Language switch in every page's header; Chinese theme strings in the Chinese edition."""
    config.templates_path = [*config.templates_path, str(TEMPLATES)]
    config.html_static_path = [*config.html_static_path, str(STATIC)]
    options = dict(config.html_theme_options or {})
    # beside the sidebar toggle, on the left: the buttons on the right leave it no room at 1280 px
    header_start = options.get("article_header_start", ["toggle-primary-sidebar.html"])
    if isinstance(header_start, str):
        header_start = [item.strip() for item in header_start.split(",") if item.strip()]
    options["article_header_start"] = [*header_start, "language-switch.html"]
    if edition(config.language) == CHINESE:
        options["search_bar_text"] = "搜索本书…"
        config.nb_code_prompt_show = "显示单元格内容"  # {type} would be English ("source")
        config.nb_code_prompt_hide = "隐藏单元格内容"
        # Chinese search: jieba cuts text into words; without the book's terms it cuts 感受野
        # into 感受 + 野, and a search for 感受野 finds nothing.
        words = Path(app.doctreedir) / "jieba-terms.txt"
        words.parent.mkdir(parents=True, exist_ok=True)
        words.write_text(jieba_dictionary(read_terms()), encoding="utf-8")
        config.html_search_options = {**(config.html_search_options or {}), "dict": str(words)}
    config.html_theme_options = options


def translate_toctree_captions(app: Any, doctree: nodes.document) -> None:
    """Translate the captions of the parts in the table of contents ("Convolution", "Networks" ...).

    sphinx-external-toc adds the root page's toctree after Sphinx's translation step, so its
    captions reach the catalogs (the gettext builder sees them) but not the Chinese pages.
    """
    if edition(app.config.language) != CHINESE:
        return
    from sphinx import addnodes
    from sphinx.locale import init as init_locale
    from sphinx.util.i18n import docname_to_domain

    toctrees = [node for node in doctree.findall(addnodes.toctree) if node.get("caption")]
    if not toctrees:
        return
    domain = docname_to_domain(app.env.docname, app.config.gettext_compact)
    folders = [str(Path(app.srcdir, folder)) for folder in app.config.locale_dirs]
    catalog, _ = init_locale(folders, app.config.language, domain)
    for node in toctrees:
        node["caption"] = catalog.gettext(node["caption"])


def put_theme_catalogs_first(app: Any) -> None:
    """Theme strings: ``locales/zh_CN/LC_MESSAGES/<domain>.po`` (not the pages' catalogs under
    ``book/``) go in front of the theme's own translations of that domain. Sphinx already puts
    the project's ``sphinx.po`` first; sphinx-book-theme's ``booktheme`` domain (its zh_CN
    catalog says "列印成 PDF") needs this."""
    if edition(app.config.language) != CHINESE:
        return
    import gettext

    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po
    from sphinx import locale

    compiled = Path(app.doctreedir) / "theme-locales" / CHINESE / "LC_MESSAGES"
    compiled.mkdir(parents=True, exist_ok=True)
    for folder in app.config.locale_dirs:
        for po in sorted(Path(app.srcdir, folder, CHINESE, "LC_MESSAGES").glob("*.po")):
            if po.stem == "sphinx":
                continue
            with po.open("rb") as handle, (compiled / f"{po.stem}.mo").open("wb") as mo:
                write_mo(mo, read_po(handle))
            ours = gettext.translation(po.stem, localedir=str(compiled.parent.parent), languages=[CHINESE])
            theirs = locale.translators.get(("general", po.stem))
            if theirs is not None:
                ours.add_fallback(theirs)
            locale.translators[("general", po.stem)] = ours


def read_terms(path: Path = TERMS) -> list[dict[str, str]]:
    """The term list: one row per term, columns ``english``, ``chinese``, ``chapter``, ``note``."""
    with path.open(encoding="utf-8", newline="") as handle:
        return [row for row in csv.DictReader(handle) if row["english"].strip()]


def jieba_dictionary(terms: list[dict[str, str]]) -> str:
    """jieba's user-dictionary format: one Chinese word per line with a high frequency, so the
    search index keeps each term whole (and its parts: jieba's ``cut_for_search``).

    >>> jieba_dictionary([{"english": "receptive field", "chinese": "感受野"}])
    '感受野 100000\\n'
    """
    words = {word for term in terms for word in re.findall(r"[\u4e00-\u9fff]{2,}", term["chinese"])}
    return "".join(f"{word} 100000\n" for word in sorted(words))


class GlossaryTable(Directive):
    """``cnnlab-glossary``: a table of every term in locales/terms.csv (English, 中文, chapter)."""

    has_content = False

    def run(self) -> list[nodes.Node]:
        self.state.document.settings.env.note_dependency(str(TERMS))
        rows = read_terms()
        table = nodes.table(classes=["cnnlab-glossary"])
        group = nodes.tgroup(cols=3)
        table += group
        for width in (40, 30, 30):
            group += nodes.colspec(colwidth=width)
        head = nodes.thead()
        group += head
        body = nodes.tbody()
        group += body

        def row(cells: list[str], header: bool = False) -> nodes.row:
            line = nodes.row()
            for text in cells:
                entry = nodes.entry()
                # literal text: neither extracted into the catalogs nor replaced by them
                entry += nodes.paragraph("", "", nodes.Text(text))
                line += entry
            return line

        head += row(["English", "中文", "Chapter · 章"], header=True)
        for term in sorted(rows, key=lambda term: term["english"].lower()):
            body += row([term["english"], term["chinese"], term["chapter"]])
        return [table]


def setup(app: Any) -> dict[str, Any]:
    app.connect("config-inited", configure)
    app.add_css_file("bilingual.css")
    # before the theme drops header templates that render empty (pydata_sphinx_theme, priority 500)
    app.connect("html-page-context", add_language_switch, priority=100)
    app.connect("doctree-read", translate_toctree_captions)
    app.connect("builder-inited", put_theme_catalogs_first)
    app.add_directive("cnnlab-glossary", GlossaryTable)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
