"""Claims the notebooks make in text, held to numbers: each test recomputes a number with
course_lib/numpy and checks that the stored output (what a learner reads) shows it, or checks
that a corrected statement stays corrected. Also the learning path: exercise links resolve,
every Check-yourself section has its answers, the slides' 5x5 "reconstruction" is computed once."""
import json
import re
from pathlib import Path

import numpy as np
import pytest

from course_lib import inventory
from course_lib import conv_transpose2d, conv_transpose_output_size, conv_output_size, interpolate, overlap_counts
from course_lib.images import shapes

from .test_notebooks import NOTEBOOKS, all_outputs, contains_run, load, output_text, source

ROOT = Path(__file__).resolve().parents[1]

# Exercises are named after the notebook they follow (the course inventory names them). While
# the rename is under way the link may point at the new folder and the file may still sit in the old one.
_OLD_FOLDERS = {"02_interpolation": "01_interpolation", "03_pooling": "02_pooling",
                "05_transposed_conv": "03_transposed_conv", "06_equivalence": "04_equivalence",
                "07_checkerboard": "05_checkerboard"}
EXERCISES = {entry.number: (entry.exercise, _OLD_FOLDERS.get(entry.exercise, entry.exercise),
                            Path(entry.exercise_path).name)
             for entry in inventory.NOTEBOOKS if entry.exercise}
OLD_FOLDER = {new: old for new, old, _ in EXERCISES.values()}


def markdown(number):
    return "\n".join(source(c) for c in load(number)["cells"] if c["cell_type"] == "markdown")


def cell_with(number, text):
    cells = [c for c in load(number)["cells"] if text in source(c)]
    assert len(cells) == 1, f"notebook {number}: expected one cell containing {text!r}, found {len(cells)}"
    return cells[0]


def resolves(link):
    """A notebook link relative to notebooks/ exists (exercise folders: new name, or the old one during the rename)."""
    target = (ROOT / "notebooks" / link).resolve()
    if target.exists():
        return True
    parts = target.relative_to(ROOT).parts
    if len(parts) == 3 and parts[0] == "exercises" and parts[1] in OLD_FOLDER:
        return (ROOT / "exercises" / OLD_FOLDER[parts[1]] / parts[2]).exists()
    return False


def test_resolves_rejects_a_missing_file():
    assert not resolves("../exercises/02_interpolation/nothing.ipynb")
    assert not resolves("no_such_notebook.ipynb")


@pytest.mark.parametrize("number", sorted(EXERCISES))
def test_each_notebook_links_its_graded_exercise(number):
    new, _, name = EXERCISES[number]
    link = f"../exercises/{new}/{name}"
    assert f"]({link})" in markdown(number), f"notebook {number} must link {link}"
    assert resolves(link)


@pytest.mark.parametrize("number", sorted(NOTEBOOKS))
def test_every_notebook_link_resolves(number):
    links = re.findall(r"\]\(([^)#\s]+\.ipynb)\)", markdown(number))
    assert all(resolves(link) for link in links), [link for link in links if not resolves(link)]


@pytest.mark.parametrize("number", sorted(NOTEBOOKS))
def test_check_yourself_has_an_answer_per_question(number):
    cells = [source(c) for c in load(number)["cells"]
             if c["cell_type"] == "markdown" and re.search(r"^#+ Check yourself", source(c), re.M | re.I)]
    assert len(cells) == 1
    questions_part, separator, answers_part = re.split(r"(\*?Answers\*?:?|<summary>Answers</summary>)", cells[0], 1)[:3] \
        if re.search(r"Answers", cells[0]) else (cells[0], "", "")
    assert separator, f"notebook {number}: Check yourself has no answers"
    answers_part = re.split(r"^## ", answers_part, maxsplit=1, flags=re.M)[0]  # stop at the next section
    questions = re.findall(r"^(\d+)\. ", questions_part, re.M)
    answered = set(re.findall(r"(?<![\w.])(\d+)\. ", answers_part))
    assert questions and set(questions) <= answered, (questions, sorted(answered))


def test_slides_reconstruction_is_computed_once_in_06():
    reconstruction = [0, 3, -3, -1, 0, 3, -17, 17, -2, -1]
    assert contains_run(all_outputs("06"), reconstruction)
    for number in ("04", "05"):
        assert not contains_run(all_outputs(number), reconstruction), f"notebook {number} recomputes it"
        assert "06" in source(cell_with(number, "only for the shape" if number == "05" else "Looking ahead"))


