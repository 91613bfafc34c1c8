"""Two caches that make an explorer's Agg frame cheaper to draw.

An explorer redraws the same kinds of things on every slider move: cell
values written at fixed places, and small arrays of coloured cells stretched
over large axes. Profiled on a move of notebook 05's explorers, about half of
the draw was FreeType rasterising the cell values again and most of the rest
was matplotlib resampling and colour-mapping each cell image at its full size
(``benchmarks/README.md``, "Explorers"). Both results depend on a few inputs
only, so they are kept:

* :func:`cache_text` makes a renderer put each horizontal plain (not mathtext)
  string on a whole-pixel origin (it moves by at most half a pixel) and keep
  the glyph bitmaps matplotlib handed to Agg for it, keyed by the string, the
  font and the settings that shape glyphs (antialiasing, hinting). On a whole
  pixel the bitmaps do not depend on where the string is drawn, so drawing
  the same string again, anywhere, hands Agg the same bitmaps, shifted, with
  the current colour: the pixels of an uncached draw at that origin.
* :func:`cache_nearest` makes an image drawn with ``interpolation="nearest"``
  keep which cell every output pixel shows (matplotlib's own resampling of an
  array of cell numbers, once per size and place). A frame then colours the
  cells (a few dozen values, not a few hundred thousand pixels) and gathers:
  the same pixels as matplotlib's draw. Only where matplotlib's nearest
  resampling copies values unchanged (matplotlib 3.10 and later, float64 or RGB(A)
  data, no alpha, affine transforms); everything else draws as before.

:func:`course_lib.plotting.blit_renderer` applies both to an explorer's figure.
``tests/test_agg_cache.py`` compares both with uncached drawing, pixel for
pixel, and every explorer frame is compared with its baseline
(``tests/test_figures.py``).
"""
from __future__ import annotations

import types

import matplotlib
import numpy as np
from matplotlib import image as mimage

__all__ = ["cache_text", "cache_nearest", "NEAREST_EXACT", "MAX_TEXTS", "MAX_GEOMETRIES"]

#: Strings a renderer keeps (each a few glyph bitmaps of a few hundred bytes); cleared when full (0: keep none).
MAX_TEXTS = 4096
#: Image geometries (size, place, array shape) an image keeps an index map for; cleared when full (0: keep none).
MAX_GEOMETRIES = 64
#: matplotlib 3.10 and later resample scalar data without rescaling it, so nearest resampling copies values exactly.
NEAREST_EXACT = tuple(int(part) for part in matplotlib.__version__.split(".")[:2]) >= (3, 10)


class _Recorder:
    """Stands in for the Agg renderer while a string is drawn: records the glyph bitmaps, passes everything on."""

    def __init__(self, inner):
        self.inner, self.calls, self.other = inner, [], False

    def draw_text_image(self, image, x, y, angle, gc):
        self.calls.append((np.array(image, dtype=np.uint8, copy=True), x, y, angle))
        self.inner.draw_text_image(image, x, y, angle, gc)

    def __getattr__(self, name):   # anything else (boxes of mathtext): not cacheable
        self.other = True
        return getattr(self.inner, name)


def _text_key(renderer, gc, s, prop, mtext):
    rc = matplotlib.rcParams
    font = (tuple(prop.get_family()), prop.get_style(), prop.get_variant(), prop.get_weight(), prop.get_stretch(),
            prop.get_size_in_points(), prop.get_file(), prop.get_math_fontfamily())
    features = getattr(mtext, "get_fontfeatures", lambda: None)() if mtext is not None else None
    language = getattr(mtext, "get_language", lambda: None)() if mtext is not None else None
    return (s, font, bool(gc.get_antialiased()), renderer.dpi, renderer.height, rc["text.hinting"],
            rc["text.hinting_factor"], rc.get("text.kerning_factor"),
            None if features is None else tuple(features), language)


def cache_text(renderer):
    """Make ``renderer`` (a ``RendererAgg``) keep the glyph bitmaps of the horizontal strings it draws.

    Such a string's origin is put on a whole pixel (it moves by at most half a
    pixel), so its glyph bitmaps do not depend on where it is drawn: FreeType
    places glyphs in 1/64 pixel and the glyph offsets are whole 1/64ths, so a
    shift by whole pixels shifts the bitmaps and nothing else. The same
    string in the same font is then rasterised once, wherever it appears: a
    value repeated in many cells, a row of a matrix shown again. Mathtext and
    rotated text are drawn as before. Idempotent; returns the renderer; its
    ``text_cache_stats`` counts ``hits`` and ``misses``.
    """
    if getattr(renderer, "text_cache", None) is not None:
        return renderer
    plain_draw_text = renderer.draw_text
    renderer.text_cache, renderer.text_cache_stats = {}, {"hits": 0, "misses": 0}

    def draw_text(self, gc, x, y, s, prop, angle, ismath=False, mtext=None):
        if ismath or angle != 0:
            return plain_draw_text(gc, x, y, s, prop, angle, ismath=ismath, mtext=mtext)
        x, y = round(x), round(y)
        key = _text_key(self, gc, s, prop, mtext)
        calls = self.text_cache.get(key)
        if calls is not None:
            self.text_cache_stats["hits"] += 1
            for bitmap, dx, dy in calls:
                self._renderer.draw_text_image(bitmap, x + dx, y + dy, 0, gc)
            return None
        self.text_cache_stats["misses"] += 1
        recorder = _Recorder(self._renderer)
        self._renderer = recorder
        try:
            result = plain_draw_text(gc, x, y, s, prop, angle, ismath=ismath, mtext=mtext)
        finally:
            self._renderer = recorder.inner
        if not recorder.other and all(call_angle == 0 and float(bx).is_integer() and float(by).is_integer()
                                      for _, bx, by, call_angle in recorder.calls):
            if len(self.text_cache) >= MAX_TEXTS:
                self.text_cache.clear()
            if MAX_TEXTS > 0:
                self.text_cache[key] = [(bitmap, int(bx) - x, int(by) - y) for bitmap, bx, by, _ in recorder.calls]
        return result

    renderer.draw_text = types.MethodType(draw_text, renderer)
    return renderer


