"""CPython 3.12 side of the differential conformance test (see run.ts).

Reads one JSON program per line on stdin ({"seed": n, "program": {...}}),
runs each under asyncio on a virtual clock, and writes one JSON line per
program: {"seed": n, "trace": [...]}.

The program format and the meaning of each op are described in generate.ts;
interp.ts is the taskloop twin of this file. Keep the two in step.

Deliberate differences (SPEC.md section 0 / README "From MicroPython / CPython
asyncio") are modelled here, each behind a MODEL flag (on by default), so that a
mismatch is a difference nobody documented:

  waitfor_timeout_wins  A waitFor whose timeout expired throws TimeoutError even
                        if the work swallowed the cancellation and returned, or
                        ended with another error during its cleanup (SPEC §0.1
                        and §3; MicroPython's asyncio_wait_for.py). CPython
                        returns the value (or raises the other error).
  gather_cancel_late    Cancelling the task in a gather: the cancellation
                        reaches gather when the gathering task runs, so
                        children already ready take their turn first; then
                        the unfinished children are cancelled and awaited
                        (README; MicroPython's asyncio_gather.py). CPython
                        cancels the children inside task.cancel().
  sync_done             A done callback added to an unfinished task runs as
                        the task finishes (README: MicroPython), so gather
                        hears of a child's end at once and its waiter resumes
                        one round earlier than in CPython (where the callback
                        itself is a call_soon). README documents the callback
                        timing, not gather's: an inference, see the report.

  waitfor_micropython   MicroPython's wait_for algorithm as taskloop implements
                        it (src/core/waitfor.ts; MicroPython's
                        asyncio_wait_for*.py and their .exp files are the
                        reference, SPEC §0.1): the work runs as its own task
                        beside a runner task, so its steps and results arrive
                        some rounds off CPython's inline await, and a waiter
                        cancelled from outside gives up at once, before the
                        work's cleanup has run.
  lock_cancel_removes   A Lock waiter cancelled before it ran is out of the
                        queue at once, so release() hands over to the next
                        waiter a round earlier (MicroPython's
                        asyncio_lock_cancel.py). CPython leaves the cancelled
                        future queued until its task runs.

Not differences, but orders CPython leaves unspecified, made definite the way
taskloop specifies them: equal deadlines fire in the order they were set
(SeqTimer; CPython's heap breaks ties arbitrarily), and an aborted TaskGroup
cancels its children in creation order (OrderedTaskGroup; CPython iterates a
set). A handler that swallows CancelledError calls uncancel(), as CPython's
docs ask, so that later timeouts and task groups are not confused by a stale
cancellation count (taskloop has no count).

Off by default, for triage (run.ts charges each mismatch to the first of these
that explains it; each makes the CPython side do what taskloop did when the
bug was found; both are fixed, so they explain nothing now):

  bug_gather_recancel   a task cancelled again before it resumes from gather:
                        gather neither cancels nor awaits its children.
  bug_tg_exit_no_wake   a task-group child failing while the group's task
                        waits in the exit does not wake that task.
"""
import asyncio
import collections.abc
import json
import sys

MODEL = {
    "waitfor_timeout_wins": True,
    "gather_cancel_late": True,
    "sync_done": True,
    "waitfor_micropython": True,
    "lock_cancel_removes": True,
    # triage only: bugs taskloop had (fixed), to tell a regression at once
    "bug_gather_recancel": False,
    "bug_tg_exit_no_wake": False,
}


class Deadlock(Exception):
    pass


class FakeSelector:
    """select(timeout) jumps the virtual clock instead of sleeping."""

    def __init__(self, loop):
        self.loop = loop

    def select(self, timeout):
        if timeout is None:
            raise Deadlock()
        if timeout > 0:
            self.loop._vt = grid(self.loop._vt + timeout)
        return []

    def close(self):
        pass


class SeqTimer(asyncio.TimerHandle):
    """Equal deadlines fire in the order they were set (SPEC §2 rule 3); CPython's
    heap leaves ties in no particular order."""

    __slots__ = ("_seq",)

    def __lt__(self, other):
        return (self._when, self._seq) < (other._when, other._seq)


