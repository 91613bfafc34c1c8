"""Issue 21: the grader's trusted core, without a sandbox run (tests/test_exercises.py grades the
attack fixtures in one; these are the parts that can be checked directly, and fast).

- the sandbox's course_lib is built from an allow-list, and no function left in it returns a
  forbidden function's answer on the hidden cases (the same check finds the leaks in the full
  library, so it can fail);
- results are read through descriptors: symlinks, FIFOs, sockets, folders refused;
- every submission gets its own secret seed, and its job folder is gone when its job ends;
- names are printed escaped; odd ids are graded or refused with a reason;
- the student bundle has what students need (tests/fixtures/ too), no solutions/ and no grading
  specs, and its own tests pass from the unpacked archive.
"""
from __future__ import annotations

import importlib.util
import inspect
import os
import shutil
import socket
import subprocess
import sys
import tarfile
import warnings
from pathlib import Path

import numpy as np
import pytest

from grading import allowlist, results
from grading import spec as specs
from grading.assignments import all_specs

REPO = Path(__file__).resolve().parents[1]
COURSE_LIB = REPO / "course_lib"
SPECS = all_specs(REPO / "solutions")


# --- the allow-listed library ---------------------------------------------------------------

def load_package(folder: Path, name: str):
    """Import the package in ``folder`` under another name (the real course_lib stays as it is)."""
    spec = importlib.util.spec_from_file_location(name, folder / "__init__.py",
                                                  submodule_search_locations=[str(folder)])
    package = importlib.util.module_from_spec(spec)
    sys.modules[name] = package
    spec.loader.exec_module(package)
    for path in sorted(folder.glob("*.py")):
        if path.stem != "__init__":
            importlib.import_module(f"{name}.{path.stem}")
    return package


def every_function(name: str) -> dict[str, object]:
    """Every function defined in the package ``name`` and its modules, private ones included."""
    found = {}
    for module_name, module in list(sys.modules.items()):
        if module_name == name or module_name.startswith(name + "."):
            for attr, value in vars(module).items():
                if inspect.isfunction(value) and value.__module__.startswith(name) and attr != "__getattr__":
                    found[f"{value.__module__.removeprefix(name).lstrip('.') or '__init__'}.{attr}"] = value
    return found


FILLERS = (0, 1, None, False)  # values tried for the parameters a case does not give


def as_batch(value):
    """A 2-D array argument as a (1, 1, H, W) batch, for helpers that take batches."""
    array = np.asarray(value) if isinstance(value, (list, np.ndarray)) else None
    return array.astype(float)[None, None] if array is not None and array.ndim == 2 else value


def calls(function, case: specs.Case):
    """The ways to call ``function`` as a student's function on ``case``: keywords as keywords or in
    order as positional arguments; 2-D arrays as they are or as batches; parameters the case does
    not give filled with 0, 1, None or False (a private helper has more of them than the public
    function: ``transposed_size(i, k, s, p, op, d)``)."""
    try:
        parameters = [p for p in inspect.signature(function).parameters.values()
                      if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD) and p.default is p.empty]
    except (TypeError, ValueError):
        parameters = []
    for args, kwargs in ((tuple(case.args), dict(case.kwargs)), ((*case.args, *case.kwargs.values()), {})):
        for wrap in (False, True):
            given = tuple(as_batch(a) for a in args) if wrap else args
            missing = max(0, len(parameters) - len(given) - len(kwargs))
            if missing > 2:
                continue
            for fill in ([()] if missing == 0 else
                         [(a,) for a in FILLERS] if missing == 1 else [(a, b) for a in FILLERS for b in FILLERS]):
                yield (lambda given=given, fill=fill, kwargs=kwargs: function(*given, *fill, **kwargs)), wrap


def gives_the_answer(function, test: specs.Test, case: specs.Case) -> set[int]:
    """The indices of the ways (:func:`calls`) in which ``function`` returns the expected value."""
    expected = specs.expected_value(test, case)
    right = set()
    for index, (call, wrapped) in enumerate(calls(function, case)):
        try:
            with warnings.catch_warnings(), np.errstate(all="ignore"):
                warnings.simplefilter("ignore")
                value = call()
                if case.part is not None:
                    value = value[case.part]
                value = np.asarray(value, dtype=float)
                if wrapped and value.ndim == 4:
                    value = value[0, 0]
                if specs.compare(value, expected, test.exact) is None:
                    right.add(index)
        except Exception:  # noqa: BLE001 (a refusal or a mismatch: not the answer)
            continue
    return right


