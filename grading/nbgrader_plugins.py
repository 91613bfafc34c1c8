"""nbgrader preprocessors that run in the grader's process (never in a student's kernel).

- :class:`QuietOverwriteCells` restores read-only cells as nbgrader does, but
  stays quiet about the one change every untouched submission has (the
  released test cells lack the hidden part, so their checksum differs from
  the source's), and records real tampering as an event instead.
- :class:`DecideScores` (between ``Execute`` and ``SaveAutoGrades``) scores
  each autograded test cell from the results the sandboxed kernel saved for
  the grader's inputs, compared with the reference here, and flags answer
  cells that name the assignment's answer-key functions.

Both write events (one JSON object a line) to ``$GRADING_JOB/events.jsonl``;
``python -m grading autograde`` sets ``GRADING_JOB`` and prints them in its
summary. Run without it (a bare ``nbgrader autograde``), DecideScores refuses.
"""
from __future__ import annotations

import ast
import json
import math
import os
from pathlib import Path

import numpy as np
from nbformat import NotebookNode
from nbgrader.api import Gradebook, MissingEntry
from nbclient.exceptions import DeadKernelError
from nbgrader.preprocessors import ClearHiddenTests, ClearMarkScheme, Execute, NbGraderPreprocessor, OverwriteCells
from nbgrader.utils import is_grade, is_solution

from grading import results
from grading import spec as specs


def job_folder() -> Path:
    job = os.environ.get("GRADING_JOB")
    if not job:
        raise RuntimeError("grading runs through `make autograde` (python -m grading autograde), "
                           "which sandboxes every submission; a bare `nbgrader autograde` is not supported")
    return Path(job)


def add_event(kind: str, detail: str) -> None:
    with open(job_folder() / "events.jsonl", "a") as handle:
        handle.write(json.dumps({"kind": kind, "detail": detail}) + "\n")


def release_form(source: str) -> str:
    """A source cell as the release shows it (hidden tests and mark schemes removed)."""
    cell = NotebookNode({"cell_type": "code", "source": source, "metadata": {}})
    ClearHiddenTests(enforce_metadata=False)._remove_hidden_test_region(cell)
    ClearMarkScheme(enforce_metadata=False)._remove_mark_scheme_region(cell)
    return cell.source


class QuietOverwriteCells(OverwriteCells):
    """OverwriteCells that reports only real changes to read-only cells, as events."""

    def preprocess_cell(self, cell, resources, cell_index):
        self._untouched = False
        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
        if grade_id:
            try:
                source_cell = self.gradebook.find_source_cell(grade_id, self.notebook_id, self.assignment_id)
            except MissingEntry:
                add_event("unknown cell", f"cell {grade_id!r} is not in the assignment (ignored)")
            else:
                self._untouched = source_cell.locked and cell.source == release_form(source_cell.source)
        return super().preprocess_cell(cell, resources, cell_index)

    def report_change(self, name, attr, old, new):
        if attr == "checksum" and self._untouched:
            return
        what = "edited" if attr == "checksum" else f"{attr} changed from {old} to {new}"
        add_event("cell restored", f"{name}: {what}, restored")

    def preprocess(self, nb, resources):
        nb, resources = super().preprocess(nb, resources)
        # Read-only cells nbgrader cannot restore (not graded: e.g. the setup cell) that
        # are gone: deleted, or their nbgrader metadata removed so they run as edited.
        present = {c.metadata.get("nbgrader", {}).get("grade_id") for c in nb.cells}
        with Gradebook(resources["nbgrader"]["db_url"]) as gradebook:
            source = gradebook.find_notebook(self.notebook_id, self.assignment_id)
            missing = [cell.name for cell in source.source_cells if cell.locked and cell.name not in present]
        if missing:
            add_event("read-only cell missing", ", ".join(missing) + " (deleted or unlocked; not restorable)")
        return nb, resources

    def add_missing_grade_cells(self, nb, resources):
        before = {c.metadata.get("nbgrader", {}).get("grade_id") for c in nb.cells}
        nb, resources = super().add_missing_grade_cells(nb, resources)
        for cell in nb.cells:
            grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
            if grade_id and grade_id not in before:
                add_event("cell restored", f"{grade_id}: deleted, restored")
        return nb, resources


