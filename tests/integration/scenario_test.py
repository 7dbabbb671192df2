#!/usr/bin/env python3
"""The lecture scenarios of `stepvisor demo`, run headless with --json, their
figures checked against what each concept predicts.

usage: scenario_test.py STEPVISOR
"""
import json
import re
import os
import subprocess
import sys
import tempfile

exe = sys.argv[1]
failures = []


def check(cond, what):
    print(("ok   " if cond else "FAIL ") + what)
    if not cond:
        failures.append(what)


def demo(name):
    with tempfile.TemporaryDirectory() as d:
        path = os.path.join(d, name + ".json")
        p = subprocess.run([exe, "demo", name, "--json", path], capture_output=True, text=True, timeout=300)
        check(p.returncode == 0, f"demo {name} exits 0 (got {p.returncode}: {p.stderr.strip()})")
        data = json.load(open(path))
    return p.stdout, data


# --list names every scenario with a summary.
p = subprocess.run([exe, "demo", "--list"], capture_output=True, text=True)
check(p.returncode == 0, "demo --list exits 0")
for name in ("tour", "isolation", "trap-emulate", "cpu-shares", "overprovisioning", "interrupts", "memory", "ballooning", "devices",
             "oob-management", "type1-vs-type2"):
    check(any(l.split()[:1] == [name] and len(l.split()) > 3 for l in p.stdout.splitlines()),
          f"demo --list names {name} with a summary")
p = subprocess.run([exe, "demo", "no-such"], capture_output=True, text=True)
check(p.returncode == 2 and p.stderr.count("\n") == 1, "an unknown scenario is a one-line usage error")


def checkpoints_in_order(name, data):
    cps = data["checkpoints"]
    check(all(c["reached"] for c in cps), f"{name}: every checkpoint reached")
    cycles = [c["cycle"] for c in cps if c["reached"]]
    check(cycles == sorted(cycles) and cycles[0] > 0 and cycles[-1] <= data["cycles"],
          f"{name}: checkpoint cycles ascend within the run ({cycles})")
    check(data["ok"] and all(c["ok"] for c in data["checks"]), f"{name}: every check holds")


# Row 2, isolation: the rogue's store faults in the G-stage (VS -> HS, cause
# 23, at the GPA it stored to); hv stops it; every other VM finishes; no host
# page is mapped by two VMs and the images are intact.
out, d = demo("isolation")
f = d["figures"]
checkpoints_in_order("isolation", d)
check(f["rogue.faulted"] and f["rogue.fault_cause"] == 23, "isolation: the rogue took a store guest-page fault")
check(f["rogue.fault_from"] == "VS" and f["rogue.fault_to"] == "HS", "isolation: from VS-mode into HS-mode")
check(f["rogue.fault_gpa"] == 0x40000000, "isolation: at the GPA the rogue stored to (0x40000000)")
check(f["gpf.rogue"] == 1, "isolation: exactly one guest-page fault in the rogue")
check(f["traps.VS_to_HS.e23"] >= 1, "isolation: the event log's VS->HS tally holds it")
check(f["rogue.entries_after_fault"] == 0 and f["rogue.stopped_by_hv"], "isolation: the rogue never ran again")
check(f["others.total"] >= 2 and f["others.finished"] == f["others.total"], "isolation: every other VM finished")
for vm in ("ticker", "hello"):
    check(f.get(f"vm.{vm}.finished") is True, f"isolation: {vm} shut down on its own")
check("[vm1] hello: goodbye" in out and re.search(r"\[vm0\] ticker: done after \d+ ticks", out),
      "isolation: the other guests' consoles are complete")
check(f["mem.shared_host_pages"] == 0 and f["mem.pages_outside_own_ram"] == 0,
      "isolation: no host page is mapped by two VMs")
check(f["vm.rogue.pages_mapped"] == 256, "isolation: the rogue's G-stage maps just its 1 MiB")
check(f["mem.rogue_target_mapped"] is False, "isolation: the rogue's target is in no VM's G-stage")
check(f["mem.images_checked"] >= 3 and f["mem.images_intact"] == f["mem.images_checked"],
      "isolation: every guest image is intact in host RAM")
# The hostile guest: its illegal instruction (an M-mode CSR) is delegated to
# itself, no exit; its hogging is cut into hv's slices (350 ms of hogging in
# 10 ms slices, shared with others); its hgatp write is one virtual-instruction
# exit and hv stops it; whoever ran beside it finished meanwhile.
check(f["hostile.illegal_in_guest"] == 1 and f["hostile.illegal_exits"] == 0,
      "isolation: hostile's illegal instruction went to its own handler, not to hv")
