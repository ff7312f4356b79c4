#!/usr/bin/env bash
# Training-speed benchmark, fair to both sides: each case runs through ./dlp (1 worker, and one worker per core:
# train.workers, one native thread each) and, with --peer, through its PyTorch peer (../shared/peers/*.py, Debian's
# python3-torch; --threads 1 and 2), alternating dlp and peer runs for R rounds. Speed (training samples/s of the
# epochs after the first: epoch 2 at the default 2 epochs; skipgram: words/s), quality and peak RSS come from each
# run's summary.json / JSON line and /usr/bin/time; the table has the median and range of every variant, and the
# ratio of dlp's median in the setting its config ships with to the peer's best median. Every round's speed and
# quality follow the table.
#
#   scripts/bench.sh [--peer] [--one-core] [--timed] [--rounds R] [--epochs N] [--limit N] [--set key=value]... [CASE...]
#   --one-core: also dlp with 1 worker pinned to one core (taskset -c 0: a 1-core machine, where the JIT, GC and
#   data threads share the worker's core), and the ratio of the multi-core run to it
#   --timed: also dlp with one worker per core and train.split: timed (each batch cut by the cores' measured speed)
#   cases: lenet5 mnist-mlp mnist-softmax (default), ae conv-ae seq2seq skipgram, or 'all'
#   (defaults: 3 rounds, 2 epochs on 20000 MNIST training examples; seq2seq: 2 epochs on its 10000 pairs with the
#   peer's sizes; skipgram: its config against gensim with the same hyperparameters and threads, in words/s)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
peers="${DLP_PEERS:-$here/../shared/peers}"
python="${DLP_PEER_PYTHON:-/usr/bin/python3}"
epochs=2 limit=20000 peer=0 onecore=0 timed=0 rounds=3
sets=() cases=()
while (( $# )); do
  case "$1" in
    --peer) peer=1 ;;
    --epochs) epochs="$2"; shift ;;
    --rounds) rounds="$2"; shift ;;
    --limit) limit="$2"; shift ;;
    --set) sets+=(--set "$2"); shift ;;
    --one-core) onecore=1 ;;
    --timed) timed=1 ;;
    -h|--help) sed -n '2,16p' "$0"; exit 0 ;;
    -*) echo "bench: unknown option $1" >&2; exit 2 ;;
    all) cases+=(lenet5 mnist-mlp mnist-softmax ae conv-ae seq2seq skipgram) ;;
    lenet5|mnist-mlp|mnist-softmax|ae|conv-ae|seq2seq|skipgram) cases+=("$1") ;;
    *) echo "bench: unknown case '$1'" >&2; exit 2 ;;
  esac
  shift
