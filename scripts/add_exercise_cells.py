"""Insert the new exercises and the quick checks into the chapters (idempotent).

Each chapter gets its cells after the last cell of a given exercise (the heading's group:
the heading, its answer cell, the solution note and the solution, up to the next heading).
Cells carry fixed ids, so a second run inserts nothing, and no existing cell is changed,
renumbered or moved. Run from the repository root, then re-execute the chapters:

    python scripts/add_exercise_cells.py book/09_training.ipynb book/10_beyond.ipynb
    python scripts/add_exercise_cells.py            # every chapter it knows

A chapter whose anchor heading is missing is reported and left alone (pass ``--after`` to
name another heading, e.g. after chapter 9 is split: ``--after "### Exercise 9.6"``; and
``--cells-of 09_training`` to give a renamed file the cells planned for chapter 9).
"""

from __future__ import annotations

import argparse
import hashlib
import re
import sys
from pathlib import Path

import nbformat

from cnnlab.exercises.questions import QUESTIONS, ex3_5_question, ex7_6_question

ROOT = Path(__file__).resolve().parent.parent


def _id(*parts: str) -> str:
    return "ex-" + hashlib.sha1("/".join(parts).encode()).hexdigest()[:10]


def _markdown(key: str, text: str) -> nbformat.NotebookNode:
    cell = nbformat.v4.new_markdown_cell(text)
    cell.id = _id(key, "md")
    return cell


def _code(key: str, source: str, *, hidden: bool = False,
          tags: tuple[str, ...] = ()) -> nbformat.NotebookNode:
    cell = nbformat.v4.new_code_cell(source)
    cell.id = _id(key, "code")
    if hidden:
        cell.metadata = {"jupyter": {"source_hidden": True}, "tags": ["hide-cell", *tags]}
    elif tags:
        cell.metadata = {"tags": list(tags)}
    return cell


def exercise(number: str, title: str, text: str, answer: str, solution: str) -> list[nbformat.NotebookNode]:
    """The four cells of an exercise: heading, answer cell, solution note, folded solution."""
    key = f"exercise-{number}"
    return [_markdown(key, f"### Exercise {number}: {title}\n\n{text}"),
            _code(key + "-answer", answer),
            _markdown(key + "-note", "**Solution** (click to expand)"),
            _code(key + "-solution", solution, hidden=True)]


def choice(number: str, title: str, solution_note: str) -> list[nbformat.NotebookNode]:
    """A multiple-choice exercise; its options come from the question's data."""
    id = "ex" + number.replace(".", "_")
    question = QUESTIONS[id]
    prompt = question.prompt.replace(" Answer with the letter of one option.", "")
    options = "\n".join(f"- **{c.key}**: {c.label}" for c in question.choices)
    return exercise(number, title, f"{prompt}\n\n{options}\n\nAnswer with a letter.",
                    f'answer = ...  # "a", "b", "c" or "d"\ncheck.{id}(answer)',
                    f'answer = "{question.answer}"  # {solution_note}\ncheck.{id}(answer)')


def quick(chapter: int) -> list[nbformat.NotebookNode]:
    """The quick check of a chapter: a heading and the widget."""
    key = f"quick-check-{chapter}"
    return [_markdown(key, "### Quick check\n\nThese questions are answered right here in the page, also in "
                           "the "
                           "rendered book without Python; your answers stay in this browser."),
            _code(key, f"from cnnlab.widgets import quick_check\n\nquick_check({chapter})",
                  tags=("nbval-ignore-output",))]


