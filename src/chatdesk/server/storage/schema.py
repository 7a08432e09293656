"""Table definitions (SQLAlchemy Core). They describe the schema as the newest migration leaves it;
migrations.py is what creates and changes it in a real database.

JSON columns hold their value as JSON text (SQLite has no JSON type; a column declared TEXT by an
older release reads and writes the same); on Postgres they are `json`, which keeps the text as
written (jsonb cannot hold an escaped NUL). On Postgres integers are bigint (ids up to
protocol.limits.MAX_ID, 2**62, are looked up, never overflowed) and text columns store NUL too
(text_types.py)."""
from __future__ import annotations

from sqlalchemy import (
                        JSON,
                        BigInteger,
                        Boolean,
                        Column,
                        Float,
                        ForeignKey,
                        Index,
                        MetaData,
                        Table,
                        UniqueConstraint,
)
from sqlalchemy import Integer as SqlInteger

from .text_types import string, text_type

# The same types as before on SQLite; bigint and NUL-safe text on Postgres (see above).
Integer = SqlInteger().with_variant(BigInteger(), "postgresql")
String = string
Text = text_type()

metadata = MetaData()

schema_version = Table(
    "schema_version", metadata,
    Column("version", Integer, nullable=False),
)

departments = Table(
    "departments", metadata,
    Column("name", String(120), primary_key=True),
)

operators = Table(
    "operators", metadata,
    Column("id", Integer, primary_key=True),
    Column("email", String(254), nullable=False, unique=True),
    Column("name", String(120), nullable=False),
    Column("role", String(20), nullable=False),
    Column("password_hash", Text, nullable=False),
    Column("status", String(20), nullable=False, default="offline"),
    Column("max_chats", Integer, nullable=False, default=4),
    Column("departments", JSON, nullable=False, default=list),   # list of names
    Column("novice", Boolean, nullable=False, default=False),
    Column("approval_required", Boolean, nullable=False, default=False),
    Column("last_assigned_at", Float, nullable=False, default=0.0),
    Column("created_at", Float, nullable=False),
)

operator_tokens = Table(
    "operator_tokens", metadata,
    Column("token_hash", String(64), primary_key=True),
    Column("operator_id", Integer, ForeignKey("operators.id"), nullable=False),
    Column("created_at", Float, nullable=False),
    Column("revoked_at", Float),
)

visitors = Table(
    "visitors", metadata,
    Column("id", String(64), primary_key=True),
    Column("name", String(120), nullable=False, default=""),
    Column("email", String(254), nullable=False, default=""),
    Column("phone", String(40), nullable=False, default=""),
    Column("first_seen", Float, nullable=False),
    Column("last_seen", Float, nullable=False),
    Column("visit_count", Integer, nullable=False, default=1),
    Column("visit_started_at", Float, nullable=False),
    Column("current_url", Text, nullable=False, default=""),
    Column("current_title", Text, nullable=False, default=""),
    Column("referrer", Text, nullable=False, default=""),
    Column("last_operator_id", Integer, ForeignKey("operators.id")),
)

visitor_tokens = Table(
    "visitor_tokens", metadata,
    Column("token_hash", String(64), primary_key=True),
    Column("visitor_id", String(64), ForeignKey("visitors.id"), nullable=False),
    Column("created_at", Float, nullable=False),
)

pageviews = Table(
    "pageviews", metadata,
    Column("id", Integer, primary_key=True),
    Column("visitor_id", String(64), ForeignKey("visitors.id"), nullable=False),
    Column("visit_no", Integer, nullable=False),
    Column("url", Text, nullable=False),
    Column("title", Text, nullable=False, default=""),
    Column("referrer", Text, nullable=False, default=""),
    Column("ts", Float, nullable=False),
    Index("ix_pageviews_visitor", "visitor_id", "id"),
)

visitor_notes = Table(
    "visitor_notes", metadata,
    Column("id", Integer, primary_key=True),
    Column("visitor_id", String(64), ForeignKey("visitors.id"), nullable=False),
    Column("body", Text, nullable=False),
    Column("author_id", Integer, ForeignKey("operators.id")),
    Column("author_name", String(120), nullable=False, default=""),
    Column("ts", Float, nullable=False),
    Index("ix_visitor_notes_visitor", "visitor_id", "id"),
)

