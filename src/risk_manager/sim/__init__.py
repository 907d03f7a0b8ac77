"""ProjectX Gateway simulator: the real wire protocol on 127.0.0.1, backed by the paper broker."""

from risk_manager.sim.control import SimControl, SimControlError
from risk_manager.sim.options import SimOptions
from risk_manager.sim.server import SimServer

__all__ = ["SimControl", "SimControlError", "SimOptions", "SimServer"]
