// Chinese (zh_CN) string table of the widgets (see i18n.js): the keys and {placeholders} of
// strings_en.js; terms as in locales/terms.csv (the book's glossary).
export const ZH_CN = {
  "language.name": "中文",
};
