"""`treaty-api seed`, `treaty-api export` and `treaty-api import-text`."""
from __future__ import annotations

import contextlib
import gc
import sys
import time

import click
from flask.cli import with_appcontext
from sqlalchemy.exc import SQLAlchemyError

from api import dataversion, forked, renderings, rollups
from api.db import get_engine
from api.seeding import export, reading, rows, store, texts

# Above this many documents (or rows to write) a terminal gets a progress bar.
LARGE = 1_000


class _Silent:
    def update(self, n: int) -> None:
        pass


@contextlib.contextmanager
def _progress(length: int, label: str):
    if length >= LARGE and sys.stdout.isatty():
        with click.progressbar(length=length, label=label, show_pos=True) as bar:
            yield bar
    else:
        yield _Silent()


@contextlib.contextmanager
def _large_cache(conn):
    """SQLite's default 2 MB page cache thrashes on the indexes of a bulk import; 256 MB for its duration."""
    if conn.dialect.name != "sqlite":
        yield
        return
    default = conn.exec_driver_sql("PRAGMA cache_size").scalar()
    conn.exec_driver_sql("PRAGMA cache_size = -262144")
    conn.commit()  # end SQLAlchemy's autobegun transaction: the import's own begins next
    try:
        yield
    finally:
        if not conn.closed and not conn.invalidated:
            conn.rollback()
            conn.exec_driver_sql(f"PRAGMA cache_size = {int(default)}")
            conn.commit()


@contextlib.contextmanager
def _no_cycle_collection():
    """A bulk import allocates millions of dicts and tuples that all live until it ends: the
    cyclic garbage collector would walk them again and again (a third of the CPU time at
    100,000 articles) and find nothing. Reference counting still frees what is dropped."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _fail(message: str) -> None:
    click.echo(message, err=True)
    sys.exit(1)


@contextlib.contextmanager
def _nothing_written_on_failure():
    """Around a writer's transaction: a database error, or a document that failed to render in a
    worker process (api/forked.py), ends the command with its cause once the transaction has
    rolled back."""
    try:
        yield
    except SQLAlchemyError as error:
        _fail(f"Database error; nothing was written: {getattr(error, 'orig', None) or error}")
    except forked.ChildFailed as error:
        _fail(f"Rendering the stored documents failed; nothing was written.\n{error}")


@click.command("seed")
@click.argument("paths", nargs=-1, type=click.Path())
@click.option("--dry-run", is_flag=True, help="Validate and report what would change, without writing.")
@click.option("--prune", is_flag=True, help="Also delete what the files no longer hold.")
@with_appcontext
def seed_command(paths: tuple[str, ...], dry_run: bool, prune: bool) -> None:
    """Validate the seed files in PATHS (default: seeds/) and upsert them in one transaction.

    PATH may be a directory (read recursively) or a file: YAML seed files, or JSON Lines
    files holding one agreement document per line.
    """
    started = time.perf_counter()
    with _nothing_written_on_failure():
        with (
            _no_cycle_collection(), get_engine().connect() as conn, _large_cache(conn), conn.begin() as transaction
        ):
            seeds = _read(conn, paths or ("seeds",), prune)
            if seeds.errors:
                for error in seeds.errors:
                    click.echo(str(error), err=True)
                transaction.rollback()
                _fail(f"{len(seeds.errors)} error{'s' if len(seeds.errors) != 1 else ''}; nothing was written.")
            desired = rows.from_seeds(seeds)
            read = (len(seeds.agreements), len(desired["articles"]))
            seeds.agreements.clear()  # the rows hold it all now; memory counts at 600,000 articles
            existing, identity, ids = store.load(conn)
            changes = store.diff(desired, existing, prune)
            counts = {kind: change.counts for kind, change in changes.items()}
            if not dry_run:
                total = sum(len(c.create) + len(c.update) + len(c.delete) for c in changes.values())
                with _progress(total, "Writing") as bar:
                    store.write(conn, desired, existing, identity, ids, changes, bar.update)
                # Freed before rendering, whose worker processes would share the pages (api/forked.py).
                del desired, existing, identity, ids, changes
                if total:
                    dataversion.bump(conn)  # in the import's transaction: readers see both or neither
                    rollups.refresh(conn)
                    _refresh_statistics(conn)  # before rendering, which reads every agreement
                if total or renderings.stale(conn):  # a release may shape the documents anew
                    renderings.refresh(conn)
            else:
                transaction.rollback()
    _report(counts, dry_run, read, time.perf_counter() - started)


def _refresh_statistics(conn) -> None:
    """PostgreSQL plans from table statistics, which a bulk load leaves stale until autovacuum
    comes round (minutes later; for a freshly loaded table it may have none at all): with none,
    an agreement's citations were read by scanning the whole table, ten times slower. ANALYZE
    in the import's transaction commits the statistics with the rows they describe."""
    if conn.dialect.name == "postgresql":
        conn.exec_driver_sql("ANALYZE")


