"""DRF-04: an API view that overrides get_object must still call check_object_permissions."""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_every_get_object_override_checks_object_permissions():
    offenders = []
    for module in ROOT.glob("*/api/*.py"):
        for node in ast.walk(ast.parse(module.read_text())):
            overrides = isinstance(node, ast.FunctionDef) and node.name == "get_object"
            if overrides and "check_object_permissions" not in ast.unparse(node):
                offenders.append(f"{module.relative_to(ROOT)}:{node.lineno}")

    assert offenders == []
