"""Test data written through the ORM into a test app's database.

`build_world(app)` writes a small corpus shaped like the seed files (same ids),
so the read API can be tested before, and independently of, the seed import.
"""
from __future__ import annotations

import datetime as dt

from api import rollups
from api.db import get_session
from api.models import (
    Agreement,
    AgreementParty,
    AgreementSector,
    Alternative,
    Article,
    ArticleClauseType,
    ArticleSector,
    Citation,
    ClauseType,
    Event,
    Party,
    Sector,
    Source,
)

D = dt.date.fromisoformat

PARTIES = [("RUS", "Russian Federation", "state"), ("IRN", "Islamic Republic of Iran", "state"),
           ("PRK", "Democratic People's Republic of Korea", "state"), ("IND", "Republic of India", "state"),
           ("gazprom", "PJSC Gazprom", "company"), ("nigc", "National Iranian Gas Company", "company")]
SECTORS = [("military", "Military"), ("security", "Security"), ("legal", "Legal"), ("trade", "Trade and economy"),
           ("transport", "Transport"), ("energy", "Energy"), ("finance", "Finance and banking")]
CLAUSE_TYPES = [("mutual-assistance", "Mutual defence / military assistance", "defense"),
                ("non-assistance-to-aggressor", "Non-assistance to an aggressor", "neutral"),
                ("consultation", "Consultation", "consul")]
SOURCES = [("tass-1940345", "Russia-Iran treaty not aimed against third countries", "TASS", "https://tass.com/politics/1940345"),
           ("kcna-treaty", "DPRK-Russia Treaty on Comprehensive Strategic Partnership", "KCNA", "https://kcnawatch.org/x"),
           ("iribnews-5585040", "IRIB report on the signing", "IRIB", None),
           ("interfax-108291", "Treaty enters into force", "Interfax", "https://interfax.com/newsroom/top-stories/108291/")]


def build_world(app) -> dict:
    """Write the corpus; returns {name: internal id} for the tests that need them."""
    with app.app_context():
        session = get_session()
        ids = {}
        for code, name, kind in PARTIES:
            ids[code] = _add(session, Party(code=code, name=name, kind=kind)).id
        for slug, name in SECTORS:
            ids[slug] = _add(session, Sector(slug=slug, name=name, description=f"{name}.")).id
        for slug, name, atop in CLAUSE_TYPES:
            ids[slug] = _add(session, ClauseType(slug=slug, name=name, description=f"{name}.", atop_obligation=atop)).id
        for slug, title, publisher, url in SOURCES:
            ids[slug] = _add(session, Source(slug=slug, title=title, publisher=publisher, url=url, kind="news",
                                             language="en")).id

        basis = agreement(session, ids, "ru-ir-basis-of-relations-2001", "Treaty on the Basis for Mutual Relations "
                          "and the Principles of Cooperation between Russia and Iran", "treaty", "superseded",
                          signed_on="2001-03-12", entered_into_force_on="2002-04-05", parties=["RUS", "IRN"],
                          term="fixed", term_years=10,
                          articles=[(1, "Basic principles", "Relations on equality and mutual respect.", None, [], [])])
        csp = agreement(session, ids, "ru-ir-comprehensive-strategic-partnership-2025",
                        "Treaty on Comprehensive Strategic Partnership between the Russian Federation and the "
                        "Islamic Republic of Iran", "treaty", "in_force", signed_on="2025-01-17", signed_at="Moscow",
                        entered_into_force_on="2025-10-02", parties=["RUS", "IRN"], term="fixed", term_years=20,
                        article_count=47, supersedes=basis,
                        articles=[(3, "Basic principles of relations", "Neither party helps an aggressor against "
                                   "the other; no mutual assistance obligation.", None, ["security"],
                                   [("non-assistance-to-aggressor", "3")]),
                                  (12, None, "Cooperation in transport corridors and energy.", None,
                                   ["transport", "energy"], [])])
        kp = agreement(session, ids, "ru-kp-comprehensive-strategic-partnership-2024",
                       "Treaty on Comprehensive Strategic Partnership between the Russian Federation and the "
                       "Democratic People's Republic of Korea", "treaty", "in_force", signed_on="2024-06-19",
                       signed_at="Pyongyang", entered_into_force_on="2024-12-04", parties=["RUS", "PRK"],
                       term="indefinite", article_count=23,
                       articles=[(3, None, "Consultations if there is a direct threat of armed aggression.", None,
                                  ["security", "military"], [("consultation", None)]),
                                 (4, "Mutual military assistance", "If one side is attacked, the other provides "
                                  "military and other assistance without delay.",
                                  "Military and other assistance with all means in its possession without delay.",
                                  ["military", "security", "legal"], [("mutual-assistance", None)])])
        instc = agreement(session, ids, "instc-agreement-2000", "Agreement on the International North-South "
                          "Transport Corridor", "agreement", "in_force", signed_on="2000-09-12",
                          signed_at="St Petersburg", entered_into_force_on="2002-05-16",
                          parties=["RUS", "IRN", "IND"],
                          articles=[(1, None, "A transport corridor for freight.", None, ["transport"], [])])
        rasht = agreement(session, ids, "ru-ir-rasht-astara-railway-2023", "Agreement on the construction of the "
                          "Rasht-Astara railway", "agreement", "signed", signed_on="2023-05-17", signed_at="Tehran",
                          parties=["RUS", "IRN"], articles=[])
        gas = agreement(session, ids, "gazprom-nigc-gas-memorandum-2024", "Memorandum on gas supplies",
                        "memorandum", "signed", signed_on="2024-06-26", parties=["gazprom", "nigc"], articles=[])
        ids.update(basis=basis.id, csp=csp.id, kp=kp.id, instc=instc.id, rasht=rasht.id, gas=gas.id)

        session.add(AgreementSector(agreement_id=csp.id, sector_id=ids["finance"], note="Payments in national currencies."))
        session.add(Citation(source_id=ids["tass-1940345"], agreement_id=csp.id, sector_id=ids["finance"],
                             locator="Reuters summary"))
        session.add(Citation(source_id=ids["tass-1940345"], agreement_id=csp.id, field="article_count",
                             locator="Rudenko to the State Duma"))
        alt = _add(session, Alternative(agreement_id=csp.id, field="signed_on", value="2025-01-16",
                                        note="Persian date 27 Dey 1403"))
        session.add(Citation(source_id=ids["iribnews-5585040"], alternative_id=alt.id))
        duma = _add(session, Event(agreement_id=csp.id, party_id=ids["RUS"], kind="domestic_approval",
                                   date=D("2025-04-08"), date_precision="day", acting_body="State Duma",
                                   key="rus-state-duma"))
        session.add(Citation(source_id=ids["tass-1940345"], event_id=duma.id, locator=None))
        session.add(Event(agreement_id=csp.id, party_id=None, kind="entry_into_force", date=D("2025-10-02"),
                          date_precision="day", key="entry-into-force"))
        session.add(Event(agreement_id=kp.id, party_id=None, kind="exchange_of_instruments", date=D("2024-12-04"),
                          date_precision="day", key="exchange"))
        session.flush()
        rollups.refresh(session.connection())  # what `treaty-api seed` does after writing
        session.commit()
        return ids


