"""Bundled replay journals stay byte-identical (CLI output, as a user gets it): the examples in
examples/replay/ and the acceptance scenarios. A deliberate behaviour change updates the file with it."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from risk_manager.cli.main import app

ROOT = Path(__file__).resolve().parents[2]
GOLDEN = Path(__file__).parent / "golden"
EXAMPLES = ROOT / "examples" / "replay"
ACCEPTANCE = ROOT / "tests" / "acceptance" / "scenarios"

# journals kept beside their examples; an example with its own config pins its `.expected.jsonl` beside it
# (tests/replay/test_replay_guard_examples.py)
CASES = {f"{s.stem}.journal.jsonl": (s, EXAMPLES / "config.yaml") for s in sorted(EXAMPLES.glob("*.jsonl"))
         if not s.name.endswith((".journal.jsonl", ".expected.jsonl"))
         and not s.with_suffix(".yaml").exists()}
CASES |= {f"acceptance_{s.stem}.journal.jsonl": (s, s.with_suffix(".yaml"))
          for s in sorted(ACCEPTANCE.glob("*.jsonl")) if s.with_suffix(".yaml").exists()}


def test_every_bundled_scenario_has_a_pinned_journal() -> None:
    assert sorted(CASES) == sorted(p.name for p in GOLDEN.glob("*.journal.jsonl"))


@pytest.mark.parametrize("name", sorted(CASES))
def test_bundled_journal_is_byte_identical(name: str) -> None:
    scenario, config = CASES[name]
    res = CliRunner().invoke(app, ["replay", str(scenario), "--config", str(config)])
    assert res.exit_code == 0, res.stderr
    assert res.stdout == (GOLDEN / name).read_text(encoding="utf-8")
