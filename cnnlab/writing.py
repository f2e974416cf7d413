"""Layers and shapes written as a reader types them: ``(64, 16, 5, 5)``, ``nn.Conv2d(6, 16, kernel_size=5)``.

``cnnlab.diagnosis``, ``cnnlab.repair`` and the network stack widget write every shape and
every line of code they show with these, so that all of them say it the same way.

>>> shape_text((64, 16, 5, 5)), short_setting((3, 3))
('(64, 16, 5, 5)', '3')
"""

from __future__ import annotations

from typing import Any


def conv_code(type_name: str, in_channels: int, out_channels: int, settings: dict[str, Any]) -> str:
    """``nn.Conv2d(...)`` as one would write it, with non-default options only.

    >>> conv_code("Conv2d", 6, 16, {"kernel_size": (5, 5), "stride": (1, 1), "padding": (2, 2)})
    'nn.Conv2d(6, 16, kernel_size=5, padding=2)'
    """
    defaults = {"stride": "1", "padding": "0", "output_padding": "0", "dilation": "1", "groups": "1"}
    options = "".join(f", {key}={short_setting(settings[key])}" for key in defaults
                      if key in settings and short_setting(settings[key]) != defaults[key])
    if settings.get("bias") is False:
        options += ", bias=False"
    kernel = short_setting(settings["kernel_size"])
    return f"nn.{type_name}({in_channels}, {out_channels}, kernel_size={kernel}{options})"


def pool_code(type_name: str, settings: dict[str, Any]) -> str:
    """``nn.MaxPool2d(...)`` (or ``F.max_pool2d(x, ...)``) as one would write it, non-default options only.

    >>> pool_code("MaxPool2d", {"kernel_size": (2, 2), "stride": (2, 2), "padding": [1, 1]})
    'nn.MaxPool2d(2, padding=1)'
    >>> pool_code("F.avg_pool2d", {"kernel_size": [3, 3], "stride": [1, 1], "padding": (0, 0)})
    'F.avg_pool2d(x, 3, stride=1)'
    """
    kernel = settings["kernel_size"]
    stride = settings["stride"]
    options = "" if list(stride) == list(kernel) else f", stride={short_setting(stride)}"
    options += "".join(f", {key}={short_setting(settings[key])}" for key in ("padding", "dilation")
                       if key in settings and set(settings[key]) != {1 if key == "dilation" else 0})
    start = f"{type_name}(x, " if type_name.startswith("F.") else f"nn.{type_name}("
    return f"{start}{short_setting(kernel)}{options})"


def short_setting(value: Any) -> str:
    """A setting as one would type it: ``(5, 5)`` or ``[5, 5]`` → ``5``, ``'same'`` → ``'same'``.

    >>> short_setting((5, 5)), short_setting([1, 2]), short_setting("same"), short_setting(2)
    ('5', '(1, 2)', "'same'", '2')
    """
    if isinstance(value, (tuple, list)):
        return str(value[0]) if len(set(value)) == 1 else shape_text(value)
    return repr(value)


def shape_text(shape: Any) -> str:
    """A shape as the book writes it: a tuple of numbers, without ``torch.Size``.

    >>> shape_text((64, 16, 5, 5)), shape_text([10]), shape_text(None)
    ('(64, 16, 5, 5)', '(10,)', '')
    """
    if shape is None:
        return ""
    return "(" + ", ".join(str(n) for n in shape) + ("," if len(shape) == 1 else "") + ")"


def error_line(error: Exception) -> str:
    """The first line of an error message, after the error's type.

    >>> error_line(RuntimeError("mat1 and mat2 shapes cannot be multiplied (64x800 and 320x10)\\nmore"))
    'RuntimeError: mat1 and mat2 shapes cannot be multiplied (64x800 and 320x10)'
    """
    lines = str(error).strip().splitlines()
    return f"{type(error).__name__}: {lines[0] if lines else ''}"