# --- 00 -----------------------------------------------------------------------------
def test_00_says_running_the_cell_replaces_the_stored_widget_text():
    text = source(cell_with("00", "IntSlider(..."))
    assert "running the cell replaces it" in text
    assert "(If you see `IntSlider(...)` as plain text instead, the widget front end is missing" not in text


# --- 01 -----------------------------------------------------------------------------
def toy_mask():
    card = shapes(64) > 0.5
    rows, cols = np.mgrid[0:64, 0:64]
    mask = np.zeros((64, 64), dtype=int)
    mask[card & (cols < 32) & (rows < 32)] = 1
    mask[card & (cols < 32) & (rows >= 32)] = 2
    mask[card & (cols >= 32)] = 3
    return mask


def class_scores(mask, side):
    block = 64 // side
    return np.stack([(mask == c).reshape(side, block, side, block).mean(axis=(1, 3)) for c in range(4)])


def test_01_stripes_claim_matches_the_blocks():
    mask = toy_mask()
    scores = class_scores(mask, 8)[:, 5:8, 5:8]
    lines = np.rint(scores[3] * 64).astype(int)
    labels = scores.argmax(axis=0)
    assert int((labels == 3).sum()) == 6 and int((labels == 0).sum()) == 3
    assert 32 in lines[labels == 0]  # the 32 : 32 tie
    text = source(cell_with("01", "Thin things"))
    assert "6 of the 9 blocks" in text and "32 : 32 tie" in text and "Thin things vanish" not in text
    assert contains_run(all_outputs("01"), lines.ravel().tolist())


def test_01_skip_connection_numbers():
    mask = toy_mask()
    single = [int((interpolate(class_scores(mask, s).argmax(axis=0), size=64, mode="nearest") != mask).sum())
              for s in (8, 16, 32)]

    def bilinear(scores, side):
        return interpolate(scores[None], size=side, mode="bilinear")[0]

    fused_16 = bilinear(class_scores(mask, 8), 16) + class_scores(mask, 16)
    fused_8 = bilinear(fused_16, 32) + class_scores(mask, 32)
    fused = [int((bilinear(s, 64).argmax(axis=0) != mask).sum())
             for s in (class_scores(mask, 8), fused_16, fused_8)]
    assert single == [562, 382, 290] and fused == [361, 276, 234]
    outputs = "\n".join(output_text(c) for c in load("01")["cells"])
    for count in single + fused:
        assert f"{count} wrong pixels of 4096" in outputs
    assert "361, 276, 234" in markdown("01")


def test_01_receptive_field_and_cost():
    reach = np.zeros((8, 8))
    reach[4, 4] = 1
    for _ in range(4):
        reach = conv_transpose2d(conv_transpose2d(reach, np.ones((2, 2)), stride=2), np.ones((3, 3)), padding=1)
    rows = np.nonzero(reach.any(axis=1))[0]
    assert rows.max() - rows.min() + 1 == 46 == 3 * 2**4 - 2
    outputs = "\n".join(output_text(c) for c in load("01")["cells"])
    assert "46 x 46 pixels" in outputs and "46 x 46 patch" in markdown("01")
    assert f"{128 * 128 * 64 * 64 * 9:,d}" in outputs and "256 times the 8 x 8 level" in outputs
    assert (128 * 128 * 1024 * 1024) // (8 * 8 * 1024 * 1024) == 256


def test_01_fcn_final_upsampling_is_fixed_bilinear():
    text = source(cell_with("01", "Fully convolutional networks"))
    assert "fixed bilinear" in text and "upsampled it with a learned transposed convolution" not in text


# --- 02 -----------------------------------------------------------------------------
def test_02_upsampling_by_two_halves_the_pitch():
    text = markdown("02")
    assert "halves\nthe pixel pitch" in text and "doubles\nthe pixel pitch" not in text
    # nearest samples 0.5 * in/out input pixels early: 0.3 for 3 -> 5, a whole pixel for 4 -> 2
    assert 0.5 * 3 / 5 == pytest.approx(0.3) and 0.5 * 4 / 2 == 1
    assert "(0.3 for 3 → 5)" in text