conversations = Table(
    "conversations", metadata,
    Column("id", Integer, primary_key=True),
    Column("visitor_id", String(64), ForeignKey("visitors.id"), nullable=False),
    Column("state", String(20), nullable=False),
    Column("department", String(120)),
    Column("operator_id", Integer, ForeignKey("operators.id")),
    Column("tags", JSON, nullable=False, default=list),           # list of tags
    Column("summary", Text, nullable=False, default=""),
    Column("follow_up", Text),
    Column("queued_at", Float, nullable=False),
    Column("accepted_at", Float),
    Column("assigned_at", Float),                 # the current operator got it (accept/route/transfer)
    Column("first_response_at", Float),
    Column("closed_at", Float),
    Column("last_seq", Integer, nullable=False, default=0),
    Column("auto_assigned", Boolean, nullable=False, default=False),
    Column("answered", Boolean, nullable=False, default=False),  # current operator has replied
    Column("skip_operators", JSON, nullable=False, default=list),  # ids: let it lapse, don't re-route
    Column("rating", Integer),                    # schema 2: the visitor's 1-5 rating
    Column("rating_comment", Text, nullable=False, default=""),
    Column("rated_at", Float),
    # schema 8: the client address that opened the chat, kept while it is open (cleared when it
    # closes or is missed), so the per-address cap counts open chats here (security/chat_limits.py)
    Column("opened_from", String(64)),
    Index("ix_conversations_state", "state", "queued_at"),
    Index("ix_conversations_opened_from", "opened_from", "state"),
    Index("ix_conversations_operator", "operator_id", "state"),
    Index("ix_conversations_visitor", "visitor_id", "id"),
)

messages = Table(
    "messages", metadata,
    Column("id", Integer, primary_key=True),
    Column("conversation_id", Integer, ForeignKey("conversations.id"), nullable=False),
    Column("seq", Integer, nullable=False),
    Column("client_msg_id", String(64)),
    Column("author_key", String(80), nullable=False),   # "v:<visitor id>" / "o:<operator id>" / "system"
    Column("author_type", String(20), nullable=False),
    Column("author_id", Integer),
    Column("author_name", String(120), nullable=False, default=""),
    Column("kind", String(20), nullable=False),
    Column("body", Text, nullable=False),
    Column("ts", Float, nullable=False),
    Index("ix_messages_conversation", "conversation_id", "seq"),
    UniqueConstraint("author_key", "client_msg_id", name="uq_messages_author_client_msg"),
)

canned_replies = Table(
    "canned_replies", metadata,
    Column("id", Integer, primary_key=True),
    Column("shortcut", String(40), nullable=False),
    Column("title", Text, nullable=False),
    Column("body", Text, nullable=False),
    Column("tags", JSON, nullable=False, default=list),
    Column("owner_id", Integer, ForeignKey("operators.id")),     # NULL: shared
    Column("created_at", Float, nullable=False),
)

# The event log. Visibility is decided when the event is written and kept in columns so that a
# replay answers exactly what the live stream did: staff see everything; an operator sees rows with
# all_operators = 1 or their id in op1/op2; a visitor sees rows whose visitor_id is theirs.
events = Table(
    "events", metadata,
    Column("event_id", Integer, primary_key=True),
    Column("type", String(40), nullable=False),
    Column("conversation_id", Integer),
    Column("seq", Integer),
    Column("ts", Float, nullable=False),
    Column("data", JSON, nullable=False),
    Column("client_msg_id", String(64)),
    Column("all_operators", Boolean, nullable=False, default=False),
    Column("op1", Integer),
    Column("op2", Integer),
    Column("visitor_id", String(64)),
    Index("ix_events_conversation", "conversation_id", "seq"),
)


# --- schema 2: supervisors and trainers ----------------------------------------------------------

# Staff attached to a conversation: relation "watching" (monitor, read-only) or "joined" (writes too).
conversation_staff = Table(
    "conversation_staff", metadata,
    Column("conversation_id", Integer, ForeignKey("conversations.id"), primary_key=True),
    Column("operator_id", Integer, ForeignKey("operators.id"), primary_key=True),
    Column("relation", String(20), primary_key=True),
    Column("since", Float, nullable=False),
)

