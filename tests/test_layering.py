"""The architecture in STYLE.md §1, checked on the source: protocol <- client <- tui; protocol <- server."""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src" / "chatdesk"

# layer -> top-level packages it must never import
FORBIDDEN = {
    "protocol": {"chatdesk.client", "chatdesk.tui", "chatdesk.server", "textual", "httpx", "websockets",
                 "fastapi", "sqlalchemy"},
    "client": {"chatdesk.tui", "chatdesk.server", "textual"},
    "server": {"chatdesk.client", "chatdesk.tui", "textual"},
    "tui": {"chatdesk.server"},
}


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(), filename=str(path))
    package = ".".join(path.relative_to(SRC.parent).with_suffix("").parts[:-1])
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:  # relative: resolve against this file's package
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                found.add(".".join(base + ([node.module] if node.module else [])))
            elif node.module:
                found.add(node.module)
    return found


def violations(layer: str) -> list[str]:
    bad = []
    for path in sorted((SRC / layer).rglob("*.py")):
        for mod in imported_modules(path):
            for banned in FORBIDDEN[layer]:
                if mod == banned or mod.startswith(banned + "."):
                    bad.append(f"{path.relative_to(SRC)} imports {mod}")
    return bad


@pytest.mark.parametrize("layer", sorted(FORBIDDEN))
def test_layer_imports_only_what_it_may(layer):
    assert violations(layer) == []


def test_checker_sees_a_violation(tmp_path, monkeypatch):
    """The checker itself must be able to fail: plant a bad import and look for it."""
    fake = tmp_path / "chatdesk" / "client"
    fake.mkdir(parents=True)
    (fake / "bad.py").write_text("from textual.app import App\nfrom ..tui import widgets\n")
    monkeypatch.setattr(__import__(__name__), "SRC", tmp_path / "chatdesk")
    assert sorted(violations("client")) == ["client/bad.py imports chatdesk.tui", "client/bad.py imports textual.app"]
