"""What the API returns: every resource's representation."""
from __future__ import annotations

from marshmallow import Schema, fields

from api.models import AgreementKind, AgreementStatus, DatePrecision, EventKind, PartyKind, TermKind


def _d(description, example=None, **kwargs):
    metadata = {"description": description}
    if example is not None:
        metadata["example"] = example
    return {"metadata": metadata, **kwargs}


def _enum(enum_cls, description, example, **kwargs):
    return fields.String(metadata={"description": description, "example": example,
                                   "enum": [m.value for m in enum_cls]}, **kwargs)


class CitedSourceSchema(Schema):
    id = fields.String(required=True, **_d("The source's id (see /v1/sources).", "tass-1940345"))
    title = fields.String(required=True, **_d("The document's title.", "Russia-Iran treaty not aimed against third countries"))
    url = fields.String(required=True, allow_none=True, **_d("Where to read it; null when it has no address.", "https://tass.com/politics/1940345"))
    publisher = fields.String(required=True, allow_none=True, **_d("Who published it; null when unknown.", "TASS"))
    locator = fields.String(required=True, allow_none=True, **_d("Where in the source the fact is stated; null when not recorded.", "Rudenko to the State Duma"))


class AgreementCitedSourceSchema(CitedSourceSchema):
    field = fields.String(required=True, allow_none=True, **_d("The field this source backs; null when it backs the record as a whole.", "article_count"))


class AlternativeSchema(Schema):
    value = fields.String(required=True, **_d("The value this source gives instead of the preferred one.", "2025-01-16"))
    note = fields.String(required=True, allow_none=True, **_d("Why the value differs, when known.", "Persian date 27 Dey 1403"))
    sources = fields.List(fields.Nested(CitedSourceSchema), required=True)


DISPUTES = {"signed_on": [{"value": "2025-01-16", "note": "Persian date 27 Dey 1403", "sources": [
    {"id": "iribnews-5585040", "title": "IRIB report", "url": None, "publisher": "IRIB", "locator": None}]}]}


def _disputes(description):
    return fields.Dict(keys=fields.String(), values=fields.List(fields.Nested(AlternativeSchema)), required=True,
                       metadata={"description": description, "example": DISPUTES})


class TagSchema(Schema):
    slug = fields.String(required=True, **_d("The sector's or clause type's slug.", "military"))
    name = fields.String(required=True, **_d("Its name.", "Military"))


class ArticleSectorSchema(TagSchema):
    sources = fields.List(fields.Nested(CitedSourceSchema), required=True, **_d("Sources that tie the sector to this article."))


class ArticleClauseTypeSchema(TagSchema):
    paragraph = fields.String(required=True, allow_none=True, **_d("The paragraph carrying the clause, when a source names it.", "3"))
    sources = fields.List(fields.Nested(CitedSourceSchema), required=True, **_d("Sources that tie the clause type to this article."))


class ArticleSchema(Schema):
    agreement = fields.String(required=True, **_d("The id of the agreement the article belongs to.", "ru-kp-comprehensive-strategic-partnership-2024"))
    number = fields.Integer(required=True, **_d("The article's number in the agreement.", 4))
    heading = fields.String(required=True, allow_none=True, **_d("Its heading; null when unknown.", "Mutual military assistance"))
    summary = fields.String(required=True, allow_none=True, **_d("What it says, in a sentence or two; null when unknown."))
    text = fields.String(required=True, allow_none=True, **_d("The full text, when held; null otherwise."))
    sectors = fields.List(fields.Nested(ArticleSectorSchema), required=True)
    clause_types = fields.List(fields.Nested(ArticleClauseTypeSchema), required=True)
    sources = fields.List(fields.Nested(CitedSourceSchema), required=True, **_d("Sources for the article's heading and summary."))
    disputes = _disputes("Values other sources give, keyed by field.")


class ArticleHitSchema(ArticleSchema):
    snippet = fields.String(allow_none=True, **_d("With `q`: an extract with the matches in `<mark>`…`</mark>`.", "… immediately provide <mark>military</mark> and other <mark>assistance</mark> …"))
    score = fields.Float(**_d("With `q` and sort=relevance: the relevance, higher is better (0 beyond the ranking window).", 7.25))


class PartyRefSchema(Schema):
    code = fields.String(required=True, **_d("ISO 3166-1 alpha-3 for states, a slug otherwise.", "RUS"))
    name = fields.String(required=True, **_d("The party's name.", "Russian Federation"))
    kind = _enum(PartyKind, "state, organisation or company.", "state", required=True)
    role = fields.String(required=True, **_d("party, founding_party, acceding_party or signatory.", "party"))


