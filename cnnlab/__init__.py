"""cnnlab: the companion package of the cnnlab book.

Each chapter of the book imports what it teaches from here:

- ``cnnlab.shapes``  output-size arithmetic, ``explain`` and ``trace``
- ``cnnlab.layers``  convolution and pooling written from scratch, for reading
- ``cnnlab.models``  every network of the book (MnistNet, LeNet-5, ...)
- ``cnnlab.data``    MNIST and Fashion-MNIST as tensors, with an offline fallback
- ``cnnlab.train``   device choice, ``fit``, ``evaluate``, checkpoints
- ``cnnlab.plots``   training curves, prediction grids, filters and feature maps
- ``cnnlab.widgets`` live explorers that also work in the static book

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
    >>> os.environ["CNNLAB_QUICK"] = "1"
    >>> quick_mode()
    True
    >>> del os.environ["CNNLAB_QUICK"]
    """
    return os.environ.get("CNNLAB_QUICK", "").strip().lower() in {"1", "true", "yes"}


def epochs(full: int, quick: int = 1) -> int:
    """The number of epochs a chapter should train for: ``quick`` in quick mode, else ``full``.

    >>> epochs(full=10, quick=2) == (2 if quick_mode() else 10)
    True
    """
    return quick if quick_mode() else full
