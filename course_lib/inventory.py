"""What the course consists of, declared once: each notebook, its graded exercise, its explorers, its deck.

Everything else reads this list: the tests (notebook structure, explorers,
figures, the browser test), ``make book`` (tools/build_book.py), the grader's
assignment list (``grading.assignments``), the README's course table and the
course map of notebook 00 (both checked against it by tests/test_inventory.py).

Adding a notebook is one entry here, e.g.::

    Notebook("09", "segmentation", "Segmentation: WHAT vs WHERE, measured",
             "...the line of the README table...",
             explorers=("explore_segmentation.segmentation_explorer",)),

plus the notebook itself, its ``course_lib`` modules and their tests.

Pure data: importing it imports nothing else (no numpy, no matplotlib).

Examples
--------
>>> notebook("05").name
'05_transposed_convolution'
>>> [e.function for e in notebook("05").explorers]
['transposed_step_explorer', 'transposed_explorer', 'arithmetic_explorer']
>>> notebook("07").exercise, notebook("07").exercise_path
('07_checkerboard', 'exercises/07_checkerboard/checkerboard.ipynb')
"""
from __future__ import annotations

import importlib
from dataclasses import dataclass

__all__ = ["Notebook", "Explorer", "NOTEBOOKS", "notebook", "explorers", "exercises", "explorer_factory"]


@dataclass(frozen=True)
class Explorer:
    """An explorer: ``function`` in ``course_lib.<module>``, returning the widget (called without arguments)."""

    module: str
    function: str

    @property
    def path(self):
        """``"course_lib.<module>"``, the module to import."""
        return f"course_lib.{self.module}"


@dataclass(frozen=True)
class Notebook:
    """One notebook of the course.

    Parameters
    ----------
    number : str
        Two digits, its place in the course ("05").
    topic : str
        The rest of its file name ("transposed_convolution": notebooks/05_transposed_convolution.ipynb).
    title : str
        Its name in the course map of notebook 00.
    summary : str
        "What you learn": the line of the README's course table.
    exercise : str, optional
        The graded exercise that follows it: the folder under ``solutions/`` and
        ``exercises/`` (``NN_topic``), holding ``<topic>.ipynb``.
    explorers : tuple of str
        ``"module.function"`` of each explorer it builds, in the order it shows them.
    deck : str, optional
        The notebook its slides are made from (``make slides``, ``make book``); default itself.
    """

    number: str
    topic: str
    title: str
    summary: str
    exercise: str | None = None
    explorers: tuple = ()
    deck: str | None = None

    def __post_init__(self):
        if not (len(self.number) == 2 and self.number.isdigit()):
            raise ValueError(f"number must be two digits, got {self.number!r}")
        if self.exercise is not None and not self.exercise.startswith(self.number + "_"):
            raise ValueError(f"exercise must be named after its notebook ({self.number}_...), got {self.exercise!r}")
        parsed = []
        for entry in self.explorers:
            module, _, function = entry.rpartition(".")
            if not module.startswith("explore_") or not function:
                raise ValueError(f"explorers must be 'explore_<module>.<function>', got {entry!r}")
            parsed.append(Explorer(module, function))
        object.__setattr__(self, "explorers", tuple(parsed))

    @property
    def name(self):
        """The file stem: ``NN_topic``."""
        return f"{self.number}_{self.topic}"

    @property
    def path(self):
        """Relative to the repository: ``notebooks/NN_topic.ipynb``."""
        return f"notebooks/{self.name}.ipynb"

    @property
    def deck_path(self):
        """The notebook its slides are made from, relative to the repository."""
        return f"notebooks/{self.deck or self.name}.ipynb"

    @property
    def exercise_path(self):
        """The released exercise notebook, relative to the repository (None without one)."""
        if self.exercise is None:
            return None
        return f"exercises/{self.exercise}/{self.exercise.split('_', 1)[1]}.ipynb"


