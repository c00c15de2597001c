"""The guideline catalogue: the ids a policy's entries cite in ``sources``.

rulebook ships a built-in catalogue (G1..G24, ``rulebook/data/guidelines.yaml``): the
follow-up advice its shipped policies implement, each with a short title and one
sentence. A policy, or any layer of it, may add its own under ``guidelines:`` (an id
and one sentence each), so a coach's own practice has an id to cite; validation,
coverage, ``explain``, ``describe`` and ``rulebook guidelines`` treat both alike.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from ruamel.yaml import YAML

BUILTIN = "built-in"


@dataclass(frozen=True)
class Guideline:
    id: str
    title: str
    text: str
    origin: str = BUILTIN   # "built-in", or the policy that declares it


@lru_cache(maxsize=1)
def builtin() -> dict[str, Guideline]:
    """The shipped catalogue, read once from the package data."""
    text = resources.files("rulebook").joinpath("data/guidelines.yaml").read_text("utf-8")
    data = YAML(typ="safe").load(text)
    return {gid: Guideline(gid, entry["title"], entry["text"]) for gid, entry in data.items()}


def catalogue(policy=None) -> dict[str, Guideline]:
    """The built-in guidelines, plus those ``policy`` declares (its layers merged)."""
    out = dict(builtin())
    own = getattr(policy, "guidelines", None) or {}
    for gid, sentence in own.items():
        if gid not in out:
            out[gid] = Guideline(gid, sentence, sentence, policy.policy)
    return out


def order(gid: str) -> tuple:
    """Built-in ids by number (G2 before G10), then a policy's own by name."""
    m = re.fullmatch(r"G(\d+)", gid)
    return (0, int(m.group(1)), "") if m and gid in builtin() else (1, 0, gid)


def words(gid: str, policy=None) -> str:
    """``G5 (thank each interviewer individually)``; an unknown id alone."""
    found = catalogue(policy).get(gid)
    return f"{gid} ({found.title})" if found else gid
