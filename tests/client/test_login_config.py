"""`chatdesk login` as a real command against the real server; credentials and config."""
from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from chatdesk.client import credentials
from chatdesk.client.config import load_config, save_config
from tests.support.database import rows

ROOT = Path(__file__).resolve().parents[2]          # the child imports tests.support.filekeyring
FAIL_BACKEND = "keyring.backends.fail.Keyring"


def run_login(srv, email, password, tmp_path, **env):
    full_env = {**os.environ, "CHATDESK_CONFIG_DIR": str(tmp_path / "config"),
                "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]), **env}
    full_env.pop("CHATDESK_TOKEN", None)
    return subprocess.run([sys.executable, "-m", "chatdesk", "login", "--url", srv.url, "--email", email,
                           "--password-stdin"], input=password + "\n", text=True, capture_output=True,
                          env=full_env, timeout=60)


@pytest.fixture
def ana(regular_email) -> str:
    return regular_email


def token_works(srv, token) -> bool:
    return httpx.get(f"{srv.url}/api/v1/me", headers={"Authorization": f"Bearer {token}"}).status_code == 200


def test_login_keeps_the_token_in_the_keyring(shared_server, ana, tmp_path):
    email = ana
    ring = tmp_path / "ring.json"
    env = {"PYTHON_KEYRING_BACKEND": "tests.support.filekeyring.FileKeyring", "TEST_KEYRING_FILE": str(ring)}
    r = run_login(shared_server, email, "secret-pass-1", tmp_path, **env)
    assert r.returncode == 0, r.stderr
    assert "Logged in" in r.stdout and "system keyring" in r.stdout
    stored = json.loads(ring.read_text())
    token = stored[f"chatdesk:{shared_server.url}|{email}"]
    assert token not in r.stdout + r.stderr and token_works(shared_server, token)
    config = load_config(tmp_path / "config" / "config.toml", env={})
    assert config.url == shared_server.url and config.email == email

    bad = run_login(shared_server, email, "wrong", tmp_path, **env)
    assert bad.returncode == 1 and "Login failed:" in bad.stderr and "Traceback" not in bad.stderr


def tokens(srv, email) -> tuple[int, int]:
    """(tokens issued, tokens still valid) for this operator, read from the server's database."""
    (counts,) = rows(srv.database, "SELECT count(*), count(*) - count(t.revoked_at) FROM operator_tokens t "
                                   "JOIN operators o ON o.id = t.operator_id WHERE o.email = ?", email)
    return counts


def test_login_without_keyring_says_what_to_do_and_revokes(shared_server, ana, tmp_path):
    issued, valid = tokens(shared_server, ana)
    r = run_login(shared_server, ana, "secret-pass-1", tmp_path, PYTHON_KEYRING_BACKEND=FAIL_BACKEND)
    assert r.returncode == 3
    assert "No system keyring is available" in r.stderr and "CHATDESK_TOKEN" in r.stderr
    assert "Traceback" not in r.stderr and r.stdout == ""
    assert tokens(shared_server, ana) == (issued + 1, valid)     # the token nobody can find again is revoked


def test_login_to_an_opt_in_token_file(shared_server, ana, tmp_path):
    email = ana
    path = tmp_path / "private" / "token"
    r = run_login(shared_server, email, "secret-pass-1", tmp_path,
                  PYTHON_KEYRING_BACKEND=FAIL_BACKEND, CHATDESK_TOKEN_FILE=str(path))
    assert r.returncode == 0, r.stderr
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert token_works(shared_server, path.read_text().strip())


def test_unreachable_server_is_a_sentence(tmp_path):
    class Dead:
        url = "http://127.0.0.1:9"
    r = run_login(Dead, "a@example.com", "pw", tmp_path, PYTHON_KEYRING_BACKEND=FAIL_BACKEND)
    assert r.returncode == 2 and "is not reachable" in r.stderr and "Traceback" not in r.stderr


def test_env_token_always_wins(monkeypatch):
    monkeypatch.setenv("CHATDESK_TOKEN", "from-env")
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", FAIL_BACKEND)
    assert credentials.load_token("http://x", "a@example.com") == "from-env"


def test_no_keyring_backend_raises_a_sentence(monkeypatch):
    import keyring
    from keyring.backends import fail
    monkeypatch.delenv("CHATDESK_TOKEN", raising=False)
    monkeypatch.delenv("CHATDESK_TOKEN_FILE", raising=False)
    previous = keyring.get_keyring()
    keyring.set_keyring(fail.Keyring())
    try:
        with pytest.raises(credentials.NoKeyring) as err:
            credentials.load_token("http://x", "a@example.com")
        assert "CHATDESK_TOKEN" in str(err.value)
        with pytest.raises(credentials.NoKeyring):
            credentials.save_token("http://x", "a@example.com", "t")
    finally:
        keyring.set_keyring(previous)


def test_config_file_env_and_bad_values(tmp_path):
    path = tmp_path / "config.toml"
    save_config({"url": "http://chat.example", "email": "ana@example.com", "split_length": 120}, path)
    path.write_text(path.read_text() + 'theme = "light"\nbell = "maybe"\nmystery = 1\n')
    config = load_config(path, env={"CHATDESK_THEME": "high-contrast", "CHATDESK_QUEUE_REALERT": "45"})
    assert config.url == "http://chat.example" and config.split_length == 120
    assert config.theme == "high-contrast" and config.queue_realert_seconds == 45.0 and config.bell is True
    assert any("bell" in p for p in config.problems) and any("mystery" in p for p in config.problems)
    path.write_text("this is [not toml")
    broken = load_config(path, env={})
    assert broken.url == "" and broken.problems and "Could not read" in broken.problems[0]



NO_BUS_BACKEND = "tests.support.filekeyring.NoBusKeyring"


def test_login_with_a_keyring_backend_that_fails_its_own_way_is_a_sentence(shared_server, ana, tmp_path):
    r = run_login(shared_server, ana, "secret-pass-1", tmp_path, PYTHON_KEYRING_BACKEND=NO_BUS_BACKEND)
    assert r.returncode == 3 and "Traceback" not in r.stderr
    assert "No system keyring is available" in r.stderr and "--token-file" in r.stderr


def test_login_at_a_terminal_without_keyring_offers_the_token_file(shared_server, ana, tmp_path):
    from tests.support.pty_run import PtyProgram
    config = tmp_path / "config"
    env = {"CHATDESK_CONFIG_DIR": str(config), "PYTHON_KEYRING_BACKEND": NO_BUS_BACKEND,
           "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]), "CHATDESK_TOKEN": ""}
    prog = PtyProgram([sys.executable, "-m", "chatdesk", "login", "--url", shared_server.url, "--email", ana], env=env)
    try:
        prog.expect(b"Password for")
        prog.send(b"secret-pass-1\r")
        prog.expect(b"Keep the token in a private file instead")
        prog.send(b"y\r")
        prog.expect(b"Logged in")
        assert prog.proc.wait(20) == 0
    finally:
        prog.close()
    assert b"Traceback" not in prog.written()
    path = config / "token"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600 and token_works(shared_server, path.read_text().strip())


def test_login_token_file_flag_and_the_desk_finds_it(shared_server, ana, tmp_path, monkeypatch):
    full_env = {"PYTHON_KEYRING_BACKEND": NO_BUS_BACKEND}
    r = subprocess.run([sys.executable, "-m", "chatdesk", "login", "--url", shared_server.url, "--email", ana,
                        "--password-stdin", "--token-file"], input="secret-pass-1\n", text=True,
                       capture_output=True, timeout=60,
                       env={**os.environ, "CHATDESK_CONFIG_DIR": str(tmp_path / "config"), "CHATDESK_TOKEN": "",
                            "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]),
                            **full_env})
    assert r.returncode == 0, r.stderr
    monkeypatch.setenv("CHATDESK_CONFIG_DIR", str(tmp_path / "config"))
    monkeypatch.delenv("CHATDESK_TOKEN", raising=False)
    monkeypatch.delenv("CHATDESK_TOKEN_FILE", raising=False)
    assert token_works(shared_server, credentials.load_token(shared_server.url, ana))


def test_exports_go_to_the_configured_folder_or_downloads_never_the_current_one(tmp_path, monkeypatch):
    from chatdesk.client.config import export_folder
    monkeypatch.chdir(tmp_path)
    assert export_folder("~/exports") == Path.home() / "exports"
    home = tmp_path / "home"
    (home / "Downloads").mkdir(parents=True)
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_DOWNLOAD_DIR", str(home / "Downloads"))
    assert export_folder("") == home / "Downloads"
    (home / "Downloads").rmdir()
    monkeypatch.delenv("XDG_DOWNLOAD_DIR")
    monkeypatch.setenv("XDG_DOCUMENTS_DIR", str(tmp_path / "nowhere"))
    assert export_folder("") == home                                 # no Downloads, no Documents: home
    config = tmp_path / "config.toml"
    config.write_text('export_dir = "~/Transcripts"\n')
    assert load_config(config, env={}).export_dir == "~/Transcripts"
