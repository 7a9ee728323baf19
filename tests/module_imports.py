"""The modules a source file imports, read from its syntax tree (the app boundary tests)."""

import ast


def imported_modules(tree: ast.AST) -> list[str]:
    """Every module `tree` imports, however spelled: import, from … import (absolute), and
    importlib.import_module / __import__ with a literal name."""
    names = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.append(node.module)
        elif (  # importlib.import_module("imports…") / __import__("imports…")
            isinstance(node, ast.Call)
            and getattr(node.func, "attr", getattr(node.func, "id", "")) in ("import_module", "__import__")
            and node.args
            and isinstance(node.args[0], ast.Constant)
            and isinstance(node.args[0].value, str)
        ):
            names.append(node.args[0].value)
    return names
