"""The exercises graded from data: their right answers, typical slips and message ids.

Each is a :class:`~cnnlab.exercises.quick.Question`; the chapter modules turn them into
checkers (``check.ex2_2(answer)``) and :data:`QUICK_CHECKS` picks 2–4 per chapter for the
quick checks of the static page. Questions with per-learner numbers (``ex3_5``, ``ex7_6``)
are functions of a name; the default name ``""`` gives the numbers the book prints.

>>> QUESTIONS["ex2_2"].answer, [q.id for q in quick_checks(6)]
(1216, ['ex6_1', 'ex6_5', 'ex6_6'])
"""

from __future__ import annotations

from cnnlab.exercises.quick import Choice, Question, Slip, seeded

MNIST_MEAN, MNIST_STD = 0.1307, 0.3081


def _pixel_question() -> Question:
    scaled = 0.0
    expected = (scaled - MNIST_MEAN) / MNIST_STD
    return Question(
        "ex1_3", "A background pixel of an MNIST digit is stored as 0. What value does the network see after "
        "ToTensor() and Normalize((0.1307,), (0.3081,))? Give 3 or 4 decimals.",
        answer=expected, right="ex1_3.right", tolerance=6e-4, fallback="ex1_3.fallback", slips=(
            Slip("ex1_3.to_tensor", value=scaled),
            Slip("ex1_3.mean_only", value=scaled - MNIST_MEAN),
            Slip("ex1_3.typo", value=(scaled - 0.1370) / MNIST_STD),
            Slip("ex1_3.half", value=(scaled - 0.5) / 0.5),
            Slip("ex1_3.order", value=scaled / MNIST_STD - MNIST_MEAN),
            Slip("ex1_3.sign", value=-expected),
            Slip("ex1_3.close", low=expected - 0.01, high=expected + 0.01),
        ))


PIXELS = 60_000 * 28 * 28


def _question(id: str, prompt: str, answer: float, slips: dict[float, str], **settings: object) -> Question:
    """A whole-number question whose slips map values to message ids."""
    return Question(id, prompt, answer=answer, right=f"{id}.right", fallback=f"{id}.fallback", whole=True,
                    slips=tuple(Slip(message, value=value) for value, message in slips.items()),
                    **settings)  # type: ignore[arg-type]


def _choice(id: str, prompt: str, answer: str, options: list[tuple[str, str]],
            **settings: object) -> Question:
    """A multiple-choice question; options are (label, message id), keyed a, b, c, …"""
    choices = tuple(Choice("abcdefgh"[index], label, message)
                    for index, (label, message) in enumerate(options))
    return Question(id, prompt, answer=answer, right=f"{id}.right", choices=choices,
                    **settings)  # type: ignore[arg-type]


