"""The seed files (`seeds/README.md`): one schema per file shape.

Loading a document returns it with every value checked and converted (dates as
`datetime.date`), or raises a ValidationError whose messages are keyed by the
document's own field names and list positions, so that each can be traced back
to a line of the file.

References to other records (source ids, party codes, sector and clause-type
slugs, agreement ids) are checked against the `REFERENCES` context variable,
which the importer sets to what the files and the database hold: marshmallow 4
has no schema context, and a context variable costs one lookup per reference.
"""
from __future__ import annotations

import contextlib
import contextvars
import datetime as dt
from dataclasses import dataclass, field

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from api.models import (
    AgreementKind,
    AgreementStatus,
    AtopObligation,
    DatePrecision,
    EventKind,
    PartyKind,
    TermKind,
)

SOURCE_KINDS = ("news", "official", "analysis", "reference", "treaty-text", "encyclopedia")
PARTY_ROLES = ("party", "founding_party", "acceding_party", "signatory")
NEEDS_A_SOURCE = "Needs at least one source."


@dataclass
class References:
    """The natural keys a document may refer to."""

    sources: set[str] = field(default_factory=set)
    parties: set[str] = field(default_factory=set)
    sectors: set[str] = field(default_factory=set)
    clause_types: set[str] = field(default_factory=set)
    agreements: set[str] = field(default_factory=set)


REFERENCES: contextvars.ContextVar[References] = contextvars.ContextVar("seed_references")


@contextlib.contextmanager
def references(known: References):
    token = REFERENCES.set(known)
    try:
        yield
    finally:
        REFERENCES.reset(token)


def _known(kind: str, label: str):
    def check(value: str) -> None:
        if value not in getattr(REFERENCES.get(), kind):
            raise ValidationError(f"Unknown {label} '{value}'.")

    return check


def _choice(enum_or_values) -> validate.OneOf:
    values = [m.value for m in enum_or_values] if hasattr(enum_or_values, "__members__") else list(enum_or_values)
    return validate.OneOf(values, error="Must be one of: {choices}.")


def _text(**kwargs) -> fields.String:
    return fields.String(load_default=None, allow_none=True, **kwargs)


class StrictDate(fields.Date):
    """A date, but never a datetime or a number: YAML reads `2025-01-17` as a date, JSON as a string."""

    def _deserialize(self, value, attr, data, **kwargs):
        if isinstance(value, dt.datetime):
            raise self.make_error("invalid")
        return super()._deserialize(value, attr, data, **kwargs)


def _date() -> StrictDate:
    return StrictDate(load_default=None, allow_none=True)


def _count() -> fields.Integer:
    return fields.Integer(strict=True, load_default=None, allow_none=True, validate=validate.Range(min=1))


# -- vocabularies --------------------------------------------------------------------------------


class SourceSchema(Schema):
    id = fields.String(required=True, validate=validate.Length(min=1, max=128))
    title = fields.String(required=True, validate=validate.Length(min=1))
    publisher = _text(validate=validate.Length(max=255))
    url = _text()
    published_on = _date()
    kind = fields.String(required=True, validate=_choice(SOURCE_KINDS))
    language = _text(validate=validate.Length(max=16))
    note = _text()


class PartySchema(Schema):
    code = fields.String(required=True, validate=validate.Length(min=1, max=64))
    name = fields.String(required=True, validate=validate.Length(min=1, max=255))
    kind = fields.String(required=True, validate=_choice(PartyKind))


class SectorSchema(Schema):
    slug = fields.String(required=True, validate=validate.Length(min=1, max=64))
    name = fields.String(required=True, validate=validate.Length(min=1, max=128))
    description = fields.String(required=True)


class ClauseTypeSchema(Schema):
    slug = fields.String(required=True, validate=validate.Length(min=1, max=64))
    name = fields.String(required=True, validate=validate.Length(min=1, max=128))
    description = fields.String(required=True)
    atop_obligation = _text(validate=_choice(AtopObligation))


def _unique(key: str):
    """Schema validator: no two records of a list share `key`."""

    def check(records: list[dict], list_name: str) -> None:
        seen: set = set()
        errors = {}
        for index, record in enumerate(records):
            value = record.get(key) if isinstance(record, dict) else None
            if value is None:
                continue  # the record failed, already reported
            if value in seen:
                errors[index] = {key: [f"Duplicate {key} '{value}'."]}
            seen.add(value)
        if errors:
            raise ValidationError({list_name: errors})

    return check


