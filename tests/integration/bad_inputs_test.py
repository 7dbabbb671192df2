#!/usr/bin/env python3
"""Bad input, one row each: what a hostile or careless user gives stepvisor
(devices and FIFOs for files, files larger than RAM, unbounded debugger
commands, unwritable report paths, out-of-range values) and the answer it
must give: the exit code, a fragment of its one-line message, and no runaway.
Each runs with its address space capped, so a file read without bound fails
fast, and with a generous time bound that only a hang would exceed.

On a sanitizer build (--sanitized) ASan's hard_rss_limit_mb takes the
place of the address-space cap (ASan reserves terabytes of shadow), and a
sanitizer report in any row fails it.

usage: bad_inputs_test.py STEPVISOR PASS SPIN VFSPAM [--sanitized]
"""
import os
import resource
import shutil
import stat
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import sanitizer  # noqa: E402

stepvisor, pass_elf, spin, vfspam = sys.argv[1:5]
sanitized = "--sanitized" in sys.argv[5:]
tmp = tempfile.mkdtemp(prefix="stepvisor-bad-inputs-")
AS_LIMIT = 3 << 30         # address space: RAM (256M) and the program, with room to spare
RSS_LIMIT_KB = 600 << 10   # resident memory: a tenth of what an unbounded read reaches in the time bound


def path(name):
    return os.path.join(tmp, name)


def write(name, data):
    with open(path(name), "wb") as f:
        f.write(data)
    return path(name)


os.mkfifo(path("fifo"))
with open(path("sparse-2g"), "wb") as f:
    f.truncate(2 << 30)
with open(path("sparse-300m"), "wb") as f:
    f.truncate(300 << 20)
with open(pass_elf, "rb") as f:
    elf = bytearray(f.read())
entry = int.from_bytes(elf[24:32], "little")
odd = elf[:]
odd[24:32] = (entry | 1).to_bytes(8, "little")
write("odd-entry.elf", bytes(odd))
write("raw.bin", b"\x6f\x00\x00\x00")
write("step-forever.cmd", b"step 0xffffffffffffffff\nquit\n")
write("continue.cmd", b"continue\ncontinue\nquit\n")
write("until.cmd", b"until trap\nquit\n")
os.mkdir(path("vm-dir"))
for cmd in ["zoom -1", "wait -1", "run-for -5", "click -3 10", "select-event x"]:
    write(cmd.split()[0] + ".gui", (cmd + "\nquit\n").encode())

