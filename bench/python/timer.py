"""1 kHz fixed-rate callback (a task sleeping to absolute deadlines) beside 1000 sleepers.

As bench/workloads/timer.ts: the first WARMUP seconds are not measured, and CPU
use (time.process_time(): user + system) is reported as % of one core.
"""
import asyncio
import time
from common import QUICK, emit, percentile

HZ, SLEEPERS = 1000, 1000
WARMUP = 1.0
DURATION = 1.0 if QUICK else 3.0


async def main():
    loop = asyncio.get_running_loop()
    stop = False

    async def sleeper():
        while not stop:
            await asyncio.sleep(0.1)

    sleepers = [asyncio.create_task(sleeper()) for _ in range(SLEEPERS)]
    await asyncio.sleep(0)
    served = []  # (k, time): the call for deadline start + k * period ran at time
    start = loop.time()
    period = 1 / HZ

    async def ticker():
        k = 1
        while True:
            await asyncio.sleep(start + k * period - loop.time())
            served.append((k, loop.time()))
            k += 1

    t = asyncio.create_task(ticker())
    await asyncio.sleep(WARMUP)
    served.clear()
    cpu0, wall0 = time.process_time(), time.perf_counter()
    await asyncio.sleep(DURATION)
    cpu_pct = (time.process_time() - cpu0) / (time.perf_counter() - wall0) * 100
    t.cancel()
    stop = True
    await asyncio.gather(*sleepers, t, return_exceptions=True)
    late = [(x - (start + k * period)) * 1000 for k, x in served]
    times = [x for _, x in served]
    emit(late_p50_ms=percentile(late, 50), late_p99_ms=percentile(late, 99), late_max_ms=max(late),
         drift_ms=(times[-1] - times[0] - (len(times) - 1) * period) * 1000, calls_per_s=len(times) / DURATION,
         cpu_pct=cpu_pct)

asyncio.run(main())
