// The widgets' words in two languages (the book's English and Chinese editions).
// Every label, message and hint a widget shows is looked up here by key, in one string table
// per language (strings_en.js, strings_zh_CN.js: the same keys, the same {placeholders};
// tests/test_widget_strings.py keeps them complete). The language is the widget's `language`
// setting when Python set one (cnnlab.widgets.set_language), else the page's <html lang>:
// the Chinese edition of the book says "zh-CN", the English one and Jupyter say "en".

import { EN } from "./strings_en.js";
import { ZH_CN } from "./strings_zh_CN.js";

export const TABLES = { en: EN, zh_CN: ZH_CN };

// "zh-CN", "zh_CN", "zh" → "zh_CN"; anything else → "en".
export function normalLanguage(code) {
  return String(code || "")
    .toLowerCase()
    .startsWith("zh")
    ? "zh_CN"
    : "en";
}

// The language a widget speaks: its model's `language` setting, else the page's.
export function languageOf(model) {
  const setting = model && typeof model.get === "function" ? model.get("language") : "";
  const page = typeof document !== "undefined" ? document.documentElement.lang : "";
  return normalLanguage(setting || page);
}

// fill("{n} × {n}", {n: 3}) → "3 × 3"; a placeholder without a value stays as it is.
export function fill(template, values = {}) {
  return template.replace(/\{(\w+)\}/g, (whole, name) => (name in values ? String(values[name]) : whole));
}

// t = translator("zh_CN"); t("ui.clear") → the Chinese word; a key missing from the table
// falls back to English, a key missing from both is shown as itself (never a blank widget).
// t also takes a message (see below) instead of a key, and values that are messages are
// rendered in the same language first.
export function translator(language) {
  const table = TABLES[normalLanguage(language)];
  const t = (key, values = {}) => {
    if (isMessage(key)) return t(key.key, key.values);
    const filled = {};
    for (const [name, value] of Object.entries(values)) filled[name] = isMessage(value) ? t(value) : value;
    return fill(table[key] ?? EN[key] ?? key, filled);
  };
  return t;
}

// A message: a key of the tables with its values, computed once and shown later in the
// widget's language (shapes.js and network.js describe errors so). Values may be messages.
export function message(key, values = {}) {
  return { key, values };
}

export function isMessage(value) {
  return value !== null && typeof value === "object" && typeof value.key === "string";
}

// The English text of a message: what the Python twin of a JavaScript function says.
export function english(item) {
  return translator("en")(item);
}
