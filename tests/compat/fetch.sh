#!/usr/bin/env bash
# Fetches the suite's third-party programs from Debian and builds the tree the cases run in.
#
#   fetch.sh CACHE TREE
#
# CACHE (kept between runs, never committed): debs/ from `apt-get download`, each package
# unpacked under pkgs/NAME/, and go/: Debian's Go toolchain (the golang-1.N-go and -src that
# golang-go depends on, unpacked together into go/golang-1.N/, not installed) and its build
# cache.  Delete CACHE to fetch newer package versions.
# TREE (made afresh): bin/ with busybox (plus a link per applet, as `busybox --install` makes),
# bash (bash-static), zsh (zsh-static), sash and the go-* programs (tests/compat/go/*.go built
# with CGO_ENABLED=0), data/ and scripts/ from tests/compat/tree, and an empty tmp/.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
cache=$1 tree=$2
die() { echo "compat: $*" >&2; exit 2; }
mkdir -p "$cache/debs" "$cache/pkgs"

# fetch PKG [DIR]: downloads PKG's .deb once and unpacks it into DIR (default pkgs/PKG).
fetch() {
    local pkg=$1 dir=${2:-$cache/pkgs/$1} deb
    deb=$(find "$cache/debs" -maxdepth 1 -name "${pkg}_*.deb" -print -quit)
    if [ -z "$deb" ]; then
        echo "compat: apt-get download $pkg" >&2
        (cd "$cache/debs" && apt-get -qq -o APT::Sandbox::User=root download "$pkg" >&2) ||
            die "apt-get download $pkg failed (is the Debian archive reachable?)"
        deb=$(find "$cache/debs" -maxdepth 1 -name "${pkg}_*.deb" -print -quit)
    fi
    if [ ! -e "$dir/.done-$pkg" ]; then
        mkdir -p "$dir"  # dpkg-deb -x makes the last folder only (go/golang-1.N of an empty cache)
        dpkg-deb -x "$deb" "$dir"
        touch "$dir/.done-$pkg"
    fi
}

rm -rf "$tree"
mkdir -p "$tree/bin" "$tree/tmp"
chmod 1777 "$tree/tmp"
cp -r "$here/tree/data" "$here/tree/scripts" "$tree/"

for pkg in busybox-static bash-static zsh-static sash; do fetch "$pkg"; done
install -m 0755 "$cache/pkgs/busybox-static/bin/busybox" "$tree/bin/busybox"
install -m 0755 "$cache/pkgs/bash-static/bin/bash-static" "$tree/bin/bash"
install -m 0755 "$cache/pkgs/zsh-static/bin/zsh-static" "$tree/bin/zsh"
install -m 0755 "$cache/pkgs/sash/bin/sash" "$tree/bin/sash"
for applet in $("$tree/bin/busybox" --list); do
    [ -e "$tree/bin/$applet" ] || ln -s busybox "$tree/bin/$applet"
done

# Go: the toolchain golang-go depends on (golang-1.N-go and golang-1.N-src), from the archive.
gopkg=$(apt-cache depends golang-go 2>/dev/null | grep -o -m1 'golang-[0-9.]*-go' || true)
if [ -z "$gopkg" ]; then
    echo "compat: golang-go is not installable here; the go-* cases will fail (no program)" >&2
    exit 0
fi
# The -go package links src to ../../share/go-1.N/src: both are unpacked into one root.
goroot=$cache/go/${gopkg%-go}
fetch "$gopkg" "$goroot"
fetch "${gopkg%-go}-src" "$goroot"
ver=${gopkg#golang-}
ver=${ver%-go}
export GOROOT=$goroot/usr/lib/go-$ver GOCACHE=$cache/go/build-cache GOPATH=$cache/go/path
export GO111MODULE=off CGO_ENABLED=0 GOFLAGS=-trimpath GOTOOLCHAIN=local
for src in "$here"/go/*.go; do
    name=$(basename "$src" .go)
    "$GOROOT/bin/go" build -o "$tree/bin/go-$name" "$src" || die "go build $src failed"
done
