#!/usr/bin/env bash
# Installs the Debian 12 packages the portal needs to build, run and test, if any are missing.
# Runs apt-get as root, or through sudo when not root. Safe to run again.
set -euo pipefail

packages=(
  gcc pkg-config meson ninja-build
  libssh-dev libsodium-dev libsqlite3-dev libncurses-dev ncurses-term libseccomp-dev
  libvterm-dev openssh-client tmux python3 iproute2
  clang libclang-rt-14-dev
)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$p")
  fi
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "Installing: ${missing[*]}"
  if [ "$(id -u)" -eq 0 ]; then
    sudo=()
  else
    sudo=(sudo)
  fi
  export DEBIAN_FRONTEND=noninteractive
  "${sudo[@]}" apt-get update -qq
  "${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

# Started as root, bbsd drops to the service user "bbs" (bbsd.conf User) and refuses to serve
# without it; the tests and the demo run as root in CI. A system user with no shell and no
# home of its own, as contrib/bbsd.sysusers makes on an installed system.
if [ "$(id -u)" -eq 0 ] && ! getent passwd bbs >/dev/null; then
  echo "Creating the system user bbs"
  useradd --system --user-group --no-create-home --home-dir /nonexistent \
    --shell /usr/sbin/nologin --comment "Protectors' Portal" bbs
fi
