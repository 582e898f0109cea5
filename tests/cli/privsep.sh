#!/bin/sh
# Least privilege at start (issue 8). Started as root, bbsd refuses a User that does not exist
# or is root, and a host key that group or others can read (or that root owns); with a usable
# User it serves as that user, as do its sessions. bbsctl init, run as root, gives the data
# directory and its files to the service user, and files SQLite creates for root stay that
# user's. Started as an ordinary user, bbsd needs no User at all.
# Usage: privsep.sh BBSD BBSCTL. Skipped (77) when not run as root.
BBSD=$1 BBSCTL=$2
. "$(dirname "$0")/lib.sh"
if [ "$(id -u)" -ne 0 ]; then echo "not root: nothing to drop"; exit 77; fi
getent passwd bbs >/dev/null || { echo "FAIL: no user bbs (scripts/deps.sh creates it)"; exit 1; }
bbs_uid=$(id -u bbs)
chmod 711 "$tmp"   # the user bbs must reach $tmp/data

owner() { stat -c %U "$1"; }
# start ARGS...: bbsd in the background on a port of its own; $pid, or fails.
start() {
  rm -f "$D/bbsd.port"
  "$BBSD" -d "$D" -l 127.0.0.1 -p 0 -D "$@" 2>"$tmp/bbsd.log" &
  pid=$!
  for _ in $(seq 100); do [ -s "$D/bbsd.port" ] && return 0; sleep 0.1; done
  echo "FAIL: bbsd did not start"; cat "$tmp/bbsd.log"; fails=$((fails + 1)); return 1
}
stop() { kill "$pid"; wait "$pid" 2>/dev/null; }

expect 0 "init as root" -- "$BBSCTL" -d "$D" init
[ "$(owner "$D")" = bbs ] || { echo "FAIL: init left $D to $(owner "$D")"; fails=$((fails + 1)); }
for f in "$D"/ssh_host_*_key "$D/portal.db"; do
  [ "$(owner "$f")" = bbs ] && [ "$(stat -c %a "$f")" = 600 ] ||
    { echo "FAIL: $f is $(stat -c '%U %a' "$f"), wanted bbs 600"; fails=$((fails + 1)); }
done
expect 1 "init --user of nobody known" -- "$BBSCTL" -d "$tmp/other" init --user no-such-user-x
contains "no user no-such-user-x"
expect 0 "user add as root" -- "$BBSCTL" -d "$D" user add alice --random-password

# bbsd -t shows the setting; a broken one is refused.
expect 0 "-t" -- "$BBSD" -d "$D" -t
contains "^User bbs$"
printf 'User -rf\n' >"$tmp/bad.conf"
expect 2 "a User that is no name" -- "$BBSD" -f "$tmp/bad.conf" -d "$D" -t
contains "User wants a user name"

# No usable service user: a clear error, and nothing served.
printf 'User no-such-user-x\n' >"$tmp/nouser.conf"
expect 1 "a User that does not exist" -- "$BBSD" -f "$tmp/nouser.conf" -d "$D" -l 127.0.0.1 -p 0 -D
contains "service user 'no-such-user-x' (User) does not exist"
contains "will not serve as root"
printf 'User root\n' >"$tmp/root.conf"
expect 1 "User root" -- "$BBSD" -f "$tmp/root.conf" -d "$D" -l 127.0.0.1 -p 0 -D
contains "will not serve as root"
[ ! -e "$D/bbsd.port" ] || { echo "FAIL: bbsd listened"; fails=$((fails + 1)); }

# Host keys: group- or world-readable, or root's, are refused (never repaired).
k=$D/ssh_host_ecdsa_key
chmod 644 "$k"
expect 1 "a host key of mode 0644" -- "$BBSD" -d "$D" -l 127.0.0.1 -p 0 -D
contains "mode 0644"
contains "must not be readable by group or others"
[ "$(stat -c %a "$k")" = 644 ] || { echo "FAIL: the mode was changed"; fails=$((fails + 1)); }
chmod 640 "$k"
expect 1 "a host key of mode 0640" -- "$BBSD" -d "$D" -l 127.0.0.1 -p 0 -D
contains "mode 0640"
chmod 600 "$k"
chown root "$k"
expect 1 "one host key of root among the service user's" -- "$BBSD" -d "$D" -l 127.0.0.1 -p 0 -D
contains "owned by uid 0"
chown bbs "$k"

