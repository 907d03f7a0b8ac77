"""Fault injection for the order model under ``/_sim/`` (see docs/simulator.md): liquidity per touch, the
next order rejected or partly filled, expiry, forced fills, voided and duplicated trades."""

from __future__ import annotations

from typing import Any

from risk_manager.broker.paper_model import OrderFault
from risk_manager.sim.context import SimContext


def _account_id(ctx: SimContext, ref: Any) -> int | None:
    if ref is None:
        return None
    acct = ctx.account_by_ref(ref)
    if acct is None:
        raise ValueError(f"unknown account {ref!r}")
    return acct.id


def _first_account(ctx: SimContext, ref: Any) -> int:
    found = _account_id(ctx, ref)
    if found is not None:
        return found
    accounts = ctx.broker.accounts()
    if not accounts:
        raise ValueError("no accounts")
    return accounts[0].id


async def liquidity(ctx: SimContext, b: dict[str, Any]) -> Any:
    per_touch = b.get("per_touch")
    ctx.broker.set_liquidity(None if per_touch is None else int(per_touch))
    return {"per_touch": ctx.broker.liquidity}


async def order_fault(ctx: SimContext, b: dict[str, Any]) -> Any:
    kind, scope = str(b.get("kind", "reject")), str(b.get("scope", "any"))
    if kind not in ("reject", "partial") or scope not in ("any", "entry", "close"):
        raise ValueError("kind must be reject or partial; scope any, entry or close")
    parts = tuple(int(p) for p in b.get("parts", ()))
    if kind == "partial" and (not parts or any(p <= 0 for p in parts)):
        raise ValueError("a partial fault needs positive parts")
    count = int(b.get("count", 1))
    for _ in range(count):
        ctx.broker.inject(OrderFault(kind, parts, scope, _account_id(ctx, b.get("account"))))  # type: ignore[arg-type]
    return {"kind": kind, "parts": list(parts), "scope": scope, "count": count}


async def expire(ctx: SimContext, b: dict[str, Any]) -> Any:
    return {"expired": ctx.broker.expire_orders(_account_id(ctx, b.get("account")))}


async def fill(ctx: SimContext, b: dict[str, Any]) -> Any:
    ctx.broker.force_fill(_first_account(ctx, b.get("account")), int(b["orderId"]), int(b["size"]))
    return {"filled": int(b["size"])}


async def void(ctx: SimContext, b: dict[str, Any]) -> Any:
    return {"voided": ctx.broker.void_order(_first_account(ctx, b.get("account")), int(b["orderId"]))}


async def duplicate(ctx: SimContext, b: dict[str, Any]) -> Any:
    return {"duplicated": ctx.broker.duplicate_order(_first_account(ctx, b.get("account")),
                                                     int(b["orderId"]))}


async def pending_cancel(ctx: SimContext, b: dict[str, Any]) -> Any:
    ctx.broker.pending_cancel = bool(b.get("on", True))
    return {"pending_cancel": ctx.broker.pending_cancel}


POSTS = {"liquidity": liquidity, "order_fault": order_fault, "expire": expire, "fill": fill, "void": void,
         "duplicate": duplicate, "pending_cancel": pending_cancel}
