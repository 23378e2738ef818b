-- wrk: POST a small chat completion body, as fanout and the aiohttp client do.
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = '{"model":"bench","messages":[{"role":"user","content":"Summarise in two sentences: the ocean (#1)"}],"max_tokens":120}'