def named_forbidden(source: str, forbidden: tuple[str, ...]) -> set[str]:
    """The answer-key names a cell takes from course_lib (imports, ``course_lib.name``, aliases),
    as ``forbidden`` spells them (``module.name`` for one the package does not export)."""
    by_short = {name.rpartition(".")[2]: name for name in forbidden}
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return {name for short, name in by_short.items() if "course_lib" in source and short in source}
    aliases, found = {"course_lib"}, set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.split(".")[0] == "course_lib":
                    aliases.add((alias.asname or alias.name).split(".")[0])
        elif isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] == "course_lib":
            found |= {by_short[alias.name] for alias in node.names if alias.name in by_short}
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and node.attr in by_short:
            root = node.value
            while isinstance(root, ast.Attribute):
                root = root.value
            if isinstance(root, ast.Name) and root.id in aliases:
                found.add(by_short[node.attr])
        elif isinstance(node, ast.Constant) and node.value in by_short and "course_lib" in source:
            found.add(by_short[node.value])  # getattr(course_lib, "name")
    return found


def judge_test(assignment: specs.Assignment, test: specs.Test, job: Path) -> tuple[bool, list[str]]:
    """Whether every case of ``test`` is right, and what to tell the student.

    The results are read through descriptors (:mod:`grading.results`): the job's ``results/``
    folder, then the test's folder in it and each file in that, never following a name the
    sandbox could have made a symlink, regular files only.
    """
    cases = specs.read_inputs(job / "inputs" / f"{test.grade_id}.json")
    n_visible = len(test.visible)

    def where(index):
        return (f"visible case {test.visible[index].label or _call_text(test.visible[index])}" if index < n_visible
                else f"hidden case {index - n_visible + 1} of {len(cases) - n_visible}")

    top = results.open_folder(job / "results")
    try:
        folder = results.open_folder(test.grade_id, dir_fd=top)
    except results.Refused as refused:
        add_event("invalid result", f"{test.grade_id}: results/{refused}")
        return False, [f"{where(i)}: no result (the results folder was tampered with)" for i in range(len(cases))]
    finally:
        os.close(top)
    if folder is None:
        add_event("no results", f"{test.grade_id}: the test cell saved nothing (did it run as written?)")
        return False, [f"{where(i)}: no result (the test cell did not run to this case)" for i in range(len(cases))]
    problems = []
    try:
        for index, case in enumerate(cases):
            result, error = f"{index}.npy", f"{index}.error"
            has_result, has_error = results.exists(result, folder), results.exists(error, folder)
            if not has_result and not has_error:
                problems.append(f"{where(index)}: no result (the test cell did not run to this case)")
                continue
            try:
                if has_error and not has_result:
                    text = specs.read_text_at(error, folder)
                    name = text.split(":", 1)[0]
                    problems.append(f"{where(index)}: your function raised {text if index < n_visible else name}")
                    continue
                yours = specs.parse_result(results.read_regular(result, folder, specs.MAX_RESULT_BYTES))
            except (ValueError, OSError) as exc:
                add_event("invalid result", f"{test.grade_id} {where(index)}: {exc}")
                problems.append(f"{where(index)}: {exc}")
                continue
            wrong = specs.compare(yours, specs.expected_value(test, case), test.exact)
            if wrong:
                problems.append(f"{where(index)}: {wrong}")
    finally:
        os.close(folder)
    return not problems, problems


def _call_text(case: specs.Case) -> str:
    def short(value):
        if isinstance(value, np.ndarray):
            return np.array2string(value, separator=", ", threshold=20).replace("\n", "")
        return repr(value)
    parts = [short(a) for a in case.args] + [f"{k}={short(v)}" for k, v in case.kwargs.items()]
    text = f"{case.call}({', '.join(parts)})"
    return text + (f"[{case.part}]" if case.part is not None else "")


class SandboxedExecute(Execute):
    """nbgrader's Execute, except that a kernel that dies (a student's ``os._exit``,
    a signal, the sandbox's memory limit) ends the run of this notebook only: the
    cells that ran keep their results, the others have none (DecideScores: 0)."""

    def preprocess(self, nb, resources, km=None):
        try:
            return super().preprocess(nb, resources, km=km)
        except DeadKernelError as error:
            add_event("kernel died", str(error).splitlines()[0][:200] if str(error) else "the kernel died")
            return nb, resources


