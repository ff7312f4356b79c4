#!/usr/bin/env bash
# Training-speed benchmark: each case runs for a fixed small budget through ./dlp; samples/s and the quality
# number come from the run's summary.json, peak RSS from /usr/bin/time. With --peer, the PyTorch peer of the
# case (../shared/peers/*.py, Debian's python3-torch) runs the same budget and a ratio column is added.
#
#   scripts/bench.sh [--peer] [--epochs N] [--limit N] [--set key=value]... [CASE...]
#   cases: lenet5 mnist-mlp mnist-softmax (default), ae conv-ae seq2seq skipgram, or 'all'
#   (defaults: 2 epochs on 20000 MNIST training examples; seq2seq: 2 epochs on its 10000 pairs; skipgram: its
#   config (5 epochs on Brown, one thread per core) against gensim with the same hyperparameters, in words/s)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
peers="${DLP_PEERS:-$here/../shared/peers}"
python="${DLP_PEER_PYTHON:-/usr/bin/python3}"
epochs=2 limit=20000 peer=0
sets=() cases=()
while (( $# )); do
  case "$1" in
    --peer) peer=1 ;;
    --epochs) epochs="$2"; shift ;;
    --limit) limit="$2"; shift ;;
    --set) sets+=(--set "$2"); shift ;;
    -h|--help) sed -n '2,9p' "$0"; exit 0 ;;
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
# seq2seq, layer sizes match the peer: embedding 15, LSTM 50)
mnist_budget=(--set "data.train_limit=$limit" --set "train.epochs=$epochs")
dlp_args() {
  case "$1" in
    lenet5|mnist-mlp|mnist-softmax) echo lenet --config "$1" "${mnist_budget[@]}" ;;
    ae|conv-ae) echo "$1" "${mnist_budget[@]}" --set train.batch_size=64 ;;
    seq2seq) echo seq2seq --set "train.epochs=$epochs" --set train.batch_size=128 --set model.layers.encoder.n_out=50 \
      --set model.layers.decoder.n_out=50 --set model.layers.enc_embed.n_out=15 --set model.layers.dec_embed.n_out=15 ;;
    skipgram) echo skipgram --set tsne.words=0 --threads "$(nproc)" ;;
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
      echo gensim_w2v.py --corpus "$out/brown.txt" --workers "$(nproc)" ;;
  esac
}
json() { "$python" -c "import json,sys; d=json.load(open(sys.argv[1])); print(eval(sys.argv[2]))" "$@"; }
rss_mb() { awk '/Maximum resident set size/ {printf "%.0f", $NF/1024}' "$1"; }

printf '%s, %s epochs (MNIST cases on %s examples), %s cores, load %s; speed: training samples/s (skipgram: words/s)\n' "$(date -u +%Y-%m-%d)" "$epochs" \
  "$limit" "$(nproc)" "$(cut -d' ' -f1 /proc/loadavg)"
header="| case | dlp speed | dlp quality | dlp peak RSS MB |"
(( peer )) && header+=" peer speed | peer quality | peer peak RSS MB | dlp / peer |"
echo "$header"
echo "$header" | sed 's/[^|]/-/g'
for c in "${cases[@]}"; do
  IFS='|' read -r qname qexpr qpeer <<<"$(quality "$c")"
  IFS='|' read -r rexpr rpeer <<<"$(rate "$c")"
  # shellcheck disable=SC2046
  /usr/bin/time -v -o "$out/$c.time" env DLP_NO_PROGRESS_BAR=1 "$here/dlp" $(dlp_args "$c") -q \
    --runs-root "$out/runs" --run-name "bench-$c" ${sets[@]+"${sets[@]}"} > "$out/$c.log" 2>&1 \
    || { echo "bench: $c failed:" >&2; cat "$out/$c.log" >&2; exit 1; }
  summary=$(ls -d "$out"/runs/*/*-bench-"$c")/summary.json   # bench-ae must not match bench-conv-ae
  sps=$(json "$summary" "$rexpr")
  q=$(json "$summary" "round($qexpr, 4)")
  row="| $c | $sps | $qname $q | $(rss_mb "$out/$c.time") |"
  if (( peer )); then
    # shellcheck disable=SC2046
    set -- $(peer_args "$c")
    script="$1"; shift
    /usr/bin/time -v -o "$out/$c.peer.time" "$python" "$peers/$script" "$@" > "$out/$c.peer.json"
    psps=$(json "$out/$c.peer.json" "d[\"$rpeer\"]")
    pq=$(json "$out/$c.peer.json" "d[\"$qpeer\"]")
    ratio=$("$python" -c "print(f'{$sps / $psps:.2f}x')")
    row+=" $psps | $qname $pq | $(rss_mb "$out/$c.peer.time") | $ratio |"
  fi
  echo "$row"
done
