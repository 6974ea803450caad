import asyncio
from common import QUICK, emit, now

N = 20_000 if QUICK else 100_000


async def main():
    ping, pong = asyncio.Event(), asyncio.Event()

    async def pinger():
        for _ in range(N):
            ping.set()
            await pong.wait()
            pong.clear()

    async def ponger():
        for _ in range(N):
            await ping.wait()
            ping.clear()
            pong.set()

    t0 = now()
    await asyncio.gather(asyncio.create_task(ponger()), asyncio.create_task(pinger()))
    emit(round_trips_per_s=N / (now() - t0))

asyncio.run(main())
