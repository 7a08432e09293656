"""Canned replies: fill their variables from the visitor and the operator, and rank them for the
picker with a small fuzzy match over shortcut, title, tags and body."""
from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

from chatdesk.protocol.models import CannedReply, Operator, Visitor, VisitorDetail

VARIABLE = re.compile(r"\{([a-z_]+(?:\.[a-z_]+)+)\}")
KNOWN_VARIABLES = ("visitor.name", "visitor.first_name", "visitor.email", "operator.name",
                   "operator.first_name", "page.title", "page.url")


def variables_of(body: str) -> list[str]:
    """Variable names in a reply body, in order of first appearance."""
    return list(dict.fromkeys(VARIABLE.findall(body)))


# Between a page's own title and the shop's name: "Trail Runner 2 — Northwind Outfitters".
_SITE_SEPARATORS = (" — ", " – ", " | ", " · ", " :: ")
_WEAK_SEPARATOR = " - "       # also inside product names: the site's only where every page ends so


def page_title(title: str, others: Iterable[str] = ()) -> str:
    """The page's own title, without the site's name after the last separator, so that "Our
    {page.title} runs true to size" reads "Our Trail Runner 2 runs true to size". `others`: the
    titles of the visitor's other pages (a " - " suffix they all share is the site's name)."""
    title = title.strip()
    cut = max((title.rfind(sep), sep) for sep in _SITE_SEPARATORS)
    if cut[0] > 0:
        return title[:cut[0]].strip()
    at = title.rfind(_WEAK_SEPARATOR)
    if at > 0:
        suffix = title[at:]
        rest = [t for t in others if t and t.strip() != title]
        if rest and all(t.strip().endswith(suffix) for t in rest):
            return title[:at].strip()
    return title


def _titles(visitor: Visitor) -> list[str]:
    """The titles of the visit's pages, where the visitor comes with its journey."""
    return [p.title for p in visitor.pageviews] if isinstance(visitor, VisitorDetail) else []


def context_for(visitor: Visitor | None, operator: Operator | None) -> dict[str, str]:
    """The values a reply may use. Empty values are left out, so they count as missing."""
    values = {}
    if visitor is not None:
        values.update({"visitor.name": visitor.name, "visitor.email": visitor.email,
                       "visitor.first_name": visitor.name.split()[0] if visitor.name.strip() else "",
                       "page.title": page_title(visitor.current_title, _titles(visitor)),
                       "page.url": visitor.current_url})
    if operator is not None:
        values.update({"operator.name": operator.name,
                       "operator.first_name": operator.name.split()[0] if operator.name.strip() else ""})
    return {k: v for k, v in values.items() if v and v.strip()}


def fill(body: str, values: Mapping[str, str]) -> tuple[str, list[str]]:
    """(text with every known variable replaced, names still missing). A missing variable stays
    as `{name}` in the text so the operator sees where it goes; fill again with their answer."""
    missing: list[str] = []

    def sub(m: re.Match[str]) -> str:
        value = values.get(m.group(1), "")
        if value and value.strip():
            return value
        if m.group(1) not in missing:
            missing.append(m.group(1))
        return m.group(0)

    return VARIABLE.sub(sub, body), missing


# --- ranking ------------------------------------------------------------------------------------

def _is_subsequence(needle: str, hay: str) -> bool:
    it = iter(hay)
    return all(ch in it for ch in needle)


def _word_score(word: str, reply: CannedReply) -> int:
    shortcut, title = reply.shortcut.lower().lstrip("/"), reply.title.lower()
    tags = [t.lower() for t in reply.tags]
    if shortcut == word:
        return 100
    if shortcut.startswith(word):
        return 80
    if word in tags:
        return 60
    if any(t.startswith(word) for t in tags):
        return 50
    if any(w.startswith(word) for w in re.findall(r"\w+", title)):
        return 45
    if word in title:
        return 40
    if word in shortcut:
        return 35
    if len(word) >= 2 and _is_subsequence(word, shortcut):
        return 25
    if len(word) >= 2 and _is_subsequence(word, title):
        return 15
    if word in reply.body.lower():
        return 10
    return 0


def rank(replies: Iterable[CannedReply], query: str) -> list[CannedReply]:
    """Replies matching every word of `query`, best first; all of them (by shortcut) for an empty one."""
    words = query.lower().lstrip("/").split()
    replies = list(replies)
    if not words:
        return sorted(replies, key=lambda r: r.shortcut.lower())
    scored = []
    for reply in replies:
        scores = [_word_score(w, reply) for w in words]
        if all(scores):
            scored.append((-sum(scores), reply.shortcut.lower(), reply.id, reply))
    return [item[-1] for item in sorted(scored, key=lambda s: s[:3])]
