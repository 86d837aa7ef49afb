"""Answer the first pages once in the server's main process, before it forks its workers.

Each Gunicorn worker is forked from the server's main process. What that
process has already done, every worker inherits: the application built (its
middleware, and WhiteNoise's list of the static files, read from disk), the
first page's templates compiled. Otherwise each worker does all of it again
on its first request, and the demo's first page waits for it on a busy
machine. Nothing here is needed for the pages to work: a failure is reported
and the server starts all the same.
"""

import logging
import sys
from importlib import import_module
from urllib.parse import urlsplit
from wsgiref.util import setup_testing_defaults

from django.conf import settings
from django.db import connections

# What a visitor opens first: the start page, and the sign-in page it leads to.
FIRST_PAGES = ("/", "/account/sign-in/")

logger = logging.getLogger(__name__)


def warm_up(site_url: str) -> None:
    """Import the pages, build the application and answer the first pages, here and now."""
    try:
        import_module(settings.ROOT_URLCONF)
        from interagency.wsgi import application

        for path in FIRST_PAGES:
            answer(application, site_url, path)
    except Exception:  # a warm-up never stops the server
        logger.exception("Warming up the first pages failed; the server starts anyway.")
    finally:
        # The workers forked from here must not share a database connection.
        connections.close_all()


def answer(application, site_url: str, path: str) -> None:
    """One GET of ``path`` as a browser on ``site_url`` would send it; the answer is dropped."""
    parts = urlsplit(site_url)
    environ: dict[str, object] = {}
    setup_testing_defaults(environ)
    environ.update(
        {
            "PATH_INFO": path,
            "HTTP_HOST": parts.netloc,
            "SERVER_NAME": parts.hostname or "localhost",
            "SERVER_PORT": str(parts.port or 80),
            "wsgi.url_scheme": parts.scheme or "http",
            "wsgi.errors": sys.stderr,
        }
    )

    def start_response(status, headers, exc_info=None):
        return lambda data: None

    body = application(environ, start_response)
    try:
        for _chunk in body:
            pass
    finally:
        close = getattr(body, "close", None)
        if close is not None:
            close()
