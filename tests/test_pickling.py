"""A pickled Rulebook carries its policy, never the engine's handles: it compiles again.

The engine's rulesets are handles into process-global C tables. Shared with another
process they would evaluate whatever that process registered under the same handles, so
a ``Rulebook`` pickles as its resolved policy document, and a bare ruleset refuses.
"""

from __future__ import annotations

import json
import multiprocessing
import pickle
import subprocess
import sys
from pathlib import Path

import pytest

from rulebook import Rulebook

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = sorted(str(p) for p in (ROOT / "examples").glob("*.yaml"))
TIMES = ["2026-03-02T12:00:00+01:00", "2026-03-03T09:00:00+01:00", "2026-03-12T09:00:00+01:00",
         "2026-03-20T09:00:00+01:00", "2026-05-18T09:00:00+01:00"]
CASES = [(e, t) for e in EXAMPLES for t in TIMES]
LAYER = """\
policy: picky
extends: classic
rules:
  send_thank_you:
    window: {due: p + 3h}
"""


def advise_all(book) -> list[str]:
    return [book.recommend(events, at).to_json() for events, at in CASES]


def _evaluate_after_others(pickled: bytes) -> list[str]:
    """In a worker: register other policies first, then unpickle and evaluate."""
    others = [Rulebook.load(name) for name in ("modern", "standard", "classic")]
    assert others
    return advise_all(pickle.loads(pickled))


@pytest.fixture(scope="module")
def layered(tmp_path_factory):
    path = tmp_path_factory.mktemp("policy") / "picky.yaml"
    path.write_text(LAYER)
    return Rulebook.load(str(path))


def test_a_fresh_process_gets_the_same_advice(layered, tmp_path):
    (tmp_path / "book.pickle").write_bytes(pickle.dumps(layered))
    code = ("import pickle, sys, json; sys.path.insert(0, %r); from test_pickling import "
            "advise_all; book = pickle.load(open('book.pickle', 'rb')); "
            "print(json.dumps([book.name, book.digest, advise_all(book)]))"
            % str(Path(__file__).parent))
    done = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    name, digest, advice = json.loads(done.stdout)
    assert (name, digest) == ("picky", layered.digest)
    assert advice == advise_all(layered)


@pytest.mark.parametrize("method", ["spawn", "fork"])
def test_a_process_with_other_policies_loaded_gets_the_same_advice(layered, method):
    context = multiprocessing.get_context(method)
    with context.Pool(1) as pool:
        got = pool.apply(_evaluate_after_others, (pickle.dumps(layered),))
    assert got == advise_all(layered)
    assert any('"policy": "picky"' in a for a in got)


def test_the_pickle_does_not_read_the_policy_files_again(tmp_path):
    path = tmp_path / "picky.yaml"
    path.write_text(LAYER)
    book = Rulebook.load(str(path))
    data = pickle.dumps(book)
    path.write_text("this: is not a policy any more\n")
    again = pickle.loads(data)
    assert again.digest == book.digest
    assert again.recommend(*CASES[1]).to_json() == book.recommend(*CASES[1]).to_json()


def test_a_bare_ruleset_refuses_to_be_pickled():
    book = Rulebook.load("standard")
    with pytest.raises(TypeError, match="pickle the Rulebook"):
        pickle.dumps(book._evaluator.rulesets[0])
    with pytest.raises(TypeError):
        pickle.dumps(book._evaluator)  # nor anything holding one
