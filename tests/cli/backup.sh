#!/usr/bin/env bash
# bbsctl backup and restore: a consistent copy while three members post, the copy put back
# into a new data directory and over a live one, and every kind of bad input.
# Usage: backup.sh BBSCTL BACKUP-FIXTURE BBSD
set -u
BBSCTL=$1 FIX=$2 BBSD=$3
tmp=$(mktemp -d)
# Started as root, bbsd serves as the user bbs (bbsctl init gives it $tmp/data): it must
# be able to reach $tmp/data.
chmod 711 "$tmp"
pids=()
cleanup() {
  touch "$tmp/stop"
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null; wait "$p" 2>/dev/null; done
  rm -rf "$tmp"
}
trap cleanup EXIT
fails=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }
D=$tmp/data

# expect STATUS DESCRIPTION -- command...   (stdout+stderr kept in $tmp/out)
expect() {
  local want=$1 what=$2; shift 3
  "$@" >"$tmp/out" 2>&1
  local got=$?
  if [ "$got" != "$want" ]; then
    fail "$what: exit $got, wanted $want"; sed 's/^/    /' "$tmp/out"
  fi
}
contains() {
  grep -q -- "$1" "$tmp/out" || { fail "output lacks '$1'"; sed 's/^/    /' "$tmp/out"; }
}
# lines FILE: how many whole lines FILE has (0 if it does not exist)
lines() { [ -f "$1" ] && wc -l <"$1" || echo 0; }

"$BBSCTL" -d "$D" init >/dev/null || exit 1
printf 'correct horse battery\n' | "$BBSCTL" -d "$D" user add writer --password-stdin >/dev/null || exit 1
# About 12 MB of posts first, so that the copy takes many steps of the backup API.
"$FIX" "$D" fill writer 200 || { echo "fill failed"; exit 1; }

# ---- usage ----
expect 2 "backup without a file" -- "$BBSCTL" -d "$D" backup
contains "usage: bbsctl -d DIR backup FILE"
expect 2 "backup with two files" -- "$BBSCTL" -d "$D" backup a b
expect 2 "restore without a file" -- "$BBSCTL" -d "$D" restore
contains "usage: bbsctl -d DIR restore FILE"

# ---- a backup while three writers post ----
for k in 1 2 3; do
  "$FIX" "$D" write writer "$k" "$tmp/acks$k" "$tmp/stop" &
  pids+=($!)
done
for _ in $(seq 300); do
  [ "$(lines "$tmp/acks1")" -ge 3 ] && [ "$(lines "$tmp/acks2")" -ge 3 ] &&
    [ "$(lines "$tmp/acks3")" -ge 3 ] && break
  sleep 0.1
done
# Every post acknowledged before the backup began must be in it.
cat "$tmp"/acks1 "$tmp"/acks2 "$tmp"/acks3 >"$tmp/before"
expect 0 "backup while writers post" -- "$BBSCTL" -d "$D" backup "$tmp/b.db"
contains "integrity check ok"
cat "$tmp"/acks1 "$tmp"/acks2 "$tmp"/acks3 >"$tmp/after"
for k in 1 2 3; do
  [ "$(lines "$tmp/acks$k")" -ge 3 ] || fail "writer $k never got to post"
done
# The writers were not held up by the copy (WAL: readers never block writers).
[ "$(lines "$tmp/after")" -gt "$(lines "$tmp/before")" ] ||
  fail "no post was acknowledged while the backup ran"
[ "$(stat -c %a "$tmp/b.db")" = 600 ] || fail "backup mode is $(stat -c %a "$tmp/b.db"), not 600"
[ -e "$tmp/b.db.tmp" ] && fail "b.db.tmp left behind"
[ -e "$tmp/b.db-wal" ] || [ -e "$tmp/b.db-journal" ] && fail "the backup is not one self-contained file"

