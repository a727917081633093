"""The seed schemas' fast path agrees with marshmallow: whatever it accepts, marshmallow
accepts as the same value; whatever it doubts, marshmallow reports."""
from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from marshmallow import ValidationError

from schemas.seed import (
    AgreementSchema,
    ArticleSchema,
    EventSchema,
    PartyLinkSchema,
    References,
    _accept_article,
    _accept_event,
    _accept_party_link,
    references,
)

KNOWN = References(sources={"s1", "s2"}, parties={"AAA"}, sectors={"trade", "energy"}, clause_types={"consultation"})

# Values of every type a YAML or JSON document may hold, valid ones over-represented.
ANY = st.none() | st.booleans() | st.integers(-2, 40) | st.text(max_size=3) | st.just([]) | st.just({})
SOURCE = st.sampled_from(["s1", "s2", "nope"]) | ANY
CITATION = st.fixed_dictionaries(
    {"source": SOURCE}, optional={"locator": st.none() | st.text(max_size=5) | ANY, "extra": ANY}
) | ANY  # fmt: skip
CITATIONS = st.lists(CITATION, max_size=2) | ANY
SECTOR_TAG = st.fixed_dictionaries(
    {"sector": st.sampled_from(["trade", "energy", "navy"]) | ANY, "sources": CITATIONS}, optional={"note": ANY}
) | ANY  # fmt: skip
CLAUSE_TAG = st.fixed_dictionaries(
    {"clause_type": st.sampled_from(["consultation", "other"]) | ANY, "sources": CITATIONS},
    optional={"paragraph": st.none() | st.text(max_size=40) | ANY},
) | ANY  # fmt: skip
ARTICLE = st.fixed_dictionaries(
    {"number": st.integers(-1, 50) | ANY},
    optional={
        "heading": st.none() | st.text(max_size=5) | ANY, "summary": st.none() | st.text(max_size=5) | ANY,
        "text": st.none() | st.text(max_size=5) | ANY, "sources": CITATIONS,
        "sectors": st.lists(SECTOR_TAG, max_size=3) | ANY, "clause_types": st.lists(CLAUSE_TAG, max_size=2) | ANY,
        "disputes": st.just({}) | ANY, "colour": ANY,
    },
)  # fmt: skip


@settings(max_examples=3000)
@given(article=ARTICLE)
def test_whatever_the_fast_path_accepts_marshmallow_accepts_alike(article):
    with references(KNOWN):
        fast = _accept_article(article)
        try:
            slow = ArticleSchema().load(article)
        except ValidationError:
            slow = None
    if fast is not None:
        assert slow == fast


def test_the_fast_path_takes_the_usual_article():
    article = {
        "number": 3, "heading": "Consultations", "summary": None, "text": "The parties consult.",
        "sources": [{"source": "s1", "locator": "Article 3"}],
        "sectors": [{"sector": "trade", "sources": [{"source": "s2"}]}],
        "clause_types": [{"clause_type": "consultation", "paragraph": "1", "sources": [{"source": "s1"}]}],
    }  # fmt: skip
    with references(KNOWN):
        assert _accept_article(article) is not None


def test_a_doubtful_list_is_reported_by_marshmallow():
    document = {
        "id": "a", "title": "A", "kind": "treaty", "status": "signed", "sources": [{"source": "s1"}],
        "articles": [{"number": 1}, {"number": 2, "sectors": [{"sector": "navy", "sources": [{"source": "s9"}]}]}],
    }  # fmt: skip
    with references(KNOWN), pytest.raises(ValidationError) as raised:
        AgreementSchema().load(document)
    assert raised.value.messages == {"articles": {1: {"sectors": {0: {
        "sector": ["Unknown sector 'navy'."], "sources": {0: {"source": ["Unknown source 's9'."]}},
    }}}}}  # fmt: skip


DATE = st.none() | st.dates().map(lambda d: d.isoformat()) | st.dates() | st.datetimes() | st.text(max_size=10) | ANY
EVENT = st.fixed_dictionaries(
    {"id": st.text(max_size=3) | ANY, "kind": st.sampled_from(["signature", "ratification", "party"]) | ANY,
     "sources": CITATIONS},
    optional={
        "party": st.none() | st.sampled_from(["AAA", "BBB"]) | ANY, "date": DATE,
        "precision": st.none() | st.sampled_from(["day", "month", "year", "hour"]) | ANY,
        "acting_body": st.none() | st.text(max_size=5) | ANY, "note": st.none() | st.text(max_size=5) | ANY,
        "disputes": st.just({}) | ANY, "colour": ANY,
    },
)  # fmt: skip
PARTY_LINK = st.fixed_dictionaries(
    {"party": st.sampled_from(["AAA", "BBB"]) | ANY},
    optional={"role": st.sampled_from(["party", "signatory", "host"]) | ANY, "note": st.none() | st.text(max_size=5) | ANY,
              "colour": ANY},
)  # fmt: skip


@pytest.mark.parametrize(
    "accept, schema, strategy",
    [(_accept_event, EventSchema, EVENT), (_accept_party_link, PartyLinkSchema, PARTY_LINK)],
    ids=["event", "party"],
)
def test_the_event_and_party_fast_paths_agree_with_marshmallow(accept, schema, strategy):
    @settings(max_examples=3000)
    @given(record=strategy)
    def check(record):
        with references(KNOWN):
            fast = accept(record)
            try:
                slow = schema().load(record)
            except ValidationError:
                slow = None
        if fast is not None:
            assert slow == fast

    check()


def test_the_fast_paths_take_the_usual_event_and_party():
    event = {"id": "aaa-signature", "party": "AAA", "kind": "signature", "date": "2025-01-17", "precision": "day",
             "acting_body": None, "note": None, "sources": [{"source": "s1", "locator": None}]}  # fmt: skip
    with references(KNOWN):
        assert _accept_event(event) == EventSchema().load(event)
        assert _accept_party_link({"party": "AAA", "role": "party"}) == {"party": "AAA", "role": "party", "note": None}
