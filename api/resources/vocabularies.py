"""The controlled vocabularies: sectors and clause types; and the sources."""
from __future__ import annotations

from flask.views import MethodView

from api.db import get_session
from api.queries import catalog
from api.resources.common import blueprint, column, documented, list_response
from schemas.args import ItemArgs, SourceListArgs, VocabularyListArgs
from schemas.resources import (
    ClauseTypePageSchema,
    ClauseTypeSchema,
    SectorPageSchema,
    SectorSchema,
    SourcePageSchema,
    SourceSchema,
)

blp = blueprint("vocabularies", __name__, "Sectors and clause types that tag articles, and the sources behind every fact.")

SECTOR_CSV = [(n, column(n)) for n in ("slug", "name", "description", "article_count", "agreement_count")]
CLAUSE_TYPE_CSV = [(n, column(n)) for n in ("slug", "name", "description", "atop_obligation", "article_count")]
SOURCE_CSV = [(n, column(n)) for n in ("id", "title", "publisher", "url", "published_on", "kind", "language", "note")]


@blp.route("/sectors")
class Sectors(MethodView):
    @blp.arguments(VocabularyListArgs, location="query", unknown=None)
    @blp.response(200, SectorPageSchema)
    @documented(blp, csv=True)
    def get(self, args):
        """List sectors

        The controlled vocabulary of what articles deal with, with how many articles and agreements carry each."""
        return list_response(catalog.SECTORS, [], args, SECTOR_CSV, "sectors", SectorPageSchema)


@blp.route("/sectors/<string:slug>")
class SectorDetail(MethodView):
    @blp.arguments(ItemArgs, location="query", unknown=None)
    @blp.response(200, SectorSchema)
    @documented(blp, not_found=True)
    def get(self, _args, slug):
        """Get a sector

        One sector by its slug; filter articles or agreements with `sector=<slug>`."""
        return catalog.sector(get_session(), slug)


@blp.route("/clause-types")
class ClauseTypes(MethodView):
    @blp.arguments(VocabularyListArgs, location="query", unknown=None)
    @blp.response(200, ClauseTypePageSchema)
    @documented(blp, csv=True)
    def get(self, args):
        """List clause types

        The controlled vocabulary of obligations a clause carries (mapped to ATOP codes where one fits), with how
        many articles carry each."""
        return list_response(catalog.CLAUSE_TYPES, [], args, CLAUSE_TYPE_CSV, "clause-types", ClauseTypePageSchema)


@blp.route("/clause-types/<string:slug>")
class ClauseTypeDetail(MethodView):
    @blp.arguments(ItemArgs, location="query", unknown=None)
    @blp.response(200, ClauseTypeSchema)
    @documented(blp, not_found=True)
    def get(self, _args, slug):
        """Get a clause type

        One clause type by its slug; filter articles or agreements with `clause_type=<slug>`."""
        return catalog.clause_type(get_session(), slug)


@blp.route("/sources")
class Sources(MethodView):
    @blp.arguments(SourceListArgs, location="query", unknown=None)
    @blp.response(200, SourcePageSchema)
    @documented(blp, csv=True)
    def get(self, args):
        """List sources

        Every document a fact is read from: news reports, official statements, analyses, treaty texts."""
        return list_response(catalog.SOURCES, catalog.source_conditions(args), args, SOURCE_CSV, "sources",
                             SourcePageSchema)


@blp.route("/sources/<string:source_id>")
class SourceDetail(MethodView):
    @blp.arguments(ItemArgs, location="query", unknown=None)
    @blp.response(200, SourceSchema)
    @documented(blp, not_found=True)
    def get(self, _args, source_id):
        """Get a source

        One source by its id, as cited in the `sources` of agreements, events, articles and tags."""
        return catalog.source(get_session(), source_id)
