"""``python -m knowledge`` sub-commands.

- ``check``: validate the catalogue (schema, sources, references); exit 1 with
  ``file:line: problem`` lines when something is wrong.
- ``load``: validate, then load catalogue and territories into ``DATABASE_URL``
  (idempotent; a bad catalogue is refused before anything is written), and compute
  the common-word lexicon of the territory index with spaCy when it is missing or stale.
- ``search``: a profile in, recommendations out, for reception staff and developers.
- ``purge-requests``: delete hand-over requests older than the retention period.
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

from knowledge.catalogue import CATALOGUE_DIR, CatalogueError, load_catalogue


def cmd_check(args: argparse.Namespace) -> int:
    catalogue, problems = load_catalogue(args.directory, strict=False)
    for problem in problems:
        print(problem, file=sys.stderr)
    if problems:
        print(f"check: {len(problems)} problem(s) in {args.directory}", file=sys.stderr)
        return 1
    print(f"check: {len(catalogue)} catalogue entries, all valid and sourced")
    return 0


def cmd_load(args: argparse.Namespace) -> int:
    from knowledge.store import load_all

    start = time.monotonic()
    try:
        report = load_all(args.database_url, catalogue_dir=args.directory, force=args.force)
    except CatalogueError as exc:
        for problem in exc.problems:
            print(problem, file=sys.stderr)
        print("load: refused, the catalogue has problems; the database was not changed", file=sys.stderr)
        return 1
    counts = ", ".join(f"{v} {k}" for k, v in report.counts.items())
    verb = "loaded" if report.changed else "already up to date"
    print(f"knowledge: {verb} ({counts}) in {time.monotonic() - start:.1f}s")
    if report.lexicon:
        print(f"knowledge: common-word lexicon {report.lexicon}")
    return 0


def _profile_from_args(args: argparse.Namespace, territories) -> tuple[dict, list[str]]:
    profile: dict = {}
    notes: list[str] = []
    if args.json:
        try:
            loaded = json.loads(args.json)
        except ValueError as exc:
            raise SystemExit(f"search: --json is not valid JSON: {exc}")
        if not isinstance(loaded, dict):
            raise SystemExit("search: --json must be a JSON object")
        profile.update(loaded)
    for key in ("statut", "stade", "commune", "departement"):
        value = getattr(args, key)
        if value:
            profile[key] = value
    if args.besoins:
        profile["besoins"] = [b.strip() for b in args.besoins.split(",") if b.strip()]
    if args.employeur is not None:
        profile["employeur"] = args.employeur == "oui"
    if args.innovation_sociale:
        profile["innovation_sociale"] = True
    if args.public:
        profile["publics"] = args.public
    if args.lieu:
        result = territories.lookup(args.lieu)
        if result.status == "found" and result.commune is not None:
            profile["commune"] = result.commune.code
        elif result.departement is not None:
            profile["departement"] = result.departement.code
        if result.status != "found":
            names = [f"{c.nom} ({c.departement})" for c in (result.candidates or result.suggestions or [])]
            notes.append(f"lieu « {args.lieu} » : {result.status}" + (f" ; candidats : {', '.join(names)}" if names else ""))
    return profile, notes


def cmd_search(args: argparse.Namespace) -> int:
    from knowledge.engine import orient
    from knowledge.store import load_catalogue_from_db, load_territories_from_db

    catalogue = load_catalogue_from_db(args.database_url)
    try:
        territories = load_territories_from_db(args.database_url) if len(catalogue) else None
    except LookupError:
        territories = None
    if not len(catalogue) or territories is None:
        print("search: the database is empty; run `python -m knowledge load` first", file=sys.stderr)
        return 1
    profile, notes = _profile_from_args(args, territories)
    result = orient(profile, catalogue, territories, limit=args.limit)
    if args.format == "json":
        print(json.dumps(result.as_payload(), ensure_ascii=False, indent=2))
        return 0
    for note in notes:
        print(f"! {note}")
    print("Profil :", json.dumps(result.profil.as_contract(), ensure_ascii=False))
    print("Lieu   :", " / ".join(x for x in (result.place.commune_nom, result.place.epci_nom,
                                             result.place.departement_nom, result.place.region_nom) if x) or "inconnu")
    for note in result.notes:
        print(f"Note   : {note}")
    for i, rec in enumerate(result.shown, start=1):
        flag = " [guichet]" if rec.guichet else (" [élargi]" if rec.elargi else "")
        print(f"\n{i}. {rec.nom} ({rec.id}) score {rec.score:g}, {rec.niveau}{flag}")
        print(f"   Pourquoi : {rec.pourquoi}")
        for warning in rec.avertissements:
            print(f"   Attention : {warning}")
        for contact in rec.contacts:
            how = contact.get("site") or contact.get("email") or contact.get("telephone") or ""
            old = " (ancien)" if contact["ancien"] else ""
            print(f"   Contact : {contact['nom']} {how}{old}")
        if rec.ou_demander:
            print(f"   Où demander : {rec.ou_demander['nom']} ({rec.ou_demander['id']})")
        print(f"   Sources : {', '.join(rec.sources)}")
    rest = result.rest()
    if rest:
        print("\nAutres pistes : " + ", ".join(r.id for r in rest))
    if args.explain:
        from knowledge.wording import reason

        print("\nExclus :")
        for scheme_id, why_not in sorted(result.exclusions.items()):
            scheme = catalogue.get(scheme_id)
            print(f"  - {scheme_id} : {reason(why_not.code.value, scheme, why_not.detail, catalogue)}")
    return 0


def cmd_purge(args: argparse.Namespace) -> int:
    from knowledge.store import purge_requests

    count = purge_requests(args.database_url, args.older_than_days)
    print(f"purge: {count} request(s) older than {args.older_than_days} days deleted")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m knowledge", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", default=None, help="SQLAlchemy URL (default: DATABASE_URL or var/ess.db)")
    sub = parser.add_subparsers(dest="command", required=True)

    check = sub.add_parser("check", help="validate the catalogue (schema, sources, references)")
    check.add_argument("--directory", type=Path, default=CATALOGUE_DIR)
    check.set_defaults(func=cmd_check)

    load = sub.add_parser("load", help="validate and load catalogue and territories into the database")
    load.add_argument("--directory", type=Path, default=CATALOGUE_DIR)
    load.add_argument("--force", action="store_true", help="reload even if nothing changed")
    load.set_defaults(func=cmd_load)

    search = sub.add_parser("search", help="recommendations for a profile",
                            description="Example: python -m knowledge search --statut association "
                                        "--employeur oui --stade consolidation --lieu Muret --besoins accompagnement")
    search.add_argument("--statut")
    search.add_argument("--stade")
    search.add_argument("--commune", help="INSEE code")
    search.add_argument("--departement", help="department code")
    search.add_argument("--lieu", help="a commune name, postal code or department, resolved by the knowledge base")
    search.add_argument("--besoins", help="comma separated, e.g. financement,hebergement")
    search.add_argument("--employeur", choices=["oui", "non"])
    search.add_argument("--innovation-sociale", action="store_true")
    search.add_argument("--public", action="append", help="specific public, e.g. siae (repeatable)")
    search.add_argument("--json", help="a profile as a JSON object (as in the contract)")
    search.add_argument("--limit", type=int, default=5)
    search.add_argument("--format", choices=["text", "json"], default="text")
    search.add_argument("--explain", action="store_true", help="also list excluded schemes and why")
    search.set_defaults(func=cmd_search)

    purge = sub.add_parser("purge-requests", help="delete hand-over requests past their retention period")
    purge.add_argument("--older-than-days", type=int, default=365)
    purge.set_defaults(func=cmd_purge)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return args.func(args)
