"""`treaty-api import-text AGREEMENT FILE`: article texts from a plain-text treaty."""
from __future__ import annotations

from sqlalchemy import select, text

from api.db import get_engine
from api.models import Agreement, Article
from tests.seed_fixtures.helpers import FIXTURES, GOOD, dump

ALPHA = "alpha-beta-treaty-2020"
ENGLISH = FIXTURES / "texts/alpha-beta-en.txt"
RUSSIAN = FIXTURES / "texts/alpha-beta-ru.txt"


def texts(app) -> dict[int, str | None]:
    with app.app_context(), get_engine().connect() as conn:
        return dict(conn.execute(
            select(Article.number, Article.text).join(Agreement).where(Agreement.slug == ALPHA).order_by(Article.number)
        ).all())  # fmt: skip


def seed(runner) -> None:
    result = runner.invoke(args=["seed", str(GOOD)])
    assert result.exit_code == 0, result.output


def test_texts_are_attached_and_matches_reported(app, runner):
    seed(runner)

    result = runner.invoke(args=["import-text", ALPHA, str(ENGLISH)])

    assert result.exit_code == 0, result.output
    assert result.output == (
        "matched: 3 (1-3)\n"
        "missing: 1 (4)\n"
        "extra: 1 (5)\n"
        "Updated 3 article texts.\n"
    )
    assert texts(app) == {
        1: "The Parties shall live in peace.",
        2: "1. Each party assists the other if attacked.\n2. Assistance is given at once.",
        3: "This treaty does not affect other obligations.",
        4: None,
    }


def test_russian_headings_are_read(app, runner):
    seed(runner)

    result = runner.invoke(args=["import-text", ALPHA, str(RUSSIAN)])

    assert result.exit_code == 0, result.output
    assert "matched: 2 (1, 4)\nmissing: 2 (2-3)\nextra: 0 (none)\n" in result.output
    assert texts(app)[4] == "Настоящий Договор вступает в силу со дня обмена ратификационными грамотами."


def test_texts_survive_a_reseed_and_are_exported(app, runner, tmp_path):
    seed(runner)
    runner.invoke(args=["import-text", ALPHA, str(ENGLISH)])

    assert "Nothing changed." in runner.invoke(args=["seed", str(GOOD)]).output
    assert texts(app)[1] == "The Parties shall live in peace."
    runner.invoke(args=["export", str(tmp_path)])
    assert "  - number: 1\n    text: The Parties shall live in peace.\n" in (
        tmp_path / f"agreements/{ALPHA}.yaml").read_text(encoding="utf-8")


def test_a_second_import_updates_nothing(app, runner):
    seed(runner)
    runner.invoke(args=["import-text", ALPHA, str(ENGLISH)])

    result = runner.invoke(args=["import-text", ALPHA, str(ENGLISH)])

    assert result.output.endswith("Updated 0 article texts.\n")


def test_an_unknown_agreement_is_an_error(app, runner):
    seed(runner)
    before = dump(app)

    result = runner.invoke(args=["import-text", "no-such-treaty", str(ENGLISH)])

    assert result.exit_code == 1
    assert result.output == "Unknown agreement 'no-such-treaty'; nothing was written.\n"
    assert dump(app) == before


def test_a_repeated_heading_is_an_error_and_nothing_is_written(app, runner, tmp_path):
    seed(runner)
    before = dump(app)
    bad = tmp_path / "bad.txt"
    bad.write_text("Article 1\nOne.\nArticle 2\nTwo.\nArticle 1\nOne again.\n", encoding="utf-8")

    result = runner.invoke(args=["import-text", ALPHA, str(bad)])

    assert result.exit_code == 1
    assert result.output == f"{bad}:5: Article 1 appears again (first at line 1).\nNothing was written.\n"
    assert dump(app) == before


def test_a_file_that_is_not_utf8_is_an_error(app, runner, tmp_path):
    seed(runner)
    bad = tmp_path / "latin1.txt"
    bad.write_bytes("Article 1\nDéjà vu.\n".encode("latin-1"))

    result = runner.invoke(args=["import-text", ALPHA, str(bad)])

    assert result.exit_code == 1
    assert result.output.startswith(f"{bad}: not UTF-8 text")
    assert texts(app)[1] is None


def test_dry_run_writes_nothing(app, runner):
    seed(runner)
    before = dump(app)

    result = runner.invoke(args=["import-text", "--dry-run", ALPHA, str(ENGLISH)])

    assert result.exit_code == 0
    assert "matched: 3 (1-3)" in result.output
    assert result.output.endswith("Dry run, nothing was written.\n")
    assert dump(app) == before


def _lock_article_3(app) -> None:
    """A trigger that refuses to change article 3: a database error after articles 1 and 2 are written."""
    with app.app_context(), get_engine().begin() as conn:
        if conn.dialect.name == "sqlite":
            conn.execute(text(
                "CREATE TRIGGER lock_article_3 BEFORE UPDATE OF text ON articles WHEN new.number = 3 "
                "BEGIN SELECT RAISE(ABORT, 'article 3 is locked'); END"
            ))
        else:
            conn.execute(text(
                "CREATE FUNCTION lock_article_3() RETURNS trigger LANGUAGE plpgsql AS "
                "$$ BEGIN RAISE EXCEPTION 'article 3 is locked'; END $$"
            ))
            conn.execute(text(
                "CREATE TRIGGER lock_article_3 BEFORE UPDATE OF text ON articles FOR EACH ROW "
                "WHEN (NEW.number = 3) EXECUTE FUNCTION lock_article_3()"
            ))


def test_a_database_error_midway_writes_no_text(app, runner):
    seed(runner)
    _lock_article_3(app)
    before = dump(app)

    result = runner.invoke(args=["import-text", ALPHA, str(ENGLISH)])

    assert result.exit_code == 1
    assert "Database error; nothing was written: " in result.output
    assert "article 3 is locked" in result.output
    assert dump(app) == before
