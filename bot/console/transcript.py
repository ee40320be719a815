"""The conversation of a request, read from the Rasa server, with personal data masked.

Staff see what the person said and what the assistant answered, but never the name,
e-mail, phone or message typed into the call-back form (they are in the request itself,
shown once, with the consent), nor an e-mail or phone number typed anywhere else.
"""
from __future__ import annotations

import asyncio
import os
from pathlib import Path
from typing import Any, Optional
from urllib.parse import quote

import aiohttp

from knowledge.events import MASK, mask_text  # noqa: F401 - one masking of e-mails and phones for the service

ROOT = Path(__file__).resolve().parents[2]
PERSONAL_SLOTS = {"contact_nom", "contact_coordonnees", "contact_message"}


def masked_turns(events: list[dict[str, Any]]) -> list[dict[str, str]]:
    """[{"qui": "personne"|"assistant", "texte": …}] from tracker events, personal answers masked."""
    turns: list[dict[str, str]] = []
    requested: Optional[str] = None
    for event in events:
        kind = event.get("event")
        if kind == "slot" and event.get("name") == "requested_slot":
            requested = event.get("value")
        elif kind == "active_loop" and not event.get("name"):
            requested = None
        elif kind == "user":
            text = event.get("text") or ""
            if text.startswith("/"):  # a button: show what it meant, not the payload
                text = f"(bouton) {text.split('{', 1)[0].lstrip('/')}"
            turns.append({"qui": "personne", "texte": MASK if requested in PERSONAL_SLOTS else mask_text(text)})
        elif kind == "bot" and event.get("text"):
            turns.append({"qui": "assistant", "texte": mask_text(event["text"])})
    return turns


def rasa_token(env: Optional[dict] = None) -> Optional[str]:
    env = os.environ if env is None else env
    if env.get("RASA_API_TOKEN"):
        return env["RASA_API_TOKEN"]
    path = ROOT / "var" / "rasa_api_token"
    return path.read_text(encoding="utf-8").strip() or None if path.exists() else None


async def fetch_transcript(conversation_id: str, env: Optional[dict] = None) -> Optional[list[dict[str, str]]]:
    """The masked turns, or None when the Rasa server cannot give them (stopped, unknown conversation)."""
    env = os.environ if env is None else env
    base = env.get("RASA_INTERNAL_URL") or f"http://127.0.0.1:{int(env.get('RASA_PORT', 5005))}"
    params = {"token": token} if (token := rasa_token(env)) else {}
    url = f"{base.rstrip('/')}/conversations/{quote(conversation_id, safe='')}/tracker"
    try:
        timeout = aiohttp.ClientTimeout(total=5)
        async with aiohttp.ClientSession(timeout=timeout) as http:
            async with http.get(url, params={**params, "include_events": "ALL"}) as response:
                if response.status != 200:
                    return None
                tracker = await response.json()
    except (aiohttp.ClientError, asyncio.TimeoutError, TimeoutError, ValueError):
        return None
    if not isinstance(tracker, dict) or not isinstance(tracker.get("events") or [], list):
        return None
    return masked_turns([e for e in tracker.get("events") or [] if isinstance(e, dict)])
