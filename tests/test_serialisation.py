"""The compiled JSON serialiser gives, byte for byte, what marshmallow's dump gives."""
import datetime
import json

import pytest
from marshmallow import Schema, fields

from api import jsonbody, renderings

AGREEMENTS = ["gazprom-nigc-gas-memorandum-2024", "instc-agreement-2000", "ru-ir-basis-of-relations-2001",
              "ru-ir-comprehensive-strategic-partnership-2025", "ru-ir-rasht-astara-railway-2023",
              "ru-kp-comprehensive-strategic-partnership-2024"]
PATHS = [
    "/v1/agreements?count=true&facets=party,status,kind,sector,clause_type",
    "/v1/articles?limit=200&count=true&facets=sector,clause_type,party",
    "/v1/articles?q=assistance&limit=50",
    "/v1/parties?limit=200", "/v1/parties/RUS/agreements?facets=sector",
    "/v1/sectors", "/v1/clause-types", "/v1/sources?limit=200",
    "/v1/agreements/ru-kp-comprehensive-strategic-partnership-2024/articles/4",
    "/v1/agreements/ru-ir-comprehensive-strategic-partnership-2025/articles/3",
    *(f"/v1/agreements/{slug}" for slug in AGREEMENTS),
    *(f"/v1/agreements/{slug}/events" for slug in AGREEMENTS),
    *(f"/v1/agreements/{slug}/articles?limit=200" for slug in AGREEMENTS),
]


@pytest.mark.parametrize("path", PATHS)
def test_served_json_matches_marshmallow(seeded_client, monkeypatch, path):
    fast = seeded_client.get(path)
    assert fast.status_code == 200, fast.get_data(as_text=True)
    monkeypatch.setattr(jsonbody, "compiled", lambda schema: schema().dump)
    monkeypatch.setattr(renderings, "code_key", lambda: "another release")  # stored documents: not current
    slow = seeded_client.get(path)
    assert fast.get_data() == slow.get_data()


class Inner(Schema):
    day = fields.Date()
    label = fields.String()


class Outer(Schema):
    id = fields.Integer()
    share = fields.Float()
    inner = fields.Nested(Inner, allow_none=True)
    days = fields.List(fields.Date())
    counts = fields.Dict(keys=fields.String(), values=fields.Integer())


class Renamed(Outer):
    renamed = fields.String(data_key="alias")  # no compiled form: marshmallow's own dump serves it


@pytest.mark.parametrize("body", [
    {},
    {"id": 3, "share": 1, "inner": None, "days": None, "counts": None},
    {"id": True, "share": 0.5, "inner": {"day": datetime.date(2025, 1, 17), "label": 7, "extra": "dropped"},
     "days": [datetime.date(2024, 6, 19)], "counts": {"a": 1, 2: 3}, "unknown": "dropped"},
    {"inner": {"day": None}, "renamed": "x"},
])
def test_compiled_dump_equals_schema_dump(body):
    assert not hasattr(jsonbody.compiled(Outer), "__self__")  # compiled, not a bound Schema.dump
    assert isinstance(jsonbody.compiled(Renamed).__self__, Renamed)
    assert jsonbody.compiled(Outer)(body) == Outer().dump(body)
    assert jsonbody.compiled(Renamed)(body) == Renamed().dump(body)
    assert jsonbody.compiled(Inner)(body.get("inner") or {}) == Inner().dump(body.get("inner") or {})


def test_json_is_utf8_text_that_parses_to_the_same_values(seeded_client):
    response = seeded_client.get("/v1/agreements/instc-agreement-2000")
    assert response.mimetype == "application/json"
    assert "North–South".encode() in response.get_data()  # the character itself, not a \u escape
    assert response.get_json()["title"].endswith("North–South Transport Corridor")


def test_values_the_encoder_does_not_know_go_through_flask_default(app):
    with app.app_context():
        encoded = app.json.dumps({"day": datetime.date(2025, 1, 17), "n": 1.5, "text": "Москва"})
        assert json.loads(encoded) == {"day": "Fri, 17 Jan 2025 00:00:00 GMT", "n": 1.5, "text": "Москва"}
        assert "Москва" in encoded
