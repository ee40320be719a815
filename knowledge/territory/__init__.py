"""The French territories for the assistant: official places, their names, and the
index that finds them in what people write. See ``knowledge.territory.index``."""
from knowledge.territory.index import TerritoryIndex
from knowledge.territory.models import (HOME_DEPARTEMENT, HOME_REGION, Commune, Departement, Epci, LookupResult,
                                        Mention, Region)
from knowledge.territory.text import normalize

__all__ = ["TerritoryIndex", "Region", "Departement", "Epci", "Commune", "LookupResult", "Mention",
           "normalize", "HOME_DEPARTEMENT", "HOME_REGION"]
