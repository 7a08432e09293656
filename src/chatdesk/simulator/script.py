"""What simulated visitors see and say: the demo shop's pages, where visitors come from, and
plausible chat lines by topic. Pure data plus a few choosers; no I/O."""
from __future__ import annotations

import random
from dataclasses import dataclass, field

# Paths match the demo shop served under /shop/ (static/shop/*.html), so the desk's journey sidebar
# shows pages that really exist on the demo server.
SHOP_PAGES: list[tuple[str, str]] = [
    ("/shop/", "Northwind Outfitters — Home"),
    ("/shop/product.html", "Trail Runner 2 — Northwind Outfitters"),
    ("/shop/product.html?colour=blue", "Trail Runner 2 (blue) — Northwind Outfitters"),
    ("/shop/product.html?item=rain-jacket", "Storm Shell rain jacket — Northwind Outfitters"),
    ("/shop/product.html?item=wool-socks", "Merino hiking socks (3 pairs) — Northwind Outfitters"),
    ("/shop/shipping.html", "Shipping and returns — Northwind Outfitters"),
    ("/shop/checkout.html", "Checkout — Northwind Outfitters"),
]
HOME, CHECKOUT, SHIPPING = SHOP_PAGES[0], SHOP_PAGES[6], SHOP_PAGES[5]

# Where visitors come from: the first page view's referrer (and a campaign tag on the landing URL).
REFERRERS: list[tuple[str, str]] = [
    ("https://www.google.com/search?q=trail+running+shoes", ""),
    ("https://duckduckgo.com/?q=waterproof+rain+jacket", ""),
    ("https://www.bing.com/search?q=merino+hiking+socks", ""),
    ("https://mail.northwind.example/newsletter/autumn-sale", "?utm_source=newsletter&utm_campaign=autumn"),
    ("https://ads.example.net/click?campaign=trail-runner", "?utm_source=ads&utm_medium=cpc"),
    ("https://www.instagram.com/", "?utm_source=instagram"),
    ("", ""),  # typed the address or a bookmark
]

NAMES = ["Maya", "Jonas", "Priya", "Lucas", "Aiko", "Omar", "Sofia", "Tom", "Elena", "Kwame",
         "Ingrid", "Mateo", "Chloe", "Ravi", "Hannah", "Leo"]


@dataclass(frozen=True)
class Topic:
    name: str
    openers: list[str]
    follow_ups: list[str]
    answers: list[str]          # when the operator asks something
    page: tuple[str, str] = HOME  # where a visitor with this question usually is
    department: str = "support"   # the widget's "what is it about?" choice (demo departments)


TOPICS: list[Topic] = [
    Topic("shipping",
          ["Hi, how long does shipping to Germany take?",
           "Hello! Do you ship to Canada, and what does it cost?",
           "Hi there, if I order today will it arrive before Friday?",
           "Good evening, do you deliver to a parcel locker?"],
          ["Is there express shipping?", "Do I get a tracking number?",
           "And is shipping free above a certain amount?"],
          ["It's for Berlin, postcode 10115.", "Standard is fine if it arrives next week.",
           "I'd pay extra for express if needed."],
          SHIPPING),
    Topic("sizes",
          ["Hi, do the Trail Runner 2 run small? I'm usually a 42.",
           "Hello, which size should I take in the rain jacket? I'm 1.80 m.",
           "Do you have the blue Trail Runner in size 44?",
           "Hi! Are the merino socks sized like shoes? I'm between M and L."],
          ["Is the wide fit available too?", "Can I exchange it if it doesn't fit?",
           "What's the difference between the 2 and the old model?"],
          ["I usually wear a 42 in Nike, 42.5 in Adidas.", "Medium, I think. Chest about 100 cm.",
           "Mostly trail running, some hiking."],
          SHOP_PAGES[1], "sales"),
    Topic("returns",
          ["Hi, how do I return an order? The jacket is too big.",
           "Hello, I'd like to send back the socks, what's the process?",
           "Can I return something I bought in the sale?",
           "Hi, I got the wrong colour in my parcel. What do I do?"],
          ["How long does the refund take?", "Do I have to pay for the return label?",
           "Can I swap it for another size instead?"],
          ["My order number is NW-48213.", "I bought it two weeks ago.",
           "It's unworn, still has the tags."],
          SHIPPING),
    Topic("discount",
          ["Hi! My discount code AUTUMN15 doesn't work at checkout.",
           "Hello, the newsletter code says expired, can you help?",
           "Is there a student discount?",
           "Hey, I forgot to enter my code before paying. Can you still apply it?"],
          ["Can I combine it with free shipping?", "Does it work on sale items?",
           "Could you apply it to my order manually?"],
          ["The code is AUTUMN15.", "It says 'code not valid for this basket'.",
           "My email is the one I signed up for the newsletter with."],
          CHECKOUT, "sales"),
    Topic("payment",
          ["Hi, my card was declined but I was charged?",
           "Hello, can I pay by invoice?",
           "Do you accept PayPal?",
           "Hi, the payment page keeps loading forever, is something wrong?"],
          ["Will the charge be refunded automatically?", "Is it safe to try again?",
           "Can I split the payment?"],
          ["It was a Visa card.", "About ten minutes ago.", "The amount was 129.90."],
          CHECKOUT),
    Topic("stock",
          ["Hi, when will the Storm Shell be back in stock in size M?",
           "Hello, is the grey colour of the Trail Runner discontinued?",
           "Do you have the merino socks in a shop near Hamburg?",
           "Hello! Will the Trail Runner come back in green?"],
          ["Can you notify me when it's back?", "Is there a similar model available now?",
           "Can I pre-order it?"],
          ["Size M, in green if possible.", "I'm in Hamburg.", "Yes, you can email me."],
          SHOP_PAGES[3], "sales"),
]

