"""The drawing layer's shared pieces: the matrix panel, images, axes helpers, figures outside pyplot.

A :class:`MatrixPanel` shows a 2-D array as coloured cells with each value
written in its cell; every drawing of the course that writes numbers in cells
uses it (``plot_matrix`` and the ``draw_*`` modules). Its artists (one image,
one grid, one text per cell) are made once and updated in place by
:meth:`MatrixPanel.fill`, so animated drawings and widgets reuse them. Colours
never hide the sign of a number: by default values are drawn on a diverging
map centred on 0 (blue negative, white zero, red positive).

Every ``plot_*`` function takes an optional ``ax``, draws, and returns the
axes; nothing here computes course results or touches widgets. Handles and
explorers draw on :func:`new_figure` (an Agg figure outside pyplot) and send
frames made by :func:`render_png` or :func:`blit_renderer`.
"""
from __future__ import annotations

import io
import numbers
import struct
import zlib

import matplotlib.pyplot as plt
import numpy as np
from matplotlib import colormaps
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.collections import LineCollection
from matplotlib.figure import Figure
from matplotlib.image import AxesImage
from matplotlib.patches import FancyArrowPatch, Rectangle
from matplotlib.ticker import MultipleLocator

from ._agg_cache import cache_nearest, cache_text
from ._checks import as_array, as_int

__all__ = ["MatrixPanel", "plot_matrix", "plot_image", "highlight_cells", "format_value", "value_limit",
           "new_axes", "check_axes", "check_ax", "root_figure", "arrow", "pixel_tick_step", "figure_bundle", "show_figure",
           "new_figure", "render_png", "png_rgb", "blit_renderer", "BlitRenderer", "SCREEN_DPI", "DIVERGING", "CATEGORICAL"]

DIVERGING = "RdBu_r"
#: A colour-blind-safe qualitative set (Okabe & Ito 2008: blue, orange, black, sky blue, vermillion,
#: bluish green, yellow, reddish purple) for categories such as phases or source channels, never magnitudes.
CATEGORICAL = ("#0072B2", "#E69F00", "#000000", "#56B4E9", "#D55E00", "#009E73", "#F0E442", "#CC79A7")
#: Advance width of a DejaVu Sans Mono character, in ems.
_MONO_ADVANCE = 0.602


def format_value(value, fmt=None):
    """A cell's text: ``fmt`` if given, else integers without decimals and others with 2.

    Examples
    --------
    >>> format_value(3.0), format_value(-0.125), format_value(0.5, ".3f")
    ('3', '-0.12', '0.500')
    """
    if fmt is not None:
        return format(value, fmt)
    if float(value).is_integer():
        return f"{int(value)}"
    return f"{value:.2f}"


def value_limit(*arrays):
    """The colour limit of a diverging map: the largest absolute value, at least 1.

    Examples
    --------
    >>> value_limit([[0.5, -3]], [2]), value_limit([])
    (3.0, 1.0)
    """
    return max([1.0, *(float(np.abs(np.asarray(a, dtype=float)).max()) for a in arrays if np.size(a))])


