#!/usr/bin/env bash
# bbsctl's command-line contract, including broken and hostile input.
# Usage: bbsctl.sh PATH-TO-BBSCTL
set -u
BBSCTL=$1
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

expect 2 "no arguments" -- "$BBSCTL"
contains "usage: bbsctl -d DIR"
expect 0 "init" -- "$BBSCTL" -d "$D" init
for k in ed25519 ecdsa rsa; do
  [ "$(stat -c %a "$D/ssh_host_${k}_key")" = 600 ] || { echo "FAIL: host key $k not 0600"; fails=$((fails + 1)); }
done
sum1=$(sha256sum "$D"/ssh_host_*_key)
expect 0 "init again" -- "$BBSCTL" -d "$D" init
[ "$sum1" = "$(sha256sum "$D"/ssh_host_*_key)" ] || { echo "FAIL: init again changed host keys"; fails=$((fails + 1)); }

expect 2 "unknown command" -- "$BBSCTL" -d "$D" frobnicate
contains "unknown command"
expect 2 "user add without a way to log in" -- "$BBSCTL" -d "$D" user add alice
contains "give a way to log in"
expect 2 "bad handle" -- "$BBSCTL" -d "$D" user add 'Alice;rm' --random-password
contains "a handle is"
expect 2 "handle with escape" -- "$BBSCTL" -d "$D" user add $'a\e[2Jb' --random-password
expect 2 "bad role" -- "$BBSCTL" -d "$D" user add alice --role god --random-password
contains "role must be"

printf 'short\n' >"$tmp/pw"
expect 1 "weak password refused" -- bash -c "'$BBSCTL' -d '$D' user add alice --password-stdin < '$tmp/pw'"
expect 1 "no password on stdin" -- bash -c "'$BBSCTL' -d '$D' user add alice --password-stdin < /dev/null"
head -c 2000 /dev/zero | tr '\0' 'x' >"$tmp/pw"
expect 1 "password over 1024 bytes refused" -- bash -c "'$BBSCTL' -d '$D' user add alice --password-stdin < '$tmp/pw'"
printf 'correct horse battery\n' >"$tmp/pw"
expect 0 "user add with password" -- bash -c "'$BBSCTL' -d '$D' user add alice --password-stdin < '$tmp/pw'"
expect 1 "duplicate user" -- bash -c "'$BBSCTL' -d '$D' user add alice --password-stdin < '$tmp/pw'"
contains "already exists"

# Keys: good, weak, broken.
ssh-keygen -q -t ed25519 -N '' -C 'alice laptop' -f "$tmp/k1"
ssh-keygen -q -t rsa -b 1024 -N '' -f "$tmp/weak" 2>/dev/null
printf 'ssh-ed25519 !!!notbase64!!! x\n' >"$tmp/bad.pub"
printf 'command="/bin/sh" %s\n' "$(cat "$tmp/k1.pub")" >"$tmp/opts.pub"
expect 0 "key add" -- "$BBSCTL" -d "$D" key add alice "$tmp/k1.pub"
fp=$(ssh-keygen -lf "$tmp/k1.pub" | awk '{print $2}')
contains "$fp"
expect 1 "same key twice" -- "$BBSCTL" -d "$D" key add alice "$tmp/k1.pub"
expect 1 "1024-bit RSA refused" -- "$BBSCTL" -d "$D" key add alice "$tmp/weak.pub"
contains "2048"
expect 1 "bad base64 refused" -- "$BBSCTL" -d "$D" key add alice "$tmp/bad.pub"
expect 1 "options refused" -- "$BBSCTL" -d "$D" key add alice "$tmp/opts.pub"
expect 1 "missing file" -- "$BBSCTL" -d "$D" key add alice "$tmp/nonexistent.pub"
expect 0 "key list" -- "$BBSCTL" -d "$D" key list alice
contains "$fp"
contains "alice laptop"
expect 1 "key remove unknown" -- "$BBSCTL" -d "$D" key remove alice SHA256:nope
expect 0 "key remove" -- "$BBSCTL" -d "$D" key remove alice "$fp"
expect 0 "key list after remove" -- "$BBSCTL" -d "$D" key list alice
if grep -q -- "$fp" "$tmp/out"; then echo "FAIL: removed key still listed"; fails=$((fails + 1)); fi

# A failed key file leaves no account behind.
expect 1 "user add with bad key" -- "$BBSCTL" -d "$D" user add bob --key "$tmp/bad.pub"
expect 0 "user list" -- "$BBSCTL" -d "$D" user list
if grep -q '^bob ' "$tmp/out"; then echo "FAIL: bob created despite a bad key"; fails=$((fails + 1)); fi

expect 0 "disable" -- "$BBSCTL" -d "$D" user disable alice
expect 0 "user list" -- "$BBSCTL" -d "$D" user list
contains "alice .*disabled"
expect 1 "disable unknown user" -- "$BBSCTL" -d "$D" user disable nobody
contains "no user"
expect 0 "random password" -- "$BBSCTL" -d "$D" user password alice --random-password
contains "^password: "

# Host key fingerprints equal ssh-keygen's.
expect 0 "hostkey" -- "$BBSCTL" -d "$D" hostkey
for k in ed25519 ecdsa rsa; do
  want=$(ssh-keygen -lf "$D/ssh_host_${k}_key" | awk '{print $2}')
  contains "$want"
done
expect 1 "no portal" -- "$BBSCTL" -d "$tmp/none" user list
contains "no portal in"

if [ "$fails" -ne 0 ]; then echo "$fails failures"; exit 1; fi
echo "all bbsctl checks passed"
