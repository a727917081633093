"""Seed documents as rows keyed by natural keys, the form in which files and database are compared.

Every kind of row is a dict {natural key: tuple of values}. Keys name records the
way the files do (agreement id, article number, source id, ...), never by database
ids, so the same dict can be built from the files and from the database and the two
compared with plain Python.

Subjects of alternatives and citations are tuples too:
("agreement", agreement) | ("event", agreement, event) | ("article", agreement, number)
| ("alternative", alternative key).
"""
from __future__ import annotations

from dataclasses import dataclass, field

from api.seeding.reading import SeedSet

# Kinds in the order they are reported (and written: parents before children).
VOCABULARY_KINDS = ("sources", "parties", "sectors", "clause_types")
AGREEMENT_KINDS = ("agreements", "events", "articles")
CHILD_KINDS = (
    "agreement_parties", "agreement_sectors", "article_sectors", "article_clause_types", "alternatives", "citations",
)  # fmt: skip
KINDS = VOCABULARY_KINDS + AGREEMENT_KINDS + CHILD_KINDS

# An article whose file leaves `text` out keeps the text the database holds.
KEEP = object()


def languages_column(languages: list[str] | None) -> str | None:
    return ",".join(languages) if languages else None


def languages_field(column: str | None) -> list[str] | None:
    return column.split(",") if column else None


@dataclass
class Rows:
    kinds: dict[str, dict] = field(default_factory=lambda: {kind: {} for kind in KINDS})

    def __getitem__(self, kind: str) -> dict:
        return self.kinds[kind]


def from_seeds(seeds: SeedSet) -> Rows:
    rows = Rows()
    for source in seeds.vocabularies["sources"]:
        rows["sources"][source["id"]] = (
            source["title"], source["publisher"], source["url"], source["published_on"],
            source["kind"], source["language"], source["note"],
        )  # fmt: skip
    for party in seeds.vocabularies["parties"]:
        rows["parties"][party["code"]] = (party["name"], party["kind"])
    for sector in seeds.vocabularies["sectors"]:
        rows["sectors"][sector["slug"]] = (sector["name"], sector["description"])
    for clause_type in seeds.vocabularies["clause_types"]:
        rows["clause_types"][clause_type["slug"]] = (
            clause_type["name"], clause_type["description"], clause_type["atop_obligation"],
        )  # fmt: skip
    for agreement in seeds.agreements:
        _add_agreement(rows, agreement)
    return rows


def _add_agreement(rows: Rows, agreement: dict) -> None:
    slug = agreement["id"]
    rows["agreements"][slug] = (
        agreement["title"], agreement["short_title"], agreement["kind"], agreement["status"],
        agreement["signed_on"], agreement["signed_at"], agreement["entry_into_force_rule"],
        agreement["entered_into_force_on"], agreement["ended_on"], agreement["term"], agreement["term_years"],
        agreement["renewal"], agreement["article_count"], languages_column(agreement["languages"]),
        agreement["summary"], agreement["supersedes"],
    )  # fmt: skip
    subject = ("agreement", slug)
    citations = rows["citations"]
    for citation in agreement["sources"]:
        citations[(subject, citation["source"], citation["locator"], citation["field"], None, None)] = ()
    _add_disputes(rows, subject, agreement["disputes"])
    for party in agreement["parties"]:
        rows["agreement_parties"][(slug, party["party"])] = (party["role"], party["note"])
    for sector in agreement["sectors"]:
        rows["agreement_sectors"][(slug, sector["sector"])] = (sector["note"],)
        for citation in sector["sources"]:
            citations[(subject, citation["source"], citation["locator"], None, sector["sector"], None)] = ()

    for event in agreement["events"]:
        rows["events"][(slug, event["id"])] = (
            event["party"], event["kind"], event["date"], event["precision"], event["acting_body"], event["note"],
        )  # fmt: skip
        event_subject = ("event", slug, event["id"])
        for citation in event["sources"]:
            citations[(event_subject, citation["source"], citation["locator"], None, None, None)] = ()
        _add_disputes(rows, event_subject, event["disputes"])

    articles = rows["articles"]
    if agreement["article_count"]:
        # Numbers the file leaves out are articles with every field unknown.
        for number in range(1, agreement["article_count"] + 1):
            articles[(slug, number)] = (None, None, KEEP)
    article_sectors, article_clause_types = rows["article_sectors"], rows["article_clause_types"]
    for article in agreement["articles"]:
        number = article["number"]
        articles[(slug, number)] = (article["heading"], article["summary"], article.get("text", KEEP))
        article_subject = ("article", slug, number)
        for citation in article["sources"]:
            citations[(article_subject, citation["source"], citation["locator"], None, None, None)] = ()
        for tag in article["sectors"]:
            article_sectors[(slug, number, tag["sector"])] = ()
            for citation in tag["sources"]:
                citations[(article_subject, citation["source"], citation["locator"], None, tag["sector"], None)] = ()
        for tag in article["clause_types"]:
            article_clause_types[(slug, number, tag["clause_type"])] = (tag["paragraph"],)
            for citation in tag["sources"]:
                citations[(article_subject, citation["source"], citation["locator"], None, None, tag["clause_type"])] = ()
        if article["disputes"]:
            _add_disputes(rows, article_subject, article["disputes"])


def _add_disputes(rows: Rows, subject: tuple, disputes: dict) -> None:
    for field_name, alternatives in disputes.items():
        for alternative in alternatives:
            key = (subject, field_name, alternative["value"], alternative["note"])
            rows["alternatives"][key] = ()
            for citation in alternative["sources"]:
                rows["citations"][(("alternative", key), citation["source"], citation["locator"], None, None, None)] = ()


def agreement_of(kind: str, key) -> str:
    """The agreement a row of a child kind belongs to."""
    if kind in ("events", "articles", "agreement_parties", "agreement_sectors", "article_sectors", "article_clause_types"):
        return key[0]
    subject = key[0]
    if subject[0] == "alternative":
        subject = subject[1][0]
    return subject[1]


def parent_of(kind: str, key) -> tuple | None:
    """The event or article a child row hangs from, as a subject; None when it hangs from the agreement."""
    if kind in ("article_sectors", "article_clause_types"):
        return ("article", key[0], key[1])
    if kind in ("alternatives", "citations"):
        subject = key[0]
        if subject[0] == "alternative":
            subject = subject[1][0]
        return subject if subject[0] in ("event", "article") else None
    return None
