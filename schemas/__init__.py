"""Marshmallow schemas: the one definition of every request, response and seed-file shape."""
