"""A parsed JSON file is kept out of the garbage collector's passes only while it is
imported: after any import — committed, refused, or broken mid-file — the collector runs
and nothing stays frozen; a process that froze objects itself is left as it was."""

from __future__ import annotations

import gc

import pytest

from alliance.interchange.tests.helpers import DATA, load, write
from alliance.testing import make_user


@pytest.fixture
def admin(db):
    return make_user("root", is_staff=True, is_superuser=True)


@pytest.mark.parametrize("content", ["good", "truncated"])
def test_the_collector_is_back_after_an_import(admin, tmp_path, content):
    text = (DATA / "oc4ids" / "example-fictional-m75.json").read_text("utf-8")
    path = write(tmp_path, "p.json", text if content == "good" else text[: len(text) // 2])
    report = load(path, admin, fmt="oc4ids")
    assert report.committed == (content == "good")
    assert gc.isenabled()
    assert gc.get_freeze_count() == 0


def test_a_process_that_froze_objects_keeps_them_frozen(admin, tmp_path):
    gc.freeze()
    try:
        frozen = gc.get_freeze_count()
        assert frozen > 0
        text = (DATA / "oc4ids" / "example-fictional-m75.json").read_text("utf-8")
        assert load(write(tmp_path, "p.json", text), admin, fmt="oc4ids").committed
        # not unfrozen, and the file was not frozen on top (objects freed since leave it)
        assert 0 < gc.get_freeze_count() <= frozen
    finally:
        gc.unfreeze()
