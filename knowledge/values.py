"""The closed sets of values of the profile and the catalogue, in one place.

Values are those of ../shared/CONTRACT.md and of the catalogue schema
(``knowledge/schema/dispositif.schema.json``); a test checks that both agree, so
renaming a value or adding a need is one change here and one in the schema.
``(str, Enum)`` members compare equal to their string, so slot values and YAML
strings can be used directly.
"""
from __future__ import annotations

from enum import Enum


class Statut(str, Enum):
    SANS_STRUCTURE = "sans_structure"
    ASSOCIATION = "association"
    COOPERATIVE = "cooperative"
    ENTREPRISE = "entreprise"
    COLLECTIVITE = "collectivite"
    AUTRE = "autre"


class Stade(str, Enum):
    IDEE = "idee"
    CREATION = "creation"
    DEVELOPPEMENT = "developpement"
    CONSOLIDATION = "consolidation"
    CHANGEMENT_ECHELLE = "changement_echelle"
    REPRISE = "reprise"


class Besoin(str, Enum):
    FINANCEMENT = "financement"
    HEBERGEMENT = "hebergement"
    ACCOMPAGNEMENT = "accompagnement"
    FORMATION = "formation"
    JURIDIQUE = "juridique"
    EMPLOI = "emploi"
    MARCHES = "marches"
    RESEAU = "reseau"


class Public(str, Enum):
    STRUCTURES_ACCOMPAGNEMENT = "structures_accompagnement"
    SIAE = "siae"
    ENTREPRISES_ADAPTEES = "entreprises_adaptees"
    GROUPEMENTS_EMPLOYEURS = "groupements_employeurs"
    JEUNES = "jeunes"
    ETUDIANTS = "etudiants"
    CAE_ENTREPRENEURS_SALARIES = "cae_entrepreneurs_salaries"
    DEMANDEURS_EMPLOI = "demandeurs_emploi"
    ALLOCATAIRES_RSA = "allocataires_rsa"
    SALARIES = "salaries"
    HABITANTS = "habitants"
    AGRICULTEURS = "agriculteurs"
    REGIES_QUARTIER = "regies_quartier"
    ENTREPRISES_INSERTION = "entreprises_insertion"  # EI and ETTI, and those who create one
    HABITANTS_QUARTIER = "habitants_quartier"  # residents of an urban (priority) neighbourhood, the régies' public


class Forme(str, Enum):
    """Legal forms a person without a structure may consider (``forme_envisagee``)."""
    ASSOCIATION = "association"
    COOPERATIVE = "cooperative"
    ENTREPRISE = "entreprise"


class Etat(str, Enum):
    EN_PLACE = "en_place"
    ANNONCE = "annonce"
    EXPERIMENTAL = "experimental"
    HISTORIQUE = "historique"


def values(enum: type[Enum]) -> tuple[str, ...]:
    """The string values of an enum, in declaration order (the canonical order)."""
    return tuple(member.value for member in enum)


STATUTS = values(Statut)
STADES = values(Stade)
BESOINS = values(Besoin)
PUBLICS = values(Public)
FORMES = values(Forme)
# Statuses of a structure that may have employees (the employer question means something for them).
EMPLOYER_STATUTS = ("association", "cooperative", "entreprise", "autre")
