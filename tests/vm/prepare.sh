#!/usr/bin/env bash
# Builds (once, then cached) what the test VM boots: an unpacked Debian kernel and an initramfs of
# busybox-static, the kvm_amd module chain and tests/vm/init.  Prints the cache directory.
#
# Cache: $ER_TESTVM_CACHE, else ${XDG_CACHE_HOME:-$HOME/.cache}/enclave-run/test-vm.  Everything
# in it is keyed by the kernel version that `linux-image-amd64` depends on, so a Debian kernel
# update makes a new entry instead of silently reusing a stale one.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
cache=${ER_TESTVM_CACHE:-${XDG_CACHE_HOME:-${HOME:-/root}/.cache}/enclave-run/test-vm}
mkdir -p "$cache"

die() { echo "test-vm: $*" >&2; exit 1; }
for tool in qemu-system-x86_64 cpio; do
    command -v "$tool" >/dev/null || die "$tool is missing (apt-get install qemu-system-x86 cpio)"
done
busybox=/bin/busybox
[ -x "$busybox" ] && "$busybox" --list 2>/dev/null | grep -x insmod >/dev/null ||
    die "busybox-static is missing (apt-get install busybox-static)"

# Which kernel: the one Debian's meta package points at today (never hard-coded).
version=$(apt-cache depends linux-image-amd64 2>/dev/null | sed -n 's/.*Depends: linux-image-\(.*\)$/\1/p' | head -n1)
if [ -z "$version" ]; then
    # apt lists may be missing on a fresh machine; fall back to what is already cached.
    version=$(ls "$cache" 2>/dev/null | sed -n 's/^kernel-//p' | sort -V | tail -n1)
    [ -n "$version" ] || die "cannot tell the Debian kernel version (run apt-get update)"
fi
kdir=$cache/kernel-$version
if [ ! -e "$kdir/.done" ]; then
    rm -rf "$kdir" && mkdir -p "$kdir"
    echo "test-vm: fetching linux-image-$version (once; cached in $cache)" >&2
    (cd "$kdir" && apt-get download -q "linux-image-$version" >/dev/null 2>&1) ||
        die "apt-get download linux-image-$version failed (run apt-get update?)"
    dpkg -x "$kdir"/linux-image-*.deb "$kdir/root"
    rm -f "$kdir"/linux-image-*.deb
    touch "$kdir/.done"
fi
vmlinuz=$(ls "$kdir"/root/boot/vmlinuz-* | head -n1)
moddir=$(ls -d "$kdir"/root/lib/modules/* | head -n1)

# The module chain, in load order (each needs the ones before it).  ccp is kvm_amd's SEV
# dependency; overlay is for docker inside the VM, and so are llc, stp (which needs llc), bridge
# (which needs both) and veth: a user-defined docker network is a bridge with a veth pair per
# container (tests/e2e `port`).
modules="virtio_ring virtio virtio_pci_modern_dev virtio_pci_legacy_dev virtio_pci 9pnet
9pnet_virtio netfs fscache 9p irqbypass ccp kvm kvm-amd overlay llc stp bridge veth"

stamp=$(cat "$here/init" "${BASH_SOURCE[0]}" | sha256sum | cut -c1-16)
initrd=$cache/initramfs-$version-$stamp.cpio.gz
if [ ! -e "$initrd" ]; then
    work=$(mktemp -d)
    trap 'rm -rf "$work"' EXIT
    mkdir -p "$work"/{bin,proc,sys,dev,host,lib/modules}
    cp "$busybox" "$work/bin/busybox"
    for m in $modules; do
        ko=$(find "$moddir" -name "$m.ko" -o -name "${m//-/_}.ko" | head -n1)
        [ -n "$ko" ] || die "module $m not found in $moddir"
        cp "$ko" "$work/lib/modules/"
        echo "$(basename "$ko")" >>"$work/lib/modules/order"
    done
    cp "$here/init" "$work/init"
    chmod +x "$work/init"
    (cd "$work" && find . | cpio -o -H newc --quiet | gzip -1) >"$initrd.tmp"
    mv "$initrd.tmp" "$initrd"
fi
ln -sf "$vmlinuz" "$cache/vmlinuz"
ln -sf "$initrd" "$cache/initramfs.cpio.gz"
echo "$cache"
