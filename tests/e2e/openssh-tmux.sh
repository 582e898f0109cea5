#!/bin/sh
# openssh-tmux.sh: a real client. OpenSSH's ssh, inside a tmux pane of 80x24, logs in to
# a fresh bbsd by public key with a pinned host key, opens a focus area, goes back, logs off,
# and must exit with status 0. Waits poll the pane's text against a deadline (no fixed
# sleeps). Uses its own tmux server (-L), its own ssh config (-F /dev/null) and known_hosts;
# never reads ~/.ssh/config; kills only the tmux server and bbsd it started.
set -u

fail() {
	echo "FAIL: $*" >&2
	if [ -n "${sock:-}" ]; then
		echo "----- pane -----" >&2
		tmux -L "$sock" capture-pane -p -t bbs >&2 2>/dev/null
		echo "----- end of pane -----" >&2
	fi
	if [ -n "${dir:-}" ] && [ -f "$dir/bbsd.log" ]; then
		echo "----- bbsd log -----" >&2
		cat "$dir/bbsd.log" >&2
		echo "----- end of bbsd log -----" >&2
	fi
	exit 1
}

cleanup() {
	if [ -n "${sock:-}" ]; then
		tmux -L "$sock" kill-server 2>/dev/null
	fi
	if [ -n "${bbsd_pid:-}" ]; then
		kill "$bbsd_pid" 2>/dev/null
		wait "$bbsd_pid" 2>/dev/null
	fi
	if [ -n "${dir:-}" ] && [ -z "${E2E_KEEP:-}" ]; then
		rm -rf "$dir"
	fi
}
trap cleanup EXIT
trap 'exit 1' INT TERM

for v in BBSD BBSCTL; do
	eval "p=\${$v:-}"
	[ -n "$p" ] && [ -x "$p" ] || fail "$v is not set to a program"
done
# Without the real client there is nothing to test: tell meson "skipped" (77).
command -v ssh >/dev/null || { echo "no ssh: skipped"; exit 77; }
command -v tmux >/dev/null || { echo "no tmux: skipped"; exit 77; }
command -v ssh-keygen >/dev/null || { echo "no ssh-keygen: skipped"; exit 77; }
unset TMUX SSH_AUTH_SOCK

dir=$(mktemp -d "${TMPDIR:-/tmp}/bbs-e2e-ssh-XXXXXX") || fail "mktemp"
"$BBSCTL" -d "$dir" init >"$dir/init.log" 2>&1 || fail "bbsctl init: $(cat "$dir/init.log")"
ssh-keygen -q -t ed25519 -N '' -C alice -f "$dir/alice_key" || fail "ssh-keygen"
"$BBSCTL" -d "$dir" user add alice --role member --key "$dir/alice_key.pub" \
	</dev/null >"$dir/add.log" 2>&1 || fail "bbsctl user add: $(cat "$dir/add.log")"

"$BBSD" -d "$dir" -l 127.0.0.1 -p 0 -D </dev/null >>"$dir/bbsd.log" 2>&1 &
bbsd_pid=$!

# Poll for the port file (deadline 10 s).
i=0
port=
while :; do
	if [ -s "$dir/bbsd.port" ]; then
		port=$(tr -dc 0-9 <"$dir/bbsd.port")
		[ -n "$port" ] && break
	fi
	kill -0 "$bbsd_pid" 2>/dev/null || fail "bbsd exited"
	i=$((i + 1))
	[ "$i" -le 100 ] || fail "bbsd wrote no port"
	sleep 0.1
done

# Pin the host key: known_hosts made from the private key's public half.
pub=$(ssh-keygen -y -f "$dir/ssh_host_ed25519_key") || fail "ssh-keygen -y"
echo "[127.0.0.1]:$port $pub" >"$dir/known_hosts"

sock="bbs-e2e-$$"
cmd="ssh -F /dev/null -p $port -i '$dir/alice_key' -o IdentitiesOnly=yes -o BatchMode=yes \
-o UserKnownHostsFile='$dir/known_hosts' -o GlobalKnownHostsFile=/dev/null \
-o StrictHostKeyChecking=yes -o HostKeyAlgorithms=ssh-ed25519 -o ControlPath=none \
-o UpdateHostKeys=no -o LogLevel=ERROR -tt alice@127.0.0.1; echo EXIT=\$?; exec cat >/dev/null"
tmux -L "$sock" -f /dev/null new-session -d -s bbs -x 80 -y 24 "$cmd" || fail "tmux new-session"

screen() {
	tmux -L "$sock" capture-pane -p -t bbs 2>/dev/null
}

# wait_for TEXT [absent]: poll the pane (every 0.1 s, deadline 10 s).
wait_for() {
	n=0
	while :; do
		if screen | grep -qF -- "$1"; then
			[ "${2:-}" = absent ] || return 0
		else
			[ "${2:-}" = absent ] && return 0
		fi
		n=$((n + 1))
		[ "$n" -le 100 ] || fail "waiting for '$1' ${2:-}"
		sleep 0.1
	done
}

keys() {
	tmux -L "$sock" send-keys -t bbs "$@" || fail "send-keys $*"
}

wait_for "Main menu"
wait_for "Protectors' Portal"
wait_for "alice (member)"
wait_for "Technology solutions"
wait_for "? help"
keys Down Down
keys Enter
wait_for "Main menu" absent
wait_for "Technology solutions"
keys q
wait_for "Main menu"
keys 1
wait_for "Main menu" absent
wait_for "Global response"
keys Escape
wait_for "Main menu"
keys q
wait_for "Log off? (y/n)"
keys y
wait_for "EXIT="
screen | grep -qx "EXIT=0" || fail "ssh exit status is not 0: $(screen | grep EXIT=)"
echo "openssh-tmux: ok (port $port)"
exit 0
