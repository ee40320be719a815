"""Partner sites that may embed the assistant (``bot/partners.yml``).

Read by three processes, so that they all agree on who is allowed:
- the web server of ``bot/`` (CORS of the widget script and configuration, the
  ``frame-ancestors`` of the iframe mode, the partner's greeting and colour);
- the Rasa server, through ``channels.socketio`` (which origins may open a
  socket.io connection, and the partner's territory put in the metadata);
- ``scripts/stack.py`` (Rasa's ``--cors`` list).

Extra partners (tests, a staging server) come from the file named by the
``PARTNERS_FILE`` environment variable, in the same format; an entry with the
id of a partner of ``bot/partners.yml`` replaces it.

Only standard library and PyYAML: this module is imported by every process.
"""
from __future__ import annotations

import logging
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Mapping, Optional
from urllib.parse import urlsplit

import yaml

log = logging.getLogger(__name__)

DEFAULT_FILE = Path(__file__).resolve().parent / "partners.yml"
ENV_FILE = "PARTNERS_FILE"
# Set by scripts/stack.py for the processes it starts: the web server's own origins, and every allowed one.
ENV_OWN = "ESS_WEB_ORIGINS"
ENV_ALLOWED = "ESS_ALLOWED_ORIGINS"

DEFAULT_COLOUR = "#000091"
# The partner colour is the background of white text (header, launcher, user messages) and the colour
# of text and links on the widget's light backgrounds, the darkest of which is the cards' #eef0fb.
LIGHT_BACKGROUNDS = ("#ffffff", "#eef0fb", "#f6f6f6")
DEFAULT_GREETING = ("Bonjour ! Je suis l'assistant d'orientation pour les projets d'économie sociale et "
                    "solidaire. Décrivez-moi votre projet en quelques mots.")

_ID = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}$")
_COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")
_COMMUNE = re.compile(r"^(\d[0-9AB]\d{3})$")
_DEPARTEMENT = re.compile(r"^(\d{2}|2A|2B|97\d)$")


class PartnerConfigError(ValueError):
    pass


def normalise_origin(value: str) -> str:
    """``scheme://host[:port]`` in lower case, without a path; raises on anything else."""
    if not isinstance(value, str):
        raise PartnerConfigError(f"origine invalide : {value!r}")
    parts = urlsplit(value.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname or parts.path not in ("", "/") \
            or parts.query or parts.fragment or parts.username or parts.password:
        raise PartnerConfigError(f"origine invalide : {value!r} (attendu : https://exemple.fr)")
    port = parts.port
    default = {"http": 80, "https": 443}[parts.scheme]
    host = parts.hostname.lower()
    if ":" in host:
        host = f"[{host}]"
    return f"{parts.scheme}://{host}" + (f":{port}" if port and port != default else "")


def _luminance(hex_colour: str) -> float:
    def channel(c: int) -> float:
        c = c / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (int(hex_colour[i:i + 2], 16) for i in (1, 3, 5))
    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)


def contrast_ratio(a: str, b: str) -> float:
    la, lb = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


@dataclass(frozen=True)
class Partner:
    id: str
    nom: str
    origines: tuple[str, ...] = ()
    accueil: str = DEFAULT_GREETING
    commune: Optional[str] = None
    departement: Optional[str] = None
    couleur: str = DEFAULT_COLOUR

    def metadata(self) -> dict:
        """What the assistant receives with every message of this partner's widget."""
        out = {"partenaire": self.id}
        if self.commune:
            out["commune"] = self.commune
        if self.departement:
            out["departement"] = self.departement
        return out

    def public(self) -> dict:
        """What the widget may know (no origins list: a partner does not see the others)."""
        return {"id": self.id, "nom": self.nom, "accueil": self.accueil, "couleur": self.couleur}


