#!/usr/bin/env bash
# The launcher's contract with shell scripts: what `./dlp` writes to standard output is the program's alone (a config,
# a table, a run directory), whatever the JVM options (the training commands run with HotSpot compiler directives,
# whose "N compiler directives added" once made `dlp configs lenet5 > my.yaml` write an unreadable config). Needs no
# data set: builds the jar through ./dlp when it is stale, then checks
#   - `dlp configs NAME` prints each shipped config byte for byte, and the printed lenet5 config loads back;
#   - `dlp runs --csv` on an empty runs root prints its header only, `dlp --version` its version lines;
#   - a training command (admit, on its synthetic data) and conv-basics print "run: DIR" first.
# Exit 0 when all hold, 1 with the failing check named on stderr. Run by .ci/run.
#   scripts/launcher-check.sh
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
dlp="$here/dlp"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
fail() {
  echo "launcher-check: $*" >&2
  exit 1
}

"$dlp" --version >"$tmp/version" 2>"$tmp/err" || fail "dlp --version failed: $(cat "$tmp/err")"
[[ $(head -1 "$tmp/version") == "dlp "* && $(tail -1 "$tmp/version") == "Java "* ]] \
  || fail "dlp --version printed more than its version lines: $(head -c 300 "$tmp/version")"

for f in "$here"/src/main/resources/configs/*.yaml; do
  name="$(basename "$f" .yaml)"
  "$dlp" configs "$name" >"$tmp/$name.yaml" 2>"$tmp/err" || fail "dlp configs $name failed: $(cat "$tmp/err")"
  cmp -s "$f" "$tmp/$name.yaml" || fail "dlp configs $name does not print the shipped file: $(diff "$f" "$tmp/$name.yaml" | head -5)"
done

mkdir "$tmp/runs"
"$dlp" runs --csv --runs-root "$tmp/runs" >"$tmp/runs.csv" 2>"$tmp/err" || fail "dlp runs failed: $(cat "$tmp/err")"
[[ $(wc -l <"$tmp/runs.csv") -eq 1 && $(head -1 "$tmp/runs.csv") == pipeline,run,* ]] \
  || fail "dlp runs --csv on an empty runs root printed more than its header: $(head -c 300 "$tmp/runs.csv")"

# a training run with the training JVM options, on the config printed above (it must load back)
"$dlp" admit -q --config "$tmp/admit.yaml" --set train.epochs=2 --runs-root "$tmp/runs" >"$tmp/admit.out" 2>"$tmp/err" \
  || fail "dlp admit on the printed config failed: $(tail -3 "$tmp/err")"
[[ $(head -1 "$tmp/admit.out") == "run: $tmp/runs/admit/"* ]] \
  || fail "dlp admit's first output line is not its run directory: $(head -c 300 "$tmp/admit.out")"
"$dlp" conv-basics -q --runs-root "$tmp/runs" >"$tmp/basics.out" 2>"$tmp/err" \
  || fail "dlp conv-basics failed: $(tail -3 "$tmp/err")"
[[ $(head -1 "$tmp/basics.out") == "run: $tmp/runs/conv-basics/"* ]] \
  || fail "dlp conv-basics' first output line is not its run directory: $(head -c 300 "$tmp/basics.out")"
echo "launcher-check: ok (stdout of --version, configs, runs, admit and conv-basics is the program's own)"
