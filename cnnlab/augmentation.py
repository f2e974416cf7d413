"""Data augmentation on the device: random shifts, rotations and scalings of a whole batch at once.

:class:`RandomAffine` moves every image of a batch by its own random amount in one call
of ``F.affine_grid`` and one of ``F.grid_sample``, on whatever device the batch is:
no per-image Python. ``cnnlab.data.augment(split)`` attaches one to a split, so that
every training batch drawn from it is transformed afresh, a new draw each epoch
(chapter 9b).

torchvision's ``transforms.v2.RandomAffine`` draws *one* set of parameters per call, so on
a batch it moves every image the same way; here each image gets its own.

>>> images = torch.zeros(3, 1, 28, 28, dtype=torch.uint8)
>>> images[:, :, 10:18, 12:16] = 255
>>> moved = RandomAffine(degrees=15, shift=0.1, scale=0.1)(images)
>>> moved.shape, moved.dtype
(torch.Size([3, 1, 28, 28]), torch.uint8)
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import torch
import torch.nn.functional as F


@dataclass(frozen=True)
class RandomAffine:
    """Rotate, scale and shift each image of a batch by its own random amount (chapter 9b).

    ``degrees``: the largest rotation, either way. ``shift``: the largest shift, as a
    fraction of the image's width and height (0.1 of 28 pixels: up to 2.8 pixels).
    ``scale``: the largest change of size (0.1: from 90 % to 110 %). Each amount is drawn
    uniformly between minus and plus its largest value, independently for every image.
    Pixels that come from outside the image are 0 (MNIST's black background).

    Takes and returns ``uint8`` images (N, C, H, W), on their device; images of other
    dtypes are refused. All three at 0 give the images back unchanged.

    >>> image = torch.zeros(1, 1, 4, 4, dtype=torch.uint8)
    >>> image[0, 0, 0, 0] = 200  # one bright pixel in the top-left corner
    >>> RandomAffine(degrees=0, shift=0, scale=0)(image).equal(image)
    True
    """

    degrees: float = 10.0
    shift: float = 0.1
    scale: float = 0.1

    def __post_init__(self) -> None:
        for name, value, limit in (("degrees", self.degrees, 180), ("shift", self.shift, 1),
                                   ("scale", self.scale, 0.99)):
            if not (isinstance(value, int | float) and 0 <= value <= limit):
                raise ValueError(f"{name} must be a number from 0 to {limit}, got {value!r}")

    def __call__(self, images: torch.Tensor, generator: torch.Generator | None = None) -> torch.Tensor:
        if not isinstance(images, torch.Tensor) or images.dtype != torch.uint8 or images.dim() != 4:
            got = (f"{images.dtype} of shape {tuple(images.shape)}" if isinstance(images, torch.Tensor)
                   else type(images).__name__)
            raise TypeError(f"RandomAffine takes uint8 images of shape (N, C, H, W), got {got}")
        count = len(images)

        def uniform(largest: float) -> torch.Tensor:  # from -largest to +largest, one per image
            draw = torch.rand(count, device=images.device, generator=generator)
            return (2 * draw - 1) * largest

        angle = uniform(math.radians(self.degrees))
        size = 1 + uniform(self.scale)
        shift_x, shift_y = 2 * uniform(self.shift), 2 * uniform(self.shift)  # [-1, 1] spans the image
        return affine(images, angle, size, shift_x, shift_y)


def affine(images: torch.Tensor, angle: torch.Tensor, size: torch.Tensor, shift_x: torch.Tensor,
           shift_y: torch.Tensor) -> torch.Tensor:
    """Rotate each image by ``angle`` (radians), scale it by ``size``, then shift it (chapter 9b).

    One value per image in each of the four tensors (N,); shifts are in affine_grid's
    coordinates, where the image spans -1 to 1 (a shift of 2 / width is one pixel).
    ``uint8`` images in, ``uint8`` images out, rounded. Square images: on others the
    rotation would stretch.

    >>> image = torch.arange(16, dtype=torch.uint8).reshape(1, 1, 4, 4)
    >>> zero, one = torch.zeros(1), torch.ones(1)
    >>> affine(image, zero, one, 2 * one / 4, zero)[0, 0, 0].tolist()  # one pixel to the right
    [0, 0, 1, 2]
    """
    # affine_grid asks, for each output pixel, where to read in the input: the inverse map.
    # Content at u lands at x = size · R(angle) · u + shift, so read at u = R(-angle) (x - shift) / size.
    cos, sin = torch.cos(angle) / size, torch.sin(angle) / size
    inverse = torch.stack([torch.stack([cos, sin], dim=1), torch.stack([-sin, cos], dim=1)], dim=1)
    shift = torch.stack([shift_x, shift_y], dim=1).unsqueeze(2)
    theta = torch.cat([inverse, -inverse @ shift], dim=2)  # (N, 2, 3)
    pixels = images.float()
    grid = F.affine_grid(theta.to(pixels.dtype), list(pixels.shape), align_corners=False)
    moved = F.grid_sample(pixels, grid, mode="bilinear", padding_mode="zeros", align_corners=False)
    return moved.round().clamp(0, 255).to(torch.uint8)
