#!/usr/bin/env python3
"""The measuring half of bench/run.sh: runs where a KVM is (inside the test VM, under
tests/e2e/docker-env.sh, as root) and writes one JSON file of raw samples and medians.

Every enclave-run figure has its baseline measured here, in the same run, on the same CPU:
a process (posix_spawn of the same static binary), runc, crun and runsc (gVisor, ptrace
platform) on one bundle.  Sections (each one's failure is recorded and the run goes on):

  start      process start -> exit of hello, split by the guest's own timestamps (--stats)
  image      start against app image size (hello padded with N MiB of loaded data)
  costs      getppid round trip, page-fault service, hypercall round trip, domain switch
             (two domains yielding) against a pipe ping-pong, per backend
  switch     switch cost against the number of runnable domains
  add        `enclave-run add` against the domains already running; VMM memory against domains
  density    hello domains that fit in 64 MiB / 256 MiB / 1 GiB; one enclave per app
  evidence   evidence size
  oci        bench/oci/run.sh's inside half (enclave-run-oci warm join vs runc; `docker run
             --rm IMAGE /hello` with runc, crun, runsc and enclave-run, docker-env.sh's runtimes)

In the test VM, bench/run.sh starts it out of the VM's chroot (tests/vm/unchroot.sh, with dockerd:
docker-in-vm.sh --unchroot), so runsc gets the user namespace its sandbox needs.

  harness.py --build BUILD --out DIR --mode quick|full
"""
import argparse
import json
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import time

T0 = time.monotonic()
HELLO = "Hello from enclave-run!"


def log(msg):
    print(f"bench: {time.monotonic() - T0:6.0f} s  {msg}", file=sys.stderr, flush=True)


def med(v):
    return round(statistics.median(v), 3) if v else None


class Run:
    """One finished child: wall ms (spawn to reaped), status, peak RSS (KiB) and its output."""

    def __init__(self, argv, stdin="/dev/null", timeout=300, env=None):
        out = os.path.join(SCRATCH, "out.txt")
        err = os.path.join(SCRATCH, "err.txt")
        fa = [(os.POSIX_SPAWN_OPEN, 0, stdin, os.O_RDONLY, 0),
              (os.POSIX_SPAWN_OPEN, 1, out, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644),
              (os.POSIX_SPAWN_OPEN, 2, err, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)]
        t0 = time.monotonic_ns()
        pid = os.posix_spawn(argv[0], argv, env or os.environ, file_actions=fa)
        deadline = time.monotonic() + timeout
        while True:
            p, status, ru = os.wait4(pid, os.WNOHANG)
            if p == pid:
                break
            if time.monotonic() > deadline:
                os.kill(pid, signal.SIGKILL)
                os.wait4(pid, 0)
                raise RuntimeError(f"{argv[0]} timed out after {timeout} s")
            time.sleep(0.0005)
        self.ms = (time.monotonic_ns() - t0) / 1e6
        self.status = os.waitstatus_to_exitcode(status)
        self.maxrss_kib = ru.ru_maxrss
        with open(out, errors="replace") as f:
            self.out = f.read()
        with open(err, errors="replace") as f:
            self.err = f.read()
        self.argv = argv

    def check(self):
        if self.status != 0:
            raise RuntimeError(f"{' '.join(self.argv[:6])}: status {self.status}: {self.err[-400:]}")
        return self


def stats_of(text):
    """Every key=N of enclave-run's and the guest's stats lines."""
    st = {}
    for ln in text.splitlines():
        if "stats:" in ln:
            st.update({k: int(v) for k, v in re.findall(r"(\w+)=(\d+)", ln)})
    return st


def erbench(text, mode):
    m = re.search(rf"er-bench: {mode} median=(\d+)", text)
    if not m:
        raise RuntimeError(f"no er-bench {mode} line in: {text[-300:]!r}")
    return int(m.group(1))


def erbench_all(text, mode):
    return [int(x) for x in re.findall(rf"er-bench: {mode} median=(\d+)", text)]


# ---------------------------------------------------------------- baselines: OCI runtimes

