"""The Windows service's names and its registry option keys: a leaf module, so the installer
(:mod:`.windows`), the pywin32 registration (:mod:`.windows_host`) and the service class
(:mod:`.windows_service`) share them without importing one another in a circle."""

from __future__ import annotations

SERVICE_NAME = "RiskManager"
DISPLAY_NAME = "Risk Manager"
DESCRIPTION = "Real-time risk daemon for TopstepX/ProjectX futures accounts (risk-manager run)."
OPT_CONFIG, OPT_DATA_DIR = "config", "data_dir"  # stored under the service's Parameters registry key
