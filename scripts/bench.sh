#!/usr/bin/env bash
# Training-speed benchmark of the MNIST configs: each runs for a fixed small budget through ./dlp, samples/s
# and test accuracy come from the run's summary.json, peak RSS from /usr/bin/time. With --peer, the PyTorch
# peer (../shared/peers/torch_mnist.py, Debian's python3-torch) runs the same budget and a ratio column is added.
#
#   scripts/bench.sh [--peer] [--epochs N] [--limit N] [--set key=value]... [CONFIG...]
#   (defaults: 2 epochs on 20000 training examples; configs lenet5 mnist-mlp mnist-softmax)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
peers="${DLP_PEERS:-$here/../shared/peers}"
python="${DLP_PEER_PYTHON:-/usr/bin/python3}"
epochs=2 limit=20000 peer=0
sets=() configs=()
while (( $# )); do
  case "$1" in
    --peer) peer=1 ;;
    --epochs) epochs="$2"; shift ;;
    --limit) limit="$2"; shift ;;
    --set) sets+=(--set "$2"); shift ;;
    -h|--help) sed -n '2,7p' "$0"; exit 0 ;;
    -*) echo "bench: unknown option $1" >&2; exit 2 ;;
    *) configs+=("$1") ;;
  esac
  shift
done
(( ${#configs[@]} )) || configs=(lenet5 mnist-mlp mnist-softmax)
if (( peer )) && ! "$python" -c 'import torch' 2>/dev/null; then
  echo "bench: --peer needs PyTorch for $python (apt-get install -y python3-torch)" >&2
  exit 2
fi
"$here/scripts/fetch-data.sh" --quiet mnist
data="${DLP_DATA:-$here/data}"
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
"$here/dlp" --version >/dev/null   # build once, outside the timings

peer_arch() { case "$1" in lenet5) echo lenet5 ;; mnist-mlp) echo mlp ;; mnist-softmax) echo softmax ;; *) echo "" ;; esac; }
json() { "$python" -c "import json,sys; d=json.load(open(sys.argv[1])); print(eval(sys.argv[2]))" "$@"; }
rss_mb() { awk '/Maximum resident set size/ {printf "%.0f", $NF/1024}' "$1"; }

printf '%s, %s epochs on %s examples, %s cores\n' "$(date -u +%Y-%m-%d)" "$epochs" "$limit" "$(nproc)"
header="| config | dlp samples/s | dlp test acc | dlp peak RSS MB |"
(( peer )) && header+=" peer samples/s | peer test acc | peer peak RSS MB | dlp / peer |"
echo "$header"
echo "$header" | sed 's/[^|]/-/g'
for c in "${configs[@]}"; do
  /usr/bin/time -v -o "$out/$c.time" env DLP_NO_PROGRESS_BAR=1 "$here/dlp" lenet --config "$c" -q \
    --runs-root "$out/runs" --run-name "$c" --set "data.train_limit=$limit" --set "train.epochs=$epochs" \
    ${sets[@]+"${sets[@]}"} > "$out/$c.log" 2>&1 || { echo "bench: $c failed:" >&2; cat "$out/$c.log" >&2; exit 1; }
  summary=$(ls -d "$out"/runs/lenet/*-"$c")/summary.json
  sps=$(json "$summary" 'd["train_samples_per_sec"]')
  acc=$(json "$summary" 'round(d["test"]["accuracy"], 4)')
  row="| $c | $sps | $acc | $(rss_mb "$out/$c.time") |"
  arch=$(peer_arch "$c")
  if (( peer )) && [[ -n "$arch" ]]; then
    /usr/bin/time -v -o "$out/$c.peer.time" "$python" "$peers/torch_mnist.py" --data "$data" --arch "$arch" \
      --epochs "$epochs" --limit "$limit" > "$out/$c.peer.json"
    psps=$(json "$out/$c.peer.json" 'd["samples_per_sec"]')
    pacc=$(json "$out/$c.peer.json" 'd["test_accuracy"]')
    ratio=$("$python" -c "print(f'{$sps / $psps:.2f}x')")
    row+=" $psps | $pacc | $(rss_mb "$out/$c.peer.time") | $ratio |"
  elif (( peer )); then
    row+=" - | - | - | - |"
  fi
  echo "$row"
done
