"""GET /v1/agreements and one agreement: filters, validation, representation."""
import pytest

from tests.factories import api, problem, world  # noqa: F401

CSP = "ru-ir-comprehensive-strategic-partnership-2025"
KP = "ru-kp-comprehensive-strategic-partnership-2024"
BASIS = "ru-ir-basis-of-relations-2001"
INSTC = "instc-agreement-2000"
RASHT = "ru-ir-rasht-astara-railway-2023"
GAS = "gazprom-nigc-gas-memorandum-2024"


def ids(response):
    assert response.status_code == 200, response.get_data(as_text=True)
    return [item["id"] for item in response.json["items"]]


def test_all_agreements_in_id_order(api):
    assert ids(api.get("/v1/agreements")) == sorted([CSP, KP, BASIS, INSTC, RASHT, GAS])


@pytest.mark.parametrize("query, expected", [
    ("party=RUS&party=IRN", [INSTC, BASIS, CSP, RASHT]),
    ("party_any=PRK&party_any=IND", [INSTC, KP]),
    ("party=RUS&party=IRN&in_force_on=2025-06-01", [INSTC, BASIS]),
    ("party=RUS&party=IRN&in_force_on=2025-11-01", [INSTC, CSP]),
    ("sector=transport", [INSTC, CSP]),
    ("sector=finance", [CSP]),  # an agreement-level sector counts
    ("sector=military&sector=legal", [KP]),
    ("clause_type=mutual-assistance", [KP]),
    ("kind=memorandum&kind=agreement", [GAS, INSTC, RASHT]),
    ("status=superseded", [BASIS]),
    ("signed_from=2024-01-01&signed_to=2024-12-31", [GAS, KP]),
    ("party=RUS&sort=-signed_on", [CSP, KP, RASHT, BASIS, INSTC]),
    ("sort=entered_into_force_on", [BASIS, INSTC, KP, CSP, RASHT, GAS]),  # unknown last, by id
])
def test_filters(api, query, expected):
    assert ids(api.get(f"/v1/agreements?{query}")) == expected


def test_unknown_parameter_is_a_400_naming_it(api):
    response = api.get("/v1/agreements?partie=RUS")
    assert response.status_code == 400
    assert response.mimetype == "application/problem+json"
    assert response.json == problem(response, 400, [{"name": "partie", "reason": "Unknown parameter.", "value": "RUS"}])


def test_names_that_match_nothing_are_a_400(api):
    response = api.get("/v1/agreements?party=RUS&party=XXX&clause_type=nope")
    assert response.json == problem(response, 400, [
        {"name": "party", "value": "XXX", "reason": "No party has this code."},
        {"name": "clause_type", "value": "nope", "reason": "No clause type has this slug."},
    ])


def test_invalid_values_are_a_400(api):
    response = api.get("/v1/agreements?in_force_on=2025-02-30&kind=pact&limit=201")
    expected = [
        {"name": "in_force_on", "reason": "Not a valid date.", "value": "2025-02-30"},
        {"name": "kind", "reason": "Must be one of: treaty, agreement, memorandum, protocol, convention, declaration, contract.", "value": "pact"},
        {"name": "limit", "reason": "Must be greater than or equal to 1 and less than or equal to 200.", "value": "201"},
    ]
    body = response.json
    body["invalid_params"].sort(key=lambda p: p["name"])
    assert body == {**problem(response, 400, expected), "detail": body["detail"]}
    assert sorted(body["detail"].split("; ")) == sorted(f"{p['name']}: {p['reason']}" for p in expected)


def test_a_repeated_single_valued_parameter_is_a_400(api):
    response = api.get("/v1/agreements?sort=id&sort=-id")
    assert response.json == problem(response, 400, [
        {"name": "sort", "reason": "Give this parameter once; it was repeated.", "value": ["id", "-id"]}])


def test_sort_outside_the_allow_list_is_a_400(api):
    response = api.get("/v1/agreements?sort=slug")
    assert response.json["invalid_params"][0]["name"] == "sort"
    assert response.json["invalid_params"][0]["value"] == "slug"


def test_relevance_without_a_query_is_a_400(api):
    response = api.get("/v1/agreements?sort=relevance")
    assert response.json == problem(response, 400, [
        {"name": "sort", "value": "relevance", "reason": "relevance needs a search query q."}])


