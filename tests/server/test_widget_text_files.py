"""The widget's text catalogue on disk (services/widget_texts.TextFiles): read once, the disk looked
at again at most every few seconds (a session start costs no stat of every file), and an edited
file shows once that time has passed."""
from __future__ import annotations

import json

from chatdesk.server.services.widget_texts import TextFiles


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_texts_are_read_once_and_an_edit_shows_after_the_recheck_time(tmp_path):
    (tmp_path / "pl").mkdir()
    panel = tmp_path / "pl" / "panel.json"
    panel.write_text(json.dumps({"panel.send": "Wyślij"}), encoding="utf-8")
    clock = Clock()
    files = TextFiles(tmp_path, recheck_s=3.0, clock=clock)
    assert files.language("pl") == {"panel.send": "Wyślij"}

    panel.write_text(json.dumps({"panel.send": "Wyślij teraz"}), encoding="utf-8")
    (tmp_path / "pl" / "queue.json").write_text(json.dumps({"queue.next": "Jesteś następny."}), encoding="utf-8")
    clock.now += 2.9                                    # within the recheck time: not looked at
    assert files.language("pl") == {"panel.send": "Wyślij"}
    clock.now += 0.2                                    # past it: the change and the new file show
    assert files.language("pl") == {"panel.send": "Wyślij teraz", "queue.next": "Jesteś następny."}


def test_unchanged_files_are_not_read_again(tmp_path):
    (tmp_path / "fi").mkdir()
    (tmp_path / "fi" / "panel.json").write_text(json.dumps({"panel.send": "Lähetä"}), encoding="utf-8")
    clock = Clock()
    files = TextFiles(tmp_path, recheck_s=1.0, clock=clock)
    first = files.language("fi")
    clock.now += 5
    assert files.language("fi") is first                # same files, same mtimes: the same texts
