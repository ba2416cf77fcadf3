"""The one-way layering of the registry's packages: config → compliance → agencies → catalog → core.

Every import statement of every module (lazy imports inside functions included) is read with `ast`;
a package may import itself and the packages below it, never one above it.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
LAYERS = ["core", "catalog", "agencies", "compliance", "config"]  # bottom to top
RANK = {package: rank for rank, package in enumerate(LAYERS)}


def _imported_packages(tree: ast.AST) -> list[tuple[int, str]]:
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name.split(".")[0]) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.append((node.lineno, node.module.split(".")[0]))
    return found


def _arrows_that_run_back() -> list[str]:
    wrong = []
    for package in LAYERS:
        for path in sorted((ROOT / package).rglob("*.py")):
            tree = ast.parse(path.read_text(), filename=str(path))
            for line, imported in _imported_packages(tree):
                if imported in RANK and RANK[imported] > RANK[package]:
                    wrong.append(f"{path.relative_to(ROOT)}:{line} imports {imported}")
    return wrong


def test_imports_between_packages_run_one_way():
    assert _arrows_that_run_back() == []


def test_the_walk_sees_lazy_imports_inside_functions():
    tree = ast.parse("def f():\n    from compliance.services import x\n    import agencies.models\n")

    assert _imported_packages(tree) == [(2, "compliance"), (3, "agencies")]


@pytest.mark.parametrize("package", LAYERS)
def test_every_layer_is_walked(package):
    assert any((ROOT / package).rglob("*.py"))
