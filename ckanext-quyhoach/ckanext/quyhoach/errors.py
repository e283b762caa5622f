"""Error pages for a search engine or queue that is down.

Without these handlers CKAN returns "Internal server error" when Solr or Redis
stops responding. A reader gets a 503 page that names the service instead, and
the log keeps one line with the cause.
"""

from __future__ import annotations

import logging

import ckan.plugins.toolkit as tk
import requests
from ckan.lib.redis import connect_to_redis
from ckan.lib.search.common import SearchError, SolrConnectionError
from flask import Flask
from redis.exceptions import RedisError
from werkzeug.exceptions import InternalServerError
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

log = logging.getLogger(__name__)


def _unavailable(service: str, error: Exception):
    log.error("%s unavailable while serving %s: %s", service, tk.request.path, error)
    body = tk.render("quyhoach/service_unavailable.html", {"service": service})
    return body, 503, {"Retry-After": "60"}


def search_unavailable(error: Exception):
    return _unavailable("search", error)


def queue_unavailable(error: Exception):
    return _unavailable("queue", error)


def _solr_answers() -> bool:
    try:
        response = requests.get(f"{tk.config['solr_url']}/admin/ping", timeout=2)
    except requests.RequestException:
        return False
    return response.ok


def _redis_answers() -> bool:
    try:
        return bool(connect_to_redis().ping())
    except RedisError:
        return False


def _wrap_internal_error(app: Flask):
    """Return a 500 handler that names Solr or Redis when one of them is down.

    CKAN's views catch connection errors themselves and abort with a bare 500,
    so the cause is found by asking both services again.
    """
    ckan_handler = app.error_handler_spec[None].get(500, {}).get(InternalServerError)

    def handle_internal_error(error: InternalServerError):
        if not _solr_answers():
            return _unavailable("search", error)
        if not _redis_answers():
            return _unavailable("queue", error)
        if ckan_handler is None:
            return error
        return ckan_handler(error)

    return handle_internal_error


def register_handlers(app: Flask) -> Flask:
    """Register the 503 pages on CKAN's Flask APP and return it."""
    app.register_error_handler(InternalServerError, _wrap_internal_error(app))
    app.register_error_handler(SolrConnectionError, search_unavailable)
    app.register_error_handler(SearchError, search_unavailable)
    app.register_error_handler(RedisConnectionError, queue_unavailable)
    app.register_error_handler(RedisTimeoutError, queue_unavailable)
    return app
