"""Network shape stack: a model's layers with their output shapes, recomputed as you edit them.

Every model of ``cnnlab.models.MODELS`` (and any model you pass) is traced once with
``cnnlab.trace``; its rows become editable layer dicts that travel to the browser,
where ``network_stack.js`` recomputes each shape when a setting changes and highlights
the first layer that breaks, with trace's diagnosis and a fix. With a kernel, the Python
side keeps ``output_shapes``, ``broken``, ``diagnosis`` and ``fix`` up to date too.

>>> stack = network_stack("LeNet5")
>>> stack.output_shapes[-1], stack.broken
([1, 10], -1)
>>> stack.set_setting("backbone.conv2", "out_channels", 50)     # 50·5·5 = 1250 features now
>>> stack.broken, stack.fix
(7, 'nn.Linear(1250, 120)')
"""

from __future__ import annotations

import copy
from collections.abc import Sequence
from typing import Any

import traitlets
from torch import nn

from cnnlab.widgets.base import Widget, bundle
from cnnlab.widgets.network import Layer, layers_from_trace, propagate


def model_layers(model: nn.Module, input_shape: Sequence[int] = (1, 1, 28, 28)) -> dict[str, Any]:
    """A model traced into ``{"layers": [...], "input_shape": [...]}``, as the widget stores it.

    >>> model_layers(nn.Sequential(nn.Conv2d(1, 6, 5), nn.ReLU()))["layers"][1]["type"]
    'ReLU'
    """
    from cnnlab.tracing import trace  # imported late: tracing needs the whole of cnnlab

    result = trace(model, tuple(input_shape))
    if not result.ok:
        raise ValueError(f"{type(model).__name__} does not run on an input of shape {tuple(input_shape)}, so "
                         f"there is nothing to explore yet:\n{result.diagnosis}")
    return {"layers": layers_from_trace(result), "input_shape": list(result.input_shape)}


class NetworkStack(Widget):
    """The layers of ``models[model_name]``, editable; the shapes follow every edit.

    ``models`` maps names to ``model_layers(...)`` results; ``layers`` and ``input_shape``
    are the current, possibly edited, copy. A layer that cannot run does not raise:
    ``broken`` is its index (-1 when all run), ``diagnosis`` says why and ``fix`` what to change.

    >>> stack = network_stack("MnistNet")
    >>> stack.input_shape = [1, 1, 32, 32]                  # a larger image: 20·5·5 = 500 features
    >>> print(stack.diagnosis.splitlines()[0])
    fc (Linear) expects 320 input features (nn.Linear(320, 10)) but received 500.
    """

    _esm = bundle("network_stack.js")
    _parameters = ("model_name", "input_shape")

    models = traitlets.Dict().tag(sync=True)
    model_name = traitlets.Unicode("").tag(sync=True)
    layers = traitlets.List(traitlets.Dict()).tag(sync=True)
    input_shape = traitlets.List(traitlets.Int(), default_value=[1, 1, 28, 28]).tag(sync=True)

    output_shapes = traitlets.List(read_only=True).tag(sync=True)
    broken = traitlets.Int(-1, read_only=True).tag(sync=True)
    diagnosis = traitlets.Unicode("", read_only=True).tag(sync=True)
    fix = traitlets.Unicode("", read_only=True).tag(sync=True)

    def __init__(self, **settings: Any) -> None:
        super().__init__(**settings)
        if not self.layers and self.model_name in self.models:
            self._load({"new": self.model_name})
        self._recompute()

    @traitlets.observe("model_name")
    def _load(self, change: Any) -> None:
        chosen = self.models.get(change["new"])
        if chosen is not None:
            self.layers, self.input_shape = copy.deepcopy(chosen["layers"]), list(chosen["input_shape"])

    def reset(self) -> None:
        """Undo every edit: the chosen model's layers and input shape as traced.

        >>> stack = network_stack("MnistNet")
        >>> stack.input_shape = [1, 1, 32, 32]
        >>> stack.reset()
        >>> stack.input_shape, stack.broken
        ([1, 1, 28, 28], -1)
        """
        self._load({"new": self.model_name})

    def set_setting(self, layer_name: str, setting: str, value: int) -> None:
        """Change one setting of the layer called ``layer_name`` (a pair setting gets ``(value, value)``).

        Every row of that name changes: a module used twice (MnistNet's ``pooling``) is one layer.

        >>> stack = network_stack("MnistNet")
        >>> stack.set_setting("pooling", "kernel_size", 4)
        >>> [layer["kernel_size"] for layer in stack.layers if layer["name"] == "pooling"]
        [[4, 4], [4, 4]]
        """
        layers = copy.deepcopy(self.layers)
        matches = [layer for layer in layers if layer["name"] == layer_name]
        if not matches:
            raise ValueError(f"no layer is called {layer_name!r}; the layers are "
                             f"{', '.join(layer['name'] for layer in layers)}")
        for layer in matches:  # a module used twice appears twice
            if setting not in layer:
                raise ValueError(f"{layer_name} ({layer['type']}) has no setting {setting!r}; it has "
                                 f"{', '.join(k for k in layer if k not in ('name', 'type', 'kind'))}")
            layer[setting] = [value, value] if isinstance(layer[setting], list) else value
        self.layers = layers

    @traitlets.observe("layers", "input_shape")
    def _recompute(self, _change: Any = None) -> None:
        result = propagate(self.layers, tuple(self.input_shape))
        shapes = [list(row["output_shape"]) if row["output_shape"] else None for row in result.rows]
        with self.hold_trait_notifications():
            for name, value in (("output_shapes", shapes), ("broken", result.broken),
                                ("diagnosis", result.diagnosis), ("fix", result.fix)):
                self.set_trait(name, value)


def network_stack(model: str | nn.Module = "LeNet5", input_shape: Sequence[int] = (1, 1, 28, 28),
                  models: dict[str, nn.Module] | None = None) -> NetworkStack:
    """A network shape stack showing ``model`` (a name in ``cnnlab.models.MODELS`` or a module).

    The model picker offers every model of ``MODELS`` (or of ``models``) and ``model``.

    >>> stack = network_stack(nn.Sequential(nn.Conv2d(1, 4, 3), nn.Flatten(), nn.Linear(2704, 10)))
    >>> stack.model_name, stack.output_shapes[-1]
    ('Sequential', [1, 10])
    """
    from cnnlab.models import MODELS

    chosen = {name: cls() for name, cls in MODELS.items()} if models is None else dict(models)
    if isinstance(model, nn.Module):
        name = type(model).__name__
        chosen[name] = model
    elif model in chosen:
        name = model
    else:
        raise ValueError(f"unknown model {model!r}; pick one of {', '.join(chosen)} "
                         f"or pass a torch.nn.Module")
    traced = {key: model_layers(value, input_shape) for key, value in chosen.items()}
    return NetworkStack(models=traced, model_name=name)


__all__ = ["Layer", "NetworkStack", "model_layers", "network_stack"]
