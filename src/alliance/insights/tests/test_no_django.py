"""The insights engine is pure Python: importing any of its modules loads no Django."""

from __future__ import annotations

import pkgutil
import subprocess
import sys

import alliance.insights


def test_no_insights_module_imports_django():
    modules = sorted(
        info.name
        for info in pkgutil.walk_packages(alliance.insights.__path__, "alliance.insights.")
        if ".tests" not in info.name
    )
    script = "\n".join(
        [
            "import sys",
            *(f"import {name}" for name in modules),
            "loaded = sorted(m for m in sys.modules if m == 'django' or m.startswith('django.'))",
            "assert not loaded, loaded",
        ]
    )
    paths = [p for p in sys.path if p]
    env_path = ":".join(paths)
    done = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        env={"PYTHONPATH": env_path, "PATH": "/usr/bin:/bin"},
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert "alliance.insights.schedule" in modules
