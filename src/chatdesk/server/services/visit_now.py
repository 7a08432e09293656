"""Everything an opener decision needs to know about a visitor, in one statement: the contact row
and what the page reported (visitor_browsing), the open chat if any, and this visit's newest
invitation with the name of the operator who sent it by hand. The heartbeat runs it on every beat,
so it is built once (a fixed statement is compiled once and found in SQLAlchemy's cache after)."""
from __future__ import annotations

from typing import Any

from sqlalchemy import bindparam, select

from ..storage.db import AnyConn
from ..storage.rows import OPEN_STATES
from ..storage.schema import conversations as C
from ..storage.schema import invitations as I
from ..storage.schema import operators as OP
from ..storage.schema import visitor_browsing as B
from ..storage.schema import visitors as V

_open_chat = (select(C.c.id).where(C.c.visitor_id == V.c.id, C.c.state.in_(OPEN_STATES))
              .order_by(C.c.id.desc()).limit(1).correlate(V).scalar_subquery())
_earlier = I.alias("earlier")      # this visit's invitations, the newest of which is joined
_this_visit = (select(_earlier.c.id).where(_earlier.c.visitor_id == V.c.id, _earlier.c.visit_no == V.c.visit_count)
               .order_by(_earlier.c.id.desc()).limit(1).correlate(V).scalar_subquery())

VISIT_NOW = (
    select(V, B, _open_chat.label("open_conversation_id"),
           I.c.id.label("invite_id"), I.c.state.label("invite_state"), I.c.grp.label("invite_group"),
           I.c.body.label("invite_body"), OP.c.name.label("invite_operator_name"))
    .select_from(V.outerjoin(B, B.c.visitor_id == V.c.id)
                 .outerjoin(I, I.c.id == _this_visit)
                 .outerjoin(OP, OP.c.id == I.c.operator_id))
    .where(V.c.id == bindparam("vid"))
)


async def visit_now(conn: AnyConn, vid: str) -> Any:
    """The row (None for an unknown visitor): the columns of `visitors` and `visitor_browsing`,
    `open_conversation_id`, and `invite_*` (all None when this visit has no invitation yet)."""
    return (await conn.execute(VISIT_NOW, {"vid": vid})).first()
