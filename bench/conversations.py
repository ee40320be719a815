"""Whole conversations of the held-out set, played against the real servers: how many end right.

Each conversation of ``tests/heldout/conversations.yml`` (written blind, never used for
training) is played as its writer specified: the scripted ``turns`` in order, whatever the
assistant says; then, each time the assistant asks a profile question, the person's
``answers`` for it (once each, then « je ne sais pas »), and « oui » when the assistant offers
to orient; until an orientation has come after the last scripted turn, or 15 messages. A
conversation is right when its last orientation shows every ``must`` scheme, one of each
``must_any`` group, no ``must_not`` scheme (shown or among the other leads), and the final
profile holds the expected values.

    .venv/bin/python -m bench.conversations                    # start the servers, play all
    .venv/bin/python -m bench.conversations --rasa-url URL     # play against servers already running
"""
from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
import urllib.request
import uuid
from collections import defaultdict
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

CONVERSATIONS = ROOT / "tests" / "heldout" / "conversations.yml"
RESULTS = ROOT / "bench-results" / "conversations.json"
MAX_MESSAGES = 15
TARGET = 0.95


def _post(url: str, body: dict) -> list[dict]:
    req = urllib.request.Request(url, data=json.dumps(body).encode(), headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=60) as resp:
        return json.loads(resp.read() or b"[]")


def _tracker(rasa_url: str, sender: str, token: str | None) -> dict:
    url = f"{rasa_url}/conversations/{sender}/tracker" + (f"?token={token}" if token else "")
    with urllib.request.urlopen(url, timeout=30) as resp:
        return json.loads(resp.read())


def _orientation(messages: list[dict]) -> dict | None:
    found = None
    for m in messages:
        custom = m.get("custom") or {}
        if isinstance(custom, dict) and isinstance(custom.get("orientation"), dict):
            found = custom["orientation"]
    return found


def _offers_orientation(messages: list[dict]) -> bool:
    return any(b.get("payload") == "/request_orientation" for m in messages for b in m.get("buttons") or [])


def play(conv: dict, rasa_url: str, token: str | None = None) -> dict[str, Any]:
    """Play one conversation; return its transcript, last orientation and final slots."""
    webhook = f"{rasa_url}/webhooks/rest/webhook"
    sender = f"heldout-{conv['id']}-{uuid.uuid4().hex[:6]}"
    transcript: list[tuple[str, list[dict]]] = []
    orientation = None
    for turn in conv.get("turns") or []:
        replies = _post(webhook, {"sender": sender, "message": turn})
        transcript.append((turn, replies))
        orientation = _orientation(replies) or orientation
    answers = dict(conv.get("answers") or {})
    after_script = None
    offers_left = 2
    while len(transcript) < MAX_MESSAGES and after_script is None:
        tracker = _tracker(rasa_url, sender, token)
        slots = tracker.get("slots") or {}
        last = transcript[-1][1] if transcript else []
        requested = slots.get("requested_slot") if (tracker.get("active_loop") or {}).get("name") else None
        if requested and requested in answers:
            message = answers.pop(requested)
        elif requested:
            message = "je ne sais pas"
        elif _offers_orientation(last) and offers_left:
            message, offers_left = "oui", offers_left - 1
        elif offers_left:
            message, offers_left = "pouvez-vous m'orienter ?", 0
        else:
            break
        replies = _post(webhook, {"sender": sender, "message": message})
        transcript.append((message, replies))
        after_script = _orientation(replies)
    orientation = after_script or orientation or None
    slots = _tracker(rasa_url, sender, token).get("slots") or {}
    return {"transcript": transcript, "orientation": orientation, "slots": slots}


