#!/usr/bin/env bash
# Installs what the build, the tests and the test VM need, from Debian's packages only, and only
# what is missing (so a second run costs a dpkg query, not an apt-get).
set -euo pipefail
packages=(
    build-essential cmake ninja-build pkg-config git
    libssl-dev libcbor-dev nlohmann-json3-dev libcli11-dev
    libgtest-dev libgmock-dev libbenchmark-dev libseccomp-dev
    clang libclang-rt-14-dev
    musl-tools binutils file strace time
    dietlibc-dev # tests: a dietlibc program needs the vDSO (unikernel/vdso/test_apps.cmake)
    qemu-system-x86 busybox-static cpio
    docker.io containerd runc curl # tests/e2e: dockerd inside the test VM (not started on the host)
)
missing=()
for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
    if [ "$(id -u)" != 0 ]; then
        echo "deps: missing packages: ${missing[*]}; run as root or: sudo apt-get install ${missing[*]}" >&2
        exit 1
    fi
    echo "deps: installing ${missing[*]}" >&2
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
# The test VM's kernel is fetched with apt-get download, which needs package lists.
if ! apt-cache show linux-image-amd64 >/dev/null 2>&1; then
    [ "$(id -u)" = 0 ] && apt-get update -qq
fi