check(f["traps.VS_to_VS.e2"] == 1, "isolation: the event log shows that trap from VS to VS")
check(f["hostile.timer_exits"] >= 5, f"isolation: hv's timer preempted the hog ({f['hostile.timer_exits']} times)")
check(f["hostile.virtual_instruction_exits"] == 1 and f["hostile.stopped_by_hv"],
      "isolation: writing hgatp was one virtual-instruction exit and hv stopped hostile")
check("hostile: still running after writing hgatp" not in out, "isolation: hostile ran no further")
check(f["others.running_at_hog"] >= 1 and f["others.finished_during_hog"] == f["others.running_at_hog"],
      "isolation: the VMs beside the hog finished while it hogged")

# Row 3, trap-and-emulate: every exit has its entry, each costs cycles; the
# cycles per exit are what the exit/entry pairs imply; hv's own table counts
# the same exits, and its cycles differ only by its register save/restore.
out, d = demo("trap-emulate")
f = d["figures"]
checkpoints_in_order("trap-emulate", d)
check(f["exits.total"] > 0 and f["entries.total"] >= f["exits.total"] - 1,
      "trap-emulate: exits and entries pair up")
check(f["exits.unmatched_before_end"] == 0 and f["exits.zero_cycles"] == 0,
      "trap-emulate: every exit but the last has a later entry, at a later cycle")
causes = sorted({k.split(".")[1] for k in f if k.startswith("exits.") and k.endswith(".count")})
check("e10" in causes and "e22" in causes, f"trap-emulate: SBI ecalls and WFIs exit ({causes})")
check(sum(f[f"exits.{c}.count"] for c in causes) == f["exits.total"], "trap-emulate: exits by cause add up")
for c in causes:
    n, cyc = f[f"exits.{c}.count"], f[f"exits.{c}.cycles"]
    # the exit that ended the run has no entry, so it has no cycles either
    check(cyc > 0 and any(m > 0 and abs(f[f"exits.{c}.cycles_per_exit"] - cyc / m) < 1e-6 * cyc
                          for m in (n, n - 1)), f"trap-emulate: {c}: cycles per exit = cycles / exits")
    check(f[f"exits.{c}.busy_cycles_per_exit"] > 0, f"trap-emulate: {c}: handling costs cycles")
check(f["hv.exits"] == f["exits.total"], "trap-emulate: hv's table counts as many exits as the event log")
check(f["hv.rows"] > 0 and f["hv.rows_equal"] == f["hv.rows"] and f["hv.rows_missing"] == 0,
      "trap-emulate: hv's table agrees row by row")
rows = [k[:-len(".hv_count")] for k in f if k.endswith(".hv_count")]
for r in rows:
    check(f[r + ".count"] == f[r + ".hv_count"], f"trap-emulate: {r}: counts agree")
    if r + ".entry_exit_path" in f:
        check(0 <= f[r + ".entry_exit_path"] <= 400 and f[r + ".cycles"] >= f[r + ".hv_cycles"],
              f"trap-emulate: {r}: event-log cycles = hv's + its save/restore path")
check("hv: VM exits by cause" in out, "trap-emulate: hv printed its own table")


# Row 4, CPU shares: the scenario asks for 2 vCPUs at 50% of a hart and two
# VMs of 1 vCPU at 25% on two harts (1.5 harts asked): each vCPU gets its
# share within 6 points, none gets more than its cap, the event log's V=1
# time per VM matches hv's count, and a 50% vCPU does twice a 25% one's work.
out, d = demo("cpu-shares")
f = d["figures"]
checkpoints_in_order("cpu-shares", d)
asked = {"two-at-1ghz.0": 50, "two-at-1ghz.1": 50, "one-at-500mhz.0": 25, "also-500mhz.0": 25}
for k, want in asked.items():
    got = f.get(f"vcpu.{k}.got")
    check(f.get(f"vcpu.{k}.asked") == want and got is not None and abs(got - want) <= 6 and got <= want + 3,
          f"cpu-shares: {k} asked {want}%, got {got}%")
for vm in ("two-at-1ghz", "one-at-500mhz", "also-500mhz"):
    log, hv = f[f"vm.{vm}.v1_us"], f[f"vm.{vm}.hv_us"]
    check(hv > 0 and abs(log - hv) <= 0.03 * hv, f"cpu-shares: {vm}: event log {log:.0f} us in V=1, hv {hv} us")
