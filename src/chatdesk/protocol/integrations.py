"""Webhooks, deliveries and the transcript mail on the wire (admin API, docs/integrations.md)."""
from __future__ import annotations

from typing import Literal

from pydantic import Field

from .limits import MAX_URL
from .models import Wire
from .openers import Language

DeliveryState = Literal["pending", "delivered", "dead"]


class WebhookRequest(Wire):
    url: str = Field(min_length=1, max_length=MAX_URL)
    events: list[str] = Field(min_length=1, max_length=20)   # webhook event names, or ["*"]


class Webhook(Wire):
    id: int
    url: str
    events: list[str]
    created_at: float
    rotating_until: float | None = None      # the previous secret still signs until then


class WebhookSecret(Wire):
    """The signing secret, shown once: when the subscription is made and at each rotation."""
    webhook: Webhook
    secret: str


class WebhookList(Wire):
    webhooks: list[Webhook] = Field(default_factory=list)


class Delivery(Wire):
    id: str                                   # a UUID, the same in every attempt
    channel: Literal["webhook", "mail"]
    event: str
    target: str                               # the webhook's URL or the mail's recipient
    state: DeliveryState
    attempts: int
    created_at: float
    next_at: float
    delivered_at: float | None = None
    last_error: str = ""


class DeliveryList(Wire):
    deliveries: list[Delivery] = Field(default_factory=list)


class DeliveryAttempt(Wire):
    at: float
    ok: bool
    status: int | None = None                 # the receiver's HTTP status, if it answered
    error: str = ""                           # why it failed, in a sentence
    seconds: float


class DeliveryAttempts(Wire):
    delivery: Delivery
    attempts: list[DeliveryAttempt] = Field(default_factory=list)


class TranscriptMailRequest(Wire):
    email: str = Field(min_length=3, max_length=254)
    lang: Language | None = None            # the language the widget shows: the mail's language
