#!/usr/bin/env python3
"""The OCI runtime benchmark's inside half (issue 17 item 7): run by bench/oci/run.sh where a KVM
is and docker is up (tests/e2e/docker-env.sh has set E2E_*), it measures runc against
enclave-run-oci side by side in one run and prints a markdown table; the JSON goes to --json.

  a) the runtime part: `create` -> `start` -> the container process's exit, the runtime binary
     driven directly on one bundle (rootfs = the static hello, config.json = `runc spec` edited);
     enclave-run cold (no enclave host up) and warm (a created, never started "keeper" container
     holds the group's enclave host, so each hello joins a booted enclave).  Runs interleaved, so
     a change in the machine's load hits both runtimes alike.
  b) `docker run --rm IMAGE /hello` with each registered runtime (runc, crun, runsc, enclave-run;
     E2E_RUNTIMES), interleaved.
  c) counts per container: host system calls of every process that executed the runtime binary
     (strace -f of create, start, the container process, delete), KVM_RUN calls (= exits to user
     space), and, when the containers join a shared enclave host, that host's system calls and
     exits during K joins (strace -f -p), less what it does idle in the same time; its exits
     exactly by the kvm tracepoints (kvm_userspace_exit, kvm_pio per hypercall) over untraced
     joins and idle.  Also the hot-add path on its own: `enclave-run add` to a warm
     `enclave-run run --persistent`.

Whether enclave-run-oci runs one VM per container or joins a shared host is found out, not
assumed: after the keeper's create, the group's host.json (docs/oci.md), or another process
than the keeper's own container process holding a VM or running enclave-run, names the shared
host; none means one VM per container.

`oci_bench.py --report FILE.json` prints the table again from a run's JSON.
"""
import argparse
import ctypes
import glob
import json
import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import time

HELLO = "Hello from enclave-run!"
RUNTIME_NAMES = ("runc", "enclave-run", "enclave-run-oci")


T0 = time.monotonic()


def log(msg):
    print(f"oci_bench: {time.monotonic() - T0:6.1f} s: {msg}", file=sys.stderr, flush=True)


def now():
    return time.monotonic_ns()


def ms(ns):
    return ns / 1e6


def summary(values):
    """median, p90, min, max, n of a list of ms values (None when empty)."""
    if not values:
        return None
    v = sorted(values)
    p90 = v[min(len(v) - 1, max(0, int(round(0.9 * len(v) + 0.5)) - 1))]
    return {"median": round(statistics.median(v), 1), "p90": round(p90, 1), "min": round(v[0], 1),
            "max": round(v[-1], 1), "n": len(v)}


def kvm_vm_holders():
    """pids of the processes that hold a KVM VM (an anon_inode:kvm-vm descriptor)."""
    pids = []
    for p in os.listdir("/proc"):
        if not p.isdigit():
            continue
        try:
            for fd in os.listdir(f"/proc/{p}/fd"):
                if os.readlink(f"/proc/{p}/fd/{fd}") == "anon_inode:kvm-vm":
                    pids.append(int(p))
                    break
        except OSError:
            continue
    return sorted(pids)


def tail(path, n=400):
    try:
        with open(path, errors="replace") as f:
            return f.read().strip()[-n:]
    except OSError:
        return ""


def runtime_processes():
    """pids of the running processes whose executable is enclave-run."""
    pids = []
    for p in os.listdir("/proc"):
        try:
            exe = os.readlink(f"/proc/{p}/exe") if p.isdigit() else ""
        except OSError:
            continue
        if os.path.basename(exe).split(" ")[0] == "enclave-run":
            pids.append(int(p))
    return pids


class Runtime:
    def __init__(self, name, binary, root, scratch):
        self.name, self.binary, self.root, self.scratch = name, binary, root, scratch
        os.makedirs(root, exist_ok=True)

    def cmd(self, *args):
        return [self.binary, "--root", self.root, *args]

    def run(self, *args, prefix=(), check=True):
        err_path = os.path.join(self.scratch, "runtime.err")
        with open(err_path, "wb") as err:
            r = subprocess.run([*prefix, *self.cmd(*args)], stdin=subprocess.DEVNULL,
                               stdout=subprocess.DEVNULL, stderr=err, timeout=120)
        if check and r.returncode != 0:
            raise RuntimeError(f"{self.name} {args[0]} failed ({r.returncode}): {tail(err_path)}")
        return r.returncode


def on_alarm(signum, frame):
    raise TimeoutError()