# --- 05 -----------------------------------------------------------------------------
def test_05_cs231n_one_d_example():
    row = conv_transpose2d(np.array([[2, 3]]), np.array([[1, 10, 100]]), stride=(1, 2))[0]
    assert row.tolist() == [2, 20, 203, 30, 300]
    outputs = all_outputs("05")
    assert contains_run(outputs, [2, 20, 203, 30, 300])
    assert "ax | ay | az + bx | by | bz" in "\n".join(output_text(c) for c in load("05")["cells"])


def test_05_output_padding_rule_returns_the_input_size():
    for i, k, s, p in [(5, 3, 2, 1), (6, 3, 2, 1), (7, 3, 2, 1), (8, 4, 2, 1), (7, 3, 3, 0), (8, 3, 3, 0), (9, 3, 3, 0)]:
        o = conv_output_size(i, k, stride=s, padding=p)
        assert conv_transpose_output_size(o, k, stride=s, padding=p, output_padding=(i + 2 * p - k) % s) == i
    assert "a = (i + 2p − k) mod s" in markdown("05")
    outputs = "\n".join(output_text(c) for c in load("05")["cells"])
    assert outputs.count(" yes") >= 7 and " NO" not in outputs


def test_05_several_channels_worked_example():
    x = np.array([[[[0, 1], [2, 3]], [[1, 0], [0, 1]]]])
    w = np.zeros((2, 3, 2, 2))
    w[0, 0], w[1, 0] = [[0, 1], [2, 3]], np.ones((2, 2))
    out = conv_transpose2d(x, w)
    assert out.shape == (1, 3, 3, 3)
    assert out[0, 0].tolist() == [[1, 1, 1], [1, 6, 7], [4, 13, 10]]
    assert contains_run(all_outputs("05"), [1, 1, 1, 1, 6, 7, 4, 13, 10])
    text = markdown("05")
    assert "(C_out, C_in, k, k)" in text and "(C_in, C_out, k, k)" in text


def test_05_cheat_sheet_recipes_double_every_size():
    for i in range(1, 40):
        assert conv_transpose_output_size(i, 4, stride=2, padding=1) == 2 * i
        assert conv_transpose_output_size(i, 3, stride=2, padding=1, output_padding=1) == 2 * i
        assert conv_transpose_output_size(i, 2, stride=2) == 2 * i
        assert conv_transpose_output_size(i, 3, stride=2, padding=1) == 2 * i - 1
    outputs = "\n".join(output_text(c) for c in load("05")["cells"])
    assert outputs.count("[14, 32, 66]") == 3 and "[13, 31, 65]" in outputs
    for layer in ("nn.Upsample", "nn.ConvTranspose2d", "nn.MaxUnpool2d", "nn.PixelShuffle"):
        assert layer in markdown("05")


def test_05_names_the_layer_and_its_misnomer():
    text = markdown("05")
    for name in ("fractionally strided convolution", "up-convolution", "deconvolution", "misnomer"):
        assert name in text


# --- 06 -----------------------------------------------------------------------------
def test_06_credits_the_stride_2_example_to_d2l():
    text = source(cell_with("06", "A transposed convolution as a direct convolution"))
    assert "d2l's stride-2 example" in text and "The slides' stride-2 example" not in text


# --- 07 -----------------------------------------------------------------------------
def test_07_resize_convolution_claim_is_sourced():
    text = markdown("07")
    assert "what most\nmodern decoders use" not in text
    assert "StyleGAN2" in text and "ConvTranspose2d" in text


def test_07_stride_one_damping():
    counts = overlap_counts(3, 2, 12).astype(float)
    for size, ratio in [(1, 2.0), (2, 1.0), (3, 1.25), (4, 1.0)]:
        interior = np.convolve(counts, np.ones(size), mode="valid")[4:-4]
        assert interior.max() / interior.min() == pytest.approx(ratio)
        assert f"size {size}: interior" in "\n".join(output_text(c) for c in load("07")["cells"])
    outputs = "\n".join(output_text(c) for c in load("07")["cells"])
    claimed = re.findall(r"\d\.\d{3}", source(cell_with("07", "The 2 x 2 box puts one pixel")))
    assert claimed and all(value in outputs for value in claimed)


