#!/bin/sh
# SSH compression with the real OpenSSH client: `ssh -C` negotiates zlib@openssh.com (which
# only starts after authentication: bbsd never offers pre-authentication zlib) and a command
# works over it; without -C nothing is compressed. ssh -v names the algorithm it chose
# ("debug1: kex: server->client cipher: ... compression: zlib@openssh.com").
# Needs BBSD and BBSCTL (set by meson); skips (77) without ssh.
set -u
command -v ssh >/dev/null 2>&1 || { echo "ssh not installed: skipped"; exit 77; }
tmp=$(mktemp -d)
# Started as root, bbsd serves as the user bbs (bbsctl init gives it $tmp/data): it must
# be able to reach $tmp/data.
chmod 711 "$tmp"
D=$tmp/data
pid=
cleanup() { [ -n "$pid" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null; rm -rf "$tmp"; }
trap cleanup EXIT INT TERM
fails=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }

"$BBSCTL" -d "$D" init >/dev/null || exit 1
ssh-keygen -q -t ed25519 -N '' -f "$tmp/alice" || exit 1
"$BBSCTL" -d "$D" user add alice --key "$tmp/alice.pub" >/dev/null || exit 1
"$BBSD" -d "$D" -l 127.0.0.1 -p 0 -D 2>"$tmp/bbsd.log" &
pid=$!
i=0
while [ ! -s "$D/bbsd.port" ]; do
  i=$((i + 1)); [ $i -gt 100 ] && { echo "bbsd did not start"; cat "$tmp/bbsd.log"; exit 1; }
  sleep 0.1   # waiting for the port file, with a deadline
done
port=$(cat "$D/bbsd.port")
ssh-keygen -y -f "$D/ssh_host_ed25519_key" | sed "s/^/[127.0.0.1]:$port /" >"$tmp/known_hosts"

# run NAME SSH-OPTIONS... : `ssh -v OPTIONS alice@host help`, stdout in $tmp/NAME.out, the
# -v log in $tmp/NAME.err
run() {
  name=$1; shift
  ssh -v -F /dev/null -o BatchMode=yes -o IdentitiesOnly=yes -i "$tmp/alice" \
    -o UserKnownHostsFile="$tmp/known_hosts" -o StrictHostKeyChecking=yes \
    "$@" -p "$port" alice@127.0.0.1 help </dev/null >"$tmp/$name.out" 2>"$tmp/$name.err"
  got=$?
  [ "$got" = 0 ] || { fail "$name: exit $got"; sed 's/^/    err: /' "$tmp/$name.err"; }
  grep -q "digest" "$tmp/$name.out" || { fail "$name: no help text"; sed 's/^/    out: /' "$tmp/$name.out"; }
}

# ssh -C: both directions compressed with zlib@openssh.com.
run compressed -C
for dir in 'server->client' 'client->server'; do
  if ! grep -q "kex: $dir cipher: .* compression: zlib@openssh.com" "$tmp/compressed.err"; then
    fail "ssh -C: $dir compression is not zlib@openssh.com"
    grep 'kex: ' "$tmp/compressed.err" | sed 's/^/    /'
  fi
done
# OpenSSH reports the compression ratio at the end of a compressed session.
grep -q "compress outgoing" "$tmp/compressed.err" ||
  { fail "ssh -C: no compression statistics (compression never started)"; tail -5 "$tmp/compressed.err" | sed 's/^/    /'; }
# Without -C: no compression.
run plain -o Compression=no
grep -q "kex: server->client cipher: .* compression: none" "$tmp/plain.err" ||
  { fail "without -C: compression is not none"; grep 'kex: ' "$tmp/plain.err" | sed 's/^/    /'; }

if [ "$fails" -ne 0 ]; then
  echo "$fails failures"; echo "--- bbsd log"; cat "$tmp/bbsd.log"; exit 1
fi
echo "ssh -C negotiated zlib@openssh.com and ran a command; without -C: none"
