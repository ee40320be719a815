"""The orientation engine against a table of profiles, each row justified by the seed texts.

Every row gives a profile (contract slots plus the optional ``innovation_sociale`` and
``publics``) and what must come out:

- ``shown``: ids that must be in what the assistant shows (``actions.replies.selected``: the
  best 4 specific schemes, then the orientation desks);
- ``listed``: ids that must be among the recommendations the user can reach, i.e. the
  first 12 specific schemes (``orient(..., limit=12)``, what « autre chose » lists) plus desks;
- ``first``: the id that must be the first specific scheme, when the sources make the
  order plain (the nearest scheme, the specialist network);
- ``desk``: the first orientation desk (the department's ingénierie offer in Haute-Garonne,
  the CRESS elsewhere in Occitanie, Avise elsewhere, the local authorities' desks for them);
- ``must_not``: ids that must not appear at all, whatever the limit;
- ``why``: the rules of the digest (R1–R23, /work/shared/domain/seed-knowledge.md §4.1) and
  the seed lines in ``knowledge/sources/`` that justify the row, as ``<file>:<lines>``
  (000 = Haute-Garonne 2020, 001 = Région Occitanie 2018, 002 = Toulouse Métropole 2012,
  003 = RTES 2021, 004 = Avise c. 2016).

Then properties that hold for every row and for random garbage: payload shape (sources and
contacts), desks at the end, widening flagged, announced items warned, historical items
left out, the five named exclusions with their reasons, no exception ever.
"""
from __future__ import annotations

import math
import random
import re
from dataclasses import dataclass

import pytest

from actions.replies import SHOWN_SPECIFIC, selected
from knowledge.engine import MAX_SPECIFIC, Profile, orient
from knowledge.sources import parse_ref, seed_lines

# Communes (INSEE codes) and what the Etalab data says of them.
TOULOUSE = "31555"  # Toulouse Métropole
BLAGNAC = "31069"  # Toulouse Métropole
COLOMIERS = "31149"  # Toulouse Métropole
CUGNAUX = "31157"  # Toulouse Métropole
MURET = "31395"  # CA Le Muretain Agglo (not Toulouse Métropole)
REVEL = "31451"  # CC Aux sources du Canal du Midi
NAILLOUX = "31396"  # CC des Terres du Lauragais (rural)
LABRUYERE_DORSA = "31256"  # CC du Bassin Auterivain (rural)
SAINT_GAUDENS = "31483"  # CC Cœur et Coteaux du Comminges
LUCHON = "31042"  # CC Pyrénées Haut-Garonnaises (Comminges)
RAMONVILLE = "31446"  # CA du Sicoval
CASTANET = "31113"  # CA du Sicoval
MONTPELLIER = "34172"
ALBI = "81004"
CAHORS = "46042"
PERPIGNAN = "66136"
RODEZ = "12202"
MENDE = "48095"
TARBES = "65440"
AUCH = "32013"
LYON = "69123"
PARIS = "75056"
BORDEAUX = "33063"
AJACCIO = "2A004"
SAINT_DENIS_REUNION = "97411"
MAMOUDZOU = "97611"
FORT_DE_FRANCE = "97209"

MORE = 12  # what « autre chose » (action_more_schemes) asks the engine for


@dataclass(frozen=True)
class Row:
    name: str
    profile: dict | None
    why: str
    shown: tuple[str, ...] = ()
    listed: tuple[str, ...] = ()
    must_not: tuple[str, ...] = ()
    first: str | None = None
    desk: str | None = None
    widened: bool | None = None