def cells() -> dict[str, tuple[str, list[nbformat.NotebookNode]]]:
    """For each chapter file: the heading to insert after, and the cells."""
    k35, d35 = ex3_5_question().params["kernel"], ex3_5_question().params["dilation"]
    q76 = ex7_6_question().params
    return {
        "01_images_as_tensors": ("### Exercise 1.4", [
            *choice("1.5", "which axis is which", "x[0] indexes the first axis, C: the red channel"),
            *quick(1)]),
        "02_convolution": ("### Exercise 2.4", [
            *choice("2.5", "why so few weights", "one filter, used at every position: weight sharing"),
            *quick(2)]),
        "03_padding": ("### Exercise 3.4", [
            *exercise("3.5", "keep the size under a dilated kernel",
                      "Every reader gets their own numbers: put your name in the cell, print the question, "
                      "then answer it. (With the name `\"\"` you get the book's numbers.)",
                      'name = ""  # your name picks your numbers\nprint(check.ex3_5_question(name).prompt)\n'
                      "answer = ...  # a whole number\ncheck.ex3_5(answer, name=name)",
                      f"kernel, dilation = {k35}, {d35}  # the book's numbers (name = \"\")\n"
                      "# the dilated kernel spans dilation·(kernel − 1) + 1 pixels; half of what it loses "
                      "per side\n"
                      "answer = dilation * (kernel - 1) // 2\ncheck.ex3_5(answer)"),
            *quick(3)]),
        "04_stride": ("### Exercise 4.4", [
            *exercise("4.5", "64 → 8 without pooling",
                      "Design three `nn.Conv2d` layers, and no pooling, that take a batch of RGB images of "
                      "64 × 64 pixels, shape (N, 3, 64, 64), to maps of 8 × 8. Choose any channel counts; "
                      "pass the layers as one `nn.Sequential`.",
                      "answer = ...  # nn.Sequential(nn.Conv2d(3, ...), ...)\ncheck.ex4_5(answer)",
                      "from torch import nn\n\n"
                      "# stride 2 halves three times: 64 → 32 → 16 → 8; padding 1 lets a 3×3 kernel halve "
                      "exactly\n"
                      "answer = nn.Sequential(\n    nn.Conv2d(3, 16, kernel_size=3, stride=2, padding=1), "
                      "nn.ReLU(),\n"
                      "    nn.Conv2d(16, 32, kernel_size=3, stride=2, padding=1), nn.ReLU(),\n"
                      "    nn.Conv2d(32, 64, kernel_size=3, stride=2, padding=1),\n)\ncheck.ex4_5(answer)"),
            *quick(4)]),
        "05_output_size": ("### Exercise 5.5", [
            *exercise("5.6", "the receptive field",
                      "`nn.Conv2d(…, kernel_size=3)`, `nn.Conv2d(…, kernel_size=3)`, `nn.MaxPool2d(2)`, "
                      "`nn.Conv2d(…, kernel_size=3)`, all without padding. How many input pixels wide is the "
                      "region one output pixel depends on (its receptive field)? Think it through before you "
                      "compute.",
                      "answer = ...  # a whole number of pixels\ncheck.ex5_6(answer)",
                      "field, jump = 1, 1  # pixels seen; input pixels between neighbours of the current "
                      "layer\n"
                      "for kernel, stride in [(3, 1), (3, 1), (2, 2), (3, 1)]:\n"
                      "    field += (kernel - 1) * jump\n    jump *= stride\n"
                      "print(field)\ncheck.ex5_6(field)"),
            *exercise("5.7", "colour images",
                      "The network of exercise 5.2 gets RGB images of 32 × 32 pixels (CIFAR-10), so its "
                      "first "
                      "layer becomes `nn.Conv2d(3, 32, kernel_size=3)`. What must `in_features` of the "
                      "`Linear` layer be now?",
                      "answer = ...  # in_features\ncheck.ex5_7(answer)",
                      "import torch\nfrom torch import nn\n\nfeatures = nn.Sequential(\n"
                      "    nn.Conv2d(3, 32, kernel_size=3), nn.ReLU(), nn.MaxPool2d(2),   # 32 → 30 → 15\n"
                      "    nn.Conv2d(32, 64, kernel_size=3), nn.ReLU(), nn.MaxPool2d(2),  # 15 → 13 → 6\n"
                      "    nn.Flatten(),\n)\ncheck.ex5_7(features(torch.zeros(1, 3, 32, 32)).shape[1])"),
            *quick(5)]),
        "06_pooling": ("### Exercise 6.5", [
            *choice("6.6", "why pooling tolerates shifts", "the maximum does not move with its position"),
            *quick(6)]),
        "07_building_cnns": ("### Exercise 7.5", [
            *exercise("7.6", "what a layer costs",
                      "Every reader gets their own numbers: put your name in the cell and print the "
                      "question. "
                      "Count by reasoning, not with a profiler.",
                      'name = ""  # your name picks your numbers\nprint(check.ex7_6_question(name).prompt)\n'
                      "answer = ...  # a whole number\ncheck.ex7_6(answer, name=name)",
                      f"cin, cout, size = {q76['in_channels']}, {q76['out_channels']}, {q76['size']}  "
                      "# the book's numbers (name = \"\")\n"
                      "# padding 1 keeps size × size; each output value is a dot product of cin · 3 · 3 "
                      "numbers\n"
                      "answer = cout * size * size * cin * 3 * 3\n"
                      "print(f\"{answer:,}\")\ncheck.ex7_6(answer)"),
            *exercise("7.7", "a CNN for colour images",
                      "CIFAR-10's images are RGB, 32 × 32 pixels, in 10 classes. Build a CNN with at least "
                      "two "
                      "convolutions that maps a batch of shape (N, 3, 32, 32) to (N, 10) scores.",
                      "answer = ...  # your model\ncheck.ex7_7(answer)",
                      "from torch import nn\n\nanswer = nn.Sequential(\n"
                      "    nn.Conv2d(3, 16, kernel_size=3, padding=1), nn.BatchNorm2d(16), nn.ReLU(),\n"
                      "    nn.MaxPool2d(2),                               # 32 → 16\n"
                      "    nn.Conv2d(16, 32, kernel_size=3, padding=1), nn.BatchNorm2d(32), nn.ReLU(),\n"
                      "    nn.MaxPool2d(2),                               # 16 → 8\n"
                      "    nn.Flatten(),\n    nn.Linear(32 * 8 * 8, 10),\n)\ncheck.ex7_7(answer)"),
            *quick(7)]),
        "08_lenet5": ("### Exercise 8.4", [
            *choice("8.5", "a colour photo", "conv1's weight has 1 input channel, the photo 3"),
            *quick(8)]),
        "09_training": ("### Exercise 9.6", [
            *choice("9.7", "read the curves", "falling training loss, rising validation loss"),
            *choice("9.8", "a loss that explodes", "overshooting steps: lower the learning rate"),
            *choice("9.9", "find the bug: the loss", "CrossEntropyLoss wants logits"),
            *choice("9.10", "find the bug: 10%", "one permutation for both: idx = torch.randperm(n)"),
            *choice("9.11", "find the bug: two evaluations", "dropout stays on without model.eval()"),
            *quick(9)]),
        "10_beyond": ("### Exercise 10.4", [
            *choice("10.5", "LeNet-5 for CIFAR-10", "the channels and the flattened size both change"),
            *choice("10.6", "why augmentation helps", "new random versions every epoch"),
            *quick(10)]),
    }


