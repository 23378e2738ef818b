#!/usr/bin/env python3
"""bench/run's adaptive-concurrency scenario: `--max_in_flight auto` beside a sweep of fixed caps.

Three `fanout mock-server` GPU stand-ins of capacity 16, 32 and 64 (each answer holds a place for
100 ms plus its tokens at 100 tokens/s; the rest queue), `--max_requests_per_second 0`:

  * unloaded latency: one request per server at a time;
  * a sweep of fixed `--max_in_flight` values, best throughput kept;
  * auto for 60 s: throughput over its last 20 s against the best of the sweep, and the median
    latency of the answers in that span against the unloaded one;
  * auto again, the 64 server halved to 32 at 30 s: throughput 20-30 s after the change against
    the best of a sweep on the halved servers, and the share of records that failed.

Usage: adaptive.py FANOUT WORKDIR SCALE   (SCALE 10 for --quick: shorter runs)
Prints a small table; exits non-zero if a run fails to start.
"""
import json
import os
import statistics
import subprocess
import sys
import time
import urllib.request

FANOUT, WORK, SCALE = sys.argv[1], sys.argv[2], int(sys.argv[3])
PORTS = [18490, 18491, 18492]
CAPACITIES = [16, 32, 64]
QUICK = SCALE > 1


def post(port, path, body=None):
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(f"http://127.0.0.1:{port}{path}", data=data, method="POST" if data else "GET",
                                     headers={"content-type": "application/json"})
    with urllib.request.urlopen(request, timeout=5) as response:
        return json.loads(response.read())


def arrivals():
    return sum(post(port, "/mock/stats")["arrivals"] for port in PORTS)


def set_capacities(capacities):
    for port, capacity in zip(PORTS, capacities):
        post(port, "/mock/capacity", {"capacity": capacity})


def write_input(path, count):
    with open(path, "w") as out:
        for index in range(1, count + 1):
            out.write(json.dumps({"input": f"Summarise in two sentences: the ocean (#{index})"}) + "\n")


def fanout(input_path, in_flight, seconds_limit=None, during=None, caps=None):
    """Runs fanout headless; returns (saved lines, failed lines, wall seconds). `caps`: per-endpoint
    max_in_flight through an endpoints file."""
    save, errors = f"{WORK}/adaptive-out.jsonl", f"{WORK}/adaptive-errors.jsonl"
    for path in (save, errors, save + ".fanout.json", errors + ".fanout.json"):
        if os.path.exists(path):
            os.remove(path)
    command = [FANOUT, "--requests_filepath", input_path, "--save_filepath", save, "--errors_filepath", errors,
               "--max_requests_per_second", "0", "--max_in_flight", str(in_flight), "--no-tui", "--restart"]
    if caps:
        endpoints = f"{WORK}/adaptive-endpoints.json"
        with open(endpoints, "w") as out:
            json.dump([{"url": f"http://127.0.0.1:{port}/v1", "max_in_flight": cap} for port, cap in zip(PORTS, caps)], out)
        command += ["--endpoints", endpoints]
    else:
        for port in PORTS:
            command += ["--endpoint", f"http://127.0.0.1:{port}/v1"]
    started = time.monotonic()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    if during:
        during(started, process)
    if seconds_limit:
        try:
            process.wait(timeout=seconds_limit)
        except subprocess.TimeoutExpired:
            process.send_signal(2)
            process.wait()
    else:
        process.wait()
    wall = time.monotonic() - started
    saved = [json.loads(line) for line in open(save)] if os.path.exists(save) else []
    failed = sum(1 for _ in open(errors)) if os.path.exists(errors) else 0
    return saved, failed, wall


def sweep(values, records):
    path = f"{WORK}/adaptive-sweep.jsonl"
    write_input(path, records)
    best = (0.0, None)
    for value in values:
        saved, _, wall = fanout(path, value)
        rate = len(saved) / wall
        best = max(best, (rate, value))
    return best


def hand_tuned(caps, records):
    """Per-endpoint caps set to each server's capacity: what a user who knew them would set."""
    path = f"{WORK}/adaptive-sweep.jsonl"
    write_input(path, records)
    saved, _, wall = fanout(path, 1024, caps=caps)
    return len(saved) / wall


