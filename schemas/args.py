"""Query parameters of every endpoint: validated, documented, unknown ones rejected."""
from __future__ import annotations

import functools

from flask import has_request_context, request
from marshmallow import RAISE, Schema, ValidationError, fields, pre_load, validate
from webargs.fields import DelimitedList

from api.models import AgreementKind, AgreementStatus, PartyKind

MAX_LIMIT = 200
DEFAULT_LIMIT = 50
AGREEMENT_SORTS = ["id", "-id", "signed_on", "-signed_on", "entered_into_force_on", "-entered_into_force_on",
                   "title", "-title", "relevance"]
ARTICLE_SORTS = ["agreement", "-agreement", "number", "-number", "relevance"]
AGREEMENT_FACETS = ["party", "sector", "clause_type", "status", "kind"]
ARTICLE_FACETS = ["party", "sector", "clause_type"]


def _values(enum_cls):
    return [m.value for m in enum_cls]


class QueryArgs(Schema):
    """Base of every query-string schema: unknown and repeated single-valued parameters are errors."""

    class Meta:
        unknown = RAISE

    error_messages = {"unknown": "Unknown parameter."}

    @pre_load
    def _reject_repeats(self, data, **kwargs):
        if has_request_context():
            single = self._single_valued
            repeated = {key for key, values in request.args.lists() if len(values) > 1 and key in single}
            if repeated:
                raise ValidationError({key: ["Give this parameter once; it was repeated."]
                                       for key in single if key in repeated})
        return data

    @functools.cached_property
    def _single_valued(self) -> dict[str, None]:
        """The parameters given at most once, in the order of the fields (the errors' order)."""
        return {field.data_key or name: None for name, field in self.fields.items()
                if not isinstance(field, fields.List)}


def _list(inner, description, example):
    return fields.List(inner, metadata={"description": description, "example": example})


def _code(description, example):
    return _list(fields.String(validate=validate.Length(1, 128)), description, example)


class ListArgs(QueryArgs):
    limit = fields.Integer(load_default=DEFAULT_LIMIT, validate=validate.Range(1, MAX_LIMIT),
                           metadata={"description": f"Items per page, 1 to {MAX_LIMIT}.", "example": 20})
    cursor = fields.String(validate=validate.Length(1, 2000), metadata={
        "description": "The `next_cursor` of the previous page (opaque; also in the `Link` header). Keep the "
                       "other parameters as they were.",
        "example": "8hG0HRhIgNFbImlkIixbInJ1LWlyLWJhc2lzLW9mLXJlbGF0aW9ucy0yMDAxIl1d"})
    count = fields.Boolean(load_default=False, metadata={
        "description": "`true` adds `total`, the number of items under the filters.", "example": True})
    format = fields.String(validate=validate.OneOf(["json", "csv"]), metadata={
        "description": "`csv` streams every item of the filter as CSV (as does `Accept: text/csv`).",
        "example": "csv"})


class SearchArgs(ListArgs):
    q = fields.String(validate=validate.Length(1, 500), metadata={
        "description": "Full-text search: words (all must match), \"quoted phrases\", OR between alternatives. "
                       "Hits carry a `snippet` with matches in `<mark>`; the default order is `relevance`.",
        "example": "mutual assistance"})


