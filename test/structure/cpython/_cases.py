"""Shared runner for the CPython reference programs beside it: each case is
an `async def` run by its own asyncio.run(), after a "== name" line, so the
TypeScript ports can compare one case at a time (see ../_cpython.ts)."""
import asyncio
import sys

CASES = []


def case(f):
    CASES.append(f)
    return f


def clock():
    """Seconds since the case began, to 1 decimal: the programs wait in steps of
    0.1 s or more, so a loaded machine's lateness (tens of ms) cannot change it."""
    loop = asyncio.get_running_loop()
    return round(loop.time() - loop.t0, 1)


def names(tasks):
    return ",".join(sorted(t.get_name() for t in tasks)) or "-"


def main():
    for f in CASES:
        print("==", f.__name__)
        sys.stdout.flush()

        async def wrapper(f=f):
            asyncio.get_running_loop().t0 = asyncio.get_running_loop().time()
            await f()

        asyncio.run(wrapper())
