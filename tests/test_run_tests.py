"""tools/run_tests.py (`make test`): every test file in exactly one stream, and the run fails when any
stream fails or collects nothing."""
import sys
from pathlib import Path

from tests._tools import tool

REPO = Path(__file__).resolve().parents[1]
run_tests = tool("run_tests")


def test_every_test_file_runs_in_exactly_one_stream():
    streams = run_tests.commands("python")
    main_name, main_command = streams[0]
    ignored = {arg.removeprefix("--ignore=") for arg in main_command if arg.startswith("--ignore=")}
    side = [arg for _, command in streams[1:] for arg in command[3:]]
    assert sorted(ignored) == sorted(side) and len(side) == len(set(side))
    assert {"tests/test_slides.py", "tests/test_book.py", "tests/test_lite.py"} <= set(side)
    # the main stream collects the rest through pyproject.toml's testpaths: no file argument
    assert [arg for arg in main_command[3:] if not arg.startswith("--ignore=")] == []
    every = {str(p.relative_to(REPO)) for p in (REPO / "tests").glob("test_*.py")}
    assert set(side) <= every


def _fake_streams(monkeypatch, statuses):
    streams = [(f"stream {i}", [sys.executable, "-c", f"print('output of stream {i}'); raise SystemExit({s})"])
               for i, s in enumerate(statuses)]
    monkeypatch.setattr(run_tests, "commands", lambda python=sys.executable: streams)


def test_the_run_passes_only_if_every_stream_passes(monkeypatch, capfd):
    _fake_streams(monkeypatch, [0, 0, 0])
    assert run_tests.main([]) == 0
    out = capfd.readouterr().out
    assert "output of stream 1" in out and "output of stream 2" in out  # the side streams' output is shown
    for statuses in ([0, 1, 0], [2, 0, 0], [0, 0, 5]):  # a failure, an error, a stream that collected nothing
        _fake_streams(monkeypatch, statuses)
        assert run_tests.main([]) == 1, statuses
    assert "collected no tests" in capfd.readouterr().out


def test_streams_use_one_blas_thread_unless_told_otherwise():
    env = run_tests.stream_environment({"PATH": "/bin", "OMP_NUM_THREADS": "2"})
    assert env["OPENBLAS_NUM_THREADS"] == env["MKL_NUM_THREADS"] == "1"
    assert env["OMP_NUM_THREADS"] == "2" and env["PATH"] == "/bin"
