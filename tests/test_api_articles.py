"""GET /v1/articles and an agreement's articles."""
import pytest

from tests.factories import api, problem, world  # noqa: F401

CSP = "ru-ir-comprehensive-strategic-partnership-2025"
KP = "ru-kp-comprehensive-strategic-partnership-2024"


def keys(response):
    assert response.status_code == 200, response.get_data(as_text=True)
    return [(item["agreement"], item["number"]) for item in response.json["items"]]


def test_mutual_assistance_is_dprk_article_4_and_no_iran_article(api):
    assert keys(api.get("/v1/articles?clause_type=mutual-assistance")) == [(KP, 4)]


@pytest.mark.parametrize("query, expected", [
    (f"agreement={KP}", [(KP, 3), (KP, 4)]),
    (f"agreement={KP}&agreement={CSP}&sort=-agreement", [(KP, 4), (KP, 3), (CSP, 12), (CSP, 3)]),
    ("party=PRK", [(KP, 3), (KP, 4)]),
    ("party=RUS&party=IRN&sector=security", [(CSP, 3)]),
    ("sector=security&sector=military", [(KP, 3), (KP, 4)]),
    ("has_text=true", [(KP, 4)]),
    ("clause_type=non-assistance-to-aggressor", [(CSP, 3)]),
    ("sector=transport&sort=number", [("instc-agreement-2000", 1), (CSP, 12)]),
    # A tag filter in agreement order walks that tag's article keys; the other terms still hold.
    ("sector=security&sector=military&sort=-agreement", [(KP, 4), (KP, 3)]),
    ("sector=military&has_text=true", [(KP, 4)]),
    ("sector=military&has_text=false", [(KP, 3)]),
    ("clause_type=mutual-assistance&sector=security&party=PRK", [(KP, 4)]),
    ("clause_type=non-assistance-to-aggressor&has_text=false", [(CSP, 3)]),
    (f"sector=security&agreement={CSP}", [(CSP, 3)]),
])
def test_filters(api, query, expected):
    assert keys(api.get(f"/v1/articles?{query}")) == expected


def test_one_filter_shape_with_other_values_and_pages(api):
    # The statement of a page is built once per shape (which filters, how many values) and order;
    # each request binds its own values, on the first page and after a cursor alike.
    for query, expected in [("party=PRK", [(KP, 3), (KP, 4)]), ("party=IND", [("instc-agreement-2000", 1)]),
                            ("party=RUS&sector=military", [(KP, 3), (KP, 4)]),
                            ("party=IRN&sector=energy", [(CSP, 12)]),
                            ("party=RUS&clause_type=mutual-assistance", [(KP, 4)]),
                            ("party=IRN&clause_type=non-assistance-to-aggressor", [(CSP, 3)])]:
        assert keys(api.get(f"/v1/articles?{query}")) == expected
        for order, wanted in (("agreement", expected), ("-agreement", expected[::-1])):
            walked, url = [], f"/v1/articles?{query}&sort={order}&limit=1"
            while url:
                response = api.get(url)
                walked += keys(response)
                cursor = response.json["next_cursor"]
                url = f"/v1/articles?{query}&sort={order}&limit=1&cursor={cursor}" if cursor else None
            assert walked == wanted, order


def test_article_representation(api):
    body = api.get(f"/v1/agreements/{KP}/articles/4").json
    source = {"id": "kcna-treaty", "title": "DPRK-Russia Treaty on Comprehensive Strategic Partnership",
              "url": "https://kcnawatch.org/x", "publisher": "KCNA"}
    assert body == {
        "agreement": KP, "number": 4, "heading": "Mutual military assistance",
        "summary": "If one side is attacked, the other provides military and other assistance without delay.",
        "text": "Military and other assistance with all means in its possession without delay.",
        "sectors": [{"slug": "legal", "name": "Legal", "sources": [{**source, "locator": None}]},
                    {"slug": "military", "name": "Military", "sources": [{**source, "locator": None}]},
                    {"slug": "security", "name": "Security", "sources": [{**source, "locator": None}]}],
        "clause_types": [{"slug": "mutual-assistance", "name": "Mutual defence / military assistance",
                          "paragraph": None, "sources": [{**source, "locator": None}]}],
        "sources": [{**source, "locator": "Article 4"}],
        "disputes": {},
    }


def test_agreement_articles(api):
    assert keys(api.get(f"/v1/agreements/{CSP}/articles")) == [(CSP, 3), (CSP, 12)]
    assert keys(api.get(f"/v1/agreements/{CSP}/articles?sector=energy")) == [(CSP, 12)]
    response = api.get(f"/v1/agreements/{CSP}/articles?agreement={KP}")
    assert response.json == problem(response, 400, [{"name": "agreement", "reason": "Unknown parameter.", "value": KP}])


