"""Agreement details and article items rendered by the writers: the same bytes as the live
assembly, never stale."""
from __future__ import annotations

import shutil

import pytest
from sqlalchemy import func, select, update

from api import dataversion, jsonbody
from api.db import get_engine
from api.models import Agreement, AgreementRendering, Article, ArticleRendering
from tests.seed_fixtures.helpers import FIXTURES, GOOD, copy_good, dump, edit

ALPHA = "alpha-beta-treaty-2020"
GAMMA = "gamma-gas-memorandum-2021"


def _execute(app, statement):
    with app.app_context(), get_engine().begin() as conn:
        return conn.execute(statement)


def _renderings(app) -> list[tuple[str, int, str]]:
    """(agreement id, data version, code) of every stored document."""
    with app.app_context(), get_engine().connect() as conn:
        return conn.execute(
            select(Agreement.slug, AgreementRendering.data_version, AgreementRendering.code)
            .join(Agreement, Agreement.id == AgreementRendering.agreement_id).order_by(Agreement.slug)
        ).all()


def _mark(app):
    """Store Gamma's document as Alpha's, to tell a stored answer from a live one."""
    def agreement(slug):
        return select(Agreement.id).where(Agreement.slug == slug).scalar_subquery()

    gamma = select(AgreementRendering.body).where(AgreementRendering.agreement_id == agreement(GAMMA)).scalar_subquery()
    _execute(app, update(AgreementRendering).where(AgreementRendering.agreement_id == agreement(ALPHA)).values(body=gamma))


def _live(app, client, path, monkeypatch):
    """The detail or page assembled live, and dumped by marshmallow itself."""
    _execute(app, update(AgreementRendering).values(code="another release"))
    _execute(app, update(ArticleRendering).values(code="another release"))
    with monkeypatch.context() as patch:
        patch.setattr(jsonbody, "compiled", lambda schema: schema().dump)
        return client.get(path)


@pytest.fixture
def seeded(app, runner):
    result = runner.invoke(args=["seed", str(GOOD)])
    assert result.exit_code == 0, result.output
    return app


def test_seed_renders_every_agreement_and_a_request_reads_the_stored_document(seeded):
    with seeded.app_context(), get_engine().connect() as conn:
        agreements = conn.scalar(select(func.count()).select_from(Agreement))
        version = dataversion.current(conn)
    stored = _renderings(seeded)
    assert len(stored) == agreements > 0
    assert {(v, len(code)) for _, v, code in stored} == {(version, 32)}

    _mark(seeded)
    answer = seeded.test_client().get(f"/v1/agreements/{ALPHA}")
    assert answer.status_code == 200 and answer.content_type == "application/json"
    assert answer.json["id"] == GAMMA
    assert answer.headers["ETag"] and answer.headers["Access-Control-Allow-Origin"] == "*"


@pytest.mark.parametrize("slug", [
    "ru-ir-comprehensive-strategic-partnership-2025", "ru-kp-comprehensive-strategic-partnership-2024",
    "ru-ir-basis-of-relations-2001", "instc-agreement-2000",
])
def test_a_stored_document_has_the_bytes_of_the_live_assembly(shared_seeded_app, seeded_database_url, slug,
                                                              monkeypatch):
    from tests.conftest import make_app

    path = f"/v1/agreements/{slug}"
    stored = shared_seeded_app.test_client().get(path)
    app = make_app(seeded_database_url)  # a copy this test may write to
    live = _live(app, app.test_client(), path, monkeypatch)
    assert stored.status_code == live.status_code == 200
    assert stored.get_data() == live.get_data()
    assert stored.headers["ETag"] == live.headers["ETag"]


def test_a_write_that_did_not_render_is_answered_live(seeded):
    _mark(seeded)
    with seeded.app_context(), get_engine().begin() as conn:
        dataversion.bump(conn)  # new data, no rendering
    answer = seeded.test_client().get(f"/v1/agreements/{ALPHA}")
    assert answer.status_code == 200 and answer.json["id"] == ALPHA


def test_documents_of_another_release_are_answered_live_and_seed_renders_them_again(seeded, runner):
    _mark(seeded)
    _execute(seeded, update(AgreementRendering).values(code="another release"))
    assert seeded.test_client().get(f"/v1/agreements/{ALPHA}").json["id"] == ALPHA

    result = runner.invoke(args=["seed", str(GOOD)])
    assert result.exit_code == 0 and "Nothing changed" in result.output
    assert {code for _, _, code in _renderings(seeded)} != {"another release"}
    assert seeded.test_client().get(f"/v1/agreements/{ALPHA}").json["id"] == ALPHA


