#!/bin/sh
# netem.sh: the portal over a shaped link, as members on a poor network have it: 64 kbit/s,
# 600 ms round trip (300 ms each way), 3% packet loss each way. Two network namespaces joined
# by one link: bbsd listens on the server side's address only (a private test link), the real
# OpenSSH client runs on the other side. Over it: the command interface posts a discussion
# (`post`, again with the same --id as a retry would), reads the digest and the discussion,
# then OpenSSH under tmux logs in to the full-screen UI, searches the discussion, replies in
# the editor and logs off. Each post must be stored exactly once (read back on the server
# side, off the shaped link). Prints the time to log in (to the drawn main menu) and to read
# the digest over the shaped link.
#
# The link: the netem queueing discipline on a veth pair where the kernel has it (sch_netem);
# otherwise the same shaping by tests/e2e/linkemu (TUN devices, user space; LINKEMU is set by
# meson). Needs root, ip, tmux and ssh; skips (77) with the reason when any is missing or the
# namespaces cannot be made. Everything it makes (namespaces, processes, files) goes at exit.
set -u

skip() { echo "netem: skipped: $*"; exit 77; }
[ "$(id -u)" = 0 ] || skip "needs root (network namespaces)"
for c in ip ssh ssh-keygen tmux; do
	command -v "$c" >/dev/null 2>&1 || skip "no $c (scripts/deps.sh installs it)"
done
for v in BBSD BBSCTL; do
	eval "p=\${$v:-}"
	[ -n "$p" ] && [ -x "$p" ] || { echo "FAIL: $v is not set to a program"; exit 1; }
done
unset TMUX SSH_AUTH_SOCK

NS_S=bbs-srv-$$
NS_C=bbs-cli-$$
SRV=10.213.$(($$ % 250)).1
CLI=10.213.$(($$ % 250)).2
RATE=64000
DELAY_MS=300
LOSS_PCT=3
WAIT=90          # seconds any one step may take on this link
tmp=
bbsd_pid=
emu_pid=
sock=
made_ns=

