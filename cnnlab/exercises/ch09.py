"""Chapter 9 exercises: device, steps per epoch, a training step, accuracy, choosing on validation, StepLR.

The training-step checker runs the learner's function on a tiny problem and watches the
order of ``zero_grad()``, ``backward()`` and ``step()``, so that each missing or misplaced
line gets its own hint.

>>> from cnnlab.exercises import ch09 as check
>>> print(check.ex9_1("mps"))
✅ Right! torch.device("mps") is Apple's GPU, through Metal Performance Shaders.
>>> print(check.ex9_2(937))
❌ Not yet. That rounds down: the last 32 images still make a (smaller) batch, so round up.
>>> print(check.ex9_5(7))  # doctest: +ELLIPSIS
❌ Not yet. Epoch 7 is the last epoch, not the best one: fit saves when the validation accuracy sets a new...
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import torch
from torch import nn

from cnnlab.exercises import Feedback, as_int, as_number, right, unanswered, wrong
from cnnlab.exercises.questions import QUESTIONS
from cnnlab.exercises.quick import checker

# ---------------------------------------------------------------- 9.1 the device


def ex9_1(answer: Any) -> Feedback:
    """The device string for the GPU of an Apple-silicon Mac (M1, M2, ...)."""
    if (missing := unanswered(answer)) is not None:
        return missing
    if isinstance(answer, torch.device):
        answer = str(answer)
    if not isinstance(answer, str):
        return wrong(f"Answer with the string you would pass to torch.device(...), got {answer!r}.")
    text = answer.strip().lower()
    if text in ("mps", "mps:0"):
        return right('torch.device("mps") is Apple\'s GPU, through Metal Performance Shaders.')
    hints = {
        "cuda": "CUDA is NVIDIA's: torch.cuda.is_available() is False on a Mac. Apple's GPUs have "
                "their own PyTorch backend.",
        "gpu": "PyTorch has no device called 'gpu': each kind of GPU has its own backend name.",
        "metal": "Metal is the name of Apple's graphics API; PyTorch's device is named after the part "
                 "of Metal it uses for tensors (three letters).",
        "cpu": "That works everywhere, but it leaves the Mac's GPU idle.",
        "apple": "Close in spirit: PyTorch names the device after Apple's Metal Performance Shaders.",
    }
    if text.startswith("cuda"):
        return wrong(hints["cuda"])
    return wrong(hints.get(text, f"{answer!r} is not a device PyTorch knows. pick_device() tries three "
                                 "names in turn: read its output, or section 9.1."))


# ---------------------------------------------------------------- 9.2 steps per epoch


def ex9_2(answer: Any) -> Feedback:
    """Optimiser steps in one epoch over 60,000 images in batches of 64 (no ``drop_last``)."""
    if (missing := unanswered(answer)) is not None:
        return missing
    value = as_int(answer)
    if value is None:
        if as_number(answer) is not None:
            return wrong("A number of steps is a whole number: a batch is taken or it is not. "
                         "Round 60,000 / 64.")
        return wrong(f"Answer with a whole number of steps, got {answer!r}.")
    if value == math.ceil(60_000 / 64):
        return right("⌈60,000 / 64⌉ = 938: 937 full batches and one of 32. Tutorial 002's progress bars "
                     "count exactly 938 steps per epoch.")
    hints = {
        60_000 // 64: "That rounds down: the last 32 images still make a (smaller) batch, so round up.",
        60_000: "That is one step per image; each step uses a whole batch of 64.",
        64: "64 is the batch size, the images per step; how many batches fill 60,000 images?",
        60_000 * 64: "Divide, do not multiply: each step consumes 64 images.",
        math.ceil(60_000 / 256): "That is for fit's default batch of 256; the question uses 64.",
        math.ceil(4_000 / 64): "That is for the 4,000-image sample; the question is about all 60,000.",
        math.ceil(10_000 / 64): "10,000 is the test set; training goes through the 60,000 training images.",
    }
    return wrong(hints.get(value, "Each step takes one batch of 64 images; count the batches in 60,000 "
                                  "images, the last one included."))


# ---------------------------------------------------------------- 9.3 a training step


class _Recorder:
    """A tiny training problem that records backward and step, and whether the gradients were cleared.

    It watches effects, not calls: gradients count as cleared when they are None or zero when the next
    backward starts, whether the learner wrote ``optimizer.zero_grad()``, ``model.zero_grad()`` or
    ``p.grad = None``.
    """

    def __init__(self) -> None:
        torch.manual_seed(0)
        self.events: list[str] = []
        self.model = nn.Sequential(nn.Flatten(), nn.Linear(16, 3))
        self.images = torch.randn(32, 1, 4, 4)
        self.labels = torch.arange(32) % 3
        self.loss_fn = nn.CrossEntropyLoss()
        self.optimizer = torch.optim.SGD(self.model.parameters(), lr=0.1)
        self.model[1].weight.register_hook(self._on_backward)
        self.optimizer.step = self._recording(self.optimizer.step)  # type: ignore

    def _cleared(self) -> bool:
        grad = self.model[1].weight.grad  # the weight whose hook reports backward()
        return grad is None or not bool(grad.any())

    def _on_backward(self, gradient: torch.Tensor) -> None:
        # the hook runs before the new gradient is added: old gradients still there were never cleared
        if not self._cleared():
            self.events.append("stale")
        self.events.append("backward")

    def _recording(self, method: Callable[..., Any]) -> Callable[..., Any]:
        def recorded(*args: Any, **kwargs: Any) -> Any:
            if self._cleared():
                self.events.append("empty")
            self.events.append("step")
            return method(*args, **kwargs)
        return recorded

    def loss(self) -> float:
        with torch.no_grad():
            return self.loss_fn(self.model(self.images), self.labels).item()


def _order_problem(calls: list[list[str]]) -> str | None:
    """What is wrong with the events of several calls of a training step (one list per call), or None."""
    flat = [event for call in calls for event in call]
    if not flat:
        return ("Replace the ... with the missing lines (clear the old gradients, compute the new ones, "
                "update the weights), then run the cell again.")
    if "step" not in flat:
        return ("The weights never change: nothing calls optimizer.step(), the line that moves every "
                "weight against its gradient.")
    if "backward" not in flat:
        return ("There are no gradients to step with: call loss.backward() after computing the loss and "
                "before optimizer.step().")
    for call in calls:
        if call.count("step") != 1 or call.count("backward") != 1:
            return "Call loss.backward() and optimizer.step() once each in every training step (every batch)."
        backward, step = call.index("backward"), call.index("step")
        if step < backward:
            return ("optimizer.step() comes before loss.backward(): it updates the weights with the previous "
                    "batch's gradients (or none at all).")
        if step > 0 and call[step - 1] == "empty":
            return ("When step() runs the gradients are already cleared: something between backward() and "
                    "step() erases the gradients just computed, so step() has nothing to do. Clear the old "
                    "gradients before backward().")
    if "stale" in flat:
        return ("Gradients pile up from one batch to the next: backward() adds the new gradients to the "
                "old ones, so clear them in every step (optimizer.zero_grad()).")
    return None


def ex9_3(answer: Any, steps: int = 20) -> Feedback:
    """A function ``train_step(model, images, labels, loss_fn, optimizer)`` that does one training step."""
    if (missing := unanswered(answer)) is not None:
        return missing
    if not callable(answer) or isinstance(answer, nn.Module):
        return wrong("Answer with your function itself, train_step (no parentheses): the checker calls it.")
    recorder = _Recorder()
    before = recorder.loss()
    calls: list[list[str]] = []
    for _ in range(steps):
        start = len(recorder.events)
        try:
            answer(recorder.model, recorder.images, recorder.labels, recorder.loss_fn, recorder.optimizer)
        except TypeError as error:
            if "positional argument" in str(error):
                return wrong("The function must take five arguments, in this order: model, images, labels, "
                             f"loss_fn, optimizer ({error}).")
            return wrong(f"The function raised TypeError: {str(error).splitlines()[0]}")
        except Exception as error:  # any bug in the learner's code is feedback, not a crash
            message = str(error).splitlines()[0] if str(error) else ""
            about_loss = any(word in message.lower() for word in ("loss", "target", "long", "float"))
            hint = " A loss takes (scores, labels), in that order." if about_loss else ""
            return wrong(f"The function raised {type(error).__name__}: {message}.{hint}")
        calls.append(recorder.events[start:])
    problem = _order_problem(calls)
    if problem is not None:
        return wrong(problem)
    after = recorder.loss()
    if not after < before:
        return wrong(f"The steps run in the right order, but the loss went from {before:.3f} to {after:.3f}. "
                     "Compute the loss from the model's scores for these images.")
    return right(f"In {steps} steps the loss fell from {before:.3f} to {after:.3f}: zero_grad, backward, "
                 "step, in that order, in every step.")


# ---------------------------------------------------------------- 9.4 accuracy from a confusion matrix

EX4_CLASSES = ["0", "1", "2"]
EX4_CONFUSION = [[50, 2, 3],    # rows: true class, columns: predicted class
                 [4, 40, 6],
                 [1, 9, 85]]


def ex9_4(answer: Any) -> Feedback:
    """The accuracy (in %) of the confusion matrix ``EX4_CONFUSION``."""
    if (missing := unanswered(answer)) is not None:
        return missing
    value = as_number(answer.strip().rstrip("%") if isinstance(answer, str) else answer)
    if value is None:
        return wrong(f"Answer with a number (a percentage), got {answer!r}.")
    counts = torch.tensor(EX4_CONFUSION, dtype=torch.float64)
    right_count, total = counts.trace().item(), counts.sum().item()
    accuracy = 100 * right_count / total
    if math.isclose(value, accuracy, abs_tol=0.05):
        return right(f"{right_count:.0f} right (the diagonal) out of {total:.0f} images = {accuracy:.1f}%.")
    if math.isclose(value, accuracy / 100, abs_tol=0.0005):
        return right(f"{right_count:.0f} / {total:.0f} = {value:g}, i.e. {accuracy:.1f}%.")
    per_class = 100 * (counts.diagonal() / counts.sum(dim=1)).mean().item()
    per_column = 100 * (counts.diagonal() / counts.sum(dim=0)).mean().item()
    if math.isclose(value, per_class, abs_tol=0.1) or math.isclose(value, per_class / 100, abs_tol=0.001):
        return wrong("That is the mean of the per-class accuracies; the classes have different sizes, so "
                     "it is not the share of images classified right (the mistake tutorial 001 makes per "
                     "batch).")
    if math.isclose(value, per_column, abs_tol=0.1):
        return wrong("That averages over the columns (predictions); count the right answers over all images.")
    if value == right_count:
        return wrong(f"{right_count:.0f} is the number of right answers; divide by the number of images.")
    if value == math.floor(accuracy):
        return wrong("Rounded down to a whole number, as tutorial 000's '%d %%' does; keep the decimal.")
    if math.isclose(value, 100 * counts[0, 0].item() / counts[0].sum().item(), abs_tol=0.1):
        return wrong("That is the accuracy of class 0 only; count the whole diagonal.")
    return wrong("Right answers are on the diagonal (true class = predicted class); divide their sum by the "
                 "sum of all the cells.")


# ---------------------------------------------------------------- 9.5 the checkpoint that is kept

EX5_VAL_ACCURACY = [0.912, 0.948, 0.961, 0.966, 0.966, 0.958, 0.955]
"""Validation accuracy after epochs 1 to 7 of ``fit(model, train, val, epochs=7, checkpoint="best.pt")``."""
EX5_TEST_ACCURACY = [0.909, 0.944, 0.958, 0.957, 0.960, 0.963, 0.959]
"""The test accuracy after each epoch of the same run: measured here for the lesson only, never to choose."""
EX5_TRAIN_LOSS = [0.61, 0.19, 0.12, 0.09, 0.07, 0.05, 0.04]


def ex9_5(answer: Any) -> Feedback:
    """The epoch whose weights ``best.pt`` holds: the validation record (``EX5_VAL_ACCURACY``)."""
    if (missing := unanswered(answer)) is not None:
        return missing
    value = as_int(answer)
    epochs = len(EX5_VAL_ACCURACY)
    if value is None:
        return wrong(f"Answer with an epoch number (1 to {epochs}), got {answer!r}.")
    best = max(range(epochs), key=lambda index: EX5_VAL_ACCURACY[index]) + 1
    test_best = max(range(epochs), key=lambda index: EX5_TEST_ACCURACY[index]) + 1
    if value == best:
        return right(f"Epoch {best} set the validation record ({EX5_VAL_ACCURACY[best - 1]:.1%}); epoch "
                     f"{best + 1} only tied it. Its test accuracy, {EX5_TEST_ACCURACY[best - 1]:.1%}, is the "
                     f"number to report, lower than the test peak ({EX5_TEST_ACCURACY[test_best - 1]:.1%}, "
                     f"epoch {test_best}), which only looking at the test data could have found.")
    hints = {
        test_best: f"Epoch {test_best} has the highest *test* accuracy, but the test data choose nothing: "
                   "fit keeps the best epoch on the validation data, so that the test accuracy stays honest.",
        epochs: f"Epoch {epochs} is the last epoch, not the best one: fit saves when the validation "
                "accuracy sets a new record.",
        best + 1: f"Epoch {best + 1} only equals the record; fit saves when an epoch beats all earlier ones.",
        best - 1: "Epochs count from 1 but list positions from 0: did you give a position in the list?",
    }
    if value < 1 or value > epochs:
        return wrong(f"The run has epochs 1 to {epochs}.")
    return wrong(hints.get(value, "fit keeps the epoch with the highest validation accuracy; neither the "
                                  "training loss nor the test accuracy decides."))


# ---------------------------------------------------------------- 9.6 StepLR


def ex9_6(answer: Any) -> Feedback:
    """The learning rate in epoch 25 with tutorial 001's SGD(lr=1e-3) and StepLR(step_size=10, gamma=0.1)."""
    if (missing := unanswered(answer)) is not None:
        return missing
    value = as_number(answer)
    if value is None:
        return wrong(f"Answer with a number such as 0.01 or 1e-2, got {answer!r}.")
    answer = value
    if answer <= 0:
        return wrong("A learning rate is positive; StepLR multiplies it by 0.1, it never subtracts.")

    def near(x: float) -> bool:
        return math.isclose(answer, x, rel_tol=1e-6)

    if near(1e-5):
        return right("Epochs 1–10 run at 1e-3, 11–20 at 1e-4, 21–30 at 1e-5: two drops before epoch 25.")
    if near(1e-4):
        return wrong("One drop too few: the rate falls after epoch 10 and again after epoch 20.")
    if near(1e-6):
        return wrong("One drop too many: the third drop comes after epoch 30.")
    if near(1e-3):
        return wrong("That is the starting rate; StepLR multiplies it by gamma = 0.1 every 10 epochs. "
                     "(In tutorial 001 itself it does stay 1e-3: the tutorial never calls "
                     "lr_scheduler.step().)")
    return wrong("Start at 1e-3 and multiply by 0.1 at the end of every 10th epoch.")


# ---------------------------------------------------------------- 9.7–9.11 reading curves, finding bugs

ex9_7 = checker(QUESTIONS["ex9_7"],
                "Reading curves: what a falling training and a rising validation loss mean.")
ex9_8 = checker(QUESTIONS["ex9_8"], "Reading curves: a training loss that explodes to nan.")
ex9_9 = checker(QUESTIONS["ex9_9"], "Find the bug: a softmax before nn.CrossEntropyLoss.")
ex9_10 = checker(QUESTIONS["ex9_10"], "Find the bug: images and labels shuffled with different permutations.")
ex9_11 = checker(QUESTIONS["ex9_11"],
                 "Find the bug: evaluation without model.eval() in a model with dropout.")
