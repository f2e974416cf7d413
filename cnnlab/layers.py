"""Convolution and pooling written from scratch, to be read next to the book.

Nothing here is fast: every function slides a window over the image with two plain
``for`` loops, exactly as the chapter draws it. Each one gives the same numbers as its
``torch.nn.functional`` twin (within rounding), and takes its arguments in the same
order with the same meaning:

- ``corr2d(X, K)``: one channel, one kernel, no padding, stride 1 (the picture in the book)
- ``conv2d(X, weight, bias, stride, padding, dilation)``: many channels in and out
- ``max_pool2d`` and ``avg_pool2d``: the largest value, or the mean, of each window

Output sizes come from ``cnnlab.shapes``, so a kernel that does not fit is refused with
an error that names the numbers and the fix. Padding is counted per side.

>>> X = torch.tensor([[1., 2., 3., 0.], [0., 1., 2., 3.], [3., 0., 1., 2.], [2., 3., 0., 1.]])
>>> K = torch.tensor([[2., 0., 1.], [0., 1., 2.], [1., 0., 2.]])
>>> corr2d(X, K)  # top left: 1·2 + 2·0 + 3·1 + 0·0 + 1·1 + 2·2 + 3·1 + 0·0 + 1·2 = 15
tensor([[15., 16.],
        [ 6., 15.]])
"""

from __future__ import annotations

import torch

from cnnlab.shapes import Padding, Size, conv_output_size, pool_output_size

__all__ = ["corr2d", "conv2d", "max_pool2d", "avg_pool2d"]


# ---------------------------------------------------------------- one channel


def corr2d(X: torch.Tensor, K: torch.Tensor) -> torch.Tensor:
    """2-D cross-correlation of one channel ``X`` (H, W) with one kernel ``K`` (h, w).

    Slide ``K`` over ``X``; at each position multiply the numbers that lie on top of each
    other and add them all up. The output is ``(H − h + 1) × (W − w + 1)``. (Deep-learning
    libraries call this a *convolution*, although mathematicians would flip ``K`` first.)

    >>> corr2d(torch.arange(9.).reshape(3, 3), torch.ones(2, 2))
    tensor([[ 8., 12.],
            [20., 24.]])
    """
    _check_tensor("X", X, dims=(2,), example="(H, W)")
    _check_tensor("K", K, dims=(2,), example="(h, w)")
    h, w = K.shape
    H, W = X.shape
    if h > H or w > W:
        raise ValueError(
            f"the kernel {h}×{w} is larger than the input {H}×{W}, so it fits nowhere; corr2d has "
            f"no padding: use a kernel of at most {H}×{W}, or conv2d(..., padding=...) instead")
    Y = torch.zeros((H - h + 1, W - w + 1), dtype=torch.result_type(X, K), device=X.device)
    for i in range(Y.shape[0]):
        for j in range(Y.shape[1]):
            Y[i, j] = (X[i:i + h, j:j + w] * K).sum()
    return Y


# ---------------------------------------------------------------- many channels


