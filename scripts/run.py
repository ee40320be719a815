"""``make run``: start the three processes, print the chat URL, stop them all on Ctrl-C."""
from __future__ import annotations

import signal
import sys
import time
from pathlib import Path

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
        while True:
            for name, pid in stack.pids().items():
                proc = next(p for p in stack.processes if p.name == name)
                if proc.popen.poll() is not None:
                    print(f"run: {name} stopped unexpectedly (code {proc.popen.returncode}); see var/log/{name}.log",
                          file=sys.stderr)
                    return 1
            time.sleep(1)
    except StackError as exc:
        print(f"run: could not start: {exc}", file=sys.stderr)
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
