#!/usr/bin/python3
"""The reporting half of bench/run.sh: reads a results folder (harness.json from the test VM or
the KVM host, attestation.json from Google Benchmark, oci.json from bench/oci) and writes
report.md (medians, ratios to the baselines of the same run, growth-curve slopes), results.csv
(every figure as one row) and the plots (PNG and SVG).

  report.py RESULTS_DIR

Run with Debian's python3 (python3-matplotlib); without matplotlib the tables are still written
and the plots are skipped with one line saying why.
"""
import csv
import json
import math
import os
import sys

D = sys.argv[1] if len(sys.argv) > 1 else "."
R = json.load(open(os.path.join(D, "harness.json")))
LAB = R["platform"]
EMU = R["emulated"]
T = "ms (emulated)" if EMU else "ms"
rows = []  # (section, name, metric, value, unit)
md = []


def p(s=""):
    md.append(s)


def row(section, name, metric, value, unit):
    rows.append((section, name, metric, value, unit))


def f1(x):
    return "-" if x is None else f"{x:.1f}"


def ratio(a, b):
    return "-" if not a or not b else f"{a / b:.2f}"


def slope(xs, ys):
    """(least-squares slope per unit x, log-log exponent, words)."""
    pts = [(x, y) for x, y in zip(xs, ys) if y is not None and y > 0]
    if len(pts) < 2:
        return None, None, "too few points"
    n = len(pts)
    mx = sum(x for x, _ in pts) / n
    my = sum(y for _, y in pts) / n
    b = sum((x - mx) * (y - my) for x, y in pts) / max(1e-12, sum((x - mx) ** 2 for x, _ in pts))
    lx = [math.log(x) for x, _ in pts]
    ly = [math.log(y) for _, y in pts]
    mlx, mly = sum(lx) / n, sum(ly) / n
    e = sum((a - mlx) * (c - mly) for a, c in zip(lx, ly)) / max(1e-12, sum((a - mlx) ** 2 for a in lx))
    change = pts[-1][1] / pts[0][1] - 1
    a0 = my - b * mx
    ss = sum((y - my) ** 2 for _, y in pts)
    r2 = 1 - sum((y - a0 - b * x) ** 2 for x, y in pts) / ss if ss > 0 else 1.0
    lo, hi = min(y for _, y in pts), max(y for _, y in pts)
    if hi / lo - 1 < 0.25:
        words = "constant (every point within 25% of the lowest)"
    elif e > 1.3:
        words = "worse than linear"
    elif r2 >= 0.85 and b > 0:
        words = f"linear, y = {a0:.4g} + {b:.4g} x (R2 {r2:.2f})"
    elif abs(change) < 0.25:
        words = f"flat overall but noisy (R2 of a line {r2:.2f})"
    else:
        words = f"not a line (R2 {r2:.2f}): a step or noise, see the plot"
    return b, e, f"{words}; log-log exponent {e:.2f}, {change * 100:+.0f}% first to last point"


p(f"# Benchmark report, {R['date']} ({R['mode']} mode)")
p()
p(f"Platform: **{LAB}**; guest CPU seen by the VMM: {R['cpu']}, PKU {'yes' if R['pku'] else 'no'}; "
  f"kernel {R['kernel']}. "
  + ("Every time below is emulated: it says nothing about hardware. The counts (exits, host system "
     "calls, pages, RSS) and the ratios to the baselines measured in the same VM are the result."
     if EMU else "Times are hardware KVM times."))
p()
for k, v in R.get("errors", {}).items():
    p(f"- section `{k}` failed: {v}")
for k, v in R.get("baselines_missing", {}).items():
    p(f"- baseline {k} not run: {v}")
p()

