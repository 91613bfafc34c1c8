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
"""
from __future__ import annotations

import multiprocessing
import os
import signal
import sys

# What every child needs, imported once in the fork server.
PRELOAD = ["nbgrader.apps.nbgraderapp", "nbgrader.apps.autogradeapp", "nbgrader.converters.autograde",
           "nbgrader.preprocessors", "nbclient", "jupyter_client.manager", "grading.nbgrader_plugins",
           "grading.assignments"]


def run_nbgrader_child(argv: list[str], cwd: str, env: dict[str, str], log_path: str) -> None:
    """In the forked child: ``nbgrader <argv>`` in ``cwd`` with exactly ``env``, output to ``log_path``."""
    os.setsid()
    log = os.open(log_path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.dup2(log, 1)
    os.dup2(log, 2)
    os.close(log)
    sys.stdout = os.fdopen(1, "w", buffering=1)
    sys.stderr = os.fdopen(2, "w", buffering=1)
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


class Runner:
    """Runs ``nbgrader`` commands in children forked from one pre-imported server.

    ``run`` may be called from several threads at once (one per job).
    """

    def __init__(self) -> None:
        self.context = multiprocessing.get_context("forkserver")
        self.context.set_forkserver_preload(PRELOAD)

    def run(self, argv: list[str], cwd: str, env: dict[str, str], log_path: str, timeout: float) -> int | None:
        """The exit status of ``nbgrader <argv>``, or None if it was killed after ``timeout`` seconds."""
        child = self.context.Process(target=run_nbgrader_child, args=(list(argv), str(cwd), dict(env),
                                                                      str(log_path)))
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

    def close(self) -> None:
        """Stop the fork server (and wait for it, so that its CPU time is accounted to this process)."""
        from multiprocessing import forkserver
        stop = getattr(forkserver._forkserver, "_stop", None)
        if stop is not None:
            stop()
