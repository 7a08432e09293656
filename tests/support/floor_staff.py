"""The reproducible floor (support/floor.py) with a trainer and a novice in approval mode, for the
board, monitor and approval-queue screenshots. Added after the desk shots and after the floor's
times were fixed, so the desk's snapshots and screenshots stay as they were."""
from __future__ import annotations

import uuid

import httpx

TRAINER = ("tess@floor.test", "Tess Morgan")
NOVICE = ("noor@floor.test", "Noor Ali")
HELD = "its waterproof yes, anything else"
WHISPER = "Offer the express reshipment, it's on us."


def build_staff(srv) -> tuple[str, str]:
    """Add the trainer and the novice; the novice takes Lea's chat and writes a held reply.
    Returns (trainer token, novice token)."""
    from concurrent.futures import ThreadPoolExecutor
    with ThreadPoolExecutor(2) as pool:
        trainer_f = pool.submit(srv.operator, TRAINER[0], TRAINER[1], role="trainer")
        novice_f = pool.submit(srv.operator, NOVICE[0], NOVICE[1], max_chats=2)
        trainer, novice = trainer_f.result(), novice_f.result()
    with httpx.Client(base_url=srv.url + "/api/v1", timeout=20) as http:
        t = {"Authorization": f"Bearer {trainer}"}
        n = {"Authorization": f"Bearer {novice}"}
        me = http.get("/me", headers=n).json()
        http.patch(f"/operators/{me['id']}", headers=t,
                   json={"novice": True, "approval_required": True}).raise_for_status()
        queue = http.get("/queue", headers=n).json()["queue"]
        lea = next(e for e in queue if e["visitor"]["name"] == "Lea Vogel")["conversation"]["id"]
        http.post(f"/conversations/{lea}/accept", headers=n).raise_for_status()
        r = http.post(f"/conversations/{lea}/messages", headers=n,
                      json={"client_msg_id": uuid.uuid4().hex, "body": HELD})
        assert r.status_code == 202, r.text
    return trainer, novice


def conversation_of(srv, token: str, visitor_name: str) -> int:
    with httpx.Client(base_url=srv.url + "/api/v1", timeout=20) as http:
        head = {"Authorization": f"Bearer {token}"}
        for c in http.get("/conversations", headers=head).json()["conversations"]:
            detail = http.get(f"/conversations/{c['id']}", headers=head).json()
            if detail["visitor"]["name"] == visitor_name:
                return c["id"]
    raise LookupError(visitor_name)
