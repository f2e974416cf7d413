"""Chapter 10 exercises: learned filters, Fashion-MNIST's confusions, feature maps, augmentation.

``FASHION_CONFUSION`` is a real confusion matrix: LeNet-5 trained with ``fit``'s defaults
for 10 epochs on all 60,000 Fashion-MNIST training images, tested on the 10,000 test
images (90.64% right). Rows are true classes, columns predicted classes.

>>> from cnnlab.exercises import ch10 as check
>>> print(check.ex10_1((16, 6, 5, 5)))
✅ Right! 16 filters, each with one 5×5 kernel per channel of conv1's 6 maps: (16, 6, 5, 5).
>>> print(check.ex10_3((1, 16, 5, 5)))
❌ Not yet. 5×5 is the size after the second pooling; conv2's own output is larger.
"""

from __future__ import annotations

from typing import Any

import torch

from cnnlab.exercises import Feedback, as_choice, as_shape, right, unanswered, wrong
from cnnlab.exercises.questions import QUESTIONS
from cnnlab.exercises.quick import checker

FASHION_CLASSES = ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
                   "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"]
FASHION_CONFUSION = [
    [866, 0, 17, 12, 3, 2, 92, 0, 8, 0],
    [1, 977, 1, 14, 3, 0, 2, 0, 2, 0],
    [17, 1, 857, 9, 56, 0, 59, 0, 1, 0],
    [16, 7, 11, 903, 29, 0, 31, 0, 3, 0],
    [1, 1, 57, 31, 856, 0, 54, 0, 0, 0],
    [0, 0, 0, 0, 0, 971, 0, 21, 0, 8],
    [121, 1, 61, 23, 59, 0, 720, 0, 15, 0],
    [0, 0, 0, 0, 0, 9, 0, 975, 0, 16],
    [2, 1, 0, 6, 4, 2, 4, 3, 977, 1],
    [0, 0, 0, 0, 0, 7, 0, 31, 0, 962],
]


def ex10_1(answer: Any) -> Feedback:
    """The shape of ``LeNet5().backbone.conv2.weight``: (out_channels, in_channels, height, width)."""
    if (missing := unanswered(answer)) is not None:
        return missing
    shape = as_shape(answer)
    if shape is None:
        return wrong(f"Answer with a tuple of four numbers, e.g. (1, 2, 3, 4); got {answer!r}.")
    if shape == (16, 6, 5, 5):
        return right("16 filters, each with one 5×5 kernel per channel of conv1's 6 maps: (16, 6, 5, 5).")
    hints = {
        (6, 16, 5, 5): "In and out are swapped: a weight is (out_channels, in_channels, kH, kW).",
        (16, 5, 5): "Each filter also spans the input channels: one 5×5 kernel per map it reads.",
        (16, 1, 5, 5): "conv2 reads conv1's output, not the one-channel image: how many maps does conv1 "
                       "make?",
        (6, 1, 5, 5): "That is conv1's weight; the question is about conv2.",
        (16, 6, 10, 10): "10×10 is the size of conv2's output maps; the kernels are 5×5.",
        (16, 6, 3, 3): "LeNet-5's kernels are 5×5 in both convolutions.",
        (120, 16, 5, 5): "That is LeNet5Classic's C5 (120 filters); the question is about LeNet5's conv2.",
    }
    if shape in hints:
        return wrong(hints[shape])
    if len(shape) != 4:
        return wrong("A convolution weight has four dimensions: (out_channels, in_channels, height, width).")
    return wrong("Look at nn.Conv2d(6, 16, kernel_size=5): filters first, then the channels each filter "
                 "reads, then the kernel's height and width.")


def _class_index(name: Any) -> int | None:
    """A Fashion-MNIST class from its name (any case, 'T-shirt' or 'Ankle boot' style) or its index."""
    if isinstance(name, int) and not isinstance(name, bool):
        return name if 0 <= name < len(FASHION_CLASSES) else None
    if not isinstance(name, str):
        return None
    wanted = name.strip().lower().replace("_", " ").replace("-", " ")
    for index, class_name in enumerate(FASHION_CLASSES):
        full = class_name.lower().replace("-", " ")
        if wanted in (full, full.split("/")[0], full.replace(" ", "")):
            return index
    return None