def judge(conv: dict, outcome: dict) -> list[str]:
    """What is wrong with the outcome (nothing: the conversation ended right)."""
    expect = conv.get("expect") or {}
    orientation = outcome["orientation"]
    if not orientation:
        return ["no orientation"]
    shown = [d.get("id") for d in orientation.get("dispositifs") or []]
    others = [d.get("id") for d in orientation.get("autres_pistes") or []]
    problems = [f"missing {i}" for i in expect.get("must") or [] if i not in shown]
    problems += [f"none of {group}" for group in expect.get("must_any") or [] if not set(group) & set(shown)]
    problems += [f"must not {i}" for i in expect.get("must_not") or [] if i in shown or i in others]
    for slot, value in (expect.get("profile") or {}).items():
        got = outcome["slots"].get(slot)
        if got != value and not (isinstance(value, list) and isinstance(got, list) and sorted(got) == sorted(value)):
            problems.append(f"{slot}={got!r} (expected {value!r})")
    return problems


def run(rasa_url: str, token: str | None, conversations: list[dict]) -> dict[str, Any]:
    per_persona: dict[str, list[bool]] = defaultdict(list)
    details = []
    start = time.monotonic()
    for conv in conversations:
        try:
            outcome = play(conv, rasa_url, token)
            problems = judge(conv, outcome)
        except Exception as exc:  # noqa: BLE001 - a broken conversation counts as wrong, with why
            outcome, problems = {"transcript": [], "orientation": None, "slots": {}}, [f"error: {exc}"]
        per_persona[conv.get("persona", "?")].append(not problems)
        details.append({"id": conv["id"], "persona": conv.get("persona"), "right": not problems, "problems": problems,
                        "shown": [d.get("id") for d in (outcome["orientation"] or {}).get("dispositifs") or []],
                        "transcript": [{"user": u, "bot": [m.get("text") for m in r]} for u, r in outcome["transcript"]]})
    right = sum(d["right"] for d in details)
    return {"conversations": len(details), "right": right, "share_right": right / len(details) if details else 0.0,
            "per_persona": {p: {"right": sum(v), "of": len(v)} for p, v in sorted(per_persona.items())},
            "seconds": round(time.monotonic() - start, 1), "details": details}


def print_report(result: dict[str, Any]) -> None:
    print(f"Whole conversations (held-out, {result['conversations']}): {result['right']} right "
          f"= {result['share_right'] * 100:.1f} %  [target >= {TARGET * 100:.0f} %: "
          f"{'PASS' if result['share_right'] >= TARGET else 'BELOW'}]  in {result['seconds']} s")
    print("  per persona: " + ", ".join(f"{p} {v['right']}/{v['of']}" for p, v in result["per_persona"].items()))
    for d in result["details"]:
        if not d["right"]:
            print(f"  {d['id']} ({d['persona']}): {'; '.join(d['problems'])}  shown={d['shown']}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.conversations", description=__doc__.splitlines()[0])
    parser.add_argument("--rasa-url", default=None, help="play against a Rasa server already running")
    parser.add_argument("--token", default=None, help="Rasa API token, if the server needs one")
    parser.add_argument("--file", default=str(CONVERSATIONS))
    parser.add_argument("--only", nargs="*", help="conversation ids to play")
    parser.add_argument("--out", default=str(RESULTS))
    args = parser.parse_args(argv)
    conversations = yaml.safe_load(Path(args.file).read_text(encoding="utf-8"))["conversations"]
    if args.only:
        conversations = [c for c in conversations if c["id"] in args.only]
    if args.rasa_url:
        result = run(args.rasa_url.rstrip("/"), args.token, conversations)
    else:
        from knowledge.store import load_all
        from scripts.stack import Settings, Stack, free_port
        from scripts.train import model_path

        model = model_path()
        if not model.exists():
            print("bench: no model for the current data; run `make train`", file=sys.stderr)
            return 1
        with tempfile.TemporaryDirectory() as tmp:
            db_url = f"sqlite:///{tmp}/bench.db"
            load_all(db_url)
            settings = Settings(rasa_port=free_port(), actions_port=free_port(), web_port=free_port(),
                                database_url=db_url)
            with Stack(settings, model, Path(tmp) / "logs") as stack:
                result = run(settings.rasa_url, None, conversations)
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print_report(result)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