# ------------------------------------------------------------------ start
s = R.get("start")
if s:
    base = s["process"]["median_ms"]
    p(f"## Start: process start to exit of hello ({LAB})")
    p()
    p(f"Median of {s['runs']} (OCI runtimes: of their runs below); ratio = this / the plain process.")
    p()
    p(f"| start to exit | median, {T} | ratio to process | peak RSS KiB | host system calls |")
    p("|---|---|---|---|---|")
    hs = s.get("host_syscalls", {})
    names = (("process", "posix_spawn + wait of the static hello (baseline)"),
             ("enclave_pagetable", "`enclave-run run hello` (page tables)"),
             ("enclave_mpk", "`enclave-run run hello-pie` (MPK)"),
             ("runc", "`runc run` (same static hello, same bundle)"),
             ("crun", "`crun run`"),
             ("runsc", "`runsc --platform=ptrace run` (gVisor)"))
    for key, name in names:
        x = s.get(key, {})
        if "error" in x:
            p(f"| {name} | not measured here: {x['error'][:90]}... (see gVisor below) | | | |")
            continue
        rss = x.get("peak_rss_kib") or x.get("stats", {}).get("peak_rss_kib")
        sc = hs.get(key, {}).get("syscalls") or hs.get(key, {}).get("error", "-")[:60]
        p(f"| {name} | {f1(x.get('median_ms'))} | {ratio(x.get('median_ms'), base)} | {rss} | {sc} |")
        row("start", key, "median", x.get("median_ms"), T)
        row("start", key, "peak_rss", rss, "KiB")
    p()
    p(f"Split of `enclave-run run` from the guest's own TSC timestamps (medians, {T}):")
    p()
    p("| phase | page tables | MPK |")
    p("|---|---|---|")

    def split(x):
        st = x["stats"]
        total = x["median_ms"]
        b, dm, fa, en = (st.get(k) for k in ("boot_tsc_ns", "domains_ns", "first_app_ns", "end_ns"))
        if None in (b, dm, fa, en):
            return None
        guest = (b + en) / 1e6
        wall = st.get("wall_ms") or total
        return {"host: exec, loader, CLI until `run` starts (spawn to reaped less --stats wall_ms)":
                total - wall,
                "host: VMM set-up until the vCPU is created, and tear-down (wall_ms less the guest's)":
                wall - guest,
                "vCPU creation to the kernel's clock set-up": b / 1e6,
                "guest boot (kernel init until domains are created)": dm / 1e6,
                "app load (domain creation to the app's first instruction)": (fa - dm) / 1e6,
                "app run to the guest's end": (en - fa) / 1e6}

    sp = {k: split(s[k]) for k in ("enclave_pagetable", "enclave_mpk") if k in s}
    if all(sp.values()):
        for ph in sp["enclave_pagetable"]:
            p(f"| {ph} | {sp['enclave_pagetable'][ph]:.1f} | {sp['enclave_mpk'][ph]:.1f} |")
            row("start_split", ph, "pagetable", round(sp["enclave_pagetable"][ph], 2), T)
            row("start_split", ph, "mpk", round(sp["enclave_mpk"][ph], 2), T)
    st = s["enclave_pagetable"]["stats"]
    p()
    p(f"Counts (page tables): **{st.get('exits')} exits**, {st.get('hypercalls')} hypercalls, "
      f"{st.get('syscalls')} guest syscalls, peak RSS {st.get('peak_rss_kib')} KiB; host system "
      f"calls of enclave-run {hs.get('enclave_pagetable', {}).get('syscalls')} "
      f"({hs.get('enclave_pagetable', {}).get('top')}).")
    p()

# ------------------------------------------------------------------ image
im = R.get("image")
if im:
    xs = im["sizes_mib"]
    ey = [im["enclave"][str(x)]["median_ms"] for x in xs]
    py = [im["process"][str(x)]["median_ms"] for x in xs]
    ly = [(im["enclave"][str(x)]["app_load_ns"] or 0) / 1e6 for x in xs]
    p(f"## Start against app image size ({LAB}, page tables, --memory 512M)")
    p()
    p(f"| image MiB | enclave-run, {T} | app load (guest), {T} | process, {T} | ratio |")
    p("|---|---|---|---|---|")
    for x, e, l, q in zip(xs, ey, ly, py):
        p(f"| {x} | {f1(e)} | {f1(l)} | {f1(q)} | {ratio(e, q)} |")
        row("image", f"{x}MiB", "enclave", e, T)
        row("image", f"{x}MiB", "app_load", l, T)
        row("image", f"{x}MiB", "process", q, T)
    b, e, w = slope(xs, ey)
    p()
    p(f"Slope, enclave start: {w}; {f1(b)} {T} per MiB. App load alone: {slope(xs, ly)[2]}; "
      f"{f1(slope(xs, ly)[0])} per MiB. Process: {slope(xs, py)[2]}.")
    p()