def agreement(session, ids, slug, title, kind, status, *, parties, articles, supersedes=None, **fields) -> Agreement:
    for key in ("signed_on", "entered_into_force_on", "ended_on"):
        if fields.get(key):
            fields[key] = D(fields[key])
    source = ids["kcna-treaty"] if "-kp-" in slug else ids["tass-1940345"]
    row = _add(session, Agreement(slug=slug, title=title, kind=kind, status=status,
                                  supersedes_id=supersedes.id if supersedes else None, **fields))
    session.add(Citation(source_id=source, agreement_id=row.id, locator=None))
    for code in parties:
        session.add(AgreementParty(agreement_id=row.id, party_id=ids[code], role="party"))
    for number, heading, summary, text, sectors, clause_types in articles:
        article = _add(session, Article(agreement_id=row.id, number=number, heading=heading, summary=summary, text=text))
        session.add(Citation(source_id=source, article_id=article.id, locator=f"Article {number}"))
        for slug_ in sectors:
            session.add(ArticleSector(article_id=article.id, sector_id=ids[slug_]))
            session.add(Citation(source_id=source, article_id=article.id, sector_id=ids[slug_]))
        for slug_, paragraph in clause_types:
            session.add(ArticleClauseType(article_id=article.id, clause_type_id=ids[slug_], paragraph=paragraph))
            session.add(Citation(source_id=source, article_id=article.id, clause_type_id=ids[slug_]))
    session.flush()
    return row


def _add(session, obj):
    session.add(obj)
    session.flush()
    return obj


def many_articles(app, agreement_id: int, count: int, start: int = 100, sector_id: int | None = None) -> None:
    """`count` more articles in one agreement (for paging and statement-count tests)."""
    with app.app_context():
        session = get_session()
        for number in range(start, start + count):
            article = _add(session, Article(agreement_id=agreement_id, number=number, heading=f"Article {number}",
                                            summary=f"Cooperation on matter {number}.", text=None))
            if sector_id:
                session.add(ArticleSector(article_id=article.id, sector_id=sector_id))
        session.flush()
        rollups.refresh(session.connection())
        session.commit()


# -- fixtures (imported by the test modules that use them) ------------------------------

import pytest  # noqa: E402


@pytest.fixture(scope="module")
def world(databases, empty_template):
    """A module-wide app on a database holding `build_world`'s corpus: read-only tests only."""
    from api.db import dispose_engine
    from tests.conftest import make_app

    url = databases.copy(empty_template)
    app = make_app(url)
    app.world_ids = build_world(app)
    yield app
    dispose_engine(app)
    databases.drop(url)


@pytest.fixture
def api(world):
    return world.test_client()


def problem(response, status: int, params: list[dict] | None = None, detail: str | None = None,
            type_: str | None = None, title: str | None = None) -> dict:
    """The whole problem body a test expects (request_id and instance taken from the response)."""
    body = {
        "type": type_ or ("/problems/invalid-parameters" if params is not None else "about:blank"),
        "title": title or ("Invalid request parameters" if params is not None else
                           {404: "Not Found", 400: "Bad Request"}[status]),
        "status": status,
        "detail": detail if detail is not None else "; ".join(f"{p['name']}: {p['reason']}" for p in params),
        "instance": response.request.path,
        "request_id": response.headers["X-Request-ID"],
    }
    if params is not None:
        body["invalid_params"] = params
    return body
