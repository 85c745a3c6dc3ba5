"""With Redis, `scripts/serve` sets Reflex's opportunistic lock and its lease so that a busy worker keeps
its tabs' states between their clicks; Reflex itself must accept the pair (its hold time below the lock's
expiration), and an operator's own values win."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from tpd_app.serving import REDIS_DEFAULTS, apply_redis_defaults
from tpd_app.settings import ROOT


def test_defaults_only_with_redis_and_never_over_the_operators_values():
    without: dict[str, str] = {}
    apply_redis_defaults(without)
    assert without == {}
    operator = {"REFLEX_REDIS_URL": "redis://localhost", "REFLEX_OPLOCK_ENABLED": "false"}
    apply_redis_defaults(operator)
    assert operator["REFLEX_OPLOCK_ENABLED"] == "false"
    assert operator["REFLEX_OPLOCK_HOLD_TIME"] == REDIS_DEFAULTS["REFLEX_OPLOCK_HOLD_TIME"]


def test_reflex_reads_the_lease_longer_than_a_slow_click_and_shorter_than_the_lock():
    env = {k: v for k, v in os.environ.items() if not k.startswith("REFLEX_")}
    env["REFLEX_REDIS_URL"] = "redis://127.0.0.1:1/0"  # never connected: only the settings are read
    apply_redis_defaults(env)
    code = ("import json; from reflex.istate.manager import redis as r; "
            "print(json.dumps([r._default_oplock_hold_time_ms(), r._default_lock_expiration()]))")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True,
                         timeout=120, check=True).stdout
    hold_ms, expiration_ms = json.loads(out.strip().splitlines()[-1])
    assert hold_ms == 25_000  # outlasts an answer of a few seconds plus the next click 2-4 s later
    assert hold_ms < expiration_ms == 30_000
