#!/bin/sh
# SSH compression with the real OpenSSH client: `ssh -C` negotiates zlib@openssh.com (which
# only starts after authentication: bbsd never offers pre-authentication zlib) and a command
# works over it; without -C nothing is compressed. ssh -v names the algorithm it chose
# ("debug1: kex: server->client cipher: ... compression: zlib@openssh.com").
# Needs BBSD and BBSCTL (set by meson); skips (77) without ssh.
. "$(dirname "$0")/ssh-lib.sh"
portal_up alice

# verbose NAME SSH-OPTIONS... : `ssh -v OPTIONS alice@host help`, stdout in $tmp/NAME.out, the
# -v log in $tmp/NAME.err
verbose() {
  name=$1; shift
  $SSH -v -i "$tmp/alice" "$@" alice@127.0.0.1 help </dev/null >"$tmp/$name.out" 2>"$tmp/$name.err"
  got=$?
  [ "$got" = 0 ] || { fail "$name: exit $got"; sed 's/^/    err: /' "$tmp/$name.err"; }
  grep -q "digest" "$tmp/$name.out" || { fail "$name: no help text"; sed 's/^/    out: /' "$tmp/$name.out"; }
}

# ssh -C: both directions compressed with zlib@openssh.com.
verbose compressed -C
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
verbose plain -o Compression=no
grep -q "kex: server->client cipher: .* compression: none" "$tmp/plain.err" ||
  { fail "without -C: compression is not none"; grep 'kex: ' "$tmp/plain.err" | sed 's/^/    /'; }

finish "ssh-compress (ssh -C negotiated zlib@openssh.com and ran a command; without -C: none)"
