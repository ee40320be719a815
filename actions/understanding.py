"""From one parsed user message to profile slot values, without Rasa.

The form uses these functions, and the NLU benchmark uses ``slots_from_message``
to measure slot accuracy with exactly the form's rules:
1. entities (DIET, synonyms, button payloads) give canonical values;
2. a short answer to the question being asked is read by ``vocabulary``;
3. places are found by the knowledge base (never by the NLU model).
"""
from __future__ import annotations

from typing import Any, Dict, Iterable, List, Optional

from actions import vocabulary as voc

# Intents that are attempts to answer the current question.
ANSWER_INTENTS = {"inform", "dont_know", "nlu_fallback", "nonsense", "affirm", "deny", "request_orientation"}
MAX_CANDIDATES = 6
# Clears what the commune question shows after an ambiguous or unknown place.
NO_PLACE_QUESTION = {"lieu_candidats": None, "lieu_saisi": None, "lieu_statut": None}


def first_canonical(canonical, values: Iterable[Any]) -> Any:
    """The first entity value that means something (DIET sometimes tags stray words too)."""
    for value in values:
        result = canonical(value if isinstance(value, bool) else str(value))
        if result is not None:
            return result
    return None


def entity_values(entities: Iterable[dict], name: str) -> List[Any]:
    return [e.get("value") for e in entities or [] if e.get("entity") == name]


def place_slots(result, *, answer: bool) -> Dict[str, Any]:
    """Slots to set from a territory lookup result."""
    if result.status == "found" and result.commune is not None:
        return {"commune": result.commune.code, "departement": result.commune.departement, **NO_PLACE_QUESTION}
    if result.status == "found" and result.kind == "departement" and result.departement is not None:
        return {"departement": result.departement.code, **NO_PLACE_QUESTION}
    if result.status == "ambiguous" and result.candidates:
        out: Dict[str, Any] = {
            "lieu_candidats": [{"code": c.code, "nom": c.nom, "departement": c.departement}
                               for c in result.candidates[:MAX_CANDIDATES]],
            "lieu_saisi": result.query,
            "lieu_statut": "ambigu",
        }
        if result.departement is not None:
            out["departement"] = result.departement.code
        return out
    if answer and result.status == "unknown":
        suggestions = [{"code": s.code, "nom": s.nom, "departement": s.departement}
                       for s in (result.suggestions or [])[:MAX_CANDIDATES] if hasattr(s, "code")]
        return {"lieu_candidats": suggestions or None, "lieu_saisi": (result.query or "")[:80] or None,
                "lieu_statut": "inconnu"}
    return {}


def place_from_message(text: str, entities: Iterable[dict], intent: Optional[str], requested: Optional[str],
                       territories) -> Dict[str, Any]:
    """Places in a message: button payloads, then mentions in the text, then the whole answer."""
    for code in entity_values(entities, "commune"):
        commune = territories.commune(str(code))
        if commune is not None:
            return {"commune": commune.code, "departement": commune.departement, **NO_PLACE_QUESTION}
    for code in entity_values(entities, "departement"):
        dep = territories.departement(str(code))
        if dep is not None:
            return {"departement": dep.code, "commune": None, **NO_PLACE_QUESTION}
    if not text or not text.strip() or text.startswith("/"):
        return {}
    if intent == "other_language":
        return {}
    mentions = territories.find_in_text(text)
    if mentions:
        best = best_mention(text, mentions)
        if best.result.kind == "departement" and best.result.departement is not None:
            # "Foix en Ariège": a commune name too risky to spot alone, confirmed by its department.
            before = text[:best.start].strip(" ,;-")
            before = before[: -len(before.split()[-1])].strip() if before.split()[-1:] in (["en"], ["dans"]) else before
            if 0 < len(before) <= 40:
                found = territories.lookup(before)
                if found.status == "found" and found.commune is not None and \
                        found.commune.departement == best.result.departement.code:
                    return place_slots(found, answer=False)
        slots = place_slots(best.result, answer=False)
        if slots.get("departement") and "commune" not in slots:
            slots["commune"] = None  # a new department replaces an old commune
        return slots
    if requested == "commune" and (intent in ANSWER_INTENTS and intent != "dont_know"
                                   or intent in PLACE_LOOKALIKE_INTENTS and short_answer(text)):
        return place_slots(territories.lookup(text), answer=True)
    return {}


# A bare unknown name ("Bruxelles") may be read as feedback or out of scope; asked for a commune,
# a short answer without a question mark is still a place answer.
PLACE_LOOKALIKE_INTENTS = {"feedback", "out_of_scope", "nlu_fallback"}


