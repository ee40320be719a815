"""Where the project is, from one message: button payloads, places named in a sentence, or the
whole text as an answer to the commune question.

Places are never learnt by the NLU model: the knowledge base's territory index finds them
(``TerritoryIndex.find_in_text`` and ``lookup``), which knows every French commune, postal
code, department and intercommunality.
"""
from __future__ import annotations

import dataclasses
from typing import Any, Iterable, Optional

from knowledge.vocabulary import fold

MAX_CANDIDATES = 6
# Clears what the commune question shows after an ambiguous or unknown place.
NO_PLACE_QUESTION = {"lieu_candidats": None, "lieu_saisi": None, "lieu_statut": None}
NEAR_WORDS = ("pres de", "a cote de", "pas loin de", "proche de", "vers", "autour de", "region de", "environs de")
LOCATIVE_WORDS = ("a", "au", "en", "sur", "dans", "de", "sera a", "base a", "basee a", "situe a")
# Where the project is beats where the person lives (« j'habite à Toulouse mais le projet sera à Bordeaux »).
PROJECT_WORDS = ("projet sera a", "projet est a", "projet se situe a", "projet se trouve a", "projet a",
                 "le projet sera", "structure est a", "siege est a", "siege a", "activite sera a", "se fera a")
HOME_WORDS = ("j habite a", "j habite", "je vis a", "je reside a", "je suis originaire de", "habitant de", "habitante de")
IN_WORDS = ("a", "au", "aux", "en", "sur", "dans")
NEIGHBOURHOOD_WORDS = ("quartier des", "quartier du", "quartier de", "quartier", "cite des", "rue des", "rue du", "ecole")
# A bare unknown name ("Bruxelles") may be read as feedback or out of scope; asked for a commune,
# a short answer without a question mark is still a place answer.
PLACE_LOOKALIKE_INTENTS = {"feedback", "out_of_scope", "nlu_fallback", "nonsense", "greet"}
ANSWER_INTENTS = {"inform", "nlu_fallback", "affirm", "deny", "request_orientation"}


def entity_values(entities: Iterable[dict], name: str) -> list[Any]:
    return [e.get("value") for e in entities or [] if e.get("entity") == name]


def _candidates(communes, departement: Optional[str] = None) -> list[dict]:
    out = [{"code": c.code, "nom": c.nom, "departement": c.departement} for c in communes if hasattr(c, "code")]
    if departement and any(c["departement"] == departement for c in out):
        # The department is known: a commune of the same name elsewhere is not a sensible choice.
        out = [c for c in out if c["departement"] == departement]
    return out[:MAX_CANDIDATES]


def _homonym_in_department(result, departement: Optional[str]) -> Optional[dict]:
    """The one commune of that very name in the department already known (« Castelnau » when the
    person said Gers before); a longer name that only starts so is not accepted silently."""
    if not departement:
        return None
    same = [c for c in result.candidates if fold(c.nom) == fold(result.query or "") and c.departement == departement]
    return {"code": same[0].code, "nom": same[0].nom, "departement": same[0].departement} if len(same) == 1 else None


def place_slots(result, *, answer: bool, departement: Optional[str] = None) -> dict[str, Any]:
    """Slots to set from a territory lookup result."""
    if result.status == "found" and result.commune is not None:
        return {"commune": result.commune.code, "departement": result.commune.departement, **NO_PLACE_QUESTION}
    if result.status == "found" and result.departement is not None and result.kind != "region":
        # A department, or an intercommunality (whose department is known).
        return {"departement": result.departement.code, "commune": None, **NO_PLACE_QUESTION}
    if result.status == "ambiguous" and result.candidates:
        chosen = _homonym_in_department(result, departement)
        if chosen:
            return {"commune": chosen["code"], "departement": chosen["departement"], **NO_PLACE_QUESTION}
        candidates = _candidates(result.candidates, departement)
        out: dict[str, Any] = {"lieu_candidats": candidates, "lieu_saisi": result.query, "lieu_statut": "ambigu"}
        if result.departement is not None:
            out["departement"] = result.departement.code
        return out
    if answer and result.status == "unknown":
        suggestions = _candidates(result.suggestions or [], departement)
        return {"lieu_candidats": suggestions or None, "lieu_saisi": (result.query or "")[:80] or None,
                "lieu_statut": "inconnu"}
    return {}


def _before(text: str, m, words) -> bool:
    before = fold(text[max(0, m.start - 28):m.start])
    return any(before.endswith(w) for w in words)


def near_only(text: str, m) -> bool:
    return _before(text, m, NEAR_WORDS)


