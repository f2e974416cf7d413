"""The widgets' two string tables (cnnlab/widgets/strings_en.js, strings_zh_CN.js) stay complete.

Both tables have the same keys and the same ``{placeholders}``; every Chinese label is written in
Chinese; every key the widgets' JavaScript names is in the tables and every key is used; no widget
file hands the page an English word of its own. The tables are read, and the text functions run,
with node (as in tests/test_widget_parity.py).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from cnnlab.widgets import ShapeExplorer, set_language
from cnnlab.widgets.base import Widget

WIDGETS = Path(__file__).resolve().parent.parent / "cnnlab" / "widgets"
NODE = shutil.which("node")
TABLES = {"strings_en.js", "strings_zh_CN.js"}
SOURCES = sorted(p for p in WIDGETS.glob("*.js") if p.name not in TABLES)

HAN = re.compile(r"[\u4e00-\u9fff]")
PLACEHOLDER = re.compile(r"\{(\w+)\}")
# Chinese values without a Chinese character: pure formula, punctuation or code
SYMBOLS_ONLY = {"shapes.formula", "shapes.in_dimension", "shapes.reason_advice", "pooling_explorer.ceil_mode"}
# placeholders filled with Chinese text in the Chinese table (a message), so no space around them
CHINESE_PLACEHOLDERS = {"a", "b", "source", "setting", "values", "what"}
# keys no widget file names: the language's own name (for a language switch)
UNUSED = {"language.name"}

needs_node = pytest.mark.skipif(NODE is None and os.environ.get("CI") != "true",
                                reason="node is not installed (CI requires it)")


def node(tmp_path: Path, script: str) -> Any:
    """Run an ES module ``script`` next to .mjs copies of the widget files; it prints JSON."""
    assert NODE is not None, "node is required in CI: apt-get install nodejs"
    for js in WIDGETS.glob("*.js"):  # .mjs: an ES module whatever package.json says
        text = js.read_text(encoding="utf-8").replace('.js";', '.mjs";')
        (tmp_path / f"{js.stem}.mjs").write_text(text, encoding="utf-8")
    (tmp_path / "main.mjs").write_text(script, encoding="utf-8")
    done = subprocess.run([NODE, str(tmp_path / "main.mjs")], check=True, timeout=60, capture_output=True,
                          text=True, cwd=tmp_path)
    return json.loads(done.stdout)


@pytest.fixture(scope="module")
def tables(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, str]]:
    script = """import { EN } from "./strings_en.mjs"; import { ZH_CN } from "./strings_zh_CN.mjs";
