"""`rulebook serve`: a real server process on 127.0.0.1, real HTTP clients (httpx, curl, Node).

One server for the module, on a free port, serving a temporary policy directory and
writing a decision log; the tests change that directory to see the reload.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import subprocess
import time
from pathlib import Path

import httpx
import orjson
import pytest

from rulebook import Rulebook
from rulebook.source import load_file
from servers import running

ROOT = Path(__file__).resolve().parent.parent
AT = "2026-03-03T09:00:00+01:00"
PANEL = load_file(ROOT / "examples/panel.yaml").data
LAYER = "policy: quick\ntitle: Quick thanks\nextends: standard\nrules:\n  send_thank_you:\n" \
        "    window: {due: p + 6h}\n"


def needs(binary: str):
    """Skip without the binary, except in CI, where its absence is a failure."""
    if shutil.which(binary) is None and not os.environ.get("CI"):
        pytest.skip(f"{binary} is not installed")


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    base = tmp_path_factory.mktemp("service")
    policies = base / "policies"
    policies.mkdir()
    shutil.copy(ROOT / "policies/standard.yaml", policies / "standard.yaml")
    log = base / "decisions.jsonl"
    with open(base / "stderr.txt", "w") as errors, \
            running(["serve", "--policies", str(policies), "--decision-log", str(log),
                     "--reload-interval", "0.2"], stderr=errors) as (proc, url), \
            httpx.Client(base_url=url, timeout=60) as client:
        for _ in range(100):
            try:
                if client.get("/health").status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.1)
        yield {"url": url, "client": client, "policies": policies, "log": log, "proc": proc,
               "stderr": base / "stderr.txt"}


def wait_for(client, check, seconds: float = 20.0):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        got = check(client)
        if got:
            return got
        time.sleep(0.1)
    raise AssertionError("the service did not change in time")


def test_recommend_answers_exactly_what_the_cli_prints(server):
    client = server["client"]
    response = client.post("/v1/recommend", json={"policy": "standard", "events": PANEL,
                                                  "at": AT}, headers={"X-Request-Id": "req-1"})
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    assert response.headers["x-request-id"] == "req-1"
    assert response.text == Rulebook.load("standard").recommend(PANEL, AT).to_json()


def test_the_service_answers_in_the_language_asked(server):
    """``lang`` in the request: German reasons, the same JSON keys; an unknown one is a 422."""
    client = server["client"]
    events = json.loads(json.dumps(PANEL, default=str))
    got = client.post("/v1/recommend", json={"events": events, "at": AT, "lang": "de"})
    assert got.status_code == 200, got.text
    assert got.text == Rulebook.load("standard").recommend(PANEL, AT, lang="de").to_json()
    assert got.json()["actions"][0]["reason"].startswith("Solange das Gespräch")
    bad = client.post("/v1/recommend", json={"events": events, "at": AT, "lang": "fr"})
    assert bad.status_code == 422
    assert "'fr' is not a language rulebook speaks" in bad.text


def test_batch_answers_in_order_with_errors_in_place(server):
    apps = [{"id": "a", "events": PANEL, "at": AT},
            {"id": "b", "events": {"events": [{"type": "intervew", "at": "2026-03-02"}]}},
            {"id": "c", "events": PANEL}]
    response = server["client"].post("/v1/batch", json={"policy": "standard", "applications": apps,
                                                        "at": "2026-03-04T09:00:00+01:00"})
    assert response.status_code == 200
    results = response.json()["results"]
    assert [r["id"] for r in results] == ["a", "b", "c"]
    book = Rulebook.load("standard")
    assert results[0]["advice"] == json.loads(book.recommend(PANEL, AT).to_json())
    assert results[2]["advice"]["at"] == "2026-03-04T09:00:00+01:00"
    problem = results[1]["error"]["problems"][0]
    assert problem["message"] == "unknown event type 'intervew'"
    assert problem["file"] == "<request>" and problem["col"] > 1


def test_policies_and_health(server):
    client = server["client"]
    listed = client.get("/v1/policies").json()["policies"]
    standard = next(p for p in listed if p["name"] == "standard")
    assert standard == {"name": "standard", "title": Rulebook.load("standard").loaded.policy.title,
                        "digest": Rulebook.load("standard").digest, "file": "standard.yaml"}
    assert client.get("/health").json()["status"] == "ok"


def test_bad_requests_get_located_4xx_json_and_no_traceback(server):
    client = server["client"]
    cases = [
        (400, b'{"policy": "standard", "events": ', "not JSON"),
        (404, b'{"policy": "standrd", "events": {"events": []}}', "no policy called 'standrd'"),
        (422, b'{"policy": "standard",\n "events": {"events": [{"type": "intervew", '
              b'"at": "2026-03-02"}]}}', "unknown event type 'intervew'"),
        (422, b'{"events": {"events": []}, "at": "tomorrow"}', "'tomorrow' is not an ISO 8601"),
        (422, b'[1, 2]', "the body is a JSON object"),
        (413, b'{"events": "' + b"x" * 2_100_000 + b'"}', "at most"),
    ]
    for status, body, message in cases:
        response = client.post("/v1/recommend", content=body)
        assert response.status_code == status, (body[:60], response.text)
        problems = response.json()["problems"]
        assert message in problems[0]["message"], problems
        assert "Traceback" not in response.text
    located = client.post("/v1/recommend", content=cases[2][1]).json()["problems"][0]
    col = cases[2][1].split(b"\n")[1].index(b'"intervew"') + 1
    assert (located["line"], located["col"]) == (2, col)
    assert client.post("/v1/batch", content=b'{"applications": 3}').status_code == 422


def test_the_decision_log_records_each_decision(server):
    client = server["client"]
    response = client.post("/v1/recommend", json={"id": "app-7", "events": PANEL, "at": AT},
                           headers={"X-Request-Id": "logged-1"})
    assert response.status_code == 200

    def logged(_client):
        lines = server["log"].read_bytes().splitlines() if server["log"].exists() else []
        found = [orjson.loads(x) for x in lines if b'"logged-1"' in x]
        return found

    (entry,) = wait_for(client, logged)
    assert entry["request_id"] == "logged-1" and entry["id"] == "app-7"
    assert entry["policy"] == "standard"
    assert entry["policy_digest"] == Rulebook.load("standard").digest
    assert entry["advice"] == response.json()
    assert entry["input"] == {"events": PANEL, "at": AT}
    assert len(entry["input_digest"]) == 64
    assert dt.datetime.fromisoformat(entry["time"]).utcoffset() == dt.timedelta(0)


def test_policies_reload_and_a_broken_file_keeps_the_previous_version(server):
    client, directory = server["client"], server["policies"]
    (directory / "quick.yaml").write_text(LAYER)
    listed = wait_for(client, lambda c: [p for p in c.get("/v1/policies").json()["policies"]
                                         if p["name"] == "quick"])
    digest = listed[0]["digest"]
    first = client.post("/v1/recommend", json={"policy": "quick", "events": PANEL, "at": AT})
    assert first.status_code == 200

    (directory / "quick.yaml").write_text(LAYER.replace("p + 6h", "p + 6hours"))
    health = wait_for(client, lambda c: (h := c.get("/health").json())["status"] == "degraded"
                      and h)
    (problem,) = health["problems"]
    assert problem["file"].endswith("quick.yaml") and (problem["line"], problem["col"]) == (6, 19)
    assert "quick" in health["policies"]
    assert "quick.yaml:6:19:" in server["stderr"].read_text()
    assert "the previous version keeps serving" in server["stderr"].read_text()
    again = client.post("/v1/recommend", json={"policy": "quick", "events": PANEL, "at": AT})
    assert again.text == first.text  # the previous version, whole
    assert [p["digest"] for p in client.get("/v1/policies").json()["policies"]
            if p["name"] == "quick"] == [digest]

    (directory / "quick.yaml").write_text(LAYER.replace("p + 6h", "p + 8h"))
    wait_for(client, lambda c: c.get("/health").json()["status"] == "ok")
    changed = [p["digest"] for p in client.get("/v1/policies").json()["policies"]
               if p["name"] == "quick"]
    assert changed != [digest]
    (directory / "quick.yaml").unlink()
    wait_for(client, lambda c: "quick" not in c.get("/health").json()["policies"])
    assert client.post("/v1/recommend", json={"policy": "quick", "events": PANEL}).status_code \
        == 404


def test_openapi_and_the_playground(server):
    client = server["client"]
    spec = client.get("/openapi.json").json()
    assert {"/v1/recommend", "/v1/batch", "/v1/policies", "/health"} <= set(spec["paths"])
    body = spec["paths"]["/v1/recommend"]["post"]["requestBody"]["content"]["application/json"]
    assert "events" in body["schema"]["properties"]
    assert client.get("/playground/").status_code == 200
    assert "standard" in client.get("/playground/api/policies").json()["policies"]


def test_curl_gets_the_same_answer(server, tmp_path):
    needs("curl")
    (tmp_path / "body.json").write_text(json.dumps({"events": PANEL, "at": AT}))
    done = subprocess.run(["curl", "-sS", "--fail-with-body", "-X", "POST",
                           "-H", "Content-Type: application/json",
                           "--data-binary", "@" + str(tmp_path / "body.json"),
                           server["url"] + "/v1/recommend"],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout == Rulebook.load("standard").recommend(PANEL, AT).to_json()


NODE = """
const [url, body] = process.argv.slice(1);
const response = await fetch(url + "/v1/recommend", {
  method: "POST", headers: {"Content-Type": "application/json"}, body});
