#!/bin/sh
# The GUI's screenshots for the documentation, taken under Xvfb by scripts as
# a student would click: ui/gui/doc/screenshots.sh [BUILD_DIR] [OUT_DIR]
# (defaults: build, ui/gui/doc). Needs xvfb-run, the H self-tests and hv/
# built, and Debian's OpenSBI (fw_jump) for the hypervisor picture.
set -eu
cd "$(dirname "$0")/../../.."
B=${1:-build}
OUT=${2:-ui/gui/doc}
GUI="xvfb-run -a -s '-screen 0 1920x1200x24' $B/ui/stepvisor gui --size 1600x1000"
FW=/usr/lib/riscv64-linux-gnu/opensbi/generic/fw_jump.elf
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT

# 1. The hypervisor on OpenSBI: VM exits of three VMs, the privilege timeline.
{
    i=0; while [ $i -lt 12 ]; do echo "until vmexit"; i=$((i + 1)); done
    echo "select-exit last"
    echo "zoom 6000"
    echo "show console"
    echo "screenshot $OUT/gui-hv-timeline.png"
    echo "run-for 4000"
    echo "show exits"
    echo "select-exit 130"
    echo "screenshot $OUT/gui-hv-exits.png"
} > "$T/hv"
eval "$GUI" --mem 256M --bios "$FW" --kernel "$B/hv/hv.elf" --script "$T/hv" --exit-after-script > /dev/null

# 2. A guest-page fault under two-stage translation: the nested walk as a grid.
{
    i=0; while [ $i -lt 40 ]; do echo "until vmexit"; i=$((i + 1)); done
    echo "tables vsatp"
    echo "show exits"
    echo "translate 0x60000000 gva"
    echo "screenshot $OUT/gui-nested-walk.png"
} > "$T/walk"
eval "$GUI" "$B/firmware/tests/h_gstage_sv39x4.elf" --script "$T/walk" --exit-after-script > /dev/null

# 3. The built-in program: Sv39 tables coalesced into ranges, CSRs decoded.
{
    echo "until trap"
    echo "show csrs"
    echo "tables satp"
    echo "screenshot $OUT/gui-sv39-tables.png"
} > "$T/tables"
eval "$GUI" --script "$T/tables" --exit-after-script > /dev/null

# 4. A lecture scenario: CPU shares on two harts, at its third checkpoint.
{
    echo "until checkpoint"
    echo "until checkpoint"
    echo "until checkpoint"
    echo "show timeline"
    echo "screenshot $OUT/gui-scenario-cpu-shares.png"
} > "$T/scenario"
eval "$GUI" --scenario cpu-shares --script "$T/scenario" --exit-after-script > /dev/null
# 5. The VM overview: cpu-shares' three VMs, the share each got over a window.
{
    echo "until checkpoint"
    echo "until checkpoint"
    echo "until checkpoint"
    echo "show vms"
    echo "wait 3"
    echo "step 80000000"
    echo "screenshot $OUT/gui-vm-overview.png"
} > "$T/vms"
eval "$GUI" --scenario cpu-shares --script "$T/vms" --exit-after-script > /dev/null

# 6. A memory map: ballooning, once hungry holds the donor's pages.
{
    i=0; while [ $i -lt 4 ]; do echo "until checkpoint"; i=$((i + 1)); done
    echo "show vms"
    echo "memmap vm1"
    echo "screenshot $OUT/gui-memory-map-hungry.png"
    echo "memmap vm0"
    echo "screenshot $OUT/gui-memory-map-donor.png"
} > "$T/memmap"
eval "$GUI" --scenario ballooning --script "$T/memmap" --exit-after-script > /dev/null

# 7. Presentation mode (F8): isolation at its fourth checkpoint.
{
    echo "key F8"
    i=0; while [ $i -lt 4 ]; do echo "key PageDown"; i=$((i + 1)); done
    echo "show vms"
    echo "memmap vm2"
    echo "click 300 480"   # the pointer on the narration, where no tooltip opens
    echo "screenshot $OUT/gui-presentation.png"
} > "$T/present"
eval "$GUI" --scenario isolation --script "$T/present" --exit-after-script > /dev/null
echo "screenshots in $OUT"
