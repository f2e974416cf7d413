"""``trace(model, input_size)``: the table of shapes that explains itself.

``trace`` sends a batch of zeros through the model and writes down every layer it meets,
in order: its shape in and out, the formula behind the new height and width, and its
parameters. It also sees the functions a ``forward`` calls (``F.max_pool2d``,
``x.view(...)``, ``torch.flatten``, ``F.relu``, ...), which ``print(model)`` never shows.

When the model fails, ``trace`` does not raise: it returns the rows up to the layer that
failed, a ``diagnosis`` that says which layer, with which numbers and where they came
from, and a ``repair``: the changes that make the model run, each verified by running a
repaired copy (``cnnlab.repair``). A model that runs but turns a batch of 64 images into
256 rows (``x.view(-1, 144)`` on maps of 576 values) is a problem too.

>>> from cnnlab.models import LeNet5
>>> table = trace(LeNet5(), input_size=(7, 1, 28, 28))
>>> for row in table.rows[:4]:
...     print(row.name, row.output_shape)
backbone.conv1 (7, 6, 28, 28)
backbone.relu (7, 6, 28, 28)
backbone.max_pool2d (7, 6, 14, 14)
backbone.conv2 (7, 16, 10, 10)
>>> print(table.rows[0].formula)
⌊(28 + 2·2 − 1·(5 − 1) − 1) / 1⌋ + 1 = 28
>>> table.ok, table.total_params
(True, 61706)
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Any

import torch
from torch import nn

from cnnlab.recording import Row, count, first_shape, rank_of, record
from cnnlab.repair import Repair, problem_of
from cnnlab.repair import repair as find_repair
from cnnlab.writing import shape_text

__all__ = ["Row", "Trace", "trace"]

Shape = tuple[int, ...]


@dataclass(frozen=True)
class Trace:
    """What ``trace`` found: ``rows``; and when something is wrong, a ``diagnosis`` and a ``repair``.

    ``diagnosis`` says what is wrong and where (never the fix: exercise hints show it
    alone); ``repair`` is a ``cnnlab.repair.Repair``, the verified changes that make the
    model run (``None`` when none was found). ``note`` says how ``input_size`` was read
    when it had no batch. ``str()`` is an aligned text table; in Jupyter it shows as an
    HTML table with the failing layer highlighted. ``total_params`` counts every parameter
    of the model once.

    >>> result = trace(nn.Sequential(nn.Conv2d(1, 4, 3), nn.Flatten(), nn.Linear(100, 10)), (2, 1, 12, 12))
    >>> result.ok
    False
    >>> print(result.diagnosis.splitlines()[0])
    2 (Linear) expects 100 input features (nn.Linear(100, 10)) but received 400.
    >>> print(str(result.repair).splitlines()[1])
    1. 2 (Linear): nn.Linear(400, 10) instead of nn.Linear(100, 10)
    >>> result.repair.lines, result.repair.output_shape
    (['nn.Linear(400, 10)'], (2, 10))
    """

    rows: tuple[Row, ...]
    input_shape: Shape
    output_shape: Shape | None
    total_params: int
    diagnosis: str | None = None
    repair: Repair | None = None
    note: str | None = None

    @property
    def ok(self) -> bool:
        """True when the whole forward pass ran and kept the batch."""
        return self.diagnosis is None

    @property
    def failed_row(self) -> Row | None:
        """The row of the layer that failed, if the failure happened in a layer."""
        last = self.rows[-1] if self.rows else None
        return last if last is not None and last.output_shape is None else None

    def to_dicts(self) -> list[dict[str, Any]]:
        """The rows as plain dicts (tuples for shapes), ready for ``json.dumps``."""
        return [asdict(row) for row in self.rows]

    def _cells(self) -> list[tuple[str, ...]]:
        cells = [("", "input", "", "", shape_text(self.input_shape), "", "")]
        for number, row in enumerate(self.rows, start=1):
            output = "FAILED" if row.output_shape is None else shape_text(row.output_shape)
            cells.append((str(number), row.name, row.type, shape_text(row.input_shape), output,
                          f"{row.params:,}", (row.formula or "").replace("\n", "; ")))
        return cells

    def _messages(self, all_three: bool = False) -> list[str]:
        """The note, the diagnosis and the repair (the ones there are, or all three, empty or not)."""
        repair_text = ""
        if self.diagnosis is not None:
            repair_text = str(self.repair) if self.repair is not None else (
                "No change to one layer or to the input size was found that makes this model run.")
        texts = [self.note or "", self.diagnosis or "", repair_text]
        return texts if all_three else [text for text in texts if text]

    def __str__(self) -> str:
        table = [_HEADER, *self._cells()]
        widths = [max(len(line[column]) for line in table) for column in range(len(_HEADER))]
        lines = ["  ".join(cell.rjust(width) if column in (0, 5) else cell.ljust(width)
                           for column, (cell, width) in enumerate(zip(line, widths, strict=True))).rstrip()
                 for line in table]
        lines.append(f"total params: {self.total_params:,}")
        for message in self._messages():
            lines += ["", message]
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        pad = "padding: 0.15em 0.8em 0.15em 0; text-align: left; vertical-align: top"
        cell = f' style="{pad}; white-space: nowrap"'
        formula = f' style="{pad}; white-space: normal; min-width: 10em"'  # the long column wraps
        head = "".join(f"<th{formula if index == 6 else cell}>{html.escape(text)}</th>"
                       for index, text in enumerate(_HEADER))
        body = []
        for cells in self._cells():
            failed = cells[4] == "FAILED"
            style = ' class="cnnlab-failed" style="background: #fde2e1; font-weight: bold"' if failed else ""
            row = "".join(f"<td{formula if index == 6 else cell}>{html.escape(text)}</td>"
                          for index, text in enumerate(cells))
            body.append(f"<tr{style}>{row}</tr>")
        classes = ("cnnlab-note", "cnnlab-diagnosis", "cnnlab-repair")
        messages = zip(classes, self._messages(True), strict=True)
        colors = {"cnnlab-note": "inherit", "cnnlab-diagnosis": "#a40000", "cnnlab-repair": "#1a5e1a"}
        notes = "".join(f'<div class="{name}" style="white-space: pre-wrap; color: {colors[name]}; '
                        f'margin-top: 0.5em">{html.escape(text)}</div>' for name, text in messages if text)
        # A narrow column: the formulas wrap, and what is still too wide scrolls inside its own box.
        return ('<div class="cnnlab-trace-wrapper" style="overflow-x: auto; max-width: 100%">'
                '<table class="cnnlab-trace" style="font-family: monospace; font-size: 0.85em">'
                f"<thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table></div>"
                f"<div>total params: {self.total_params:,}</div>{notes}")


_HEADER = ("#", "layer", "type", "input", "output", "params", "formula")


def trace(model: nn.Module, input_size: Sequence[int] | None = None, *, input_data: Any = None,
          repair: bool = True) -> Trace:
    """Send a batch of zeros of ``input_size`` (or ``input_data``) through ``model`` and tabulate every layer.

    Chapter 5 (and 7, 8): the table of shapes, and what to change when a model breaks.

    ``input_size`` is the full shape, batch first, like ``torchinfo.summary``: (N, C, H, W)
    for 2-D convolutions, (N, C, L) for 1-D, (N, C, D, H, W) for 3-D, (N, features) for a
    fully connected network. Without the batch ((C, H, W), (C, L), ...: one number fewer
    than the first convolution or pooling layer needs) a batch of one is added, and
    ``note`` says so. ``input_data`` is an example tensor (or a tuple of arguments) to use
    instead. The pass runs under ``torch.no_grad()`` on the model's device, in eval mode,
    and every module's mode is restored afterwards (lazy layers do get their size).

    A failing forward pass is not raised: the returned ``Trace`` has ``ok == False``,
    the rows up to the failing layer, a ``diagnosis`` naming it, and a verified ``repair``
    (``repair=False`` skips the search for it).

    >>> print(trace(nn.MaxPool2d(2), (1, 6, 28, 28)).rows[0].formula)
    ⌊(28 + 2·0 − 1·(2 − 1) − 1) / 2⌋ + 1 = 14
    >>> trace(nn.Conv2d(3, 8, 3), (1, 1, 28, 28)).repair.lines
    ['nn.Conv2d(1, 8, kernel_size=3)']
    >>> trace(nn.Conv1d(2, 4, 3), (2, 50)).note
    'input_size (2, 50) has no batch dimension: traced with a batch of one, (1, 2, 50).'
    """
    if not isinstance(model, nn.Module):
        raise TypeError(f"trace needs a torch.nn.Module, got {type(model).__name__}; "
                        f"did you pass the class instead of a model, e.g. LeNet5 instead of LeNet5()?")
    first = next(iter(model.parameters()), None)
    device = first.device if first is not None else torch.device("cpu")
    dtype = first.dtype if first is not None and first.dtype.is_floating_point else torch.float32
    note = None
    if input_data is not None:
        example = input_data
        shape = first_shape(input_data)
        if shape is None:
            raise ValueError(f"input_data must be a tensor (or a tuple of tensors), "
                             f"got {type(input_data).__name__}")
    else:
        shape, note = _batch_shape(model, (1, 1, 28, 28) if input_size is None else input_size)
        example = torch.zeros(shape, device=device, dtype=dtype)
    modes = {module: module.training for module in model.modules()}
    model.eval()
    found = None
    try:
        with torch.no_grad():
            recording = record(model, example)
        problem = problem_of(recording, shape[0] if shape else 1)
        if problem is not None and repair and isinstance(example, torch.Tensor):
            found = find_repair(model, example, recording)
    finally:
        for module, training in modes.items():
            module.training = training
    return Trace(rows=tuple(recording.rows), input_shape=shape, output_shape=first_shape(recording.output),
                 total_params=count(model.parameters()),
                 diagnosis=None if problem is None else problem.finding.text, repair=found, note=note)


def _batch_shape(model: nn.Module, input_size: Sequence[int]) -> tuple[Shape, str | None]:
    """``input_size`` as a tuple of positive ints, with a batch of one in front when it has none."""
    is_sequence = isinstance(input_size, Sequence) and not isinstance(input_size, str)
    numbers = tuple(input_size) if is_sequence else ()
    if not numbers or not all(isinstance(n, int) and not isinstance(n, bool) and n > 0 for n in numbers):
        raise ValueError(f"input_size must be a tuple of positive ints such as (64, 1, 28, 28) "
                         f"(batch, channels, height, width), got {input_size!r}")
    rank = next((rank_of(module) for module in model.modules() if _spatial(module)), None)
    full = 2 if rank is None and len(numbers) <= 2 else (rank or 2) + 2
    if len(numbers) != full - 1:
        return numbers, None
    shape = (1, *numbers)
    return shape, (f"input_size {shape_text(numbers)} has no batch dimension: traced with a batch of one, "
                   f"{shape_text(shape)}.")


def _spatial(module: nn.Module) -> bool:
    """A layer whose input has channels and 1, 2 or 3 spatial dimensions."""
    kinds = (nn.modules.conv._ConvNd, nn.modules.pooling._MaxPoolNd, nn.modules.pooling._AvgPoolNd,
             nn.modules.batchnorm._BatchNorm)
    return isinstance(module, kinds) and rank_of(module) is not None
