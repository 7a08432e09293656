"""The shop's one settings file (`--shop-config FILE`, server/shop_config.py): branding, texts,
pre-chat, hours, queue and rating from one TOML file into the real server's answers; a bad file
named with its line; the two older flags still read for one release, never beside the new one."""
from __future__ import annotations

import subprocess
import sys

import httpx
import pytest

from chatdesk.demo.run import DEMO_SHOP
from chatdesk.server.shop_config import ShopConfigError, load_shop

SHOP = """\
# Northwind's settings
[branding]
title = "Northwind help"
primary_colour = "#1b7f3b"

[texts.pl]
"panel.greeting" = "Witaj w Northwind!"

[prechat]
name = "required"
email = "optional"

[hours]
recheck_s = 15

[queue]
max_length = 4

[rating]
scale = "thumbs"
"""


def write(tmp_path, text: str):
    path = tmp_path / "shop.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_one_file_sets_the_widget_and_the_visitors_flows(server_factory, tmp_path):
    srv = server_factory("--shop-config", str(write(tmp_path, SHOP)))
    pl = httpx.post(srv.url + "/api/v1/visitor/sessions", json={"lang": "pl"}).json()
    assert pl["branding"]["title"] == "Northwind help" and pl["branding"]["primary_colour"] == "#1b7f3b"
    assert pl["texts"]["panel.greeting"] == "Witaj w Northwind!"
    assert (pl["prechat"]["name"], pl["prechat"]["email"]) == ("required", "optional")
    assert pl["rating"] == {"scale": "thumbs"}
    assert pl["availability"]["recheck_s"] == 15


@pytest.mark.parametrize(("text", "line", "says"), [
    (SHOP.replace('"#1b7f3b"', '"green"'), 4, "branding.primary_colour must be a colour written as #rrggbb"),
    (SHOP.replace('name = "required"', 'name = "always"'), 10, "[prechat] name must be one of required"),
    (SHOP.replace("recheck_s = 15", "recheck_s = 0"), 14, "[hours] recheck_s must be a whole number"),
    (SHOP.replace("max_length = 4", 'max_length = "four"'), 16, "a setting has the wrong kind of value"),
    (SHOP.replace('scale = "thumbs"', 'scale = "ten"'), 20, "[rating] scale must be one of five, thumbs"),
    (SHOP.replace("[queue]", "[queues]"), 16, "unknown section [queues]"),
    (SHOP.replace('[texts.pl]', '[texts.de]'), 6, "texts.de: the widget speaks en, pl, fi only"),
    (SHOP.replace("max_length = 4", "max_length = "), 17, "not valid TOML"),
    ('title = "Northwind"\n' + SHOP, 1, "unknown section [title]"),
])
def test_a_bad_file_is_named_with_its_line_and_what_to_change(tmp_path, text, line, says):
    path = write(tmp_path, text)
    with pytest.raises(ShopConfigError) as e:
        load_shop(path)
    assert str(e.value).startswith(f"{path}, line {line}: "), str(e.value)
    assert says in str(e.value)


def test_the_server_will_not_start_with_a_bad_shop_file_and_says_where(tmp_path):
    path = write(tmp_path, SHOP.replace('"#1b7f3b"', '"green"'))
    run = subprocess.run([sys.executable, "-m", "chatdesk", "server", "--db", str(tmp_path / "c.db"),
                          "--port", "1", "--shop-config", str(path)], capture_output=True, text=True, timeout=60)
    assert run.returncode == 2
    assert (f"chatdesk server: the shop config is wrong: {path}, line 4: branding.primary_colour must be "
            "a colour written as #rrggbb, not 'green'.") in run.stderr


def test_the_older_flags_are_not_given_beside_the_new_one(tmp_path):
    path = write(tmp_path, SHOP)
    run = subprocess.run([sys.executable, "-m", "chatdesk", "server", "--db", str(tmp_path / "c.db"),
                          "--port", "1", "--shop-config", str(path), "--flows-config", str(path)],
                         capture_output=True, text=True, timeout=60)
    assert run.returncode == 2
    assert "give --shop-config alone: its file holds what --flows-config read" in run.stderr


def test_the_older_flags_still_read_their_halves(server_factory, tmp_path):
    widget = tmp_path / "widget.toml"
    widget.write_text('[branding]\ntitle = "Old style"\n', encoding="utf-8")
    flows = tmp_path / "flows.toml"
    flows.write_text('[rating]\nscale = "thumbs"\n', encoding="utf-8")
    srv = server_factory("--widget-config", str(widget), "--flows-config", str(flows))
    s = httpx.post(srv.url + "/api/v1/visitor/sessions", json={}).json()
    assert s["branding"]["title"] == "Old style" and s["rating"] == {"scale": "thumbs"}


def test_the_older_flags_say_they_go_in_the_next_release(tmp_path):
    flows = tmp_path / "flows.toml"
    flows.write_text('[rating]\nscale = "ten"\n', encoding="utf-8")     # stops right after the notice
    run = subprocess.run([sys.executable, "-m", "chatdesk", "server", "--db", str(tmp_path / "c.db"),
                          "--port", "1", "--flows-config", str(flows)], capture_output=True, text=True, timeout=60)
    assert run.returncode == 2 and "[rating] scale must be one of five, thumbs" in run.stderr
    assert ("chatdesk server: --flows-config will go in the next release; put the sections in one file "
            "for --shop-config FILE (docs/visitor-flows.md).") in run.stderr


def test_the_demo_shops_file_is_one_good_shop_file():
    shop = load_shop(DEMO_SHOP)
    assert shop.widget.branding.primary_colour == "#1b7f3b" and shop.flows.queue.max_length == 5


def test_the_documented_example_is_a_good_shop_file(tmp_path):
    from pathlib import Path
    doc = (Path(__file__).parents[2] / "docs" / "visitor-flows.md").read_text(encoding="utf-8")
    example = doc.split("```toml\n", 1)[1].split("```", 1)[0]
    shop = load_shop(write(tmp_path, example))
    assert shop.widget.branding.title == "Northwind help" and shop.flows.prechat.name == "required"
    assert shop.flows.hours.recheck_s == 30 and shop.flows.rating.scale == "five"