# (name, argv, stdin, exit code, message fragment, seconds)
ROWS = [
    ("run of /dev/zero", ["run", "/dev/zero"], None, 2, "/dev/zero: is a character device", 10),
    ("run of /dev/urandom", ["run", "/dev/urandom"], None, 2, "/dev/urandom: is a character device", 10),
    ("run of a FIFO nobody writes to", ["run", path("fifo")], None, 2, "is a FIFO (named pipe)", 10),
    ("run of a directory", ["run", tmp], None, 2, "is a directory", 10),
    ("run of a 2G sparse raw image", ["run", "--load-addr", "0x80000000", path("sparse-2g")], None, 2,
     "raw image of 2147483648 bytes, larger than RAM (268435456 bytes)", 10),
    ("--bios /dev/zero", ["run", "--bios", "/dev/zero"], None, 2, "/dev/zero: is a character device", 10),
    ("--bios of a FIFO", ["run", "--bios", path("fifo")], None, 2, "is a FIFO", 10),
    ("--kernel /dev/urandom", ["run", "--bios", pass_elf, "--kernel", "/dev/urandom"], None, 2,
     "/dev/urandom: is a character device", 10),
    ("--initrd /dev/zero", ["run", "--bios", pass_elf, "--initrd", "/dev/zero"], None, 2,
     "/dev/zero: is a character device, not an initrd", 10),
    ("--initrd larger than RAM", ["run", "--mem", "64M", "--bios", pass_elf, "--initrd", path("sparse-300m")], None, 2,
     "initrd of 314572800 bytes, larger than RAM (67108864 bytes)", 10),
    ("--aia of no such mode", ["run", "--aia", "plic", pass_elf], None, 2, "'plic' is not none, aplic or aplic-imsic", 10),
    ("--aia-guests beyond 7", ["run", "--aia-guests", "8", pass_elf], None, 2, "must be between 0 and 7", 10),
    ("test /dev/zero", ["test", "--quiet", "/dev/zero"], None, 1, "is a character device", 10),
    ("test /proc/self", ["test", "--quiet", "-j", "2", "/proc/self"], None, 2, "no RV64 ELF programs found", 30),
    ("debug --commands /dev/zero", ["debug", "--commands", "/dev/zero", pass_elf], None, 2,
     "/dev/zero: is a character device", 10),
    ("debug --commands of a FIFO", ["debug", "--commands", path("fifo"), pass_elf], None, 2, "is a FIFO", 10),
    ("debug with /dev/zero as standard input", ["debug", pass_elf], "/dev/zero", 2,
     "a command line longer than 65536 bytes", 10),
    ("gui --script /dev/zero", ["gui", "--script", "/dev/zero", pass_elf], None, 2, "/dev/zero: is a character device", 10),
    ("gui --script of a FIFO", ["gui", "--script", path("fifo"), pass_elf], None, 2, "is a FIFO", 10),
    ("debug: step 2^64-1 under --max-insns", ["debug", "--max-insns", "100000", "--commands", path("step-forever.cmd"), spin],
     None, 3, "stopped: --max-insns 100000 reached", 20),
    # 0.1 s: well before the 100M-instruction cap of one command, which a fast host reaches in 0.5 s.
    ("debug: continue under --timeout", ["debug", "--timeout", "0.1", "--commands", path("continue.cmd"), spin], None, 3,
     "stopped: --timeout reached", 20),
    ("debug: until under --max-insns", ["debug", "--max-insns", "5000", "--commands", path("until.cmd"), spin], None, 3,
     "stopped: --max-insns 5000 reached", 20),
    ("debug: step 2^64-1 without limits stops at 100M", ["debug", "--commands", path("step-forever.cmd"), spin], None, 0,
     "stopped after 100000000 instructions (a command runs at most 100000000)", 60),
    ("--junit into a missing directory", ["test", "--junit", path("no/such/dir/r.xml"), spin], None, 2,
     "--junit: cannot write", 10),
    ("--signature into a missing directory", ["run", "--signature", path("no/such/dir/sig"), spin], None, 2,
     "--signature: cannot write", 10),
    ("--signature of an image without its symbols", ["run", "--signature", path("sig.out"), spin], None, 2,
     "no begin_signature/end_signature", 10),
    ("--dump-dtb into a directory", ["run", "--dump-dtb", tmp, spin], None, 2, "is a directory", 10),
    ("hv --vm DIR", ["hv", "--vm", path("vm-dir")], None, 2, "vm-dir: is a directory, not an image file", 10),
    ("hv --vm of a FIFO", ["hv", "--vm", path("fifo")], None, 2, "is a FIFO", 10),
    ("hv --vm larger than the VM's RAM", ["hv", "--vm", path("sparse-300m") + ",mem=16M"], None, 2,
     "raw image of 314572800 bytes, larger than the VM's RAM (16777216 bytes)", 10),
    ("--restore /dev/zero", ["run", "--restore", "/dev/zero", spin], None, 2,
     "snapshot /dev/zero: is a character device, not a snapshot", 10),
    ("--restore of a FIFO", ["run", "--restore", path("fifo"), spin], None, 2, "is a FIFO", 10),
    # --vm specs
    ("--vm without an image", ["hv", "--vm", ",mem=1M"], None, 2, "--vm: no image given", 10),
    ("--vm mem= empty", ["hv", "--vm", path("raw.bin") + ",mem="], None, 2, "'mem=' is not KEY=VALUE", 10),
    ("--vm an option without a value", ["hv", "--vm", path("raw.bin") + ",bogus"], None, 2, "'bogus' is not KEY=VALUE", 10),
    ("--vm vcpus=0", ["hv", "--vm", path("raw.bin") + ",vcpus=0"], None, 2, "vcpus must be 1..4", 10),
    ("--vm share=abc", ["hv", "--vm", path("raw.bin") + ",share=abc"], None, 2, "'abc' is not a number", 10),
    ("--vm a name too long", ["hv", "--vm", path("raw.bin") + ",name=0123456789abcdefg"], None, 2,
     "name longer than 15 characters", 10),
    ("--vm an odd addr=", ["hv", "--vm", path("raw.bin") + ",addr=0x80000001"], None, 2, "load address 0x80000001 is odd", 10),
    ("--vm mem= beyond 64 bits", ["hv", "--vm", path("raw.bin") + ",mem=99999999999999999999G"], None, 2,
     "is not a number", 10),
    ("--max-insns 0", ["run", "--max-insns", "0", spin], None, 2, "--max-insns: must be at least 1", 10),
    ("an odd ELF entry address", ["run", path("odd-entry.elf")], None, 2,
     "entry address 0x%x is odd" % (entry | 1), 10),
    ("an odd raw load address", ["run", "--load-addr", "0x80000001", path("raw.bin")], None, 2,
     "load address 0x80000001 is odd", 10),
    # GUI scripts (under Xvfb): a value out of range is refused with a line naming the command.
    ("gui script: zoom -1", ["gui", "--exit-after-script", "--script", path("zoom.gui"), spin], None, 1,
     "error: zoom: '-1' is not a cycle count from 1 to", 60),
    ("gui script: wait -1", ["gui", "--exit-after-script", "--script", path("wait.gui"), spin], None, 1,
     "error: wait: '-1' is not a frame count from 0 to 100000", 60),
    ("gui script: run-for -5", ["gui", "--exit-after-script", "--script", path("run-for.gui"), spin], None, 1,
     "error: run-for: '-5' is not a time in milliseconds", 60),
    ("gui script: click -3 10", ["gui", "--exit-after-script", "--script", path("click.gui"), spin], None, 1,
     "error: click: '-3' is not a pixel position", 60),
    ("gui script: select-event x", ["gui", "--exit-after-script", "--script", path("select-event.gui"), spin], None, 1,
     "error: select-event:", 60),
    ("a guest writing to the SR-IOV VF console without end", ["run", "--demo-devices", "--timeout", "3", vfspam], None, 3,
     "--timeout", 20),
]


