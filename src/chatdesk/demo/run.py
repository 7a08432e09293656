"""`chatdesk demo [--as operator|supervisor|trainer|novice]`: a fresh server with demo data,
simulated visitors and simulated colleagues (demo/colleagues.py), opener rules with simulated
shoppers who meet them and buy (demo/openers.py, demo/shoppers.py; `--no-shoppers` leaves them
out), and the desk signed in as the chosen role. The server address and every account are
printed before the desk starts and shown by F1. Server, simulator, colleagues and shoppers run as
child processes (their logs go to files, never to the terminal the desk draws on); the desk runs
here."""
from __future__ import annotations

import argparse
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from chatdesk.demo.local_server import NotHealthy, free_port, health_url, wait_until_healthy
from chatdesk.protocol.limits import API_PREFIX

DEMO_SHOP = Path(__file__).with_name("shop.toml")    # the demo shop's settings (server/shop_config.py)
# Simulated visitors come back a minute or two after leaving; a short visit gap lets the desk mark
# them as returning, as it would a customer coming back the next day.
VISIT_GAP = 45


class _Children:
    """The demo's child processes, stopped in reverse order however the desk ends."""

    def __init__(self, workdir: Path) -> None:
        self.workdir = workdir
        self.procs: list[subprocess.Popen[bytes]] = []

    def start(self, name: str, *args: str, module: str = "chatdesk") -> subprocess.Popen[bytes]:
        log = (self.workdir / f"{name}.log").open("ab")
        proc = subprocess.Popen([sys.executable, "-m", module, *args], stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        self.procs.append(proc)
        return proc

    def stop(self, proc: subprocess.Popen[bytes]) -> None:
        if proc.poll() is None:
            proc.terminate()
            try:
                proc.wait(5)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()

    def stop_all(self) -> None:
        for proc in reversed(self.procs):
            self.stop(proc)


def _wait_healthy(url: str, proc: subprocess.Popen[bytes], log: Path, timeout: float = 30.0) -> None:
    try:
        wait_until_healthy(health_url(url), timeout, proc)
    except NotHealthy as e:
        if e.returncode is not None:
            raise SystemExit(f"The demo server stopped at start-up. Its log:\n{log.read_text(errors='replace')}") from None
        raise SystemExit(f"The demo server did not answer within {timeout:.0f} s (log: {log}).") from None


def _prepare(children: _Children, db: Path, port: int, url: str) -> dict[str, str]:
    """Accounts, canned replies, opener rules and visitors with a history. The history is written while the
    server counts a one-second pause as a new visit, so the returning visitor really is one; then
    the server restarts with the normal 30-minute rule. Returns the ids of the visitors whose
    chats are open (the returning one first) by name."""
    from chatdesk.demo import openers as demo_openers
    from chatdesk.demo import seed as demo_seed
    from chatdesk.server.accounts_cli import create_user

    for email, name, role, max_chats, departments in demo_seed.STAFF:
        create_user(db, email=email, name=name, role=role, max_chats=max_chats,
                    departments=list(departments), password=demo_seed.PASSWORD)
    server = children.start("server", "server", "--db", str(db), "--port", str(port), "--visit-gap", "1")
    _wait_healthy(url, server, children.workdir / "server.log")
    visitors = demo_seed.seed(url)
    demo_openers.seed_rules(url)
    time.sleep(1.1)
    demo_seed.returning_visitor_opens_chat(url, visitors["Ines Moreau"],
                                           "Hi again! Is the trail jacket back in XS?")
    waiting = {"Ines Moreau": visitors["Ines Moreau"], **demo_seed.warm_chats(url)}
    children.stop(server)
    return waiting


def _hang_up(signum: int, frame: object) -> None:
    raise SystemExit(128 + signum)


def run_demo(args: argparse.Namespace) -> int:
    import httpx

    from chatdesk.demo import seed as demo_seed

    if not args.no_shoppers:
        from chatdesk.simulator.shopper import ShopperModel
        try:
            ShopperModel(true_effect=args.true_effect)
        except ValueError as e:
            raise SystemExit(f"chatdesk demo: --true-effect {args.true_effect:g}: {e}.") from None
    workdir = Path(tempfile.mkdtemp(prefix="chatdesk-demo-"))
    db = workdir / "demo.db"
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    children = _Children(workdir)
    # A dropped SSH link or a closed terminal window hangs up: end like ctrl+q does, so the
    # children stop and the demo's folder goes.
    signal.signal(signal.SIGHUP, _hang_up)
    signal.signal(signal.SIGTERM, _hang_up)
    try:
        print(f"chatdesk demo: preparing a shop with history in {workdir} …", flush=True)
        waiting = _prepare(children, db, port, url)
        about = demo_seed.accounts_text(url, args.role)
        print("\n".join(about), flush=True)
        print("chatdesk demo: visitors arriving, colleagues at work; F1 shows this again.", flush=True)
        server = children.start("server", "server", "--db", str(db), "--port", str(port), "--visit-gap", str(VISIT_GAP),
                                "--shop-config", str(DEMO_SHOP))
        _wait_healthy(url, server, workdir / "server.log")
        children.start("simulator", "simulate", "--url", url, "--visitors", str(args.visitors),
                       "--duration", "86400")
        colleagues, trainer = demo_seed.colleagues_of(args.role)
        visitors = [a for name, vid in waiting.items() for a in ("--visitor", f"{vid}:{demo_seed.TOPIC_OF[name]}:{name}")]
        children.start("colleagues", url, ",".join(colleagues), *visitors,
                       *(["--trainer", trainer] if trainer else []), module="chatdesk.demo.colleagues")
        if not args.no_shoppers:
            children.start("shoppers", url, "--visit-gap", str(VISIT_GAP), "--true-effect", str(args.true_effect),
                           module="chatdesk.demo.shoppers")
        token = httpx.post(f"{url}{API_PREFIX}/auth/login",
                           json={"email": demo_seed.ROLES[args.role], "password": demo_seed.PASSWORD}).json()["token"]
        from chatdesk.tui.frame_rate import use_desk_frame_rate
        use_desk_frame_rate()                # before Textual is imported
        import gc
        gc.disable()                         # until the desk's first frame (DeskApp._tune_collector)
        from chatdesk.tui.app import DeskApp

        app = DeskApp(url=url, token=token, state_dir=workdir / "state", tune_gc=True, about=about)
        app.run()
        return app.return_code or 0
    finally:
        children.stop_all()
        if not args.keep:
            shutil.rmtree(workdir, ignore_errors=True)
        else:
            try:
                print(f"Demo data kept in {workdir}")
            except OSError:
                pass                       # the terminal is gone