class AgreementListArgs(SearchArgs):
    party = _code("Every listed party (code) is a party to the agreement. Repeatable.", ["RUS", "IRN"])
    party_any = _code("At least one of the listed parties (codes) is a party. Repeatable.", ["PRK", "IRN"])
    sector = _code("The agreement deals with every listed sector (slug), in an article or as a whole. Repeatable.",
                   ["military"])
    clause_type = _code("An article of the agreement carries every listed clause type (slug). Repeatable.",
                        ["mutual-assistance"])
    kind = _list(fields.String(validate=validate.OneOf(_values(AgreementKind))),
                 "The agreement is of any of these kinds. Repeatable.", ["treaty"])
    status = _list(fields.String(validate=validate.OneOf(_values(AgreementStatus))),
                   "The recorded status is any of these. Repeatable.", ["in_force"])
    signed_from = fields.Date(metadata={"description": "Signed on or after this date (agreements whose signature "
                                                       "date is unknown are left out).", "example": "2024-01-01"})
    signed_to = fields.Date(metadata={"description": "Signed on or before this date.", "example": "2025-12-31"})
    in_force_on = fields.Date(metadata={
        "description": "In force on this date: entry into force known and on or before it, and not terminated, "
                       "expired, superseded or withdrawn from by all but one party on or before it. Agreements "
                       "whose entry into force is unknown are not listed.", "example": "2025-11-01"})
    sort = fields.String(validate=validate.OneOf(AGREEMENT_SORTS), metadata={
        "description": "Order: `id` (default), a date or the title, `-` for descending; `relevance` with `q` "
                       "(its default). Ties are broken by id.", "example": "-signed_on"})
    facets = DelimitedList(fields.String(validate=validate.OneOf(AGREEMENT_FACETS)), metadata={
        "description": "Comma-separated: adds `facets`, value counts under the current filters.",
        "example": "party,status"})


class PartyAgreementListArgs(AgreementListArgs):
    pass


class ArticleListArgs(SearchArgs):
    agreement = _code("The article belongs to any of these agreements (ids). Repeatable.",
                      ["ru-kp-comprehensive-strategic-partnership-2024"])
    party = _code("Every listed party (code) is a party to the article's agreement. Repeatable.", ["RUS"])
    sector = _code("The article deals with every listed sector (slug). Repeatable.", ["military"])
    clause_type = _code("The article carries every listed clause type (slug). Repeatable.", ["mutual-assistance"])
    has_text = fields.Boolean(metadata={"description": "`true`: only articles whose full text is held; "
                                                       "`false`: only those without.", "example": True})
    sort = fields.String(validate=validate.OneOf(ARTICLE_SORTS), metadata={
        "description": "Order: `agreement` (default: each agreement's articles together, by number), `number`, "
                       "`-` for descending; `relevance` with `q` (its default).", "example": "agreement"})
    facets = DelimitedList(fields.String(validate=validate.OneOf(ARTICLE_FACETS)), metadata={
        "description": "Comma-separated: adds `facets`, value counts under the current filters.",
        "example": "sector,clause_type"})


class AgreementArticleListArgs(ArticleListArgs):
    class Meta:
        exclude = ("agreement",)
        unknown = RAISE


class EventListArgs(ListArgs):
    sort = fields.String(validate=validate.OneOf(["date", "-date"]), metadata={
        "description": "Order by date (default; undated events last), `-date` for the latest first.",
        "example": "date"})


class PartyListArgs(ListArgs):
    kind = _list(fields.String(validate=validate.OneOf(_values(PartyKind))),
                 "Parties of any of these kinds. Repeatable.", ["state"])
    sort = fields.String(validate=validate.OneOf(["code", "-code", "name", "-name"]),
                         metadata={"description": "Order (default `code`).", "example": "name"})


class VocabularyListArgs(ListArgs):
    sort = fields.String(validate=validate.OneOf(["slug", "-slug", "name", "-name"]),
                         metadata={"description": "Order (default `slug`).", "example": "name"})


class SourceListArgs(ListArgs):
    kind = _list(fields.String(validate=validate.Length(1, 32)),
                 "Sources of any of these kinds (news, official, analysis, reference, treaty-text, "
                 "encyclopedia). Repeatable.", ["official"])
    sort = fields.String(validate=validate.OneOf(["id", "-id", "published_on", "-published_on"]),
                         metadata={"description": "Order (default `id`).", "example": "-published_on"})


class ItemArgs(QueryArgs):
    """A single resource takes no query parameters."""


class CompareArgs(QueryArgs):
    agreements = DelimitedList(fields.String(validate=validate.Length(1, 128)), required=True,
                               validate=validate.Length(2, 10), metadata={
        "description": "Comma-separated ids of 2 to 10 agreements to compare.",
        "example": "ru-kp-comprehensive-strategic-partnership-2024,ru-ir-comprehensive-strategic-partnership-2025"})
