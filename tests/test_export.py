"""`treaty-api export`: the database as seed files; import -> export -> import afresh -> export is identical."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from api.db import dispose_engine
from tests.conftest import SEED_DIR, make_app
from tests.seed_fixtures.helpers import GOOD, report


def files_of(directory: Path) -> dict[str, str]:
    return {str(p.relative_to(directory)): p.read_text(encoding="utf-8") for p in sorted(directory.rglob("*.yaml"))}


def round_trip(databases, empty_template, seeds: Path, workdir: Path) -> tuple[dict, dict]:
    """Seed a fresh database from `seeds` and export it, twice over; the two exports' files."""
    exports = []
    source = seeds
    for attempt in ("first", "second"):
        url = databases.copy(empty_template)
        app = make_app(url)
        try:
            runner = app.test_cli_runner()
            result = runner.invoke(args=["seed", str(source)])
            assert result.exit_code == 0, result.output
            target = workdir / attempt
            result = runner.invoke(args=["export", str(target)])
            assert result.exit_code == 0, result.output
            # The export, seeded back into the database it came from, changes nothing.
            result = runner.invoke(args=["seed", str(target)])
            assert "Nothing changed." in result.output, result.output
        finally:
            dispose_engine(app)
            databases.drop(url)
        exports.append(files_of(target))
        source = target
    return exports[0], exports[1]


def test_the_fixture_set_survives_a_round_trip(databases, empty_template, tmp_path):
    first, second = round_trip(databases, empty_template, GOOD, tmp_path)

    assert first == second
    assert sorted(first) == [
        "agreements/alpha-beta-treaty-2020.yaml", "agreements/gamma-gas-memorandum-2021.yaml",
        "clause_types.yaml", "parties.yaml", "sectors.yaml", "sources.yaml",
    ]  # fmt: skip
    alpha = yaml.safe_load(first["agreements/alpha-beta-treaty-2020.yaml"])
    assert [a["number"] for a in alpha["articles"]] == [1, 2, 3, 4]
    assert alpha["disputes"] == {"signed_on": [
        {"value": "2020-02-29", "note": "Local calendar", "sources": [{"source": "wire-report"}]},
    ]}  # fmt: skip
    gamma = first["agreements/gamma-gas-memorandum-2021.yaml"]
    assert "    text: |-\n      The price shall follow the formula in the annex.\n      It is reviewed yearly.\n" in gamma


def test_the_seed_files_survive_a_round_trip(databases, empty_template, tmp_path):
    if not list(Path(SEED_DIR).glob("agreements/*.yaml")):
        pytest.fail("seeds/agreements/ holds no agreement")
    first, second = round_trip(databases, empty_template, Path(SEED_DIR), tmp_path)

    assert first == second
    assert set(first) == {str(p.relative_to(SEED_DIR)) for p in Path(SEED_DIR).rglob("*.yaml")}


def test_export_into_the_seed_directory_changes_no_import(app, runner, tmp_path):
    assert runner.invoke(args=["seed", str(GOOD)]).exit_code == 0
    result = runner.invoke(args=["export", str(tmp_path / "out")])

    assert result.exit_code == 0
    assert result.output == f"Wrote 6 files to {tmp_path / 'out'}.\n"
    assert report(runner.invoke(args=["seed", str(tmp_path / "out")]).output)["citations"] == (0, 0, 17, 0)


# -- generated documents ---------------------------------------------------------------------------

# Printable text, line breaks included; no control characters (PostgreSQL refuses NUL, YAML
# normalises carriage returns).
TEXT = st.text(st.characters(categories=("L", "N", "P", "S", "Zs"), exclude_characters="\r\x85\u2028\u2029")
               | st.just("\n"), min_size=1, max_size=40)  # fmt: skip
WORD = st.text(st.characters(categories=("Ll", "Nd")), min_size=1, max_size=12)
LINE = st.text(st.characters(categories=("L", "N", "Zs")), min_size=1, max_size=30).map(str.strip).filter(bool)
DATE = st.dates(min_value=dt.date(1950, 1, 1), max_value=dt.date(2030, 12, 31))

SOURCES = ["s-one", "s-two", "s-three"]
PARTIES = ["AAA", "BBB", "CCC"]
SECTORS = ["military", "trade", "energy"]
CLAUSE_TYPES = ["mutual-assistance", "entry-into-force"]


def citations(min_size=1):
    return st.lists(
        st.fixed_dictionaries({"source": st.sampled_from(SOURCES)}, optional={"locator": LINE}),
        min_size=min_size, max_size=3, unique_by=lambda c: (c["source"], c.get("locator")),
    )  # fmt: skip


def alternatives():
    return st.lists(
        st.fixed_dictionaries({"value": LINE, "sources": citations()}, optional={"note": LINE}),
        min_size=1, max_size=2, unique_by=lambda a: (a["value"], a.get("note")),
    )  # fmt: skip


@st.composite
def articles(draw, count: int | None):
    numbers = draw(st.lists(st.integers(1, count or 30), max_size=4, unique=True))
    result = []
    for number in numbers:
        article = {"number": number}
        if draw(st.booleans()):
            article.update(heading=draw(LINE), summary=draw(st.none() | TEXT), sources=draw(citations()))
        if draw(st.booleans()):
            article["text"] = draw(TEXT)
        article["sectors"] = [
            {"sector": s, "sources": draw(citations())} for s in draw(st.lists(st.sampled_from(SECTORS), unique=True))
        ]
        article["clause_types"] = [
            {"clause_type": c, "paragraph": draw(st.none() | WORD), "sources": draw(citations())}
            for c in draw(st.lists(st.sampled_from(CLAUSE_TYPES), unique=True))
        ]
        if draw(st.booleans()):
            article["disputes"] = {"heading": draw(alternatives())}
        result.append(article)
    return result