def test_unknown_article_and_agreement_are_404(api):
    response = api.get(f"/v1/agreements/{CSP}/articles/99")
    assert response.json == problem(response, 404, detail="This agreement has no article 99.")
    response = api.get("/v1/agreements/nope/articles/1")
    assert response.json == problem(response, 404, detail="No agreement has the id 'nope'.")


def test_validation(api):
    response = api.get("/v1/articles?agreement=nope&has_text=maybe")
    assert response.json == problem(response, 400, [{"name": "has_text", "reason": "Not a valid boolean.", "value": "maybe"}])
    response = api.get("/v1/articles?agreement=nope&sector=military")
    assert response.json == problem(response, 400, [{"name": "agreement", "value": "nope", "reason": "No agreement has this id."}])
    response = api.get("/v1/articles?facets=status")
    assert response.json == problem(response, 400, [{"name": "facets", "reason": "Must be one of: party, sector, clause_type.", "value": "status"}])


def test_facets(api):
    body = api.get("/v1/articles?party=RUS&facets=sector,clause_type,party").json
    assert body["facets"]["clause_type"] == [
        {"value": "consultation", "count": 1}, {"value": "mutual-assistance", "count": 1},
        {"value": "non-assistance-to-aggressor", "count": 1}]
    assert body["facets"]["party"][0] == {"value": "RUS", "count": 6}
    assert {"value": "security", "count": 3} in body["facets"]["sector"]


def test_catalogues(api):
    # Text order is the database's collation (SQLite: by code point); the set is the same on both.
    assert {p["code"] for p in api.get("/v1/parties").json["items"]} == {"IND", "IRN", "PRK", "RUS", "gazprom", "nigc"}
    parties = api.get("/v1/parties?kind=company&sort=-name").json["items"]
    assert parties == [{"code": "gazprom", "name": "PJSC Gazprom", "kind": "company", "agreement_count": 1},
                       {"code": "nigc", "name": "National Iranian Gas Company", "kind": "company", "agreement_count": 1}]
    assert api.get("/v1/parties/RUS").json == {"code": "RUS", "name": "Russian Federation", "kind": "state", "agreement_count": 5}
    assert api.get("/v1/sectors/security").json == {"slug": "security", "name": "Security", "description": "Security.",
                                                    "article_count": 3, "agreement_count": 2}
    assert api.get("/v1/clause-types/mutual-assistance").json == {
        "slug": "mutual-assistance", "name": "Mutual defence / military assistance",
        "description": "Mutual defence / military assistance.", "atop_obligation": "defense", "article_count": 1}
    assert len(api.get("/v1/sectors").json["items"]) == 7
    assert [c["slug"] for c in api.get("/v1/clause-types?sort=-slug").json["items"]] == [
        "non-assistance-to-aggressor", "mutual-assistance", "consultation"]
    assert api.get("/v1/sources/kcna-treaty").json["publisher"] == "KCNA"
    assert len(api.get("/v1/sources?kind=news").json["items"]) == 4
    for path, detail in [("/v1/parties/XXX", "No party has the code 'XXX'."),
                         ("/v1/sectors/nope", "No sector has the slug 'nope'."),
                         ("/v1/clause-types/nope", "No clause type has the slug 'nope'."),
                         ("/v1/sources/nope", "No source has the id 'nope'.")]:
        response = api.get(path)
        assert response.json == problem(response, 404, detail=detail)


def test_disputed_values_of_listed_articles_carry_their_sources(app, runner, client):
    # The seed fixtures dispute the heading of the Alpha treaty's article 4 (a wire report gives another).
    assert runner.invoke(args=["seed", "tests/seed_fixtures/good"]).exit_code == 0
    wire = {"id": "wire-report", "title": "Wire report on the signing", "url": None, "publisher": None,
            "locator": None}
    expected = {"heading": [{"value": "Final provisions", "note": None, "sources": [wire]}]}

    listed = client.get("/v1/articles?agreement=alpha-beta-treaty-2020").json["items"]
    items = {item["number"]: item for item in listed}
    assert {number: item["disputes"] for number, item in items.items()} == {1: {}, 2: {}, 3: {}, 4: expected}
    assert [source["id"] for source in items[2]["sources"]] == ["gazette-2020"]
    assert client.get("/v1/agreements/alpha-beta-treaty-2020/articles/4").json["disputes"] == expected
    # A page without disputed values reads no disputed value's sources, and still lists the articles' own.
    page = client.get("/v1/articles?agreement=alpha-beta-treaty-2020&limit=2").json["items"]
    assert [(item["number"], item["disputes"]) for item in page] == [(1, {}), (2, {})]
    assert [source["id"] for source in page[1]["sources"]] == ["gazette-2020"]
