#!/bin/sh
# A short libFuzzer run for the test suite: replays the committed seed corpus, then fuzzes for
# SECONDS.  New inputs go to a scratch folder (never into the source tree); a crash, leak or
# timeout input is kept under ARTIFACTS/ and fails the test.  Add a kept input to
# tests/fuzz/corpus/TARGET/ once fixed, so every later run replays it.
#   run_fuzz.sh FUZZER SEED_DIR ARTIFACTS SECONDS [libFuzzer options...]
set -eu
fuzzer=$1 seeds=$2 artifacts=$3 seconds=$4
shift 4
mkdir -p "$artifacts"
scratch=$(mktemp -d "${TMPDIR:-/tmp}/fuzz-corpus.XXXXXX")
trap 'rm -rf "$scratch"' EXIT
# -timeout: one input taking longer is a finding (a cost that grows with a length, a loop).
# -rss_limit_mb: one input growing the process past this is a finding too.
"$fuzzer" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
  -artifact_prefix="$artifacts/" "$@" "$scratch" "$seeds"
