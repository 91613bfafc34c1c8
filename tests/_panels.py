"""Helpers of the drawing layer's tests: fresh axes, the texts drawn, the numbers a MatrixPanel writes.

(The ``ax`` fixture, and closing pyplot figures after each test, are in tests/conftest.py.)
"""
import numpy as np
from matplotlib.figure import Figure


def new_axes(count=1):
    """``count`` fresh Axes in one row of an Agg figure outside pyplot (one Axes for count=1)."""
    return Figure().subplots(1, count) if count > 1 else Figure().subplots()


def texts(ax):
    """The strings of every text an Axes holds, in drawing order."""
    return [t.get_text() for t in ax.texts]


def cell_values(panel):
    """The numbers written in a per-cell panel, as a 2-D float array (NaN = blank)."""
    return np.array([[float(t.get_text()) if t.get_text() else np.nan for t in row] for row in panel.texts])


def row_values(panel):
    """The numbers written in a row-text panel (one monospaced text per row, 4 characters a cell)."""
    rows = []
    for (text,) in panel.texts:
        line = text.get_text()
        rows.append([float(line[c : c + 4]) for c in range(0, len(line), 4)] if line else [])
    return [r for r in rows if r]
