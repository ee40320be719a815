"""Turn latency, cold start and memory of the running assistant (real servers).

Starts the three processes on free ports with a fresh database, plays full
orientation conversations over the REST channel, one user at a time and then
ten at once, and reports p50/p95 per turn (action server included), the time
to be ready and the resident memory of each process.
"""
from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import threading
import time
import urllib.request
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from scripts.run import rss_mb  # noqa: E402
from scripts.stack import Settings, Stack, free_port  # noqa: E402
from scripts.train import model_path  # noqa: E402

CONVERSATION = [
    "Bonjour",
    "nous sommes une association",
    "on veut consolider",
    "à Muret",
    "de l'accompagnement et un financement",
    "oui, on a 3 salariés",
    "plus de détails sur le 2",
    "le contact du DLA",
    "autre chose ?",
    "merci, au revoir",
]
TARGET_P95_MS = 200


def say(url: str, sender: str, text: str) -> float:
    body = json.dumps({"sender": sender, "message": text}).encode()
    req = urllib.request.Request(url, data=body, headers={"Content-Type": "application/json"})
    start = time.perf_counter()
    with urllib.request.urlopen(req, timeout=60) as resp:
        resp.read()
    return (time.perf_counter() - start) * 1000


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def play(url: str, rounds: int) -> list[float]:
    times = []
    for _ in range(rounds):
        sender = f"bench-{uuid.uuid4().hex[:10]}"
        times += [say(url, sender, text) for text in CONVERSATION]
    return times


def summary(times: list[float]) -> dict:
    return {"turns": len(times), "p50_ms": round(statistics.median(times), 1),
            "p95_ms": round(percentile(times, 0.95), 1), "max_ms": round(max(times), 1)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=10, help="conversations per user")
    parser.add_argument("--users", type=int, default=10, help="simultaneous conversations")
    args = parser.parse_args(argv)

    from knowledge.store import load_all

    model = model_path()
    if not model.exists():
        print("bench: no model for the current data; run `make train`", file=sys.stderr)
        return 1
    with tempfile.TemporaryDirectory() as tmp:
        db_url = f"sqlite:///{tmp}/bench.db"
        load_all(db_url)
        settings = Settings(rasa_port=free_port(), actions_port=free_port(), web_port=free_port(),
                            database_url=db_url)
        stack = Stack(settings, model, Path(tmp) / "logs")
        ready = stack.start()
        try:
            memory = {name: round(rss_mb(pid)) for name, pid in stack.pids().items()}
            url = f"{settings.rasa_url}/webhooks/rest/webhook"
            play(url, 1)  # warm-up: first calls load lazy parts
            single = play(url, args.rounds)
            results: list[list[float]] = [[] for _ in range(args.users)]

            def worker(i: int) -> None:
                results[i] = play(url, max(1, args.rounds // 2))

            threads = [threading.Thread(target=worker, args=(i,)) for i in range(args.users)]
            wall = time.perf_counter()
            for t in threads:
                t.start()
            for t in threads:
                t.join()
            wall = time.perf_counter() - wall
            concurrent = [t for r in results for t in r]
            memory_after = {name: round(rss_mb(pid)) for name, pid in stack.pids().items()}
        finally:
            stack.stop()

    report = {
        "cold_start_s": round(ready, 1),
        "one_user": summary(single),
        f"{args.users}_users": {**summary(concurrent), "turns_per_s": round(len(concurrent) / wall, 1)},
        "rss_mb_after_start": memory,
        "rss_mb_after_load": memory_after,
    }
    out = ROOT / "bench-results"
    out.mkdir(exist_ok=True)
    (out / "latency.json").write_text(json.dumps(report, indent=2))
    one = report["one_user"]
    many = report[f"{args.users}_users"]
    verdict = "PASS" if one["p95_ms"] < TARGET_P95_MS else "BELOW"
    print("Latency (REST turn, action server included)")
    print(f"  cold start (three processes ready): {report['cold_start_s']} s")
    print(f"  1 user   : p50 {one['p50_ms']} ms, p95 {one['p95_ms']} ms, max {one['max_ms']} ms "
          f"over {one['turns']} turns  [target p95 < {TARGET_P95_MS} ms: {verdict}]")
    print(f"  {args.users} users : p50 {many['p50_ms']} ms, p95 {many['p95_ms']} ms, max {many['max_ms']} ms, "
          f"{many['turns_per_s']} turns/s")
    print("  resident memory (MB): " + ", ".join(f"{k} {v}" for k, v in memory_after.items()))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
