"""What the application asks of its PostgreSQL connections.

JIT compilation is off: PostgreSQL compiles a query whose *estimated* cost passes
``jit_above_cost``, and the portfolio's correlated attention counts are estimated at
8 million for a representative of 2,000 agreements, so it spent 3.96 s of 4.4 s compiling a
query that then ran in 0.4 s (EXPLAIN ANALYZE on the 10,000-agreement data)."""

from __future__ import annotations

import os

import pytest
from django.db import connection

from alliance.testing import settings_under

pytestmark = pytest.mark.django_db


def _settings_of(env: dict[str, str]) -> dict[str, dict]:
    return settings_under(env, "{k: v.get('OPTIONS', {}) for k, v in settings.DATABASES.items()}")


@pytest.mark.skipif(connection.vendor != "postgresql", reason="a PostgreSQL setting")
def test_the_connections_compile_no_query_just_in_time():
    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        assert cursor.fetchone()[0] == "off"


def test_jit_is_off_on_the_primary_and_the_replicas_unless_asked():
    base = {
        **os.environ,
        "SECRET_KEY": "test-only",
        "DATABASE_URL": "postgres://u@127.0.0.1:5432/a",
        "DATABASE_REPLICA_URLS": "postgres://u@127.0.0.1:5433/a",
    }
    base.pop("DATABASE_JIT", None)
    options = _settings_of(base)
    assert set(options) == {"default", "replica1"}
    for alias in options:
        assert options[alias]["options"] == "-c jit=off", options
        assert options[alias]["connect_timeout"] == 5
    asked = _settings_of({**base, "DATABASE_JIT": "on"})
    assert not any("options" in o for o in asked.values()), asked
    # The embedded database has no such option.
    embedded = _settings_of({**base, "DATABASE_URL": "sqlite:////tmp/alliance-x.sqlite3"})
    assert "options" not in embedded["default"]
