#!/bin/sh
# line-openssh.sh: the plain line mode over a real SSH connection without a pty (ssh -T, no
# command), with the OpenSSH client. The answers go in through a fifo, one at a time, each
# after its prompt has appeared in the output (an expect-like helper that polls the output
# against a deadline; no fixed sleeps). A member logs in, moves through numbered menus, reads
# a discussion, replies to it, starts a discussion whose title carries an escape sequence,
# sends a private message, sets the "Plain line mode" preference; each is checked stored
# exactly once (through the command interface and sqlite3). Hostile input: invalid UTF-8, a
# 10 MiB line, unknown menu numbers and words, escape sequences. The end of input in the
# middle of a reply saves a draft that the next login offers back. A guest gets the public
# pages only; join is refused with a line. A sysop approves a pending application (stored,
# audited). The output must never contain an ESC byte. Needs BBSD and BBSCTL (set by meson); skips (77) without ssh.
. "$(dirname "$0")/ssh-lib.sh"
command -v sqlite3 >/dev/null 2>&1 || { echo "sqlite3 not installed: skipped"; exit 77; }
spid=
on_exit() { [ -z "$spid" ] || kill "$spid" 2>/dev/null; }
ESC=$(printf '\033')
portal_up alice bob root:sysop appl
db() { sqlite3 -cmd ".timeout 5000" "$D/portal.db" "$1"; }

# A discussion by bob, through the command interface.
printf 'The first post of the pilot discussion.\n' |
  $SSH -i "$tmp/bob" bob@127.0.0.1 post general --title "'Pilot plans'" >/dev/null ||
  fail "bob could not post"
tid=$(db "SELECT id FROM threads WHERE title = 'Pilot plans'")
[ -n "$tid" ] || fail "no discussion"