def limit_address_space():
    if not sanitized:
        resource.setrlimit(resource.RLIMIT_AS, (AS_LIMIT, AS_LIMIT))


child_env = dict(os.environ)
if sanitized:
    child_env["ASAN_OPTIONS"] = child_env.get("ASAN_OPTIONS", "") + f":hard_rss_limit_mb={AS_LIMIT >> 20}"


def run_row(argv, stdin, seconds):
    """(exit code or None on a hang, stdout, stderr, the child's own peak RSS in KiB, seconds)."""
    fin = open(stdin, "rb") if stdin else subprocess.DEVNULL
    with tempfile.TemporaryFile() as fout, tempfile.TemporaryFile() as ferr:
        t0 = time.monotonic()
        wrap = ["xvfb-run", "-a"] if argv[0] == "gui" and "--exit-after-script" in argv else []
        p = subprocess.Popen([*wrap, stepvisor, *argv], stdin=fin, stdout=fout, stderr=ferr, env=child_env,
                             preexec_fn=limit_address_space)
        rc, rss = None, 0
        while time.monotonic() - t0 < seconds:
            pid, status, ru = os.wait4(p.pid, os.WNOHANG)
            if pid:
                rc, rss = os.waitstatus_to_exitcode(status), ru.ru_maxrss
                break
            time.sleep(0.02)
        if rc is None:
            p.kill()
            os.wait4(p.pid, 0)
        p.returncode = rc if rc is not None else -9  # reaped here, not by Popen
        took = time.monotonic() - t0
        fout.seek(0)
        ferr.seek(0)
        return rc, fout.read().decode(errors="replace"), ferr.read().decode(errors="replace"), rss, took


gui_built = "built without the GUI" not in subprocess.run([stepvisor, "gui", "--help"], capture_output=True,
                                                          text=True).stderr
