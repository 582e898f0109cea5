#!/usr/bin/env bash
# bbsctl's command-line contract, including broken and hostile input.
# Usage: bbsctl.sh PATH-TO-BBSCTL [PATH-TO-CHALLENGE-FIXTURE [PATH-TO-APPLY-FIXTURE]]
set -u
BBSCTL=$1
FIXTURE=${2:-}
APPLY=${3:-}
. "$(dirname "$0")/lib.sh"   # $tmp, $D, $fails, expect, contains, lacks

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

# ---- membership (issue 5) ----
no_escape() {
  if grep -q $'\e' "$tmp/out"; then echo "FAIL: a raw ESC reached the terminal ($1)"; fails=$((fails + 1)); fi
}
jfield() { python3 -c 'import json,sys; j=json.load(open(sys.argv[1])); print(j["profile"][sys.argv[2]])' "$@"; }

# Reserved handles.
expect 2 "user add guest" -- "$BBSCTL" -d "$D" user add guest --random-password
contains "reserved"
expect 2 "user add join" -- "$BBSCTL" -d "$D" user add join --random-password
contains "reserved"

# A sysop's reset forces a change at the next login; --no-change-required sets it for good.
expect 0 "enable alice" -- "$BBSCTL" -d "$D" user enable alice
expect 0 "reset password" -- bash -c "'$BBSCTL' -d '$D' user password alice --password-stdin < '$tmp/pw'"
contains "must choose a new one"
expect 0 "export alice" -- "$BBSCTL" -d "$D" user export alice --output "$tmp/alice1.json"
[ "$(jfield "$tmp/alice1.json" must_change_password)" = True ] || { echo "FAIL: reset did not force a change"; fails=$((fails + 1)); }
expect 0 "password for good" -- "$BBSCTL" -d "$D" user password alice --random-password --no-change-required
contains "^password: "
lacks "must choose"
expect 0 "export alice again" -- "$BBSCTL" -d "$D" user export alice --output "$tmp/alice2.json"
[ "$(jfield "$tmp/alice2.json" must_change_password)" = False ] || { echo "FAIL: --no-change-required still forces a change"; fails=$((fails + 1)); }
expect 2 "password: unknown option" -- "$BBSCTL" -d "$D" user password alice --random-password --frob
expect 2 "password: two sources" -- "$BBSCTL" -d "$D" user password alice --random-password --password-stdin
expect 2 "password: flag only" -- "$BBSCTL" -d "$D" user password alice --no-change-required
expect 1 "password: unknown user" -- "$BBSCTL" -d "$D" user password nobody --random-password
contains "no user"

# user export: JSON without the password hash, 0600, never over an existing file.
[ "$(stat -c %a "$tmp/alice1.json")" = 600 ] || { echo "FAIL: export not 0600"; fails=$((fails + 1)); }
python3 -m json.tool "$tmp/alice1.json" >/dev/null || { echo "FAIL: export is not JSON"; fails=$((fails + 1)); }
if grep -q 'argon2' "$tmp/alice1.json"; then echo "FAIL: export holds the password hash"; fails=$((fails + 1)); fi
echo precious >"$tmp/exists.json"
expect 1 "export over an existing file" -- "$BBSCTL" -d "$D" user export alice --output "$tmp/exists.json"
contains "never overwrites"
[ "$(cat "$tmp/exists.json")" = precious ] || { echo "FAIL: export overwrote a file"; fails=$((fails + 1)); }
ln -s "$tmp/target.json" "$tmp/link.json"
expect 1 "export through a symlink" -- "$BBSCTL" -d "$D" user export alice --output "$tmp/link.json"
[ ! -e "$tmp/target.json" ] || { echo "FAIL: export followed a symlink"; fails=$((fails + 1)); }
expect 1 "export unknown user" -- "$BBSCTL" -d "$D" user export nobody
contains "no user"
expect 2 "export bad option" -- "$BBSCTL" -d "$D" user export alice --out x
expect 0 "export to stdout" -- "$BBSCTL" -d "$D" user export alice
contains '"handle": *"alice"'

# Invites.
expect 0 "invite create" -- "$BBSCTL" -d "$D" invite create --note $'for Ann \e[31mred' --organisation 'Ministry of Examples' --sector government --role moderator
contains "invite 1 created (moderator)"
contains "join@HOST"
no_escape "invite create"
code=$(sed -n 's/^code: //p' "$tmp/out")
if ! [[ $code =~ ^[2-9A-HJKMNP-Z]{4}-[2-9A-HJKMNP-Z]{4}-[2-9A-HJKMNP-Z]{4}-[2-9A-HJKMNP-Z]{4}$ ]]; then
  echo "FAIL: invite code '$code' has the wrong form"; fails=$((fails + 1))