class EventSchema(Schema):
    id = fields.String(required=True, **_d("The event's stable key within its agreement.", "rus-state-duma"))
    party = fields.String(required=True, allow_none=True, **_d("The acting party's code; null for an event of the agreement as a whole.", "RUS"))
    kind = _enum(EventKind, "What happened.", "ratification", required=True)
    date = fields.Date(required=True, allow_none=True, **_d("When (the first day of the month or year when less precise); null when unknown.", "2025-04-08"))
    date_precision = fields.String(required=True, allow_none=True, metadata={"description": "day, month or year; null when the date is unknown.", "example": "day", "enum": [*(m.value for m in DatePrecision), None]})
    acting_body = fields.String(required=True, allow_none=True, **_d("Who acted.", "State Duma"))
    note = fields.String(required=True, allow_none=True, **_d("A remark."))
    sources = fields.List(fields.Nested(CitedSourceSchema), required=True)
    disputes = _disputes("Values other sources give for this event, keyed by field (`date`).")


class PartyWithEventsSchema(PartyRefSchema):
    events = fields.List(fields.Nested(EventSchema), required=True, **_d("The party's dated steps, earliest first."))


class AgreementSectorSchema(TagSchema):
    articles = fields.List(fields.Integer(), required=True, **_d("Numbers of the articles tagged with the sector.", [1, 4]))
    note = fields.String(required=True, allow_none=True, **_d("For content known to be in the agreement with no article number."))
    sources = fields.List(fields.Nested(CitedSourceSchema), required=True)


class AgreementFieldsSchema(Schema):
    id = fields.String(required=True, **_d("The agreement's stable id.", "ru-ir-comprehensive-strategic-partnership-2025"))
    title = fields.String(required=True, **_d("Its full title.", "Treaty on Comprehensive Strategic Partnership between the Russian Federation and the Islamic Republic of Iran"))
    short_title = fields.String(required=True, allow_none=True, **_d("A short title.", "Russia–Iran Comprehensive Strategic Partnership Treaty"))
    kind = _enum(AgreementKind, "The kind of instrument.", "treaty", required=True)
    status = _enum(AgreementStatus, "The recorded status.", "in_force", required=True)
    signed_on = fields.Date(required=True, allow_none=True, **_d("Date of signature (preferred value; see `disputes`); null when unknown.", "2025-01-17"))
    signed_at = fields.String(required=True, allow_none=True, **_d("Place of signature.", "Moscow"))
    entered_into_force_on = fields.Date(required=True, allow_none=True, **_d("Date of entry into force; null when unknown or not yet.", "2025-10-02"))
    ended_on = fields.Date(required=True, allow_none=True, **_d("The day it stopped binding anyone (terminated, expired); null otherwise."))
    term = fields.String(required=True, allow_none=True, metadata={"description": "fixed or indefinite; null when unknown.", "example": "fixed", "enum": [*(m.value for m in TermKind), None]})
    term_years = fields.Integer(required=True, allow_none=True, **_d("The fixed term in years; null when indefinite or unknown.", 20))
    renewal = fields.String(required=True, allow_none=True, **_d("How it is renewed, in words.", "Extended automatically for successive 5-year periods"))
    article_count = fields.Integer(required=True, allow_none=True, **_d("The declared number of articles.", 47))
    languages = fields.List(fields.String(), required=True, **_d("Languages of the authentic texts.", ["ru", "fa", "en"]))
    supersedes = fields.String(required=True, allow_none=True, **_d("The id of the agreement this one replaces.", "ru-ir-basis-of-relations-2001"))


class AgreementSummarySchema(AgreementFieldsSchema):
    parties = fields.List(fields.Nested(PartyRefSchema), required=True)
    sectors = fields.List(fields.Nested(TagSchema), required=True, **_d("Sectors the agreement deals with (details, articles and sources in the agreement itself)."))
    snippet = fields.String(allow_none=True, **_d("With `q`: an extract with the matches in `<mark>`…`</mark>`."))
    score = fields.Float(**_d("With `q` and sort=relevance: the relevance, higher is better.", 3.5))


class AgreementSchema(AgreementFieldsSchema):
    entry_into_force_rule = fields.String(required=True, allow_none=True, **_d("How it enters into force, in words."))
    summary = fields.String(required=True, allow_none=True, **_d("What the agreement is about."))
    superseded_by = fields.List(fields.String(), required=True, **_d("Ids of agreements that replace this one.", []))
    parties = fields.List(fields.Nested(PartyWithEventsSchema), required=True)
    events = fields.List(fields.Nested(EventSchema), required=True, **_d("Events of the agreement as a whole (entry into force of a bilateral treaty)."))
    sectors = fields.List(fields.Nested(AgreementSectorSchema), required=True, **_d("Each sector with the articles and sources behind it."))
    sources = fields.List(fields.Nested(AgreementCitedSourceSchema), required=True)
    disputes = _disputes("Values other sources give, keyed by field name.")


class PartySchema(Schema):
    code = fields.String(required=True, **_d("ISO 3166-1 alpha-3 for states, a slug otherwise.", "IRN"))
    name = fields.String(required=True, **_d("The party's name.", "Islamic Republic of Iran"))
    kind = _enum(PartyKind, "state, organisation or company.", "state", required=True)
    agreement_count = fields.Integer(required=True, **_d("Agreements it is a party to.", 4))


