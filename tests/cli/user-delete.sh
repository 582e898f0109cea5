#!/usr/bin/env bash
# bbsctl user delete (issue 10): the choice of what happens to the posts is required, a
# terminal confirmation (the handle typed again) or --yes, never a silent deletion from a
# script; hostile and broken input (unknown and odd names, the last sysop, twice); the member
# is gone from the lists, their handle stays reserved, the audit log records it intact.
# Usage: user-delete.sh PATH-TO-BBSCTL [PATH-TO-BACKUP-FIXTURE]
set -u
BBSCTL=$1
FIXTURE=${2:-}
. "$(dirname "$0")/lib.sh"   # $tmp, $D, $fails, expect, contains, lacks

expect 0 "init" -- "$BBSCTL" -d "$D" init
for u in sysop alice bob carol; do
  expect 0 "add $u" -- "$BBSCTL" -d "$D" user add "$u" --random-password
done
expect 0 "sysop role" -- "$BBSCTL" -d "$D" user role sysop sysop
[ -n "$FIXTURE" ] && expect 0 "carol posts" -- "$FIXTURE" "$D" fill carol 2

# Usage: a choice, exactly one.
expect 2 "no name" -- "$BBSCTL" -d "$D" user delete
expect 2 "no choice" -- "$BBSCTL" -d "$D" user delete alice --yes
contains "keep-posts"
expect 2 "both choices" -- "$BBSCTL" -d "$D" user delete alice --keep-posts --remove-posts --yes
expect 2 "unknown option" -- "$BBSCTL" -d "$D" user delete alice --keep-posts --force
expect 2 "two names" -- "$BBSCTL" -d "$D" user delete alice bob --keep-posts --yes
# Unknown and hostile names.
expect 1 "unknown member" -- "$BBSCTL" -d "$D" user delete nobody --keep-posts --yes
contains "no user"
expect 1 "escape in the name" -- "$BBSCTL" -d "$D" user delete $'a\e[2Jb' --keep-posts --yes
if grep -q $'\e' "$tmp/out"; then echo "FAIL: raw escape in the output"; fails=$((fails + 1)); fi
expect 1 "visitor name" -- "$BBSCTL" -d "$D" user delete guest --keep-posts --yes

# No terminal and no --yes: nothing happens.
expect 1 "no tty" -- bash -c "'$BBSCTL' -d '$D' user delete alice --keep-posts </dev/null"
contains "no terminal"
expect 0 "alice still there" -- "$BBSCTL" -d "$D" user list
contains "alice"
# On a terminal: the wrong handle typed cancels, the right one deletes.
if command -v script >/dev/null; then
  expect 1 "wrong confirmation" -- bash -c "printf 'alicia\n' | script -qec \"'$BBSCTL' -d '$D' user delete alice --keep-posts\" /dev/null"
  contains "not confirmed"
  expect 0 "alice still there" -- "$BBSCTL" -d "$D" user list
  contains "alice"
  expect 0 "confirmed on a terminal" -- bash -c "printf 'alice\n' | script -qec \"'$BBSCTL' -d '$D' user delete alice --keep-posts\" /dev/null"
  contains "alice: deleted"
else
  expect 0 "delete alice" -- "$BBSCTL" -d "$D" user delete alice --keep-posts --yes
fi
expect 0 "delete carol and her posts" -- "$BBSCTL" -d "$D" user delete carol --remove-posts --yes
contains "posts removed"

# Gone from the list, not deletable twice, the handle reserved.
expect 0 "list" -- "$BBSCTL" -d "$D" user list
lacks "alice"; lacks "carol"; lacks "removed-"
expect 1 "alice twice" -- "$BBSCTL" -d "$D" user delete alice --keep-posts --yes
expect 1 "the placeholder" -- "$BBSCTL" -d "$D" user delete removed-2 --keep-posts --yes
expect 1 "alice's handle reserved" -- "$BBSCTL" -d "$D" user add alice --random-password
expect 2 "placeholders are no handles" -- "$BBSCTL" -d "$D" user add removed-99 --random-password
expect 1 "no key for a removed member" -- "$BBSCTL" -d "$D" key list alice

# The last sysop stays.
expect 1 "last sysop" -- "$BBSCTL" -d "$D" user delete sysop --keep-posts --yes
contains "last active sysop"

# The audit log: both entries, the choice, an intact chain.
expect 0 "audit list" -- "$BBSCTL" -d "$D" audit list --filter member-remove
contains "user alice"; contains "posts kept"
contains "user carol"; contains "posts removed"
expect 0 "audit verify" -- "$BBSCTL" -d "$D" audit verify

[ "$fails" = 0 ] && echo "user-delete: all passed"
exit $((fails > 0))
