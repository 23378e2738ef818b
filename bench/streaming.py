"""bench/run scenario 7: streamed answers. fanout --stream against fanout's own mock server (first token
after 200 ms, then 64 tokens 10 ms apart, 2,000 in flight), beside the same run with the dashboard and
a Python aiohttp client that parses the stream as vLLM's benchmark client does; then TTFT accuracy at
200 in flight, matched per answer by x-request-id against the time the mock wrote its first token.
Usage: streaming.py FANOUT WORKDIR SCALE PYTHON_WITH_AIOHTTP
FANOUT_MOCK_BIN=path serves the mock from that binary (an A/B of an older fanout keeps one mock)."""
import json
import os
import subprocess
import sys
import time
import urllib.request

fanout, work, scale, python = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
IN_FLIGHT, TTFT, TOKENS, GAP = 2000, 0.2, 64, 0.01
CEILING = IN_FLIGHT / (TTFT + (TOKENS - 1) * GAP)
count = 12000 // scale


def prompts(n, path):
    with open(path, "w") as out:
        for i in range(1, n + 1):
            out.write(json.dumps({"input": f"Write a haiku about the sea (#{i})"}) + "\n")


def mock(port, api="openai"):
    process = subprocess.Popen([os.environ.get("FANOUT_MOCK_BIN") or fanout, "mock-server", "--port", str(port), "--ttft", "200ms", "--tokens_per_second", "100",
                                "--output_tokens", str(TOKENS), "--api", api], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    process.stdout.readline()
    return process


def cpu(pid):
    """User + system CPU seconds of a running process."""
    fields = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def timed(command, server):
    """Runs command under GNU time: (wall, client CPU, mock CPU)."""
    before = cpu(server.pid)
    subprocess.run(["/usr/bin/time", "-f", "%e %U %S", "-o", f"{work}/st"] + command,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
    wall, user, system = map(float, open(f"{work}/st").read().split())
    return wall, user + system, cpu(server.pid) - before


def fanout_args(port, inflight, save, api=""):
    return ["--requests_filepath", f"{work}/stream.jsonl", "--save_filepath", save, "--errors_filepath", f"{work}/stream-errors.jsonl",
            "--endpoint", f"{api}http://127.0.0.1:{port}/v1", "--stream", "--max_in_flight", str(inflight),
            "--max_requests_per_second", "0", "--restart"]


def lines(path):
    return sum(1 for _ in open(path))


prompts(count, f"{work}/stream.jsonl")
server = mock(18495)
rows = []
try:
    save = f"{work}/stream-out.jsonl"
    wall, client, server_cpu = timed([fanout] + fanout_args(18495, IN_FLIGHT, save) + ["--no-tui"], server)
    rows.append(("fanout", lines(save), wall, client, server_cpu))
    script = f"{work}/tui.sh"
    with open(script, "w") as out:
        out.write(" ".join([fanout] + fanout_args(18495, IN_FLIGHT, save) + ["--tui", "--exit-when-done"]) + "\n")
    if os.path.exists(f"{work}/st.tui"):
        os.remove(f"{work}/st.tui")
    before = cpu(server.pid)
    subprocess.run(["tmux", "-L", "fanout-bench", "new-session", "-d", "-s", "stream", "-x", "120", "-y", "40",
                    f"/usr/bin/time -f '%e %U %S' -o {work}/st.part sh {script}; mv {work}/st.part {work}/st.tui"], check=True)
    while not os.path.exists(f"{work}/st.tui"):
        time.sleep(0.2)
    subprocess.run(["tmux", "-L", "fanout-bench", "kill-server"], stderr=subprocess.DEVNULL)
    wall, user, system = map(float, open(f"{work}/st.tui").read().split())
    rows.append(("fanout (dashboard)", lines(save), wall, user + system, cpu(server.pid) - before))
    aio = f"{work}/stream-aio.jsonl"
    wall, client, server_cpu = timed([python, f"{root}/bench/aiohttp_stream.py", f"{work}/stream.jsonl", aio,
                                      "http://127.0.0.1:18495/v1/chat/completions", str(IN_FLIGHT)], server)
    rows.append(("aiohttp", lines(aio), wall, client, server_cpu))
finally:
    server.terminate()
    server.wait()

# The same workload against the mock speaking Anthropic's Messages API (the prompts translated).
server = mock(18497, "anthropic")
try:
    save = f"{work}/stream-anthropic.jsonl"
    wall, client, server_cpu = timed([fanout] + fanout_args(18497, IN_FLIGHT, save, "anthropic:") + ["--no-tui", "--model", "claude-haiku-4-5"], server)
    rows.append(("fanout (anthropic)", lines(save), wall, client, server_cpu))
except subprocess.CalledProcessError:
    # A build from before Anthropic endpoints (an A/B against an older fanout) refuses anthropic:URL.
    print("fanout (anthropic): this build refused the run (no Anthropic endpoints?); row left out", file=sys.stderr)
finally:
    server.terminate()
    server.wait()

# TTFT accuracy: a fresh mock, 200 in flight.
accuracy_count = 4000 // scale
prompts(accuracy_count, f"{work}/stream.jsonl")
server = mock(18496)
try:
    save = f"{work}/ttft-out.jsonl"
    subprocess.run([fanout] + fanout_args(18496, 200, save) + ["--no-tui"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
    trace = {}
    with urllib.request.urlopen("http://127.0.0.1:18496/mock/trace") as response:
        for line in response.read().decode().splitlines():
            entry = json.loads(line)
            trace[entry["request_id"]] = entry
finally:
    server.terminate()
    server.wait()
first_wave = {entry["request_id"] for entry in sorted(trace.values(), key=lambda e: e["received_ms"])[:200]}
all_diffs, later = [], []
for line in open(save):
    record = json.loads(line)
    entry = trace.get(record.get("request_id"))
    if entry is None or "ttft_ms" not in record:
        continue
    difference = abs(record["ttft_ms"] - entry["ttft_ms"])
    all_diffs.append(difference)
    if record["request_id"] not in first_wave:
        later.append(difference)


def quantile(values, q):
    values = sorted(values)
    return values[min(len(values) - 1, int(len(values) * q))] if values else float("nan")


rate = {name: answers / wall for name, answers, wall, _, _ in rows}
print(f"streaming: {IN_FLIGHT:,} in flight, first token after {TTFT * 1000:.0f} ms, then {TOKENS} tokens {GAP * 1000:.0f} ms apart "
      f"(ceiling {CEILING:,.0f} answers/s); fanout's mock server, {os.cpu_count()} cores shared by client and mock")
print(f"{'client':<20} {'answers':>8} {'answers/s':>10} {'÷ ceiling':>10} {'÷ aiohttp':>10} {'client CPU s':>13} {'µs/token':>9} {'mock CPU s':>11}")
for name, answers, wall, client, server_cpu in rows:
    r = rate[name]
    versus = f"{r / rate['aiohttp']:.1f}×" if name != "aiohttp" else ""
    print(f"{name:<20} {answers:>8,} {r:>10,.0f} {r / CEILING:>10.2f} {versus:>10} {client:>13.1f} {client / answers / TOKENS * 1e6:>9.1f} {server_cpu:>11.1f}")
per_token = {name: client / answers / TOKENS * 1e6 for name, answers, _, client, _ in rows if answers}
if "fanout (anthropic)" in per_token:
    a, o = per_token["fanout (anthropic)"], per_token["fanout"]
    print(f"Anthropic stream vs OpenAI stream, client CPU per token: {a:.1f} vs {o:.1f} µs ({(a - o) / o * 100:+.1f} %; target within 10 %)")
tui, plain = rate["fanout (dashboard)"], rate["fanout"]
print(f"dashboard on vs off: {tui:,.0f} vs {plain:,.0f} answers/s ({(tui - plain) / plain * 100:+.1f} %; target within 5 %)")
busy = sum(r[3] + r[4] for r in rows[:1]) / rows[0][2]
print(f"CPU in use during the fanout run: {busy:.2f} of {os.cpu_count()} cores (client + mock)")
print(f"TTFT accuracy at 200 in flight, |fanout's ttft_ms − the mock's first-token time| matched by x-request-id: "
      f"p50 {quantile(later, 0.5):.2f} ms, p99 {quantile(later, 0.99):.2f} ms, max {max(later, default=float('nan')):.2f} ms over "
      f"{len(later):,} answers on open connections (target p99 ≤ 2 ms); with each connection's first answer (the mock accepting "
      f"200 connections at once): p99 {quantile(all_diffs, 0.99):.2f} ms")
