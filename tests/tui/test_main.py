"""`chatdesk` without a usable login says what to do; with CHATDESK_TOKEN it finds the token."""
from __future__ import annotations

from argparse import Namespace

from chatdesk.tui.main import resolve, run_desk


def test_no_url_and_no_token_give_sentences_that_point_at_login(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("CHATDESK_CONFIG_DIR", str(tmp_path / "cfg"))
    monkeypatch.delenv("CHATDESK_TOKEN", raising=False)
    monkeypatch.delenv("CHATDESK_URL", raising=False)
    monkeypatch.delenv("CHATDESK_EMAIL", raising=False)
    monkeypatch.setenv("CHATDESK_TOKEN_FILE", str(tmp_path / "no-token-here"))
    assert run_desk(Namespace(url=None, email=None)) == 2
    assert "chatdesk login" in capsys.readouterr().err
    *_, problem = resolve(Namespace(url="http://127.0.0.1:9", email="ann@example.test"))
    assert problem and "chatdesk login --url http://127.0.0.1:9 --email ann@example.test" in problem
    monkeypatch.setenv("CHATDESK_TOKEN", "tok-123")
    url, email, token, _config, problem = resolve(Namespace(url="http://127.0.0.1:9/", email=None))
    assert (url, token, problem) == ("http://127.0.0.1:9", "tok-123", None)


def test_board_settings_reach_the_desk(tmp_path):
    from chatdesk.client.config import load_config
    from chatdesk.tui.settings import DeskSettings

    path = tmp_path / "config.toml"
    path.write_text("sla_warn_seconds = 20\nboard_at_start = false\n")
    config = load_config(path, env={"CHATDESK_SLA_LATE": "120"})
    settings = DeskSettings.from_config(config)
    assert (settings.sla_warn, settings.sla_late, settings.board_at_start) == (20.0, 120.0, False)
