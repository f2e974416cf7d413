"""Quick checks in Chinese: every word a quick check can show has a zh_CN counterpart.

The Chinese edition's quick checks show the prompts and options of
``cnnlab.exercises.questions_zh_cn``, the messages of ``cnnlab.exercises.messages_zh_cn`` and the
widget's own words of the string tables (``strings_zh_CN.js``, ``quick_check.*``). Each must
exist, keep the English ``{placeholders}`` and numbers, be written in Chinese (with Chinese
punctuation and a space between Chinese and Latin letters or digits), and reach the page (node
runs quick_check.js).
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from test_quick_checks import all_questions, texts
from test_widget_parity import NODE, run_node

from cnnlab.exercises.messages import MESSAGES
from cnnlab.exercises.messages_zh_cn import MESSAGES_ZH_CN
from cnnlab.exercises.questions import QUESTIONS, QUICK_CHECKS, quick_checks
from cnnlab.exercises.questions_zh_cn import LABELS_ZH_CN, PROMPTS_ZH_CN, prompt_zh_cn
from cnnlab.exercises.quick import grade
from cnnlab.widgets import quick_check, set_language
from cnnlab.widgets.quick_check import used_messages

HAN = r"\u4e00-\u9fff"
PLACEHOLDER = re.compile(r"\{(\w+)\}")
NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
ENGLISH_WORDS = re.compile(r"\b[A-Za-z]{2,}(?: [A-Za-z]{2,}){2,}\b")  # three English words in a row
CODE_LABELS = {"conv1", "fc1", "model.eval()", "torch.no_grad()", "torch.manual_seed(0)"}


def english_prompt(id: str) -> str:
    return QUESTIONS[id].prompt.replace(" Answer with the letter of one option.", "")


def pairs() -> list[tuple[str, str, str]]:
    """(what, English, Chinese) for every message, prompt and option label of the exercise data."""
    found = [(f"message {key}", MESSAGES[key], MESSAGES_ZH_CN.get(key, "")) for key in MESSAGES]
    for question in all_questions():
        found.append((f"prompt {question.id}{question.params}",
                      question.prompt.replace(" Answer with the letter of one option.", ""),
                      prompt_zh_cn(question)))
        for choice in question.choices:
            found.append((f"label {question.id}.{choice.key}", choice.label,
                          LABELS_ZH_CN.get(question.id, {}).get(choice.key, "")))
    return found


def problems(english: str, chinese: str) -> list[str]:
    """What is wrong with ``chinese`` as the translation of ``english`` (empty: nothing)."""
    found = []
    if not chinese:
        return ["missing"]
    if set(PLACEHOLDER.findall(chinese)) != set(PLACEHOLDER.findall(english)):
        found.append(f"placeholders {PLACEHOLDER.findall(chinese)} ≠ {PLACEHOLDER.findall(english)}")
    if set(NUMBER.findall(chinese)) != set(NUMBER.findall(english)):  # "7th row and column": 第 7 行和第 7 列
        found.append(f"numbers {sorted(NUMBER.findall(chinese))} ≠ {sorted(NUMBER.findall(english))}")
    if chinese in CODE_LABELS and chinese == english:
        return found  # code reads the same in both languages
    if not re.search(f"[{HAN}]", chinese):
        found.append("no Chinese characters")
    if match := re.search(f"[{HAN}][A-Za-z0-9{{]|[A-Za-z0-9}}][{HAN}]", chinese):
        found.append(f"no space between Chinese and Latin/digits: {match.group()!r}")
    if match := re.search(f"[{HAN}][,.;:?!()]|[,;:?!()][{HAN}]", chinese):
        found.append(f"half-width punctuation next to Chinese: {match.group()!r}")
    if match := ENGLISH_WORDS.search(chinese):
        found.append(f"English left: {match.group()!r}")
    return found


def test_every_message_prompt_and_option_has_a_faithful_chinese_version() -> None:
    assert set(MESSAGES_ZH_CN) == set(MESSAGES)
    assert set(PROMPTS_ZH_CN) == set(QUESTIONS)
    assert set(LABELS_ZH_CN) == {id for id, question in QUESTIONS.items() if question.choices}
    wrong = {what: found for what, english, chinese in pairs() if (found := problems(english, chinese))}
    assert not wrong, wrong


def test_every_word_of_every_chapters_quick_check_reaches_the_widget_in_chinese() -> None:
    shown: dict[str, set[str]] = {"messages": set(), "prompts": set(), "labels": set()}
    for chapter in QUICK_CHECKS:
        widget = quick_check(chapter)
        chinese = widget.translations["zh_CN"]
        assert set(chinese["messages"]) == set(widget.messages) == set(used_messages(quick_checks(chapter)))
        for key, text in chinese["messages"].items():
            assert text == MESSAGES_ZH_CN[key] and not problems(widget.messages[key], text), key
        for question in widget.questions:
            words = chinese["questions"][question["id"]]
            assert not problems(question["prompt"], words["prompt"]), question["id"]
            assert set(words["labels"]) == {choice["key"] for choice in question["choices"]}
            for choice in question["choices"]:
                assert not problems(choice["label"], words["labels"][choice["key"]]), choice
            shown["prompts"].add(question["id"])
            shown["labels"] |= {f"{question['id']}.{key}" for key in words["labels"]}
        shown["messages"] |= set(chinese["messages"])
    chosen = [question for chapter in QUICK_CHECKS for question in quick_checks(chapter)]
    assert shown["prompts"] == {question.id for question in chosen}  # 28 prompts today
    assert len(shown["labels"]) == sum(len(question.choices) for question in chosen)  # 36 options
    assert shown["messages"] == set(used_messages(chosen))  # 177 messages


def test_every_chinese_message_a_grade_can_show_is_filled() -> None:
    """Chinese templates take the same parameters as the English ones, for every answer a reader types."""
    import random

    rng = random.Random(5)
    for question in all_questions():
        for text in texts(question, rng):
            verdict = grade(question, text)
            words = MESSAGES_ZH_CN[verdict.message].format(**verdict.params)
            assert not PLACEHOLDER.search(words) and re.search(f"[{HAN}]", words), (question.id, text)


def test_set_language_reaches_the_quick_checks() -> None:
    try:
        set_language("zh_CN")
        assert quick_check(3).language == "zh_CN"
        set_language("en")
        assert quick_check(3).language == "en"
    finally:
        set_language("")
    widget = quick_check(3)
    assert widget.language == "" and "zh_CN" in widget.translations  # "": the page's <html lang> decides


# ---------------------------------------------------------------- the page (node runs quick_check.js)

needs_node = pytest.mark.skipif(NODE is None, reason="node is not installed (CI requires it)")


@needs_node
def test_the_page_shows_the_chinese_prompts_options_and_messages(tmp_path: Any) -> None:
    cases, expected = [], []
    for chapter in QUICK_CHECKS:
        widget = quick_check(chapter)
        for question in widget.questions:
            cases.append([question, widget.translations["zh_CN"]])
            expected.append({"prompt": prompt_zh_cn(QUESTIONS[question["id"]]),
                             "labels": LABELS_ZH_CN.get(question["id"], {})})
            cases.append([question, None])  # no translation (English page): the English words
            expected.append({"prompt": question["prompt"], "labels": {c["key"]: c["label"]
                                                                      for c in question["choices"]}})
    assert [result["value"] for result in run_node(tmp_path, "quick_check", "wording", cases)] == expected

    cases, expected = [], []
    for question in all_questions():
        for text in ["", "x", str(question.answer), "(3, 4)", "b", "7"]:
            verdict = grade(question, text)
            cases.append([MESSAGES_ZH_CN, {"correct": verdict.correct, "message": verdict.message,
                                           "params": verdict.params}])
            expected.append(MESSAGES_ZH_CN[verdict.message].format(**verdict.params))
    results = run_node(tmp_path, "quick_check", "messageText", cases)
    assert [result["value"] for result in results] == expected
