"""Acceptance: 001, 002, 003, 004, 005, 013 and precedence, through `risk-manager replay`."""

import pytest
from acc_helpers import acts, hms, locks, money, of, run, unlocks, violations

T = "2026-11-20T"


def test_001_gross_micro_weight_tenth_at_limit_is_ok_and_excess_micros_are_reduced() -> None:
    recs = run("r001_gross_micro")
    # NQ 1 + MNQ 10 x 0.1 = 2.0: at the limit (not exceeded) -> no violation at 08:32
    assert violations(recs) == [("08:33:00", "max_contracts")]
    # +5 MNQ -> 2.5 > 2: excess 0.5 = 5 micros off the position that just grew (float noise must not make 6)
    assert acts(recs) == [("08:33:00", "max_contracts", "reduce_position", "MNQ", 15, 10)]
    # reduce sells 5 at the bid, bought at the ask: 5 x 1 tick x 0.50
    assert money(recs) == (-2.5, 0.0, {"MNQ": 10, "NQ": 1})
    assert [(hms(w), w["utilization"]) for w in of(recs, "warning")] == [("08:32:00", 1.0)]


def test_001_net_count_offsets_long_and_short() -> None:
    recs = run("r001_net")
    # ES +2, NQ -3 -> net 1 (gross 5 would breach); MES +4 -> net 3 > 2 -> reduce MES 4 -> 3
    assert acts(recs) == [("08:33:00", "max_contracts", "reduce_position", "MES", 4, 3)]
    assert money(recs) == (-1.25, 0.0, {"ES": 2, "MES": 3, "NQ": -3})


def test_001_short_count_ignores_longs_and_close_position_closes_the_grown_position() -> None:
    recs = run("r001_short_close")
    assert acts(recs) == [("08:32:00", "max_contracts", "close_position", "NQ")]
    assert money(recs) == (-15.0, 0.0, {"ES": 3})  # NQ 3 x 1 tick x 5.00


def test_001_long_count_close_all_flattens_once() -> None:
    recs = run("r001_long_close_all")
    assert violations(recs) == [("08:33:00", "max_contracts")]
    assert acts(recs) == [("08:33:00", "max_contracts", "flatten", None)]


def test_001_long_count_close_all_ends_flat() -> None:
    recs = run("r001_long_close_all")
    assert {a[2] for a in acts(recs)} == {"flatten"}
    # NQ 5 x 1 tick x 5 + ES 2 x 12.50 + MES 2 x 1.25
    assert money(recs) == (-52.5, 0.0, {})


def test_002_default_limit_and_close_position() -> None:
    recs = run("r002_default_close")
    assert acts(recs) == [("08:33:00", "max_contracts_per_instrument", "close_position", "NQ"),
                          ("08:35:00", "max_contracts_per_instrument", "close_position", "ES")]
    assert money(recs) == (-52.5, 0.0, {})  # NQ 3 x 5 + ES: -12.5 (08:34) - 25 (close 2 @ ask)


def test_002_short_side_reduce_is_absolute_and_unlisted_root_with_null_default_is_free() -> None:
    recs = run("r002_short_reduce")
    assert acts(recs) == [("08:33:00", "max_contracts_per_instrument", "reduce_position", "MNQ", 3, 2)]
    assert money(recs) == (-0.5, 0.0, {"CL": 10, "MNQ": -2})


