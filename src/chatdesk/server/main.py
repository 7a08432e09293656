"""`chatdesk server`: run the chat server with uvicorn."""
from __future__ import annotations

import logging


def serve(args) -> int:
    import uvicorn

    from .app import create_app
    from .config import ServerConfig
    from .security.limits import WS_MAX_BYTES

    config = ServerConfig.from_args(args)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    print(f"chatdesk server on http://{args.host}:{args.port} (database {config.db_path}, "
          f"{'auto-assign' if config.auto_assign else 'manual pick'})", flush=True)
    # access_log off: request lines are noise here, and tokens never travel in URLs anyway.
    uvicorn.run(create_app(config), host=args.host, port=args.port, log_level="warning",
                access_log=False, ws_max_size=WS_MAX_BYTES, lifespan="on")
    return 0
