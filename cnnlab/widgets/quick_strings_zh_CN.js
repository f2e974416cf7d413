// Chinese (zh_CN) words of the quick-check widget: the keys and {placeholders} of quick_strings_en.js,
// terms as in locales/terms.csv.
export const QUICK_ZH_CN = {
  "quick.title": "快速自测",
  "quick.subtitle": "第 {chapter} 章，直接在页面中作答",
  "quick.answer": "你的答案",
  "quick.check": "提交",
  "quick.right": "✅ 答对了！",
  "quick.wrong": "❌ 还不对。",
  "quick.progress": "本章已答对 {right} / {total} 题（进度保存在本浏览器中）",
};
