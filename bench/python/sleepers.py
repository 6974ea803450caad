import asyncio
import gc
import tracemalloc
from common import QUICK, emit, now

N = 20_000 if QUICK else 100_000


async def run(measure_memory):
    started = 0

    async def sleeper():
        nonlocal started
        started += 1
        await asyncio.sleep(1)

    gc.collect()
    m0 = tracemalloc.get_traced_memory()[0] if measure_memory else 0
    t0 = now()
    tasks = [asyncio.create_task(sleeper()) for _ in range(N)]
    while started < N:
        await asyncio.sleep(0)
    bytes_per_task = 0.0
    if measure_memory:
        gc.collect()
        bytes_per_task = (tracemalloc.get_traced_memory()[0] - m0) / N
    await asyncio.gather(*tasks)
    return (now() - t0) * 1000 - 1000, bytes_per_task


async def main():
    wall, _ = await run(False)  # timing without tracemalloc overhead
    tracemalloc.start()
    _, per_task = await run(True)
    emit(wall_over_1s_ms=wall, bytes_per_task=per_task)

asyncio.run(main())
