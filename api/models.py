"""The relational schema: agreements, their parties, events and articles, the
controlled vocabularies that tag articles, and the sources behind every fact.

Unknown is a valid answer throughout: a nullable column holds NULL when no
source gives the value, never a guess.
"""
from __future__ import annotations

import datetime as dt
import enum

from sqlalchemy import (
    CheckConstraint,
    Date,
    DateTime,
    Enum,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class PartyKind(str, enum.Enum):
    state = "state"
    organisation = "organisation"
    company = "company"


class AgreementKind(str, enum.Enum):
    treaty = "treaty"
    agreement = "agreement"
    memorandum = "memorandum"
    protocol = "protocol"
    convention = "convention"
    declaration = "declaration"
    contract = "contract"


class AgreementStatus(str, enum.Enum):
    negotiated = "negotiated"
    signed = "signed"
    in_force = "in_force"
    superseded = "superseded"
    terminated = "terminated"
    expired = "expired"


class TermKind(str, enum.Enum):
    fixed = "fixed"
    indefinite = "indefinite"


class EventKind(str, enum.Enum):
    signature = "signature"
    domestic_submission = "domestic_submission"
    domestic_approval = "domestic_approval"
    ratification = "ratification"
    acceptance = "acceptance"
    approval = "approval"
    accession = "accession"
    succession = "succession"
    notification = "notification"
    exchange_of_instruments = "exchange_of_instruments"
    provisional_application = "provisional_application"
    entry_into_force = "entry_into_force"
    withdrawal = "withdrawal"
    denunciation = "denunciation"
    ratification_revoked = "ratification_revoked"


# Event kinds after which a party is no longer bound.
LEAVING_EVENT_KINDS = (EventKind.withdrawal, EventKind.denunciation, EventKind.ratification_revoked)


class DatePrecision(str, enum.Enum):
    day = "day"
    month = "month"
    year = "year"


class AtopObligation(str, enum.Enum):
    """Obligation codes of the Alliance Treaty Obligations and Provisions project."""

    defense = "defense"
    offense = "offense"
    neutral = "neutral"
    nonagg = "nonagg"
    consul = "consul"


def _enum(enum_cls: type[enum.Enum], name: str) -> Enum:
    # Stored as plain strings with a named CHECK, so both databases agree and
    # adding a value is a small batch migration rather than an ALTER TYPE.
    return Enum(
        enum_cls,
        name=name,
        native_enum=False,
        create_constraint=True,
        length=32,
        values_callable=lambda members: [m.value for m in members],
        validate_strings=True,
    )


class Party(Base):
    __tablename__ = "parties"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(255))
    kind: Mapped[PartyKind] = mapped_column(_enum(PartyKind, "party_kind"), index=True)

    participations: Mapped[list[AgreementParty]] = relationship(back_populates="party")


class Source(Base):
    __tablename__ = "sources"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(128), unique=True)
    title: Mapped[str] = mapped_column(Text)
    publisher: Mapped[str | None] = mapped_column(String(255))
    url: Mapped[str | None] = mapped_column(Text)
    published_on: Mapped[dt.date | None] = mapped_column(Date)
    kind: Mapped[str] = mapped_column(String(32), index=True)
    language: Mapped[str | None] = mapped_column(String(16))
    note: Mapped[str | None] = mapped_column(Text)


class Sector(Base):
    __tablename__ = "sectors"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(128))
    description: Mapped[str] = mapped_column(Text)


class ClauseType(Base):
    __tablename__ = "clause_types"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(128))
    description: Mapped[str] = mapped_column(Text)
    atop_obligation: Mapped[AtopObligation | None] = mapped_column(_enum(AtopObligation, "atop_obligation"))


