"""`risk-manager replay SCENARIO --config FILE [--out FILE]`."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer

from risk_manager.config import ConfigError, load_config
from risk_manager.engine.records import Record
from risk_manager.replay.scenario import ScenarioError, load_scenario


def write_records(records: list[Record], out: Path | None) -> None:
    """Raises OSError when ``out`` cannot be written."""
    lines = "".join(json.dumps(r, separators=(", ", ": ")) + "\n" for r in records)
    if out is None:
        sys.stdout.write(lines)
    else:
        out.write_text(lines, encoding="utf-8")


def run_replay_files(scenario: Path, config_path: Path) -> list[Record]:
    from risk_manager.replay.runner import Replay  # keeps `--help` fast

    steps = load_scenario(scenario)
    config = load_config(config_path)
    replay = Replay(config, steps, str(scenario))
    records = replay.run()
    for note in replay.rejections:  # the broker refused a scenario action: say so, as a trader would see
        typer.echo(f"{scenario}:{note}", err=True)
    return records


def replay(
    scenario: Annotated[Path, typer.Argument(help="Scenario file (JSON lines, SPEC §13 format).")],
    config: Annotated[Path, typer.Option("--config", "-c", help="risk_manager.yaml to apply.")],
    out: Annotated[Path | None, typer.Option("--out", "-o", help="Journal file (default: stdout).")] = None,
) -> None:
    """Run a scenario through the rules on a virtual clock: "what would my rules have done that day?"."""
    try:
        records = run_replay_files(scenario, config)
    except ScenarioError as e:
        typer.echo(str(e), err=True)
        raise typer.Exit(2) from None
    except ConfigError as e:
        for problem in e.problems:
            typer.echo(str(problem), err=True)
        raise typer.Exit(2) from None
    try:
        write_records(records, out)
    except OSError as e:
        typer.echo(f"cannot write the journal to {out}: {e.strerror or e}", err=True)
        raise typer.Exit(2) from None