fi
want=$(date -u -d '+14 days' +%Y-%m-%d)
contains "valid until $want"
# Only the hash is kept: the code is nowhere in the data directory.
if [ -n "$code" ] && grep -rqa -- "$code" "$D"; then echo "FAIL: the invite code is stored"; fails=$((fails + 1)); fi
if [ -n "$code" ] && grep -rqa -- "${code//-/}" "$D"; then echo "FAIL: the invite code is stored"; fails=$((fails + 1)); fi
expect 0 "invite create 1 day" -- "$BBSCTL" -d "$D" invite create --expires 1
contains "valid until $(date -u -d '+1 day' +%Y-%m-%d)"
code2=$(sed -n 's/^code: //p' "$tmp/out")
[ "$code" != "$code2" ] || { echo "FAIL: two invites, one code"; fails=$((fails + 1)); }
expect 0 "invite create 365 days" -- "$BBSCTL" -d "$D" invite create --expires 365
for bad in 0 366 -3 1x '' abc 99999999999999999999 ' 5'; do
  expect 2 "invite --expires '$bad'" -- "$BBSCTL" -d "$D" invite create --expires "$bad"
  contains "from 1 to 365"
done
expect 2 "invite bad role" -- "$BBSCTL" -d "$D" invite create --role god
contains "role must be"
expect 2 "invite bad sector" -- "$BBSCTL" -d "$D" invite create --sector Mafia
contains "sector must be one of"
expect 2 "invite option without value" -- "$BBSCTL" -d "$D" invite create --note
expect 2 "invite unknown option" -- "$BBSCTL" -d "$D" invite create --frob 1
expect 1 "invite note too long" -- "$BBSCTL" -d "$D" invite create --note "$(head -c 300 /dev/zero | tr '\0' n)"
contains "too long"
expect 0 "invite list" -- "$BBSCTL" -d "$D" invite list
contains "^1 .*valid .*moderator .*organisation: Ministry of Examples; sector: Government; note: for Ann"
contains "^2 .*valid .*member"
no_escape "invite list"
[ "$(grep -c valid "$tmp/out")" = 3 ] || { echo "FAIL: invite list has not 3 invites"; fails=$((fails + 1)); }
expect 0 "invite revoke" -- "$BBSCTL" -d "$D" invite revoke 2
contains "invite 2 revoked"
expect 0 "invite revoke twice" -- "$BBSCTL" -d "$D" invite revoke 2
expect 1 "invite revoke unknown" -- "$BBSCTL" -d "$D" invite revoke 999
contains "no invite 999"
expect 2 "invite revoke not a number" -- "$BBSCTL" -d "$D" invite revoke 2x
expect 2 "invite revoke nothing" -- "$BBSCTL" -d "$D" invite revoke
expect 0 "invite list after revoke" -- "$BBSCTL" -d "$D" invite list
contains "^2 .*revoked"

# Registration mode.
expect 0 "registration" -- "$BBSCTL" -d "$D" registration
contains "registration: open"
expect 0 "registration invite" -- "$BBSCTL" -d "$D" registration invite
contains "registration: invite"
expect 0 "registration shows invite" -- "$BBSCTL" -d "$D" registration
contains "registration: invite"
expect 2 "registration bad mode" -- "$BBSCTL" -d "$D" registration sometimes
expect 2 "registration two words" -- "$BBSCTL" -d "$D" registration open closed
expect 0 "registration closed" -- "$BBSCTL" -d "$D" registration closed
contains "no new members"