class DecideScores(NbGraderPreprocessor):
    """Set each test cell's outcome from the grader's own comparison.

    A test cell passes if and only if the results saved in the sandbox equal
    the reference's values for every case. Its outputs are rewritten so that
    nbgrader's SaveAutoGrades can only read that decision: no error and no
    stderr output if it passed; a GradingFailure error listing the wrong cases
    (hidden inputs are never shown) if it failed; never an ``execute_result``
    (nbgrader would take a number there as partial credit).
    """

    def preprocess(self, nb, resources):
        job = job_folder()
        assignment_id = resources["nbgrader"]["assignment"]
        from grading.assignments import all_specs
        self.assignment = all_specs()[assignment_id]
        self.job = job
        return super().preprocess(nb, resources)

    def preprocess_cell(self, cell, resources, cell_index):
        if not is_grade(cell) or cell.cell_type != "code":
            if is_solution(cell) and cell.cell_type == "code":
                self.flag_forbidden(cell)
            return cell, resources
        grade_id = cell.metadata.nbgrader["grade_id"]
        if any(o.output_type == "execute_result" for o in cell.outputs):
            add_event("execute_result ignored", f"{grade_id}: a value nbgrader would take as partial credit")
        outputs = [o for o in cell.outputs if o.output_type != "execute_result"]
        for output in outputs:
            if output.output_type == "error":
                # The message only: a traceback shows the cell's source (the hidden
                # part too) and, in IPython's verbose mode, local variables.
                output.evalue = str(output.get("evalue", ""))[:2000]
                output.traceback = [f"{output.get('ename', 'Error')}: {output.evalue}"]
        if any(o.output_type == "error" and o.ename == "CellTimeoutError" for o in outputs):
            add_event("timeout", f"{grade_id}: the cell ran out of time")
        test = None
        try:
            test = self.assignment.test(grade_id)
        except KeyError:
            add_event("no spec", f"{grade_id}: no test in the grading spec; scored 0")
            passed, problems = False, ["this test cell has no grading spec (tell your instructor)"]
        else:
            passed, problems = judge_test(self.assignment, test, self.job)
        total = self.case_count(grade_id, len(problems))
        right = max(0, total - len(problems))  # one problem line per wrong case
        points = float(cell.metadata.nbgrader.get("points", 0))
        shown = problems[:8] + ([f"... and {len(problems) - 8} more"] if len(problems) > 8 else [])
        wrong_lines = "".join(f"  - {p}\n" for p in shown)
        partial = not passed and right > 0 and test is not None and test.partial
        if passed or partial:
            outputs = [o for o in outputs if o.output_type != "error"
                       and not (o.output_type == "stream" and o.name == "stderr")]
        if passed:
            outputs.append(NotebookNode({"output_type": "stream", "name": "stdout",
                                         "text": "Graded: every case, visible and hidden, is right.\n"}))
        elif partial:
            # Credit per case: nbgrader's SaveAutoGrades reads the points from this
            # execute_result (the grader's own: the kernel's were removed above).
            earned = math.floor(round(points * right / total * 100, 6)) / 100
            outputs.append(NotebookNode({"output_type": "stream", "name": "stdout",
                                         "text": f"Graded: {right} of {total} cases right: {earned:g} of {points:g} "
                                                 f"points (credit per case).\nWrong:\n{wrong_lines}"}))
            outputs.append(NotebookNode({"output_type": "execute_result", "execution_count": None, "metadata": {},
                                         "data": {"text/plain": repr(earned)}}))
        else:
            text = (f"{right} of {total} cases right, {len(problems)} wrong (all cases must be right for the "
                    f"points):\n" + wrong_lines.rstrip("\n"))
            outputs.append(NotebookNode({"output_type": "error", "ename": "GradingFailure", "evalue": text,
                                         "traceback": ["GradingFailure: " + text]}))
        cell.outputs = outputs
        return cell, resources

    def case_count(self, grade_id: str, default: int) -> int:
        """How many cases the grader drew for ``grade_id`` (its own inputs file)."""
        try:
            return len(specs.read_inputs(self.job / "inputs" / f"{grade_id}.json"))
        except (OSError, ValueError, KeyError):
            return default

    def flag_forbidden(self, cell):
        names = sorted(named_forbidden(cell.source, self.assignment.forbidden))
        if not names:
            return
        listed = ", ".join(f"course_lib.{n}" for n in names)
        allowed = ", ".join(self.assignment.allowed) or "none (numpy only)"
        cell.outputs.append(NotebookNode({
            "output_type": "stream", "name": "stdout",
            "text": (f"Grader note: this cell uses {listed}, the answer key of this assignment; it is not "
                     f"available when grading. Allowed course_lib building blocks: {allowed}.\n")}))
        add_event("answer key named", f"{cell.metadata.nbgrader['grade_id']}: {listed}")
