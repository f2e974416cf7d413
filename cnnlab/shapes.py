"""Output-size arithmetic for convolution, pooling and transposed convolution.

Every function here gives exactly the size PyTorch gives, and refuses exactly the
settings PyTorch refuses, but with an error a learner can act on.

Padding is always counted **per side**, as PyTorch does: ``padding=2`` adds two rows
of zeros at the top *and* two at the bottom, four in total. (Some books, d2l among
them, write the total instead; the formulas then lose their factor 2.)

The formula for a convolution, for one dimension of size ``n``::

    out = ⌊(n + 2·p − d·(k − 1) − 1) / s⌋ + 1

with kernel ``k``, padding ``p`` per side, stride ``s`` and dilation ``d``.

>>> conv_output_size(28, kernel_size=5, padding=2)
28
>>> conv_output_size((28, 32), kernel_size=3, stride=2)
(13, 15)
>>> print(explain(28, kernel_size=5, padding=2))
⌊(28 + 2·2 − 1·(5 − 1) − 1) / 1⌋ + 1 = 28
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

Pair = tuple[int, int]
Size = int | Pair
Padding = int | Pair | str
LayerKind = Literal["conv", "max_pool", "avg_pool", "conv_transpose"]

_DIMENSIONS = ("height", "width")


# ---------------------------------------------------------------- argument checks


def _as_pair(name: str, value: int | Sequence[int]) -> Pair:
    """Turn an int or an (h, w) pair into a pair, refusing anything else."""
    if isinstance(value, bool):
        raise ValueError(f"{name} must be an int or an (height, width) pair, got {value!r}")
    if isinstance(value, int):
        return (value, value)
    if isinstance(value, Sequence) and not isinstance(value, str) and len(value) == 2:
        if all(isinstance(v, int) and not isinstance(v, bool) for v in value):
            return (value[0], value[1])
    raise ValueError(f"{name} must be an int or an (height, width) pair, got {value!r}")


def _where(dim: int, paired: bool) -> str:
    return f"{_DIMENSIONS[dim]}: " if paired else ""


def _check_at_least(name: str, value: int, minimum: int, hint: str, where: str) -> None:
    if value < minimum:
        raise ValueError(f"{where}{name} must be at least {minimum}, got {value} ({hint})")


def _check_common(n: int, k: int, s: int, d: int, where: str) -> None:
    _check_at_least("input size", n, 1, "an image needs at least one pixel", where)
    _check_at_least("kernel_size", k, 1, "the window covers k×k pixels", where)
    _check_at_least("stride", s, 1, "the window moves s pixels per step", where)
    _check_at_least("dilation", d, 1, "1 means a window without gaps", where)


def _same_padding(k: int, d: int) -> tuple[int, int]:
    """Zeros before and after that keep the size with stride 1 (PyTorch puts an odd extra one after)."""
    total = d * (k - 1)
    return total // 2, total - total // 2


def _too_large(n: int, p: int, k: int, d: int, where: str) -> str:
    span = d * (k - 1) + 1
    kernel = f"kernel {k}" if d == 1 else f"kernel {k} with dilation {d} spans {span} pixels and"
    need = -(-(span - n) // 2)  # ceil((span - n) / 2)
    return (f"{where}{kernel} is larger than the padded input {n} + 2·{p} = {n + 2 * p}; "
            f"use padding ≥ {need}")


# ---------------------------------------------------------------- one dimension


def _conv_1d(n: int, k: int, s: int, p: int | str, d: int, where: str) -> int:
    _check_common(n, k, s, d, where)
    if p == "valid":
        p = 0
    if p == "same":
        if s != 1:
            raise ValueError(
                f"{where}padding='same' keeps the output as large as the input, which PyTorch only "
                f"does for stride 1, got stride {s}; give a number instead, "
                f"e.g. padding={d * (k - 1) // 2}")
        return n  # 'same' pads d·(k − 1) in total, so the window always fits
    assert isinstance(p, int)
    _check_at_least("padding", p, 0, "zeros added on each side", where)
    if n + 2 * p < d * (k - 1) + 1:
        raise ValueError(_too_large(n, p, k, d, where))
    return (n + 2 * p - d * (k - 1) - 1) // s + 1


def _pool_1d(n: int, k: int, s: int, p: int, d: int, ceil_mode: bool, where: str) -> int:
    _check_common(n, k, s, d, where)
    _check_at_least("padding", p, 0, "zeros added on each side", where)
    if p > k // 2:
        raise ValueError(
            f"{where}pooling padding must be at most half the kernel: padding {p} > {k} // 2 = "
            f"{k // 2}; use padding ≤ {k // 2} (or a larger kernel)")
    out = _pool_unchecked(n, k, s, p, d, ceil_mode)
    if out < 1:
        span = d * (k - 1) + 1
        window = f"window {k}" if d == 1 else f"window {k} with dilation {d} spans {span} pixels and"
        raise ValueError(
            f"{where}pooling {window} is larger than the padded input {n} + 2·{p} = {n + 2 * p}, "
            f"so the output would be empty; use a kernel ≤ {n + 2 * p}")
    return out


def _pool_unchecked(n: int, k: int, s: int, p: int, d: int, ceil_mode: bool) -> int:
    numerator = n + 2 * p - d * (k - 1) - 1
    out = (numerator + (s - 1 if ceil_mode else 0)) // s + 1
    # ceil_mode: the last window must start inside the input or the left padding.
    if ceil_mode and (out - 1) * s >= n + p:
        out -= 1
    return out


def _transpose_1d(n: int, k: int, s: int, p: int, op: int, d: int, where: str) -> int:
    _check_common(n, k, s, d, where)
    _check_at_least("padding", p, 0, "zeros removed from each side of the output", where)
    _check_at_least("output_padding", op, 0, "extra rows added at the end", where)
    if op >= s and op >= d:
        raise ValueError(
            f"{where}output_padding must be smaller than stride or dilation: output_padding {op} "
            f"≥ stride {s} and ≥ dilation {d}; use output_padding ≤ {max(s, d) - 1}")
    out = (n - 1) * s - 2 * p + d * (k - 1) + op + 1
    if out < 1:
        raise ValueError(
            f"{where}padding {p} removes too much: (n − 1)·s − 2·p + d·(k − 1) + output_padding + 1 "
            f"= {out}; use padding ≤ {((n - 1) * s + d * (k - 1) + op) // 2}")
    return out


# ---------------------------------------------------------------- public functions


def _padding_pair(padding: Padding, allow_strings: bool) -> tuple[int | str, int | str]:
    if isinstance(padding, str):
        if not allow_strings or padding not in ("valid", "same"):
            allowed = "an int, an (height, width) pair, 'valid' or 'same'" if allow_strings else (
                "an int or an (height, width) pair")
            raise ValueError(f"padding must be {allowed}, got {padding!r}")
        return (padding, padding)
    return _as_pair("padding", padding)


def _result(size: Size, values: list[int]) -> Size:
    return values[0] if isinstance(size, int) and not isinstance(size, bool) else (values[0], values[1])


def conv_output_size(size: Size, kernel_size: Size, stride: Size = 1, padding: Padding = 0,
                     dilation: Size = 1) -> Size:
    """Output size of ``nn.Conv2d`` (or ``Conv1d`` for one dimension), padding per side.

    ``size`` and the returned value are an int or an ``(h, w)`` pair; ``padding`` may
    also be ``'valid'`` (no padding) or ``'same'`` (output as large as input, stride 1).

    >>> conv_output_size(100, kernel_size=3)          # 1×5×100×100 → 1×10×98×98
    98
    >>> conv_output_size(5, kernel_size=3, stride=2)  # the 5×5 example with stride 2
    2
    >>> conv_output_size((2, 2), kernel_size=5, padding="same")
    (2, 2)
    """
    pairs = zip(_as_pair("size", size), _as_pair("kernel_size", kernel_size),
                _as_pair("stride", stride), _padding_pair(padding, True),
                _as_pair("dilation", dilation), strict=True)
    paired = not isinstance(size, int)
    return _result(size, [_conv_1d(n, k, s, p, d, _where(i, paired))
                          for i, (n, k, s, p, d) in enumerate(pairs)])


def pool_output_size(size: Size, kernel_size: Size, stride: Size | None = None,
                     padding: Size = 0, dilation: Size = 1, ceil_mode: bool = False) -> Size:
    """Output size of ``nn.MaxPool2d`` / ``nn.AvgPool2d`` (stride defaults to the kernel size).

    ``dilation`` exists for max pooling only. With ``ceil_mode=True`` the division rounds
    up, but a last window that would start in the right padding is dropped.

    >>> pool_output_size(4, kernel_size=2)             # 4×4 → 2×2
    2
    >>> pool_output_size(3, kernel_size=2)             # odd input: the last row is dropped
    1
    >>> pool_output_size(5, kernel_size=2, ceil_mode=True)
    3
    """
    stride = kernel_size if stride is None else stride
    pairs = zip(_as_pair("size", size), _as_pair("kernel_size", kernel_size),
                _as_pair("stride", stride), _padding_pair(padding, False),
                _as_pair("dilation", dilation), strict=True)
    paired = not isinstance(size, int)
    return _result(size, [_pool_1d(n, k, s, p, d, ceil_mode, _where(i, paired))  # type: ignore[arg-type]
                          for i, (n, k, s, p, d) in enumerate(pairs)])


def conv_transpose_output_size(size: Size, kernel_size: Size, stride: Size = 1, padding: Size = 0,
                               output_padding: Size = 0, dilation: Size = 1) -> Size:
    """Output size of ``nn.ConvTranspose2d``: the size a convolution would have come *from*.

    >>> conv_transpose_output_size(2, kernel_size=3, stride=2)
    5
    >>> conv_transpose_output_size((14, 14), kernel_size=2, stride=2)
    (28, 28)
    """
    pairs = zip(_as_pair("size", size), _as_pair("kernel_size", kernel_size),
                _as_pair("stride", stride), _padding_pair(padding, False),
                _as_pair("output_padding", output_padding), _as_pair("dilation", dilation),
                strict=True)
    paired = not isinstance(size, int)
    return _result(size, [_transpose_1d(n, k, s, p, op, d, _where(i, paired))  # type: ignore[arg-type]
                          for i, (n, k, s, p, op, d) in enumerate(pairs)])


# ---------------------------------------------------------------- explain


@dataclass(frozen=True)
class Explanation:
    """The size formula with the numbers filled in: ``str()`` for text, rich in Jupyter.

    ``lines`` holds one formula per dimension (one line when height and width agree).
    """

    layer: LayerKind
    lines: tuple[str, ...]
    latex_lines: tuple[str, ...]
    output: Size

    def __str__(self) -> str:
        return "\n".join(self.lines)

    def _repr_html_(self) -> str:
        rows = "".join(f"<div>{line}</div>" for line in self.lines)
        return (f'<div class="cnnlab-explain" style="font-family: monospace; padding: 0.3em 0">'
                f"{rows}</div>")

    def _repr_latex_(self) -> str:
        return "$" + r" \quad ".join(self.latex_lines) + "$"

    @property
    def latex(self) -> str:
        """The formulas as LaTeX (without the surrounding ``$``)."""
        return r" \quad ".join(self.latex_lines)


def _conv_text(n: int, k: int, s: int, before: int, after: int, d: int, out: int) -> tuple[str, str]:
    pad = f"2·{before}" if before == after else f"{before} + {after}"
    pad_tex = rf"2\cdot {before}" if before == after else f"{before} + {after}"
    text = f"⌊({n} + {pad} − {d}·({k} − 1) − 1) / {s}⌋ + 1 = {out}"
    tex = (rf"\left\lfloor \frac{{{n} + {pad_tex} - {d}\cdot({k} - 1) - 1}}{{{s}}} \right\rfloor"
           rf" + 1 = {out}")
    return text, tex


def _pool_text(n: int, k: int, s: int, p: int, d: int, ceil_mode: bool, out: int) -> tuple[str, str]:
    left, right, tex_l, tex_r = ("⌈", "⌉", r"\left\lceil", r"\right\rceil") if ceil_mode else (
        "⌊", "⌋", r"\left\lfloor", r"\right\rfloor")
    rounded = _pool_unchecked(n, k, s, p, d, ceil_mode=False) if not ceil_mode else (
        (n + 2 * p - d * (k - 1) - 1 + s - 1) // s + 1)
    text = f"{left}({n} + 2·{p} − {d}·({k} − 1) − 1) / {s}{right} + 1 = {rounded}"
    tex = rf"{tex_l} \frac{{{n} + 2\cdot {p} - {d}\cdot({k} - 1) - 1}}{{{s}}} {tex_r} + 1 = {rounded}"
    if rounded != out:
        start = (rounded - 1) * s
        text += (f", but the last window would start at {start} ≥ {n} + {p} (in the padding),"
                 f" so it is dropped: {out}")
        tex += rf" \to {out}"
    return text, tex


def _transpose_text(n: int, k: int, s: int, p: int, op: int, d: int, out: int) -> tuple[str, str]:
    text = f"({n} − 1)·{s} − 2·{p} + {d}·({k} − 1) + {op} + 1 = {out}"
    tex = rf"({n} - 1)\cdot {s} - 2\cdot {p} + {d}\cdot({k} - 1) + {op} + 1 = {out}"
    return text, tex


def explain(size: Size, kernel_size: Size, stride: Size | None = None, padding: Padding = 0,
            dilation: Size = 1, *, layer: LayerKind = "conv", ceil_mode: bool = False,
            output_padding: Size = 0) -> Explanation:
    """The output-size formula of ``layer`` with the numbers filled in.

    ``layer`` is ``"conv"``, ``"max_pool"``, ``"avg_pool"`` or ``"conv_transpose"``;
    ``stride`` defaults to 1, or to the kernel size for pooling. Invalid settings raise
    the same ``ValueError`` as the size functions. Padding is per side.

    >>> print(explain(5, kernel_size=3, stride=2))
    ⌊(5 + 2·0 − 1·(3 − 1) − 1) / 2⌋ + 1 = 2
    >>> print(explain((28, 28), kernel_size=2, layer="max_pool"))
    ⌊(28 + 2·0 − 1·(2 − 1) − 1) / 2⌋ + 1 = 14
    >>> print(explain(3, 3, 2, layer="conv_transpose", output_padding=1))
    (3 − 1)·2 − 2·0 + 1·(3 − 1) + 1 + 1 = 8
    """
    pooling = layer in ("max_pool", "avg_pool")
    if layer not in ("conv", "max_pool", "avg_pool", "conv_transpose"):
        raise ValueError(f"layer must be 'conv', 'max_pool', 'avg_pool' or 'conv_transpose', "
                         f"got {layer!r}")
    if layer == "avg_pool" and _as_pair("dilation", dilation) != (1, 1):
        raise ValueError(f"average pooling has no dilation (nn.AvgPool2d), got dilation={dilation}")
    if stride is None:
        stride = kernel_size if pooling else 1
    if layer == "conv":
        output = conv_output_size(size, kernel_size, stride, padding, dilation)
    elif pooling:
        output = pool_output_size(size, kernel_size, stride, padding, dilation,  # type: ignore[arg-type]
                                  ceil_mode)
    else:
        output = conv_transpose_output_size(size, kernel_size, stride, padding,  # type: ignore[arg-type]
                                            output_padding, dilation)
    paired = not isinstance(size, int)
    outs = _as_pair("output", output)
    columns = zip(_as_pair("size", size), _as_pair("kernel_size", kernel_size),
                  _as_pair("stride", stride), _padding_pair(padding, layer == "conv"),
                  _as_pair("dilation", dilation), _as_pair("output_padding", output_padding),
                  outs, strict=True)
    texts: list[tuple[str, str]] = []
    for n, k, s, p, d, op, out in columns:
        if layer == "conv":
            before, after = _same_padding(k, d) if p == "same" else (0, 0) if p == "valid" else (p, p)
            texts.append(_conv_text(n, k, s, before, after, d, out))  # type: ignore[arg-type]
        elif pooling:
            texts.append(_pool_text(n, k, s, p, d, ceil_mode, out))  # type: ignore[arg-type]
        else:
            texts.append(_transpose_text(n, k, s, p, op, d, out))  # type: ignore[arg-type]
    if paired and texts[0] != texts[1]:
        lines = tuple(f"{name}: {text}" for name, (text, _) in zip(_DIMENSIONS, texts, strict=True))
        latex = tuple(rf"\text{{{name}: }} {tex}" for name, (_, tex) in zip(_DIMENSIONS, texts,
                                                                             strict=True))
    else:
        lines, latex = (texts[0][0],), (texts[0][1],)
    return Explanation(layer=layer, lines=lines, latex_lines=latex, output=output)


# ---------------------------------------------------------------- receptive field


@dataclass(frozen=True)
class Field:
    """The receptive field of a layer's units, for one dimension, in input pixels.

    - ``size``: how many input pixels one unit sees (from the first to the last, gaps of a
      dilated kernel included)
    - ``jump``: how far apart, in input pixels, two neighbouring units' fields start
      (the product of the strides so far)
    - ``start``: where the field of unit 0 starts; negative when it begins in the padding

    Unit ``i`` sees input pixels ``start + i·jump`` to ``start + i·jump + size − 1`` (from 0).
    """

    size: int
    jump: int
    start: int

    def pixels(self, index: int) -> tuple[int, int]:
        """First and last input pixel (from 0) that unit ``index`` sees; outside ``0…n−1`` is padding.

        >>> Field(size=16, jump=4, start=-2).pixels(2)
        (6, 21)
        """
        first = self.start + index * self.jump
        return first, first + self.size - 1


def receptive_field(layers: Sequence[tuple[int, int, int, int]]) -> list[Field]:
    """The receptive field after each layer of a stack, for one dimension.

    ``layers`` lists each layer's ``(kernel_size, stride, padding, dilation)`` as ints
    (an activation is ``(1, 1, 0, 1)``). Layer by layer, starting from one pixel
    (size 1, jump 1, start 0)::

        size  += (k − 1)·d·jump        start −= p·jump        jump  *= s

    Chapter 10. LeNet-5 (conv 5 pad 2, pool 2, conv 5, pool 2) sees 5, 6, 14, 16 pixels:

    >>> [field.size for field in receptive_field([(5, 1, 2, 1), (2, 2, 0, 1), (5, 1, 0, 1), (2, 2, 0, 1)])]
    [5, 6, 14, 16]
    >>> receptive_field([(5, 1, 2, 1), (2, 2, 0, 1), (5, 1, 0, 1), (2, 2, 0, 1)])[-1]
    Field(size=16, jump=4, start=-2)
    """
    size, jump, start = 1, 1, 0
    fields = []
    for number, layer in enumerate(layers):
        if isinstance(layer, (str, bytes)) or not isinstance(layer, Sequence) or len(layer) != 4:
            raise ValueError(f"layer {number}: give (kernel_size, stride, padding, dilation), got {layer!r}")
        k, s, p, d = layer
        for name, value, minimum in (("kernel_size", k, 1), ("stride", s, 1), ("padding", p, 0),
                                     ("dilation", d, 1)):
            if isinstance(value, bool) or not isinstance(value, int):
                raise ValueError(f"layer {number}: {name} must be an int, got {value!r}")
            if value < minimum:
                raise ValueError(f"layer {number}: {name} must be at least {minimum}, got {value}")
        size += (k - 1) * d * jump
        start -= p * jump
        jump *= s
        fields.append(Field(size=size, jump=jump, start=start))
    return fields
