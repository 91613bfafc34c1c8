"""Drawings for notebook 06 (convolution as a matrix): the matrix ``C`` with pixel names, singular values.

Nothing here computes course results: the matrix comes from
:func:`course_lib.conv_matrix`.
"""
from __future__ import annotations

import numbers

import numpy as np

from ._checks import as_array, as_shape
from .plotting import MatrixPanel, check_ax, value_limit

__all__ = ["plot_conv_matrix", "plot_singular_values", "plot_adjoint_identity"]

_MAX_VALUES = 16  # beyond this many rows/columns, every value in its cell becomes unreadable
_MAX_LABELLED = 40  # beyond this many, pixel names on the axes do too


def plot_conv_matrix(matrix, input_shape, output_shape, ax=None, title=None, *, show_values=None,
                     input_name="x", output_name="y"):
    """Draw the matrix ``C`` of a convolution with rows and columns named by pixel.

    Column ``j`` multiplies input pixel ``x[r, c]`` (``j = r * W + c``); row
    ``i`` produces output pixel ``y[r, c]`` (``i = r * oW + c``).

    Parameters
    ----------
    matrix : (oH*oW, H*W) array_like
        From :func:`course_lib.conv_matrix`.
    input_shape, output_shape : (int, int)
        ``(H, W)`` and ``(oH, oW)``; must match the matrix's columns and rows.
    ax : matplotlib Axes, optional
    title : str, optional
    show_values : bool, optional
        Write the entries in their cells; default when the matrix has at most
        16 rows and 16 columns. Matrices with more than 16 rows or columns
        leave zero cells blank so the non-zero pattern stands out; beyond 40
        the pixel names on the axes are dropped too.
    input_name, output_name : str
        Names used in the pixel labels.

    Returns
    -------
    matplotlib Axes

    Raises
    ------
    TypeError, ValueError
        A matrix that is not a real 2-D array or whose size does not match
        the shapes; shapes that are not pairs of positive ints.

    Examples
    --------
    >>> from matplotlib.figure import Figure
    >>> from course_lib import conv_matrix
    >>> ax = plot_conv_matrix(conv_matrix([[1, 2], [3, 4]], (3, 3)), (3, 3), (2, 2), Figure().subplots())
    >>> ax.get_xticklabels()[0].get_text(), ax.get_yticklabels()[-1].get_text()
    ('x[0,0]', 'y[1,1]')
    """
    array = as_array(matrix, "matrix").astype(float)
    h, w = as_shape(input_shape, "input_shape")
    oh, ow = as_shape(output_shape, "output_shape")
    if array.ndim != 2 or array.shape != (oh * ow, h * w):
        raise ValueError(
            f"matrix must have shape (oH*oW, H*W) = ({oh * ow}, {h * w}) for input_shape "
            f"{(h, w)} and output_shape {(oh, ow)}, got {array.shape}"
        )
    small = max(array.shape) <= _MAX_VALUES
    labelled = max(array.shape) <= _MAX_LABELLED
    show = small if show_values is None else bool(show_values)
    ax = check_ax(ax)
    MatrixPanel(ax, array.shape, value_limit(array), show_values=show, grid=labelled, framed=True,
                fontsize=None if small else 10).fill(array, blank=None if small else array == 0)
    if labelled:
        size = 10
        ax.set_xticks(range(h * w))
        ax.set_xticklabels([f"{input_name}[{r},{c}]" for r in range(h) for c in range(w)],
                           rotation=90, fontsize=size)
        ax.set_yticks(range(oh * ow))
        ax.set_yticklabels([f"{output_name}[{r},{c}]" for r in range(oh) for c in range(ow)], fontsize=size)
        ax.tick_params(length=0)
        ax.xaxis.set_ticks_position("top")
    ax.set_xlabel(f"column = input pixel ({h}x{w} = {h * w} columns)")
    ax.set_ylabel(f"row = output pixel ({oh}x{ow} = {oh * ow} rows)")
    if title is not None:
        ax.set_title(title, pad=4 if not labelled else 40)
    return ax


