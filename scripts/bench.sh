#!/usr/bin/env bash
# The portal against a stock OpenSSH sshd and dropbear, each showing the same `bbs` UI for
# the same user: login rate, memory per session, keystroke latency and bytes, in one table.
#
#   sudo ./scripts/bench.sh               the full run (about 8 minutes on 2 cores)
#   QUICK=1 ./scripts/bench.sh            a short smoke run (fewer sessions, shorter phases)
#   ./scripts/bench.sh --max-sessions 300 extra options go to bench/compare-bench
#   SKIP_BUILD=1 ./scripts/bench.sh       use the programs already built in build-bench/
#   SERVE=300 ./scripts/bench.sh          only start the three servers, for 300 s (profiling)
#
# Needs root: it installs openssh-server (without starting or enabling its service) and
# dropbear-bin if they are missing, and creates a throwaway system user `portalbench` for
# sshd and dropbear to log in as (removed at the end). It starts, on 127.0.0.1 only:
#   - bbsd, with the pre-authentication limits relaxed for the load (-S 10000:100:10000 -s 0 -N);
#   - OpenSSH's sshd, our own process with a throwaway config and host key (UsePAM no,
#     ForceCommand bbs), never the machine's ssh service or its config;
#   - dropbear, with a forced command (-c bbs).
# Then bench/compare-bench measures all three and prints the table; the JSON goes to
# build-bench/bench-results.json, the table to build-bench/bench-results.txt.
#
# Must never: touch /etc/ssh, root's ~/.ssh or the ssh service; listen beyond 127.0.0.1;
# kill a process it did not start (only the three servers and their descendants, by pid).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
BUILD=${BUILD:-build-bench}
BENCH_USER=portalbench
USER_MARK="Protectors' Portal benchmark (temporary)"
LIMIT_SECONDS=${LIMIT_SECONDS:-720}   # hard stop for the measuring program (it skips phases after 540 s)

if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null; then exec sudo -E "$0" "$@"; fi
  echo "bench.sh: run as root (it creates a throwaway user and runs sshd)" >&2
  exit 1
fi

say() { printf '== %s\n' "$*" >&2; }

# One run at a time: runs share the throwaway user's name and /run/sshd.
exec 9> /tmp/portal-bench.lock
if ! flock -n 9; then
  echo "bench.sh: another run of bench.sh is going on; wait for it to end" >&2
  exit 1
fi