def grid(t):
    # virtual instants on a 1 µs grid, so that 0.003 + 0.002 ties with 0.005
    return round(t * 1e6) / 1e6


class VirtualLoop(asyncio.BaseEventLoop):
    def __init__(self):
        super().__init__()
        self._vt = 0.0
        self._seq = 0
        self._selector = FakeSelector(self)

    def time(self):
        return self._vt

    def call_at(self, when, callback, *args, context=None):
        self._check_closed()
        timer = SeqTimer(grid(when), callback, args, self, context)
        self._seq += 1
        timer._seq = self._seq
        if timer._source_traceback:
            del timer._source_traceback[-1]
        import heapq
        heapq.heappush(self._scheduled, timer)
        timer._scheduled = True
        return timer

    def _process_events(self, event_list):
        pass

    def _write_to_self(self):
        pass


class Boom(Exception):
    pass


def fmt_err(e):
    if isinstance(e, asyncio.CancelledError):
        return "Cancelled"
    if isinstance(e, TimeoutError):
        return "Timeout"
    if isinstance(e, Boom):
        return "Boom(%s)" % e.args[0]
    if isinstance(e, BaseExceptionGroup):
        return "EG[" + ",".join(fmt_err(x) for x in e.exceptions) + "]"
    return type(e).__name__


def fmt_val(v):
    if isinstance(v, BaseException):
        return fmt_err(v)
    if isinstance(v, list):
        return "[" + ",".join(fmt_val(x) for x in v) + "]"
    return str(v)


class OrderedTasks(dict):
    """A set that iterates in insertion order (TaskGroup._tasks)."""

    def add(self, t):
        self[t] = None

    def discard(self, t):
        self.pop(t, None)


class OrderedTaskGroup(asyncio.TaskGroup):
    """CPython's TaskGroup keeps its children in a set, so a group that is aborted
    cancels them in hash order: no order at all. taskloop cancels them in the order
    they were created; so does this one (the only change)."""

    def __init__(self):
        super().__init__()
        self._tasks = OrderedTasks()

    def _on_task_done(self, task):
        if (MODEL["bug_tg_exit_no_wake"] and self._exiting and not self._aborting
                and not self._parent_cancel_requested and not task.cancelled()
                and task.exception() is not None and not self._parent_task.done()):
            # taskloop: a child failing while the group's task waits in the exit
            # cancels the other children but does not wake that task
            self._tasks.discard(task)
            if self._on_completed_fut is not None and not self._tasks and not self._on_completed_fut.done():
                self._on_completed_fut.set_result(True)
            self._errors.append(task.exception())
            self._abort()
            return
        super()._on_task_done(task)


def result_of(outcome):
    if outcome[0] == "ok":
        return outcome[1]
    e = outcome[1]
    raise asyncio.CancelledError() if isinstance(e, asyncio.CancelledError) else e


class Forward(asyncio.Future):
    """What `await task` parks on: as when CPython's Task waits on a task,
    cancelling the waiter passes the cancellation on to the task, and the
    waiter then sees how the task ends."""

    def __init__(self, loop, target):
        super().__init__(loop=loop)
        self.target = target

    def cancel(self, msg=None):
        return self.target.cancel(msg)


class ModelLock(asyncio.Lock):
    """asyncio.Lock; with lock_cancel_removes, a waiter cancelled before it ran no
    longer stands in the way: release() hands the lock to the first waiter that
    was not cancelled, as MicroPython (and taskloop) do. CPython wakes the next
    waiter only when the cancelled one runs, a round later."""

    def _wake_up_first(self):
        if not MODEL["lock_cancel_removes"]:
            return super()._wake_up_first()
        for fut in self._waiters or ():
            if fut.cancelled():
                continue
            if not fut.done():
                fut.set_result(True)
            return


