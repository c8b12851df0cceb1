#!/usr/bin/python3
"""bench/net's report: medians per target from runs.tsv (bench/net/run.sh), as summary.md,
net.json and net.png (requests per second, and p50/p90/p99 latency), every figure labelled with
where it was measured (label.txt: emulated in the test VM, or hardware).

  report.py OUT_DIR
"""
import csv
import json
import os
import statistics
import sys

ORDER = ["process", "runc", "runsc", "enclave"]
NAMES = {"process": "plain process", "runc": "runc", "runsc": "gVisor (runsc, ptrace)",
         "enclave": "enclave-run domain"}
METRICS = ["rps", "p50_ms", "p90_ms", "p99_ms", "max_ms"]


def main():
    out = sys.argv[1]
    label = open(os.path.join(out, "label.txt")).read().strip()
    env = open(os.path.join(out, "env.txt")).read().strip()
    runs = {}
    failed = {}
    with open(os.path.join(out, "runs.tsv")) as f:
        for row in csv.DictReader(f, delimiter="\t"):
            t = row["target"]
            if row["ok"] in ("failed", "", None) or row["ok"] != row["requests"]:
                failed[t] = failed.get(t, 0) + 1
                continue
            runs.setdefault(t, []).append(row)
    targets = [t for t in ORDER if t in runs or t in failed] + \
        [t for t in runs if t not in ORDER]
    summary = {"label": label, "env": env, "targets": {}}
    for t in targets:
        rs = runs.get(t, [])
        s = {"runs": len(rs), "failed_runs": failed.get(t, 0)}
        for m in METRICS:
            vals = [float(r[m]) for r in rs if r[m] not in ("", "-")]
            s[m] = statistics.median(vals) if vals else None
        # The enclave's counts cover the whole run: warm-up, measured requests and /quit.
        warm = int(env.split("warmup=")[1].split()[0])
        for col, key in (("exits", "exits_per_request"), ("syscalls", "guest_syscalls_per_request")):
            vals = [int(r[col]) for r in rs if (r.get(col) or "-").isdigit()]
            if vals:
                s[key] = statistics.median(vals) / (int(rs[0]["requests"]) + warm + 1)
        summary["targets"][t] = s
    base = summary["targets"].get("process", {}).get("rps")
    with open(os.path.join(out, "net.json"), "w") as f:
        json.dump(summary, f, indent=1)

    lines = [f"Static HTTP server, go-httpd; {label}", "", f"`{env}`".replace("\n", "` `"), "",
             "| target | requests/s | vs process | p50 ms | p90 ms | p99 ms | max ms | exits/request |"
             " guest syscalls/request | runs |",
             "|---|---|---|---|---|---|---|---|---|---|"]

    def fmt(v, d=1):
        return "-" if v is None else f"{v:.{d}f}"
    for t in targets:
        s = summary["targets"][t]
        ratio = fmt(s["rps"] / base, 2) if base and s["rps"] else "-"
        runs_txt = f"{s['runs']}" + (f" ({s['failed_runs']} failed)" if s["failed_runs"] else "")
        lines.append(f"| {NAMES.get(t, t)} | {fmt(s['rps'])} | {ratio} | {fmt(s['p50_ms'], 2)} | "
                     f"{fmt(s['p90_ms'], 2)} | {fmt(s['p99_ms'], 2)} | {fmt(s['max_ms'], 1)} | "
                     f"{fmt(s.get('exits_per_request'), 2)} | "
                     f"{fmt(s.get('guest_syscalls_per_request'), 1)} | {runs_txt} |")
    text = "\n".join(lines) + "\n"
    open(os.path.join(out, "summary.md"), "w").write(text)
    print(text)

    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        print("bench/net: no plot: python3-matplotlib is missing (apt-get install python3-matplotlib)",
              file=sys.stderr)
        return
    shown = [t for t in targets if summary["targets"][t]["rps"]]
    names = [NAMES.get(t, t) for t in shown]
    fig, (a, b) = plt.subplots(1, 2, figsize=(12, 4.8))
    a.bar(names, [summary["targets"][t]["rps"] for t in shown], color="#4477aa")
    a.set_ylabel("requests per second (median of runs)")
    a.set_title("throughput")
    width = 0.27
    for k, (m, colour) in enumerate([("p50_ms", "#66ccee"), ("p90_ms", "#228833"),
                                     ("p99_ms", "#ee6677")]):
        xs = [i + (k - 1) * width for i in range(len(shown))]
        b.bar(xs, [summary["targets"][t][m] for t in shown], width, label=m[:3], color=colour)
    b.set_xticks(range(len(shown)), names)
    b.set_yscale("log")
    b.set_ylabel("latency, ms (log scale)")
    b.set_title("latency percentiles")
    b.legend()
    for ax in (a, b):
        ax.tick_params(axis="x", labelrotation=15)
    page = env.split("page_bytes=")[1].split()[0]
    conns = env.split("conns=")[1].split()[0]
    fig.suptitle(f"go-httpd, {page}-byte page, go-loadgen over {conns} keep-alive connections\n"
                 f"{label}")
    fig.tight_layout()
    fig.savefig(os.path.join(out, "net.png"), dpi=100)


if __name__ == "__main__":
    main()