@st.composite
def agreement(draw, slug: str, signed: dt.date | None, supersedes: str | None):
    count = draw(st.none() | st.integers(1, 12))
    term = draw(st.sampled_from([None, "fixed", "indefinite"]))
    events = []
    for index, date in enumerate(draw(st.lists(st.none() | DATE.filter(lambda d: signed is None or d >= signed),
                                               max_size=3))):  # fmt: skip
        events.append({
            "id": f"event-{index}", "party": draw(st.none() | st.sampled_from(PARTIES)),
            "kind": draw(st.sampled_from(["signature", "ratification", "entry_into_force"])),
            "date": date, "precision": draw(st.sampled_from(["day", "month", "year"])) if date else None,
            "acting_body": draw(st.none() | LINE), "note": draw(st.none() | TEXT), "sources": draw(citations()),
        })  # fmt: skip
    return {
        "id": slug,
        "title": draw(LINE),
        "short_title": draw(st.none() | LINE),
        "kind": draw(st.sampled_from(["treaty", "agreement", "memorandum"])),
        "status": draw(st.sampled_from(["signed", "in_force"])),
        "signed_on": signed,
        "signed_at": draw(st.none() | LINE),
        "entry_into_force_rule": draw(st.none() | TEXT),
        "term": term,
        "term_years": draw(st.integers(1, 99)) if term == "fixed" else None,
        "article_count": count,
        "languages": draw(st.lists(st.sampled_from(["en", "ru", "fa"]), unique=True)),
        "summary": draw(st.none() | TEXT),
        "supersedes": supersedes,
        "sources": [dict(c, field=draw(st.none() | st.just("signed_on"))) for c in draw(citations())],
        "disputes": draw(st.just({}) | st.fixed_dictionaries({"signed_on": alternatives()})),
        "parties": [{"party": p, "role": draw(st.sampled_from(["party", "signatory"]))}
                    for p in draw(st.lists(st.sampled_from(PARTIES), unique=True))],  # fmt: skip
        "events": events,
        "sectors": [{"sector": s, "note": draw(st.none() | LINE), "sources": draw(citations())}
                    for s in draw(st.lists(st.sampled_from(SECTORS), unique=True))],  # fmt: skip
        "articles": draw(articles(count)),
    }


@st.composite
def seed_sets(draw):
    vocabularies = {
        "sources.yaml": {"sources": [
            {"id": s, "title": draw(LINE), "publisher": draw(st.none() | LINE), "url": None,
             "published_on": draw(st.none() | DATE), "kind": "news", "language": "en", "note": draw(st.none() | TEXT)}
            for s in SOURCES
        ]},
        "parties.yaml": {"parties": [{"code": p, "name": draw(LINE), "kind": "state"} for p in PARTIES]},
        "sectors.yaml": {"sectors": [{"slug": s, "name": draw(LINE), "description": draw(TEXT)} for s in SECTORS]},
        "clause_types.yaml": {"clause_types": [
            {"slug": c, "name": draw(LINE), "description": draw(TEXT),
             "atop_obligation": draw(st.sampled_from([None, "defense", "consul"]))} for c in CLAUSE_TYPES
        ]},
    }  # fmt: skip
    agreements, slugs = {}, []
    for index in range(draw(st.integers(1, 3))):
        slug = f"agreement-{index}"
        supersedes = draw(st.none() | st.sampled_from(slugs)) if slugs else None
        agreements[f"agreements/{slug}.yaml"] = draw(agreement(slug, draw(st.none() | DATE), supersedes))
        slugs.append(slug)
    return {**vocabularies, **agreements}


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                   HealthCheck.too_slow, HealthCheck.data_too_large])
@given(seed_set=seed_sets())
def test_generated_documents_survive_a_round_trip(databases, empty_template, tmp_path_factory, seed_set):
    workdir = tmp_path_factory.mktemp("generated")
    for name, document in seed_set.items():
        path = workdir / "in" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(yaml.safe_dump(document, allow_unicode=True, sort_keys=False), encoding="utf-8")

    first, second = round_trip(databases, empty_template, workdir / "in", workdir)

    assert first == second
    for name, document in seed_set.items():
        exported = yaml.safe_load(first[name])
        if name.startswith("agreements/"):
            # What the generator wrote is what the export says (articles below the count are added).
            assert exported["title"] == document["title"]
            assert exported["signed_on"] == document["signed_on"]
            assert exported["supersedes"] == document["supersedes"]
            assert [e["id"] for e in exported["events"]] == [e["id"] for e in document["events"]]
            listed = {a["number"]: a for a in exported["articles"]}
            for article in document["articles"]:
                assert listed[article["number"]].get("heading") == article.get("heading")
                assert listed[article["number"]].get("text") == article.get("text")
                assert sorted(t["sector"] for t in listed[article["number"]].get("sectors", [])) == sorted(
                    t["sector"] for t in article["sectors"])
            if document["article_count"]:
                assert sorted(listed) == list(range(1, document["article_count"] + 1))
        else:
            assert exported == document
