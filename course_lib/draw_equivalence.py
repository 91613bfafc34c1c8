"""Drawings for notebook 06 (convolution as a matrix): the matrix ``C`` with pixel names.

Nothing here computes course results: the matrix comes from
:func:`course_lib.conv_matrix`.
"""
from __future__ import annotations

from ._checks import as_array, as_shape
from .plotting import MatrixPanel, check_ax, value_limit

__all__ = ["plot_conv_matrix"]

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
                fontsize=None if small else 8).fill(array, blank=None if small else array == 0)
    if labelled:
        size = 10 if small else 7
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
