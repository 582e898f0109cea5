#!/usr/bin/env bash
# Quick start, part two: build and run the whole test suite.
#
#   ./scripts/test.sh           a normal build, an AddressSanitizer + UBSan build, and the
#                               libFuzzer targets (clang) run for FUZZ_SECONDS each (default 10)
#   SANITIZE=0 ./scripts/test.sh    the normal build only
#
# Prints "N passed, N failed" as its last line (both builds together) and exits non-zero
# if anything failed.
set -uo pipefail
cd "$(dirname "$0")/.."

./scripts/deps.sh || exit 1

builds=(build-test)
[ "${SANITIZE:-1}" = 1 ] && builds+=(build-asan build-fuzz)

status=0
for b in "${builds[@]}"; do
  if [ ! -f "$b/build.ninja" ]; then
    opts=()
    [ "$b" = build-asan ] && opts=(-Db_sanitize=address,undefined -Db_lundef=false)
    [ "$b" = build-fuzz ] && opts=(-Dfuzz=true -Dtests=false -Db_sanitize=address,undefined
      -Db_lundef=false)
    if [ "$b" = build-fuzz ]; then
      CC=clang meson setup "$b" "${opts[@]}" >/dev/null || { echo "meson setup $b failed"; exit 1; }
    else
      meson setup "$b" "${opts[@]}" >/dev/null || { echo "meson setup $b failed"; exit 1; }
    fi
  fi
  echo "== building $b"
  if [ "$b" = build-fuzz ]; then
    # Only the fuzz targets (and the libraries they need) are built with clang here.
    ninja -C "$b" $(cd "$b" && ninja -t targets all | sed -n 's/^\(fuzz\/fuzz-[a-z-]*\): .*/\1/p' | sort -u) ||
      { echo "build $b failed"; exit 1; }
  else
    ninja -C "$b" || { echo "build $b failed"; exit 1; }
  fi
  echo "== testing $b"
  ASAN_OPTIONS=detect_leaks=1 LSAN_OPTIONS=suppressions=$PWD/tests/lsan.supp \
  UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
    meson test -C "$b" --no-rebuild --print-errorlogs --num-processes 2 || status=1
done

python3 - "${builds[@]}" <<'PY'
import json, sys
passed = failed = skipped = 0
for b in sys.argv[1:]:
    try:
        lines = open(f"{b}/meson-logs/testlog.json").read().splitlines()
    except OSError:
        failed += 1
        continue
    for line in lines:
        r = json.loads(line).get("result")
        if r in ("OK", "EXPECTEDFAIL"):
            passed += 1
        elif r == "SKIP":
            skipped += 1
        else:
            failed += 1
print(f"{passed} passed, {failed} failed" + (f", {skipped} skipped" if skipped else ""))
PY
exit $status
