#!/usr/bin/env bash
# What two cores can give a training job here, against what train.workers gets: per round, a 1-worker run alone,
# two 1-worker runs side by side (separate processes: they share only the hardware; their speeds are summed), and
# one 2-worker run. Speed: training samples/s of epoch 2 of 2 on 20000 MNIST examples (summary.json), as bench.sh.
# Runs one thing at a time otherwise: leave the machine idle while it runs.
#   scripts/pair-bench.sh [--rounds R] [lenet5|conv-ae]...      (default: 3 rounds, both)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
rounds=3 cases=()
while (( $# )); do
  case "$1" in
    --rounds) rounds="$2"; shift ;;
    -h|--help) sed -n '2,6p' "$0"; exit 0 ;;
    lenet5|conv-ae) cases+=("$1") ;;
    *) echo "pair-bench: unknown argument '$1'" >&2; exit 2 ;;
  esac
  shift
done
(( ${#cases[@]} )) || cases=(lenet5 conv-ae)
"$here/scripts/fetch-data.sh" --quiet mnist
"$here/dlp" --version >/dev/null   # build once, outside the timings
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
# one run of CASE with W workers under runs root TAG; prints its epoch-2 samples/s (the same command and sizes as
# scripts/bench.sh's dlp_args for these cases: keep the two in step)
run() {
  local args
  case "$1" in
    lenet5) args=(lenet --config lenet5) ;;
    conv-ae) args=(conv-ae --set train.batch_size=64) ;;
  esac
  local dir
  dir=$("$here/dlp" "${args[@]}" --set data.train_limit=20000 --set train.epochs=2 --set "train.workers=$2" \
    --runs-root "$out/$3" 2>/dev/null | sed -n 's/^run: //p')
  python3 -c "import json,sys; print(json.load(open(sys.argv[1] + '/summary.json'))['train_samples_per_sec'])" "$dir"
}
echo "# $(date -u '+%Y-%m-%d %H:%M') $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(nproc) cores," \
  "load $(cut -d' ' -f1 /proc/loadavg); epoch-2 samples/s, ratios to the 1-worker run alone"
for c in "${cases[@]}"; do
  for r in $(seq "$rounds"); do
    alone=$(run "$c" 1 "alone-$c-$r")
    run "$c" 1 "a-$c-$r" > "$out/a.txt" &
    run "$c" 1 "b-$c-$r" > "$out/b.txt"
    wait
    two=$(run "$c" 2 "w2-$c-$r")
    python3 - "$c" "$r" "$alone" "$(cat "$out/a.txt")" "$(cat "$out/b.txt")" "$two" <<'PY'
import sys
c, r, alone, a, b, two = sys.argv[1], sys.argv[2], *map(float, sys.argv[3:])
print(f"{c} round {r}: 1 worker alone {alone:.0f} | two 1-worker processes {a:.0f} + {b:.0f} = {a + b:.0f} "
      f"({(a + b) / alone:.2f}x) | 2 workers {two:.0f} ({two / alone:.2f}x, {two / (a + b):.0%} of the two processes)")
PY
  done
done