class Oci:
    """runc, crun and runsc `run` on one bundle: a read-only rootfs with hello and er-bench."""

    def __init__(self, build, scratch):
        self.rootfs = os.path.join(scratch, "rootfs")
        os.makedirs(self.rootfs, exist_ok=True)
        shutil.copy2(os.path.join(build, "apps", "hello"), self.rootfs)
        shutil.copy2(os.path.join(build, "bench", "apps", "er-bench"), self.rootfs)
        self.scratch = scratch
        self.n = 0
        self.bin = {}
        self.reason = {}
        bindir = os.path.join(scratch, "bin")
        os.makedirs(bindir, exist_ok=True)
        for name in ("runc", "crun", "runsc"):
            path = shutil.which(name)
            if not path:
                self.reason[name] = f"{name} is not installed (apt-get install {name})"
                continue
            # Programs on the test VM's 9p root start slowly: run a tmpfs copy, as docker-env does.
            dst = os.path.join(bindir, name)
            shutil.copy2(path, dst)
            self.bin[name] = dst

    def bundle(self, args):
        self.n += 1
        path = os.path.join(self.scratch, f"bundle-{self.n}")
        os.makedirs(path, exist_ok=True)
        subprocess.run([self.bin.get("runc", "runc"), "spec", "--bundle", path], check=True)
        cfg_path = os.path.join(path, "config.json")
        with open(cfg_path) as f:
            cfg = json.load(f)
        cfg["root"] = {"path": self.rootfs, "readonly": True}
        cfg["process"]["args"] = args
        cfg["process"]["terminal"] = False
        with open(cfg_path, "w") as f:
            json.dump(cfg, f)
        return path

    def argv(self, name, bundle):
        self.n += 1
        root = os.path.join(self.scratch, f"root-{name}")
        cid = f"b{self.n}"
        if name == "runsc":
            return [self.bin[name], "--root", root, "--platform=ptrace", "--network=none",
                    "--ignore-cgroups", "run", "--bundle", bundle, cid]
        return [self.bin[name], "--root", root, "run", "--bundle", bundle, cid]

    def run(self, name, bundle, timeout=300):
        if name not in self.bin:
            raise RuntimeError(self.reason[name])
        x = Run(self.argv(name, bundle), timeout=timeout)
        if name == "runsc" and x.status != 0 and "operation not permitted" in x.err and \
                os.environ.get("ER_IN_TEST_VM") == "1" and \
                os.environ.get("ER_UNCHROOTED") != "1":
            # Not retried: the same refusal every time.
            del self.bin[name]
            self.reason[name] = ("runsc cannot start its sandbox in the test VM: the kernel refuses "
                                 "its user namespace (CLONE_NEWUSER: EPERM inside a chroot, and "
                                 "the test VM runs commands chrooted into its 9p root, and "
                                 "tests/vm/unchroot.sh could not leave it); measured on this "
                                 "machine's CPU instead (gvisor_host)")
            raise RuntimeError(self.reason[name])
        return x


def peak_rss(argv):
    """Peak RSS (KiB) of argv's largest process, by GNU time (wait4 of its own small fork: the
    harness's wait4 would count this Python's pages, which a spawned child shares until exec)."""
    path = os.path.join(SCRATCH, "time.txt")
    Run(["/usr/bin/time", "-f", "%M", "-o", path, *argv]).check()
    with open(path) as f:
        return int(f.read().split()[-1])


def strace_count(argv, timeout=300):
    """Host system calls of argv and every process it starts (strace -f -c)."""
    path = os.path.join(SCRATCH, "strace.txt")
    Run(["/usr/bin/strace", "-f", "-c", "-o", path, *argv], timeout=timeout).check()
    total, by = None, {}
    with open(path) as f:
        for ln in f:
            p = ln.split()
            if len(p) >= 5 and p[-1] == "total":
                total = int(p[3])
            elif len(p) >= 5 and p[0][0].isdigit() and p[3].isdigit():
                by[p[-1]] = int(p[3])
    top = dict(sorted(by.items(), key=lambda kv: -kv[1])[:6])
    return {"syscalls": total, "top": top}


# ---------------------------------------------------------------- sections