def plot_singular_values(values, ax=None, title=None, *, tolerance=None):
    """Bar chart of singular values on a log scale, with the rank (values above ``tolerance``) marked.

    Values at or below ``tolerance`` are numerically zero: they are drawn grey
    at the bottom of the scale, so the count of coloured bars is the rank a
    learner can read off (``numpy.linalg.matrix_rank`` counts the same way).

    Parameters
    ----------
    values : (n,) array_like
        Singular values (e.g. ``numpy.linalg.svd(A, compute_uv=False)``), non-negative.
    ax : matplotlib Axes, optional
    title : str, optional
    tolerance : float, optional
        Threshold below which a value counts as zero; default numpy's
        ``max(values) * n * eps`` (the ``matrix_rank`` default for a square matrix).

    Returns
    -------
    matplotlib Axes

    Raises
    ------
    TypeError, ValueError
        ``values`` not a non-empty 1-D array of finite non-negative numbers; ``tolerance`` not positive.

    Examples
    --------
    >>> from matplotlib.figure import Figure
    >>> ax = plot_singular_values([4.0, 2.0, 1e-20], Figure().subplots())
    >>> ax.get_legend_handles_labels()[1]
    ['2 above tolerance (rank 2)', '1 numerically zero']
    """
    array = as_array(values, "values").astype(float)
    if array.ndim != 1 or array.size == 0:
        raise ValueError(f"values must be a non-empty 1-D array, got shape {array.shape}")
    if not np.all(np.isfinite(array)) or array.min() < 0:
        raise ValueError(f"values must be finite and non-negative, got values from {array.min()} to {array.max()}")
    if tolerance is None:
        tolerance = max(float(array.max()), 1e-300) * array.size * np.finfo(float).eps
    elif not isinstance(tolerance, numbers.Real) or isinstance(tolerance, bool):
        raise TypeError(f"tolerance must be a positive number or None, got {tolerance!r}")
    elif not tolerance > 0:
        raise ValueError(f"tolerance must be a positive number or None, got {tolerance!r}")
    ax = check_ax(ax)
    kept = array > tolerance
    floor = tolerance / 100
    positions = np.arange(array.size)
    rank = int(kept.sum())
    ax.bar(positions[kept], array[kept], color="#0072B2", label=f"{rank} above tolerance (rank {rank})")
    if (~kept).any():
        ax.bar(positions[~kept], np.full((~kept).sum(), floor * 3), bottom=floor, color="0.7",
               label=f"{int((~kept).sum())} numerically zero")
    ax.axhline(tolerance, color="0.2", linestyle="--", linewidth=1)
    ax.text(array.size - 0.5, tolerance * 1.5, f"tolerance {tolerance:.1e}", ha="right", va="bottom", fontsize=10)
    ax.set_yscale("log")
    ax.set_ylim(floor, float(array.max()) * 3)
    ax.set_xlabel("index (largest first)")
    ax.set_ylabel("singular value (log scale)")
    ax.legend(loc="upper right", fontsize=10)
    if title is not None:
        ax.set_title(title)
    return ax


def plot_adjoint_identity(lefts, rights, ax=None, title="The adjoint identity"):
    """Scatter ``<conv(x), y>`` (x axis) against ``<x, conv_transpose(y)>`` (y axis), with the diagonal.

    Every point on the diagonal is one random geometry for which the two inner
    products agree (the adjoint identity).

    Parameters
    ----------
    lefts, rights : (n,) array_like
        The two inner products per trial, same length.
    ax : matplotlib Axes, optional
    title : str, optional

    Returns
    -------
    matplotlib Axes

    Raises
    ------
    TypeError, ValueError
        Not two non-empty 1-D real arrays of one length, or non-finite values.

    Examples
    --------
    >>> from matplotlib.figure import Figure
    >>> ax = plot_adjoint_identity([1.0, -2.0], [1.0, -2.0], Figure().subplots())
    >>> ax.get_legend().get_texts()[1].get_text()
    '2 random geometries'
    """
    left = as_array(lefts, "lefts").astype(float)
    right = as_array(rights, "rights").astype(float)
    if left.ndim != 1 or left.size == 0 or left.shape != right.shape:
        raise ValueError(f"lefts and rights must be non-empty 1-D arrays of one length, got shapes "
                         f"{left.shape} and {right.shape}")
    if not (np.all(np.isfinite(left)) and np.all(np.isfinite(right))):
        raise ValueError("lefts and rights must be finite")
    ax = check_ax(ax)
    limit = float(max(np.abs(left).max(), np.abs(right).max())) * 1.1 or 1.0
    ax.plot([-limit, limit], [-limit, limit], color="0.7", linewidth=1, label="diagonal")
    ax.scatter(left, right, s=18, color="#D55E00", zorder=3, label=f"{left.size} random geometries")
    ax.set_xlabel("<conv(x), y>")
    ax.set_ylabel("<x, conv_transpose(y)>")
    ax.legend(loc="upper left", fontsize=10)
    ax.set_aspect("equal")
    if title is not None:
        ax.set_title(title)
    return ax
