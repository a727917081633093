"""Bad seed files: each error names file:line and field, every error is reported at once, nothing is written."""
from __future__ import annotations

import json

import pytest

from tests.seed_fixtures.helpers import ALPHA, GOOD, copy_good, dump, edit, line_of

ALPHA_ARTICLE_2 = "  - number: 2\n    heading: Mutual assistance\n"

# (what is broken, the edit, the line to find the error on, field path, message)
BAD_FILES = [
    ("yaml syntax", ("heading: Mutual assistance", "heading: Mutual: assistance"),
     "Mutual: assistance", "syntax", "mapping values are not allowed in this context."),
    ("unknown party code", ("{party: BBB, role: party}", "{party: ZZZ, role: party}"),
     "party: ZZZ", "parties.1.party", "Unknown party code 'ZZZ'."),
    ("unknown sector", ("{sector: military, sources", "{sector: navy, sources"),
     "sector: navy", "articles.0.sectors.0.sector", "Unknown sector 'navy'."),
    ("unknown clause type", ("{clause_type: entry-into-force,", "{clause_type: final-clauses,"),
     "final-clauses", "articles.1.clause_types.0.clause_type", "Unknown clause type 'final-clauses'."),
    ("unknown source", ("  - {source: wire-report}\ndisputes:", "  - {source: wire-rapport}\ndisputes:"),
     "wire-rapport", "sources.1.source", "Unknown source 'wire-rapport'."),
    ("duplicate article number", ("  - number: 4\n", "  - number: 2  # the second article 2\n"),
     "the second article 2", "articles.1.number", "Duplicate number '2'."),
    ("event before signature", ("date: 2020-04-01", "date: 2019-12-31"),
     "date: 2019-12-31", "events.0.date", "Before the signature (2020-03-01)."),
    ("article above the count", ("  - number: 4\n", "  - number: 5\n"),
     "number: 5", "articles.1.number", "Above the article count (4)."),
    ("wrong type", ("article_count: 4", "article_count: four"),
     "article_count: four", "article_count", "Not a valid integer."),
    ("wrong type of date", ("signed_on: 2020-03-01", "signed_on: 1 March 2020"),
     "signed_on: 1 March", "signed_on", "Not a valid date."),
    ("agreement without a source", ("sources:\n  - {source: gazette-2020, field: article_count, locator: page 1}\n  - {source: wire-report}\n",
                                    "sources: []  # none\n"),
     "# none", "sources", "Needs at least one source."),
    ("event without a source", ("    acting_body: Alpha Parliament\n    note: null\n    sources: [{source: gazette-2020}]\n",
                                "    acting_body: Alpha Parliament\n    note: null\n"),
     "- id: aaa-ratification", "events.0.sources", "Needs at least one source."),
    ("article subject without a source", (ALPHA_ARTICLE_2 + "    summary: Each party assists the other if attacked.\n    sources: [{source: gazette-2020}]\n",
                                          ALPHA_ARTICLE_2 + "    summary: Each party assists the other if attacked.\n"),
     "- number: 2", "articles.0.sources", "Needs at least one source when the heading or summary is given."),
    ("sector tag without a source", ("{sector: military, sources: [{source: gazette-2020}]}", "{sector: military, sources: []}"),
     "sector: military", "articles.0.sectors.0.sources", "Needs at least one source."),
    ("alternative without a source", ("note: Local calendar\n      sources: [{source: wire-report}]\n", "note: Local calendar\n"),
     'value: "2020-02-29"', "disputes.signed_on.0.sources", "Needs at least one source."),
    ("unknown field", ("signed_at: Alphaville", "signed_in: Alphaville"),
     "signed_in", "signed_in", "Unknown field."),
    ("term years without a fixed term", ("term: fixed", "term: indefinite"),
     "term_years: 20", "term_years", "Must be null unless the term is fixed."),
    ("date without precision", ("    precision: month\n", ""),
     "- id: aaa-ratification", "events.0.precision", "Required when the date is known."),
    ("bad choice", ("status: in_force", "status: ratified"),
     "status: ratified", "status",
     "Must be one of: negotiated, signed, in_force, superseded, terminated, expired."),
]  # fmt: skip


@pytest.fixture
def seeded(app, runner):
    """A database that already holds the good seed set, so that 'unchanged' means something."""
    result = runner.invoke(args=["seed", str(GOOD)])
    assert result.exit_code == 0, result.output
    return dump(app)


@pytest.mark.parametrize(("edit_", "fragment", "path", "message"), [case[1:] for case in BAD_FILES],
                         ids=[case[0] for case in BAD_FILES])  # fmt: skip