def _department_said(text: str, m, territories):
    """« dans la Creuse », « en Vendée »: a department's name after « dans » or « en », not the homonym
    commune (La Creuse, in Haute-Saône)."""
    if m.result.kind != "commune" or not _before(text, m, ("dans", "en")):
        return m
    words = fold(m.text).split()
    name = " ".join(words[1:] if words[:1] in (["la"], ["le"], ["les"], ["l"]) else words)
    found = territories.lookup(name) if name else None
    if found is not None and found.kind == "departement" and found.status == "found":
        return dataclasses.replace(m, result=found)
    return m


def best_mention(text: str, mentions: list):
    """The place the project is in: where the project is said to be, a commune rather than its
    department, after « à » rather than a name in passing, and not the town it is only near
    (« à côté de Toulouse, à Cugnaux ») nor a neighbourhood's name (« quartier des Izards »)."""
    def rank(item):
        index, m = item
        r = m.result
        kind = 0 if r.kind in ("commune", "code_postal") and r.status == "found" else (
            1 if r.kind in ("commune", "code_postal", "epci") else 2)
        return (not _before(text, m, PROJECT_WORDS), near_only(text, m), _before(text, m, NEIGHBOURHOOD_WORDS),
                len(mentions) > 1 and _before(text, m, HOME_WORDS), kind, not _before(text, m, LOCATIVE_WORDS),
                # « 5 voisins de la Guérinière à Caen »: where the project is, after « à », before a name after « de »
                _before(text, m, ("de", "de la", "du", "des", "d")) and not _before(text, m, IN_WORDS), index)

    return min(enumerate(mentions), key=rank)[1]


def short_answer(text: str) -> bool:
    return "?" not in text and 0 < len(text.split()) <= 4


def place_from_message(text: str, entities: Iterable[dict], intent: Optional[str], requested: Optional[str],
                       territories, departement: Optional[str] = None,
                       other_words: bool = False) -> dict[str, Any]:
    """Places in a message: button payloads, then mentions in the text, then the whole answer.

    ``departement`` is the one already known (it narrows homonyms); ``other_words`` says the
    message also named profile values, so that it is not looked up whole as a commune name."""
    for code in entity_values(entities, "commune"):
        commune = territories.commune(str(code))
        if commune is not None:
            return {"commune": commune.code, "departement": commune.departement, **NO_PLACE_QUESTION}
    for code in entity_values(entities, "departement"):
        dep = territories.departement(str(code))
        if dep is not None:
            return {"departement": dep.code, "commune": None, **NO_PLACE_QUESTION}
    if not text or not text.strip() or text.startswith("/") or intent == "other_language":
        return {}
    mentions = [_department_said(text, m, territories) for m in territories.find_in_text(text)]
    if mentions:
        best = best_mention(text, mentions)
        if best.result.kind == "departement" and best.result.departement is not None:
            # « st denis a la reunion »: a commune of the department named is the place
            inside = [m for m in mentions if m is not best and m.result.status == "found" and m.result.commune
                      is not None and m.result.commune.departement == best.result.departement.code]
            if inside:
                return place_slots(inside[0].result, answer=False)
        if best.result.kind == "departement" and best.result.departement is not None:
            # "Foix en Ariège": a commune name too risky to spot alone, confirmed by its department.
            before = text[:best.start].strip(" ,;-")
            words = before.split()
            if words[-1:] in (["en"], ["dans"]):
                before = before[: -len(words[-1])].strip()
            if 0 < len(before) <= 40:
                found = territories.lookup(before)
                if found.status == "found" and found.commune is not None and \
                        found.commune.departement == best.result.departement.code:
                    return place_slots(found, answer=False)
        named = [m.result.departement.code for m in mentions if m is not best and m.result.kind == "departement"
                 and m.result.departement is not None]
        commune = best.result.commune
        if named and commune is not None and commune.departement not in named:
            # « la ville du Lamentin, en Martinique »: the department named decides (Le Lamentin, not
            # Lamentin in Guadeloupe)
            other = territories.lookup(f"{text[best.start:best.end]} ({named[0]})")
            if other.status == "found" and other.commune is not None and other.commune.departement == named[0]:
                return place_slots(other, answer=False)
        if best.result.status == "ambiguous":
            # « à la Réunion, à Saint-Denis »: a department named elsewhere in the message decides.
            named = [m.result.departement.code for m in mentions if m is not best and m.result.kind == "departement"
                     and m.result.departement is not None]
            departement = named[0] if named else departement
        if near_only(text, best) and best.result.commune is not None:
            # « pas loin de Saint-Gaudens »: the department, not the commune
            return {"departement": best.result.commune.departement, **NO_PLACE_QUESTION}
        return place_slots(best.result, answer=False, departement=departement)
    asked = requested == "commune" and (intent in ANSWER_INTENTS or intent in PLACE_LOOKALIKE_INTENTS
                                        and short_answer(text))
    if asked and not other_words and len(text) <= 80:
        return place_slots(territories.lookup(text), answer=True, departement=departement)
    return {}
