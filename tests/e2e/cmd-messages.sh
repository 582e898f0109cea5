#!/bin/sh
# Private messages through the command interface (ssh HOST messages / message read / message
# send) with the real OpenSSH client: send, list with the unread mark, read (marks read),
# idempotent --id, a third member cannot read (same answer as no such message), blocking
# refuses sends, and broken or hostile input (bad usage, unknown handle, an over-size body,
# invalid UTF-8, escape sequences) is refused whole or shown as visible text.
# Output must never contain an escape byte. Needs BBSD and BBSCTL (set by meson); skips (77)
# without ssh.
. "$(dirname "$0")/ssh-lib.sh"
portal_up alice bob carol

run alice 0 help </dev/null
has "messages"; has "message send HANDLE --subject"

run bob 0 messages </dev/null
has "no messages"

printf 'Can we talk about the pilot?\nSecond line \033[2J with an escape.\n' >"$tmp/body"
run alice 0 message send bob --subject "'Pilot plans'" <"$tmp/body"
has "sent: message"
mid=$(sed -n 's/^sent: message \([0-9]*\) to bob$/\1/p' "$tmp/out")
[ -n "$mid" ] || fail "no message id"

# A retry with the same --id stores one message.
echo "Retry body" >"$tmp/retry"
run alice 0 message send bob --subject Retry --id retry-7 <"$tmp/retry"
first=$(cat "$tmp/out")
run alice 0 message send bob --subject Retry --id retry-7 <"$tmp/retry"
[ "$first" = "$(cat "$tmp/out")" ] || fail "a repeated --id sent another message: $first / $(cat "$tmp/out")"

run bob 0 messages </dev/null
has "^\*$mid  .*alice  Pilot plans"; has "2 unread"
[ "$(grep -c 'Retry' "$tmp/out")" = 1 ] || fail "the retried message is not there exactly once"
run bob 0 message read "$mid" </dev/null
has "From: alice"; has "Subject: Pilot plans"; has "talk about the pilot"; has "\^\[\[2J"
run bob 0 messages </dev/null
has "^ $mid  "; has "1 unread"

# Sent folder.
run alice 0 messages --sent </dev/null
has "to bob  Pilot plans"

# A third member: the same answer as for a message that does not exist.
run carol 1 message read "$mid" </dev/null
err_has "no message $mid"; lacks "pilot"
run carol 1 message read 999999 </dev/null
err_has "no message 999999"
run carol 0 messages </dev/null
lacks "Pilot"

# Bad usage.
run alice 2 message </dev/null
err_has "usage: message"
run alice 2 message send bob </dev/null
err_has "usage:"
run alice 2 message read abc </dev/null
run alice 2 message send bob --subject x --id 'bad token!' </dev/null
run alice 1 message send nobody-here --subject x </dev/null
err_has "no member with that handle"
run alice 1 message send alice --subject x <"$tmp/retry"
err_has "nothing was sent"
printf 'x' >"$tmp/x"
run alice 1 message send "'bo\033[2Jb'" --subject x <"$tmp/x"
err_has "nothing was sent"

# Over-size and invalid UTF-8 bodies: refused whole.
before=$(run bob 0 messages </dev/null; grep -c . "$tmp/out")
head -c 70000 /dev/zero | tr '\0' 'a' >"$tmp/big"
run alice 1 message send bob --subject Big <"$tmp/big"
err_has "too large"
printf 'bad \377\376 bytes\n' >"$tmp/bad"
run alice 1 message send bob --subject Bad <"$tmp/bad"
err_has "not valid UTF-8"
run bob 0 messages </dev/null
lacks "Big"; lacks "Bad"
[ "$(grep -c . "$tmp/out")" = "$before" ] || fail "a refused message was stored"

# Control characters in the command line (a subject with an escape sequence): refused as
# usage, nothing sent.
run alice 2 message send bob --subject "'Evil $(printf '\033')]0;T$(printf '\007') subject'" <"$tmp/x"
run bob 0 messages </dev/null
lacks "Evil"

# bob blocks alice: her sends are refused whole; unblocking lets them through again.
printf 'after block\n' >"$tmp/after"
run bob 0 block alice </dev/null
has "alice is blocked"
run bob 0 blocked </dev/null
has "^alice"
run alice 1 message send bob --subject "'After block'" <"$tmp/after"
err_has "bob does not accept messages from you"
run bob 0 messages </dev/null
lacks "After block"; lacks "Pilot plans"   # her earlier messages leave his inbox too
run bob 2 block </dev/null
run bob 1 block nobody-here </dev/null
run bob 0 unblock alice </dev/null
run alice 0 message send bob --subject "'After unblock'" <"$tmp/after"
run bob 0 messages </dev/null
has "After unblock"

# Data rights: `export` prints everything held about the member as JSON: her own messages
# (sent and received) but never another pair's, and never a password hash; extra words are
# a usage error.
run alice 0 export </dev/null
python3 -c 'import json,sys; json.load(open(sys.argv[1]))' "$tmp/out" || fail "export is not valid JSON"
has "After unblock"; has '"alice"'
lacks 'argon2'; lacks "$(printf '\033')"
run carol 0 export </dev/null
lacks "After unblock"
run alice 2 export everything </dev/null

finish cmd-messages
