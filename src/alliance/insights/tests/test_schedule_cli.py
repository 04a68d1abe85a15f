"""`alliance insights schedule FILE.json` reads the documented format and prints JSON."""

from __future__ import annotations

import json
from pathlib import Path

from alliance.insights.cli import SUBCOMMANDS, main

EXAMPLE = Path(__file__).resolve().parents[4] / "docs" / "examples" / "schedule.json"


def test_schedule_command_prints_the_forecast_of_the_example(capsys):
    assert main(["schedule", str(EXAMPLE), "--iterations", "500", "--seed", "3"]) == 0
    output = json.loads(capsys.readouterr().out)
    assert output["iterations"] == 500 and output["seed"] == 3
    assert {task["id"] for task in output["tasks"]} == {f"C{i:02d}" for i in range(1, 11)}
    decree = next(task for task in output["tasks"] if task["id"] == "C01")
    assert set(decree["quantiles"].values()) == {"2026-02-19"}  # delivered: fixed
    assert {m["name"] for m in output["milestones"]} == {"financial close", "works start"}
    assert all(0 <= task["criticality"] <= 1 for task in output["tasks"])


def test_same_seed_prints_the_same_json(capsys):
    main(["schedule", str(EXAMPLE), "--iterations", "300", "--seed", "1"])
    first = capsys.readouterr().out
    main(["schedule", str(EXAMPLE), "--iterations", "300", "--seed", "1"])
    assert capsys.readouterr().out == first


def test_bad_input_is_reported_on_stderr_with_exit_code_2(tmp_path, capsys):
    bad = tmp_path / "cycle.json"
    commitments = [
        {
            "id": "a",
            "party": "p",
            "optimistic": 1,
            "most_likely": 2,
            "pessimistic": 3,
            "depends_on": ["b"],
        },
        {
            "id": "b",
            "party": "p",
            "optimistic": 1,
            "most_likely": 2,
            "pessimistic": 3,
            "depends_on": ["a"],
        },
    ]
    bad.write_text(json.dumps({"as_of": "2026-03-02", "commitments": commitments}))
    assert main(["schedule", str(bad)]) == 2
    assert "dependency cycle" in capsys.readouterr().err


def test_subcommands_are_registered_in_one_table():
    assert "schedule" in SUBCOMMANDS
