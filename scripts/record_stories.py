"""Record scripted conversations as Rasa test stories, for review.

    .venv/bin/python scripts/record_stories.py tests/story_scenarios.yml --rasa-url http://127.0.0.1:5005

Each scenario (a name and the user turns) is played against a running assistant
(`make run`); its tracker is written as an end-to-end test story (user text with
the entities the NLU found, intents, actions, slots) into var/recorded_stories/.
A recording is a proposal, not a truth: read every story, correct any intent,
entity or action that is wrong, then move it to tests/stories/ — the test then
holds the assistant to the corrected behaviour.
"""
from __future__ import annotations

import argparse
import json
import sys
import urllib.request
import uuid
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def post(url: str, sender: str, text: str, metadata: dict | None) -> list:
    body = {"sender": sender, "message": text}
    if metadata:
        body["metadata"] = metadata
    req = urllib.request.Request(f"{url}/webhooks/rest/webhook", data=json.dumps(body).encode(),
                                 headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=60) as resp:
        return json.loads(resp.read())


def story_yaml(url: str, sender: str, name: str) -> str:
    from rasa.shared.core.domain import Domain
    from rasa.shared.core.trackers import DialogueStateTracker
    from rasa.shared.core.training_data.story_writer.yaml_story_writer import YAMLStoryWriter

    with urllib.request.urlopen(f"{url}/conversations/{sender}/tracker", timeout=30) as resp:
        tracker_json = json.loads(resp.read())
    domain = Domain.load(str(ROOT / "domain.yml"))
    tracker = DialogueStateTracker.from_dict(sender, tracker_json["events"], domain.slots)
    story = tracker.as_story(include_source=False)
    story.story_name = name
    for step in story.story_steps:
        step.block_name = name
    return YAMLStoryWriter().dumps(story.story_steps, is_appendable=True, is_test_story=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("scenarios", type=Path)
    parser.add_argument("--rasa-url", default="http://127.0.0.1:5005")
    parser.add_argument("--only", help="record only scenarios whose name contains this text")
    args = parser.parse_args()
    scenarios = yaml.safe_load(args.scenarios.read_text())["scenarios"]
    out_dir = ROOT / "var" / "recorded_stories"
    out_dir.mkdir(parents=True, exist_ok=True)
    chunks: dict[str, list[str]] = {}
    for sc in scenarios:
        if args.only and args.only not in sc["name"]:
            continue
        sender = f"record-{uuid.uuid4().hex[:10]}"
        for turn in sc["turns"]:
            post(args.rasa_url, sender, turn, sc.get("metadata"))
        chunks.setdefault(sc.get("file", "conversations"), []).append(story_yaml(args.rasa_url, sender, sc["name"]))
        print(f"recorded: {sc['name']}")
    for file, stories in chunks.items():
        (out_dir / f"{file}.yml").write_text('version: "3.1"\nstories:\n' + "".join(stories))
        print(f"wrote {out_dir / (file + '.yml')}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