def test_an_unknown_agreement_is_still_a_404(seeded):
    answer = seeded.test_client().get("/v1/agreements/no-such-agreement")
    assert answer.status_code == 404 and answer.content_type == "application/problem+json"


def test_import_text_renders_the_documents_again(seeded, runner):
    before = {version for _, version, _ in _renderings(seeded)}
    result = runner.invoke(args=["import-text", ALPHA, str(FIXTURES / "texts/alpha-beta-en.txt")])
    assert result.exit_code == 0, result.output
    after = {version for _, version, _ in _renderings(seeded)}
    assert len(before) == len(after) == 1 and after != before
    _mark(seeded)  # the new documents are the ones served
    assert seeded.test_client().get(f"/v1/agreements/{ALPHA}").json["id"] == GAMMA


def test_a_pruned_agreement_takes_its_document_with_it(seeded, runner, tmp_path):
    seeds = copy_good(tmp_path)
    (seeds / "agreements/gamma-gas-memorandum-2021.yaml").unlink()
    result = runner.invoke(args=["seed", "--prune", str(seeds)])
    assert result.exit_code == 0, result.output
    assert [slug for slug, _, _ in _renderings(seeded)] == [ALPHA]


def test_import_text_renders_its_agreement_again_and_carries_the_others_over(seeded, runner, monkeypatch):
    _mark(seeded)  # Alpha's stored document is Gamma's: import-text must replace it
    result = runner.invoke(args=["import-text", ALPHA, str(FIXTURES / "texts/alpha-beta-en.txt")])
    assert result.exit_code == 0, result.output
    client = seeded.test_client()
    assert client.get(f"/v1/agreements/{ALPHA}").json["id"] == ALPHA
    stored = client.get(f"/v1/agreements/{GAMMA}")
    assert stored.get_data() == _live(seeded, client, f"/v1/agreements/{GAMMA}", monkeypatch).get_data()


# -- article items -------------------------------------------------------------------------------

A, B = 1, 2  # two of Alpha's four articles
ALL = [(ALPHA, n) for n in (1, 2, 3, 4)]


def _article(app, slug: str, number: int) -> int:
    with app.app_context(), get_engine().connect() as conn:
        return conn.scalar(select(Article.id).join(Agreement, Agreement.id == Article.agreement_id)
                           .where(Agreement.slug == slug, Article.number == number))


def _article_renderings(app) -> dict[int, tuple[int, str]]:
    with app.app_context(), get_engine().connect() as conn:
        return {article: (version, code) for article, version, code in conn.execute(
            select(ArticleRendering.article_id, ArticleRendering.data_version, ArticleRendering.code))}


def _mark_article(app, article: int, like: int):
    """Store article `like`'s item as `article`'s, to tell a stored page from a live one."""
    body = select(ArticleRendering.body).where(ArticleRendering.article_id == like).scalar_subquery()
    _execute(app, update(ArticleRendering).where(ArticleRendering.article_id == article).values(body=body))


def _numbers(response) -> list[tuple[str, int]]:
    assert response.status_code == 200, response.get_data(as_text=True)
    return [(item["agreement"], item["number"]) for item in response.json["items"]]


def test_seed_renders_every_article(seeded):
    with seeded.app_context(), get_engine().connect() as conn:
        articles = set(conn.scalars(select(Article.id)))
        version = dataversion.current(conn)
    stored = _article_renderings(seeded)
    assert set(stored) == articles and len(articles) > 1
    assert {(v, len(code)) for v, code in stored.values()} == {(version, 32)}


