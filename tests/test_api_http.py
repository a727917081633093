"""Pagination, ETags, caching, HEAD, CORS, CSV, and a bounded number of statements per list."""
import csv
import io

import pytest
from sqlalchemy import event

from api.db import get_engine
from tests.factories import api, build_world, many_articles, problem, world  # noqa: F401

LISTS = ["/v1/agreements", "/v1/articles", "/v1/parties", "/v1/sectors", "/v1/clause-types", "/v1/sources",
         "/v1/agreements/ru-ir-comprehensive-strategic-partnership-2025/events",
         "/v1/agreements/ru-kp-comprehensive-strategic-partnership-2024/articles",
         "/v1/parties/RUS/agreements"]


def walk(client, path, **query):
    seen, cursor, pages = [], None, 0
    while True:
        response = client.get(path, query_string={**query, **({"cursor": cursor} if cursor else {})})
        assert response.status_code == 200, response.get_data(as_text=True)
        body = response.json
        seen += body["items"]
        pages += 1
        cursor = body["next_cursor"]
        if cursor:
            assert response.headers["Link"].endswith('>; rel="next"')
            assert f"cursor={cursor}" in response.headers["Link"]
        else:
            assert "Link" not in response.headers
            return seen, pages


@pytest.mark.parametrize("path", LISTS)
def test_a_walk_with_limit_1_sees_every_row_once(api, path):
    everything = api.get(path, query_string={"limit": 200, "count": "true"}).json
    seen, pages = walk(api, path, limit=1)
    assert seen == everything["items"]
    assert pages == len(seen) == everything["total"]


@pytest.mark.parametrize("sort", ["id", "-id", "signed_on", "-signed_on", "entered_into_force_on",
                                  "-entered_into_force_on", "title", "-title"])
def test_every_agreement_sort_walks_cleanly(api, sort):
    everything = api.get("/v1/agreements", query_string={"sort": sort}).json["items"]
    seen, _ = walk(api, "/v1/agreements", sort=sort, limit=2)
    assert seen == everything and len(seen) == 6


def test_a_tampered_cursor_is_a_400(api):
    cursor = api.get("/v1/agreements?limit=1").json["next_cursor"]
    tampered = cursor[:-2] + ("A" if cursor[-2] != "A" else "B") + cursor[-1]
    for bad in (tampered, "not-a-cursor", "!!!", "e30"):
        response = api.get("/v1/agreements", query_string={"limit": 1, "cursor": bad})
        assert response.json == problem(response, 400, [
            {"name": "cursor", "value": bad, "reason": "Not a cursor this API issued; start again without it."}])
    response = api.get("/v1/agreements", query_string={"sort": "-id", "cursor": cursor})
    assert response.json == problem(response, 400, [{"name": "cursor", "value": cursor,
        "reason": "This cursor belongs to sort=id; keep the sort of the first page."}])


def test_limit_bounds(api):
    assert len(api.get("/v1/articles").json["items"]) == 6  # default 50
    for bad in ("0", "201", "x"):
        response = api.get("/v1/articles", query_string={"limit": bad})
        assert response.status_code == 400 and response.json["invalid_params"][0]["name"] == "limit"


def test_etag_round_trip_gives_304(api):
    for path in ["/v1/agreements?party=RUS", "/v1/agreements/instc-agreement-2000", "/v1/sectors/military",
                 "/v1/compare?agreements=instc-agreement-2000,ru-ir-basis-of-relations-2001"]:
        first = api.get(path)
        etag = first.headers["ETag"]
        assert etag.startswith('"') and not etag.startswith("W/")
        assert first.headers["Cache-Control"] == "public, max-age=60"
        again = api.get(path, headers={"If-None-Match": etag})
        assert again.status_code == 304 and again.get_data() == b""
        assert again.headers["ETag"] == etag
        assert api.get(path, headers={"If-None-Match": '"other"'}).status_code == 200


def test_head_answers_headers_only(api):
    get = api.get("/v1/agreements")
    head = api.head("/v1/agreements")
    assert head.status_code == 200 and head.get_data() == b""
    assert head.headers["ETag"] == get.headers["ETag"]


def test_cors_allows_any_origin(api):
    response = api.get("/v1/parties", headers={"Origin": "https://example.org"})
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert "ETag" in response.headers["Access-Control-Expose-Headers"]
    problem_response = api.get("/v1/parties?x=1", headers={"Origin": "https://example.org"})
    assert problem_response.headers["Access-Control-Allow-Origin"] == "*"
    preflight = api.options("/v1/agreements", headers={"Origin": "https://example.org",
                                                      "Access-Control-Request-Method": "GET"}, spec_check=False)
    assert preflight.headers["Access-Control-Allow-Origin"] == "*"
    assert "GET" in preflight.headers["Access-Control-Allow-Methods"]