# Host keys that all belong to root are read before the drop, and the service user cannot
# read them; bbsctl init keeps them root's.
chown root "$D"/ssh_host_*_key
expect 0 "init again with root's host keys" -- "$BBSCTL" -d "$D" init
for f in "$D"/ssh_host_*_key; do
  [ "$(owner "$f")" = root ] || { echo "FAIL: init gave $f to $(owner "$f")"; fails=$((fails + 1)); }
  if setpriv --reuid bbs --regid bbs --clear-groups -- cat "$f" >/dev/null 2>&1; then
    echo "FAIL: the user bbs can read $f"; fails=$((fails + 1))
  fi
done
if start; then
  grep -q "^Uid:	$bbs_uid	$bbs_uid	$bbs_uid	$bbs_uid" "/proc/$pid/status" ||
    { echo "FAIL: bbsd with root's keys is not bbs"; fails=$((fails + 1)); }
  stop
fi
chown bbs "$D"/ssh_host_*_key

# A data directory the service user cannot use.
mkdir -m 700 "$tmp/rootdir"
expect 1 "a data directory of root" -- "$BBSD" -d "$tmp/rootdir" -l 127.0.0.1 -p 0 -D
contains "user bbs cannot use the data directory"

# Serving: the listener and the session processes run as bbs, every id.
if start; then
  for id in Uid Gid; do
    line=$(grep "^$id:" "/proc/$pid/status")
    want=$([ $id = Uid ] && echo "$bbs_uid" || id -g bbs)
    [ "$(echo "$line" | awk '{ print $2 $3 $4 $5 }')" = "$want$want$want$want" ] ||
      { echo "FAIL: listener $line, wanted $want"; fails=$((fails + 1)); }
  done
  grep -q "serving as user bbs" "$tmp/bbsd.log" || { echo "FAIL: no 'serving as' line"; fails=$((fails + 1)); }
  [ "$(owner "$D/bbsd.pid")" = bbs ] || { echo "FAIL: bbsd.pid is not bbs's"; fails=$((fails + 1)); }
  # Files SQLite makes for a root bbsctl while the database is in use go to its owner.
  python3 - "$D/portal.db" <<'PY' >"$tmp/out" 2>&1 || { echo "FAIL: python"; cat "$tmp/out"; fails=$((fails + 1)); }
import os, sqlite3, sys
c = sqlite3.connect(sys.argv[1])
c.execute("select count(*) from users").fetchall()
for suffix in ("-wal", "-shm"):
    st = os.stat(sys.argv[1] + suffix)
    print(suffix, st.st_uid)
PY
  [ "$(grep -c " $bbs_uid\$" "$tmp/out")" = 2 ] || { echo "FAIL: -wal/-shm owners:"; cat "$tmp/out"; fails=$((fails + 1)); }
  stop
fi
[ -z "$(find "$D" -user root)" ] || { echo "FAIL: root owns files:"; find "$D" -user root; fails=$((fails + 1)); }

# A restore run by root: the restored database is bbs's.
expect 0 "backup" -- "$BBSCTL" -d "$D" backup "$tmp/b.db"
expect 0 "restore as root" -- "$BBSCTL" -d "$D" restore "$tmp/b.db"
[ "$(owner "$D/portal.db")" = bbs ] || { echo "FAIL: restore left portal.db to $(owner "$D/portal.db")"; fails=$((fails + 1)); }

# Started as an ordinary user, bbsd is already unprivileged: no User needed, none looked up.
rm -f "$D/bbsd.port"
setpriv --reuid bbs --regid bbs --clear-groups -- "$BBSD" -f "$tmp/nouser.conf" -d "$D" -l 127.0.0.1 -p 0 -D 2>"$tmp/bbsd.log" &
pid=$!
for _ in $(seq 100); do [ -s "$D/bbsd.port" ] && break; sleep 0.1; done
if [ -s "$D/bbsd.port" ]; then
  grep -q "^Uid:	$bbs_uid	" "/proc/$pid/status" || { echo "FAIL: not bbs"; fails=$((fails + 1)); }
  kill "$pid"; wait "$pid" 2>/dev/null
else
  echo "FAIL: bbsd started as bbs did not serve"; cat "$tmp/bbsd.log"; fails=$((fails + 1))
  kill "$pid" 2>/dev/null
fi

[ "$fails" -eq 0 ] && echo "all privilege checks passed"
[ "$fails" -eq 0 ]
