#!/usr/bin/env python3
"""Runs generated guest programs (gen.py) on stepvisor and reports findings.

A finding is a crash (a signal), a sanitizer report, a hang (the run ended at
--timeout before --max-insns: a loop that neither retires instructions nor
advances time) or an exit code outside the documented ones (0 pass, 1 the
guest failed, 3 a limit, 4 idle). Each finding is shrunk to the fewest
stream units that still give it, and a reproducer command is printed.

Programs run in batches through `stepvisor test` (one per set of machine
options); a batch that dies is run again program by program to find which.

usage: fuzz.py --stepvisor EXE --def instructions.def --csrs csrs.def
               [--seeds A:B] [--regressions FILE] [--max-insns N] [--timeout S] [-j N]
Prints `fuzz: P programs, I instructions retired, F findings, R instructions/s`;
exits 1 when there is a finding.
"""
import argparse
import collections
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path[:0] = [HERE, os.path.join(HERE, "..", "integration")]
import gen  # noqa: E402
import sanitizer  # noqa: E402

DOCUMENTED = {0, 1, 3, 4}


class Fuzzer:
    def __init__(self, a):
        self.a = a
        self.table, self.csrs = gen.read_table(a.table), gen.read_csrs(a.csrs)
        self.work = tempfile.mkdtemp(prefix="stepvisor-fuzz-")
        self.env = dict(os.environ)
        self.findings = []
        self.programs = self.instructions = 0

    def limits(self):
        return ["--max-insns", str(self.a.max_insns), "--timeout", str(self.a.timeout)]

    def write(self, prog, directory):
        os.makedirs(directory, exist_ok=True)
        path = os.path.join(directory, f"fuzz-{prog.seed}.elf")
        with open(path, "wb") as f:
            f.write(prog.build())
        return path

    def classify(self, rc, out, err):
        """The finding's class, or None for a documented outcome."""
        if sanitizer.report(err):
            return "sanitizer"
        if rc is None:
            return "hang"
        if rc < 0:
            return f"crash (signal {-rc})"
        if rc not in DOCUMENTED:
            return f"exit {rc}"
        if rc == 3 and "(--timeout)" in err:
            return "hang"
        return None

    def run_one(self, prog, keep=None, timeout=None):
        """(class or None, stderr) of one program run alone with `run`."""
        timeout = timeout or self.a.timeout
        p = gen.Program(prog.seed, self.table, self.csrs, keep)
        path = self.write(p, os.path.join(self.work, "one"))
        cmd = [self.a.stepvisor, "run", *p.options(), "--max-insns", str(self.a.max_insns), "--timeout", str(timeout), path]
        try:
            r = subprocess.run(cmd, stdin=subprocess.DEVNULL, capture_output=True, text=True, env=self.env,
                               timeout=timeout * 2 + 5, errors="replace")
            rc, out, err = r.returncode, r.stdout, r.stderr
        except subprocess.TimeoutExpired as e:
            rc, out, err = None, "", (e.stderr or b"").decode(errors="replace") if isinstance(e.stderr, bytes) else (e.stderr or "")
        return self.classify(rc, out, err), err

    def run_batch(self, options, progs):
        """Runs programs sharing machine options through `stepvisor test`; returns [(prog, class, detail)]."""
        d = os.path.join(self.work, "batch")
        shutil.rmtree(d, ignore_errors=True)
        by_name = {}
        for p in progs:
            by_name[os.path.basename(self.write(p, d))] = p
        cmd = [self.a.stepvisor, "test", "--quiet", "-j", str(self.a.jobs), *options, *self.limits(), d]
        # A batch that takes far longer than its programs should is split: one of them hangs.
        bound = self.a.batch_seconds
        try:
            r = subprocess.run(cmd, stdin=subprocess.DEVNULL, capture_output=True, text=True, env=self.env,
                               timeout=bound, errors="replace")
            rc, out, err = r.returncode, r.stdout, r.stderr
        except subprocess.TimeoutExpired:
            rc, out, err = None, "", ""
        rows = {}
        for line in out.splitlines():
            m = re.match(r"(fuzz-\d+\.elf)\s+(PASS|FAIL)\s+(\d+)\s+[\d.]+\s*(.*)", line)
            if m:
                rows[m.group(1)] = (m.group(2), int(m.group(3)), m.group(4))
        batch_ok = rc in (0, 1) and not sanitizer.report(err) and len(rows) == len(progs)
        found = []
        if not batch_ok:
            # Which program it was: each on its own.
            for p in progs:
                cls, e = self.run_one(p)
                self.programs += 1
                if cls:
                    found.append((p, cls, e.strip().splitlines()[-1] if e.strip() else ""))
            return found
        for name, (verdict, insns, detail) in rows.items():
            self.programs += 1
            self.instructions += insns
            if "(--timeout)" in detail:
                found.append((by_name[name], "hang", detail))
            elif verdict == "FAIL" and detail.startswith(os.path.join(d, name) + ":"):
                found.append((by_name[name], "exit 2", detail))   # refused as bad input: the generator's fault
        return found

    def shrink(self, prog, cls):
        """The fewest stream units that keep the finding's class (delta debugging, bounded in time)."""
        keep = list(range(len(prog.units)))
        deadline = time.monotonic() + self.a.shrink_seconds
        chunk = max(1, len(keep) // 2)
        while chunk >= 1 and time.monotonic() < deadline:
            i, removed = 0, False
            while i < len(keep) and time.monotonic() < deadline:
                trial = keep[:i] + keep[i + chunk:]
                got, _ = self.run_one(prog, set(trial), self.a.timeout / 2)
                if got == cls:
                    keep, removed = trial, True
                else:
                    i += chunk
            if not removed:
                chunk //= 2
        return keep

    def reproducer(self, prog, keep):
        opts = " ".join(prog.options() + self.limits())
        k = ",".join(map(str, keep))
        return (f"python3 {os.path.relpath(os.path.join(HERE, 'gen.py'))} --def {self.a.table} --csrs {self.a.csrs} "
                f"--seed {prog.seed} --keep '{k}' --out repro && stepvisor run {opts} repro/fuzz-{prog.seed}.elf")

    def report(self, prog, cls, detail, keep=None):
        if keep is None and self.a.shrink_seconds > 0:
            keep = self.shrink(prog, cls)
        keep = keep if keep is not None else list(range(len(prog.units)))
        self.findings.append((prog.seed, cls))
        print(f"FINDING seed {prog.seed}: {cls}: {detail}")
        print(f"  {len(keep)} of {len(prog.units)} stream units; reproduce with:")
        print(f"  {self.reproducer(prog, keep)}")
        sys.stdout.flush()

    def regressions(self, path):
        """Each line `SEED [UNITS]`: a shrunk reproducer kept as a test."""
        for line in open(path):
            line = line.split("#")[0].strip()
            if not line:
                continue
            seed, *rest = line.split()
            keep = {int(x) for x in rest[0].split(",") if x} if rest else None
            p = gen.Program(int(seed), self.table, self.csrs)
            cls, err = self.run_one(p, keep)
            self.programs += 1
            print(f"regression seed {seed}: {cls or 'ok'}")
            if cls:
                self.report(p, cls, err.strip().splitlines()[-1] if err.strip() else "", sorted(keep or []))

    def corpus(self, first, last):
        groups = collections.defaultdict(list)
        for seed in range(first, last):
            p = gen.Program(seed, self.table, self.csrs)
            groups[tuple(p.options())].append(p)
        for options, progs in sorted(groups.items()):
            for at in range(0, len(progs), self.a.batch):
                found = self.run_batch(list(options), progs[at:at + self.a.batch])
                print(f"{len(progs[at:at + self.a.batch]):4d} programs  {' '.join(options)}: {len(found)} findings",
                      flush=True)
                for p, cls, detail in found:
                    self.report(p, cls, detail)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--stepvisor", required=True)
    ap.add_argument("--def", dest="table", required=True)
    ap.add_argument("--csrs", required=True)
    ap.add_argument("--seeds", default="0:100", help="A:B, the seeds from A up to B")
    ap.add_argument("--regressions", help="reproducers kept as tests, run first")
    ap.add_argument("--max-insns", type=int, default=300000)
    ap.add_argument("--timeout", type=float, default=5, help="per program, host seconds")
    ap.add_argument("--batch-seconds", type=float, default=120, help="a batch taking longer is split")
    ap.add_argument("-j", "--jobs", type=int, default=os.cpu_count() or 1)
    ap.add_argument("--batch", type=int, default=200)
    ap.add_argument("--shrink-seconds", type=float, default=120)
    ap.add_argument("--label", default="", help="the build's name in the summary line")
    a = ap.parse_args()
    f = Fuzzer(a)
    t0 = time.monotonic()
    try:
        if a.regressions:
            f.regressions(a.regressions)
        first, last = (int(x) for x in a.seeds.split(":"))
        f.corpus(first, last)
    finally:
        shutil.rmtree(f.work, ignore_errors=True)
    secs = time.monotonic() - t0
    classes = collections.Counter(c for _, c in f.findings)
    label = f" ({a.label})" if a.label else ""
    print(f"fuzz{label}: {f.programs} programs, {f.instructions} instructions retired, {len(f.findings)} findings"
          f"{' ' + dict(classes).__repr__() if classes else ''}, {f.instructions / secs:.0f} instructions/s, {secs:.1f} s")
    sys.exit(1 if f.findings else 0)


if __name__ == "__main__":
    main()
