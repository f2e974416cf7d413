"""MNIST's file format, IDX: finding the four files, checking them, writing them.

An IDX file is a header and then raw bytes. The header is a magic number (2051 for
images, 2049 for labels) and the sizes, each a 4-byte big-endian integer: an image
file of 60,000 images of 28×28 pixels is 16 + 60,000·784 bytes long. MNIST and
Fashion-MNIST ship four of them, often gzipped::

    train-images-idx3-ubyte  train-labels-idx1-ubyte  t10k-images-idx3-ubyte  t10k-labels-idx1-ubyte

torchvision reads them from ``<root>/MNIST/raw/`` (uncompressed); this module checks
files found elsewhere and puts them there, so that a truncated or foreign file gives
an error that names it instead of a stack trace from deep inside torchvision.

>>> import tempfile
>>> folder = Path(tempfile.mkdtemp())
>>> save_idx(torch.zeros(5, 1, 28, 28, dtype=torch.uint8), torch.arange(5), folder, "t10k")
>>> check_idx_file(folder / "t10k-images-idx3-ubyte.gz")
5
"""

from __future__ import annotations

import gzip
import os
import zlib
from pathlib import Path

import numpy as np
import torch

IDX_FILES = {  # file name → (magic number, header bytes, bytes per item)
    "train-images-idx3-ubyte": (2051, 16, 28 * 28),
    "train-labels-idx1-ubyte": (2049, 8, 1),
    "t10k-images-idx3-ubyte": (2051, 16, 28 * 28),
    "t10k-labels-idx1-ubyte": (2049, 8, 1),
}


def save_idx(images: torch.Tensor, labels: torch.Tensor, folder: str | os.PathLike,
             prefix: str = "train") -> None:
    """Write ``<prefix>-images-idx3-ubyte.gz`` and ``<prefix>-labels-idx1-ubyte.gz`` into ``folder``.

    ``images`` are ``uint8`` of shape (N, 1, 28, 28) or (N, 28, 28); ``prefix`` is
    ``train`` or ``t10k``.

    >>> import tempfile
    >>> folder = Path(tempfile.mkdtemp())
    >>> save_idx(torch.zeros(2, 1, 28, 28, dtype=torch.uint8), torch.tensor([3, 4]), folder, "t10k")
    >>> sorted(path.name for path in folder.iterdir())
    ['t10k-images-idx3-ubyte.gz', 't10k-labels-idx1-ubyte.gz']
    """
    images = images.reshape(len(images), images.shape[-2], images.shape[-1]).to(torch.uint8)
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    header = np.array([2051, *images.shape], dtype=">u4").tobytes()
    (folder / f"{prefix}-images-idx3-ubyte.gz").write_bytes(gzip.compress(header + images.numpy().tobytes()))
    header = np.array([2049, len(labels)], dtype=">u4").tobytes()
    labels_bytes = labels.to(torch.uint8).numpy().tobytes()
    (folder / f"{prefix}-labels-idx1-ubyte.gz").write_bytes(gzip.compress(header + labels_bytes))


def find_idx_files(folder: Path, title: str) -> dict[str, Path] | None:
    """The four files in ``folder`` (each plain or ``.gz``), ``None`` when there are none.

    Some but not all of them is a mistake, and a ``FileNotFoundError`` says which are missing.

    >>> import tempfile
    >>> find_idx_files(Path(tempfile.mkdtemp()), "MNIST") is None
    True
    """
    found = {name: _file_in(folder, name) for name in IDX_FILES}
    if not any(found.values()):
        return None
    missing = [name for name, path in found.items() if path is None]
    if missing:
        raise FileNotFoundError(
            f"{title}: {folder} holds some of the data files but not {', '.join(missing)}. Fix: put "
            "the missing files there (.gz or not), or delete the folder's files to start afresh.")
    return found  # type: ignore[return-value]