console.log(JSON.stringify({ en: EN, zh_CN: ZH_CN }));"""
    return node(tmp_path_factory.mktemp("tables"), script)


def code_of(path: Path) -> str:
    """A widget file without its comments (whole-line and trailing // comments)."""
    lines = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.lstrip().startswith("//"):
            continue
        lines.append(re.sub(r"\s//\s.*$", "", line))
    return "\n".join(lines)


# ---------------------------------------------------------------- the tables


@needs_node
def test_both_tables_have_the_same_keys_and_placeholders(tables: dict[str, dict[str, str]]) -> None:
    en, zh = tables["en"], tables["zh_CN"]
    assert len(en) > 150
    assert sorted(en) == sorted(zh), f"only English: {set(en) - set(zh)}; only Chinese: {set(zh) - set(en)}"
    differ = {key: (en[key], zh[key]) for key in en
              if sorted(PLACEHOLDER.findall(en[key])) != sorted(PLACEHOLDER.findall(zh[key]))}
    assert not differ, differ


@needs_node
def test_no_value_is_empty(tables: dict[str, dict[str, str]]) -> None:
    for language, table in tables.items():
        assert all(isinstance(value, str) and value.strip() for value in table.values()), language


@needs_node
def test_chinese_values_are_chinese(tables: dict[str, dict[str, str]]) -> None:
    zh = tables["zh_CN"]
    missing = [key for key, value in zh.items() if key not in SYMBOLS_ONLY and not HAN.search(value)]
    assert not missing, f"no Chinese in {missing}"
    for key in SYMBOLS_ONLY:  # the allow-list holds no words: placeholders, symbols, code names only
        words = re.sub(r"\b\w+_\w+\b", "", PLACEHOLDER.sub("", zh[key]))
        assert not re.search(r"[A-Za-z]", words), key


@needs_node
def test_chinese_punctuation_and_spacing(tables: dict[str, dict[str, str]]) -> None:
    """Full-width punctuation after Chinese; a half-width space between Chinese and digits or
    Latin letters (and numbers filled in), none around a placeholder that holds Chinese text."""
    problems = []
    for key, value in tables["zh_CN"].items():
        if re.search(r"[\u4e00-\u9fff][,;:!?()]|[,;:!?(][\u4e00-\u9fff]", value):
            problems.append(f"{key}: half-width punctuation next to Chinese: {value}")
        if re.search(r"[\u4e00-\u9fff][A-Za-z0-9]|[A-Za-z0-9][\u4e00-\u9fff]", value):
            problems.append(f"{key}: no space between Chinese and a digit or letter: {value}")
        for name in re.findall(r"[\u4e00-\u9fff]\{(\w+)\}|\{(\w+)\}[\u4e00-\u9fff]", value):
            if not set(name) - {""} <= CHINESE_PLACEHOLDERS:
                problems.append(f"{key}: no space around {name}: {value}")
    assert not problems, "\n".join(problems)


@needs_node
def test_the_english_table_is_english(tables: dict[str, dict[str, str]]) -> None:
    assert not [key for key, value in tables["en"].items() if HAN.search(value)]


# ---------------------------------------------------------------- keys in the JavaScript


def keys_named(prefixes: set[str]) -> tuple[set[str], set[str]]:
    """Key literals ("ui.clear") and key patterns (`shape_explorer.layer.${kind}`) in the widget files."""
    starts = "|".join(sorted(prefixes))
    literal = re.compile(rf"""["'`]((?:{starts})\.[\w.]+)["'`]""")
    template = re.compile(rf"`((?:{starts})\.[\w.]*)\$\{{[^}}]+\}}([\w.]*)`")
    literals: set[str] = set()
    patterns: set[str] = set()
    for path in SOURCES:
        code = code_of(path)
        literals |= set(literal.findall(code))
        patterns |= {f"{re.escape(before)}\\w+{re.escape(after)}" for before, after in template.findall(code)}
    return literals, patterns


@needs_node
def test_every_key_named_exists_and_every_key_is_named(tables: dict[str, dict[str, str]]) -> None:
    en = tables["en"]
    literals, patterns = keys_named({key.split(".")[0] for key in en})
    assert len(literals) > 100 and patterns
    assert not literals - set(en), f"not in strings_en.js: {sorted(literals - set(en))}"
    for pattern in patterns:
        assert pattern.count(".") >= 2 or not pattern.endswith("\\w+"), f"too wide a pattern: {pattern}"
        assert any(re.fullmatch(pattern, key) for key in en), f"no key matches {pattern}"
    unused = {key for key in en if key not in literals and not any(re.fullmatch(p, key) for p in patterns)}
    assert unused == UNUSED, f"keys no widget names: {sorted(unused - UNUSED)}"


# What a widget hands the page: text, names, titles, captions, labels of fields and buttons.
TO_THE_PAGE = [
    r"""\b(?:text|title|caption|placeholder|legend|"aria-label")\s*:\s*("[^"]*"|`[^`]*`)""",
    r"""\.(?:textContent|placeholder)\s*=\s*("[^"]*"|`[^`]*`)""",
    r"""setAttribute\(\s*"(?:aria-label|title)"\s*,\s*("[^"]*"|`[^`]*`)""",
    r"""\bh\(\s*"\w+"\s*,\s*\{[^{}]*\}\s*,\s*("[^"]*"|`[^`]*`)""",
    r"""\b(?:button|intField)\(\s*("[^"]*"|`[^`]*`)""",
    r"""\b(?:numberField|gridField|checkField|radioGroup)\(\s*\w+\s*,\s*"\w+"\s*,\s*("[^"]*"|`[^`]*`)""",
    r"""\b(?:replaceChildren|append)\(\s*("[^"]*"|`[^`]*`)""",
]
# literals that are code, not words: setting names as typed in Python
CODE_WORDS = {"ceil_mode"}


def english_words(literal: str) -> list[str]:
    """The words of a string literal, without ${…}, code names and single letters (k×k)."""
    text = re.sub(r"\$\{[^}]*\}", " ", literal[1:-1])
    return [w for w in re.findall(r"[A-Za-z][\w']+", text) if w not in CODE_WORDS and "_" not in w]


def test_no_widget_hands_the_page_an_english_word() -> None:
    found = []
    for path in SOURCES:
        code = code_of(path)
        for pattern in TO_THE_PAGE:
            for literal in re.findall(pattern, code):
                if english_words(literal):
                    found.append(f"{path.name}: {literal}")
    assert not found, "\n".join(found)


def test_the_scan_finds_an_english_label() -> None:
    """The scan is not vacuous: labels as the widgets were written before the tables are caught."""
    before = ['h("span", { text: "output size" })', 'button("⟲ reset", "reset the model", f)',
              'numberField(model, "padding", "padding", {})', 'status.textContent = `output ${r}×${c}`;',
              'fix.replaceChildren("Fix: ", code)', 'h("div", { class: "cl-title" }, "Shape explorer")']
    for line in before:
        literals = [literal for pattern in TO_THE_PAGE for literal in re.findall(pattern, line)]
        assert any(english_words(literal) for literal in literals), line
    assert not english_words('"ceil_mode"') and not english_words("`${a} × ${b}`")


# ---------------------------------------------------------------- the text functions in both languages


@needs_node
def test_messages_render_in_both_languages(tmp_path: Path) -> None:
    script = """
import { translator } from "./i18n.mjs";
import { explain } from "./shapes.mjs";
import { propagate } from "./network.mjs";
import { parseGrid } from "./ui.mjs";
import { unreachedText } from "./shape_explorer.mjs";
const out = {};
for (const language of ["en", "zh_CN"]) {
  const t = translator(language);
  const said = (f) => {
    try { f(); } catch (error) { return { message: error.message, said: t(error.said) }; }
  };
  const p = { layer: "conv", size: [28, 28], kernel: 5, stride: 2, padding: 0, dilation: 1 };
  const conv = { name: "conv", type: "Conv2d", kind: "conv", in_channels: 1, out_channels: 6,
                 kernel_size: [5, 5], stride: [1, 1], padding: [0, 0], dilation: [1, 1] };
  const linear = { name: "fc", type: "Linear", kind: "linear", in_features: 100, out_features: 10 };
  const flatten = { name: "flatten", type: "Flatten", kind: "flatten", start_dim: 1, end_dim: -1 };
  const stack = propagate([conv, flatten, linear], [1, 1, 28, 28]);
  out[language] = {
    tooLarge: said(() => explain(3, 5)),
    pair: said(() => explain([3, 9], 5)),
    dropped: explain(2, 2, { layer: "max_pool", ceilMode: true, stride: 3, padding: 1 }).says.map(t),
    grid: t(parseGrid("1 2\\n3", 5).error),
    unreached: unreachedText(p, { output: [12, 12] }, t),
    diagnosis: stack.diagnosis,
    says: stack.says.map((line) => t(line)),
  };
}
console.log(JSON.stringify(out));
"""
    out = node(tmp_path, script)
    en, zh = out["en"], out["zh_CN"]
    assert en["tooLarge"]["said"] == en["tooLarge"]["message"] == zh["tooLarge"]["message"] == (
        "kernel 5 is larger than the padded input 3 + 2·0 = 3; use padding ≥ 1")
    assert zh["tooLarge"]["said"] == "卷积核 5 比填充后的输入 3 + 2·0 = 3 还大；请使用 padding ≥ 1"
    assert en["pair"]["said"].startswith("height: kernel 5")
    assert zh["pair"]["said"].startswith("高度：卷积核 5")
    assert "so it is dropped" in en["dropped"][0] and "被舍弃" in zh["dropped"][0]
    assert en["dropped"][0].split(",")[0] == zh["dropped"][0].split("，")[0]  # the same formula
    assert en["grid"] == "rows of equal length, please (got 2, 1)"
    assert zh["grid"] == "请让每一行一样长（实际各行长度为 2, 1）"
    assert en["unreached"].startswith("55 input pixels (row 27 and column 27, counting from 0)")
    assert zh["unreached"].startswith("55 个输入像素（第 27 行和第 27 列")
    assert en["diagnosis"] == zh["diagnosis"] == "\n".join(en["says"])  # Python's text, in English
    assert en["says"][1].endswith("6 channels × 24 × 24 = 3456.")
    assert zh["says"] == ["fc (Linear) 期望 100 个输入特征（nn.Linear(100, 10)），但收到了 3456 个。",
                          "这 3456 个值来自第 2 行（flatten），它把形状为 (1, 6, 24, 24) 的张量展平了："
                          "6 个通道 × 24 × 24 = 3456。"]


@needs_node
def test_the_model_language_wins_over_the_page(tmp_path: Path) -> None:
    script = """
import { languageOf, translator } from "./i18n.mjs";
const model = (language) => ({ get: (name) => (name === "language" ? language : undefined) });
const seen = [];
for (const page of ["en", "zh-CN"]) {
  globalThis.document = { documentElement: { lang: page } };
  for (const setting of ["", "en", "zh_CN"]) seen.push([page, setting, languageOf(model(setting))]);
}
const t = translator("zh_CN");
const prediction = t("digit_lab.prediction", { digit: 7 });
console.log(JSON.stringify({ seen, prediction, missing: t("no.such") }));
"""
    out = node(tmp_path, script)
    assert out["seen"] == [["en", "", "en"], ["en", "en", "en"], ["en", "zh_CN", "zh_CN"],
                           ["zh-CN", "", "zh_CN"], ["zh-CN", "en", "en"], ["zh-CN", "zh_CN", "zh_CN"]]
    assert out["prediction"] == "预测：7" and out["missing"] == "no.such"


def test_set_language_sets_the_widgets_language_trait() -> None:
    try:
        set_language("zh_CN")
        explorer = ShapeExplorer()
        assert explorer.language == "zh_CN" and "language" in explorer.keys  # synced to the page
        set_language("en")
        assert ShapeExplorer().language == "en" and explorer.language == "zh_CN"
    finally:
        set_language("")
    assert Widget().language == "" and "language" not in repr(ShapeExplorer())
