"""Copy the JavaScript the rendered book loads from node_modules/ into vendor/.

The book's pages must work offline: no CDN. ``npm ci`` installs the exact versions
of ``package-lock.json`` into ``node_modules/``; this script copies the few files the
pages need into ``vendor/``, which ``_config.yml`` serves as the book's ``_static/``:

- ``require.js``                       the AMD loader the widget manager needs
- ``jupyter-widgets/embed-amd.js``     ``@jupyter-widgets/html-manager``: renders the
                                       widget state stored in each executed page
- ``jupyter-widgets/anywidget.js``     the ``anywidget`` front end (an AMD module)
- ``jupyter-widgets/config.js``        points require.js at the two files above
- ``mathjax/``                         MathJax 3 (``tex-chtml.js`` and what it loads)

Run ``make vendor`` (``npm ci`` then this script). ``python scripts/vendor_js.py --check``
only reports what is missing.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NODE_MODULES = ROOT / "node_modules"
VENDOR = ROOT / "vendor"

# (source under node_modules, destination under vendor); a folder is copied whole.
FILES = [
    ("requirejs/require.js", "require.js"),
    ("@jupyter-widgets/html-manager/dist/embed-amd.js", "jupyter-widgets/embed-amd.js"),
    ("anywidget/dist/index.js", "jupyter-widgets/anywidget.js"),
    ("mathjax/es5/tex-chtml.js", "mathjax/tex-chtml.js"),
    ("mathjax/es5/input/tex/extensions", "mathjax/input/tex/extensions"),
    ("mathjax/es5/output/chtml/fonts/woff-v2", "mathjax/output/chtml/fonts/woff-v2"),
    ("mathjax/es5/ui", "mathjax/ui"),
    ("mathjax/es5/a11y", "mathjax/a11y"),
    ("mathjax/es5/sre", "mathjax/sre"),
]
# The widget manager's icon fonts sit next to embed-amd.js, named by content hash.
FONT_SUFFIXES = (".woff2", ".woff", ".ttf", ".eot", ".svg")

CONFIG_JS = """\
// Written by scripts/vendor_js.py. Loaded after require.js and before embed-amd.js:
// the widget modules come from this folder, never from a CDN. The modules embed-amd.js
// defines find their icon fonts next to the URL require.js gives them, so that is here too.
(function () {
  var here = document.currentScript.src.replace(/[^/]*$/, "");
  var folder = here.replace(/\\/$/, "");
  window.__jupyter_widgets_assets_path__ = here;
  window.require.config({ paths: {
    "anywidget": here + "anywidget",
    "@jupyter-widgets": folder,
    "@jupyter-widgets/html-manager/dist": folder
  } });
})();
"""


def installed_version(package: str) -> str:
    """The version of an npm package in node_modules/ (``'missing'`` if absent).

    >>> installed_version("no-such-package-here")
    'missing'
    """
    manifest = NODE_MODULES / package / "package.json"
    if not manifest.exists():
        return "missing"
    return str(json.loads(manifest.read_text(encoding="utf-8"))["version"])


def check_anywidget_versions() -> None:
    """Refuse to vendor an npm anywidget whose minor version differs from the Python one.

    The widget state names the model version ``~0.11.*``; a mismatch breaks every widget.

    >>> check_anywidget_versions()          # after `npm ci`: nothing to say
    """
    from importlib.metadata import version

    python_side = version("anywidget").split(".")[:2]
    npm_side = installed_version("anywidget").split(".")[:2]
    if python_side != npm_side:
        sys.exit(f"anywidget versions differ: Python {'.'.join(python_side)}.x, npm "
                 f"{'.'.join(npm_side)}.x; pin both to the same minor version "
                 f"(requirements.txt and package.json), then run `npm install`.")


def copy(source: Path, destination: Path) -> None:
    """Copy a file or a whole folder, replacing what was there.

    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     copy(Path(__file__), Path(folder) / "a" / "copy.py")
    ...     (Path(folder) / "a" / "copy.py").exists()
    True
    """
    destination.parent.mkdir(parents=True, exist_ok=True)
    if source.is_dir():
        shutil.rmtree(destination, ignore_errors=True)
        shutil.copytree(source, destination)
    else:
        shutil.copy2(source, destination)


def vendor(destination: Path = VENDOR) -> list[Path]:
    """Copy every file the pages need into ``destination`` and return what was written.

    Exits with a message naming ``make vendor`` when node_modules/ lacks a package.

    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as folder:       # after `npm ci`
    ...     written = [path.relative_to(folder).as_posix() for path in vendor(Path(folder))]
    >>> written[:2], written[-1]
    (['require.js', 'jupyter-widgets/embed-amd.js'], 'jupyter-widgets/config.js')
    """
    missing = [src for src, _ in FILES if not (NODE_MODULES / src).exists()]
    if missing:
        sys.exit(f"missing in node_modules/: {', '.join(missing)}; run `npm ci` first (make vendor).")
    check_anywidget_versions()
    written = []
    for src, dst in FILES:
        copy(NODE_MODULES / src, destination / dst)
        written.append(destination / dst)
    manager_dist = NODE_MODULES / "@jupyter-widgets/html-manager/dist"
    for font in sorted(manager_dist.iterdir()):
        if font.suffix in FONT_SUFFIXES:
            copy(font, destination / "jupyter-widgets" / font.name)
            written.append(destination / "jupyter-widgets" / font.name)
    config = destination / "jupyter-widgets/config.js"
    config.write_text(CONFIG_JS, encoding="utf-8")
    written.append(config)
    return written


def main() -> None:
    """The command line: vendor everything, or only ``--check`` what is missing."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only report missing vendored files")
    args = parser.parse_args()
    if args.check:
        absent = [dst for _, dst in FILES if not (VENDOR / dst).exists()]
        print("vendor/ is complete" if not absent else f"missing in vendor/: {', '.join(absent)}")
        sys.exit(1 if absent else 0)
    written = vendor()
    size = sum(f.stat().st_size for p in written for f in ([p] if p.is_file() else p.rglob("*")))
    print(f"vendored {len(written)} files/folders into {VENDOR.relative_to(ROOT)}/ "
          f"({size / 1e6:.1f} MB; html-manager {installed_version('@jupyter-widgets/html-manager')}, "
          f"anywidget {installed_version('anywidget')}, mathjax {installed_version('mathjax')})")


if __name__ == "__main__":
    main()
