#!/usr/bin/env bash
# Kill-and-resume soak test: N runs, each killed with SIGKILL at a random moment (before the run directory exists,
# before the first checkpoint, mid-epoch, during a checkpoint write...), then resumed with --resume until it
# completes; every checkpoint left behind must be a readable zip, and each run's final numbers (training and
# validation loss of the last epoch, test results, main metric) must equal an uninterrupted run's digit for digit.
#
#   scripts/soak.sh [N] [lenet|seq2seq]      (default: 10 lenet)
#   lenet: 20000 training examples, 4 epochs, a checkpoint per epoch; seq2seq: 3000 pairs, 4 epochs, a checkpoint per epoch.
#   Work goes to $DLP_SOAK_DIR (default: a new temp directory, kept); prints a line per run and a summary.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
n="${1:-10}"
case_="${2:-lenet}"
case "$case_" in
  lenet) args=(lenet --set data.train_limit=20000 --set train.epochs=4 --set checkpoint.every=1) ;;
  seq2seq) args=(seq2seq --set data.train_pairs=3000 --set data.heldout_pairs=300 --set train.epochs=4
                 --set checkpoint.every=1) ;;
  *) echo "soak: unknown case '$case_' (lenet or seq2seq)" >&2; exit 2 ;;
esac
[[ "$n" =~ ^[0-9]+$ ]] || { echo "soak: N must be a number, got '$n'" >&2; exit 2; }
work="${DLP_SOAK_DIR:-$(mktemp -d /tmp/dlp-soak.XXXXXX)}"
mkdir -p "$work"
[[ "$case_" == lenet ]] && "$here/scripts/fetch-data.sh" --quiet mnist
"$here/dlp" --version >/dev/null   # build once

# the numbers a run ends at, as one line of JSON
numbers() {
  python3 - "$1/summary.json" <<'EOF'
import json, sys
s = json.load(open(sys.argv[1]))
f = s.get("final", {})
print(json.dumps({"status": s.get("status"), "epochs": s.get("epochs_completed"),
                  "train_loss": f.get("train_loss"), "val": {k: v for k, v in f.items() if k.startswith("val_")},
                  "test": s.get("test"), "main": (s.get("main_metric") or {}).get("value")}, sort_keys=True))
EOF
}
run_dir() { { ls -d "$1/$case_"/*/ 2>/dev/null || true; } | head -1 | sed 's:/$::'; }

echo "soak: $n x $case_, work in $work"
t0=$(date +%s.%N)
"$here/dlp" "${args[@]}" -q --runs-root "$work/base" --run-name base > "$work/base.log" 2>&1
t1=$(date +%s.%N)
base_dir="$(run_dir "$work/base")"
expected="$(numbers "$base_dir")"
span=$(python3 -c "print(float('$t1') - float('$t0'))")
echo "soak: uninterrupted run: ${span%.*} s, $expected"

same=0 differ=0 bad_zips=0
for i in $(seq 1 "$n"); do
  root="$work/k$i"
  delay=$(python3 -c "import random; print(round(random.uniform(0.5, $span), 2))")
  "$here/dlp" "${args[@]}" -q --runs-root "$root" > "$root.log" 2>&1 &
  pid=$!
  sleep "$delay"
  kill -9 "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  dir="$(run_dir "$root")"
  ckpts=$( [[ -n "$dir" ]] && ls "$dir/checkpoints" 2>/dev/null | grep -c '\.zip$' || true)
  if [[ -n "$dir" && ! -f "$dir/config.yaml" ]]; then
    rm -rf "$dir"; dir=""   # killed in the milliseconds between creating the directory and writing the config
  fi
  if [[ -z "$dir" ]]; then
    state="before the run directory"
    "$here/dlp" "${args[@]}" -q --runs-root "$root" >> "$root.log" 2>&1
    dir="$(run_dir "$root")"
  else
    state="after $ckpts checkpoint(s)"
    status=$("$here/dlp" runs "$case_" --runs-root "$root" --csv | tail -n +2 | cut -d, -f2)
    [[ "$status" == dead || "$status" == completed ]] || { echo "soak: run $i: dlp runs says '$status', not dead" >&2; exit 1; }
    state="$state, runs: $status"
    tries=0
    until [[ "$(python3 -c "import json; print(json.load(open('$dir/summary.json'))['status'])")" == completed ]]; do
      "$here/dlp" "$case_" --resume "$dir" -q >> "$root.log" 2>&1 || true
      tries=$((tries + 1))
      (( tries < 3 )) || { echo "soak: run $i did not complete after 3 resumes (log: $root.log)" >&2; break; }
    done
  fi
  for z in "$dir"/checkpoints/*.zip; do
    [[ -e "$z" ]] || continue
    unzip -tq "$z" > /dev/null 2>&1 || { bad_zips=$((bad_zips + 1)); echo "soak: unreadable checkpoint $z" >&2; }
  done
  got="$(numbers "$dir")"
  if [[ "$got" == "$expected" ]]; then
    same=$((same + 1)); verdict=same
  else
    differ=$((differ + 1)); verdict="DIFFERENT: $got"
  fi
  printf 'soak: run %d: killed at %.1f s (%s): %s\n' "$i" "$delay" "$state" "$verdict"
done
echo "soak: $same of $n killed runs ended at the uninterrupted run's numbers; $differ differ; $bad_zips unreadable checkpoints"
(( differ == 0 && bad_zips == 0 ))
