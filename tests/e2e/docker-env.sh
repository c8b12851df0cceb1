#!/usr/bin/env bash
# The inside half of the docker end-to-end harness: run where a KVM is (in the test VM, started by
# docker-in-vm.sh), it starts Debian's containerd and dockerd on tmpfs, registers the build tree's
# enclave-run-oci as the docker runtime `enclave-run`, imports an image holding the build's static
# test apps, runs CMD with the daemons up, and stops them again.
#
#   tests/e2e/docker-env.sh BUILD -- CMD [ARG]...
#
# CMD sees: DOCKER_HOST (dockerd's socket), E2E_DOCKER (Debian's docker CLI, not a newer one that
# may shadow it in /usr/local/bin), E2E_CTR (ctr with containerd's socket), E2E_CTR_NS (the ctr
# namespace the image was imported into), E2E_IMAGE, E2E_OCI (the runtime binary), E2E_STATE (a
# scratch tmpfs folder, also where the daemons' logs are), E2E_WWW (the image's /www on the VM's
# side, to compare what httpd serves), E2E_BUILD, E2E_ENCLAVE_RUN (enclave-run, for
# `enclave-run list`), E2E_OCI_ROOT (the --root docker gives every runtime), E2E_RUNTIMES (the
# docker runtimes registered: runc, enclave-run, and crun and runsc where Debian's are installed,
# for bench/harness.py's `docker run` per runtime; the e2e cases use runc and enclave-run) and
# ENCLAVE_RUN_OCI_IDLE (the shared hosts' idle time).  Exit status: CMD's; 125 when the daemons
# could not be started (their logs' tails are printed).
#
# Why each step (../shared/notes/test-vm.md "Docker inside the test VM"): the VM's root is the
# host's / over read-only 9p, so everything docker writes (/etc/docker's key file, data and exec
# roots, containerd's root and state, runtime state under /var/lib and /var/log) goes to tmpfs;
# programs started from 9p start slowly, so the daemons, the shim, runc and the CLIs are copied
# to a tmpfs first in PATH.  On a machine with its own KVM the same script runs in a private mount
# namespace (unshare -m), so none of these mounts touches the host.
set -euo pipefail