# ------------------------------------------------------------------ costs
c = R.get("costs")
if c:
    p(f"## Isolation costs ({LAB}; TSC cycles, median of every single call)")
    p()
    gv_here = any((c.get(m) or {}).get("runsc") for m in ("syscall", "fault", "hypercall", "pipe"))
    p("| loop | process (baseline) | domain, page tables | ratio | domain, MPK | ratio |"
      + (" gVisor (runsc ptrace) | ratio |" if gv_here else ""))
    p("|---|---|---|---|---|---|" + ("---|---|" if gv_here else ""))
    names = {"syscall": "getppid round trip", "fault": "page-fault service (first write to a page)",
             "hypercall": "write(1) + read(0): in a domain one hypercall (VM exit) each",
             "pipe": "pipe ping-pong round trip, fork, one CPU"}
    for mode, name in names.items():
        x = c.get(mode, {})
        pr = x.get("process")
        pt, mk, gv = x.get("enclave_pagetable"), x.get("enclave_mpk"), x.get("runsc")
        p(f"| {name} | {pr} | {pt} | {ratio(pt, pr)} | {mk} | {ratio(mk, pr)} |"
          + (f" {gv} | {ratio(gv, pr)} |" if gv_here else ""))
        for k in ("process", "enclave_pagetable", "enclave_mpk", "runsc"):
            row("costs", mode, k, x.get(k), "cycles")
    sw, ho = c.get("switch", {}), c.get("handoff", {})
    hy = c.get("hypercall", {})
    sy = c.get("syscall", {})
    p()
    for iso in ("pagetable", "mpk"):
        if hy.get(f"enclave_{iso}") and sy.get(f"enclave_{iso}"):
            p(f"- hypercall round trip, {iso}: {hy[f'enclave_{iso}'] - 2 * sy[f'enclave_{iso}']} cycles "
              f"(the loop less two syscall round trips; the run counted "
              f"{hy.get(f'enclave_{iso}_hypercalls')} hypercalls for {c['n']} iterations)")
    p(f"- domain switch (two domains yielding: (yield - 2 syscalls) / 2): page tables "
      f"{sw.get('enclave_pagetable')}, MPK {sw.get('enclave_mpk')} cycles")
    p(f"- one hand-off between two parties on one CPU: two yielding domains {ho.get('enclave_pagetable_yield')} "
      f"(page tables) / {ho.get('enclave_mpk_yield')} (MPK) vs two processes through a pipe "
      f"{ho.get('process_pipe')} cycles (half a round trip): ratio "
      f"{ratio(ho.get('enclave_pagetable_yield'), ho.get('process_pipe'))} / "
      f"{ratio(ho.get('enclave_mpk_yield'), ho.get('process_pipe'))}")
    for k, v in sw.items():
        row("costs", "switch", k, v, "cycles")
    for k, v in ho.items():
        row("costs", "handoff", k, v, "cycles")
    p()

