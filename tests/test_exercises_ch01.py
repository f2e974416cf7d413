"""Chapter 1's checkers: right answers (computed with torch), each anticipated slip, ``...``, wrong types."""

import pytest
import torch
from torchvision.transforms import v2

from cnnlab.exercises import ch01 as check


def _is_hint(feedback, words: str) -> bool:
    return not feedback.correct and words in feedback.message


def test_ex1_1_batch_shape():
    batch = torch.zeros(64, 3, 32, 32)
    assert check.ex1_1(batch.shape)
    assert check.ex1_1((64, 3, 32, 32)) and check.ex1_1([64, 3, 32, 32])
    assert _is_hint(check.ex1_1((64, 32, 32, 3)), "channels-last")
    assert _is_hint(check.ex1_1((3, 64, 32, 32)), "batch dimension comes first")
    assert _is_hint(check.ex1_1((3, 32, 32)), "ONE image")
    assert _is_hint(check.ex1_1((64, 1, 32, 32)), "grayscale")
    assert _is_hint(check.ex1_1((64, 32, 32)), "missing")
    assert _is_hint(check.ex1_1((64, 3, 28, 28)), "(N, C, H, W)")


def test_ex1_2_channels_last_strides():
    x = torch.zeros(64, 3, 32, 32)
    assert check.ex1_2(x.to(memory_format=torch.channels_last).stride())
    assert _is_hint(check.ex1_2(x.stride()), "contiguous channels-first")
    assert _is_hint(check.ex1_2((64, 3, 32, 32)), "That is the shape")
    assert _is_hint(check.ex1_2((3072, 96, 3, 1)), "wrong order")
    assert _is_hint(check.ex1_2((3072, 1, 3, 96)), "swapped")
    assert _is_hint(check.ex1_2((1, 2, 3, 4)), "Picture the memory")


def test_ex1_3_normalised_black_pixel():
    pipeline = v2.Compose([v2.ToImage(), v2.ToDtype(torch.float32, scale=True),
                           v2.Normalize((0.1307,), (0.3081,))])
    value = pipeline(torch.zeros(1, 1, 1, dtype=torch.uint8)).item()
    assert check.ex1_3(value) and check.ex1_3(round(value, 3)) and check.ex1_3(torch.tensor(value))
    assert _is_hint(check.ex1_3(0), "ToTensor()")
    assert _is_hint(check.ex1_3(-0.1307), "divide by the standard deviation")
    assert _is_hint(check.ex1_3(-0.137 / 0.3081), "typo")
    assert _is_hint(check.ex1_3(-1), "[−1, 1]")
    assert _is_hint(check.ex1_3(0.4242), "sign")
    assert _is_hint(check.ex1_3(0.7), "Two steps")


def test_ex1_4_bytes():
    images = torch.zeros(60_000, 1, 28, 28)
    assert check.ex1_4(images.numel() * images.element_size())
    assert _is_hint(check.ex1_4(47_040_000), "uint8")
    assert _is_hint(check.ex1_4(376_320_000), "float64")
    assert _is_hint(check.ex1_4(564_480_000), "grayscale")
    assert _is_hint(check.ex1_4(94_080_000), "float16")
    assert _is_hint(check.ex1_4(3136), "one image")
    assert _is_hint(check.ex1_4(1), "Count the values")


@pytest.mark.parametrize("exercise", [check.ex1_1, check.ex1_2, check.ex1_3, check.ex1_4])
def test_unanswered_and_wrong_types(exercise):
    assert "Replace the ..." in exercise(...).message
    for bad in ("abc", object(), [1, "x"], None, True):
        feedback = exercise(bad)
        assert not feedback and feedback.message
