"""Verified repairs: the changes that make a broken model run, each one tried before it is shown.

When ``trace`` finds a problem, :func:`repair` proposes fixes for the layer at fault
(``in_channels``, ``in_features``, a flatten, a padding, a kernel...), applies each to a
deep copy of the model and runs the copy again (on PyTorch's ``meta`` device, which
computes shapes without numbers, when the model runs there as it does on its own
device). A fix is kept only if the copy then gets past that layer; the search goes on
until the whole model runs, with a bounded number of steps and runs. Where the fault
is the input's size, it also tries what changes more than one layer: another input size,
one pooling layer fewer, an ``AdaptiveAvgPool2d`` before the flatten. Chapter 5 shows a repair.

>>> from torch import nn
>>> broken = nn.Sequential(nn.Conv2d(1, 8, 3), nn.ReLU(), nn.Linear(5408, 10))   # 8·26·26 = 5408
>>> print(repair(broken, torch.zeros(4, 1, 28, 28)))
1 change makes this model run:
1. before 2 (Linear): add nn.Flatten()
Output: (4, 10).
"""

from __future__ import annotations

import copy
import time
from dataclasses import dataclass, field, replace
from typing import Any

import torch
from torch import nn

from cnnlab.candidates import Candidate, Change, Problem, State, candidates, shrink_candidates
from cnnlab.diagnosis import Finding, batch_breaker, batch_mismatch, diagnose
from cnnlab.recording import Recording, first_shape, record
from cnnlab.writing import error_line, shape_text

__all__ = ["Repair", "problem_of", "repair"]

Shape = tuple[int, ...]
MAX_STEPS = 6      # changes in one repair
BEAM = 3           # repaired copies carried from one step to the next
MAX_RUNS = 150     # forward passes in one search
MAX_SECONDS = 30.0


@dataclass(frozen=True)
class Repair:
    """The ``changes`` that make the model run, verified, and the ``output_shape`` it then gives.

    ``complete`` is False when the changes get the model further but not to the end.
    ``alternatives`` are other verified repairs that change more (the input size, a
    pooling layer, an adaptive pooling).
    """

    changes: tuple[Change, ...]
    output_shape: Shape | None
    complete: bool = True
    alternatives: tuple[Repair, ...] = field(default=())

    @property
    def lines(self) -> list[str]:
        """The code of each change, in order."""
        return [change.code for change in self.changes]

    def summary(self) -> str:
        """The changes on one line: ``fc: nn.Linear(800, 10) → (64, 10)``."""
        return "; ".join(str(change) for change in self.changes) + f" → {shape_text(self.output_shape)}"

    def __str__(self) -> str:
        count = len(self.changes)
        verb = "make" if count > 1 else "makes"
        changes = f"{count} change{'s' * (count > 1)}"
        head = (f"{changes} {verb} this model run:" if self.complete else
                f"{changes} get{'s' * (count == 1)} this model further, but not to the end:")
        lines = [head, *(f"{number}. {change}" for number, change in enumerate(self.changes, start=1))]
        if self.complete:
            lines.append(f"Output: {shape_text(self.output_shape)}.")
        if self.alternatives:
            lines.append("Other ways that also run:")
            lines += [f"- {alternative.summary()}" for alternative in self.alternatives]
        return "\n".join(lines)


def problem_of(recording: Recording, batch: int) -> Problem | None:
    """What is wrong with a recorded pass, and where (``None``: it ran and kept the batch).

    A reshape that mixed the examples of the batch comes first: it is the cause of what fails after it.

    >>> problem = problem_of(record(nn.Flatten(0), torch.zeros(4, 3, 2)), batch=4)
    >>> problem.position, problem.finding.text.split(":")[0]
    (0, 'Flatten (Flatten) turns the batch of 4 examples into one vector of 24 values')
    """
    rows = recording.rows
    done = rows[:-1] if recording.layer is not None else rows
    if recording.error is not None and (breaker := batch_breaker(done, batch, flattening=True)) is not None:
        return Problem(breaker, rows[breaker].name, batch_mismatch(done, batch, None) or Finding(""), None)
    earlier = [(row.name, row.input_shape, row.output_shape) for row in done]
    if recording.error is not None and recording.layer is not None:
        finding = diagnose(recording.layer, earlier, recording.error)
        return Problem(len(rows) - 1, recording.layer.name, finding, recording.layer)
    if recording.error is not None:
        name, module = recording.where or ("", None)
        text = (f"The forward of {name or 'the model'} ({type(module).__name__}) failed after row "
                f"{len(rows)}: {error_line(recording.error)}")
        return Problem(len(rows), name, Finding(text), None)
    finding = batch_mismatch(rows, batch, first_shape(recording.output))
    if finding is None:
        return None
    culprit = batch_breaker(rows, batch)
    culprit = len(rows) if culprit is None else culprit
    return Problem(culprit, rows[culprit].name if culprit < len(rows) else "", finding, None)


