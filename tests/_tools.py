"""The maintainer scripts of tools/ as modules, for the tests that check them (tools/ is not a package)."""
import importlib
import sys
from pathlib import Path

TOOLS = Path(__file__).resolve().parents[1] / "tools"


def tool(name):
    """``tools/<name>.py`` imported as the module ``name`` (once per process, like any import)."""
    sys.path.insert(0, str(TOOLS))
    try:
        return importlib.import_module(name)
    finally:
        sys.path.pop(0)