cleanup() {
	[ -n "$sock" ] && tmux -L "$sock" kill-server 2>/dev/null
	[ -n "$bbsd_pid" ] && kill "$bbsd_pid" 2>/dev/null && wait "$bbsd_pid" 2>/dev/null
	[ -n "$emu_pid" ] && kill "$emu_pid" 2>/dev/null && wait "$emu_pid" 2>/dev/null
	if [ -n "$made_ns" ]; then
		ip netns del "$NS_S" 2>/dev/null
		ip netns del "$NS_C" 2>/dev/null
	fi
	[ -n "$tmp" ] && [ -z "${E2E_KEEP:-}" ] && rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP

fail() {
	echo "FAIL: $*" >&2
	if [ -n "$sock" ]; then
		echo "----- pane -----" >&2
		tmux -L "$sock" capture-pane -p -t bbs >&2 2>/dev/null
	fi
	[ -n "$tmp" ] && [ -f "$tmp/bbsd.log" ] && { echo "----- bbsd log -----" >&2; cat "$tmp/bbsd.log" >&2; }
	exit 1
}

now() { date +%s.%N; }
since() { echo "$1 $(now)" | awk '{ printf "%.2f", $2 - $1 }'; }

# ---- the link ----
ip netns add "$NS_S" 2>/dev/null || skip "cannot create network namespaces (ip netns add)"
made_ns=1
ip netns add "$NS_C" || skip "cannot create a second network namespace"
ip -n "$NS_S" link set lo up && ip -n "$NS_C" link set lo up || fail "loopback up"
link=
if ip link add bbv-s$$ type veth peer name bbv-c$$ 2>/dev/null; then
	ip link set bbv-s$$ netns "$NS_S" && ip link set bbv-c$$ netns "$NS_C" || fail "veth into namespaces"
	if ip netns exec "$NS_S" tc qdisc add dev bbv-s$$ root netem delay ${DELAY_MS}ms \
		rate ${RATE}bit loss ${LOSS_PCT}% 2>/dev/null &&
	   ip netns exec "$NS_C" tc qdisc add dev bbv-c$$ root netem delay ${DELAY_MS}ms \
		rate ${RATE}bit loss ${LOSS_PCT}% 2>/dev/null; then
		ip -n "$NS_S" addr add "$SRV/24" dev bbv-s$$ && ip -n "$NS_C" addr add "$CLI/24" dev bbv-c$$ &&
		ip -n "$NS_S" link set bbv-s$$ up && ip -n "$NS_C" link set bbv-c$$ up || fail "veth addresses"
		link="veth + netem"
	else
		ip -n "$NS_S" link del bbv-s$$ 2>/dev/null
	fi
fi
if [ -z "$link" ]; then
	# No sch_netem in this kernel: the same shaping in user space on TUN devices.
	[ -n "${LINKEMU:-}" ] && [ -x "$LINKEMU" ] || skip "no netem qdisc in this kernel and no LINKEMU"
	[ -c /dev/net/tun ] || skip "no netem qdisc in this kernel and no /dev/net/tun"
	tmp=$(mktemp -d "${TMPDIR:-/tmp}/bbs-netem-XXXXXX") || fail "mktemp"
	"$LINKEMU" "$NS_S" "$NS_C" $RATE $DELAY_MS $((LOSS_PCT * 10)) >"$tmp/linkemu.out" 2>&1 &
	emu_pid=$!
	i=0
	until grep -q ready "$tmp/linkemu.out" 2>/dev/null; do
		kill -0 "$emu_pid" 2>/dev/null || skip "linkemu could not start: $(cat "$tmp/linkemu.out")"
		i=$((i + 1)); [ $i -le 100 ] || fail "linkemu not ready"
		sleep 0.05   # polling for its "ready", with a deadline
	done
	ip -n "$NS_S" addr add "$SRV" peer "$CLI" dev bbl0 && ip -n "$NS_C" addr add "$CLI" peer "$SRV" dev bbl0 &&
	ip -n "$NS_S" link set bbl0 up && ip -n "$NS_C" link set bbl0 up || fail "tun addresses"
	link="TUN + linkemu (no sch_netem in this kernel)"
fi
echo "netem: link $CLI <-> $SRV: $RATE bit/s, ${DELAY_MS} ms each way, ${LOSS_PCT}% loss each way ($link)"

# ---- the portal on the server side ----
[ -n "$tmp" ] || tmp=$(mktemp -d "${TMPDIR:-/tmp}/bbs-netem-XXXXXX") || fail "mktemp"
chmod 711 "$tmp"   # bbsd started as root serves as the user bbs
D=$tmp/data
"$BBSCTL" -d "$D" init >"$tmp/init.log" 2>&1 || fail "bbsctl init: $(cat "$tmp/init.log")"
for u in alice bob; do
	ssh-keygen -q -t ed25519 -N '' -C "$u" -f "$tmp/$u" || fail "ssh-keygen"
	"$BBSCTL" -d "$D" user add "$u" --key "$tmp/$u.pub" </dev/null >/dev/null 2>&1 || fail "user add $u"
done
ip netns exec "$NS_S" "$BBSD" -d "$D" -l "$SRV" -p 0 -D </dev/null >"$tmp/bbsd.log" 2>&1 &
bbsd_pid=$!
i=0
while [ ! -s "$D/bbsd.port" ]; do
	kill -0 "$bbsd_pid" 2>/dev/null || fail "bbsd exited"
	i=$((i + 1)); [ $i -le 100 ] || fail "bbsd wrote no port"
	sleep 0.1   # polling for the port file, with a deadline
done
port=$(tr -dc 0-9 <"$D/bbsd.port")
ssh-keygen -y -f "$D/ssh_host_ed25519_key" | sed "s/^/[$SRV]:$port /" >"$tmp/known_hosts"

SSHOPTS="-F /dev/null -o BatchMode=yes -o IdentitiesOnly=yes -o UserKnownHostsFile=$tmp/known_hosts \
-o GlobalKnownHostsFile=/dev/null -o StrictHostKeyChecking=yes -o HostKeyAlgorithms=ssh-ed25519 \
-o ControlPath=none -o UpdateHostKeys=no -o LogLevel=ERROR -o ConnectTimeout=$WAIT -p $port"

# cmd NS USER COMMAND... : one command over ssh from namespace NS (stdin passed on); output in
# $tmp/out and $tmp/err, status in $st. A retry after a failed link (255) is the caller's.
cmd() {
	ns=$1 user=$2; shift 2
	# shellcheck disable=SC2086
	timeout $WAIT ip netns exec "$ns" ssh $SSHOPTS -i "$tmp/$user" "$user@$SRV" "$@" \
		>"$tmp/out" 2>"$tmp/err"
	st=$?
}
# Over the shaped link, retrying what the link broke (255) up to three times, with the same
# input: with --id that is exactly what a member's script does.
shaped() {
	tries=0
	cat >"$tmp/stdin"   # kept: every attempt sends the whole text again
	while :; do
		cmd "$NS_C" "$@" <"$tmp/stdin"
		[ "$st" != 255 ] && [ "$st" != 124 ] && return
		tries=$((tries + 1))
		[ $tries -lt 3 ] || return
		echo "netem: link failure ($st), retrying: $*"
	done
}
# Off the link (from the server's own namespace): for checking what is stored.
local_cmd() { cmd "$NS_S" "$@"; }

# ---- the command interface over the shaped link ----
printf 'Posted over a shaped link: 64 kbit/s, 600 ms, 3%% loss.\nMARK-CMD-POST\n' >"$tmp/post"
t=$(now)
shaped bob post general --title "'Shaped link report'" --id netem-post-1 <"$tmp/post"
[ "$st" = 0 ] || fail "post: status $st: $(cat "$tmp/err")"
echo "netem: post took $(since "$t") s"
tid=$(sed -n 's/^posted: discussion \([0-9]*\),.*/\1/p' "$tmp/out")
[ -n "$tid" ] || fail "post: no discussion id in: $(cat "$tmp/out")"
# The retry a member would make after an unclear end: the same --id, nothing new.
shaped bob post general --title "'Shaped link report'" --id netem-post-1 <"$tmp/post"
[ "$st" = 0 ] || fail "post again: status $st"
tid2=$(sed -n 's/^posted: discussion \([0-9]*\),.*/\1/p' "$tmp/out")
[ "$tid2" = "$tid" ] || fail "the same --id gave discussion '$tid2', not $tid"
printf 'A reply by command.\nMARK-CMD-REPLY\n' >"$tmp/reply"
shaped bob reply "$tid" --id netem-reply-1 <"$tmp/reply"
[ "$st" = 0 ] || fail "reply: status $st: $(cat "$tmp/err")"

t=$(now)
shaped alice digest </dev/null
digest_s=$(since "$t")
[ "$st" = 0 ] || fail "digest: status $st: $(cat "$tmp/err")"
grep -q "Shaped link report" "$tmp/out" || fail "digest lacks the discussion: $(cat "$tmp/out")"
digest_bytes=$(wc -c <"$tmp/out")
t=$(now)
shaped alice read "$tid" </dev/null
read_s=$(since "$t")
[ "$st" = 0 ] || fail "read: status $st"
grep -q MARK-CMD-POST "$tmp/out" && grep -q MARK-CMD-REPLY "$tmp/out" || fail "read lacks the posts"

# ---- the full-screen UI over the shaped link (OpenSSH in tmux) ----
sock=bbs-netem-$$
t=$(now)
tmux -L "$sock" -f /dev/null new-session -d -s bbs -x 80 -y 24 \
	"ip netns exec $NS_C ssh $SSHOPTS -i $tmp/alice -tt alice@$SRV; echo EXIT=\$?; exec cat >/dev/null" ||
	fail "tmux new-session"
screen() { tmux -L "$sock" capture-pane -p -t bbs 2>/dev/null; }
wait_for() {
	n=0
	while :; do
		if screen | grep -qF -- "$1"; then
			[ "${2:-}" = absent ] || return 0
		else
			[ "${2:-}" = absent ] && return 0
		fi
		n=$((n + 1))
		[ $n -le $((WAIT * 10)) ] || fail "waiting for '$1' ${2:-}"
		sleep 0.1   # polling the pane, with a deadline
	done
}
keys() { tmux -L "$sock" send-keys -t bbs "$@" || fail "send-keys $*"; }

wait_for "Main menu"
wait_for "? help"
login_s=$(since "$t")
keys /
wait_for "Search:"
keys -l "MARK-CMD-POST"
keys Enter
wait_for "Shaped link report"
keys Enter
wait_for "MARK-CMD-REPLY"
keys r
wait_for "Reply to: Shaped link report"
keys -l "Typed in the editor over the shaped link MARK-UI-REPLY"
wait_for "MARK-UI-REPLY"
keys C-x
wait_for "Reply to:" absent
wait_for "MARK-UI-REPLY"
keys q
wait_for "1 of 1"   # back to the search results
keys q
wait_for "Main menu"
keys q
wait_for "Log off? (y/n)"
keys y
wait_for "EXIT="
screen | grep -qx "EXIT=0" || fail "ssh exit status is not 0: $(screen | grep EXIT=)"

# ---- each post stored exactly once (read off the link) ----
local_cmd alice read "$tid" </dev/null
[ "$st" = 0 ] || fail "read on the server side: status $st"
for m in MARK-CMD-POST MARK-CMD-REPLY MARK-UI-REPLY; do
	c=$(grep -c -- "$m" "$tmp/out")
	[ "$c" = 1 ] || fail "$m stored $c times, not once: $(cat "$tmp/out")"
done

echo "netem: login to the drawn main menu: $login_s s; digest ($digest_bytes bytes): $digest_s s; read: $read_s s"
echo "netem: ok"
exit 0