ratio = f["units.two-at-1ghz.0"] / f["units.one-at-500mhz.0"]
check(1.6 <= ratio <= 2.4, f"cpu-shares: a 50% vCPU did {ratio:.2f}x the work of a 25% one (2x predicted)")


# Row 8, ballooning: hungry asks for 128 pages (firmware/guests/hungry.c
# EXTRA); the donor's balloon gives exactly those; while hungry holds them
# the donor's pool GPAs are unmapped in its G-stage and the same host pages
# are mapped in hungry's; afterwards everything is back; the donor's free
# memory fell by 128 pages (512 KiB) and came back.
out, d = demo("ballooning")
f = d["figures"]
checkpoints_in_order("ballooning", d)
check(f["donor.given"] == 128 and f["hungry.taken"] == 128 and f["hungry.given"] == 128 and f["donor.taken"] == 128,
      "ballooning: 128 pages moved each way")
check(f["start.donor_mapped"] == 128 and f["moved.donor_mapped"] == 0 and f["moved.hungry_mapped"] == 128,
      "ballooning: the pages were unmapped from the donor and mapped in hungry")
check(f["moved.same_host_pages"] == 128, "ballooning: hungry got the very host pages the donor gave")
check(f["end.donor_mapped"] == 128 and f["end.hungry_mapped"] == 0, "ballooning: all back in place at the end")
frees = [f[f"free.{i}.kib"] for i in range(f["free.samples"])]
check(len(frees) >= 3 and min(frees) == frees[0] - 512 and frees[-1] == frees[0],
      f"ballooning: the donor's free memory over time {frees} KiB")
check("128 came zeroed, 128 hold what was written" in out, "ballooning: hungry's pages came zeroed and work")
check("donor: SBI console write from a page in the balloon: -3" in out,
      "ballooning: hv refuses to read a page the donor gave away (SBI_ERR_INVALID_PARAM)")


# Row 10, out-of-band management: web and db beat every 5 ms (firmware/guests/
# beat.c: BEAT_TIME 50000 at 10 MHz), stuck hangs with interrupts off after
# its sixth beat (hang.c), chatty floods. The client's rules: hung after
# 10 ms of stalled SBI calls and console (so detection takes 10 ms and at
# most a few polls of 1 ms more); a flood above 1 KB/ms gets share 10%
# (from 50%: the rate falls to about a fifth). Predicted: stuck's first beat
# after the reset one beat period (5 ms) plus its boot after the reset; web
# and db keep every beat, the client sees every line hv printed.
out, d = demo("oob-management")
f = d["figures"]
checkpoints_in_order("oob-management", d)
check(10 <= f["detect_ms"] <= 13, f"oob-management: the hang detected {f['detect_ms']:.2f} ms after it began (10 ms rule, 1 ms polls)")
check(5 <= f["recover_ms"] <= 10, f"oob-management: stuck beat again {f['recover_ms']:.2f} ms after its reset (a 5 ms beat and a boot)")
check(f["kept.beats_lost"] == 0 and all(f[f"kept.{v}.seen"] == f[f"kept.{v}.printed"] > 0 for v in ("web", "db", "stuck", "chatty")),
      "oob-management: no beat of web or db lost; the client saw every line hv printed for each VM")
check(f["kept.web.printed"] >= 10 and f["kept.db.printed"] >= 10, "oob-management: web and db beat on through the hang and the reset")
check(f["flood.share_after"] == 10 and 0 < f["flood.after"] < f["flood.before"] / 3,
      f"oob-management: chatty's flood fell from {f['flood.before']:.0f} to {f['flood.after']:.0f} B/ms at 10% of a hart")
check(f["hv.boots"] == 2 and f["power_cycle_ms"] > 0 and f["qmp.event_names"] == "RESET POWERDOWN SHUTDOWN",
      f"oob-management: power-cycled ({f['power_cycle_ms']:.1f} ms to every VM beating), events {f['qmp.event_names']}")
check("[vm2] hang: interrupts off, spinning" in out and "hv: vm2 reset by the management controller" in out,
      "oob-management: the narration shows the hang and hv's reset")


