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
- writable: only the submission's throwaway working folder, the results
  folder the grader reads afterwards, and the folder of the kernel's sockets
  (ZeroMQ over unix sockets, ``transport = "ipc"``); ``/tmp`` and
  ``/dev/shm`` are private, size-capped in-memory folders;
- ``prlimit`` *inside* the sandbox caps processes, address space, file size
  and CPU time (outside, ``--nproc`` would count all the grader's processes).
  Linux never applies the process limit to root, so a grader running as root
  (CI, containers) puts each sandbox in its own ``pids`` cgroup instead
  (:func:`pids_cgroup`; measured on the CI machines: prlimit alone let a
  root sandbox start 60 of 60 processes with ``--nproc=20``, a normal user
  18; the cgroup stops the root sandbox at 64).

Nothing else of the machine is visible: not the gradebook, ``solutions/``,
``submitted/``, other students' folders or the grader's processes.
"""
from __future__ import annotations

import json
import os
import shutil
import sys
import sysconfig
from pathlib import Path

BWRAP = shutil.which("bwrap") or "/usr/bin/bwrap"
PRLIMIT = shutil.which("prlimit") or "/usr/bin/prlimit"
KERNEL_NAME = "course-sandbox"

# Limits inside the sandbox (per submission).
MAX_PROCESSES = 64            # threads count too: numpy's BLAS is told to use one thread
MAX_ADDRESS_SPACE = 3 << 30   # bytes (3 GiB of virtual memory: a 4 GiB allocation fails)
MAX_FILE_SIZE = 64 << 20      # bytes, per file written
MAX_CPU_SECONDS = 600         # per kernel (the grader also stops each cell after Execute.timeout)
TMP_SIZE = 64 << 20           # bytes of the private /tmp and /dev/shm

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
    for site in {sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"]}:
        for name in HIDDEN_PACKAGES:
            if (Path(site) / name).is_dir():
                args += ["--tmpfs", str(Path(site) / name)]
    args += ["--ro-bind", str(job / "lib"), INSIDE_LIB,
             "--ro-bind", str(job / "inputs"), INSIDE_INPUTS,
             "--bind", str(job / "results"), INSIDE_RESULTS,
             "--bind", str(job / "ipc"), str(job / "ipc"),
             "--bind", workdir, workdir,
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


def pids_cgroup(job: Path) -> Path | None:
    """As root, a ``pids`` cgroup capping the job's processes; None if there is none to make.

    ``RLIMIT_NPROC`` (prlimit's ``--nproc``) is never enforced for root, so a
    grader running as root (CI, containers) needs this for the process limit;
    for a normal user prlimit suffices. cgroup v1 (``/sys/fs/cgroup/pids``) and
    v2 (a ``pids``-enabled parent) are tried.
    """
    if os.geteuid() != 0:
        return None
    own = {}
    for line in Path("/proc/self/cgroup").read_text().splitlines():
        _, controllers, path = line.split(":", 2)
        for controller in controllers.split(",") or [""]:
            own[controller] = path
    candidates = []
    if "pids" in own:
        candidates.append(Path("/sys/fs/cgroup/pids") / own["pids"].lstrip("/"))
    if "" in own:
        candidates.append(Path("/sys/fs/cgroup") / own[""].lstrip("/"))
    for base in candidates:
        group = base / f"grading-{job.name}-{os.getpid()}"
        try:
            group.mkdir()
            (group / "pids.max").write_text(str(MAX_PROCESSES))
            (group / "cgroup.procs").write_text(str(os.getpid()))
        except OSError:
            try:
                group.rmdir()
            except OSError:
                pass
            continue
        return group
    return None


def main(argv: list[str]) -> None:
    """Kernelspec entry point: ``python -m grading.sandbox JOB CONNECTION_FILE``."""
    job, connection_file = Path(argv[0]), argv[1]
    # A copy of the connection file (ports, key) in the socket folder, the
    # only place the sandbox sees it.
    inside = job / "ipc" / Path(connection_file).name
    if Path(connection_file).resolve() != inside.resolve():
        shutil.copyfile(connection_file, inside)
    command = bwrap_command(job, str(inside), os.getcwd())
    if os.geteuid() == 0:
        group = pids_cgroup(job)
        with open(job / "limits.txt", "a") as handle:
            handle.write(f"pids cgroup {group}\n" if group else "no process limit (root, no pids cgroup)\n")
    os.execv(command[0], command)


if __name__ == "__main__":
    main(sys.argv[1:])
