#!/usr/bin/env bash
# Word-vector quality against gensim on the same corpus and hyperparameters: for each seed, dlp skipgram (Brown,
# shipped config: 100 dims, window 5, 5 negatives, sample 1e-3, min_count 5, 5 epochs) and gensim
# (../shared/peers/gensim_w2v.py on the text `dlp skipgram corpus` writes), both with the same threads, then the
# Spearman rho of each on a word-similarity file (default ../shared/data/wordsim353.tsv, the copy gensim ships) over
# the pairs both vocabularies cover, and the 3CosAdd accuracy of each on an analogy file (default: the one
# scripts/make-analogies.py writes; gensim's vectors are saved and scored by the same evaluator as dlp's). Prints one
# row per seed, the means, and the date and machine.
#   scripts/w2v-quality.sh [--corpus brown|sotu] [--seeds "1 2 3"] [--threads N] [--similarity FILE]
#                          [--analogies FILE] [--set k=v]...
#   (sotu: the State of the Union addresses, dlp skipgram --config sotu, gensim on data/sotu/sotu.txt)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
corpus=brown seeds="1 2 3" threads=2 sim="$here/../shared/data/wordsim353.tsv" analogies="" sets=()
while [[ $# -gt 0 ]]; do
  case "$1" in
    --corpus) corpus="$2"; shift ;;
    --seeds) seeds="$2"; shift ;;
    --threads) threads="$2"; shift ;;
    --similarity) sim="$2"; shift ;;
    --analogies) analogies="$2"; shift ;;
    --set) sets+=(--set "$2"); shift ;;
    -h|--help) sed -n '2,11p' "$0"; exit 0 ;;
    *) echo "w2v-quality: unknown argument $1" >&2; exit 2 ;;
  esac
  shift
done
[[ -f "$sim" ]] || { echo "w2v-quality: no similarity file $sim" >&2; exit 2; }
/usr/bin/python3 -c 'import gensim' 2>/dev/null || { echo "w2v-quality: needs gensim (apt-get install -y python3-gensim)" >&2; exit 2; }
[[ "$corpus" == brown || "$corpus" == sotu ]] || { echo "w2v-quality: --corpus brown or sotu" >&2; exit 2; }
"$here/scripts/fetch-data.sh" --quiet "$corpus"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
if [[ -z "$analogies" ]]; then
  analogies="$work/analogies.txt"
  python3 "$here/scripts/make-analogies.py" "$analogies" 2>/dev/null
fi
[[ -f "$analogies" ]] || { echo "w2v-quality: no analogy file $analogies" >&2; exit 2; }
if [[ "$corpus" == brown ]]; then
  config=skipgram text="$work/brown.txt"
  "$here/dlp" skipgram corpus --out "$text" >/dev/null 2>&1
else
  config=sotu text="${DLP_DATA:-$here/data}/sotu/sotu.txt"
fi
echo "# $(date -u +%Y-%m-%d) $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(nproc) cores; $threads threads;" \
  "corpus $corpus; $(basename "$sim"); analogies $(basename "$analogies"); extra: ${sets[*]:-none}"
row() { printf '| %-5s | %-10s | %-10s | %-12s | %-12s | %-9s | %-9s |\n' "$@"; }
row seed "dlp rho" "gensim rho" "dlp analogy" "gensim analogy" "dlp w/s" "gensim w/s"
# overall 3CosAdd accuracy of a run directory or word2vec text file, by dlp's evaluator
analogy() { "$here/dlp" skipgram eval --model "$1" --analogies "$analogies" 2>/dev/null | awk '$1 == "overall" {print $2}'; }
dl=() gs=() da=() ga=()
for s in $seeds; do
  "$here/dlp" skipgram --config "$config" --seed "$s" --threads "$threads" --set tsne.words=0 "${sets[@]}" --runs-root "$work/models" \
    --run-name "q$s" -q >/dev/null 2>&1
  run=$(ls -d "$work"/models/skipgram/*-q"$s" | tail -1)
  d=$("$here/dlp" skipgram eval --model "$run" --similarity "$sim" 2>/dev/null | sed -n 's/.*spearman rho \([-0-9.]*\).*/\1/p' | head -1)
  dws=$(python3 -c "import json; print(round(json.load(open('$run/summary.json'))['words_per_sec']))")
  g=$(/usr/bin/python3 "$here/../shared/peers/gensim_w2v.py" --corpus "$text" --workers "$threads" --seed "$s" \
    --similarity "$sim" --save "$work/gensim-$s.txt")
  dan=$(analogy "$run") gan=$(analogy "$work/gensim-$s.txt")
  gr=$(python3 -c "import json,sys; print(json.loads(sys.argv[1])['spearman'])" "$g")
  gws=$(python3 -c "import json,sys; print(json.loads(sys.argv[1])['words_per_sec'])" "$g")
  dl+=("$d") gs+=("$gr") da+=("${dan%\%}") ga+=("${gan%\%}")
  row "$s" "$d" "$gr" "$dan" "$gan" "$dws" "$gws"
done
mean() { python3 -c "import sys; v=[float(x) for x in sys.argv[1:]]; print(f'{sum(v)/len(v):.4f}')" "$@"; }
row mean "$(mean "${dl[@]}")" "$(mean "${gs[@]}")" "$(mean "${da[@]}")%" "$(mean "${ga[@]}")%" "" ""
# the paired view: per-seed differences, their mean and standard error, and on how many seeds dlp is ahead (one
# seed's rho moves by ~0.01-0.03 with the seed on either side, so a few seeds cannot separate a small difference)
paired() {
  python3 - "$1" "$2" "$3" <<'PY'
import math, sys
name, a, b = sys.argv[1], [float(x) for x in sys.argv[2].split()], [float(x) for x in sys.argv[3].split()]
d = [x - y for x, y in zip(a, b)]
n = len(d); m = sum(d) / n
se = math.sqrt(sum((x - m) ** 2 for x in d) / (n - 1) / n) if n > 1 else float('nan')
print(f"# dlp - gensim, {name}: mean {m:+.4f} (standard error {se:.4f} over {n} seeds); dlp ahead on "
      f"{sum(x > 0 for x in d)} of {n}")
PY
}
paired rho "${dl[*]}" "${gs[*]}"
paired "analogy points" "${da[*]}" "${ga[*]}"
