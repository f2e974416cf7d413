"""Live widgets for the book: they compute in the browser, so they work in Jupyter *and*
in the static rendered book, without a kernel and without a network.

- ``shape_explorer``   vary kernel size, padding, stride, dilation, layer type: output size
- ``conv_stepper``     slide a kernel over a small input, one multiply-and-add at a time
- ``pooling_explorer`` max and average pooling over a small grid
- ``network_stack``    a model's layer shapes, recomputed as you edit any layer
- ``quick_check``      a chapter's quick questions, graded in the page (progress kept per chapter)
- ``DigitLab``         draw a digit, watch a trained network read it (feature maps, receptive fields)

Their labels speak the page's language, English or Chinese (``i18n.js``; ``set_language``).
What they report back to Python (``formula``, ``error``, ``calculation``, ``diagnosis`` …) stays
English, word for word as ``cnnlab.shapes`` and ``trace`` write it: the page never shows those
values, it writes its own text from the string tables (English: the same words).
Each is an anywidget whose JavaScript (``*.js`` next to this file) repeats the arithmetic
of ``cnnlab.shapes``; with a kernel, the Python side computes the same values too.

>>> shape_explorer(28, kernel_size=5, padding=2).output
[28, 28]
"""

from cnnlab.widgets.base import set_language
from cnnlab.widgets.conv_stepper import ConvStepper, conv_stepper
from cnnlab.widgets.digit_lab import DigitLab
from cnnlab.widgets.network_stack import NetworkStack, network_stack
from cnnlab.widgets.pooling_explorer import PoolingExplorer, pooling_explorer
from cnnlab.widgets.quick_check import QuickCheck, quick_check
from cnnlab.widgets.shape_explorer import ShapeExplorer, shape_explorer

__all__ = ["ConvStepper", "DigitLab", "NetworkStack", "PoolingExplorer", "QuickCheck", "ShapeExplorer",
           "conv_stepper", "network_stack", "pooling_explorer", "quick_check", "set_language",
           "shape_explorer"]
