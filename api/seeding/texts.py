"""Full article texts from a plain-text treaty: `Article N` / `Статья N` headings, each on its own line."""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from sqlalchemy import Connection, bindparam, select, update

from api.models import Agreement, Article

# A heading alone on its line: "Article 12", "ARTICLE 12.", "Статья 12".
HEADING = re.compile(r"^[ \t]*(?:Article|Статья)[ \t]+(\d+)[ \t]*\.?[ \t]*$", re.IGNORECASE | re.MULTILINE)


@dataclass
class ParsedText:
    articles: dict[int, str] = field(default_factory=dict)
    errors: list[tuple[int, str]] = field(default_factory=list)  # (line, message)


@dataclass
class Attached:
    agreement_id: int
    matched: list[int]
    missing: list[int]
    extra: list[int]
    updated: int


def split_articles(text: str) -> ParsedText:
    """Article number -> its text (what follows its heading up to the next one); the preamble is not kept."""
    parsed = ParsedText()
    headings = list(HEADING.finditer(text))
    first_line: dict[int, int] = {}
    for index, heading in enumerate(headings):
        number = int(heading.group(1))
        line = text.count("\n", 0, heading.start()) + 1
        if number in first_line:
            parsed.errors.append((line, f"Article {number} appears again (first at line {first_line[number]})."))
            continue
        first_line[number] = line
        end = headings[index + 1].start() if index + 1 < len(headings) else len(text)
        body = text[heading.end() : end].strip()
        parsed.articles[number] = body or None
    if not headings:
        parsed.errors.append((1, 'No "Article N" or "Статья N" heading found.'))
    return parsed


def attach(conn: Connection, agreement_slug: str, articles: dict[int, str | None]) -> Attached | None:
    """Store the texts of the agreement's articles; None when there is no such agreement."""
    agreement_id = conn.scalar(select(Agreement.id).where(Agreement.slug == agreement_slug))
    if agreement_id is None:
        return None
    existing = dict(conn.execute(select(Article.number, Article.text).where(Article.agreement_id == agreement_id)).all())
    matched = sorted(set(articles) & existing.keys())
    changed = [{"_n": n, "text": articles[n]} for n in matched if existing[n] != articles[n]]
    if changed:
        table = Article.__table__
        conn.execute(
            update(table)
            .where(table.c.agreement_id == agreement_id, table.c.number == bindparam("_n"))
            .values(text=bindparam("text")),
            changed,
        )
    return Attached(
        agreement_id=agreement_id,
        matched=matched,
        missing=sorted(existing.keys() - articles.keys()),
        extra=sorted(articles.keys() - existing.keys()),
        updated=len(changed),
    )


def ranges(numbers: list[int]) -> str:
    """[1, 2, 3, 7, 9, 10] -> "1-3, 7, 9-10"; "none" for an empty list."""
    if not numbers:
        return "none"
    parts, start, previous = [], numbers[0], numbers[0]
    for number in numbers[1:] + [None]:
        if number is not None and number == previous + 1:
            previous = number
            continue
        parts.append(str(start) if start == previous else f"{start}-{previous}")
        if number is not None:
            start = previous = number
    return ", ".join(parts)
