// English string table of the widgets (see i18n.js). Keys: "<widget>.<what>"; values may hold
// {placeholders}. strings_zh_CN.js has exactly the same keys and placeholders.
export const EN = {
  "language.name": "English",

  // ---- shapes.js: output sizes and their errors (word for word as cnnlab.shapes says them)
  "shapes.height": "height",
  "shapes.width": "width",
  "shapes.in_dimension": "{dimension}: {text}",
  "shapes.reason_advice": "{reason}; {advice}",
  "shapes.input_size": "input size",
  "shapes.not_pair": "{name} must be an int or an (height, width) pair, got {value}",
  "shapes.at_least": "{name} must be at least {minimum}, got {value} ({hint})",
  "shapes.hint.pixel": "an image needs at least one pixel",
  "shapes.hint.window": "the window covers k×k pixels",
  "shapes.hint.step": "the window moves s pixels per step",
  "shapes.hint.dilation": "1 means a window without gaps",
  "shapes.hint.zeros": "zeros added on each side",
  "shapes.hint.cropped": "zeros removed from each side of the output",
  "shapes.hint.extra": "extra rows added at the end",
  "shapes.kernel_too_large": "kernel {k} is larger than the padded input {padded}",
  "shapes.dilated_kernel_too_large":
    "kernel {k} with dilation {d} spans {span} pixels and is larger than the padded input {padded}",
  "shapes.use_padding_at_least": "use padding ≥ {need}",
  "shapes.same_needs_stride_1":
    "padding='same' keeps the output as large as the input, which PyTorch only does for stride 1, " +
    "got stride {s}; give a number instead, e.g. padding={p}",
  "shapes.pool_padding": "pooling padding must be at most half the kernel: padding {p} > {k} // 2 = {half}",
  "shapes.use_pool_padding": "use padding ≤ {half} (or a larger kernel)",
  "shapes.pool_too_large":
    "pooling window {k} is larger than the padded input {padded}, so the output would be empty",
  "shapes.dilated_pool_too_large":
    "pooling window {k} with dilation {d} spans {span} pixels and is larger than the padded input " +
    "{padded}, so the output would be empty",
  "shapes.use_kernel_at_most": "use a kernel ≤ {size}",
  "shapes.output_padding":
    "output_padding must be smaller than stride or dilation: output_padding {op} ≥ stride {s} and ≥ dilation {d}",
  "shapes.use_output_padding": "use output_padding ≤ {most}",
  "shapes.removes_too_much":
    "padding {p} removes too much: (n − 1)·s − 2·p + d·(k − 1) + output_padding + 1 = {out}",
  "shapes.use_padding_at_most": "use padding ≤ {most}",
  "shapes.padding_or_name": "padding must be an int, an (height, width) pair, 'valid' or 'same', got {value}",
  "shapes.padding_number": "padding must be an int or an (height, width) pair, got {value}",
  "shapes.unknown_layer": "layer must be 'conv', 'max_pool', 'avg_pool' or 'conv_transpose', got {value}",
  "shapes.avg_pool_dilation": "average pooling has no dilation (nn.AvgPool2d), got dilation={value}",
  "shapes.formula": "{formula}",
  "shapes.window_dropped":
    "{formula}, but the last window would start at {start} ≥ {n} + {p} (in the padding), so it is dropped: {out}",
  "shapes.field_layer": "layer {number}: give (kernel_size, stride, padding, dilation), got {value}",
  "shapes.field_not_int": "layer {number}: {name} must be an int, got {value}",
  "shapes.field_at_least": "layer {number}: {name} must be at least {minimum}, got {value}",

  // ---- network.js: why a layer of the stack breaks (word for word as cnnlab.trace says it)
  "network.channels_times": "{channels} channels × {rest}",
  "network.from_flatten":
    "The {received} come from row {number} ({name}), which flattened the tensor of shape {flattened}: " +
    "{factors} = {received}.",
  "network.from_row": "The {received} come from row {number} ({name}), with output {shape}.",
  "network.last_dimension": "The {received} are the last dimension of the tensor of shape {shape}.",
  "network.linear_features": "{where} expects {expected} input features (nn.Linear({expected}, {out})) but received {received}.",
  "network.unflattened":
    "It received the tensor of shape {shape} unflattened, and a linear layer only looks at the last dimension " +
    "({received}). Flatten each example first: torch.flatten(x, 1) gives {flattened}.",
  "network.source_row": "the output of row {number} ({name})",
  "network.source_input": "the input itself; if your images have more channels, trace with them in input_size",
  "network.source_given": "the tensor it was given",
  "network.channels":
    "{where} expects {expected} input channels but received {received}: the tensor of shape {shape} is {source}.",
  "network.channels_why":
    "Each filter has one slice per input channel, so in_channels must equal the channels coming in.",
  "network.size_of_input": "The size is the input's: a larger input, or less padding removed, makes it fit.",
  "network.shrunk": "The input of size {size} was shrunk to {shrunk}.",
  "network.shrunk_by_row": "The input of size {size} was shrunk to {shrunk} by row {row}.",
  "network.shrunk_by_rows": "The input of size {size} was shrunk to {shrunk} by rows {list} and {last}.",
  "network.needs_2d":
    "{where} does not fit its input of shape {shape}: it needs an input with 2 spatial dimensions after the channels.",
  "network.does_not_fit": "{where} does not fit its input of shape {shape}: {reason}.",
  "network.reshape": "{where} cannot give the tensor of shape {shape} ({numbers} numbers) the shape {target}: {error}",
  "network.normalizes":
    "{where} normalizes {expected} channels but received {received}: the tensor of shape {shape} is {source}.",
  "network.fixed":
    "{where} cannot be recomputed here: it was traced with the input {traced}, now it gets {now}; trace the changed model.",
  "network.values_of_shape": "{shape} = {count} values",
  "network.values": "{count} values",
  "network.batch_rows":
    "turns the batch of {batch} examples into {rows} rows: each example's {values} are split into rows of {size}, " +
    "so rows mix values of different examples.",
  "network.batch_vector": "turns the batch of {batch} examples into one vector of {count} values: the examples are no longer apart.",
  "network.batch_mixed":
    "{where} {what} The model's output {output} has {rows} rows for {batch} inputs: the loss would compare them " +
    "with the wrong labels.",
};