class Lifecycle:
    """One container: create, start, the container process's exit, delete (timed each)."""

    def __init__(self, rt, cid, bundle, trace=None, env=None):
        self.rt, self.cid, self.bundle, self.trace = rt, cid, bundle, trace
        self.env = {**os.environ, **env} if env else None
        self.out = os.path.join(rt.scratch, f"{cid}.out")
        self.pidfile = os.path.join(rt.scratch, f"{cid}.pid")

    def create(self):
        """Returns the container process's pid.  With `trace`, strace -f follows create and the
        container process it leaves (until that exits) into trace + '.create'.  The container
        keeps create's stdio (both runtimes pass it through), so stdout and stderr are files: a
        pipe would stay open until the container ends."""
        err_path = self.out + ".err"
        with open(self.out, "wb") as out, open(err_path, "wb") as err:
            argv = self.rt.cmd("create", "--bundle", self.bundle, "--pid-file", self.pidfile,
                               self.cid)
            if self.trace:
                # strace lives as long as the container process: it cannot be waited for here.
                # create is done once its pid file exists and `state` says created.
                argv = ["strace", "-f", "-qq", "-o", self.trace + ".create", *argv]
                self.strace = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=out,
                                               stderr=err, env=self.env)
                deadline = time.monotonic() + 120
                while not self._created():
                    if self.strace.poll() is not None or time.monotonic() > deadline:
                        raise RuntimeError(f"{self.rt.name} create (traced) failed: "
                                           f"{tail(err_path)}")
                    time.sleep(0.01)
            else:
                r = subprocess.run(argv, stdin=subprocess.DEVNULL, stdout=out, stderr=err,
                                   timeout=120, env=self.env)
                if r.returncode != 0:
                    raise RuntimeError(f"{self.rt.name} create failed ({r.returncode}): "
                                       f"{tail(err_path)}")
        with open(self.pidfile) as f:
            self.pid = int(f.read().strip())
        return self.pid

    def _created(self):
        # The pid file is written last (atomically by both runtimes); `state` confirms it.
        if not os.path.exists(self.pidfile):
            return False
        r = subprocess.run(self.rt.cmd("state", self.cid), capture_output=True)
        return r.returncode == 0 and b'"created"' in r.stdout.replace(b" ", b"")

    def start(self):
        pre = ["strace", "-f", "-qq", "-o", self.trace + ".start"] if self.trace else []
        self.rt.run("start", self.cid, prefix=pre)

    def wait(self):
        # This process is a child subreaper: the container process is its child once create's
        # process has exited (as the containerd shim is its runtime's).
        # Blocking, under an alarm: a container that never ends fails the run, not hangs it.
        signal.signal(signal.SIGALRM, on_alarm)
        signal.alarm(120)
        try:
            while True:
                try:
                    _, status = os.waitpid(self.pid, 0)
                    break
                except ChildProcessError:  # create's process (traced: slower) has not exited yet
                    time.sleep(0.005)
        except TimeoutError:
            raise RuntimeError(f"{self.rt.name} {self.cid}: container process {self.pid} did "
                               "not end in 120 s (or is not this process's child)") from None
        finally:
            signal.alarm(0)
        if self.trace:
            self.strace.wait()
        self.status = os.waitstatus_to_exitcode(status)
        return self.status

    def delete(self):
        pre = ["strace", "-f", "-qq", "-o", self.trace + ".delete"] if self.trace else []
        self.rt.run("delete", self.cid, prefix=pre)

    def timed(self):
        """{create, start, exit, runtime_part, delete} in ms; runtime_part = create..exit."""
        log(f"{self.rt.name} {self.cid}")
        t0 = now()
        self.create()
        t1 = now()
        self.start()
        t2 = now()
        self.wait()
        t3 = now()
        self.delete()
        t4 = now()
        with open(self.out, errors="replace") as f:
            got = f.read()
        err = tail(self.out + ".err")
        os.unlink(self.out)
        os.unlink(self.out + ".err")
        if self.status != 0 or got.strip() != HELLO:
            raise RuntimeError(f"{self.rt.name} {self.cid}: status {self.status}, stdout {got!r}, "
                               f"stderr {err!r}")
        return {"create": ms(t1 - t0), "start": ms(t2 - t1), "exit": ms(t3 - t2),
                "runtime_part": ms(t3 - t0), "delete": ms(t4 - t3)}


LINE = re.compile(r"^(\d+)\s+(?:<\.\.\. (\w+) resumed>|(\w+)\()")
CHILD = re.compile(r"=\s+(\d+)(?:\s|$)")
KVM_RUN = re.compile(r"KVM_RUN|0xae, 0x80")


