"""What every cnnlab widget shares: the stylesheet, a stable ``repr``, and the bundled JavaScript.

>>> import traitlets
>>> class Demo(Widget):
...     _esm = "export default { render() {} };"
...     _parameters = ("value",)
...     value = traitlets.Int(3).tag(sync=True)
>>> Demo()
Demo(value=3)
"""

from __future__ import annotations

from typing import ClassVar

import anywidget

from cnnlab.widgets._bundle import bundle, read

__all__ = ["Widget", "bundle", "read"]


class Widget(anywidget.AnyWidget):
    """An anywidget with the cnnlab stylesheet and a ``repr`` that names its settings.

    The ``repr`` is also the plain-text version of the widget stored in an executed
    notebook, so it must not change from one run to the next (no memory addresses).

    >>> ".cnnlab-widget" in Widget._css
    True
    """

    _css = read("widgets.css") + read("figures.css")
    _parameters: ClassVar[tuple[str, ...]] = ()

    def __repr__(self) -> str:
        settings = ", ".join(f"{name}={getattr(self, name)!r}" for name in self._parameters)
        return f"{type(self).__name__}({settings})"