@pytest.mark.parametrize("path", [
    "/v1/articles", "/v1/articles?limit=3", "/v1/articles?sector=security&party=RUS",
    "/v1/articles?sector=military&sector=security&sort=-agreement", "/v1/articles?clause_type=mutual-assistance",
    "/v1/articles?has_text=false&sector=security&limit=4", "/v1/articles?party=IRN&sort=number",
    "/v1/agreements/ru-ir-comprehensive-strategic-partnership-2025/articles?sort=-number&limit=5",
    "/v1/articles?q=assistance", "/v1/articles?q=cooperation&limit=2", "/v1/articles?q=military%20OR%20energy&sector=security",
    "/v1/agreements/ru-ir-comprehensive-strategic-partnership-2025/articles?q=cooperation&limit=3",
    "/v1/articles?q=cooperation&sort=-agreement&limit=2",
])
def test_a_page_of_stored_items_has_the_bytes_of_the_live_assembly(shared_seeded_app, seeded_database_url, path,
                                                                  monkeypatch):
    from tests.conftest import make_app

    client = shared_seeded_app.test_client()
    pages = [client.get(path)]
    cursor = pages[0].json["next_cursor"]
    if cursor:  # the page after it, read from its cursor
        pages.append(client.get(f"{path}{'&' if '?' in path else '?'}cursor={cursor}"))
    app = make_app(seeded_database_url)  # a copy this test may write to
    live_client = app.test_client()
    _live(app, live_client, path, monkeypatch)  # marks every stored item as another release's
    for stored in pages:
        live = live_client.get(stored.request.full_path)
        assert stored.status_code == live.status_code == 200
        assert stored.json["items"]
        assert stored.get_data() == live.get_data()
        assert stored.headers["ETag"] == live.headers["ETag"]
        assert stored.headers.get("Link") == live.headers.get("Link")


def test_a_page_reads_the_stored_items_and_only_when_all_are_current(seeded):
    first, second = _article(seeded, ALPHA, A), _article(seeded, ALPHA, B)
    _mark_article(seeded, first, like=second)
    client = seeded.test_client()
    marked = [(ALPHA, B), *ALL[1:]]
    assert _numbers(client.get(f"/v1/articles?agreement={ALPHA}")) == marked
    assert _numbers(client.get(f"/v1/agreements/{ALPHA}/articles")) == marked

    # One item of the page from another release: the whole page is assembled live.
    _execute(seeded, update(ArticleRendering).where(ArticleRendering.article_id == second).values(code="old"))
    assert _numbers(client.get(f"/v1/articles?agreement={ALPHA}")) == ALL
    # A CSV export never reads them.
    _execute(seeded, update(ArticleRendering).where(ArticleRendering.article_id == second)
             .values(code=select(ArticleRendering.code).where(ArticleRendering.article_id == first)
                     .scalar_subquery()))
    assert _numbers(client.get(f"/v1/articles?agreement={ALPHA}")) == marked
    csv = client.get(f"/v1/articles?agreement={ALPHA}&format=csv").get_data(as_text=True).splitlines()
    assert [line.split(",")[1] for line in csv[1:]] == ["1", "2", "3", "4"]
    # Search hits do, each with its own snippet appended, and its score when ranked.
    _mark_article(seeded, second, like=_article(seeded, ALPHA, 4))
    ranked = client.get(f"/v1/articles?agreement={ALPHA}&q=assistance").json["items"]
    assert [(hit["number"], hit["heading"]) for hit in ranked] == [(4, "Entry into force")]
    assert "<mark>assistance</mark>" in ranked[0]["snippet"].lower() and ranked[0]["score"] > 0
    assert list(ranked[0])[-2:] == ["snippet", "score"]
    in_order = client.get(f"/v1/articles?agreement={ALPHA}&q=assistance&sort=agreement").json["items"]
    assert [(hit["number"], hit["heading"]) for hit in in_order] == [(4, "Entry into force")]
    assert "<mark>assistance</mark>" in in_order[0]["snippet"].lower() and "score" not in in_order[0]
    assert list(in_order[0])[-1] == "snippet"
    # One hit's item from another release: the hits are assembled live.
    _execute(seeded, update(ArticleRendering).where(ArticleRendering.article_id == second).values(code="old"))
    ranked = client.get(f"/v1/articles?agreement={ALPHA}&q=assistance").json["items"]
    assert [(hit["number"], hit["heading"]) for hit in ranked] == [(B, "Mutual assistance")]


def test_an_article_is_read_from_its_stored_item_when_current(seeded):
    _mark_article(seeded, _article(seeded, ALPHA, A), like=_article(seeded, ALPHA, B))
    client = seeded.test_client()
    stored = client.get(f"/v1/agreements/{ALPHA}/articles/{A}")
    assert stored.status_code == 200 and stored.content_type == "application/json"
    assert stored.json["number"] == B and stored.headers["ETag"]
    assert client.get(f"/v1/agreements/{ALPHA}/articles/9").status_code == 404
    assert client.get(f"/v1/agreements/no-such-agreement/articles/{A}").status_code == 404

    _execute(seeded, update(ArticleRendering).values(code="another release"))
    assert client.get(f"/v1/agreements/{ALPHA}/articles/{A}").json["number"] == A