def parse_strace(paths, only_runtime):
    """Counts system calls in strace -f output files.  With only_runtime, only those of the
    processes that executed a runtime binary (from that execve on) and of their descendants: not
    this script's, nor the forked child's before its execve.  Returns (total, by name, KVM_RUN)."""
    events = []  # (pid, name, line), calls only (a resumed line is the same call)
    children = {}
    roots = {}
    for path in paths:
        if not os.path.exists(path):
            continue
        with open(path, errors="replace") as f:
            for line in f:
                m = LINE.match(line)
                if not m:
                    continue
                pid, resumed, name = int(m.group(1)), m.group(2), m.group(3)
                call = resumed or name
                if call in ("clone", "clone3", "fork", "vfork") and "unfinished" not in line:
                    c = CHILD.search(line.rsplit(")", 1)[-1] if ")" in line else line)
                    if c:
                        children.setdefault(pid, []).append(int(c.group(1)))
                if name == "execve" and pid not in roots and \
                        any(f'/{n}"' in line.split(",")[0] for n in RUNTIME_NAMES):
                    roots[pid] = len(events)
                if name:
                    events.append((pid, name, line))
    counted = {}
    if only_runtime:
        todo = list(roots)
        seen = set(todo)
        while todo:
            p = todo.pop()
            for c in children.get(p, []):
                if c not in seen:
                    seen.add(c)
                    counted[c] = 0
                    todo.append(c)
        counted.update(roots)
    by_name = {}
    kvm_run = 0
    for i, (pid, name, line) in enumerate(events):
        if only_runtime and (pid not in counted or i < counted[pid]):
            continue
        by_name[name] = by_name.get(name, 0) + 1
        if name == "ioctl" and KVM_RUN.search(line):
            kvm_run += 1
    return sum(by_name.values()), by_name, kvm_run


def top(by_name, n=6, div=1):
    items = sorted(by_name.items(), key=lambda kv: -kv[1])[:n]
    return ", ".join(f"{k} {v / div:.0f}" for k, v in items)


