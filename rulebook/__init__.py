"""rulebook: job-interview follow-up etiquette as declarative, testable policy.

The public surface is small on purpose:

- :class:`Rulebook` -- load and compile a policy once, ``recommend(events, at)`` many times;
- :func:`load_timeline` -- read an events document (YAML or JSON);
- the result models :class:`Advice`, :class:`Recommendation`, :class:`HeldBack`, :class:`Window`;
- :class:`InvalidInput` with its located :class:`Problem` list.

The pipeline lives in modules named after its stages: ``source`` (load), ``policy`` and
``events`` (schema), ``validate``, ``compiler``; the runtime is the ``engine`` package.
"""

from .advice import Advice, HeldBack, Recommendation, Window
from .api import Rulebook
from .events import Timeline, load_timeline
from .problems import InvalidInput, Problem

__all__ = ["Rulebook", "load_timeline", "Timeline", "Advice", "Recommendation", "HeldBack",
           "Window", "InvalidInput", "Problem"]
__version__ = "0.1.0"