def test_detail(api):
    response = api.get(f"/v1/agreements/{CSP}")
    assert response.status_code == 200
    body = response.json
    assert body["id"] == CSP
    assert body["signed_on"] == "2025-01-17"
    assert body["term_years"] == 20
    assert body["article_count"] == 47
    assert body["supersedes"] == BASIS
    assert [p["code"] for p in body["parties"]] == ["RUS", "IRN"]
    assert body["parties"][0]["events"][0]["id"] == "rus-state-duma"
    assert body["parties"][0]["events"][0]["sources"][0]["id"] == "tass-1940345"
    assert body["events"][0]["kind"] == "entry_into_force"
    sectors = {s["slug"]: s for s in body["sectors"]}
    assert sectors["transport"]["articles"] == [12]
    assert sectors["finance"]["articles"] == [] and sectors["finance"]["sources"][0]["locator"] == "Reuters summary"
    assert body["disputes"] == {"signed_on": [{"value": "2025-01-16", "note": "Persian date 27 Dey 1403", "sources": [
        {"id": "iribnews-5585040", "title": "IRIB report on the signing", "url": None, "publisher": "IRIB", "locator": None}]}]}
    assert {"id": "tass-1940345", "title": "Russia-Iran treaty not aimed against third countries",
            "url": "https://tass.com/politics/1940345", "publisher": "TASS", "locator": "Rudenko to the State Duma",
            "field": "article_count"} in body["sources"]
    assert api.get(f"/v1/agreements/{BASIS}").json["superseded_by"] == [CSP]
    assert api.get(f"/v1/agreements/{KP}").json["term_years"] is None


def test_unknown_agreement_is_a_404(api):
    response = api.get("/v1/agreements/no-such-treaty")
    assert response.json == problem(response, 404, detail="No agreement has the id 'no-such-treaty'.")


def test_detail_rejects_query_parameters(api):
    response = api.get(f"/v1/agreements/{CSP}?limit=3")
    assert response.json == problem(response, 400, [{"name": "limit", "reason": "Unknown parameter.", "value": "3"}])


def test_events(api):
    body = api.get(f"/v1/agreements/{CSP}/events").json
    assert [(e["id"], e["party"], e["date"]) for e in body["items"]] == [
        ("rus-state-duma", "RUS", "2025-04-08"), ("entry-into-force", None, "2025-10-02")]
    assert body["next_cursor"] is None
    response = api.get("/v1/agreements/nope/events")
    assert response.json == problem(response, 404, detail="No agreement has the id 'nope'.")


def test_party_agreements(api):
    assert ids(api.get("/v1/parties/PRK/agreements")) == [KP]
    assert ids(api.get("/v1/parties/IRN/agreements?in_force_on=2025-11-01")) == [INSTC, CSP]
    response = api.get("/v1/parties/XXX/agreements")
    assert response.json == problem(response, 404, detail="No party has the code 'XXX'.")


def test_facets_count_under_the_filters(api):
    body = api.get("/v1/agreements?party=RUS&facets=party,status,kind,sector,clause_type&count=true").json
    assert body["total"] == 5
    assert body["facets"] == {
        "party": [{"value": "RUS", "count": 5}, {"value": "IRN", "count": 4}, {"value": "IND", "count": 1},
                  {"value": "PRK", "count": 1}],
        "status": [{"value": "in_force", "count": 3}, {"value": "signed", "count": 1}, {"value": "superseded", "count": 1}],
        "kind": [{"value": "treaty", "count": 3}, {"value": "agreement", "count": 2}],
        "sector": [{"value": "security", "count": 2}, {"value": "transport", "count": 2}, {"value": "energy", "count": 1},
                   {"value": "finance", "count": 1}, {"value": "legal", "count": 1}, {"value": "military", "count": 1}],
        "clause_type": [{"value": "consultation", "count": 1}, {"value": "mutual-assistance", "count": 1},
                        {"value": "non-assistance-to-aggressor", "count": 1}],
    }


def test_compare_shows_the_mutual_assistance_difference(api):
    body = api.get(f"/v1/compare?agreements={KP},{CSP}").json
    assert body["agreements"] == [KP, CSP]
    rows = {(r["kind"], r["slug"]): r for r in body["rows"]}
    assert rows[("clause_type", "mutual-assistance")]["articles"] == {KP: [4], CSP: []}
    assert rows[("clause_type", "non-assistance-to-aggressor")]["articles"] == {KP: [], CSP: [3]}
    assert rows[("sector", "finance")]["in_agreement"] == {KP: False, CSP: True}
    assert len(body["rows"]) == 7 + 3


def test_compare_validates(api):
    response = api.get("/v1/compare?agreements=nope,other")
    assert response.json == problem(response, 400, [
        {"name": "agreements", "value": "nope", "reason": "No agreement has this id."},
        {"name": "agreements", "value": "other", "reason": "No agreement has this id."}])
    response = api.get(f"/v1/compare?agreements={KP}")
    assert response.json == problem(response, 400, [
        {"name": "agreements", "reason": "Length must be between 2 and 10.", "value": KP}])
    response = api.get("/v1/compare")
    assert response.json == problem(response, 400, [
        {"name": "agreements", "reason": "Missing data for required field."}])