class VocabularyFileSchema(Schema):
    """sources.yaml, parties.yaml, sectors.yaml, clause_types.yaml (one file may hold several lists)."""

    sources = fields.List(fields.Nested(SourceSchema), load_default=list)
    parties = fields.List(fields.Nested(PartySchema), load_default=list)
    sectors = fields.List(fields.Nested(SectorSchema), load_default=list)
    clause_types = fields.List(fields.Nested(ClauseTypeSchema), load_default=list)

    @validates_schema(skip_on_field_errors=False)
    def _no_duplicates(self, data, **kwargs):
        errors = {}
        for list_name, key in (("sources", "id"), ("parties", "code"), ("sectors", "slug"), ("clause_types", "slug")):
            try:
                _unique(key)(data.get(list_name, []), list_name)
            except ValidationError as error:
                errors.update(error.messages)
        if errors:
            raise ValidationError(errors)


# -- agreements ----------------------------------------------------------------------------------


class CitationSchema(Schema):
    source = fields.String(required=True, validate=_known("sources", "source"))
    locator = _text()


class FieldCitationSchema(CitationSchema):
    # The agreement field the citation backs; null when it backs the record as a whole.
    field = _text(validate=validate.Length(max=64))


class FastList(fields.List):
    """A list of nested records with a plain-Python fast path for valid input.

    marshmallow costs some 15 microseconds per nested record, and a bulk import has
    millions of citations and tags. `accept(record)` returns the loaded record when
    the record is certainly valid, or None at the first doubt; then the whole list is
    loaded by marshmallow, so errors (and any case the fast path does not know) come
    out exactly as marshmallow reports them. tests/test_seed_schemas.py checks that
    whatever the fast path accepts, marshmallow accepts as the same value.
    """

    def __init__(self, schema: type[Schema], accept, **kwargs):
        super().__init__(fields.Nested(schema), **kwargs)
        self.accept = accept

    def _deserialize(self, value, attr, data, **kwargs):
        if type(value) is list:
            loaded = [self.accept(record) for record in value]
            if None not in loaded:
                return loaded
        return super()._deserialize(value, attr, data, **kwargs)


CITATION_KEYS = frozenset(("source", "locator"))
FIELD_CITATION_KEYS = frozenset(("source", "locator", "field"))


def _accept_citation(record, keys: frozenset = CITATION_KEYS):
    if type(record) is not dict or "source" not in record or not keys.issuperset(record):
        return None
    source, locator = record["source"], record.get("locator")
    if type(source) is not str or source not in REFERENCES.get().sources:
        return None
    if locator is not None and type(locator) is not str:
        return None
    if keys is CITATION_KEYS:
        return {"source": source, "locator": locator}
    field_name = record.get("field")
    if field_name is not None and (type(field_name) is not str or len(field_name) > 64):
        return None
    return {"source": source, "locator": locator, "field": field_name}


def _accept_field_citation(record):
    return _accept_citation(record, FIELD_CITATION_KEYS)


def _accept_citations(records, required: bool):
    return _load_citations(records, REFERENCES.get().sources, required)


def _sources(schema=CitationSchema, required: bool = False) -> fields.List:
    """A list of citations; `required` ones must name at least one source."""
    accept = _accept_field_citation if schema is FieldCitationSchema else _accept_citation
    if required:
        return FastList(
            schema,
            accept,
            required=True,
            validate=validate.Length(min=1, error=NEEDS_A_SOURCE),
            error_messages={"required": NEEDS_A_SOURCE, "null": NEEDS_A_SOURCE},
        )
    return FastList(schema, accept, load_default=list)


class AlternativeSchema(Schema):
    value = fields.Raw(required=True, allow_none=False)
    note = _text()
    sources = _sources(required=True)


