"""The sandbox's ``course_lib``: only what an assignment allows, and what that needs.

Deleting the answer-key functions from a copy of the library is not enough:
their private helpers compute the same answers (``transposed._full_sum``,
``interpolation._axis_plan``, ``_shapes.transposed_size``, ...). So the
sandbox's library is built the other way round, from an allow-list: start
from the functions the assignment permits (``Assignment.allowed``), follow
every name their code uses (module-level functions, classes and constants of
``course_lib``, across modules, imports inside functions included) and keep
exactly those definitions, each module rewritten with only its kept
statements and the imports they need. The answer-key functions
(``Assignment.forbidden``) become stubs that raise a clear ``RuntimeError``;
any other name of the real library is simply absent (``AttributeError`` /
``ImportError`` naming what is allowed).

``tests/test_grader_attacks.py`` checks the result: no function left in any
sandbox library returns a forbidden function's answer on the hidden cases.
"""
from __future__ import annotations

import ast
from dataclasses import dataclass, field
from pathlib import Path

PACKAGE = "course_lib"


@dataclass
class Module:
    """One parsed module of the library."""
    name: str
    tree: ast.Module
    text: str
    definitions: dict[str, ast.stmt] = field(default_factory=dict)   # top-level name -> statement
    course_imports: dict[str, tuple[str, str]] = field(default_factory=dict)  # local -> (module, name)
    other_imports: list[tuple[set[str], ast.stmt]] = field(default_factory=list)  # bound names, statement


def parse_library(package: Path) -> dict[str, Module]:
    """Every module of the package folder, with its top-level definitions and imports."""
    modules = {}
    for path in sorted(package.glob("*.py")):
        text = path.read_text()
        module = Module(path.stem, ast.parse(text), text)
        for node in module.tree.body:
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                module.definitions[node.name] = node
            elif isinstance(node, (ast.Assign, ast.AnnAssign)):
                targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                for target in targets:
                    for name in ast.walk(target):
                        if isinstance(name, ast.Name):
                            module.definitions[name.id] = node
            elif isinstance(node, ast.ImportFrom) and node.level:
                if node.level != 1:
                    raise ValueError(f"{path}: only imports from the package itself are supported")
                for alias in node.names:
                    local = alias.asname or alias.name
                    if node.module:  # from .module import name
                        module.course_imports[local] = (node.module, alias.name)
                    elif (package / f"{alias.name}.py").exists():  # from . import module
                        module.course_imports[local] = (alias.name, "")
                    else:  # from . import name (as the package exports it)
                        module.course_imports[local] = ("__init__", alias.name)
            elif isinstance(node, (ast.Import, ast.ImportFrom)):
                bound = {(a.asname or a.name).split(".")[0] for a in node.names}
                module.other_imports.append((bound, node))
        modules[module.name] = module
    return modules


def resolve(modules: dict[str, Module], module: str, name: str) -> tuple[str, str]:
    """Where ``module.name`` is defined: (module, name), following the library's own imports."""
    seen = set()
    while (module, name) not in seen:
        seen.add((module, name))
        if name in modules[module].definitions:
            return module, name
        if name in modules[module].course_imports:
            module, name = modules[module].course_imports[name]
            if not name:  # `from . import submodule`
                raise ValueError(f"{module} is a module, not a definition")
            continue
        break
    raise KeyError(f"{PACKAGE}.{module} has no definition {name!r}")


def public_location(modules: dict[str, Module], spelled: str) -> tuple[str, str]:
    """Where a name as a spec spells it is defined: ``"conv2d"`` (exported by the package) or
    ``"layers.kernel_gradient"`` (a module's function the package does not export)."""
    module, _, name = spelled.rpartition(".")
    return resolve(modules, module or "__init__", name)


def _used_names(node: ast.AST) -> set[str]:
    return {n.id for n in ast.walk(node) if isinstance(n, ast.Name)}


def _nested_course_imports(node: ast.AST) -> list[tuple[str, str]]:
    """``from .x import y`` inside function bodies: (module, name) pairs."""
    found = []
    for inner in ast.walk(node):
        if isinstance(inner, ast.ImportFrom) and inner.level and inner is not node:
            for alias in inner.names:
                found.append((inner.module or "__init__", alias.name))
    return found


def closure(modules: dict[str, Module], roots: list[tuple[str, str]],
            forbidden: set[tuple[str, str]]) -> dict[str, set[str]]:
    """Every definition the roots need, by module. Reaching a forbidden one is an error: an
    allowed building block must not need the answer key."""
    keep: dict[str, set[str]] = {}
    todo = list(roots)
    while todo:
        module, name = todo.pop()
        if name in keep.get(module, set()):
            continue
        if (module, name) in forbidden:
            raise ValueError(f"{PACKAGE}.{module}.{name} is needed by an allowed function but is forbidden")
        keep.setdefault(module, set()).add(name)
        node = modules[module].definitions[name]
        for used in _used_names(node):
            if used in modules[module].definitions and used != name:
                todo.append((module, used))
            elif used in modules[module].course_imports and modules[module].course_imports[used][1]:
                todo.append(resolve(modules, *modules[module].course_imports[used]))
        for target in _nested_course_imports(node):
            todo.append(resolve(modules, *target))
    return keep


