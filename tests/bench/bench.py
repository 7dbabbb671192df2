#!/usr/bin/env python3
"""stepvisor CPU benchmark runner.

Runs each benchmark ELF under `stepvisor run --stats ELF` and under
`qemu-system-riscv64 -M virt -cpu rv64,h=true -bios none -nographic -kernel ELF`, checks that
both print the same console output, and prints a table of figures:
instructions (from stepvisor's stats), stepvisor host seconds, MIPS, QEMU wall
seconds and the ratio of the two wall times.

It never fails on speed.  The exit status is non-zero only when an emulator
fails (non-zero exit, time-out, cannot be started) or the outputs differ.
Without --stepvisor it runs QEMU alone (useful to check the images).

stepvisor reports its statistics on stderr as one line:
    stats: instructions=N cycles=N host_seconds=F mips=F
"""

import argparse
import difflib
import json
import os
import platform
import re
import shutil
import subprocess
import sys
import time

BEGIN_MARK = "== stepvisor cpu bench"
END_MARK = "== end"
STATS_RE = re.compile(r"^\s*stats:\s*(.*)$", re.MULTILINE)


def host_note():
    """A short description of the host so the figures can be interpreted."""
    model = "unknown CPU"
    mhz = None
    try:
        with open("/proc/cpuinfo", encoding="utf-8", errors="replace") as f:
            for line in f:
                key, _, val = line.partition(":")
                key = key.strip()
                if key in ("model name", "Model Name", "uarch", "cpu model") and model == "unknown CPU":
                    model = val.strip()
                elif key == "cpu MHz" and mhz is None:
                    mhz = val.strip()
    except OSError:
        pass
    try:
        usable = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        usable = os.cpu_count()
    parts = [f"host: {model}", f"nproc {usable} (of {os.cpu_count()})"]
    if mhz:
        parts.append(f"{float(mhz):.0f} MHz")
    try:
        load = os.getloadavg()
        parts.append(f"load {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}")
    except OSError:
        pass
    uname = platform.uname()
    parts.append(f"{uname.system} {uname.release} {uname.machine}")
    parts.append(f"python {platform.python_version()}")
    return ", ".join(parts)


def normalize(text):
    """Console text to compare: CR removed, trailing blanks removed, and only
    the benchmark's own block when both markers are present (so a banner an
    emulator prints around the guest output does not count)."""
    lines = [l.rstrip() for l in text.replace("\r", "").split("\n")]
    begin = next((i for i, l in enumerate(lines) if l.startswith(BEGIN_MARK)), None)
    if begin is not None:
        end = next((i for i in range(begin, len(lines)) if lines[i].startswith(END_MARK)), None)
        if end is not None:
            return lines[begin:end + 1]
    while lines and not lines[-1]:
        lines.pop()
    return lines


def tail(text, n=6):
    lines = [l for l in text.replace("\r", "").splitlines() if l.strip()]
    return "\n".join("    " + l for l in lines[-n:])


def console_and_log(r):
    """The end of a failed run's console output and of its stderr."""
    parts = []
    out, err = tail(r.get("out") or "", 4), tail(r.get("err") or "", 4)
    if out:
        parts.append("  console (last lines):\n" + out)
    if err:
        parts.append("  stderr (last lines):\n" + err)
    return "\n".join(parts)


def run(cmd, timeout):
    """Run cmd; returns dict(ok, rc, out, err, wall, error)."""
    start = time.perf_counter()
    try:
        p = subprocess.run(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, timeout=timeout)
    except FileNotFoundError as e:
        return {"ok": False, "error": f"cannot start {cmd[0]}: {e.strerror}", "wall": None}
    except PermissionError as e:
        return {"ok": False, "error": f"cannot start {cmd[0]}: {e.strerror}", "wall": None}
    except subprocess.TimeoutExpired as e:
        out = (e.stdout or b"").decode("utf-8", "replace")
        return {"ok": False, "error": f"timed out after {timeout} s", "wall": None,
                "out": out, "err": (e.stderr or b"").decode("utf-8", "replace")}
    wall = time.perf_counter() - start
    out = p.stdout.decode("utf-8", "replace")
    err = p.stderr.decode("utf-8", "replace")
    res = {"ok": p.returncode == 0, "rc": p.returncode, "out": out, "err": err, "wall": wall}
    if p.returncode != 0:
        res["error"] = f"exit status {p.returncode}"
    return res