class _Search:
    """Runs repaired copies of one model and keeps count."""

    def __init__(self, model: nn.Module, shape: Shape, dtype: torch.dtype, device: torch.device) -> None:
        self.model, self.shape, self.dtype, self.device = model, shape, dtype, device
        self.runs, self.start = 0, time.monotonic()
        self.partial: tuple[State, Recording, Problem] | None = None

    def exhausted(self) -> bool:
        return self.runs >= MAX_RUNS or time.monotonic() - self.start > MAX_SECONDS

    def run(self, state: State) -> Recording:
        self.runs += 1
        with torch.no_grad():
            return record(state.model, torch.zeros(state.shape, dtype=self.dtype, device=self.device),
                          state.replace)

    def apply(self, state: State, candidate: Candidate) -> State | None:
        new = State(copy.deepcopy(state.model), candidate.shape or state.shape, dict(state.replace),
                    state.changes + candidate.changes)
        try:
            with torch.device(self.device):
                candidate.apply(new)
            if self.dtype.is_floating_point:  # new layers in the model's precision (float64, bfloat16, ...)
                new.model.to(dtype=self.dtype)
        except Exception:  # a candidate that cannot be built (odd module): not a fix
            return None
        return new

    def try_all(self, state: State, problem: Problem,
                options: list[Candidate]) -> tuple[tuple[State, Recording] | None, list[Any]]:
        """The first candidate that makes the model run, and those that get it further."""
        further = []
        for candidate in options:
            if self.exhausted():
                break
            new = self.apply(state, candidate)
            if new is None:
                continue
            recording = self.run(new)
            next_problem = problem_of(recording, new.shape[0])
            if next_problem is None:
                return (new, recording), further
            if next_problem.position > problem.position or (next_problem.position == problem.position
                                                              and next_problem.name != problem.name):
                further.append((new, recording, next_problem))
        return None, further

    def solve(self, state: State, recording: Recording) -> tuple[State, Recording] | None:
        """Changes that make the model run: breadth first, so that the fewest changes win, keeping the
        ``BEAM`` copies that got furthest at each step."""
        frontier = [(state, recording)]
        for _ in range(MAX_STEPS):
            reached = []
            for current, current_recording in frontier:
                problem = problem_of(current_recording, current.shape[0])
                if problem is None:
                    return current, current_recording
                with torch.device(self.device):  # new layers on the device of the copy
                    options = candidates(current.model, current_recording, problem, current.shape)
                found, further = self.try_all(current, problem, options)
                if found is not None:
                    return found
                reached += further
            if not reached or self.exhausted():
                return None
            reached.sort(key=lambda item: -item[2].position)  # stable: the most likely fix first among equals
            if self.partial is None or reached[0][2].position > self.partial[2].position:
                self.partial = reached[0]
            frontier = [(new, new_recording) for new, new_recording, _ in reached[:BEAM]]
        return None


def repair(model: nn.Module, example: torch.Tensor, recording: Recording | None = None) -> Repair | None:
    """The verified changes that make ``model`` run on a batch shaped like ``example``; ``None`` if it runs.

    ``recording`` is the model's own pass, if already made. The model itself is not
    changed: every try runs on a deep copy, in eval mode, without gradients. Returns a
    ``Repair`` with ``complete=False`` when the changes found get the model further but not
    to the end, and ``None`` when it runs or no change helps.

    >>> repair(nn.Sequential(nn.Conv1d(2, 4, 3), nn.Flatten(), nn.Linear(30, 5)), torch.zeros(8, 2, 10)).lines
    ['nn.Linear(32, 5)']
    """
    shape = tuple(example.shape)
    if recording is None:
        with torch.no_grad():
            recording = record(model, example)
    search = _search_for(model, example, recording)
    if search is None:
        return None
    start = State(search.model, shape)
    first = search.run(start)
    problem = problem_of(first, shape[0])
    if problem is None:
        return None
    solved = search.solve(start, first)
    search.runs, search.start = 0, time.monotonic()  # the alternatives get a budget of their own
    alternatives = _alternatives(search, start, first, problem)
    if solved is not None:
        state, final = solved
        output = first_shape(final.output)
        same = tuple(alternative for alternative in alternatives if alternative.output_shape == output)
        return Repair(state.changes, output, alternatives=same)
    if alternatives:
        return replace(alternatives[0], alternatives=alternatives[1:])
    if search.partial is not None:
        return Repair(search.partial[0].changes, None, complete=False)
    return None


def _search_for(model: nn.Module, example: torch.Tensor, real: Recording) -> _Search | None:
    """A search on a ``meta`` copy when the copy runs as the model does, else on a real copy."""
    shape = tuple(example.shape)
    try:
        meta = copy.deepcopy(model).to("meta")
        search = _Search(meta, shape, example.dtype, torch.device("meta"))
        recording = search.run(State(meta, shape))
        if [(row.name, row.output_shape) for row in recording.rows] == \
                [(row.name, row.output_shape) for row in real.rows] and \
                (recording.error is None) == (real.error is None):
            search.runs = 0
            return search
    except Exception:  # a model that cannot be copied to meta: try a real copy
        pass
    try:
        return _Search(copy.deepcopy(model), shape, example.dtype, example.device)
    except Exception:  # a model that cannot be copied at all
        return None


def _alternatives(search: _Search, start: State, recording: Recording,
                  problem: Problem) -> tuple[Repair, ...]:
    """Verified repairs that change more than the layer at fault: the first that works of each way."""
    found = []
    with torch.device(search.device):
        ways = shrink_candidates(start.model, recording, problem, start.shape)
    for way in ways:
        for option in way:
            if search.exhausted():
                return tuple(found)
            new = search.apply(start, option)
            if new is None:
                continue
            result = search.run(new)
            if problem_of(result, new.shape[0]) is None:
                found.append(Repair(new.changes, first_shape(result.output)))
                break
    return tuple(found)
