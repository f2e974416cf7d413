"""cnnlab.trace: the shape table of every model, and the diagnosis when a model does not fit."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
import torch
import torch.nn.functional as F
import torchinfo
from hypothesis import given, settings
from hypothesis import strategies as st
from torch import nn

import cnnlab
from cnnlab.models import MODELS, DeepCNN, LeNet5, MnistNet, count_parameters
from cnnlab.tracing import Row, Trace, trace

BATCH = (7, 1, 28, 28)


def by_name(result: Trace) -> dict[str, list[Row]]:
    rows: dict[str, list[Row]] = {}
    for row in result.rows:
        rows.setdefault(row.name, []).append(row)
    return rows


# ---------------------------------------------------------------- every model of the book


@pytest.mark.parametrize("name", sorted(MODELS))
def test_every_model_traces_to_ten_scores(name):
    model = MODELS[name]()
    result = trace(model, BATCH)
    assert result.ok and result.diagnosis is None and result.failed_row is None
    assert result.input_shape == BATCH
    assert result.output_shape == result.rows[-1].output_shape == (7, 10)
    assert sum(row.params for row in result.rows) == result.total_params == count_parameters(model)
    for before, after in zip(result.rows, result.rows[1:], strict=False):  # these models are a chain
        assert after.input_shape == before.output_shape


@pytest.mark.parametrize("name", sorted(MODELS))
def test_module_rows_agree_with_torchinfo(name):
    model = MODELS[name]()
    leaves = [(layer.class_name, tuple(layer.output_size), layer.num_params)
              for layer in torchinfo.summary(model, input_size=BATCH, verbose=0).summary_list
              if layer.is_leaf_layer]
    modules = [(row.type, row.output_shape, row.params) for row in trace(model, BATCH).rows
               if "." not in row.type]  # functions are F.relu, Tensor.view, ...: torchinfo does not see them
    assert modules == leaves


def test_lenet5_table_shows_conv_and_functional_pooling_with_formulas():
    rows = [row for row in trace(LeNet5(), BATCH).rows if row.formula]
    assert [(row.name, row.type, row.output_shape[1:]) for row in rows] == [
        ("backbone.conv1", "Conv2d", (6, 28, 28)),
        ("backbone.max_pool2d", "F.max_pool2d", (6, 14, 14)),
        ("backbone.conv2", "Conv2d", (16, 10, 10)),
        ("backbone.max_pool2d", "F.max_pool2d", (16, 5, 5)),
    ]
    assert [row.formula for row in rows] == [
        "⌊(28 + 2·2 − 1·(5 − 1) − 1) / 1⌋ + 1 = 28",
        "⌊(28 + 2·0 − 1·(2 − 1) − 1) / 2⌋ + 1 = 14",
        "⌊(14 + 2·0 − 1·(5 − 1) − 1) / 1⌋ + 1 = 10",
        "⌊(10 + 2·0 − 1·(2 − 1) − 1) / 2⌋ + 1 = 5",
    ]
    assert rows[1].settings == {"kernel_size": (2, 2), "stride": (2, 2), "padding": (0, 0),
                                "dilation": (1, 1), "ceil_mode": False}


def test_mnistnet_shows_the_reused_pooling_layer_relu_and_view():
    rows = by_name(trace(MnistNet(), (1, 1, 28, 28)))
    assert [row.output_shape for row in rows["pooling"]] == [(1, 10, 12, 12), (1, 20, 4, 4)]
    assert [row.type for row in rows["relu"]] == ["F.relu", "F.relu"]
    (view,) = rows["view"]
    assert (view.type, view.input_shape, view.output_shape, view.settings) == (
        "Tensor.view", (1, 20, 4, 4), (1, 320), {"shape": (1, -1)})


def test_settings_of_conv_and_linear_layers():
    rows = by_name(trace(MnistNet(), BATCH))
    assert rows["conv1"][0].settings == {
        "in_channels": 1, "out_channels": 10, "kernel_size": (5, 5), "stride": (1, 1), "padding": (0, 0),
        "dilation": (1, 1), "groups": 1, "bias": True}
    assert rows["fc"][0].settings == {"in_features": 320, "out_features": 10, "bias": True}
    json.dumps(trace(MnistNet(), BATCH).to_dicts())  # the widget's JavaScript gets these as JSON


def test_functions_called_inside_a_layer_are_not_rows_of_their_own():
    result = trace(nn.Sequential(nn.Conv2d(1, 2, 3), nn.ReLU(), nn.Flatten()), (1, 1, 5, 5))
    assert [row.type for row in result.rows] == ["Conv2d", "ReLU", "Flatten"]
    assert [row.name for row in trace(nn.Conv2d(1, 2, 3), (1, 1, 5, 5)).rows] == ["Conv2d"]


def test_a_model_without_submodules_shows_its_functional_calls():
    class Functional(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.weight = nn.Parameter(torch.zeros(4, 1, 3, 3))

        def forward(self, x: torch.Tensor) -> torch.Tensor:
            return torch.flatten(F.avg_pool2d(F.conv2d(x, self.weight, padding="same"), 2, padding=1), 1)

    rows = trace(Functional(), (2, 1, 6, 6)).rows
    assert [(row.type, row.output_shape, row.params) for row in rows] == [
        ("F.conv2d", (2, 4, 6, 6), 36), ("F.avg_pool2d", (2, 4, 4, 4), 0), ("torch.flatten", (2, 64), 0)]
    assert rows[0].settings["padding"] == "same" and rows[0].settings["in_channels"] == 1
    assert rows[1].formula == "⌊(6 + 2·1 − 1·(2 − 1) − 1) / 2⌋ + 1 = 4"


def test_height_and_width_that_differ_get_a_formula_each():
    (row,) = trace(nn.MaxPool2d((2, 3)), (1, 1, 8, 9)).rows
    assert row.formula == ("height: ⌊(8 + 2·0 − 1·(2 − 1) − 1) / 2⌋ + 1 = 4\n"
                           "width: ⌊(9 + 2·0 − 1·(3 − 1) − 1) / 3⌋ + 1 = 3")


def test_trace_is_one_name_from_cnnlab():
    from cnnlab import Trace as top_level_trace_class
    from cnnlab import trace as top_level_trace

    assert top_level_trace is trace and top_level_trace_class is Trace
    assert cnnlab.trace is trace


def test_shapes_imports_without_torch():
    """cnnlab.shapes is the arithmetic shapes.js mirrors: it must not need torch."""
    code = ("import sys; sys.modules['torch'] = None\n"
            "import cnnlab.shapes\n"
            "assert cnnlab.shapes.conv_output_size(28, 5) == 24\n"
            "assert 'cnnlab.tracing' not in sys.modules\n")
    subprocess.run([sys.executable, "-c", code], check=True)


# ---------------------------------------------------------------- input size, modes, side effects


def test_three_numbers_mean_channels_height_width_with_a_batch_of_one():
    assert trace(LeNet5(), (1, 28, 28)).input_shape == (1, 1, 28, 28)
    assert trace(nn.Linear(784, 10), (5, 784)).output_shape == (5, 10)


@pytest.mark.parametrize("bad", [28, "1x28x28", (1, 0, 28, 28), (1, 1.5, 28), ()])
def test_bad_input_size_is_a_value_error(bad):
    with pytest.raises(ValueError, match="input_size must be a tuple of positive ints"):
        trace(LeNet5(), bad)


def test_a_class_instead_of_a_model_is_a_type_error():
    with pytest.raises(TypeError, match=r"LeNet5 instead of LeNet5\(\)"):
        trace(LeNet5, BATCH)


def test_modes_are_restored_and_batch_norm_statistics_untouched():
    model = DeepCNN().train()
    model.conv3.eval()  # a learner may freeze one block
    before = {name: tensor.clone() for name, tensor in model.state_dict().items()}
    trace(model, BATCH)
    trace(nn.Sequential(model, nn.Linear(3, 3)), BATCH)  # fails: the restore must happen anyway
    assert [m.training for m in model.modules()] == [not any(m is n for n in model.conv3.modules())
                                                     for m in model.modules()]
    assert all(torch.equal(before[name], tensor) for name, tensor in model.state_dict().items())


def test_no_hooks_are_left_behind():
    model = LeNet5()
    trace(model, BATCH)
    trace(model, (1, 3, 28, 28))  # fails
    for module in model.modules():
        assert not module._forward_hooks and not module._forward_pre_hooks


def test_lazy_layers_get_their_size():
    model = nn.Sequential(nn.Conv2d(1, 4, 3), nn.Flatten(), nn.LazyLinear(10))
    result = trace(model, (1, 1, 28, 28))
    assert result.ok and result.rows[-1].settings["in_features"] == 4 * 26 * 26
    assert result.total_params == count_parameters(model) == 40 + 2704 * 10 + 10


def test_the_dummy_batch_goes_to_the_model_device_and_dtype():
    # The meta device has shapes but no numbers: a batch left on the CPU would fail to mix with it.
    assert trace(DeepCNN().to("meta"), BATCH).output_shape == (7, 10)
    assert trace(LeNet5().double(), BATCH).ok  # float64 weights need a float64 batch


@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a GPU")
def test_a_model_on_the_gpu():
    assert trace(LeNet5().cuda(), BATCH).output_shape == (7, 10)


# ---------------------------------------------------------------- diagnosis


def mnistnet_with_50_channels() -> nn.Module:
    model = MnistNet()
    model.conv2 = nn.Conv2d(10, 50, kernel_size=5)  # 50·4·4 = 800, but fc is still Linear(320, 10)
    return model


def test_linear_mismatch_names_the_layer_the_size_its_origin_and_the_fix():
    torch_error = r"mat1 and mat2 shapes cannot be multiplied \(64x800 and 320x10\)"
    with pytest.raises(RuntimeError, match=torch_error):
        mnistnet_with_50_channels()(torch.zeros(64, 1, 28, 28))
    result = trace(mnistnet_with_50_channels(), (64, 1, 28, 28))
    assert not result.ok
    assert result.failed_row.name == "fc" and result.failed_row.input_shape == (64, 800)
    assert [row.name for row in result.rows][-2:] == ["view", "fc"]
    diagnosis = result.diagnosis
    assert diagnosis.startswith("fc (Linear) expects 320 input features")
    assert "received 800" in diagnosis
    assert "row 7 (view)" in diagnosis and "(64, 50, 4, 4)" in diagnosis
    assert "50 channels × 4 × 4 = 800" in diagnosis
    assert "Fix" not in diagnosis and "nn.Linear(800, 10)" not in diagnosis  # the repair is apart
    assert result.repair.lines == ["nn.Linear(800, 10)"] and result.repair.output_shape == (64, 10)
    assert "fc (Linear): nn.LazyLinear(10)" in str(result.repair)  # verified too, as another way
    for text in (diagnosis, str(result), result._repr_html_()):
        assert "mat1 and mat2" not in text and "Traceback" not in text


def test_forgetting_to_flatten_says_so():
    model = nn.Sequential(nn.Conv2d(1, 20, 5), nn.MaxPool2d(6), nn.Linear(320, 10))
    diagnosis = trace(model, (64, 1, 28, 28)).diagnosis
    assert "(64, 20, 4, 4) unflattened" in diagnosis and "torch.flatten(x, 1) gives (64, 320)" in diagnosis


def test_in_channels_mismatch_on_the_input():
    result = trace(nn.Sequential(nn.Conv2d(3, 16, kernel_size=5), nn.ReLU()), (8, 1, 28, 28))
    assert result.rows == (result.failed_row,) and result.failed_row.name == "0"
    assert "expects 3 input channels but received 1" in result.diagnosis
    assert "the input itself" in result.diagnosis
    assert result.repair.lines == ["nn.Conv2d(1, 16, kernel_size=5)"]
    assert "Given groups" not in result.diagnosis


def test_in_channels_mismatch_between_layers_names_the_previous_layer():
    model = LeNet5()
    model.backbone.conv2 = nn.Conv2d(8, 16, kernel_size=5, padding=1)
    result = trace(model, BATCH)
    assert result.failed_row.name == "backbone.conv2"
    assert "expects 8 input channels but received 6" in result.diagnosis
    assert "row 3 (backbone.max_pool2d)" in result.diagnosis
    # in_channels=6 with the padding of 1 makes 6·6 maps: fc1 must change too, and the repair says so
    assert result.repair.lines == ["nn.Conv2d(6, 16, kernel_size=5, padding=1)", "nn.Linear(576, 120)"]
    assert result.repair.output_shape == (7, 10)


def test_kernel_larger_than_its_input_uses_the_shapes_explanation():
    result = trace(MnistNet(), (2, 1, 12, 12))  # conv1: 8, pool: 4, conv2 needs 5
    assert result.failed_row.name == "conv2" and result.failed_row.input_shape == (2, 10, 4, 4)
    assert "kernel 5 is larger than the padded input 4 + 2·0 = 4." in result.diagnosis
    assert "use padding ≥" not in result.diagnosis  # a range is not a fix: the repair gives tried values
    assert "shrunk to 4 × 4 by rows 1 (conv1) and 2 (pooling)" in result.diagnosis
    assert "Kernel size can't be greater" not in result.diagnosis


def test_functional_pooling_window_larger_than_its_input():
    result = trace(LeNet5(), (1, 1, 10, 10))  # conv1: 10, pool: 5, conv2: 1, pool 2 does not fit
    assert result.failed_row.name == "backbone.max_pool2d" and result.failed_row.input_shape == (1, 16, 1, 1)
    assert "pooling window 2 is larger than the padded input 1 + 2·0 = 1" in result.diagnosis


def test_a_wrong_view_suggests_flatten():
    class WrongView(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.conv = nn.Conv2d(1, 4, 3)

        def forward(self, x: torch.Tensor) -> torch.Tensor:
            return self.conv(x).view(-1, 3136)

    diagnosis = trace(WrongView(), (7, 1, 28, 28)).diagnosis
    assert diagnosis.startswith("view (Tensor.view) cannot give the tensor of shape (7, 4, 26, 26)")
    assert str(trace(WrongView(), (7, 1, 28, 28)).repair) == (
        "1 change makes this model run:\n1. view (Tensor.view, row 2): x = torch.flatten(x, 1) instead of "
        "x.view(-1, 3136)\nOutput: (7, 2704).")


def test_other_failures_name_the_place_and_keep_the_message():
    class Broken(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.conv = nn.Conv2d(1, 2, 3)

        def forward(self, x: torch.Tensor) -> torch.Tensor:
            return self.conv(x) + self.missing

    result = trace(Broken(), (1, 1, 5, 5))
    assert len(result.rows) == 1 and result.failed_row is None
    assert result.diagnosis == ("The forward of the model (Broken) failed after row 1: AttributeError: "
                                "'Broken' object has no attribute 'missing'")


def test_text_table_is_aligned_and_ends_with_the_diagnosis():
    result = trace(mnistnet_with_50_channels(), (64, 1, 28, 28))
    lines = str(result).splitlines()
    header, table = lines[0], lines[1:10]
    assert header.split() == ["#", "layer", "type", "input", "output", "params", "formula"]
    formula_column = header.index("formula")
    assert lines[2][formula_column:] == "⌊(28 + 2·0 − 1·(5 − 1) − 1) / 1⌋ + 1 = 24"
    assert all(line[header.index("output"):].startswith(("(", "FAILED")) for line in table)
    assert "FAILED" in lines[9] and lines[10] == "total params: 16,020"
    assert str(result).endswith(str(result.repair))
    assert result.diagnosis + "\n\n" + str(result.repair) in str(result)


def test_html_table_highlights_the_failing_layer():
    page = trace(mnistnet_with_50_channels(), (64, 1, 28, 28))._repr_html_()
    assert page.count("<table") == 1 and page.count("<tr") == 1 + 1 + 8  # header, input, 8 rows
    assert page.count('class="cnnlab-failed"') == 1
    assert "cnnlab-diagnosis" in page and "nn.Linear(800, 10)" in page
    assert "cnnlab-failed" not in trace(MnistNet(), BATCH)._repr_html_()


# ---------------------------------------------------------------- any rank, any way of giving the input


def test_1d_and_3d_layers_get_rows_kinds_and_formulas() -> None:
    model = nn.Sequential(nn.Conv1d(2, 4, 5, padding=1), nn.MaxPool1d(2), nn.Flatten(), nn.Linear(16, 3))
    result = trace(model, (6, 2, 10))
    assert result.ok and result.note is None and result.output_shape == (6, 3)
    assert [row.kind for row in result.rows] == ["conv", "max_pool", "flatten", "linear"]
    assert result.rows[0].formula == "⌊(10 + 2·1 − 1·(5 − 1) − 1) / 1⌋ + 1 = 8"
    assert result.rows[0].settings["kernel_size"] == (5,)
    clip = trace(nn.Conv3d(3, 8, (1, 3, 3)), (2, 3, 4, 16, 16)).rows[0]
    assert clip.output_shape == (2, 8, 4, 14, 14)
    assert clip.formula.splitlines() == ["depth: ⌊(4 + 2·0 − 1·(1 − 1) − 1) / 1⌋ + 1 = 4",
                                         "height: ⌊(16 + 2·0 − 1·(3 − 1) − 1) / 1⌋ + 1 = 14",
                                         "width: ⌊(16 + 2·0 − 1·(3 − 1) − 1) / 1⌋ + 1 = 14"]


def test_a_shape_without_the_batch_is_said_so() -> None:
    signal = nn.Sequential(nn.Conv1d(1, 4, 3), nn.Flatten())
    assert trace(signal, (8, 1, 100)).note is None                       # (N, C, L): as given
    result = trace(signal, (1, 100))                                      # (C, L): a batch of one added
    assert result.input_shape == (1, 1, 100) and result.ok
    assert result.note == ("input_size (1, 100) has no batch dimension: traced with a batch of one, "
                           "(1, 1, 100).")
    assert result.note in str(result) and "cnnlab-note" in result._repr_html_()
    assert trace(LeNet5(), (1, 28, 28)).note.endswith("(1, 1, 28, 28).")
    assert trace(nn.Conv3d(1, 2, 3), (1, 8, 8, 8)).input_shape == (1, 1, 8, 8, 8)


def test_an_example_tensor_as_input_data() -> None:
    example = torch.zeros(3, 1, 28, 28, dtype=torch.float64)
    result = trace(LeNet5().double(), input_data=example)
    assert result.ok and result.input_shape == (3, 1, 28, 28) and result.output_shape == (3, 10)
    broken = trace(nn.Sequential(nn.Conv1d(12, 8, 3), nn.ReLU()), input_data=torch.randn(4, 1, 50))
    assert broken.repair.lines == ["nn.Conv1d(1, 8, kernel_size=3)"]
    double = nn.Sequential(nn.Conv2d(1, 4, 3), nn.Flatten(), nn.Linear(100, 10)).double()
    assert trace(double, input_data=torch.zeros(2, 1, 12, 12, dtype=torch.float64)).repair.lines == [
        "nn.Linear(400, 10)"]  # the repaired copy keeps float64 weights
    with pytest.raises(ValueError, match="input_data must be a tensor"):
        trace(LeNet5(), input_data=[1, 2, 3])


@settings(max_examples=40, deadline=None)
@given(rank=st.sampled_from([1, 2, 3]), size=st.integers(4, 12), kernel=st.integers(1, 4),
       stride=st.integers(1, 3), padding=st.integers(0, 2), pool=st.sampled_from(["max", "avg"]))
def test_rows_of_any_rank_agree_with_torch(rank: int, size: int, kernel: int, stride: int, padding: int,
                                           pool: str) -> None:
    conv = getattr(nn, f"Conv{rank}d")(2, 3, kernel, stride=stride, padding=padding)
    pooling = getattr(nn, f"{pool.title()}Pool{rank}d")(2, ceil_mode=True)
    model = nn.Sequential(conv, pooling)
    shape = (2, 2, *(size,) * rank)
    result = trace(model, shape)
    try:
        with torch.no_grad():
            expected = [tuple(conv(torch.zeros(shape)).shape)]
            expected.append(tuple(pooling(torch.zeros(expected[0])).shape))
    except RuntimeError:
        assert not result.ok and result.failed_row is not None
        return
    assert result.ok and [row.output_shape for row in result.rows] == expected
    for row, output in zip(result.rows, expected, strict=True):
        assert [int(line.rsplit("= ", 1)[1]) for line in row.formula.splitlines()] in (
            list(output[2:]), [output[2]])


def test_the_html_table_fits_a_narrow_page() -> None:
    page = trace(MnistNet(), BATCH)._repr_html_()
    assert 'class="cnnlab-trace-wrapper" style="overflow-x: auto; max-width: 100%"' in page
    assert "white-space: normal" in page  # the formula column wraps; the short columns stay on one line
    assert '<table class="cnnlab-trace" style="font-family: monospace; font-size: 0.85em">' in page


def test_diagnosis_and_writing_import_without_torch() -> None:
    code = ("import sys; sys.modules['torch'] = None\n"
            "import cnnlab.diagnosis, cnnlab.writing\n"
            "assert cnnlab.writing.shape_text((1, 2)) == '(1, 2)'\n")
    subprocess.run([sys.executable, "-c", code], check=True)


def test_images_without_their_channel_dimension_get_unsqueeze() -> None:
    model = nn.Sequential(nn.Conv2d(1, 32, 3), nn.ReLU(), nn.Flatten(), nn.Linear(32 * 26 * 26, 10))
    result = trace(model, (64, 28, 28))                  # MNIST as loaded: (N, H, W)
    assert result.note.endswith("(1, 64, 28, 28).")
    assert "expects 1 input channels but received 64" in result.diagnosis
    assert result.repair.lines == ["input of shape (64, 1, 28, 28): x = x.unsqueeze(1)"]
    assert result.repair.output_shape == (64, 10) == tuple(model(torch.zeros(64, 28, 28).unsqueeze(1)).shape)
