"""Persistent grading workers: nbgrader is imported once per run, each submission is a fork.

Starting ``python -m nbgrader autograde`` for every submission costs about 3 s
of CPU before any student code runs (importing nbgrader, nbconvert,
SQLAlchemy, jupyter_client: measured with ``python -c "import
nbgrader.apps.autogradeapp"``). A :class:`Runner` starts one ``forkserver``
process per grading run that has imported all of that; every submission is a
fresh child forked from it, so a submission costs its sandboxed kernel's run.

Each child is still a process of its own (nbgrader's apps are singletons with
global configuration, and a job sets its own working folder and environment),
in a new session, with its output in the job's log file; the kernel it starts
is the bubblewrap sandbox of :mod:`grading.sandbox`, exactly as with a
separate nbgrader process. A child that outlives ``timeout`` is killed with
its process group (the sandbox dies with its parent).

With ``tmpfs`` (the job's results and socket folders with their sizes), the
child first enters a mount namespace of its own (and, for a normal user, a user
namespace mapping only its own ids) and mounts a size-capped tmpfs on each, as
``grading.sandbox.results_namespace`` does for a separate process: the only
folders the sandbox writes outside itself are then in memory and gone when the
child ends.
"""
from __future__ import annotations

import multiprocessing
import os
import signal
import sys

# What every child needs, imported once in the fork server.
PRELOAD = ["nbgrader.apps.nbgraderapp", "nbgrader.apps.autogradeapp", "nbgrader.converters.autograde",
           "nbgrader.preprocessors", "nbclient", "jupyter_client.manager", "grading.nbgrader_plugins",
           "grading.assignments", "grading.worker", "grading.cli"]


CLONE_NEWNS, CLONE_NEWUSER = 0x00020000, 0x10000000
MS_NOSUID, MS_NODEV, MS_NOEXEC, MS_REC, MS_PRIVATE = 2, 4, 8, 1 << 14, 1 << 18
PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL = 47, 4


def enter_tmpfs_namespace(folders: list[tuple[str, int]]) -> None:
    """In this (single-threaded) process: a private mount namespace with a tmpfs of the given
    size on each folder; raises OSError if the kernel refuses."""
    import ctypes

    libc = ctypes.CDLL(None, use_errno=True)
    uid, gid = os.geteuid(), os.getegid()

    def check(result: int, what: str) -> None:
        if result != 0:
            error = ctypes.get_errno()
            raise OSError(error, f"{what}: {os.strerror(error)}")
    check(libc.unshare(CLONE_NEWNS | (0 if uid == 0 else CLONE_NEWUSER)), "unshare")
    if uid != 0:  # map only our own ids (what `unshare --map-current-user` does)
        for name, text in (("setgroups", "deny"), ("uid_map", f"{uid} {uid} 1"), ("gid_map", f"{gid} {gid} 1")):
            with open(f"/proc/self/{name}", "w") as handle:
                handle.write(text)
    check(libc.mount(None, b"/", None, MS_REC | MS_PRIVATE, None), "making mounts private")
    for folder, size in folders:
        options = f"size={int(size)},mode=0700".encode()
        check(libc.mount(b"tmpfs", os.fsencode(folder), b"tmpfs", MS_NOSUID | MS_NODEV | MS_NOEXEC, options),
              f"mounting a tmpfs on {folder}")
    libc.prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0)  # nothing passes to bwrap


def run_nbgrader_child(argv: list[str], cwd: str, env: dict[str, str], log_path: str,
                       tmpfs: list[tuple[str, int]] = ()) -> None:
    """In the forked child: ``nbgrader <argv>`` in ``cwd`` with exactly ``env``, output to ``log_path``."""
    os.setsid()
    log = os.open(log_path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.dup2(log, 1)
    os.dup2(log, 2)
    os.close(log)
    sys.stdout = os.fdopen(1, "w", buffering=1)
    sys.stderr = os.fdopen(2, "w", buffering=1)
    if tmpfs:
        try:
            enter_tmpfs_namespace(list(tmpfs))
        except OSError as error:
            print(f"[grading | ERROR] cannot mount the results and socket folders: {error}", flush=True)
            os._exit(3)
    os.chdir(cwd)
    os.environ.clear()
    os.environ.update(env)
    sys.argv = ["nbgrader", *argv]
    from nbgrader.apps.nbgraderapp import NbGraderApp

    code = 0
    try:
        NbGraderApp.launch_instance(argv=argv)
    except SystemExit as stop:
        code = stop.code if isinstance(stop.code, int) else (0 if stop.code is None else 1)
    except BaseException:  # noqa: BLE001 (reported through the exit status and the log)
        import traceback
        traceback.print_exc()
        code = 1
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)


def call_child(connection, function, args) -> None:
    """In a forked child: send ``function(*args)`` (or the exception) back through ``connection``."""
    try:
        connection.send((True, function(*args)))
    except BaseException as error:  # noqa: BLE001 (re-raised in the parent)
        connection.send((False, error))
    finally:
        connection.close()


class Runner:
    """Runs ``nbgrader`` commands in children forked from one pre-imported server.

    ``run`` may be called from several threads at once (one per job).
    """

    def __init__(self) -> None:
        self.context = multiprocessing.get_context("forkserver")
        self.context.set_forkserver_preload(PRELOAD)

    def run(self, argv: list[str], cwd: str, env: dict[str, str], log_path: str, timeout: float,
            tmpfs: list[tuple[os.PathLike, int]] = ()) -> int | None:
        """The exit status of ``nbgrader <argv>``, or None if it was killed after ``timeout`` seconds.
        ``tmpfs``: (folder, bytes) to mount a tmpfs on, in the child's own mount namespace."""
        child = self.context.Process(target=run_nbgrader_child, args=(
            list(argv), str(cwd), dict(env), str(log_path), [(str(f), int(n)) for f, n in tmpfs]))
        child.start()
        child.join(timeout)
        if child.exitcode is None:
            for kill in (lambda: os.killpg(child.pid, signal.SIGKILL), child.kill):
                try:
                    kill()
                except (ProcessLookupError, PermissionError):
                    pass
            child.join()
            return None
        return child.exitcode

    def call(self, function, *args):
        """``function(*args)`` in a child forked from the server (nbgrader already imported there),
        e.g. reading the gradebook for the summary; its result comes back pickled."""
        receive, send = self.context.Pipe(duplex=False)
        child = self.context.Process(target=call_child, args=(send, function, args))
        child.start()
        send.close()
        try:
            ok, value = receive.recv()
        except EOFError:
            child.join()
            raise RuntimeError(f"the grading worker ended with status {child.exitcode} before answering")
        child.join()
        if not ok:
            raise value
        return value

    def close(self) -> None:
        """Stop the fork server (and wait for it, so that its CPU time is accounted to this process)."""
        from multiprocessing import forkserver
        stop = getattr(forkserver._forkserver, "_stop", None)
        if stop is not None:
            stop()
