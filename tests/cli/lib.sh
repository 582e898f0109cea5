# Shared by the bbsctl scripts (audit.sh, bbsctl.sh): a scratch directory removed on exit,
# the data directory $D inside it, and the checks that count failures in $fails. Sourced,
# never run; it must not start anything or touch files outside $tmp.
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
D=$tmp/data
fails=0

# expect STATUS DESCRIPTION -- command...   (stdout+stderr kept in $tmp/out)
expect() {
  local want=$1 what=$2; shift 3
  "$@" >"$tmp/out" 2>&1
  local got=$?
  if [ "$got" != "$want" ]; then
    echo "FAIL: $what: exit $got, wanted $want"; sed 's/^/    /' "$tmp/out"; fails=$((fails + 1))
  fi
}
contains() {
  if ! grep -q -- "$1" "$tmp/out"; then
    echo "FAIL: output lacks '$1'"; sed 's/^/    /' "$tmp/out"; fails=$((fails + 1))
  fi
}
lacks() {
  if grep -q -- "$1" "$tmp/out"; then
    echo "FAIL: output has '$1'"; sed 's/^/    /' "$tmp/out"; fails=$((fails + 1))
  fi
}
