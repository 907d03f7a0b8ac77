"""The simulator's listed contracts: several months per product, so a contract roll can be exercised.

Each product lists its built-in front month (``activeContract: true``, the one the daemon's own catalogue
knows) and the next ``DEFERRED`` months of its cycle (``activeContract: false``): equity indices trade the
quarterly H/M/U/Z cycle, crude every month, gold G/J/M/Q/V/Z. A deferred month is the same product (same
tick size and value) at a fixed calendar spread from the front month.
"""

from __future__ import annotations

from risk_manager.domain.contracts import (
    PRODUCTS,
    Contract,
    ContractBook,
    Product,
    catalogue_contract,
    projectx_symbol,
)

DEFERRED = 2
MONTH_NAMES = dict(zip("FGHJKMNQUVXZ", ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct",
                                        "Nov", "Dec"), strict=True))
_CYCLE = {"CL": "FGHJKMNQUVXZ", "MCL": "FGHJKMNQUVXZ", "GC": "GJMQVZ", "MGC": "GJMQVZ"}
_QUARTERLY = "HMUZ"


def listed_months(product: Product, deferred: int = DEFERRED) -> list[str]:
    """``["Z26", "H27", "M27"]`` for an equity index whose front month is Z26."""
    cycle = _CYCLE.get(product.root, _QUARTERLY)
    month, year = product.front[0], int(product.front[1:])
    out = [product.front]
    i = cycle.index(month)
    for _ in range(deferred):
        i += 1
        if i == len(cycle):
            i, year = 0, year + 1
        out.append(f"{cycle[i]}{year:02d}")
    return out


def month_contract(product: Product, month_code: str) -> Contract:
    px = projectx_symbol(product.root)
    front = catalogue_contract(product.root)
    if month_code == product.front:
        return front
    month, year = month_code[0], month_code[1:]
    return Contract(id=f"CON.F.US.{px}.{month}{year}", name=f"{px}{month}{year[-1]}", root=product.root,
                    tick_size=product.tick_size, tick_value=product.tick_value,
                    description=f"{product.description} ({MONTH_NAMES[month]} 20{year})")


def sim_book(deferred: int = DEFERRED) -> ContractBook:
    """Every listed month of every built-in product, front months first."""
    contracts = [month_contract(p, m) for p in PRODUCTS.values() for m in listed_months(p, deferred)]
    contracts.sort(key=lambda c: not is_front(c))
    return ContractBook(contracts)


def is_front(contract: Contract) -> bool:
    product = PRODUCTS.get(contract.root)
    return product is not None and contract.id == catalogue_contract(product.root).id


def month_index(contract: Contract) -> int:
    """0 for the front month, 1 for the next listed month, ..."""
    product = PRODUCTS[contract.root]
    return listed_months(product, DEFERRED).index(contract.id.rsplit(".", 1)[1])
