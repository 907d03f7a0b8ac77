"""A plain project-x-py program: ProjectX.from_env() with no config (so the TopstepX URLs unless the launcher
overrides them), login, account, positions, instruments, bars."""

import asyncio

from project_x_py import ProjectX


async def main() -> None:
    async with ProjectX.from_env() as client:
        await client.authenticate()
        account = client.account_info
        assert account is not None
        print("base_url", client.base_url)
        print("account", account.name, account.balance, account.canTrade, account.simulated)
        positions, instruments = await asyncio.gather(client.search_open_positions(),
                                                      client.search_instruments("MGC"))
        print("positions", len(positions))
        print("instruments", ",".join(i.name for i in instruments))
        bars = await client.get_bars("MGC", days=1, interval=15, unit=2)
        print("bars", len(bars))


if __name__ == "__main__":
    asyncio.run(main())
