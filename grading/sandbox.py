"""The bubblewrap sandbox a student's kernel runs in (one per submission).

The grader never runs student code in its own process. For every submission
it writes a kernelspec (``kernel.json``) whose command is this module's
``launch``; ``launch`` turns the kernel command into a ``bwrap`` command line:

- new user, PID, network, IPC, UTS and cgroup namespaces (``--unshare-all``:
  no network at all), every capability dropped (``--cap-drop ALL``: as root,
  a kernel with capabilities could remount a read-only bind writable), a new
  session (no terminal), killed with its parent (``--die-with-parent``), an
  empty environment (``--clearenv``; ``JPY_PARENT_PID`` must not leak in: in
  the new PID namespace ipykernel would think its parent died and exit);
- a read-only root built from ``/usr``, a few files of ``/etc``, the Python
  installation, the virtual environment and the sandbox's own library folder
  (a copy of ``course_lib`` without the assignment's answer-key functions,
  plus the kernel side of the grader); packages a student could use as an
  answer key (``torch``, ``scipy``, ...) are hidden by empty folders;
- the base interpreter's standard library is visible, but no folder of
  packages other than the course environment's own (the base interpreter's
  ``site-packages``, Debian's ``dist-packages`` are empty folders inside);
- writable: only the results folder the grader reads afterwards (through
  descriptors, :mod:`grading.results`) and the folder of the kernel's sockets
  (ZeroMQ over unix sockets, ``transport = "ipc"``), both size-capped tmpfs in
  the mount namespace of the submission's nbgrader run
  (:func:`results_namespace`), never on the grading machine's disk; the kernel's working
  folder, ``/tmp`` and ``/dev/shm`` are private, size-capped in-memory
  folders that exist only inside the sandbox (nothing the kernel writes there
  reaches the grading machine's disk, and the grader never looks at them);
- ``prlimit`` *inside* the sandbox caps processes, address space, file size
  and CPU time (outside, ``--nproc`` would count all the grader's processes);
- a cgroup per sandbox (:func:`job_cgroups`, where the grader may create
  one: as root, or in a delegated cgroup v2 subtree) caps the memory of the
  whole sandbox (all its processes and its in-memory folders together) and,
  for root, whom Linux never applies the process limit to, the number of
  processes (measured on the CI machines: prlimit alone let a root sandbox
  start 60 of 60 processes with ``--nproc=20``, a normal user 18; the cgroup
  stops the root sandbox at 64). Where no cgroup can be made, the summary
  says which limit is not enforced.

Nothing else of the machine is visible: not the gradebook, ``solutions/``,
``submitted/``, other students' folders or the grader's processes.
"""
from __future__ import annotations

import functools
import glob
import json
import os
import shutil
import sys
import sysconfig
import time
from pathlib import Path

BWRAP = shutil.which("bwrap") or "/usr/bin/bwrap"
PRLIMIT = shutil.which("prlimit") or "/usr/bin/prlimit"
KERNEL_NAME = "course-sandbox"

# Limits inside the sandbox (per submission).
MAX_PROCESSES = 64            # threads count too: numpy's BLAS is told to use one thread
MAX_ADDRESS_SPACE = 3 << 30   # bytes (3 GiB of virtual memory: a 4 GiB allocation fails)
MAX_FILE_SIZE = 64 << 20      # bytes, per file written
MAX_CPU_SECONDS = 600         # per kernel (the grader also stops each cell after Execute.timeout)
TMP_SIZE = 64 << 20           # bytes of the private /tmp and /dev/shm (each)
WORK_SIZE = 64 << 20          # bytes of the kernel's private working folder
MAX_MEMORY = 3 << 30          # bytes of memory of the whole sandbox (cgroup), in-memory folders included

# Packages a student could call instead of writing the answer; hidden in the sandbox.
HIDDEN_PACKAGES = ("torch", "torchvision", "scipy", "skimage", "cv2", "tensorflow", "jax", "jaxlib",
                   "keras", "PIL", "sklearn")

# Files of /etc a Python kernel needs (not the whole of /etc: as root, the
# kernel could read root-only files there).
ETC_FILES = ("ld.so.cache", "ld.so.conf", "ld.so.conf.d", "localtime", "nsswitch.conf", "passwd", "group",
             "fonts", "mime.types")

# Where things appear inside the sandbox.
INSIDE_LIB = "/grading/lib"
INSIDE_INPUTS = "/grading/inputs"
INSIDE_RESULTS = "/grading/results"


