#!/bin/sh
# The command interface (ssh HOST COMMAND) through the real OpenSSH client: every command,
# idempotent posting, and broken or hostile input (bad usage, huge and non-UTF-8 bodies,
# control characters in the command line). Output must never contain an escape byte.
# Needs BBSD and BBSCTL (set by meson); skips (77) without ssh.
. "$(dirname "$0")/ssh-lib.sh"
portal_up alice bob

run alice 0 help </dev/null
has "digest"; has "post BOARD --title TITLE"
run alice 0 boards </dev/null
has "^general "; has "Introductions"

printf 'We need a shared glossary.\nSecond line \033[2J with an escape.\n' >"$tmp/body"
run alice 0 post general --title "'Terms we use'" <"$tmp/body"
has "posted: discussion"
tid=$(sed -n 's/^posted: discussion \([0-9]*\),.*/\1/p' "$tmp/out")
[ -n "$tid" ] || fail "no discussion id"

run alice 0 read "$tid" </dev/null
has "Terms we use"; has "shared glossary"; has "\^\[\[2J"

echo "Agreed, and a second reply." >"$tmp/reply"
run bob 0 reply "$tid" --id retry-42 <"$tmp/reply"
first=$(cat "$tmp/out")
run bob 0 reply "$tid" --id retry-42 <"$tmp/reply"
[ "$first" = "$(cat "$tmp/out")" ] || fail "a repeated --id created another post: $first / $(cat "$tmp/out")"
run bob 0 read "$tid" </dev/null
[ "$(grep -c 'Agreed, and a second reply' "$tmp/out")" = 1 ] || fail "the reply is not there exactly once"

run alice 0 unread </dev/null
has "Terms we use"
run alice 0 digest </dev/null
has "Agreed, and a second reply"
run alice 0 digest --since last </dev/null
if grep -q "Agreed" "$tmp/out"; then fail "digest --since last repeated old posts"; fi
run alice 0 digest --since 2000-01-01 </dev/null
has "shared glossary"
run alice 0 search glossary </dev/null
has "Terms we use"
run alice 0 search zzzzqqqq </dev/null
has "no posts match"

# Broken and hostile input: clear messages, nothing stored.
run alice 2 frobnicate </dev/null
err_has "unknown command"
run alice 2 post </dev/null
err_has "usage: post"
run alice 2 read abc </dev/null
run alice 2 digest --since yesterday </dev/null
run alice 2 digest --since 2025-02-30 </dev/null   # no such day (not 2 March)
run alice 2 digest --since 2025-13-01 </dev/null
run alice 2 "post general --title 'unterminated" </dev/null
err_has "not closed"
run alice 2 "$(printf 'search \033[2Jx')" </dev/null
err_has "control characters"
run alice 1 post nosuchboard --title x <"$tmp/body"
err_has "no board"
head -c 70000 /dev/zero | tr '\0' 'a' >"$tmp/big"
run alice 1 post general --title Big <"$tmp/big"
err_has "too large"
printf 'bad \377\376 bytes\n' >"$tmp/bad"
run alice 1 post general --title Bad <"$tmp/bad"
err_has "not valid UTF-8"
run alice 1 post general --title "''" <"$tmp/body"
run alice 0 search Big Bad </dev/null
has "no posts match"
run alice 0 boards </dev/null
grep -q "^general .* 1 discussion " "$tmp/out" || fail "refused posts were stored: $(grep general "$tmp/out")"

finish cmd-openssh