def best_of(cmd, timeout, repeat):
    """Run repeat times; the result with the smallest wall time (first failure
    is returned immediately)."""
    best = None
    for _ in range(max(1, repeat)):
        r = run(cmd, timeout)
        if not r["ok"]:
            return r
        if best is None or r["wall"] < best["wall"]:
            best = r
    return best


def parse_stats(stderr):
    """The last `stats: key=value ...` line on stderr, as a dict of numbers."""
    found = STATS_RE.findall(stderr)
    if not found:
        return None
    stats = {}
    for key, val in re.findall(r"([A-Za-z_]+)=([-+0-9.eE]+)", found[-1]):
        try:
            stats[key] = int(val)
        except ValueError:
            try:
                stats[key] = float(val)
            except ValueError:
                pass
    return stats


def fmt(v, spec):
    return "-" if v is None else format(v, spec)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--stepvisor", help="the stepvisor executable (omit to run QEMU alone)")
    ap.add_argument("--stepvisor-arg", action="append", default=[],
                    help="extra argument for `stepvisor run` (repeatable)")
    ap.add_argument("--qemu", help="qemu-system-riscv64 (default: found on PATH)")
    ap.add_argument("--no-qemu", action="store_true", help="do not run QEMU")
    ap.add_argument("--timeout", type=float, default=900, help="seconds per run (default 900)")
    ap.add_argument("--repeat", type=int, default=1, help="runs per image and emulator; the fastest counts")
    ap.add_argument("--json", help="also write the results to this file")
    ap.add_argument("elfs", nargs="+", metavar="ELF")
    args = ap.parse_args()

    qemu = None
    if not args.no_qemu:
        qemu = args.qemu or shutil.which("qemu-system-riscv64")
        if args.qemu and not (os.path.isfile(args.qemu) or shutil.which(args.qemu)):
            print(f"bench: QEMU '{args.qemu}' not found", file=sys.stderr)
            return 1
    stepvisor = args.stepvisor
    if not stepvisor and not qemu:
        print("bench: nothing to run: no --stepvisor and no qemu-system-riscv64", file=sys.stderr)
        return 2
    missing = [e for e in args.elfs if not os.path.isfile(e)]
    if missing:
        print("bench: no such image: " + ", ".join(missing), file=sys.stderr)
        return 1

    print(host_note())
    if qemu:
        v = run([qemu, "--version"], 30)
        ver = v.get("out", "").splitlines()[0] if v.get("ok") and v.get("out") else "version unknown"
        print(f"qemu: {qemu} ({ver})")
    else:
        print("qemu: not run" + (" (--no-qemu)" if args.no_qemu else " (qemu-system-riscv64 not found)"))
    print(f"stepvisor: {stepvisor}" if stepvisor else "stepvisor: not given, QEMU only")
    sys.stdout.flush()

    results = []
    problems = []
    for elf in args.elfs:
        name = os.path.basename(elf)
        row = {"image": name}
        outputs = {}

        if stepvisor:
            print(f"[{name}] stepvisor ...", flush=True)
            r = best_of([stepvisor, "run", "--stats"] + args.stepvisor_arg + [elf],
                        args.timeout, args.repeat)
            row["stepvisor_wall"] = r["wall"]
            if r["ok"]:
                outputs["stepvisor"] = r["out"]
                stats = parse_stats(r["err"])
                if stats is None:
                    print(f"[{name}] note: stepvisor printed no 'stats:' line on stderr")
                    stats = {}
                row["instructions"] = stats.get("instructions")
                row["cycles"] = stats.get("cycles")
                row["stepvisor_seconds"] = stats.get("host_seconds")
                mips = stats.get("mips")
                if mips is None and row["instructions"] and row["stepvisor_seconds"]:
                    mips = row["instructions"] / row["stepvisor_seconds"] / 1e6
                row["mips"] = mips
            else:
                row["stepvisor_error"] = r["error"]
                msg = f"stepvisor failed on {name}: {r['error']}"
                detail = console_and_log(r)
                problems.append(msg + ("\n" + detail if detail else ""))
                print(f"[{name}] {msg}", flush=True)

        if qemu:
            print(f"[{name}] qemu ...", flush=True)
            r = best_of([qemu, "-M", "virt", "-cpu", "rv64,h=true", "-bios", "none", "-nographic", "-kernel", elf],
                        args.timeout, args.repeat)
            row["qemu_seconds"] = r["wall"]
            if r["ok"]:
                outputs["qemu"] = r["out"]
            else:
                row["qemu_error"] = r["error"]
                msg = f"qemu failed on {name}: {r['error']}"
                detail = console_and_log(r)
                problems.append(msg + ("\n" + detail if detail else ""))
                print(f"[{name}] {msg}", flush=True)

        if "stepvisor" in outputs and "qemu" in outputs:
            a, b = normalize(outputs["stepvisor"]), normalize(outputs["qemu"])
            row["outputs_agree"] = a == b
            if a != b:
                diff = "\n".join(difflib.unified_diff(b, a, "qemu", "stepvisor", lineterm=""))
                problems.append(f"outputs differ on {name}:\n{diff}")
        for who, out in outputs.items():
            lines = normalize(out)
            if lines and lines[-1].startswith(END_MARK):
                if "FAIL" in lines[-1]:
                    row["self_check"] = "failed"
                    problems.append(f"{name} reported a self-check failure under {who}")
                else:
                    row.setdefault("self_check", "ok")
            row.setdefault("total", next((l.split(":", 1)[1].strip() for l in lines
                                          if l.startswith("total:")), None))
        if row.get("stepvisor_wall") and row.get("qemu_seconds") and "stepvisor" in outputs and "qemu" in outputs:
            row["ratio"] = row["stepvisor_wall"] / row["qemu_seconds"]
        results.append(row)

    # table
    head = ["image", "instructions", "sv host s", "sv wall s", "MIPS", "qemu s", "sv/qemu", "output"]
    rows = []
    for row in results:
        if "outputs_agree" in row:
            agree = "same" if row["outputs_agree"] else "DIFFER"
        elif row.get("stepvisor_error") or row.get("qemu_error"):
            agree = "FAILED"
        else:
            agree = "-"
        if row.get("self_check") == "failed":
            agree = "SELF-CHECK FAILED"
        elif agree == "-" and row.get("self_check") == "ok":
            agree = "self-check ok"
        rows.append([row["image"], fmt(row.get("instructions"), ","),
                     fmt(row.get("stepvisor_seconds"), ".3f"), fmt(row.get("stepvisor_wall"), ".3f"),
                     fmt(row.get("mips"), ".1f"), fmt(row.get("qemu_seconds"), ".3f"),
                     fmt(row.get("ratio"), ".2f"), agree])
    widths = [max(len(str(r[i])) for r in rows + [head]) for i in range(len(head))]
    print()
    print("  ".join(h.ljust(w) if i == 0 else h.rjust(w) for i, (h, w) in enumerate(zip(head, widths))))
    for r in rows:
        print("  ".join(c.ljust(w) if i == 0 else c.rjust(w) for i, (c, w) in enumerate(zip(r, widths))))
    print("(sv wall and qemu s are wall-clock seconds of the whole process, start-up included;"
          " sv/qemu is their ratio)")

    if args.json:
        with open(args.json, "w", encoding="utf-8") as f:
            json.dump({"host": host_note(), "results": results}, f, indent=2)

    if problems:
        print()
        for p in problems:
            print("FAILED: " + p)
        return 1
    print("\nall runs completed" + (", outputs agree" if stepvisor and qemu else ""))
    return 0


if __name__ == "__main__":
    sys.exit(main())