def test_a_bad_file_is_reported_at_its_line_and_nothing_is_written(
    app, runner, tmp_path, seeded, edit_, fragment, path, message
):
    seeds = copy_good(tmp_path)
    bad = edit(seeds / ALPHA, *edit_)
    # Another change that would be written, were the import not refused as a whole.
    edit(seeds / "parties.yaml", "name: Kingdom of Beta", "name: Beta")

    result = runner.invoke(args=["seed", str(seeds)])

    assert result.exit_code == 1, result.output
    assert f"{bad}:{line_of(bad, fragment)}: {path}: {message}\n" in result.output
    assert "1 error; nothing was written." in result.output
    assert dump(app) == seeded


def test_every_error_is_reported_at_once(app, runner, tmp_path, seeded):
    seeds = copy_good(tmp_path)
    alpha = edit(seeds / ALPHA, "{party: BBB, role: party}", "{party: ZZZ, role: party}")
    edit(alpha, "date: 2020-04-01", "date: 2019-12-31")
    edit(alpha, "  - number: 4\n", "  - number: 5\n")
    sectors = edit(seeds / "sectors.yaml", "name: Energy,", "name: Energy, colour: black,")
    gamma = edit(seeds / "agreements/gamma-gas-memorandum-2021.yaml", "kind: memorandum", "kind: memo")

    result = runner.invoke(args=["seed", str(seeds)])

    assert result.exit_code == 1
    errors = [line for line in result.output.splitlines() if line.startswith(str(seeds))]
    assert errors == [
        f"{alpha}:{line_of(alpha, 'party: ZZZ')}: parties.1.party: Unknown party code 'ZZZ'.",
        f"{alpha}:{line_of(alpha, 'date: 2019-12-31')}: events.0.date: Before the signature (2020-03-01).",
        f"{alpha}:{line_of(alpha, 'number: 5')}: articles.1.number: Above the article count (4).",
        f"{gamma}:{line_of(gamma, 'kind: memo')}: kind: Must be one of: treaty, agreement, memorandum, protocol, "
        "convention, declaration, contract.",
        f"{sectors}:{line_of(sectors, 'colour')}: sectors.2.colour: Unknown field.",
    ]
    assert "5 errors; nothing was written." in result.output
    assert dump(app) == seeded


def test_an_agreement_file_is_named_after_its_id(runner, tmp_path):
    seeds = copy_good(tmp_path)
    moved = seeds / "agreements/alpha.yaml"
    (seeds / ALPHA).rename(moved)

    result = runner.invoke(args=["seed", str(seeds)])

    assert result.exit_code == 1
    assert (f"{moved}:1: id: The file must be named after the agreement: alpha-beta-treaty-2020.yaml."
            in result.output)  # fmt: skip


def test_a_jsonl_error_names_the_line_of_the_document(app, runner, tmp_path):
    seeds = copy_good(tmp_path)
    for path in (seeds / "agreements").iterdir():
        path.unlink()
    good = {"id": "a", "title": "A", "kind": "treaty", "status": "signed", "sources": [{"source": "wire-report"}]}
    bad = dict(good, id="b", article_count=2, articles=[{"number": 3}])
    lines = [json.dumps(good), "", json.dumps(bad), "{not json"]
    bulk = seeds / "bulk.jsonl"
    bulk.write_text("\n".join(lines) + "\n", encoding="utf-8")
    before = dump(app)

    result = runner.invoke(args=["seed", str(seeds)])

    assert result.exit_code == 1
    assert f"{bulk}:3: articles.0.number: Above the article count (2).\n" in result.output
    assert f"{bulk}:4: syntax: Expecting property name enclosed in double quotes (column 2).\n" in result.output
    assert dump(app) == before


def test_json_lines_read_as_the_standard_library_reads_them():
    from api.seeding.reading import _parse_jsonl

    lines = ['{"id": "a", "title": "\\u00e9", "n": 1.5}', '{"big": 123456789012345678901234567890, "x": NaN}',
             '{"id": "b",}']
    documents, errors = _parse_jsonl("bulk.jsonl", "\n".join(lines))

    assert [d.data for d in documents][0] == {"id": "a", "title": "\u00e9", "n": 1.5}
    assert documents[1].data["big"] == 123456789012345678901234567890  # beyond orjson's 64 bits
    assert documents[1].data["x"] != documents[1].data["x"]  # NaN, as json.loads reads it
    assert [(e.line, e.message) for e in errors] == [
        (3, "Expecting property name enclosed in double quotes (column 12).")]


def test_a_missing_path_is_an_error(runner, tmp_path):
    result = runner.invoke(args=["seed", str(tmp_path / "nowhere")])

    assert result.exit_code == 1
    assert f"{tmp_path / 'nowhere'}:0: path: No such file or directory." in result.output
