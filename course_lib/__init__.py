"""course_lib: the numpy operators behind the course "Upsampling in CNNs".

Every function follows PyTorch's semantics (sizes, layouts, indices,
interpolation coordinates), so any result can be checked against
``torch.nn.functional``. A 2-D array is one single-channel image (H, W); a
4-D array is a batch (N, C, H, W).
"""
from .convolution import conv2d, conv2d_loop, conv_output_size
from .equivalence import conv_matrix, conv_transpose2d_as_conv, zero_insert
from .transposed import conv_transpose2d, conv_transpose2d_loop, conv_transpose_output_size

__all__ = [
    "conv2d",
    "conv2d_loop",
    "conv_output_size",
    "conv_transpose2d",
    "conv_transpose2d_loop",
    "conv_transpose_output_size",
    "conv_matrix",
    "conv_transpose2d_as_conv",
    "zero_insert",
]