def answer_keys(package: str, assignment: specs.Assignment, grade_ids: tuple[str, ...] = ()) -> list[str]:
    """``function: test`` for every function of the package that answers every hidden case of a test
    (of the tests named, default all) in one of the ways :func:`calls` tries."""
    rng = np.random.default_rng(21)
    leaks = []
    functions = every_function(package)
    for test in assignment.tests:
        cases = test.draw(rng)
        if grade_ids and test.grade_id not in grade_ids:
            continue
        for label, function in functions.items():
            ways = gives_the_answer(function, test, cases[0])  # one call way that is right on every case
            for case in cases[1:]:
                if not ways:
                    break
                ways &= gives_the_answer(function, test, case)
            if ways:
                leaks.append(f"{label}: {test.grade_id}")
    return leaks


@pytest.mark.parametrize("assignment", sorted(SPECS))
def test_no_function_in_the_sandbox_library_returns_a_forbidden_answer(tmp_path, assignment):
    spec = SPECS[assignment]
    allowlist.build(COURSE_LIB, tmp_path / "course_lib", spec.name, spec.allowed, spec.forbidden)
    name = f"sandbox_lib_{assignment}"
    load_package(tmp_path / "course_lib", name)
    try:
        functions = every_function(name)
        for allowed in spec.allowed:  # the building blocks are there, and work as the real ones
            assert allowed in vars(sys.modules[name]), allowed
        assert answer_keys(name, spec) == []
    finally:
        for module in [m for m in sys.modules if m == name or m.startswith(name + ".")]:
            del sys.modules[module]
    # Nothing that only the answer key needs is there (what both need, e.g. argument checks, is).
    modules = allowlist.parse_library(COURSE_LIB)
    at = [allowlist.public_location(modules, name) for name in spec.forbidden]
    only_forbidden = allowlist.closure(modules, at, set())
    allowed = allowlist.closure(modules, [allowlist.public_location(modules, n) for n in spec.allowed], set(at))
    extra = {f"{m}.{n}" for m, names in only_forbidden.items() for n in names} - {
        f"{m}.{n}" for m, names in allowed.items() for n in names} - {f"{m}.{n}" for m, n in at}
    assert not extra & set(functions), sorted(extra & set(functions))
    # The helpers the issue found giving the answers are not in the sandbox at all.
    named = {"transposed._full_sum", "transposed._crop", "interpolation._axis_plan", "interpolation._linear_source",
             "_shapes.transposed_size", "checkerboard._transpose_ones"}
    allowed_needs = {"07_checkerboard": {"transposed._full_sum", "transposed._crop", "interpolation._axis_plan",
                                         "interpolation._linear_source", "_shapes.transposed_size"},
                     "06_equivalence": {"_shapes.transposed_size"}, "08_conv_backward": {"_shapes.transposed_size"}}
    assert not (named - allowed_needs.get(assignment, set())) & set(functions), sorted(named & set(functions))


def test_the_answer_key_check_finds_the_leaks_of_the_full_library():
    """The check above can fail: on the whole library (what the old sandbox kept but for the
    forbidden names), a private helper answers the hidden cases of 05's output size."""
    name = "full_library_copy"
    load_package(COURSE_LIB, name)
    try:
        leaks = answer_keys(name, SPECS["05_transposed_conv"], ("test_output_size",))
    finally:
        for module in [m for m in sys.modules if m == name or m.startswith(name + ".")]:
            del sys.modules[module]
    assert "_shapes.transposed_size: test_output_size" in leaks, leaks


def test_forbidden_functions_raise_a_clear_error_and_other_names_are_absent(tmp_path):
    spec = SPECS["08_conv_backward"]
    allowlist.build(COURSE_LIB, tmp_path / "course_lib", spec.name, spec.allowed, spec.forbidden)
    code = ("import course_lib\n"
            "from course_lib.layers import kernel_gradient\n"
            "for call in (course_lib.conv_transpose2d, kernel_gradient):\n"
            "    try:\n        call()\n    except RuntimeError as error:\n        print('refused:', error)\n"
            "try:\n    course_lib.max_pool2d\nexcept AttributeError as error:\n    print('absent:', error)\n"
            "print(course_lib.conv2d([[1.0, 2.0]], [[3.0]]).tolist())\n")
    run = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True,
                         env=dict(os.environ, PYTHONPATH=str(tmp_path)))
    assert run.returncode == 0, run.stderr
    assert run.stdout.count("refused: course_lib.") == 2 and "answer key of this assignment" in run.stdout
    assert "absent: course_lib.max_pool2d is not available while grading 08_conv_backward" in run.stdout
    assert "[[3.0, 6.0]]" in run.stdout


