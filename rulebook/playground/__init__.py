"""The playground: edit a policy in the browser and see its advice on a timeline picture.

``router`` (a FastAPI ``APIRouter``) serves the page and its JSON endpoints; mount it at
``/playground``. :func:`create_app` makes an app with the router alone (``rulebook
playground``).
"""

from .router import router
from .app import create_app

__all__ = ["router", "create_app"]
