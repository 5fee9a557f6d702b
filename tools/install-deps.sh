#!/usr/bin/env bash
# Installs every build, test and demo dependency of hashwatch from Debian 12 packages.
# Idempotent: does nothing when everything is already present. Runs as root or through sudo.
set -euo pipefail

packages=(
  cmake ninja-build pkg-config g++ ccache git
  libboost1.81-dev libboost-json1.81-dev libboost-url1.81-dev
  librdkafka-dev librocksdb-dev prometheus-cpp-dev libsimdjson-dev libyaml-cpp-dev libre2-dev
  libspdlog-dev libfmt-dev libcli11-dev libsystemd-dev libssl-dev libhowardhinnant-date-dev zlib1g-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  clang libclang-rt-14-dev
  prometheus kcat prometheus-alertmanager curl python3 systemd openssl ca-certificates tzdata
)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all ${#packages[@]} packages present"
  exit 0
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
