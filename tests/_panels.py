"""Read the numbers a MatrixPanel writes (tests of the drawing layer)."""
import numpy as np


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