ROWS: list[Row] = [
    # ---------------------------------------------------------------- no structure yet
    Row("idee-innovation-sociale-toulouse",
        dict(statut="sans_structure", stade="idee", commune=TOULOUSE, besoins=["accompagnement"],
             innovation_sociale=True),
        shown=("incubateur-catalis", "incubateur-premiere-brique", "parcours-adress"),
        desk="offre-ingenierie-porteurs-cd31",
        must_not=("dla", "fonds-rebond-innovation-sociale-cd31", "fonds-aides-communes-epci-cd31",
                  "plateforme-appui-territoires-cd31", "la-serre-coworking", "pepinieres-toulouse-metropole"),
        why="R1 incubators for ante-création social innovation: 000:924-929, 001:2089-2090; ADRESS on "
            "the métropole: 000:931-934; R15 CD31 desk: 000:2072-2089; R3 DLA needs an employer "
            "structure: 003:1835-1837, 004:922-926; R11 rebond needs a structure: 000:2132-2138; "
            "R12 communes only: 000:2201-2202; 2012 items are historical: 002:295-303"),
    Row("idee-toulouse",
        dict(statut="sans_structure", stade="idee", commune=TOULOUSE, besoins=["accompagnement"]),
        first="parcours-adress", shown=("parcours-adress", "cae", "couveuses"),
        desk="offre-ingenierie-porteurs-cd31", must_not=("dla", "fonds-rebond-innovation-sociale-cd31"),
        widened=False,
        why="§4.2 row 2 (no structure, Toulouse area): 1) ADRESS 000:931-934 (nearest: Toulouse "
            "Métropole) 2) CAE / couveuse 000:941-944, 001:1466-1467; DLA R3 004:922-926"),
    Row("creation-cugnaux",
        dict(statut="sans_structure", stade="creation", commune=CUGNAUX, besoins=["accompagnement"]),
        shown=("parcours-adress", "cae", "couveuses"), must_not=("dla",),
        why="Cugnaux is in Toulouse Métropole: ADRESS « sur la métropole toulousaine » 000:931-934; "
            "R2 test an activity: 000:941-944"),
    Row("creation-muret",
        dict(statut="sans_structure", stade="creation", commune=MURET, besoins=["accompagnement"]),
        shown=("cae", "couveuses"), desk="offre-ingenierie-porteurs-cd31",
        must_not=("parcours-adress", "dla", "start-up-de-territoire-comminges"),
        why="Muret (CA Le Muretain) is outside Toulouse Métropole, ADRESS is metropolitan only: "
            "000:931-934; R2 CAE/couveuses 000:941-944, 001:1466-1467; R3 004:922-926"),
    Row("creation-innovation-sociale-muret",
        dict(statut="sans_structure", stade="creation", commune=MURET, besoins=["accompagnement"],
             innovation_sociale=True),
        shown=("incubateur-catalis", "incubateur-premiere-brique"),
        must_not=("parcours-adress", "fonds-rebond-innovation-sociale-cd31"),
        why="R1 incubators « définir, expérimenter et démarrer leur activité » 000:924-929; "
            "ADRESS metropolitan only 000:931-934; R11 000:2132-2138"),
    Row("idee-rural-labruyere",
        dict(statut="sans_structure", stade="idee", commune=LABRUYERE_DORSA, besoins=["accompagnement"]),
        shown=("cae", "couveuses"), desk="offre-ingenierie-porteurs-cd31",
        must_not=("parcours-adress", "start-up-de-territoire-comminges", "periscope"),
        why="§4.3: outside the metropolis the CD31 ingénierie offer is the way in (égal accès "
            "000:1718-1730, offer 000:2072-2089); ADRESS 000:931-934; Start Up de territoire is "
            "Comminges only 000:1908-1910; Périscope is for porteurs hosting needs 000:2306-2307"),
    Row("idee-revel",
        dict(statut="sans_structure", stade="idee", commune=REVEL, besoins=["accompagnement"]),
        shown=("cae",), desk="offre-ingenierie-porteurs-cd31",
        must_not=("parcours-adress", "start-up-de-territoire-comminges"),
        why="Revel is neither in Toulouse Métropole (000:931-934) nor in Comminges (000:1908-1910); "
            "CAE 000:941-944; desk R15 000:2072-2089"),
    Row("idee-comminges-saint-gaudens",
        dict(statut="sans_structure", stade="idee", commune=SAINT_GAUDENS, besoins=["accompagnement"]),
        shown=("start-up-de-territoire-comminges", "cae"), desk="offre-ingenierie-porteurs-cd31",
        must_not=("parcours-adress",),
        why="§4.3 Comminges: Start Up de territoire Comminges 000:1908-1910, 000:1940-1941; "
            "CAE 000:941-944; ADRESS metropolitan only 000:931-934"),
    Row("asso-developpement-comminges-luchon",
        dict(statut="association", employeur=True, stade="developpement", commune=LUCHON,
             besoins=["accompagnement"]),
        shown=("dla", "start-up-de-territoire-comminges"), listed=("activ-asso",),
        must_not=("parcours-adress",),
        why="DLA for employer structures developing: 000:936-939, 003:1835-1837; Start Up de "
            "territoire Comminges accompanies « émergence, structuration, changement d'échelle » "
            "000:1902-1910; Activ'Asso 001:2110-2116"),
    Row("financement-sans-structure-muret",
        dict(statut="sans_structure", stade="creation", commune=MURET, besoins=["financement"]),
        shown=("france-active-occitanie",),
        listed=("pret-honneur-initiative-occitanie", "pret-honneur-reseau-entreprendre",
                "pret-honneur-crealia"),
        must_not=("fonds-rebond-innovation-sociale-cd31", "fiso", "pret-ess-bpifrance", "dla",
                  "fonds-aides-communes-epci-cd31", "fonds-amorcage-associatif"),
        why="R9 France Active for creators without bank access 001:1954-1960; prêts d'honneur "
            "001:2167-2171; R11 rebond needs a structure 000:2132-2138; FISO for PME and ESS "
            "structures 004:1316-1323; Fonds d'amorçage for associations 001:2141"),
    Row("financement-innovation-sociale-sans-structure",
        dict(statut="sans_structure", stade="idee", commune=TOULOUSE, besoins=["financement"],
             innovation_sociale=True),
        shown=("france-active-occitanie",),
        must_not=("fonds-rebond-innovation-sociale-cd31", "fiso", "fonds-solidarite-accompagnement-cd31"),
        why="§4.2 « No structure | financement »: France Active 001:1954-1960, ⚠ not the Fonds de "
            "rebond (structure required) 000:2132-2138; FISO for structures 004:1316-1323; R13 "
            "fonds de solidarité for accompaniment structures 000:2162-2164"),
    Row("hebergement-creation-ramonville",
        dict(statut="sans_structure", stade="creation", commune=RAMONVILLE, besoins=["hebergement"]),
        shown=("theogone", "periscope"), desk="offre-ingenierie-porteurs-cd31",
        must_not=("pepinieres-toulouse-metropole", "la-serre-coworking", "parcours-adress"),
        why="§4.3 Sicoval/Ramonville: R14 Théogone 000:2339-2353, Périscope coworkers 000:2240-2242, "
            "000:2306-2307; 2012 Toulouse pépinières and La Serre are historical 002:295-303"),
    Row("hebergement-entreprise-castanet",
        dict(statut="entreprise", stade="creation", commune=CASTANET, besoins=["hebergement"]),
        shown=("theogone", "periscope"), must_not=("pepinieres-toulouse-metropole", "la-serre-coworking"),
        why="Théogone for « jeunes entreprises innovantes et porteurs de projet » 000:2339-2343; "
            "Périscope 000:2240-2242; historical 2012 hosting 002:295-303"),
    Row("reseau-idee-ramonville",
        dict(statut="sans_structure", stade="idee", commune=RAMONVILLE, besoins=["reseau"]),
        shown=("periscope",), listed=("mouves",),
        why="Périscope ecosystem in Ramonville 000:2240-2254; MOUVES network of social entrepreneurs "
            "000:902-907, 001:2041-2046"),
    Row("formation-jeunes-cahors",
        dict(statut="sans_structure", stade="idee", commune=CAHORS, besoins=["formation"],
             publics=["jeunes"]),
        shown=("cjs",), desk="cress-occitanie",
        must_not=("offre-ingenierie-porteurs-cd31", "diplome-entrepreneuriat-ess"),
        why="R22 CJS for 16-18-year-olds, carried by CAE: 003:1359-1363; Cahors is in Occitanie, not "
            "Haute-Garonne: CRESS desk 001:1880-1883; the ESS diploma is for cadres and dirigeants "
            "of existing structures 001:1217-1219"),
    Row("formation-jeunes-mamoudzou",
        dict(statut="sans_structure", stade="idee", commune=MAMOUDZOU, besoins=["formation"],
             publics=["jeunes"]),
        shown=("cjs",), desk="avise",
        must_not=("cress-occitanie", "offre-ingenierie-porteurs-cd31", "pava-viasso"),
        why="CJS are national, run locally by CAE 003:1363; Mayotte is outside Occitanie: Avise "
            "national resource 004:1453-1459, 003:1830"),
    # ---------------------------------------------------------------- associations
    Row("asso-employeuse-consolidation-muret",
        dict(statut="association", employeur=True, stade="consolidation", commune=MURET,
             besoins=["accompagnement"]),
        first="dla", shown=("dla", "activ-asso", "mouvement-associatif-occitanie"),
        desk="offre-ingenierie-porteurs-cd31", must_not=("parcours-adress",),
        widened=False,
        why="§4.2 association employeuse consolidation: R3 DLA 003:1835-1837, 004:922-926; R16 "
            "Activ'Asso 001:2110-2116, Mouvement associatif (DLA) 001:2016-2035"),
    Row("asso-non-employeuse-consolidation-muret",
        dict(statut="association", employeur=False, stade="consolidation", commune=MURET,
             besoins=["accompagnement"]),
        shown=("activ-asso", "mouvement-associatif-occitanie"), must_not=("dla",),
        why="R3 the DLA serves « structures d'utilité sociale employeuses » 004:922-926, "
            "« créatrices d'emploi » 003:1837; Activ'Asso 001:2110-2116"),
    Row("asso-employeuse-consolidation-blagnac-innovation",
        dict(statut="association", employeur=True, stade="consolidation", commune=BLAGNAC,
             besoins=["accompagnement"], innovation_sociale=True),
        first="dla", shown=("dla", "activ-asso"),
        must_not=("parcours-adress", "incubateur-catalis", "incubateur-premiere-brique"),
        why="R3 DLA 003:1835-1837; Activ'Asso consolidates the modèle économique 001:2110-2116; "
            "incubators are ante-création 000:924-929, ADRESS is for creating 000:931-934"),
    Row("asso-creation-financement-toulouse",
        dict(statut="association", stade="creation", commune=TOULOUSE, besoins=["financement"]),
        shown=("fonds-amorcage-associatif", "contrat-apport-associatif"),
        listed=("fonds-de-confiance", "pass-occitanie"),
        must_not=("fonds-aides-communes-epci-cd31", "fonds-solidarite-accompagnement-cd31", "novess",
                  "socoden", "scop-invest", "sofiscop"),
        why="§4.2 association creation financement: chart 001:2123 (PASS), 2129 (Fonds de "
            "confiance), 2141 (Fonds d'amorçage associatif), 2144 (Contrat d'apport associatif); "
            "R12 communes only 000:2201-2202; R13 accompaniment structures only 000:2162-2164; "
            "NovESS is for changement d'échelle 001:2336; SOCODEN/SCOP INVEST/SOFISCOP are SCOP "
            "tools 001:2150-2154, 2181"),
    Row("asso-employeuse-consolidation-financement-toulouse",
        dict(statut="association", employeur=True, stade="consolidation", commune=TOULOUSE,
             besoins=["financement"]),
        shown=("contrat-apport-associatif", "garantie-sogama"),
        listed=("fris-mpds", "garantie-france-active"),
        must_not=("fonds-amorcage-associatif", "fonds-solidarite-accompagnement-cd31",
                  "fonds-aides-communes-epci-cd31"),
        why="§4.2 association employeuse consolidation financement: Contrat d'apport associatif "
            "001:2144, FRIS-MPDS 001:2147, garantie France Active 001:2179, SOGAMA (Associations) "
            "001:2183; amorçage is for emergence 001:2141; R13 000:2162-2164; R12 000:2201-2202"),
    Row("asso-innovation-sociale-financement-ramonville",
        dict(statut="association", employeur=True, stade="developpement", commune=RAMONVILLE,
             besoins=["financement"], innovation_sociale=True),
        first="fonds-rebond-innovation-sociale-cd31",
        shown=("fonds-rebond-innovation-sociale-cd31", "fiso"),
        why="§4.2 existing structure with a new social-innovation project in HG: R11 Fonds de "
            "rebond 000:2118-2152, 003:938-940; R19 FISO 004:1316-1323, 001:2165"),
    Row("asso-sans-innovation-sociale-financement-toulouse",
        dict(statut="association", stade="developpement", commune=TOULOUSE, besoins=["financement"],
             innovation_sociale=False),
        shown=("contrat-apport-associatif",),
        must_not=("fonds-rebond-innovation-sociale-cd31", "fiso", "la-france-s-engage"),
        why="R11 the rebond fund is for « nouveaux projets relevant de l'innovation sociale » "
            "000:2123-2125; R19 FISO « projet d'innovation économique viable et à impact social » "
            "004:1320-1323; La France s'engage rewards innovative projects 000:1023-1028"),
    Row("asso-innovation-sociale-financement-montpellier",
        dict(statut="association", employeur=True, stade="developpement", commune=MONTPELLIER,
             besoins=["financement"], innovation_sociale=True),
        first="fiso", shown=("fiso",), desk="cress-occitanie",
        must_not=("fonds-rebond-innovation-sociale-cd31", "fonds-solidarite-accompagnement-cd31",
                  "offre-ingenierie-porteurs-cd31"),
        why="R19 FISO across Occitanie 001:1591-1592, 004:1316-1323; the rebond fund is the Haute-"
            "Garonne department's 000:2118-2130 (R21: departments act in their own territory); "
            "CRESS desk 001:1880-1883"),
    Row("asso-creation-accompagnement-departement-31",
        dict(statut="association", stade="creation", departement="31", besoins=["accompagnement"]),
        shown=("pava-viasso",), desk="offre-ingenierie-porteurs-cd31",
        must_not=("dla", "activ-asso"),
        why="R16 PAVA « pour créer, animer et développer une association » 001:2102-2104; the DLA "
            "supports existing employer structures to develop, consolidate, scale "
            "000:936-939, 003:1837, 004:922-926; Activ'Asso consolidates 001:2110-2116; R15 desk"),
    Row("asso-formation-developpement-toulouse",
        dict(statut="association", stade="developpement", commune=TOULOUSE, besoins=["formation"]),
        shown=("pava-viasso", "diplome-entrepreneuriat-ess"), must_not=("cjs",),
        why="PAVA « lieux d'accueil, d'accompagnement et de formation » 001:2102-2104; Diplôme "
            "d'entrepreneuriat en ESS for cadres and dirigeants 001:1217-1219; CJS only for young "
            "people 003:1359-1361"),
    Row("asso-marches-toulouse",
        dict(statut="association", employeur=True, stade="developpement", commune=TOULOUSE,
             besoins=["marches"]),
        first="coventis", shown=("coventis",), must_not=("cap-occitanie",),
        widened=True,
        why="The only scheme for the need (widened list after it): Salon Coventis, « rencontre d'affaires dédiée aux achats socialement responsables » "
            "000:2563-2569; CAP Occitanie groups Entreprises Adaptées only 001:1820-1833"),
    Row("asso-creation-accompagnement-herault",
        dict(statut="association", stade="creation", departement="34", besoins=["accompagnement"]),
        shown=("pava-viasso", "realis"), desk="cress-occitanie",
        must_not=("offre-ingenierie-porteurs-cd31", "parcours-adress", "start-up-de-territoire-comminges",
                  "theogone", "periscope", "couveuses"),
        why="PAVA in Occitanie 001:2098-2104; REALIS (Montpellier) for all statuses in création "
            "001:958-961, 001:1088; Haute-Garonne offers stop at the department border "
            "000:2072-2089, 000:931-934, 000:1908-1910, 000:2339-2353; CRESS desk 001:1880-1883"),
    Row("asso-idee-rurale-mende",
        dict(statut="association", stade="idee", commune=MENDE, besoins=["accompagnement"]),
        shown=("fabrique-a-initiatives", "yess-academie", "pava-viasso"), desk="cress-occitanie",
        must_not=("offre-ingenierie-porteurs-cd31",),
        why="R4 Fabrique à initiatives in rural Occitanie 001:941-946, 001:982-983; R7 YESS "
            "Académie detects ante-création projects 001:891-892, funded by Lozère 003:962; PAVA "
            "001:2102-2104"),
    # ---------------------------------------------------------------- cooperatives
    Row("cooperative-creation-juridique-toulouse",
        dict(statut="cooperative", stade="creation", commune=TOULOUSE, besoins=["juridique"]),
        first="urscop-occitanie", shown=("urscop-occitanie",),
        must_not=("dla", "agrement-esus"),
        widened=True,
        why="R8 URSCOP entry point for SCOP/SCIC/CAE creation 000:891-900, 004:809-813; the ESUS "
            "approval is for commercial companies 000:254-263"),
    Row("cooperative-idee-toulouse",
        dict(statut="cooperative", stade="idee", commune=TOULOUSE, besoins=["accompagnement"]),
        shown=("urscop-occitanie", "parcours-adress"), must_not=("dla",),
        why="R8 URSCOP « jeunes projets en création » 001:2084-2085; ADRESS on the métropole "
            "000:931-934; DLA for existing employer structures 004:922-926"),
    Row("cooperative-reprise-ramonville",
        dict(statut="cooperative", stade="reprise", commune=RAMONVILLE, besoins=["accompagnement"]),
        first="urscop-occitanie", shown=("urscop-occitanie",),
        must_not=("incubateur-catalis", "cae", "couveuses"),
        why="R8 « salariés souhaitant reprendre leur entreprise sous forme de SCOP » 001:2084-2087, "
            "004:809-813; incubators and CAE are for starting 000:924-929, 000:941-944"),
    Row("cooperative-employeuse-financement-toulouse",
        dict(statut="cooperative", employeur=True, stade="developpement", commune=TOULOUSE,
             besoins=["financement"]),
        shown=("ies",), listed=("socoden", "scop-invest", "sofiscop", "sifa"),
        must_not=("fonds-amorcage-associatif", "contrat-apport-associatif", "garantie-sogama"),
        widened=False,
        why="§4.2 SCOP/SCIC financement: IéS 001:1993-1998, 001:2139; SOCODEN 001:2150, SCOP INVEST "
            "001:2154, SOFISCOP (SCOP-SCIC) 001:2181, SIFA 001:2156; associative tools are for "
            "associations 001:2141-2144, 2183"),
    Row("cooperative-reprise-financement-perpignan",
        dict(statut="cooperative", employeur=True, stade="reprise", commune=PERPIGNAN,
             besoins=["financement"]),
        shown=("socoden", "scop-invest", "sofiscop"), desk="cress-occitanie",
        must_not=("offre-ingenierie-porteurs-cd31", "fonds-rebond-innovation-sociale-cd31"),
        why="SCOP tools across Occitanie 001:2150-2154, 001:2181, 001:2188-2189; Perpignan is not in "
            "Haute-Garonne (CD31 offers 000:2072-2089, 000:2118-2130)"),
    # ---------------------------------------------------------------- companies
    Row("entreprise-creation-juridique-toulouse",
        dict(statut="entreprise", stade="creation", commune=TOULOUSE, besoins=["juridique"]),
        shown=("agrement-esus", "urscop-occitanie"),
        why="ESUS approval for commercial companies of the ESS 000:254-263; URSCOP for "
            "transforming or taking over as SCOP 001:2084-2087"),
    Row("entreprise-developpement-accompagnement-toulouse",
        dict(statut="entreprise", stade="developpement", commune=TOULOUSE, besoins=["accompagnement"]),
        shown=("realis",), listed=("dla",),
        must_not=("incubateur-catalis", "incubateur-premiere-brique", "parcours-adress", "cae"),
        why="§4.2 commercial company: REALIS « ouverte à toutes les entreprises de l'ESS quels que "
            "soient leurs statuts … en création comme en primo développement » 001:958-961; DLA "
            "if employer 003:1835-1837; incubators/ADRESS/CAE are for starting 000:924-944"),
    Row("entreprise-reprise-muret",
        dict(statut="entreprise", stade="reprise", commune=MURET, besoins=["accompagnement", "formation"]),
        first="urscop-occitanie", shown=("urscop-occitanie",),
        must_not=("incubateur-catalis", "cae", "couveuses", "parcours-adress"),
        why="§4.2 employees taking over their company: URSCOP support and training of repreneurs "
            "001:2084-2087, 001:1220-1222"),
    Row("entreprise-changement-echelle-financement-montpellier",
        dict(statut="entreprise", employeur=True, stade="changement_echelle", commune=MONTPELLIER,
             besoins=["financement"]),
        shown=("novess", "sifa"), listed=("contrat-occitanie",), desk="cress-occitanie",
        must_not=("fonds-amorcage-associatif", "garantie-sogama"),
        why="§4.2 changement d'échelle: NovESS 001:2158, 001:2336; SIFA 001:2156; Contrat Occitanie "
            "001:2125, 2163; SOGAMA is for associations 001:2183; amorçage 001:2141"),
    Row("association-changement-echelle-colomiers-innovation",
        dict(statut="association", employeur=True, stade="changement_echelle", commune=COLOMIERS,
             besoins=["accompagnement"], innovation_sociale=True),
        shown=("dla", "la-france-s-engage", "alter-venture"),
        must_not=("incubateur-catalis", "parcours-adress", "cae"),
        why="R6 Alter'Venture for changement d'échelle 001:963-965, 001:1484; La France s'engage "
            "000:1023-1031; R3 DLA 000:936-939"),
    # ---------------------------------------------------------------- specific publics
    Row("siae-creation-toulouse",
        dict(statut="entreprise", employeur=True, stade="creation", commune=TOULOUSE,
             besoins=["accompagnement"], publics=["siae"]),
        shown=("fei-occitanie",), must_not=("cap-occitanie", "crge-occitanie"),
        why="R18 FEI advises « les entreprises en création ou en développement » 001:1937-1938, "
            "002:639-640; CAP Occitanie is for EA 001:1820-1833; CRGE for employer groups "
            "001:1843-1850"),
    Row("siae-association-albi",
        dict(statut="association", employeur=True, stade="developpement", commune=ALBI,
             besoins=["accompagnement"], publics=["siae"]),
        shown=("fei-occitanie", "dla"), listed=("coorace-occitanie",),
        desk="cress-occitanie", must_not=("offre-ingenierie-porteurs-cd31", "cap-occitanie"),
        why="§4.2 insertion enterprise / SIAE: FEI advises creation and development 001:1928-1950, "
            "DLA (SIAE are named) 002:251, 004:922-926; COORACE groups SIAE 001:1894-1904 (a network, "
            "its own accompaniment is not described); Albi is in Tarn, not Haute-Garonne"),
    Row("entreprise-adaptee-marches-rodez",
        dict(statut="entreprise", employeur=True, stade="developpement", commune=RODEZ,
             besoins=["marches"], publics=["entreprises_adaptees"]),
        first="cap-occitanie", shown=("cap-occitanie", "coventis"),
        must_not=("coorace-occitanie", "fei-occitanie", "crge-occitanie"),
        why="§4.2 Entreprise adaptée: CAP Occitanie 001:1820-1840; market access Coventis "
            "000:2563-2569; COORACE and FEI are SIAE networks 001:1894-1904, 001:1928-1934"),
    Row("groupement-employeurs-toulouse",
        dict(statut="association", employeur=True, stade="creation", commune=TOULOUSE,
             besoins=["emploi"], publics=["groupements_employeurs"]),
        first="crge-occitanie", shown=("crge-occitanie",),
        must_not=("cap-occitanie", "coorace-occitanie"),
        why="R17 CRGE « création d'emplois partagés … 5 GE en création et 10 GE en développement » "
            "001:1843-1856"),
    Row("structure-accompagnement-financement-toulouse",
        dict(statut="association", employeur=True, stade="developpement", commune=TOULOUSE,
             besoins=["financement"], publics=["structures_accompagnement"]),
        shown=("fonds-solidarite-accompagnement-cd31",),
        why="R13 Fonds de solidarité « Cibles : Structures d'accompagnement ESS (association et "
            "coopérative d'activité et d'emploi) » 000:2154-2172"),
    Row("mutuelle-employeuse-consolidation-toulouse",
        dict(statut="autre", employeur=True, stade="consolidation", commune=TOULOUSE,
             besoins=["accompagnement"]),
        first="dla", shown=("dla",),
        must_not=("activ-asso", "pava-viasso", "cae"),
        why="R3 DLA for employer structures of utilité sociale 003:1835-1837, 004:922-926; PAVA and "
            "Activ'Asso are for associations 001:2102-2116; CAE for individuals 003:1018"),
    # ---------------------------------------------------------------- local authorities
    Row("collectivite-financement-nailloux",
        dict(statut="collectivite", commune=NAILLOUX, besoins=["financement"]),
        first="fonds-aides-communes-epci-cd31", shown=("fonds-aides-communes-epci-cd31", "aides-territoires"),
        desk="plateforme-appui-territoires-cd31",
        must_not=("offre-ingenierie-porteurs-cd31", "dla", "fonds-rebond-innovation-sociale-cd31",
                  "france-active-occitanie", "fonds-amorcage-associatif", "cae"),
        why="R12 Fonds d'aides aux communes/EPCI (investment, rural) 000:2192-2213; Aides-"
            "territoires 003:1847-1849; R15 communes use the Plateforme d'appui 000:2057-2070, "
            "003:1179-1181; porteur schemes do not serve local authorities"),
    Row("collectivite-accompagnement-toulouse",
        dict(statut="collectivite", commune=TOULOUSE, besoins=["accompagnement"]),
        shown=("fabrique-a-initiatives", "aides-territoires"), desk="plateforme-appui-territoires-cd31",
        must_not=("parcours-adress", "offre-ingenierie-porteurs-cd31", "incubateur-catalis", "dla"),
        why="R4 the Fabrique à initiatives starts from a territory's need 001:941-946, 002:186-188; "
            "Aides-territoires « aides financières et en ingénierie des collectivités » "
            "003:1847-1849; R15 000:2057-2070; ADRESS creates companies 000:931-934"),
    Row("collectivite-reseau-departement-31",
        dict(statut="collectivite", departement="31", besoins=["reseau"]),
        desk="plateforme-appui-territoires-cd31", first="rtes", shown=("rtes",),
        must_not=("offre-ingenierie-porteurs-cd31", "mouves", "fonds-rebond-innovation-sociale-cd31"),
        why="RTES, network of local authorities « espace d'échanges et de coordination nationale » "
            "003:1899-1903; R15 Plateforme d'appui 000:2057-2070; the porteurs' desk is a separate "
            "offer 000:2072-2077"),
    Row("collectivite-financement-montpellier",
        dict(statut="collectivite", commune=MONTPELLIER, besoins=["financement"]),
        shown=("aides-territoires", "rtes"), desk="cress-occitanie",
        must_not=("fonds-aides-communes-epci-cd31", "plateforme-appui-territoires-cd31",
                  "offre-ingenierie-porteurs-cd31", "france-active-occitanie"),
        widened=True,
        why="Department funds stop at Haute-Garonne 000:2192-2202; Aides-territoires is national "
            "003:1847-1849; RTES 003:1899-1903; the CRESS informs « tous ceux qui veulent en savoir "
            "plus sur l'ESS » 001:1880-1883"),
    Row("collectivite-accompagnement-lyon",
        dict(statut="collectivite", commune=LYON, besoins=["accompagnement"]),
        shown=("aides-territoires",), desk="avise",
        must_not=("cress-occitanie", "plateforme-appui-territoires-cd31", "fabrique-a-initiatives",
                  "offre-ingenierie-porteurs-cd31"),
        why="Aides-territoires « aides financières et en ingénierie des collectivités » 003:1847-1849; "
            "the RTES kit for departments points to Avise's overview of the ecosystem 003:1830; "
            "Occitanie and Haute-Garonne offers 001:982-983, 000:2057-2070 stop at their borders"),
    Row("collectivite-contradictoire-reprise-muret",
        dict(statut="collectivite", employeur=True, stade="reprise", commune=MURET,
             besoins=["financement"]),
        shown=("fonds-aides-communes-epci-cd31",), desk="plateforme-appui-territoires-cd31",
        must_not=("dla", "urscop-occitanie", "socoden"),
        why="A local authority does not take over a company: the stage is dropped; R12 "
            "000:2192-2213; URSCOP is for SCOP transmission 001:2084-2087"),
    # ---------------------------------------------------------------- outside Occitanie
    Row("asso-creation-lyon",
        dict(statut="association", stade="creation", commune=LYON, besoins=["financement"]),
        shown=("france-active",), desk="avise",
        must_not=("france-active-occitanie", "cress-occitanie", "fonds-amorcage-associatif",
                  "offre-ingenierie-porteurs-cd31", "pava-viasso"),
        widened=True,
        why="France Active national network « 40 fonds territoriaux » 003:1857; Occitanie tools "
            "001:2188-2189 do not apply in Auvergne-Rhône-Alpes; Avise 004:1453-1459"),
    Row("idee-innovation-sociale-paris",
        dict(statut="sans_structure", stade="idee", commune=PARIS, besoins=["accompagnement"],
             innovation_sociale=True),
        desk="avise",
        must_not=("incubateur-catalis", "incubateur-premiere-brique", "incubateur-alter-incub",
                  "parcours-adress", "cae", "dla"),
        why="Occitanie incubators 000:924-929, 001:1521-1522 and CAE partnership 001:1466-1467 are "
            "regional; Avise national resource 004:1453-1459, 003:1830; DLA 004:922-926"),
    Row("financement-bordeaux",
        dict(statut="sans_structure", stade="idee", commune=BORDEAUX, besoins=["financement"]),
        shown=("france-active",), desk="avise",
        must_not=("france-active-occitanie", "pret-ess-bpifrance", "novess", "pret-honneur-initiative-occitanie"),
        why="France Active national 003:1857; Prêt ESS and NovESS need an existing enterprise "
            "001:2158, 2173; Initiative Occitanie is regional 001:2167"),
    Row("asso-employeuse-ajaccio",
        dict(statut="association", employeur=True, stade="consolidation", commune=AJACCIO,
             besoins=["accompagnement"]),
        first="dla", shown=("dla",), desk="avise",
        must_not=("cress-occitanie", "activ-asso", "mouvement-associatif-occitanie",
                  "offre-ingenierie-porteurs-cd31"),
        why="DLA « 103 DLA départementaux » everywhere 003:1839; Corsica is outside Occitanie; "
            "Avise is the national DLA operator 003:1841"),
    Row("asso-financement-haute-corse",
        dict(statut="association", stade="creation", departement="2B", besoins=["financement"]),
        shown=("france-active",), desk="avise",
        must_not=("fonds-amorcage-associatif", "cress-occitanie"),
        why="France Active national 003:1857; Occitanie chart 001:2188-2189"),
    Row("asso-employeuse-la-reunion",
        dict(statut="association", employeur=True, stade="developpement", commune=SAINT_DENIS_REUNION,
             besoins=["accompagnement"]),
        first="dla", shown=("dla",), desk="avise",
        must_not=("cress-occitanie", "activ-asso", "realis"),
        why="DLA national 003:1839; Avise 004:1453-1459; REALIS and Activ'Asso are regional to "
            "Occitanie 001:958-961, 001:2110-2116"),
    Row("entreprise-changement-echelle-guadeloupe",
        dict(statut="entreprise", employeur=True, stade="changement_echelle", departement="971",
             besoins=["financement"]),
        shown=("novess",), desk="avise", must_not=("sifa", "contrat-occitanie"),
        why="NovESS, Caisse des Dépôts fund for changement d'échelle 001:2158, 001:2336; SIFA and "
            "Contrat Occitanie are Occitanie tools 001:2156, 2125"),
    Row("cooperative-martinique",
        dict(statut="cooperative", stade="creation", commune=FORT_DE_FRANCE, besoins=["juridique"]),
        desk="avise", must_not=("urscop-occitanie", "cress-occitanie"),
        why="URSCOP Occitanie serves Occitanie 001:2079-2081; outside it, Avise 004:1453-1459"),
    # ---------------------------------------------------------------- partial, empty, contradictory
    Row("commune-seule-toulouse",
        dict(commune=TOULOUSE),
        desk="offre-ingenierie-porteurs-cd31",
        must_not=("fonds-aides-communes-epci-cd31", "plateforme-appui-territoires-cd31", "rtes",
                  "aides-territoires", "la-serre-coworking", "pepinieres-toulouse-metropole"),
        why="Nothing but the place: the CD31 desk (R15 000:2072-2089); aids and desks of local "
            "authorities are for them only (R12 000:2201-2202, 003:1847-1849, 003:1899-1903); "
            "2012 items are historical 002:295-303"),
    Row("commune-et-departement-contradictoires",
        dict(statut="sans_structure", stade="idee", commune=TOULOUSE, departement="34",
             besoins=["accompagnement"]),
        shown=("parcours-adress",), desk="offre-ingenierie-porteurs-cd31",
        why="The commune wins over a contradictory department: Toulouse is in Toulouse Métropole, "
            "ADRESS 000:931-934; CD31 desk 000:2072-2089"),
    Row("sans-structure-employeur-reprise-contradictoire",
        dict(statut="sans_structure", employeur=True, stade="reprise", commune=TOULOUSE,
             besoins=["emploi"]),
        desk="offre-ingenierie-porteurs-cd31",
        must_not=("dla", "fonds-rebond-innovation-sociale-cd31", "crge-occitanie"),
        why="No structure cannot employ (employeur dropped); DLA needs an employer structure "
            "004:922-926; rebond needs a structure 000:2132-2138; CRGE is for employer groups "
            "001:1843-1850"),
    Row("sans-structure-consolidation-contradictoire",
        dict(statut="sans_structure", stade="consolidation", commune=MURET, besoins=["accompagnement"]),
        desk="offre-ingenierie-porteurs-cd31",
        must_not=("dla", "activ-asso", "parcours-adress"),
        why="DLA 004:922-926 and Activ'Asso (associations) 001:2110-2116 need a structure; ADRESS "
            "metropolitan 000:931-934"),
    Row("departement-seul-31",
        dict(departement="31"),
        desk="offre-ingenierie-porteurs-cd31",
        must_not=("fonds-aides-communes-epci-cd31", "plateforme-appui-territoires-cd31", "rtes"),
        why="R15 CD31 desk for any porteur in Haute-Garonne 000:2072-2089; R12 000:2201-2202"),
    Row("departement-seul-gers",
        dict(departement="32", besoins=["accompagnement"]),
        desk="cress-occitanie",
        must_not=("offre-ingenierie-porteurs-cd31", "parcours-adress", "couveuses", "theogone"),
        why="Gers is in Occitanie, not Haute-Garonne: CRESS desk 001:1880-1883; CD31 offers "
            "000:2072-2089, 000:931-934, 000:941-944 (couveuses listed among HG actors 000:920-922)"),
    Row("profil-vide", {}, desk="avise",
        must_not=("offre-ingenierie-porteurs-cd31", "cress-occitanie", "fonds-aides-communes-epci-cd31",
                  "rtes", "plateforme-appui-territoires-cd31"),
        why="Empty profile: national resources and Avise 004:1453-1459, 003:1830; local-authority "
            "aids and desks are for them only 000:2201-2202, 003:1899-1903"),
    Row("profil-none", None, desk="avise",
        must_not=("offre-ingenierie-porteurs-cd31", "fonds-aides-communes-epci-cd31"),
        why="No profile at all: same generic orientation, Avise 004:1453-1459"),
    Row("valeurs-inconnues",
        dict(statut="licorne", stade=42, employeur="peut-être", besoins=["argent", "financement"],
             commune="99999", departement="999", publics="martiens", innovation_sociale="oui"),
        desk="avise", shown=("france-active",),
        must_not=("offre-ingenierie-porteurs-cd31", "cress-occitanie"),
        why="Unknown values are dropped with a note; only the financement need and national "
            "resources remain: France Active 003:1857, Avise 004:1453-1459"),
    Row("tarbes-financement-employeur",
        dict(statut="association", employeur=True, stade="developpement", commune=TARBES,
             besoins=["financement"]),
        shown=("contrat-apport-associatif",), desk="cress-occitanie",
        must_not=("fonds-rebond-innovation-sociale-cd31", "fonds-amorcage-associatif"),
        why="Contrat d'apport associatif across Occitanie 001:2144, 001:2188-2189; rebond fund is "
            "Haute-Garonne only 000:2118-2130; amorçage 001:2141"),
    Row("auch-idee-innovation",
        dict(statut="sans_structure", stade="idee", commune=AUCH, besoins=["accompagnement"],
             innovation_sociale=True),
        shown=("incubateur-alter-incub",), listed=("yess-academie", "fabrique-a-initiatives"),
        desk="cress-occitanie",
        must_not=("incubateur-premiere-brique", "offre-ingenierie-porteurs-cd31", "parcours-adress"),
        why="Alter'Incub is a regional social-innovation incubator 001:1055-1056, 001:1521-1522; "
            "Première Brique is a Haute-Garonne actor 000:865-867, 000:924-925; YESS 001:891-892; "
            "Fabrique à initiatives in rural Occitanie 001:982-983"),
]


