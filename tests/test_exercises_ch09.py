"""Chapter 9's checkers: right answers pass, each typical slip gets its own hint, nothing raises."""

from __future__ import annotations

import math

import pytest
import torch

from cnnlab.exercises import ch09
from cnnlab.history import EpochStats, History
from cnnlab.plots import confusion_matrix


def test_ex9_1_accepts_apples_gpu_in_every_spelling() -> None:
    for answer in ("mps", "MPS", " mps ", "mps:0", torch.device("mps")):
        assert ch09.ex9_1(answer), answer


@pytest.mark.parametrize(("answer", "hint"), [
    ("cuda", "NVIDIA"), ("cuda:0", "NVIDIA"), ("gpu", "no device called 'gpu'"), ("metal", "three letters"),
    ("cpu", "GPU idle"), ("xla", "not a device PyTorch knows"), (3, "the string you would pass"),
])
def test_ex9_1_hints(answer, hint) -> None:
    feedback = ch09.ex9_1(answer)
    assert not feedback and hint in feedback.message


def test_ex9_2_right_answer_is_the_number_of_batches_torch_makes() -> None:
    loader = torch.utils.data.DataLoader(range(60_000), batch_size=64)
    assert ch09.ex9_2(len(loader))
    assert ch09.ex9_2("938")


@pytest.mark.parametrize(("answer", "hint"), [
    (937, "rounds down"), (937.5, "whole number"), (60_000, "one step per image"), (64, "batch size"),
    (60_000 * 64, "Divide, do not multiply"), (235, "default batch of 256"), (63, "4,000-image sample"),
    (157, "test set"), (100, "count the batches"),
])
def test_ex9_2_hints(answer, hint) -> None:
    feedback = ch09.ex9_2(answer)
    assert not feedback and hint in feedback.message


# ---------------------------------------------------------------- ex9_3: training steps, right and wrong


def step_zero_backward_step(model, images, labels, loss_fn, optimizer):
    loss = loss_fn(model(images), labels)
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
    return loss


def step_zero_at_the_end(model, images, labels, loss_fn, optimizer):
    loss_fn(model(images), labels).backward()
    optimizer.step()
    optimizer.zero_grad()


def step_model_zero_grad(model, images, labels, loss_fn, optimizer):
    model.zero_grad()
    loss_fn(model(images), labels).backward()
    optimizer.step()


def step_without_zero_grad(model, images, labels, loss_fn, optimizer):
    loss_fn(model(images), labels).backward()
    optimizer.step()


def step_zero_grad_between(model, images, labels, loss_fn, optimizer):
    loss_fn(model(images), labels).backward()
    optimizer.zero_grad()
    optimizer.step()


def step_without_step(model, images, labels, loss_fn, optimizer):
    optimizer.zero_grad()
    loss_fn(model(images), labels).backward()


def step_without_backward(model, images, labels, loss_fn, optimizer):
    optimizer.zero_grad()
    loss_fn(model(images), labels)
    optimizer.step()


def step_before_backward(model, images, labels, loss_fn, optimizer):
    optimizer.zero_grad()
    optimizer.step()
    loss_fn(model(images), labels).backward()


def step_twice(model, images, labels, loss_fn, optimizer):
    optimizer.zero_grad()
    loss_fn(model(images), labels).backward()
    optimizer.step()
    optimizer.step()


def the_notebook_stub(model, images, labels, loss_fn, optimizer):
    scores = model(images)
    loss = loss_fn(scores, labels)
    ...  # the learner's lines go here
    return loss


def step_with_swapped_loss_arguments(model, images, labels, loss_fn, optimizer):
    optimizer.zero_grad()
    loss_fn(labels, model(images)).backward()
    optimizer.step()


def step_uphill(model, images, labels, loss_fn, optimizer):
    optimizer.zero_grad()
    (-loss_fn(model(images), labels)).backward()
    optimizer.step()


def step_with_four_arguments(model, images, labels, loss_fn):
    pass


@pytest.mark.parametrize("train_step", [step_zero_backward_step, step_zero_at_the_end, step_model_zero_grad])
def test_ex9_3_accepts_correct_steps(train_step) -> None:
    feedback = ch09.ex9_3(train_step)
    assert feedback and "the loss fell" in feedback.message