def conv2d(X: torch.Tensor, weight: torch.Tensor, bias: torch.Tensor | None = None, stride: Size = 1,
           padding: Padding = 0, dilation: Size = 1) -> torch.Tensor:
    """Convolution of ``X`` (N, C, H, W) or (C, H, W) with ``weight`` (out_channels, C, kh, kw).

    The arguments mean what they mean for ``torch.nn.functional.conv2d``:

    - each **filter** ``weight[o]`` has one ``kh × kw`` slice per input channel; the
      slices are laid on their channels, multiplied and everything is added up, so one
      filter makes **one output channel**;
    - ``out_channels`` filters make ``out_channels`` output channels;
    - each output channel gets its own **bias** ``bias[o]``, added everywhere;
    - ``padding`` adds zeros on **each side** (an int, an (h, w) pair, ``'valid'`` = 0
      or ``'same'`` = keep the size; with an even kernel the extra zero goes after);
    - ``stride`` is the step of the window, ``dilation`` the spacing of its taps.

    >>> X = torch.arange(25.).reshape(1, 1, 5, 5)
    >>> conv2d(X, torch.ones(2, 1, 3, 3), bias=torch.tensor([0., 100.]), stride=2).shape
    torch.Size([1, 2, 2, 2])
    >>> conv2d(X, torch.ones(1, 1, 3, 3), padding=1)[0, 0, 0]
    tensor([12., 21., 27., 33., 24.])
    """
    _check_tensor("X", X, dims=(3, 4), example="(N, C, H, W) or (C, H, W)", floating=True)
    _check_tensor("weight", weight, dims=(4,), example="(out_channels, in_channels, kh, kw)",
                  floating=True)
    batched = X.dim() == 4
    if not batched:
        X = X.unsqueeze(0)
    N, C, H, W = X.shape
    out_channels, slices, kh, kw = weight.shape
    if slices != C:
        raise ValueError(
            f"X has {C} channel(s) but each filter has {slices} slice(s): a filter needs one "
            f"slice per input channel, so weight must have shape ({out_channels}, {C}, {kh}, {kw})")
    if bias is not None and tuple(bias.shape) != (out_channels,):
        raise ValueError(f"bias must hold one number per output channel, shape ({out_channels},), "
                         f"got shape {tuple(bias.shape)}")
    out_h, out_w = conv_output_size((H, W), (kh, kw), stride, padding, dilation)  # type: ignore[misc]
    (sh, sw), (dh, dw) = _pair(stride), _pair(dilation)
    top, bottom, left, right = _conv_padding(padding, (kh, kw), (dh, dw))
    X = _pad(X, top, bottom, left, right, value=0.0)

    Y = X.new_zeros((N, out_channels, out_h, out_w))
    for i in range(out_h):
        for j in range(out_w):
            # The window under the kernel: every channel, kh × kw taps spaced by the dilation.
            window = X[:, :, i * sh: i * sh + dh * (kh - 1) + 1: dh,
                       j * sw: j * sw + dw * (kw - 1) + 1: dw]           # (N, C, kh, kw)
            # Lay every filter on the window, multiply, add up all C·kh·kw products.
            products = window.unsqueeze(1) * weight                     # (N, out_channels, C, kh, kw)
            Y[:, :, i, j] = products.sum(dim=(2, 3, 4))                 # (N, out_channels)
    if bias is not None:
        Y = Y + bias.view(1, out_channels, 1, 1)                        # one bias per output channel
    return Y if batched else Y.squeeze(0)


# ---------------------------------------------------------------- pooling


def max_pool2d(X: torch.Tensor, kernel_size: Size, stride: Size | None = None,
               padding: Size = 0) -> torch.Tensor:
    """The largest value of each ``kernel_size`` window of ``X`` (N, C, H, W) or (C, H, W).

    Every channel is pooled on its own, so the number of channels does not change and
    there is nothing to learn. ``stride`` defaults to the kernel size (windows side by
    side); a window that would stick out of the input is not used. Padding adds ``-inf``,
    which never wins, on each side.

    >>> X = torch.tensor([[[3., 4., 6., 5.], [2., 4., 6., 8.], [1., 6., 7., 8.], [9., 7., 4., 6.]]])
    >>> max_pool2d(X, kernel_size=2)
    tensor([[[4., 8.],
             [9., 8.]]])
    """
    return _pool(X, kernel_size, stride, padding, "max")


