// English string table of the widgets (see i18n.js). Keys: "<widget>.<what>"; values may hold
// {placeholders}. strings_zh_CN.js has exactly the same keys and placeholders.
export const EN = {
  "language.name": "English",
};
