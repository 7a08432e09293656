"""The shop's settings file for a test's server (`--shop-config FILE`, or the older
`--flows-config FILE` for its [prechat], [hours], [queue] and [rating] sections)."""
from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

ZONE = "Europe/Helsinki"
EVERY_DAY = "{" + ", ".join(f'{d} = "08:00-16:00"' for d in (
    "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")) + "}"


def flows_file(folder: Path, text: str, name: str = "flows.toml") -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def closed_today() -> str:
    """Hours open 8-16 every day but closed all of today (a holiday) in the shop's zone, so chat
    opens again tomorrow at 08:00 whatever the time the test runs."""
    today = datetime.now(ZoneInfo(ZONE)).date()
    return (f'[hours]\ntime_zone = "{ZONE}"\nweek = {EVERY_DAY}\n'
            f'exceptions = [{{date = "{today.isoformat()}", hours = "closed"}}]\n')


def tomorrow_local() -> datetime:
    """Tomorrow 08:00 in the shop's zone."""
    tomorrow = datetime.now(ZoneInfo(ZONE)).date() + timedelta(days=1)
    return datetime(tomorrow.year, tomorrow.month, tomorrow.day, 8, tzinfo=ZoneInfo(ZONE))