# --------------------------------------------------------------------------- helpers


def _orientation(row: Row, catalogue, territories, limit: int = MAX_SPECIFIC):
    return orient(row.profile, catalogue, territories, limit=limit)


def _ids(recs) -> list[str]:
    return [r.id for r in recs]


def test_table_is_large_and_well_formed(catalogue):
    assert len(ROWS) >= 45
    assert len({r.name for r in ROWS}) == len(ROWS)
    known = set(catalogue.schemes)
    for row in ROWS:
        for scheme_id in (*row.shown, *row.listed, *row.must_not, *filter(None, [row.first, row.desk])):
            assert scheme_id in known, f"{row.name}: unknown catalogue id {scheme_id}"
        assert not set(row.must_not) & set(row.shown + row.listed), row.name
        assert row.shown or row.listed or row.must_not or row.first or row.desk, row.name


def test_table_covers_the_contract_values():
    profiles = [r.profile or {} for r in ROWS]
    statuts = {p.get("statut") for p in profiles}
    stades = {p.get("stade") for p in profiles}
    besoins = {b for p in profiles for b in (p.get("besoins") or [])}
    assert {"sans_structure", "association", "cooperative", "entreprise", "collectivite", "autre"} <= statuts
    assert {"idee", "creation", "developpement", "consolidation", "changement_echelle", "reprise"} <= stades
    assert {"financement", "hebergement", "accompagnement", "formation", "juridique", "emploi",
            "marches", "reseau"} <= besoins
    assert {True, False} <= {p.get("employeur") for p in profiles}
    assert {True, False} <= {p.get("innovation_sociale") for p in profiles}
    assert {"siae", "jeunes"} <= {x for p in profiles for x in (p.get("publics") or []) if isinstance(x, str)}
    places = {str(p.get("commune") or p.get("departement") or "")[:2] for p in profiles}
    # Haute-Garonne, other Occitanie departments, other regions, Corsica, overseas
    assert {"31", "34", "81", "46", "66", "12", "48", "65", "32", "69", "75", "33", "2A", "2B", "97"} <= places
    communes = {p.get("commune") for p in profiles}
    assert {TOULOUSE, BLAGNAC, COLOMIERS, CUGNAUX} <= communes  # Toulouse Métropole
    assert {MURET, REVEL, NAILLOUX, LABRUYERE_DORSA} <= communes  # Haute-Garonne outside it
    assert {SAINT_GAUDENS, LUCHON} <= communes and {RAMONVILLE, CASTANET} <= communes  # Comminges, Sicoval
    assert any(p.get("departement") and not p.get("commune") for p in profiles)  # department only