class Hooked(collections.abc.Coroutine):
    """Drives an actor's coroutine for its task and tells Program.fire how the
    task ends, inside the task's last step (also when it is cancelled before it
    started, which a wrapping coroutine would not see)."""

    def __init__(self, prog, inner):
        self.prog = prog
        self.inner = inner
        self.task = None

    def send(self, value):
        return self._step(self.inner.send, value)

    def throw(self, typ, val=None, tb=None):
        return self._step(self.inner.throw, val if val is not None else typ)

    def close(self):
        self.inner.close()

    def __await__(self):
        return self

    def _step(self, f, arg):
        try:
            return f(arg)
        except StopIteration as stop:
            if self.task._must_cancel:
                # cancelled after its last suspension: CPython ends the task cancelled anyway
                self.prog.fire(self.task, ("err", asyncio.CancelledError()))
            else:
                self.prog.fire(self.task, ("ok", stop.value))
            raise
        except BaseException as e:
            self.prog.fire(self.task, ("err", e))
            raise


class Program:
    def __init__(self, prog):
        self.prog = prog
        self.trace = []
        self.closed = False
        self.tasks = {}  # label -> Task (spawned and top-level, creation order)
        self.order = []
        self.hooks = {}  # Task -> list of sync done hooks
        self.fired = set()
        self.events = [asyncio.Event() for _ in range(prog["events"])]
        self.locks = [ModelLock() for _ in range(prog["locks"])]
        self.sems = [asyncio.Semaphore(v) for v in prog["sems"]]
        self.queues = [asyncio.Queue(m) for m in prog["queues"]]
        self.loop = asyncio.get_running_loop()

    def log(self, label, text):
        if not self.closed:
            self.trace.append("%d %s %s" % (round(self.loop.time() * 1000), label, text))

    # --- tasks, with MicroPython's done callbacks that run as the task ends ---

    def make_task(self, actor, register):
        coro = Hooked(self, self.run_actor(actor))
        t = self.loop.create_task(coro, name=actor["label"])
        coro.task = t
        self.hooks[t] = []
        if register:
            self.tasks[actor["label"]] = t
            self.order.append(actor["label"])
        return t

    def fire(self, t, outcome):
        if t in self.fired:
            return
        self.fired.add(t)
        for h in self.hooks.get(t, []):
            h(outcome)

    def outcome(self, t):
        if t.cancelled():
            return ("err", asyncio.CancelledError())
        if t.exception() is not None:
            return ("err", t.exception())
        return ("ok", t.result())

    def on_done(self, t, cb):
        """cb(outcome) as the task ends (sync_done) or one call_soon later (CPython)."""
        if t in self.fired or t.done():
            if t.cancelled():
                outcome = ("err", asyncio.CancelledError())
            elif t.exception() is not None:
                outcome = ("err", t.exception())
            else:
                outcome = ("ok", t.result())
            self.loop.call_soon(cb, outcome)
        elif MODEL["sync_done"]:
            self.hooks[t].append(cb)
        else:
            def adapter(task):
                if task.cancelled():
                    cb(("err", asyncio.CancelledError()))
                elif task.exception() is not None:
                    cb(("err", task.exception()))
                else:
                    cb(("ok", task.result()))
            t.add_done_callback(adapter)

    # --- ops ---

    async def run_actor(self, actor):
        label = actor["label"]
        try:
            await self.run_ops(label, actor["ops"])
        except BaseException as e:
            self.log(label, "end !" + fmt_err(e))
            raise
        self.log(label, "end")
        return label + ".r"

    async def run_ops(self, label, ops):
        for op in ops:
            await self.run_op(label, op)

    async def item(self, it):
        """A gather/shield argument: a task already made, or work as a new task."""
        if "t" in it:
            return self.tasks.get(it["t"])
        return self.make_task(it["a"], False)

    async def run_op(self, label, op):
        o = op["o"]
        if o == "sleep":
            await asyncio.sleep(op["ms"] / 1000)
            self.log(label, "slept %s" % op["ms"])
        elif o == "yield":
            await asyncio.sleep(0)
            self.log(label, "yielded")
        elif o == "evwait":
            await self.events[op["i"]].wait()
            self.log(label, "ev%d woke" % op["i"])
        elif o == "evset":
            self.events[op["i"]].set()
            self.log(label, "ev%d set" % op["i"])
        elif o == "evclear":
            self.events[op["i"]].clear()
            self.log(label, "ev%d clear" % op["i"])
        elif o in ("lock", "sem"):
            prim = (self.locks if o == "lock" else self.sems)[op["i"]]
            async with prim:
                self.log(label, "%s%d got" % (o, op["i"]))
                await asyncio.sleep(op["ms"] / 1000)
            self.log(label, "%s%d rel" % (o, op["i"]))
        elif o == "put":
            await self.queues[op["i"]].put(op["v"])
            self.log(label, "put q%d %s" % (op["i"], op["v"]))
        elif o == "get":
            v = await self.queues[op["i"]].get()
            self.log(label, "got q%d %s" % (op["i"], v))
        elif o == "spawn":
            self.make_task(op["a"], True)
            self.log(label, "spawn " + op["a"]["label"])
        elif o == "await":
            t = self.tasks.get(op["t"])
            if t is None:
                self.log(label, "await %s none" % op["t"])
                return
            v = await self.await_task(t)
            self.log(label, "await %s = %s" % (op["t"], fmt_val(v)))
        elif o == "cancel":
            name = label.split(".")[0] if op["t"] == "self" else op["t"]
            t = asyncio.current_task() if op["t"] == "self" else self.tasks.get(op["t"])
            if t is None:
                self.log(label, "cancel %s none" % name)
                return
            r = t.cancel()
            self.log(label, "cancel %s %s" % (op["t"], "true" if r else "false"))
        elif o == "waitfor":
            v = await self.wait_for(op["a"], op["ms"])
            self.log(label, "wf %s = %s" % (op["a"]["label"], fmt_val(v)))
        elif o == "gather":
            children = []
            for it in op["items"]:
                t = await self.item(it)
                if t is not None and t not in children:
                    children.append(t)
            v = await self.gather(children, op["rx"])
            self.log(label, "gather = %s" % fmt_val(v))
        elif o == "shield":
            t = await self.item(op["item"])
            if t is None:
                self.log(label, "shield none")
                return
            v = await self.shield(t)
            self.log(label, "shield = %s" % fmt_val(v))
        elif o == "tg":
            async with OrderedTaskGroup() as tg:
                for kid in op["kids"]:
                    tg.create_task(self.run_actor(kid), name=kid["label"])
                await self.run_ops(label, op["body"])
            self.log(label, "tg end")
        elif o == "try":
            try:
                await self.run_ops(label, op["body"])
            except asyncio.CancelledError as e:
                if op["catch"] not in ("cancel", "any"):
                    raise
                self.log(label, "caught " + fmt_err(e))
                # a handler that carries on ends the cancellation (asyncio.timeout and
                # TaskGroup count uncancelled requests; taskloop has no such count)
                asyncio.current_task().uncancel()
            except Exception as e:
                if op["catch"] != "any":
                    raise
                self.log(label, "caught " + fmt_err(e))
            finally:
                if op["fin"] is not None:
                    self.log(label, "fin")
                    await self.run_ops(label, op["fin"])
        elif o == "raise":
            self.log(label, "raise " + op["msg"])
            raise Boom(op["msg"])
        else:
            raise ValueError(o)

    # `await task` and shield(task) hear of the task's end through the same list of
    # hooks as gather, so that all of them are served in the order they registered
    # (taskloop: "a finished task serves done callbacks and awaiters in
    # registration order"), as CPython's one callback list does.

    async def await_task(self, t):
        if t in self.fired or t.done():
            return result_of(self.outcome(t))
        fw = Forward(self.loop, t)
        self.hooks[t].append(lambda outcome: fw.done() or fw.set_result(outcome))
        return result_of(await fw)

    async def shield(self, t):
        """asyncio.shield(t): the inner task's end reaches the outer future one
        call_soon later, and the outer's end its waiter one more."""
        if t in self.fired or t.done():
            return result_of(self.outcome(t))
        outer = self.loop.create_future()

        def inner_done(outcome):
            if not outer.done():
                outer.set_result(outcome)

        def hook(outcome):
            self.loop.call_soon(inner_done, outcome)

        self.hooks[t].append(hook)
        try:
            outcome = await outer
        except asyncio.CancelledError:
            if hook in self.hooks[t]:
                self.hooks[t].remove(hook)
            raise
        return result_of(outcome)

    async def wait_for(self, actor, ms):
        if MODEL["waitfor_micropython"]:
            return await self.wait_for_mp(actor, ms)
        coro = self.run_actor(actor)
        if ms <= 0:
            return await asyncio.wait_for(coro, 0)
        cm = asyncio.timeout(ms / 1000)
        try:
            async with cm:
                v = await coro
        except BaseException as e:
            if MODEL["waitfor_timeout_wins"] and cm.expired() and not isinstance(e, (asyncio.CancelledError, TimeoutError)):
                raise TimeoutError() from e
            raise
        if MODEL["waitfor_timeout_wins"] and cm.expired():
            raise TimeoutError()
        return v

    async def wait_for_mp(self, actor, ms):
        """The algorithm of MicroPython's wait_for, as taskloop's waitFor documents it
        (src/core/waitfor.ts): the work runs as its own task, a runner task awaits it
        while the waiter sleeps; the runner wakes the waiter with the outcome, or the
        timeout cancels the runner, waits for the work's cleanup and throws
        TimeoutError; a waiter cancelled from outside cancels the runner and gives up
        at once."""
        loop = self.loop
        waiter = asyncio.current_task()
        task = self.make_task(actor, False)
        if ms <= 0:
            if task.done():
                return task.result()
            task.cancel()
            return await self.time_out(task)
        st = {"handed": None, "sleeping": True, "runner_started": False}
        sleep_fut = loop.create_future()

        async def runner():
            st["runner_started"] = True
            try:
                result = ("ok", await task)
            except BaseException as e:
                result = ("err", e)
            if st["sleeping"] and not sleep_fut.done():
                st["handed"] = result
                waiter.cancel()

        runner_task = loop.create_task(runner())

        def cancel_runner():
            runner_task.cancel()
            if not st["runner_started"]:
                task.cancel()

        h = loop.call_later(ms / 1000, lambda: sleep_fut.done() or sleep_fut.set_result(None))
        c0 = waiter.cancelling() - (1 if waiter._must_cancel else 0)
        try:
            await sleep_fut
        except asyncio.CancelledError:
            h.cancel()
            st["sleeping"] = False
            settled = st["handed"]
            if settled is None or waiter.cancelling() - c0 != 1:
                cancel_runner()
                raise
            waiter.uncancel()
            if settled[0] == "ok":
                return settled[1]
            raise settled[1]
        st["sleeping"] = False
        cancel_runner()
        return await self.time_out(runner_task)

    async def time_out(self, t):
        """Wait for the cancelled t to end, then TimeoutError; a cancellation of the
        waiter meanwhile is passed on to t and wins."""
        me = asyncio.current_task()
        c0 = me.cancelling() - (1 if me._must_cancel else 0)
        try:
            await t
        except BaseException:
            pass
        if me.cancelling() > c0:
            raise asyncio.CancelledError()
        raise TimeoutError()

    async def gather(self, children, rx):
        """asyncio.gather's algorithm with the modelled differences."""
        if not MODEL["gather_cancel_late"] and not MODEL["sync_done"]:
            return await asyncio.gather(*children, return_exceptions=rx)
        n = len(children)
        if n == 0:
            return []
        outer = self.loop.create_future()
        outcomes = {}
        # one done callback per child, as CPython's gather: it serves the first wait
        # (outer) and, once the gatherer is cancelled, the wait for the cleanup (rest)
        box = {"rest": None}

        def cb_for(i):
            def cb(outcome):
                outcomes[i] = outcome
                rest = box["rest"]
                if rest is not None:
                    if len(outcomes) == n and not rest.done():
                        rest.set_result(None)
                    return
                if outer.done():
                    return
                if not rx and outcome[0] == "err":
                    outer.set_exception(outcome[1])
                    return
                if len(outcomes) == n:
                    outer.set_result(None)
            return cb

        # CPython 3.12's gather serves children that have already finished at once
        # (_done_callback(fut) without call_soon): with all of them done, or one failed
        # without return_exceptions, it returns or raises without suspending.
        if True:
            for i, c in enumerate(children):
                if c in self.fired or c.done():
                    outcomes[i] = self.outcome(c)
            failed = [o for o in outcomes.values() if o[0] == "err"]
            if len(outcomes) == n or (failed and not rx):
                if failed and not rx:
                    raise failed[0][1]
                return [outcomes[i][1] for i in range(n)]
            outcomes.clear()
        for i, c in enumerate(children):
            self.on_done(c, cb_for(i))
        me = asyncio.current_task()
        c0 = me.cancelling() - (1 if me._must_cancel else 0)
        try:
            await outer
        except asyncio.CancelledError:
            if not outer.cancelled():
                raise  # a child's cancellation, thrown as the first error
            if MODEL["bug_gather_recancel"] and me.cancelling() - c0 >= 2:
                raise  # taskloop: cancelled again before it ran, gather forgets its children
            pending = [i for i in range(n) if i not in outcomes]
            any_cancelled = False
            for i in pending:
                if children[i].cancel():
                    any_cancelled = True
            if not any_cancelled:
                raise
            while len(outcomes) < n:
                box["rest"] = self.loop.create_future()
                c1 = me.cancelling()
                try:
                    await box["rest"]
                except asyncio.CancelledError:
                    if MODEL["bug_gather_recancel"] and me.cancelling() - c1 >= 2:
                        raise
                    # cancelled again while it waits for its children: cancel them again
                    # and keep waiting (CPython's _GatheringFuture.cancel does the same)
                    for i in pending:
                        if i not in outcomes:
                            children[i].cancel()
            raise
        return [outcomes[i][1] for i in range(n)]



