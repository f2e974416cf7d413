"""The book builds with warnings as errors, every page of _toc.yml is there, no page asks a CDN
for anything (the browser test checks what pages really load), and every launch button opens
the page's own notebook in the repository."""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest
import yaml
from conftest import ROOT, toc_files

pytestmark = pytest.mark.slow


def test_toc_lists_the_playground() -> None:
    assert "book/intro" == toc_files()[0]
    assert "book/playground" in toc_files()


def test_every_toc_page_is_built(built_book: Path) -> None:
    missing = [name for name in toc_files() if not (built_book / f"{name}.html").exists()]
    assert not missing, f"pages listed in _toc.yml but not built: {missing}"
    assert (built_book / "index.html").exists()


def test_vendored_javascript_is_served(built_book: Path) -> None:
    static = built_book / "_static"
    for name in ("require.js", "jupyter-widgets/embed-amd.js", "jupyter-widgets/anywidget.js",
                 "jupyter-widgets/config.js", "mathjax/tex-chtml.js"):
        assert (static / name).stat().st_size > 100, f"_static/{name} is missing or empty"


_LOADED = re.compile(r"<(?:script|img|iframe)\b[^>]*\bsrc=\"([^\"]+)\"|<link\b[^>]*\bhref=\"([^\"]+)\"[^>]*>")


def test_no_page_loads_anything_from_another_host(built_book: Path) -> None:
    offenders = {}
    for page in built_book.rglob("*.html"):
        urls = [src or href for src, href in _LOADED.findall(page.read_text(encoding="utf-8"))]
        # <link> also names pages (rel="next", "canonical"); only what the page loads counts.
        remote = [u for u in urls if u.startswith(("http:", "https:", "//")) and not u.endswith(".html")]
        if remote:
            offenders[str(page.relative_to(built_book))] = remote
    assert not offenders, f"pages that load files from other hosts: {offenders}"


def test_widget_pages_embed_their_state(built_book: Path) -> None:
    page = (built_book / "book" / "playground.html").read_text(encoding="utf-8")
    assert 'type="application/vnd.jupyter.widget-state+json"' in page
    assert page.count('type="application/vnd.jupyter.widget-view+json"') >= 4
    assert "cnnlab.widgets.shape_explorer.ShapeExplorer" in page


def launch_links(page: Path) -> list[str]:
    """The Colab and Binder links of a built page."""
    launch = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))["launch_buttons"]
    hosts = tuple(url.rstrip("/") + "/" for url in (launch["colab_url"], launch["binderhub_url"]) if url)
    return [href for href in re.findall(r'href="([^"]+)"', page.read_text(encoding="utf-8"))
            if href.startswith(hosts)]


def test_launch_links_open_the_page_notebook_in_the_repository(built_book: Path) -> None:
    config = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))
    launch, repository = config["launch_buttons"], config["repository"]
    org_repo = repository["url"].removeprefix("https://github.com/").strip("/")
    branch = repository["branch"]
    notebooks = [name for name in toc_files() if (ROOT / f"{name}.ipynb").exists()]
    assert len(notebooks) >= 11
    for name in notebooks:
        path = f"{name}.ipynb"
        assert (ROOT / path).exists()
        expected = {f"{launch['colab_url']}/github/{org_repo}/blob/{branch}/{path}",
                    f"{launch['binderhub_url']}/v2/gh/{org_repo}/{branch}?urlpath=lab/tree/{path}"}
        links = set(html.unescape(link) for link in launch_links(built_book / f"{name}.html"))
        assert links == expected, f"{name}.html launches {sorted(links)}, not {sorted(expected)}"
