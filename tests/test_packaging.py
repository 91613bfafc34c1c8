"""The packaging files agree with each other and with the layout the README promises."""
import re
from pathlib import Path

import yaml

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10
    import tomli as tomllib

import course_lib
from tests._tools import tool

ROOT = Path(__file__).resolve().parents[1]


def requirement_map(requirements):
    """{'numpy': '>=1.23', ...} from PEP 508 / conda match specs."""
    parsed = {}
    for requirement in requirements:
        match = re.fullmatch(r"\s*([A-Za-z0-9_.\-]+)\s*([<>=!~].*)?", requirement)
        assert match, f"cannot parse requirement {requirement!r}"
        parsed[match.group(1).lower().replace("_", "-")] = (match.group(2) or "").replace(" ", "")
    return parsed


def load_project():
    return tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]


def load_environment():
    return yaml.safe_load((ROOT / "environment.yml").read_text())


def test_environment_and_pyproject_name_the_same_runtime_packages():
    project = load_project()
    runtime = requirement_map(project["dependencies"])
    lab = requirement_map(project["optional-dependencies"]["lab"])
    conda = requirement_map(d for d in load_environment()["dependencies"] if isinstance(d, str))
    assert set(conda) - {"python", "pip"} == set(runtime) | set(lab)


def _lock():
    return tool("lock")


def test_environment_pins_the_locked_versions():
    """environment.yml installs exactly what constraints.txt (`make lock`) pins, so conda, Binder and make agree."""
    lock = _lock()
    _, pins = lock.read_lock()
    conda = requirement_map(d for d in load_environment()["dependencies"] if isinstance(d, str))
    for name, spec in conda.items():
        if name not in {"python", "pip"}:
            assert spec == f"=={pins[name]}", f"environment.yml: {name}{spec}, constraints.txt: {pins.get(name)}"


def test_lock_pins_every_requirement_of_the_extras_and_satisfies_pyproject():
    """Every package pyproject names (runtime and every extra) is in the lock, at a version its range allows."""
    from packaging.requirements import Requirement

    lock = _lock()
    python, pins = lock.read_lock()
    project = load_project()
    requirements = [Requirement(text) for text in project["dependencies"]]
    own_venv = {"lite", "oldest"}   # built in their own venvs (.venv-lite, .venv-oldest), pinned in pyproject itself
    extras = project["optional-dependencies"]
    requirements += [Requirement(text) for name, extra in extras.items() if name not in own_venv for text in extra]
    for name in own_venv:
        for text in extras[name]:
            specifiers = list(Requirement(text).specifier)
            assert len(specifiers) == 1 and specifiers[0].operator == "==", \
                f"the {name!r} extra is installed without the lock: pin it exactly, got {text!r}"
    environment = {"python_version": python, "extra": ""}
    for requirement in requirements:
        if requirement.marker is not None and not requirement.marker.evaluate(environment):
            continue
        name = lock.canonical(requirement.name)
        assert name in pins, f"{requirement} is not in constraints.txt: run `make lock`"
        assert requirement.specifier.contains(pins[name], prereleases=True), \
            f"constraints.txt pins {name}=={pins[name]}, outside pyproject's {requirement}: run `make lock`"
    assert pins["torch"] == "2.13.0"   # CI's oracle, the version .ci/run installs


def test_make_and_ci_install_through_the_lock():
    makefile = (ROOT / "Makefile").read_text()
    assert makefile.count("$(PIP_INSTALL) -e") == 3 and "tools/lock.py pip-args" in makefile
    assert "-c constraints.txt" in (ROOT / ".ci" / "run").read_text()


def test_environment_installs_the_package_itself_and_python_matches():
    environment = load_environment()
    pip_sections = [d["pip"] for d in environment["dependencies"] if isinstance(d, dict)]
    assert pip_sections == [["-e ."]]
    conda = requirement_map(d for d in environment["dependencies"] if isinstance(d, str))
    assert conda["python"] == load_project()["requires-python"] == ">=3.10"


def test_public_api_is_importable_from_the_package():
    names = ["conv2d", "conv_transpose2d", "conv_output_size", "conv_transpose_output_size", "conv_matrix",
             "interpolate", "max_pool2d", "max_unpool2d", "bed_of_nails", "pixel_shuffle", "overlap_counts"]
    missing = [name for name in names if not callable(getattr(course_lib, name, None))]
    assert missing == []
    assert set(names) <= set(course_lib.__all__)


def test_public_signatures_match_the_course_design():
    import inspect

    expected = {
        "conv2d": "(x, weight, bias=None, stride=1, padding=0, dilation=1)",
        "conv_transpose2d": "(x, weight, bias=None, stride=1, padding=0, output_padding=0, dilation=1)",
        "conv_output_size": "(size, kernel_size, stride=1, padding=0, dilation=1)",
        "conv_transpose_output_size": "(size, kernel_size, stride=1, padding=0, output_padding=0, dilation=1)",
        "interpolate": "(x, size=None, scale_factor=None, mode='nearest', align_corners=None)",
        "max_pool2d": "(x, kernel_size, stride=None, padding=0)",
        "max_unpool2d": "(x, indices, kernel_size, stride=None, padding=0, output_size=None)",
        "bed_of_nails": "(x, stride)",
        "pixel_shuffle": "(x, upscale_factor)",
        "overlap_counts": "(kernel_size, stride, n_inputs)",
    }
    actual = {name: str(inspect.signature(getattr(course_lib, name))) for name in expected}
    assert actual == expected
    # conv_matrix keeps the documented arguments first (dilation is an extension).
    assert str(inspect.signature(course_lib.conv_matrix)).startswith("(kernel, input_shape, stride=1, padding=0")


def test_course_never_imports_torch():
    offenders = [str(path.relative_to(ROOT)) for folder in ("course_lib", "notebooks")
                 for path in (ROOT / folder).rglob("*.py*")
                 if re.search(r"^\s*(import torch|from torch)", path.read_text(errors="ignore"), re.M)]
    assert offenders == []