def test_07_frequency_view():
    for h, response_at_half in [(np.ones(3), 1.0), (np.ones(4), 0.0), (np.array([1, 3, 3, 1]) / 4, 0.0)]:
        response = np.fft.rfft(h, 64)
        assert abs(response[32]) == pytest.approx(response_at_half, abs=1e-12)
        assert abs(response[32]) == pytest.approx(abs(h[0::2].sum() - h[1::2].sum()), abs=1e-12)
    h6 = np.array([1.0, 2, 3, 3, 2, 1])
    assert [h6[a::3].sum() for a in range(3)] == [4, 4, 4] and abs(np.fft.rfft(h6, 48)[16]) < 1e-12
    outputs = "\n".join(output_text(c) for c in load("07")["cells"])
    assert re.search(r"k3 ones\s+1\.000\s+3\.00\s+1\.000", outputs)
    assert re.search(r"k4 ones\s+0\.000\s+4\.00\s+0\.000", outputs)
    assert "Equal phase sums ⇔" in markdown("07")



# --- issue 16: the corrected statements, each recomputed -------------------------------
from course_lib import conv2d                                         # noqa: E402
from course_lib.artifacts import checkerboard_strength, resize_conv  # noqa: E402
from course_lib.images import grace_hopper                            # noqa: E402
from course_lib.interpolation import source_coordinates               # noqa: E402

SOLUTIONS, RELEASE = ROOT / "solutions", ROOT / "exercises"


def exercise_cells(folder, assignment):
    path = next((folder / assignment).glob("*.ipynb"))
    return json.loads(path.read_text())["cells"]


def exercise_cell(folder, assignment, cell_id):
    return source(next(c for c in exercise_cells(folder, assignment) if c.get("id") == cell_id))


def random_kernel_up_3():
    """Notebook 07's photo upsampled by its random k3 s2 transposed convolution (section 4)."""
    rng = np.random.default_rng(2016)
    return conv_transpose2d(grace_hopper(64), rng.uniform(0, 1, size=(3, 3)), stride=2)


def test_07_stride_one_last_layer_removes_the_pattern_only_with_equal_weights():
    up_3 = random_kernel_up_3()
    alone = checkerboard_strength(up_3, 2, border=4)
    box = checkerboard_strength(conv2d(up_3, np.ones((2, 2)) / 4), 2, border=4)
    random_2x2 = [checkerboard_strength(conv2d(up_3, np.random.default_rng(seed).uniform(0, 1, size=(2, 2))),
                                        2, border=4) for seed in range(5)]
    assert round(alone, 2) == 1.32 and box < 0.02
    assert (round(min(random_2x2), 2), round(max(random_2x2), 2)) == (0.37, 0.78)
    summary = source(cell_with("07", "## Summary"))
    assert "removed only by an equal-weight (box) kernel" in summary and "0.37–0.78 of 1.32" in summary
    assert "H(1/2) = h_0 - h_1" in summary
    damping = source(cell_with("07", "The 2 x 2 box puts one pixel"))
    assert "0.37 to 0.78 of the 1.32" in damping and "h_0 − h_1" in damping
    outputs = "\n".join(output_text(c) for c in load("07")["cells"])
    assert str(np.round(random_2x2, 3).tolist()) in outputs
    # 1-D: the response of a 2-tap kernel at frequency 1/2 is h0 - h1.
    for h in ([0.3, 0.9], [1.0, 1.0]):
        assert np.fft.rfft(h, 8)[4] == pytest.approx(h[0] - h[1])


def test_07_resize_convolution_is_flat_safe_only_and_pads_by_replication():
    flat = resize_conv(np.ones((8, 8)), np.random.default_rng(0).uniform(0, 1, size=(4, 4)), 2)
    assert np.allclose(flat, flat[0, 0])                    # flat input: flat output, border included
    ramp = np.tile(np.arange(8.0), (3, 1))
    steps = np.round(np.diff(resize_conv(ramp, np.ones((3, 3)) / 9, 2, mode="nearest")[1])[2:10], 3)
    assert steps.tolist() == [0.667, 0.333] * 4
    text = source(cell_with("07", "## 5 · Fix 1: resize-convolution"))
    assert "**flat** input" in text and "0.333, 0.667" in text and "*discourages*" in text
    assert "no phase can be favoured" not in markdown("07")
    assert 'padding="same", padding_mode="replicate"' in text and "(k − 1)//2" in text
    assert "`ResizeConv2d`" in text and "zero-padded" in text
    outputs = "\n".join(output_text(c) for c in load("07")["cells"])
    assert "[0.667, 0.333, 0.667, 0.333" in outputs


