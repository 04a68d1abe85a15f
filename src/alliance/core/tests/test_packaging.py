"""Installs are reproducible: every pin of pyproject.toml is exact and is the one locked."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[4]


def _locked(name: str) -> dict[str, str]:
    text = (ROOT / "requirements" / name).read_text(encoding="utf-8")
    return {
        m.group(1).lower().replace("_", "-"): m.group(2)
        for m in re.finditer(r"^([A-Za-z0-9_.\-]+)(?:\[[^\]]*\])?==([^\s;\\]+)", text, re.M)
    }


def _pins(requirements: list[str]) -> dict[str, str]:
    pins = {}
    for requirement in requirements:
        name, _sep, version = requirement.partition("==")
        assert version, f"{requirement!r} is not pinned exactly"
        pins[re.sub(r"\[.*\]", "", name).lower().replace("_", "-")] = version
    return pins


def test_every_pin_is_exact_and_locked_the_same() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    product = _pins(project["dependencies"])
    test = _pins(project["optional-dependencies"]["test"])
    product_lock, test_lock = _locked("product.lock"), _locked("test.lock")
    assert {k: product_lock.get(k) for k in product} == product, "run `make lock`"
    assert {k: test_lock.get(k) for k in {**product, **test}} == {**product, **test}
    assert not set(test) & set(product_lock), "test tools must not reach `make demo`"
