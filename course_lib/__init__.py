"""course_lib: the numpy operators behind the course "Upsampling in CNNs".

Every function follows PyTorch's semantics (sizes, layouts, indices,
interpolation coordinates), so any result can be checked against
``torch.nn.functional``. A 2-D array is one single-channel image (H, W); a
4-D array is a batch (N, C, H, W).

Compute modules, one per concept (and notebook): ``interpolation`` (02),
``pooling`` (03), ``convolution`` (04), ``transposed`` (05), ``equivalence``
(06), ``checkerboard`` and ``artifacts`` (07). Drawing helpers live in
``plotting`` and ``draw_*``; widgets in ``explore_*``; sample images in
``images``. Importing the package imports only the compute modules.
"""
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
]
