import asyncio
from common import QUICK, emit, now

N = 40_000 if QUICK else 200_000


async def main():
    q = asyncio.Queue(100)
    total = 0

    async def producer():
        for i in range(N):
            await q.put(i)

    async def consumer():
        nonlocal total
        for _ in range(N):
            total += await q.get()

    t0 = now()
    await asyncio.gather(asyncio.create_task(consumer()), asyncio.create_task(producer()))
    assert total == N * (N - 1) // 2
    emit(items_per_s=N / (now() - t0))

asyncio.run(main())
