"""`chatdesk [--url URL] [--email E]`: find the server, the operator and their token, open the desk.

The token comes from CHATDESK_TOKEN, else the private token file or the system keyring (see
chatdesk.client.credentials). Nothing here prints a token.
"""
from __future__ import annotations

import sys
from pathlib import Path
from typing import Any


def resolve(args: Any) -> tuple[str, str, str | None, Any, str | None]:
    """(url, email, token, config, problem sentence or None)."""
    from chatdesk.client.config import load_config
    from chatdesk.client.credentials import NoKeyring, load_token

    config = load_config()
    url = (getattr(args, "url", None) or config.url or "").rstrip("/")
    email = getattr(args, "email", None) or config.email or ""
    if not url:
        return "", email, None, config, (
            "No chat server given. Open the desk with `chatdesk --url URL`, or log in once with "
            "`chatdesk login --url URL --email EMAIL` so the desk remembers it.")
    login = f"`chatdesk login --url {url} --email {email or 'EMAIL'}`"
    try:
        token = load_token(url, email)
    except NoKeyring as exc:
        return url, email, None, config, f"{exc} Then log in with {login}."
    if not token:
        who = f" for {email}" if email else ""
        return url, email, None, config, (
            f"There is no saved login{who} at {url}. Log in first with {login}, or set CHATDESK_TOKEN.")
    return url, email, token, config, None


def run_desk(args: Any) -> int:
    import gc
    gc.disable()               # until the first frame is out (DeskApp._tune_collector)
    url, _email, token, config, problem = resolve(args)
    if token is None:                        # resolve() always says why there is no token
        gc.enable()
        print(problem, file=sys.stderr)
        return 2
    # the server prepares the desk's snapshot while this process imports the desk (start-up)
    from chatdesk.client.prefetch import HISTORY_PAGE, DeskPrefetch
    prefetch = DeskPrefetch(url, token, HISTORY_PAGE)
    from chatdesk.tui.frame_rate import use_desk_frame_rate
    use_desk_frame_rate()                    # before Textual is imported
    from chatdesk.client.config import config_dir
    from chatdesk.tui.app import DeskApp
    from chatdesk.tui.settings import DeskSettings
    from chatdesk.tui.theme_loader import SHIPPED_DIR

    keymap_file = Path(config.keymap).expanduser() if config.keymap else config_dir() / "keymap.toml"
    app = DeskApp(url=url, token=token, settings=DeskSettings.from_config(config),
                  keymap_file=keymap_file, theme_dirs=[SHIPPED_DIR, config_dir() / "themes"],
                  startup_notes=list(config.problems), tune_gc=True, prefetch=prefetch)
    app.run()
    return app.return_code or 0