#: The course, in reading order.
NOTEBOOKS = (
    Notebook("00", "start_here", "Start here",
             "the course map, how to use it (self-paced, lecture, graded), an environment check"),
    Notebook("01", "why_upsampling", "Why upsampling",
             "an encoder shrinks a photo stage by stage; WHAT vs WHERE; the U-Net shape"),
    Notebook("02", "interpolation", "Interpolation",
             "nearest vs nearest-exact, bilinear with `align_corners` False/True, the two coordinate conventions",
             exercise="02_interpolation"),
    Notebook("03", "pooling_unpooling", "Pooling and unpooling",
             "max pooling with switches, max unpooling (SegNet), bed of nails, and what is lost",
             exercise="03_pooling"),
    Notebook("04", "convolution", "Convolution",
             "the slides' 5x5 edge-detector example step by step; stride, padding, the output-size formula",
             explorers=("explore_convolution.conv_step_explorer",)),
    Notebook("05", "transposed_convolution", "Transposed convolution",
             "one-to-many: the 2x2 example copy by copy; stride, padding, output_padding; two explorers "
             "(kernel/stride/padding, and the size arithmetic)",
             exercise="05_transposed_conv",
             explorers=("explore_transposed_step.transposed_step_explorer", "explore_transposed.transposed_explorer",
                        "explore_arithmetic.arithmetic_explorer")),
    Notebook("06", "equivalence", "Conv / transposed-conv equivalence",
             "convolution as a matrix C, transposed convolution as Cᵀ; zero insertion and kernel flip; the adjoint",
             exercise="06_equivalence"),
    Notebook("07", "checkerboard_artifacts", "Checkerboard artifacts",
             "uneven overlap, an overlap explorer, artifacts on a photo, and the fixes",
             exercise="07_checkerboard",
             explorers=("explore_checkerboard.overlap_explorer",)),
    Notebook("08", "learned_upsampling", "Learned upsampling",
             'backward of conv = transposed conv; a small decoder trained in numpy with four capacity-matched upsamplers over five seeds,'
             ' measured on training and held-out images (whole-image strength, flat-window spread, period-2 energy share);'
             ' checkerboards at initialisation, after training, in gradients; "strong colours"; compared with Distill',
             exercise="08_conv_backward"),
    Notebook("09", "segmentation", "Segmentation: WHAT vs WHERE, measured",
             "WHAT vs WHERE, measured: one encoder, decoders without skips, with SegNet switches, with U-Net skips, "
             "trained in numpy on generated shapes; held-out IoU, boundary accuracy, thin-line recall over seeds"),
)


def notebook(number):
    """The :class:`Notebook` numbered ``number`` (``"05"`` or ``5``).

    Raises ``ValueError`` for a number the course does not have.
    """
    wanted = f"{number:02d}" if isinstance(number, int) and not isinstance(number, bool) else number
    for entry in NOTEBOOKS:
        if entry.number == wanted:
            return entry
    raise ValueError(f"number must be one of {[n.number for n in NOTEBOOKS]}, got {number!r}")


def explorers():
    """Every explorer of the course as ``(notebook, explorer)`` pairs, in reading order.

    Examples
    --------
    >>> [explorer.function for _, explorer in explorers()][:2]
    ['conv_step_explorer', 'transposed_step_explorer']
    """
    return [(entry, explorer) for entry in NOTEBOOKS for explorer in entry.explorers]


def exercises():
    """The graded exercises (assignment folder names), in reading order.

    Examples
    --------
    >>> exercises()[0], len(exercises())
    ('02_interpolation', 6)
    """
    return [entry.exercise for entry in NOTEBOOKS if entry.exercise is not None]


def explorer_factory(explorer):
    """The function that builds ``explorer`` (an :class:`Explorer`), imported on demand."""
    if not isinstance(explorer, Explorer):
        raise TypeError(f"explorer must be an inventory Explorer, got {type(explorer).__name__}")
    return getattr(importlib.import_module(explorer.path), explorer.function)
