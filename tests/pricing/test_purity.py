"""The engine is pure: it imports only the standard library's pure modules and the domain."""

from __future__ import annotations

import ast
from pathlib import Path

import kassa.domain.pricing

PACKAGE = Path(kassa.domain.pricing.__file__).parent
ALLOWED = {
    "__future__",
    "bisect",
    "collections",
    "dataclasses",
    "datetime",
    "enum",
    "functools",
    "json",
    "math",
    "re",
    "types",
    "typing",
    "zoneinfo",
}


def imported(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def test_pricing_imports_no_io_ui_network_or_database() -> None:
    modules = sorted(PACKAGE.glob("*.py"))
    assert len(modules) > 10
    for path in modules:
        for name in imported(path):
            allowed = name.split(".")[0] in ALLOWED or name == "kassa.domain.money"
            allowed = allowed or name.startswith("kassa.domain.pricing")
            assert allowed, f"{path.name} imports {name}"


def test_pricing_opens_no_files() -> None:
    for path in PACKAGE.glob("*.py"):
        calls = {
            node.func.id
            for node in ast.walk(ast.parse(path.read_text("utf-8")))
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
        }
        assert not calls & {"open", "print", "input", "exec", "eval"}, path.name