def ex3_5_question(name: str = "") -> Question:
    """'Which padding keeps 28×28 under a dilated kernel?', with numbers picked from ``name`` (Chapter 3).

    >>> ex3_5_question().params, ex3_5_question().answer
    ({'kernel': 5, 'dilation': 2}, 4)
    """
    kernel, dilation = seeded(name, [(5, 2), (3, 3), (7, 2), (5, 3), (3, 2), (7, 3)])
    loses = dilation * (kernel - 1)
    return Question(
        "ex3_5", f"Which padding keeps a 28 × 28 input at 28 × 28 under a {kernel} × {kernel} kernel with "
        f"dilation={dilation} and stride 1?", answer=loses // 2, right="ex3_5.right",
        fallback="ex3_5.fallback",
        whole=True, params={"kernel": kernel, "dilation": dilation}, slips=(
            Slip("ex3_5.no_dilation", value=(kernel - 1) // 2),
            Slip("ex3_5.total", value=loses),
            Slip("ex3_5.span", value=loses + 1),
        ))


def ex7_6_question(name: str = "") -> Question:
    """'How many multiply-adds does this layer do per image?', numbers picked from ``name`` (Chapter 7).

    >>> print(ex7_6_question().prompt[:48])
    nn.Conv2d(16, 32, kernel_size=3, padding=1) gets
    """
    cin, cout, size = seeded(name, [(16, 32, 14), (8, 16, 28), (32, 64, 7), (6, 16, 10), (12, 24, 16)])
    per_value = cin * 9
    return Question(
        "ex7_6", f"nn.Conv2d({cin}, {cout}, kernel_size=3, padding=1) gets one image of {cin} × {size} × "
                  f"{size}. "
        "How many multiply-adds does it compute (one per weight and output position; leave out the bias)?",
        answer=cout * size * size * per_value, right="ex7_6.right", fallback="ex7_6.fallback", whole=True,
        params={"in_channels": cin, "out_channels": cout, "size": size}, slips=(
            Slip("ex7_6.params", value=cout * per_value),
            Slip("ex7_6.params", value=cout * per_value + cout),
            Slip("ex7_6.one_channel", value=cout * size * size * 9),
            Slip("ex7_6.one_map", value=size * size * per_value),
            Slip("ex7_6.no_kernel", value=cout * size * size * cin),
        ))


_ABCD = "Answer with the letter of one option."

QUESTIONS: dict[str, Question] = {q.id: q for q in [
    _pixel_question(),
    _question("ex1_4", "How many bytes do the 60,000 MNIST training images take as float32 tensors after "
              "ToTensor()?", PIXELS * 4, {PIXELS: "ex1_4.uint8", PIXELS * 8: "ex1_4.float64",
                                         PIXELS * 12: "ex1_4.rgb", PIXELS * 2: "ex1_4.half",
                                         28 * 28 * 4: "ex1_4.one_image"}),
    _choice("ex1_5", "PIL and ToTensor() turn a colour photo into a tensor x of shape (3, 32, 32). What is "
                     "x[0]? "
            + _ABCD, "b", [("the first row of pixels, with its 3 colour values", "ex1_5.row"),
                           ("the red channel: a 32 × 32 map", "ex1_5.right"),
                           ("the red, green and blue values of the top-left pixel", "ex1_5.pixel"),
                           ("the first image of a batch of 3", "ex1_5.batch")]),
    _question("ex2_2", "How many parameters (weights and biases) does nn.Conv2d(3, 16, kernel_size=5) have?",
              1216, {1200: "ex2_2.weights_only", 416: "ex2_2.one_slice", 1203: "ex2_2.bias_in",
                     1248: "ex2_2.bias_slice", 256: "ex2_2.kernel_5", 1600: "ex2_2.bias_weight"}),
    _question("ex2_3", "Output cell (row 0, column 1) of tutorial 000's 5 × 5 input [[3, 4, 6, 5, 7], "
              "[2, 4, 6, 8, 2], [1, 6, 7, 8, 4], [9, 7, 4, 6, 2], [3, 7, 5, 4, 1]] under the kernel "
              "[[1, 2, 3], [4, 5, 6], [7, 8, 9]] with bias 10, no padding, stride 1?",
              305, {295: "ex2_3.no_bias", 255: "ex2_3.flipped", 245: "ex2_3.flipped_no_bias",
                    269: "ex2_3.swapped", 221: "ex2_3.cell_00", 292: "ex2_3.cell_11"}),
    _choice("ex2_5", "nn.Conv2d(3, 16, kernel_size=5) has 1,216 parameters whatever the image size; a Linear "
            "layer from a 3 × 32 × 32 image to as many outputs would have millions. Why? " + _ABCD, "a",
            [("the same small filter is used at every position of the image", "ex2_5.right"),
             ("a convolution reads only one input channel at a time", "ex2_5.channels"),
             ("a convolution has no biases", "ex2_5.bias"),
             ("pooling removes most of the weights", "ex2_5.pooling")]),
    _question("ex3_2", "A 7 × 7 kernel slides over a 32 × 32 input with padding=2 and stride 1. How many "
                       "pixels "
              "high and wide is the output?", 30, {29: "ex3_2.plus_one", 28: "ex3_2.once", 27: "ex3_2.both",
                                                    26: "ex3_2.no_padding", 32: "ex3_2.same",
                                                    25: "ex3_2.count"},
              size=True),
    Question("ex3_4", "nn.Conv2d(1, 1, kernel_size=4, padding='same') is applied to an input 10 pixels wide. "
                      "How "
             "many zeros does PyTorch add on the right?", answer=2, right="ex3_4.right",
             fallback="ex3_4.fallback", whole=True, not_whole="ex3_4.half",
             slips=(Slip("ex3_4.left", value=1), Slip("ex3_4.total", value=3), Slip("ex3_4.k", value=4))),
    ex3_5_question(),
    _question("ex4_1", "A 5 × 5 kernel with stride=2 and padding=2 slides over a 32 × 32 input. How many "
                       "pixels "
              "high and wide is the output?", 16, {17: "ex4_1.ceil", 15: "ex4_1.two", 14: "ex4_1.no_padding",
                                                    32: "ex4_1.no_stride", 28: "ex4_1.order"},
              size=True, not_whole="ex4_1.fraction"),
    _question("ex4_2", "With a 2 × 2 kernel and no padding, which stride turns a 28 × 28 input into 14 × 14?",
              2, {14: "ex4_2.output", 1: "ex4_2.one", 4: "ex4_2.four", 0: "ex4_2.zero"},
              size=True, not_whole="ex4_2.whole"),
    _question("ex5_2", "in_features of the Linear layer after Conv2d(1, 32, 3), ReLU, MaxPool2d(2), "
              "Conv2d(32, 64, 3), ReLU, MaxPool2d(2), Flatten() for 28 × 28 images?", 1600,
              {64 * 6 * 6: "ex5_2.ceil", 64 * 11 * 11: "ex5_2.before_pool", 64 * 7 * 7: "ex5_2.same",
               64 * 4 * 4: "ex5_2.off_by_one", 32 * 5 * 5: "ex5_2.conv1", 5 * 5: "ex5_2.channels",
               64: "ex5_2.pixels", 28 * 28: "ex5_2.input"}),
    _question("ex5_6", "Conv2d(k=3), Conv2d(k=3), MaxPool2d(2), Conv2d(k=3), all without padding, stride 1 "
              "except the pooling. How many input pixels wide is the receptive field of one output pixel?",
              10, {8: "ex5_6.no_jump", 7: "ex5_6.no_pool", 9: "ex5_6.no_pool", 54: "ex5_6.product",
                   3: "ex5_6.one_conv", 5: "ex5_6.one_conv", 6: "ex5_6.one_conv"}),
    _question("ex5_7", "The network of exercise 5.2 gets 3-channel 32 × 32 images (CIFAR-10) instead: "
              "nn.Conv2d(3, 32, 3) first. What must in_features of the Linear layer be now?", 2304,
              {1600: "ex5_7.mnist", 3 * 2304: "ex5_7.rgb_times", 64 * 7 * 7: "ex5_7.ceil",
               64 * 13 * 13: "ex5_7.before_pool"}),
    _question("ex6_1", "A 7 × 7 feature map goes through nn.MaxPool2d(2). What are the height and width of "
                       "the "
              "output (one number)?", 3, {4: "ex6_1.ceil", 6: "ex6_1.stride_one", 7: "ex6_1.unchanged",
                                          2: "ex6_1.plus_one", 14: "ex6_1.grows"},
              size=True, not_whole="ex6_1.whole"),
    _question("ex6_5", "And the 7 × 7 map with nn.MaxPool2d(2, ceil_mode=True)?", 4, {3: "ex6_5.floor"},
              size=True),
    _choice("ex6_6", "Why does max pooling make a network tolerate small shifts of a feature? " + _ABCD, "c",
            [("it blurs the feature map", "ex6_6.blur"),
             ("it learns weights that undo shifts", "ex6_6.learned"),
             ("a window's maximum stays the same when the strongest response moves inside the window",
              "ex6_6.right"),
             ("it reduces the number of channels", "ex6_6.channels")]),
    _question("ex7_1", "How many parameters does nn.Conv2d(16, 32, kernel_size=3) have?", 4640,
              {4608: "ex7_1.no_bias", 4624: "ex7_1.bias_in", 4609: "ex7_1.one_bias", 320: "ex7_1.one_channel",
               160: "ex7_1.one_filter", 544: "ex7_1.no_window"}),
    _question("ex7_2", "How many learnable parameters does nn.BatchNorm2d(32) have?", 64,
              {128: "ex7_2.buffers", 32: "ex7_2.one", 0: "ex7_2.zero", 96: "ex7_2.three"}),
    ex7_6_question(),
    _question("ex8_2", "Tutorial 002's Backbone (C1 with padding 2) receives a 32 × 32 image instead of 28 × "
                       "28. "
              "How many numbers does the flattened output hold?", 576,
              {400: "ex8_2.mnist", 16 * 8 * 8: "ex8_2.conv2_padding", 16 * 12 * 12: "ex8_2.before_pool",
               6 * 16 * 16: "ex8_2.first_pool", 6 * 6 * 6: "ex8_2.conv1_channels", 36: "ex8_2.channels",
               16 * 7 * 7: "ex8_2.conv2"}),
    _question("ex8_4", "How many parameters does C5, nn.Conv2d(16, 120, kernel_size=5), have?", 48_120,
              {48_000: "ex8_4.no_bias", 16 * 120 + 120: "ex8_4.no_window",
               120 * 25 + 120: "ex8_4.one_channel",
               48_016: "ex8_4.bias_in", 61_706: "ex8_4.whole_net"}),
    _choice("ex8_5", "LeNet5() (trained on 1 × 28 × 28 digits) gets a colour photo of shape (1, 3, 32, 32). "
            "Which layer fails first? " + _ABCD, "a",
            [("conv1", "ex8_5.right"), ("fc1", "ex8_5.fc1"), ("the first pooling", "ex8_5.pool"),
             ("none: PyTorch averages the 3 channels", "ex8_5.broadcast")]),
    _choice("ex9_7", "Training loss per epoch: 0.62, 0.31, 0.22, 0.17, 0.12, 0.08, 0.05. Validation loss: "
            "0.58, 0.33, 0.27, 0.25, 0.28, 0.34, 0.41. What happens? " + _ABCD, "a",
            [("the model overfits", "ex9_7.right"), ("the learning rate is too high", "ex9_7.lr"),
             ("the model underfits: it is too small", "ex9_7.underfit"),
             ("the labels are shuffled apart from the images", "ex9_7.bug")], params={"turn": 4}),
    _choice("ex9_8", "Training loss every 100 steps: 2.30, 2.9, 4.7, 18.2, 391.0, nan. What is the most "
                     "likely "
            "cause? " + _ABCD, "c",
            [("overfitting", "ex9_8.overfit"), ("too few epochs", "ex9_8.epochs"),
             ("a learning rate that is too high", "ex9_8.right"), ("wrong labels", "ex9_8.data")]),
    _choice("ex9_9", "This loop's loss hardly falls: model = nn.Sequential(LeNet5(), nn.Softmax(dim=1)); "
            "loss_fn = nn.CrossEntropyLoss(); optimizer = SGD(model.parameters(), lr=0.1); each step: "
            "zero_grad, loss_fn(model(x), y).backward(), step. What is the bug? " + _ABCD, "a",
            [("the softmax before CrossEntropyLoss", "ex9_9.right"),
             ("model.eval() is missing", "ex9_9.eval"),
             ("the gradients are never cleared", "ex9_9.zero_grad"), ("lr=0.1 is too high", "ex9_9.lr")]),
    _choice("ex9_10", "images = images[torch.randperm(n)]; labels = labels[torch.randperm(n)]; then the "
                      "usual "
            "training: accuracy stays near 10% after 5 epochs. What is the bug? " + _ABCD, "d",
            [("model.eval() is missing", "ex9_10.eval"), ("a softmax before the loss", "ex9_10.softmax"),
             ("5 epochs are too few", "ex9_10.epochs"),
             ("images and labels are shuffled with different permutations", "ex9_10.right")]),
    _choice("ex9_11", "A model with nn.Dropout(0.5) is trained, then evaluated twice on the same test images "
            "under torch.no_grad(): 97.1%, then 96.4%. What was forgotten? " + _ABCD, "b",
            [("shuffle=False in the test loader", "ex9_11.shuffle"), ("model.eval()", "ex9_11.right"),
             ("torch.no_grad()", "ex9_11.no_grad"), ("torch.manual_seed(0)", "ex9_11.seed")]),
    _choice("ex10_5", "To train LeNet5 on CIFAR-10 (3-channel 32 × 32 photos), what must change? " + _ABCD,
            "b",
            [("convert the photos to grayscale, nothing else", "ex10_5.gray"),
             ("conv1 reads 3 channels, and fc1 takes the features a 32 × 32 image leaves", "ex10_5.right"),
             ("only conv1: nn.Conv2d(3, 6, 5, padding=2)", "ex10_5.conv1_only"),
             ("resize the photos to 28 × 28, nothing else", "ex10_5.resize")]),
    _choice("ex10_6", "Why does random augmentation of the training images often raise the test accuracy? "
            + _ABCD, "c",
            [("it makes the data set on disk larger", "ex10_6.more_data"),
             ("it is applied to the test images too", "ex10_6.test"),
             ("the network sees new random versions each epoch and cannot memorise the exact images",
              "ex10_6.right"),
             ("it makes each epoch faster", "ex10_6.faster")]),
]}

QUICK_CHECKS: dict[int, list[str]] = {
    1: ["ex1_3", "ex1_4", "ex1_5"], 2: ["ex2_2", "ex2_3", "ex2_5"], 3: ["ex3_2", "ex3_4", "ex3_5"],
    4: ["ex4_1", "ex4_2"], 5: ["ex5_2", "ex5_6", "ex5_7"], 6: ["ex6_1", "ex6_5", "ex6_6"],
    7: ["ex7_1", "ex7_2", "ex7_6"], 8: ["ex8_2", "ex8_4", "ex8_5"], 9: ["ex9_7", "ex9_8", "ex9_10"],
    10: ["ex10_5", "ex10_6"],
}
"""The questions each chapter's page can answer without a kernel (2–4 per chapter)."""


def quick_checks(chapter: int) -> list[Question]:
    """The quick-check questions of ``chapter``, in order.

    >>> [question.id for question in quick_checks(4)]
    ['ex4_1', 'ex4_2']
    """
    return [QUESTIONS[id] for id in QUICK_CHECKS[chapter]]
