"""The as_completed cases of CPython 3.12's test_tasks.py, as a program that
prints what happens. Expected output: ascompleted.exp."""
import asyncio
from _cases import case, clock, main


async def sleeper(dt, x, fail=False):
    await asyncio.sleep(dt)
    if fail:
        raise ZeroDivisionError(x)
    return x


@case
async def results_in_completion_order():
    values = []
    for f in asyncio.as_completed([sleeper(0.2, "b"), sleeper(1.5, "c"), sleeper(0.1, "a")]):
        values.append(await f)
        print("got", values[-1], "at", clock())


@case
async def timeout_throws_for_the_rest():
    a = asyncio.create_task(sleeper(1, "a"))
    b = asyncio.create_task(sleeper(1.5, "b"))
    for f in asyncio.as_completed([a, b], timeout=1.2):
        try:
            v = await f
            print("got", v, "at", clock())
        except TimeoutError:
            print("TimeoutError at", clock(), "b done", b.done())
    await b
    print("b still finished at", clock())


@case
async def unused_timeout():
    for f in asyncio.as_completed([sleeper(0.1, "a")], timeout=1):
        print("got", await f, "at", clock())
    await asyncio.sleep(2)
    print("nothing more at", clock())


@case
async def awaitables_in_any_order():
    futs = list(asyncio.as_completed([sleeper(0.5, "a"), sleeper(1, "b")]))
    print(len(futs), "awaitables")
    print("second awaitable gives", await futs[1], "at", clock())
    print("first awaitable gives", await futs[0], "at", clock())


@case
async def awaited_concurrently():
    futs = list(asyncio.as_completed([sleeper(0.5, "a"), sleeper(0.6, "b")]))
    done, pending = await asyncio.wait([asyncio.ensure_future(f) for f in futs])
    print(sorted(f.result() for f in done))


@case
async def duplicate_coroutines_run_once():
    async def coro(s):
        return s

    c = coro("ham")
    result = []
    for f in asyncio.as_completed([c, c, coro("spam")]):
        result.append(await f)
    print(sorted(result))


@case
async def errors_come_out_in_order():
    for f in asyncio.as_completed([sleeper(0.1, "a"), sleeper(0.2, "b", fail=True), sleeper(0.3, "c")]):
        try:
            print("got", await f)
        except ZeroDivisionError as e:
            print("ZeroDivisionError", e)


@case
async def tasks_already_done():
    async def quick(x):
        return x

    t = asyncio.create_task(quick("q"))
    await asyncio.sleep(0)
    print("done before", t.done())
    for f in asyncio.as_completed([t]):
        print("got", await f)


@case
async def wakes_in_the_same_turn_as_cpython():
    async def ticker():
        for i in range(6):
            print("tick", i)
            await asyncio.sleep(0)

    async def quick():
        print("quick ran")
        return "q"

    t = asyncio.create_task(ticker())
    for f in asyncio.as_completed([quick()]):
        print("got", await f)
    await t


if __name__ == "__main__":
    main()