[ $# -ge 3 ] && [ "$2" = -- ] || { echo "usage: docker-env.sh BUILD -- CMD [ARG]..." >&2; exit 125; }
if [ "${E2E_PRIVATE_MOUNTS:-}" != 1 ]; then
    [ "$(id -u)" = 0 ] || { echo "docker-env: needs root (mounts, dockerd)" >&2; exit 125; }
    E2E_PRIVATE_MOUNTS=1 exec unshare --mount --propagation private "$0" "$@"
fi
build=$(cd "$1" && pwd)
shift 2
t0=$(date +%s.%N)
elapsed() { echo "$(date +%s.%N) $t0" | awk '{printf "%.1f", $1 - $2}'; }
say() { echo "docker-env: $*" >&2; }

st=/run/er-e2e
mkdir -p $st
mount -t tmpfs -o mode=0755 er-e2e $st
mkdir -p $st/bin $st/containerd/root $st/containerd/state $st/docker/data $st/docker/exec
for d in /etc/docker /var/lib /var/log; do
    [ -d $d ] || { say "$d does not exist (is docker.io installed? scripts/deps.sh)"; exit 125; }
    mount -t tmpfs -o mode=0755 "e2e-$(basename $d)" $d
done

# cgroup v1 hierarchies when nothing is mounted (the test VM); a host's own cgroups stay as they
# are.
if [ -z "$(ls -A /sys/fs/cgroup 2>/dev/null)" ]; then
    mount -t tmpfs -o mode=0755 cgroup /sys/fs/cgroup
    for c in cpu,cpuacct memory devices pids freezer blkio cpuset; do
        mkdir -p /sys/fs/cgroup/$c
        mount -t cgroup -o $c cgroup /sys/fs/cgroup/$c || say "cgroup $c not mounted"
    done
    # The links systemd makes: crun looks for cpu/ and cpuacct/ by those names (runc finds the
    # joint mount through /proc/self/mountinfo).
    ln -s cpu,cpuacct /sys/fs/cgroup/cpu
    ln -s cpu,cpuacct /sys/fs/cgroup/cpuacct
fi

# Debian's binaries, named by path (a newer static docker CLI may sit first in PATH).
for b in /usr/sbin/dockerd /usr/bin/docker /usr/bin/containerd /usr/bin/containerd-shim-runc-v2 \
    /usr/bin/ctr /usr/sbin/runc /usr/bin/docker-init; do
    [ -x $b ] || { say "$b missing (scripts/deps.sh installs docker.io, containerd, runc)"; exit 125; }
    cp $b $st/bin/
done
# docker-proxy publishes a port (docker run -p) with --iptables=false; dockerd finds it in PATH.
[ -x /usr/sbin/docker-proxy ] && cp /usr/sbin/docker-proxy $st/bin/
export PATH=$st/bin:$PATH

oci=$build/launcher/enclave-run-oci
# containerd: its own config (Debian's points a plugin at /opt/containerd, on the read-only root),
# no CRI plugin, state on tmpfs.
cat >$st/containerd/config.toml <<EOF
version = 2
root = "$st/containerd/root"
state = "$st/containerd/state"
disabled_plugins = ["io.containerd.grpc.v1.cri", "io.containerd.snapshotter.v1.btrfs",
  "io.containerd.snapshotter.v1.zfs", "io.containerd.snapshotter.v1.aufs",
  "io.containerd.snapshotter.v1.devmapper"]
[grpc]
  address = "$st/containerd.sock"
[plugins."io.containerd.internal.v1.opt"]
  path = "$st/containerd/opt"
EOF
# Extra runtimes where installed, copied to tmpfs like runc: crun, and gVisor's runsc on its ptrace
# platform (Debian's has no systrap).  Its sandbox needs a user namespace, which the test VM's
# chroot refuses: runs with it work only out of the chroot (docker-in-vm.sh --unchroot).
extra=
runtimes="runc enclave-run"
for r in crun runsc; do
    p=$(command -v $r || true)
    [ -n "$p" ] || continue
    cp "$p" $st/bin/
    args=
    [ $r = runsc ] && args=', "runtimeArgs": ["--platform=ptrace"]'
    extra="$extra, \"$r\": { \"path\": \"$st/bin/$r\"$args }"
    runtimes="$runtimes $r"
done
cat >/etc/docker/daemon.json <<EOF
{ "runtimes": { "enclave-run": { "path": "$oci" }$extra } }
EOF
export E2E_RUNTIMES=$runtimes

pids=()
stop_daemons() {
    local p
    for ((i = ${#pids[@]} - 1; i >= 0; i--)); do
        p=${pids[i]}
        kill -TERM "$p" 2>/dev/null || continue
        for _ in $(seq 50); do kill -0 "$p" 2>/dev/null || break; sleep 0.2; done
        kill -KILL "$p" 2>/dev/null || true
    done
}
trap stop_daemons EXIT
fail_start() {
    say "$1"
    for f in containerd dockerd; do
        echo "--- tail of $st/$f.log" >&2
        tail -n 20 $st/$f.log >&2 || true
    done
    exit 125
}

# The shared enclave hosts' idle time (docs/oci.md): long enough for run-cases.sh's sixth
# container to join the host the five before it used, short enough for leftovers to wait it out.
# containerd's environment reaches the runtime through the runc shim.
export ENCLAVE_RUN_OCI_IDLE=${ENCLAVE_RUN_OCI_IDLE:-20}
containerd --config $st/containerd/config.toml >$st/containerd.log 2>&1 &
pids+=($!)
for _ in $(seq 150); do [ -S $st/containerd.sock ] && break; sleep 0.2; done
[ -S $st/containerd.sock ] || fail_start "containerd did not open its socket in 30 s"

dockerd --iptables=false --bridge=none --ip-masq=false --data-root $st/docker/data \
    --exec-root $st/docker/exec --containerd $st/containerd.sock -H unix://$st/docker.sock \
    --pidfile $st/docker.pid >$st/dockerd.log 2>&1 &
pids+=($!)
export DOCKER_HOST=unix://$st/docker.sock
up=0
for _ in $(seq 300); do
    kill -0 "${pids[1]}" 2>/dev/null || fail_start "dockerd exited"
    if timeout 5 curl -sf --unix-socket $st/docker.sock http://d/_ping >/dev/null 2>&1; then
        up=1
        break
    fi
    sleep 0.2
done
[ $up = 1 ] || fail_start "dockerd did not answer /_ping in 60 s"
say "containerd and dockerd up after $(elapsed) s"

# The image: every static test app of the build at /, signal-check (a SIGTERM handler for the
# stop case), Debian's static busybox at /bin/busybox and a 192 KiB file of random bytes at
# /www/blob (busybox httpd serves it in the port case: E2E_WWW holds the original), imported as
# one layer.
export E2E_IMAGE=enclave-run-apps:test E2E_CTR_NS=er-e2e
apps=$(cd "$build/apps" && find . -maxdepth 1 -type f -perm -u+x -printf '%f\n' | sort)
[ -n "$apps" ] || fail_start "no apps in $build/apps (ninja apps)"
[ -x /bin/busybox ] || fail_start "/bin/busybox missing (busybox-static)"
mkdir -p $st/image/bin $st/image/www
cp /bin/busybox $st/image/bin/
head -c 196608 /dev/urandom >$st/image/www/blob
export E2E_WWW=$st/image/www
# shellcheck disable=SC2086 # one word per app
tar --owner=0 --group=0 -cf $st/apps.tar -C "$build/apps" $apps -C "$build/unikernel/tests" signal-check \
    -C $st/image bin www
timeout 120 docker import $st/apps.tar $E2E_IMAGE >/dev/null || fail_start "docker import failed"
say "image $E2E_IMAGE ($(echo "$apps" | wc -l) apps) imported after $(elapsed) s"

export E2E_DOCKER=$st/bin/docker E2E_CTR="$st/bin/ctr -a $st/containerd.sock" E2E_OCI=$oci
export E2E_STATE=$st E2E_BUILD=$build
export E2E_ENCLAVE_RUN=$build/launcher/enclave-run E2E_OCI_ROOT=$st/docker/exec/runtime-runc/moby
set +e
"$@"
status=$?
set -e
say "command ended with status $status after $(elapsed) s"
exit $status