def pixel_tick_step(size, most=5):
    """Spacing of pixel ticks on an axis of ``size`` pixels: the smallest power of 2 giving at most ``most`` ticks.

    Powers of two divide image sizes such as 128 evenly, so the ticks of a
    128-pixel axis are 0, 32, 64, 96 (not 0, 15, 30, ... that run together).

    Examples
    --------
    >>> pixel_tick_step(128), pixel_tick_step(64), pixel_tick_step(8), pixel_tick_step(1)
    (32, 16, 2, 1)
    """
    size = as_int(size, "size", minimum=1)
    most = as_int(most, "most", minimum=1)
    step = 1
    while -(-size // step) > most:
        step *= 2
    return step


def root_figure(artist):
    """The top-level Figure that ``artist`` (an Axes, a line, ...) is drawn in.

    ``artist.get_figure(root=True)`` on matplotlib 3.10 and later; on 3.8 and 3.9 (the
    oldest supported, and the browser's Pyodide build) ``get_figure()`` may return a
    SubFigure, whose ``figure`` is the root.

    Examples
    --------
    >>> figure, ax = plt.subplots()
    >>> root_figure(ax) is figure
    True
    >>> plt.close(figure)
    """
    try:
        return artist.get_figure(root=True)
    except TypeError:  # matplotlib < 3.10: no ``root`` keyword
        figure = artist.get_figure()
        return None if figure is None else figure.figure


def check_ax(ax, name="ax"):
    """``ax`` if it is a matplotlib Axes, the current axes for None, else ``TypeError``."""
    if ax is None:
        return plt.gca()
    if not isinstance(ax, Axes):
        raise TypeError(f"{name} must be a matplotlib Axes or None, got {type(ax).__name__}: {ax!r:.60}")
    return ax


def new_axes(count, figsize):
    """A new pyplot figure with one row of ``count`` axes; returns the list of axes."""
    _, axes = plt.subplots(1, count, figsize=figsize)
    return list(np.atleast_1d(axes))


def check_axes(axes, count, name="axes"):
    """``axes`` as a list of exactly ``count`` matplotlib Axes, or ``TypeError``/``ValueError``."""
    if isinstance(axes, Axes) or not hasattr(axes, "__iter__"):
        raise TypeError(f"{name} must be a sequence of {count} matplotlib Axes, got {type(axes).__name__}")
    axes = list(np.ravel(np.asarray(axes, dtype=object))) if isinstance(axes, np.ndarray) else list(axes)
    if len(axes) != count:
        raise ValueError(f"{name} must hold {count} Axes, got {len(axes)}")
    for number, ax in enumerate(axes):
        check_ax(ax, f"{name}[{number}]")
    return axes


def _grid_segments(h, w, columns_first=False):
    rows = [[(-0.5, r - 0.5), (w - 0.5, r - 0.5)] for r in range(h + 1)]
    cols = [[(c - 0.5, -0.5), (c - 0.5, h - 0.5)] for c in range(w + 1)]
    return cols + rows if columns_first else rows + cols


class MatrixPanel:
    """A matrix drawn as coloured cells with values, whose artists are reused.

    Parameters
    ----------
    ax : matplotlib Axes
    shape : (int, int)
        The largest matrix the panel shows (rows, columns); smaller ones fill
        its top-left corner, the rest stays blank.
    vmax : float
        Colour limit: the map spans ``[-vmax, vmax]`` (or ``[vmin, vmax]``).
    vmin : float, optional
        Bottom of the colour scale for sequential maps (default ``-vmax``).
    cmap : str
        Colour map (default the diverging ``"RdBu_r"``); NaN cells are blank.
    fontsize : float, optional
        Cell text size; default 11 for unframed panels, and for framed ones a
        size that shrinks with the matrix (14 down to 6 points).
    fmt : str, optional
        Format spec of the cell text (see :func:`format_value`).
    show_values, grid : bool
        Cell texts and cell borders on or off.
    framed : bool
        Keep the axes frame (static figures, ``plot_matrix``) or hide it
        (panels of animated drawings, whose borders are not clipped).
    row_texts : bool
        One monospaced text per row (4 characters per cell) instead of one
        text per cell: 10x fewer texts for big panels, always black, so the
        colour map is lightened (limit 1.6 x ``vmax``).
    title : str, optional
        Axes title (11 points for unframed panels).

    Attributes
    ----------
    image, grid : the AxesImage and LineCollection
    texts : list of lists of Text (rows of cells, or one per row)

    Examples
    --------
    >>> from matplotlib.figure import Figure
    >>> panel = MatrixPanel(Figure().subplots(), (2, 3), vmax=4)
    >>> _ = panel.fill([[1, -2], [3, np.nan]])
    >>> [t.get_text() for row in panel.texts for t in row]
    ['1', '-2', '', '3', '', '']
    """

    def __init__(self, ax, shape, vmax, *, vmin=None, cmap=DIVERGING, fontsize=None, fmt=None,
                 show_values=True, grid=True, framed=False, row_texts=False, title=None):
        if not isinstance(ax, Axes):
            raise TypeError(f"ax must be a matplotlib Axes, got {type(ax).__name__}")
        if not (isinstance(shape, (tuple, list)) and len(shape) == 2):
            raise TypeError(f"shape must be a (rows, columns) pair of ints, got {shape!r}")
        h, w = (as_int(v, "shape", minimum=1) for v in shape)
        if fmt is not None:
            try:
                format(0.5, fmt)
            except (TypeError, ValueError) as error:
                raise (TypeError if not isinstance(fmt, str) else ValueError)(
                    f"fmt must be a format spec for numbers such as '.2f', got {fmt!r} ({error})") from None
        self.ax, self.shape, self.fmt = ax, (h, w), fmt
        self.framed, self.row_texts, self.show_values = bool(framed), bool(row_texts), bool(show_values)
        self._vmin = None if vmin is None else float(vmin)
        base = colormaps[cmap] if isinstance(cmap, str) else cmap
        self.image = ax.imshow(np.full((h, w), np.nan), cmap=base.with_extremes(bad=(1.0, 1.0, 1.0, 0.0)),
                               interpolation="nearest", extent=(-0.5, w - 0.5, h - 0.5, -0.5))
        self.grid = LineCollection([], colors="0.3", linewidths=0.8, clip_on=self.framed)
        self.grid.set_visible(bool(grid))
        ax.add_collection(self.grid)
        if fontsize is None:
            fontsize = max(6, min(14, int(60 / max(h, w, 1)) + 4)) if framed else 11
        self.fontsize = fontsize
        if not self.show_values:
            self.texts = []
        elif row_texts:
            # Labels are right-justified in 3 of the 4 characters: shifting the row left by 1/16
            # of a cell centres 1-, 2- and 3-character labels to within 1/16 of a cell.
            self.texts = [[ax.text(-0.5 - 1 / 16, i, "", ha="left", va="center", family="DejaVu Sans Mono")]
                          for i in range(h)]
        else:
            self.texts = [[ax.text(j, i, "", ha="center", va="center", fontsize=fontsize) for j in range(w)]
                          for i in range(h)]
        ax.set_xlim(-0.5, w - 0.5)
        ax.set_ylim(h - 0.5, -0.5)
        ax.set_xticks([])
        ax.set_yticks([])
        if not framed:
            for spine in ax.spines.values():
                spine.set_visible(False)
        if title is not None:
            ax.set_title(title) if framed else ax.set_title(title, fontsize=11)
        self.set_limit(vmax)

    def set_limit(self, vmax):
        """Change the colour limit (cell text turns white above 0.6 of it)."""
        self.vmax = 1.6 * float(vmax) if self.row_texts else float(vmax)
        self.image.set_clim(-self.vmax if self._vmin is None else self._vmin, self.vmax)

    @property
    def artists(self):
        """The artists :meth:`fill` changes: image, grid and the cell texts."""
        return [self.image, self.grid, *(t for row in self.texts for t in row)]

    def animated(self, title=True):
        """What an animation redraws on this panel, in drawing order: image, grid, the axes' patches, texts, title."""
        texts = [t for row in self.texts for t in row]
        return [self.image, self.grid, *self.ax.patches, *texts] + ([self.ax.title] if title else [])

    def fill(self, values, grid_shape=None, *, blank=None):
        """Show ``values`` (NaN = blank cell) in the panel's top-left corner; returns the panel.

        ``grid_shape`` (default: the shape of ``values``) is the block that gets
        cell borders; ``blank`` (a boolean array like ``values``) marks cells
        drawn in colour but without their number.
        """
        array = np.asarray(values, dtype=float)
        if array.ndim != 2 or array.shape[0] > self.shape[0] or array.shape[1] > self.shape[1]:
            raise ValueError(f"values must be 2-D and fit the panel's {self.shape}, got shape {array.shape}")
        full = np.full(self.shape, np.nan)
        full[: array.shape[0], : array.shape[1]] = array
        self.image.set_data(full)
        gh, gw = array.shape if grid_shape is None else grid_shape
        self.grid.set_segments(_grid_segments(gh, gw, columns_first=self.framed))
        if not self.show_values:
            return self
        hidden = np.isnan(full)
        if blank is not None:
            hidden[: array.shape[0], : array.shape[1]] |= np.asarray(blank, dtype=bool)
        if self.row_texts:
            self._fill_rows(full, hidden)
            return self
        for (i, j), value in np.ndenumerate(full):
            text = self.texts[i][j]
            if hidden[i, j]:
                text.set_text("")
            else:
                text.set_text(format_value(value, self.fmt))
                text.set_color("white" if abs(value) > 0.6 * self.vmax else "black")
        return self

    def _fill_rows(self, full, hidden):
        figure = self.ax.get_figure()
        self.ax.apply_aspect()
        cell_px = self.ax.get_position().width * figure.get_figwidth() * figure.dpi / full.shape[1]
        size = cell_px / 4 / _MONO_ADVANCE * 72 / figure.dpi
        for i, row in enumerate(full):
            line = "".join("    " if hide else format_value(v, self.fmt).rjust(3) + " "
                           for v, hide in zip(row, hidden[i]))
            self.texts[i][0].set_text(line.rstrip())
            self.texts[i][0].set_fontsize(size)


def plot_matrix(values, ax=None, title=None, *, fmt=None, vmax=None, cmap=DIVERGING,
                show_values=True, fontsize=None, grid=True):
    """Draw a 2-D array as coloured cells with each value written in its cell.

    Parameters
    ----------
    values : (H, W) array_like
    ax : matplotlib Axes, optional
        Drawn on the current axes when omitted.
    title : str, optional
    fmt : str, optional
        Format spec for the cell text; integers print without decimals by default.
    vmax : float, optional
        Colour limit; the map spans ``[-vmax, vmax]`` so 0 is always white.
        Defaults to the largest absolute value (at least 1).
    cmap : str
        A diverging colour map (default ``"RdBu_r"``).
    show_values, fontsize, grid
        Cell text on/off and size, cell borders on/off.

    Returns
    -------
    matplotlib Axes

    Raises
    ------
    TypeError, ValueError
        ``values`` not a 2-D real array (or empty), ``vmax`` not a positive number, ``ax`` not an Axes.

    Examples
    --------
    >>> from matplotlib.figure import Figure
    >>> ax = plot_matrix([[1, -2], [0.5, 4]], Figure().subplots())
    >>> [t.get_text() for t in ax.texts]
    ['1', '-2', '0.50', '4']
    """
    array = as_array(values, "values").astype(float)
    if array.ndim != 2 or array.size == 0:
        raise ValueError(f"values must be a non-empty 2-D array, got shape {array.shape}")
    if vmax is not None and (not isinstance(vmax, numbers.Real) or isinstance(vmax, bool) or not vmax > 0):
        raise (TypeError if not isinstance(vmax, numbers.Real) or isinstance(vmax, bool) else ValueError)(
            f"vmax must be a positive number or None, got {vmax!r}")
    ax = check_ax(ax)
    limit = vmax or value_limit(array)
    MatrixPanel(ax, array.shape, limit, cmap=cmap, fontsize=fontsize, fmt=fmt, show_values=show_values,
                grid=grid, framed=True, title=title).fill(array)
    return ax


def highlight_cells(ax, top, left, height, width, color="gold", linewidth=3, label=None):
    """Outline the block of cells ``[top:top+height, left:left+width]``; returns the patch.

    Examples
    --------
    >>> from matplotlib.figure import Figure
    >>> highlight_cells(Figure().subplots(), 0, 1, 2, 2).get_xy()
    (0.5, -0.5)
    """
    ax = check_ax(ax)
    top, left = as_int(top, "top", minimum=0), as_int(left, "left", minimum=0)
    height, width = as_int(height, "height", minimum=1), as_int(width, "width", minimum=1)
    patch = Rectangle((left - 0.5, top - 0.5), width, height, fill=False, edgecolor=color,
                      linewidth=linewidth, label=label)
    ax.add_patch(patch)
    return patch


def plot_image(image, ax=None, title=None, *, cmap="gray", vmin=None, vmax=None, axis_labels=True):
    """Show an image (H, W) or (H, W, 3) with its pixel size on the axes; returns the axes.

    Pixel rows and columns are labelled so a learner can read sizes off the
    figure; ``interpolation="nearest"`` shows every pixel as a block.

    Raises
    ------
    TypeError, ValueError
        ``image`` not a real or boolean (H, W), (H, W, 3) or (H, W, 4) array, or empty.

    Examples
    --------
    >>> from matplotlib.figure import Figure
    >>> plot_image(np.zeros((4, 6)), Figure().subplots()).get_xlabel()
    'column (width 6)'
    """
    array = np.asarray(image) if isinstance(image, np.ndarray) and image.dtype == bool else as_array(image, "image")
    if not (array.ndim == 2 or (array.ndim == 3 and array.shape[2] in (3, 4))) or array.size == 0:
        raise ValueError(f"image must be a non-empty (H, W), (H, W, 3) or (H, W, 4) array, got shape {array.shape}")
    ax = check_ax(ax)
    ax.imshow(array, cmap=cmap if array.ndim == 2 else None, vmin=vmin, vmax=vmax, interpolation="nearest")
    if axis_labels:
        # pixel indices are whole numbers; power-of-two steps keep ticks apart on 128-pixel axes
        ax.xaxis.set_major_locator(MultipleLocator(pixel_tick_step(array.shape[1])))
        ax.yaxis.set_major_locator(MultipleLocator(pixel_tick_step(array.shape[0])))
        ax.set_xlabel(f"column (width {array.shape[1]})")
        ax.set_ylabel(f"row (height {array.shape[0]})")
    if title is not None:
        ax.set_title(title)
    return ax


def arrow(ax, start, end, color, style="-|>", linestyle="-"):
    """Draw an arrow patch from ``start`` to ``end`` (data coordinates); returns the patch."""
    return ax.add_patch(FancyArrowPatch(start, end, arrowstyle=style, mutation_scale=14, color=color,
                                 linewidth=1.8, linestyle=linestyle, shrinkA=2, shrinkB=2))


def figure_bundle(figure, alt):
    """A display bundle for ``figure`` with a text description a screen reader reads.

    JupyterLab ignores ``alt`` on ``image/png`` outputs but honours it on an
    ``<img>`` in ``text/html`` (which it prefers), so the bundle holds the PNG
    twice: inline in an ``<img alt=...>`` (``text/html``) and as ``image/png``
    (what tools/compare_notebook_figures.py and the figure tests read);
    ``text/plain`` is the description itself.

    Parameters
    ----------
    figure : matplotlib Figure
        Rendered as the inline backend does (``bbox_inches="tight"``, the figure's dpi).
    alt : str
        A short description of what the figure shows (one or two sentences).

    Returns
    -------
    dict
        Mimetype -> data, for ``IPython.display.display(bundle, raw=True)``.

    Raises
    ------
    TypeError, ValueError
        ``figure`` not a Figure, ``alt`` not a non-empty str.

    Examples
    --------
    >>> from matplotlib.figure import Figure
    >>> bundle = figure_bundle(Figure(figsize=(1, 1)), "an empty square")
    >>> sorted(bundle), bundle["text/plain"]
    (['image/png', 'text/html', 'text/plain'], 'an empty square')
    >>> bundle["text/html"][:10], 'alt="an empty square"' in bundle["text/html"]
    ('<img src="', True)
    """
    import base64
    import html

    if not isinstance(figure, Figure):
        raise TypeError(f"figure must be a matplotlib Figure, got {type(figure).__name__}")
    if not isinstance(alt, str):
        raise TypeError(f"alt must be a str describing the figure, got {type(alt).__name__}")
    if not alt.strip():
        raise ValueError(f"alt must describe the figure (a screen reader reads it), got {alt!r}")
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", bbox_inches="tight", dpi=figure.dpi)
    data = base64.b64encode(buffer.getvalue()).decode("ascii")
    from PIL import Image

    width = Image.open(io.BytesIO(buffer.getvalue())).size[0]
    text = " ".join(alt.split())
    return {"text/html": f'<img src="data:image/png;base64,{data}" alt="{html.escape(text)}" width="{width}"/>',
            "image/png": data, "text/plain": text}


def show_figure(figure, alt):
    """Display ``figure`` with its description (:func:`figure_bundle`) and close it, so it shows once.

    Notebooks end a figure cell with ``show_figure(fig, "what it shows")``
    instead of ``plt.show()``. Returns None.

    Raises
    ------
    TypeError, ValueError
        As :func:`figure_bundle`.
    """
    from IPython.display import display

    display(figure_bundle(figure, alt), raw=True)
    plt.close(figure)


#: Dots per inch of a frame shown at its natural size in a browser (1 CSS pixel = 1/96 inch): at this
#: resolution a font of N points shows at N points on screen, as on a projector (explorers use it).
SCREEN_DPI = 96


def new_figure(figsize, dpi=80, **kwargs):
    """A Figure with an Agg canvas, outside pyplot (so nothing shows it by accident).

    Examples
    --------
    >>> figure = new_figure((2, 1), dpi=50)
    >>> figure.canvas.get_width_height()
    (100, 50)
    """
    figure = Figure(figsize=figsize, dpi=dpi, **kwargs)
    FigureCanvasAgg(figure)
    return figure


def _png_chunk(kind, data):
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def png_rgb(rgba):
    """An (H, W, 4) uint8 image as an RGB PNG (alpha dropped; rows unfiltered, zlib level 1).

    Examples
    --------
    >>> import io; from PIL import Image
    >>> pixels = np.zeros((2, 3, 4), np.uint8); pixels[0, 1] = (10, 20, 30, 255)
    >>> np.asarray(Image.open(io.BytesIO(png_rgb(pixels))))[0, 1].tolist()
    [10, 20, 30]
    """
    rgba = np.asarray(rgba)
    if rgba.dtype != np.uint8 or rgba.ndim != 3 or rgba.shape[2] != 4 or 0 in rgba.shape:
        raise ValueError(f"rgba must be a non-empty (H, W, 4) uint8 array, got {rgba.dtype} {rgba.shape}")
    from PIL import Image

    height, width = rgba.shape[:2]
    rgb = Image.frombuffer("RGBA", (width, height), np.ascontiguousarray(rgba), "raw", "RGBA", 0, 1).convert("RGB")
    rows = np.empty((height, 1 + 3 * width), np.uint8)
    rows[:, 0] = 0   # filter type 0 (none) on every row
    rows[:, 1:] = np.frombuffer(rgb.tobytes(), np.uint8).reshape(height, 3 * width)   # PIL drops alpha 3x faster than numpy
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)   # 8 bits, RGB, deflate, no interlace
    return (b"\x89PNG\r\n\x1a\n" + _png_chunk(b"IHDR", header) + _png_chunk(b"IDAT", zlib.compress(rows, 1))
            + _png_chunk(b"IEND", b""))