def _geometry(image, renderer, magnification):
    """What decides which cell each output pixel shows, or None when the fast path does not apply."""
    data = image.get_array()
    transform = image.get_transform()
    if (image.get_interpolation() != "nearest" or image.get_alpha() is not None or not transform.is_affine
            or data is None or data.ndim not in (2, 3) or data.size == 0):
        return None
    if data.ndim == 2 and data.dtype != np.float64:
        return None   # matplotlib normalises other scalar types in float32: the cells' colours could differ
    if data.ndim == 3 and (data.shape[2] not in (3, 4) or data.dtype.kind not in "fu"):
        return None
    if data.ndim == 3 and data.shape[2] == 4 and not np.all(
            data[..., 3] == (255 if data.dtype.kind == "u" else 1)):
        return None   # translucent cells are premultiplied and demultiplied: not a plain copy
    clip = ((image.get_clip_box() or image.axes.bbox) if image.get_clip_on()
            else image.get_figure(root=True).bbox if hasattr(image, "get_figure") else image.figure.bbox)
    return (data.shape[:2], tuple(np.round(transform.get_matrix().ravel(), 9)), tuple(image.get_extent()),
            tuple(np.round(clip.extents, 9)), float(magnification), image.origin, bool(image.get_resample()),
            renderer.width, renderer.height, renderer.dpi)


def _cell_colours(image):
    """Each cell's RGBA bytes as the resampled image would hold them, plus the colour outside (last row)."""
    data = image.get_array()
    if data.ndim == 2:
        values = np.ma.masked_invalid(np.ma.asarray(data, dtype=np.float64).ravel())
        values = np.ma.append(values, 0.0)   # outside the image: resampled zeros, alpha 0 below
        colours = image.to_rgba(image.norm(values), bytes=True, norm=False)
        colours[-1, 3] = 0
        return colours
    rgba = data.reshape(-1, data.shape[2])
    if rgba.dtype.kind == "u":
        rgba = np.divide(rgba, 0xFF, dtype=np.float32)
    if rgba.shape[1] == 3:
        rgba = np.hstack([rgba, np.ones((len(rgba), 1), rgba.dtype)])
    rgba = np.vstack([rgba, np.zeros((1, 4), rgba.dtype)])
    return image.to_rgba(rgba[:, None, :], bytes=True, norm=False)[:, 0, :]


def cache_nearest(image):
    """Make ``image`` (an ``AxesImage`` with nearest interpolation) keep its pixel-to-cell map per geometry.

    Idempotent; returns the image. The first draw at a geometry goes through
    matplotlib and records the map; later draws colour the cells and gather.
    ``image.nearest_cache_stats`` counts ``hits`` and ``misses``.
    """
    if getattr(image, "nearest_cache", None) is not None:
        return image
    image.nearest_cache, image.nearest_cache_stats = {}, {"hits": 0, "misses": 0}
    plain = type(image).make_image

    def make_image(self, renderer, magnification=1.0, unsampled=False):
        key = None if unsampled or not NEAREST_EXACT else _geometry(self, renderer, magnification)
        if key is None:
            return plain(self, renderer, magnification, unsampled)
        entry = self.nearest_cache.get(key)
        if entry is not None:
            self.nearest_cache_stats["hits"] += 1
            cells, x, y, transform = entry
            colours = np.ascontiguousarray(_cell_colours(self)).view(np.uint32)[:, 0]
            return colours[cells].view(np.uint8).reshape(*cells.shape, 4), x, y, transform
        self.nearest_cache_stats["misses"] += 1
        seen = []
        resample = mimage._resample

        def spy(image_obj, data, out_shape, transform, **kwargs):
            if image_obj is self and not seen:
                seen.append((data.shape, out_shape, transform, kwargs))
            return resample(image_obj, data, out_shape, transform, **kwargs)

        mimage._resample = spy
        try:
            result = plain(self, renderer, magnification, unsampled)
        finally:
            mimage._resample = resample
        if seen and result[0] is not None:
            shape, out_shape, transform, kwargs = seen[0]
            rows, cols = shape[:2]
            numbers = np.arange(1, rows * cols + 1, dtype=np.float64).reshape(rows, cols)
            cells = resample(self, numbers, out_shape, transform, **kwargs).astype(np.intp) - 1
            cells[cells < 0] = rows * cols   # outside the image: the last colour
            if cells.shape == result[0].shape[:2] and MAX_GEOMETRIES > 0:
                if len(self.nearest_cache) >= MAX_GEOMETRIES:
                    self.nearest_cache.clear()
                self.nearest_cache[key] = (cells, *result[1:])
        return result

    image.make_image = types.MethodType(make_image, image)
    return image
