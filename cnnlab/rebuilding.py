"""A layer rebuilt with other settings, and written as the code that builds it.

``cnnlab.repair`` tries its fixes on copies of a model with :func:`rebuild` and shows them
with :func:`module_code`. A rebuilt layer has the class and every setting of the old one
but those changed, and new weights.

>>> from torch import nn
>>> layer = nn.Conv2d(3, 16, 5, padding=2)
>>> rebuilt = rebuild(layer, in_channels=1)
>>> rebuilt.in_channels, rebuilt.padding, module_code(rebuilt)
(1, (2, 2), 'nn.Conv2d(1, 16, kernel_size=5, padding=2)')
"""

from __future__ import annotations

from typing import Any

from torch import nn

from cnnlab.recording import module_layer
from cnnlab.writing import conv_code, pool_code, short_setting


def rebuild(module: nn.Module, **settings: Any) -> nn.Module:
    """A new layer of the same class as ``module``, with ``settings`` changed (weights are new).

    >>> rebuild(nn.MaxPool1d(4), kernel_size=2)
    MaxPool1d(kernel_size=2, stride=2, padding=0, dilation=1, ceil_mode=False)
    """
    cls = type(module)
    if isinstance(module, nn.modules.conv._ConvNd):
        given = {"in_channels": module.in_channels, "out_channels": module.out_channels,
                 "kernel_size": module.kernel_size, "stride": module.stride, "padding": module.padding,
                 "dilation": module.dilation, "groups": module.groups, "bias": module.bias is not None,
                 "padding_mode": module.padding_mode, **settings}
        if module.transposed:
            given.setdefault("output_padding", module.output_padding)
        groups = given["groups"]
        if groups > 1 and (given["in_channels"] % groups or given["out_channels"] % groups):
            depthwise = module.groups == module.in_channels == module.out_channels
            given["groups"] = given["in_channels"] if depthwise else 1
            if depthwise:
                given["out_channels"] = given["in_channels"]
        return cls(**given)
    if isinstance(module, (nn.MaxPool1d, nn.MaxPool2d, nn.MaxPool3d)):
        stride = module.kernel_size if module.stride == module.kernel_size else module.stride
        given = {"kernel_size": module.kernel_size, "stride": stride, "padding": module.padding,
                 "dilation": module.dilation, "ceil_mode": module.ceil_mode, **settings}
        if "kernel_size" in settings and module.stride == module.kernel_size and "stride" not in settings:
            given["stride"] = settings["kernel_size"]
        return cls(**given)
    if isinstance(module, (nn.AvgPool1d, nn.AvgPool2d, nn.AvgPool3d)):
        given = {"kernel_size": module.kernel_size, "stride": module.stride, "padding": module.padding,
                 "ceil_mode": module.ceil_mode, "count_include_pad": module.count_include_pad, **settings}
        if "kernel_size" in settings and module.stride == module.kernel_size and "stride" not in settings:
            given["stride"] = settings["kernel_size"]
        return cls(**given)
    if isinstance(module, nn.Linear):
        return nn.Linear(settings.get("in_features", module.in_features),
                         settings.get("out_features", module.out_features), bias=module.bias is not None)
    if isinstance(module, nn.modules.batchnorm._BatchNorm):
        return cls(settings["num_features"], eps=module.eps, momentum=module.momentum, affine=module.affine)
    raise ValueError(f"cannot rebuild {cls.__name__}")


def module_code(module: nn.Module) -> str:
    """A layer as one would write it, with non-default settings only.

    >>> module_code(nn.Linear(320, 10)), module_code(nn.MaxPool2d(2, padding=1))
    ('nn.Linear(320, 10)', 'nn.MaxPool2d(2, padding=1)')
    """
    name = type(module).__name__
    layer = module_layer("", module, None)
    s = layer.settings
    if layer.kind in ("conv", "conv_transpose"):
        return conv_code(name, s["in_channels"], s["out_channels"], s)
    if layer.kind in ("max_pool", "avg_pool"):
        return pool_code(name, s)
    if isinstance(module, nn.LazyLinear):
        return f"nn.LazyLinear({module.out_features})"
    if layer.kind == "linear":
        return f"nn.Linear({s['in_features']}, {s['out_features']}{'' if s['bias'] else ', bias=False'})"
    if layer.kind == "batch_norm":
        return f"nn.{name}({s['num_features']})"
    if layer.kind == "adaptive_pool":
        return f"nn.{name}({short_setting(s['output_size'])})"
    if isinstance(module, nn.Flatten):
        return "nn.Flatten()" if (module.start_dim, module.end_dim) == (1, -1) else \
            f"nn.Flatten({module.start_dim}, {module.end_dim})"
    return f"nn.{name}()"
