import asyncio
from common import QUICK, emit, now

TASKS, ROUNDS = 100, (200 if QUICK else 1000)


async def main():
    lock = asyncio.Lock()
    count = 0

    async def worker():
        nonlocal count
        for _ in range(ROUNDS):
            async with lock:
                count += 1
                await asyncio.sleep(0)

    t0 = now()
    await asyncio.gather(*[asyncio.create_task(worker()) for _ in range(TASKS)])
    assert count == TASKS * ROUNDS
    emit(acquisitions_per_s=count / (now() - t0))

asyncio.run(main())
