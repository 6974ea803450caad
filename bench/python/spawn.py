import asyncio
from common import QUICK, emit, now

N = 20_000 if QUICK else 100_000


async def one():
    return 1


async def main():
    t0 = now()
    res = await asyncio.gather(*[asyncio.create_task(one()) for _ in range(N)])
    assert len(res) == N
    emit(tasks_per_s=N / (now() - t0))

asyncio.run(main())
