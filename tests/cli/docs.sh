#!/usr/bin/env bash
# The manual pages and the example configuration keep up with the programs: every bbsd.conf
# keyword (bbsd/config.c's table) is in bbsd.conf(5) and bbsd.conf.example, every bbsctl
# command (bbsctl/main.c's table) is in bbsctl(8), the example passes `bbsd -t`, and every
# page renders without warnings. Usage: docs.sh SOURCE-ROOT BBSD
set -u
SRC=$1 BBSD=$2
fails=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }

keywords=$(sed -n 's/^\t{ "\([A-Za-z]*\)", kw_[a-z_]* },$/\1/p' "$SRC/bbsd/config.c")
[ "$(wc -w <<<"$keywords")" -ge 10 ] || fail "could not read the keyword table: $keywords"
for k in $keywords; do
  grep -q "^\.B[IR]* $k\b" "$SRC/man/bbsd.conf.5" || fail "bbsd.conf.5 lacks $k"
  grep -q "^#\?$k " "$SRC/contrib/bbsd.conf.example" || fail "bbsd.conf.example lacks $k"
done
# Every keyword, uncommented with the value shown, is accepted.
tmp=$(mktemp)
trap 'rm -f "$tmp"' EXIT
sed 's/^#\([A-Z]\)/\1/' "$SRC/contrib/bbsd.conf.example" >"$tmp"
out=$("$BBSD" -f "$tmp" -t 2>&1) || fail "bbsd -t refuses the example: $out"

commands=$(sed -n 's/^\t{ "\([a-z]*\)", \(NULL\|"\([a-z]*\)"\), cmd_.*/\1 \3/p' "$SRC/bbsctl/main.c" |
  sed 's/ $//' | tr ' ' '_')
[ "$(wc -w <<<"$commands")" -ge 10 ] || fail "could not read the command table: $commands"
for c in $commands; do
  c=${c//_/ }
  grep -q "^\.B[IR]\? \"\?$c\b" "$SRC/man/bbsctl.8" || fail "bbsctl.8 lacks '$c'"
done

if command -v man >/dev/null; then
  for page in "$SRC"/man/*.[0-9]; do
    warn=$(LC_ALL=C.UTF-8 MANWIDTH=80 man --warnings -l "$page" 2>&1 >/dev/null)
    [ -z "$warn" ] || fail "$(basename "$page"): $warn"
  done
fi
[ "$fails" = 0 ] && echo "docs: all passed"
exit $((fails > 0))
