"""Sphinx extension: drop sphinx-thebe's scripts from every page (the book does not use thebe).

Jupyter Book 1.x always loads the ``sphinx_thebe`` extension, which adds an inline script
(``const THEBE_JS_URL = ...``) and ``sphinx-thebe.js`` to every page, even with thebe off; the
inline script ended up twice on each page, and the second copy logged "Identifier
'THEBE_JS_URL' has already been declared" in the browser console. With ``launch_buttons.thebe``
false nothing calls thebe, so the scripts are removed (tests/test_browser.py checks that pages
log no console errors).
"""

from __future__ import annotations

from typing import Any


def _is_thebe(script: Any) -> bool:
    filename = str(getattr(script, "filename", "") or "")
    body = str(getattr(script, "attributes", {}).get("body", ""))
    return filename.endswith("sphinx-thebe.js") or "THEBE_JS_URL" in body or "thebe@" in filename


def drop_thebe(app: Any, pagename: str, templatename: str, context: dict[str, Any], doctree: Any) -> None:
    """Remove thebe's scripts from the page about to be written."""
    if "script_files" in context:
        context["script_files"] = [script for script in context["script_files"] if not _is_thebe(script)]


def setup(app: Any) -> dict[str, Any]:
    app.connect("html-page-context", drop_thebe, priority=900)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
