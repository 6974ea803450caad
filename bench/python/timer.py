"""1 kHz fixed-rate callback (a task sleeping to absolute deadlines) beside 1000 sleepers."""
import asyncio
from common import QUICK, emit, percentile

HZ, SLEEPERS = 1000, 1000
DURATION = 1.0 if QUICK else 3.0


async def main():
    loop = asyncio.get_running_loop()
    stop = False

    async def sleeper():
        while not stop:
            await asyncio.sleep(0.1)

    sleepers = [asyncio.create_task(sleeper()) for _ in range(SLEEPERS)]
    await asyncio.sleep(0)
    times = []
    start = loop.time()
    period = 1 / HZ

    async def ticker():
        k = 1
        while True:
            await asyncio.sleep(start + k * period - loop.time())
            times.append(loop.time())
            k += 1

    t = asyncio.create_task(ticker())
    await asyncio.sleep(DURATION)
    t.cancel()
    stop = True
    await asyncio.gather(*sleepers, t, return_exceptions=True)
    late = [(x - (start + (k + 1) * period)) * 1000 for k, x in enumerate(times)]
    emit(late_p50_ms=percentile(late, 50), late_p99_ms=percentile(late, 99), late_max_ms=max(late),
         drift_ms=(times[-1] - times[0] - (len(times) - 1) * period) * 1000, calls_per_s=len(times) / DURATION)

asyncio.run(main())
