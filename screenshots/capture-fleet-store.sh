#!/usr/bin/env bash
# Makes screenshots/dashboard-fleet-store.png: one of three shards sharing --fleet_rate 30 through a real
# redis-server (--limits_store), on its own dashboard in tmux at 120×40, its Fleet line under the figures.
# Usage: screenshots/capture-fleet-store.sh   (from the repository root; needs redis-server, tmux, Pillow)
set -euo pipefail
cd "$(dirname "$0")/.."
swift build -c release --product fanout >/dev/null
binary="$(swift build -c release --show-bin-path)/fanout"
work="$(mktemp -d)"
socket="fanout-fleet-shot-$$"
port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
redis_port="$(port)"; mock_port="$(port)"
redis-server --port "$redis_port" --bind 127.0.0.1 --save "" --appendonly no --daemonize no >/dev/null &
redis=$!
"$binary" mock-server --port "$mock_port" --latency 40ms --latency_jitter 20ms >/dev/null 2>&1 &
mock=$!
trap 'tmux -L "$socket" kill-server 2>/dev/null || true; kill $redis $mock 2>/dev/null || true; pkill -f "$work" 2>/dev/null || true; rm -rf "$work"' EXIT
sleep 1
for shard in 0 1 2; do
  mkdir -p "$work/$shard"
  python3 -c 'import json, sys
for i in range(3000): print(json.dumps({"id": f"{sys.argv[1]}-{i}", "model": "gpt-4o-mini", "messages": [{"role": "user", "content": f"Summarise: the ocean ({i})"}]}))' "$shard" > "$work/$shard/prompts.jsonl"
done
common=(--endpoint "http://127.0.0.1:$mock_port/v1" --fleet_rate 30 --limits_store "redis://127.0.0.1:$redis_port" --control none)
for shard in 1 2; do
  "$binary" --requests_filepath "$work/$shard/prompts.jsonl" --save_filepath "$work/$shard/out.jsonl" --no-tui "${common[@]}" >/dev/null 2>&1 &
done
TERM=xterm-256color tmux -L "$socket" new-session -d -s shot -x 120 -y 40 \
  "$binary --requests_filepath $work/0/prompts.jsonl --save_filepath $work/0/out.jsonl --tui ${common[*]}"
sleep 12
tmux -L "$socket" capture-pane -e -p -t shot > "$work/shot.ansi"
python3 screenshots/ansi2png.py "$work/shot.ansi" screenshots/dashboard-fleet-store.png 120 40
echo screenshots/dashboard-fleet-store.png
