"""The peer: a plain asyncio + aiohttp client doing fanout's job (read JSONL, POST, parse, write JSONL)."""
import asyncio
import json
import sys

import aiohttp


async def main(requests_path, save_path, url, concurrency):
    queue = asyncio.Queue(maxsize=concurrency * 2)
    connector = aiohttp.TCPConnector(limit=concurrency)
    async with aiohttp.ClientSession(connector=connector) as session:
        with open(save_path, "w") as out:
            async def worker():
                while (item := await queue.get()) is not None:
                    number, line = item
                    record = json.loads(line)
                    body = {"model": "bench", "messages": [{"role": "user", "content": record["input"]}], "max_tokens": 120}
                    async with session.post(url, json=body) as response:
                        answer = await response.json(content_type=None)
                    text = answer["choices"][0]["message"]["content"]
                    out.write(json.dumps({"id": str(number), "input": record["input"], "response": text}) + "\n")

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
