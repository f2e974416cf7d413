"""Turn the widgets' JavaScript files into one self-contained ES module string.

Each widget's ``.js`` file imports helpers from its neighbours (``import { explain } from
"./shapes.js";``), so node and the tests can load them as ordinary ES modules. A widget
shown in the static book cannot fetch those files, so ``bundle`` inlines them: every
imported file once, dependencies first, with its ``import`` lines and ``export`` keywords
removed (the widget's own ``export default`` stays). anywidget takes the result as ``_esm``.
"""

from __future__ import annotations

import re
from functools import cache
from importlib import resources

_IMPORT = re.compile(r'^import\s+\{[^}]*\}\s+from\s+"\./([\w-]+\.js)";[ \t]*\n', re.MULTILINE)
_EXPORT = re.compile(r"^export (?!default)", re.MULTILINE)


def read(name: str) -> str:
    """The text of a file shipped in ``cnnlab/widgets`` (``.js`` or ``.css``).

    >>> "export function explain" in read("shapes.js")
    True
    """
    return resources.files("cnnlab.widgets").joinpath(name).read_text(encoding="utf-8")


def _collect(name: str, done: list[str]) -> None:
    """Append ``name`` to ``done`` after everything it imports (each file once)."""
    if name in done:
        return
    for dependency in _IMPORT.findall(read(name)):
        _collect(dependency, done)
    done.append(name)


@cache
def bundle(name: str) -> str:
    """One ES module: ``name`` with every file it imports inlined before it.

    >>> code = bundle("shape_explorer.js")
    >>> code.count("export default"), "import {" in code, "function explain(" in code
    (1, False, True)
    """
    order: list[str] = []
    _collect(name, order)
    parts = []
    for part in order:
        text = _IMPORT.sub("", read(part))
        if part != name:
            text = _EXPORT.sub("", text)
        parts.append(f"// ---- cnnlab/widgets/{part}\n{text}")
    return "\n".join(parts)
