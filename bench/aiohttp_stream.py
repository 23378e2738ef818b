"""The streaming peer: asyncio + aiohttp reading SSE the way vLLM's benchmark client does (per-chunk
timestamps for TTFT and ITL, json.loads per chunk), writing one JSON line per answer."""
import asyncio
import json
import sys
import time

import aiohttp


async def main(requests_path, save_path, url, concurrency):
    queue = asyncio.Queue(maxsize=concurrency * 2)
    connector = aiohttp.TCPConnector(limit=concurrency)
    timeout = aiohttp.ClientTimeout(total=600)
    async with aiohttp.ClientSession(connector=connector, timeout=timeout) as session:
        with open(save_path, "w") as out:
            async def worker():
                while (item := await queue.get()) is not None:
                    number, line = item
                    record = json.loads(line)
                    body = {"model": "bench", "messages": [{"role": "user", "content": record["input"]}], "max_tokens": 120,
                            "stream": True, "stream_options": {"include_usage": True}}
                    start = time.perf_counter()
                    ttft, last, itl, text, usage = None, start, [], [], None
                    async with session.post(url, json=body) as response:
                        async for chunk_bytes in response.content:
                            chunk_bytes = chunk_bytes.strip()
                            if not chunk_bytes:
                                continue
                            chunk = chunk_bytes.decode("utf-8").removeprefix("data: ")
                            if chunk == "[DONE]":
                                continue
                            data = json.loads(chunk)
                            now = time.perf_counter()
                            if data.get("usage"):
                                usage = data["usage"]
                            if choices := data.get("choices"):
                                content = choices[0]["delta"].get("content")
                                if content:
                                    if ttft is None:
                                        ttft = now - start
                                    else:
                                        itl.append(now - last)
                                    last = now
                                    text.append(content)
                    out.write(json.dumps({"id": str(number), "input": record["input"], "response": "".join(text), "usage": usage,
                                          "ttft_ms": (ttft or 0) * 1000, "itl_ms": [gap * 1000 for gap in itl]}) + "\n")

            workers = [asyncio.create_task(worker()) for _ in range(concurrency)]
            with open(requests_path) as lines:
                for number, line in enumerate(lines, 1):
                    if line.strip():
                        await queue.put((number, line))
            for _ in workers:
                await queue.put(None)
            await asyncio.gather(*workers)


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])))
