"""What every channel checks before a message reaches the assistant."""
from __future__ import annotations

from typing import Any, Optional

MAX_CHARS = 1000

TECHNICAL_ERROR = "Désolé, un problème technique m'empêche de répondre. Réessayez dans un instant."
# Every message gets an answer: none at all means a part of the service is down (the action server
# is started again by the supervisor); what the person said before is kept in the conversation store.
NO_ANSWER = ("Désolé, une partie du service est momentanément indisponible et je n'ai pas pu lire votre "
             "message. Ce que vous m'avez déjà dit est conservé : renvoyez votre message dans une minute.")

EMPTY_REPLY = ("Votre message est vide. Écrivez-moi quelques mots sur votre projet, par exemple : "
               "« Nous sommes une association et nous cherchons un local ».")


NO_WORDS_REPLY = ("Je ne lis que du texte : décrivez votre projet en quelques mots, par exemple "
                  "« Je suis une association et je cherche un financement ».")


def too_long_reply(length: int) -> str:
    return (f"Votre message est trop long ({length} caractères). Résumez votre demande en quelques phrases "
            f"({MAX_CHARS} caractères au plus) : je garde tout ce que vous m'avez déjà dit.")


def refusal(text: Any) -> Optional[str]:
    """A French reply when the text cannot be handled, or None when it can."""
    if not isinstance(text, str) or not text.strip():
        return EMPTY_REPLY
    if len(text) > MAX_CHARS:
        return too_long_reply(len(text))
    if not any(ch.isalnum() for ch in text):
        return NO_WORDS_REPLY  # emoji or punctuation only
    return None


def clean_metadata(metadata: Any) -> dict:
    """Metadata is optional and must be a JSON object; anything else is ignored."""
    return metadata if isinstance(metadata, dict) else {}