def section_start(a, res):
    r = a.runs
    out = {"runs": r}
    for key, app in (("enclave_pagetable", "hello"), ("enclave_mpk", "hello-pie")):
        walls, stats = [], []
        for i in range(r):
            x = Run([ER, "run", "--stats", f"{a.build}/apps/{app}"]).check()
            walls.append(x.ms)
            stats.append(stats_of(x.err))
        # The guest's split (ns since its TSC started, i.e. since the vCPU was created).
        split = {}
        for k in ("boot_tsc_ns", "domains_ns", "first_app_ns", "end_ns", "exits", "wall_ms",
                  "peak_rss_kib", "hypercalls", "syscalls", "frames_free_before_domains"):
            vals = [s[k] for s in stats if k in s]
            split[k] = med(vals)
        out[key] = {"app": app, "wall_ms": walls, "median_ms": med(walls), "stats": split,
                    "peak_rss_kib": peak_rss([ER, "run", f"{a.build}/apps/{app}"])}
        log(f"start: enclave-run {app}: {med(walls):.1f} ms median of {r}")
    walls = []
    for i in range(r):
        x = Run([f"{a.build}/apps/hello"]).check()
        walls.append(x.ms)
    out["process"] = {"wall_ms": walls, "median_ms": med(walls),
                      "peak_rss_kib": peak_rss([f"{a.build}/apps/hello"])}
    log(f"start: posix_spawn hello: {med(walls):.1f} ms")
    bundle = OCI.bundle(["/hello"])
    for name in ("runc", "crun", "runsc"):
        walls = []
        try:
            for i in range(a.oci_runs):
                x = OCI.run(name, bundle).check()
                if x.out.strip() != HELLO:
                    raise RuntimeError(f"{name} run: stdout {x.out[-200:]!r}")
                walls.append(x.ms)
            out[name] = {"wall_ms": walls, "median_ms": med(walls),
                         "peak_rss_kib": peak_rss(OCI.argv(name, bundle))}
            log(f"start: {name} run: {med(walls):.1f} ms median of {len(walls)}")
        except Exception as e:  # recorded, never replaced by a number
            out[name] = {"error": str(e)[-500:], "wall_ms": walls}
            log(f"start: {name}: not measured: {str(e)[-200:]}")
    counts = {}
    for key, argv in (("enclave_pagetable", [ER, "run", f"{a.build}/apps/hello"]),
                      ("process", [f"{a.build}/apps/hello"]),
                      ("runc", OCI.argv("runc", bundle) if "runc" in OCI.bin else None),
                      ("crun", OCI.argv("crun", bundle) if "crun" in OCI.bin else None)):
        try:
            if argv is None:
                raise RuntimeError("not installed")
            counts[key] = strace_count(argv)
        except Exception as e:
            counts[key] = {"error": str(e)[-300:]}
    counts["runsc"] = {"error": "not counted: its ptrace platform traces the sandbox itself, "
                                "so strace cannot attach"}
    out["host_syscalls"] = counts
    log("start: host system calls counted (strace -f -c)")
    res["start"] = out


def section_image(a, res):
    out = {"sizes_mib": a.pad_sizes, "enclave": {}, "process": {}}
    for n in a.pad_sizes:
        app = os.path.join(a.pad_dir, f"hello-pad-{n}")
        ew, pw, split = [], [], []
        for i in range(a.curve_runs):
            x = Run([ER, "run", "--memory", "512M", "--stats", app]).check()
            ew.append(x.ms)
            split.append(stats_of(x.err))
            pw.append(Run([app]).check().ms)
        load = [s["first_app_ns"] - s["domains_ns"] for s in split if "first_app_ns" in s]
        out["enclave"][str(n)] = {"wall_ms": ew, "median_ms": med(ew),
                                  "app_load_ns": med(load),
                                  "hypercalls": med([s.get("hypercalls", 0) for s in split]),
                                  "peak_rss_kib": med([s.get("peak_rss_kib", 0) for s in split])}
        out["process"][str(n)] = {"wall_ms": pw, "median_ms": med(pw)}
        log(f"image: {n} MiB: enclave {med(ew):.1f} ms, process {med(pw):.1f} ms")
    res["image"] = out


def er_costs(a, iso, mode, n):
    x = Run([ER, "run", "--isolation", iso, "--stats", a.erbench, mode, str(n)]).check()
    return erbench(x.err, mode), stats_of(x.err)


