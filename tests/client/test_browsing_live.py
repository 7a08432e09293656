"""The Visitors list's data through DeskSession against the real server: one REST load, then the
stream's visitors.browsing frames keep `store.browsing` current (an arrival, a cart, a page, a
departure) with no second request; the stream coming back after a drop loads once more. Local
sorting and filtering give the server's own answer. Visitor text arrives cleaned."""
from __future__ import annotations

import asyncio

from chatdesk.client.browsing_list import SORTS, BrowsingList
from tests.support.accounts import new_operator
from tests.support.api import Api
from tests.support.session import started_session
from tests.support.visitor import Visitor
from tests.support.waiting import wait_for


async def test_frames_keep_the_list_live_without_polling(server_factory, tmp_path):
    srv = server_factory("--browsing-idle", "3")
    token = await asyncio.to_thread(new_operator, srv, "Vera")
    desk = await started_session(srv, token, tmp_path)
    try:
        stays = await Visitor(srv.url).arrive(url="https://shop.test/boots", title="Boots")
        assert await desk.browsing.load() == 1
        listed = desk.store.browsing
        assert set(listed.visitors) == {stays.id} and desk.browsing.loads == 1

        comes = await Visitor(srv.url).arrive(url="https://shop.test/tents", title="Tents \x1b]0;pwned\x07now")
        await comes.call("POST", "/visitor/events", {"type": "identify", "name": "Ola [b]N[/b]"})
        await comes.call("POST", "/visitor/events", {"type": "cart", "value": 249, "currency": "EUR", "items": 1})
        await wait_for(lambda: comes.id in listed.visitors and listed.visitors[comes.id].cart is not None,
                       what="the new visitor with a cart, from frames", timeout=20)
        row = listed.visitors[comes.id]
        assert row.name == "Ola [b]N[/b]" and row.current_title == "Tents now"   # escape gone, brackets text
        assert row.cart.value == 249 and listed.online == 2

        async def keep_beating() -> None:           # `stays` stays; `comes` goes quiet and leaves
            while True:
                await stays.call("POST", "/visitor/heartbeat", {})
                await asyncio.sleep(0.5)
        beating = asyncio.create_task(keep_beating())
        try:
            await wait_for(lambda: comes.id not in listed.visitors, what="the quiet visitor gone", timeout=20)
            assert stays.id in listed.visitors and listed.online == 1
            assert desk.browsing.loads == 1           # all of it from frames: nothing polled

            before = listed.version
            desk.stream.drop()                         # frames missed while away are never replayed
            await wait_for(lambda: desk.browsing.loads == 2, what="a load after the stream came back", timeout=20)
            assert listed.version > before and set(listed.visitors) == {stays.id}
        finally:
            beating.cancel()
        await stays.close()
        await comes.close()
    finally:
        await desk.stop()


async def test_local_sort_and_filter_give_the_servers_answer(server_factory, tmp_path):
    srv = server_factory("--browsing-idle", "600")
    token = await asyncio.to_thread(new_operator, srv, "Walt")
    api = Api(srv, token)
    desk = await started_session(srv, token, tmp_path)
    people = []
    try:
        for i, (url, cart) in enumerate([("https://shop.test/boots?utm_source=mail&utm_campaign=spring", 10),
                                         ("https://shop.test/tents", None), ("https://shop.test/boots/red", 99),
                                         ("https://shop.test/", 5)]):
            v = await Visitor(srv.url).arrive(url=url, title=f"Page {i}", referrer="https://search.example/")
            if cart is not None:
                await v.call("POST", "/visitor/events", {"type": "cart", "value": cart})
            people.append(v)
        await people[0].view("https://shop.test/boots/size", "Sizes")
        await desk.browsing.load()
        for sort in SORTS:
            for descending in (True, False):
                for q in ("", "boots", "SPRING", "search.example", "nothing-like-this"):
                    query = {"sort": sort, "descending": str(descending).lower(), **({"q": q} if q else {})}
                    r = await api.get("/browsing", params=query)
                    assert r.status_code == 200, r.text
                    server = r.json()
                    mine = desk.store.browsing.rows(sort, descending, q)
                    if sort != "last_seen":     # last_seen moves with every request: the sets only
                        assert [v.id for v in mine] == [v["id"] for v in server["visitors"]], (sort, descending, q)
                    assert {v.id for v in mine} == {v["id"] for v in server["visitors"]}
    finally:
        for v in people:
            await v.close()
        await desk.stop()
        await api.close()


def test_a_reload_frame_asks_for_the_list_and_frames_before_the_first_load_are_ignored():
    asked: list[int] = []
    listed = BrowsingList(lambda _c: None)
    listed.on_reload_needed = lambda: asked.append(1)
    row = {"id": "v1", "name": "Ann", "page_seconds": 5, "time_on_site": 50}
    listed.apply_frame({"type": "visitors.browsing", "visitors": [row], "gone": [], "online": 1})
    assert listed.visitors == {} and not listed.loaded          # a partial list would look whole
    listed.replace([], 0)
    listed.apply_frame({"type": "visitors.browsing", "visitors": [row, {"id": 3}], "gone": [], "online": 1})
    assert list(listed.visitors) == ["v1"]                      # the malformed row is skipped
    listed.apply_frame({"type": "visitors.browsing", "reload": True, "online": 900})
    assert asked == [1]
    listed.apply_frame({"type": "visitors.browsing", "visitors": [], "gone": ["v1"], "online": 0})
    assert listed.visitors == {} and listed.online == 0
