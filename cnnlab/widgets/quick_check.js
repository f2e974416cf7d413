// Quick checks: a chapter's questions answered in the page, without a kernel. The grading repeats
// cnnlab/exercises/quick.py (and the parsing cnnlab/exercises/answers.py) for typed text; both return
// a message id and its parameters, and the wording comes from the one table the widget is given.
// Progress is remembered per chapter in localStorage.
// The widget speaks the page's language (i18n.js: languageOf): its own words come from the
// string tables (strings_en.js / strings_zh_CN.js, "quick_check.*"), the questions' Chinese wording (prompts, options,
// messages) from Python with the widget's data (`translations`, cnnlab/exercises/*_zh_cn.py).

import { fill, languageOf, translator } from "./i18n.js";
import { h, uid } from "./ui.js";

// What one question shows in `language`: its prompt and its options' labels by key, from
// `translation` (the widget's translations[language]: {questions: {id: {prompt, labels}}}), English
// where it has none. Grading always uses the question's own data, never these words.
export function wording(question, translation) {
  const words = translation?.questions?.[question.id] ?? {};
  const labels = Object.fromEntries(
    question.choices.map((choice) => [choice.key, words.labels?.[choice.key] ?? choice.label]),
  );
  return { prompt: words.prompt ?? question.prompt, labels };
}

const NUMBER = String.raw`[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?`;
const NUMBER_TEXT = new RegExp(`^(${NUMBER})(?:\\s*/\\s*(${NUMBER}))?$`);
const THOUSANDS = /^[+-]?\d{1,3}(?:,\d{3})+(?:\.\d+)?$/;
const SHAPE_TEXT = /^(?:torch\.Size\()?\s*[[(]?\s*(.*?)\s*[\])]?\s*\)?$/;

// A typed number: "28", " -0.42 ", "1e-5", "60,000", "60_000", "21/4", "−3"; null otherwise.
export function numberText(raw) {
  let text = String(raw).trim().replaceAll("−", "-").replaceAll("_", "");
  if (THOUSANDS.test(text)) text = text.replaceAll(",", "");
  const match = NUMBER_TEXT.exec(text);
  if (!match) return null;
  let value = Number(match[1]);
  if (match[2] !== undefined) {
    const divisor = Number(match[2]);
    if (divisor === 0) return null;
    value /= divisor;
  }
  return Number.isFinite(value) ? value : null;
}

// A typed shape: "(1, 16, 5, 5)", "torch.Size([1, 16, 5, 5])", "16x5x5"; null otherwise.
export function shapeText(raw) {
  const text = String(raw).trim();
  const inner = SHAPE_TEXT.exec(text);
  const parts = (inner ? inner[1] : "").split(/\s*[,x×*]\s*/).filter((part) => part);
  if (parts.length < 1 || (!text.includes(",") && !/[x×*]/.test(text))) return null;
  const numbers = parts.map(numberText);
  return numbers.every((n) => n !== null && Number.isInteger(n)) ? numbers : null;
}