# A novice's text message held for a trainer. Not a message row: the visitor-visible message is
# created only on approval (same author and client_msg_id, so the novice's outbox sees its echo).
approvals = Table(
    "approvals", metadata,
    Column("id", Integer, primary_key=True),
    Column("conversation_id", Integer, ForeignKey("conversations.id"), nullable=False),
    Column("author_id", Integer, ForeignKey("operators.id"), nullable=False),
    Column("author_name", String(120), nullable=False, default=""),
    Column("client_msg_id", String(64), nullable=False),
    Column("body", Text, nullable=False),
    Column("state", String(20), nullable=False, default="pending"),
    Column("created_at", Float, nullable=False),
    Column("resolved_at", Float),
    Column("resolver_id", Integer, ForeignKey("operators.id")),
    Column("resolver_name", String(120), nullable=False, default=""),
    Column("final_body", Text),
    Column("message_id", Integer, ForeignKey("messages.id")),
    Column("note", Text, nullable=False, default=""),
    Index("ix_approvals_state", "state", "id"),
    Index("ix_approvals_conversation", "conversation_id", "id"),
    UniqueConstraint("author_id", "client_msg_id", name="uq_approvals_author_client_msg"),
)

reviews = Table(
    "reviews", metadata,
    Column("id", Integer, primary_key=True),
    Column("conversation_id", Integer, ForeignKey("conversations.id"), nullable=False),
    Column("reviewer_id", Integer, ForeignKey("operators.id")),
    Column("reviewer_name", String(120), nullable=False, default=""),
    Column("mark", String(10)),
    Column("note", Text, nullable=False, default=""),
    Column("ts", Float, nullable=False),
    Index("ix_reviews_conversation", "conversation_id", "id"),
)


# --- schema 3: work items -------------------------------------------------------------------------

# A callback request or an offline message, to be claimed and done by an operator
# (services/work_items.py). state: open -> claimed -> done (release: claimed -> open).
work_items = Table(
    "work_items", metadata,
    Column("id", Integer, primary_key=True),
    Column("kind", String(20), nullable=False),          # callback | offline
    Column("channel", String(20), nullable=False),       # phone | email
    Column("state", String(20), nullable=False, default="open"),
    Column("name", String(120), nullable=False, default=""),
    Column("email", String(254), nullable=False, default=""),
    Column("phone", String(40), nullable=False, default=""),
    Column("preferred_time", String(80), nullable=False, default=""),
    Column("message", Text, nullable=False, default=""),
    Column("visitor_id", String(64), ForeignKey("visitors.id")),
    Column("department", String(120)),
    Column("conversation_id", Integer, ForeignKey("conversations.id")),
    Column("created_at", Float, nullable=False),
    Column("created_by", String(120), nullable=False, default="visitor"),
    Column("due_at", Float, nullable=False),
    Column("claimed_by", Integer, ForeignKey("operators.id")),
    Column("claimed_at", Float),
    Column("calling_since", Float),
    Column("done_at", Float),
    Column("done_note", Text, nullable=False, default=""),
    Index("ix_work_items_state", "state", "due_at"),
    Index("ix_work_items_visitor", "visitor_id", "state"),
)


# --- schema 4: the durable outbox (webhooks and mail) --------------------------------------------

# An admin's webhook subscription. `previous_secret` still signs until `previous_until` (a rotation).
webhooks = Table(
    "webhooks", metadata,
    Column("id", Integer, primary_key=True),
    Column("url", Text, nullable=False),
    Column("events", JSON, nullable=False, default=list),        # webhook event names
    Column("secret", String(128), nullable=False),
    Column("previous_secret", String(128)),
    Column("previous_until", Float),
    Column("created_at", Float, nullable=False),
)