class HostTrace:
    """strace -f -p of a running enclave host, until stop()."""

    def __init__(self, pid, path):
        self.path = path
        self.proc = subprocess.Popen(["strace", "-f", "-qq", "-o", path, "-p", str(pid)],
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(1.0)  # attaching to every thread; what happens before is not counted
        self.t0 = now()

    def stop(self):
        self.seconds = (now() - self.t0) / 1e9
        self.proc.send_signal(signal.SIGINT)
        self.proc.wait()
        total, by_name, kvm_run = parse_strace([self.path], False)
        return {"seconds": self.seconds, "syscalls": total, "kvm_run": kvm_run, "by_name": by_name}


def idle_rate(pid, path, seconds):
    t = HostTrace(pid, path)
    time.sleep(seconds)
    r = t.stop()
    return {"syscalls_per_s": r["syscalls"] / r["seconds"], "kvm_run_per_s": r["kvm_run"] / r["seconds"],
            "by_name": r["by_name"], "seconds": r["seconds"]}


def host_per_join(during, idle, joins):
    """The host's cost per join.  Its KVM_RUN calls are mostly the idle guest's domain polls
    (about one per tick, busy or not), which drown the few exits a join causes: they are given
    raw, and the system calls are counted without them (the rest barely happens when idle)."""
    other = during["syscalls"] - during["kvm_run"]
    idle_other = idle["syscalls_per_s"] - idle["kvm_run_per_s"]
    net_other = other - idle_other * during["seconds"]
    return {"joins": joins, "seconds": round(during["seconds"], 2),
            "syscalls_raw": during["syscalls"], "kvm_run_raw": during["kvm_run"],
            "idle_syscalls_per_s": round(idle["syscalls_per_s"], 1),
            "idle_kvm_run_per_s": round(idle["kvm_run_per_s"], 1),
            "syscalls_per_join": round(net_other / joins, 1),
            "kvm_run_per_join_raw": round(during["kvm_run"] / joins, 1),
            "by_name_per_join_raw": {k: round(v / joins, 1) for k, v in during["by_name"].items()
                                     if k != "ioctl" or v != during["kvm_run"]}}


def reap_orphans():
    """Reaps exited processes adopted as subreaper (an enclave host a runtime left to us)."""
    try:
        while os.waitpid(-1, os.WNOHANG)[0] > 0:
            pass
    except ChildProcessError:
        pass


def wait_no_vm(seconds):
    deadline = time.monotonic() + seconds
    while kvm_vm_holders():
        reap_orphans()
        if time.monotonic() > deadline:
            return False
        time.sleep(0.1)
    return True


def make_rootfs(path, hello):
    os.makedirs(path, exist_ok=True)
    shutil.copy2(hello, os.path.join(path, "hello"))
    return path


def make_bundle(path, rootfs, annotations=None):
    """`runc spec` with the hello as its process, the rootfs read-only, and annotations (which
    runc ignores; enclave-run-oci groups containers by them, docs/oci.md)."""
    os.makedirs(path, exist_ok=True)
    subprocess.run(["runc", "spec", "--bundle", path], check=True)
    cfg_path = os.path.join(path, "config.json")
    with open(cfg_path) as f:
        cfg = json.load(f)
    cfg["process"]["args"] = ["/hello"]
    cfg["process"]["terminal"] = False
    cfg["root"] = {"path": rootfs, "readonly": True}
    if annotations:
        cfg["annotations"] = annotations
    with open(cfg_path, "w") as f:
        json.dump(cfg, f, indent=1)
    return path


GROUP = "run.enclave.group"
ISOLATED = "run.enclave.isolated-vm"


def host_pid(root, group, exclude):
    """The enclave host of `group` under the runtime root (its host.json), else any enclave-run
    process but `exclude` (None when there is none: one VM per container)."""
    for path in sorted(glob.glob(os.path.join(root, "enclaves", group + ".*", "host.json"))):
        try:
            with open(path) as f:
                return int(json.load(f)["pid"])
        except (OSError, ValueError, KeyError):
            continue
    holders = [p for p in kvm_vm_holders() if p not in exclude]
    others = [p for p in runtime_processes() if p not in exclude]
    return (holders or others or [None])[0]


def bench_runtime_part(args, runc, er, bundles, res):
    """a): cold, then warm joins under a keeper, interleaved with runc (and with the one-VM mode
    when containers share hosts)."""
    short = {"ENCLAVE_RUN_OCI_IDLE": "1"}  # hosts of one-off groups end soon after their run
    # Warm-up of the page cache and of each binary (not counted).
    Lifecycle(runc, "warmup-runc", bundles["warm"]).timed()
    Lifecycle(er, "warmup-er", bundles["warmup"], env=short).timed()
    res["cold_host_gone"] = True
    cold = []
    for i in range(args.cold):
        # Cold: no enclave host up at all, and a group of its own (a new host is spawned).
        if not wait_no_vm(args.host_linger):
            res["cold_host_gone"] = False
            log("an enclave host did not end: no more cold runs")
            break
        b = make_bundle(os.path.join(er.scratch, f"bundle-cold-{i}"), bundles["rootfs"],
                        {GROUP: f"bench-cold-{i}"})
        cold.append(Lifecycle(er, f"cold-{i}", b, env=short).timed())
    wait_no_vm(args.host_linger)
    # The keeper spawns the warm group's host; short idle so it ends soon after the keeper's
    # delete instead of polling beside the parts that follow.
    keeper = Lifecycle(er, "keeper", bundles["warm"], env=short)
    keeper.create()
    host = host_pid(er.root, "bench-warm", {keeper.pid})
    mode = "shared enclave host" if host else "one VM per container"
    log(f"enclave-run-oci mode: {mode} (host {host}, keeper {keeper.pid})")
    res["enclave_run_mode"] = mode
    res["enclave_host_pid"] = host
    runs = {"runc": [], "warm": [], "isolated": []}
    for i in range(args.runs):
        runs["runc"].append(Lifecycle(runc, f"runc-{i}", bundles["warm"]).timed())
        runs["warm"].append(Lifecycle(er, f"warm-{i}", bundles["warm"]).timed())
        if host:  # one VM per container, as before shared hosts (run.enclave.isolated-vm)
            runs["isolated"].append(Lifecycle(er, f"isolated-{i}", bundles["isolated"]).timed())
    res["a"] = {}
    for key, rows in (("runc", runs["runc"]), ("enclave_run_warm", runs["warm"]),
                      ("enclave_run_cold", cold), ("enclave_run_isolated_vm", runs["isolated"])):
        res["a"][key] = {phase: summary([r[phase] for r in rows])
                         for phase in ("runtime_part", "create", "start", "exit", "delete")}
    return keeper, host


TRACEFS = "/sys/kernel/tracing"
HC_NAMES = {1: "console_write", 2: "exit", 3: "time", 4: "log", 5: "domain_exit",
            6: "guest_request", 7: "evidence", 8: "domain_poll"}  # libos-abi/enclave_abi.h


def tracefs_write(name, value):
    with open(os.path.join(TRACEFS, name), "w") as f:
        f.write(value)


class KvmExits:
    """The host kernel's kvm tracepoints over a window: every exit to user space
    (kvm_userspace_exit) and every port write (kvm_pio), i.e. each hypercall by number
    (ER_HC_PORT_BASE 0x500 + nr).  Exact and cheap, unlike strace; needs tracefs (root)."""

    @staticmethod
    def available():
        if not os.path.exists(os.path.join(TRACEFS, "events", "kvm")):
            subprocess.run(["mount", "-t", "tracefs", "nodev", TRACEFS], capture_output=True)
        return os.path.exists(os.path.join(TRACEFS, "events", "kvm", "kvm_pio"))

    def __init__(self):
        tracefs_write("tracing_on", "0")
        tracefs_write("buffer_size_kb", "8192")
        tracefs_write("trace", "")
        for ev in ("kvm_userspace_exit", "kvm_pio"):
            tracefs_write(f"events/kvm/{ev}/enable", "1")
        tracefs_write("tracing_on", "1")
        self.t0 = now()

    def stop(self):
        tracefs_write("tracing_on", "0")
        seconds = (now() - self.t0) / 1e9
        for ev in ("kvm_userspace_exit", "kvm_pio"):
            tracefs_write(f"events/kvm/{ev}/enable", "0")
        exits, hc = 0, {}
        with open(os.path.join(TRACEFS, "trace"), errors="replace") as f:
            for line in f:
                if "kvm_userspace_exit:" in line:
                    exits += 1
                m = re.search(r"kvm_pio: pio_write at 0x([0-9a-f]+)", line)
                if m:
                    nr = int(m.group(1), 16) - 0x500
                    name = HC_NAMES.get(nr, f"port_{nr + 0x500:#x}")
                    hc[name] = hc.get(name, 0) + 1
        tracefs_write("trace", "")
        return {"seconds": seconds, "exits": exits, "hypercalls": hc}


def bench_exits(args, er, bundle, res):
    """Exits of the shared host per warm join, untraced (kvm tracepoints), and while idle."""
    if not KvmExits.available():
        res["exits"] = {"error": "no tracefs with kvm events"}
        return
    log("exits per join (kvm tracepoints)")
    t = KvmExits()
    time.sleep(args.idle_seconds)
    idle = t.stop()
    k = args.runs
    t = KvmExits()
    for i in range(k):
        Lifecycle(er, f"exits-{i}", bundle).timed()
    joins = t.stop()
    polls = joins["hypercalls"].get("domain_poll", 0)
    res["exits"] = {"joins": k, "during": joins, "idle": idle,
                    "exits_per_join": round(joins["exits"] / k, 1),
                    "exits_per_join_without_polls": round((joins["exits"] - polls) / k, 1),
                    "hypercalls_per_join": {n: round(v / k, 1) for n, v in joins["hypercalls"].items()},
                    "idle_exits_per_s": round(idle["exits"] / idle["seconds"], 1)}


def bench_counts(args, runc, er, bundle, host, scratch, res):
    """c): strace of K lifecycles per runtime; the shared host's own calls during K joins."""
    c = {}
    k = args.trace_runs
    log("counts (strace)")
    for rt, tag in ((runc, "runc"), (er, "enclave_run")):
        files = []
        for i in range(k):
            base = os.path.join(scratch, f"trace-{tag}-{i}")
            lc = Lifecycle(rt, f"trace-{tag}-{i}", bundle, trace=base)
            if tag == "enclave_run" and host and i == 0:
                idle = idle_rate(host, os.path.join(scratch, "host-idle.trace"), args.idle_seconds)
                ht = HostTrace(host, os.path.join(scratch, "host-joins.trace"))
            lc.timed()
            files += [base + s for s in (".create", ".start", ".delete")]
        total, by_name, kvm_run = parse_strace(files, True)
        c[tag] = {"containers": k, "syscalls_per_container": round(total / k, 1),
                  "kvm_run_per_container": round(kvm_run / k, 1),
                  "top": top(by_name, div=k),
                  "by_name_per_container": {n: round(v / k, 1) for n, v in by_name.items()}}
        if tag == "enclave_run" and host:
            c["enclave_host"] = host_per_join(ht.stop(), idle, k)
    res["c"] = c


def bench_hotadd(args, er_bin, hello, scratch, res):
    """The hot-add path alone: `enclave-run add` to a warm `run --persistent` (no OCI)."""
    sock = os.path.join(scratch, "persistent.sock")
    logf = open(os.path.join(scratch, "persistent.log"), "wb")
    vm = subprocess.Popen([er_bin, "run", "--persistent", "--control", sock, "--stats", hello],
                          stdin=subprocess.DEVNULL, stdout=logf, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 60
    while not os.path.exists(sock):
        if vm.poll() is not None or time.monotonic() > deadline:
            res["hotadd"] = {"error": "enclave-run run --persistent did not open its socket"}
            return

        time.sleep(0.05)

    def add(*a):
        return subprocess.run([er_bin, "add", "--control", sock, *a], stdin=subprocess.DEVNULL,
                              capture_output=True)

    log("hot add: enclave-run run --persistent is up")
    add(hello)  # the first add after boot (not counted)
    times = []
    for _ in range(args.runs):
        t0 = now()
        r = add(hello)
        times.append(ms(now() - t0))
        if r.returncode != 0:
            res["hotadd"] = {"error": f"enclave-run add: {r.returncode} {r.stderr[-300:]!r}"}
            break
    idle = idle_rate(vm.pid, os.path.join(scratch, "pers-idle.trace"), args.idle_seconds)
    ht = HostTrace(vm.pid, os.path.join(scratch, "pers-joins.trace"))
    adds = max(10, args.trace_runs)
    for _ in range(adds):
        add(hello)
    per = host_per_join(ht.stop(), idle, adds)
    add("--shutdown")
    try:
        vm.wait(timeout=60)
    except subprocess.TimeoutExpired:
        vm.kill()
        vm.wait()
    logf.close()
    with open(os.path.join(scratch, "persistent.log"), errors="replace") as f:
        lines = f.read().splitlines()
    # The host's own count (--stats): every exit and every domain poll over the enclave's life.
    # Exits per domain without the polls (time-driven: the idle guest polls once per tick) and
    # without the guest's log lines (--stats makes the guest log free frames after each domain).
    st = {}
    for ln in lines:
        if ln.startswith("enclave-run: stats:"):
            st.update({k: int(v) for k, v in re.findall(r"(\w+)=(\d+)", ln)})
    domains = 1 + 1 + len(times) + adds  # the boot hello and every add
    guest_logs = sum(ln.startswith("enclave-run: guest:") for ln in lines)
    if "exits" in st and "domain_polls" in st:
        per["stats"] = {"exits": st["exits"], "domain_polls": st["domain_polls"],
                        "guest_log_lines": guest_logs, "domains": domains,
                        "wall_ms": st.get("wall_ms"),
                        "exits_per_domain_without_polls_and_logs":
                            round((st["exits"] - st["domain_polls"] - guest_logs) / domains, 1),
                        "polls_per_s": round(st["domain_polls"] / (st.get("wall_ms", 1) / 1000), 1)}
    res.setdefault("hotadd", {}).update({"add_ms": summary(times), "host": per})


def docker_host_pid():
    """The pid of the enclave host of docker's default group right after a run, or None (one VM
    per container, or the host already gone)."""
    root = os.path.join(os.environ["E2E_STATE"], "docker", "exec", "runtime-runc", "moby")
    for path in glob.glob(os.path.join(root, "enclaves", "*", "host.json")):
        try:
            with open(path) as f:
                return int(json.load(f)["pid"])
        except (OSError, ValueError, KeyError):
            pass
    return None


def bench_docker(args, res):
    """b): docker run --rm of the same hello with every runtime docker-env.sh registered (runc,
    crun, runsc where installed, enclave-run), interleaved: each round runs each once."""
    docker, image = os.environ["E2E_DOCKER"], os.environ["E2E_IMAGE"]
    have = os.environ.get("E2E_RUNTIMES", "runc enclave-run").split()
    t = {rt: [] for rt in ("runc", "crun", "runsc", "enclave-run") if rt in have}
    errors = {}
    hosts = []
    log(f"docker run --rm: {' '.join(t)}")
    for i in range(args.docker_runs + 1):
        for rt in t:
            if rt in errors:  # a runtime that failed once fails the same way: not retried
                continue
            t0 = now()
            r = subprocess.run(["timeout", "120", docker, "run", "--rm", "--runtime", rt, image,
                                "/hello"], capture_output=True)
            dt = ms(now() - t0)
            if r.returncode != 0 or r.stdout.decode(errors="replace").strip() != HELLO:
                errors[rt] = f"status {r.returncode}: {r.stderr.decode(errors='replace')[-300:]}"
                continue
            if i > 0:  # the first of each is a warm-up
                t[rt].append(dt)
                if rt == "enclave-run":
                    hosts.append(docker_host_pid())
    res["b"] = {rt.replace("-", "_"): summary(v) for rt, v in t.items()}
    res["b"]["enclave_hosts_seen"] = hosts
    if errors:
        res["b"]["errors"] = errors


def fmt(s, key="median"):
    return "-" if not s else f"{s[key]:.1f}"


def ratio(a, b):
    if not a or not b or not b["median"]:
        return "-"
    return f"{a['median'] / b['median']:.2f}"


def report(res):
    lab = res["label"]
    a = res.get("a", {})
    print(f"## OCI runtime, runc vs enclave-run-oci ({lab}; {res['date']}; {res['machine']})")
    print()
    print(f"enclave-run-oci mode found: **{res.get('enclave_run_mode', '?')}**")
    print()
    print(f"| runtime part: create -> start -> exit, ms ({lab}) | median | p90 | n | runc / this |")
    print("|---|---|---|---|---|")
    rc = a.get("runc", {}).get("runtime_part")
    for key, name in (("runc", "runc"), ("enclave_run_cold", "enclave-run, cold (no host up)"),
                      ("enclave_run_warm", "enclave-run, warm (a keeper holds the group)"),
                      ("enclave_run_isolated_vm", "enclave-run, `run.enclave.isolated-vm=true` (a VM of its own)")):
        if key == "enclave_run_isolated_vm" and not a.get(key, {}).get("runtime_part"):
            continue
        s = a.get(key, {}).get("runtime_part")
        print(f"| {name} | {fmt(s)} | {fmt(s, 'p90')} | {s['n'] if s else 0} | {ratio(rc, s)} |")
    h = res.get("hotadd", {})
    if h.get("add_ms"):
        s = h["add_ms"]
        print(f"| `enclave-run add` to a warm `run --persistent` (hot-add path, no OCI) | {fmt(s)} "
              f"| {fmt(s, 'p90')} | {s['n']} | {ratio(rc, s)} |")
    print()
    print(f"| phase medians, ms ({lab}) | create | start | exit | delete |")
    print("|---|---|---|---|---|")
    for key in ("runc", "enclave_run_cold", "enclave_run_warm", "enclave_run_isolated_vm"):
        p = a.get(key, {})
        if not p.get("runtime_part"):
            continue
        print(f"| {key} | " + " | ".join(fmt(p.get(ph)) for ph in ("create", "start", "exit", "delete"))
              + " |")
    b = res.get("b", {})
    print()
    print(f"| `docker run --rm IMAGE /hello`, ms ({lab}) | median | p90 | n | runc / this |")
    print("|---|---|---|---|---|")
    for key, name in (("runc", "runc"), ("crun", "crun"), ("runsc", "runsc (gVisor, ptrace)"),
                      ("enclave_run", "enclave-run")):
        if key not in b:
            continue
        s = b.get(key)
        print(f"| {name} | {fmt(s)} | {fmt(s, 'p90')} | {s['n'] if s else 0} | {ratio(b.get('runc'), s)} |")
    hosts = [h for h in b.get("enclave_hosts_seen", []) if h]
    if hosts:
        print(f"\nenclave-run docker runs: {len(set(hosts))} distinct enclave host(s) seen over "
              f"{len(b['enclave_hosts_seen'])} runs (a repeated pid = a warm join)")
    for rt, e in b.get("errors", {"": b["error"]} if b.get("error") else {}).items():
        print(f"\ndocker error{' (' + rt + ')' if rt else ''}: {e}")
    c = res.get("c", {})
    print()
    print("| counts per container (strace -f) | host syscalls | KVM_RUN (exits) | most frequent |")
    print("|---|---|---|---|")
    for key, name in (("runc", "runc: create+start+init+delete"),
                      ("enclave_run", "enclave-run-oci: create+start+container process+delete")):
        x = c.get(key)
        if x:
            print(f"| {name} | {x['syscalls_per_container']} | {x['kvm_run_per_container']} | {x['top']} |")
    for key, name in (("enclave_host", "shared enclave host, per join (idle subtracted, KVM_RUN apart)"),):
        x = c.get(key)
        if x:
            print(f"| {name} | {x['syscalls_per_join']} + KVM_RUN | {x['kvm_run_per_join_raw']} "
                  f"(raw: polls included) | {top(x['by_name_per_join_raw'])} (raw) |")
    if h.get("host"):
        x = h["host"]
        print(f"| `run --persistent` host, per `enclave-run add` (idle subtracted, KVM_RUN apart) | "
              f"{x['syscalls_per_join']} + KVM_RUN | {x['kvm_run_per_join_raw']} (raw: polls included) | "
              f"{top(x['by_name_per_join_raw'])} (raw) |")
        st = x.get("stats")
        if st:
            print(f"| ... its `--stats`: exits per domain without polls and log lines | | "
                  f"{st['exits_per_domain_without_polls_and_logs']} | {st['exits']} exits, "
                  f"{st['domain_polls']} polls ({st['polls_per_s']}/s) over {st['domains']} domains |")
    x = res.get("exits", {})
    if x.get("joins"):
        print(f"| shared enclave host, per warm join (kvm tracepoints, no strace) | | "
              f"{x['exits_per_join_without_polls']} without polls ({x['exits_per_join']} with) | "
              f"{', '.join(f'{n} {v}' for n, v in sorted(x['hypercalls_per_join'].items()))} |")
        print(f"\nidle shared host: {x['idle_exits_per_s']} exits/s (kvm tracepoints)")
    elif x.get("error"):
        print(f"\nexits per join: {x['error']}")
    for key, x in (("host", c.get("enclave_host")), ("persistent", h.get("host"))):
        if x:
            print(f"\nidle {key}: {x['idle_syscalls_per_s']} syscalls/s, "
                  f"{x['idle_kvm_run_per_s']} KVM_RUN/s (strace -f -p)")
    if h.get("error"):
        print(f"\nhot-add error: {h['error']}")


def main():
    if len(sys.argv) == 3 and sys.argv[1] == "--report":  # the table again, from a JSON file
        with open(sys.argv[2]) as f:
            report(json.load(f))
        return
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--er", required=True, help="enclave-run binary (enclave-run-oci = its link)")
    ap.add_argument("--hello", required=True)
    ap.add_argument("--scratch", required=True, help="a tmpfs folder for bundle, roots, traces")
    ap.add_argument("--json", required=True)
    ap.add_argument("--runs", type=int, default=10)
    ap.add_argument("--cold", type=int, default=3)
    ap.add_argument("--docker-runs", type=int, default=5)
    ap.add_argument("--trace-runs", type=int, default=3)
    ap.add_argument("--idle-seconds", type=float, default=3)
    ap.add_argument("--host-linger", type=float, default=15,
                    help="seconds to wait for an enclave host to end before a cold run")
    ap.add_argument("--parts", default="a,b,c,hotadd")
    args = ap.parse_args()

    if ctypes.CDLL(None, use_errno=True).prctl(36, 1, 0, 0, 0) != 0:  # PR_SET_CHILD_SUBREAPER
        sys.exit("oci_bench: prctl(PR_SET_CHILD_SUBREAPER) failed")
    emulated = os.environ.get("ER_IN_TEST_VM") == "1"
    res = {"date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
           "label": "emulated: test VM, kvm_amd under QEMU TCG" if emulated else "hardware KVM",
           "emulated": emulated, "machine": os.uname().nodename + ", " + os.uname().release,
           "runs": args.runs}
    s = args.scratch
    rootfs = make_rootfs(os.path.join(s, "rootfs"), args.hello)
    bundles = {"rootfs": rootfs,
               "warm": make_bundle(os.path.join(s, "bundle"), rootfs, {GROUP: "bench-warm"}),
               "warmup": make_bundle(os.path.join(s, "bundle-warmup"), rootfs,
                                     {GROUP: "bench-warmup"}),
               "isolated": make_bundle(os.path.join(s, "bundle-isolated"), rootfs,
                                       {ISOLATED: "true"})}
    oci = os.path.join(os.path.dirname(args.er), "enclave-run-oci")
    runc = Runtime("runc", shutil.which("runc"), os.path.join(s, "root-runc"), s)
    er = Runtime("enclave-run-oci", oci, os.path.join(s, "root-er"), s)
    parts = args.parts.split(",")
    try:
        if "a" in parts or "c" in parts:
            bench_runtime_part(args, runc, er, bundles, res)
            host = res["enclave_host_pid"]
            if "c" in parts:
                if host:
                    try:
                        bench_exits(args, er, bundles["warm"], res)
                    except OSError as e:  # tracefs refused: the rest still counts
                        res["exits"] = {"error": f"kvm tracepoints: {e}"}
                bench_counts(args, runc, er, bundles["warm"], host, s, res)
            er.run("delete", "--force", "keeper", check=False)
        if "hotadd" in parts:
            bench_hotadd(args, args.er, os.path.join(rootfs, "hello"), s, res)
        if "b" in parts:
            bench_docker(args, res)
    finally:
        with open(args.json, "w") as f:
            json.dump(res, f, indent=1)
    report(res)


if __name__ == "__main__":
    main()
