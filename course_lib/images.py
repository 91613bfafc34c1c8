"""Sample images: the photo matplotlib ships, and generated shapes.

Nothing is downloaded: ``grace_hopper.jpg`` comes with matplotlib's sample
data, and the shapes are drawn with numpy.
"""
from __future__ import annotations

import numpy as np

from ._checks import as_int

__all__ = ["grace_hopper", "shapes"]


def grace_hopper(size=128, gray=True):
    """The portrait of Grace Hopper that matplotlib ships, as floats in [0, 1].

    Parameters
    ----------
    size : int
        Side of the square result (the photo is centre-cropped to a square,
        then block-averaged / sampled down to ``size`` x ``size``).
    gray : bool
        Luminance (H, W) when True, RGB (H, W, 3) otherwise.

    Returns
    -------
    (size, size) or (size, size, 3) float64 ndarray

    Examples
    --------
    >>> grace_hopper(64).shape
    (64, 64)
    """
    from matplotlib import cbook, image

    size = as_int(size, "size", minimum=1)
    with cbook.get_sample_data("grace_hopper.jpg") as file:
        photo = image.imread(file, format="jpg").astype(np.float64) / 255.0
    h, w = photo.shape[:2]
    side = min(h, w)
    top, left = (h - side) // 2, (w - side) // 2
    photo = photo[top : top + side, left : left + side]
    if size > side:
        raise ValueError(f"size must be at most {side} (the photo's side), got {size}")
    # Average over the block of source pixels that falls into each target pixel.
    edges = np.linspace(0, side, size + 1).astype(int)
    rows = np.add.reduceat(photo, edges[:-1], axis=0) / np.diff(edges)[:, None, None]
    small = np.add.reduceat(rows, edges[:-1], axis=1) / np.diff(edges)[None, :, None]
    if gray:
        return small @ np.array([0.299, 0.587, 0.114])
    return small


def shapes(size=64):
    """A generated test card: a disk, a square, a diagonal bar and fine stripes.

    Sharp edges and a high-frequency patch make upsampling differences easy to
    see. Values are 0 (background) and 1 (shapes).

    Examples
    --------
    >>> img = shapes(16)
    >>> img.shape, float(img.min()), float(img.max())
    ((16, 16), 0.0, 1.0)
    """
    size = as_int(size, "size", minimum=8)
    rows, cols = np.mgrid[0:size, 0:size] / size
    disk = (rows - 0.3) ** 2 + (cols - 0.3) ** 2 < 0.18**2
    square = (rows > 0.55) & (rows < 0.85) & (cols > 0.15) & (cols < 0.45)
    bar = (np.abs(rows - cols) < 0.06) & (cols > 0.5)
    stripes = (rows > 0.6) & (cols > 0.6) & (cols < 0.95) & (np.floor(cols * size) % 2 == 0)
    return (disk | square | bar | stripes).astype(np.float64)