CITATION = re.compile(r"\b(00[0-4]):(\d+)(?:-(\d+))?")


def test_every_row_cites_seed_lines_that_exist():
    files = {f"00{i}": None for i in range(5)}
    from knowledge.sources import SEEDS_DIR

    for path in SEEDS_DIR.glob("00*_*.txt"):
        files[path.name[:3]] = path.name
    for row in ROWS:
        cites = CITATION.findall(row.why)
        assert cites, f"{row.name}: the why cites no seed lines"
        for prefix, start, end in cites:
            ref = parse_ref(f"{files[prefix]}:{start}-{end or start}")
            assert ref.end <= len(seed_lines(ref.file)), f"{row.name}: {prefix}:{start}-{end} is past the end"


@pytest.mark.parametrize("row", ROWS, ids=[r.name for r in ROWS])
def test_profile_row(row: Row, catalogue, territories):
    result = _orientation(row, catalogue, territories)
    shown = selected(result)
    shown_ids = _ids(shown)
    more = _orientation(row, catalogue, territories, limit=MORE)
    everything = _orientation(row, catalogue, territories, limit=len(catalogue))
    context = (f"{row.name}: shown {shown_ids}; listed {more.ids}; why: {row.why}")

    for scheme_id in row.shown:
        assert scheme_id in shown_ids, f"{scheme_id} not shown. {context}"
    for scheme_id in row.listed:
        assert scheme_id in more.ids, f"{scheme_id} not listed. {context}"
    for scheme_id in row.must_not:
        assert scheme_id not in everything.ids, (
            f"{scheme_id} must not appear ({everything.exclusions.get(scheme_id)}). {context}")
        assert scheme_id in everything.exclusions or catalogue.get(scheme_id).get("guichet"), (
            f"{scheme_id} left out without a reason. {context}")
    specific = [r for r in shown if not r.guichet]
    assert len(specific) <= SHOWN_SPECIFIC
    if row.first:
        assert specific and specific[0].id == row.first, f"first should be {row.first}. {context}"
    if row.widened is not None:
        assert result.elargi == row.widened, f"widened should be {row.widened}. {context}"
    desks = [r for r in shown if r.guichet]
    assert desks, f"no orientation desk. {context}"
    if row.desk:
        assert desks[0].id == row.desk, f"first desk should be {row.desk}. {context}"