# One outgoing delivery: written in the transaction of the event it reports, sent by the delivery
# worker (server/outbox/worker.py). `id` is a UUID fixed here, so every retry resends the same id.
deliveries = Table(
    "deliveries", metadata,
    Column("id", String(36), primary_key=True),
    Column("channel", String(10), nullable=False),               # "webhook" | "mail"
    Column("webhook_id", Integer),                               # channel webhook
    Column("recipient", String(254), nullable=False, default=""),  # channel mail
    Column("event", String(40), nullable=False),                 # webhook event or mail kind
    Column("event_id", Integer),                                 # the logged event it reports
    Column("payload", JSON, nullable=False),
    Column("state", String(12), nullable=False, default="pending"),  # pending | delivered | dead
    Column("attempts", Integer, nullable=False, default=0),
    Column("next_at", Float, nullable=False),
    Column("created_at", Float, nullable=False),
    Column("give_up_at", Float, nullable=False),                 # then dead (a redelivery moves it)
    Column("delivered_at", Float),
    Column("last_error", Text, nullable=False, default=""),
    Index("ix_deliveries_due", "state", "next_at"),
    Index("ix_deliveries_target_due", "state", "webhook_id", "next_at"),    # schema 6: one look per target
)

# Why a delivery is dead when its subscription went away (the worker never sends those).
REMOVED_WEBHOOK = "The webhook subscription was removed."

delivery_attempts = Table(
    "delivery_attempts", metadata,
    Column("id", Integer, primary_key=True),
    Column("delivery_id", String(36), ForeignKey("deliveries.id"), nullable=False),
    Column("at", Float, nullable=False),
    Column("ok", Boolean, nullable=False),
    Column("status", Integer),                                   # the HTTP status, if one came
    Column("error", Text, nullable=False, default=""),
    Column("seconds", Float, nullable=False),
    Index("ix_delivery_attempts_delivery", "delivery_id", "id"),
)


# --- schema 5: visitors on the site, openers, orders ---------------------------------------------

# What the page and the widget report about a visitor's current visit, one row per visitor (kept
# apart from `visitors` so the hot heartbeat path never rewrites the contact row).
visitor_browsing = Table(
    "visitor_browsing", metadata,
    Column("visitor_id", String(64), ForeignKey("visitors.id"), primary_key=True),
    Column("visit_no", Integer, nullable=False, default=1),
    Column("page_started_at", Float, nullable=False),        # the current page opened
    Column("utm_source", String(120), nullable=False, default=""),
    Column("utm_medium", String(120), nullable=False, default=""),
    Column("utm_campaign", String(120), nullable=False, default=""),
    Column("language", String(20), nullable=False, default=""),
    Column("cart_value", Float),                              # NULL: the page never reported a cart
    Column("cart_currency", String(3), nullable=False, default=""),
    Column("cart_items", Integer, nullable=False, default=0),
)

# Opener rules: conditions and texts as JSON (protocol.openers.RuleConditions / texts by language).
opener_rules = Table(
    "opener_rules", metadata,
    Column("id", Integer, primary_key=True),
    Column("name", String(120), nullable=False),
    Column("enabled", Boolean, nullable=False, default=True),
    Column("priority", Integer, nullable=False),              # lower first
    Column("conditions", JSON, nullable=False, default=dict),
    Column("texts", JSON, nullable=False, default=dict),      # language -> message
    Column("default_language", String(20), nullable=False, default="en"),
    Column("control_percent", Float, nullable=False, default=10.0),
    Column("department", String(120)),
    Column("created_at", Float, nullable=False),
    Column("updated_at", Float, nullable=False),
)

# One opener decision per visit: a rule's treatment ("sent" ... "accepted") or control ("control",
# recorded, never shown), or an operator's manual invite (grp "manual").
invitations = Table(
    "invitations", metadata,
    Column("id", Integer, primary_key=True),
    Column("visitor_id", String(64), ForeignKey("visitors.id"), nullable=False),
    Column("visit_no", Integer, nullable=False),
    Column("rule_id", Integer, ForeignKey("opener_rules.id")),
    Column("operator_id", Integer, ForeignKey("operators.id")),
    Column("grp", String(10), nullable=False),                # treatment | control | manual
    Column("state", String(10), nullable=False),              # control | sent | shown | dismissed | accepted
    Column("body", Text, nullable=False, default=""),
    Column("created_at", Float, nullable=False),
    Column("shown_at", Float),
    Column("resolved_at", Float),
    Column("conversation_id", Integer, ForeignKey("conversations.id")),
    Index("ix_invitations_visit", "visitor_id", "visit_no"),
    Index("ix_invitations_rule", "rule_id", "created_at"),
)

