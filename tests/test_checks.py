"""The argument checks every module uses: the error names the argument and quotes the value."""
import numpy as np
import pytest

import course_lib
from course_lib import conv_transpose2d, conv_transpose2d_as_conv
from course_lib.interpolation import interpolation_matrix
from course_lib.layers import Conv2d
from course_lib._checks import as_array, as_images, as_int, as_matrix, as_pair, as_shape, restore_rank, result_dtype


def test_as_int_and_as_pair():
    assert as_int(3, "k", minimum=1) == 3 and as_int(np.int64(0), "p", minimum=0) == 0
    assert as_pair(2, "s", minimum=1) == (2, 2) and as_pair([1, 3], "s", minimum=1) == (1, 3)
    for value, error in ((0, ValueError), (1.0, TypeError), (True, TypeError), ("1", TypeError)):
        with pytest.raises(error, match=f"k must be a positive int, got {value!r}"):
            as_int(value, "k", minimum=1)
    for value, error in ((-1, ValueError), ((1, 2, 3), TypeError), ((1.5, 2), TypeError), ((0, 1), ValueError)):
        with pytest.raises(error, match=r"s must be a positive int or \(h, w\) pair"):
            as_pair(value, "s", minimum=1)


def test_as_array_and_as_images():
    assert as_array([[1, 2]], "x").shape == (1, 2)
    for bad in ([True], [1j], ["a"], [[1], [1, 2]]):
        with pytest.raises(TypeError, match="x must be a"):
            as_array(bad, "x")
    images, rank = as_images(np.ones((2, 3)))
    assert images.shape == (1, 1, 2, 3) and rank == 2
    assert restore_rank(images, rank).shape == (2, 3)
    with pytest.raises(ValueError, match="x must be 2-D .* or 4-D .* got 3-D"):
        as_images(np.ones((1, 2, 3)))


def test_as_matrix_and_as_shape():
    assert as_matrix([[1]], "x").shape == (1, 1)
    with pytest.raises(ValueError, match=r"x must be a 2-D \(H, W\) array, got 1-D with shape \(3,\)"):
        as_matrix([1, 2, 3], "x")
    with pytest.raises(ValueError, match="x must not be empty"):
        as_matrix(np.ones((2, 0)), "x")
    assert as_shape((2, 3), "shape") == (2, 3)
    with pytest.raises(TypeError, match=r"shape must be an \(h, w\) pair of ints, got \(3.7, 3\)"):
        as_shape((3.7, 3), "shape")
    with pytest.raises(TypeError, match="shape must be an"):
        as_shape(3, "shape")
    with pytest.raises(ValueError, match="positive ints"):
        as_shape((0, 3), "shape")


def test_result_dtype():
    f32 = np.ones(1, np.float32)
    assert result_dtype(f32, f32) == np.float32 and result_dtype(f32, np.ones(1)) == np.float64


@pytest.mark.parametrize("call", [lambda dtype: Conv2d(1, 1, 3, dtype=dtype),
                                  lambda dtype: interpolation_matrix(2, 4, "nearest", dtype=dtype)],
                         ids=["layers", "interpolation"])
@pytest.mark.parametrize("dtype, error", [(np.float16, ValueError), ("int32", ValueError), ("nope", TypeError),
                                          (3.5, TypeError)])
def test_one_dtype_check_one_exception_type_everywhere(call, dtype, error):
    with pytest.raises(error, match=r"dtype must be float32 or float64, got"):
        call(dtype)


@pytest.mark.parametrize("function, layout", [("conv2d", r"\(C_out, C_in, kH, kW\)"),
                                              ("conv_transpose2d", r"\(C_in, C_out, kH, kW\)"),
                                              ("conv_transpose2d_as_conv", r"\(C_in, C_out, kH, kW\)")])
def test_one_kernel_layout_check_for_the_three_operators(function, layout):
    operator = getattr(course_lib, function)
    with pytest.raises(ValueError, match=rf"weight must be 4-D {layout} for a 4-D x, got shape \(2, 2\)"):
        operator(np.ones((1, 2, 3, 3)), np.ones((2, 2)))
    with pytest.raises(ValueError, match=rf"weight has C_in=3 .*layout is {layout}\) but x has 2 channels"):
        operator(np.ones((1, 2, 3, 3)), np.ones((3, 3, 2, 2)))
    with pytest.raises(ValueError, match=r"weight must be 2-D \(kH, kW\) for a 2-D x"):
        operator(np.ones((3, 3)), np.ones((1, 1, 2, 2)))


def test_equivalence_uses_the_transposed_size_rule():
    for kwargs in (dict(stride=2, padding=2), dict(stride=1, padding=3, dilation=2)):
        messages = []
        for operator in (conv_transpose2d, conv_transpose2d_as_conv):
            with pytest.raises(ValueError, match="leaves no output") as info:
                operator(np.ones((2, 2)), np.ones((2, 2)), **kwargs)
            messages.append(str(info.value))
        assert messages[0] == messages[1]