# Applications (submitted by the fixture, as a guest would in the UI).
if [ -n "$APPLY" ]; then
  expect 1 "apply while closed" -- "$APPLY" "$D" penny "Penny" "why" --password "$(cat "$tmp/pw")"
  expect 0 "registration open" -- "$BBSCTL" -d "$D" registration open
  hostile=$'I want to help.\n\e[2J\e]0;pwned\aSecond line \xc3\xa9'
  expect 0 "apply penny" -- "$APPLY" "$D" penny $'Penny \e[1mBold' "$hostile" --key "$tmp/k1.pub"
  expect 0 "apply dora" -- "$APPLY" "$D" dora "Dora" "because" --password "$(cat "$tmp/pw")"
  expect 0 "application list" -- "$BBSCTL" -d "$D" application list
  contains "^penny .*pending"
  contains "^dora .*pending"
  no_escape "application list"
  expect 0 "application show" -- "$BBSCTL" -d "$D" application show penny
  for f in "handle .*penny" "status .*pending" "name .*Penny" "organisation .*Example Org" \
           "sector .*Civil society" "country .*Narnia" "contact .*applicant@example.org" \
           "log in with .*key $fp" "applied .*UTC" "reason .*I want to help." "Second line é"; do
    contains "$f"
  done
  no_escape "application show"
  lacks "decided"
  expect 1 "application show unknown" -- "$BBSCTL" -d "$D" application show nobody
  contains "no application from 'nobody'"
  expect 1 "application show a member who never applied" -- "$BBSCTL" -d "$D" application show alice
  expect 2 "application list bad option" -- "$BBSCTL" -d "$D" application list --pending
  expect 0 "approve" -- "$BBSCTL" -d "$D" application approve penny
  contains "accepted"
  expect 1 "approve twice" -- "$BBSCTL" -d "$D" application approve penny
  contains "decided already (accepted)"
  expect 1 "decline after approve" -- "$BBSCTL" -d "$D" application decline penny
  expect 1 "approve unknown" -- "$BBSCTL" -d "$D" application approve nobody
  contains "no application from 'nobody'"
  expect 1 "approve hostile handle" -- "$BBSCTL" -d "$D" application approve $'x\e[2J'
  no_escape "approve hostile handle"
  expect 0 "decline" -- "$BBSCTL" -d "$D" application decline dora
  contains "declined"
  expect 1 "decline twice" -- "$BBSCTL" -d "$D" application decline dora
  contains "decided already (declined)"
  expect 0 "application list after decisions" -- "$BBSCTL" -d "$D" application list
  contains "no applications waiting"
  expect 0 "application list --all" -- "$BBSCTL" -d "$D" application list --all
  contains "^penny .*active"
  contains "^dora .*declined"
  expect 0 "application show decided" -- "$BBSCTL" -d "$D" application show penny
  contains "decided .*by the console"
  expect 0 "user list shows the statuses" -- "$BBSCTL" -d "$D" user list
  contains "^penny .*active"
  contains "^dora .*declined"
fi

# Announcements: the body from stdin, refused whole when too big or not UTF-8.
printf 'The portal moves.\nDetails follow.\n' >"$tmp/body"
expect 0 "announce" -- bash -c "'$BBSCTL' -d '$D' announce --title 'Moving day' < '$tmp/body'"
contains "announcement 1 posted"
printf 'bad \xff\xfe text\n' >"$tmp/body"
expect 1 "announce invalid UTF-8" -- bash -c "'$BBSCTL' -d '$D' announce --title 'Bad' < '$tmp/body'"
contains "not valid UTF-8"
head -c 65537 /dev/zero | tr '\0' a >"$tmp/body"
expect 1 "announce too big" -- bash -c "'$BBSCTL' -d '$D' announce --title 'Big' < '$tmp/body'"
contains "longer than 65536"
head -c 3000000 /dev/zero | tr '\0' a >"$tmp/body"
expect 1 "announce far too big" -- bash -c "'$BBSCTL' -d '$D' announce --title 'Bigger' < '$tmp/body'"
printf 'a\0b\n' >"$tmp/body"
expect 1 "announce with NUL" -- bash -c "'$BBSCTL' -d '$D' announce --title 'Nul' < '$tmp/body'"
expect 1 "announce empty body" -- bash -c "'$BBSCTL' -d '$D' announce --title 'Empty' < /dev/null"
expect 2 "announce without title" -- bash -c "'$BBSCTL' -d '$D' announce < /dev/null"
expect 2 "announce empty title" -- bash -c "'$BBSCTL' -d '$D' announce --title '' < /dev/null"
expect 2 "announce title not UTF-8" -- bash -c "'$BBSCTL' -d '$D' announce --title $'\xff' < /dev/null"
head -c 65536 /dev/zero | tr '\0' b >"$tmp/body"
expect 0 "announce at the limit" -- bash -c "'$BBSCTL' -d '$D' announce --title 'Long one' < '$tmp/body'"
# The refused ones took no number: this is the second announcement.
contains "announcement 2 posted"

expect 0 "help lists the new commands" -- "$BBSCTL" -h
for c in "invite create" "invite list" "invite revoke" "application list" "application show" \
         "application approve" "application decline" "registration" "announce --title" \
         "user export" "no-change-required"; do
  contains "$c"
done

if [ "$fails" -ne 0 ]; then echo "$fails failures"; exit 1; fi
echo "all bbsctl checks passed"
