"""Wire models of visitors on the site, the shop's page API, opener rules with their control
groups, invitations and their figures (issue 12). Pydantic only."""
from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, RootModel

from .limits import MAX_BODY, MAX_NAME, MAX_URL
from .models import Wire
from .requests import MAX_EMAIL

MAX_MONEY = 1e9             # a cart or order value; larger ones are refused
MAX_RULES = 200
MAX_LANGUAGES = 20
Currency = Annotated[str, Field(default="", pattern=r"^([A-Za-z]{3})?$")]
Language = Annotated[str, Field(min_length=2, max_length=20, pattern=r"^[A-Za-z]{2,8}(-[A-Za-z0-9]{1,8})*$")]
BrowsingSort = Literal["time_on_site", "page_seconds", "visit_count", "cart_value", "last_seen"]
BrowsingState = Literal["browsing", "invited", "queued", "chatting"]


# --- visitors on the site ---------------------------------------------------------------------

class Campaign(Wire):
    source: str = ""
    medium: str = ""
    campaign: str = ""


class Cart(Wire):
    value: float
    currency: str = ""
    items: int = 0


class BrowsingVisitor(Wire):
    """One visitor on the site now, as the Visitors list shows them."""
    id: str
    name: str = ""
    current_url: str = ""
    current_title: str = ""
    page_seconds: float = 0.0           # on the current page
    time_on_site: float = 0.0           # in the current visit
    visit_count: int = 1
    returning: bool = False
    referrer: str = ""
    campaign: Campaign = Field(default_factory=Campaign)
    cart: Cart | None = None
    language: str = ""
    state: BrowsingState = "browsing"   # chatting > queued > invited > browsing
    last_seen: float = 0.0


class BrowsingPage(Wire):
    """GET /browsing: a sorted, filtered page of the visitors on the site; `total` matched."""
    visitors: list[BrowsingVisitor] = Field(default_factory=list)
    total: int = 0
    online: int = 0                      # everyone on the site, before the filter


# --- the visitor's side: heartbeat, page API, invitations ---------------------------------------

class HeartbeatRequest(Wire):
    language: Language | None = None


class Invite(Wire):
    """An opener for the visitor to show (the `invite` frame and the heartbeat answer)."""
    id: int
    body: str
    operator_name: str = ""             # a manual invite: who wrote it
    manual: bool = False


class HeartbeatAnswer(Wire):
    ok: bool = True
    invite: Invite | None = None
    check_in: float | None = None       # seconds until a rule may match: beat again then
    idle_after: float | None = None     # the server's --browsing-idle: a tab hidden this long stops beating


class CartEvent(Wire):
    type: Literal["cart"]
    value: float = Field(ge=0, le=MAX_MONEY)
    currency: Currency = ""
    items: int = Field(default=0, ge=0, le=100_000)


class OrderEvent(Wire):
    type: Literal["order"]
    id: str = Field(min_length=1, max_length=64)
    value: float = Field(ge=0, le=MAX_MONEY)
    currency: Currency = ""


class IdentifyEvent(Wire):
    type: Literal["identify"]
    name: str | None = Field(default=None, max_length=MAX_NAME)
    email: str | None = Field(default=None, max_length=MAX_EMAIL)


class PageEvent(RootModel[Annotated[CartEvent | OrderEvent | IdentifyEvent, Field(discriminator="type")]]):
    """POST /visitor/events: one of the page API's calls, told apart by `type`."""


class Order(Wire):
    id: int
    order_ref: str
    value: float
    currency: str = ""
    ts: float
    conversation_id: int | None = None   # the chat it is credited to (last touch), if any
    operator_id: int | None = None


class PageEventAnswer(Wire):
    ok: bool = True
    order: Order | None = None


class InviteAction(Wire):
    action: Literal["shown", "dismissed"]


class InviteReply(Wire):
    client_msg_id: str = Field(min_length=1, max_length=64)
    body: str = Field(min_length=1, max_length=MAX_BODY)
    name: str | None = Field(default=None, max_length=MAX_NAME)