hj = os.path.join(D, "host.json")
G = json.load(open(hj)).get("gvisor_host") if os.path.exists(hj) else None
if G or (c and c.get("syscall", {}).get("runsc_error")) or (R.get("start", {}).get("runsc", {}).get("error")):
    p(f"## gVisor (runsc, ptrace platform) against a process, on {G['platform'] if G else '-'}")
    p()
    err = (c or {}).get("syscall", {}).get("runsc_error") or R.get("start", {}).get("runsc", {}).get("error")
    if err and EMU and not (c or {}).get("syscall", {}).get("runsc"):
        p(f"Not in the test VM: {err.strip()[-330:]}")
        p()
    if G:
        p("Ratios to a plain process on that same CPU, next to enclave-run's ratios to its process "
          "above (two platforms: compare ratios, never the raw numbers across the two tables).")
        p()
        p("| | process | runsc | runsc / process | domain / process (page tables, MPK; above) |")
        p("|---|---|---|---|---|")
        st_ = G["start"]
        es = R.get("start", {})
        p(f"| start to exit of hello, ms | {f1(st_['process_ms'])} | {f1(st_['runsc_ms'])} | "
          f"{ratio(st_['runsc_ms'], st_['process_ms'])} | "
          f"{ratio(es.get('enclave_pagetable', {}).get('median_ms'), es.get('process', {}).get('median_ms'))}, "
          f"{ratio(es.get('enclave_mpk', {}).get('median_ms'), es.get('process', {}).get('median_ms'))} |")
        row("gvisor", "start", "runsc_over_process",
            round(st_["runsc_ms"] / st_["process_ms"], 2), "ratio")
        for mode, name in (("syscall", "getppid, cycles"), ("fault", "page fault, cycles"),
                           ("hypercall", "write(1) + read(0), cycles"),
                           ("pipe", "pipe ping-pong round trip, cycles")):
            g = G.get(mode)
            if not g:
                continue
            x = (c or {}).get(mode, {})
            p(f"| {name} | {g['process']} | {g['runsc']} | {ratio(g['runsc'], g['process'])} | "
              f"{ratio(x.get('enclave_pagetable'), x.get('process'))}, "
              f"{ratio(x.get('enclave_mpk'), x.get('process'))} |")
            row("gvisor", mode, "process", g["process"], "cycles")
            row("gvisor", mode, "runsc", g["runsc"], "cycles")
    p()

# ------------------------------------------------------------------ switch curve
sc = R.get("switch")
if sc:
    ks = sc["domains"]
    p(f"## Switch cost against runnable domains ({LAB}; cycles per switch)")
    p()
    p("| runnable domains | page tables | MPK | page tables, no timer (`--tick-ms 0`) |")
    p("|---|---|---|---|")
    for k in ks:
        a = sc.get("pagetable", {}).get(str(k), {}).get("switch")
        b_ = sc.get("mpk", {}).get(str(k), {}).get("switch")
        c_ = sc.get("pagetable_no_tick", {}).get(str(k), {}).get("switch")
        p(f"| {k} | {a} | {b_} | {c_} |")
        row("switch", str(k), "pagetable", a, "cycles")
        row("switch", str(k), "mpk", b_, "cycles")
        row("switch", str(k), "pagetable_no_tick", c_, "cycles")
    for iso in ("pagetable", "mpk", "pagetable_no_tick"):
        ys = [sc.get(iso, {}).get(str(k), {}).get("switch") for k in ks]
        p(f"\nSlope, {iso}: {slope(ks, ys)[2]}.")
    p()

# ------------------------------------------------------------------ add + memory
ad = R.get("add")
if ad:
    ks = sorted(int(k) for k in ad["points"])
    ay = [ad["points"][str(k)]["median_ms"] for k in ks]
    ry = [ad["points"][str(k)]["vmm_rss_kib"] for k in ks]
    st = R.get("start", {})
    new = st.get("enclave_pagetable", {}).get("median_ms")
    p(f"## Adding a domain to a running enclave ({LAB}, --memory 1G, sleeping domains)")
    p()
    p(f"| domains already running | `enclave-run add hello`, {T} | ratio to a new enclave | VMM RSS KiB |")
    p("|---|---|---|---|")
    for k, y, r in zip(ks, ay, ry):
        p(f"| {k} | {f1(y)} | {ratio(y, new)} | {r} |")
        row("add", str(k), "add_ms", y, T)
        row("memory", str(k), "vmm_rss", r, "KiB")
    p()
    p(f"New enclave (`enclave-run run hello`): {f1(new)}; runc / crun / runsc run (create+start+exit): "
      + " / ".join(f1(st.get(n, {}).get("median_ms")) for n in ("runc", "crun", "runsc")) + f" {T}.")
    b, e, w = slope(ks, ay)
    p(f"\nSlope, add: {w}; {f1(b)} {T} per running domain.")
    b, e, w = slope(ks, ry)
    p(f"\nSlope, VMM RSS: {w}; **{f1(b)} KiB per domain** (a sleeping static musl app).")
    p()