def watch(marks, changes=()):
    """A `during` callback: samples the servers' arrivals at the given seconds; applies capacity changes."""
    samples = {}

    def during(started, process):
        pending = sorted([(t, "mark") for t in marks] + [(t, "change", c) for t, c in changes])
        for entry in pending:
            delay = started + entry[0] - time.monotonic()
            if delay > 0:
                time.sleep(delay)
            if process.poll() is not None:
                break
            if entry[1] == "mark":
                samples[entry[0]] = (time.monotonic() - started, arrivals())
            else:
                set_capacities(entry[2])
    return during, samples


def rate_between(samples, first, last):
    (t0, a0), (t1, a1) = samples[first], samples[last]
    return (a1 - a0) / (t1 - t0)


def main():
    servers = []
    for port, capacity in zip(PORTS, CAPACITIES):
        servers.append(subprocess.Popen([FANOUT, "mock-server", "--port", str(port), "--capacity", str(capacity),
                                         "--latency", "100ms", "--tokens_per_second", "100"],
                                        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
    try:
        for _ in range(100):
            try:
                arrivals()
                break
            except OSError:
                time.sleep(0.1)
        duration = 20 if QUICK else 60
        unloaded_path = f"{WORK}/adaptive-unloaded.jsonl"
        write_input(unloaded_path, 150)
        saved, _, _ = fanout(unloaded_path, 3)
        unloaded = statistics.median(line["latency_ms"] for line in saved)

        capacity_rate = sum(CAPACITIES) / (unloaded / 1000)
        best_rate, best_value = sweep([28, 56, 112, 168, 224, 336], int(capacity_rate * (4 if QUICK else 12)))
        tuned_rate = hand_tuned(CAPACITIES, int(capacity_rate * (4 if QUICK else 12)))

        path = f"{WORK}/adaptive-auto.jsonl"
        write_input(path, int(capacity_rate * duration * 2))
        during, samples = watch([duration - 20, duration])
        saved, failed, _ = fanout(path, "auto", seconds_limit=duration, during=during)
        auto_rate = rate_between(samples, duration - 20, duration)
        # Answers are written as they finish: the last ones written finished in the last span.
        span = [line["latency_ms"] for line in saved[-int(auto_rate * 20):]]
        auto_median = statistics.median(span) if span else float("nan")

        halved = [16, 32, 32]
        set_capacities(halved)
        new_best_rate, new_best_value = sweep([40, 80, 120, 160, 240], int(80 / (unloaded / 1000) * (4 if QUICK else 12)))
        set_capacities(CAPACITIES)
        change = 15 if QUICK else 30
        during, samples = watch([change + 20, change + 30], changes=[(change, halved)])
        saved, failed, _ = fanout(path, "auto", seconds_limit=change + 31, during=during)
        after_rate = rate_between(samples, change + 20, change + 30)
        error_share = failed / max(1, failed + len(saved))
    finally:
        for server in servers:
            server.terminate()
            server.wait()

    print(f"adaptive concurrency: three mock servers of capacity 16, 32, 64 ({unloaded:.0f} ms unloaded), rate unlimited")
    print(f"  best fixed --max_in_flight of a sweep:  {best_value:>4}  {best_rate:8,.0f} req/s  "
          f"(equal weights send equal shares to unequal servers)")
    print(f"  per-endpoint max_in_flight 16/32/64:        {tuned_rate:8,.0f} req/s  (set by hand to the capacities)")
    print(f"  --max_in_flight auto, {duration - 20}-{duration} s:           {auto_rate:8,.0f} req/s  "
          f"= {auto_rate / best_rate:.2f} × best fixed (target ≥ 0.90), {auto_rate / tuned_rate:.2f} × by hand; median latency {auto_median:.0f} ms "
          f"= {auto_median / unloaded:.2f} × unloaded (target ≤ 1.30)")
    print(f"  capacity 64 → 32 at {change} s: best fixed after: {new_best_value:>4}  {new_best_rate:8,.0f} req/s; "
          f"auto {change + 20}-{change + 30} s: {after_rate:,.0f} req/s = {after_rate / new_best_rate:.2f} × (target ≥ 0.90); "
          f"failed {error_share * 100:.2f} % (target < 1 %)")


main()