def short_answer(text: str) -> bool:
    return "?" not in text and 0 < len(text.split()) <= 4


NEAR_WORDS = ("pres de", "a cote de", "pas loin de", "proche de", "vers", "autour de", "region de")


def best_mention(text: str, mentions: list):
    """The place the project is in: a commune rather than its department, and not the town it is
    only near ("à côté de Toulouse, à Cugnaux")."""
    def near(m) -> bool:
        before = voc.fold(text[max(0, m.start - 20):m.start])
        return any(before.endswith(w) for w in NEAR_WORDS)

    def rank(item):
        index, m = item
        r = m.result
        kind = 0 if r.kind in ("commune", "code_postal") and r.status == "found" else (
            1 if r.kind in ("commune", "code_postal") else 2)
        return (near(m), kind, index)

    return min(enumerate(mentions), key=rank)[1]


def answer_text(text: str, intent: Optional[str], requested: Optional[str], slot: str) -> Optional[str]:
    """The text, when it answers the question asked for ``slot`` ("je ne sais pas" does not)."""
    if (requested != slot or intent not in ANSWER_INTENTS or intent == "dont_know" or not text
            or text.startswith("/")):
        return None
    return text


def sentence_text(text: str, intent: Optional[str]) -> Optional[str]:
    """The text, when it is a statement about the project in which status or stage words can be read."""
    if intent not in ("inform", "request_orientation") or not text or text.startswith("/"):
        return None
    return text


def message_statut(text: str, intent: Optional[str], requested: Optional[str], entities: Iterable[dict],
                   known: Any = None) -> Optional[str]:
    """Status in a message: the first meaningful entity value, else the answer to the status question,
    else a strong status word of a statement (only while no status is ``known``)."""
    value = first_canonical(voc.canonical_statut, entity_values(entities, "statut"))
    if value:
        return value
    answer = answer_text(text, intent, requested, "statut")
    if answer:
        return voc.canonical_statut(answer)
    return voc.canonical_statut(sentence_text(text, intent), strong_only=True) if known is None else None


def message_stade(text: str, intent: Optional[str], requested: Optional[str], entities: Iterable[dict],
                  known: Any = None) -> Optional[str]:
    """Stage in a message, as for the status (stage words rarely mean anything else: all of them count)."""
    value = first_canonical(voc.canonical_stade, entity_values(entities, "stade"))
    if value:
        return value
    answer = answer_text(text, intent, requested, "stade")
    if answer:
        return voc.canonical_stade(answer)
    return voc.canonical_stade(sentence_text(text, intent)) if known is None else None


def message_besoins(text: str, intent: Optional[str], requested: Optional[str], entities: Iterable[dict]) -> List[str]:
    """Needs in a message: entity values, plus the need words of an answer to the needs question or of
    a statement about the project (DIET sometimes misses one need of two, or tags a stray word)."""
    values: List[Any] = list(entity_values(entities, "besoin"))
    answer = answer_text(text, intent, requested, "besoins")
    if answer:
        values.append(answer)
        return voc.canonical_besoins(values)
    found = voc.canonical_besoins(values)
    sentence = sentence_text(text, intent)
    return voc.canonical_besoins(found + voc.canonical_besoins(sentence, strong_only=True)) if sentence else found


def slots_from_message(parse: Dict[str, Any], territories, requested: Optional[str] = None,
                       known: Optional[Dict[str, Any]] = None) -> Dict[str, Any]:
    """Every profile slot one message sets (only the slots it sets), given the slots already ``known``."""
    known = known or {}
    text = parse.get("text") or ""
    intent = (parse.get("intent") or {}).get("name")
    entities = parse.get("entities") or []
    out: Dict[str, Any] = {}

    statut = message_statut(text, intent, requested, entities, known.get("statut"))
    if statut:
        out["statut"] = statut
    stade = message_stade(text, intent, requested, entities, known.get("stade"))
    if stade:
        out["stade"] = stade
    besoins = message_besoins(text, intent, requested, entities)
    if besoins:
        out["besoins"] = besoins
    employeur = False if voc.says_no_employees(text) else first_canonical(
        voc.canonical_employeur, entity_values(entities, "employeur"))
    if employeur is None and requested == "employeur" and intent in ("affirm", "deny"):
        employeur = intent == "affirm"
    if employeur is None:
        employeur = voc.canonical_employeur(answer_text(text, intent, requested, "employeur"))
    if employeur is None and sentence_text(text, intent) and voc.says_employees(text):
        employeur = True
    if employeur is not None:
        out["employeur"] = employeur
    place = place_from_message(text, entities, intent, requested, territories)
    for key in ("commune", "departement"):
        if place.get(key):
            out[key] = place[key]
    return out
