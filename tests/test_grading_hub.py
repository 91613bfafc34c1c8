"""The JupyterHub recipe's two steps that need no hub: collect from the students' inbox, return feedback.

The inbox is the students' (anything may be there): notebooks under odd names
are collected and noted, symlinks, folders and oversized files are skipped with
a reason and never read, and the outbox is written without following links.
"""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from grading import hub

REPO = Path(__file__).resolve().parents[1]


class Spec:
    def __init__(self, notebook):
        self.notebook = notebook


ASSIGNMENTS = {"02_interpolation": Spec("interpolation"), "03_pooling": Spec("pooling")}


@pytest.fixture
def inbox(tmp_path):
    inbox, outside = tmp_path / "inbox", tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.txt").write_text("instructor's private file")

    def put(student, folder, name, text='{"cells": []}'):
        (inbox / student / folder).mkdir(parents=True, exist_ok=True)
        (inbox / student / folder / name).write_text(text)
    put("alice", "02_interpolation", "interpolation.ipynb", '{"alice": 1}')
    os.utime(inbox / "alice" / "02_interpolation" / "interpolation.ipynb", (1.8e9, 1.8e9))
    put("bob", "02_Interpolation", "Interpolation (1).ipynb", '{"bob": 1}')
    put("carol", "03_pooling", "pooling.ipynb", "x" * 200)
    (inbox / "mallory" / "02_interpolation").mkdir(parents=True)
    (inbox / "mallory" / "02_interpolation" / "interpolation.ipynb").symlink_to(outside / "secret.txt")
    (inbox / "eve" / "02_interpolation" / "interpolation.ipynb").mkdir(parents=True)
    put("dave", "homework", "interpolation.ipynb")
    return inbox, outside


def test_collect_copies_notebooks_and_skips_what_is_not_one(tmp_path, inbox, monkeypatch):
    monkeypatch.setattr(hub, "MAX_NOTEBOOK_BYTES", 100)
    course = tmp_path / "course"
    collected, skipped = hub.collect(course, inbox[0], ASSIGNMENTS)
    submitted = course / "submitted"
    assert (submitted / "alice" / "02_interpolation" / "interpolation.ipynb").read_text() == '{"alice": 1}'
    assert (submitted / "bob" / "02_interpolation" / "interpolation.ipynb").read_text() == '{"bob": 1}'
    assert (submitted / "alice" / "02_interpolation" / "timestamp.txt").read_text().startswith("2027-01-15 08:00:00")
    assert collected[0] == "alice/02_interpolation" and "graded Interpolation (1).ipynb" in collected[1]
    assert sorted(p.parts[-3] for p in submitted.glob("*/*/*.ipynb")) == ["alice", "bob"]
    reasons = "\n".join(skipped)
    assert "carol/03_pooling/pooling.ipynb: too large" in reasons
    assert "mallory/02_interpolation/interpolation.ipynb" in reasons and "eve/02_interpolation" in reasons
    assert "dave/homework: no assignment of that name" in reasons
    assert "private" not in "".join(p.read_text() for p in submitted.rglob("*") if p.is_file())


def test_a_second_collection_replaces_the_first(tmp_path, inbox):
    course = tmp_path / "course"
    hub.collect(course, inbox[0], ASSIGNMENTS)
    (inbox[0] / "alice" / "02_interpolation" / "interpolation.ipynb").write_text('{"alice": 2}')
    hub.collect(course, inbox[0], ASSIGNMENTS)
    assert (course / "submitted" / "alice" / "02_interpolation" / "interpolation.ipynb").read_text() == '{"alice": 2}'


def test_return_feedback_replaces_links_in_the_outbox(tmp_path, inbox):
    course, outbox, outside = tmp_path / "course", tmp_path / "outbox", inbox[1]
    html = course / "feedback" / "alice" / "02_interpolation" / "interpolation.html"
    html.parent.mkdir(parents=True)
    html.write_text("<html>alice's feedback</html>")
    (outbox / "alice" / "02_interpolation").mkdir(parents=True)
    (outbox / "alice" / "02_interpolation" / "interpolation.html").symlink_to(outside / "secret.txt")
    assert hub.return_feedback(course, outbox) == ["alice/02_interpolation/interpolation.html"]
    returned = outbox / "alice" / "02_interpolation" / "interpolation.html"
    assert not returned.is_symlink() and returned.read_text() == "<html>alice's feedback</html>"
    assert (outside / "secret.txt").read_text() == "instructor's private file"


def test_collect_from_the_command_line(tmp_path, inbox):
    course = tmp_path / "course"
    (course / "solutions").mkdir(parents=True)
    os.symlink(REPO / "solutions" / "02_interpolation", course / "solutions" / "02_interpolation")
    run = subprocess.run([sys.executable, "-m", "grading", "collect", "--inbox", str(inbox[0])], cwd=course,
                         capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr
    assert "collected 2 notebook(s)" in run.stdout and "skipped mallory" in run.stdout
    run = subprocess.run([sys.executable, "-m", "grading", "collect", "--inbox", str(tmp_path / "nowhere")],
                         cwd=course, capture_output=True, text=True, timeout=300)
    assert run.returncode == 2 and "--inbox must be a folder" in run.stderr