def install_idx_files(found: dict[str, Path], raw: Path, title: str) -> None:
    """Check the files and leave them uncompressed in ``raw``, torchvision's folder.

    Each file is written whole under another name, then renamed: an interrupted copy
    never leaves a half file behind.

    >>> import tempfile
    >>> folder = Path(tempfile.mkdtemp())
    >>> for prefix in ("train", "t10k"):
    ...     save_idx(torch.zeros(2, 28, 28, dtype=torch.uint8), torch.tensor([1, 2]), folder, prefix)
    >>> install_idx_files(find_idx_files(folder, "toy"), folder / "raw", "toy")
    >>> sorted(path.name for path in (folder / "raw").iterdir())[:2]
    ['t10k-images-idx3-ubyte', 't10k-labels-idx1-ubyte']
    """
    counts = {}
    for name, path in found.items():
        target = raw / name
        if path == target:
            counts[name] = check_idx_file(path, title=title)
            continue
        try:
            data = gzip.decompress(path.read_bytes()) if path.suffix == ".gz" else path.read_bytes()
        except (OSError, EOFError, zlib.error) as error:
            raise ValueError(f"{title}: {path} is not a readable gzip file ({error}); it is probably "
                             f"truncated. Fix: replace it with a fresh copy, or delete it.") from None
        counts[name] = _check_header(path, data[:16], len(data), title)
        target.parent.mkdir(parents=True, exist_ok=True)
        partial = target.with_name(target.name + ".partial")
        partial.write_bytes(data)
        os.replace(partial, target)
    for prefix in ("train", "t10k"):
        images, labels = counts[f"{prefix}-images-idx3-ubyte"], counts[f"{prefix}-labels-idx1-ubyte"]
        if images != labels:
            raise ValueError(f"{title}: {found[f'{prefix}-images-idx3-ubyte']} holds {images:,} images but "
                             f"{found[f'{prefix}-labels-idx1-ubyte']} {labels:,} labels: they do not belong "
                             "together. Fix: replace both with fresh copies.")


def check_idx_file(path: Path, *, title: str = "IDX") -> int:
    """The number of images (or labels) in ``path``; a ``ValueError`` naming the file if it is broken.

    >>> import tempfile
    >>> broken = Path(tempfile.mkdtemp()) / "train-labels-idx1-ubyte"
    >>> _ = broken.write_bytes(b"not an IDX file")
    >>> check_idx_file(broken)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ValueError: IDX: .../train-labels-idx1-ubyte is not an IDX label file (magic number ..., expected 2049)...
    """
    if path.suffix == ".gz":
        try:
            data = gzip.decompress(path.read_bytes())
        except (OSError, EOFError, zlib.error) as error:
            raise ValueError(f"{title}: {path} is not a readable gzip file ({error}); it is probably "
                             f"truncated. Fix: replace it with a fresh copy, or delete it.") from None
        return _check_header(path, data[:16], len(data), title)
    with open(path, "rb") as file:
        head = file.read(16)
    return _check_header(path, head, path.stat().st_size, title)


def _file_in(folder: Path, name: str) -> Path | None:
    for candidate in (folder / name, folder / f"{name}.gz"):
        if candidate.is_file():
            return candidate
    return None


def _check_header(path: Path, head: bytes, size: int, title: str) -> int:
    """Refuse an IDX file whose magic number, image size or length is wrong; else its item count."""
    magic, header_size, item_size = IDX_FILES[path.name.removesuffix(".gz")]
    kind = "image" if magic == 2051 else "label"
    fix = f"Fix: replace {path} with a fresh copy, or delete it to download it again."
    values = np.frombuffer(head[:header_size].ljust(header_size, b"\0"), dtype=">u4").tolist()
    if len(head) < header_size or values[0] != magic:
        raise ValueError(f"{title}: {path} is not an IDX {kind} file "
                         f"(magic number {values[0]}, expected {magic}). {fix}")
    count = values[1]
    if kind == "image" and values[2:] != [28, 28]:
        raise ValueError(f"{title}: {path} holds {values[2]}×{values[3]} images, expected 28×28. {fix}")
    expected = header_size + count * item_size
    if size != expected:
        raise ValueError(f"{title}: {path} is {size:,} bytes long but its header announces {count:,} "
                         f"{kind}s, i.e. {expected:,} bytes: the file is "
                         f"{'truncated' if size < expected else 'corrupt'}. {fix}")
    return count
