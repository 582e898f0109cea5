#!/usr/bin/env bash
# bbsd's configuration: -t with good and broken files, flags over the file, and SIGHUP reloading
# the file without dropping connections. Usage: bbsd.sh BBSD BBSCTL
set -u
BBSD=$1 BBSCTL=$2
tmp=$(mktemp -d)
# Started as root, bbsd serves as the user bbs (bbsctl init gives it $tmp/data): it must
# be able to reach $tmp/data.
chmod 711 "$tmp"
pid=
cleanup() { [ -n "$pid" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null; rm -rf "$tmp"; }
trap cleanup EXIT
fails=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }
D=$tmp/data
"$BBSCTL" -d "$D" init >/dev/null || exit 1

cat >"$tmp/good.conf" <<CONF
# the portal's settings
DataDirectory $D
ListenAddress 127.0.0.1
Port 2300
LoginGraceTime 1m
PerSourceMaxStartups 1
CONF
out=$("$BBSD" -f "$tmp/good.conf" -t 2>&1) || fail "-t on a good file: $out"
grep -q "^Port 2300$" <<<"$out" || fail "-t does not print Port 2300: $out"
grep -q "^LoginGraceTime 60$" <<<"$out" || fail "-t: LoginGraceTime: $out"
out=$("$BBSD" -f "$tmp/good.conf" -p 0 -s 7 -t 2>&1)
grep -q "^Port 0$" <<<"$out" && grep -q "^PerSourceMaxStartups 7$" <<<"$out" ||
  fail "flags do not override the file: $out"

printf 'Port 22\nMaxStartups lots\n' >"$tmp/bad.conf"
out=$("$BBSD" -f "$tmp/bad.conf" -d "$D" -t 2>&1); st=$?
[ $st = 2 ] || fail "bad file: exit $st"
grep -q "bad.conf:2: MaxStartups wants" <<<"$out" || fail "bad file message: $out"
out=$("$BBSD" -f "$tmp/missing.conf" -d "$D" -t 2>&1); st=$?
[ $st = 2 ] && grep -q "missing.conf" <<<"$out" || fail "missing file: exit $st: $out"
out=$("$BBSD" -t 2>&1); st=$?
[ $st = 2 ] && grep -q "no data directory" <<<"$out" || fail "no -d: exit $st: $out"
out=$("$BBSD" -d "$D" -Z 2>&1); st=$?
[ $st = 2 ] || fail "unknown flag: exit $st"

# SourceRetentionDays (issue 10): default 30, 0 keeps, bad values refused.
out=$("$BBSD" -d "$D" -t 2>&1)
grep -q "^SourceRetentionDays 30$" <<<"$out" || fail "-t: SourceRetentionDays default: $out"
printf 'SourceRetentionDays 0\n' >"$tmp/ret.conf"
out=$("$BBSD" -f "$tmp/ret.conf" -d "$D" -t 2>&1)
grep -q "^SourceRetentionDays 0$" <<<"$out" || fail "-t: SourceRetentionDays 0: $out"
for bad in -1 x 36501 7d; do
  printf 'SourceRetentionDays %s\n' "$bad" >"$tmp/ret.conf"
  out=$("$BBSD" -f "$tmp/ret.conf" -d "$D" -t 2>&1); st=$?
  [ $st = 2 ] && grep -q "SourceRetentionDays wants" <<<"$out" ||
    fail "SourceRetentionDays $bad: exit $st: $out"
done
# At start bbsd drops source addresses older than the retention period (30 days here): an
# entry of 40 days ago loses its address, one of now keeps it. (The entries are made old by
# hand, which breaks the chain; only the addresses are looked at.)
"$BBSCTL" -d "$D" user add olduser --random-password >/dev/null || fail "user add olduser"
"$BBSCTL" -d "$D" user add newuser --random-password >/dev/null || fail "user add newuser"
python3 - "$D/portal.db" <<'PY' || fail "could not plant old audit entries"
import sqlite3, sys, time
con = sqlite3.connect(sys.argv[1])
con.execute("update audit set at = ?, source = '192.0.2.1' where target = 'user olduser'",
            (int(time.time()) - 40 * 86400,))
con.execute("update audit set source = '192.0.2.2' where target = 'user newuser'")
con.commit()
PY
sources() {
  python3 - "$D/portal.db" <<'PY'
import sqlite3, sys
con = sqlite3.connect(sys.argv[1])
print(" ".join(r[0] or "-" for r in con.execute("select source from audit where target in ('user olduser', 'user newuser') order by id")))
PY
}
[ "$(sources)" = "192.0.2.1 192.0.2.2" ] || fail "planted sources: $(sources)"

# Reload: one unauthenticated connection per source, then three, without a restart.
sed -i 's/^Port 2300$/Port 0/' "$tmp/good.conf"
"$BBSD" -f "$tmp/good.conf" -D 2>"$tmp/log" &
pid=$!
for _ in $(seq 100); do [ -s "$D/bbsd.port" ] && break; sleep 0.1; done
port=$(cat "$D/bbsd.port") || { fail "bbsd did not start"; cat "$tmp/log"; exit 1; }
# banners N: opens N connections from 127.0.0.5 at once, prints how many got an SSH banner.
banners() {
  python3 - "$port" "$1" <<'PY'
import socket, sys
port, n = int(sys.argv[1]), int(sys.argv[2])
socks, got = [], 0
for _ in range(n):
    s = socket.socket()
    s.bind(("127.0.0.5", 0))
    s.settimeout(5)
    s.connect(("127.0.0.1", port))
    socks.append(s)
for s in socks:
    try:
        got += s.recv(64).startswith(b"SSH-2.0-")
    except OSError:
        pass
print(got)
PY
}
for _ in $(seq 100); do [ "$(sources)" = "- 192.0.2.2" ] && break; sleep 0.1; done
[ "$(sources)" = "- 192.0.2.2" ] || fail "SourceRetentionDays: sources after start: $(sources)"
[ "$(banners 3)" = 1 ] || fail "PerSourceMaxStartups 1 not applied"
sed -i 's/^PerSourceMaxStartups 1$/PerSourceMaxStartups 3/' "$tmp/good.conf"
kill -HUP "$pid"
for _ in $(seq 100); do grep -q "reloaded the configuration" "$tmp/log" && break; sleep 0.1; done
grep -q "reloaded the configuration" "$tmp/log" || fail "no reload logged"
# Wait for the first round's sessions to end (their sockets are closed), then try again.
for _ in $(seq 100); do [ "$(banners 3)" = 3 ] && break; sleep 0.1; done
[ "$(banners 3)" = 3 ] || fail "PerSourceMaxStartups 3 not applied after SIGHUP"
kill -0 "$pid" || fail "bbsd died on SIGHUP"
# A broken file on reload keeps the running configuration.
echo "Bogus line" >>"$tmp/good.conf"
kill -HUP "$pid"
for _ in $(seq 100); do grep -q "keeping the current one" "$tmp/log" && break; sleep 0.1; done
grep -q "keeping the current one" "$tmp/log" || fail "a broken reload was not refused"
kill -0 "$pid" || fail "bbsd died on a broken reload"

if [ "$fails" -ne 0 ]; then echo "$fails failures"; cat "$tmp/log"; exit 1; fi
echo "all bbsd configuration checks passed"
