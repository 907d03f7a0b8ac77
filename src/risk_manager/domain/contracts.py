"""Contract catalogue: CME roots, ProjectX aliases, tick size and tick value.

ProjectX names some products differently from CME (EP = ES, ENQ = NQ, CLE = CL ...). Config and the journal
always speak CME roots; the broker speaks ProjectX contract ids such as ``CON.F.US.MNQ.Z26``.
"""

from __future__ import annotations

from dataclasses import dataclass

# ProjectX product symbol -> CME root
PROJECTX_ALIASES: dict[str, str] = {"EP": "ES", "ENQ": "NQ", "CLE": "CL", "MCLE": "MCL", "GCE": "GC"}
# CME root -> ProjectX product symbol (inverse of the aliases; identity for the rest)
_PX_SYMBOL: dict[str, str] = {cme: px for px, cme in PROJECTX_ALIASES.items()}


@dataclass(frozen=True, slots=True)
class Contract:
    id: str  # ProjectX contract id, e.g. CON.F.US.MNQ.Z26
    name: str  # ProjectX contract name, e.g. MNQZ6
    root: str  # CME root, e.g. MNQ
    tick_size: float
    tick_value: float
    description: str = ""

    @property
    def is_micro(self) -> bool:
        return self.root in MICRO_ROOTS


@dataclass(frozen=True, slots=True)
class Product:
    root: str
    description: str
    tick_size: float
    tick_value: float
    front: str  # front-month code used by the built-in catalogue, e.g. "Z26"


PRODUCTS: dict[str, Product] = {
    p.root: p
    for p in (
        Product("ES", "E-mini S&P 500", 0.25, 12.50, "Z26"),
        Product("MES", "Micro E-mini S&P 500", 0.25, 1.25, "Z26"),
        Product("NQ", "E-mini Nasdaq-100", 0.25, 5.00, "Z26"),
        Product("MNQ", "Micro E-mini Nasdaq-100", 0.25, 0.50, "Z26"),
        Product("YM", "E-mini Dow", 1.0, 5.00, "Z26"),
        Product("MYM", "Micro E-mini Dow", 1.0, 0.50, "Z26"),
        Product("RTY", "E-mini Russell 2000", 0.10, 5.00, "Z26"),
        Product("M2K", "Micro E-mini Russell 2000", 0.10, 0.50, "Z26"),
        Product("CL", "Crude Oil", 0.01, 10.00, "F27"),
        Product("MCL", "Micro Crude Oil", 0.01, 1.00, "F27"),
        Product("GC", "Gold", 0.10, 10.00, "G27"),
        Product("MGC", "Micro Gold", 0.10, 1.00, "G27"),
    )
}
MICRO_ROOTS = frozenset({"MES", "MNQ", "MYM", "M2K", "MCL", "MGC"})


class UnknownContractError(KeyError):
    """A contract we cannot value. Never fall back to another product's tick value."""


def cme_root(px_symbol: str) -> str:
    """ProjectX product symbol (EP, ENQ, MNQ ...) -> CME root (ES, NQ, MNQ ...)."""
    s = px_symbol.upper()
    return PROJECTX_ALIASES.get(s, s)


def projectx_symbol(root: str) -> str:
    return _PX_SYMBOL.get(root.upper(), root.upper())


def root_from_contract_id(contract_id: str) -> str:
    """``CON.F.US.EP.Z26`` -> ``ES``. Raises ValueError on a malformed id."""
    parts = contract_id.split(".")
    if len(parts) < 5 or parts[0] != "CON":
        raise ValueError(f"not a ProjectX contract id: {contract_id!r}")
    return cme_root(parts[3])


def root_from_name(name: str) -> str:
    """Contract name (``MNQZ6``, ``EPZ6``, ``MCLEF7``) -> CME root: drop month letter + year digit."""
    if len(name) < 3 or not name[-1].isdigit() or not name[-2].isalpha():
        raise ValueError(f"not a contract name: {name!r}")
    return cme_root(name[:-2])


def catalogue_contract(root: str) -> Contract:
    """The built-in front contract for a CME root (replay, paper broker, simulator)."""
    product = PRODUCTS.get(root.upper())
    if product is None:
        raise UnknownContractError(root)
    px = projectx_symbol(product.root)
    month, year = product.front[0], product.front[1:]
    return Contract(
        id=f"CON.F.US.{px}.{month}{year}",
        name=f"{px}{month}{year[-1]}",
        root=product.root,
        tick_size=product.tick_size,
        tick_value=product.tick_value,
        description=product.description,
    )


class ContractBook:
    """Contract metadata by contract id. Filled from the catalogue or from the Contract API."""

    def __init__(self, contracts: list[Contract] | None = None) -> None:
        self._by_id: dict[str, Contract] = {}
        for c in contracts or []:
            self.add(c)

    @classmethod
    def builtin(cls) -> ContractBook:
        return cls([catalogue_contract(r) for r in PRODUCTS])

    def add(self, contract: Contract) -> None:
        self._by_id[contract.id] = contract

    def get(self, contract_id: str) -> Contract:
        c = self._by_id.get(contract_id)
        if c is None:
            raise UnknownContractError(contract_id)
        return c

    def find(self, contract_id: str) -> Contract | None:
        return self._by_id.get(contract_id)

    def by_root(self, root: str) -> Contract:
        for c in self._by_id.values():
            if c.root == root.upper():
                return c
        raise UnknownContractError(root)

    def __contains__(self, contract_id: object) -> bool:
        return contract_id in self._by_id

    def all(self) -> list[Contract]:
        return list(self._by_id.values())
