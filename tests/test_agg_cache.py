"""The explorers' Agg caches (course_lib/_agg_cache.py) draw the pixels an uncached draw does.

A cached string is drawn from the glyph bitmaps kept from its first draw, at a
whole-pixel origin; a cached nearest-neighbour image gathers its cells through
the pixel-to-cell map kept from its first draw. Each test draws the same thing
with and without the cache, through a cache hit, and compares every pixel.
"""
import importlib

import numpy as np
import pytest
from matplotlib.font_manager import FontProperties

from course_lib import _agg_cache
from course_lib._agg_cache import cache_nearest, cache_text
from course_lib.plotting import new_figure

STRINGS = ["1", "-12", "  2   4  10", "0.50", "output 5 x 5", "Wy"]
FONTS = [FontProperties(family="DejaVu Sans", size=11), FontProperties(family="DejaVu Sans Mono", size=13.99),
         FontProperties(family="DejaVu Sans", size=9, weight="bold")]


def _canvas():
    figure = new_figure((3, 1), dpi=96)
    canvas = figure.canvas
    canvas.draw()
    return canvas, canvas.get_renderer()


def _text(renderer, s, prop, x, y, colour, angle=0, ismath=False):
    gc = renderer.new_gc()
    gc.set_foreground(colour)
    renderer.draw_text(gc, x, y, s, prop, angle, ismath=ismath)
    gc.restore()


def _pixels(canvas):
    return np.asarray(canvas.buffer_rgba()).copy()


@pytest.mark.parametrize("prop", FONTS, ids=["sans", "mono", "bold"])
def test_a_cached_string_is_the_uncached_string_at_its_whole_pixel_origin(prop):
    cached_canvas, cached = _canvas()
    plain_canvas, plain = _canvas()
    cache_text(cached)
    blank = cached_canvas.copy_from_bbox(cached_canvas.figure.bbox)
    for s in STRINGS:
        _text(cached, s, prop, 12.3, 40.6, "red")           # the first draw keeps the bitmaps
        for x, y, colour in [(31.5, 50.49, "blue"), (140.71, 60.2, "black"), (7.0, 90.0, "red")]:
            for canvas in (cached_canvas, plain_canvas):
                canvas.restore_region(blank)
            _text(cached, s, prop, x, y, colour)                 # drawn from the kept bitmaps
            _text(plain, s, prop, round(x), round(y), colour)   # rasterised again, uncached
            assert np.array_equal(_pixels(cached_canvas), _pixels(plain_canvas)), (s, x, y)
    assert cached.text_cache_stats == {"hits": 3 * len(STRINGS), "misses": len(STRINGS)}


def test_mathtext_and_rotated_text_are_drawn_as_before():
    cached_canvas, cached = _canvas()
    plain_canvas, plain = _canvas()
    cache_text(cached)
    prop = FONTS[0]
    for args in [("$x^2$", 20.4, 40.6, 0, True), ("tilted", 60.3, 70.2, 30, False), ("tilted", 60.3, 70.2, 30, False)]:
        s, x, y, angle, ismath = args
        _text(cached, s, prop, x, y, "black", angle=angle, ismath=ismath)
        _text(plain, s, prop, x, y, "black", angle=angle, ismath=ismath)   # not snapped either
    assert np.array_equal(_pixels(cached_canvas), _pixels(plain_canvas))
    assert cached.text_cache_stats == {"hits": 0, "misses": 0}


def test_cache_text_is_idempotent_and_bounded(monkeypatch):
    _, renderer = _canvas()
    assert cache_text(cache_text(renderer)) is renderer
    monkeypatch.setattr(_agg_cache, "MAX_TEXTS", 3)
    for n in range(7):
        _text(renderer, str(n), FONTS[0], 20, 30, "black")
    assert 1 <= len(renderer.text_cache) <= 3
    monkeypatch.setattr(_agg_cache, "MAX_TEXTS", 0)
    renderer.text_cache.clear()
    _text(renderer, "kept?", FONTS[0], 20, 30, "black")
    assert renderer.text_cache == {}


def _image_figure(data, **kwargs):
    figure = new_figure((3, 2.2), dpi=96)
    ax = figure.add_axes([0.05, 0.05, 0.8, 0.9])
    image = ax.imshow(data, interpolation="nearest", **kwargs)
    ax.set_xlim(-0.5, data.shape[1] - 0.5 + kwargs.pop("overhang", 0))
    figure.canvas.draw()
    return figure, image


def _draw_image(figure, image):
    canvas = figure.canvas
    canvas.draw()
    return np.asarray(canvas.buffer_rgba()).copy()


CASES = {
    "scalar with NaN cells": lambda rng: np.where(rng.random((5, 7)) < 0.2, np.nan, rng.normal(size=(5, 7))),
    "float RGB": lambda rng: rng.random((6, 6, 3)),
    "opaque uint8 RGBA": lambda rng: np.dstack([rng.integers(0, 256, (4, 9, 3)), np.full((4, 9), 255)]).astype(np.uint8),
}