# --------------------------------------------------------------------------- payload and list shape


SOURCE_REF = re.compile(r"^00[0-4]_[0-9a-f]{16}\.txt:\d+(-\d+)?$")


@pytest.mark.parametrize("row", ROWS, ids=[r.name for r in ROWS])
def test_payload_carries_sources_and_contacts(row: Row, catalogue, territories):
    payload = _orientation(row, catalogue, territories, limit=MORE).as_payload()
    assert set(payload) >= {"profil", "dispositifs"}
    assert isinstance(payload["profil"].get("besoins"), list)
    assert payload["dispositifs"], row.name
    for item in payload["dispositifs"]:
        assert {"id", "nom", "pourquoi", "contacts", "sources"} <= set(item), item.get("id")
        assert isinstance(item["nom"], str) and item["nom"]
        assert isinstance(item["pourquoi"], str) and item["pourquoi"].strip()
        assert item["sources"], f"{item['id']} has no sources"
        for ref in item["sources"]:
            assert SOURCE_REF.match(ref), ref
            parsed = parse_ref(ref)
            assert parsed.end <= len(seed_lines(parsed.file))
        assert isinstance(item["contacts"], list)
        for contact in item["contacts"]:
            assert contact["nom"] and isinstance(contact["date_information"], int)
            assert isinstance(contact["ancien"], bool)
            assert any(contact.get(k) for k in ("site", "email", "telephone", "adresse"))
        # Without a current contact, the user is told whom to ask instead.
        if not [c for c in item["contacts"] if not c["ancien"]]:
            assert item["a_qui_demander"], f"{item['id']}: no current contact and nobody to ask"