async def main(prog):
    p = Program(prog)
    for actor in prog["tasks"]:
        p.make_task(actor, True)
    p.log("main", "started")
    await asyncio.sleep(prog["endMs"] / 1000)
    for r in range(20):
        pending = [name for name in p.order if not p.tasks[name].done()]
        if not pending:
            break
        p.log("main", "cancel " + " ".join(pending))
        for name in pending:
            p.tasks[name].cancel()
        await asyncio.sleep(1)
    for name in p.order:
        t = p.tasks[name]
        if not t.done():
            s = "pending"
        elif t.cancelled():
            s = "cancelled"
        elif t.exception() is not None:
            s = "!" + fmt_err(t.exception())
        else:
            s = "= " + fmt_val(t.result())
        p.log("main", "%s %s" % (name, s))
    p.closed = True
    return p.trace


def run_program(prog):
    loop = VirtualLoop()
    loop.set_exception_handler(lambda loop, ctx: None)
    asyncio.set_event_loop(loop)
    try:
        task = loop.create_task(main(prog))
        try:
            trace = loop.run_until_complete(task)
        except Deadlock:
            return ["DEADLOCK"]
        except BaseException as e:
            return ["HARNESS ERROR " + repr(e)]
        # as asyncio.run: cancel what is left, wait for it
        rest = [t for t in asyncio.all_tasks(loop) if not t.done()]
        for t in rest:
            t.cancel()
        if rest:
            try:
                loop.run_until_complete(asyncio.gather(*rest, return_exceptions=True))
            except Deadlock:
                trace = trace + ["SHUTDOWN DEADLOCK"]
        return trace
    finally:
        asyncio.set_event_loop(None)
        loop.close()


def main_cli():
    for arg in sys.argv[1:]:
        if arg.startswith("--model="):
            for kv in arg[len("--model="):].split(","):
                if not kv:
                    continue
                k, _, v = kv.partition(":")
                if k not in MODEL:
                    raise SystemExit("unknown model flag " + k)
                MODEL[k] = v != "off"
    # coroutines left pending when a loop closes complain as they are collected
    sys.unraisablehook = lambda unraisable: None
    out = sys.stdout
    for line in sys.stdin:
        line = line.strip()
        if not line:
            continue
        req = json.loads(line)
        trace = run_program(req["program"])
        out.write(json.dumps({"seed": req["seed"], "trace": trace}) + "\n")
        if req.get("flush"):
            out.flush()
    out.flush()


if __name__ == "__main__":
    main_cli()
