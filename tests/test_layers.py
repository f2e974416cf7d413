"""cnnlab.layers: the from-scratch layers give torch's numbers, and the seeds' worked examples."""

from __future__ import annotations

import pytest
import torch
import torch.nn.functional as F
from hypothesis import given, settings
from hypothesis import strategies as st

from cnnlab.layers import avg_pool2d, conv2d, corr2d, max_pool2d

SEED_INPUT = torch.tensor([3, 4, 6, 5, 7,
                           2, 4, 6, 8, 2,
                           1, 6, 7, 8, 4,
                           9, 7, 4, 6, 2,
                           3, 7, 5, 4, 1], dtype=torch.float32).view(1, 1, 5, 5)
SEED_KERNEL = torch.arange(1, 10, dtype=torch.float32).view(1, 1, 3, 3)
POOL_INPUT = torch.tensor([3, 4, 6, 5,
                           2, 4, 6, 8,
                           1, 6, 7, 8,
                           9, 7, 4, 6], dtype=torch.float32).view(1, 1, 4, 4)
SMALL_INPUT = torch.tensor([3, 4, 2, 4], dtype=torch.float32).view(1, 1, 2, 2)
BIG_KERNEL = torch.arange(25, dtype=torch.float32).view(1, 1, 5, 5)


def both_convolutions(X, weight, **kwargs):
    """The from-scratch result and torch's, for the same arguments."""
    return conv2d(X, weight, **kwargs), F.conv2d(X, weight, **kwargs)


def assert_both_equal(results, expected):
    expected = torch.tensor(expected, dtype=torch.float32)
    for result in results:
        torch.testing.assert_close(result.squeeze(0).squeeze(0), expected, rtol=0, atol=1e-5)


# ---------------------------------------------------------------- the seeds' worked examples


def test_seed_padding_1_keeps_the_5x5_size():
    assert_both_equal(both_convolutions(SEED_INPUT, SEED_KERNEL, padding=1),
                      [[91, 168, 224, 215, 127], [114, 211, 295, 262, 149], [192, 259, 282, 214, 122],
                       [194, 251, 253, 169, 86], [96, 112, 110, 68, 31]])


def test_seed_stride_2():
    assert_both_equal(both_convolutions(SEED_INPUT, SEED_KERNEL, stride=2), [[211, 262], [251, 169]])


@pytest.mark.parametrize("padding", [0, 1])
def test_seed_kernel_larger_than_input_is_refused_by_both(padding):
    with pytest.raises(RuntimeError, match="Kernel size can't be greater than actual input size"):
        F.conv2d(SMALL_INPUT, BIG_KERNEL, padding=padding)
    padded = 2 + 2 * padding
    with pytest.raises(ValueError, match=rf"kernel 5 is larger than the padded input 2 \+ 2·{padding} = "
                                         rf"{padded}; use padding ≥ 2"):
        conv2d(SMALL_INPUT, BIG_KERNEL, padding=padding)


@pytest.mark.parametrize("padding", [2, "same"])
def test_seed_kernel_5_on_2x2_with_padding_2_or_same(padding):
    assert_both_equal(both_convolutions(SMALL_INPUT, BIG_KERNEL, padding=padding), [[194, 181], [129, 116]])


def test_seed_padding_3_makes_the_output_larger_than_the_input():
    assert_both_equal(both_convolutions(SMALL_INPUT, BIG_KERNEL, padding=3),
                      [[272, 259, 246, 233], [207, 194, 181, 168], [142, 129, 116, 103], [77, 64, 51, 38]])


def test_seed_max_pooling():
    assert_both_equal([max_pool2d(POOL_INPUT, 2), F.max_pool2d(POOL_INPUT, 2)], [[4, 8], [9, 8]])


def test_seed_max_pooling_odd_input_drops_the_last_row_and_column():
    odd = torch.tensor([3, 4, 6, 2, 4, 6, 1, 6, 7], dtype=torch.float32).view(1, 1, 3, 3)
    assert_both_equal([max_pool2d(odd, 2), F.max_pool2d(odd, 2)], [[4]])
    assert_both_equal([max_pool2d(odd, 2, stride=1), F.max_pool2d(odd, 2, stride=1)], [[4, 6], [6, 7]])


