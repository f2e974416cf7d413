"""What every cnnlab widget shares: the stylesheet, a stable ``repr``, the bundled JavaScript, and
the language its labels are written in.

>>> import traitlets
>>> class Demo(Widget):
...     _esm = "export default { render() {} };"
...     _parameters = ("value",)
...     value = traitlets.Int(3).tag(sync=True)
>>> Demo()
Demo(value=3)
"""

from __future__ import annotations

import os
from typing import ClassVar

import anywidget
import traitlets

from cnnlab.widgets._bundle import bundle, read

__all__ = ["LANGUAGES", "Widget", "bundle", "read", "set_language"]

LANGUAGES = ("", "en", "zh_CN")  # "": the page's language (<html lang>), as in the static book
_language = os.environ.get("CNNLAB_LANGUAGE", "")


def set_language(language: str) -> None:
    """Make the widgets created from now on speak ``language``: ``"en"``, ``"zh_CN"``, or ``""``
    (the default) for the page's own language — the rendered book's English or Chinese edition;
    in Jupyter, whose pages say English, ``set_language("zh_CN")`` gives Chinese labels.
    The environment variable ``CNNLAB_LANGUAGE`` sets the same at start-up. (Chapter 1)

    >>> set_language("zh_CN"); Widget().language
    'zh_CN'
    >>> set_language("")
    >>> set_language("fr")
    Traceback (most recent call last):
    ...
    ValueError: set_language('fr'): the widgets speak '' (the page's language), 'en' or 'zh_CN'
    """
    global _language
    if language not in LANGUAGES:
        raise ValueError(f"set_language({language!r}): the widgets speak '' (the page's language), "
                         f"'en' or 'zh_CN'")
    _language = language


class Widget(anywidget.AnyWidget):
    """An anywidget with the cnnlab stylesheet and a ``repr`` that names its settings.

    The ``repr`` is also the plain-text version of the widget stored in an executed
    notebook, so it must not change from one run to the next (no memory addresses).

    >>> ".cnnlab-widget" in Widget._css
    True
    """

    _css = read("widgets.css") + read("figures.css")
    _parameters: ClassVar[tuple[str, ...]] = ()
    # the labels' language (i18n.js): "" follows the page, else "en" or "zh_CN" (set_language)
    language = traitlets.Unicode().tag(sync=True)

    @traitlets.default("language")
    def _default_language(self) -> str:
        return _language

    def __repr__(self) -> str:
        settings = ", ".join(f"{name}={getattr(self, name)!r}" for name in self._parameters)
        return f"{type(self).__name__}({settings})"
