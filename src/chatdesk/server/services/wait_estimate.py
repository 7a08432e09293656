"""The honest wait estimate (Comm100's rule): a chat at `position` waits
(floor((position - 1) / slots) + 1) recent chat lengths, where `slots` is how many chats the online
operators can hold at once; shown as a range, the 25th to the 75th percentile of the recent lengths."""
from __future__ import annotations

from dataclasses import dataclass

MIN_MEASURED = 3      # fewer recent chats than this: the configured assumed length is used


@dataclass(frozen=True)
class ChatLengths:
    low_s: float      # 25th percentile
    high_s: float     # 75th percentile


def percentile(sorted_values: list[float], q: float) -> float:
    """Linear interpolation between closest ranks (numpy's default), on a sorted list."""
    if not sorted_values:
        raise ValueError("no values")
    k = (len(sorted_values) - 1) * q
    lo = int(k)
    hi = min(lo + 1, len(sorted_values) - 1)
    return sorted_values[lo] + (sorted_values[hi] - sorted_values[lo]) * (k - lo)


def chat_lengths(durations: list[float], assumed_s: float) -> ChatLengths:
    values = sorted(d for d in durations if d >= 0)
    if len(values) < MIN_MEASURED:
        return ChatLengths(float(assumed_s), float(assumed_s))
    return ChatLengths(percentile(values, 0.25), percentile(values, 0.75))


def rounds(position: int, slots: int) -> int:
    """How many chat lengths the chat at `position` (1 = next) waits with `slots` chats at a time."""
    return (position - 1) // max(1, slots) + 1


def estimate(position: int, slots: int, lengths: ChatLengths) -> tuple[int, int]:
    n = rounds(position, slots)
    return round(n * lengths.low_s), round(n * lengths.high_s)
