#!/bin/sh
# The challenge question through the command interface (ssh HOST challenge ...) with the real
# OpenSSH client: the question, submit (escape sequences stored as visible text, idempotent
# --id, also after the question closed), list, show, endorse / unendorse, and the UI's rules:
# not one's own, not a hidden one, not on a closed question; a silenced member submits
# nothing; hidden challenges blanked for members but not for moderators; merged ones not
# listed; answer-before-reveal. Broken or hostile input (bad usage, unknown ids and areas, an
# over-size or invalid-UTF-8 explanation, a too long title, control characters in the command
# line) is refused whole. Output must never contain an escape byte.
# Needs BBSD, BBSCTL and CHALLENGE_SETUP (set by meson); skips (77) without ssh.
. "$(dirname "$0")/ssh-lib.sh"
portal_up alice bob carol:moderator dave erin
setup() { "$CHALLENGE_SETUP" "$D" carol "$@" || fail "setup $*"; }
# rows: the number of challenge rows that USER's list shows.
rows() { run "$1" 0 challenge list </dev/null; grep -c '^[0-9][0-9]*  ' "$tmp/out"; }

run alice 0 help </dev/null
has "challenge list"; has "challenge submit --title TITLE --area AREA"; has "challenge endorse ID"

# The question: text, status, counts, the focus areas to give to --area.
run alice 0 challenge </dev/null
has "^Question 1: Open$"; has "What is stopping us making faster progress"
has "0 challenges from 0 members"; has "^  global  Global response"
run alice 0 challenge question </dev/null
has "^Question 1: Open$"
run alice 0 challenge list </dev/null
has "no challenges yet"

# Submit: an escape sequence in the explanation is stored as visible text.
printf 'Hash lists are not shared across platforms.\nSee \033[2J\033]0;pwned\007 here.\n' >"$tmp/body"
run alice 0 challenge submit --title "'No shared hash lists'" --area global --area technology <"$tmp/body"
has "^submitted: challenge [0-9]*$"
c1=$(sed -n 's/^submitted: challenge \([0-9]*\)$/\1/p' "$tmp/out")
[ -n "$c1" ] || fail "no challenge id"
run bob 0 challenge show "$c1" </dev/null
has "^Challenge $c1 (question 1)$"; has "^Title: No shared hash lists$"; has "^By: alice$"
has "^Areas: Global response, Technology solutions$"; has "^Endorsements: 0$"
has "^  Hash lists are not shared across platforms.$"; has "\^\[\[2J\^\[\]0;pwned\^G"
has "^Endorsed by sector:"

# --id: a retry stores one challenge and answers the same.
echo "Reporting channels differ per country." >"$tmp/retry"
run bob 0 challenge submit --title Reporting --area national --id ch-retry.1 <"$tmp/retry"
first=$(cat "$tmp/out")
run bob 0 challenge submit --title Reporting --area national --id ch-retry.1 <"$tmp/retry"
[ "$first" = "$(cat "$tmp/out")" ] || fail "a repeated --id submitted again: $first / $(cat "$tmp/out")"
c2=$(sed -n 's/^submitted: challenge \([0-9]*\)$/\1/p' "$tmp/out")
run alice 0 challenge list </dev/null
[ "$(grep -c 'Reporting' "$tmp/out")" = 1 ] || fail "the retried challenge is not listed exactly once"
has "^Question 1: Open  2 challenges from 2 members$"
has "^$c1  0 endorsements  alice  yours  No shared hash lists  \[Global, Technology\]$"
has "^$c2  0 endorsements  bob  -  Reporting  \[National\]$"

# Endorse, idempotent; take back; never one's own.
run bob 0 challenge endorse "$c1" </dev/null
has "^endorsed: challenge $c1 (1 endorsement)$"
run bob 0 challenge endorse "$c1" </dev/null
has "^endorsed: challenge $c1 (1 endorsement)$"
run dave 0 challenge endorse "$c1" </dev/null
has "(2 endorsements)"
run bob 0 challenge list </dev/null
has "^$c1  2 endorsements  alice  endorsed  No shared hash lists"
run bob 0 challenge show "$c1" </dev/null
has "^Endorsements: 2 (you endorse it)$"
run dave 0 challenge unendorse "$c1" </dev/null
has "^endorsement taken back: challenge $c1 (1 endorsement)$"
run alice 1 challenge endorse "$c1" </dev/null
err_has "you cannot endorse your own challenge"
run alice 0 challenge list --mine </dev/null
has "No shared hash lists"; lacks "Reporting"
run alice 0 challenge list --area national </dev/null
has "Reporting"; lacks "No shared hash lists"
run alice 0 challenge list --newest </dev/null
[ "$(sed -n 2p "$tmp/out" | cut -d' ' -f1)" = "$c2" ] || fail "--newest does not list the newest first"