def test_08_resize_layer_pads_with_zeros_as_07_says():
    from course_lib.layers import ResizeConv2d
    layer = ResizeConv2d(1, 1, 3, rng=0)
    layer.layers[1].weight.value[...] = 1.0
    layer.layers[1].bias.value[...] = 0.0
    out = layer(np.ones((1, 1, 4, 4)))[0, 0]
    assert out[0, 0] == 4 and out[3, 3] == 9                  # zeros outside: the corner sees 4 of 9 ones


@pytest.mark.parametrize("kernel_size", [3, 4])
def test_07_resize_conv_equals_pytorch_same_replicate(kernel_size):
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(kernel_size)
    x, kernel = rng.normal(size=(5, 6)), rng.normal(size=(kernel_size, kernel_size))
    conv = torch.nn.Conv2d(1, 1, kernel_size, padding="same", padding_mode="replicate", bias=False).double()
    with torch.no_grad():
        conv.weight[...] = torch.from_numpy(kernel)
        expected = conv(torch.nn.Upsample(scale_factor=2, mode="nearest")(torch.from_numpy(x)[None, None]))
    np.testing.assert_allclose(resize_conv(x, kernel, 2), expected[0, 0].numpy(), atol=1e-12)


def test_07_dft_primer_numbers():
    assert np.allclose(np.fft.fft([1, 0, 1, 0]), [2, 0, 2, 0]) and np.allclose(np.fft.fft([1, 2, 1, 2]), [6, 0, -2, 0])
    text = source(cell_with("07", "the discrete Fourier transform (DFT)"))
    assert "`X = [2, 0, 2, 0]`" in text and "`X = [6, 0, −2, 0]`" in text
    outputs = "\n".join(output_text(c) for c in load("07")["cells"])
    assert "x = [1, 2, 1, 2]: X = [6.0, 0.0, -2.0, 0.0]" in outputs and "equals np.fft.fft: False" not in outputs


def test_02_fringe_colour_depends_on_side_and_edge_direction():
    rising, falling = np.zeros((1, 32)), np.zeros((1, 32))
    rising[0, 8:], falling[0, :8] = 1, 1                       # both edges left of the centre
    for edge, sign in [(rising, 1), (falling, -1)]:
        difference = (interpolate(edge, size=(1, 128), mode="bilinear", align_corners=True)
                      - interpolate(edge, size=(1, 128), mode="bilinear"))
        assert sign * difference.max() >= 0 and sign * difference.min() >= 0 and np.abs(difference).max() > 0.1
    shift = source_coordinates(32, 128, "bilinear", align_corners=True) - np.maximum(
        source_coordinates(32, 128, "bilinear", align_corners=False), 0)
    assert round(shift[:64].max(), 2) == 0.36
    text = source(cell_with("02", "## On a real image"))
    assert "edge's direction" in text and "0.36 of an input pixel" in text
    assert "red on one side of the centre, blue on the other" not in text


def test_01_fcn_numbers_are_on_a_validation_subset():
    text = source(cell_with("01", "(its table 2"))
    assert "subset of\nPASCAL VOC 2011 validation" in text and "736 images" in text
    assert "59.4 (FCN-32s)" in text and "62.7 (FCN-8s)" in text


@pytest.mark.parametrize("number, cell_text, must", [
    ("01", "through the adjoint of every layer", ["before it is taught", "Notebook 05"]),
    ("01", "A **transposed convolution** with kernel 2", ["taught in notebook 05"]),
    ("01", "**bilinear interpolation**", ["before they\nare taught: notebook 02"]),
    ("02", "## Misconception", ["before notebook 05 teaches it"]),
    ("05", "The right panel runs ahead", ["**zero insertion**", "**flipped kernel**", "notebook 06"]),
])
def test_learning_path_says_where_a_tool_is_used_before_it_is_taught(number, cell_text, must):
    text = source(cell_with(number, cell_text))
    assert all(phrase in text for phrase in must), [phrase for phrase in must if phrase not in text]


