"""Words of the assistant that depend on values: the domain's responses filled in, and labels.

Every sentence lives in ``domain.yml`` (responses) or in ``knowledge/vocabulary/labels.yml``
(how a value is said); actions only choose and fill them.
"""
from __future__ import annotations

from typing import Any, Mapping

from knowledge.vocabulary import vocabulary


def say(domain: Mapping, response: str, **values: Any) -> str:
    """The text of a domain response, filled in (for a message built of several parts)."""
    variants = (domain.get("responses") or {}).get(response) or [{}]
    text = variants[0].get("text") or ""
    try:
        return text.format(**values)
    except (KeyError, IndexError, ValueError):
        return text


def value_label(slot: str, value: Any, client=None) -> str:
    """How a slot value is said back to the user (« collectivité », « Muret », « sans salarié »)."""
    if slot == "employeur":
        return "avec des salariés" if value else "sans salarié"
    if slot == "commune" and client is not None:
        commune = client.territories.commune(str(value))
        return commune.nom if commune is not None else str(value)
    if slot == "departement" and client is not None:
        dep = client.territories.departement(str(value))
        return f"{dep.nom} ({dep.code})" if dep is not None else str(value)
    kind = "besoins" if slot == "besoins" else slot
    try:
        return vocabulary().label(kind, str(value))
    except KeyError:
        return str(value)