done
(( ${#cases[@]} )) || cases=(lenet5 mnist-mlp mnist-softmax)
if (( peer )) && ! "$python" -c 'import torch' 2>/dev/null; then
  echo "bench: --peer needs PyTorch for $python (apt-get install -y python3-torch)" >&2
  exit 2
fi
"$here/scripts/fetch-data.sh" --quiet mnist
[[ " ${cases[*]} " == *" skipgram "* ]] && "$here/scripts/fetch-data.sh" --quiet brown
data="${DLP_DATA:-$here/data}"
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
"$here/dlp" --version >/dev/null   # build once, outside the timings

# case -> the dlp command, the summary field of its quality number, and the peer command (batch sizes and, for
# seq2seq, layer sizes and learning rate match the peer: embedding 15, LSTM 50, Adam 0.01 without a schedule)
mnist_budget=(--set "data.train_limit=$limit" --set "train.epochs=$epochs")
dlp_args() {
  case "$1" in
    lenet5|mnist-mlp|mnist-softmax) echo lenet --config "$1" "${mnist_budget[@]}" ;;
    ae|conv-ae) echo "$1" "${mnist_budget[@]}" --set train.batch_size=64 ;;
    seq2seq) echo seq2seq --set "train.epochs=$epochs" --set train.batch_size=128 --set model.layers.encoder.n_out=50 \
      --set model.layers.decoder.n_out=50 --set model.layers.enc_embed.n_out=15 --set model.layers.dec_embed.n_out=15 \
      --set train.updater.lr=0.01 --set train.updater.schedule.type=none ;;
    skipgram) echo skipgram --set tsne.words=0 ;;
  esac
}
# case -> the summary field of dlp's speed and the peer's JSON key of the same number
rate() {
  case "$1" in
    skipgram) echo 'd["words_per_sec"]|words_per_sec' ;;
    *) echo 'd["train_samples_per_sec"]|samples_per_sec' ;;
  esac
}
quality() {
  case "$1" in
    lenet5|mnist-mlp|mnist-softmax) echo 'test accuracy|d["test"]["accuracy"]|test_accuracy' ;;
    ae|conv-ae) echo 'test mse|d["test"]["mse"]|test_mse' ;;
    seq2seq) echo 'held-out exact|d["heldout"]["exact_match"]|heldout_exact_match' ;;
    skipgram) echo 'vocabulary|d["vocab"]|vocab' ;;
  esac
}
peer_args() {
  case "$1" in
    lenet5) echo torch_mnist.py --data "$data" --arch lenet5 --epochs "$epochs" --limit "$limit" ;;
    mnist-mlp) echo torch_mnist.py --data "$data" --arch mlp --epochs "$epochs" --limit "$limit" ;;
    mnist-softmax) echo torch_mnist.py --data "$data" --arch softmax --epochs "$epochs" --limit "$limit" ;;
    ae) echo torch_autoencoder.py --data "$data" --arch dense --epochs "$epochs" --limit "$limit" ;;
    conv-ae) echo torch_autoencoder.py --data "$data" --arch conv --epochs "$epochs" --limit "$limit" ;;
    seq2seq) echo torch_seq2seq.py --epochs "$epochs" ;;
    skipgram) "$here/dlp" skipgram corpus -q --out "$out/brown.txt" >/dev/null 2>&1
      echo gensim_w2v.py --corpus "$out/brown.txt" ;;
  esac
}
json() { "$python" -c "import json,sys; d=json.load(open(sys.argv[1])); print(eval(sys.argv[2]))" "$@"; }
rss_mb() { awk '/Maximum resident set size/ {printf "%.0f", $NF/1024}' "$1"; }

median_range() {   # "median (min-max)" of numbers on stdin
  "$python" -c "
import sys, statistics
v = sorted(float(x) for x in sys.stdin.read().split())
fmt = (lambda x: f'{x:.4g}') if max(v) < 1 else (lambda x: f'{x:.0f}')
print(fmt(statistics.median(v)) + (f' ({fmt(v[0])}-{fmt(v[-1])})' if len(v) > 1 else ''))"
}
median() { "$python" -c "import sys, statistics; print(statistics.median(float(x) for x in sys.stdin.read().split()))"; }

