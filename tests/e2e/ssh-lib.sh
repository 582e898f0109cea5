# ssh-lib.sh: shared by the shell tests that drive the portal with the real OpenSSH client
# (cmd-openssh.sh, cmd-messages.sh, cmd-challenge.sh, line-openssh.sh, ssh-compress.sh).
# Sourced, never run. Gives a scratch directory $tmp (removed on exit), the data directory $D,
# failure counting, and:
#   portal_up NAME[:ROLE]...  `bbsctl init`, a member per NAME with a fresh ed25519 key
#                             ($tmp/NAME), then bbsd on 127.0.0.1 with a port it picks; sets
#                             $port, a pinned $tmp/known_hosts and $SSH (ssh with no config of
#                             the machine's, batch mode, the pinned host key)
#   run USER STATUS ARGS...   `ssh USER@host ARGS` (stdin passed on): stdout in $tmp/out,
#                             stderr in $tmp/err; fails if the status differs or either holds
#                             an escape byte
#   has / lacks TEXT, err_has TEXT   checks on $tmp/out / $tmp/err
#   finish NAME               prints the result (and bbsd's log after failures) and exits
# A script that starts more processes redefines on_exit() to stop them.
# Must never: start anything beyond 127.0.0.1, or touch files outside $tmp.
set -u
command -v ssh >/dev/null 2>&1 || { echo "ssh not installed: skipped"; exit 77; }
tmp=$(mktemp -d)
# Started as root, bbsd serves as the user bbs (bbsctl init gives it $tmp/data): it must be
# able to reach $tmp/data.
chmod 711 "$tmp"
D=$tmp/data
pid=
on_exit() { :; }
ssh_lib_cleanup() {
  on_exit
  [ -n "$pid" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
  rm -rf "$tmp"
}
trap ssh_lib_cleanup EXIT INT TERM
fails=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }

portal_up() {
  "$BBSCTL" -d "$D" init >/dev/null || exit 1
  for spec in "$@"; do
    name=${spec%%:*} role=member
    [ "$name" != "$spec" ] && role=${spec#*:}
    ssh-keygen -q -t ed25519 -N '' -f "$tmp/$name" || exit 1
    "$BBSCTL" -d "$D" user add "$name" --role "$role" --key "$tmp/$name.pub" >/dev/null || exit 1
  done
  "$BBSD" -d "$D" -l 127.0.0.1 -p 0 -D 2>"$tmp/bbsd.log" &
  pid=$!
  i=0
  while [ ! -s "$D/bbsd.port" ]; do
    i=$((i + 1)); [ $i -gt 100 ] && { echo "bbsd did not start"; cat "$tmp/bbsd.log"; exit 1; }
    sleep 0.1   # waiting for the port file, with a deadline
  done
  port=$(cat "$D/bbsd.port")
  ssh-keygen -y -f "$D/ssh_host_ed25519_key" | sed "s/^/[127.0.0.1]:$port /" >"$tmp/known_hosts"
  SSH="ssh -F /dev/null -o BatchMode=yes -o IdentitiesOnly=yes -o UserKnownHostsFile=$tmp/known_hosts -o StrictHostKeyChecking=yes -p $port"
}

run() {
  user=$1 want=$2; shift 2
  $SSH -i "$tmp/$user" "$user@127.0.0.1" "$@" >"$tmp/out" 2>"$tmp/err"
  got=$?
  if [ "$got" != "$want" ]; then
    fail "'$*' as $user: exit $got, wanted $want"; sed 's/^/    out: /' "$tmp/out"; sed 's/^/    err: /' "$tmp/err"
  fi
  if grep -q "$(printf '\033')" "$tmp/out" "$tmp/err"; then fail "'$*': escape byte in the output"; fi
}
has() { grep -q -- "$1" "$tmp/out" || { fail "output lacks '$1'"; sed 's/^/    /' "$tmp/out"; }; }
lacks() { if grep -q -- "$1" "$tmp/out"; then fail "output has '$1'"; sed 's/^/    /' "$tmp/out"; fi; }
err_has() { grep -q -- "$1" "$tmp/err" || { fail "stderr lacks '$1'"; sed 's/^/    /' "$tmp/err"; }; }

finish() {
  if [ "$fails" -ne 0 ]; then
    echo "$1: $fails failures"; echo "--- bbsd log"; cat "$tmp/bbsd.log"; exit 1
  fi
  echo "$1: all passed"
  exit 0
}