def test_seed_average_pooling():
    assert_both_equal([avg_pool2d(POOL_INPUT, 2), F.avg_pool2d(POOL_INPUT, 2)], [[3.25, 6.25], [5.75, 6.25]])


def test_seed_001_multiply_and_add_gives_15():
    X = torch.tensor([[1, 2, 3, 0], [0, 1, 2, 3], [3, 0, 1, 2], [2, 3, 0, 1]], dtype=torch.float32)
    K = torch.tensor([[2, 0, 1], [0, 1, 2], [1, 0, 2]], dtype=torch.float32)
    expected = [[15, 16], [6, 15]]
    assert (1 * 2 + 2 * 0 + 3 * 1 + 0 * 0 + 1 * 1 + 2 * 2 + 3 * 1 + 0 * 0 + 1 * 2) == 15
    assert_both_equal([corr2d(X, K), *both_convolutions(X.view(1, 1, 4, 4), K.view(1, 1, 3, 3))], expected)


# ---------------------------------------------------------------- equal to torch on random inputs


CONV_CASES = [  # (N, C_in, C_out, H, W, kernel, stride, padding, dilation, bias)
    (1, 1, 1, 5, 5, 3, 1, 0, 1, False),
    (2, 3, 4, 9, 11, 3, 1, 1, 1, True),
    (3, 2, 5, 8, 7, (3, 2), (2, 1), (1, 0), (2, 1), True),
    (2, 4, 3, 10, 10, 5, 2, 2, 1, True),
    (1, 3, 2, 6, 6, 4, 1, "same", 1, False),   # even kernel: the extra zero goes after
    (2, 2, 2, 7, 8, (2, 3), 1, "same", (2, 1), True),
    (2, 2, 6, 6, 9, 3, (1, 3), "valid", 2, True),
    (4, 1, 8, 28, 28, 5, 1, 2, 1, True),      # LeNet-5's first layer
]


@pytest.mark.filterwarnings("ignore:Using padding='same' with even kernel lengths")
@pytest.mark.parametrize("case", CONV_CASES)
def test_conv2d_equals_torch(case):
    N, c_in, c_out, H, W, kernel, stride, padding, dilation, with_bias = case
    generator = torch.Generator().manual_seed(CONV_CASES.index(case))
    kh, kw = (kernel, kernel) if isinstance(kernel, int) else kernel
    X = torch.randn(N, c_in, H, W, generator=generator)
    weight = torch.randn(c_out, c_in, kh, kw, generator=generator)
    bias = torch.randn(c_out, generator=generator) if with_bias else None
    ours = conv2d(X, weight, bias, stride=stride, padding=padding, dilation=dilation)
    theirs = F.conv2d(X, weight, bias, stride=stride, padding=padding, dilation=dilation)
    assert ours.shape == theirs.shape
    torch.testing.assert_close(ours, theirs, rtol=1e-5, atol=1e-5)


@settings(max_examples=60, deadline=None)
@given(batch=st.integers(1, 3), c_in=st.integers(1, 3), c_out=st.integers(1, 3),
       height=st.integers(1, 9), width=st.integers(1, 9), kh=st.integers(1, 4), kw=st.integers(1, 4),
       stride=st.tuples(st.integers(1, 3), st.integers(1, 3)),
       padding=st.tuples(st.integers(0, 3), st.integers(0, 3)),
       dilation=st.tuples(st.integers(1, 2), st.integers(1, 2)), with_bias=st.booleans(),
       batched=st.booleans())
def test_conv2d_equals_torch_or_both_refuse(batch, c_in, c_out, height, width, kh, kw, stride, padding,
                                            dilation, with_bias, batched):
    X = torch.randn(batch, c_in, height, width, dtype=torch.float64)
    X = X if batched else X[0]
    weight = torch.randn(c_out, c_in, kh, kw, dtype=torch.float64)
    bias = torch.randn(c_out, dtype=torch.float64) if with_bias else None
    try:
        theirs = F.conv2d(X, weight, bias, stride, padding, dilation)
    except RuntimeError:
        with pytest.raises(ValueError, match="larger than the padded input"):
            conv2d(X, weight, bias, stride, padding, dilation)
        return
    ours = conv2d(X, weight, bias, stride, padding, dilation)
    torch.testing.assert_close(ours, theirs, rtol=1e-5, atol=1e-5)


