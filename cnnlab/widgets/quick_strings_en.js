// English words of the quick-check widget (quick_check.js): its title, labels, buttons, verdicts and
// progress. quick_strings_zh_CN.js has exactly the same keys and {placeholders}. The questions' own
// wording (prompts, options, hints) comes from Python with the widget's data.
export const QUICK_EN = {
  "quick.title": "Quick check",
  "quick.subtitle": "chapter {chapter}, answered in the page",
  "quick.answer": "Your answer",
  "quick.check": "Check",
  "quick.right": "✅ Right! ",
  "quick.wrong": "❌ Not yet. ",
  "quick.progress": "{right} of {total} answered right in this chapter (kept in this browser)",
};
