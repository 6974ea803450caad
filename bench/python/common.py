"""Shared helpers for the CPython asyncio columns: each script prints one JSON object."""
import json
import sys
import time

QUICK = "--quick" in sys.argv
now = time.perf_counter


def emit(**metrics):
    print(json.dumps(metrics))


def percentile(xs, p):
    s = sorted(xs)
    if not s:
        return float("nan")
    pos = (len(s) - 1) * p / 100
    lo, hi = int(pos), min(int(pos) + 1, len(s) - 1)
    return s[lo] + (s[hi] - s[lo]) * (pos - lo)