def avg_pool2d(X: torch.Tensor, kernel_size: Size, stride: Size | None = None,
               padding: Size = 0) -> torch.Tensor:
    """The mean of each ``kernel_size`` window of ``X`` (N, C, H, W) or (C, H, W).

    Like ``max_pool2d``, but averaging. Padding adds zeros, and they count in the mean
    (PyTorch's default ``count_include_pad=True``).

    >>> X = torch.tensor([[[3., 4., 6., 5.], [2., 4., 6., 8.], [1., 6., 7., 8.], [9., 7., 4., 6.]]])
    >>> avg_pool2d(X, kernel_size=2)
    tensor([[[3.2500, 6.2500],
             [5.7500, 6.2500]]])
    """
    return _pool(X, kernel_size, stride, padding, "avg")


def _pool(X: torch.Tensor, kernel_size: Size, stride: Size | None, padding: Size, how: str) -> torch.Tensor:
    """Slide a window over every channel and keep its maximum (``how='max'``) or mean."""
    _check_tensor("X", X, dims=(3, 4), example="(N, C, H, W) or (C, H, W)", floating=True)
    stride = kernel_size if stride is None else stride
    H, W = X.shape[-2:]
    out_h, out_w = pool_output_size((H, W), kernel_size, stride, padding)  # type: ignore[misc]
    (kh, kw), (sh, sw), (ph, pw) = _pair(kernel_size), _pair(stride), _pair(padding)
    X = _pad(X, ph, ph, pw, pw, value=float("-inf") if how == "max" else 0.0)

    Y = X.new_zeros((*X.shape[:-2], out_h, out_w))
    for i in range(out_h):
        for j in range(out_w):
            window = X[..., i * sh: i * sh + kh, j * sw: j * sw + kw]   # (..., kh, kw)
            Y[..., i, j] = window.amax(dim=(-2, -1)) if how == "max" else window.mean(dim=(-2, -1))
    return Y


# ---------------------------------------------------------------- helpers


def _pad(X: torch.Tensor, top: int, bottom: int, left: int, right: int, value: float) -> torch.Tensor:
    """``X`` framed by rows and columns of ``value``: a new, larger tensor with ``X`` in the middle."""
    H, W = X.shape[-2:]
    padded = X.new_full((*X.shape[:-2], top + H + bottom, left + W + right), value)
    padded[..., top:top + H, left:left + W] = X
    return padded


def _conv_padding(padding: Padding, kernel: tuple[int, int],
                  dilation: tuple[int, int]) -> tuple[int, int, int, int]:
    """Zeros (top, bottom, left, right) for a convolution's ``padding`` argument."""
    if padding == "valid":
        return 0, 0, 0, 0
    if padding == "same":  # d·(k − 1) zeros in all, half before, the odd one after (as PyTorch)
        (kh, kw), (dh, dw) = kernel, dilation
        total_h, total_w = dh * (kh - 1), dw * (kw - 1)
        return total_h // 2, total_h - total_h // 2, total_w // 2, total_w - total_w // 2
    ph, pw = _pair(padding)  # type: ignore[arg-type]
    return ph, ph, pw, pw


def _pair(value: Size) -> tuple[int, int]:
    """``3`` → ``(3, 3)``; an (h, w) pair stays as it is (``cnnlab.shapes`` has checked it)."""
    return (value, value) if isinstance(value, int) else (value[0], value[1])


def _check_tensor(name: str, value: object, dims: tuple[int, ...], example: str,
                  floating: bool = False) -> None:
    """Refuse anything but a tensor with one of the allowed numbers of dimensions."""
    if not isinstance(value, torch.Tensor):
        raise TypeError(f"{name} must be a torch.Tensor of shape {example}, got {type(value).__name__}; "
                        f"make one with torch.tensor(...)")
    if value.dim() not in dims:
        raise ValueError(f"{name} must have shape {example}, got {value.dim()} dimension(s) "
                         f"{tuple(value.shape)}; add the missing ones with .view(...) or .unsqueeze(0)")
    if floating and not value.is_floating_point():
        raise TypeError(f"{name} holds {value.dtype} numbers; convolution and pooling work on floating "
                        f"point: use {name}.float() or torch.tensor(..., dtype=torch.float32)")
