#!/bin/sh
# Runs one libFuzzer target for a while from its seed corpus, without writing into the
# checkout: new inputs go to a temporary directory. A crash fails the run and leaves the
# input that caused it (crash-*) in the build directory; make it a regression test.
# Usage: run.sh FUZZER SEED-CORPUS-DIR [SECONDS]
set -u
fuzzer=$1 seeds=$2 secs=${3:-${FUZZ_SECONDS:-10}}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
"$fuzzer" -max_total_time="$secs" -print_final_stats=1 -timeout=5 -rss_limit_mb=1024 \
  -artifact_prefix="$PWD/" "$work" "$seeds"
