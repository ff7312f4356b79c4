#!/usr/bin/env bash
# A learning-rate x batch-size sweep as a plain shell loop over ./dlp --set: the model for your own batch
# scripts (it does what 'dlp sweep lenet --config mnist-mlp --grid ... --grid ...' does, one point at a time).
#   scripts/sweep-example.sh [RUNS_ROOT]        (default: models)
set -uo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
root="${1:-models}"
tag="example-$(date -u +%Y%m%dT%H%M%SZ)"
failed=0
for lr in 0.001 0.003; do
  for batch in 32 128; do
    name="$tag-lr$lr-b$batch"
    "$here/dlp" lenet --config mnist-mlp -q --runs-root "$root" --run-name "$name" \
      --set train.updater.lr="$lr" --set train.batch_size="$batch" \
      --set train.epochs=2 --set data.train_limit=10000
    code=$?
    case $code in
      0) echo "ok      lr=$lr batch=$batch" ;;
      2) echo "bad input for lr=$lr batch=$batch (see the message above)"; failed=1 ;;
      130|143) echo "interrupted: continue with ./dlp lenet --resume $root/lenet/*-$name"; exit $code ;;
      *) echo "failed  lr=$lr batch=$batch (exit $code)"; failed=1 ;;
    esac
  done
done
# the table of what this loop produced, best test accuracy first
"$here/dlp" runs lenet --runs-root "$root" | grep -E "^(run|.*$tag)" || true
exit $failed