# ------------------------------------------------------------------ packages
./scripts/deps.sh
need=()
for p in openssh-server dropbear-bin; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || need+=("$p")
done
if [ ${#need[@]} -gt 0 ]; then
  say "installing ${need[*]} (services neither started nor enabled)"
  # policy-rc.d exiting 101 forbids maintainer scripts to start services.
  made_policy=0
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d
    chmod 755 /usr/sbin/policy-rc.d
    made_policy=1
    trap 'rm -f /usr/sbin/policy-rc.d' EXIT   # also if the install is interrupted
  fi
  rc=0
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" \
    >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive \
    apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null; } || rc=$?
  if [ $made_policy = 1 ]; then rm -f /usr/sbin/policy-rc.d; trap - EXIT; fi
  [ $rc = 0 ] || { echo "bench.sh: apt-get install failed" >&2; exit 1; }
  if printf '%s\n' "${need[@]}" | grep -qx openssh-server; then
    # The package enables ssh.service at install; undo that (only for what we installed).
    systemctl disable --quiet ssh.service ssh.socket 2>/dev/null || true
    if [ -d /run/systemd/system ] && systemctl is-active --quiet ssh.service 2>/dev/null; then
      systemctl stop ssh.service || true
    fi
  fi
fi
SSHD=/usr/sbin/sshd
DROPBEAR=/usr/sbin/dropbear
# bbsd, started as root, serves as the user bbs (bbsd.conf User): deps.sh creates it.
getent passwd bbs >/dev/null || ./scripts/deps.sh >/dev/null

# ------------------------------------------------------------------ build
if [ "${SKIP_BUILD:-0}" != 1 ]; then
  [ -f "$BUILD/build.ninja" ] || meson setup "$BUILD" >/dev/null
  say "building in $BUILD"
  ninja -C "$BUILD" bbsd/bbsd ui/bbs bbsctl/bbsctl bench/compare-bench >/dev/null
fi
BBSD=$ROOT/$BUILD/bbsd/bbsd
BBS=$ROOT/$BUILD/ui/bbs
BBSCTL=$ROOT/$BUILD/bbsctl/bbsctl
CMP=$ROOT/$BUILD/bench/compare-bench

# ------------------------------------------------------------------ cleanup
WORK=
SERVER_PIDS=()
MADE_USER=0
MADE_RUNSSHD=0

# All live descendants of a pid, one per line.
descendants() {
  ps -eo pid=,ppid= | awk -v root="$1" '
    { parent[$1] = $2 }
    END {
      want[root] = 1
      do {
        grew = 0
        for (p in parent) if (!(p in want) && (parent[p] in want)) { want[p] = 1; grew = 1 }
      } while (grew)
      for (p in want) if (p != root) print p
    }'
}

cleanup() {
  local rc=$? pids=() p
  trap - EXIT INT TERM
  for p in "${SERVER_PIDS[@]}"; do
    pids+=("$p")
    while read -r d; do [ -n "$d" ] && pids+=("$d"); done < <(descendants "$p")
  done
  if [ ${#pids[@]} -gt 0 ]; then
    kill -TERM "${pids[@]}" 2>/dev/null || true
    for _ in $(seq 50); do
      local alive=0
      for p in "${pids[@]}"; do kill -0 "$p" 2>/dev/null && alive=1; done
      [ $alive = 0 ] && break
      sleep 0.1
    done
    kill -KILL "${pids[@]}" 2>/dev/null || true
    wait 2>/dev/null || true
  fi
  if [ $MADE_USER = 1 ]; then userdel "$BENCH_USER" 2>/dev/null || true; fi
  if [ $MADE_RUNSSHD = 1 ]; then rmdir /run/sshd 2>/dev/null || true; fi
  if [ -n "$WORK" ] && [ -d "$WORK" ]; then
    if [ $rc != 0 ]; then
      for l in bbsd sshd dropbear; do
        [ -s "$WORK/$l.log" ] && { echo "--- last lines of the $l log:"; tail -n 5 "$WORK/$l.log"; } >&2
      done
    fi
    rm -rf "$WORK"
  fi
  exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# ------------------------------------------------------------------ data, keys, user
ulimit -n "$(ulimit -Hn)"
[ "$(ulimit -n)" -ge 1200 ] || echo "bench.sh: only $(ulimit -n) open files allowed" >&2
WORK=$(mktemp -d /tmp/portal-bench.XXXXXX)
chmod 755 "$WORK"   # the benchmark user must reach its home and data below it
ssh-keygen -q -t ed25519 -N '' -C portal-bench-client -f "$WORK/client_key"
ssh-keygen -q -t ed25519 -N '' -C portal-bench-host -f "$WORK/host_ed25519"
dropbearconvert openssh dropbear "$WORK/host_ed25519" "$WORK/host_ed25519.dropbear" >/dev/null 2>&1

# The portal's own data directory (bbsd and its bbs run as root here).
"$BBSCTL" -d "$WORK/portal" init >/dev/null
"$BBSCTL" -d "$WORK/portal" user add sysop --role sysop --key "$WORK/client_key.pub" >/dev/null

# A throwaway Unix account for sshd and dropbear, and a data directory it owns.
if getent passwd "$BENCH_USER" >/dev/null; then
  if [ "$(getent passwd "$BENCH_USER" | cut -d: -f5)" = "$USER_MARK" ]; then
    say "removing the $BENCH_USER user an interrupted run left behind"
    userdel "$BENCH_USER"
  else
    echo "bench.sh: a user named $BENCH_USER exists and is not ours; stopping" >&2
    exit 1
  fi
fi
# Password field '*': no password, but not "locked" ('!'), which sshd without PAM refuses.
useradd --system --create-home --home-dir "$WORK/home" --shell /bin/sh -p '*' \
  --comment "$USER_MARK" "$BENCH_USER"
MADE_USER=1
install -d -m 700 -o "$BENCH_USER" -g "$BENCH_USER" "$WORK/home/.ssh"
install -m 600 -o "$BENCH_USER" -g "$BENCH_USER" "$WORK/client_key.pub" \
  "$WORK/home/.ssh/authorized_keys"
"$BBSCTL" -d "$WORK/ext" init >/dev/null
"$BBSCTL" -d "$WORK/ext" user add sysop --role sysop --key "$WORK/client_key.pub" >/dev/null
chown -R "$BENCH_USER:$BENCH_USER" "$WORK/ext"
# The same UI, same user, same locale as bbsd gives it (bbsd sets LC_ALL=C.UTF-8).
FORCED="LC_ALL=C.UTF-8 exec $BBS -d $WORK/ext --user sysop"

# ------------------------------------------------------------------ servers
say "starting bbsd, sshd and dropbear on 127.0.0.1"
"$BBSD" -d "$WORK/portal" -l 127.0.0.1 -p 0 -D -S 10000:100:10000 -s 0 -N \
  2> "$WORK/bbsd.log" 9>&- &
BBSD_PID=$!
SERVER_PIDS+=("$BBSD_PID")

if [ ! -d /run/sshd ]; then mkdir -m 755 /run/sshd; MADE_RUNSSHD=1; fi
SSHD_PORT=$("$CMP" --free-port)
cat > "$WORK/sshd_config" <<EOF
# Throwaway config for the benchmark only (scripts/bench.sh).
ListenAddress 127.0.0.1:$SSHD_PORT
HostKey $WORK/host_ed25519
PidFile none
UsePAM no
PermitRootLogin no
AllowUsers $BENCH_USER
PubkeyAuthentication yes
PasswordAuthentication no
KbdInteractiveAuthentication no
AuthorizedKeysFile .ssh/authorized_keys
ForceCommand $FORCED
MaxStartups 10000:100:10000
LoginGraceTime 30
PrintMotd no
PrintLastLog no
X11Forwarding no
AllowTcpForwarding no
AllowAgentForwarding no
UseDNS no
LogLevel ERROR
EOF
"$SSHD" -t -f "$WORK/sshd_config"
"$SSHD" -D -e -f "$WORK/sshd_config" 2> "$WORK/sshd.log" 9>&- &
SSHD_PID=$!
SERVER_PIDS+=("$SSHD_PID")

DROPBEAR_PORT=$("$CMP" --free-port)
"$DROPBEAR" -F -E -s -w -j -k -p "127.0.0.1:$DROPBEAR_PORT" -r "$WORK/host_ed25519.dropbear" \
  -P "$WORK/dropbear.pid" -c "$FORCED" 2> "$WORK/dropbear.log" 9>&- &
DROPBEAR_PID=$!
SERVER_PIDS+=("$DROPBEAR_PID")

for _ in $(seq 100); do [ -s "$WORK/portal/bbsd.port" ] && break; sleep 0.1; done
PORTAL_PORT=$(cat "$WORK/portal/bbsd.port" 2>/dev/null || true)
[ -n "$PORTAL_PORT" ] || { echo "bench.sh: bbsd did not start" >&2; exit 1; }

SYSTEMS=("portal:$PORTAL_PORT:$WORK/portal/ssh_host_ed25519_key:sysop:$BBSD_PID"
  "sshd:$SSHD_PORT:$WORK/host_ed25519:$BENCH_USER:$SSHD_PID"
  "dropbear:$DROPBEAR_PORT:$WORK/host_ed25519:$BENCH_USER:$DROPBEAR_PID")

# SERVE=SECONDS: no measuring; leave the three servers up that long (for profiling by hand).
if [ -n "${SERVE:-}" ]; then
  say "serving for $SERVE s; client key $WORK/client_key; NAME:PORT:HOSTKEY:USER:PID ="
  printf '  %s\n' "${SYSTEMS[@]}" >&2
  sleep "$SERVE" &
  wait $! || true   # (a signal interrupts wait, so the trap cleans up at once)
  exit 0
fi

# ------------------------------------------------------------------ measure
opts=()
if [ "${QUICK:-0}" = 1 ]; then
  opts=(--seconds 1 --max-sessions 100 --steps 20,50 --keys 50 --hold-seconds 30)
fi
NOTE="Versions: bbsd $(git -C "$ROOT" describe --always --dirty 2>/dev/null || echo '?'), \
$("$SSHD" -V 2>&1 | head -n1 | cut -d, -f1), $("$DROPBEAR" -V 2>&1 | head -n1). \
Pre-auth limits: bbsd runs with -S 10000:100:10000 -s 0 -N, sshd with MaxStartups \
10000:100:10000; dropbear keeps its compiled-in 30 unauthenticated connections (5 per \
address). Clients connect from 127.0.0.2..127.0.0.251 (one source address per client \
thread, one per held session). Client, servers and UI share 2 cores."
say "measuring (at most $LIMIT_SECONDS s)"
set +e
timeout --signal=INT --kill-after=30 "$LIMIT_SECONDS" "$CMP" --key "$WORK/client_key" \
  --json "$ROOT/$BUILD/bench-results.json" --note "$NOTE" "${opts[@]}" "$@" "${SYSTEMS[@]}" \
  | tee "$ROOT/$BUILD/bench-results.txt"
status=${PIPESTATUS[0]}
set -e
[ "$status" = 0 ] || echo "bench.sh: compare-bench ended with status $status" >&2
exit "$status"