# Row 5, overprovisioning: 6 vCPUs on 2 harts, each asking 1 ms in every
# 10 ms (0.6 harts in all), then 5 ms (3 harts: more than there are), then
# 1 ms; against 2 vCPUs on the same 2 harts. Predicted: utilization at low
# demand 30% vs 10%; at the peak the harts saturate and deadlines are
# missed, only with overprovisioning; none missed at low demand.
out, d = demo("overprovisioning")
f = d["figures"]
checkpoints_in_order("overprovisioning", d)
check(f["with.vcpus"] == 6 and f["without.vcpus"] == 2, "overprovisioning: 6 and 2 vCPUs reported")
check(abs(f["with.util.low"] - 30) <= 3 and abs(f["without.util.low"] - 10) <= 1,
      f"overprovisioning: low demand keeps the harts {f['with.util.low']:.1f}% vs {f['without.util.low']:.1f}% busy (30 vs 10 predicted)")
check(f["with.util.peak"] >= 90 and abs(f["without.util.peak"] - 50) <= 3,
      f"overprovisioning: at the peak {f['with.util.peak']:.1f}% vs {f['without.util.peak']:.1f}% (saturated vs 50 predicted)")
check(f["with.misses.peak"] > 0 and f["without.misses.peak"] == 0 and f["with.misses.low"] == 0,
      f"overprovisioning: {f['with.misses.peak']} deadlines missed at the peak with it, none without")


# Row 6, interrupts: the irq kernel (firmware/guests/irq.c: U_ECALLS 8 and
# one more to hand back, one page fault, TICKS 3, a 52-byte line sent one
# byte per THR-empty interrupt, 53 interrupts with the one for the THR the
# last byte emptied) in two VMs, rogue in a third; alpha sends a second
# line through the passed-through UART. Then alpha and beta on the AIA
# machine with one guest file: alpha's. Predicted: no system call or
# first-stage fault exits; every interrupt reaches its VM; the second-stage
# fault exits. Per path, VM exits per interrupt: the PLIC's protocol (a
# claim load and a complete store, trapped at the vPLIC) and the 16550
# driver's IIR read and THR write (trapped at the emulated UART): 4 for
# vPLIC emulation (3 kernels' emulated UART: 159 interrupts); 2 + hv's trap
# for the real interrupt = 3 for hvip injection (53); the driver's 2 only
# for the emulated UART's MSIs into the guest file (53); 0 for the real
# UART's MSIs into the guest file (53), which also arrive soonest.
out, d = demo("interrupts")
f = d["figures"]
checkpoints_in_order("interrupts", d)
for path, irqs, exits in (("vplic", 3 * 53, 4), ("hvip", 53, 3), ("imsic_hv", 53, 2), ("imsic", 53, 0)):
    check(f[f"path.{path}.interrupts"] == irqs == f[f"path.{path}.counted"],
          f"interrupts: {path}: {irqs} interrupts, as the kernels counted (got {f[f'path.{path}.interrupts']})")
    check(f[f"path.{path}.exits_per_irq"] == exits,
          f"interrupts: {path}: {exits} VM exits per interrupt (got {f[f'path.{path}.exits_per_irq']})")
# beta's VF on the AIA machine (irq.c: two lines, 42 and 44 bytes, 43 and
# 45 interrupts): the first before its timers, while alpha holds the one
# guest file, through hv's own IMSIC file (hv's trap for the MSI, then the
# vPLIC's claim and complete: 3 exits); the second after alpha stopped, from
# the guest file hv gives beta then (claim and complete trap: 2). hv's own
# figures count both as delivered.
for path, irqs, exits in (("hv_file", 43, 3), ("later_file", 45, 2)):
    check(f[f"path.{path}.interrupts"] == irqs == f[f"path.{path}.counted"] == f[f"path.{path}.counted_by_hv"],
          f"interrupts: beta's VF, {path}: {irqs} interrupts, as its kernel and hv counted "
          f"(got {f[f'path.{path}.interrupts']}, {f[f'path.{path}.counted']}, {f[f'path.{path}.counted_by_hv']})")
    check(f[f"path.{path}.exits_per_irq"] == exits,
          f"interrupts: beta's VF, {path}: {exits} VM exits per interrupt (got {f[f'path.{path}.exits_per_irq']})")
check(f["aia.vm.beta.later_file"] == 1, "interrupts: beta got a guest file later")
check(0 < f["path.later_file.latency_avg"] < f["path.hv_file.latency_avg"],
      "interrupts: beta's VF's MSIs reach its handler sooner from the guest file than through hv's file")
lat = {p: f[f"path.{p}.latency_avg"] for p in ("vplic", "hvip", "imsic_hv", "imsic")}
check(0 < lat["imsic"] < min(lat["vplic"], lat["hvip"], lat["imsic_hv"]),
      f"interrupts: the IMSIC guest file is the fastest path ({lat})")
