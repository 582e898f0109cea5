#!/bin/sh
# bbsd's cryptography policy against the real OpenSSH client: old algorithms (SHA-1 key
# exchange, CBC, hmac-sha1, ssh-rsa signatures for host and user keys) are refused; the
# modern ones and compression after login work; LegacyClients yes lets ssh-rsa back in.
# Every session runs `help` of the command interface, which exits 0.
# Usage: crypto.sh BBSD BBSCTL. Skips (77) without ssh.
set -u
BBSD=$1 BBSCTL=$2
command -v ssh >/dev/null 2>&1 && command -v ssh-keygen >/dev/null 2>&1 ||
  { echo "ssh not installed: skipped"; exit 77; }
tmp=$(mktemp -d)
# Started as root, bbsd serves as the user bbs (bbsctl init gives it $tmp/data): it must
# be able to reach $tmp/data.
chmod 711 "$tmp"
D=$tmp/data
pid=
stop() { [ -n "$pid" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null; pid=; }
cleanup() { stop; rm -rf "$tmp"; }
trap cleanup EXIT INT TERM
fails=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }

"$BBSCTL" -d "$D" init >/dev/null || exit 1
ssh-keygen -q -t ed25519 -N '' -f "$tmp/alice" || exit 1
ssh-keygen -q -t rsa -b 3072 -N '' -f "$tmp/bob" || exit 1
"$BBSCTL" -d "$D" user add alice --key "$tmp/alice.pub" >/dev/null || exit 1
"$BBSCTL" -d "$D" user add bob --key "$tmp/bob.pub" >/dev/null || exit 1

