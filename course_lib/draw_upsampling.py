"""Drawings for notebook 01 (why upsampling): encoder stages, the U-Net shape, class maps, costs, fusion.

Every ``plot_*`` function takes an optional ``ax``, draws on it and returns
it; nothing here computes course results and nothing touches widgets or
``rcParams``.
"""
from __future__ import annotations

import numpy as np
from matplotlib.colors import ListedColormap
from matplotlib.lines import Line2D
from matplotlib.patches import Patch, Rectangle

from ._checks import as_array, as_int
from .plotting import arrow, check_ax, plot_image

__all__ = ["plot_encoder_stages", "plot_unet", "plot_class_map", "plot_level_costs", "plot_receptive_fields",
           "plot_wrong_pixels", "CLASS_COLORS", "MAX_DEPTH"]

#: The deepest U-Net plot_unet draws (each level halves the boxes: deeper ones are unreadable).
MAX_DEPTH = 6

# Background light grey, then distinct colours (colour-blind-safe Okabe-Ito hues).
CLASS_COLORS = ("#e8e8e8", "#0072b2", "#e69f00", "#009e73", "#cc79a7", "#56b4e9", "#d55e00", "#f0e442")


def _check_stages(stages):
    if isinstance(stages, np.ndarray) or not hasattr(stages, "__len__") or len(stages) == 0:
        raise TypeError(f"stages must be a non-empty list of 2-D arrays, got {type(stages).__name__}")
    arrays = []
    for number, stage in enumerate(stages):
        array = as_array(stage, f"stages[{number}]")
        if array.ndim != 2:
            raise ValueError(f"stages[{number}] must be a 2-D (H, W) array, got shape {array.shape}")
        arrays.append(array.astype(float))
    return arrays


