"""`chatdesk server`: run the chat server with uvicorn, behind the connection guard."""
from __future__ import annotations

import logging
import math
import sys


def serve(args) -> int:
    import uvicorn

    from .app import create_app
    from .config import ServerConfig
    from .security.accept import raise_open_file_limit
    from .security.connections import ConnectionGuard
    from .security.guarded_server import GuardedServer
    from .security.limits import WS_MAX_BYTES
    from .shop_config import ShopConfigError
    from .storage.target import UnknownDatabase
    from .visitor_flows_config import FlowsConfigError
    from .widget_config import WidgetConfigError

    older = [flag for flag, name in (("--widget-config", "widget_config"), ("--flows-config", "flows_config"))
             if getattr(args, name, None)]
    if older:        # kept for one release (docs/visitor-flows.md)
        print(f"chatdesk server: {' and '.join(older)} will go in the next release; put the sections "
              "in one file for --shop-config FILE (docs/visitor-flows.md).", file=sys.stderr, flush=True)
    try:
        config = ServerConfig.from_args(args)
    except WidgetConfigError as e:
        print(f"chatdesk server: {e}", file=sys.stderr)
        return 2
    except FlowsConfigError as e:
        print(f"chatdesk server: the flows config is wrong: {e}", file=sys.stderr)
        return 2
    except ShopConfigError as e:
        print(f"chatdesk server: the shop config is wrong: {e}", file=sys.stderr)
        return 2
    except UnknownDatabase as e:
        print(f"chatdesk server: {e}", file=sys.stderr)
        return 2
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    soft, hard = raise_open_file_limit()
    limits = connection_limits(config, soft)
    logging.getLogger("chatdesk.server.connections").info(
        "open-file limit %s (hard %s): at most %d connections, %s per address, %d kept for staff",
        _limit(soft), _limit(hard), limits.max_connections, limits.per_address or "any number",
        limits.staff_reserve)
    from .storage.target import shown
    print(f"chatdesk server on http://{args.host}:{args.port} (database {shown(config.db_path)}, "
          f"{'auto-assign' if config.auto_assign else 'manual pick'})", flush=True)
    # access_log off: request lines are noise here, and tokens never travel in URLs anyway.
    uv_config = uvicorn.Config(create_app(config), host=args.host, port=args.port, log_level="warning",
                               access_log=False, ws_max_size=WS_MAX_BYTES, lifespan="on",
                               http="h11", ws="websockets-sansio",
                               timeout_keep_alive=max(1, math.ceil(config.idle_timeout)))
    server = GuardedServer(uv_config, ConnectionGuard(limits), reuse_port=bool(getattr(args, "reuse_port", False)))
    server.run()
    return 0 if server.started else 3


def connection_limits(config, soft_limit: int):
    """The caps from the settings; never more connections than fit under the open-file limit."""
    from .security.accept import connections_for
    from .security.connections import ConnectionLimits

    total = connections_for(soft_limit, config.max_connections)
    reserve = config.staff_reserve or max(16, total // 10)
    return ConnectionLimits(max_connections=total, per_address=max(0, config.connections_per_address),
                            staff_reserve=min(reserve, max(1, total // 2)),
                            header_timeout=config.header_timeout, idle_timeout=config.idle_timeout,
                            auth_timeout=config.auth_timeout)


def _limit(n: int) -> str:
    import resource
    return "unlimited" if n == resource.RLIM_INFINITY else str(n)