def _partner(entry: Mapping, source: str) -> Partner:
    if not isinstance(entry, Mapping):
        raise PartnerConfigError(f"{source} : chaque partenaire est un objet (id, nom, origines…)")
    pid = entry.get("id")
    if not isinstance(pid, str) or not _ID.match(pid):
        raise PartnerConfigError(f"{source} : id invalide {pid!r} (minuscules, chiffres, - et _)")
    origins = entry.get("origines") or []
    if isinstance(origins, str):
        origins = [origins]
    commune = entry.get("commune")
    commune = str(commune) if commune is not None else None
    if commune is not None and not _COMMUNE.match(commune):
        raise PartnerConfigError(f"{source} : {pid} : commune {commune!r} n'est pas un code INSEE")
    departement = entry.get("departement")
    departement = str(departement) if departement is not None else None
    if departement is not None and not _DEPARTEMENT.match(departement):
        raise PartnerConfigError(f"{source} : {pid} : departement {departement!r} invalide")
    if commune and not departement:
        departement = commune[:3] if commune.startswith("97") else commune[:2]
    colour = entry.get("couleur") or DEFAULT_COLOUR
    if not isinstance(colour, str) or not _COLOUR.match(colour):
        raise PartnerConfigError(f"{source} : {pid} : couleur {colour!r} (attendu : #rrggbb)")
    if min(contrast_ratio(colour, bg) for bg in LIGHT_BACKGROUNDS) < 4.5:
        # Below 4.5:1 the widget's text fails RGAA 3.2 (WCAG 1.4.3): the colour is not used.
        log.warning("partners: %s: colour %s has a contrast below 4.5:1 with the widget's light "
                    "backgrounds; using %s", pid, colour, DEFAULT_COLOUR)
        colour = DEFAULT_COLOUR
    greeting = entry.get("accueil") or DEFAULT_GREETING
    return Partner(id=pid, nom=str(entry.get("nom") or pid),
                   origines=tuple(dict.fromkeys(normalise_origin(o) for o in origins)),
                   accueil=str(greeting).strip(), commune=commune, departement=departement,
                   couleur=colour.lower())


def _read(path: Path) -> list[Partner]:
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    entries = data.get("partenaires", []) if isinstance(data, Mapping) else data
    if not isinstance(entries, list):
        raise PartnerConfigError(f"{path} : la clé « partenaires » doit être une liste")
    return [_partner(e, str(path)) for e in entries]


@dataclass
class Partners:
    by_id: dict[str, Partner] = field(default_factory=dict)

    @classmethod
    def load(cls, extra: Optional[str | Path] = None, base: Path = DEFAULT_FILE) -> "Partners":
        found: dict[str, Partner] = {}
        files = [base] if base and Path(base).exists() else []
        if extra:
            if not Path(extra).exists():
                raise PartnerConfigError(f"{ENV_FILE}={extra} : fichier introuvable")
            files.append(Path(extra))
        for path in files:
            for partner in _read(Path(path)):
                found[partner.id] = partner
        return cls(found)

    @classmethod
    def from_env(cls, env: Optional[Mapping[str, str]] = None) -> "Partners":
        env = os.environ if env is None else env
        return cls.load(env.get(ENV_FILE) or None)

    def get(self, pid: object) -> Optional[Partner]:
        return self.by_id.get(pid) if isinstance(pid, str) else None

    def origins(self) -> list[str]:
        return list(dict.fromkeys(o for p in self.by_id.values() for o in p.origines))

    def may_use(self, partner: Partner, origin: Optional[str], own_origins: Iterable[str]) -> bool:
        """A partner id is honoured from its own sites and from ours (demo page, iframe mode)."""
        if not origin:
            return False
        try:
            origin = normalise_origin(origin)
        except PartnerConfigError:
            return False
        return origin in partner.origines or origin in set(own_origins)


def merge_origins(*lists: Iterable[str]) -> list[str]:
    out: dict[str, None] = {}
    for values in lists:
        for value in values:
            try:
                out[normalise_origin(value)] = None
            except PartnerConfigError:
                log.warning("partners: ignoring invalid origin %r", value)
    return list(out)


def allowed_origins_from_env(env: Optional[Mapping[str, str]] = None) -> tuple[list[str], list[str]]:
    """(own origins of the web server, every allowed origin) for the process reading ``env``.

    ``scripts/stack.py`` passes both lists to the processes it starts; a process
    started another way computes them from the same settings.
    """
    env = os.environ if env is None else env
    own = [o for o in env.get(ENV_OWN, "").split(",") if o.strip()]
    allowed = [o for o in env.get(ENV_ALLOWED, "").split(",") if o.strip()]
    if own and allowed:
        return merge_origins(own), merge_origins(allowed)
    from scripts.stack import Settings  # noqa: WPS433 - only when started outside scripts/stack.py

    settings = Settings.from_env(env)
    return merge_origins(settings.web_origins()), settings.allowed_origins()
