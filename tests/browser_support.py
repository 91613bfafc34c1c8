"""What the browser tests share: Debian's Chromium through Playwright, free ports,
waiting with a message, background servers, and the end-of-module report.

``tests/test_browser.py`` (JupyterLab), ``tests/test_slides.py`` (live slides in
Voilà) and ``tests/test_book.py`` (the static website) import these; the
fixtures are imported by name into each module, so each module gets its own
browser and report.

Without Chromium, Playwright or the npm front-end files the browser tests skip
with the reason; with ``CI=true`` that is a failure instead.
"""
from __future__ import annotations

import os
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from tests._ci import IN_CI

REPO = Path(__file__).resolve().parents[1]
CHROMIUM = Path(os.environ.get("COURSE_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
LOOPBACK_HOSTS = {"127.0.0.1", "localhost", "[::1]", "::1"}


# --- requirements: skip locally, fail in CI ----------------------------------
def missing_requirement(reason):
    """Skip the test with ``reason``; fail instead when ``CI=true`` (CI must have everything)."""
    if IN_CI:
        pytest.fail(f"CI=true but {reason}; .ci/run must install Chromium, npm's packages (`npm ci`) "
                    "and `pip install -e .[test]` (which brings playwright)", pytrace=False)
    pytest.skip(f"browser test skipped: {reason}")


def require_node_modules(*paths):
    """The npm front-end files (package.json) the slides and the website serve."""
    missing = [path for path in paths if not (REPO / "node_modules" / path).exists()]
    if missing:
        missing_requirement(f"node_modules/{missing[0]} is missing (run `npm ci` in the repository, "
                            "or `make node_modules/.package-lock.json`)")


@pytest.fixture(scope="module")
def sync_playwright():
    try:
        from playwright.sync_api import sync_playwright as factory
    except ImportError as error:
        missing_requirement(f"the Python package playwright is not importable ({error}); "
                            "pip install -e '.[test]'")
    if not os.access(CHROMIUM, os.X_OK):
        missing_requirement(f"{CHROMIUM} is missing (Debian: apt-get install chromium; "
                            "or set COURSE_CHROMIUM to a Chromium binary)")
    return factory


@pytest.fixture(scope="module")
def browser(sync_playwright):
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS,
                                              headless=True)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture(scope="module")
def screenshots(tmp_path_factory):
    """A temporary folder, or COURSE_SCREENSHOTS when set (to keep them after the run)."""
    chosen = os.environ.get("COURSE_SCREENSHOTS")
    if chosen:
        Path(chosen).mkdir(parents=True, exist_ok=True)
        return Path(chosen)
    return tmp_path_factory.mktemp("browser_screenshots")


@pytest.fixture(scope="module")
def report(capsys_module):
    """Lines printed at the end of the module, whatever pytest captures."""
    lines = []
    yield lines
    if lines:
        with capsys_module.disabled():
            print("\n" + "\n".join(lines))


@pytest.fixture(scope="module")
def capsys_module(request):
    # capsys is function-scoped; the capture manager is what it uses to step aside.
    manager = request.config.pluginmanager.getplugin("capturemanager")

    class _Disabled:
        def disabled(self):
            return manager.global_and_fixture_disabled()

    return _Disabled()


# --- pages -----------------------------------------------------------------------
def wait(page, expression, what, timeout_ms, arg=None):
    """``page.wait_for_function`` whose timeout says what it was waiting for."""
    try:
        page.wait_for_function(expression, arg=arg, timeout=timeout_ms, polling=100)
    except Exception as error:
        raise AssertionError(f"timed out after {timeout_ms / 1000:.0f} s waiting for {what}") from error


def is_loopback(url):
    """True for http(s) URLs on this machine and for data:/blob: URLs (no network)."""
    parts = urlsplit(url)
    if parts.scheme in {"data", "blob", "about"}:
        return True
    return parts.hostname in LOOPBACK_HOSTS or (parts.hostname or "").startswith("127.")


def block_network(context):
    """Abort every request that would leave loopback; returns the list of those URLs."""
    left = []

    def route(route):
        if is_loopback(route.request.url):
            route.continue_()
        else:
            left.append(route.request.url)
            route.abort()

    context.route("**/*", route)
    return left


# --- servers -----------------------------------------------------------------------
def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def pids_mentioning(text):
    """Processes whose command line contains ``text`` (not this one)."""
    pids = []
    for entry in Path("/proc").glob("[0-9]*"):
        try:
            if text in (entry / "cmdline").read_bytes().decode(errors="replace"):
                pids.append(int(entry.name))
        except OSError:
            continue
    return [pid for pid in pids if pid != os.getpid()]


def stop_process_group(process, term_grace_s):
    """SIGTERM ``process``'s group and wait up to ``term_grace_s``; if it is still there, SIGKILL (10 s)."""
    if process is None or process.poll() is not None:
        return
    for sig, grace in ((signal.SIGTERM, term_grace_s), (signal.SIGKILL, 10)):
        try:
            os.killpg(process.pid, sig)
        except ProcessLookupError:
            return
        try:
            process.wait(timeout=grace)
            return
        except subprocess.TimeoutExpired:
            continue


def kill_mentioning(text):
    """SIGKILL every process whose command line names ``text`` (kernels run in sessions of their own)."""
    for pid in pids_mentioning(text):
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass


def log_tail(path, lines=40):
    """The last ``lines`` lines of a server's log, for failure messages."""
    try:
        text = Path(path).read_text(errors="replace").splitlines()
    except OSError:
        return "(no server log)"
    return f"--- last {lines} lines of {path} ---\n" + "\n".join(text[-lines:])


class Server:
    """A server command in its own process group, its output in ``log_path``."""

    def __init__(self, command, ready_url, log_path, cwd, env=None, start_timeout_s=90, marker=None):
        """``ready_url``: any HTTP answer from it means started; ``marker``: a text in the command
        line of every process the server starts (e.g. its runtime folder), killed on stop."""
        self.command, self.ready_url, self.log_path = command, ready_url, Path(log_path)
        self.cwd, self.env, self.start_timeout_s, self.marker = cwd, env, start_timeout_s, marker
        self.process = None

    def log_tail(self, lines=40):
        return log_tail(self.log_path, lines)

    def start(self):
        with open(self.log_path, "wb") as log:
            self.process = subprocess.Popen(self.command, stdin=subprocess.DEVNULL, stdout=log,
                                            stderr=subprocess.STDOUT, cwd=self.cwd, env=self.env,
                                            start_new_session=True)
        deadline = time.monotonic() + self.start_timeout_s
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"{self.command[0]} exited with code {self.process.returncode}\n"
                                   f"{self.log_tail()}")
            try:
                with urllib.request.urlopen(self.ready_url, timeout=10):
                    return self
            except urllib.error.HTTPError:
                return self
            except (OSError, urllib.error.URLError):
                time.sleep(0.3)
        raise RuntimeError(f"{self.command} did not answer on {self.ready_url} within {self.start_timeout_s} s\n"
                           f"{self.log_tail()}")

    def stop(self):
        """SIGTERM, then SIGKILL, to the server's process group, then to any process left with the marker."""
        stop_process_group(self.process, term_grace_s=15)
        if self.marker:  # kernels run in sessions of their own; any still alive names the marker
            kill_mentioning(self.marker)
