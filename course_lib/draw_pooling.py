"""Drawings for notebook 03 (pooling and unpooling): windows and their switches.

Nothing here computes course results: the switches come from
:func:`course_lib.pooling.max_pool2d`.
"""
from __future__ import annotations

import numpy as np
from matplotlib.patches import Rectangle

from ._checks import as_array, as_pair
from .plotting import MatrixPanel, check_ax, plot_matrix

__all__ = ["plot_pooling_switches", "plot_switch_indices"]


def plot_pooling_switches(x, indices, kernel_size, stride=None, ax=None, *, title=None):
    """Draw a max-pooling input with its windows outlined and each window's maximum marked.

    The marked cells are the switches: the positions ``indices`` (as returned
    by :func:`course_lib.pooling.max_pool2d`, flat ``h * W + w``) that max
    unpooling writes back to.

    Parameters
    ----------
    x : (H, W) array_like
        The pooling input.
    indices : (out_H, out_W) array_like of int
        Flat positions of the maxima in ``x``.
    kernel_size, stride : int or (int, int)
        The pooling windows (``stride`` defaults to ``kernel_size``); no padding.
    ax : matplotlib Axes, optional
        Drawn on the current axes when omitted.
    title : str, optional

    Returns
    -------
    matplotlib Axes

    Raises
    ------
    TypeError, ValueError
        ``x`` not 2-D, ``indices`` not integer or out of range, bad window arguments.

    Examples
    --------
    >>> from matplotlib.figure import Figure
    >>> x = np.arange(16).reshape(4, 4)
    >>> ax = plot_pooling_switches(x, [[5, 7], [13, 15]], 2, ax=Figure().subplots())
    >>> len([p for p in ax.patches if p.get_label() == "switch"])
    4
    """
    array = as_array(x, "x")
    if array.ndim != 2:
        raise ValueError(f"x must be a 2-D (H, W) array, got shape {array.shape}")
    index_array = as_array(indices, "indices")
    if not np.issubdtype(index_array.dtype, np.integer) or index_array.ndim != 2:
        raise TypeError(f"indices must be a 2-D integer array, got dtype {index_array.dtype} "
                        f"and shape {index_array.shape}")
    if index_array.size and (index_array.min() < 0 or index_array.max() >= array.size):
        raise ValueError(f"indices must lie in [0, {array.size - 1}] for x of shape {array.shape}, "
                         f"got values from {index_array.min()} to {index_array.max()}")
    kh, kw = as_pair(kernel_size, "kernel_size", minimum=1)
    sh, sw = as_pair(kernel_size if stride is None else stride, "stride", minimum=1)
    ax = plot_matrix(array, ax=ax, title=title)
    for row in range(index_array.shape[0]):
        for col in range(index_array.shape[1]):
            ax.add_patch(Rectangle((col * sw - 0.5, row * sh - 0.5), kw, kh, fill=False,
                                   edgecolor="black", linewidth=2.5, label="window"))
    width = array.shape[1]
    for flat in index_array.ravel():
        r, c = divmod(int(flat), width)
        ax.add_patch(Rectangle((c - 0.42, r - 0.42), 0.84, 0.84, fill=False, edgecolor="gold",
                               linewidth=3, label="switch"))
    return ax


def plot_switch_indices(indices, input_width, ax=None, *, title=None):
    """Draw switches as plain labels: the flat index and the (row, column) it points to.

    Switches are positions, not magnitudes, so the cells are left white (no
    colour scale); each cell reads ``flat`` and ``(r, c)`` with
    ``r, c = divmod(flat, input_width)``.

    Parameters
    ----------
    indices : (out_H, out_W) array_like of int
        Flat positions ``h * W + w`` as returned by :func:`course_lib.pooling.max_pool2d`.
    input_width : int
        ``W``, the pooling input's width.
    ax : matplotlib Axes, optional
    title : str, optional

    Returns
    -------
    matplotlib Axes

    Raises
    ------
    TypeError, ValueError
        ``indices`` not a non-empty 2-D array of non-negative ints, ``input_width`` not a positive int.

    Examples
    --------
    >>> from matplotlib.figure import Figure
    >>> ax = plot_switch_indices([[5, 7], [13, 15]], 4, Figure().subplots())
    >>> [t.get_text() for t in ax.texts][:2], float(ax.images[0].get_array().max())
    (['5\\n(1, 1)', '7\\n(1, 3)'], 0.0)
    """
    index_array = as_array(indices, "indices")
    if not np.issubdtype(index_array.dtype, np.integer) or index_array.ndim != 2 or index_array.size == 0:
        raise TypeError(f"indices must be a non-empty 2-D integer array, got dtype {index_array.dtype} "
                        f"and shape {index_array.shape}")
    if index_array.min() < 0:
        raise ValueError(f"indices must be non-negative, got {index_array.min()}")
    if isinstance(input_width, bool) or not isinstance(input_width, (int, np.integer)) or input_width < 1:
        raise (ValueError if isinstance(input_width, (int, np.integer)) and not isinstance(input_width, bool)
               else TypeError)(f"input_width must be a positive int, got {input_width!r}")
    ax = check_ax(ax)
    panel = MatrixPanel(ax, index_array.shape, 1.0, show_values=False, framed=True, title=title)
    panel.fill(np.zeros(index_array.shape))
    size = max(7, min(12, int(40 / max(index_array.shape))))
    for (i, j), flat in np.ndenumerate(index_array):
        r, c = divmod(int(flat), int(input_width))
        ax.text(j, i, f"{int(flat)}\n({r}, {c})", ha="center", va="center", fontsize=size, linespacing=1.3)
    return ax