dn = R.get("density")
if dn or ad:
    p(f"## Density ({LAB})")
    p()
    p("| enclave memory | sleeping hello-sized domains that fit | stopped by |")
    p("|---|---|---|")
    for mem in ("64M", "256M"):
        x = (dn or {}).get(mem)
        if x:
            p(f"| {mem} | {x['domains']} | {x['stop'][:120]} |")
            row("density", mem, "domains", x["domains"], "domains")
    if ad and "fit_1G" in ad:
        p(f"| 1G | {ad['fit_1G']} | {(ad.get('fit_1G_stop') or '64 = ER_MAX_DOMAINS')[:120]} |")
        row("density", "1G", "domains", ad["fit_1G"], "domains")
    if dn:
        p()
        if dn.get("fit_by_memory"):
            p(f"- by memory alone, at {dn.get('domain_guest_kib')} KiB of guest memory per such "
              f"domain (the run's MEMORY column), 64M / 256M / 1G would hold "
              + " / ".join(str(dn['fit_by_memory'][m]) for m in ("64M", "256M", "1G"))
              + " (free frames before any domain / that; an estimate, not a run: "
              "ER_MAX_DOMAINS = 64 is the limit that binds)")
            p(f"- the library OS's own use of guest memory at 64M / 256M / 1G: "
              + " / ".join(f"{dn['libos_used_kib'][m]} KiB" for m in ("64M", "256M", "1G")))
        p(f"- the library OS itself uses {dn.get('libos_used_kib_of_64M')} KiB of a 64 MiB guest "
          f"(before any domain); a hello enclave's VMM peak RSS is {dn.get('hello_vmm_peak_rss_kib')} KiB")
        p(f"- one enclave per app (a VM each, and under SEV one ASID each): "
          f"{dn.get('one_enclave_per_app_rss_kib')} KiB of host RSS per app; in one shared enclave each "
          f"further domain adds the RSS slope above")
    p()

ev = R.get("evidence")
att = os.path.join(D, "attestation.json")
if ev or os.path.exists(att):
    p("## Attestation")
    p()
    if os.path.exists(att):
        bj = json.load(open(att))
        p(f"Google Benchmark on the host CPU (not emulated; {bj['context'].get('host_name', '')}, "
          f"{bj['context'].get('num_cpus')} CPUs), minimum CPU time of the repetitions:")
        p()
        p("| benchmark | us per verification | per second |")
        p("|---|---|---|")
        best = {}
        for b in bj["benchmarks"]:
            if b.get("run_type") != "iteration":
                continue
            sc_ = {"ns": 1e-3, "us": 1.0, "ms": 1e3}[b["time_unit"]]
            best[b["run_name"]] = min(best.get(b["run_name"], 1e18), b["cpu_time"] * sc_)
        for n, us in best.items():
            p(f"| {n} | {us:.1f} | {1e6 / us:.0f} |")
            row("attestation", n, "cpu_us", round(us, 2), "us")
    if ev:
        p()
        p(f"Evidence size (CBOR, one hello domain): plain KVM {ev.get('plain_kvm')} bytes, "
          f"software PSP (SNP report + VCEK/ASK/ARK) {ev.get('sim_psp')} bytes.")
        for k, v in ev.items():
            row("evidence", k, "bytes", v, "bytes")
    p()

