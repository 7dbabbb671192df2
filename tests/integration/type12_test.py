#!/usr/bin/env python3
"""Lecture row 1, `stepvisor demo type1-vs-type2`, headless with --json: the
same guests under hv (type-1) and under the KVM host kernel of
tests/linux/build-kernel.sh --kvm with our VMM (type-2), its figures checked
against what the concept predicts and against the VMM's own count of the exits
it handled.

usage: type12_test.py STEPVISOR
  STEPVISOR_KVM_IMAGE, STEPVISOR_KVM_INITRD   the KVM host's Image and initramfs
Skipped (exit 77) when those are unset or OpenSBI is not installed.
"""
import json
import os
import subprocess
import sys
import tempfile

exe = sys.argv[1]
for var in ("STEPVISOR_KVM_IMAGE", "STEPVISOR_KVM_INITRD"):
    if not os.environ.get(var):
        print(f"skipped: set {var} (tests/linux/kernels.sh prints it)")
        sys.exit(77)
if not os.path.isfile("/usr/lib/riscv64-linux-gnu/opensbi/generic/fw_jump.bin") and not os.environ.get("STEPVISOR_OPENSBI"):
    print("skipped: OpenSBI's fw_jump.bin is not installed (Debian's opensbi)")
    sys.exit(77)

failures = []


def check(cond, what):
    print(("ok   " if cond else "FAIL ") + what)
    if not cond:
        failures.append(what)


with tempfile.TemporaryDirectory() as d:
    path = os.path.join(d, "t12.json")
    p = subprocess.run([exe, "demo", "type1-vs-type2", "--json", path, "--timeout", "500"],
                       capture_output=True, text=True, timeout=560)
    print(p.stdout[-6000:])
    check(p.returncode == 0, f"demo type1-vs-type2 exits 0 (got {p.returncode}: {p.stderr.strip()})")
    data = json.load(open(path))

f = data["figures"]
cps = data["checkpoints"]
check(all(c["reached"] for c in cps), "every checkpoint reached")
cycles = [c["cycle"] for c in cps if c["reached"]]
check(cycles == sorted(cycles) and cycles[-1] <= data["cycles"], f"checkpoints ascend over both machines ({cycles})")
check(cps[3]["detail"].startswith("machine halted") and cps[7]["detail"].startswith("machine halted"),
      "each part ends with its machine's poweroff")

# Type-1: hv alone in HS-mode, no U-mode at all; type-2: the host's U-mode (init, the VMM) runs.
check(f["t1.mode.U"] == 0 and f["t1.up"] == 0, "type-1: no U-mode time and no exit through U-mode")
check(f["t2.mode.U"] > 0 and f["t2.vm_mode.U"] > 0, "type-2: U-mode runs while the VMs do (the VMM)")
check(f["t1.mode.VS"] > 0 and f["t2.mode.VS"] > 0, "both: the guests ran in VS-mode")
# The same guests exit for the same reasons: SBI calls (10) and MMIO guest-page faults (21, 23).
for k in ("e10", "e21", "e23"):
    check(f.get(f"t1.exits.{k}.count", 0) > 0 and f.get(f"t2.exits.{k}.count", 0) > 0, f"both: exits with cause {k}")
# The uart guest makes the same device accesses under both, one exit each
# (KVM's other guest-page faults fill the G-stage on a first touch of RAM).
check(f["t1.mmio.exits"] > 0 and f["t1.mmio.exits"] == f["t2.mmio.exits"],
      f"the same number of device exits under both ({f['t1.mmio.exits']} and {f['t2.mmio.exits']})")
# The VMM counts what KVM handed it; stepvisor sees each as an exit after which U-mode ran.
# Per VM: the exits KVM counted itself, and those it handed to the VMM.
for g in ("hello", "uart", "smp"):
    check(f[f"t2.{g}.exits"] > 0 and f[f"t2.{g}.exits"] == f[f"t2.{g}.kvm_exits"],
          f"type-2 {g}: {f[f't2.{g}.exits']} exits in the event log, {f[f't2.{g}.kvm_exits']} by KVM's count")
    check(f[f"t2.{g}.up"] > 0 and f[f"t2.{g}.up"] == f[f"t2.{g}.vmm"],
          f"type-2 {g}: {f[f't2.{g}.up']} exits through U-mode, {f[f't2.{g}.vmm']} by the VMM's count")
check(f["t2.smp.vcpus"] == 2, "type-2: smp ran two vCPUs")
check(f["t2.vmm.mmio"] == f["t2.mmio.up"] == f["t2.mmio.exits"], "type-2: every device exit went up to the VMM, as it counted")
check(f["mmio_ratio"] > 1, f"an MMIO exit through the VMM costs more than in hv ({f['mmio_ratio']:.1f}x)")
check(f["uart_same"] is True, "the uart guest printed the same lines under both")

print(f"{len(failures)} failure(s)")
sys.exit(1 if failures else 0)