def render_png(figure):
    """The figure as PNG bytes (fast zlib level: these images are throwaway frames).

    Examples
    --------
    >>> render_png(new_figure((1, 1)))[:4]
    b'\\x89PNG'
    """
    if not isinstance(figure, Figure):
        raise TypeError(f"figure must be a matplotlib Figure, got {type(figure).__name__}")
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=figure.dpi, pil_kwargs={"compress_level": 1})
    return buffer.getvalue()


class BlitRenderer:
    """Frames of a figure whose ``artists`` change: :meth:`draw` them on a cached background, :meth:`encode` a PNG.

    Made by :func:`blit_renderer`; calling it does both and returns the PNG bytes.
    The two steps are separate so that a widget can time them (``COURSE_LIB_TIMING_LOG``,
    :func:`course_lib.widgets.wire`). Frames are encoded as RGB (the figures are
    opaque): a quarter fewer bytes to compress, send and decode than RGBA.
    """

    def __init__(self, figure, artists, background):
        self.figure, self.artists, self.background = figure, artists, background

    def draw(self):
        """Restore the background and draw the changing artists on the Agg canvas.

        The canvas's renderer keeps the glyph bitmaps of the strings it drew (on
        whole-pixel origins, the background's too) and nearest-neighbour images keep
        their pixel-to-cell maps (``_agg_cache``): a frame is what a full draw of the
        figure shows, without rasterising or resampling again.
        """
        canvas = self.figure.canvas
        cache_text(canvas.get_renderer())
        canvas.restore_region(self.background)
        for artist in self.artists:
            self.figure.draw_artist(artist)

    def encode(self):
        """The canvas as PNG bytes: RGB, rows unfiltered, zlib level 1 (these are throwaway frames).

        PIL's encoder tries each PNG filter on every row; skipping that and
        compressing the rows as they are takes about a third less time for the
        same pixels (``benchmarks/README.md``, "Explorers").
        """
        return png_rgb(np.asarray(self.figure.canvas.buffer_rgba()))

    def __call__(self):
        self.draw()
        return self.encode()


