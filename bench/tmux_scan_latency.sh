#!/bin/bash
# Scan latency in a real terminal: with `make run` open in tmux session "run", logged in
# and on the sale screen, this types demo product codes (as a keyboard-mode scanner does)
# and prints, per scan, the milliseconds until the total on screen changes. The figure
# includes tmux's own send-keys and capture-pane time.
# Usage: bash bench/tmux_scan_latency.sh | sort -n
set -u
codes=(4820000000017 4820000000024 4820000000031 4820000000048 4820000000055 4820000000062 4820000000079 4820000000086 4820000000093 4820000000109)
for i in $(seq 1 40); do
  code=${codes[$((i % 10))]}
  before=$(tmux capture-pane -p -t run | grep -oE "(TOTAL|ИТОГО|РАЗОМ) [0-9][^a-z]*" | head -1)
  t0=$(date +%s%N)
  tmux send-keys -t run "$code" Enter
  while true; do
    now=$(tmux capture-pane -p -t run | grep -oE "(TOTAL|ИТОГО|РАЗОМ) [0-9][^a-z]*" | head -1)
    [ "$now" != "$before" ] && break
  done
  t1=$(date +%s%N)
  echo $(( (t1 - t0) / 1000000 ))
done