def ex10_2(answer: Any) -> Feedback:
    """The pair of classes with the most mistakes between them (both directions) in ``FASHION_CONFUSION``."""
    if (missing := unanswered(answer)) is not None:
        return missing
    if isinstance(answer, str) or not isinstance(answer, tuple | list | set | frozenset) or len(answer) != 2:
        return wrong('Answer with two class names, e.g. ("Trouser", "Bag").')
    indices = [_class_index(name) for name in answer]
    if None in indices:
        unknown = [name for name, index in zip(answer, indices, strict=True) if index is None]
        return wrong(f"{unknown[0]!r} is not a Fashion-MNIST class; the classes are "
                     f"{', '.join(FASHION_CLASSES)}.")
    a, b = indices
    if a == b:
        return wrong("The diagonal holds the right answers; a confusion is between two different classes.")
    counts = torch.tensor(FASHION_CONFUSION)
    mistakes = counts - torch.diag(counts.diagonal())
    both = mistakes + mistakes.T
    best = int(both.argmax())
    first, second = divmod(best, len(FASHION_CLASSES))
    if {a, b} == {first, second}:
        return right(f"{FASHION_CLASSES[first]} and {FASHION_CLASSES[second]}: "
                     f"{mistakes[first, second].item()} + {mistakes[second, first].item()} = "
                     f"{both[first, second].item()} mistakes, the most of any pair. Both are tops with "
                     "sleeves; at 28×28 a collar or buttons are a few pixels.")
    return wrong(f"{FASHION_CLASSES[a]} ↔ {FASHION_CLASSES[b]}: {mistakes[a, b].item()} + "
                 f"{mistakes[b, a].item()} = {both[a, b].item()} mistakes. Another pair has more: add the "
                 "two cells of each pair, row A column B and row B column A.")


def ex10_3(answer: Any) -> Feedback:
    """The shape of ``LeNet5().backbone.conv2``'s output for one 28×28 image, as (N, C, H, W)."""
    if (missing := unanswered(answer)) is not None:
        return missing
    shape = as_shape(answer)
    if shape is None:
        return wrong(f"Answer with a tuple of four numbers (N, C, H, W); got {answer!r}.")
    if shape == (1, 16, 10, 10):
        return right("28 → conv1 (padding 2) 28 → pool 14 → conv2 (5×5, no padding) 14 − 5 + 1 = 10: "
                     "16 maps of 10×10.")
    hints = {
        (16, 10, 10): "Include the batch dimension N: one image is a batch of 1.",
        (1, 16, 5, 5): "5×5 is the size after the second pooling; conv2's own output is larger.",
        (1, 16, 14, 14): "conv2 has no padding: its 5×5 kernel makes the 14×14 maps smaller.",
        (1, 16, 9, 9): "One short: the formula ends with + 1 (the window's first position counts).",
        (1, 6, 10, 10): "That is conv1's channel count; conv2 makes one map per filter of its own.",
        (1, 16, 24, 24): "conv2 sees the pooled 14×14 maps, not the 28×28 image.",
        (1, 16, 28, 28): "conv2 sees the pooled 14×14 maps, and it has no padding.",
        (1, 6, 28, 28): "That is conv1's output; the question is about conv2.",
        (1, 16, 12, 12): "conv2's kernel is 5×5, with no padding: it loses k − 1 pixels across.",
    }
    return wrong(hints.get(shape, "Follow the image: conv1 (padding 2), max pooling 2×2, then conv2 "
                                  "(16 filters of 5×5, no padding); use ⌊(n + 2p − k) / s⌋ + 1."))


_TRANSFORM_NAMES = {
    "randomhorizontalflip": ["RandomHorizontalFlip", "horizontal flip", "flip horizontally", "hflip",
                             "horizontal flipping", "horizontal flips", "flipping horizontally", "mirror",
                             "mirroring", "mirror image", "left-right flip"],
    "randomverticalflip": ["RandomVerticalFlip", "vertical flip", "flip vertically", "vflip",
                           "upside down"],
    "randomrotation": ["RandomRotation", "rotation", "rotate", "tilt"],
    "randomaffine": ["RandomAffine", "affine", "shift", "translation", "translate"],
    "randomresizedcrop": ["RandomResizedCrop", "resized crop", "crop", "zoom", "random crop"],
}


def ex10_4(answer: Any) -> Feedback:
    """The augmentation from the chapter's list that teaches a digit network something false."""
    if (missing := unanswered(answer)) is not None:
        return missing
    # "v2.RandomAffine(degrees=0, …)" copied from the list, a transform object, or words
    name = as_choice(answer, _TRANSFORM_NAMES) or ""
    if name == "randomverticalflip":
        return wrong("An upside-down digit would teach something false too, but that transform is not one of "
                     "the four: which one of the list mirrors the image?")
    if name == "randomhorizontalflip":
        return right("Mirrored, a 2 is no longer a 2 anyone writes, and some digits take other digits' "
                     "shapes; for clothes (Fashion-MNIST) a horizontal flip is fine: a mirrored shoe is a "
                     "shoe.")
    hints = {
        "randomrotation": "A tilt of up to 10° is how people write anyway: it adds digits that could occur.",
        "randomaffine": "A shift of a few pixels keeps a digit the same digit: exactly what a CNN should "
                        "learn to ignore.",
        "randomresizedcrop": "A slight zoom (85–100% of the image) keeps the digit readable.",
    }
    if name in hints:
        return wrong(hints[name])
    return wrong("Pick one of the four transforms of the list: which one produces images that are no "
                 "longer what people write?")


ex10_5 = checker(QUESTIONS["ex10_5"],
                 "Transfer: what LeNet5 needs for 3-channel 32×32 photos (a, b, c or d).")
ex10_6 = checker(QUESTIONS["ex10_6"], "Explain-why: why augmentation raises test accuracy (a, b, c or d).")
