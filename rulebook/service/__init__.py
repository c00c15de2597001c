"""``rulebook serve``: the advice as an HTTP JSON service for embedders in any language.

:func:`create_app` makes the FastAPI app: ``POST /v1/recommend``, ``POST /v1/batch``,
``GET /v1/policies``, ``GET /health``, the OpenAPI document at ``/openapi.json`` (and
``/docs``), and the playground at ``/playground``. Policies come from a directory and
are reloaded when its files change; each decision is appended to a JSON Lines log.
"""

from .app import create_app

__all__ = ["create_app"]
