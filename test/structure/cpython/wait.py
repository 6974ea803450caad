"""The wait cases of CPython 3.12's test_tasks.py, as a program that prints
what happens. Expected output: wait.exp (python3.12 wait.py > wait.exp)."""
import asyncio
from _cases import case, clock, names, main


def task(coro, name):
    return asyncio.create_task(coro, name=name)


async def sleeper(dt, name, fail=False):
    await asyncio.sleep(dt)
    print(name, "finished at", clock())
    if fail:
        raise ZeroDivisionError(name)
    return name


@case
async def all_completed():
    a = task(sleeper(1, "a"), "a")
    b = task(sleeper(1.5, "b"), "b")
    done, pending = await asyncio.wait([b, a])
    print("done", names(done), "pending", names(pending), "at", clock())
    done, pending = await asyncio.wait([b, a])
    print("again: done", names(done), "pending", names(pending), "at", clock())


@case
async def duplicate_tasks_count_once():
    async def coro(s):
        return s

    c = task(coro("test"), "c")
    d = task(coro("spam"), "d")
    done, pending = await asyncio.wait([c, c, d])
    print("done", names(done), "pending", names(pending), sorted(f.result() for f in done))


@case
async def first_completed():
    a = task(sleeper(10, "a"), "a")
    b = task(sleeper(0.1, "b"), "b")
    done, pending = await asyncio.wait([b, a], return_when=asyncio.FIRST_COMPLETED)
    print("done", names(done), "pending", names(pending), "at", clock(), "a done", a.done())
    a.cancel()


@case
async def first_completed_takes_everything_done_by_then():
    async def coro1():
        print("coro1 step")
        await asyncio.sleep(0)
        print("coro1 done")

    async def coro2():
        print("coro2 step 1")
        await asyncio.sleep(0)
        print("coro2 step 2")
        await asyncio.sleep(0)
        print("coro2 done")

    a = task(coro1(), "a")
    b = task(coro2(), "b")
    done, pending = await asyncio.wait([b, a], return_when=asyncio.FIRST_COMPLETED)
    print("done", names(done), "pending", names(pending))


@case
async def first_exception_already_failed():
    a = task(sleeper(10, "a"), "a")

    async def exc():
        raise ZeroDivisionError("err")

    b = task(exc(), "b")
    await asyncio.sleep(0)
    done, pending = await asyncio.wait([b, a], return_when=asyncio.FIRST_EXCEPTION)
    print("done", names(done), "pending", names(pending), "at", clock())
    a.cancel()


@case
async def first_exception_while_waiting():
    a = task(sleeper(10, "a"), "a")
    b = task(sleeper(0.1, "b", fail=True), "b")
    done, pending = await asyncio.wait([b, a], return_when=asyncio.FIRST_EXCEPTION)
    print("done", names(done), "pending", names(pending), "at", clock())
    a.cancel()


@case
async def first_exception_without_failure_waits_for_all():
    a = task(sleeper(0.1, "a"), "a")
    b = task(sleeper(0.2, "b"), "b")
    done, pending = await asyncio.wait([b, a], return_when=asyncio.FIRST_EXCEPTION)
    print("done", names(done), "pending", names(pending), "at", clock())


@case
async def all_completed_with_an_exception():
    a = task(sleeper(1, "a"), "a")
    b = task(sleeper(1.5, "b", fail=True), "b")
    done, pending = await asyncio.wait([b, a])
    errors = [f.get_name() for f in done if f.exception() is not None]
    print("done", names(done), "pending", names(pending), "failed", ",".join(errors), "at", clock())


@case
async def timeout_returns_what_is_done():
    a = task(sleeper(1, "a"), "a")
    b = task(sleeper(1.5, "b"), "b")
    done, pending = await asyncio.wait([b, a], timeout=1.1)
    print("done", names(done), "pending", names(pending), "at", clock())
    await asyncio.wait([a, b])
    print("then all at", clock())


@case
async def timeout_zero_gives_the_done_ones():
    a = task(sleeper(0.1, "a"), "a")
    b = task(sleeper(0, "b"), "b")
    await asyncio.sleep(0)
    await asyncio.sleep(0)
    done, pending = await asyncio.wait([a, b], timeout=0)
    print("done", names(done), "pending", names(pending), "at", clock())
    a.cancel()


@case
async def iterator_and_generator_of_tasks():
    a = task(sleeper(0.1, "a"), "a")
    b = task(sleeper(0.2, "b"), "b")
    done, pending = await asyncio.wait(iter([b, a]))
    print("done", names(done), "pending", names(pending))

    async def func(i):
        return i

    tasks = (task(func(i), f"t{i}") for i in range(3))
    done, pending = await asyncio.wait(tasks)
    print("done", names(done), "pending", names(pending))


@case
async def cancelling_the_waiter_leaves_the_tasks_running():
    a = task(sleeper(0.2, "a"), "a")

    async def waiter():
        try:
            await asyncio.wait([a])
        except asyncio.CancelledError:
            print("waiter cancelled, a done", a.done())
            raise

    w = task(waiter(), "w")
    await asyncio.sleep(0.1)
    w.cancel()
    try:
        await w
    except asyncio.CancelledError:
        pass
    print("a result", await a, "at", clock())


@case
async def wakes_in_the_same_turn_as_cpython():
    async def ticker():
        for i in range(5):
            print("tick", i)
            await asyncio.sleep(0)

    async def quick():
        print("quick done")

    q = task(quick(), "q")
    t = task(ticker(), "t")
    done, pending = await asyncio.wait([q])
    print("wait returned", names(done))
    await t


if __name__ == "__main__":
    main()