# Orders the shop's thank-you page reported, with the chat (and its operator) they are credited to.
orders = Table(
    "orders", metadata,
    Column("id", Integer, primary_key=True),
    Column("visitor_id", String(64), ForeignKey("visitors.id"), nullable=False),
    Column("order_ref", String(64), nullable=False),
    Column("value", Float, nullable=False),
    Column("currency", String(3), nullable=False, default=""),
    Column("ts", Float, nullable=False),
    Column("conversation_id", Integer, ForeignKey("conversations.id")),
    Column("operator_id", Integer, ForeignKey("operators.id")),
    UniqueConstraint("visitor_id", "order_ref", name="uq_orders_visitor_ref"),
    Index("ix_orders_visitor", "visitor_id", "ts"),
    Index("ix_orders_ts", "ts"),
)


# --- schema 6: secrets the server makes for itself -------------------------------------------------

# One row per purpose, made by the migration: "transcript_links" signs the transcript links that
# webhooks and mails carry (server/outbox/transcript_links.py).
server_keys = Table(
    "server_keys", metadata,
    Column("name", String(40), primary_key=True),
    Column("secret", String(128), nullable=False),
    Column("created_at", Float, nullable=False),
)

# --- schema 7: several server processes on one database (docs/deploy.md) --------------------------

# The processes serving now: each writes its row on start and renews heartbeat_at every second; a
# row older than a few seconds is a process that died. bus_host/bus_port: where its peers send the
# datagrams that wake it for a new event, carry typing frames and end a logged-out token's streams.
cluster_members = Table(
    "cluster_members", metadata,
    Column("member_id", String(40), primary_key=True),
    Column("pid", Integer, nullable=False),
    Column("bus_host", String(64), nullable=False),
    Column("bus_port", Integer, nullable=False),
    Column("started_at", Float, nullable=False),
    Column("heartbeat_at", Float, nullable=False),
    # schema 8: the member's newest presence change, and the change up to which its closed rows in
    # visitor_presence were removed (cluster/presence.py)
    Column("presence_seq", Integer, nullable=False, default=0, server_default="0"),
    Column("presence_pruned", Integer, nullable=False, default=0, server_default="0"),
)

# schema 8: which visitors have a stream open on which process (cluster/presence.py). A row per
# member and visitor, written at the member's heartbeat with the member's change number `seq`;
# present false: the stream closed (kept a while, so peers can read only what changed). Rows of a
# member whose heartbeat stopped do not count, and go with its member row.
# schema 9: seen_at, the visitor's last activity as the member reports it (written again only when it moved
# by presence.seen_step): a row with present or seen_at is a visitor on the site for that member (the
# desks' Visitors list); present false with seen_at NULL is a closed row.
visitor_presence = Table(
    "visitor_presence", metadata,
    Column("member_id", String(40), primary_key=True),
    Column("visitor_id", String(64), primary_key=True),
    Column("seq", Integer, nullable=False),
    Column("present", Boolean, nullable=False),
    Column("changed_at", Float, nullable=False),
    Column("seen_at", Float, nullable=True),
    Index("ix_visitor_presence_seq", "member_id", "seq"),
)

# Work exactly one process does at a time (name "sweeper": auto-assign, requeue, missed chats and
# the outbox's deliveries). The holder renews expires_at; anyone may take an expired lease.
leases = Table(
    "leases", metadata,
    Column("name", String(40), primary_key=True),
    Column("holder", String(40), nullable=False),
    Column("expires_at", Float, nullable=False),
    Column("taken_at", Float, nullable=False),
)

# Shared token buckets for the rate limits (security/shared_limits.py): processes borrow tokens in
# small batches from the row, so together they never admit more than the limit.
rate_buckets = Table(
    "rate_buckets", metadata,
    Column("limiter", String(40), primary_key=True),
    Column("key", String(200), primary_key=True),
    Column("tokens", Float, nullable=False),
    Column("updated_at", Float, nullable=False),
)