class Disputes(fields.Field):
    """`{field: [alternative, ...]}`: values other sources give for a field of the record."""

    def __init__(self, disputable: tuple[str, ...], **kwargs):
        super().__init__(load_default=dict, **kwargs)
        self.disputable = disputable
        self.alternatives = AlternativeSchema(many=True)

    def _deserialize(self, value, attr, data, **kwargs):
        if value is None:
            return {}
        if not isinstance(value, dict):
            raise ValidationError("Not a valid mapping.")
        errors, result = {}, {}
        for name, alternatives in value.items():
            if name not in self.disputable:
                errors[name] = [f"Not a field that can be disputed here; one of: {', '.join(self.disputable)}."]
                continue
            if not isinstance(alternatives, list):
                errors[name] = ["Not a valid list."]
                continue
            try:
                loaded = self.alternatives.load(alternatives)
            except ValidationError as error:
                errors[name] = error.messages
                continue
            for alternative in loaded:
                alternative["value"] = _as_text(alternative["value"])
            result[name] = loaded
        if errors:
            raise ValidationError(errors)
        return result


def _as_text(value) -> str:
    # Alternatives are stored as text; YAML may have read a date or a number.
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


class PartyLinkSchema(Schema):
    party = fields.String(required=True, validate=_known("parties", "party code"))
    role = fields.String(load_default="party", validate=_choice(PARTY_ROLES))
    note = _text()


EVENT_FIELDS = ("party", "kind", "date", "precision", "acting_body", "note")
EVENT_KEYS = frozenset(("id", *EVENT_FIELDS, "sources", "disputes"))
EVENT_KINDS = frozenset(m.value for m in EventKind)
DATE_PRECISIONS = frozenset(m.value for m in DatePrecision)
PARTY_LINK_KEYS = frozenset(("party", "role", "note"))
PARTY_ROLE_SET = frozenset(PARTY_ROLES)


def _accept_date(value):
    """StrictDate's fast path: (True, date or None) when certainly valid, else (False, None)."""
    if value is None or type(value) is dt.date:
        return True, value
    if type(value) is str:
        try:
            return True, dt.date.fromisoformat(value)
        except ValueError:
            pass
    return False, None


def _accept_event(record):
    """EventSchema's fast path (see FastList): events without disputes, valid in every field."""
    if type(record) is not dict or not EVENT_KEYS.issuperset(record):
        return None
    ident, party, kind = record.get("id"), record.get("party"), record.get("kind")
    precision, acting_body, note = record.get("precision"), record.get("acting_body"), record.get("note")
    if type(ident) is not str or not 1 <= len(ident) <= 128 or type(kind) is not str or kind not in EVENT_KINDS:
        return None
    known = REFERENCES.get()
    if party is not None and (type(party) is not str or party not in known.parties):
        return None
    valid, date = _accept_date(record.get("date"))
    if not valid or (date is None) != (precision is None):
        return None
    if precision is not None and (type(precision) is not str or precision not in DATE_PRECISIONS):
        return None
    if acting_body is not None and (type(acting_body) is not str or len(acting_body) > 255):
        return None
    if note is not None and type(note) is not str:
        return None
    disputes = record.get("disputes", {})
    if type(disputes) is not dict or disputes:
        return None
    sources = _load_citations(record.get("sources"), known.sources, True)
    if sources is None:
        return None
    return {"id": ident, "party": party, "kind": kind, "date": date, "precision": precision,
            "acting_body": acting_body, "note": note, "sources": sources, "disputes": {}}  # fmt: skip


def _accept_party_link(record):
    """PartyLinkSchema's fast path (see FastList)."""
    if type(record) is not dict or not PARTY_LINK_KEYS.issuperset(record):
        return None
    party, role, note = record.get("party"), record.get("role", "party"), record.get("note")
    if type(party) is not str or party not in REFERENCES.get().parties:
        return None
    if type(role) is not str or role not in PARTY_ROLE_SET or (note is not None and type(note) is not str):
        return None
    return {"party": party, "role": role, "note": note}



class EventSchema(Schema):
    id = fields.String(required=True, validate=validate.Length(min=1, max=128))
    party = _text(validate=_known("parties", "party code"))
    kind = fields.String(required=True, validate=_choice(EventKind))
    date = _date()
    precision = _text(validate=_choice(DatePrecision))
    acting_body = _text(validate=validate.Length(max=255))
    note = _text()
    sources = _sources(required=True)
    disputes = Disputes(EVENT_FIELDS)

    @validates_schema(skip_on_field_errors=False)
    def _precision_iff_date(self, data, **kwargs):
        if "date" not in data or "precision" not in data:
            return  # already reported
        if data["date"] is not None and data["precision"] is None:
            raise ValidationError("Required when the date is known.", "precision")
        if data["date"] is None and data["precision"] is not None:
            raise ValidationError("Must be null when the date is unknown.", "precision")