# one run of a variant: appends "speed quality rss" to $out/<case>.<variant>
run_dlp() {   # case cores [pin|timed]: train.workers (one native thread each; skipgram: train.threads); pin: on core 0;
  # timed: train.split timed
  local c="$1" t="$2" tag="$1-t$2-$RANDOM" use pin=() variant="t$2"
  if [[ "$c" == skipgram ]]; then use=(--set "train.threads=$t"); else use=(--set "train.workers=$t" --set train.threads=1); fi
  if [[ "${3:-}" == pin ]]; then pin=(taskset -c 0); variant=c1; fi
  if [[ "${3:-}" == timed ]]; then use+=(--set train.split=timed); variant="t$2timed"; fi
  # shellcheck disable=SC2046
  /usr/bin/time -v -o "$out/$tag.time" env DLP_NO_PROGRESS_BAR=1 ${pin[@]+"${pin[@]}"} "$here/dlp" $(dlp_args "$c") -q \
    --runs-root "$out/runs" --run-name "bench-$tag" "${use[@]}" ${sets[@]+"${sets[@]}"} \
    > "$out/$tag.log" 2>&1 || { echo "bench: $c failed:" >&2; cat "$out/$tag.log" >&2; exit 1; }
  local summary; summary=$(ls -d "$out"/runs/*/*-bench-"$tag")/summary.json
  echo "$(json "$summary" "$rexpr") $(json "$summary" "round($qexpr, 4)") $(rss_mb "$out/$tag.time")" \
    >> "$out/$c.dlp-$variant"
}
run_peer() {   # case threads
  local c="$1" t="$2" tag="$1-peer-t$2-$RANDOM"
  # shellcheck disable=SC2046
  set -- $(peer_args "$c")
  local script="$1"; shift
  if [[ "$script" == gensim_w2v.py ]]; then set -- "$@" --workers "$t"; else set -- "$@" --threads "$t"; fi
  /usr/bin/time -v -o "$out/$tag.time" "$python" "$peers/$script" "$@" > "$out/$tag.json" 2> "$out/$tag.err" \
    || { echo "bench: peer of $c failed:" >&2; cat "$out/$tag.err" >&2; exit 1; }
  echo "$(json "$out/$tag.json" "d[\"$rpeer\"]") $(json "$out/$tag.json" "d[\"$qpeer\"]") $(rss_mb "$out/$tag.time")" \
    >> "$out/$c.peer-t$t"
}
col() { cut -d' ' -f"$1" "$2"; }

printf '%s, %s; %s rounds, %s epochs (MNIST cases on %s examples), %s cores, load %s at the start\n' \
  "$(date -u +%Y-%m-%d)" "$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')" "$rounds" "$epochs" \
  "$limit" "$(nproc)" "$(cut -d' ' -f1 /proc/loadavg)"
echo "speed: training samples/s of the epochs after the first (epoch 2 at 2 epochs; skipgram: words/s), median (range)"
echo "of the rounds; dlp t1/t$(nproc):"
echo "train.workers 1 / one per core, one native thread each (skipgram: train.threads); peer t1/t2: --threads 1 / 2;"
echo "ratio: dlp's median in the setting its config ships with (lenet5, conv-ae, seq2seq, skipgram: t$(nproc); others: t1) / the"
echo "peer's best median; quality and peak RSS: medians of the runs in that setting"
header="| case | dlp t1 | dlp t$(nproc) |"
if (( timed )); then header+=" dlp t$(nproc) timed |"; fi
if (( onecore )); then header+=" dlp 1 core |"; fi
header+=" dlp quality | dlp peak RSS MB |"
if (( peer )); then header+=" peer t1 | peer t2 | peer quality | peer peak RSS MB | dlp / peer |"; fi
echo "$header"
echo "$header" | sed 's/[^|]/-/g'
short=()
for c in "${cases[@]}"; do
  IFS='|' read -r qname qexpr qpeer <<<"$(quality "$c")"
  IFS='|' read -r rexpr rpeer <<<"$(rate "$c")"
  for r in $(seq 1 "$rounds"); do
    # alternate who goes first, so that neither side always runs on a warmer or cooler machine
    if (( r % 2 )); then
      run_dlp "$c" 1; run_dlp "$c" "$(nproc)"
      if (( timed )); then run_dlp "$c" "$(nproc)" timed; fi
      if (( onecore )); then run_dlp "$c" 1 pin; fi
      if (( peer )); then run_peer "$c" 1; run_peer "$c" 2; fi
    else
      if (( peer )); then run_peer "$c" 2; run_peer "$c" 1; fi
      if (( onecore )); then run_dlp "$c" 1 pin; fi
      if (( timed )); then run_dlp "$c" "$(nproc)" timed; fi
      run_dlp "$c" "$(nproc)"; run_dlp "$c" 1
    fi
  done
  d1="$out/$c.dlp-t1"; dn="$out/$c.dlp-t$(nproc)"
  # the setting the case's shipped config uses (train.workers: 0 = one per core for the convolutional models and
  # seq2seq; skipgram: train.threads 0 = one per core)
  case "$c" in lenet5|conv-ae|seq2seq|skipgram) dd="$dn" ;; *) dd="$d1" ;; esac
  row="| $c | $(col 1 "$d1" | median_range) | $(col 1 "$dn" | median_range) |"
  if (( timed )); then row+=" $(col 1 "$out/$c.dlp-t$(nproc)timed" | median_range) |"; fi
  if (( onecore )); then row+=" $(col 1 "$out/$c.dlp-c1" | median_range) |"; fi
  row+=" $qname $(col 2 "$dd" | median) |"
  row+=" $(col 3 "$dd" | median) |"
  if (( peer )); then
    p1="$out/$c.peer-t1"; p2="$out/$c.peer-t2"
    best_dlp=$(col 1 "$dd" | median)
    best_peer=$( { col 1 "$p1" | median; col 1 "$p2" | median; } | sort -g | tail -1)
    # the peer's quality and memory in its faster setting, the one the ratio compares with
    pb="$p1"; [[ $(col 1 "$p2" | median) == "$best_peer" ]] && pb="$p2"
    ratio=$("$python" -c "print(f'{$best_dlp / $best_peer:.2f}x')")
    row+=" $(col 1 "$p1" | median_range) | $(col 1 "$p2" | median_range) | $qname $(col 2 "$pb" | median) |"
    row+=" $(col 3 "$pb" | median) | $ratio |"
  fi
  echo "$row"
  # a measured stretch this short catches the JIT's last compilations in some rounds and not others
  case "$c" in
    lenet5|mnist-mlp|mnist-softmax|ae|conv-ae) if (( epochs > 1 )); then
      secs=$("$python" -c "print(f'{$limit * ($epochs - 1) / $(col 1 "$dd" | median):.2f}')")
      if "$python" -c "import sys; sys.exit(0 if $secs < 0.5 else 1)"; then
        short+=("$c: dlp's measured epochs took ${secs} s")
      fi
    fi ;;
  esac
done
if (( ${#short[@]} )); then
  echo
  echo "note: measured over less than 0.5 s of training, these speeds swing with JIT compilations and collections"
  echo "(a steadier figure: --epochs 4 --limit 55000):"
  for n in "${short[@]}"; do echo "  $n"; done
fi
# one core per worker against one worker, per case: the ratio of the medians and each round's (the two runs of a
# round are line r of their files)
if (( $(nproc) > 1 )); then
  ratios() {   # title, the variant divided by, the multi-core variant (default: one worker per core)
    echo "$1 (ratio of the medians; per round):"
    for c in "${cases[@]}"; do
      "$python" - "$out/$c.dlp-$2" "$out/$c.dlp-${3:-t$(nproc)}" "$c" <<'PY'
import statistics, sys
one = [float(l.split()[0]) for l in open(sys.argv[1])]
many = [float(l.split()[0]) for l in open(sys.argv[2])]
rounds = ', '.join(f'{b / a:.2f}x' for a, b in zip(one, many))
print(f'  {sys.argv[3]}: {statistics.median(many) / statistics.median(one):.2f}x ({rounds})')
PY
    done
  }
  echo
  ratios "dlp t$(nproc) / t1" t1
  if (( onecore )); then ratios "dlp t$(nproc) / 1 core ($(nproc) cores against 1)" c1; fi
  if (( timed )); then ratios "dlp t$(nproc) timed / t1" t1 "t$(nproc)timed"; fi
  if (( timed && onecore )); then ratios "dlp t$(nproc) timed / 1 core" c1 "t$(nproc)timed"; fi
fi
# every round's speed and quality, in the order run (the medians above hide whether a setting was steady, and give
# the quality of the shipped setting only)
echo
echo "speed per round, in order [quality]:"
for c in "${cases[@]}"; do
  for f in "$out/$c".dlp-t* "$out/$c".dlp-c1 "$out/$c".peer-t*; do
    [[ -f "$f" ]] || continue
    printf '  %s %s: %s\n' "$c" "${f##*.}" "$(awk '{printf "%s%.0f [%s]", (NR > 1 ? " " : ""), $1, $2}' "$f")"
  done
done