@pytest.mark.parametrize("row", ROWS, ids=[r.name for r in ROWS])
def test_desks_end_the_list(row: Row, catalogue, territories):
    for limit in (MAX_SPECIFIC, MORE):
        recs = _orientation(row, catalogue, territories, limit=limit).recommandations
        flags = [r.guichet for r in recs]
        assert any(flags), f"{row.name}: no desk"
        first_desk = flags.index(True)
        assert all(flags[first_desk:]), f"{row.name}: a specific scheme after a desk: {_ids(recs)}"
        assert len(recs) - first_desk <= 2
        assert len(set(_ids(recs))) == len(recs), f"{row.name}: duplicates {_ids(recs)}"
    shown = selected(_orientation(row, catalogue, territories))
    assert shown[-1].guichet


@pytest.mark.parametrize("row", ROWS, ids=[r.name for r in ROWS])
def test_widening_is_flagged(row: Row, catalogue, territories):
    result = _orientation(row, catalogue, territories)
    widened = [r for r in result.recommandations if r.elargi]
    assert result.elargi == bool(widened)
    note = any("élargi" in n for n in result.notes)
    assert note == result.elargi, f"{row.name}: notes {result.notes}"
    assert result.as_payload()["elargi"] == result.elargi
    assert not any(r.guichet and r.elargi for r in result.recommandations)
    strict = [r for r in result.recommandations if not r.guichet and not r.elargi]
    if len(strict) >= 3:
        assert not result.elargi
    # What fits strictly comes before what only the wider search found.
    specific = [r for r in result.recommandations if not r.guichet]
    flags = [r.elargi for r in specific]
    assert flags == sorted(flags), f"{row.name}: widened before strict {[(r.id, r.elargi) for r in specific]}"