# A second backup to the same name is refused, and the first is left as it was.
sum=$(sha256sum <"$tmp/b.db")
expect 1 "backup over an existing file" -- "$BBSCTL" -d "$D" backup "$tmp/b.db"
contains "exists"
[ "$sum" = "$(sha256sum <"$tmp/b.db")" ] || fail "a refused backup changed the existing file"
: >"$tmp/c.db.tmp"
expect 1 "backup when FILE.tmp exists" -- "$BBSCTL" -d "$D" backup "$tmp/c.db"
contains "c.db.tmp"
[ -e "$tmp/c.db" ] && fail "refused backup created c.db"
rm -f "$tmp/c.db.tmp"
expect 1 "backup of a directory without a portal" -- "$BBSCTL" -d "$tmp/nowhere" backup "$tmp/x.db"
contains "no database"
expect 1 "backup into a missing directory" -- "$BBSCTL" -d "$D" backup "$tmp/no/such/dir/x.db"

# Restore while members still post: refused, nothing changed.
expect 1 "restore while the database is in use" -- "$BBSCTL" -d "$D" restore "$tmp/b.db"
contains "in use"
touch "$tmp/stop"
for p in "${pids[@]}"; do wait "$p" || fail "a writer failed"; done
pids=()
rm -f "$tmp/stop"

# The backup as such: integrity, and every acknowledged post with its text.
cp "$tmp/b.db" "$tmp/check.db"
n=$("$FIX" "$tmp/check.db" check "$tmp/before") || fail "posts acknowledged before the backup are missing"
echo "backup holds all $n posts acknowledged before it began"

# ---- restore into a new data directory, and read it back ----
F=$tmp/fresh
expect 0 "restore into a new directory" -- "$BBSCTL" -d "$F" restore "$tmp/b.db"
contains "restored"
[ "$(stat -c %a "$F/portal.db")" = 600 ] || fail "restored database mode is not 600"
n2=$("$FIX" "$F/portal.db" check "$tmp/before" 2>&1) || fail "restored copy lacks posts: $n2"
expect 0 "user list of the restored portal" -- "$BBSCTL" -d "$F" user list
contains "writer"
ls "$F" | grep -q before-restore && fail "a new directory got a before-restore copy"
ls "$F" | grep -q restore-tmp && fail "restore-tmp left behind"

# ---- restore over the live portal, after the writers stopped ----
expect 0 "restore over the portal" -- "$BBSCTL" -d "$D" restore "$tmp/b.db"
contains "kept as"
kept=$(ls "$D" | grep '^portal.db.before-restore-[0-9]\{8\}T[0-9]\{6\}Z$')
[ -n "$kept" ] || fail "no portal.db.before-restore-TIMESTAMP"
# The kept copy has everything, including the posts after the backup; the portal has the backup.
cp "$D/$kept" "$tmp/kept.db"
"$FIX" "$tmp/kept.db" check "$tmp/after" >/dev/null || fail "the kept copy lost posts"
"$FIX" "$D/portal.db" check "$tmp/before" >/dev/null || fail "the restored portal lacks posts"
cat "$tmp"/acks1 "$tmp"/acks2 "$tmp"/acks3 | sort -n | tail -1 >"$tmp/last"
if ! grep -qxFf "$tmp/last" "$tmp/before"; then
  "$FIX" "$D/portal.db" check "$tmp/last" >/dev/null 2>&1 && fail "a post written after the backup survived the restore"
fi