@settings(max_examples=60, deadline=None)
@given(shape=st.tuples(st.integers(1, 2), st.integers(1, 3), st.integers(1, 9), st.integers(1, 9)),
       kernel=st.tuples(st.integers(1, 4), st.integers(1, 4)),
       stride=st.none() | st.tuples(st.integers(1, 3), st.integers(1, 3)),
       padding=st.tuples(st.integers(0, 2), st.integers(0, 2)), batched=st.booleans())
def test_pooling_equals_torch_or_both_refuse(shape, kernel, stride, padding, batched):
    X = torch.randn(shape, dtype=torch.float64) - 5  # all negative: padding must not win the max
    X = X if batched else X[0]
    for ours, theirs in [(max_pool2d, F.max_pool2d), (avg_pool2d, F.avg_pool2d)]:
        try:
            expected = theirs(X, kernel, stride, padding)
        except RuntimeError:
            with pytest.raises(ValueError):
                ours(X, kernel, stride, padding)
            continue
        torch.testing.assert_close(ours(X, kernel, stride, padding), expected, rtol=1e-5, atol=1e-5)


def test_corr2d_is_conv2d_with_one_channel():
    X, K = torch.randn(7, 6, dtype=torch.float64), torch.randn(3, 2, dtype=torch.float64)
    torch.testing.assert_close(corr2d(X, K), F.conv2d(X.view(1, 1, 7, 6), K.view(1, 1, 3, 2))[0, 0])


def test_gradients_flow_through_the_from_scratch_layers():
    weight = torch.randn(2, 1, 3, 3, requires_grad=True)
    loss = max_pool2d(conv2d(torch.randn(1, 1, 6, 6), weight, padding=1), 2).sum()
    loss.backward()
    assert weight.grad is not None and weight.grad.abs().sum() > 0


# ---------------------------------------------------------------- learner-friendly errors


def test_wrong_number_of_channels_names_the_numbers_and_the_fix():
    with pytest.raises(ValueError, match=r"X has 1 channel\(s\) but each filter has 3 .*\(8, 1, 5, 5\)"):
        conv2d(torch.zeros(1, 1, 28, 28), torch.zeros(8, 3, 5, 5))


def test_bias_must_hold_one_number_per_output_channel():
    with pytest.raises(ValueError, match=r"shape \(8,\), got shape \(3,\)"):
        conv2d(torch.zeros(1, 1, 28, 28), torch.zeros(8, 1, 5, 5), bias=torch.zeros(3))


def test_not_a_tensor_or_not_floating_point_is_a_type_error():
    with pytest.raises(TypeError, match="torch.Tensor"):
        conv2d([[1.0, 2.0]], torch.zeros(1, 1, 1, 1))
    with pytest.raises(TypeError, match=r"X\.float\(\)"):
        max_pool2d(torch.ones(1, 4, 4, dtype=torch.int64), 2)


def test_wrong_number_of_dimensions_suggests_adding_them():
    with pytest.raises(ValueError, match=r"got 2 dimension\(s\) \(4, 4\).*unsqueeze"):
        max_pool2d(torch.zeros(4, 4), 2)


def test_corr2d_kernel_larger_than_input():
    with pytest.raises(ValueError, match="kernel 5×5 is larger than the input 2×2"):
        corr2d(torch.zeros(2, 2), torch.zeros(5, 5))


def test_same_padding_with_stride_2_is_refused_like_torch():
    with pytest.raises(RuntimeError):
        F.conv2d(SEED_INPUT, SEED_KERNEL, stride=2, padding="same")
    with pytest.raises(ValueError, match="stride 1, got stride 2"):
        conv2d(SEED_INPUT, SEED_KERNEL, stride=2, padding="same")


def test_pooling_padding_larger_than_half_the_kernel_is_refused_like_torch():
    with pytest.raises(RuntimeError):
        F.max_pool2d(POOL_INPUT, 2, padding=2)
    with pytest.raises(ValueError, match=r"padding 2 > 2 // 2 = 1"):
        max_pool2d(POOL_INPUT, 2, padding=2)
