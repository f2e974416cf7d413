"""python -m cnnlab: train and evaluate on the offline MNIST sample, and refuse bad options."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest
import torch

from cnnlab.cli import main
from cnnlab.models import MODELS


@pytest.fixture(autouse=True)
def offline(monkeypatch, tmp_path):
    monkeypatch.setenv("CNNLAB_OFFLINE", "1")
    monkeypatch.setenv("CNNLAB_DATA", str(tmp_path / "no-data-here"))
    monkeypatch.setenv("CNNLAB_DEVICE", "cpu")


@pytest.mark.slow  # trains LeNet-5 for two epochs: `make test`, not `make check`
def test_train_then_evaluate_on_the_sample(tmp_path, capsys):
    checkpoint = tmp_path / "lenet5.pt"
    assert main(["train", "--model", "LeNet5", "--dataset", "mnist", "--epochs", "2", "--batch-size", "128",
                 "--checkpoint", str(checkpoint), "--val-fraction", "0.2", "--quiet"]) == 0
    out = capsys.readouterr().out
    assert "MNIST not available offline — using the 5,000-digit sample" in out
    assert "3,200 training images, 800 held out for validation, 1,000 test images (used once" in out
    assert out.splitlines()[3].split()[5:9] == ["val", "loss", "val", "acc"]
    best = re.search(r"Best: epoch (\d), val accuracy ([\d.]+)%, saved in", out)
    assert best, out
    tested = re.search(r"Test accuracy of epoch (\d): ([\d.]+)% on 1,000 images \(MNIST sample test\)", out)
    assert tested and tested.group(1) == best.group(1), out
    saved = torch.load(checkpoint, weights_only=True)
    assert saved["epoch"] == int(best.group(1)) and saved["val_data"] == "MNIST sample train validation"

    assert main(["evaluate", "--checkpoint", str(checkpoint)]) == 0
    out = capsys.readouterr().out
    assert f"epoch {best.group(1)} was chosen on validation data: val accuracy {best.group(2)}%" in out
    evaluated = re.search(r"LeNet5 from epoch (\d) of .*: test loss [\d.]+, test accuracy ([\d.]+)% "
                          r"on 1,000 images \(MNIST sample test\)", out)
    assert evaluated, out
    assert evaluated.groups() == tested.groups()
    assert float(tested.group(2)) > 40


def test_an_old_checkpoint_is_evaluated_with_a_note_that_says_how_to_retrain(tmp_path, capsys):
    path = tmp_path / "old.pt"
    torch.manual_seed(0)
    torch.save({"format": "cnnlab-checkpoint-1", "model_name": "LeNet5", "epoch": 3, "history": [],
                "model_state": MODELS["LeNet5"]().state_dict(), "optimizer_state": None,
                "scheduler_state": None, "test_data": "MNIST sample test"}, path)
    assert main(["evaluate", "--checkpoint", str(path)]) == 0
    out = capsys.readouterr().out
    assert "is an old checkpoint: its epoch was chosen on the test data" in out
    assert "python -m cnnlab train --checkpoint FILE" in out
    assert re.search(r"LeNet5 from epoch 3 of .*: test loss [\d.]+, test accuracy", out)


@pytest.mark.slow  # trains an epoch
def test_sgd_and_a_learning_rate_can_be_chosen(tmp_path, capsys):
    assert main(["train", "--model", "MnistNet", "--epochs", "1", "--optimizer", "sgd", "--lr", "0.05",
                 "--quiet"]) == 0
    table = capsys.readouterr().out.splitlines()
    assert table[3].split()[:2] == ["epoch", "train"] and float(table[4].split()[5]) == pytest.approx(0.05)


@pytest.mark.parametrize("options, message", [
    (["train", "--epochs", "0"], "argument --epochs: must be at least 1, got 0"),
    (["train", "--epochs", "two"], "argument --epochs: must be a whole number, got 'two'"),
    (["train", "--model", "ResNet"], "argument --model: invalid choice: 'ResNet'"),
    (["train", "--lr", "-1"], "argument --lr: must be a positive number, got -1"),
    (["train", "--val-fraction", "0"], "argument --val-fraction: must be above 0"),
    (["train", "--val-fraction", "1"], "argument --val-fraction: must be at least 0 and below 1, got 1"),
    (["train", "--device", "gpu"], "argument --device: 'gpu' is not a device"),
    (["train", "--dataset", "cifar"], "argument --dataset: invalid choice: 'cifar'"),
    (["evaluate"], "the following arguments are required: --checkpoint"),
    ([], "the following arguments are required: {train,evaluate}"),
])
def test_bad_options_get_argparse_errors(options, message, capsys):
    with pytest.raises(SystemExit) as exit_:
        main(options)
    assert exit_.value.code == 2
    assert message in capsys.readouterr().err


def test_a_missing_checkpoint_is_an_error_not_a_traceback(tmp_path, capsys):
    with pytest.raises(SystemExit) as exit_:
        main(["evaluate", "--checkpoint", str(tmp_path / "missing.pt")])
    assert exit_.value.code == 1
    assert "python -m cnnlab evaluate: error: no checkpoint at" in capsys.readouterr().err


def test_help_lists_every_option():
    result = subprocess.run([sys.executable, "-m", "cnnlab", "train", "--help"], capture_output=True,
                            text=True, check=True)
    options = ["--model", "--dataset", "--epochs", "--checkpoint", "--resume", "--batch-size", "--optimizer",
               "--lr", "--momentum", "--seed", "--val-fraction", "--device", "--data", "--offline", "--quiet"]
    for option in options:
        assert option in result.stdout
    assert all(name in result.stdout for name in MODELS)