class SectorSchema(Schema):
    slug = fields.String(required=True, **_d("The sector's slug.", "military"))
    name = fields.String(required=True, **_d("Its name.", "Military"))
    description = fields.String(required=True, **_d("What it covers."))
    article_count = fields.Integer(required=True, **_d("Articles tagged with it.", 6))
    agreement_count = fields.Integer(required=True, **_d("Agreements that deal with it.", 3))


class ClauseTypeSchema(Schema):
    slug = fields.String(required=True, **_d("The clause type's slug.", "mutual-assistance"))
    name = fields.String(required=True, **_d("Its name.", "Mutual defence / military assistance"))
    description = fields.String(required=True, **_d("What obligation it names."))
    atop_obligation = fields.String(required=True, allow_none=True, metadata={"description": "The ATOP obligation code it corresponds to.", "example": "defense", "enum": ["defense", "offense", "neutral", "nonagg", "consul", None]})
    article_count = fields.Integer(required=True, **_d("Articles that carry it.", 1))


class SourceSchema(Schema):
    id = fields.String(required=True, **_d("The source's stable id.", "tass-1940345"))
    title = fields.String(required=True, **_d("The document's title."))
    publisher = fields.String(required=True, allow_none=True, **_d("Who published it.", "TASS"))
    url = fields.String(required=True, allow_none=True, **_d("Where to read it.", "https://tass.com/politics/1940345"))
    published_on = fields.Date(required=True, allow_none=True, **_d("Publication date.", "2025-04-08"))
    kind = fields.String(required=True, **_d("news, official, analysis, reference, treaty-text or encyclopedia.", "news"))
    language = fields.String(required=True, allow_none=True, **_d("BCP 47 language tag.", "en"))
    note = fields.String(required=True, allow_none=True, **_d("A remark (e.g. automatically translated)."))


class FacetValueSchema(Schema):
    value = fields.String(required=True, **_d("The facet value (party code, slug, status or kind).", "RUS"))
    count = fields.Integer(required=True, **_d("Items with this value under the current filters.", 5))


def page_schema(item_schema, name: str, facets: bool = False) -> type[Schema]:
    attrs = {
        "items": fields.List(fields.Nested(item_schema), required=True),
        "next_cursor": fields.String(required=True, allow_none=True, **_d("Pass as `cursor` for the next page; null on the last page.")),
        "total": fields.Integer(**_d("With count=true: the number of items under the filters.", 3)),
    }
    if facets:
        attrs["facets"] = fields.Dict(keys=fields.String(), values=fields.List(fields.Nested(FacetValueSchema)), metadata={
            "description": "With facets=...: value counts under the current filters, most frequent first.",
            "example": {"party": [{"value": "RUS", "count": 5}, {"value": "IRN", "count": 4}]}})
    return type(name, (Schema,), attrs)


AgreementPageSchema = page_schema(AgreementSummarySchema, "AgreementPageSchema", facets=True)
ArticlePageSchema = page_schema(ArticleHitSchema, "ArticlePageSchema", facets=True)
EventPageSchema = page_schema(EventSchema, "EventPageSchema")
PartyPageSchema = page_schema(PartySchema, "PartyPageSchema")
SectorPageSchema = page_schema(SectorSchema, "SectorPageSchema")
ClauseTypePageSchema = page_schema(ClauseTypeSchema, "ClauseTypePageSchema")
SourcePageSchema = page_schema(SourceSchema, "SourcePageSchema")


class CompareRowSchema(Schema):
    kind = fields.String(required=True, metadata={"description": "sector or clause_type.", "example": "clause_type", "enum": ["sector", "clause_type"]})
    slug = fields.String(required=True, **_d("The sector's or clause type's slug.", "mutual-assistance"))
    name = fields.String(required=True, **_d("Its name.", "Mutual defence / military assistance"))
    articles = fields.Dict(keys=fields.String(), values=fields.List(fields.Integer()), required=True, **_d(
        "Per agreement id: the numbers of its articles that carry it; empty where the agreement lacks it.",
        {"ru-kp-comprehensive-strategic-partnership-2024": [4], "ru-ir-comprehensive-strategic-partnership-2025": []}))
    in_agreement = fields.Dict(keys=fields.String(), values=fields.Boolean(), required=True, **_d(
        "Per agreement id: whether the agreement is known to carry it, with or without an article number.",
        {"ru-kp-comprehensive-strategic-partnership-2024": True, "ru-ir-comprehensive-strategic-partnership-2025": False}))


class CompareSchema(Schema):
    agreements = fields.List(fields.String(), required=True, **_d("The compared agreements, in the order asked.", ["ru-kp-comprehensive-strategic-partnership-2024", "ru-ir-comprehensive-strategic-partnership-2025"]))
    rows = fields.List(fields.Nested(CompareRowSchema), required=True)
