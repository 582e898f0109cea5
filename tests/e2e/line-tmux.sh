#!/bin/sh
# line-tmux.sh: the plain line mode on a pty, with OpenSSH's ssh -tt inside tmux panes.
#  1. TERM=dumb: bbsd starts the line mode instead of the full-screen UI; a member reads a
#     discussion and starts a reply; the link drops mid-reply (the pane and its ssh are
#     killed): the text typed so far becomes a draft.
#  2. The "Plain line mode" preference (users.line_mode) with an ordinary TERM: the line mode
#     again; the password is changed with echo off (never shown); the preference is switched
#     off, and the next login gets the full-screen UI.
#  3. A visitor (guest) with TERM=dumb: the public pages only, in the line mode.
# Everything ssh printed is also kept raw (tee): it must hold no ESC byte in line mode and
# never the password. Waits poll the pane or the database against a deadline (no fixed
# sleeps). Uses its own tmux server (-L), ssh config and known_hosts; kills only what it
# started. Needs BBSD and BBSCTL; skips (77) without ssh, tmux or sqlite3.
set -u

fail() {
	echo "FAIL: $*" >&2
	if [ -n "${sock:-}" ] && [ -n "${pane:-}" ]; then
		echo "----- pane $pane -----" >&2
		tmux -L "$sock" capture-pane -p -t "$pane" >&2 2>/dev/null
	fi
	[ -f "${dir:-/nonexistent}/bbsd.log" ] && tail -n 20 "$dir/bbsd.log" >&2
	exit 1
}
cleanup() {
	[ -n "${sock:-}" ] && tmux -L "$sock" kill-server 2>/dev/null
	if [ -n "${bbsd_pid:-}" ]; then
		kill "$bbsd_pid" 2>/dev/null
		wait "$bbsd_pid" 2>/dev/null
	fi
	[ -n "${dir:-}" ] && [ -z "${E2E_KEEP:-}" ] && rm -rf "$dir"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

for v in BBSD BBSCTL; do
	eval "p=\${$v:-}"
	[ -n "$p" ] && [ -x "$p" ] || fail "$v is not set to a program"
done
for p in ssh tmux ssh-keygen sqlite3; do
	command -v $p >/dev/null || { echo "no $p: skipped"; exit 77; }
done
unset TMUX SSH_AUTH_SOCK

dir=$(mktemp -d "${TMPDIR:-/tmp}/bbs-e2e-line-XXXXXX") || fail "mktemp"
# Started as root, bbsd serves as the user bbs (bbsctl init gives it $dir/data): it must be
# able to reach it.
chmod 711 "$dir"
"$BBSCTL" -d "$dir/data" init >"$dir/init.log" 2>&1 || fail "bbsctl init: $(cat "$dir/init.log")"
for u in alice bob; do
	ssh-keygen -q -t ed25519 -N '' -C $u -f "$dir/$u" || fail "ssh-keygen"
	"$BBSCTL" -d "$dir/data" user add $u --key "$dir/$u.pub" </dev/null >/dev/null 2>&1 ||
		fail "bbsctl user add $u"
done
db() { sqlite3 -cmd ".timeout 5000" "$dir/data/portal.db" "$1"; }
"$BBSD" -d "$dir/data" -l 127.0.0.1 -p 0 -D </dev/null >>"$dir/bbsd.log" 2>&1 &
bbsd_pid=$!
i=0
port=
while :; do
	if [ -s "$dir/data/bbsd.port" ]; then
		port=$(tr -dc 0-9 <"$dir/data/bbsd.port")
		[ -n "$port" ] && break
	fi
	kill -0 "$bbsd_pid" 2>/dev/null || fail "bbsd exited"
	i=$((i + 1))
	[ "$i" -le 100 ] || fail "bbsd wrote no port"
	sleep 0.1   # waiting for the port file, with a deadline
done
pub=$(ssh-keygen -y -f "$dir/data/ssh_host_ed25519_key") || fail "ssh-keygen -y"
echo "[127.0.0.1]:$port $pub" >"$dir/known_hosts"

# A discussion to read, by alice (command interface).
SSH="ssh -F /dev/null -p $port -o IdentitiesOnly=yes -o BatchMode=yes \
-o UserKnownHostsFile=$dir/known_hosts -o GlobalKnownHostsFile=/dev/null \
-o StrictHostKeyChecking=yes -o ControlPath=none -o UpdateHostKeys=no -o LogLevel=ERROR"
echo "Welcome to the line mode test." | $SSH -i "$dir/alice" alice@127.0.0.1 post general \
	--title Tmux-topic >/dev/null 2>&1 || fail "alice could not post"
tid=$(db "SELECT id FROM threads WHERE title = 'Tmux-topic'")

sock="bbs-e2e-line-$$"
# open NAME TERM USER: a pane running ssh -tt with that TERM; its raw output in $dir/NAME.raw.
open() {
	pane=$1
	tmux -L "$sock" -f /dev/null new-session -d -s "$1" -x 80 -y 24 \
		"TERM=$2 $SSH -i '$dir/$3' -tt $3@127.0.0.1 | tee '$dir/$1.raw'; echo EXIT=\$?; exec cat >/dev/null" ||
		fail "tmux new-session"
}
screen() { tmux -L "$sock" capture-pane -p -t "$pane" 2>/dev/null; }
# wait_for TEXT: poll the pane (every 0.1 s, deadline 15 s).
wait_for() {
	n=0
	until screen | grep -qF -- "$1"; do
		n=$((n + 1))
		[ "$n" -le 150 ] || fail "waiting for '$1'"
		sleep 0.1   # polling the pane, with a deadline
	done
}
# line TEXT: types a line and Enter.
line() { tmux -L "$sock" send-keys -t "$pane" -l -- "$1" && tmux -L "$sock" send-keys -t "$pane" Enter || fail "send-keys"; }
no_escape() {
	if grep -q "$(printf '\033')" "$dir/$1.raw"; then fail "ESC in the output of $1"; fi
	if grep -q "Sanitizer\|runtime error" "$dir/$1.raw"; then fail "a sanitizer report in $1"; fi
}

# ---- 1. TERM=dumb ----
open dumb dumb bob
wait_for "plain line mode"
wait_for "Main menu: type"
line 4
wait_for "Boards: type"
line 1
wait_for "Board: type"
line 1
wait_for "Welcome to the line mode test."
wait_for "Discussion: m more"
line r
wait_for "Text (. ends"
line "Typed on a dumb terminal before the link dropped."
n=0
until [ "$(screen | grep -c 'Text (. ends')" -ge 2 ]; do
	n=$((n + 1)); [ "$n" -le 150 ] || fail "the line was not taken"
	sleep 0.1   # polling the pane, with a deadline
done
no_escape dumb
# The link drops: tmux kills the pane (ssh gets SIGHUP and goes).
tmux -L "$sock" kill-session -t dumb
n=0
until [ "$(db "SELECT count(*) FROM drafts WHERE context = 'reply:$tid' AND body LIKE 'Typed on a dumb terminal%'")" = 1 ]; do
	n=$((n + 1)); [ "$n" -le 150 ] || fail "no draft after the link dropped: $(db 'SELECT * FROM drafts')"
	sleep 0.1   # polling the database, with a deadline
done
[ "$(db "SELECT count(*) FROM posts WHERE body LIKE 'Typed on a dumb%'")" = 0 ] || fail "half a reply was posted"

# ---- 2. the preference, on an ordinary terminal ----
db "UPDATE users SET line_mode = 1 WHERE handle = 'alice'"
open pref xterm alice
wait_for "plain line mode"
wait_for "Main menu: type"
line 9
wait_for "Your account: type 1-4"
line 4
wait_for "New password (not shown):"
secret="Tmux-Line-Mode-Secret-42"
line "$secret"
wait_for "The new password again:"
line "$secret"
wait_for "Password changed."
[ "$(db "SELECT pwhash IS NOT NULL FROM users WHERE handle = 'alice'")" = 1 ] || fail "no password stored"
line 2
wait_for "5. Plain line mode: yes"
line 5
wait_for "Saved: from your next login"
line q
wait_for "Your account: type 1-4"
line x
wait_for "Goodbye."
wait_for "EXIT=0"
no_escape pref
if grep -q "$secret" "$dir/pref.raw"; then fail "the password was shown"; fi
[ "$(db "SELECT line_mode FROM users WHERE handle = 'alice'")" = 0 ] || fail "line_mode still set"

# The next login: the full-screen UI.
open ui xterm alice
wait_for "alice (member)"
wait_for "? help"
tmux -L "$sock" send-keys -t ui q
wait_for "Log off? (y/n)"
tmux -L "$sock" send-keys -t ui y
wait_for "EXIT=0"
grep -q "$(printf '\033')" "$dir/ui.raw" || fail "the full-screen UI sent no escape codes?"

# ---- 3. a visitor with TERM=dumb: the public pages in the line mode ----
ssh-keygen -q -t ed25519 -N '' -C guest -f "$dir/guest" || fail "ssh-keygen"
open gdumb dumb guest
wait_for "as a visitor"
wait_for "Main menu: type 1-"
line 1
# The page is longer than the pane: look for its heading in what ssh printed.
n=0
until grep -q "== Welcome ==" "$dir/gdumb.raw"; do
	n=$((n + 1)); [ "$n" -le 150 ] || fail "no welcome page"
	sleep 0.1   # polling the output, with a deadline
done
wait_for "Main menu: type 1-"
line x
wait_for "Goodbye."
no_escape gdumb
if grep -q "Tmux-topic\|Welcome to the line mode test" "$dir/gdumb.raw"; then
	fail "a visitor saw members' content"
fi

echo "line-tmux: ok (port $port)"
exit 0
