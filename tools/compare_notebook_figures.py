"""Compare the figures stored in notebooks with those of a git revision, pixel for pixel.

    python tools/compare_notebook_figures.py [REV] [notebooks/0*.ipynb ...]

REV defaults to HEAD. For each notebook, every PNG output (in cell order) is
decoded and compared with the same output at REV; prints one line per
notebook and exits non-zero if any figure differs or the counts differ. Used
after a restructuring that must not change what learners see (issue 12).
"""
import base64
import io
import json
import subprocess
import sys
from pathlib import Path

import numpy as np
from PIL import Image


def pngs(notebook_json):
    for number, cell in enumerate(json.loads(notebook_json)["cells"]):
        if "nbval-ignore-output" in cell.get("metadata", {}).get("tags", []):
            continue   # widget cells: their output is not stored for comparison
        for output in cell.get("outputs", []):
            data = output.get("data", {}).get("image/png")
            if data:
                yield number, np.asarray(Image.open(io.BytesIO(base64.b64decode(data))).convert("RGBA"))


def main(argv):
    rev = argv[0] if argv and not argv[0].endswith(".ipynb") else "HEAD"
    names = [a for a in argv if a.endswith(".ipynb")] or sorted(str(p) for p in Path("notebooks").glob("*.ipynb"))
    failed = False
    for name in names:
        old = list(pngs(subprocess.run(["git", "show", f"{rev}:{name}"], check=True, capture_output=True).stdout))
        new = list(pngs(Path(name).read_text()))
        differing = [n for (n, a), (_, b) in zip(old, new) if a.shape != b.shape or np.any(a != b)]
        same_count = len(old) == len(new)
        failed |= bool(differing) or not same_count
        print(f"{name}: {len(new)} figures ({len(old)} at {rev}), "
              + ("identical" if same_count and not differing else f"differ in cells {differing}"))
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main(sys.argv[1:])