check(f["aia.vm.alpha.guest_file"] == 1 and f["aia.vm.beta.guest_file"] == 0,
      "interrupts: on the AIA machine alpha got the guest file, beta (overprovisioned) the vPLIC")
check(f["vm.alpha.ext_irqs"] == 106 == f["vm.alpha.ext_irqs_counted"] and f["aia.vm.alpha.ext_irqs"] == 106,
      "interrupts: alpha: 53 interrupts from each of its UARTs on both machines")
for vm in ("alpha", "beta"):
    check(f[f"vm.{vm}.syscalls"] == 9 and f[f"vm.{vm}.syscall_exits"] == 0,
          f"interrupts: {vm}: 9 system calls in the guest, none to hv")
    check(f[f"vm.{vm}.page_faults"] == 1 and f[f"vm.{vm}.page_fault_exits"] == 0,
          f"interrupts: {vm}: its page fault stayed in the guest")
    check(f[f"vm.{vm}.timer_irqs"] == 3, f"interrupts: {vm}: 3 timer interrupts")
    check(f[f"vm.{vm}.ext_irqs"] == f[f"vm.{vm}.ext_irqs_counted"] and f[f"aia.vm.{vm}.ext_irqs"] == f[f"aia.vm.{vm}.ext_irqs_counted"],
          f"interrupts: {vm}: every UART interrupt its kernel counted, on both machines")
check(f["vm.rogue.g_stage_exits"] == 1, "interrupts: rogue's second-stage fault went to hv")


# Row 7, memory: the paging guest's 4 KiB Sv39 tables over hv's 4 KiB
# Sv39x4 G-stage. The privileged spec's two-stage walk predicts at most
# 3 x (3 + 1) + 3 = 15 reads; its tasks touch 16 and 8 pages (24 faults, all
# the guest's own); with the TLB most translations need no walk.
out, d = demo("memory")
f = d["figures"]
checkpoints_in_order("memory", d)
check(f["max_reads"] == 15 and f["full_walks"] > 0, f"memory: {f['full_walks']} walks of 15 reads, none longer")
check(f["reads"] / f["walks"] <= 15, "memory: no more than 15 reads per walk on average")
check(f["notlb.walks"] > 10 * f["walks"] and f["tlb_hit_rate"] > 90,
      f"memory: {f['notlb.walks']} walks without the TLB, {f['walks']} with it ({f['tlb_hit_rate']:.1f}% hits)")
check(f["guest_page_faults"] == 24 and f["gstage_faults"] == 0, "memory: 24 page faults, all in the guest")


# Row 9, devices: 64 bytes four ways (firmware/guests/devio.c). Predicted:
# the emulated 16550 costs two exits a byte (an LSR read and a THR write,
# both trapped); the paravirtual console one exit for all 64; pass-through
# and SR-IOV none; each VM has its own VF; the bytes arrive whole.
out, d = demo("devices")
f = d["figures"]
checkpoints_in_order("devices", d)
for vm in ("devio-a", "devio-b"):
    check(f[f"vm.{vm}.emulation.exits_per_byte"] == 2, f"devices: {vm}: emulation, 2 exits per byte")
    check(f[f"vm.{vm}.paravirtual.exits_per_byte"] == 1 / 64, f"devices: {vm}: paravirtual, 1 exit for 64 bytes")
    check(f[f"vm.{vm}.sr-iov.exits_per_byte"] == 0, f"devices: {vm}: SR-IOV VF, no exit")
    check(f[f"vm.{vm}.emulation.cycles_per_byte"] > 10 * f[f"vm.{vm}.sr-iov.cycles_per_byte"],
          f"devices: {vm}: emulation costs over 10x the cycles of a VF per byte")
check(f["vm.devio-a.pass-through.exits_per_byte"] == 0, "devices: pass-through, no exit")
check(f["console.messages"] == 4 and f["uart1.complete"] and f["vf0.complete"] and f["vf1.complete"] and f["sriov.vfs"] == 2,
      "devices: the bytes arrived whole on every path")
check(f["uart1_irq.hv_exits"] >= 1 and f["uart1_irq.guest_took"],
      "devices: the passed-through UART's interrupt reached devio-a through the machine's PLIC and hv")
check(f["vm.devio-a.vf"] == 0x10011000 and f["vm.devio-b.vf"] == 0x10012000 and f["vm.devio-b.uart1"] == -1,
      "devices: VF 0 in devio-a, VF 1 in devio-b, the UART in devio-a only")

print(f"{len(failures)} failed")
sys.exit(1 if failures else 0)
