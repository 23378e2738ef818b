#!/usr/bin/env python3
"""The fleet store's cost per request: one shard at 2,000 requests a second against the mock, alone
(--max_requests_per_second 2000) and sharing (--fleet_rate 2000 --limits_store redis://…), in
interleaved rounds; CPU µs per request (user + system, from the kernel's accounting of the child) and
the store calls it made. Needs redis-server.
Usage: bench/fleet_store.py FANOUT WORKDIR [ROUNDS=3] [RECORDS=20000]"""
import json, os, resource, shutil, socket, statistics, subprocess, sys, time

fanout, work = sys.argv[1], sys.argv[2]
rounds = int(sys.argv[3]) if len(sys.argv) > 3 else 3
records = int(sys.argv[4]) if len(sys.argv) > 4 else 20000

def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]

def wait_for(port):
    for _ in range(200):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.1).close()
            return
        except OSError:
            time.sleep(0.05)
    sys.exit(f"nothing listens on {port}")

os.makedirs(work, exist_ok=True)
mock_port, redis_port = free_port(), free_port()
mock = subprocess.Popen([fanout, "mock-server", "--port", str(mock_port)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
redis = subprocess.Popen(["redis-server", "--port", str(redis_port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
wait_for(mock_port)
wait_for(redis_port)
inputs = os.path.join(work, "store-bench.jsonl")
with open(inputs, "w") as out:
    for i in range(records):
        out.write(json.dumps({"id": f"r{i}", "input": f"Summarise: the ocean (#{i})"}) + "\n")

def evalsha_calls():
    text = subprocess.run(["redis-cli", "-p", str(redis_port), "INFO", "commandstats"], capture_output=True, text=True).stdout
    for line in text.splitlines():
        if line.startswith("cmdstat_evalsha:"):
            return int(line.split("calls=")[1].split(",")[0])
    return 0

def one_run(sharing, index):
    save = os.path.join(work, f"store-bench-{index}.jsonl")
    for path in (save, save.replace(".jsonl", "_errors.jsonl")):
        if os.path.exists(path):
            os.remove(path)
    rate = ["--fleet_rate", "2000", "--limits_store", f"redis://127.0.0.1:{redis_port}", "--fleet", f"bench{index}"] if sharing \
        else ["--max_requests_per_second", "2000"]
    before_calls = evalsha_calls()
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.monotonic()
    subprocess.run([fanout, "--requests_filepath", inputs, "--save_filepath", save, "--endpoint", f"http://127.0.0.1:{mock_port}/v1",
                    "--no-tui", "--control", "none", "--restart"] + rate, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
    seconds = time.monotonic() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return cpu / records * 1e6, records / seconds, (evalsha_calls() - before_calls) / seconds

results = {False: [], True: []}
try:
    index = 0
    for _ in range(rounds):
        for sharing in (False, True):
            index += 1
            results[sharing].append(one_run(sharing, index))
finally:
    mock.terminate()
    redis.kill()

print(f"fleet store cost, {records} records at 2,000 req/s, {rounds} interleaved rounds (median)")
print(f"{'':10} {'CPU µs/req':>11} {'req/s':>9} {'store calls/s':>14}")
for sharing in (False, True):
    cpu = statistics.median(r[0] for r in results[sharing])
    rate = statistics.median(r[1] for r in results[sharing])
    calls = statistics.median(r[2] for r in results[sharing])
    print(f"{'sharing' if sharing else 'alone':10} {cpu:11.1f} {rate:9.0f} {calls:14.1f}")
alone = statistics.median(r[0] for r in results[False])
sharing = statistics.median(r[0] for r in results[True])
print(f"cost of the store: {(sharing / alone - 1) * 100:+.1f} % CPU per request (target < 5 %)")
