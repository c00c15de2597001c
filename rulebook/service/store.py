"""The policies a service answers with: every policy file of a directory, kept current.

Each file is loaded, checked and compiled whole before it replaces the version that was
serving, so a request never sees a half-loaded policy. A file that fails keeps its
previous version serving (if it had one) and its problems are reported in ``/health``
and the log until it is fixed. Any change in the directory (a file added, removed or
written) reloads every file, since a layer depends on the files it extends.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional

from ..api import Rulebook
from ..load import policies_dir
from ..problems import InvalidInput, Problem, did_you_mean

log = logging.getLogger("rulebook.service")
SUFFIXES = (".yaml", ".yml", ".json")


@dataclass(frozen=True)
class Served:
    """One policy being served, and the file it came from."""

    book: Rulebook
    file: str

    @property
    def name(self) -> str:
        return self.book.name


@dataclass
class Snapshot:
    """What the store holds at one moment: replaced whole, never edited in place."""

    policies: dict[str, Served] = field(default_factory=dict)
    problems: dict[str, list[Problem]] = field(default_factory=dict)  # by file


class PolicyStore:
    """Policies by name from ``directory`` (the shipped ones when None)."""

    def __init__(self, directory: Optional[str | Path] = None):
        self.directory = Path(directory) if directory is not None else policies_dir()
        self._lock = threading.Lock()
        self._signature: Optional[tuple] = None
        self.snapshot = Snapshot()
        self._by_file: dict[str, Served] = {}
        self.refresh()

    def files(self) -> list[Path]:
        return sorted(p for p in self.directory.iterdir() if p.suffix in SUFFIXES
                      and ".scenarios." not in p.name and p.is_file())

    def _current_signature(self) -> tuple:
        out = []
        for p in self.files():
            try:
                st = p.stat()
            except OSError:  # removed meanwhile: the next look sees it gone
                continue
            out.append((p.name, st.st_mtime_ns, st.st_size))
        return tuple(out)

    def refresh(self) -> bool:
        """Reload if anything in the directory changed; True if it did."""
        with self._lock:
            try:
                signature = self._current_signature()
            except OSError as exc:
                log.error("cannot read the policy directory %s: %s", self.directory, exc)
                return False
            if signature == self._signature:
                return False
            self._signature = signature
            self._reload()
            return True

    def _reload(self) -> None:
        by_file: dict[str, Served] = {}
        problems: dict[str, list[Problem]] = {}
        for path in self.files():
            key = str(path)
            try:
                book = Rulebook.load(key)
            except InvalidInput as exc:
                problems[key] = list(exc.problems)
                previous = self._by_file.get(key)
                if previous is not None:
                    by_file[key] = previous
                for p in exc.problems:
                    log.error("%s%s", p, "; the previous version keeps serving"
                              if previous is not None else "; not served")
                continue
            except Exception as exc:  # a file that breaks the loader must not stop the rest
                problems[key] = [Problem(key, 0, 0, f"cannot load: {type(exc).__name__}: {exc}")]
                log.error("%s: cannot load: %s", key, exc)
                continue
            by_file[key] = Served(book, key)
        policies: dict[str, Served] = {}
        for key, served in sorted(by_file.items()):
            if served.name in policies:
                other = policies[served.name].file
                problems.setdefault(key, []).append(Problem(
                    key, 0, 0, f"policy '{served.name}' is already served from {other}"))
                log.error("%s: policy '%s' is already served from %s", key, served.name, other)
                continue
            policies[served.name] = served
        self._by_file = by_file
        self.snapshot = Snapshot(policies, problems)
        log.info("serving %d policies from %s: %s", len(policies), self.directory,
                 ", ".join(sorted(policies)) or "none")

    def get(self, name: str) -> Served:
        """The policy called ``name``, or InvalidInput naming the close ones."""
        snapshot = self.snapshot
        served = snapshot.policies.get(name)
        if served is None:
            raise InvalidInput([Problem("policy", 0, 0, f"no policy called '{name}'",
                                        did_you_mean(name, snapshot.policies))])
        return served


class Watcher:
    """Looks at the directory every ``interval`` seconds (a daemon thread)."""

    def __init__(self, store: PolicyStore, interval: float):
        self.store, self.interval = store, interval
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="rulebook-policy-watcher",
                                        daemon=True)

    def start(self) -> None:
        if self.interval > 0:
            self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(timeout=5)

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            try:
                self.store.refresh()
            except Exception:  # pragma: no cover - keep watching whatever happens
                log.exception("reloading policies failed")
