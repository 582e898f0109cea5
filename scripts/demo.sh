#!/usr/bin/env bash
# Quick start, part one: build the portal and start it with a ready demo.
#
#   ./scripts/demo.sh            data in ./demo-data, listening on 127.0.0.1:2222
#   PORT=2022 DATA=/tmp/p ./scripts/demo.sh
#
# Creates the data directory (SQLite database with seed content, host keys), a sysop account
# with a fresh one-time password (printed below), authorizes your ~/.ssh/*.pub keys for the
# sysop, and runs bbsd in the foreground. Ctrl-C stops it.
set -euo pipefail
cd "$(dirname "$0")/.."

PORT=${PORT:-2222}
DATA=${DATA:-./demo-data}
BUILD=${BUILD:-build}

./scripts/deps.sh
[ -f "$BUILD/build.ninja" ] || meson setup "$BUILD" >/dev/null
ninja -C "$BUILD" >/dev/null

bbsctl=("$BUILD/bbsctl/bbsctl" -d "$DATA")
"${bbsctl[@]}" init

# Run as root, bbsd serves as the user bbs (deps.sh created it; bbsctl init gave it DATA): that
# user must be able to reach the programs and the data directory.
if [ "$(id -u)" -eq 0 ]; then
  for p in "$BUILD/ui/bbs" "$DATA/portal.db"; do
    if ! runuser -u bbs -- test -r "$p"; then
      echo "demo.sh: the user bbs cannot reach $p (a parent directory is closed to it)." >&2
      echo "Put the checkout where it can, or the data elsewhere: DATA=/var/tmp/portal-demo $0" >&2
      exit 1
    fi
  done
fi

if "${bbsctl[@]}" user list | awk 'NR > 1 { print $1 }' | grep -qx sysop; then
  # --no-change-required: the printed password is the demo's, not a sysop's reset.
  pwline=$("${bbsctl[@]}" user password sysop --random-password --no-change-required \
    | grep '^password: ')
else
  pwline=$("${bbsctl[@]}" user add sysop --role sysop --name "Portal sysop" --random-password \
    | grep '^password: ')
fi

# Authorize the invoking user's public keys (the real user's when run through sudo).
home=$HOME
if [ -n "${SUDO_USER:-}" ]; then home=$(getent passwd "$SUDO_USER" | cut -d: -f6); fi
for pub in "$home"/.ssh/*.pub; do
  [ -f "$pub" ] || continue
  "${bbsctl[@]}" key add sysop "$pub" 2>/dev/null | sed 's/^/  /' || true
done

echo
echo "Host key fingerprints:"
"${bbsctl[@]}" hostkey | sed 's/^/  /'
echo
echo "Log in as the sysop with:"
echo "  ssh -p $PORT sysop@localhost"
echo "  one-time ${pwline}   (a new one is made each time this script starts)"
echo
# Loopback only: IPv4, and IPv6 when the machine has it ("localhost" may mean either).
listen=(-l 127.0.0.1)
if [ -s /proc/net/if_inet6 ]; then listen+=(-l ::1); fi
echo "Serving on localhost port $PORT; Ctrl-C stops."
exec "$BUILD/bbsd/bbsd" -d "$DATA" "${listen[@]}" -p "$PORT" -D
