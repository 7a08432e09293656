"""The architecture (docs/architecture.md, STYLE.md §1), checked on the source:
protocol <- client <- tui; protocol <- server; protocol <- simulator; cli and demo may import all.
Rules are by package prefix, so they hold however a layer arranges its own subpackages.
tests/test_runtime_imports.py checks the same rules on what a running process has loaded."""
from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src" / "chatdesk"

WEBSOCKETS_CLIENT = {"websockets.client", "websockets.asyncio.client", "websockets.sync.client"}
SERVER_LIBRARIES = {"fastapi", "starlette", "sqlalchemy", "uvicorn", "aiosqlite"}

# layer -> modules (and everything below them) it must never import
FORBIDDEN = {
    "protocol": {"chatdesk.client", "chatdesk.tui", "chatdesk.server", "chatdesk.simulator", "textual", "httpx",
                 "websockets", *SERVER_LIBRARIES},
    "client": {"chatdesk.tui", "chatdesk.server", "chatdesk.simulator", "chatdesk.demo", "textual",
               *SERVER_LIBRARIES},
    "server": {"chatdesk.client", "chatdesk.tui", "chatdesk.simulator", "chatdesk.demo", "textual", "httpx",
               *WEBSOCKETS_CLIENT},
    "tui": {"chatdesk.server", "chatdesk.simulator", "chatdesk.demo", *SERVER_LIBRARIES},
    "simulator": {"textual", *SERVER_LIBRARIES},
    # a webhook receiver imports it: the standard library only
    "integrations": {"textual", "httpx", "websockets", *SERVER_LIBRARIES},
}
# layer -> the only chatdesk packages it may import (itself included); others: any
ONLY_CHATDESK = {
    "protocol": {"chatdesk.protocol"},
    "simulator": {"chatdesk.protocol", "chatdesk.simulator"},
    "integrations": {"chatdesk.integrations"},
}



