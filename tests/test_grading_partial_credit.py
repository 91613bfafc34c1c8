"""Partial credit per case (``Test(partial=True)``), decided by the grader, shown without hidden inputs.

DecideScores is run on a test cell with results written as the sandbox writes
them (``results/<grade_id>/<index>.npy``); nbgrader's own ``determine_grade``
then reads the score from the cell, as SaveAutoGrades does.
"""
from __future__ import annotations

import json

import nbformat
import numpy as np
import pytest

pytest.importorskip("nbgrader")

from nbgrader.utils import determine_grade  # noqa: E402

from grading import nbgrader_plugins  # noqa: E402
from grading import spec as specs  # noqa: E402

HIDDEN_MARKER = 987654  # an input value that must never reach the student's feedback


def double_ref(x):
    return np.asarray(x) * 2


def make_test(partial: bool) -> specs.Test:
    return specs.Test("test_double", visible=[specs.Case("double", (np.array([1, 2]),))],
                      draw=lambda rng: [specs.Case("double", (np.array([HIDDEN_MARKER + i]),)) for i in range(5)],
                      reference=double_ref, exact=True, partial=partial)


def run_decide(tmp_path, monkeypatch, test: specs.Test, wrong: set[int], points: float = 3):
    """The graded cell after DecideScores, when the cases in ``wrong`` return a wrong value."""
    job = tmp_path / "job"
    (job / "inputs").mkdir(parents=True)
    (job / "results" / test.grade_id).mkdir(parents=True)
    cases = list(test.visible) + test.draw(np.random.default_rng(0))
    specs.write_inputs(job / "inputs" / f"{test.grade_id}.json", cases)
    for index, case in enumerate(cases):
        value = double_ref(*case.args) + (1 if index in wrong else 0)
        np.save(job / "results" / test.grade_id / f"{index}.npy", value, allow_pickle=False)
    monkeypatch.setenv("GRADING_JOB", str(job))
    assignment = specs.Assignment(name="99_demo", notebook="demo", forbidden=(), allowed=(), tests=(test,))
    decide = nbgrader_plugins.DecideScores()
    decide.assignment, decide.job = assignment, job
    cell = nbformat.v4.new_code_cell("check(double)", metadata={"nbgrader": {
        "grade": True, "solution": False, "locked": True, "grade_id": test.grade_id, "points": points}})
    # What a student's kernel might have left: an error, and a number nbgrader would take as credit.
    cell.outputs = [nbformat.v4.new_output("execute_result", {"text/plain": "3"}, execution_count=1),
                    nbformat.v4.new_output("error", ename="AssertionError", evalue="visible test", traceback=[])]
    cell, _ = decide.preprocess_cell(cell, {}, 0)
    return cell, job


def text_of(cell) -> str:
    return json.dumps(cell.outputs)


def test_all_or_nothing_is_the_default(tmp_path, monkeypatch):
    assert make_test(False).partial is False and specs.Test.__dataclass_fields__["partial"].default is False
    cell, _ = run_decide(tmp_path, monkeypatch, make_test(False), wrong={3})
    assert determine_grade(cell) == (0, 3)
    assert "5 of 6 cases right, 1 wrong" in text_of(cell)


@pytest.mark.parametrize("wrong, earned", [({3}, 2.5), ({1, 2, 3}, 1.5), ({0, 1, 2, 3, 4}, 0.5), (set(), 3)])
def test_partial_credit_is_the_share_of_cases_right(tmp_path, monkeypatch, wrong, earned):
    cell, _ = run_decide(tmp_path, monkeypatch, make_test(True), wrong=wrong)
    assert determine_grade(cell) == (earned, 3)
    if wrong:
        assert f"{6 - len(wrong)} of 6 cases right: {earned:g} of 3 points" in text_of(cell)


def test_no_case_right_scores_zero_with_partial_credit_too(tmp_path, monkeypatch):
    cell, _ = run_decide(tmp_path, monkeypatch, make_test(True), wrong=set(range(6)))
    assert determine_grade(cell) == (0, 3)


def test_credit_is_rounded_down_to_a_hundredth(tmp_path, monkeypatch):
    cell, _ = run_decide(tmp_path, monkeypatch, make_test(True), wrong={0, 5}, points=2)  # 2 * 4/6 = 1.333...
    assert determine_grade(cell) == (1.33, 2)


def test_feedback_names_cases_without_hidden_inputs(tmp_path, monkeypatch):
    cell, _ = run_decide(tmp_path, monkeypatch, make_test(True), wrong={2, 4})
    text = text_of(cell)
    assert "hidden case 2 of 5" in text and "hidden case 4 of 5" in text
    assert str(HIDDEN_MARKER)[:4] not in text, "a hidden input reached the feedback"
    assert "AssertionError" not in text, "the kernel's own error output is replaced by the grader's decision"