if os.path.exists(os.path.join(D, "oci.md")):
    p("## OCI runtime (bench/oci, same VM)")
    p()
    p(open(os.path.join(D, "oci.md")).read().split("\n## ", 1)[-1].split("\n", 1)[-1])
# `docker run --rm IMAGE /hello` per runtime (bench/oci part b): its rows for the CSV and the plot.
oj = os.path.join(D, "oci.json")
DK = {}
if os.path.exists(oj):
    for k, v in (json.load(open(oj)).get("b") or {}).items():
        if isinstance(v, dict) and "median" in v:
            DK[k] = v
            row("docker_run", k, "median", v["median"], T)
            row("docker_run", k, "p90", v["p90"], T)

# ------------------------------------------------------------------ plots
plots = []
try:
    import matplotlib

    matplotlib.use("Agg")
    matplotlib.rcParams["svg.fonttype"] = "none"  # text stays text: a third of the size
    import matplotlib.pyplot as plt
except ImportError as e:
    p(f"Plots skipped: {e} (apt-get install python3-matplotlib; run with /usr/bin/python3).")
    plt = None


def save(fig, name):
    for ext in ("png", "svg"):
        fig.savefig(os.path.join(D, f"{name}.{ext}"), dpi=90, bbox_inches="tight")
    plt.close(fig)
    plots.append(name)


