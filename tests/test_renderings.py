"""Agreement details rendered by the writers: the same bytes as the live assembly, never stale."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select, update

from api import dataversion, jsonbody
from api.db import get_engine
from api.models import Agreement, AgreementRendering
from tests.seed_fixtures.helpers import FIXTURES, GOOD, copy_good

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
    """The detail assembled live, and dumped by marshmallow itself."""
    _execute(app, update(AgreementRendering).values(code="another release"))
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
