#!/usr/bin/env bash
# Makes screenshots/*.png from real `fanout demo` runs: tmux runs the release binary at 120×40 (80×24 for the compact one),
# capture-pane -e dumps the screen with its colours, ansi2png.py draws it.
# Usage: screenshots/capture.sh   (from the repository root; installs tmux, fonts and Pillow if missing)
set -euo pipefail
cd "$(dirname "$0")/.."
command -v tmux >/dev/null || { apt-get update -qq && apt-get install -y -qq tmux; }
[ -e /usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf ] || { apt-get update -qq && apt-get install -y -qq fonts-dejavu-core; }
python3 -c "import PIL" 2>/dev/null || python3 -m pip install -q pillow

swift build -c release --product fanout >/dev/null
binary="$(swift build -c release --show-bin-path)/fanout"
work="$(mktemp -d)"
socket="fanout-shots-$$"
trap 'tmux -L "$socket" kill-server 2>/dev/null || true; rm -rf "$work"' EXIT

shot() { # name [columns rows]: capture the pane and render it
  tmux -L "$socket" capture-pane -e -p -t shot > "$work/$1.ansi"
  python3 screenshots/ansi2png.py "$work/$1.ansi" "screenshots/$1.png" "${2:-120}" "${3:-40}"
  echo "screenshots/$1.png"
}
wait_for() { # text, seconds
  for _ in $(seq 1 $(( $2 * 10 ))); do
    tmux -L "$socket" capture-pane -p -t shot | grep -q "$1" && return 0
    sleep 0.1
  done
  return 1
}

# The demo as a new user sees it: three streaming endpoints, without end, charts filling in.
TERM=xterm-256color tmux -L "$socket" new-session -d -s shot -x 120 -y 40 "$binary demo --directory $work"
wait_for RUNNING 20
sleep 45
shot dashboard-busy

# The slow endpoint selected: its long-tailed TTFT distribution beside the throughput chart.
tmux -L "$socket" send-keys -t shot Down
sleep 1
shot dashboard-llm
tmux -L "$socket" send-keys -t shot Up

# The batch route selected: its batches (OpenAI's Batch API, sped up), open and just ended, where its chart would be.
for _ in 1 2 3 4; do tmux -L "$socket" send-keys -t shot Down; done
wait_for in_progress 20 || true
sleep 1
shot dashboard-batch
for _ in 1 2 3 4; do tmux -L "$socket" send-keys -t shot Up; done

# Paused, caught while the flaky endpoint cools down: its rate-limit headers said its allowance was spent.
for _ in $(seq 1 100); do
  tmux -L "$socket" capture-pane -p -t shot | grep -q "cooling" && break
  sleep 0.05
done
tmux -L "$socket" send-keys -t shot p
wait_for PAUSED 5
shot dashboard-paused

tmux -L "$socket" send-keys -t shot '?'
sleep 0.5
shot dashboard-help
tmux -L "$socket" send-keys -t shot x q

# The report: screenshots/report.sh, a run steered with keys.

# The smallest supported terminal: the compact table keeps TTFT and tokens/s.
sleep 3
tmux -L "$socket" kill-server 2>/dev/null || true
mkdir -p "$work/compact"
TERM=xterm-256color tmux -L "$socket" new-session -d -s shot -x 80 -y 24 "$binary demo --directory $work/compact"
wait_for RUNNING 20
sleep 15
shot dashboard-compact 80 24
tmux -L "$socket" send-keys -t shot q

