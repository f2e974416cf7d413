"""Chapter 8 exercises: LeNet-5's C5, its parameters, and LeNet-5 for 32×32 images.

>>> from torch import nn
>>> from cnnlab.exercises import ch08 as check
>>> print(check.ex8_1(nn.Conv2d(16, 120, kernel_size=5)))
✅ Right! A 5×5 kernel on a 5×5 map fits exactly once: (1, 16, 5, 5) → (1, 120, 1, 1).
>>> print(check.ex8_2(400))
❌ Not yet. 400 = 16 · 5 · 5 is the size for 28×28 images; follow a 32×32 image through the layers.
"""

from __future__ import annotations

from typing import Any

from torch import nn

from cnnlab.exercises import Feedback, right, run_model, unanswered, wrong
from cnnlab.exercises.ch05 import sentence
from cnnlab.exercises.questions import QUESTIONS
from cnnlab.exercises.quick import checker
from cnnlab.models import count_parameters


def ex8_1(answer: Any) -> Feedback:
    """LeNet5Classic's C5: a layer that maps (1, 16, 5, 5) to (1, 120, 1, 1) by convolution."""
    if (missing := unanswered(answer)) is not None:
        return missing
    if isinstance(answer, nn.Linear):
        return wrong("A Linear layer is the modern LeNet-5's fc1; the classic C5 is a convolution, so "
                     "that it keeps the (N, C, H, W) layout.")
    run = run_model(answer, (1, 16, 5, 5))
    if run.problem is not None:
        return wrong(sentence(run.problem))
    convolutions = [module for module in answer.modules() if isinstance(module, nn.Conv2d)]
    if not convolutions:
        return wrong("C5 is a convolution: build it with nn.Conv2d.")
    shape = run.shape
    assert shape is not None
    if len(shape) != 4 or shape[1] != 120:
        return wrong(f"The layer gives {shape}; C5 has 120 filters, so 120 output channels.")
    if shape[2:] == (5, 5):
        return wrong("The output is still 5×5: C5 has no padding, its window covers the whole map.")
    if shape[2:] != (1, 1):
        return wrong(f"The output is {shape[2]}×{shape[3]}: the kernel must be as large as the 5×5 map, "
                     "so that it fits exactly once.")
    pooling = [module for module in answer.modules() if "Pool" in type(module).__name__]
    if len(convolutions) != 1 or convolutions[0].kernel_size != (5, 5) or pooling:
        return wrong("The shape is right, but C5 is one convolution whose 5×5 kernel covers the whole map: "
                     "a single nn.Conv2d, no pooling or extra layers.")
    return right("A 5×5 kernel on a 5×5 map fits exactly once: (1, 16, 5, 5) → (1, 120, 1, 1).")


ex8_2 = checker(QUESTIONS["ex8_2"],
                "The flattened size after ``Backbone`` (tutorial 002's LeNet-5) for a 32×32 image.")


def ex8_3(answer: Any) -> Feedback:
    """A LeNet-5 that maps a (N, 1, 32, 32) batch to (N, 10) scores and is still LeNet-5."""
    if (missing := unanswered(answer)) is not None:
        return missing
    run = run_model(answer, (1, 1, 32, 32))
    if run.problem is not None:
        return wrong(sentence(run.problem))
    if run.shape != (1, 10):
        return wrong(f"One 32×32 image should give (1, 10): ten scores. The model gives {run.shape}.")
    convolutions = [module for module in answer.modules() if isinstance(module, nn.Conv2d)]
    shapes = [(conv.in_channels, conv.out_channels, conv.kernel_size) for conv in convolutions]
    if shapes != [(1, 6, (5, 5)), (6, 16, (5, 5))]:
        return wrong("The model runs, but it is no longer LeNet-5: keep its two convolutions, 6 and then 16 "
                     "filters of 5×5.")
    linears = [module for module in answer.modules() if isinstance(module, nn.Linear)]
    if [linear.out_features for linear in linears] != [120, 84, 10]:
        return wrong("The model runs, but it is no longer LeNet-5: keep its three linear layers "
                     "(120, 84 and 10 outputs).")
    extra = [type(module).__name__ for module in answer.modules()
             if "Adaptive" in type(module).__name__ or "Upsample" in type(module).__name__]
    if extra:
        return wrong(f"The model runs, but {extra[0]} is not part of LeNet-5: change a setting of an "
                     "existing layer instead of adding one.")
    features = linears[0].in_features
    parameters = f"{count_parameters(answer):,} parameters"
    if convolutions[0].padding in ((0, 0), "valid"):
        return right(f"conv1 without padding shrinks a 32×32 image to 28×28, exactly as in LeCun's original; "
                     f"fc1 still gets {features} inputs ({parameters}).")
    return right(f"fc1 now takes {features} inputs, the flattened 32×32 image's features ({parameters}). "
                 "(LeCun's own fix keeps fc1 at 400 inputs: conv1 without padding turns 32×32 into 28×28.)")


ex8_4 = checker(
    QUESTIONS["ex8_4"],
    "The number of parameters of LeNet5Classic's C5, ``nn.Conv2d(16, 120, kernel_size=5)``.")


ex8_5 = checker(QUESTIONS["ex8_5"],
                "Transfer: the first layer of LeNet5 that fails on a (1, 3, 32, 32) photo.")
