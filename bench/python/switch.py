import asyncio
from common import QUICK, emit, now

TASKS, ROUNDS = 1000, (200 if QUICK else 1000)


async def worker():
    for _ in range(ROUNDS):
        await asyncio.sleep(0)


async def main():
    t0 = now()
    await asyncio.gather(*[asyncio.create_task(worker()) for _ in range(TASKS)])
    emit(yields_per_s=TASKS * ROUNDS / (now() - t0))

asyncio.run(main())