def _segment(module: Module, node: ast.stmt) -> str:
    first = min([node.lineno] + [d.lineno for d in getattr(node, "decorator_list", [])])
    return "\n".join(module.text.splitlines()[first - 1:node.end_lineno])


def _refusal(assignment: str, spelled: str, allowed: str) -> str:
    return (f"{PACKAGE}.{spelled} is not available while grading {assignment}: it is the answer key of "
            f"this assignment. Allowed course_lib building blocks: {allowed}.")


def build(package: Path, target: Path, assignment: str, allowed: tuple[str, ...],
          forbidden: tuple[str, ...]) -> dict[str, set[str]]:
    """Write the sandbox's ``course_lib`` for one assignment into ``target`` (a new folder).

    Returns the kept definitions by module (for tests and the instructor's curiosity).
    """
    modules = parse_library(package)
    allowed_at = {spelled: public_location(modules, spelled) for spelled in allowed}
    forbidden_at = {spelled: public_location(modules, spelled) for spelled in forbidden}
    keep = closure(modules, list(allowed_at.values()), set(forbidden_at.values()))
    allowed_text = ", ".join(allowed) or "none (use numpy)"
    stubs: dict[str, dict[str, str]] = {}  # module -> {name: spelled}
    for spelled, (module, name) in forbidden_at.items():
        stubs.setdefault(module, {})[name] = spelled
    target.mkdir(parents=True)
    for module_name in sorted(set(keep) | set(stubs)):
        module = modules[module_name]
        kept = keep.get(module_name, set())
        used = set().union(*(_used_names(module.definitions[n]) for n in kept)) if kept else set()
        lines = [f'"""{PACKAGE}.{module_name} as the grading sandbox of {assignment} has it: only what the '
                 f'assignment allows (grading.allowlist)."""', "from __future__ import annotations", ""]
        for bound, node in module.other_imports:
            if bound & used and not (isinstance(node, ast.ImportFrom) and node.module == "__future__"):
                lines.append(ast.unparse(node))
        by_source: dict[str, set[str]] = {}
        for local in sorted(used & set(module.course_imports)):
            source, name = module.course_imports[local]
            if not name:
                continue
            where = resolve(modules, source, name)
            if where[1] != local:
                raise ValueError(f"{module_name}: `{local}` is an alias; the allow-list builder needs plain names")
            by_source.setdefault(where[0], set()).add(where[1])
        for source, names in sorted(by_source.items()):
            lines.append(f"from .{source} import {', '.join(sorted(names))}")
        lines.append("")
        statements = sorted({id(module.definitions[n]): module.definitions[n] for n in kept}.values(),
                            key=lambda node: node.lineno)
        for node in statements:
            lines += ["", _segment(module, node), ""]
        for name, spelled in sorted(stubs.get(module_name, {}).items()):
            lines += ["", f"def {name}(*args, **kwargs):",
                      f"    raise RuntimeError({_refusal(assignment, spelled, allowed_text)!r})", ""]
        lines += ["", _missing_attribute(f"{PACKAGE}.{module_name}", assignment, allowed_text)]
        (target / f"{module_name}.py").write_text("\n".join(lines))
    init = [f'"""{PACKAGE} as the grading sandbox of {assignment} has it: the allowed building blocks '
            f'({allowed_text}) and what they need; the answer key raises RuntimeError."""']
    for spelled, (module, name) in sorted(allowed_at.items()):
        if "." not in spelled:
            init.append(f"from .{module} import {name}")
    for spelled, (module, name) in sorted(forbidden_at.items()):
        if "." not in spelled:
            init.append(f"from .{module} import {name}")
    init += [f"__all__ = {sorted(s for s in allowed if '.' not in s)!r}", "",
             _missing_attribute(PACKAGE, assignment, allowed_text)]
    (target / "__init__.py").write_text("\n".join(init) + "\n")
    return keep


def _missing_attribute(module: str, assignment: str, allowed: str) -> str:
    message = (f"is not available while grading {assignment}; allowed {PACKAGE} building blocks: {allowed}")
    return ("def __getattr__(name):\n"
            "    if name.startswith('__'):\n"
            "        raise AttributeError(name)\n"
            f"    raise AttributeError(f'{module}.{{name}} ' + {message!r})\n")
