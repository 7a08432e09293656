"""Every HTTP route declares what it answers (a response model, so the OpenAPI page and the
server's output filtering cover it) and sits under a tag, read from the app's OpenAPI schema."""
from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi import FastAPI

from chatdesk.server.app import create_app
from chatdesk.server.config import ServerConfig

METHODS = {"get", "post", "put", "patch", "delete"}


def operations(app: FastAPI) -> list[tuple[str, dict[str, Any]]]:
    return [(f"{method.upper()} {path}", op) for path, item in app.openapi()["paths"].items()
            for method, op in item.items() if method in METHODS]


def declares(content: dict[str, Any]) -> bool:
    """A JSON answer with its schema, or a file route that names its media types."""
    if content.get("application/json", {}).get("schema"):
        return True
    return any(not media.startswith("application/json") for media in content)


def undeclared(app: FastAPI) -> tuple[list[str], list[str]]:
    no_model, no_tag = [], []
    for name, op in operations(app):
        answers = {code: r for code, r in op["responses"].items() if code.startswith("2")}
        declared = all(code == "204" or declares(r.get("content", {})) for code, r in answers.items())
        if not answers or not declared:
            no_model.append(name)
        if not op.get("tags"):
            no_tag.append(name)
    return no_model, no_tag


def test_every_route_has_a_response_model_and_a_tag(tmp_path: Path):
    app = create_app(ServerConfig(db_path=tmp_path / "chat.db"))
    assert len(operations(app)) > 40
    assert undeclared(app) == ([], [])


def test_the_check_catches_a_route_without_them(tmp_path: Path):
    app = create_app(ServerConfig(db_path=tmp_path / "chat.db"))

    @app.get("/planted")
    async def planted():        # no response model, no annotation, no tag
        return {}

    assert undeclared(app) == (["GET /planted"], ["GET /planted"])
