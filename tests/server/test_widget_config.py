"""The shop's widget config (`--widget-config FILE`, server/widget_config.py): branding and text
overrides reach the session answer; a file the widget could not use stops the server with a sentence."""
from __future__ import annotations

import json
import subprocess
import sys

import httpx
import pytest

from chatdesk.server.widget_config import Branding, WidgetConfigError, load

GREEN = """
[branding]
title = "Northwind help"
primary_colour = "#1b7f3b"
text_colour = "#ffffff"
logo_url = "https://shop.example/logo.png"
position = "left"

[texts.pl]
"panel.greeting" = "Witaj w Northwind!"
"""


def test_toml_and_json_files_read_the_same(tmp_path):
    toml_file, json_file = tmp_path / "w.toml", tmp_path / "w.json"
    toml_file.write_text(GREEN, encoding="utf-8")
    json_file.write_text(json.dumps({"branding": {"title": "Northwind help", "primary_colour": "#1b7f3b",
                                                  "text_colour": "#ffffff", "position": "left",
                                                  "logo_url": "https://shop.example/logo.png"},
                                     "texts": {"pl": {"panel.greeting": "Witaj w Northwind!"}}}), encoding="utf-8")
    assert load(toml_file) == load(json_file)
    assert load(toml_file).branding == Branding("Northwind help", "#1b7f3b", "#ffffff",
                                                "https://shop.example/logo.png", "left")
    assert load(None).branding == Branding()


@pytest.mark.parametrize(("text", "says"), [
    ('[branding]\nprimary_colour = "red"', "#rrggbb"),
    ('[branding]\ntext_colour = "#fff; background: url(x)"', "#rrggbb"),
    ('[branding]\nlogo_url = "javascript:alert(1)"', "http:// or https://"),
    ('[branding]\nposition = "top"', '"right" or "left"'),
    ('[branding]\ncolour = "#000000"', "unknown setting(s) colour"),
    ('[texts.de]\n"panel.send" = "Senden"', "speaks en, pl, fi only"),
    ('[texts.pl]\n"panel.send" = 3', "must be a text"),
    ('[colours]\nx = 1', "unknown section(s) colours"),
    ('[branding\n', "not valid TOML"),
])
def test_a_bad_file_is_refused_with_what_to_change(tmp_path, text, says):
    path = tmp_path / "widget.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(WidgetConfigError, match=says.replace("(", r"\(").replace(")", r"\)")):
        load(path)


def test_the_session_answer_carries_the_shops_branding_and_texts(server_factory, tmp_path):
    path = tmp_path / "widget.toml"
    path.write_text(GREEN, encoding="utf-8")
    srv = server_factory("--widget-config", str(path))
    pl = httpx.post(srv.url + "/api/v1/visitor/sessions", json={"lang": "pl"}).json()
    assert pl["branding"] == {"title": "Northwind help", "primary_colour": "#1b7f3b", "text_colour": "#ffffff",
                              "logo_url": "https://shop.example/logo.png", "position": "left"}
    assert pl["texts"]["panel.greeting"] == "Witaj w Northwind!"
    en = httpx.post(srv.url + "/api/v1/visitor/sessions", json={"lang": "en"}).json()
    assert en["texts"]["panel.greeting"].startswith("Hi!")       # the override is Polish only


def test_without_a_title_the_branding_names_the_chat_in_the_visitors_language(server):
    fi = httpx.post(server.url + "/api/v1/visitor/sessions", json={"lang": "fi"}).json()
    assert fi["branding"]["title"] == "Keskustele kanssamme"
    assert fi["branding"]["primary_colour"] == "#1f6feb"


def test_the_server_will_not_start_with_a_bad_widget_config(tmp_path):
    path = tmp_path / "widget.toml"
    path.write_text('[branding]\nprimary_colour = "green"\n', encoding="utf-8")
    run = subprocess.run([sys.executable, "-m", "chatdesk", "server", "--db", str(tmp_path / "c.db"),
                          "--port", "1", "--widget-config", str(path)], capture_output=True, text=True, timeout=60)
    assert run.returncode == 2
    assert "branding.primary_colour must be a colour written as #rrggbb, not 'green'." in run.stderr