# start [CONFIG]: bbsd on 127.0.0.1, a port of its own choosing; pins all its host keys.
start() {
  rm -f "$D/bbsd.port"
  if [ $# -gt 0 ]; then
    "$BBSD" -f "$1" -d "$D" -l 127.0.0.1 -p 0 -D 2>>"$tmp/bbsd.log" &
  else
    "$BBSD" -d "$D" -l 127.0.0.1 -p 0 -D 2>>"$tmp/bbsd.log" &
  fi
  pid=$!
  i=0
  while [ ! -s "$D/bbsd.port" ]; do
    i=$((i + 1)); [ $i -gt 100 ] && { echo "bbsd did not start"; cat "$tmp/bbsd.log"; exit 1; }
    kill -0 "$pid" 2>/dev/null || { echo "bbsd exited"; cat "$tmp/bbsd.log"; exit 1; }
    sleep 0.1   # waiting for the port file, with a deadline
  done
  port=$(cat "$D/bbsd.port")
  : >"$tmp/known_hosts"
  for k in ed25519 ecdsa rsa; do
    ssh-keygen -y -f "$D/ssh_host_${k}_key" | sed "s/^/[127.0.0.1]:$port /" >>"$tmp/known_hosts" ||
      exit 1
  done
}

# try USER WANT LABEL [SSH-OPTIONS...]: runs `help` as USER; WANT is ok, or a pattern stderr
# must match on a refusal.
try() {
  user=$1 want=$2 label=$3; shift 3
  ssh -F /dev/null -o BatchMode=yes -o IdentitiesOnly=yes -i "$tmp/$user" \
    -o UserKnownHostsFile="$tmp/known_hosts" -o GlobalKnownHostsFile=/dev/null \
    -o StrictHostKeyChecking=yes -o ConnectTimeout=10 -p "$port" "$@" \
    "$user@127.0.0.1" help </dev/null >"$tmp/out" 2>"$tmp/err"
  got=$?
  if [ "$want" = ok ]; then
    if [ $got != 0 ] || ! grep -q "digest" "$tmp/out"; then
      fail "$label: exit $got, wanted a working session"; sed 's/^/    err: /' "$tmp/err"
    fi
  elif [ $got = 0 ] || ! grep -Eq "$want" "$tmp/err"; then
    fail "$label: exit $got, wanted a refusal matching '$want'"; sed 's/^/    err: /' "$tmp/err"
  fi
}

start
try alice "no matching key exchange" "kex diffie-hellman-group1-sha1" \
  -o KexAlgorithms=diffie-hellman-group1-sha1
try alice "no matching key exchange" "kex diffie-hellman-group14-sha1" \
  -o KexAlgorithms=diffie-hellman-group14-sha1
try alice "no matching key exchange" "kex diffie-hellman-group14-sha256 (legacy only)" \
  -o KexAlgorithms=diffie-hellman-group14-sha256
try alice "no matching cipher" "cipher aes128-cbc" -o Ciphers=aes128-cbc
try alice "no matching cipher" "cipher 3des-cbc" -o Ciphers=3des-cbc
try alice "no matching MAC" "MAC hmac-sha1" -o MACs=hmac-sha1 -o Ciphers=aes128-ctr
try alice "no matching host key" "host key ssh-rsa" -o HostKeyAlgorithms=ssh-rsa
# A user key signed with SHA-1: the client finds no signature algorithm in common (the
# server's server-sig-algs lack ssh-rsa) or the server refuses the key; either way no login.
try bob "no matching|no mutual signature|Permission denied" "user key ssh-rsa" \
  -o PubkeyAcceptedKeyTypes=ssh-rsa
try alice ok "defaults"
try bob ok "RSA user key with rsa-sha2"
try alice ok "chacha20-poly1305" -c chacha20-poly1305@openssh.com
try alice ok "aes256-gcm" -c aes256-gcm@openssh.com
try alice ok "aes128-ctr + hmac-sha2-256-etm" -c aes128-ctr -o MACs=hmac-sha2-256-etm@openssh.com
try alice ok "host key rsa-sha2-512" -o HostKeyAlgorithms=rsa-sha2-512
try alice ok "host key ecdsa-sha2-nistp256" -o HostKeyAlgorithms=ecdsa-sha2-nistp256
try alice ok "compression" -C -vv
grep -q "compression: zlib@openssh.com" "$tmp/err" ||
  fail "ssh -C did not get zlib@openssh.com: $(grep -i compression "$tmp/err")"
# Never zlib before authentication: the server's proposal (the second one ssh prints, after
# its own) holds only zlib@openssh.com (after login) and none.
for dir in ctos stoc; do
  offer=$(grep "debug2: compression $dir:" "$tmp/err" | sed -n 2p | tr -d '\r' | sed 's/.*: //')
  [ -n "$offer" ] || fail "no server compression proposal ($dir) in ssh -vv"
  for m in $(echo "$offer" | tr ',' ' '); do
    case $m in zlib@openssh.com|none) ;; *) fail "the server offers $m compression ($dir)";; esac
  done
done
stop

printf 'LegacyClients yes\n' >"$tmp/legacy.conf"
out=$("$BBSD" -f "$tmp/legacy.conf" -d "$D" -t 2>&1)
echo "$out" | grep -q "^LegacyClients yes$" || fail "-t does not show LegacyClients yes: $out"
start "$tmp/legacy.conf"
try alice ok "legacy: host key ssh-rsa" -o HostKeyAlgorithms=ssh-rsa
try bob ok "legacy: user key ssh-rsa" -o PubkeyAcceptedKeyTypes=ssh-rsa
try alice ok "legacy: kex diffie-hellman-group14-sha256" \
  -o KexAlgorithms=diffie-hellman-group14-sha256
try alice "no matching cipher" "legacy: still no aes128-cbc" -o Ciphers=aes128-cbc
try alice "no matching key exchange" "legacy: still no group1-sha1" \
  -o KexAlgorithms=diffie-hellman-group1-sha1
stop

if [ "$fails" -ne 0 ]; then echo "$fails failures"; cat "$tmp/bbsd.log"; exit 1; fi
echo "all cryptography checks passed"