def test_csv_streams_every_row_of_the_filter(api):
    response = api.get("/v1/agreements?format=csv&party=RUS")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert response.is_streamed
    text = response.get_data(as_text=True)
    assert text.endswith("\r\n")
    rows = list(csv.DictReader(io.StringIO(text)))
    json_items = api.get("/v1/agreements?party=RUS").json["items"]
    assert [r["id"] for r in rows] == [i["id"] for i in json_items]
    csp = next(r for r in rows if r["id"] == "ru-ir-comprehensive-strategic-partnership-2025")
    assert csp["parties"] == "RUS; IRN"
    assert csp["sectors"] == "energy; finance; security; transport"
    assert csp["term_years"] == "20" and csp["ended_on"] == ""
    by_accept = api.get("/v1/agreements?party=RUS", headers={"Accept": "text/csv"})
    assert by_accept.mimetype == "text/csv" and by_accept.get_data(as_text=True) == text


def test_csv_quotes_per_rfc_4180(api):
    text = api.get("/v1/articles?format=csv&clause_type=mutual-assistance").get_data(as_text=True)
    header, row = text.split("\r\n")[:2]
    assert header == "agreement,number,heading,summary,text,sectors,clause_types,sources"
    assert row == ('ru-kp-comprehensive-strategic-partnership-2024,4,Mutual military assistance,'
                   '"If one side is attacked, the other provides military and other assistance without delay.",'
                   'Military and other assistance with all means in its possession without delay.,'
                   'legal; military; security,mutual-assistance,kcna-treaty')


def test_csv_refuses_paging_parameters(api):
    response = api.get("/v1/agreements?format=csv&count=true")
    assert response.json == problem(response, 400, [{"name": "count", "value": "true",
        "reason": "CSV carries every row of the filter; leave this parameter out."}])


def test_csv_crosses_internal_batches(app):
    ids = build_world(app)
    many_articles(app, ids["instc"], 1203, sector_id=ids["trade"])
    client = app.test_client()
    text = client.get("/v1/articles?format=csv&sector=trade").get_data(as_text=True)
    rows = list(csv.reader(io.StringIO(text)))
    assert len(rows) == 1 + 1203
    assert len({(r[0], r[1]) for r in rows[1:]}) == 1203


def _statements(app, client, path):
    with app.app_context():
        engine = get_engine()
    count = 0

    def counter(*_args, **_kwargs):
        nonlocal count
        count += 1

    event.listen(engine, "before_cursor_execute", counter)
    try:
        response = client.get(path)
        assert response.status_code == 200, response.get_data(as_text=True)
    finally:
        event.remove(engine, "before_cursor_execute", counter)
    return count


@pytest.mark.parametrize("path", [
    "/v1/articles?sector=trade&party=RUS", "/v1/agreements?party=RUS", "/v1/parties", "/v1/sectors",
    "/v1/articles?q=cooperation&party=RUS", "/v1/articles?q=cooperation&sort=agreement",
    "/v1/agreements/instc-agreement-2000/events", "/v1/sources", "/v1/clause-types",
    "/v1/agreements/instc-agreement-2000/articles",
])
def test_statements_per_list_do_not_grow_with_the_page(app, path):
    ids = build_world(app)
    many_articles(app, ids["instc"], 120, sector_id=ids["trade"])
    client = app.test_client()
    small = _statements(app, client, f"{path}{'&' if '?' in path else '?'}limit=2")
    large = _statements(app, client, f"{path}{'&' if '?' in path else '?'}limit=200")
    assert small == large, (small, large)
    assert large <= 8


@pytest.mark.parametrize("query", [{"party": "RUS"}, {"party": "RUS", "sort": "-agreement"},
                                   {"party": "IRN", "sector": "security"}, {"sort": "-number"}])
def test_article_walks_with_a_party_see_every_row_once(api, query):
    everything = api.get("/v1/articles", query_string={**query, "limit": 200}).json["items"]
    seen, pages = walk(api, "/v1/articles", limit=1, **query)
    assert seen == everything and pages == len(everything) > 0


@pytest.mark.parametrize("read", ["whole", "abandoned"])
def test_csv_downloads_give_their_connection_back(world, read):
    # A streamed body is read after the request's teardown; each download,
    # finished or dropped by the client, must still return its pooled connection.
    client = world.test_client()
    for _ in range(20):
        response = client.get("/v1/articles?format=csv")
        assert response.status_code == 200
        if read == "whole":
            response.get_data()
        else:
            next(iter(response.response))
        response.close()
    with world.app_context():
        assert get_engine().pool.checkedout() == 0
    assert client.get("/v1/agreements?limit=1").status_code == 200


def test_requests_without_a_query_keep_their_own_answers(api):
    # The defaults of an empty query are worked out once per route; each request still gets its own.
    first = api.get("/v1/articles")
    assert first.status_code == 200 and len(first.json["items"]) == 6
    assert api.get("/v1/articles?limit=1").json["items"] == first.json["items"][:1]
    assert api.get("/v1/articles").json == first.json
    for _ in range(2):  # a required parameter missing is named every time, never remembered as an answer
        missing = api.get("/v1/compare")
        assert missing.status_code == 400 and missing.json["invalid_params"][0]["name"] == "agreements"