class AgreementSectorSchema(Schema):
    sector = fields.String(required=True, validate=_known("sectors", "sector"))
    note = _text()
    sources = _sources(required=True)


ARTICLE_CLAUSE_TYPE_KEYS = frozenset(("clause_type", "paragraph", "sources"))


def _accept_article_sector(record, known: References | None = None):
    known = known or REFERENCES.get()
    if type(record) is not dict or len(record) != 2:
        return None
    sector = record.get("sector")
    if type(sector) is not str or sector not in known.sectors:
        return None
    sources = _load_citations(record.get("sources"), known.sources, True)
    return None if sources is None else {"sector": sector, "sources": sources}


def _accept_article_clause_type(record, known: References | None = None):
    known = known or REFERENCES.get()
    if type(record) is not dict or not ARTICLE_CLAUSE_TYPE_KEYS.issuperset(record):
        return None
    clause_type, paragraph = record.get("clause_type"), record.get("paragraph")
    if type(clause_type) is not str or clause_type not in known.clause_types:
        return None
    if paragraph is not None and (type(paragraph) is not str or len(paragraph) > 32):
        return None
    sources = _load_citations(record.get("sources"), known.sources, True)
    return None if sources is None else {"clause_type": clause_type, "paragraph": paragraph, "sources": sources}


def _accept_tags(records, accept, key: str, known: References):
    """A list of tags, each accepted by `accept`, none named twice."""
    if type(records) is not list:
        return None
    loaded, seen = [], set()
    for record in records:
        tag = accept(record, known)
        if tag is None or tag[key] in seen:
            return None
        seen.add(tag[key])
        loaded.append(tag)
    return loaded


class ArticleSectorSchema(Schema):
    sector = fields.String(required=True, validate=_known("sectors", "sector"))
    sources = _sources(required=True)


class ArticleClauseTypeSchema(Schema):
    clause_type = fields.String(required=True, validate=_known("clause_types", "clause type"))
    paragraph = _text(validate=validate.Length(max=32))
    sources = _sources(required=True)


ARTICLE_FIELDS = ("heading", "summary", "text", "sectors", "clause_types")


class ArticleSchema(Schema):
    number = fields.Integer(required=True, strict=True, validate=validate.Range(min=1))
    heading = _text()
    summary = _text()
    # Left out: the import keeps whatever text the database holds (`import-text` attaches texts).
    text = fields.String(allow_none=True)
    sources = _sources()
    sectors = FastList(ArticleSectorSchema, _accept_article_sector, load_default=list)
    clause_types = FastList(ArticleClauseTypeSchema, _accept_article_clause_type, load_default=list)
    disputes = Disputes(ARTICLE_FIELDS)

    @validates_schema(skip_on_field_errors=False)
    def _subject_is_sourced(self, data, **kwargs):
        has_subject = data.get("heading") is not None or data.get("summary") is not None
        if has_subject and "sources" in data and not data["sources"]:
            raise ValidationError("Needs at least one source when the heading or summary is given.", "sources")
        errors = {}
        for list_name, key in (("sectors", "sector"), ("clause_types", "clause_type")):
            try:
                _unique(key)(data.get(list_name, []), list_name)
            except ValidationError as error:
                errors.update(error.messages)
        if errors:
            raise ValidationError(errors)


ARTICLE_KEYS = frozenset(("number", "heading", "summary", "text", "sources", "sectors", "clause_types", "disputes"))


def _load_citations(records, known: set, required: bool):
    """_accept_citations with the known sources at hand: the innermost loop of a bulk import."""
    if type(records) is not list or (required and not records):
        return None
    loaded = []
    for record in records:
        if type(record) is not dict:
            return None
        source, locator = record.get("source"), record.get("locator")
        # keys: "source" (a known one) and at most "locator"
        if type(source) is not str or source not in known or len(record) != 1 + ("locator" in record):
            return None
        if locator is not None and type(locator) is not str:
            return None
        loaded.append({"source": source, "locator": locator})
    return loaded