class Agreement(Base):
    __tablename__ = "agreements"
    __table_args__ = (
        CheckConstraint("article_count IS NULL OR article_count > 0", "article_count_positive"),
        CheckConstraint("term_years IS NULL OR term_years > 0", "term_years_positive"),
        CheckConstraint(
            "entered_into_force_on IS NULL OR signed_on IS NULL OR entered_into_force_on >= signed_on",
            "in_force_after_signature",
        ),
        CheckConstraint(
            "ended_on IS NULL OR entered_into_force_on IS NULL OR ended_on >= entered_into_force_on",
            "ended_after_in_force",
        ),
        CheckConstraint("supersedes_id IS NULL OR supersedes_id <> id", "not_self_superseding"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(128), unique=True)
    title: Mapped[str] = mapped_column(Text)
    short_title: Mapped[str | None] = mapped_column(String(255))
    kind: Mapped[AgreementKind] = mapped_column(_enum(AgreementKind, "agreement_kind"), index=True)
    status: Mapped[AgreementStatus] = mapped_column(_enum(AgreementStatus, "agreement_status"), index=True)
    signed_on: Mapped[dt.date | None] = mapped_column(Date, index=True)
    signed_at: Mapped[str | None] = mapped_column(String(255))
    entry_into_force_rule: Mapped[str | None] = mapped_column(Text)
    entered_into_force_on: Mapped[dt.date | None] = mapped_column(Date, index=True)
    # The day it stopped binding anyone (terminated, expired); a supersession is read from supersedes_id.
    ended_on: Mapped[dt.date | None] = mapped_column(Date, index=True)
    term: Mapped[TermKind | None] = mapped_column(_enum(TermKind, "term_kind"))
    term_years: Mapped[int | None] = mapped_column(Integer)
    renewal: Mapped[str | None] = mapped_column(Text)
    article_count: Mapped[int | None] = mapped_column(Integer)
    languages: Mapped[str | None] = mapped_column(String(255))
    summary: Mapped[str | None] = mapped_column(Text)
    supersedes_id: Mapped[int | None] = mapped_column(
        ForeignKey("agreements.id", ondelete="SET NULL"), index=True
    )

    supersedes: Mapped[Agreement | None] = relationship(
        remote_side="Agreement.id", back_populates="superseded_by"
    )
    superseded_by: Mapped[list[Agreement]] = relationship(back_populates="supersedes")
    parties: Mapped[list[AgreementParty]] = relationship(
        back_populates="agreement", cascade="all, delete-orphan", order_by="AgreementParty.id"
    )
    events: Mapped[list[Event]] = relationship(
        back_populates="agreement", cascade="all, delete-orphan", order_by="Event.id"
    )
    articles: Mapped[list[Article]] = relationship(
        back_populates="agreement", cascade="all, delete-orphan", order_by="Article.number"
    )
    sectors: Mapped[list[AgreementSector]] = relationship(
        back_populates="agreement", cascade="all, delete-orphan"
    )


class AgreementParty(Base):
    """A party's participation in an agreement."""

    __tablename__ = "agreement_parties"
    __table_args__ = (UniqueConstraint("agreement_id", "party_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    agreement_id: Mapped[int] = mapped_column(ForeignKey("agreements.id", ondelete="CASCADE"), index=True)
    party_id: Mapped[int] = mapped_column(ForeignKey("parties.id", ondelete="RESTRICT"))
    role: Mapped[str] = mapped_column(String(32))
    note: Mapped[str | None] = mapped_column(Text)

    agreement: Mapped[Agreement] = relationship(back_populates="parties")
    party: Mapped[Party] = relationship(back_populates="participations")


class Event(Base):
    """A dated step in an agreement's life: a signature, a parliament's vote, a ratification, entry into force."""

    __tablename__ = "events"

    id: Mapped[int] = mapped_column(primary_key=True)
    agreement_id: Mapped[int] = mapped_column(ForeignKey("agreements.id", ondelete="CASCADE"), index=True)
    # NULL for events of the agreement as a whole (entry into force of a bilateral treaty).
    party_id: Mapped[int | None] = mapped_column(ForeignKey("parties.id", ondelete="RESTRICT"), index=True)
    kind: Mapped[EventKind] = mapped_column(_enum(EventKind, "event_kind"), index=True)
    # The first day of the period when the precision is a month or a year; NULL when unknown.
    date: Mapped[dt.date | None] = mapped_column(Date, index=True)
    date_precision: Mapped[DatePrecision | None] = mapped_column(_enum(DatePrecision, "date_precision"))
    acting_body: Mapped[str | None] = mapped_column(String(255))
    note: Mapped[str | None] = mapped_column(Text)
    # The seed files' stable key for the event within its agreement.
    key: Mapped[str] = mapped_column(String(128))

    agreement: Mapped[Agreement] = relationship(back_populates="events")
    party: Mapped[Party | None] = relationship()

    __table_args__ = (
        UniqueConstraint("agreement_id", "key"),
        CheckConstraint("(date IS NULL) = (date_precision IS NULL)", "date_has_precision"),
    )


class Article(Base):
    __tablename__ = "articles"
    __table_args__ = (
        UniqueConstraint("agreement_id", "number"),
        CheckConstraint("number > 0", "number_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    agreement_id: Mapped[int] = mapped_column(ForeignKey("agreements.id", ondelete="CASCADE"))
    number: Mapped[int] = mapped_column(Integer)
    heading: Mapped[str | None] = mapped_column(Text)
    summary: Mapped[str | None] = mapped_column(Text)
    text: Mapped[str | None] = mapped_column(Text)

    agreement: Mapped[Agreement] = relationship(back_populates="articles")
    sectors: Mapped[list[ArticleSector]] = relationship(
        back_populates="article", cascade="all, delete-orphan"
    )
    clause_types: Mapped[list[ArticleClauseType]] = relationship(
        back_populates="article", cascade="all, delete-orphan"
    )


class ArticleSector(Base):
    __tablename__ = "article_sectors"

    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True)
    sector_id: Mapped[int] = mapped_column(ForeignKey("sectors.id", ondelete="RESTRICT"), primary_key=True)

    article: Mapped[Article] = relationship(back_populates="sectors")
    sector: Mapped[Sector] = relationship()


class ArticleClauseType(Base):
    __tablename__ = "article_clause_types"

    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True)
    clause_type_id: Mapped[int] = mapped_column(
        ForeignKey("clause_types.id", ondelete="RESTRICT"), primary_key=True
    )
    # The paragraph of the article that carries the clause ("3", "4(a)"), when a source names it.
    paragraph: Mapped[str | None] = mapped_column(String(32))

    article: Mapped[Article] = relationship(back_populates="clause_types")
    clause_type: Mapped[ClauseType] = relationship()


class AgreementSector(Base):
    """Content known to be in an agreement but not tied to any article number."""

    __tablename__ = "agreement_sectors"

    agreement_id: Mapped[int] = mapped_column(
        ForeignKey("agreements.id", ondelete="CASCADE"), primary_key=True
    )
    sector_id: Mapped[int] = mapped_column(
        ForeignKey("sectors.id", ondelete="RESTRICT"), primary_key=True, index=True
    )
    note: Mapped[str | None] = mapped_column(Text)

    agreement: Mapped[Agreement] = relationship(back_populates="sectors")
    sector: Mapped[Sector] = relationship()


class AgreementSectorRollup(Base):
    """A sector an agreement deals with, through its articles or as a whole (AgreementSector).

    Derived data, rebuilt by `treaty-api seed` in its own transaction (api/rollups.py): the
    agreement filters and facets by sector read one row per pair instead of every article."""

    __tablename__ = "agreement_sector_rollups"

    agreement_id: Mapped[int] = mapped_column(ForeignKey("agreements.id", ondelete="CASCADE"), primary_key=True)
    sector_id: Mapped[int] = mapped_column(ForeignKey("sectors.id", ondelete="CASCADE"), primary_key=True)
    # How many of the agreement's articles carry the sector (0: the agreement as a whole only).
    article_count: Mapped[int] = mapped_column(Integer)


class AgreementClauseTypeRollup(Base):
    """A clause type some article of the agreement carries: derived like AgreementSectorRollup."""

    __tablename__ = "agreement_clause_type_rollups"

    agreement_id: Mapped[int] = mapped_column(ForeignKey("agreements.id", ondelete="CASCADE"), primary_key=True)
    clause_type_id: Mapped[int] = mapped_column(ForeignKey("clause_types.id", ondelete="CASCADE"), primary_key=True)
    article_count: Mapped[int] = mapped_column(Integer)


class ArticleSectorKey(Base):
    """An article carrying a sector, keyed by sector then by the article's place in the default
    order (agreement, number).

    Derived data, rebuilt by `treaty-api seed` like the rollups (api/rollups.py). A page of
    articles with a sector filter walks this key in order and stops after one page; from
    the articles' own order it tested the sector of every article it passed, most of them
    without it (about 1.5 ms a page at 600,000 articles). On SQLite the table is its key."""

    __tablename__ = "article_sector_keys"
    __table_args__ = {"sqlite_with_rowid": False}

    sector_id: Mapped[int] = mapped_column(ForeignKey("sectors.id", ondelete="CASCADE"), primary_key=True)
    agreement_id: Mapped[int] = mapped_column(Integer, primary_key=True)  # the article's: it cascades
    number: Mapped[int] = mapped_column(Integer, primary_key=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id", ondelete="CASCADE"), index=True)


class ArticleClauseTypeKey(Base):
    """An article carrying a clause type, keyed like ArticleSectorKey."""

    __tablename__ = "article_clause_type_keys"
    __table_args__ = {"sqlite_with_rowid": False}

    clause_type_id: Mapped[int] = mapped_column(ForeignKey("clause_types.id", ondelete="CASCADE"),
                                                primary_key=True)
    agreement_id: Mapped[int] = mapped_column(Integer, primary_key=True)  # the article's: it cascades
    number: Mapped[int] = mapped_column(Integer, primary_key=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id", ondelete="CASCADE"), index=True)


class Alternative(Base):
    """A value that some source gives where the record keeps another (preferred) one."""

    __tablename__ = "alternatives"
    __table_args__ = (
        CheckConstraint(
            "(CASE WHEN agreement_id IS NULL THEN 0 ELSE 1 END)"
            " + (CASE WHEN event_id IS NULL THEN 0 ELSE 1 END)"
            " + (CASE WHEN article_id IS NULL THEN 0 ELSE 1 END) = 1",
            "one_subject",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    agreement_id: Mapped[int | None] = mapped_column(
        ForeignKey("agreements.id", ondelete="CASCADE"), index=True
    )
    event_id: Mapped[int | None] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    article_id: Mapped[int | None] = mapped_column(ForeignKey("articles.id", ondelete="CASCADE"), index=True)
    field: Mapped[str] = mapped_column(String(64))
    value: Mapped[str] = mapped_column(Text)
    note: Mapped[str | None] = mapped_column(Text)


class Citation(Base):
    """Ties one fact to the source it was read from.

    The subject is exactly one of: an agreement (optionally one field of it, or one
    of its agreement-level sectors), an event, an article (optionally one of its
    sector or clause-type tags), or an alternative value.
    """

    __tablename__ = "citations"
    __table_args__ = (
        CheckConstraint(
            "(CASE WHEN agreement_id IS NULL THEN 0 ELSE 1 END)"
            " + (CASE WHEN event_id IS NULL THEN 0 ELSE 1 END)"
            " + (CASE WHEN article_id IS NULL THEN 0 ELSE 1 END)"
            " + (CASE WHEN alternative_id IS NULL THEN 0 ELSE 1 END) = 1",
            "one_subject",
        ),
        CheckConstraint("sector_id IS NULL OR clause_type_id IS NULL", "one_tag"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    source_id: Mapped[int] = mapped_column(ForeignKey("sources.id", ondelete="RESTRICT"), index=True)
    locator: Mapped[str | None] = mapped_column(Text)
    agreement_id: Mapped[int | None] = mapped_column(
        ForeignKey("agreements.id", ondelete="CASCADE"), index=True
    )
    event_id: Mapped[int | None] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    article_id: Mapped[int | None] = mapped_column(ForeignKey("articles.id", ondelete="CASCADE"), index=True)
    alternative_id: Mapped[int | None] = mapped_column(
        ForeignKey("alternatives.id", ondelete="CASCADE"), index=True
    )
    field: Mapped[str | None] = mapped_column(String(64))
    sector_id: Mapped[int | None] = mapped_column(ForeignKey("sectors.id", ondelete="CASCADE"), index=True)
    clause_type_id: Mapped[int | None] = mapped_column(
        ForeignKey("clause_types.id", ondelete="CASCADE"), index=True
    )

    source: Mapped[Source] = relationship()


class DataVersion(Base):
    """One row whose version goes up with every write of the data (seed, import-text).

    Readers see the new version exactly when they see the new data: the writer bumps it
    in its own transaction (api/dataversion.py). Streamed CSV answers take their ETag from it.
    """

    __tablename__ = "data_version"
    __table_args__ = (CheckConstraint("id = 1", "single_row"),)

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    version: Mapped[int] = mapped_column(Integer)
    changed_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))



class Rendering:
    """What a stored rendering keeps beside its subject's key: the data version and the
    rendering code it was made by (api/renderings.py), and the JSON itself."""

    data_version: Mapped[int] = mapped_column(Integer)
    code: Mapped[str] = mapped_column(String(64))
    body: Mapped[str] = mapped_column(Text)


class AgreementRendering(Rendering, Base):
    """An agreement's detail document, rendered by the writer that last changed the data.

    Assembling a detail takes eight statements and a few hundred rows; reads outnumber
    writes by far, so `treaty-api seed` and `import-text` render every agreement once and a
    request reads one row. A rendering counts only while the data version and the code that
    shapes the document are those it was rendered from; otherwise the API assembles the
    detail live (api/renderings.py)."""

    __tablename__ = "agreement_renderings"

    agreement_id: Mapped[int] = mapped_column(
        ForeignKey("agreements.id", ondelete="CASCADE"), primary_key=True, autoincrement=False
    )


class ArticleRendering(Rendering, Base):
    """An article as it appears in a list of articles, rendered with the agreement documents.

    Its tags, sources and disputes take three statements and a hundred rows per page of
    fifty; a page of stored items reads one row per article. The same rules as for
    `AgreementRendering` decide when it counts (api/renderings.py)."""

    __tablename__ = "article_renderings"

    article_id: Mapped[int] = mapped_column(
        ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True, autoincrement=False
    )


# Composite indexes for the list filters, looked up from the vocabulary or party
# side; they also serve as the foreign-key indexes. Articles by agreement use the
# (agreement_id, number) unique constraint.
Index("ix_article_sectors_sector_id_article_id", ArticleSector.sector_id, ArticleSector.article_id)
Index(
    "ix_article_clause_types_clause_type_id_article_id",
    ArticleClauseType.clause_type_id,
    ArticleClauseType.article_id,
)
Index("ix_agreement_parties_party_id_agreement_id", AgreementParty.party_id, AgreementParty.agreement_id)
Index("ix_agreement_sector_rollups_sector_id_agreement_id", AgreementSectorRollup.sector_id,
      AgreementSectorRollup.agreement_id)
Index("ix_agreement_clause_type_rollups_clause_type_id_agreement_id", AgreementClauseTypeRollup.clause_type_id,
      AgreementClauseTypeRollup.agreement_id)
