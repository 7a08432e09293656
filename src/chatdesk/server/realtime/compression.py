"""Which websockets may use permessage-deflate (RFC 7692).

Only the operator stream: few connections, and a resume can replay thousands of events. A
visitor's stream is one of thousands held open by pages, carrying small frames now and then;
a compressor and decompressor of its own would be most of what an idle one costs in memory
(docs/performance.md, "Idle visitor websockets"), for a few bytes saved on a short frame."""
from __future__ import annotations

from chatdesk.protocol.limits import API_PREFIX

COMPRESSED_PATHS = (API_PREFIX + "/stream",)


def may_compress(path: str) -> bool:
    """path: the handshake's request target (any query string is ignored)."""
    return path.partition("?")[0] in COMPRESSED_PATHS
