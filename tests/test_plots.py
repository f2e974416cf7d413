"""cnnlab.plots: what each figure shows, checked on its axes, titles and colours."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import pytest  # noqa: E402
import torch  # noqa: E402
from matplotlib.colors import to_hex  # noqa: E402
from torch import nn  # noqa: E402

from cnnlab.data import ImageSplit  # noqa: E402
from cnnlab.models import LeNet5  # noqa: E402
from cnnlab.plots import (  # noqa: E402
    RIGHT,
    WRONG,
    confusion_matrix,
    plot_confusion_matrix,
    plot_feature_maps,
    plot_filters,
    plot_history,
    plot_predictions,
)
from cnnlab.train import EpochStats, History  # noqa: E402


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


class AlwaysSays(nn.Module):
    """A model that answers ``answer`` for every image."""

    def __init__(self, answer: int, classes: int = 3) -> None:
        super().__init__()
        self.scores = nn.Parameter(torch.zeros(classes))
        with torch.no_grad():
            self.scores[answer] = 5.0

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.scores.expand(len(x), -1)


def three_classes() -> ImageSplit:
    generator = torch.Generator().manual_seed(0)
    images = torch.randint(0, 256, (6, 1, 28, 28), dtype=torch.uint8, generator=generator)
    return ImageSplit(images, torch.tensor([0, 1, 2, 0, 1, 0]), ["zero", "one", "two"], "toy", "random")


def test_history_plots_loss_and_accuracy_in_percent():
    history = History([EpochStats(1, 1.0, 0.6, 0.9, 0.7, 1e-3, 1.0, 1.0),
                       EpochStats(2, 0.5, 0.8, 0.6, 0.82, 1e-3, 1.0, 1.0)])
    loss_ax, accuracy_ax = plot_history(history).axes
    assert list(loss_ax.lines[0].get_ydata()) == [1.0, 0.5]
    assert list(accuracy_ax.lines[1].get_ydata()) == pytest.approx([70.0, 82.0])
    assert "82.0%" in accuracy_ax.texts[0].get_text()
    with pytest.raises(ValueError, match="history is empty"):
        plot_history(History())


def test_predictions_are_titled_with_the_prediction_and_mistakes_are_red():
    fig = plot_predictions(AlwaysSays(0), three_classes(), count=6, columns=3)
    titles = [(ax.get_title(), to_hex(ax.title.get_color())) for ax in fig.axes]
    assert titles == [("zero", RIGHT), ("zero\n(true: one)", WRONG), ("zero\n(true: two)", WRONG),
                      ("zero", RIGHT), ("zero\n(true: one)", WRONG), ("zero", RIGHT)]
    mistakes = plot_predictions(AlwaysSays(0), three_classes(), only_mistakes=True)
    assert [ax.get_title() for ax in mistakes.axes if ax.get_title()] == [
        "zero\n(true: one)", "zero\n(true: two)", "zero\n(true: one)"]
    with pytest.raises(ValueError, match="makes no mistake"):
        plot_predictions(AlwaysSays(0), ImageSplit(torch.zeros(2, 1, 28, 28, dtype=torch.uint8),
                                                   torch.zeros(2, dtype=torch.int64), ["zero"], "t", "s"),
                         only_mistakes=True)


def test_confusion_matrix_counts_true_rows_against_predicted_columns():
    counts = confusion_matrix(torch.tensor([0, 0, 1, 2, 2, 2]), torch.tensor([0, 1, 1, 2, 0, 2]), 3)
    assert counts.tolist() == [[1, 1, 0], [0, 1, 0], [1, 0, 2]]
    assert counts.sum().item() == 6
    fig = plot_confusion_matrix(AlwaysSays(1), three_classes())
    ax = fig.axes[0]
    assert ax.get_title() == "2 of 6 right"
    assert sorted(text.get_text() for text in ax.texts) == ["1", "2", "3"]  # the 'one' column


def test_filters_show_one_image_per_kernel_of_the_first_convolution():
    model = LeNet5()
    first = plot_filters(model)
    assert len([ax for ax in first.axes if ax.images]) == 6
    assert "backbone.conv1: 6 filters of 1×5×5" in first.texts[0].get_text()
    second = plot_filters(model, "backbone.conv2")
    assert len([ax for ax in second.axes if ax.images]) == 16 * 6
    image = first.axes[0].images[0]
    assert image.get_array().tolist() == model.backbone.conv1.weight[0, 0].tolist()
    with pytest.raises(ValueError, match="'head.fc1' is a Linear, not a Conv2d"):
        plot_filters(model, "head.fc1")
    with pytest.raises(ValueError, match="no layer 'conv9'; its convolutions are backbone.conv1, backbone"):
        plot_filters(model, "conv9")


def test_feature_maps_show_what_a_layer_outputs_for_one_image():
    model = LeNet5()
    image = three_classes().images[0]
    fig = plot_feature_maps(model, image, "backbone.conv2")
    maps = [ax for ax in fig.axes if ax.images]
    assert len(maps) == 1 + 16 and maps[1].images[0].get_array().shape == (10, 10)
    assert model.training  # the model's mode is given back
    by_module = plot_feature_maps(model, image[0], model.backbone.conv1)
    assert len([ax for ax in by_module.axes if ax.images]) == 1 + 6
    with pytest.raises(ValueError, match="not feature maps"):
        plot_feature_maps(model, image, "head.fc3")
    with pytest.raises(ValueError, match=r"got \(2, 1, 28, 28\)"):
        plot_feature_maps(model, three_classes().images[:2])