def module_name(path: Path, src: Path) -> str:
    parts = path.relative_to(src.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _package(path: Path, src: Path) -> str:
    """The package a relative import in `path` starts from."""
    return ".".join(path.relative_to(src.parent).with_suffix("").parts[:-1])


def _names(node: ast.Import | ast.ImportFrom, path: Path, src: Path) -> Iterator[str]:
    """What one import statement names: `import a.b` -> a.b; `from a import b` -> a and a.b (b may
    be a module or a name in a); relative imports resolved against the file's package."""
    if isinstance(node, ast.Import):
        yield from (alias.name for alias in node.names)
        return
    if node.level:
        package = _package(path, src).split(".")
        base = ".".join(package[: len(package) - node.level + 1] + ([node.module] if node.module else []))
    else:
        base = node.module or ""
    yield base
    yield from (f"{base}.{alias.name}" for alias in node.names if alias.name != "*")


def imports(path: Path, src: Path = SRC) -> Iterator[list[str]]:
    """Every import statement in the file, wherever it is (functions and TYPE_CHECKING blocks
    included), as the names it gives (see _names)."""
    tree = ast.parse(path.read_text(), filename=str(path))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from ([name] for name in _names(node, path, src))
        elif isinstance(node, ast.ImportFrom):
            yield list(_names(node, path, src))


def _under(mod: str, prefixes: set[str]) -> bool:
    return any(mod == p or mod.startswith(p + ".") for p in prefixes)


def _offends(layer: str, mod: str) -> bool:
    allowed = ONLY_CHATDESK.get(layer)
    return _under(mod, FORBIDDEN.get(layer, set())) or (
        allowed is not None and _under(mod, {"chatdesk"}) and not _under(mod, allowed))


def violations(layer: str, src: Path = SRC) -> list[str]:
    bad = set()
    for path in sorted((src / layer).rglob("*.py")):
        for base, *members in imports(path, src):
            # `from x import y`: x itself, or else each y that is forbidden (a module below x)
            for mod in [base] if _offends(layer, base) else [m for m in members if _offends(layer, m)]:
                bad.add(f"{path.relative_to(src)} imports {mod}")
    return sorted(bad)


@pytest.mark.parametrize("layer", sorted(FORBIDDEN))
def test_layer_imports_only_what_it_may(layer):
    assert (SRC / layer).is_dir()
    assert violations(layer) == []


def test_checker_sees_a_violation(tmp_path):
    """The checker itself must be able to fail: plant bad imports and look for them."""
    src = tmp_path / "chatdesk"
    (src / "client").mkdir(parents=True)
    (src / "client" / "bad.py").write_text("from textual.app import App\nfrom ..tui import widgets\n"
                                           "def later():\n    import sqlalchemy\n")
    (src / "simulator" / "inner").mkdir(parents=True)
    (src / "simulator" / "inner" / "bad.py").write_text(
        "from chatdesk.protocol.limits import API_PREFIX\nfrom ..visitor import VisitorConnection\n"
        "from chatdesk.client import api\nfrom ... import server\n")
    (src / "server" / "api").mkdir(parents=True)
    (src / "server" / "api" / "bad.py").write_text("import httpx\nfrom websockets.asyncio.client import connect\n"
                                                   "from websockets.asyncio.server import serve\n")
    assert violations("client", src) == ["client/bad.py imports chatdesk.tui", "client/bad.py imports sqlalchemy",
                                         "client/bad.py imports textual.app"]
    assert violations("simulator", src) == ["simulator/inner/bad.py imports chatdesk",
                                            "simulator/inner/bad.py imports chatdesk.client"]
    assert violations("server", src) == ["server/api/bad.py imports httpx",
                                         "server/api/bad.py imports websockets.asyncio.client"]


# --- no import cycle among chatdesk's modules ------------------------------------------------------
# The rule: an edge A -> B for every import of chatdesk module B in A that can run: at module level,
# in if/try/with blocks, class bodies and inside functions (an import deferred to call time still
# makes the two modules depend on each other). Not counted: imports under `if TYPE_CHECKING:`, which
# never run. `from pkg import name` is an edge to pkg.name when that is a module, else to pkg; a
# package's parents (which Python runs first) are not edges of their own.

def _running_imports(body: list[ast.stmt]) -> Iterator[ast.Import | ast.ImportFrom]:
    for node in body:
        if isinstance(node, ast.Import | ast.ImportFrom):
            yield node
        elif isinstance(node, ast.If) and ast.unparse(node.test) in ("TYPE_CHECKING", "typing.TYPE_CHECKING"):
            yield from _running_imports(node.orelse)
        else:
            for block in _blocks(node):
                yield from _running_imports(block)


def _blocks(node: ast.stmt) -> Iterator[list[ast.stmt]]:
    """The statement lists inside a compound statement (def/class/if/try/with/for/while/match)."""
    for name in ("body", "orelse", "finalbody"):
        value = getattr(node, name, None)
        if isinstance(value, list):
            yield value
    for child in [*getattr(node, "handlers", []), *getattr(node, "cases", [])]:
        yield child.body


def import_graph(src: Path = SRC) -> dict[str, set[str]]:
    files = {module_name(path, src): path for path in src.rglob("*.py")}
    graph: dict[str, set[str]] = {name: set() for name in files}
    for name, path in files.items():
        tree = ast.parse(path.read_text(), filename=str(path))
        for node in _running_imports(tree.body):
            targets = list(_names(node, path, src))
            if isinstance(node, ast.ImportFrom):   # pkg.name when it is a module, else pkg itself
                base, *members = targets
                targets = [m if m in files else base for m in members] or [base]
            graph[name] |= {t for t in targets if t in files and t != name}
    return graph


def cycles(graph: dict[str, set[str]]) -> list[frozenset[str]]:
    """The strongly connected components with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[frozenset[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in sorted(graph.get(node, ())):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = set()
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.add(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(frozenset(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_no_import_cycle_among_chatdesk_modules():
    unexpected = [sorted(c) for c in cycles(import_graph())]
    assert unexpected == []


def test_cycle_checker_sees_a_cycle(tmp_path):
    """Plant a three-module cycle (one leg a `from pkg import module`, one inside a function) beside
    imports that must not count (under TYPE_CHECKING) and a class-body import that must."""
    src = tmp_path / "chatdesk"
    (src / "pkg").mkdir(parents=True)
    (src / "__init__.py").write_text("")
    (src / "pkg" / "__init__.py").write_text("")
    (src / "pkg" / "a.py").write_text("try:\n    from chatdesk.pkg import b\nexcept ImportError:\n    b = None\n")
    (src / "pkg" / "b.py").write_text("from .c import thing\n")
    (src / "pkg" / "c.py").write_text("thing = 1\ndef later():\n    import chatdesk.pkg.a\n")
    (src / "pkg" / "d.py").write_text("from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from . import e\n")
    (src / "pkg" / "e.py").write_text("import typing\nif typing.TYPE_CHECKING:\n    from . import d\n"
                                      "class K:\n    from . import f\n")
    (src / "pkg" / "f.py").write_text("")
    graph = import_graph(src)
    assert graph["chatdesk.pkg.e"] == {"chatdesk.pkg.f"} and graph["chatdesk.pkg.d"] == set()
    assert graph["chatdesk.pkg.c"] == {"chatdesk.pkg.a"} and graph["chatdesk.pkg.a"] == {"chatdesk.pkg.b"}
    assert cycles(graph) == [frozenset({"chatdesk.pkg.a", "chatdesk.pkg.b", "chatdesk.pkg.c"})]