def test_a_write_that_did_not_render_answers_pages_live(seeded):
    _mark_article(seeded, _article(seeded, ALPHA, A), like=_article(seeded, ALPHA, B))
    with seeded.app_context(), get_engine().begin() as conn:
        dataversion.bump(conn)
    assert _numbers(seeded.test_client().get(f"/v1/articles?agreement={ALPHA}")) == ALL


def test_import_text_renders_its_articles_again_and_carries_the_others_over(seeded, runner):
    _mark_article(seeded, _article(seeded, ALPHA, A), like=_article(seeded, ALPHA, B))
    before = _article_renderings(seeded)
    result = runner.invoke(args=["import-text", ALPHA, str(FIXTURES / "texts/alpha-beta-en.txt")])
    assert result.exit_code == 0, result.output
    after = _article_renderings(seeded)
    assert set(after) == set(before)
    assert len({version for version, _ in after.values()}) == 1  # every item current, Gamma's carried over
    assert {version for version, _ in after.values()} != {version for version, _ in before.values()}
    items = seeded.test_client().get(f"/v1/articles?agreement={ALPHA}").json["items"]
    # Article 1's marked item was rendered again; the file has texts for 1 to 3.
    assert [(item["number"], bool(item["text"])) for item in items] == [(1, True), (2, True), (3, True), (4, False)]



@pytest.fixture
def project_seeded(app, runner):
    """A database of its own seeded from seeds/, which hold several agreements and many articles."""
    result = runner.invoke(args=["seed", "seeds"])
    assert result.exit_code == 0, result.output
    return app


@pytest.fixture
def small_tasks(monkeypatch):
    """A few documents per batch, so that the seeds make several calls of the worker processes;
    the calls submitted to them."""
    from api import forked, renderings

    monkeypatch.setattr(renderings, "_AGREEMENT_BATCH", 1)
    monkeypatch.setattr(renderings, "_ARTICLE_BATCH", 10)
    submitted = []

    class Recorded(forked.ProcessPoolExecutor):
        def submit(self, function, *args):
            submitted.append(function.__name__)
            return super().submit(function, *args)

    monkeypatch.setattr(forked, "ProcessPoolExecutor", Recorded)
    return submitted


def _bodies(app) -> list:
    with app.app_context(), get_engine().connect() as conn:
        return [*conn.execute(select(AgreementRendering.agreement_id, AgreementRendering.body)
                              .order_by(AgreementRendering.agreement_id)),
                *conn.execute(select(ArticleRendering.article_id, ArticleRendering.body)
                              .order_by(ArticleRendering.article_id))]


def test_documents_rendered_in_child_processes_are_the_same(project_seeded, runner, small_tasks):
    rendered_here = _bodies(project_seeded)
    with project_seeded.app_context(), get_engine().connect() as conn:
        agreements = conn.scalar(select(func.count()).select_from(Agreement))
        articles = conn.scalar(select(func.count()).select_from(Article))
    assert len(rendered_here) == agreements + articles and articles > 10
    _execute(project_seeded, update(AgreementRendering).values(code="another release"))
    _execute(project_seeded, update(ArticleRendering).values(code="another release"))

    result = runner.invoke(args=["seed", "seeds"])  # nothing changed, but every document is stale
    assert result.exit_code == 0, result.output
    assert small_tasks == ["_agreement_bodies"] * agreements + ["_article_bodies"] * -(-articles // 10)
    assert _bodies(project_seeded) == rendered_here
    assert "another release" not in {code for _, _, code in _renderings(project_seeded)}


def test_a_rendering_that_fails_in_a_child_fails_the_seed_and_changes_nothing(project_seeded, runner, small_tasks,
                                                                             monkeypatch, tmp_path):
    from api.queries import articles

    before = dump(project_seeded)
    monkeypatch.setattr(articles, "_build", lambda rows, read: 1 / 0)
    changed = tmp_path / "seeds"
    shutil.copytree("seeds", changed)
    edit(changed / "agreements" / "instc-agreement-2000.yaml", "\ntitle: ", "\ntitle: Revised ")

    result = runner.invoke(args=["seed", str(changed)])
    assert result.exit_code == 1
    assert "Rendering the stored documents failed; nothing was written." in result.output
    assert "ZeroDivisionError" in result.output
    assert small_tasks
    assert dump(project_seeded) == before