// Text reduced to lower-case letters and digits, without module prefixes ("T.RandomHorizontalFlip()").
export function nameKey(raw) {
  let text = String(raw)
    .trim()
    .replace(/^['"]+|['"]+$/g, "")
    .split("(")[0]
    .toLowerCase();
  if (text.includes(".") && !/^[\d.]+$/.test(text)) text = text.split(".").at(-1);
  return text.replace(/[^a-z0-9]/g, "");
}

const verdict = (correct, message, params = {}) => ({ correct, message, params });

// Grade typed text against a question (the data of cnnlab.exercises.quick.Question).
export function grade(question, answer) {
  const text = String(answer ?? "");
  if (!text.trim()) return verdict(false, "answer.missing");
  if (question.choices.length) {
    const key = nameKey(text);
    for (const choice of question.choices) {
      if (key && (key === nameKey(choice.key) || key === nameKey(choice.label))) {
        return verdict(choice.key === question.answer, choice.message, { ...question.params });
      }
    }
    return verdict(false, "answer.not_choice", { choices: question.choices.map((c) => c.key).join(", ") });
  }
  for (const slip of question.slips) {
    if (slip.text !== null && nameKey(text) === nameKey(slip.text)) {
      return verdict(false, slip.message, { ...question.params, ...slip.params });
    }
  }
  let value = numberText(text);
  if (value === null && question.size) {
    const shape = shapeText(text);
    if (shape !== null && shape.length === 2) {
      if (shape[0] !== shape[1]) return verdict(false, "answer.not_square");
      value = shape[0];
    }
  }
  if (value === null) return verdict(false, "answer.not_number");
  const params = { ...question.params, value: text.trim() };
  if (question.whole && !Number.isInteger(value)) return verdict(false, question.not_whole, params);
  if (Math.abs(value - question.answer) <= question.tolerance) return verdict(true, question.right, params);
  for (const slip of question.slips) {
    if (slip.text !== null) continue;
    const hit =
      slip.value !== null
        ? Math.abs(value - slip.value) <= question.tolerance
        : (slip.low === null || value >= slip.low) && (slip.high === null || value <= slip.high);
    if (hit) return verdict(false, slip.message, { ...params, ...slip.params });
  }
  return verdict(false, question.fallback, params);
}

// The message of a verdict in words: the template of its id with {name} filled in.
export function messageText(messages, { message, params }) {
  return fill(messages[message] ?? message, params);
}

// ---------------------------------------------------------------- progress in localStorage

function loadProgress(key) {
  try {
    return JSON.parse(window.localStorage.getItem(key) || "{}") || {};
  } catch {
    return {}; // storage blocked (private mode, file:// in some browsers): progress is not kept
  }
}

function saveProgress(key, progress) {
  try {
    window.localStorage.setItem(key, JSON.stringify(progress));
  } catch {
    // nothing to do: the answer is still graded
  }
}

// ---------------------------------------------------------------- the widget

function questionView(question, { messages, words, t }, remembered, onAnswer) {
  const feedback = h("div", { class: "cl-quick-feedback", role: "status", "data-testid": "quick-feedback" });
  let input;
  let read;
  if (question.choices.length) {
    const group = uid("quick");
    const options = question.choices.map((choice) => {
      const id = uid(`quick-${choice.key}`);
      const radio = h("input", { id, type: "radio", name: group, value: choice.key });
      const text = `${choice.key}) ${words.labels[choice.key]}`;
      return h("label", { for: id, class: "cnnlab-choice" }, radio, h("span", { text }));
    });
    input = h(
      "fieldset",
      { class: "cnnlab-radios cl-quick-choices" },
      h("legend", { text: t("quick_check.answer") }),
      options,
    );
    read = () => input.querySelector("input:checked")?.value ?? "";
    if (remembered) {
      const chosen = input.querySelector(`input[value="${CSS.escape(remembered.answer)}"]`);
      if (chosen) chosen.checked = true;
    }
  } else {
    const id = uid("quick-answer");
    const field = h("input", {
      id,
      type: "text",
      inputmode: "decimal",
      autocomplete: "off",
      "data-testid": "quick-answer",
      value: remembered ? remembered.answer : "",
    });
    input = h("div", { class: "cnnlab-field" }, h("label", { for: id, text: t("quick_check.answer") }), field);
    read = () => field.value;
    field.addEventListener("keydown", (event) => {
      if (event.key === "Enter") check();
    });
  }
  const show = (result) => {
    const verdictText = t(result.correct ? "quick_check.right" : "quick_check.wrong");
    feedback.textContent = verdictText + messageText(messages, result);
    feedback.classList.toggle("cl-right", result.correct);
    feedback.classList.toggle("cl-wrong", !result.correct);
  };
  function check() {
    const answer = read();
    const result = grade(question, answer);
    show(result);
    onAnswer(question.id, answer, result);
  }
  if (remembered) show(grade(question, remembered.answer));
  return h(
    "div",
    { class: "cl-quick-question", "data-question": question.id },
    h("p", { class: "cl-quick-prompt", text: words.prompt }),
    input,
    h(
      "button",
      { type: "button", class: "cnnlab-button", "data-testid": "quick-submit", onclick: check },
      t("quick_check.check"),
    ),
    feedback,
  );
}

function render({ model, el }) {
  const chapter = model.get("chapter");
  const questions = model.get("questions");
  const language = languageOf(model);
  const t = translator(language);
  const translation = (model.get("translations") ?? {})[language] ?? {};
  const messages = { ...model.get("messages"), ...translation.messages };
  const key = `cnnlab-quick-checks:chapter-${chapter}`;
  const progress = loadProgress(key);
  const summary = h("div", {
    class: "cl-quick-progress",
    "data-testid": "quick-progress",
    "aria-live": "polite",
  });
  const showProgress = () => {
    const right = questions.filter((q) => progress[q.id]?.correct).length;
    summary.textContent = t("quick_check.progress", { right, total: questions.length });
  };
  const onAnswer = (id, answer, result) => {
    progress[id] = { answer, correct: result.correct };
    saveProgress(key, progress);
    showProgress();
  };
  el.classList.add("cnnlab-widget", "cnnlab-quick-check");
  el.lang = language === "zh_CN" ? "zh-CN" : "en";
  el.replaceChildren(
    h(
      "div",
      { class: "cl-title" },
      t("quick_check.title"),
      h("span", { text: t("quick_check.subtitle", { chapter }) }),
    ),
    ...questions.map((q) =>
      questionView(q, { messages, words: wording(q, translation), t }, progress[q.id], onAnswer),
    ),
    summary,
  );
  showProgress();
}

export default { render };