def test_003_net_with_fees_and_unrealized_exactly_at_limit_locks_flattens_and_kill_switch() -> None:
    recs = run("r003_net_exact")
    w = of(recs, "warning")
    assert [hms(x) for x in w] == ["08:32:00"] and w[0]["utilization"] == pytest.approx(89.5 / 102, abs=1e-3)
    assert violations(recs) == [("08:33:00", "daily_realized_loss")]
    assert locks(recs) == [(f"{T}08:33:00-06:00", "daily_realized_loss", "hard", "account",
                            f"{T}17:00:00-06:00")]
    assert acts(recs) == [("08:33:00", "daily_realized_loss", "flatten", None),
                          ("09:00:00", "daily_realized_loss", "close_position", "ES")]
    assert [r for r in of(recs, "reset")] == [{"at": f"{T}17:00:00-06:00", "type": "reset",
                                                "trading_day": "2026-11-21"}]
    assert unlocks(recs) == [(f"{T}17:00:00-06:00", "daily_realized_loss")]
    # -100 (8 ticks) - 12.5 (kill switch round trip) gross, fees 4 fills x 2.00 = 8 -> net -120.5
    assert money(recs) == (-120.5, 8.0, {})


def test_003_gross_basis_realized_only_ignores_open_dip_and_fees() -> None:
    recs = run("r003_gross_realized_only")
    assert of(recs, "violation", "lockout", "action") == []
    w = of(recs, "warning")
    assert [hms(x) for x in w] == ["08:34:00"] and w[0]["utilization"] == pytest.approx(100 / 101, abs=1e-3)
    assert money(recs) == (-100.0, 4.0, {})


def test_013_gross_target_reached_exactly_with_unrealized_flattens_and_locks() -> None:
    recs = run("r013_target", "r013_target_gross")
    assert violations(recs) == [("08:32:00", "daily_realized_profit")]
    assert locks(recs) == [(f"{T}08:32:00-06:00", "daily_realized_profit", "hard", "account",
                            f"{T}17:00:00-06:00")]
    assert acts(recs) == [("08:32:00", "daily_realized_profit", "flatten", None)]
    assert money(recs) == (400.0, 2.0, {})


def test_013_net_basis_counts_the_fee_so_the_same_day_stays_below_target() -> None:
    recs = run("r013_target", "r013_target_net")
    assert of(recs, "violation", "lockout", "action") == []
    assert [hms(x) for x in of(recs, "warning")] == ["08:32:00"]
    assert money(recs) == (-1.0, 1.0, {"ES": 1})


def test_013_realized_only_ignores_open_profit_and_breaches_at_the_target() -> None:
    recs = run("r013_realized_only")
    assert violations(recs) == [("08:34:00", "daily_realized_profit")]
    assert acts(recs) == [("08:34:00", "daily_realized_profit", "flatten", None)]
    assert money(recs) == (200.0, 0.0, {})  # 2 x 8 ticks x 12.50


def test_004_and_005_each_close_only_their_own_position() -> None:
    recs = run("r004_005_two_contracts")
    assert acts(recs) == [("09:01:00", "daily_unrealized_loss", "close_position", "NQ"),
                          ("09:03:00", "max_unrealized_profit", "close_position", "ES")]
    assert of(recs, "lockout") == []
    assert [(hms(w), w["rule"]) for w in of(recs, "warning")][:1] == [("09:00:00", "daily_unrealized_loss")]
    assert money(recs) == (0.0, 0.0, {})  # -100 + 100


def test_precedence_close_position_beats_reduce_and_both_violations_are_journaled() -> None:
    recs = run("p_close_beats_reduce")
    assert sorted(violations(recs)) == [("08:31:00", "daily_unrealized_loss"), ("08:31:00", "max_contracts")]
    assert acts(recs) == [("08:31:00", "daily_unrealized_loss", "close_position", "MNQ")]
    assert money(recs) == (-600.0, 0.0, {})


def test_precedence_two_reductions_of_one_contract_run_once_the_stronger() -> None:
    recs = run("p_two_reduces")
    assert sorted(violations(recs)) == [("08:31:00", "max_contracts"),
                                        ("08:31:00", "max_contracts_per_instrument")]
    assert acts(recs) == [("08:31:00", "max_contracts_per_instrument", "reduce_position", "MNQ", 4, 2)]
    assert money(recs) == (-1.0, 0.0, {"MNQ": 2})
