"""Install and control `risk-manager run` as an operating-system service (SPEC §12).

Why a service at all: the risk manager only protects the account while it runs, so it must start at boot,
come back after a crash, and be out of reach of the trader it polices.

- Linux (:mod:`.linux`): a root-owned systemd unit, ``Type=notify``, ``Restart=always``, running as its own
  system user with no login shell. Only root can stop, disable or edit it, so a trader account without
  sudo cannot switch it off, and it cannot read the credentials file (root-owned, 0600; systemd reads it).
- Windows (:mod:`.windows`, :mod:`.windows_service`): a pywin32 service ``RiskManager`` (automatic start,
  LocalSystem, restart after 60 s), data under ``%ProgramData%\\RiskManager`` where only Administrators and
  SYSTEM have access; Users may only read the journal export. A standard (non-admin) Windows account
  cannot stop a LocalSystem service.

Everything that touches the machine goes through a small seam (a command runner plus a host object), so
the command sequences and the rendered unit are unit-tested without root, systemd or Windows.
"""