def _accept_article(record):
    """ArticleSchema's fast path (see FastList): articles without disputes, valid in every field."""
    if type(record) is not dict or not ARTICLE_KEYS.issuperset(record):
        return None
    number, heading, summary = record.get("number"), record.get("heading"), record.get("summary")
    if type(number) is not int or number < 1:
        return None
    if (heading is not None and type(heading) is not str) or (summary is not None and type(summary) is not str):
        return None
    disputes = record.get("disputes", {})
    if type(disputes) is not dict or disputes:
        return None
    known = REFERENCES.get()
    sources = _load_citations(record.get("sources", []), known.sources, False)
    if sources is None or ((heading is not None or summary is not None) and not sources):
        return None

    sectors = _accept_tags(record.get("sectors", []), _accept_article_sector, "sector", known)
    clause_types = _accept_tags(record.get("clause_types", []), _accept_article_clause_type, "clause_type", known)
    if sectors is None or clause_types is None:
        return None

    loaded = {"number": number, "heading": heading, "summary": summary, "sources": sources,
              "sectors": sectors, "clause_types": clause_types, "disputes": {}}  # fmt: skip
    if "text" in record:
        text = record["text"]
        if text is not None and type(text) is not str:
            return None
        loaded["text"] = text
    return loaded


AGREEMENT_FIELDS = (
    "title", "short_title", "kind", "status", "signed_on", "signed_at", "entry_into_force_rule",
    "entered_into_force_on", "ended_on", "term", "term_years", "renewal", "article_count",
    "languages", "summary", "supersedes",
)  # fmt: skip


class AgreementSchema(Schema):
    id = fields.String(required=True, validate=validate.Length(min=1, max=128))
    title = fields.String(required=True, validate=validate.Length(min=1))
    short_title = _text(validate=validate.Length(max=255))
    kind = fields.String(required=True, validate=_choice(AgreementKind))
    status = fields.String(required=True, validate=_choice(AgreementStatus))
    signed_on = _date()
    signed_at = _text(validate=validate.Length(max=255))
    entry_into_force_rule = _text()
    entered_into_force_on = _date()
    ended_on = _date()
    term = _text(validate=_choice(TermKind))
    term_years = _count()
    renewal = _text()
    article_count = _count()
    languages = fields.List(fields.String(validate=validate.Length(min=1, max=16)), load_default=list, allow_none=True)
    summary = _text()
    supersedes = _text(validate=_known("agreements", "agreement"))
    sources = _sources(FieldCitationSchema, required=True)
    disputes = Disputes(AGREEMENT_FIELDS)
    parties = FastList(PartyLinkSchema, _accept_party_link, load_default=list)
    events = FastList(EventSchema, _accept_event, load_default=list)
    sectors = fields.List(fields.Nested(AgreementSectorSchema), load_default=list)
    articles = FastList(ArticleSchema, _accept_article, load_default=list)

    # Also run when some fields failed, so that every error is reported at once; a field
    # that failed is missing from `data` and its checks are skipped.
    @validates_schema(skip_on_field_errors=False)
    def _consistent(self, data, **kwargs):
        errors: dict = {}

        def add(path: tuple, message: str) -> None:
            node = errors
            for part in path[:-1]:
                node = node.setdefault(part, {})
            node.setdefault(path[-1], []).append(message)

        if data.get("term_years") is not None and data.get("term", "fixed") != "fixed":
            add(("term_years",), "Must be null unless the term is fixed.")
        signed, in_force, ended = data.get("signed_on"), data.get("entered_into_force_on"), data.get("ended_on")
        if signed and in_force and in_force < signed:
            add(("entered_into_force_on",), f"Before the signature ({signed.isoformat()}).")
        if in_force and ended and ended < in_force:
            add(("ended_on",), f"Before the entry into force ({in_force.isoformat()}).")
        if data.get("supersedes") is not None and data.get("supersedes") == data.get("id"):
            add(("supersedes",), "An agreement cannot supersede itself.")
        for index, event in enumerate(data.get("events", [])):
            if signed and event["date"] and event["date"] < signed:
                add(("events", index, "date"), f"Before the signature ({signed.isoformat()}).")
        count = data.get("article_count")
        for index, article in enumerate(data.get("articles", [])):
            if count is not None and article["number"] > count:
                add(("articles", index, "number"), f"Above the article count ({count}).")
        for list_name, key in (("articles", "number"), ("events", "id"), ("parties", "party"), ("sectors", "sector")):
            try:
                _unique(key)(data.get(list_name, []), list_name)
            except ValidationError as error:
                for index, messages in error.messages[list_name].items():
                    add((list_name, index, key), messages[key][0])
        if errors:
            raise ValidationError(errors)
