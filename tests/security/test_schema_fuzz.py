"""Schemathesis against the OpenAPI schema the real server serves: every operation, with generated
valid and invalid inputs, real tokens from a real login, and real ids in half the path parameters
(so the fuzz gets past the 404s into the handlers). Never a 5xx; every error has the error shape.
Bounded (a few examples per operation) so the run takes seconds, not minutes."""
from __future__ import annotations

import os

import httpx
import pytest
import requests
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from tests.support.api import Operator
from tests.support.visitor import Visitor

EXAMPLES = int(os.environ.get("CHATDESK_FUZZ_EXAMPLES", "12"))
# Logging in is slowed on purpose after failures (auth.LoginThrottle): a few examples are enough.
FEW = {("post", "/api/v1/auth/login"): 4}
# Logging out would revoke the token the rest of the fuzz runs on; it gets a throwaway one.
THROWAWAY = {("post", "/api/v1/auth/logout")}


@pytest.fixture
def fuzz_server(server_factory):
    return server_factory("--visitor-timeout", "100000")


def fuzz_operation(url, session, tally, token, strategies, examples):
    """Send `examples` generated requests for one operation with the given bearer token."""
    @settings(max_examples=examples, deadline=None, database=None, derandomize=True,
              phases=[Phase.explicit, Phase.generate], suppress_health_check=list(HealthCheck))
    @given(case=st.one_of(strategies))
    def fuzz(case):
        r = case.call(base_url=url, session=session, headers={"Authorization": f"Bearer {token}"})
        tally.check(r, f"{case.method} {case.formatted_path}")   # a refusal is fine if it says why

    fuzz()


async def test_no_generated_request_gets_a_5xx(fuzz_server, tally):
    import schemathesis
    from schemathesis import GenerationMode

    srv = fuzz_server
    sue = await Operator.create(srv, "sue@example.com", role="supervisor", max_chats=50)
    v = await Visitor(srv).arrive()
    cid = await v.start_chat("hello")
    assert (await sue.accept(cid)).status_code == 200
    real = {"cid": cid, "vid": v.id, "operator_id": sue.id, "approval_id": 1}
    schema = schemathesis.openapi.from_url(srv.url + "/openapi.json")
    session = requests.Session()                    # schemathesis' own transport
    operations = [r.ok() for r in schema.get_all_operations()]
    assert len(operations) >= 28

    for op in operations:
        key = (op.method.lower(), op.path)
        token = v.token if op.path.startswith("/api/v1/visitor/") else sue.token
        if key in THROWAWAY:
            token = srv.login(sue.email)
        names = [p.name for p in op.path_parameters]
        strategies = [op.as_strategy(GenerationMode.POSITIVE), op.as_strategy(GenerationMode.NEGATIVE)]
        if names and all(n in real for n in names):
            strategies.append(op.as_strategy(GenerationMode.POSITIVE, path_parameters={n: real[n] for n in names}))

        fuzz_operation(srv.url, session, tally, token, strategies, FEW.get(key, EXAMPLES))

    session.close()
    assert tally.server_errors == [], tally.server_errors[:5]
    assert httpx.get(srv.url + "/api/v1/health").json() == {"ok": True}
