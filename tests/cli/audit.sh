#!/usr/bin/env bash
# bbsctl's administration commands (issue 6): the audit log (verify, list, export), sessions,
# lock / unlock, verify / unverify, roles, the last-sysop rule, and bad input. The database is
# tampered with directly (python3's sqlite3 module) to check that `audit verify` names the
# entry that was changed or follows a deleted one.
# Usage: audit.sh PATH-TO-BBSCTL
set -u
BBSCTL=$1
. "$(dirname "$0")/lib.sh"   # $tmp, $D, $fails, expect, contains, lacks
ctl() { "$BBSCTL" -d "$D" "$@"; }

expect 0 "init" -- ctl init
expect 0 "verify an empty log" -- ctl audit verify
contains "chain intact"

expect 0 "add root" -- ctl user add root --role sysop --random-password
expect 0 "add alice" -- ctl user add alice --random-password --org "Example Org"
expect 0 "add bob" -- ctl user add bob --random-password

# ---- the last active sysop ----
expect 1 "lock the last sysop" -- ctl user lock root
contains "last active sysop"
expect 1 "disable the last sysop" -- ctl user disable root
contains "last active sysop"
expect 1 "demote the last sysop" -- ctl user role root member
contains "last active sysop"
expect 0 "root still sysop and active" -- ctl user list
contains "^root  *sysop  *active"

# ---- roles, lock, verify ----
expect 0 "make alice moderator" -- ctl user role alice moderator
contains "alice: moderator"
expect 2 "bad role" -- ctl user role alice god
contains "role must be"
expect 1 "role of an unknown user" -- ctl user role nobody member
contains "no user 'nobody'"
expect 2 "role without a role" -- ctl user role alice

expect 0 "lock bob" -- ctl user lock bob
contains "bob: locked"
contains "0 sessions ended"
expect 0 "bob is disabled" -- ctl user list
contains "^bob  *member  *disabled"
expect 1 "lock an unknown user" -- ctl user lock nobody
contains "no user 'nobody'"
expect 1 "lock a hostile name" -- ctl user lock $'\e[2Jx'
lacks $'\e'
expect 0 "unlock bob" -- ctl user unlock bob
expect 0 "bob is active" -- ctl user list
contains "^bob  *member  *active"
expect 2 "lock without a name" -- ctl user lock
expect 2 "unlock with two names" -- ctl user unlock bob alice

expect 0 "verify alice" -- ctl user verify alice
contains "alice: affiliation verified"
expect 0 "unverify alice" -- ctl user unverify alice
expect 1 "verify an unknown user" -- ctl user verify nobody

# A second sysop: now root may be demoted and locked.
expect 0 "make alice sysop" -- ctl user role alice sysop
expect 0 "lock root (another sysop exists)" -- ctl user lock root
expect 1 "disable alice (root is locked: alice is the last)" -- ctl user disable alice
contains "last active sysop"
expect 0 "unlock root" -- ctl user unlock root

# ---- sessions ----
expect 0 "session list, none" -- ctl session list
contains "no sessions"
expect 1 "end an unknown session" -- ctl session end 999
contains "no session 999"
expect 2 "end a session that is no number" -- ctl session end abc
expect 2 "end session 0" -- ctl session end 0
expect 2 "end a negative session" -- ctl session end -1
expect 2 "session end without id" -- ctl session end

# ---- the existing commands are audited too ----
ssh-keygen -q -t ed25519 -N '' -C 'bob laptop' -f "$tmp/bobkey"
fp=$(ssh-keygen -lf "$tmp/bobkey.pub" | awk '{print $2}')
expect 0 "key add" -- ctl key add bob "$tmp/bobkey.pub"
expect 0 "key remove" -- ctl key remove bob "$fp"
expect 0 "password reset" -- ctl user password bob --random-password
expect 0 "invite create" -- ctl invite create --note "for dora"
inv=$(sed -n 's/^invite \([0-9]*\) created.*/\1/p' "$tmp/out")
expect 0 "invite revoke" -- ctl invite revoke "$inv"
expect 0 "registration invite" -- ctl registration invite
expect 0 "registration open" -- ctl registration open
expect 0 "announce" -- bash -c "echo 'Body of the news' | '$BBSCTL' -d '$D' announce --title 'News'"
expect 0 "disable and enable" -- ctl user disable bob
expect 0 "enable" -- ctl user enable bob
expect 0 "audit list of those" -- ctl audit list --limit 100
for a in "console key-add \[user bob\] .*$fp" "console key-remove \[user bob\]" \
    "console password-reset \[user bob\]" "console invite-create \[invite $inv\]" \
    "console invite-revoke \[invite $inv\]" "console setting \[setting registration\]" \
    "console announcement-create" "console lock \[user bob\]" "console unlock \[user bob\]" \
    "console role \[user alice\] member -> moderator" "console verify \[user alice\]" \
    "console unverify \[user alice\]"; do
  contains "$a"
done
# Nothing secret in the log: no invite code, no password.
lacks "code"