# --- results through descriptors --------------------------------------------------------------

def test_results_are_read_through_descriptors_refusing_anything_but_regular_files(tmp_path):
    folder = tmp_path / "results"
    (folder / "test").mkdir(parents=True)
    (tmp_path / "private.txt").write_text("private")
    np.save(folder / "test" / "0.npy", np.arange(3))
    (folder / "test" / "1.npy").symlink_to(tmp_path / "private.txt")
    os.mkfifo(folder / "test" / "2.npy")
    (folder / "test" / "3.npy").mkdir()
    with socket.socket(socket.AF_UNIX) as sock:
        sock.bind(str(folder / "test" / "4.npy"))
    (folder / "test" / "5.npy").write_bytes(b"x" * 100)
    (folder / "linked").symlink_to(folder / "test")
    top = results.open_folder(folder)
    try:
        with pytest.raises(results.Refused, match="linked is a symlink, not a folder"):
            results.open_folder("linked", dir_fd=top)
        assert results.open_folder("missing", dir_fd=top) is None
        test = results.open_folder("test", dir_fd=top)
        try:
            assert specs.parse_result(results.read_regular("0.npy", test, 1000)).tolist() == [0, 1, 2]
            for name, kind in (("1.npy", "a symlink"), ("2.npy", "a FIFO"), ("3.npy", "a folder"),
                               ("4.npy", "a socket")):
                with pytest.raises(results.Refused, match=f"{name} is {kind}, not a regular file"):
                    results.read_regular(name, test, 1000)
            with pytest.raises(results.Refused, match="too large"):
                results.read_regular("5.npy", test, 99)
            assert results.exists("1.npy", test) and not results.exists("9.npy", test)
        finally:
            os.close(test)
    finally:
        os.close(top)


# --- secret seeds, job folders, names -----------------------------------------------------------

@pytest.fixture
def small_course(tmp_path):
    pytest.importorskip("nbgrader")
    course = tmp_path / "course"
    course.mkdir()
    shutil.copy(REPO / "nbgrader_config.py", course)
    shutil.copytree(REPO / "solutions" / "02_interpolation", course / "solutions" / "02_interpolation")
    for student in ("a_friend", "b_twin_EGDEIIBB@@"):
        folder = course / "submitted" / student / "02_interpolation"
        folder.mkdir(parents=True)
        shutil.copy(REPO / "exercises" / "02_interpolation" / "interpolation.ipynb", folder)
    return course


def test_every_submission_gets_its_own_secret_seed(small_course, monkeypatch):
    """The old seed was the run's seed mixed with the crc32 of the id, so a chosen id shared a
    friend's inputs. Now each submission draws 128 secret bits; two runs never repeat one."""
    from grading import cli, sandbox

    seeds = []

    def record(course, run, assignment, submission, seed, extra_args, runner=None):
        seeds.append((submission.student, seed))
        return cli.Outcome(submission.student, assignment.name)

    class Runner:  # the run's fork server (grading.worker): generate_assignment and the summary's scores
        def run(self, *args, **kwargs):
            return 0

        def call(self, function, *args):
            return {}

        def close(self):
            pass

    monkeypatch.setattr(sandbox, "available", lambda: None)
    monkeypatch.setattr(cli.worker, "Runner", Runner)
    monkeypatch.setattr(cli, "grade_one", record)
    monkeypatch.setattr(cli, "run_nbgrader", lambda *a: subprocess.CompletedProcess(a, 0, "", ""))
    monkeypatch.setattr(cli, "print_summary", lambda *a: None)
    monkeypatch.chdir(small_course)
    for _ in range(2):
        assert cli.autograde(small_course, "*", None, 1, []) == 0
    assert sorted(s for s, _ in seeds) == ["a_friend", "a_friend", "b_twin_EGDEIIBB@@", "b_twin_EGDEIIBB@@"]
    assert len({seed for _, seed in seeds}) == 4 and all(seed.bit_length() > 64 for _, seed in seeds)


