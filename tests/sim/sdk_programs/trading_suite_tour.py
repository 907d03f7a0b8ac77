"""A project-x-py program written as a user writes one (no simulator knowledge): TradingSuite with bars,
the order book, an instrument search, a native bracket order and its cleanup. Prints one line per step."""

import asyncio

from project_x_py import TradingSuite


async def main() -> None:
    suite = await TradingSuite.create("MNQ", timeframes=["1min", "5min"], features=["orderbook"],
                                      initial_days=2)
    try:
        mnq = suite["MNQ"]
        print("instrument", mnq.instrument_info.id, mnq.instrument_info.tickSize)
        bars = await mnq.data.get_data("5min")
        print("bars_5min", 0 if bars is None else len(bars))
        await asyncio.sleep(2.0)
        print("price", await mnq.data.get_current_price())
        book = await mnq.orderbook.get_orderbook_snapshot(levels=5)
        print("book_levels", len(book["bids"]), len(book["asks"]))
        found = await suite.client.search_instruments("MNQ")
        print("contracts", ",".join(sorted(i.name for i in found)))
        price = await mnq.data.get_current_price()
        assert price is not None
        resp = await mnq.orders.place_order(mnq.instrument_info.id, 1, 0, 1, limit_price=price - 50,
                                            stop_loss_bracket={"ticks": -20, "type": 4},
                                            take_profit_bracket={"ticks": 40, "type": 1})
        print("bracket_entry", resp.success)
        open_orders = await mnq.orders.search_open_orders()
        print("open_orders", len(open_orders))
        result = await mnq.orders.cancel_all_orders()
        print("cancelled", result["cancelled"])
    finally:
        await suite.disconnect()


if __name__ == "__main__":
    asyncio.run(main())
