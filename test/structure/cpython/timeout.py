"""CPython 3.12's test_timeouts.py, as a program that prints what happens.
Expected output: timeout.exp (python3.12 timeout.py > timeout.exp)."""
import asyncio
import time
from _cases import case, clock, main


@case
async def expires():
    try:
        async with asyncio.timeout(0.1) as cm:
            await asyncio.sleep(10)
    except TimeoutError as e:
        print("TimeoutError, cause", type(e.__cause__).__name__, "at", clock())
    print("expired", cm.expired())


@case
async def timeout_at_expires():
    loop = asyncio.get_running_loop()
    deadline = loop.time() + 0.1
    try:
        async with asyncio.timeout_at(deadline) as cm:
            await asyncio.sleep(10)
    except TimeoutError:
        print("TimeoutError at", clock())
    print("expired", cm.expired(), "when is the deadline", cm.when() == deadline)


@case
async def nested_same_deadline_only_outer_raises():
    loop = asyncio.get_running_loop()
    deadline = loop.time() + 0.1
    try:
        async with asyncio.timeout_at(deadline) as cm1:
            try:
                async with asyncio.timeout_at(deadline) as cm2:
                    await asyncio.sleep(10)
            except asyncio.CancelledError:
                print("inner scope let CancelledError through")
                raise
    except TimeoutError:
        print("outer scope raised TimeoutError")
    print("expired", cm1.expired(), cm2.expired())


@case
async def body_sees_cancelled_error():
    try:
        async with asyncio.timeout(0.1):
            try:
                await asyncio.sleep(10)
            except asyncio.CancelledError:
                print("body: CancelledError")
                raise
    except TimeoutError:
        print("TimeoutError")


@case
async def not_expired():
    loop = asyncio.get_running_loop()
    async with asyncio.timeout(10) as cm:
        await asyncio.sleep(0.1)
    print("expired", cm.expired(), "deadline still ahead", cm.when() > loop.time())


@case
async def disabled():
    async with asyncio.timeout(None) as cm:
        await asyncio.sleep(0.1)
    print("expired", cm.expired(), "when", cm.when())
    async with asyncio.timeout_at(None) as cm:
        await asyncio.sleep(0.1)
    print("expired", cm.expired(), "when", cm.when())


@case
async def zero_and_past():
    for delay, pause in ((0, 10), (0, 0), (-11, 0)):
        try:
            async with asyncio.timeout(delay) as cm:
                print("body runs until it waits", delay, pause)
                await asyncio.sleep(pause)
                print("never printed")
        except TimeoutError:
            print("TimeoutError, expired", cm.expired())


@case
async def zero_expires_one_turn_later():
    async def ticker():
        for i in range(4):
            print("tick", i)
            await asyncio.sleep(0)

    t = asyncio.create_task(ticker())
    try:
        async with asyncio.timeout(0):
            print("body start")
            await asyncio.sleep(0)
            print("body after one turn")
            await asyncio.sleep(0)
            print("body after two turns")
    except TimeoutError:
        print("TimeoutError")
    await t


@case
async def other_error_passes():
    try:
        async with asyncio.timeout(0.1) as cm:
            raise KeyError("k")
    except KeyError:
        print("KeyError, expired", cm.expired())


@case
async def error_in_cleanup_after_timeout_wins():
    async def crash():
        try:
            await asyncio.sleep(1)
        finally:
            1 / 0

    try:
        async with asyncio.timeout(0.1):
            await crash()
    except ZeroDivisionError:
        print("ZeroDivisionError")


@case
async def foreign_cancel_passes_through():
    async def body():
        async with asyncio.timeout(10) as cm:
            asyncio.current_task().cancel()
            try:
                await asyncio.sleep(10)
            finally:
                print("cm expired in body", cm.expired())

    t = asyncio.create_task(body())
    try:
        await t
    except asyncio.CancelledError:
        print("CancelledError, task cancelled", t.cancelled())


@case
async def outer_task_is_not_cancelled():
    async def outer():
        try:
            async with asyncio.timeout(0.01):
                await asyncio.sleep(10)
        except TimeoutError:
            print("outer caught TimeoutError")
        await asyncio.sleep(0.1)
        return "went on"

    task = asyncio.create_task(outer())
    print(await task, "cancelled", task.cancelled(), "done", task.done())


@case
async def nested_concurrent_expiry():
    try:
        async with asyncio.timeout(0.02):
            try:
                async with asyncio.timeout(1):
                    time.sleep(0.1)  # the loop is busy past the outer deadline
                    await asyncio.sleep(1)
            except TimeoutError:
                print("inner TimeoutError")
            except asyncio.CancelledError:
                print("inner lets CancelledError through")
                raise
    except TimeoutError:
        print("outer TimeoutError")


@case
async def nested_both_expired_outer_converts():
    try:
        async with asyncio.timeout(1) as outer:
            try:
                async with asyncio.timeout(0.1) as inner:
                    time.sleep(1.2)  # both deadlines pass while the loop is busy
                    await asyncio.sleep(1)
            except asyncio.CancelledError:
                print("inner lets CancelledError through, expired", inner.expired())
                raise
    except TimeoutError:
        print("outer TimeoutError, expired", outer.expired())