# ---- the list ----
expect 0 "audit list" -- ctl audit list
contains "console"
contains "user alice"
expect 0 "audit list --filter" -- ctl audit list --filter "bob"
contains "user bob"
lacks "user alice"
expect 0 "audit list --limit 1" -- ctl audit list --limit 1
[ "$(wc -l <"$tmp/out")" = 1 ] || { echo "FAIL: --limit 1 printed $(wc -l <"$tmp/out") lines"; fails=$((fails + 1)); }
expect 2 "limit 0" -- ctl audit list --limit 0
contains "1 to 1000"
expect 2 "limit 1001" -- ctl audit list --limit 1001
expect 2 "limit not a number" -- ctl audit list --limit 5x
expect 2 "limit missing" -- ctl audit list --limit
expect 2 "unknown option" -- ctl audit list --frob 1
expect 2 "too many filter words" -- ctl audit list --filter "a b c d e f g h i"
contains "at most 8 words"
expect 0 "filter that matches nothing" -- ctl audit list --filter "zzzqqq"
contains "no entries"
expect 0 "hostile filter" -- ctl audit list --filter $'\e]0;x\a%n%s'
lacks $'\e'

# ---- export ----
expect 0 "export to stdout" -- ctl audit export
cp "$tmp/out" "$tmp/export1"
n_entries=$(wc -l <"$tmp/export1")
[ "$n_entries" -ge 10 ] || { echo "FAIL: only $n_entries entries exported"; fails=$((fails + 1)); }
python3 - "$tmp/export1" <<'EOF' || fails=$((fails + 1))
import json, sys
prev_id, prev_hash = 0, ""
for n, line in enumerate(open(sys.argv[1], encoding="utf-8"), 1):
    e = json.loads(line)
    for k in ("id", "at", "time", "actor", "action", "target", "detail", "source", "hash", "prev_hash"):
        assert k in e, f"line {n} lacks {k}"
    assert e["id"] > prev_id, f"line {n}: ids not ascending"
    assert len(e["hash"]) == 64, f"line {n}: hash {e['hash']!r}"
    assert e["prev_hash"] == prev_hash, f"line {n}: prev_hash does not chain"
    prev_id, prev_hash = e["id"], e["hash"]
EOF
expect 0 "export to a file" -- ctl audit export --output "$tmp/audit.jsonl"
[ "$(stat -c %a "$tmp/audit.jsonl")" = 600 ] || { echo "FAIL: export file not 0600"; fails=$((fails + 1)); }
cmp -s "$tmp/audit.jsonl" "$tmp/export1" || { echo "FAIL: file export differs from stdout"; fails=$((fails + 1)); }
expect 1 "export never overwrites" -- ctl audit export --output "$tmp/audit.jsonl"
contains "never overwrites"
ln -s "$tmp/elsewhere" "$tmp/link"
expect 1 "export refuses a symbolic link" -- ctl audit export --output "$tmp/link"
[ ! -e "$tmp/elsewhere" ] || { echo "FAIL: export followed a symbolic link"; fails=$((fails + 1)); }
expect 2 "export --output without a file" -- ctl audit export --output
expect 2 "export with junk" -- ctl audit export junk

# ---- verify, then tamper ----
expect 0 "verify intact" -- ctl audit verify
contains "^$n_entries entries, chain intact, head [0-9a-f]\{64\}$"

# The table of the log: the one with a hash column whose name says audit.
tamper() {
  python3 - "$D/portal.db" "$@" <<'EOF'
import sqlite3, sys
db, op, target = sys.argv[1], sys.argv[2], int(sys.argv[3])
con = sqlite3.connect(db)
tables = [r[0] for r in con.execute("select name from sqlite_master where type='table' and name like '%audit%' order by name != 'audit', name")]
table = None
for t in tables:
    cols = [r[1] for r in con.execute(f"pragma table_info({t})")]
    if "hash" in cols:
        table = t
        break
assert table, f"no audit table among {tables}"
cols = [r[1] for r in con.execute(f"pragma table_info({table})")]
if op == "change":
    col = next(c for c in ("detail", "target", "action") if c in cols)
    n = con.execute(f"update {table} set {col} = {col} || ' (edited)' where id = ?", (target,)).rowcount
elif op == "restore":
    col = next(c for c in ("detail", "target", "action") if c in cols)
    n = con.execute(f"update {table} set {col} = substr({col}, 1, length({col}) - 9) where id = ?", (target,)).rowcount
else:
    n = con.execute(f"delete from {table} where id = ?", (target,)).rowcount
assert n == 1, f"{op} {target}: {n} rows"
con.commit()
EOF
}
mid=$((n_entries / 2))
tamper change "$mid" || fails=$((fails + 1))
expect 1 "verify after an edit" -- ctl audit verify
contains "audit log broken at entry $mid\$"
tamper restore "$mid" || fails=$((fails + 1))
expect 0 "verify after undoing the edit" -- ctl audit verify
contains "chain intact"
del=$((mid + 2))
tamper delete "$del" || fails=$((fails + 1))
expect 1 "verify after a deletion" -- ctl audit verify
contains "audit log broken at entry $((del + 1))\$"

# A new entry after the break does not mend it.
expect 0 "user add after the break" -- ctl user add carol --random-password
expect 1 "still broken" -- ctl audit verify
contains "audit log broken at entry $((del + 1))\$"

expect 2 "audit verify with junk" -- ctl audit verify now
expect 2 "audit without a verb" -- ctl audit
expect 1 "no portal" -- "$BBSCTL" -d "$tmp/none" audit verify

[ "$fails" = 0 ] && echo "audit: all passed"
exit $((fails > 0))