const advice = await response.json();
console.log(JSON.stringify({status: response.status, policy: advice.policy,
  next_check_at: advice.next_check_at,
  actions: advice.actions.map(a => [a.action, a.to, a.overdue])}));
"""


def test_a_node_client_gets_the_same_answer(server):
    needs("node")
    body = json.dumps({"policy": "standard", "events": PANEL, "at": AT})
    done = subprocess.run(["node", "--input-type=module", "-e", NODE, server["url"], body],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    got = json.loads(done.stdout)
    want = Rulebook.load("standard").recommend(PANEL, AT)
    assert got == {"status": 200, "policy": "standard",
                   "next_check_at": want.next_check_at.isoformat(),
                   "actions": [[a.action, a.to, a.overdue] for a in want.actions]}


def test_the_service_log_replays_under_another_policy(server, capsys):
    from rulebook.cli import main

    client = server["client"]
    client.post("/v1/recommend", json={"events": PANEL, "at": AT},
                headers={"X-Request-Id": "rp"})
    wait_for(client, lambda c: b'"rp"' in server["log"].read_bytes())
    assert main(["replay", str(server["log"]), "--policy", "classic", "--exit-code"]) == 1
    assert "would change" in capsys.readouterr().out
    assert main(["replay", str(server["log"]), "--policy", "classic", "--format", "json"]) == 0
    changed = {c["request_id"]: c for c in json.loads(capsys.readouterr().out)["changes"]}
    assert changed["rp"]["at"] == AT
    assert "send_handwritten_note" in {c["action"] for c in changed["rp"]["changes"]}