class ManualInviteRequest(Wire):
    """An operator's invite: typed text, or a canned reply (its variables filled in)."""
    body: str | None = Field(default=None, min_length=1, max_length=MAX_BODY)
    canned_id: int | None = Field(default=None, ge=1, le=2 ** 62)


class Invitation(Wire):
    id: int
    visitor_id: str
    rule_id: int | None = None
    operator_id: int | None = None
    group: Literal["treatment", "control", "manual"]
    state: Literal["control", "sent", "shown", "dismissed", "accepted"]
    body: str = ""
    created_at: float
    conversation_id: int | None = None


# --- opener rules -----------------------------------------------------------------------------

class RuleConditions(Wire):
    """Every condition given must hold. URL patterns are shell-style (`*` any text), matched
    against the whole URL; text conditions are case-insensitive substrings."""
    url_pattern: str | None = Field(default=None, max_length=MAX_URL)
    min_page_seconds: float | None = Field(default=None, ge=0, le=86_400)
    min_visits: int | None = Field(default=None, ge=1, le=100_000)
    max_visits: int | None = Field(default=None, ge=1, le=100_000)
    visitor: Literal["any", "new", "returning"] = "any"
    referrer_contains: str | None = Field(default=None, max_length=MAX_URL)
    utm_source: str | None = Field(default=None, max_length=MAX_NAME)
    utm_campaign: str | None = Field(default=None, max_length=MAX_NAME)
    min_cart_value: float | None = Field(default=None, ge=0, le=MAX_MONEY)


Texts = Annotated[dict[Language, Annotated[str, Field(min_length=1, max_length=MAX_BODY)]],
                  Field(min_length=1, max_length=MAX_LANGUAGES)]


class OpenerRule(Wire):
    id: int
    name: str
    enabled: bool = True
    priority: int
    conditions: RuleConditions = Field(default_factory=RuleConditions)
    texts: dict[str, str] = Field(default_factory=dict)
    default_language: str = "en"
    control_percent: float = 10.0
    department: str | None = None       # whose operators must be free; None: anyone
    created_at: float
    updated_at: float


class RuleCreate(Wire):
    name: str = Field(min_length=1, max_length=MAX_NAME)
    enabled: bool = True
    conditions: RuleConditions = Field(default_factory=RuleConditions)
    texts: Texts
    default_language: Language = "en"
    control_percent: float = Field(default=10.0, ge=0, le=100)
    department: str | None = Field(default=None, max_length=MAX_NAME)


class RulePatch(Wire):
    name: str | None = Field(default=None, min_length=1, max_length=MAX_NAME)
    enabled: bool | None = None
    conditions: RuleConditions | None = None
    texts: Texts | None = None
    default_language: Language | None = None
    control_percent: float | None = Field(default=None, ge=0, le=100)
    department: str | None = Field(default=None, max_length=MAX_NAME)


class RuleOrder(Wire):
    """Every rule's id, highest priority first."""
    ids: list[int] = Field(max_length=MAX_RULES)


class RuleList(Wire):
    rules: list[OpenerRule] = Field(default_factory=list)


# --- figures ----------------------------------------------------------------------------------

class GroupFigures(Wire):
    visits: int = 0                     # qualified visits assigned to this group
    shown: int = 0
    dismissed: int = 0
    accepted: int = 0
    converted: int = 0                  # visits with an order within the attribution window
    orders: int = 0
    revenue: float = 0.0
    conversion: float | None = None     # converted / visits


class Uplift(Wire):
    """Treatment conversion minus control conversion, in proportion points (0.05 = 5 points)."""
    difference: float
    low: float
    high: float
    confidence: float = 0.95
    method: str = "newcombe"


class RuleStats(Wire):
    rule_id: int
    name: str = ""
    since: float
    until: float
    window_days: float
    qualified: int = 0
    treatment: GroupFigures = Field(default_factory=GroupFigures)
    control: GroupFigures = Field(default_factory=GroupFigures)
    uplift: Uplift | None = None
    verdict: str = ""                   # "not enough data yet" below the minimum sample


class RuleStatsList(Wire):
    rules: list[RuleStats] = Field(default_factory=list)
