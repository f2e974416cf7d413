"""Every message of the questions graded from data (``cnnlab.exercises.quick``), keyed by id.

One table for Python and the page: the quick-check widget sends it to the browser, so a
translation replaces these strings and nothing else. ``{name}`` marks a parameter that
:func:`cnnlab.exercises.quick.grade` fills in (``{value}`` is always the learner's answer).

>>> MESSAGES["answer.not_number"]
'Give a number, e.g. 12 or 0.5.'
"""

from __future__ import annotations

MESSAGES: dict[str, str] = {
    # ---- any question
    "answer.missing": "Type an answer first.",
    "answer.not_number": "Give a number, e.g. 12 or 0.5.",
    "answer.not_whole": "{value} is not a whole number: sizes and counts are.",
    "answer.not_square": "Give one number: the height and the width are the same here.",
    "answer.not_choice": "Pick one of the options ({choices}).",
    "answer.wrong": "{value} is not it yet: work through the question step by step.",
    # ---- chapter 1
    "ex1_3.right": "your {value} is (0/255 − 0.1307) / 0.3081 to the decimals you gave.",
    "ex1_3.to_tensor": "That is what ToTensor() gives. Normalize then subtracts the mean and divides by the "
                       "std.",
    "ex1_3.mean_only": "You subtracted the mean; now divide by the standard deviation too.",
    "ex1_3.typo": "That uses 0.1370, tutorial 000's typo: MNIST's mean is 0.1307.",
    "ex1_3.half": "That is Normalize((0.5,), (0.5,)), which maps [0, 1] to [−1, 1]; the exercise uses "
                  "MNIST's "
                  "mean and std.",
    "ex1_3.no_scale": "ToTensor() divides by 255 first: the mean and std are on a 0–1 scale.",
    "ex1_3.order": "Subtract the mean first, then divide: (x − mean) / std.",
    "ex1_3.sign": "Check the sign: (x − mean) / std.",
    "ex1_3.close": "Close, but not to 3 decimals: compute (x − mean) / std without rounding on the way.",
    "ex1_3.fallback": "Two steps: ToTensor() maps 0–255 to 0–1, then Normalize computes (x − mean) / std "
                      "with mean 0.1307 and std 0.3081.",
    "ex1_4.right": "{value} bytes: 60,000 · 1 · 28 · 28 values · 4 bytes ≈ 188 MB; as uint8 it is a quarter "
                   "of "
                   "that, which is why cnnlab keeps images as uint8 and converts each batch.",
    "ex1_4.uint8": "That is the uint8 size (1 byte per pixel). float32 takes 4 bytes per value.",
    "ex1_4.float64": "8 bytes is float64; PyTorch's default float is float32, 4 bytes.",
    "ex1_4.rgb": "MNIST is grayscale: one channel, not three.",
    "ex1_4.half": "2 bytes is float16 or bfloat16; ToTensor() gives float32, 4 bytes.",
    "ex1_4.one_image": "That is one image; the training set has 60,000 of them.",
    "ex1_4.fallback": "Count the values (N · C · H · W), then multiply by the bytes per value "
                      "(x.element_size()).",
    "ex1_5.right": "x[0] is the first channel, the red one: a PyTorch image tensor is (C, H, W).",
    "ex1_5.row": "That would be true for (H, W, C) arrays; a PyTorch image puts the channels first: (C, H, "
                 "W).",
    "ex1_5.pixel": "The three numbers of one pixel lie along the first axis, so you would need x[:, 0, 0]: "
                   "x[0] takes a whole slice of the first axis.",
    "ex1_5.batch": "(3, 32, 32) is one image, with no batch dimension: its first axis is not a batch.",
    # ---- chapter 2
    "ex2_2.right": "{value} = 16 filters · (3 · 5 · 5) weights + 16 biases.",
    "ex2_2.weights_only": "Weights only: each of the 16 output channels also has one bias.",
    "ex2_2.one_slice": "Each filter has a 5×5 slice for EACH of the 3 input channels.",
    "ex2_2.bias_in": "One bias per OUTPUT channel (per filter), not per input channel.",
    "ex2_2.bias_slice": "One bias per filter, not per slice: the slices are summed into one map first.",
    "ex2_2.kernel_5": "The kernel is 5×5 = 25 weights per slice, not 5.",
    "ex2_2.bias_weight": "The bias is one number per output channel, not one per kernel weight.",
    "ex2_2.fallback": "Count the weight tensor (out_channels · in_channels · kH · kW), then add one bias per "
                      "output channel.",
    "ex2_3.right": "{value} = 4·1 + 6·2 + 5·3 + 4·4 + 6·5 + 8·6 + 6·7 + 7·8 + 8·9 + 10.",
    "ex2_3.no_bias": "The multiply-and-add is right; now add the bias.",
    "ex2_3.flipped": "You flipped the kernel (convolution as mathematicians define it). PyTorch's Conv2d "
                     "slides "
                     "the kernel as it is: cross-correlation.",
    "ex2_3.flipped_no_bias": "You flipped the kernel, and the bias is missing: PyTorch does not flip.",
    "ex2_3.swapped": "Row and column are swapped: the window starts in row 0, column 1.",
    "ex2_3.cell_00": "That is cell (0, 0); indices start at 0, so column 1 is the second.",
    "ex2_3.cell_11": "That is cell (1, 1); the window starts in the first row (row 0).",
    "ex2_3.fallback": "Lay the 3×3 kernel on rows 0–2 and columns 1–3 of the input, multiply the numbers on "
                      "top of each other, add the nine products and the bias.",
    "ex2_5.right": "Weight sharing: the same small filter slides over every position, so its weights do not "
                   "grow with the image.",
    "ex2_5.channels": "A convolution reads every input channel (its weight is out × in × k × k); that is not "
                      "where the saving comes from.",
    "ex2_5.bias": "A convolution has biases too (one per filter); the biases are a tiny share anyway.",
    "ex2_5.pooling": "Pooling has no weights at all, and it is a separate layer: the question is about one "
                     "convolution.",
    # ---- chapter 3
    "ex3_2.right": "{value} = 32 + 2·2 − 7 + 1.",
    "ex3_2.plus_one": "Almost: the formula ends with + 1 (the window's first position counts).",
    "ex3_2.once": "The padding is counted once: padding=2 adds 2 zeros on EACH side, 4 in total.",
    "ex3_2.both": "Two slips: the padding goes on both sides (2·p), and the formula ends with + 1.",
    "ex3_2.no_padding": "The padding is missing: 2 zeros are added on each side before the window slides.",
    "ex3_2.same": "Padding 2 is not enough to keep a 7×7 kernel's size: the kernel loses k − 1 pixels "
                  "across.",
    "ex3_2.count": "Count the window's positions: n + 2·p − k + 1.",
    "ex3_2.fallback": "Output = n + 2·p − k + 1, with p zeros on each side.",
    "ex3_4.right": "{value}: k − 1 = 3 zeros in total, 1 on the left and the extra one on the right.",
    "ex3_4.left": "That is the left side: the 3 zeros cannot be split evenly, and PyTorch puts the extra one "
                  "on the right (and bottom).",
    "ex3_4.total": "3 is the total, k − 1, for both sides together.",
    "ex3_4.k": "'same' adds k − 1 zeros in total (the window then fits n times), not k.",
    "ex3_4.half": "Zeros come in whole numbers: the k − 1 = 3 zeros cannot be split evenly.",
    "ex3_4.fallback": "'same' adds k − 1 zeros in total, shared between left and right.",
    "ex3_5.right": "padding {value}: a {kernel}×{kernel} kernel with dilation {dilation} spans "
                   "d·(k − 1) + 1 pixels, and half of the d·(k − 1) it loses goes on each side.",
    "ex3_5.no_dilation": "That is the padding for the kernel without dilation; dilation {dilation} spreads "
                         "its "
                         "taps apart, so it spans more pixels.",
    "ex3_5.total": "That is the total over both sides; padding counts the zeros on EACH side.",
    "ex3_5.span": "That is how many pixels the dilated kernel spans; the padding replaces what it loses, "
                  "split over two sides.",
    "ex3_5.fallback": "A kernel of size k with dilation d spans d·(k − 1) + 1 pixels. How many does it lose, "
                      "and how many zeros does each side need?",
    # ---- chapter 4
    "ex4_1.right": "{value} = ⌊(32 + 2·2 − 5) / 2⌋ + 1 = ⌊15.5⌋ + 1.",
    "ex4_1.fraction": "Sizes are whole numbers: round the division down (⌊ ⌋), then add 1.",
    "ex4_1.ceil": "That is rounded up; PyTorch rounds down, because a window that would hang over the edge "
                  "is "
                  "not used.",
    "ex4_1.two": "Check two things: the + 1 at the end (the first position counts), and the padding on BOTH "
                 "sides (2·p).",
    "ex4_1.no_padding": "The padding is missing: 2 zeros are added on each side before the window slides.",
    "ex4_1.no_stride": "Divide by the stride: the window moves 2 pixels per step, so it has half as many "
                       "positions.",
    "ex4_1.order": "Divide by the stride before adding 1: ⌊(n + 2·p − k) / s⌋ + 1.",
    "ex4_1.fallback": "Fill n = 32, k = 5, p = 2, s = 2 into ⌊(n + 2·p − k) / s⌋ + 1.",
    "ex4_2.right": "stride {value}: ⌊(28 − 2) / 2⌋ + 1 = 14, the windows tile the image without overlap.",
    "ex4_2.output": "14 is the output size you want; the question asks for the stride that gives it.",
    "ex4_2.one": "Stride 1 gives 28 − 2 + 1 = 27: one position per pixel, minus the edge.",
    "ex4_2.four": "Stride 4 gives ⌊26 / 4⌋ + 1 = 7, a quarter of 28.",
    "ex4_2.zero": "A stride of 0 would never move the window; the stride is at least 1.",
    "ex4_2.whole": "A stride is a whole number of pixels, at least 1.",
    "ex4_2.fallback": "Try ⌊(28 − 2) / s⌋ + 1 for a few values of s.",
    # ---- chapter 5
    "ex5_2.right": "{value} = 64 channels × 5 × 5: nn.Linear({value}, 10).",
    "ex5_2.ceil": "That rounds 11 / 2 = 5.5 up to 6; pooling rounds down: the last row and column are "
                  "dropped.",
    "ex5_2.before_pool": "64 · 11 · 11 is the size before the last MaxPool2d(2): the Linear layer gets the "
                         "pooled tensor.",
    "ex5_2.same": "That assumes each convolution keeps the size, but kernel_size=3 with no padding removes a "
                  "pixel on every side (28 → 26).",
    "ex5_2.off_by_one": "A size is off by one: the formula ends with + 1 (26 → 13, not 25 → 12).",
    "ex5_2.conv1": "32 is conv1's channel count; the flattened tensor has the channels of the LAST "
                   "convolution.",
    "ex5_2.channels": "The flattened vector holds every channel: multiply the height and width by the "
                      "channels.",
    "ex5_2.pixels": "The flattened vector holds every pixel of every channel: channels × height × width.",
    "ex5_2.input": "That is the input image flattened; the Linear layer sees the output of the last pooling.",
    "ex5_2.fallback": "Follow the size layer by layer (28 → ? → ? → ? → ?), then multiply the last height, "
                      "width "
                      "and channel count.",
    "ex5_6.right": "{value} pixels: each 3×3 convolution adds 2 input pixels per step of the layers below "
                   "it, "
                   "and after the pooling one step is 2 input pixels.",
    "ex5_6.no_jump": "You added k − 1 for every layer, but after MaxPool2d(2) neighbouring pixels are 2 "
                     "input "
                     "pixels apart: the last convolution's k − 1 counts twice.",
    "ex5_6.no_pool": "The pooling window widens the field too: a 2×2 max reads two neighbours of the layer "
                     "below it.",
    "ex5_6.product": "Receptive fields do not multiply: each layer adds (k − 1) × the distance between "
                     "neighbouring inputs of that layer.",
    "ex5_6.one_conv": "That is one or two layers' worth; follow every layer from the input up.",
    "ex5_6.fallback": "Start at 1 pixel; each layer adds (k − 1) × j, where j is how many input pixels lie "
                      "between neighbouring pixels of that layer's input (j doubles after a stride-2 layer).",
    "ex5_7.right": "{value} = 64 · 6 · 6: 32 → 30 → 15 → 13 → 6; the 3 colour channels are summed in conv1.",
    "ex5_7.mnist": "That is the MNIST size; a 32×32 image is larger, so every map is larger too.",
    "ex5_7.rgb_times": "The 3 input channels do not survive conv1: each filter sums over all of them, so "
                       "only "
                       "the last convolution's 64 channels reach the Linear layer.",
    "ex5_7.ceil": "13 / 2 = 6.5 is rounded down by pooling, not up.",
    "ex5_7.before_pool": "That is the size before the last pooling.",
    "ex5_7.fallback": "Follow a 32×32 image through conv (3×3), pool, conv (3×3), pool; then channels × "
                      "height "
                      "× width.",
    # ---- chapter 6
    "ex6_1.right": "{value}: ⌊(7 − 2) / 2⌋ + 1, the 7th row and column fit in no window and are dropped.",
    "ex6_1.ceil": "That is rounded up; a 2×2 window that would hang over the edge is dropped (⌊ ⌋, "
                  "ceil_mode=False).",
    "ex6_1.stride_one": "That uses stride 1; MaxPool2d(2) moves by its kernel size, 2, unless you give a "
                        "stride.",
    "ex6_1.unchanged": "Pooling shrinks the map: MaxPool2d(2) keeps one value out of every 2×2 window.",
    "ex6_1.plus_one": "One short: the formula ends with + 1 (the window's first position counts).",
    "ex6_1.grows": "Pooling shrinks; it never grows the map.",
    "ex6_1.whole": "Sizes are whole numbers: a window either fits or is not used, so round down.",
    "ex6_1.fallback": "Fill n = 7, k = 2 and the default stride into ⌊(n − k) / s⌋ + 1.",
    "ex6_5.right": "{value}: ⌈(7 − 2) / 2⌉ + 1, the last window starts at the 7th row and holds only that "
                   "row.",
    "ex6_5.floor": "That is the floor (ceil_mode=False). ceil_mode=True rounds the division up, keeping a "
                   "last "
                   "window that hangs over the edge.",
    "ex6_5.fallback": "Fill n = 7, k = s = 2 into ⌈(n − k) / s⌉ + 1 (the division rounded up).",
    "ex6_6.right": "Right: when the strongest response moves by a pixel but stays inside its window, the "
                   "maximum, and so the output, does not change.",
    "ex6_6.blur": "Averaging blurs; max pooling picks one value. And blurring alone does not make the output "
                  "ignore where a feature is.",
    "ex6_6.learned": "Pooling has no weights: nothing about shifts is learned in it.",
    "ex6_6.channels": "Pooling keeps every channel; it shrinks height and width only.",
    # ---- chapter 7
    "ex7_1.right": "{value} = 32 filters × (16 × 3 × 3 weights) + 32 biases.",
    "ex7_1.no_bias": "The bias is missing: every filter (output channel) adds one bias.",
    "ex7_1.bias_in": "One bias per OUTPUT channel (per filter), not per input channel.",
    "ex7_1.one_bias": "Each of the filters has its own bias, not one for the whole layer.",
    "ex7_1.one_channel": "Each filter spans all 16 input channels: it holds 16 × 3 × 3 weights.",
    "ex7_1.one_filter": "There are 32 filters, one per output channel, each with 16 × 3 × 3 weights.",
    "ex7_1.no_window": "Each filter holds a 3 × 3 window per input channel, not one number.",
    "ex7_1.fallback": "Count one filter (in_channels × k × k weights), multiply by the number of filters, "
                      "then "
                      "add the biases.",
    "ex7_2.right": "{value}: a scale γ and a shift β per channel. The running mean and variance are buffers, "
                   "not parameters.",
    "ex7_2.buffers": "The running mean and variance are statistics, stored as buffers: the optimiser never "
                     "trains them.",
    "ex7_2.one": "BatchNorm learns two numbers per channel: a scale and a shift.",
    "ex7_2.zero": "BatchNorm normalises, then learns to scale and shift each channel again.",
    "ex7_2.three": "Only the scale and the shift are learned; the running statistics are buffers.",
    "ex7_2.fallback": "Which numbers of a batch norm layer does the optimiser change? Its running statistics "
                      "are "
                      "not among them.",
    "ex7_6.right": "{value} multiply-adds: {out_channels} maps × {size}×{size} positions, each a "
                   "{in_channels}·3·3 dot product.",
    "ex7_6.params": "That is the number of weights; each weight is used once at every output position.",
    "ex7_6.one_channel": "Each output value is a dot product over ALL {in_channels} input channels.",
    "ex7_6.one_map": "That is one output map; the layer computes {out_channels} of them.",
    "ex7_6.no_kernel": "Each output value sums k × k = 9 products per input channel.",
    "ex7_6.fallback": "Count the output values (channels × height × width), then the products each one sums "
                      "(in_channels × k × k).",
    # ---- chapter 8
    "ex8_2.right": "{value}: 32 → conv1 (padding 2) 32 → pool 16 → conv2 12 → pool 6, times 16 channels.",
    "ex8_2.mnist": "400 = 16 · 5 · 5 is the size for 28×28 images; follow a 32×32 image through the layers.",
    "ex8_2.conv2_padding": "conv2 has no padding: its 5×5 kernel shrinks the map by 4.",
    "ex8_2.before_pool": "That is the size before the second pooling.",
    "ex8_2.first_pool": "That is the size after the first pooling; the head sees the output of the backbone.",
    "ex8_2.conv1_channels": "The flattened tensor has the channels of conv2, the last convolution.",
    "ex8_2.channels": "Multiply by the number of channels too.",
    "ex8_2.conv2": "Check conv2: a 5×5 kernel without padding loses 4 pixels.",
    "ex8_2.fallback": "Follow the image: conv1 (padding 2), pool, conv2 (no padding), pool; then channels × "
                      "height × width.",
    "ex8_4.right": "{value} = 120 filters × (16 × 5 × 5) + 120 biases, as many as fc1 = nn.Linear(400, 120) "
                   "has.",
    "ex8_4.no_bias": "The bias is missing: one per filter.",
    "ex8_4.no_window": "Each filter holds a 5 × 5 window per input channel.",
    "ex8_4.one_channel": "Each filter spans all 16 input channels.",
    "ex8_4.bias_in": "One bias per output channel (filter), not per input channel.",
    "ex8_4.whole_net": "61,706 is the whole network; count only C5.",
    "ex8_4.fallback": "Weights: out_channels × in_channels × 5 × 5; then add the biases.",
    "ex8_5.right": "conv1 fails first: its weight expects 1 input channel and the photo brings 3. (With 3 "
                   "channels fixed, fc1 would fail next: 32×32 gives 576 features, not 400.)",
    "ex8_5.fc1": "fc1 would fail too, but the first layer runs first: the channels do not match before any "
                 "size is computed.",
    "ex8_5.pool": "Pooling accepts any size, odd or even (it rounds down).",
    "ex8_5.broadcast": "PyTorch does not average or broadcast channels for you: conv1's weight has a fixed "
                       "number of input channels.",
    # ---- chapter 9
    "ex9_7.right": "Overfitting: the training loss keeps falling while the validation loss turns up after "
                   "epoch {turn}; keep the weights of the best validation epoch (or regularise).",
    "ex9_7.lr": "A learning rate that is too high makes the TRAINING loss jump or grow; here it falls "
                "smoothly.",
    "ex9_7.underfit": "An underfitting model would have a high training loss; this one fits the training "
                      "data "
                      "better every epoch.",
    "ex9_7.bug": "A data bug (labels shuffled apart from the images) keeps the training loss high too; here "
                 "it "
                 "falls.",
    "ex9_8.right": "The learning rate is too high: each step overshoots the minimum, so the loss jumps up "
                   "and "
                   "ends as nan. Try a rate 10 times smaller.",
    "ex9_8.overfit": "Overfitting shows in the validation loss while the training loss falls; here the "
                     "training loss itself explodes.",
    "ex9_8.epochs": "More epochs of the same steps will not help: the loss grows from step to step.",
    "ex9_8.data": "Bad labels give a loss that stays high, not one that grows to nan.",
    "ex9_9.right": "The softmax: CrossEntropyLoss applies log-softmax itself, so the model must return raw "
                   "scores (logits). A softmax before it squashes the gradients and training stalls.",
    "ex9_9.eval": "model.eval() matters for dropout and batch norm when evaluating; this loop trains.",
    "ex9_9.zero_grad": "The gradients are cleared in every step here, before backward().",
    "ex9_9.lr": "0.1 is a usual rate for SGD on MNIST; the loss would fall at first if the outputs were "
                "logits.",
    "ex9_10.right": "The labels were shuffled with their own permutation, apart from the images: every image "
                    "now carries a random label, so nothing can be learned (about 10% right).",
    "ex9_10.eval": "A missing model.eval() changes dropout and batch norm a little; it does not take the "
                   "accuracy down to chance.",
    "ex9_10.softmax": "There is no softmax in this model; its outputs are logits, as CrossEntropyLoss wants.",
    "ex9_10.epochs": "Even one epoch of MNIST gets far above 10% when images and labels belong together.",
    "ex9_11.right": "model.eval() is missing: in train mode dropout switches off random units in every "
                    "forward pass, so each evaluation of the same images gives other predictions.",
    "ex9_11.shuffle": "A shuffled test loader changes the order of the images, not which ones are right: the "
                      "accuracy over all of them would be the same.",
    "ex9_11.no_grad": "torch.no_grad() only saves memory and time; the predictions are the same with or "
                      "without "
                      "it.",
    "ex9_11.seed": "The weights are the same in both calls; only something random inside the forward pass "
                   "can "
                   "change the result.",
    # ---- chapter 10
    "ex10_5.right": "conv1 must read 3 channels (nn.Conv2d(3, 6, 5)), and fc1 must take what a 32×32 image "
                    "leaves after the backbone.",
    "ex10_5.gray": "Converting to grayscale throws away the colour, which helps tell CIFAR's classes apart; "
                   "the network can read 3 channels instead.",
    "ex10_5.conv1_only": "With conv1 reading 3 channels the network still breaks at fc1: a 32×32 image "
                         "leaves "
                         "more features than 28×28 did.",
    "ex10_5.resize": "Shrinking 32×32 photos to 28×28 runs, but it still needs conv1 to read 3 channels.",
    "ex10_6.right": "Augmentation draws new random versions every epoch, so the network cannot memorise the "
                    "exact training images: the gap between training and validation shrinks.",
    "ex10_6.more_data": "The data set on disk does not grow; the random versions are made on the fly.",
    "ex10_6.test": "The test images are left as they are: augmenting them would measure something else.",
    "ex10_6.faster": "Augmentation costs time per epoch; it is used for better generalisation, not speed.",
}