def available() -> str | None:
    """None if bwrap can run here, else the reason."""
    if not Path(BWRAP).exists():
        return f"bubblewrap is not installed ({BWRAP} is missing; Debian/Ubuntu: apt-get install bubblewrap)"
    import subprocess
    probe = subprocess.run([BWRAP, "--unshare-all", "--cap-drop", "ALL", "--die-with-parent",
                            "--ro-bind", "/usr", "/usr", "--symlink", "usr/bin", "/bin",
                            "--symlink", "usr/lib", "/lib", "--symlink", "usr/lib64", "/lib64",
                            "/usr/bin/true"], capture_output=True, text=True)
    if probe.returncode != 0:
        return f"bwrap cannot create a sandbox here: {probe.stderr.strip()}"
    return None


def write_kernelspec(folder: Path, job: Path) -> Path:
    """Write ``folder/kernels/course-sandbox/kernel.json`` for the submission graded in ``job``.

    ``folder`` goes on ``JUPYTER_PATH`` of the nbgrader process; the kernel
    interrupts by message, because a SIGINT at a cell timeout would reach bwrap
    and end the whole sandbox (every later cell would score 0).
    """
    spec_dir = folder / "kernels" / KERNEL_NAME
    spec_dir.mkdir(parents=True, exist_ok=True)
    spec = {
        "argv": [sys.executable, "-m", "grading.sandbox", str(job), "{connection_file}"],
        "display_name": "Python 3 (grading sandbox)",
        "language": "python",
        "interrupt_mode": "message",
        "env": {},
    }
    (spec_dir / "kernel.json").write_text(json.dumps(spec, indent=1))
    return spec_dir


