#!/usr/bin/env bash
# Builds the real programs of the Net suite (tests/integration/net_test.cpp) and bench/net:
# busybox from Debian's busybox-static and the Go programs here (go-httpd, go-loadgen), built
# static (CGO_ENABLED=0) with Debian's Go toolchain.  Both come the way the compat suite gets them
# (tests/compat/fetch.sh: apt-get download into its cache, $ER_COMPAT_CACHE, else
# ~/.cache/enclave-run-compat), so the two suites share one download and one Go build cache.
#
#   tests/integration/net/build.sh OUT     (writes OUT/bin/{busybox,go-httpd,go-loadgen})
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
out=$1
cache=${ER_COMPAT_CACHE:-${HOME:-/root}/.cache/enclave-run-compat}
die() { echo "net programs: $*" >&2; exit 2; }

"$here/../../compat/fetch.sh" "$cache" "$out/compat-tree"
goroot=$(ls -d "$cache"/go/golang-*/usr/lib/go-* 2>/dev/null | sort -V | tail -n1)
[ -n "$goroot" ] && [ -x "$goroot/bin/go" ] ||
    die "no Go toolchain in $cache/go (tests/compat/fetch.sh could not get golang-go's)"
export GOROOT=$goroot GOCACHE=$cache/go/build-cache GOPATH=$cache/go/path
export GO111MODULE=off CGO_ENABLED=0 GOFLAGS=-trimpath GOTOOLCHAIN=local
mkdir -p "$out/bin"
install -m 0755 "$out/compat-tree/bin/busybox" "$out/bin/busybox"
for name in httpd loadgen; do
    "$GOROOT/bin/go" build -o "$out/bin/go-$name.tmp" "$here/$name.go" || die "go build $name.go failed"
    mv "$out/bin/go-$name.tmp" "$out/bin/go-$name"
done
