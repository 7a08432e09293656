"""A drafted summary for the close dialog (F7): two sentences taken verbatim from the chat, and
suggested tags. Local and deterministic: no network, no model; the same transcript always gives
the same draft, which the operator then edits.

The method (extractive): the chat's visitor and operator text messages are split into sentences;
each sentence scores the frequency, over the whole chat, of the content words it holds (stop
words of English, Polish and Finnish and chat pleasantries do not count), divided by the square
root of its length so that long sentences do not win on length alone. The first sentence is the
visitor's best, favouring their first request (earlier messages weigh more); the second is the
operator's best, favouring the resolution (later messages weigh more). Ties go to the earlier
sentence. With no operator sentence the visitor's second best is taken.

Tags: the tags of the canned replies the operator sent in this chat first (a reply matches its
canned text with the variables filled in any way), then known tags that the chat's frequent
content words name (compared by their first letters, like the scores)."""
from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from chatdesk.protocol.models import CannedReply, Message

# Abbreviations that end in a full stop (lower case, without the dot). One that comes before
# more words ("np. kurtki", "esim. takki", "e.g. boots") never ends a sentence; one that can
# close a sentence ("itd.", "jne.", "etc.", "zł.") ends it when a capital letter follows.
BEFORE_WORDS = frozenset({
    "e.g", "i.e", "vs", "mr", "mrs", "ms", "dr", "approx", "incl", "dept", "tel",       # English
    "np", "tzn", "tj", "m.in", "ul", "nr", "godz", "wg", "ds", "prof", "mgr", "inż", "ww",    # Polish
    "esim", "ns", "mm", "ks", "n", "klo", "puh", "vrt",                                # Finnish
})
MAY_END = frozenset({"etc", "itd", "itp", "tys", "zł", "jne", "yms", "ym", "tms"})
_END = re.compile(r"[.!?…]+[\"')\]»”]*(?=\s|$)")
_WORD = re.compile(r"[^\W\d_]+(?:['’-][^\W\d_]+)*")
STOP_WORDS = frozenset("""
a an the and or but if so of to in on at by for with from into about as is are was were be been being am
do does did done have has had having i me my we our you your he she it its they them their this that these
those there here what which who whom when where why how can could will would shall should may might must
not no yes yeah ok okay just also too very much more most some any all one two than then now only please
let get got go going want like know see say said tell told thanks thank hello hi hey bye goodbye welcome
great good nice sure right well really still something anything help moment check checking day lovely
jestem jest są być był była było to ten ta te tego tej ci co czy jak jaki jaka jakie i a w we z ze na do od
po o u za przez dla że się nie tak już mi mnie mój moja moje pan pani państwo proszę dziękuję dzięki dzień
dobry cześć witam pozdrawiam może można mam ma mają będzie bardzo tylko jeszcze też oraz albo lub ale gdy
kiedy gdzie który która które tu tam teraz chcę chciałbym chciałabym np
minä sinä hän me te he se ne tämä tuo nämä ja tai mutta että jos kun niin on ole olen olet oli ovat ei en
et emme kyllä joo mikä mitä missä miten koska kiitos hei moi terve päivää näkemiin voi voin voisin voitteko
saan saisin haluan haluaisin vain myös jo nyt siis sitten vielä hyvä hyvää kanssa esim
""".split())


def split_sentences(text: str) -> list[str]:
    """Sentences of one message, as written (trimmed). A line break ends a sentence; a full stop
    after an abbreviation ("np.", "esim.", "e.g.") does not, nor one inside a number ("2.5")."""
    out: list[str] = []
    for line in text.splitlines():
        start = 0
        for m in _END.finditer(line):
            mark = m.group().rstrip("\"')]»”")
            if mark == "." and _is_abbreviation(line[start:m.start()], line[m.end():].lstrip()[:1]):
                continue
            piece = line[start:m.end()].strip()
            if piece:
                out.append(piece)
            start = m.end()
        rest = line[start:].strip()
        if rest:
            out.append(rest)
    return out


def _is_abbreviation(before: str, next_char: str) -> bool:
    found = re.search(r"([^\W\d_]+(?:\.[^\W\d_]+)*)$", before)
    word = found.group(1).lower() if found else ""
    return word in BEFORE_WORDS or (word in MAY_END and not next_char.isupper())


STEM = 5     # words are counted by their first letters: "zwrot" / "zwrotną", "delivery" / "delivered"


