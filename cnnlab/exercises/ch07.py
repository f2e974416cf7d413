"""Chapter 7 exercises: counting parameters, a conv-BN-ReLU-pool block, a loss, an optimiser.

>>> from torch import nn
>>> from cnnlab.exercises import ch07 as check
>>> print(check.ex7_1(16 * 32 * 3 * 3))
❌ Not yet. The bias is missing: every filter (output channel) adds one bias.
>>> print(check.ex7_4(nn.MSELoss()))
✅ Right! A price is a number, not a class: a regression loss such as MSELoss compares numbers.
"""

from __future__ import annotations

from typing import Any

from torch import nn, optim

from cnnlab.exercises import Feedback, as_choice, right, run_model, unanswered, wrong
from cnnlab.exercises.ch05 import sentence
from cnnlab.exercises.questions import QUESTIONS, ex7_6_question
from cnnlab.exercises.quick import checker, feedback
from cnnlab.tracing import trace

ex7_1 = checker(QUESTIONS["ex7_1"], "The number of parameters of ``nn.Conv2d(16, 32, kernel_size=3)``.")


ex7_2 = checker(QUESTIONS["ex7_2"], "The number of learnable parameters of ``nn.BatchNorm2d(32)``.")


_ORDER = ("convolution", "batch norm", "ReLU", "pooling")


def _kind(row_type: str) -> str | None:
    """Which part of a conv-BN-ReLU-pool block a ``trace`` row is, if any."""
    lowered = row_type.lower()
    for word, kind in (("conv", "convolution"), ("batchnorm", "batch norm"), ("relu", "ReLU"),
                       ("pool", "pooling")):
        if word in lowered:
            return kind
    return None


def ex7_3(answer: Any) -> Feedback:
    """A block conv → BatchNorm → ReLU → pool that maps (1, 16, 14, 14) to (1, 32, 7, 7)."""
    if (missing := unanswered(answer)) is not None:
        return missing
    run = run_model(answer, (1, 16, 14, 14))
    if run.problem is not None:
        return wrong(sentence(run.problem))
    shape = run.shape
    assert shape is not None
    if len(shape) != 4:
        return wrong(f"The block must keep the (N, C, H, W) layout, but gives {shape}: no Flatten here.")
    if shape[1] != 32:
        return wrong(f"The block gives {shape[1]} channels: the convolution's out_channels sets them (32).")
    if shape[2:] == (14, 14):
        return wrong("The size stays 14×14: the block needs a pooling layer that halves it.")
    if shape[2:] != (7, 7):
        return wrong(f"The block gives {shape[2]}×{shape[3]}. The convolution should keep 14×14 "
                     "(padding (k − 1) / 2 on each side) and the pooling halve it.")
    rows = [(kind, row) for row in trace(answer, (1, 16, 14, 14)).rows if (kind := _kind(row.type))]
    kinds = [kind for kind, _ in rows]
    missing_parts = [part for part in _ORDER if part not in kinds]
    if missing_parts:
        return wrong(f"The shape is right, but the block has no {' and no '.join(missing_parts)}.")
    if [kind for kind in kinds if kind in _ORDER][:4] != list(_ORDER):
        return wrong(f"The shape is right, but the order is {' → '.join(kinds)}; the task asks for "
                     "convolution → batch norm → ReLU → pooling, as in tutorial 004's blocks.")
    conv = next(row for kind, row in rows if kind == "convolution")
    kernel = tuple(conv.settings.get("kernel_size", ()))
    if kernel != (3, 3):
        return wrong(f"The shape is right, but the convolution's kernel is {'×'.join(map(str, kernel))}; "
                     "the task asks for 3×3 (with the padding that keeps 14×14).")
    pool = next(row for kind, row in rows if kind == "pooling")
    if "max" not in pool.type.lower():
        return wrong(f"The shape and order are right, but the pooling is {pool.type}: the task asks for max "
                     "pooling, which keeps the strongest response of each window.")
    return right(f"(1, 16, 14, 14) → conv {_size(conv.output_shape)} with 32 channels → BN → ReLU → "
                 f"pool {_size(pool.output_shape)} → (1, 32, 7, 7).")


def _size(shape: tuple[int, ...] | None) -> str:
    return f"{shape[-2]}×{shape[-1]}" if shape else "?"


_REGRESSION = (nn.MSELoss, nn.L1Loss, nn.SmoothL1Loss, nn.HuberLoss)
_LOSS_NAMES = {
    **{name: [name.removesuffix("Loss")] for name in dir(nn) if name.endswith("Loss") and name[0].isupper()},
    "MSELoss": ["MSE", "mean squared error", "mean squared error loss", "squared error", "L2 loss", "L2"],
    "L1Loss": ["L1", "mean absolute error", "mean absolute error loss", "MAE", "absolute error"],
    "HuberLoss": ["Huber"],
    "CrossEntropyLoss": ["cross entropy", "CE"],
}