# ---- refusals ----
cp "$tmp/b.db" "$tmp/good.db"
sum=$(sha256sum <"$D/portal.db")
expect 1 "restore a missing file" -- "$BBSCTL" -d "$D" restore "$tmp/missing.db"
contains "missing.db"
printf 'this is not a database\n%.0s' $(seq 200) >"$tmp/text.db"
expect 1 "restore a text file" -- "$BBSCTL" -d "$D" restore "$tmp/text.db"
contains "not an SQLite database"
head -c $(( $(stat -c %s "$tmp/good.db") / 2 + 100 )) "$tmp/good.db" >"$tmp/trunc.db"
expect 1 "restore a truncated copy" -- "$BBSCTL" -d "$D" restore "$tmp/trunc.db"
head -c 4096 "$tmp/good.db" >"$tmp/trunc1.db"
expect 1 "restore only the first page" -- "$BBSCTL" -d "$D" restore "$tmp/trunc1.db"
: >"$tmp/empty.db"
expect 1 "restore an empty file" -- "$BBSCTL" -d "$D" restore "$tmp/empty.db"
contains "not one of the portal"
# PRAGMA user_version is the big-endian 32-bit number at byte 60 of the header.
cp "$tmp/good.db" "$tmp/newer.db"
printf '\x00\x00\x03\xe7' | dd of="$tmp/newer.db" bs=1 seek=60 conv=notrunc status=none
expect 1 "restore a database from a newer schema" -- "$BBSCTL" -d "$D" restore "$tmp/newer.db"
contains "schema version 999, newer"
cp "$tmp/good.db" "$tmp/zero.db"
printf '\x00\x00\x00\x00' | dd of="$tmp/zero.db" bs=1 seek=60 conv=notrunc status=none
expect 1 "restore a database with schema version 0" -- "$BBSCTL" -d "$D" restore "$tmp/zero.db"
expect 1 "restore a directory" -- "$BBSCTL" -d "$D" restore "$tmp"
[ "$sum" = "$(sha256sum <"$D/portal.db")" ] || fail "a refused restore changed portal.db"
[ "$(sha256sum <"$tmp/good.db")" = "$(sha256sum <"$tmp/b.db")" ] || fail "restore changed its input"

# A session holding the database open (as every member's does) blocks a restore.
"$FIX" "$D" hold "$tmp/ready" "$tmp/stop" &
pids+=($!)
for _ in $(seq 100); do [ -e "$tmp/ready" ] && break; sleep 0.1; done
expect 1 "restore while a session has the database open" -- "$BBSCTL" -d "$D" restore "$tmp/good.db"
contains "in use"
touch "$tmp/stop"
wait "${pids[@]}"
pids=()
rm -f "$tmp/stop"

# A running bbsd (it holds DIR/bbsd.pid locked; -p 0 so that we know when it listens) blocks a
# restore, even with no member connected; a stale bbsd.port or bbsd.pid left by a crash does not.
"$BBSD" -d "$D" -l 127.0.0.1 -p 0 -D 2>"$tmp/bbsd.log" &
pids+=($!)
for _ in $(seq 100); do [ -s "$D/bbsd.port" ] && break; sleep 0.1; done
[ -s "$D/bbsd.port" ] || { fail "bbsd did not start"; cat "$tmp/bbsd.log"; }
expect 1 "restore while bbsd runs" -- "$BBSCTL" -d "$D" restore "$tmp/good.db"
contains "bbsd is running"
expect 0 "backup while bbsd runs" -- "$BBSCTL" -d "$D" backup "$tmp/b2.db"
kill "${pids[@]}"
wait "${pids[@]}"
pids=()
[ "$sum" = "$(sha256sum <"$D/portal.db")" ] || fail "a refused restore changed portal.db"

echo 12345 >"$D/bbsd.port"
# After bbsd stopped: the restore goes through, and bbsd serves the restored portal.
expect 0 "restore after bbsd stopped" -- "$BBSCTL" -d "$D" restore "$tmp/b2.db"
[ "$(ls "$D" | grep -c before-restore)" = 2 ] || fail "second restore did not keep a copy"
expect 0 "the restored portal opens" -- "$BBSCTL" -d "$D" user list
contains "writer"

# A backup from an older schema is migrated forward on restore.
"$FIX" "$tmp/v1.db" old 1 2>/dev/null || fail "cannot make a schema 1 database"
expect 0 "restore a schema 1 database" -- "$BBSCTL" -d "$tmp/old" restore "$tmp/v1.db"
contains "schema version 1, migrated to"
expect 0 "the migrated portal works" -- "$BBSCTL" -d "$tmp/old" user add bob --random-password

[ "$fails" = 0 ] && echo "backup: all passed"
exit $((fails > 0))
