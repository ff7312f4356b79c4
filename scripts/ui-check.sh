#!/usr/bin/env bash
# A real browser's view of `dlp ui`: starts the UI on a free port over a runs root, shows one run's session, loads the
# overview page in headless Chromium (Debian's chromium; installed with apt-get when missing), and checks that the
# score chart rendered (flot canvases in #scoreiterchart) with no JavaScript error in the console. Writes a
# screenshot. Exit 0 when the page is right, 1 when not.
#   scripts/ui-check.sh [--runs-root DIR] [--run RUN_DIR] [--out PNG]
#   (default: models, the newest run with stats.dl4j, RUNS_ROOT/plots/ui-overview.png)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
root=models run="" out=""
while [[ $# -gt 0 ]]; do
  case "$1" in
    --runs-root) root="$2"; shift ;;
    --run) run="$2"; shift ;;
    --out) out="$2"; shift ;;
    -h|--help) sed -n '2,7p' "$0"; exit 0 ;;
    *) echo "ui-check: unknown argument $1" >&2; exit 2 ;;
  esac
  shift
done
out="${out:-$root/plots/ui-overview.png}"
if ! command -v chromium >/dev/null; then
  echo "ui-check: installing Debian's chromium (apt-get install -y chromium)..." >&2
  apt-get install -y -q chromium >/dev/null || { echo "ui-check: needs chromium (apt-get install -y chromium)" >&2; exit 2; }
fi
if [[ -z "$run" ]]; then
  run=$(ls -t -d "$root"/*/*/stats.dl4j 2>/dev/null | head -1 | xargs -r dirname)
  [[ -n "$run" ]] || { echo "ui-check: no run with statistics under $root (train one with --stats)" >&2; exit 2; }
fi
session="$(basename "$(dirname "$run")")-$(basename "$run")"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
log=$(mktemp) dom=$(mktemp) console=$(mktemp)
"$here/dlp" ui --runs-root "$root" --port "$port" >"$log" 2>&1 &
ui=$!
trap 'kill $ui 2>/dev/null; wait $ui 2>/dev/null || true; rm -f "$log" "$dom" "$console"' EXIT
for _ in $(seq 120); do grep -q "^dlp ui: http" "$log" && break; sleep 0.5; done
grep "^dlp ui: http" "$log" || { cat "$log" >&2; echo "ui-check: the UI did not start" >&2; exit 1; }
base="http://127.0.0.1:$port"
curl -sf "$base/train/sessions/set/$session" >/dev/null || { echo "ui-check: no session $session" >&2; exit 1; }
browse=(chromium --headless --no-sandbox --disable-gpu --virtual-time-budget=10000 --enable-logging=stderr --v=0)
timeout 120 "${browse[@]}" --dump-dom "$base/train/overview" >"$dom" 2>"$console" || true
mkdir -p "$(dirname "$out")"
timeout 120 "${browse[@]}" --window-size=1400,1000 --screenshot="$out" "$base/train/overview" >/dev/null 2>&1 || true
canvases=$(grep -o 'id="scoreiterchart".*' "$dom" | grep -o 'class="flot-base"' | wc -l || true)
errors=$(grep -E 'CONSOLE|Uncaught' "$console" | grep -iE 'error|uncaught' || true)
scores=$(curl -sf "$base/train/overview/data" | python3 -c 'import json,sys; print(len(json.load(sys.stdin)["scores"]))')
echo "session $session: $scores scores served; score chart canvases: $canvases; screenshot: $out"
if [[ -n "$errors" ]]; then
  echo "ui-check: JavaScript errors:" >&2; echo "$errors" >&2; exit 1
fi
if [[ "$canvases" -lt 1 || "$scores" -lt 1 ]]; then
  echo "ui-check: the overview did not render the score chart" >&2; exit 1
fi
echo "ui-check: ok (no JavaScript errors in the console)"
