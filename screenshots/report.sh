#!/usr/bin/env bash
# Makes screenshots/report.png: a real `fanout demo` run steered with keys for about a minute (a burst
# of rate changes, weights, a pause, caps), quit, and its report drawn by headless Chromium.
# Usage: screenshots/report.sh   (from the repository root; installs tmux and Chromium if missing)
set -euo pipefail
cd "$(dirname "$0")/.."
command -v tmux >/dev/null || { apt-get update -qq && apt-get install -y -qq tmux; }
command -v chromium >/dev/null || { apt-get update -qq && apt-get install -y -qq chromium; }
swift build -c release --product fanout >/dev/null
binary="$(swift build -c release --show-bin-path)/fanout"
work="$(mktemp -d)"
socket="fanout-report-$$"
trap 'tmux -L "$socket" kill-server 2>/dev/null || true; rm -rf "$work"' EXIT
keys() { tmux -L "$socket" send-keys -t shot "$@"; }

TERM=xterm-256color tmux -L "$socket" new-session -d -s shot -x 120 -y 40 "$binary demo --directory $work --rate 300"
for _ in $(seq 1 200); do tmux -L "$socket" capture-pane -p -t shot | grep -q RUNNING && break; sleep 0.1; done
sleep 12
keys + + + + +                 # a burst: one mark with a count
sleep 10
keys l l                       # the fast endpoint's weight + 2
sleep 8
keys p; sleep 5; keys p        # a pause of 5 s
sleep 8
keys Down ']' ']'              # the slow endpoint's cap
sleep 6
keys - -
sleep 10
keys q
for _ in $(seq 1 150); do [ -e "$work/report.html" ] && break; sleep 0.2; done
sleep 1
chromium --headless --no-sandbox --disable-gpu --hide-scrollbars --window-size=1040,2400 \
  --screenshot="$PWD/screenshots/report.png" "file://$work/report.html" 2>/dev/null
echo screenshots/report.png