def _read(conn, paths, prune: bool) -> reading.SeedSet:
    known = store.references(conn)
    parsed = reading.parse_all(paths)
    with _progress(len(parsed.agreements), "Validating") as bar:
        return reading.validate(parsed, known, prune, bar)


def _report(counts: dict[str, tuple[int, int, int, int]], dry_run: bool, read: tuple[int, int],
            seconds: float) -> None:
    """`counts`: (created, updated, unchanged, deleted) of each kind."""
    click.echo(f"{'kind':<22}{'created':>9}{'updated':>9}{'unchanged':>11}{'deleted':>9}")
    for kind in rows.KINDS:
        created, updated, unchanged, deleted = counts[kind]
        click.echo(f"{kind:<22}{created:>9}{updated:>9}{unchanged:>11}{deleted:>9}")
    changed = any(created or updated or deleted for created, updated, _, deleted in counts.values())
    agreements, articles = read
    rate = f" ({articles / seconds:,.0f} articles/s)" if articles >= LARGE and seconds else ""
    summary = f"{agreements} agreements, {articles} articles read in {seconds:.1f} s{rate}."
    if dry_run:
        click.echo(f"Dry run, nothing was written. {summary}")
    elif changed:
        click.echo(f"Seeded. {summary}")
    else:
        click.echo(f"Nothing changed. {summary}")


@click.command("export")
@click.argument("directory", default="seeds", type=click.Path(file_okay=False))
@with_appcontext
def export_command(directory: str) -> None:
    """Write the database as seed files into DIRECTORY (default: seeds/)."""
    with get_engine().connect() as conn:
        written = export.write_files(conn, directory)
    click.echo(f"Wrote {written} files to {directory}.")


@click.command("import-text")
@click.argument("agreement")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option("--dry-run", is_flag=True, help="Report the matches without writing.")
@with_appcontext
def import_text_command(agreement: str, file: str, dry_run: bool) -> None:
    """Attach the article texts of FILE (UTF-8, "Article N" / "Статья N" headings) to AGREEMENT."""
    try:
        with open(file, encoding="utf-8") as handle:
            text = handle.read()
    except UnicodeDecodeError as error:
        _fail(f"{file}: not UTF-8 text ({error.reason} at byte {error.start}).")
    parsed = texts.split_articles(text)
    if parsed.errors:
        for line, message in parsed.errors:
            click.echo(f"{file}:{line}: {message}", err=True)
        _fail("Nothing was written.")
    with _nothing_written_on_failure():
        with get_engine().connect() as conn, conn.begin() as transaction:
            result = texts.attach(conn, agreement, parsed.articles)
            if result is None:
                transaction.rollback()
                _fail(f"Unknown agreement '{agreement}'; nothing was written.")
            if dry_run:
                transaction.rollback()
            elif result.updated:
                dataversion.bump(conn)  # in the same transaction as the texts
                renderings.refresh(conn, changed=[result.agreement_id])  # only its articles changed
    click.echo(f"matched: {len(result.matched)} ({texts.ranges(result.matched)})")
    click.echo(f"missing: {len(result.missing)} ({texts.ranges(result.missing)})")
    click.echo(f"extra: {len(result.extra)} ({texts.ranges(result.extra)})")
    click.echo("Dry run, nothing was written." if dry_run else f"Updated {result.updated} article texts.")
