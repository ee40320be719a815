"""``make run``: start the three processes, print the chat URL, stop them all on Ctrl-C."""
from __future__ import annotations

import signal
import sys
import time
from pathlib import Path
from typing import Callable

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from scripts.stack import ROOT, Settings, Stack, StackError  # noqa: E402
from scripts.train import model_path  # noqa: E402


def rss_mb(pid: int) -> float:
    """Resident memory of a process and its children, in MB (Linux /proc)."""
    total = 0
    pids = [pid]
    try:
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
        pids += [int(c) for c in children]
    except OSError:
        pass
    for p in pids:
        try:
            for line in Path(f"/proc/{p}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except OSError:
            pass
    return total / 1024


MAX_RESTARTS = 5  # in RESTART_WINDOW seconds, per process: beyond, something is broken for good
RESTART_WINDOW = 300.0


def supervise(stack: Stack, done: Callable[[], bool] = lambda: False) -> None:
    """Start again a process that stopped, alone, while the others go on (conversations are kept in
    the store); give up, stopping everything, only when one keeps failing."""
    restarts: dict[str, list[float]] = {}
    while not done():
        for name in stack.stopped():
            now = time.monotonic()
            recent = [t for t in restarts.get(name, []) if now - t < RESTART_WINDOW] + [now]
            restarts[name] = recent
            if len(recent) > MAX_RESTARTS:
                raise StackError(f"{name} stopped {len(recent)} times in {RESTART_WINDOW:.0f}s; see var/log/{name}.log")
            print(f"run: {name} stopped unexpectedly; starting it again (see var/log/{name}.log)", file=sys.stderr,
                  flush=True)
            took = stack.restart(name)
            print(f"run: {name} ready again in {took:.1f}s", flush=True)
        time.sleep(1)


def main() -> int:
    settings = Settings.from_env()
    model = model_path()
    if not model.exists():
        print(f"run: no model for the current data ({model.name}); run `make train` first.", file=sys.stderr)
        return 1
    stack = Stack(settings, model, ROOT / "var" / "log")
    stopping = False

    def on_signal(signum, _frame):
        nonlocal stopping
        if not stopping:
            stopping = True
            raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, on_signal)
    print(f"run: starting the action server (:{settings.actions_port}), the Rasa server "
          f"(:{settings.rasa_port}) and the web server (:{settings.web_port}); logs in var/log/")
    try:
        took = stack.start()
        memory = ", ".join(f"{name} {rss_mb(pid):.0f} MB" for name, pid in stack.pids().items())
        print(f"run: ready in {took:.1f}s (resident memory: {memory})")
        print(f"\n    Chat page: {settings.web_url}\n    Reception console: {settings.web_url.rstrip('/')}/accueil/"
              f" (accounts: python -m bot.console add-user)\n\nPress Ctrl-C to stop.", flush=True)
        supervise(stack)
    except StackError as exc:
        print(f"run: stopped: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("\nrun: stopping...", flush=True)
        return 0
    finally:
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        stack.stop()
        print("run: all processes stopped.")


if __name__ == "__main__":
    raise SystemExit(main())