def blit_renderer(figure, artists):
    """A :class:`BlitRenderer`: called, it returns the figure as PNG bytes, redrawing only ``artists``.

    Everything else (frames, fixed titles, labels) is drawn once into a cached
    background; each call restores it, draws the changing artists on the Agg
    canvas (blitting) and encodes the PNG. Artists must keep their place in the
    figure; change their data, not the layout. The artists' ``animated`` flags
    are as they were before the call (only the background is drawn without them).

    Examples
    --------
    >>> figure = new_figure((1, 1))
    >>> line, = figure.add_subplot().plot([0, 1])
    >>> render = blit_renderer(figure, [line])
    >>> render()[:4], line.get_animated()
    (b'\\x89PNG', False)
    """
    if not isinstance(figure, Figure):
        raise TypeError(f"figure must be a matplotlib Figure, got {type(figure).__name__}")
    artists = list(artists)
    strangers = [a for a in artists if root_figure(a) is not figure]
    if strangers:
        raise ValueError(f"artists must belong to the figure, got {len(strangers)} that do not: {strangers[0]!r:.60}")
    # Animated artists are left out of a full draw: the background is everything else. The flags
    # are put back afterwards, so the figure still draws whole (savefig, a static copy).
    was_animated = [artist.get_animated() for artist in artists]
    for artist in artists:
        artist.set_animated(True)
    canvas = figure.canvas
    cache_text(canvas.get_renderer())   # the background's strings on whole pixels too, as every frame's
    try:
        canvas.draw()
        background = canvas.copy_from_bbox(figure.bbox)
    finally:
        for artist, flag in zip(artists, was_animated):
            artist.set_animated(flag)
    for artist in artists:
        if isinstance(artist, AxesImage):
            cache_nearest(artist)
    return BlitRenderer(figure, artists, background)