def content_words(sentence: str) -> list[str]:
    """The sentence's content words, each cut to its first STEM letters (a light stemmer that
    works alike for English, Polish and Finnish endings)."""
    return [w[:STEM] for w in (m.group().lower() for m in _WORD.finditer(sentence))
            if len(w) > 2 and w not in STOP_WORDS]


@dataclass(frozen=True)
class Candidate:
    text: str
    author: str          # "visitor" | "operator"
    message_no: int      # 0 for the author's first message in the chat
    order: int           # position in the whole chat


@dataclass(frozen=True)
class Draft:
    sentences: tuple[str, ...]       # verbatim from the chat, in chat order
    tags: tuple[str, ...] = ()

    @property
    def summary(self) -> str:
        return " ".join(s if s[-1:] in ".!?…" else s + "." for s in self.sentences)


def _candidates(messages: Iterable[Message]) -> list[Candidate]:
    counts: Counter[str] = Counter()
    out: list[Candidate] = []
    for msg in messages:
        if msg.kind != "text" or msg.author_type not in ("visitor", "operator"):
            continue
        no = counts[msg.author_type]
        counts[msg.author_type] += 1
        out.extend(Candidate(s, msg.author_type, no, len(out) + i) for i, s in enumerate(split_sentences(msg.body)))
    return out


def _score(c: Candidate, freq: Counter[str], messages_by: Counter[str]) -> float:
    words = content_words(c.text)
    if not words:
        return 0.0
    base = sum(freq[w] for w in words) / math.sqrt(len(words))
    n = messages_by[c.author]
    if c.author == "visitor":      # the first request counts most
        weight = 1.0 + 1.0 / (1 + c.message_no)
    else:                          # the resolution comes late
        weight = 1.0 + (c.message_no + 1) / max(1, n)
    return base * weight


def draft_summary(messages: Sequence[Message]) -> tuple[str, ...]:
    """Two sentences from the chat (fewer only if it has fewer with content), in chat order."""
    cands = _candidates(messages)
    freq = Counter(w for c in cands for w in content_words(c.text))
    messages_by = Counter({a: 1 + max((c.message_no for c in cands if c.author == a), default=-1)
                           for a in ("visitor", "operator")})
    scored = [(c, _score(c, freq, messages_by)) for c in cands]
    scored = [(c, s) for c, s in scored if s > 0]

    def best(author: str, taken: Candidate | None = None) -> Candidate | None:
        pool = [(c, s) for c, s in scored if c.author == author and c is not taken]
        return max(pool, key=lambda cs: (cs[1], -cs[0].order))[0] if pool else None

    first = best("visitor")
    second = best("operator")
    if second is None or first is None:
        author = "visitor" if first is not None else "operator"
        first = first or second
        second = best(author, first) if first is not None else None
    picked = sorted((c for c in (first, second) if c is not None), key=lambda c: c.order)
    return tuple(c.text for c in picked)


def _canned_pattern(body: str) -> re.Pattern[str]:
    parts = re.split(r"\{[a-z_]+(?:\.[a-z_]+)*\}", body.strip())
    return re.compile(".+?".join(re.escape(p) for p in parts), re.DOTALL)


def suggest_tags(messages: Sequence[Message], canned: Iterable[CannedReply], known: Iterable[str] = (),
                 limit: int = 5) -> tuple[str, ...]:
    """Tags of the canned replies used, then known tags the chat's words name (most used first)."""
    canned = list(canned)
    sent = [m.body.strip() for m in messages if m.author_type == "operator" and m.kind == "text"]
    tags: list[str] = []
    for reply in canned:
        pattern = _canned_pattern(reply.body)
        if any(pattern.fullmatch(body) for body in sent):
            tags.extend(t for t in reply.tags if t not in tags)
    vocabulary = {t for r in canned for t in r.tags} | set(known)
    words = Counter(w for m in messages if m.kind == "text" and m.author_type in ("visitor", "operator")
                    for w in content_words(m.body))
    stems = {t: t.lower()[:STEM] for t in vocabulary}
    named = sorted(((words[stems[t]], t) for t in vocabulary if words[stems[t]] and t not in tags),
                   key=lambda nt: (-nt[0], nt[1]))
    tags.extend(t for _, t in named)
    return tuple(tags[:limit])


def draft(messages: Sequence[Message], canned: Iterable[CannedReply], known_tags: Iterable[str] = ()) -> Draft:
    return Draft(draft_summary(messages), suggest_tags(messages, canned, known_tags))