def other_package_folders() -> list[str]:
    """Folders of Python packages that are not the course environment's: the base interpreter's
    ``site-packages`` (the venv is made from it; its standard library must stay visible, its
    packages must not: a student could put them on ``sys.path``), Debian's ``dist-packages`` and
    ``/usr/local``'s. Inside the sandbox each is an empty folder."""
    own = {os.path.realpath(p) for p in (sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"])}
    base = sysconfig.get_paths(vars={"base": sys.base_prefix, "platbase": sys.base_exec_prefix})
    found = {base["purelib"], base["platlib"]}
    for pattern in ("/usr/lib/python3*/dist-packages", "/usr/lib/python3*/site-packages",
                    "/usr/local/lib/python3*/dist-packages", "/usr/local/lib/python3*/site-packages",
                    "/usr/lib/python3/dist-packages"):
        found |= set(glob.glob(pattern))
    return sorted(p for p in found if os.path.isdir(p) and os.path.realpath(p) not in own)


def bwrap_command(job: Path, connection_file: str, workdir: str) -> list[str]:
    """The full command line that starts the sandboxed kernel of one submission.

    ``job`` holds ``lib/`` (read-only library folder), ``inputs/`` (read-only),
    ``results/`` and ``ipc/`` (writable); ``workdir`` is the submission's
    throwaway working folder (the kernel's current folder, writable).
    """
    venv = Path(sys.prefix)
    base = Path(sys.base_prefix)
    python = venv / "bin" / "python"
    args = [BWRAP, "--unshare-all", "--cap-drop", "ALL", "--die-with-parent", "--new-session",
            "--clearenv", "--hostname", "grading-sandbox",
            "--ro-bind", "/usr", "/usr",
            "--symlink", "usr/bin", "/bin", "--symlink", "usr/sbin", "/sbin",
            "--symlink", "usr/lib", "/lib", "--symlink", "usr/lib64", "/lib64",
            "--proc", "/proc", "--dev", "/dev",
            "--size", str(TMP_SIZE), "--tmpfs", "/tmp",
            "--size", str(TMP_SIZE), "--tmpfs", "/dev/shm"]
    for name in ETC_FILES:
        args += ["--ro-bind-try", f"/etc/{name}", f"/etc/{name}"]
    for path in {base, venv}:
        if not str(path).startswith("/usr/"):
            args += ["--ro-bind", str(path), str(path)]
    for folder in other_package_folders():
        args += ["--tmpfs", folder]
    for site in {sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"]}:
        for name in HIDDEN_PACKAGES:
            if (Path(site) / name).is_dir():
                args += ["--tmpfs", str(Path(site) / name)]
    args += ["--ro-bind", str(job / "lib"), INSIDE_LIB,
             "--ro-bind", str(job / "inputs"), INSIDE_INPUTS,
             "--bind", str(job / "results"), INSIDE_RESULTS,
             "--bind", str(job / "ipc"), str(job / "ipc"),
             "--size", str(WORK_SIZE), "--tmpfs", workdir,
             "--remount-ro", "/",
             "--chdir", workdir]
    env = {"HOME": "/tmp", "PATH": f"{venv}/bin:/usr/bin:/bin", "LANG": "C.UTF-8",
           "PYTHONPATH": INSIDE_LIB, "PYTHONDONTWRITEBYTECODE": "1", "MPLBACKEND": "Agg",
           "MPLCONFIGDIR": "/tmp/matplotlib", "IPYTHONDIR": "/tmp/ipython",
           "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1",
           "GRADING_INPUTS": INSIDE_INPUTS, "GRADING_RESULTS": INSIDE_RESULTS}
    for key, value in env.items():
        args += ["--setenv", key, value]
    args += [PRLIMIT, f"--nproc={MAX_PROCESSES}", f"--as={MAX_ADDRESS_SPACE}", f"--fsize={MAX_FILE_SIZE}",
             f"--cpu={MAX_CPU_SECONDS}", "--core=0", "--",
             str(python), "-m", "ipykernel_launcher", "-f", connection_file]
    return args


def _swap_in_use() -> bool:
    """Whether this machine has swap (a line besides the header in /proc/swaps)."""
    try:
        return len(Path("/proc/swaps").read_text().strip().splitlines()) > 1
    except OSError:
        return False


def _own_cgroups() -> dict[str, str]:
    """This process's cgroup path per controller ("" for cgroup v2)."""
    own = {}
    for line in Path("/proc/self/cgroup").read_text().splitlines():
        _, controllers, path = line.split(":", 2)
        for controller in controllers.split(",") or [""]:
            own[controller] = path
    return own


def _make_group(base: Path, name: str, settings: dict[str, str]) -> Path | None:
    """Create ``base/name``, write ``settings`` (file -> value) and move this process in; None on failure."""
    group = base / name
    try:
        group.mkdir()
        for file, value in settings.items():
            (group / file).write_text(value)
        (group / "cgroup.procs").write_text(str(os.getpid()))
    except OSError:
        try:
            group.rmdir()
        except OSError:
            pass
        return None
    return group


def job_cgroups(job: Path) -> tuple[list[Path], list[str]]:
    """Put this process (and so the whole sandbox it becomes) into cgroups that cap the memory of the
    sandbox and, as root, its processes. Returns the groups made (to remove after the job) and one line
    per limit that could not be enforced.

    cgroup v1 (``/sys/fs/cgroup/memory``, ``/sys/fs/cgroup/pids``: root only) and v2 (a parent with
    the ``memory`` and ``pids`` controllers that this user may write, e.g. a delegated systemd
    subtree) are tried. ``RLIMIT_NPROC`` (prlimit's ``--nproc``) is never enforced for root, so a
    root grader needs the ``pids`` cgroup for the process limit; for a normal user prlimit suffices.
    """
    own = _own_cgroups()
    name = f"grading-{job.name}-{os.getpid()}"
    swap_uncapped = False
    made, memory, pids = [], False, os.geteuid() != 0  # a normal user's processes: prlimit
    v2_root = next((p for p in (Path("/sys/fs/cgroup"), Path("/sys/fs/cgroup/unified"))
                    if (p / "cgroup.controllers").exists()), None)
    if "" in own and v2_root:  # cgroup v2: one group with both controllers, if the parent enables them
        base = v2_root / own[""].lstrip("/")
        try:
            enabled = (base / "cgroup.subtree_control").read_text().split()
        except OSError:
            enabled = []
        settings = {}
        if "memory" in enabled:
            settings.update({"memory.max": str(MAX_MEMORY), "memory.swap.max": "0"})
        if "pids" in enabled:
            settings["pids.max"] = str(MAX_PROCESSES)
        group = _make_group(base, name, settings) if settings else None
        if group:
            made.append(group)
            memory, pids = "memory" in enabled, pids or "pids" in enabled
    if not memory and "memory" in own:  # cgroup v1
        group = _make_group(Path("/sys/fs/cgroup/memory") / own["memory"].lstrip("/"), name,
                            {"memory.limit_in_bytes": str(MAX_MEMORY)})
        if group:
            made.append(group)
            memory = True
            try:  # memory + swap, where the kernel accounts swap
                (group / "memory.memsw.limit_in_bytes").write_text(str(MAX_MEMORY))
            except OSError:
                if _swap_in_use():
                    swap_uncapped = True
    if not pids and "pids" in own:
        group = _make_group(Path("/sys/fs/cgroup/pids") / own["pids"].lstrip("/"), name,
                            {"pids.max": str(MAX_PROCESSES)})
        if group:
            made.append(group)
            pids = True
    missing = []
    if not memory:
        missing.append(f"memory of the whole sandbox not capped (no memory cgroup could be made here; "
                       f"each process is still limited to {MAX_ADDRESS_SPACE >> 30} GiB of address space)")
    if swap_uncapped:
        missing.append(f"swap not capped (this kernel does not account swap per cgroup: a sandbox may "
                       f"swap out memory beyond its {MAX_MEMORY >> 30} GiB)")
    if not pids:
        missing.append("no process limit (root, no pids cgroup)")
    return made, missing


def remove_cgroups(groups: list[Path]) -> None:
    """Remove the cgroups of a finished job (they are empty once the sandbox is gone)."""
    for group in groups:
        for _ in range(20):
            try:
                group.rmdir()
                break
            except FileNotFoundError:
                break
            except OSError:  # a process still exiting
                time.sleep(0.1)


# --- the folders the sandbox shares with nbgrader: in memory, of a fixed size ---------------------

UNSHARE = shutil.which("unshare") or "/usr/bin/unshare"
RESULTS_SIZE = 64 << 20  # bytes the sandbox may write into /grading/results, all files together
IPC_SIZE = 4 << 20       # bytes of the kernel's socket folder (sockets and the connection file)


def results_namespace(results: Path, ipc: Path | None = None) -> list[str]:
    """The command prefix that runs nbgrader (and so the kernel and the judging) in a mount namespace
    of its own where ``results`` (and ``ipc``) are tmpfs of RESULTS_SIZE (IPC_SIZE) bytes: the only
    folders the sandbox can write outside itself are then in memory, capped, and gone when nbgrader
    ends. A normal user gets the namespace from an unprivileged user namespace (its own uid mapped,
    the capability to mount kept only until the folders are mounted)."""
    user = [] if os.geteuid() == 0 else ["--user", "--map-current-user", "--keep-caps"]
    folders = [f"{results}={RESULTS_SIZE}"] + ([f"{ipc}={IPC_SIZE}"] if ipc else [])
    return [UNSHARE, "--mount", "--propagation", "private", *user, "--",
            sys.executable, "-m", "grading.sandbox", "--tmpfs", *folders, "--"]


@functools.cache
def results_namespace_works() -> str | None:
    """None if :func:`results_namespace` works here, else why not (asked once per process)."""
    import subprocess
    import tempfile

    with tempfile.TemporaryDirectory(prefix="grading-probe-") as folder:
        probe = subprocess.run([*results_namespace(Path(folder)), sys.executable, "-c", "pass"],
                               capture_output=True, text=True,
                               env=dict(os.environ, PYTHONPATH=str(Path(__file__).resolve().parents[1])))
    if probe.returncode != 0:
        return (probe.stderr.strip().splitlines() or [f"exit {probe.returncode}"])[-1]
    return None


def mount_and_exec(argv: list[str]) -> None:
    """``python -m grading.sandbox --tmpfs FOLDER=BYTES... -- COMMAND...`` (inside the namespace)."""
    import ctypes

    split = argv.index("--")
    folders, command = argv[:split], argv[split + 1:]
    libc = ctypes.CDLL(None, use_errno=True)
    MS_NOSUID, MS_NODEV, MS_NOEXEC = 2, 4, 8
    for spec in folders:
        folder, _, size = spec.rpartition("=")
        options = f"size={int(size)},mode=0700".encode()
        if libc.mount(b"tmpfs", os.fsencode(folder), b"tmpfs", MS_NOSUID | MS_NODEV | MS_NOEXEC, options) != 0:
            raise SystemExit(f"cannot mount a tmpfs on {folder}: {os.strerror(ctypes.get_errno())}")
    # Drop the capabilities the user namespace gave (bwrap refuses to start with them).
    PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL = 47, 4
    libc.prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0)
    os.execvp(command[0], command)


def main(argv: list[str]) -> None:
    """Kernelspec entry point: ``python -m grading.sandbox JOB CONNECTION_FILE``."""
    if argv and argv[0] == "--tmpfs":
        mount_and_exec(argv[1:])
        return
    job, connection_file = Path(argv[0]), argv[1]
    # A copy of the connection file (ports, key) in the socket folder, the
    # only place the sandbox sees it.
    inside = job / "ipc" / Path(connection_file).name
    if Path(connection_file).resolve() != inside.resolve():
        shutil.copyfile(connection_file, inside)
    command = bwrap_command(job, str(inside), os.getcwd())
    groups, missing = job_cgroups(job)
    with open(job / "limits.txt", "a") as handle:
        handle.writelines([f"cgroup {group}\n" for group in groups] + [f"{line}\n" for line in missing])
    os.execv(command[0], command)


if __name__ == "__main__":
    main(sys.argv[1:])