# Unknown ids.
run bob 1 challenge show 999999 </dev/null
err_has "no challenge 999999"
run bob 1 challenge endorse 999999 </dev/null
err_has "no challenge 999999"

# Bad usage: a usage line and exit 2, nothing stored.
run bob 2 challenge frobnicate </dev/null
err_has "usage: challenge"
run bob 2 challenge show </dev/null
run bob 2 challenge show abc </dev/null
run bob 2 challenge show -3 </dev/null
run bob 2 challenge endorse </dev/null
run bob 2 challenge list --sideways </dev/null
run bob 2 challenge submit --title Nothing <"$tmp/retry"
run bob 2 challenge submit --area global <"$tmp/retry"
run bob 2 challenge submit --title Nowhere --area nowhere <"$tmp/retry"
err_has "no such focus area"
run bob 2 challenge submit --title Token --area global --id "'bad token!'" <"$tmp/retry"
run bob 2 challenge submit --title "'Evil $(printf '\033')[2J title'" --area global <"$tmp/retry"
[ "$(rows bob)" = 2 ] || fail "a bad-usage submit was stored"

# Over-size, invalid UTF-8, too long title: refused whole.
head -c 9000 /dev/zero | tr '\0' 'a' >"$tmp/big"
run bob 1 challenge submit --title Big --area global <"$tmp/big"
err_has "too large"; err_has "nothing was submitted"
printf 'bad \377\376 bytes\n' >"$tmp/bad"
run bob 1 challenge submit --title Bad --area global <"$tmp/bad"
err_has "not valid UTF-8"
long=$(head -c 200 /dev/zero | tr '\0' 't')
run bob 1 challenge submit --title "$long" --area global <"$tmp/retry"
err_has "title is too long"
run bob 0 challenge list </dev/null
lacks "Big"; lacks "Bad"; lacks "tttttttt"
[ "$(rows bob)" = 2 ] || fail "a refused challenge was stored"

# Hidden by a moderator: blanked for members (no endorsing it), shown to moderators.
echo "A third problem." >"$tmp/third"
run dave 0 challenge submit --title "'Secret title'" --area global <"$tmp/third"
c3=$(sed -n 's/^submitted: challenge \([0-9]*\)$/\1/p' "$tmp/out")
setup hide "$c3" "Off topic"
run bob 0 challenge list </dev/null
has "^$c3  0 endorsements  dave  hidden  \[hidden by a moderator: Off topic\]"; lacks "Secret title"
run bob 0 challenge show "$c3" </dev/null
has "hidden by a moderator: Off topic"; lacks "Secret title"; lacks "A third problem"
run bob 1 challenge endorse "$c3" </dev/null
err_has "you cannot endorse this challenge"
run carol 0 challenge list </dev/null
has "Secret title \[hidden by a moderator: Off topic\]"

# Merged away: not listed any more, nothing to endorse.
echo "Same as the first." >"$tmp/dup"
run erin 0 challenge submit --title Duplicate --area global <"$tmp/dup"
c4=$(sed -n 's/^submitted: challenge \([0-9]*\)$/\1/p' "$tmp/out")
setup merge "$c4" "$c1"
run bob 0 challenge list </dev/null
lacks "Duplicate"
run bob 1 challenge endorse "$c4" </dev/null
err_has "withdrawn or merged"
run bob 0 challenge show "$c1" </dev/null
has "^By: alice, with erin$"

# A silenced member submits nothing (and is told why, not 'closed').
setup silence dave
run dave 1 challenge submit --title Silenced --area global <"$tmp/third"
err_has "you are silenced until"; err_has "Cooling off"
run bob 0 challenge list </dev/null
lacks "Silenced"

# Answer-before-reveal: a member who has not answered sees only their own (none) and why.
setup reveal on
ssh-keygen -q -t ed25519 -N '' -f "$tmp/fred" || exit 1
"$BBSCTL" -d "$D" user add fred --key "$tmp/fred.pub" >/dev/null || exit 1
run fred 0 challenge list </dev/null
lacks "No shared hash lists"; has "shown after you submit your own"
run fred 1 challenge show "$c1" </dev/null
err_has "shown after you submit your own"
run fred 1 challenge endorse "$c1" </dev/null
setup reveal off

# Closed: no new answers, no endorsements; a retry of a stored submit still answers the same.
setup close
run alice 0 challenge </dev/null
has "^Question 1: Closed on "
run erin 1 challenge submit --title Late --area global <"$tmp/third"
err_has "this question is closed"
run erin 1 challenge endorse "$c2" </dev/null
err_has "this question is closed"
run bob 0 challenge submit --title Reporting --area national --id ch-retry.1 <"$tmp/retry"
[ "$first" = "$(cat "$tmp/out")" ] || fail "a retry after closing was not answered the same"
run bob 0 challenge list </dev/null
lacks "Late"

finish cmd-challenge