@case
async def outer_interrupts_after_inner_caught():
    try:
        async with asyncio.timeout(1):
            try:
                async with asyncio.timeout(0.1):
                    await asyncio.sleep(1)
            except TimeoutError:
                print("inner TimeoutError at", clock())
            await asyncio.sleep(10)
    except TimeoutError:
        print("outer TimeoutError at", clock())


@case
async def reschedule_from_another_task():
    loop = asyncio.get_running_loop()
    fut = loop.create_future()
    deadline1 = loop.time() + 10
    deadline2 = deadline1 + 20

    async def f():
        async with asyncio.timeout_at(deadline1) as cm:
            fut.set_result(cm)
            await asyncio.sleep(50)

    task = asyncio.create_task(f())
    cm = await fut
    print("when is deadline1", cm.when() == deadline1)
    cm.reschedule(deadline2)
    print("when is deadline2", cm.when() == deadline2)
    cm.reschedule(None)
    print("when", cm.when())
    task.cancel()
    try:
        await task
    except asyncio.CancelledError:
        print("CancelledError, expired", cm.expired())


@case
async def reschedule_later_and_sooner():
    loop = asyncio.get_running_loop()
    async with asyncio.timeout(0.5) as cm:
        await asyncio.sleep(0.2)
        cm.reschedule(loop.time() + 1)
        await asyncio.sleep(0.5)
    print("moved later: done at", clock(), "expired", cm.expired())
    try:
        async with asyncio.timeout(10) as cm:
            await asyncio.sleep(0.2)
            cm.reschedule(loop.time() - 1)
            print("rescheduled into the past")
            await asyncio.sleep(1)
    except TimeoutError:
        print("moved sooner: TimeoutError at", clock())


@case
async def repr_of_states():
    async with asyncio.timeout(10) as cm:
        print(repr(cm).startswith("<Timeout [active] when="))
    print(repr(cm))
    try:
        async with asyncio.timeout(0.1) as cm:
            await asyncio.sleep(10)
    except TimeoutError:
        print(repr(cm))
    async with asyncio.timeout(None) as cm:
        print(repr(cm))


@case
async def timeout_in_finally_after_timeout():
    try:
        async with asyncio.timeout(0.1):
            try:
                await asyncio.sleep(1)
            finally:
                try:
                    async with asyncio.timeout(0.1):
                        await asyncio.sleep(10)
                except TimeoutError:
                    print("inner TimeoutError in finally")
    except TimeoutError:
        print("outer TimeoutError")


@case
async def timeout_after_caught_cancellation():
    try:
        asyncio.current_task().cancel()
        await asyncio.sleep(1)
    except asyncio.CancelledError:
        print("caught CancelledError")
    finally:
        try:
            async with asyncio.timeout(0):
                await asyncio.sleep(1)
        except TimeoutError:
            print("TimeoutError in cleanup")


@case
async def cancel_in_timeout_after_caught_cancellation():
    try:
        asyncio.current_task().cancel()
        await asyncio.sleep(1)
    except asyncio.CancelledError:
        print("caught CancelledError")
    finally:
        try:
            async with asyncio.timeout(1.0):
                asyncio.current_task().cancel()
                await asyncio.sleep(2)
        except asyncio.CancelledError:
            print("CancelledError passes through")


@case
async def state_errors():
    try:
        async with asyncio.timeout(0.1) as cm:
            pass
        cm.reschedule(0.2)
    except RuntimeError as e:
        print("RuntimeError", e)
    try:
        async with asyncio.timeout(0.1) as cm:
            await asyncio.sleep(1)
    except TimeoutError:
        pass
    try:
        cm.reschedule(0.2)
    except RuntimeError as e:
        print("RuntimeError", e)
    async with asyncio.timeout(0.1) as cm:
        try:
            await asyncio.sleep(1)
        except asyncio.CancelledError:
            print("body swallowed the CancelledError")
        try:
            cm.reschedule(0.2)
        except RuntimeError as e:
            print("RuntimeError", e)
    print("no TimeoutError when the body swallows it, expired", cm.expired())


@case
async def awaited_task_is_cancelled_and_its_cleanup_awaited():
    async def child():
        try:
            await asyncio.sleep(10)
        finally:
            print("child cleanup start")
            await asyncio.sleep(0.2)
            print("child cleanup end")

    c = asyncio.create_task(child())
    try:
        async with asyncio.timeout(0.1):
            await c
    except TimeoutError:
        print("TimeoutError at", clock(), "child cancelled", c.cancelled())


@case
async def task_can_go_on_after_timeout():
    n = 0
    for i in range(3):
        try:
            async with asyncio.timeout(0.1):
                await asyncio.sleep(0.2 if i != 1 else 0.02)
                n += 1
        except TimeoutError:
            print("attempt", i, "timed out")
    print("succeeded", n, "at", clock())


if __name__ == "__main__":
    main()