def test_each_job_folder_is_short_and_removed_when_its_job_ends(tmp_path, monkeypatch):
    from grading import cli

    seen = []

    def fake_grade_in(course, run, job, assignment, submission, seed, extra_args, outcome, runner=None):
        seen.append(job)
        assert job.is_dir() and job.parent == run
        (job / "ipc").mkdir()

    monkeypatch.setattr(cli, "grade_in", fake_grade_in)
    student = "s" * 255  # the longest name a folder can have
    outcome = cli.grade_one(tmp_path, tmp_path, SPECS["02_interpolation"], student)
    assert outcome.ok and seen and not seen[0].exists()
    # The kernel's sockets (job/ipc/kernel-<port>) fit AF_UNIX's 107 bytes whatever the id:
    # the job folder's name is a few characters, not the id.
    assert len(seen[0].name) <= 12 and student not in str(seen[0])


def test_names_are_printed_escaped():
    from grading.cli import printable, refusal

    assert printable("\x1b[2J\x1b[Hevil") == "\\x1b[2J\\x1b[Hevil"
    assert printable("zoë o'neil@example.edu") == "zoë o'neil@example.edu"
    assert printable("right\u202eleft") == "right\\u202eleft"  # a bidi override reorders the line
    assert printable(os.fsdecode(b"bad\xff")) == "bad\\udcff"  # a name that is not UTF-8
    assert refusal("\x1b[2Jevil") and refusal(" padded") and refusal("x[*]?")
    assert refusal("0012345") is None and refusal(".dotted") is None and refusal("zoë@example.edu") is None


# --- the student bundle ----------------------------------------------------------------------------

@pytest.fixture(scope="module")
def bundle(tmp_path_factory):
    if not (REPO / ".git").exists():
        pytest.skip("the bundle is built from git's file list")
    folder = tmp_path_factory.mktemp("bundle")
    output = folder / "upsampling-in-cnns.tar.gz"
    subprocess.run([sys.executable, "-m", "grading", "student-bundle", "--output", str(output)], cwd=REPO,
                   check=True, capture_output=True)
    with tarfile.open(output) as tar:
        names = tar.getnames()
        tar.extractall(folder, filter="data")
    return {"names": names, "root": folder / "upsampling-in-cnns"}


def test_the_student_bundle_has_what_students_need_and_nothing_private(bundle):
    names = [n.split("/", 1)[1] for n in bundle["names"] if "/" in n]
    for needed in ("exercises/02_interpolation/interpolation.ipynb", "grading/checks.py", "course_lib/__init__.py",
                   "tests/fixtures/figures/conv_geometry.png", "Makefile", "pyproject.toml"):
        assert needed in names, needed
    private = [n for n in names if n.startswith(("solutions/", ".ci/")) or n.endswith("grading_spec.py")
               or n in ("nbgrader_config.py", "tests/test_exercises.py", "tests/test_grader_trust.py",
                        "tests/fixtures/exercise_submissions.py", "tests/fixtures/grader_attacks.py")]
    assert private == []
    text = "\n".join((bundle["root"] / n).read_text(errors="replace") for n in names
                     if (bundle["root"] / n).is_file() and n.endswith(".py"))
    for reference in ("output_padding_ref", "input_gradient_ref", "upsample_bilinear_ref", "BEGIN HIDDEN TESTS"):
        assert reference not in text, f"the bundle contains {reference}"


def test_the_student_bundle_passes_its_own_tests(bundle):
    """The unpacked bundle's own tests, offline, with this environment: every test module of its
    suite is collected (none needs a file the bundle lacks), and its figure tests (the baselines in
    tests/fixtures/), the learners' checks and the library's doctests pass. (The whole suite,
    notebooks included, is what the integrator's full run covers; here it would take minutes.)"""
    root = bundle["root"]
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST", "GRADING_"))}
    env.update(OMP_NUM_THREADS="1", OPENBLAS_NUM_THREADS="1", MPLBACKEND="Agg")
    where = subprocess.run([sys.executable, "-c", "import course_lib, grading; print(course_lib.__file__)"],
                           cwd=root, env=env, capture_output=True, text=True)
    assert where.stdout.strip().startswith(str(root)), where.stdout + where.stderr
    collect = subprocess.run([sys.executable, "-m", "pytest", "--collect-only", "-q", "-p", "no:cacheprovider"],
                             cwd=root, env=env, capture_output=True, text=True, timeout=900)
    assert collect.returncode == 0, collect.stdout[-3000:] + collect.stderr[-3000:]
    run = subprocess.run([sys.executable, "-m", "pytest", "-q", "-x", "-p", "no:cacheprovider", "--no-header",
                          "tests/test_figures.py", "tests/test_checks.py", "course_lib", "grading"],
                         cwd=root, env=env, capture_output=True, text=True, timeout=900)
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
