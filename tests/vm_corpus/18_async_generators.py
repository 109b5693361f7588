# %% async_generator_with_async_for
import asyncio
async def ticks(n):
    for i in range(n):
        await asyncio.sleep(0)
        yield i * 10
async def main():
    return [t async for t in ticks(3)]
result = asyncio.run(main())
# %% async_generator_asend_and_return
import asyncio
async def echo():
    received = []
    while True:
        v = yield len(received)
        if v is None:
            return
        received.append(v)
async def main():
    g = echo()
    out = [await g.__anext__(), await g.asend("a"), await g.asend("b")]
    try:
        await g.asend(None)
    except StopAsyncIteration:
        out.append("stopped")
    return out
result = asyncio.run(main())
# %% async_generator_athrow_and_aclose
import asyncio
async def gen():
    try:
        yield 1
        yield 2
    except ValueError as e:
        yield f"caught {e}"
    finally:
        print("gen finally")
async def main():
    g = gen()
    first = await g.__anext__()
    handled = await g.athrow(ValueError("bad"))
    await g.aclose()
    return first, handled
result = asyncio.run(main())
# %% async_generator_break_early_closed_by_asyncio
import asyncio
async def numbers():
    try:
        for i in range(100):
            yield i
    finally:
        print("numbers cleaned up")
async def main():
    async for n in numbers():
        if n == 2:
            break
    await asyncio.sleep(0)
    return n
result = asyncio.run(main())
# %% async_generator_raises_stopasynciteration
import asyncio
async def bad():
    yield 1
    raise StopAsyncIteration
async def main():
    return [x async for x in bad()]
asyncio.run(main())
# %% async_generator_ignores_generatorexit
import asyncio
async def stubborn():
    try:
        yield 1
    except GeneratorExit:
        yield 2
async def main():
    g = stubborn()
    await g.__anext__()
    try:
        await g.aclose()
    except RuntimeError as e:
        return str(e)
result = asyncio.run(main())
