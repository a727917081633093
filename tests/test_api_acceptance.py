"""Issue 4's acceptance checks, on the seed data (the shared seeded database)."""
import csv
import io

CSP = "ru-ir-comprehensive-strategic-partnership-2025"
KP = "ru-kp-comprehensive-strategic-partnership-2024"
BASIS = "ru-ir-basis-of-relations-2001"
RASHT = "ru-ir-rasht-astara-railway-2023"


def ids(response):
    assert response.status_code == 200, response.get_data(as_text=True)
    return [item["id"] for item in response.json["items"]]


def test_russia_iran_agreements_and_the_date_in_force(seeded_client):
    assert {CSP, BASIS, RASHT} <= set(ids(seeded_client.get("/v1/agreements?party=RUS&party=IRN")))
    assert CSP not in ids(seeded_client.get("/v1/agreements?party=RUS&party=IRN&in_force_on=2025-06-01"))
    assert CSP in ids(seeded_client.get("/v1/agreements?party=RUS&party=IRN&in_force_on=2025-11-01"))


def test_mutual_assistance_is_in_the_dprk_treaty_and_in_no_iran_one(seeded_client):
    items = seeded_client.get("/v1/articles?clause_type=mutual-assistance&limit=200").json["items"]
    assert (KP, 4) in {(i["agreement"], i["number"]) for i in items}
    iran = set(ids(seeded_client.get("/v1/agreements?party=IRN&limit=200")))
    assert not [i for i in items if i["agreement"] in iran]


def test_a_misspelt_filter_is_a_400_naming_it(seeded_client):
    response = seeded_client.get("/v1/agreements?partie=RUS")
    assert response.status_code == 400
    assert response.json["invalid_params"] == [{"name": "partie", "reason": "Unknown parameter.", "value": "RUS"}]


def test_walk_count_and_csv_agree(seeded_client):
    seen, cursor = [], None
    while True:
        body = seeded_client.get("/v1/agreements", query_string={"limit": 1, **({"cursor": cursor} if cursor else {})}).json
        seen += [i["id"] for i in body["items"]]
        cursor = body["next_cursor"]
        if not cursor:
            break
    assert len(seen) == len(set(seen)) == seeded_client.get("/v1/agreements?count=true").json["total"]
    rows = list(csv.DictReader(io.StringIO(seeded_client.get("/v1/agreements?format=csv").get_data(as_text=True))))
    assert [r["id"] for r in rows] == seen


def test_etag_search_and_compare(seeded_client):
    first = seeded_client.get(f"/v1/agreements/{CSP}")
    assert seeded_client.get(f"/v1/agreements/{CSP}", headers={"If-None-Match": first.headers["ETag"]}).status_code == 304
    hits = seeded_client.get("/v1/articles?q=assistance").json["items"]
    assert hits and all("<mark>" in (h["snippet"] or "") for h in hits)
    rows = seeded_client.get(f"/v1/compare?agreements={KP},{CSP}").json["rows"]
    mutual = next(r for r in rows if r["kind"] == "clause_type" and r["slug"] == "mutual-assistance")
    assert 4 in mutual["articles"][KP] and mutual["articles"][CSP] == []
    non_assistance = next(r for r in rows if r["slug"] == "non-assistance-to-aggressor")
    assert 3 in non_assistance["articles"][CSP]
