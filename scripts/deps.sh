#!/usr/bin/env bash
# Installs the Debian 12 packages the portal needs to build, run and test, if any are missing.
# Runs apt-get as root, or through sudo when not root. Safe to run again.
set -euo pipefail

packages=(
  gcc pkg-config meson ninja-build
  libssh-dev libsodium-dev libsqlite3-dev libncurses-dev ncurses-term
  libvterm-dev openssh-client tmux python3
  clang libclang-rt-14-dev
)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$p")
  fi
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "Installing: ${missing[*]}"
if [ "$(id -u)" -eq 0 ]; then
  sudo=()
else
  sudo=(sudo)
fi
export DEBIAN_FRONTEND=noninteractive
"${sudo[@]}" apt-get update -qq
"${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
