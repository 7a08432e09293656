"""Event and frame names shared by the server and the client.

Durable events are written to the server's event log with a global `event_id` and, when they
belong to a conversation, a per-conversation gap-free `seq`. Ephemeral signals (typing, sneak
peek, presence) are never logged and carry no event_id.
"""
from __future__ import annotations

# --- durable events (logged, replayed on resume) -------------------------------------------------
CONVERSATION_QUEUED = "conversation.queued"        # a visitor opened a chat; it waits in the queue
CONVERSATION_ASSIGNED = "conversation.assigned"    # an operator accepted it, or routing assigned it
CONVERSATION_TRANSFERRED = "conversation.transferred"  # moved to another operator or department
CONVERSATION_REQUEUED = "conversation.requeued"    # back to the queue (auto-assign left unanswered)
CONVERSATION_CLOSED = "conversation.closed"        # closed with summary and tags
CONVERSATION_MISSED = "conversation.missed"        # the visitor left before anyone took it
CONVERSATION_UPDATED = "conversation.updated"      # tags, department or other fields changed
MESSAGE_CREATED = "message.created"                # visitor / operator / system message or note
VISITOR_PAGEVIEW = "visitor.pageview"              # the visitor opened a page
VISITOR_UPDATED = "visitor.updated"                # contact fields changed
VISITOR_NOTE = "visitor.note"                      # a note kept on the visitor across conversations
OPERATOR_STATUS = "operator.status"                # online / away / on_phone / offline
OPERATOR_UPDATED = "operator.updated"              # cap or other settings changed
CONVERSATION_WATCHERS = "conversation.watchers"    # staff started/stopped monitoring: data.watchers
CONVERSATION_JOINED = "conversation.joined"        # staff joined (writes to the visitor): data.joined
APPROVAL_REQUESTED = "approval.requested"          # a novice's message waits for a trainer
APPROVAL_RESOLVED = "approval.resolved"            # approved (message.created follows) or rejected
REQUEST_CREATED = "request.created"                # a callback or offline message became a work item
REQUEST_UPDATED = "request.updated"                # claimed, called, released or done
ORDER_ATTRIBUTED = "order.attributed"              # an order credited to a chat
OPENER_RULES_CHANGED = "opener_rules.changed"      # a rule created, edited or paused, or the order changed

DURABLE = frozenset({
    CONVERSATION_QUEUED, CONVERSATION_ASSIGNED, CONVERSATION_TRANSFERRED, CONVERSATION_REQUEUED,
    CONVERSATION_CLOSED, CONVERSATION_MISSED, CONVERSATION_UPDATED, MESSAGE_CREATED,
    VISITOR_PAGEVIEW, VISITOR_UPDATED, VISITOR_NOTE, OPERATOR_STATUS, OPERATOR_UPDATED,
    CONVERSATION_WATCHERS, CONVERSATION_JOINED, APPROVAL_REQUESTED, APPROVAL_RESOLVED,
    REQUEST_CREATED, REQUEST_UPDATED, ORDER_ATTRIBUTED, OPENER_RULES_CHANGED,
})

# --- ephemeral signals (never logged) ------------------------------------------------------------
TYPING = "typing"          # {conversation_id, actor: "visitor"|"operator", is_typing, text?}
                           # `text` is the visitor's unsent draft (sneak peek); operators never get
                           # their own draft echoed and visitors never see a sneak peek.
INVITE = "invite"          # to a visitor: {"invite": Invite}, an opener to show (also in the heartbeat answer)
BROWSING = "visitors.browsing"   # to operators, at most one a second: {"visitors": [BrowsingVisitor],
                                 # "gone": [ids], "online": N} or {"reload": true, "online": N}

# --- stream control frames -----------------------------------------------------------------------
AUTH = "auth"              # client -> server, first frame: {"token": T} or {"visitor_token": T}
RESUME = "resume"          # client -> server: {"after": N}
RESUMED = "resumed"        # server -> client after the replay: {"event_id": M}
RESET = "reset"            # server -> client: N is older than the log keeps; reload over REST
ERROR = "error"            # server -> client: {"error": code, "message": sentence}, then close
PING = "ping"
PONG = "pong"
