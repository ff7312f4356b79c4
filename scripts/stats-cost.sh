#!/usr/bin/env bash
# What train.stats costs: the same run with and without --stats (DL4J's StatsListener into stats.dl4j and the live
# journal), alternating for R rounds; prints each side's epoch-2 training samples/s (median and range) and the ratio.
#   scripts/stats-cost.sh [--rounds R] [--every N] [--limit N] [CONFIG...]   (CONFIG: lenet5 mnist-mlp mnist-softmax;
#   default lenet5 mnist-mlp; 2 epochs on --limit MNIST examples (default 20000), the shipped config otherwise)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
rounds=3 every="" limit=20000 configs=()
while [[ $# -gt 0 ]]; do
  case "$1" in
    --rounds) rounds="$2"; shift ;;
    --every) every="$2"; shift ;;
    --limit) limit="$2"; shift ;;
    -h|--help) sed -n '2,5p' "$0"; exit 0 ;;
    *) configs+=("$1") ;;
  esac
  shift
done
[[ ${#configs[@]} -gt 0 ]] || configs=(lenet5 mnist-mlp)
"$here/scripts/fetch-data.sh" --quiet mnist
"$here/dlp" --version >/dev/null   # build once, outside the timings
root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT
extra=()
[[ -n "$every" ]] && extra=(--set "train.stats_every=$every")

speed() {   # epoch-2 samples/s of the newest run named $1
  local dir
  dir=$(ls -d "$root"/lenet/*-"$1" | tail -1)
  awk -F, 'NR==1 {for (i=1;i<=NF;i++) if ($i=="samples_per_sec") c=i} NR==3 {print $c}' "$dir/metrics.csv"
}
stats() {   # median min max of the numbers on stdin
  sort -g | awk '{v[NR]=$1} END {printf "%.0f %.0f %.0f\n", (NR%2 ? v[(NR+1)/2] : (v[NR/2]+v[NR/2+1])/2), v[1], v[NR]}'
}

echo "# $(date -u +%Y-%m-%d) $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(nproc) cores;" \
  "stats every ${every:-auto (default)} iterations; 2 epochs on $limit examples, epoch 2; $rounds alternating rounds"
printf '| %-13s | %-24s | %-24s | %-7s |\n' config "without: samples/s" "--stats: samples/s" ratio
for c in "${configs[@]}"; do
  off=() on=()
  for ((r = 1; r <= rounds; r++)); do
    for side in off on; do
      args=(lenet --config "$c" --set "data.train_limit=$limit" --set train.epochs=2 --runs-root "$root" -q
            --run-name "$c-$side")
      [[ $side == on ]] && args+=(--stats "${extra[@]}")
      "$here/dlp" "${args[@]}" >/dev/null 2>&1
      v=$(speed "$c-$side")
      if [[ $side == on ]]; then on+=("$v"); else off+=("$v"); fi
    done
  done
  read -r m0 lo0 hi0 < <(printf '%s\n' "${off[@]}" | stats)
  read -r m1 lo1 hi1 < <(printf '%s\n' "${on[@]}" | stats)
  printf '| %-13s | %-24s | %-24s | %-7s |\n' "$c" "$m0 ($lo0-$hi0)" "$m1 ($lo1-$hi1)" \
    "$(awk -v a="$m1" -v b="$m0" 'BEGIN {printf "%.3f", a / b}')"
done
