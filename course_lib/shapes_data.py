"""Generated segmentation data for notebook 09: shapes on a textured background, with a label per pixel.

Nothing is downloaded. Every image is drawn with numpy from a seed, so the
training set (one seed) and the held-out set (another seed) never share an
image and are the same on every machine.

Classes, as in notebook 01's toy mask: 0 background, 1 disk, 2 square,
3 lines. The cases notebook 01 says a coarse encoder loses are deliberately
common: **thin structures** (lines 1 or 2 pixels wide, and stripes with
1-pixel gaps) and **small objects** (disks of radius 2, squares of side 3).
"""
from __future__ import annotations

import numpy as np

from ._checks import as_int

__all__ = ["CLASSES", "shapes_dataset", "card_labels", "SMALL_AREA"]

CLASSES = ("background", "disk", "square", "lines")
#: An object (disk or square) of at most this many pixels counts as small.
SMALL_AREA = 16


def _texture(rng, size):
    """A smooth random background in [0.05, 0.45]: a few random plane waves."""
    rows, cols = np.mgrid[0:size, 0:size] / size
    field = np.zeros((size, size))
    for _ in range(4):
        fy, fx = rng.uniform(-4, 4, size=2)
        field += np.cos(2 * np.pi * (fy * rows + fx * cols) + rng.uniform(0, 2 * np.pi))
    field = (field - field.min()) / max(np.ptp(field), 1e-12)
    return 0.05 + 0.4 * field


def _line_mask(rng, size, rows, cols):
    """A straight line 1 or 2 pixels wide between two random points near the border."""
    (y0, x0), (y1, x1) = rng.uniform(0, size, size=(2, 2))
    width = rng.choice([1.0, 2.0])
    length = max(np.hypot(y1 - y0, x1 - x0), 1e-9)
    # distance of each pixel centre from the line through the two points, limited to the segment
    along = ((rows - y0) * (y1 - y0) + (cols - x0) * (x1 - x0)) / length
    across = np.abs((rows - y0) * (x1 - x0) - (cols - x0) * (y1 - y0)) / length
    return (across < width / 2) & (along >= 0) & (along <= length)


def _image(rng, size):
    rows, cols = np.mgrid[0:size, 0:size] + 0.5
    image = _texture(rng, size)
    labels = np.zeros((size, size), dtype=np.int64)
    small = np.zeros((size, size), dtype=bool)

    def paint(mask, label, brightness):
        image[mask] = brightness
        labels[mask] = label
        small[mask] = False

    for _ in range(rng.integers(1, 3)):                      # squares, side 3 to 11
        side = int(rng.integers(3, 12))
        top, left = rng.integers(0, size - side + 1, size=2)
        mask = (rows >= top) & (rows < top + side) & (cols >= left) & (cols < left + side)
        paint(mask, 2, rng.uniform(0.55, 0.75))
        small |= mask & (side * side <= SMALL_AREA)
    for _ in range(rng.integers(1, 3)):                      # disks, radius 2 to 7
        radius = rng.uniform(2, 7)
        cy, cx = rng.uniform(radius, size - radius, size=2)
        mask = (rows - cy) ** 2 + (cols - cx) ** 2 < radius**2
        paint(mask, 1, rng.uniform(0.8, 1.0))
        small |= mask & (mask.sum() <= SMALL_AREA)
    for _ in range(rng.integers(1, 3)):                      # thin lines, 1 or 2 pixels wide
        paint(_line_mask(rng, size, rows, cols), 3, rng.uniform(0.8, 1.0))
    if rng.uniform() < 0.3:                                  # stripes: 1-pixel lines, 1-pixel gaps (as 01's card)
        height, width = rng.integers(6, 12, size=2)
        top, left = rng.integers(0, size - max(height, width) + 1, size=2)
        mask = ((rows >= top) & (rows < top + height) & (cols >= left) & (cols < left + width)
                & (np.floor(cols - left) % 2 == 0))
        paint(mask, 3, rng.uniform(0.8, 1.0))
    image += rng.normal(0, 0.04, size=(size, size))           # sensor noise on everything
    return image, labels, small


def shapes_dataset(count, seed, size=32, dtype=np.float32):
    """``count`` generated images with per-pixel labels, from ``seed``.

    Each image has a textured background (0.05 to 0.45, smooth random waves),
    one or two squares (side 3 to 11), one or two disks (radius 2 to 7), one or
    two straight lines 1 or 2 pixels wide, in three images of ten a patch of
    stripes (1-pixel lines with 1-pixel gaps), each object with its own
    brightness in 0.65 to 1.0, and Gaussian noise (sd 0.04) on every pixel.
    Later objects cover earlier ones (squares, then disks, then lines).

    Parameters
    ----------
    count : int
        Number of images.
    seed : int
        The training and the held-out set use different seeds.
    size : int
        Side of the square images (at least 16).
    dtype : float32 or float64

    Returns
    -------
    images : (count, 1, size, size) ndarray
    labels : (count, size, size) int64 ndarray
        Class per pixel, indices into :data:`CLASSES`.
    small : (count, size, size) bool ndarray
        Pixels of small objects (disks and squares of at most :data:`SMALL_AREA` pixels) still visible.

    Examples
    --------
    >>> images, labels, small = shapes_dataset(2, seed=0)
    >>> images.shape, labels.shape, sorted(set(labels.ravel().tolist())) == [0, 1, 2, 3]
    ((2, 1, 32, 32), (2, 32, 32), True)
    """
    count = as_int(count, "count", minimum=1)
    seed = as_int(seed, "seed", minimum=0)
    size = as_int(size, "size", minimum=16)
    if np.dtype(dtype) not in (np.float32, np.float64):
        raise ValueError(f"dtype must be float32 or float64, got {dtype!r}")
    rng = np.random.default_rng(seed)
    drawn = [_image(rng, size) for _ in range(count)]
    images = np.stack([d[0] for d in drawn])[:, None].astype(dtype)
    return images, np.stack([d[1] for d in drawn]), np.stack([d[2] for d in drawn])


def card_labels(size=64):
    """Notebook 01's full-resolution mask of the test card ``course_lib.images.shapes(size)``.

    0 background, 1 disk (top left), 2 square (bottom left), 3 lines (the bar
    and the stripes, right half): the mask notebook 01 counts wrong pixels
    against (562, 382, 290 for class maps of 8, 16 and 32 pixels on 64).

    Examples
    --------
    >>> [int((card_labels(64) == c).sum()) for c in range(4)]
    [2906, 418, 361, 411]
    """
    from .images import shapes

    size = as_int(size, "size", minimum=8)
    card = shapes(size) > 0.5
    rows, cols = np.mgrid[0:size, 0:size]
    half = size // 2
    mask = np.zeros((size, size), dtype=np.int64)
    mask[card & (cols < half) & (rows < half)] = 1
    mask[card & (cols < half) & (rows >= half)] = 2
    mask[card & (cols >= half)] = 3
    return mask