def ex7_4(answer: Any) -> Feedback:
    """A loss for predicting a price (a number) from a photo: an ``nn`` loss, class or instance."""
    if (missing := unanswered(answer)) is not None:
        return missing
    if isinstance(answer, str):
        named = as_choice(answer, _LOSS_NAMES)
        if named is None:
            return wrong(f"{answer!r} is not a loss of torch.nn; answer with one, e.g. nn.SomethingLoss().")
        answer = getattr(nn, named)
    loss = answer if isinstance(answer, type) else type(answer)
    if not issubclass(loss, nn.Module) or not loss.__name__.endswith("Loss"):
        return wrong("Answer with a loss from torch.nn, e.g. nn.SomethingLoss().")
    if issubclass(loss, _REGRESSION):
        return right("A price is a number, not a class: a regression loss such as "
                     f"{loss.__name__} compares numbers.")
    if issubclass(loss, (nn.CrossEntropyLoss, nn.NLLLoss)):
        return wrong(f"{loss.__name__} is for classification: it wants one score per class and a class "
                     "index as the target. A price is a number.")
    if issubclass(loss, (nn.BCELoss, nn.BCEWithLogitsLoss)):
        return wrong(f"{loss.__name__} is for yes/no questions (probabilities); a price is any number.")
    return wrong(f"{loss.__name__} is not the usual choice here: which loss measures how far one number "
                 "is from another?")


def ex7_5(answer: Any) -> Feedback:
    """An SGD optimiser for ``MnistNet()``: learning rate 0.01, momentum 0.9, L2 regularisation 5e-4."""
    if (missing := unanswered(answer)) is not None:
        return missing
    if isinstance(answer, type):
        return wrong("That is the class; create the optimiser: optim.SGD(model.parameters(), ...).")
    if not isinstance(answer, optim.Optimizer):
        return wrong(f"Expected an optimiser from torch.optim, got {type(answer).__name__}.")
    if not isinstance(answer, optim.SGD):
        return wrong(f"That is {type(answer).__name__}; the task asks for plain SGD with momentum.")
    group = answer.param_groups[0]
    count = sum(p.numel() for group in answer.param_groups for p in group["params"])
    if count != 8490:
        return wrong(f"The optimiser holds {count:,} numbers, but MnistNet has 8,490: "
                     "give it model.parameters().")
    if group["lr"] != 0.01:
        return wrong(f"The learning rate is {group['lr']:g}; the task asks for 0.01 (lr=0.01).")
    if group.get("momentum", 0) != 0.9:
        return wrong(f"momentum is {group.get('momentum', 0)}; the task asks for 0.9.")
    if group.get("weight_decay", 0) == 0:
        return wrong("There is no L2 regularisation yet: in PyTorch's optimisers it is called weight_decay.")
    if group["weight_decay"] != 5e-4:
        return wrong(f"weight_decay is {group['weight_decay']}; the task asks for 5e-4.")
    return right("SGD at lr 0.01 with momentum 0.9; weight_decay=5e-4 adds 5e-4 · w to every gradient, "
                 "the L2 penalty.")


def ex7_6(answer: Any, name: str = "") -> Feedback:
    """Cost: the multiply-adds of one convolution for one image; ``name`` picks your numbers.

    Print the question first: ``print(check.ex7_6_question("your name").prompt)``.
    """
    return feedback(ex7_6_question(name), answer)


def ex7_7(answer: Any) -> Feedback:
    """Transfer: a CNN for 3-channel 32×32 images (CIFAR-10) with 10 scores, two convolutions or more."""
    if (missing := unanswered(answer)) is not None:
        return missing
    run = run_model(answer, (1, 3, 32, 32))
    if run.problem is not None:
        return wrong(sentence(run.problem))
    if run.shape != (1, 10):
        return wrong(f"One image should give (1, 10), a score per class; your model gives {run.shape}.")
    convolutions = [module for module in answer.modules() if isinstance(module, nn.Conv2d)]
    if len(convolutions) < 2:
        return wrong(f"The model runs, but it has {len(convolutions)} convolution(s): the task asks for at "
                     "least two, so that later filters combine the features of earlier ones.")
    linears = [module for module in answer.modules() if isinstance(module, nn.Linear)]
    reach = f"; {linears[0].in_features} features reach the first Linear layer" if linears else ""
    return right(f"A (N, 3, 32, 32) batch becomes (N, 10) in train and eval mode: {len(convolutions)} "
                 f"convolutions, conv1 reading {convolutions[0].in_channels} channels{reach}; "
                 f"{sum(p.numel() for p in answer.parameters()):,} parameters.")
