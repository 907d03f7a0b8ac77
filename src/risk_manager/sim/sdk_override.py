"""Run an unmodified project-x-py program against the simulator: ``python -m risk_manager.sim.sdk_override``.

project-x-py 4.4.1 ignores its own ``PROJECTX_API_URL`` / ``PROJECTX_USER_HUB_URL`` /
``PROJECTX_MARKET_HUB_URL`` variables unless the program passes a config, and ``TradingSuite.create()`` takes
no config at all, so its programs always talk to TopstepX. This launcher makes those variables the defaults
of ``ProjectXConfig`` (so every ``ProjectX(...)``, ``ProjectX.from_env()`` and ``TradingSuite.create()`` in
the program uses them), then runs the program as ``__main__``::

    export PROJECTX_API_URL=http://127.0.0.1:8765/api
    export PROJECTX_USER_HUB_URL=http://127.0.0.1:8765/hubs/user
    export PROJECTX_MARKET_HUB_URL=http://127.0.0.1:8765/hubs/market
    export PROJECT_X_USERNAME=trader PROJECT_X_API_KEY=sim-api-key-0123456789
    uv run python -m risk_manager.sim.sdk_override examples/01_basic_client_connection.py [args...]

``--base http://127.0.0.1:8765`` sets all three from the simulator's base URL. Nothing else of the SDK is
changed; the program itself is not modified.
"""

from __future__ import annotations

import inspect
import os
import runpy
import sys

URL_VARIABLES = {"api_url": "PROJECTX_API_URL", "user_hub_url": "PROJECTX_USER_HUB_URL",
                 "market_hub_url": "PROJECTX_MARKET_HUB_URL"}


def urls_for(base: str) -> dict[str, str]:
    base = base.rstrip("/")
    return {"PROJECTX_API_URL": f"{base}/api", "PROJECTX_USER_HUB_URL": f"{base}/hubs/user",
            "PROJECTX_MARKET_HUB_URL": f"{base}/hubs/market"}


def install(env: dict[str, str] | None = None) -> dict[str, str]:
    """Make the ``PROJECTX_*`` URLs in ``env`` (default: the process environment) the defaults of the
    SDK's ``ProjectXConfig``; returns the fields changed."""
    from project_x_py.models import ProjectXConfig

    env = dict(os.environ) if env is None else env
    wanted = {field: env[var] for field, var in URL_VARIABLES.items() if env.get(var)}
    init = ProjectXConfig.__init__
    params = [p for p in inspect.signature(init).parameters.values() if p.name != "self"]
    defaults = list(init.__defaults__ or ())
    first_default = len(params) - len(defaults)
    for i, p in enumerate(params[first_default:]):
        if p.name in wanted:
            defaults[i] = wanted[p.name]
    init.__defaults__ = tuple(defaults)
    return wanted


def main(argv: list[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if len(args) >= 2 and args[0] == "--base":
        os.environ.update(urls_for(args[1]))
        args = args[2:]
    if not args:
        print(__doc__, file=sys.stderr)
        return 2
    os.environ.setdefault("NO_PROXY", "127.0.0.1,localhost")
    install()
    sys.argv = args
    runpy.run_path(args[0], run_name="__main__")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
