#!/usr/bin/env bash
# Makes screenshots/*.png from real `fanout demo` runs: tmux runs the release binary at 120×40,
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

shot() { # name: capture the pane and render it
  tmux -L "$socket" capture-pane -e -p -t shot > "$work/$1.ansi"
  python3 screenshots/ansi2png.py "$work/$1.ansi" "screenshots/$1.png" 120 40
  echo "screenshots/$1.png"
}
wait_for() { # text, seconds
  for _ in $(seq 1 $(( $2 * 10 ))); do
    tmux -L "$socket" capture-pane -p -t shot | grep -q "$1" && return 0
    sleep 0.1
  done
  return 1
}

TERM=xterm-256color tmux -L "$socket" new-session -d -s shot -x 120 -y 40 \
  "$binary demo --size 200000 --rate 2000 --directory $work"
wait_for RUNNING 20
sleep 12
shot dashboard-busy

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
