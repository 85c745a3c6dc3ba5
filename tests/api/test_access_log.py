"""The access log: one JSON line per request with its id, status and time, never its query string."""

from __future__ import annotations

import json
import logging
import warnings

import pytest

from tpd_app.services.platform.logs import JsonLines


def _client():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from starlette.testclient import TestClient
    from tpd_app.api.app import build_api

    return TestClient(build_api(), base_url="http://testserver")


def test_each_request_gets_an_id_and_one_line_without_its_query(db_url: str, caplog: pytest.LogCaptureFixture):
    caplog.set_level(logging.INFO, logger="tpd.access")
    response = _client().get("/api/unsubscribe?token=1.secret-token-value")
    rid = response.headers["x-request-id"]
    assert len(rid) == 16
    [record] = [r for r in caplog.records if r.name == "tpd.access"]
    line = json.loads(JsonLines().format(record))
    assert line["path"] == "/api/unsubscribe" and line["method"] == "GET"
    assert line["status"] == response.status_code and line["ms"] >= 0 and line["bytes"] == len(response.content)
    assert line["timestamp"].endswith("+00:00") and line["logger"] == "tpd.access"
    assert "secret-token-value" not in json.dumps(line)


def test_a_proxys_request_id_is_kept_and_a_malformed_one_replaced(db_url: str, caplog: pytest.LogCaptureFixture):
    caplog.set_level(logging.INFO, logger="tpd.access")
    kept = _client().get("/api/ready", headers={"x-request-id": "nginx-4f2a9c1d77"})
    assert kept.headers["x-request-id"] == "nginx-4f2a9c1d77"
    replaced = _client().get("/api/ready", headers={"x-request-id": "bad id\r\nX-Evil: 1"})
    assert replaced.headers["x-request-id"] != "bad id\r\nX-Evil: 1" and len(replaced.headers["x-request-id"]) == 16
    ids = [json.loads(JsonLines().format(r)).get("request_id") for r in caplog.records if r.name == "tpd.access"]
    assert ids == ["nginx-4f2a9c1d77", replaced.headers["x-request-id"]]