def test_widening_happens_when_few_schemes_fit(catalogue, territories):
    result = orient(dict(statut="cooperative", stade="creation", commune=TOULOUSE, besoins=["juridique"]),
                    catalogue, territories)
    assert result.elargi
    assert any(r.elargi for r in result.recommandations)
    assert not result.recommandations[0].elargi  # the strict match (URSCOP) comes first
    assert any("élargi" in n for n in result.notes)
    assert "urscop-occitanie" in result.ids
    rich = orient(dict(statut="association", employeur=True, stade="consolidation", commune=MURET,
                       besoins=["accompagnement"]), catalogue, territories)
    assert not rich.elargi and not any(r.elargi for r in rich.recommandations)


@pytest.mark.parametrize("row", ROWS, ids=[r.name for r in ROWS])
def test_announced_and_historical_items_are_flagged(row: Row, catalogue, territories):
    result = _orientation(row, catalogue, territories, limit=len(catalogue))
    for rec in result.recommandations:
        scheme = catalogue.get(rec.id)
        assert rec.etat == scheme["etat"]["valeur"]
        assert rec.etat != "historique", f"{row.name}: historical {rec.id} recommended"
        if rec.etat in ("annonce", "experimental"):
            assert scheme["etat"]["texte"] in rec.avertissements, f"{row.name}: {rec.id} not flagged"
            assert rec.as_payload()["etat"] == rec.etat
    for scheme in catalogue:
        if scheme["etat"]["valeur"] == "historique":
            assert scheme["id"] not in result.ids
            if not scheme.get("guichet"):
                assert "historique" in result.exclusions[scheme["id"]]


def test_announced_items_carry_a_warning_when_shown(catalogue, territories):
    announced = {s["id"] for s in catalogue if s["etat"]["valeur"] == "annonce"}
    assert {"theogone", "fonds-aides-communes-epci-cd31", "fonds-solidarite-accompagnement-cd31"} <= announced
    cases = [
        (dict(statut="sans_structure", stade="creation", commune=RAMONVILLE, besoins=["hebergement"]), "theogone"),
        (dict(statut="collectivite", commune=NAILLOUX, besoins=["financement"]), "fonds-aides-communes-epci-cd31"),
        (dict(statut="association", employeur=True, stade="developpement", commune=TOULOUSE,
              besoins=["financement"], publics=["structures_accompagnement"]), "fonds-solidarite-accompagnement-cd31"),
    ]
    for profile, scheme_id in cases:
        shown = {r.id: r for r in selected(orient(profile, catalogue, territories))}
        assert scheme_id in shown, (scheme_id, list(shown))
        rec = shown[scheme_id]
        assert rec.etat == "annonce"
        assert catalogue.get(scheme_id)["etat"]["texte"] in rec.avertissements
        # the assistant's message repeats the first two warnings
        from actions.replies import orientation_text

        text = orientation_text(orient(profile, catalogue, territories), {})
        assert "Attention : " + rec.avertissements[0] in text


def test_department_only_profile_flags_schemes_of_part_of_the_department(catalogue, territories):
    result = orient(dict(statut="sans_structure", stade="idee", departement="31", besoins=["accompagnement"]),
                    catalogue, territories, limit=len(catalogue))
    partial = {r.id: r for r in result.recommandations if r.niveau == "selon_commune"}
    assert {"parcours-adress", "start-up-de-territoire-comminges"} <= set(partial)
    for rec in partial.values():
        libelle = catalogue.get(rec.id)["territoire"]["libelle"]
        assert any(libelle in w for w in rec.avertissements), rec.avertissements
    # with the commune known, the same schemes are in or out, no longer « selon commune »
    toulouse = orient(dict(statut="sans_structure", stade="idee", commune=TOULOUSE, besoins=["accompagnement"]),
                      catalogue, territories, limit=len(catalogue))
    assert toulouse.exclusions["start-up-de-territoire-comminges"] == "hors de votre territoire"
    assert next(r for r in toulouse.recommandations if r.id == "parcours-adress").niveau == "epci"


LEVELS = ["commune", "epci", "departement", "region", "national", "selon_commune"]


@pytest.mark.parametrize("row", ROWS, ids=[r.name for r in ROWS])
def test_ranking_is_by_fit_then_nearest(row: Row, catalogue, territories):
    """Best score first; at equal score (and same strictness) the nearest territory first."""
    specific = [r for r in _orientation(row, catalogue, territories, limit=MORE).recommandations if not r.guichet]
    for a, b in zip(specific, specific[1:]):
        if a.elargi == b.elargi:
            assert a.score >= b.score, (row.name, a.id, b.id)
            if a.score == b.score:
                assert LEVELS.index(a.niveau) <= LEVELS.index(b.niveau), (row.name, a.id, a.niveau, b.id, b.niveau)


def test_nearest_scheme_first_at_equal_fit(catalogue, territories):
    """Territory layering: with the same criteria matched, commune/EPCI > department > region > national."""
    result = orient(dict(statut="sans_structure", stade="idee", commune=TOULOUSE, besoins=["accompagnement"]),
                    catalogue, territories, limit=len(catalogue))
    order = {"commune": 0, "epci": 1, "departement": 2, "region": 3, "national": 4}
    by_criteria: dict[tuple, list] = {}
    for rec in result.recommandations:
        if rec.guichet or rec.etat != "en_place":
            continue
        scheme = catalogue.get(rec.id)
        cible = scheme["cible"]
        key = (tuple(sorted(cible.get("statuts") or [])), tuple(sorted(cible.get("stades") or [])),
               tuple(sorted(cible.get("besoins"))), bool(cible.get("innovation_sociale")),
               scheme["categorie"] in ("reseau", "ressource"))
        by_criteria.setdefault(key, []).append(rec)
    compared = 0
    for recs in by_criteria.values():
        for a in recs:
            for b in recs:
                if order[a.niveau] < order[b.niveau]:
                    compared += 1
                    assert result.recommandations.index(a) < result.recommandations.index(b), (a.id, b.id)
    assert compared, "no pair of schemes differing only by territory"
    assert result.recommandations[0].id == "parcours-adress"


# --------------------------------------------------------------------------- the five named exclusions


def test_exclusion_adress_outside_toulouse_metropole(catalogue, territories):
    for commune in (MURET, REVEL, RAMONVILLE, SAINT_GAUDENS, MONTPELLIER, LYON):
        result = orient(dict(statut="sans_structure", stade="creation", commune=commune,
                             besoins=["accompagnement"]), catalogue, territories, limit=len(catalogue))
        assert "parcours-adress" not in result.ids
        assert result.exclusions["parcours-adress"] == "hors de votre territoire"
    inside = orient(dict(statut="sans_structure", stade="creation", commune=BLAGNAC, besoins=["accompagnement"]),
                    catalogue, territories)
    assert "parcours-adress" in inside.ids


DEPARTMENT_ITEMS = ("fonds-rebond-innovation-sociale-cd31", "fonds-aides-communes-epci-cd31",
                    "fonds-solidarite-accompagnement-cd31", "offre-ingenierie-porteurs-cd31",
                    "plateforme-appui-territoires-cd31", "theogone", "periscope")


def test_exclusion_department_funds_outside_haute_garonne(catalogue, territories):
    for where in (dict(commune=MONTPELLIER), dict(commune=ALBI), dict(departement="32"), dict(commune=LYON),
                  dict(commune=AJACCIO), dict(commune=SAINT_DENIS_REUNION)):
        for statut, publics in (("association", ["structures_accompagnement"]), ("collectivite", [])):
            profile = dict(statut=statut, employeur=True, stade="developpement", besoins=["financement"],
                           innovation_sociale=True, publics=publics, **where)
            result = orient(profile, catalogue, territories, limit=len(catalogue))
            for scheme_id in DEPARTMENT_ITEMS:
                assert scheme_id not in result.ids, (where, scheme_id)
            for scheme_id in ("fonds-rebond-innovation-sociale-cd31", "fonds-aides-communes-epci-cd31",
                              "fonds-solidarite-accompagnement-cd31"):
                assert result.exclusions[scheme_id] == "hors de votre territoire", (where, scheme_id)
    inside = orient(dict(statut="association", employeur=True, stade="developpement", commune=NAILLOUX,
                         besoins=["financement"], innovation_sociale=True), catalogue, territories)
    assert "fonds-rebond-innovation-sociale-cd31" in inside.ids