# The debugger's command language: each bad command one "error:" line (or the
# unknown-command line), every answer bounded, the session going on after it.
DEBUG_ROWS = [
    ("hart 99", "error: no hart 99"),
    ("break foo", "error: break: 'foo' is not a number"),
    ("csr nosuch", "error: csr: unknown CSR 'nosuch'"),
    ("step -1", "error: step: '-1' is not a number"),
    ("step 1e9", "error: step: '1e9' is not a number"),
    ("until nonsense", "error: until: unknown condition 'nonsense'"),
    ("until pc", "error: usage: until pc ADDR"),
    ("mem", "error: usage: mem ADDR [N]"),
    ("frobnicate 1 2", "unknown command 'frobnicate'"),
    ("reverse sideways", "error: usage: reverse until"),
    ("mem 0xffffffffffffffff 0xffffffffffffffff", "0xffffffffffffffff: ??"),
    ("disas 0xfffffffffffffffe 0xffffffffffffffff", "(not mapped)"),
    ("events 0xffffffffffffffff", ""),
    ("reverse-step 0xffffffffffffffff", "at the start of the history"),
    ("snapshot load /dev/zero", "error: snapshot /dev/zero: is a character device, not a snapshot"),
    ("snapshot load " + path("fifo"), "is a FIFO (named pipe), not a snapshot"),
    ("snapshot save " + path("fifo"), "is a FIFO (named pipe), not a file a snapshot may replace"),
]

failures = []
for line, fragment in DEBUG_ROWS:
    cmds = write("row.cmd", (line + "\nregs\nquit\n").encode())
    rc, out, err, rss, took = run_row(["debug", "--commands", cmds, spin], None, 20)
    answer = out.split("> " + line + "\n", 1)[-1].split("> regs", 1)[0]
    ok = (rc == 0 and fragment in answer and "> regs" in out and len(answer) < 300_000 and rss <= RSS_LIMIT_KB
          and not err.strip())
    print(("ok   " if ok else "FAIL ") + "debug: " + line + ("" if ok else f"\n  rc={rc} answer={answer[:300]!r} err={err[-200:]!r}"))
    if not ok:
        failures.append("debug: " + line)
ok = stat.S_ISFIFO(os.stat(path("fifo")).st_mode)
print(("ok   " if ok else "FAIL ") + "a FIFO given to snapshot save is still a FIFO")
if not ok:
    failures.append("snapshot save replaced a FIFO")

for name, argv, stdin, want_rc, fragment, seconds in ROWS:
    if argv[0] == "gui" and not gui_built:
        print(f"skip {name}: a build without the GUI")
        continue
    if "--exit-after-script" in argv and not shutil.which("xvfb-run"):
        print(f"skip {name}: xvfb-run is not installed")
        continue
    rc, out, err, rss, took = run_row(argv, stdin, seconds)
    if "xvfb-run: error" in err:  # Xvfb's own set-up or clean-up, not stepvisor: once more
        rc, out, err, rss, took = run_row(argv, stdin, seconds)
    err_lines = [l for l in err.splitlines() if l.strip()]
    found = fragment in err or (want_rc == 1 and fragment in out) or (want_rc in (0, 3) and fragment in out)
    ok = (rc == want_rc and found and (want_rc in (0, 1, 3) or len(err_lines) == 1) and rss <= RSS_LIMIT_KB
          and not sanitizer.report(err))
    if rc is None:
        detail = f"no answer within {seconds} s"
    elif sanitizer.report(err):
        detail = f"rc={rc}, {sanitizer.report(err)}"
    else:
        detail = f"rc={rc} (want {want_rc}), {took:.1f} s, peak RSS {rss >> 10} MiB, stderr={err[-300:]!r}"
    print(("ok   " if ok else "FAIL ") + name + ("" if ok else "\n  " + detail))
    if not ok:
        failures.append(name)

shutil.rmtree(tmp, ignore_errors=True)
total = len(ROWS) + len(DEBUG_ROWS) + 1
print(f"{total - len(failures)} of {total} bad inputs answered as they should")
sys.exit(1 if failures else 0)