THANKS = ["Great, thank you!", "Perfect, thanks a lot.", "Thanks, that helps!",
          "Ok, thank you for your help.", "Super, have a nice day!"]
WAITING = ["Hello? Is anyone there?", "Still waiting, no rush.", "Sorry, are you still there?"]
SECOND_THOUGHTS = ["actually", "wait", "hm, never mind", "or maybe", "sorry I mean"]
ACKS = ["Ok.", "Ah I see.", "Alright.", "Makes sense.", "Good to know."]


@dataclass
class VisitorPersona:
    """One simulated person: keeps their topic and name across visits."""
    name: str
    topic: Topic
    gives_name: bool
    chatty: float                       # 0..1: how likely to open a chat and keep talking
    turns_left: int = 3
    asked: set[str] = field(default_factory=set)

    def opener(self, rng: random.Random, returning: bool) -> str:
        line = rng.choice(self.topic.openers)
        if returning and rng.random() < 0.5:
            rest = line.split(" ", 1)[-1]          # drop the first "Hi," / "Hello,"
            return f"Hi again! {rest[:1].upper()}{rest[1:]}"
        return line

    def reply_to(self, operator_text: str, rng: random.Random) -> str | None:
        """The next line after an operator message, or None when the visitor is done."""
        if self.turns_left <= 0:
            return None
        self.turns_left -= 1
        if "?" in operator_text:
            return _fresh(rng, self.topic.answers, self.asked)
        if self.turns_left == 0:
            return rng.choice(THANKS)
        if rng.random() < 0.3:
            return rng.choice(ACKS) + " " + _fresh(rng, self.topic.follow_ups, self.asked)
        return _fresh(rng, self.topic.follow_ups, self.asked)


def _fresh(rng: random.Random, lines: list[str], used: set[str]) -> str:
    """A line not said yet, so a conversation does not repeat itself."""
    left = [line for line in lines if line not in used] or lines
    line = rng.choice(left)
    used.add(line)
    return line


def new_persona(rng: random.Random) -> VisitorPersona:
    return VisitorPersona(name=rng.choice(NAMES), topic=rng.choice(TOPICS),
                          gives_name=rng.random() < 0.5, chatty=rng.uniform(0.3, 1.0),
                          turns_left=rng.randint(2, 5))


def browse_path(rng: random.Random, persona: VisitorPersona, short: bool = False) -> list[tuple[str, str]]:
    """Pages for one visit: land somewhere, wander, end where the question usually arises.
    `short`: in a hurry (one page, then the question's page)."""
    count = 1 if short else rng.randint(1, 3)
    pages = [rng.choice(SHOP_PAGES[:5]) for _ in range(count)]
    if pages[-1] != persona.topic.page:
        pages.append(persona.topic.page)
    return pages