@pytest.mark.parametrize(("train_step", "hint"), [
    (step_without_zero_grad, "Gradients pile up"),
    (step_zero_grad_between, "erases the gradients just computed"),
    (step_without_step, "nothing calls optimizer.step()"),
    (step_without_backward, "call loss.backward()"),
    (step_before_backward, "step() comes before loss.backward()"),
    (step_twice, "once each in every training step"),
    (the_notebook_stub, "Replace the ... with the missing lines"),
    (step_with_swapped_loss_arguments, "A loss takes (scores, labels)"),
    (step_uphill, "the loss went from"),
    (step_with_four_arguments, "five arguments"),
    (torch.tensor(0.5), "no parentheses"),  # what train_step(...) returns, not train_step itself
])
def test_ex9_3_hints(train_step, hint) -> None:
    feedback = ch09.ex9_3(train_step)
    assert not feedback and hint in feedback.message


def test_ex9_3_leaves_no_trace_between_calls() -> None:
    """Each check builds a fresh problem: a wrong answer first does not spoil a right one after."""
    assert not ch09.ex9_3(step_without_zero_grad)
    assert ch09.ex9_3(step_zero_backward_step)


# ---------------------------------------------------------------- ex9_4: accuracy from a confusion matrix


def test_ex9_4_right_answer_matches_a_confusion_matrix_built_by_cnnlab() -> None:
    counts = torch.tensor(ch09.EX4_CONFUSION)
    labels = torch.repeat_interleave(torch.arange(3).repeat_interleave(3), counts.flatten())
    predicted = torch.repeat_interleave(torch.arange(3).repeat(3), counts.flatten())
    assert confusion_matrix(labels, predicted, num_classes=3).tolist() == ch09.EX4_CONFUSION
    accuracy = (labels == predicted).float().mean().item()
    assert ch09.ex9_4(100 * accuracy)
    assert ch09.ex9_4(accuracy)
    assert ch09.ex9_4(f"{100 * accuracy}%")


@pytest.mark.parametrize(("answer", "hint"), [
    (86.8, "mean of the per-class accuracies"), (0.868, "mean of the per-class accuracies"),
    (86.6, "over the columns"), (175, "number of right answers"), (87, "'%d %%'"),
    (90.9, "class 0 only"), (50, "on the diagonal"), ("x", "a number"), (True, "a number"),
])
def test_ex9_4_hints(answer, hint) -> None:
    feedback = ch09.ex9_4(answer)
    assert not feedback and hint in feedback.message


# ---------------------------------------------------------------- ex9_5: which epoch fit keeps


def test_ex9_5_right_answer_is_what_fits_history_calls_best() -> None:
    history = History()
    saved = None
    epochs = zip(ch09.EX5_VAL_ACCURACY, ch09.EX5_TRAIN_LOSS, strict=True)
    for epoch, (accuracy, loss) in enumerate(epochs, start=1):
        history.append(EpochStats(epoch, loss, 0.9, loss, accuracy, 1e-3, 1.0, 1000.0))
        if history.best() is history[-1]:  # the rule fit uses to save a checkpoint
            saved = epoch
    assert saved == history.best().epoch == 4
    assert ch09.ex9_5(saved)
    assert not ch09.ex9_5(len(history))
    test_peak = max(range(7), key=lambda i: ch09.EX5_TEST_ACCURACY[i]) + 1
    assert test_peak != saved  # the exercise is about the difference


@pytest.mark.parametrize(("answer", "hint"), [
    (6, "highest *test* accuracy"), (7, "last epoch"), (5, "only equals the record"),
    (3, "list positions from 0"), (1, "highest validation accuracy"), (0, "epochs 1 to 7"),
    (8, "epochs 1 to 7"), ("five", "an epoch number"),
])
def test_ex9_5_hints(answer, hint) -> None:
    feedback = ch09.ex9_5(answer)
    assert not feedback and hint in feedback.message


# ---------------------------------------------------------------- ex9_6: StepLR


def test_ex9_6_right_answer_is_what_steplr_does() -> None:
    optimizer = torch.optim.SGD([torch.nn.Parameter(torch.zeros(1))], lr=1e-3, momentum=0.9)
    scheduler = torch.optim.lr_scheduler.StepLR(optimizer, step_size=10, gamma=0.1)
    rates = []
    for _ in range(30):
        rates.append(optimizer.param_groups[0]["lr"])  # the rate used during this epoch
        optimizer.step()
        scheduler.step()
    assert ch09.ex9_6(rates[25 - 1])
    assert math.isclose(rates[25 - 1], 1e-5)
    assert ch09.ex9_6("1e-5")


@pytest.mark.parametrize(("answer", "hint"), [
    (1e-4, "One drop too few"), (1e-6, "One drop too many"), (1e-3, "never calls lr_scheduler.step()"),
    (0, "positive"), (0.5, "multiply by 0.1"), ("fast", "a number"),
])
def test_ex9_6_hints(answer, hint) -> None:
    feedback = ch09.ex9_6(answer)
    assert not feedback and hint in feedback.message


# ---------------------------------------------------------------- every checker
