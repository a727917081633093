"""Agreements, their articles and their events."""
from __future__ import annotations

from flask.views import MethodView

from api import renderings
from api.db import get_session
from api.queries import agreements as queries, articles as article_queries
from api.resources.common import blueprint, column, documented, joined, list_response
from schemas.args import AgreementArticleListArgs, AgreementListArgs, EventListArgs, ItemArgs
from schemas.resources import AgreementPageSchema, AgreementSchema, ArticleHitSchema, ArticlePageSchema, EventPageSchema

blp = blueprint("agreements", __name__, "International agreements: their parties, dates, sectors and sources.")

AGREEMENT_CSV = [(name, column(name)) for name in (
    "id", "title", "short_title", "kind", "status", "signed_on", "signed_at", "entered_into_force_on", "ended_on",
    "term", "term_years", "renewal", "article_count", "languages", "supersedes")] + [
    ("parties", joined("parties", "code")), ("sectors", joined("sectors", "slug"))]
ARTICLE_CSV = [(name, column(name)) for name in ("agreement", "number", "heading", "summary", "text")] + [
    ("sectors", joined("sectors", "slug")), ("clause_types", joined("clause_types", "slug")),
    ("sources", joined("sources", "id"))]
EVENT_CSV = [(name, column(name)) for name in ("id", "party", "kind", "date", "date_precision", "acting_body", "note")] + [
    ("sources", joined("sources", "id"))]


@blp.route("/agreements")
class Agreements(MethodView):
    @blp.arguments(AgreementListArgs, location="query", unknown=None)
    @blp.response(200, AgreementPageSchema)
    @documented(blp, csv=True)
    def get(self, args):
        """List agreements

        Filter by parties, sectors, clause types, kind, status, signature dates, the date on which they were in
        force, and full text. Every filter combines with every other; a page holds `limit` items and
        `next_cursor` leads to the next one. `format=csv` streams every matching agreement."""
        conditions = queries.conditions(get_session(), args)
        return list_response(queries.LISTING, conditions, args, AGREEMENT_CSV, "agreements", AgreementPageSchema)


@blp.route("/agreements/<string:agreement_id>")
class AgreementDetail(MethodView):
    @blp.arguments(ItemArgs, location="query", unknown=None)
    @blp.response(200, AgreementSchema)
    @documented(blp, not_found=True)
    def get(self, _args, agreement_id):
        """Get an agreement

        Everything recorded about one agreement: parties and their dated steps, sectors with the articles and
        sources behind each, what it supersedes, its sources, and disputed values."""
        return renderings.agreement_response(agreement_id)


@blp.route("/agreements/<string:agreement_id>/articles")
class AgreementArticles(MethodView):
    @blp.arguments(AgreementArticleListArgs, location="query", unknown=None)
    @blp.response(200, ArticlePageSchema)
    @documented(blp, not_found=True, csv=True)
    def get(self, args, agreement_id):
        """List an agreement's articles

        In number order by default; the article filters of /v1/articles apply."""
        session = get_session()
        conditions = article_queries.conditions(session, args, agreement_id=queries.agreement_id(session, agreement_id))
        return list_response(article_queries.LISTING, conditions, args, ARTICLE_CSV, f"{agreement_id}-articles",
                             ArticlePageSchema, stored=renderings.article_items)


@blp.route("/agreements/<string:agreement_id>/articles/<int:number>")
class AgreementArticle(MethodView):
    @blp.arguments(ItemArgs, location="query", unknown=None)
    @blp.response(200, ArticleHitSchema)
    @documented(blp, not_found=True)
    def get(self, _args, agreement_id, number):
        """Get an article

        One article of an agreement, with its sectors, clause types, sources and disputed values."""
        return renderings.article_response(agreement_id, number)


@blp.route("/agreements/<string:agreement_id>/events")
class AgreementEvents(MethodView):
    @blp.arguments(EventListArgs, location="query", unknown=None)
    @blp.response(200, EventPageSchema)
    @documented(blp, not_found=True, csv=True)
    def get(self, args, agreement_id):
        """List an agreement's events

        Signatures, domestic approvals, ratifications, entry into force, withdrawals: dated (with the date's
        precision) and sourced, earliest first."""
        from api.models import Event

        session = get_session()
        conditions = [Event.agreement_id == queries.agreement_id(session, agreement_id)]
        return list_response(queries.EVENTS, conditions, args, EVENT_CSV, f"{agreement_id}-events", EventPageSchema)
