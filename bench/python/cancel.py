import asyncio
import sys
from common import QUICK, emit, now

N = 20_000 if QUICK else 100_000


async def main():
    started = finals = 0

    async def sleeper():
        nonlocal started, finals
        started += 1
        try:
            await asyncio.sleep(10)
        finally:
            finals += 1

    tasks = [asyncio.create_task(sleeper()) for _ in range(N)]
    while started < N:
        await asyncio.sleep(0)
    t0 = now()
    for t in tasks:
        t.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)
    elapsed = now() - t0
    if finals != N:
        sys.exit(f"cpython: {finals} finally blocks ran, expected {N}")
    emit(cancellations_per_s=N / elapsed)

asyncio.run(main())