def insert(path: Path, after: str, new: list[nbformat.NotebookNode]) -> int:
    """Insert ``new`` after the group of the heading that starts with ``after``; return how many."""
    notebook = nbformat.read(path, as_version=4)
    present = {cell.get("id") for cell in notebook.cells}
    todo = [cell for cell in new if cell.id not in present]
    if not todo:
        return 0
    heading = next((index for index, cell in enumerate(notebook.cells)
                    if cell.cell_type == "markdown" and cell.source.startswith(after)), None)
    if heading is None:
        raise LookupError(f"{path.name}: no heading starts with {after!r}; pass --after")
    end = heading + 1
    while end < len(notebook.cells) and not (notebook.cells[end].cell_type == "markdown"
                                            and re.match(r"#{1,3} ", notebook.cells[end].source)):
        end += 1
    # cells already present stay where they are; the others go after the last present one (or the group)
    for cell in new:
        if cell.id in present:
            end = next(i for i, c in enumerate(notebook.cells) if c.get("id") == cell.id) + 1
        else:
            notebook.cells.insert(end, cell)
            end += 1
    nbformat.write(notebook, path)
    return len(todo)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebooks", nargs="*", type=Path, help="chapters (default: every chapter known)")
    parser.add_argument("--after", help="the heading to insert after (default: the chapter's last exercise)")
    parser.add_argument("--cells-of", metavar="STEM", help="insert the cells planned for another file name, "
                        "e.g. --cells-of 09_training for a chapter renamed by a split")
    args = parser.parse_args(argv)
    plan = cells()
    paths = args.notebooks or [ROOT / "book" / f"{stem}.ipynb" for stem in plan]
    failed = False
    for path in paths:
        stem = args.cells_of or path.stem
        if stem not in plan:
            print(f"{path}: no cells planned for this chapter", file=sys.stderr)
            failed = True
            continue
        anchor, new = plan[stem]
        try:
            count = insert(path, args.after or anchor, new)
        except LookupError as error:
            print(error, file=sys.stderr)
            failed = True
            continue
        print(f"{path}: {count} cells inserted")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
