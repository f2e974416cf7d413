"""cnnlab: the companion package of the cnnlab book.

Each chapter of the book imports what it teaches from here:

- ``cnnlab.shapes``     output-size arithmetic and ``explain`` (chapters 3-5)
- ``cnnlab.receptive_field`` the receptive field of every layer of a model (chapter 10;
  the arithmetic is ``cnnlab.shapes.receptive_field``)
- ``cnnlab.trace``      ``from cnnlab import trace``: every layer's shape, why a model breaks
  and the changes that make it run (the function lives in ``cnnlab.tracing``, its diagnoses
  in ``cnnlab.diagnosis``, its verified repairs in ``cnnlab.repair``)
- ``cnnlab.layers``     convolution and pooling written from scratch, for reading
- ``cnnlab.models``     every network of the book (MnistNet, LeNet-5, SimpleCNN, ...)
- ``cnnlab.data``       MNIST and Fashion-MNIST as tensors, with an offline fallback, a validation
  split and augmentation (``cnnlab.idx`` reads and checks the IDX files;
  ``cnnlab.augmentation`` moves batches of images on the device)
- ``cnnlab.devices``    cuda, mps or cpu, and which precision suits it
- ``cnnlab.train``      ``fit``, ``evaluate``, ``predict`` (with ``cnnlab.history``
  and ``cnnlab.checkpoints``)
- ``cnnlab.plots``      training curves, prediction grids, confusion matrices, filters
- ``cnnlab.figures``    the drawings of grids, channels and networks in the chapters
- ``cnnlab.widgets``    live explorers, the digit lab and quick checks that also work in the
  static book
- ``cnnlab.exercises``  the checkers of every chapter's exercises (``check.ex3_1(...)``)
- ``python -m cnnlab``  train and evaluate from a terminal (``cnnlab.cli``)

>>> import cnnlab
>>> cnnlab.epochs(full=10, quick=1) in (1, 10)
True
"""

from __future__ import annotations

import os

__version__ = "0.1.0"


def quick_mode() -> bool:
    """True when the environment variable ``CNNLAB_QUICK`` is set to ``1``.

    CI sets it so that every chapter runs in a few seconds; leave it unset for
    the real results.

    >>> import os
    >>> from unittest import mock
    >>> with mock.patch.dict(os.environ, {"CNNLAB_QUICK": "1"}):
    ...     quick_mode()
    True
    """
    return os.environ.get("CNNLAB_QUICK", "").strip().lower() in {"1", "true", "yes"}


def epochs(full: int, quick: int = 1) -> int:
    """The number of epochs a chapter should train for: ``quick`` in quick mode, else ``full``.

    >>> epochs(full=10, quick=2) == (2 if quick_mode() else 10)
    True
    """
    return quick if quick_mode() else full


def __getattr__(name: str) -> object:
    """``cnnlab.trace`` and ``cnnlab.Trace``, imported on first use.

    Lazily, so that ``import cnnlab.shapes`` (pure arithmetic, mirrored by ``shapes.js``)
    never imports torch.
    """
    if name in ("trace", "Trace"):
        from cnnlab import tracing

        return getattr(tracing, name)
    raise AttributeError(f"module 'cnnlab' has no attribute {name!r}")
