#!/usr/bin/env python3
"""20 local shards (rate-limited, TCP controls) run alone and with `fanout attach` on all of them, in
interleaved rounds: each shard's send rate alone and attached, and the fleet dashboard's redraw rate.
Usage: bench/fleet.py FANOUT WORKDIR [SHARDS=20] [ROUNDS=3]"""
import json, os, re, shutil, socket, statistics, subprocess, sys, time

fanout, work = sys.argv[1], sys.argv[2]
shards = int(sys.argv[3]) if len(sys.argv) > 3 else 20
rounds = int(sys.argv[4]) if len(sys.argv) > 4 else 3
per_shard, seconds = 100, 8   # each shard 100 requests a second for about 8 s

def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]

port = free_port()
mock = subprocess.Popen([fanout, "mock-server", "--port", str(port), "--latency", "20ms"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
time.sleep(1)
inputs = os.path.join(work, "fleet.jsonl")
with open(inputs, "w") as out:
    for i in range(shards * per_shard * seconds):
        out.write(json.dumps({"id": f"r{i}", "input": f"Summarise: the ocean (#{i})"}) + "\n")
token = "bench-fleet-token"
env = dict(os.environ, FLEET_TOKEN=token)

def one_round(attached):
    directory = os.path.join(work, "fleet-round")
    shutil.rmtree(directory, ignore_errors=True)
    os.makedirs(directory)
    env["FANOUT_CONTROL_DIR"] = os.path.join(directory, "control")
    runs = [subprocess.Popen([fanout, "--requests_filepath", inputs, "--shard", f"{i}/{shards}", "--fleet_rate", str(shards * per_shard),
                              "--save_filepath", f"{directory}/{i}.jsonl", "--errors_filepath", f"{directory}/{i}_errors.jsonl",
                              "--endpoint", f"http://127.0.0.1:{port}/v1", "--control", "127.0.0.1:0", "--control_token_env", "FLEET_TOKEN",
                              "--no-tui"], env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True) for i in range(shards)]
    frames = os.path.join(directory, "frames.log")
    if attached:
        while len([n for n in os.listdir(env["FANOUT_CONTROL_DIR"]) if n.endswith(".json")] if os.path.isdir(env["FANOUT_CONTROL_DIR"]) else []) < shards:
            time.sleep(0.05)
        addresses = []
        for name in os.listdir(env["FANOUT_CONTROL_DIR"]):
            if name.endswith(".json"):
                addresses.append(json.load(open(os.path.join(env["FANOUT_CONTROL_DIR"], name)))["control"])
        command = f"FLEET_TOKEN={token} FANOUT_FRAME_LOG={frames} {fanout} attach {' '.join(addresses)} --control_token_env FLEET_TOKEN"
        subprocess.run(["tmux", "-L", "fanout-fleet-bench", "new-session", "-d", "-s", "fleet", "-x", "160", "-y", "50", command])
    rates = []
    for run in runs:
        out, _ = run.communicate()
        match = re.search(r"done in ([\d.]+)s: ([\d,]+) records", out)
        if match:
            rates.append(int(match[2].replace(",", "")) / float(match[1]))
    fps = None
    if attached:
        subprocess.run(["tmux", "-L", "fanout-fleet-bench", "kill-server"], stderr=subprocess.DEVNULL)
        times = [float(line) for line in open(frames) if line.strip()] if os.path.exists(frames) else []
        times = [t for t in times if t > times[0] + 1] if times else []
        fps = (len(times) - 1) / (times[-1] - times[0]) if len(times) > 1 else 0
    return statistics.median(rates) if rates else 0, fps

alone, attached, fps = [], [], []
for _ in range(rounds):
    rate, _ = one_round(False)
    alone.append(rate)
    rate, frames = one_round(True)
    attached.append(rate)
    fps.append(frames)
mock.terminate()
a, w = statistics.median(alone), statistics.median(attached)
print(f"fleet attach: {shards} shards at {per_shard}/s each (--fleet_rate {shards * per_shard}), {rounds} interleaved rounds: "
      f"median shard rate {w:.1f}/s attached vs {a:.1f}/s alone ({(w - a) / a * 100:+.1f} %; alone {min(alone):.1f}–{max(alone):.1f}); "
      f"dashboard {statistics.median(fps):.1f} frames/s (rounds: {', '.join(f'{f:.1f}' for f in fps)}; target ≥ 4)")
