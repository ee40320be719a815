"""The orientation engine: a pure function of (profile, catalogue, territories).

- ``profile``: the profile cleaned, the place located;
- ``rules``: territory levels and the exclusion rules, each with a code;
- ``scoring``: how closely a scheme fits;
- ``orient``: ranking, widening, national networks and their regional members, desks,
  contacts that lead somewhere, the questions that still matter, « pourquoi pas X ? ».
"""
from knowledge.engine.orient import (MAX_SPECIFIC, MIN_SPECIFIC, SHOWN, Explanation, Orientation, Recommendation,
                                     describe, explain, open_questions, orient, resolve_contact)
from knowledge.engine.profile import Place, Profile, clean_profile, locate
from knowledge.engine.rules import Code, Exclusion, territory_level

__all__ = ["MAX_SPECIFIC", "MIN_SPECIFIC", "SHOWN", "Code", "Exclusion", "Explanation", "Orientation", "Place",
           "Profile", "Recommendation", "clean_profile", "describe", "explain", "locate", "open_questions", "orient",
           "resolve_contact", "territory_level"]
