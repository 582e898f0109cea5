#!/usr/bin/env bash
# bbsctl's command-line contract, including broken and hostile input.
# Usage: bbsctl.sh PATH-TO-BBSCTL [PATH-TO-CHALLENGE-FIXTURE]
set -u
BBSCTL=$1
FIXTURE=${2:-}
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

# The challenge export: bad arguments, then CSV and JSON that parse and round-trip.
expect 2 "export without format" -- "$BBSCTL" -d "$D" challenge export
contains "usage: bbsctl -d DIR challenge export"
expect 2 "export bad format" -- "$BBSCTL" -d "$D" challenge export --format xml
expect 2 "export format without value" -- "$BBSCTL" -d "$D" challenge export --format
expect 2 "export bad question id" -- "$BBSCTL" -d "$D" challenge export --format csv --question 1x
expect 2 "export negative question id" -- "$BBSCTL" -d "$D" challenge export --format csv --question -3
expect 2 "export unknown option" -- "$BBSCTL" -d "$D" challenge export --format csv --frob 1
expect 1 "export unknown question" -- "$BBSCTL" -d "$D" challenge export --format json --question 999
contains "no question 999"
expect 0 "export empty csv" -- "$BBSCTL" -d "$D" challenge export --format csv
contains "What is stopping us making faster progress"
if [ -n "$FIXTURE" ]; then
  expect 0 "user add with region" -- "$BBSCTL" -d "$D" user add carol --random-password --sector Government --region 'Europe'
  expect 0 "user add without region" -- "$BBSCTL" -d "$D" user add dave --random-password --sector 'Civil society'
  expect 0 "moderator" -- "$BBSCTL" -d "$D" user add mona --role moderator --random-password
  hostile=$'Data, "shared"\nacross borders \xc3\xa9\xe2\x82\xac'
  # A title is one line (its newline becomes a space); a body keeps its lines.
  expect 0 "submit hostile title" -- "$FIXTURE" "$D" submit carol global "$hostile" "$hostile"
  c1=$(tr -d '\r\n' <"$tmp/out")
  expect 0 "submit" -- "$FIXTURE" "$D" submit dave technology "Plain title"
  c2=$(tr -d '\r\n' <"$tmp/out")
  expect 0 "submit to be hidden" -- "$FIXTURE" "$D" submit dave national "Secret title"
  c3=$(tr -d '\r\n' <"$tmp/out")
  expect 0 "endorse" -- "$FIXTURE" "$D" endorse dave "$c1"
  expect 0 "hide" -- "$FIXTURE" "$D" hide mona "$c3" "off topic"
  "$BBSCTL" -d "$D" challenge export --format csv >"$tmp/export.csv" 2>"$tmp/err" || { echo "FAIL: export csv"; fails=$((fails + 1)); }
  "$BBSCTL" -d "$D" challenge export --format json --question 1 >"$tmp/export.json" 2>"$tmp/err" || { echo "FAIL: export json"; fails=$((fails + 1)); }
  python3 -m json.tool "$tmp/export.json" >/dev/null || { echo "FAIL: export json does not parse"; fails=$((fails + 1)); }
  if ! python3 - "$tmp/export.csv" "$tmp/export.json" "$hostile" "$c1" "$c2" "$c3" <<'PY'
import csv, json, sys
csv_path, json_path, hostile, c1, c2, c3 = sys.argv[1:]
with open(csv_path, newline='', encoding='utf-8') as f:
    rows = list(csv.reader(f))
tables, cur = [], []
for r in rows:
    if r == []:
        tables.append(cur); cur = []
    else:
        cur.append(r)
tables.append(cur)
assert len(tables) == 4, tables
q, ch, sec, reg = tables
assert q[0] == ['id', 'text', 'opens', 'closes', 'respondents'], q
assert q[1][0] == '1' and q[1][1].startswith('What is stopping us') and q[1][4] == '2', q
assert ch[0] == ['id', 'title', 'body', 'areas', 'endorsements', 'author', 'created', 'hidden',
                 'merged_into', 'thread_id'], ch
recs = [dict(zip(ch[0], r)) for r in ch[1:]]
# Ordered by endorsements, then id.
assert [r['id'] for r in recs] == [c1, c2, c3], recs
assert recs[0]['title'] == hostile.replace('\n', ' '), repr(recs[0]['title'])
assert recs[0]['body'] == hostile, repr(recs[0]['body'])
assert recs[0]['endorsements'] == '1' and recs[0]['areas'] == 'global', recs[0]
assert recs[0]['author'] == 'carol' and recs[0]['created'].endswith('Z'), recs[0]
assert recs[2]['hidden'] == '1' and recs[2]['title'] == '' and recs[2]['body'] == '', recs[2]
assert recs[1]['hidden'] == '0' and recs[1]['areas'] == 'technology', recs[1]
assert sec[0] == ['sector', 'respondents'] and sec[1:] == [['Civil society', '1'], ['Government', '1']], sec
assert reg[0] == ['region', 'respondents'] and reg[1:] == [['Europe', '1'], ['Not stated', '1']], reg
with open(json_path, encoding='utf-8') as f:
    j = json.load(f)
assert j['question']['id'] == 1 and j['question']['respondents'] == 2 and j['question']['opens'] is None
assert [c['id'] for c in j['challenges']] == [int(c1), int(c2), int(c3)]
assert j['challenges'][0]['title'] == hostile.replace('\n', ' ')
assert j['challenges'][0]['body'] == hostile
assert j['challenges'][2]['hidden'] == 1 and j['challenges'][2]['title'] == ''
assert j['respondents_by_region'][1] == {'region': 'Not stated', 'respondents': 1}
PY
  then echo "FAIL: export contents"; fails=$((fails + 1)); fi
  if grep -q "Secret title" "$tmp/export.csv" "$tmp/export.json"; then
    echo "FAIL: a hidden title was exported"; fails=$((fails + 1))
  fi
fi

if [ "$fails" -ne 0 ]; then echo "$fails failures"; exit 1; fi
echo "all bbsctl checks passed"