def test_exclusion_dla_without_employer_structure(catalogue, territories):
    for profile in (dict(statut="association", employeur=False, stade="consolidation", commune=MURET,
                         besoins=["accompagnement"]),
                    dict(statut="cooperative", employeur=False, stade="developpement", commune=LYON,
                         besoins=["accompagnement"]),
                    dict(statut="sans_structure", stade="creation", commune=TOULOUSE, besoins=["accompagnement"]),
                    dict(statut="sans_structure", employeur=True, stade="developpement", commune=TOULOUSE,
                         besoins=["accompagnement"])):
        result = orient(profile, catalogue, territories, limit=len(catalogue))
        assert "dla" not in result.ids, profile
        assert result.exclusions["dla"] == "réservé aux structures qui ont des salariés", profile
    # Employer status unknown: the DLA may come, with the condition spelt out.
    unknown = orient(dict(statut="association", stade="consolidation", commune=MURET, besoins=["accompagnement"]),
                     catalogue, territories)
    dla = next(r for r in unknown.recommandations if r.id == "dla")
    assert "Seulement si votre structure a des salariés." in dla.avertissements
    known = orient(dict(statut="association", employeur=True, stade="consolidation", commune=MURET,
                        besoins=["accompagnement"]), catalogue, territories)
    assert known.recommandations[0].id == "dla"
    assert "structure employeuse" in known.recommandations[0].criteres


def test_exclusion_fonds_de_rebond_without_existing_structure(catalogue, territories):
    for commune in (TOULOUSE, NAILLOUX, SAINT_GAUDENS):
        result = orient(dict(statut="sans_structure", stade="idee", commune=commune, besoins=["financement"],
                             innovation_sociale=True), catalogue, territories, limit=len(catalogue))
        assert "fonds-rebond-innovation-sociale-cd31" not in result.ids
        assert result.exclusions["fonds-rebond-innovation-sociale-cd31"] == "demande une structure déjà créée"
    not_innovative = orient(dict(statut="association", stade="idee", commune=TOULOUSE, besoins=["financement"],
                                 innovation_sociale=False), catalogue, territories, limit=len(catalogue))
    assert not_innovative.exclusions["fonds-rebond-innovation-sociale-cd31"] == "réservé aux projets d'innovation sociale"


def test_exclusion_local_authority_aids_for_anyone_else(catalogue, territories):
    reserved = [s["id"] for s in catalogue if (s["cible"].get("statuts") or []) == ["collectivite"]]
    assert {"fonds-aides-communes-epci-cd31", "plateforme-appui-territoires-cd31", "aides-territoires",
            "rtes"} <= set(reserved)
    for statut in (None, "sans_structure", "association", "cooperative", "entreprise", "autre"):
        profile = dict(stade="creation", commune=NAILLOUX, besoins=["financement", "accompagnement", "reseau"])
        if statut:
            profile["statut"] = statut
        result = orient(profile, catalogue, territories, limit=len(catalogue))
        for scheme_id in reserved:
            assert scheme_id not in result.ids, (statut, scheme_id)
            if not catalogue.get(scheme_id).get("guichet"):
                assert result.exclusions[scheme_id] == "réservé aux collectivités", (statut, scheme_id)
    commune = orient(dict(statut="collectivite", commune=NAILLOUX, besoins=["financement"]), catalogue, territories)
    assert {"fonds-aides-communes-epci-cd31", "plateforme-appui-territoires-cd31"} <= set(commune.ids)
    # and the other way round: porteur schemes are not offered to local authorities
    assert not {"offre-ingenierie-porteurs-cd31", "dla", "france-active-occitanie"} & set(commune.ids)


# --------------------------------------------------------------------------- never raises


GARBAGE_VALUES = [None, True, False, 0, 1, -7, 3.5, math.nan, math.inf, "", " ", "x", "31", "2A", "974",
                  "31555", "2A004", "97411", "99999", "association", "collectivite", "idee", "reprise",
                  "financement", "jeunes", "siae", "é" * 300, "31" * 500, "\x00", "'; DROP TABLE kb_scheme;--",
                  [], [None], [1, 2], ["financement", "???"], [["financement"]], [{"a": 1}], ("emploi",),
                  {"financement"}, {}, {"financement": True}, b"bytes", object()]
PROFILE_KEYS = ["statut", "employeur", "stade", "commune", "departement", "besoins", "secteur",
                "innovation_sociale", "publics", "inconnu"]


@pytest.mark.parametrize("raw", [None, {}, [], (), "", "association", 42, 3.14, True, b"x", object(),
                                 ["statut", "association"], [("statut", "association")], {"statut"},
                                 {1: 2}, {None: None}, {"statut": {"nested": "dict"}},
                                 Profile(statut="association", besoins=("financement",))],
                         ids=lambda v: type(v).__name__)
def test_orient_never_raises_on_garbage(raw, catalogue, territories):
    result = orient(raw, catalogue, territories)
    assert result.recommandations and result.recommandations[-1].guichet
    result.as_payload()


def test_orient_never_raises_on_random_profiles(catalogue, territories):
    rnd = random.Random(20261123)
    for _ in range(1500):
        keys = rnd.sample(PROFILE_KEYS, rnd.randint(0, len(PROFILE_KEYS)))
        profile = {k: rnd.choice(GARBAGE_VALUES) for k in keys}
        if rnd.random() < 0.3:  # valid values mixed with garbage
            profile.update(statut=rnd.choice(["association", "sans_structure", "collectivite", "autre"]),
                           commune=rnd.choice([TOULOUSE, MURET, LYON, "31", "2A004", None]))
        try:
            result = orient(profile, catalogue, territories, limit=rnd.choice([0, 1, 5, 12]))
        except Exception as exc:  # pragma: no cover - the failure message is what matters
            pytest.fail(f"orient raised {exc!r} on {profile!r}")
        assert result.recommandations, profile
        assert result.recommandations[-1].guichet, profile
        payload = result.as_payload()
        assert all(item["sources"] for item in payload["dispositifs"])


def test_orient_without_territories_still_answers(catalogue):
    result = orient(dict(statut="association", commune=TOULOUSE, departement="31", besoins=["financement"]),
                    catalogue, None)
    assert result.recommandations and result.recommandations[-1].guichet


def test_contradictions_are_noted(catalogue, territories):
    result = orient(dict(statut="sans_structure", employeur=True, commune=TOULOUSE), catalogue, territories)
    assert result.profil.employeur is None
    assert any("salariés" in n for n in result.notes)
    unknown = orient(dict(statut="licorne", besoins=["argent"], commune="99999"), catalogue, territories)
    assert unknown.profil.statut is None and unknown.profil.besoins == ()
    assert any("licorne" in n for n in unknown.notes)
    assert any("argent" in n for n in unknown.notes)
    assert any("99999" in n for n in unknown.notes)
    empty = orient({}, catalogue, territories)
    assert any("commune" in n for n in empty.notes)


def test_engine_is_pure(catalogue, territories):
    """Same input, same output; the catalogue is not modified."""
    import copy
    import json

    before = copy.deepcopy(catalogue.schemes)
    profile = dict(statut="association", employeur=True, stade="consolidation", commune=MURET,
                   besoins=["accompagnement", "financement"])
    first = json.dumps(orient(profile, catalogue, territories).as_payload(), sort_keys=True)
    second = json.dumps(orient(dict(profile), catalogue, territories).as_payload(), sort_keys=True)
    assert first == second
    assert catalogue.schemes == before


def test_rows_have_distinct_profiles():
    seen = {}
    for row in ROWS:
        key = repr(row.profile if row.profile is None else sorted(row.profile.items()))
        assert key not in seen, f"{row.name} repeats {seen.get(key)}"
        seen[key] = row.name
