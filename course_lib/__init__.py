"""course_lib: the numpy operators behind the course "Upsampling in CNNs".

Every function follows PyTorch's semantics (sizes, layouts, indices,
interpolation coordinates), so any result can be checked against
``torch.nn.functional``. A 2-D array is one single-channel image (H, W); a
4-D array is a batch (N, C, H, W).

Three layers, cut per notebook:

- compute: ``interpolation`` (02), ``pooling`` (03), ``convolution`` (04),
  ``transposed`` (05), ``equivalence`` (06), ``checkerboard`` and
  ``artifacts`` (07: overlap counts; artifacts and their fixes on images);
  shared argument checks in ``_checks``, shared size formulas in ``_shapes``;
- drawing: ``draw_upsampling`` (01), ``draw_interpolation`` (02),
  ``draw_pooling`` (03), ``draw_convolution`` (04), ``draw_transposed`` (05),
  ``draw_equivalence`` (06), ``draw_checkerboard`` (07), ``draw_learning`` (08),
  sharing ``plotting`` (``MatrixPanel``, ``plot_matrix``, ``plot_image``, Agg
  figures and PNG frames); animated drawings return handles (``ConvStepFigure``
  ...) with ``show`` and ``artists``;
- widgets: one module per explorer, holding its figure handle, slider ranges and
  text line: ``explore_convolution`` (04), ``explore_transposed_step``,
  ``explore_transposed`` and ``explore_arithmetic`` (05), ``explore_checkerboard``
  (07), plus ``explore_learning`` (08's training monitor), sharing ``widgets``
  (sliders wired to a handle's ``show``, blitted PNG frames).

What the course consists of (notebooks, exercises, explorers, decks) is declared
once, in ``inventory``.

Sample images are in ``images``. Importing the package imports only the
compute modules (no matplotlib, no ipywidgets): import drawing and widget
functions from their modules, e.g. ``from course_lib.draw_convolution import plot_conv_step``.
"""
from .artifacts import checkerboard_strength, icnr, kernel_phase_sums, phase_means, resize_conv, upsample_stack
from .checkerboard import overlap_counts, overlap_counts_2d, pixel_shuffle, stacked_overlap_counts
from .convolution import conv2d, conv2d_loop, conv_output_size
from .equivalence import conv_matrix, conv_transpose2d_as_conv, zero_insert
from .interpolation import interpolate, interpolation_matrix, source_coordinates
from .pooling import bed_of_nails, max_pool2d, max_unpool2d
from .transposed import conv_transpose2d, conv_transpose2d_loop, conv_transpose_output_size

__all__ = [
    # the public API of the course design
    "conv2d",
    "conv_transpose2d",
    "conv_output_size",
    "conv_transpose_output_size",
    "conv_matrix",
    "interpolate",
    "max_pool2d",
    "max_unpool2d",
    "bed_of_nails",
    "pixel_shuffle",
    "overlap_counts",
    # readable loop versions and teaching helpers
    "conv2d_loop",
    "conv_transpose2d_loop",
    "conv_transpose2d_as_conv",
    "zero_insert",
    "source_coordinates",
    "interpolation_matrix",
    "overlap_counts_2d",
    "stacked_overlap_counts",
    # notebook 07's artifacts and fixes
    "upsample_stack",
    "kernel_phase_sums",
    "phase_means",
    "checkerboard_strength",
    "resize_conv",
    "icnr",
]