def test_exercise_02_model_answer_credits_clamped_corners():
    x = np.array([[1.0, 2.0], [3.0, 4.0]])
    up = interpolate(x, size=4, mode="bilinear")              # align_corners=False
    assert up[[0, 0, -1, -1], [0, -1, 0, -1]].tolist() == [1, 2, 3, 4]
    assert interpolate(np.arange(4.0)[None], size=(1, 2), mode="bilinear")[0].tolist() == [0.5, 2.5]
    answer = exercise_cell(SOLUTIONS, "02_interpolation", "answer-align-corners")
    assert "rather than the corners being hit" not in answer
    assert "clamped" in answer and "come out as 1, 2, 3, 4 as well" in answer and "0.5 and 2.5" in answer


def test_exercise_links_and_credits():
    assert "exercise 05" in exercise_cell(SOLUTIONS, "06_equivalence", "cell-06")
    assert "exercise 3" not in exercise_cell(SOLUTIONS, "06_equivalence", "cell-06")
    test_cell = exercise_cell(SOLUTIONS, "08_conv_backward", "14031d65")
    assert "slides'" not in test_cell and "d2l's kernel [[1, 2], [3, 4]]" in test_cell
    text = exercise_cell(SOLUTIONS, "07_checkerboard", "cell-11")
    assert "**flat** input" in text and "0.333 and 0.667" in text and "*discourages*" in text
    # the exercise's own recipe: np.repeat, then a 3x3 box with zero padding 1
    ramp = np.repeat(np.repeat(np.tile(np.arange(8.0), (5, 1)), 2, axis=0), 2, axis=1)
    steps = np.round(np.diff(conv2d(ramp, np.ones((3, 3)) / 9, padding=1)[4])[2:8], 3)
    assert sorted(set(steps.tolist())) == [0.333, 0.667]


def written_answers(cells):
    return [n for n, c in enumerate(cells)
            if c["cell_type"] == "markdown" and c.get("metadata", {}).get("nbgrader", {}).get("grade")
            and c["metadata"]["nbgrader"].get("solution")]


@pytest.mark.parametrize("assignment", inventory.exercises())
def test_every_written_answer_has_a_rubric_that_stays_out_of_the_release(assignment):
    """The question before each hand-graded answer is a locked nbgrader task cell holding a mark scheme:
    nbgrader keeps it in the gradebook (the formgrader shows it), cuts it from the release, and the
    feedback cuts it again (nbgrader_config.py)."""
    if not SOLUTIONS.is_dir():
        pytest.skip("instructor-only: the student bundle has no solutions/")
    from nbformat import from_dict
    from nbgrader.preprocessors import ClearMarkScheme

    cells = exercise_cells(SOLUTIONS, assignment)
    answers = written_answers(cells)
    assert answers
    rubrics = []
    for n in answers:
        question = cells[n - 1]
        meta = question.get("metadata", {}).get("nbgrader", {})
        assert meta.get("task") and meta.get("locked") and meta.get("points") == 0, (assignment, question.get("id"))
        text = source(question)
        assert text.count("=== BEGIN MARK SCHEME ===") == 1 and text.count("=== END MARK SCHEME ===") == 1
        rubric = text.split("=== BEGIN MARK SCHEME ===")[1].split("=== END MARK SCHEME ===")[0]
        assert len(re.findall(r"^- \d point", rubric, re.M)) == cells[n]["metadata"]["nbgrader"]["points"]
        cleared = from_dict(dict(question, source=text))
        ClearMarkScheme().preprocess_cell(cleared, {}, 0)
        assert "MARK SCHEME" not in cleared.source and "point" not in cleared.source.split("points)")[-1]
        rubrics.append(rubric)
    released = (next((RELEASE / assignment).glob("*.ipynb"))).read_text()
    assert "MARK SCHEME" not in released
    for rubric in rubrics:
        lines = [line.strip() for line in rubric.splitlines() if len(line.strip()) > 30]
        assert lines and not any(json.dumps(line)[1:-1] in released for line in lines)
    config = (ROOT / "nbgrader_config.py").read_text()
    assert re.search(r"c\.GenerateFeedback\.preprocessors = \[[^\]]*ClearMarkScheme", config)
