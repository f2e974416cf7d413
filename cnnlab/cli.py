"""The command line, for training outside notebooks.

::

    python -m cnnlab train --model LeNet5 --dataset mnist --epochs 5 --checkpoint lenet5.pt
    python -m cnnlab evaluate --checkpoint lenet5.pt

``train`` holds out a validation split from the training images (``--val-fraction``,
stratified, seeded by ``--seed``), keeps the epoch with the best validation accuracy in the
checkpoint, and then tests that epoch once on the test split. ``evaluate`` rebuilds the
model named in a checkpoint and tests it on the test split of the data set it was trained on.

>>> parser = build_parser()
>>> parser.parse_args(["train", "--epochs", "2"]).model
'LeNet5'
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

import torch

from cnnlab.checkpoints import RETRAIN_HINT, TEST_SELECTED_FORMAT, load_checkpoint
from cnnlab.data import FASHION_MNIST_CLASSES, ImageSplit, load_fashion_mnist, load_mnist, split_validation
from cnnlab.devices import check_device, pick_device
from cnnlab.models import MODELS
from cnnlab.train import BATCH_SIZE, TrainingDiverged, evaluate, fit

DATASETS = {"mnist": load_mnist, "fashion-mnist": load_fashion_mnist}


def main(argv: Sequence[str] | None = None) -> int:
    """Run ``python -m cnnlab`` with ``argv`` (default: the command line); return the exit status.

    >>> main(["evaluate", "--checkpoint", "no-such-file.pt"])
    Traceback (most recent call last):
    SystemExit: 1
    """
    parser = build_parser()
    arguments = parser.parse_args(argv)
    try:
        return arguments.run(arguments)
    except (FileNotFoundError, ValueError, TypeError, TrainingDiverged) as error:
        parser.exit(1, f"{parser.prog} {arguments.command}: error: {error}\n")


def build_parser() -> argparse.ArgumentParser:
    """The parser of ``python -m cnnlab``, with its ``train`` and ``evaluate`` commands.

    >>> build_parser().parse_args(["evaluate", "--checkpoint", "m.pt"]).command
    'evaluate'
    """
    parser = argparse.ArgumentParser(prog="python -m cnnlab",
                                     description="Train and evaluate the cnnlab book's networks.")
    commands = parser.add_subparsers(dest="command", required=True, metavar="{train,evaluate}")

    train = commands.add_parser("train", help="train a model, keeping the best epoch on validation data",
                                description="Train a model of the book on MNIST or Fashion-MNIST.")
    train.add_argument("--model", choices=sorted(MODELS), default="LeNet5", help="network (default: LeNet5)")
    train.add_argument("--dataset", choices=sorted(DATASETS), default="mnist", help="data (default: mnist)")
    train.add_argument("--epochs", type=_positive_int, default=5, help="epochs to train (default: 5)")
    train.add_argument("--checkpoint", metavar="FILE",
                       help="save the best epoch (on validation) there (e.g. lenet5.pt)")
    train.add_argument("--val-fraction", type=_open_fraction, default=0.1,
                       help="share of the training images held out to choose the epoch (default: 0.1)")
    train.add_argument("--resume", action="store_true", help="continue from --checkpoint if it exists")
    train.add_argument("--batch-size", type=_positive_int, default=BATCH_SIZE,
                       help=f"images per step (default: {BATCH_SIZE})")
    train.add_argument("--optimizer", choices=["adam", "sgd"], default="adam",
                       help="adam (default, with a one-cycle schedule) or sgd (constant learning rate)")
    train.add_argument("--lr", type=_positive_float,
                       help="learning rate (default: adam 0.004·√(batch size / 256), sgd 0.01)")
    train.add_argument("--momentum", type=_fraction, default=0.9, help="sgd momentum (default: 0.9)")
    train.add_argument("--seed", type=int, default=0,
                       help="random seed of the weights, the shuffling and the validation split (default: 0)")
    _add_common(train)
    train.add_argument("--quiet", action="store_true", help="no progress bars")
    train.set_defaults(run=_train)

    evaluate_command = commands.add_parser(
        "evaluate", help="test a checkpoint on the test data",
        description="Rebuild the model saved in a checkpoint; report its loss and accuracy on the test data.")
    evaluate_command.add_argument("--checkpoint", metavar="FILE", required=True,
                                  help="a file written by train")
    evaluate_command.add_argument("--dataset", choices=sorted(DATASETS),
                                  help="data (default: the one the checkpoint was trained on)")
    _add_common(evaluate_command)
    evaluate_command.set_defaults(run=_evaluate)
    return parser


def _add_common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--device", type=_device,
                        help="cpu, cuda, cuda:1 or mps (default: $CNNLAB_DEVICE, else the best there is)")
    parser.add_argument("--data", metavar="DIR",
                        help="data folder (default: $CNNLAB_DATA, else a per-user cache folder)")
    parser.add_argument("--offline", action="store_true", help="never download (like CNNLAB_OFFLINE=1)")


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a whole number, got {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, got {value}")
    return value


def _device(text: str) -> torch.device:
    try:
        return check_device(text, text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error).removeprefix(f"{text}: ")) from None


def _positive_float(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a number, got {text!r}") from None
    if not 0 < value < float("inf"):
        raise argparse.ArgumentTypeError(f"must be a positive number, got {text}")
    return value


def _fraction(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a number, got {text!r}") from None
    if not 0 <= value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 0 and below 1, got {text}")
    return value


def _open_fraction(text: str) -> float:
    value = _fraction(text)
    if value == 0:
        raise argparse.ArgumentTypeError("must be above 0: the best epoch is chosen on the validation part")
    return value


def _load(dataset: str, arguments: argparse.Namespace) -> tuple[ImageSplit, ImageSplit]:
    return DATASETS[dataset](arguments.data, download=False if arguments.offline else None)


def _train(arguments: argparse.Namespace) -> int:
    device = pick_device(arguments.device)
    train, test = _load(arguments.dataset, arguments)
    train, val = split_validation(train, arguments.val_fraction, seed=arguments.seed)
    print(f"{len(train):,} training images, {len(val):,} held out for validation, "
          f"{len(test):,} test images (used once, at the end)")
    torch.manual_seed(arguments.seed)
    model = MODELS[arguments.model]()
    optimizer, lr = None, arguments.lr
    if arguments.optimizer == "sgd":
        optimizer = torch.optim.SGD(model.parameters(), lr=lr or 0.01, momentum=arguments.momentum)
        lr = None
    with tempfile.TemporaryDirectory(prefix="cnnlab-") as folder:
        checkpoint = arguments.checkpoint or str(Path(folder) / "best.pt")
        history = fit(model, train, val, epochs=arguments.epochs, optimizer=optimizer, lr=lr,
                      batch_size=arguments.batch_size, device=device, checkpoint=checkpoint,
                      resume=arguments.resume, seed=arguments.seed, progress=not arguments.quiet)
        print(history)
        best = history.best()
        saved = f", saved in {arguments.checkpoint}" if arguments.checkpoint else ""
        print(f"Best: epoch {best.epoch}, val accuracy {best.val_accuracy:.2%}{saved}")
        load_checkpoint(checkpoint, model)  # the chosen epoch, tested once
    loss, accuracy = evaluate(model.to(device), test)
    print(f"Test accuracy of epoch {best.epoch}: {accuracy:.2%} on {len(test):,} images ({test.name})")
    return 0


def _evaluate(arguments: argparse.Namespace) -> int:
    checkpoint = load_checkpoint(arguments.checkpoint)
    name = checkpoint["model_name"]
    if name not in MODELS:
        raise ValueError(f"{arguments.checkpoint} holds a {name}, which is not one of the book's models "
                         f"({', '.join(sorted(MODELS))}); load it in Python with "
                         "cnnlab.checkpoints.load_checkpoint")
    dataset = arguments.dataset or ("fashion-mnist" if checkpoint.get("classes") == FASHION_MNIST_CLASSES
                                    else "mnist")
    device = pick_device(arguments.device)
    _, test = _load(dataset, arguments)
    model = MODELS[name]()
    load_checkpoint(arguments.checkpoint, model)
    model.to(device)
    loss, accuracy = evaluate(model, test)
    if checkpoint["format"] == TEST_SELECTED_FORMAT:
        print(f"Note: {arguments.checkpoint} is an old checkpoint: {RETRAIN_HINT}.")
    else:
        epoch = checkpoint["epoch"]
        chosen = next((stats for stats in checkpoint["history"] if stats["epoch"] == epoch), None)
        if chosen is not None:
            print(f"epoch {checkpoint['epoch']} was chosen on validation data: "
                  f"val accuracy {chosen['val_accuracy']:.2%} ({checkpoint.get('val_data', 'validation')})")
    print(f"{name} from epoch {checkpoint['epoch']} of {arguments.checkpoint}: "
          f"test loss {loss:.4f}, test accuracy {accuracy:.2%} on {len(test):,} images ({test.name})")
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
