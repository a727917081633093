"""The benchmark behind `make bench`: a synthetic corpus, a ceiling app, Datasette and wrk."""
