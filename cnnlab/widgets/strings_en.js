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
  "network.linear_features":
    "{where} expects {expected} input features (nn.Linear({expected}, {out})) but received {received}.",
  "network.unflattened":
    "It received the tensor of shape {shape} unflattened, and a linear layer only looks at the last dimension " +
    "({received}). Flatten each example first: torch.flatten(x, 1) gives {flattened}.",
  "network.source_row": "the output of row {number} ({name})",
  "network.source_input":
    "the input itself; if your images have more channels, trace with them in input_size",
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
  "network.reshape":
    "{where} cannot give the tensor of shape {shape} ({numbers} numbers) the shape {target}: {error}",
  "network.normalizes":
    "{where} normalizes {expected} channels but received {received}: the tensor of shape {shape} is {source}.",
  "network.fixed":
    "{where} cannot be recomputed here: it was traced with the input {traced}, now it gets {now}; trace the changed model.",
  "network.values_of_shape": "{shape} = {count} values",
  "network.values": "{count} values",
  "network.batch_rows":
    "turns the batch of {batch} examples into {rows} rows: each example's {values} are split into rows of {size}, " +
    "so rows mix values of different examples.",
  "network.batch_vector":
    "turns the batch of {batch} examples into one vector of {count} values: the examples are no longer apart.",
  "network.batch_mixed":
    "{where} {what} The model's output {output} has {rows} rows for {batch} inputs: the loss would compare them " +
    "with the wrong labels.",

  // ---- ui.js and labels several widgets share
  "ui.input_size": "input size",
  "ui.kernel_size": "kernel size",
  "ui.padding": "padding",
  "ui.stride": "stride",
  "ui.output_size": "output size",
  "ui.input_grid": "input (one row per line)",
  "ui.input": "input {height}×{width}",
  "ui.input_padded": "input {height}×{width}, padding {padding}",
  "ui.output": "output {rows}×{cols}",
  "ui.grid_hint": "one row per line, numbers separated by spaces",
  "ui.grid_empty": "type at least one row of numbers",
  "ui.grid_not_number": '"{value}" is not a number (use numbers up to a million)',
  "ui.grid_ragged": "rows of equal length, please (got {lengths})",
  "ui.grid_too_large": "at most {most}×{most} here (got {rows}×{cols})",

  // ---- shape explorer
  "shape_explorer.title": "Shape explorer",
  "shape_explorer.subtitle": "how big is the output?",
  "shape_explorer.layer": "layer",
  "shape_explorer.layer.conv": "convolution",
  "shape_explorer.layer.max_pool": "max pool",
  "shape_explorer.layer.avg_pool": "average pool",
  "shape_explorer.layer.conv_transpose": "transposed conv",
  "shape_explorer.height": "input size (height)",
  "shape_explorer.width": "input size (width)",
  "shape_explorer.dilation": "dilation",
  "shape_explorer.output_padding": "output padding",
  "shape_explorer.padding_mode": "padding mode",
  "shape_explorer.number": "number",
  "shape_explorer.row": "row {list}",
  "shape_explorer.rows": "rows {list}",
  "shape_explorer.column": "column {list}",
  "shape_explorer.columns": "columns {list}",
  "shape_explorer.and": "{a} and {b}",
  "shape_explorer.unreached":
    "{pixels} input pixels ({where}, counting from 0) lie in no window and never reach the output.",
  "shape_explorer.unreached_one":
    "{pixels} input pixel ({where}, counting from 0) lies in no window and never reaches the output.",
  "shape_explorer.before_after": "{before} before, {after} after",
  "shape_explorer.does_not_fit": "the window does not fit",
  "shape_explorer.output_cropped": "output {rows}×{cols}, {crop} cropped on each side",
  "shape_explorer.output_cropped_end":
    "output {rows}×{cols}, {crop} cropped at top and left, {end} cropped at bottom and right",
  "shape_explorer.output_added_end":
    "output {rows}×{cols}, {crop} cropped at top and left, {end} added at bottom and right",
  "shape_explorer.nothing_to_draw": "Nothing to draw for these settings.",
  "shape_explorer.too_large": "Grids larger than {most}×{most} are not drawn.",
  "shape_explorer.legend.input": "input",
  "shape_explorer.legend.padding": "padding (zeros)",
  "shape_explorer.legend.unreached": "in no window",
  "shape_explorer.legend.first": "1st window",
  "shape_explorer.legend.second": "2nd",
  "shape_explorer.legend.third": "3rd",
  "shape_explorer.legend.output": "output",

  // ---- convolution stepper
  "conv_stepper.title": "Convolution stepper",
  "conv_stepper.subtitle": "one output cell at a time",
  "conv_stepper.kernel_values": "kernel values",
  "conv_stepper.kernel_size_hint": "k×k, at most {most}; new cells are 0",
  "conv_stepper.reset_button": "⟲ reset",
  "conv_stepper.reset": "reset",
  "conv_stepper.back_button": "◀ back",
  "conv_stepper.back": "previous step",
  "conv_stepper.next_button": "step ▶",
  "conv_stepper.next": "next step",
  "conv_stepper.play_button": "▶ play",
  "conv_stepper.play": "play",
  "conv_stepper.pause_button": "❚❚ pause",
  "conv_stepper.pause": "pause",
  "conv_stepper.input": "input",
  "conv_stepper.kernel": "kernel {height}×{width}",
  "conv_stepper.too_large":
    "A padded input of {height}×{width} is too large to step through here (at most {most}×{most}).",
  "conv_stepper.status":
    "output cell {number} of {total}, out[{row}, {col}] (counting from 0, as Python does): " +
    "window on rows {top}–{bottom}, columns {left}–{right} of the padded input",

  // ---- pooling explorer
  "pooling_explorer.title": "Pooling explorer",
  "pooling_explorer.subtitle": "max or average of each window",
  "pooling_explorer.window": "window (kernel size)",
  "pooling_explorer.window_hint": "the window is k×k",
  "pooling_explorer.stride_hint": "PyTorch's default: the kernel size",
  "pooling_explorer.padding_hint":
    "at most half the window; max pooling ignores it, average pooling counts it as 0",
  "pooling_explorer.ceil_hint": "round the output size up",
  "pooling_explorer.ceil_mode": ", ceil_mode",
  "pooling_explorer.window_text": "window {k}×{k}, stride {s}",
  "pooling_explorer.window_padded": "window {k}×{k}, stride {s}, padding {p}",
  "pooling_explorer.input": "input {height}×{width}; {window}",
  "pooling_explorer.input_padded": "input {height}×{width} (· padding); {window}",
  "pooling_explorer.too_large": "A padded input of {height}×{width} is too large to draw here.",
  "pooling_explorer.max_cell": "max pooling output row {row}, column {col} (from 0): {value}",
  "pooling_explorer.average_cell": "average pooling output row {row}, column {col} (from 0): {value}",
  "pooling_explorer.max_output": "max pooling: output {rows}×{cols}",
  "pooling_explorer.average_output": "average pooling: output {rows}×{cols}",
  "pooling_explorer.max_text": "max pooling {where}:      {text}",
  "pooling_explorer.average_text": "average pooling {where}:  {text}",

  // ---- network shape stack
  "network_stack.title": "Network shape stack",
  "network_stack.subtitle": "change a layer, watch the shapes",
  "network_stack.model": "model",
  "network_stack.input_channels": "input channels",
  "network_stack.reset_button": "⟲ reset",
  "network_stack.reset": "reset the model",
  "network_stack.column.number": "#",
  "network_stack.column.layer": "layer",
  "network_stack.column.settings": "settings",
  "network_stack.column.output_shape": "output shape",
  "network_stack.column.params": "params",
  "network_stack.setting.in_channels": "in channels",
  "network_stack.setting.out_channels": "out channels",
  "network_stack.setting.kernel_size": "kernel size",
  "network_stack.setting.stride": "stride",
  "network_stack.setting.padding": "padding",
  "network_stack.setting.in_features": "in features",
  "network_stack.setting.out_features": "out features",
  "network_stack.setting_of": "{layer} {setting}",
  "network_stack.breaks_here": "breaks here",
  "network_stack.runs": "input {input} → output {output} · {total} parameters",
  "network_stack.breaks_at": "input {input} → breaks at {layer}",
  "network_stack.fix": "Fix: ",

  // ---- digit lab
  "digit_lab.title": "Digit lab",
  "digit_lab.subtitle": "draw a digit, watch the network read it",
  "digit_lab.pad": "draw a digit",
  "digit_lab.clear": "clear",
  "digit_lab.clear_label": "clear the drawing",
  "digit_lab.undo": "undo",
  "digit_lab.undo_label": "undo the last stroke",
  "digit_lab.seen": "what the network receives (28 × 28)",
  "digit_lab.probabilities": "probabilities",
  "digit_lab.prediction": "prediction: {digit}",
  "digit_lab.examples_label": "examples from the test set",
  "digit_lab.examples": "test digits (a → b: a misread as b): ",
  "digit_lab.example": "example: a {label}",
  "digit_lab.example_wrong": "example: a {label}, read as {predicted}",
  "digit_lab.maps": "feature maps of every layer (one colour scale per layer)",
  "digit_lab.map": "{layer} map {channel}",
  "digit_lab.values": "{layer} values",
  "digit_lab.filters_caption": "learned filters (blue negative, red positive)",
  "digit_lab.filters": "{layer}: {O} filters of {C}×{kh}×{kw}",
  "digit_lab.filters_some":
    "{layer}: {O} filters of {C}×{kh}×{kw} (first {shown} filters, {channels} of {C} channels)",
  "digit_lab.filter": "filter {filter}, input channel {channel}",
  "digit_lab.filter_rows": "rows: filters, columns: channels",
  "digit_lab.colour_scale": "colour scale from {from} to {to}",
  "digit_lab.field_hint": "Hover over or tap a cell of any feature map to see its receptive field.",
  "digit_lab.field":
    "{layer}, map {channel}, row {row}, column {col} (from 0) sees input rows {top}–{bottom}, " +
    "columns {left}–{right}: a receptive field of {height} × {width} pixels.",
  "digit_lab.field_padded":
    "{layer}, map {channel}, row {row}, column {col} (from 0) sees input rows {top}–{bottom}, " +
    "columns {left}–{right}: a receptive field of {height} × {width} pixels. " +
    "Its dashed part lies in the padding (zeros).",
  "digit_lab.bytes":
    "{model}: {weights} weights as {dtype}, {kb} KB in this page; it runs here, in your browser.",

  // ---- quick checks (quick_check.js); the questions' own wording comes from Python with their data
  "quick_check.title": "Quick check",
  "quick_check.subtitle": "chapter {chapter}, answered in the page",
  "quick_check.answer": "Your answer",
  "quick_check.check": "Check",
  "quick_check.right": "✅ Right! ",
  "quick_check.wrong": "❌ Not yet. ",
  "quick_check.progress": "{right} of {total} answered right in this chapter (kept in this browser)",
};