if plt:
    sub = f"{LAB}; {R['date']}"
    if s:
        keys = ["process", "enclave_pagetable", "enclave_mpk", "runc", "crun", "runsc"]
        lbl = ["process", "enclave\n(page tables)", "enclave\n(MPK)", "runc", "crun", "runsc\n(ptrace)"]
        vals = [s.get(k, {}).get("median_ms") for k in keys]
        fig, ax = plt.subplots(figsize=(7, 3.6))
        xs_ = [i for i, v in enumerate(vals) if v]
        ax.bar(xs_, [vals[i] for i in xs_], color="tab:blue")
        ax.set_xticks(range(len(keys)), lbl, fontsize=8)
        for i in range(len(keys)):
            if not vals[i]:
                ax.text(i, 1, "not run", ha="center", fontsize=7, rotation=90)
        ax.set_yscale("log")
        ax.set_ylabel(T)
        ax.set_title(f"Start to exit of a static hello, median\n{sub}", fontsize=9)
        save(fig, "start")
        if sp and all(sp.values()):
            fig, ax = plt.subplots(figsize=(7, 3.2))
            left = [0.0, 0.0]
            for ph in sp["enclave_pagetable"]:
                v = [sp["enclave_pagetable"][ph], sp["enclave_mpk"][ph]]
                ax.barh(["page tables", "MPK"], v, left=left, label=ph)
                left = [l + x for l, x in zip(left, v)]
            ax.set_xlabel(T)
            ax.legend(fontsize=7, loc="upper center", bbox_to_anchor=(0.5, -0.25), ncol=2)
            ax.set_title(f"enclave-run run hello: where the time goes (guest TSC)\n{sub}", fontsize=9)
            save(fig, "start_split")
    if DK:
        keys = [k for k in ("runc", "crun", "runsc", "enclave_run") if k in DK]
        fig, ax = plt.subplots(figsize=(6, 3.2))
        ax.bar(range(len(keys)), [DK[k]["median"] for k in keys], color="tab:blue",
               yerr=[[0] * len(keys), [DK[k]["p90"] - DK[k]["median"] for k in keys]], capsize=3)
        ax.set_xticks(range(len(keys)), [{"runsc": "runsc\n(ptrace)", "enclave_run": "enclave-run"}.get(k, k)
                                         for k in keys])
        ax.set_ylabel(T)
        ax.set_title(f"docker run --rm IMAGE /hello, median (bar) to p90\n{sub}", fontsize=9)
        save(fig, "docker")
    if im:
        fig, ax = plt.subplots(figsize=(6, 3.6))
        ax.plot(xs, ey, "o-", label="enclave-run run (page tables)")
        ax.plot(xs, ly, "s--", label="... app load inside the guest")
        ax.plot(xs, py, "^-", label="process (posix_spawn)")
        ax.set_xscale("log", base=2)
        ax.set_xlabel("app image size, MiB")
        ax.set_ylabel(T)
        ax.legend(fontsize=8)
        ax.set_title(f"Start against image size\n{sub}", fontsize=9)
        save(fig, "image_size")
    if c:
        modes = ["syscall", "fault", "hypercall", "pipe"]
        who = [("process", "process"), ("enclave_pagetable", "domain, page tables"),
               ("enclave_mpk", "domain, MPK"), ("runsc", "gVisor ptrace")]
        fig, ax = plt.subplots(figsize=(7.5, 3.6))
        w = 0.2
        for j, (k, name) in enumerate(who):
            v = [c.get(m, {}).get(k) or 0 for m in modes]
            ax.bar([i + j * w for i in range(len(modes))], v, w, label=name)
        ax.set_xticks([i + 1.5 * w for i in range(len(modes))],
                      ["getppid", "page fault", "write+read\n(1 hypercall)", "pipe ping-pong"])
        ax.set_yscale("log")
        ax.set_ylabel("TSC cycles (median)")
        ax.legend(fontsize=7)
        ax.set_title(f"Isolation costs, same loops everywhere\n{sub}", fontsize=9)
        save(fig, "costs")
    if sc:
        fig, ax = plt.subplots(figsize=(6, 3.6))
        for iso in ("pagetable", "mpk", "pagetable_no_tick"):
            if iso not in sc:
                continue
            ax.plot(ks_ := sc["domains"], [sc.get(iso, {}).get(str(k), {}).get("switch") for k in ks_],
                    "o-", label=f"{iso}")
        ax.set_xscale("log", base=2)
        ax.set_xlabel("runnable domains (all yielding)")
        ax.set_ylabel("TSC cycles per switch")
        ax.legend(fontsize=8)
        ax.set_title(f"Domain switch against runnable domains\n{sub}", fontsize=9)
        save(fig, "switch")
    if ad:
        fig, ax = plt.subplots(figsize=(6, 3.6))
        ax.plot(ks, ay, "o-", label="enclave-run add hello")
        if new:
            ax.axhline(new, ls="--", color="gray", label="a new enclave (run hello)")
        for n, style in (("runc", ":"), ("crun", "-."), ("runsc", "--")):
            v = R.get("start", {}).get(n, {}).get("median_ms")
            if v:
                ax.axhline(v, ls=style, color="tab:red", alpha=0.6, label=f"{n} run")
        ax.set_yscale("log")
        ax.set_xlabel("domains already running")
        ax.set_ylabel(T)
        ax.legend(fontsize=7)
        ax.set_title(f"Adding a domain against domains running (page tables)\n{sub}", fontsize=9)
        save(fig, "add")
        fig, ax = plt.subplots(figsize=(6, 3.6))
        ax.plot(ks, [r / 1024 for r in ry], "o-", label="one enclave, N domains (VMM RSS)")
        one = (dn or {}).get("one_enclave_per_app_rss_kib")
        if one:
            ax.plot(ks, [k * one / 1024 for k in ks], "s--", label="one enclave per app (N x RSS)")
        ax.set_xlabel("domains (sleeping static apps)")
        ax.set_ylabel("host RSS, MiB")
        ax.legend(fontsize=8)
        ax.set_title(f"Memory against domains\n{sub}", fontsize=9)
        save(fig, "memory")

if plots:
    p("## Plots")
    p()
    for n in plots:
        p(f"![{n}]({n}.svg)")
    p()

with open(os.path.join(D, "report.md"), "w") as f:
    f.write("\n".join(md) + "\n")
with open(os.path.join(D, "results.csv"), "w", newline="") as f:
    w = csv.writer(f)
    w.writerow(["section", "name", "metric", "value", "unit"])
    w.writerows(rows)
print(f"report: {os.path.join(D, 'report.md')} ({len(rows)} rows, {len(plots)} plots)")
