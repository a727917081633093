"""The SQL behind every resource, in one place.

Each module builds `select()` statements with SQLAlchemy Core over the mapped
tables; the views never join. Children of a page are loaded with one IN query
per kind, so the number of statements per request does not grow with the page.
"""