# ---- the expect-like helper ----
# start USER: ssh -T in the background, input from a fifo held open on fd 3, output in $out.
start() {
  rm -f "$tmp/in"; mkfifo "$tmp/in"
  out=$tmp/out.$1.$$.$(date +%s%N)
  : >"$out"
  $SSH -T -i "$tmp/$1" "$1@127.0.0.1" <"$tmp/in" >"$out" 2>&1 &
  spid=$!
  exec 3>"$tmp/in"
  seen=0
}
# expect TEXT: waits (at most 20 s) until TEXT appears in the output after what an earlier
# expect found; fails and shows the output otherwise.
expect() {
  j=0
  while :; do
    n=$(tail -c +$((seen + 1)) "$out" | grep -F -b -o -- "$1" | head -n 1 | cut -d: -f1)
    if [ -n "$n" ]; then
      seen=$((seen + n + ${#1}))
      return 0
    fi
    j=$((j + 1))
    if [ $j -gt 200 ]; then
      fail "no '$1' in the output"; sed 's/^/    | /' "$out" | tail -n 30; return 1
    fi
    sleep 0.1   # polling the output, with a deadline
  done
}
send() { printf '%s\n' "$1" >&3; }
# item TEXT: the number of the menu line "  N. TEXT" last printed.
item() { grep -a -o "^  [0-9]*\. $1" "$out" | tail -n 1 | sed 's/^ *\([0-9]*\)\..*/\1/'; }
# finish: closes the input and waits for ssh (at most 20 s).
finish() {
  exec 3>&-
  j=0
  while kill -0 "$spid" 2>/dev/null; do
    j=$((j + 1)); [ $j -gt 200 ] && { fail "ssh did not end"; kill "$spid"; break; }
    sleep 0.1   # waiting for ssh to exit, with a deadline
  done
  wait "$spid" 2>/dev/null
  spid=
  if grep -q "$ESC" "$out"; then fail "an ESC byte in the output"; fi
  if grep -q "Sanitizer\|runtime error" "$out"; then fail "a sanitizer report"; grep -A20 "Sanitizer\|runtime error" "$out" | head -40; fi
}

# ---- alice: read, reply, new discussion, message, hostile input ----
start alice
expect "plain line mode"
expect "Main menu: type"
# Hostile input at a menu: nothing happens but a message, and the menu goes on.
send "99"; expect "There is no number 99"
send "zork"; expect "not one of the choices"
printf 'bad \377\376 bytes\n' >&3; expect "not valid UTF-8"
printf 'evil \033[2J\033]0;title\007\n' >&3; expect "not one of the choices"
head -c 10485760 /dev/zero | tr '\0' 'a' >&3; printf '\n' >&3
expect "That line is too long"
send "?"; expect "Main menu choices"
send "$(item 'Discussion boards')"
expect "Boards: type"
send "$(item 'General')"
expect "Board: type"
grep -q "1\. Pilot plans - bob, 1 post, 1 unread" "$out" || fail "the board lists no unread discussion"
send "1"
expect "The first post of the pilot discussion."
expect "Discussion: m more"
send "r"
expect "Text (. ends"
send "A reply from the line mode."
send "Second line with $ESC[31mred$ESC[0m in it."
send "."
expect "Your reply is posted"
expect "Discussion: m more"
send "q"
expect "Board: type"
send "w"
expect "Title (empty line: cancel): "
send "Evil $ESC]0;owned$(printf '\007') title"
expect "Text (. ends"
send "Body of the new discussion."
send "."
expect "Your discussion is posted"
send "q"; expect "Boards: type"
send "q"; expect "Main menu: type"
send "$(item 'Messages')"
expect "Messages: type 1-4"
send "3"
expect "Send to"
send "bob"
expect "Subject"
send "Hello Bob"
expect "Text (. ends"
send "Can we talk about the pilot?"
send "."
expect "Sent to bob"
expect "Messages: type 1-4"
send "q"; expect "Main menu: type"
# The preference: plain line mode at every login (the pty test below relies on it).
send "$(item 'Your account')"
expect "Your account: type 1-4"
send "2"; expect "5. Plain line mode: no"
expect "Preferences: type 1-5"
send "5"; expect "Saved: you get this plain line mode at every login."
send "q"; expect "Your account: type 1-4"
send "4"; expect "only be typed on a terminal"
send "q"; expect "Main menu: type"
send "x"
expect "Goodbye."
finish

# Each stored exactly once, and clean.
[ "$(db "SELECT count(*) FROM posts WHERE body LIKE 'A reply from the line mode.%'")" = 1 ] ||
  fail "the reply is not stored exactly once"
[ "$(db "SELECT count(*) FROM posts WHERE thread_id = $tid")" = 2 ] || fail "the discussion does not hold 2 posts"
[ "$(db "SELECT count(*) FROM threads WHERE title LIKE 'Evil %title'")" = 1 ] ||
  fail "the new discussion is not stored exactly once"
[ "$(db "SELECT count(*) FROM messages WHERE subject = 'Hello Bob'")" = 1 ] ||
  fail "the message is not stored exactly once"
if db "SELECT title FROM threads UNION ALL SELECT body FROM posts" | grep -q "$ESC"; then
  fail "an escape byte was stored"
fi
$SSH -i "$tmp/bob" bob@127.0.0.1 read "$tid" >"$tmp/read" 2>&1
# Control characters are taken out of each line typed (the rest of the sequence stays, as text).
grep -q "Second line with \[31mred\[0m in it" "$tmp/read" ||
  { fail "the escape sequence did not lose its ESC"; cat "$tmp/read"; }
[ "$(db "SELECT line_mode FROM users WHERE handle = 'alice'")" = 1 ] || fail "line_mode not saved"

# ---- the end of input in the middle of a reply: a draft, offered back ----
start alice
expect "Main menu: type"
send "n"
send "$(item 'Discussion boards')"
expect "Boards: type"
send "$(item 'General')"
expect "Board: type"
send "$(grep -a -o '^  [0-9]*\. Pilot plans' "$out" | tail -n 1 | sed 's/^ *\([0-9]*\)\..*/\1/')"
expect "Discussion: m more"
send "r"
expect "Text (. ends"
send "Half a reply, then the link drops."
expect "Text (. ends"
finish
[ "$(db "SELECT count(*) FROM drafts WHERE context = 'reply:$tid' AND body LIKE 'Half a reply%'")" = 1 ] ||
  { fail "no draft saved at the end of input"; db "SELECT * FROM drafts"; }
[ "$(db "SELECT count(*) FROM posts WHERE body LIKE 'Half a reply%'")" = 0 ] || fail "a half reply was posted"

start alice
expect "You have an unsent draft (a reply in \"Pilot plans\")"
expect "Resume it now? (y/n): "
send "y"
expect "Already written"
expect "Text (. ends"
send "And its end."
send "."
expect "Your reply is posted"
expect "Main menu: type"
send "x"; expect "Goodbye."
finish
[ "$(db "SELECT count(*) FROM posts WHERE body LIKE 'Half a reply, then the link drops.%And its end.%'")" = 1 ] ||
  fail "the resumed reply is not stored exactly once"
[ "$(db "SELECT count(*) FROM drafts")" = 0 ] || fail "the draft was not removed once posted"

# ---- bob reads the message; too large a body is refused whole ----
start bob
expect "Main menu: type"
send "$(item 'Messages')"
expect "Messages: type 1-4"
send "1"
expect "(unread) Hello Bob, from alice"
send "1"
expect "Can we talk about the pilot?"
send "r"
expect "Text (. ends"
{ head -c 70000 /dev/zero | tr '\0' 'b' | fold -w 1000; echo; } >&3
send "."
expect "too large"
expect "Message: r reply"
send "x"
finish
[ "$(db "SELECT count(*) FROM messages")" = 1 ] || fail "a refused message was stored"

# ---- a sysop approves an application over ssh -T ----
# The pending application is set up directly in the database (joining needs a pty).
db "UPDATE users SET status = 2 WHERE handle = 'appl';
    INSERT INTO applications (user_id, reason, contact, login, created)
    SELECT id, 'To help with the pilot', 'appl@example.org', 'key', strftime('%s','now')
    FROM users WHERE handle = 'appl'"
start root
expect "Main menu: type"
send "$(item 'Administration')"
expect "Administration: type 1-6"
send "2"
expect "Members: type"
send "$(item 'appl ')"
expect "To help with the pilot"
expect "Member: a approve"
send "a"
expect "Approve the application of appl? (y/n): "
send "y"
expect "Approved: appl can log in now."
send "x"
expect "Goodbye."
finish
[ "$(db "SELECT status FROM users WHERE handle = 'appl'")" = 0 ] || fail "appl not approved"
[ "$(db "SELECT count(*) FROM audit WHERE action = 'application-accept'")" = 1 ] ||
  fail "no audit entry for the approval"

# A visitor without a pty: the public pages only, never what members wrote.
ssh-keygen -q -t ed25519 -N '' -f "$tmp/guest" || exit 1
ssh-keygen -q -t ed25519 -N '' -f "$tmp/join" || exit 1
start guest
expect "as a visitor"
expect "Main menu: type 1-"
send "$(item 'The challenge question')"
expect "What is stopping us"
expect "Main menu: type 1-"
send "$(item 'Who we are')"
expect "== Who we are =="
expect "Main menu: type 1-"
send "x"
expect "Goodbye."
finish
for secret in "Pilot plans" "Hello Bob" "Evil" "Half a reply" "alice" "bob"; do
  if grep -q "$secret" "$out"; then fail "a visitor saw '$secret'"; fi
done
# Joining needs the full-screen form.
$SSH -T -i "$tmp/join" join@127.0.0.1 </dev/null >"$tmp/j" 2>&1
grep -q "Joining needs a terminal" "$tmp/j" || { fail "join without a pty"; cat "$tmp/j"; }

finish line-openssh