def plot_encoder_stages(stages, labels=None, ax=None, *, gap=None, cmap="gray"):
    """Draw feature maps side by side at their true pixel size, so the shrinking shows.

    Each map is drawn with its own grey scale (its darkest pixel black, its
    brightest white) and labelled with its size under it; the x axis counts
    pixels, so a 64 x 64 map is drawn half as wide as a 128 x 128 one.

    Parameters
    ----------
    stages : list of (H, W) array_like
        The maps, left to right (e.g. the input and each encoder stage's output).
    labels : list of str, optional
        One caption per map, written under it above its size ``H x W`` (always written).
    ax : matplotlib Axes, optional
        Drawn on the current axes when omitted.
    gap : int, optional
        Pixels of space between neighbouring maps (default: a quarter of the tallest map).
    cmap : str
        Colour map for the maps (grey by default).

    Returns
    -------
    matplotlib Axes

    Raises
    ------
    TypeError, ValueError
        ``stages`` empty or not a list of 2-D arrays; ``labels`` of another length; ``gap`` negative.

    Examples
    --------
    >>> from matplotlib.figure import Figure
    >>> ax = Figure().subplots()
    >>> ax = plot_encoder_stages([np.ones((8, 8)), np.ones((4, 4))], ax=ax)
    >>> len(ax.images), [t.get_text() for t in ax.texts]
    (2, ['8 x 8', '4 x 4'])
    """
    arrays = _check_stages(stages)
    tallest = max(a.shape[0] for a in arrays)
    gap = max(4, tallest // 4) if gap is None else as_int(gap, "gap", minimum=0)
    if labels is not None and (isinstance(labels, str) or not isinstance(labels, (list, tuple))
                               or not all(isinstance(label, str) for label in labels)):
        raise TypeError(f"labels must be a list of str (one caption per stage) or None, got {labels!r:.60}")
    if labels is not None and len(labels) != len(arrays):
        raise ValueError(f"labels must have one entry per stage ({len(arrays)}), got {len(labels)}")
    ax = check_ax(ax)
    left = 0
    for number, array in enumerate(arrays):
        h, w = array.shape
        # Bottom-aligned: rows grow downwards, so the map spans [tallest - h, tallest].
        ax.imshow(array, cmap=cmap, interpolation="nearest",
                  extent=(left, left + w, tallest, tallest - h))
        ax.add_patch(Rectangle((left, tallest - h), w, h, fill=False, edgecolor="0.3", linewidth=0.8))
        caption = f"{h} x {w}" if labels is None else f"{labels[number]}\n{h} x {w}"
        ax.text(left + w / 2, tallest + 0.04 * tallest, caption, ha="center", va="top", fontsize=10)
        left += w + gap
    ax.set_xlim(-gap / 2, left - gap / 2)
    ax.set_ylim(tallest * 1.3, -0.02 * tallest)
    ax.set_aspect("equal")
    ax.set_yticks([])
    ax.set_xticks([])
    for spine in ax.spines.values():
        spine.set_visible(False)
    return ax


def _box(ax, x, y, width, height, text, color, side):
    ax.add_patch(Rectangle((x - width / 2, y - height / 2), width, height, facecolor=color,
                           edgecolor="0.2", linewidth=1))
    if side == "above":
        ax.text(x, y + height / 2 + 0.08, text.replace("\n", ", "), ha="center", va="bottom", fontsize=10)
    else:
        offset = (width / 2 + 0.08) * (1 if side == "right" else -1)
        ax.text(x + offset, y, text, ha="left" if side == "right" else "right", va="center", fontsize=10)


def plot_unet(ax=None, *, input_size=128, depth=4, channels=64):
    """Draw the U-Net shape: contracting path, expanding path, skip connections, sizes.

    Each box is the feature map after the two 3x3 convolutions of one level,
    labelled ``size x size, C ch``; box heights shrink with the spatial size
    and widths grow with the channels. The convolutions are drawn padded
    (sizes halve exactly); the original U-Net (Ronneberger et al. 2015) uses
    unpadded convolutions, so its maps lose a border at every convolution and
    the skip connections crop.

    Parameters
    ----------
    ax : matplotlib Axes, optional
        Drawn on the current axes when omitted.
    input_size : int
        Side of the square input; must be divisible by ``2**depth``.
    depth : int
        Number of 2x2 poolings (the bottleneck is ``input_size / 2**depth``).
    channels : int
        Channels at the first level; each pooling doubles them.

    Returns
    -------
    matplotlib Axes

    Raises
    ------
    TypeError, ValueError
        Non-int or non-positive arguments, or ``input_size`` not divisible by ``2**depth``.

    Examples
    --------
    >>> from matplotlib.figure import Figure
    >>> ax = plot_unet(Figure().subplots(), input_size=32, depth=2)
    >>> sizes = [t.get_text() for t in ax.texts if " ch" in t.get_text()]
    >>> len(sizes), sizes[0], sizes[-1]  # two boxes per level, then the bottleneck
    (5, '32 x 32, 64 ch', '8 x 8\\n256 ch')
    """
    input_size = as_int(input_size, "input_size", minimum=1)
    depth = as_int(depth, "depth", minimum=1)
    if depth > MAX_DEPTH:
        raise ValueError(f"depth must be at most {MAX_DEPTH} (levels drawn legibly), got {depth}")
    channels = as_int(channels, "channels", minimum=1)
    if input_size % 2**depth:
        raise ValueError(
            f"input_size must be divisible by 2**depth = {2**depth} so every pooling halves it exactly, "
            f"got input_size={input_size}"
        )
    ax = check_ax(ax)
    step_x, step_y = 1.0, 1.7
    centre = depth * step_x
    for level in range(depth + 1):
        size = input_size // 2**level
        width = 0.22 * (2**level) ** 0.45
        height = 1.5 * (size / input_size) ** 0.5
        label = f"{size} x {size}\n{channels * 2**level} ch"
        y = -level * step_y
        if level == depth:
            _box(ax, centre, y, width, height, label, "#f2c48c", "right")
            continue
        x_left, x_right = level * step_x, 2 * centre - level * step_x
        _box(ax, x_left, y, width, height, label, "#9ecae1", "left" if level else "above")
        _box(ax, x_right, y, width, height, label, "#a1d99b", "right" if level else "above")
        # skip connection: copy the encoder map and concatenate it in the decoder
        arrow(ax, (x_left + width / 2, y), (x_right - width / 2 - 0.02, y), "0.45", linestyle="--")
        below_y = -(level + 1) * step_y
        below_x_left, below_x_right = (level + 1) * step_x, 2 * centre - (level + 1) * step_x
        if level + 1 == depth:
            below_x_left = below_x_right = centre
        below_height = 1.5 * ((size // 2) / input_size) ** 0.5
        start = y - height / 2 - 0.02
        arrow(ax, (x_left + 0.05, start), (below_x_left - 0.1, below_y + below_height / 2), "#d62728")
        arrow(ax, (below_x_right + 0.1, below_y + below_height / 2), (x_right - 0.05, start), "#2ca02c")
    top = 1.5 / 2
    ax.text(-0.55, 0, f"input\n{input_size} x {input_size}", ha="right", va="center", fontsize=10)
    arrow(ax, (-0.5, 0), (-0.13, 0), "0.2")
    ax.text(2 * centre + 0.55, 0, f"class map\n{input_size} x {input_size}", ha="left", va="center",
            fontsize=10)
    arrow(ax, (2 * centre + 0.13, 0), (2 * centre + 0.5, 0), "0.2")
    ax.text(0, top + 0.5, "contracting path (encoder)\nsize shrinks: learns WHAT", ha="center",
            va="bottom", fontsize=10, color="#08519c")
    ax.text(2 * centre, top + 0.5, "expanding path (decoder)\nsize grows: recovers WHERE", ha="center",
            va="bottom", fontsize=10, color="#006d2c")
    handles = [
        Line2D([], [], color="#d62728", lw=2, label="max pool 2x2 (size / 2)"),
        Line2D([], [], color="#2ca02c", lw=2, label="up-conv 2x2 (size x 2)"),
        Line2D([], [], color="0.45", lw=2, ls="--", label="skip connection (copy + concatenate)"),
    ]
    ax.legend(handles=handles, loc="lower left", fontsize=10, frameon=False)
    ax.set_xlim(-1.6, 2 * centre + 1.6)
    ax.set_ylim(-depth * step_y - 0.8, top + 1.5)
    ax.set_aspect("equal")
    ax.axis("off")
    return ax


def plot_class_map(labels, class_names, ax=None, title=None, *, show_values=None, legend=True):
    """Draw a segmentation (one class number per pixel) with one colour per class and a legend.

    Parameters
    ----------
    labels : (H, W) array_like of int
        Class numbers ``0 .. len(class_names) - 1``.
    class_names : sequence of str
        Name of each class, in class-number order (at most 8 classes).
    ax : matplotlib Axes, optional
        Drawn on the current axes when omitted.
    title : str, optional
    show_values : bool, optional
        Write each pixel's class number in its cell; by default only for maps of at most 16 x 16.
    legend : bool
        Add a legend with the class names (below the map).

    Returns
    -------
    matplotlib Axes

    Raises
    ------
    TypeError, ValueError
        ``labels`` not a 2-D integer array, a class number without a name, more than 8 classes.

    Examples
    --------
    >>> from matplotlib.figure import Figure
    >>> ax = plot_class_map([[0, 1], [2, 1]], ["background", "disk", "square"], Figure().subplots())
    >>> [t.get_text() for t in ax.texts], [t.get_text() for t in ax.get_legend().get_texts()]
    (['0', '1', '2', '1'], ['0 background', '1 disk', '2 square'])
    """
    array = as_array(labels, "labels")
    if array.ndim != 2 or not np.issubdtype(array.dtype, np.integer):
        raise TypeError(f"labels must be a 2-D integer array, got dtype {array.dtype} and shape {array.shape}")
    if isinstance(class_names, str) or not isinstance(class_names, (list, tuple)) or not all(
            isinstance(name, str) for name in class_names):
        raise TypeError(f"class_names must be a list of str, got {class_names!r:.60}")
    names = list(class_names)
    if not 1 <= len(names) <= len(CLASS_COLORS):
        raise ValueError(f"class_names must have 1 to {len(CLASS_COLORS)} entries, got {len(names)}")
    if array.size and (array.min() < 0 or array.max() >= len(names)):
        raise ValueError(f"labels must lie in 0..{len(names) - 1} (one name per class), "
                         f"got values from {array.min()} to {array.max()}")
    colors = CLASS_COLORS[: len(names)]
    ax = plot_image(array, ax, title, cmap=ListedColormap(colors), vmin=-0.5, vmax=len(names) - 0.5)
    if show_values is None:
        show_values = max(array.shape) <= 16
    if show_values:
        for (row, col), value in np.ndenumerate(array):
            ax.text(col, row, str(value), ha="center", va="center", fontsize=10,
                    color="white" if value else "black")
    if legend:
        handles = [Patch(facecolor=color, edgecolor="0.4", label=f"{number} {name}")
                   for number, (name, color) in enumerate(zip(names, colors))]
        ax.legend(handles=handles, loc="upper center", bbox_to_anchor=(0.5, -0.2), ncol=2,
                  fontsize=10, frameon=False)
    return ax


def _check_labels(labels, count, name="labels"):
    if isinstance(labels, str) or not hasattr(labels, "__len__") or not all(isinstance(t, str) for t in labels):
        raise TypeError(f"{name} must be a sequence of str, got {labels!r:.60}")
    if len(labels) != count:
        raise ValueError(f"{name} must hold {count} entries (one per value), got {len(labels)}")
    return list(labels)


def plot_level_costs(labels, costs, ax=None, *, highlight=(), title=None):
    """Bar chart of the cost of each level on a log scale; ``highlight`` bars are drawn in vermillion.

    Parameters
    ----------
    labels : sequence of str
        One label per bar (e.g. ``"128 x 128\\n64 ch"``).
    costs : (n,) array_like
        Positive numbers (multiply-adds, bytes, ...).
    ax : matplotlib Axes, optional
    highlight : sequence of int
        Indices of the bars to set apart (e.g. a hypothetical full-resolution level).
    title : str, optional

    Returns
    -------
    matplotlib Axes

    Raises
    ------
    TypeError, ValueError
        ``costs`` not a 1-D array of positive finite numbers, labels of the wrong count
        or type, ``highlight`` indices out of range.

    Examples
    --------
    >>> from matplotlib.figure import Figure
    >>> ax = plot_level_costs(["a", "b"], [10, 1000], Figure().subplots(), highlight=[1])
    >>> ax.get_yscale(), [round(p.get_height()) for p in ax.patches]
    ('log', [10, 1000])
    """
    values = as_array(costs, "costs").astype(float)
    if values.ndim != 1 or values.size == 0 or not np.all(np.isfinite(values)) or values.min() <= 0:
        raise ValueError(f"costs must be a non-empty 1-D array of positive finite numbers, got {values!r:.80}")
    labels = _check_labels(labels, values.size)
    marked = set()
    for index in highlight:
        index = as_int(index, "highlight", minimum=0)
        if index >= values.size:
            raise ValueError(f"highlight must index the {values.size} bars, got {index}")
        marked.add(index)
    ax = check_ax(ax)
    colours = ["#d55e00" if n in marked else "#0072b2" for n in range(values.size)]
    ax.bar(labels, values, color=colours)
    ax.set_yscale("log")
    ax.set_ylabel("multiply-adds (log scale)")
    if title is not None:
        ax.set_title(title)
    return ax


def plot_receptive_fields(fields, ax=None, *, title="receptive field after each layer"):
    """Line plot of receptive-field sizes (input pixels) after each layer, one line per architecture.

    Parameters
    ----------
    fields : dict of str -> sequence of int
        Name -> receptive field after layer 0, 1, 2, ... (layer 0 is the input: 1 pixel).
    ax : matplotlib Axes, optional
    title : str, optional

    Returns
    -------
    matplotlib Axes

    Raises
    ------
    TypeError, ValueError
        ``fields`` not a non-empty dict of names to non-empty 1-D sequences of positive numbers.

    Examples
    --------
    >>> from matplotlib.figure import Figure
    >>> ax = plot_receptive_fields({"convs": [1, 3, 5]}, Figure().subplots())
    >>> ax.lines[0].get_ydata().tolist(), ax.get_legend().get_texts()[0].get_text()
    ([1, 3, 5], 'convs')
    """
    if not isinstance(fields, dict) or not fields:
        raise TypeError(f"fields must be a non-empty dict of name -> sizes, got {type(fields).__name__}")
    ax = check_ax(ax)
    for number, (name, sizes) in enumerate(fields.items()):
        values = as_array(sizes, f"fields[{name!r}]")
        if not isinstance(name, str) or values.ndim != 1 or values.size == 0 or values.min() <= 0:
            raise ValueError(f"fields must map names to non-empty 1-D positive sizes, got {name!r}: {sizes!r:.60}")
        ax.plot(values, "os^d"[number % 4] + ("-", "--", ":", "-.")[number % 4], label=name,
                color=CLASS_COLORS[1 + number % (len(CLASS_COLORS) - 1)])
    ax.set_xlabel("layers")
    ax.set_ylabel("receptive field (input pixels)")
    ax.legend()
    if title is not None:
        ax.set_title(title)
    return ax


def plot_wrong_pixels(wrong, axes=None, *, title="more skip levels, fewer wrong pixels"):
    """Bars of wrong-pixel counts and, beside them, each map of wrong pixels (black = wrong).

    Parameters
    ----------
    wrong : dict of str -> (H, W) bool array
        Name -> where a prediction differs from the true mask; the bar label is
        the name up to its first ``":"``.
    axes : sequence of 1 + len(wrong) matplotlib Axes, optional
        Bars first, then one axes per map; a new pyplot figure when omitted.
    title : str, optional
        Title of the bar chart.

    Returns
    -------
    list of matplotlib Axes

    Raises
    ------
    TypeError, ValueError
        ``wrong`` not a non-empty dict of boolean 2-D arrays of one shape, wrong ``axes``.

    Examples
    --------
    >>> from matplotlib.figure import Figure
    >>> maps = {"a: coarse": np.eye(4, dtype=bool), "b: fine": np.zeros((4, 4), bool)}
    >>> axes = plot_wrong_pixels(maps, Figure().subplots(1, 3))
    >>> [int(p.get_height()) for p in axes[0].patches], axes[1].get_title()
    ([4, 0], 'a: 4 wrong')
    """
    from .plotting import check_axes, new_axes

    if not isinstance(wrong, dict) or not wrong:
        raise TypeError(f"wrong must be a non-empty dict of name -> boolean mask, got {type(wrong).__name__}")
    masks = {}
    for name, mask in wrong.items():
        if not isinstance(name, str) or not (isinstance(mask, np.ndarray) and mask.dtype == bool and mask.ndim == 2):
            raise TypeError(f"wrong must map str names to 2-D boolean arrays, got {name!r}: {type(mask).__name__}")
        masks[name] = mask
    if len({m.shape for m in masks.values()}) != 1:
        raise ValueError(f"wrong's masks must share one shape, got {[m.shape for m in masks.values()]}")
    axes = new_axes(1 + len(masks), (4 * (1 + len(masks)), 3.9)) if axes is None else check_axes(axes, 1 + len(masks))
    short = [name.split(":")[0] for name in masks]
    counts = [int(m.sum()) for m in masks.values()]
    axes[0].bar(range(len(masks)), counts, color="#0072b2")
    axes[0].set_xticks(range(len(masks)), short)
    size = next(iter(masks.values())).size
    axes[0].set_ylabel(f"wrong pixels (of {size})")
    if title is not None:
        axes[0].set_title(title)
    for ax, label, count, mask in zip(axes[1:], short, counts, masks.values()):
        plot_image(mask, ax, f"{label}: {count} wrong", cmap="gray_r", vmin=0, vmax=1)
    return axes