@pytest.mark.parametrize("case", sorted(CASES))
@pytest.mark.parametrize("origin", ["upper", "lower"])
def test_a_cached_nearest_image_is_the_uncached_image(case, origin):
    if not _agg_cache.NEAREST_EXACT:
        pytest.skip("this matplotlib rescales data before resampling: the images keep matplotlib's own path")
    rng = np.random.default_rng(0)
    kwargs = {"cmap": "RdBu_r", "vmin": -2, "vmax": 2} if case.startswith("scalar") else {}
    first = CASES[case](rng)
    cached_figure, cached = _image_figure(first, origin=origin, **kwargs)
    cache_nearest(cached)
    _draw_image(cached_figure, cached)                      # records the pixel-to-cell map
    for _ in range(3):
        data = CASES[case](rng)
        cached.set_data(data)
        plain_figure, _ = _image_figure(data, origin=origin, **kwargs)
        assert np.array_equal(_draw_image(cached_figure, cached), _draw_image(plain_figure, None))
    assert cached.nearest_cache_stats["hits"] >= 3


def test_a_nearest_image_partly_outside_its_axes_is_gathered_the_same():
    if not _agg_cache.NEAREST_EXACT:
        pytest.skip("this matplotlib rescales data before resampling")
    rng = np.random.default_rng(1)
    cached_figure, cached = _image_figure(rng.normal(size=(5, 5)), cmap="viridis", vmin=-2, vmax=2)
    cached.axes.set_xlim(1.3, 6.2)   # clipped on the left, empty on the right
    cache_nearest(cached)
    _draw_image(cached_figure, cached)
    data = rng.normal(size=(5, 5))
    cached.set_data(data)
    plain_figure, plain = _image_figure(data, cmap="viridis", vmin=-2, vmax=2)
    plain.axes.set_xlim(1.3, 6.2)
    assert np.array_equal(_draw_image(cached_figure, cached), _draw_image(plain_figure, plain))
    assert cached.nearest_cache_stats["hits"] >= 1


def test_images_the_gather_cannot_copy_take_matplotlibs_path():
    rng = np.random.default_rng(2)
    translucent = np.dstack([rng.random((4, 4, 3)), np.full((4, 4), 0.5)])
    for data, kwargs in [(translucent, {}), (rng.random((4, 4)), {"alpha": 0.5}),
                         (rng.random((4, 4)), {"interpolation": "bilinear"}),
                         (rng.integers(0, 9, (4, 4)), {}), (rng.random((4, 4)).astype(np.float32), {})]:
        figure = new_figure((2, 2), dpi=72)
        image = figure.add_subplot().imshow(data, **{"interpolation": "nearest", **kwargs})
        cache_nearest(image)
        figure.canvas.draw()
        figure.canvas.draw()
        assert image.nearest_cache_stats == {"hits": 0, "misses": 0}


def _walk(explorer_name, settings):
    """Frames of one explorer for each setting, set slider by slider."""
    from course_lib.inventory import explorer_factory, explorers
    from course_lib.widgets import explorer_parts

    entry = next(e for _, e in explorers() if e.function == explorer_name)
    sliders, image, _ = explorer_parts(explorer_factory(entry)())
    frames = []
    for setting in settings:
        for label, value in setting.items():
            sliders[label].value = value
        frames.append(bytes(image.value))
    return frames


WALKS = {
    "transposed_explorer": [{"kernel size": k, "stride": s, "padding": p}
                            for k in (4, 1, 3, 2) for s in (3, 1, 2) for p in (0, 2)],
    "arithmetic_explorer": [{"input size": i, "kernel size": k, "stride": s, "padding": 1, "dilation": d}
                            for i in (9, 4) for k in (3, 5, 1) for s in (2, 1) for d in (1, 2)],
    "conv_step_explorer": [{"step": n} for n in (2, 5, 9, 1, 4)],
    "transposed_step_explorer": [{"step": n} for n in (2, 4, 1, 3)],
}


@pytest.mark.parametrize("name", sorted(WALKS))
def test_explorer_frames_with_warm_caches_equal_frames_drawn_without_reuse(name, monkeypatch):
    from course_lib import widgets

    monkeypatch.setattr(widgets, "MAX_FRAMES", 0)   # every move draws
    warm = _walk(name, WALKS[name] * 2)[len(WALKS[name]):]   # the second pass: caches warm
    monkeypatch.setattr(_agg_cache, "MAX_TEXTS", 0)
    monkeypatch.setattr(_agg_cache, "MAX_GEOMETRIES", 0)
    cold = _walk(name, WALKS[name])
    assert len(warm) == len(cold)
    for setting, a, b in zip(WALKS[name], warm, cold):
        assert a == b, f"{name} {setting}: the frame drawn with warm caches differs from one drawn without reuse"
