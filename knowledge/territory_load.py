"""Compatibility module: ``read_etalab`` lives in ``knowledge.territory.etalab`` and the
SQL that fills the ``geo_*`` tables (``load_territories``) in ``knowledge.store``."""
from knowledge.store import load_territories
from knowledge.territory.etalab import CURRENT, DEFAULT_DATA_DIR, SUB_TYPES, Rows, read_etalab

__all__ = ["CURRENT", "DEFAULT_DATA_DIR", "SUB_TYPES", "Rows", "read_etalab", "load_territories"]
