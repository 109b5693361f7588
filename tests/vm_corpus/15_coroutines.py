# %% asyncio_run_simple
import asyncio
async def double(x):
    await asyncio.sleep(0)
    return x * 2
async def main():
    a = await double(2)
    b = await double(a)
    return a, b
result = asyncio.run(main())
# %% asyncio_gather_order
import asyncio
async def worker(name, delay_steps):
    for _ in range(delay_steps):
        await asyncio.sleep(0)
    print("done", name)
    return name
async def main():
    return await asyncio.gather(worker("slow", 3), worker("fast", 1), worker("mid", 2))
result = asyncio.run(main())
# %% coroutine_driven_by_hand
async def add(a, b):
    return a + b
coro = add(1, 2)
try:
    coro.send(None)
except StopIteration as stop:
    result = stop.value
# %% await_custom_awaitable
class Ready:
    def __init__(self, v): self.v = v
    def __await__(self):
        yield "suspend"
        return self.v
async def main():
    return await Ready(5) + 1
c = main()
print(c.send(None))
try:
    c.send(None)
except StopIteration as s:
    result = s.value
# %% await_non_awaitable
async def main():
    await 1
main().send(None)
# %% async_with
import asyncio
class Resource:
    async def __aenter__(self):
        print("open")
        return "res"
    async def __aexit__(self, et, ev, tb):
        print("close", et.__name__ if et else None)
        return True
async def main():
    async with Resource() as r:
        print("using", r)
    async with Resource():
        raise ValueError("suppressed")
    return "ok"
result = asyncio.run(main())
# %% async_for
import asyncio
class Ticker:
    def __init__(self, n): self.i, self.n = 0, n
    def __aiter__(self): return self
    async def __anext__(self):
        if self.i >= self.n:
            raise StopAsyncIteration
        self.i += 1
        await asyncio.sleep(0)
        return self.i
async def main():
    out = []
    async for t in Ticker(3):
        out.append(t)
    else:
        out.append("else")
    return out
result = asyncio.run(main())
# %% async_for_not_async_iterable
async def main():
    async for x in [1, 2]:
        pass
main().send(None)
# %% async_with_not_async_cm
async def main():
    async with open:
        pass
main().send(None)
# %% coroutine_exception_propagates
import asyncio
async def fail():
    await asyncio.sleep(0)
    raise KeyError("async failure")
async def main():
    try:
        await fail()
    except KeyError as e:
        print("caught", e)
        raise RuntimeError("rethrown") from e
asyncio.run(main())
# %% coroutine_throw_and_close
async def waiter():
    class Step:
        def __await__(self):
            yield
    try:
        await Step()
    except ValueError as e:
        return f"handled {e}"
c = waiter()
c.send(None)
try:
    c.throw(ValueError("x"))
except StopIteration as s:
    result = s.value
# %% reuse_awaited_coroutine
async def f():
    return 1
c = f()
try:
    c.send(None)
except StopIteration:
    pass
c.send(None)
# %% async_comprehension_over_async_iterator
import asyncio
class Agen:
    def __init__(self): self.i = 0
    def __aiter__(self): return self
    async def __anext__(self):
        self.i += 1
        if self.i > 4:
            raise StopAsyncIteration
        return self.i
async def main():
    return [x * x async for x in Agen() if x % 2 == 0]
result = asyncio.run(main())
# %% asyncio_tasks_and_cancel
import asyncio
async def forever():
    try:
        while True:
            await asyncio.sleep(0)
    except asyncio.CancelledError:
        print("cancelled cleanly")
        raise
async def main():
    t = asyncio.create_task(forever())
    await asyncio.sleep(0)
    t.cancel()
    try:
        await t
    except asyncio.CancelledError:
        return "main saw cancel"
result = asyncio.run(main())
# %% async_with_results_that_cannot_be_awaited
import asyncio
class BadEnter:
    def __aenter__(self): return 1
    async def __aexit__(self, *a): pass
class BadExit:
    async def __aenter__(self): return 1
    def __aexit__(self, *a): return [2]
async def main():
    for cm in (BadEnter(), BadExit()):
        try:
            async with cm:
                pass
        except TypeError as e:
            print(type(cm).__name__, e)
    try:
        await 5
    except TypeError as e:
        print("await", e)
asyncio.run(main())