# Learning limits nobody gave it: two mock GPU servers of capacity 16 and 64 behind --max_in_flight auto,
# serving their own queue as vLLM does (the Run, Wait and KV columns; auto settles on their places),
# and a proxy allowing 120 requests a minute that says so only in x-ratelimit-limit/remaining headers.
sleep 2
tmux -L "$socket" kill-server 2>/dev/null || true
mocks=()
"$binary" mock-server --port 18495 --capacity 16 --latency 100ms --tokens_per_second 100 --serve_metrics >/dev/null & mocks+=($!)
"$binary" mock-server --port 18496 --capacity 64 --latency 100ms --tokens_per_second 100 --serve_metrics >/dev/null & mocks+=($!)
"$binary" mock-server --port 18497 --rate_limit 120 --rate_limit_window 60s --no_retry_after --no_reset_header >/dev/null & mocks+=($!)
trap 'kill "${mocks[@]}" 2>/dev/null || true; tmux -L "$socket" kill-server 2>/dev/null || true; rm -rf "$work"' EXIT
python3 -c "
import json
with open('$work/learn.jsonl', 'w') as out:
    for i in range(1, 100001): out.write(json.dumps({'input': f'Summarise in two sentences: the ocean (#{i})'}) + '\n')"
cat > "$work/endpoints.yaml" <<YAML
- {name: gpu-small, url: "http://127.0.0.1:18495/v1"}
- {name: gpu-large, url: "http://127.0.0.1:18496/v1"}
- {name: proxy-120rpm, url: "http://127.0.0.1:18497/v1"}
YAML
sleep 1
TERM=xterm-256color tmux -L "$socket" new-session -d -s shot -x 120 -y 40 \
  "$binary --requests_filepath $work/learn.jsonl --save_filepath $work/learn_results.jsonl --endpoints $work/endpoints.yaml --max_in_flight auto --max_requests_per_second 0 --tui"
wait_for RUNNING 20
sleep 20
shot dashboard-learning
tmux -L "$socket" send-keys -t shot q
sleep 2

# Attached from another terminal: the demo runs headless in the background, `fanout attach` shows it.
tmux -L "$socket" kill-server 2>/dev/null || true
kill "${mocks[@]}" 2>/dev/null || true
mkdir -p "$work/control" "$work/attached"
FANOUT_CONTROL_DIR="$work/control" "$binary" demo --no-tui --duration 90s --directory "$work/attached" >/dev/null 2>&1 & mocks=($!)
until ls "$work/control"/*.sock >/dev/null 2>&1; do sleep 0.1; done
TERM=xterm-256color tmux -L "$socket" new-session -d -s shot -x 120 -y 40 "FANOUT_CONTROL_DIR=$work/control $binary attach"
wait_for "attached to pid" 20
sleep 25
shot dashboard-attached
tmux -L "$socket" send-keys -t shot q
sleep 1

# A fleet: three shards of one input, each with a TCP control and the same token, attached as one.
tmux -L "$socket" kill-server 2>/dev/null || true
kill "${mocks[@]}" 2>/dev/null || true
"$binary" mock-server --port 18495 --latency 40ms --tokens_per_second 200 >/dev/null & mocks=($!)
python3 -c "
import json
with open('$work/fleet.jsonl', 'w') as out:
    for i in range(1, 60001): out.write(json.dumps({'id': f'q{i}', 'input': f'Summarise in two sentences: the ocean (#{i})'}) + '\n')"
export SHOTS_TOKEN=screenshots-token
for index in 0 1 2; do
  FANOUT_CONTROL_DIR="$work/fleet-control" "$binary" --requests_filepath "$work/fleet.jsonl" --shard "$index/3" --fleet_rate 600 \
    --save_filepath "$work/fleet_$index.jsonl" --endpoint http://127.0.0.1:18495/v1 --control "127.0.0.1:1850$index" \
    --control_token_env SHOTS_TOKEN --no-tui >/dev/null 2>&1 & mocks+=($!)
done
sleep 2
TERM=xterm-256color tmux -L "$socket" new-session -d -s shot -x 120 -y 40 \
  "SHOTS_TOKEN=$SHOTS_TOKEN $binary attach 127.0.0.1:18500 127.0.0.1:18501 127.0.0.1:18502 --control_token_env SHOTS_TOKEN"
wait_for "Shard" 20
sleep 20
shot dashboard-fleet
tmux -L "$socket" send-keys -t shot q
sleep 1
kill "${mocks[@]}" 2>/dev/null || true