def section_costs(a, res):
    n, nf = a.loop_n, a.fault_n
    out = {"unit": "TSC cycles, median of every single call", "n": n, "fault_n": nf}
    modes = (("syscall", n), ("fault", nf), ("hypercall", n), ("pipe", max(200, n // 10)))
    for mode, cnt in modes:
        row = {}
        x = Run([a.erbench, mode, str(cnt)]).check()
        row["process"] = erbench(x.err, mode)
        for iso in ("pagetable", "mpk"):
            try:
                row[f"enclave_{iso}"], st = er_costs(a, iso, mode, cnt)
                if mode == "hypercall":
                    row[f"enclave_{iso}_hypercalls"] = st.get("hypercalls")
            except Exception as e:
                row[f"enclave_{iso}"] = None
                row[f"enclave_{iso}_error"] = str(e)[-300:]
        try:
            bundle = OCI.bundle(["/er-bench", mode, str(cnt)])
            x = OCI.run("runsc", bundle, timeout=600).check()
            row["runsc"] = erbench(x.err + x.out, mode)
        except Exception as e:
            row["runsc"] = None
            row["runsc_error"] = str(e)[-300:]
        out[mode] = row
        log(f"costs: {mode}: {row}")
    # Two domains yielding: one yield = 2 syscall round trips + 2 switches.
    for iso in ("pagetable", "mpk"):
        x = Run([ER, "run", "--isolation", iso, a.erbench, "yield", str(n), "---", a.erbench,
                 "yield", str(n)]).check()
        y = statistics.mean(erbench_all(x.err, "yield"))
        s = out["syscall"].get(f"enclave_{iso}") or 0
        out.setdefault("yield2", {})[f"enclave_{iso}"] = round(y)
        out.setdefault("switch", {})[f"enclave_{iso}"] = round((y - 2 * s) / 2)
    # A pipe ping-pong round trip: 2 switches + 4 syscalls; one hand-off is half of it.
    out["handoff"] = {"process_pipe": out["pipe"]["process"] / 2,
                      "enclave_pagetable_yield": out["yield2"]["enclave_pagetable"] / 2,
                      "enclave_mpk_yield": out["yield2"]["enclave_mpk"] / 2}
    log(f"costs: switch {out['switch']}, hand-off {out['handoff']}")
    res["costs"] = out


def section_switch(a, res):
    out = {"domains": a.switch_k, "unit": "TSC cycles per switch: (yield - K syscalls) / K"}
    n = a.switch_n
    # A third series without the timer (--tick-ms 0: the yields still switch): tells a cost of
    # switching from the ticks' exits that a longer round of yields catches.
    for series, iso, extra in (("pagetable", "pagetable", []), ("mpk", "mpk", []),
                               ("pagetable_no_tick", "pagetable", ["--tick-ms", "0"])):
        s = res.get("costs", {}).get("syscall", {}).get(f"enclave_{iso}") or 0
        pts = {}
        for k in a.switch_k:
            argv = [ER, "run", "--memory", "512M", "--isolation", iso, *extra]
            for i in range(k):
                argv += ([] if i == 0 else ["---"]) + [a.erbench, "yield", str(n)]
            x = Run(argv, timeout=900).check()
            y = statistics.median(erbench_all(x.err, "yield"))
            pts[str(k)] = {"yield": round(y), "switch": round((y - k * s) / k)}
            log(f"switch: {series}, {k} domains: {pts[str(k)]}")
        out[series] = pts
    res["switch"] = out


class Persistent:
    """`enclave-run run --persistent` with a sleeping boot domain; sleepers added in the
    background (each `add` client waits for its domain's end), hellos added and timed."""

    def __init__(self, a, memory):
        self.a = a
        self.sock = os.path.join(SCRATCH, f"p-{memory}.sock")
        self.log = os.path.join(SCRATCH, f"p-{memory}.log")
        if os.path.exists(self.sock):
            os.unlink(self.sock)
        self.f = open(self.log, "wb")
        self.vm = subprocess.Popen([ER, "run", "--persistent", "--control", self.sock, "--memory",
                                    memory, "--stats", a.erbench, "sleep"],
                                   stdin=subprocess.DEVNULL, stdout=self.f, stderr=subprocess.STDOUT)
        self.clients = []
        self.domains = 0
        deadline = time.monotonic() + 120
        while not os.path.exists(self.sock) or self.sleeping() < 1:
            if self.vm.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"persistent enclave did not come up: {self.tail()}")
            time.sleep(0.05)
        self.domains = 1

    def tail(self):
        with open(self.log, errors="replace") as f:
            return f.read()[-400:]

    def sleeping(self):
        with open(self.log, errors="replace") as f:
            return f.read().count("er-bench: sleeping")

    def add_sleeper(self, timeout=60):
        """True once the new domain runs; False when the enclave refused it."""
        want = self.sleeping() + 1
        c = subprocess.Popen([ER, "add", "--control", self.sock, self.a.erbench, "sleep"],
                             stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                             stderr=subprocess.PIPE)
        deadline = time.monotonic() + timeout
        while self.sleeping() < want:
            if c.poll() is not None:
                self.refusal = c.stderr.read().decode(errors="replace").strip()[-300:]
                return False
            if time.monotonic() > deadline:
                c.kill()
                self.refusal = f"no sign of the domain after {timeout} s"
                return False
            time.sleep(0.02)
        self.clients.append(c)
        self.domains += 1
        return True

    def add_hello(self):
        x = Run([ER, "add", "--control", self.sock, f"{self.a.build}/apps/hello"]).check()
        return x.ms

    def rss_kib(self):
        with open(f"/proc/{self.vm.pid}/status") as f:
            for ln in f:
                if ln.startswith("VmRSS:"):
                    return int(ln.split()[1])
        return None

    def close(self):
        self.vm.kill()
        self.vm.wait()
        for c in self.clients:
            c.kill()
            c.wait()
        self.f.close()


def section_add(a, res):
    out = {"memory": "1G", "points": {}}
    p = Persistent(a, "1G")
    try:
        out["rss_kib_boot"] = p.rss_kib()
        for k in a.add_k:
            while p.domains < k:
                if not p.add_sleeper():
                    raise RuntimeError(f"sleeper {p.domains + 1} refused: {p.refusal}")
            rss = p.rss_kib()
            times = [p.add_hello() for _ in range(a.add_runs)]
            out["points"][str(k)] = {"add_ms": times, "median_ms": med(times), "vmm_rss_kib": rss}
            log(f"add: {k} domains running: add {med(times):.1f} ms, VMM RSS {rss} KiB")
        # Top it up to the domain limit: 1 GiB density.
        while p.domains < 64 and p.add_sleeper():
            pass
        out["fit_1G"] = p.domains
        out["fit_1G_stop"] = getattr(p, "refusal", "")
        out["rss_kib_full"] = p.rss_kib()
    finally:
        p.close()
    res["add"] = out


def section_density(a, res):
    out = {}
    for mem in a.density_mem:
        p = Persistent(a, mem)
        try:
            base = p.rss_kib()
            while p.domains < 64 and p.add_sleeper():
                pass
            out[mem] = {"domains": p.domains, "stop": getattr(p, "refusal", "64 = ER_MAX_DOMAINS"),
                        "vmm_rss_kib_one": base, "vmm_rss_kib_all": p.rss_kib()}
            log(f"density: {mem}: {p.domains} sleeping domains fit ({out[mem]['stop'][:80]})")
        finally:
            p.close()
    # One enclave per app: what each costs on its own (VMM RSS with one sleeping domain).
    vm = subprocess.Popen([ER, "run", "--memory", "64M", a.erbench, "sleep"],
                          stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    try:
        vm.stdout.readline()
        time.sleep(0.5)
        with open(f"/proc/{vm.pid}/status") as f:
            rss = [int(ln.split()[1]) for ln in f if ln.startswith("VmRSS:")][0]
        out["one_enclave_per_app_rss_kib"] = rss
    finally:
        vm.kill()
        vm.wait()
    # What the library OS itself takes of a 64 MiB guest (frames free before any domain).
    x = Run([ER, "run", "--memory", "64M", "--stats", f"{a.build}/apps/hello"]).check()
    st = stats_of(x.err)
    out["libos_used_kib_of_64M"] = 64 * 1024 - st["frames_free_before_domains"] * 4
    # Guest memory a domain holds (the end-of-run table's MEMORY column, two small domains), and
    # so how many would fit by memory alone, were ER_MAX_DOMAINS not the limit.
    x = Run([ER, "run", "--memory", "64M", a.erbench, "syscall", "1", "---", a.erbench,
             "syscall", "1"]).check()
    held = [int(m) for m in re.findall(r"exited 0\s+\S+ ms\s+(\d+) KiB", x.out + x.err)]
    if held:
        out["domain_guest_kib"] = max(held)
        for mem, mib in (("64M", 64), ("256M", 256), ("1G", 1024)):
            y = Run([ER, "run", "--memory", mem, "--stats", f"{a.build}/apps/hello"]).check()
            free_kib = stats_of(y.err)["frames_free_before_domains"] * 4
            out.setdefault("libos_used_kib", {})[mem] = mib * 1024 - free_kib
            out.setdefault("fit_by_memory", {})[mem] = free_kib // max(held)
    out["hello_vmm_peak_rss_kib"] = st.get("peak_rss_kib")
    log(f"density: one enclave per app {rss} KiB; library OS uses {out['libos_used_kib_of_64M']} KiB")
    res["density"] = out


def section_evidence(a, res):
    # The software PSP's identity, made by run.sh on the host CPU: RSA-4096 key generation under
    # TCG would take minutes.
    os.environ["ENCLAVE_RUN_SIM_DIR"] = os.path.join(a.real_build, "bench", "sim-psp")
    out = {}
    for key, extra in (("plain_kvm", []), ("sim_psp", ["--confidential", "sim"])):
        ev = os.path.join(SCRATCH, f"ev-{key}.cbor")
        try:
            Run([ER, "run", "--attest", "--nonce", "00" * 32, "--evidence", ev, *extra,
                 f"{a.build}/apps/hello"]).check()
            out[key] = os.path.getsize(ev)
        except Exception as e:
            out[key + "_error"] = str(e)[-300:]
    log(f"evidence: {out}")
    res["evidence"] = out


def section_gvisor_host(a, res):
    """The fallback where runsc cannot run in the test VM (bench/run.sh runs it only then): gVisor
    on this machine's own CPU (no KVM needed for its ptrace platform), next to a plain process on
    the same CPU, so its ratios stand on their own."""
    out = {"platform": "this machine's CPU without KVM (not emulated)"}
    if "runsc" not in OCI.bin:
        raise RuntimeError(OCI.reason["runsc"])
    pw = [Run([f"{a.build}/apps/hello"]).check().ms for _ in range(a.runs)]
    bundle = OCI.bundle(["/hello"])
    gw = [OCI.run("runsc", bundle).check().ms for _ in range(a.oci_runs)]
    out["start"] = {"process_ms": med(pw), "runsc_ms": med(gw), "runsc_wall_ms": gw}
    log(f"gvisor: start: process {med(pw):.1f} ms, runsc {med(gw):.1f} ms")
    for mode, cnt in (("syscall", a.loop_n), ("fault", a.fault_n), ("hypercall", a.loop_n),
                      ("pipe", max(200, a.loop_n // 10))):
        x = Run([a.erbench, mode, str(cnt)]).check()
        b = OCI.bundle(["/er-bench", mode, str(cnt)])
        y = OCI.run("runsc", b, timeout=600).check()
        out[mode] = {"process": erbench(x.err, mode), "runsc": erbench(y.err + y.out, mode)}
        log(f"gvisor: {mode}: {out[mode]}")
    res["gvisor_host"] = out


def section_oci(a, res):
    js = os.path.join(a.out, "oci.json")
    env = {**os.environ, "ER_BENCH_INSIDE": "1", "ER_BENCH_JSON": js,
           "ER_BENCH_RUNS": str(a.oci_bench_runs), "ER_BENCH_COLD": "1" if a.mode == "quick" else "3",
           "ER_BENCH_DOCKER_RUNS": str(a.docker_runs),
           "ER_BENCH_PARTS": "a,b,hotadd" if a.mode == "quick" else "a,b,c,hotadd"}
    r = subprocess.run([os.path.join(TOP, "bench", "oci", "run.sh"), a.real_build], env=env,
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=1800)
    with open(os.path.join(a.out, "oci.md"), "wb") as f:
        f.write(r.stdout)
    res["oci"] = {"status": r.returncode, "json": "oci.json", "report": "oci.md"}
    log(f"oci: bench/oci/run.sh ended {r.returncode}")


def main():
    global ER, SCRATCH, OCI, TOP
    ap = argparse.ArgumentParser()
    ap.add_argument("--build", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--mode", default="quick")
    ap.add_argument("--sections", default="start,image,costs,switch,add,density,evidence,oci")
    ap.add_argument("--json", default="harness.json")
    a = ap.parse_args()
    quick = a.mode == "quick"
    a.runs = 5 if quick else 20
    a.oci_runs = 3 if quick else 10
    a.curve_runs = 2 if quick else 5
    a.pad_sizes = [1, 4, 16, 64] if quick else [1, 2, 4, 8, 16, 32, 64]
    a.loop_n = 5000 if quick else 20000
    a.fault_n = 2000 if quick else 10000
    a.switch_k = [2, 4, 8, 16] if quick else [2, 4, 8, 16, 32, 64]
    a.switch_n = 1000 if quick else 5000
    a.add_k = [1, 4, 16, 32, 63] if quick else [1, 2, 4, 8, 16, 32, 48, 63]
    a.add_runs = 3 if quick else 10
    a.density_mem = ["64M", "256M"]
    a.oci_bench_runs = 3 if quick else 10
    a.docker_runs = 2 if quick else 5  # `docker run` per runtime, after one warm-up round
    a.pad_dir = os.path.join(a.build, "bench", "pad")
    a.erbench = os.path.join(a.build, "bench", "apps", "er-bench")
    TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    ER = os.path.join(a.build, "launcher", "enclave-run")
    SCRATCH = os.path.join(os.environ.get("E2E_STATE", "/tmp"), "bench-run")
    shutil.rmtree(SCRATCH, ignore_errors=True)
    os.makedirs(SCRATCH, exist_ok=True)
    emulated = os.environ.get("ER_IN_TEST_VM") == "1"
    cpu = ""
    with open("/proc/cpuinfo") as f:
        for ln in f:
            if ln.startswith("model name"):
                cpu = ln.split(":", 1)[1].strip()
                break
    res = {"date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()), "mode": a.mode,
           "emulated": emulated,
           "platform": "emulated (kvm_amd in the test VM under QEMU TCG)" if emulated
           else "hardware KVM" if os.path.exists("/dev/kvm") else "this machine's CPU, no KVM",
           "kernel": os.uname().release, "cpu": cpu,
           "pku": " pku " in open("/proc/cpuinfo").read().replace("\n", " ") + " ",
           "errors": {}}
    # Everything runs from a tmpfs copy, as the OCI runtimes do: programs on the test VM's 9p root
    # start slowly (docs/test-vm.md), which would be charged to whichever side read from there.
    bindir = os.path.join(SCRATCH, "bin")
    os.makedirs(os.path.join(bindir, "apps"), exist_ok=True)
    subprocess.run(["strip", "-o", os.path.join(bindir, "enclave-run"), ER], check=True)
    ER = os.path.join(bindir, "enclave-run")
    for app in ("hello", "hello-pie"):
        shutil.copy2(os.path.join(a.build, "apps", app), os.path.join(bindir, "apps", app))
    shutil.copy2(a.erbench, os.path.join(bindir, "er-bench"))
    a.erbench = os.path.join(bindir, "er-bench")
    shutil.copytree(a.pad_dir, os.path.join(bindir, "pad"), dirs_exist_ok=True)
    a.pad_dir = os.path.join(bindir, "pad")
    OCI = Oci(a.build, SCRATCH)
    a.real_build, a.build = a.build, bindir  # apps/hello, apps/hello-pie from here on
    res["baselines_missing"] = OCI.reason
    path = os.path.join(a.out, a.json)
    for name in a.sections.split(","):
        t = time.monotonic()
        log(f"== {name}")
        try:
            globals()[f"section_{name}"](a, res)
        except Exception as e:
            res["errors"][name] = str(e)[-600:]
            log(f"{name}: FAILED: {str(e)[-300:]}")
        res.setdefault("seconds", {})[name] = round(time.monotonic() - t, 1)
        with open(path, "w") as f:  # after every section: a cut-off run keeps what it has
            json.dump(res, f, indent=1)
    log(f"done: {path}")


if __name__ == "__main__":
    main()
