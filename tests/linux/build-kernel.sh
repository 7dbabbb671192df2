#!/bin/sh
# Builds a small Linux kernel for QEMU virt / stepvisor and an initramfs whose
# /init prints "stepvisor: hello from /init, N CPUs" and powers off.
#
#   tests/linux/build-kernel.sh [--kvm] [WORKDIR]      (default: ./linux-build)
#
# --kvm builds the KVM host instead: the same kernel plus kvm-host.config, and
# an initramfs whose /init (kvm/init.c) runs the commands in its /commands, by
# default our own VMM (kvm/vmm.c) with guests from firmware/guests, then
# powers off.
#
# Needs Debian's linux-source-6.1 (/usr/src/linux-source-6.1.tar.xz, or set
# LINUX_SOURCE_TARBALL), gcc-riscv64-linux-gnu, and the kernel's build deps
# (make, gcc, bc, bison, flex, libssl-dev, libelf-dev). JOBS (default 2) sets
# make's -j; the build runs under nice. LINUX_SRC (default WORKDIR/src) is where
# the source is unpacked, so several builds can share it. Re-running reuses the
# unpacked source and the object tree. Outputs: WORKDIR/out/Image and
# WORKDIR/out/initramfs.cpio.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
kvm=0
if [ "${1:-}" = --kvm ]; then kvm=1; shift; fi
work=${1:-$PWD/linux-build}
tarball=${LINUX_SOURCE_TARBALL:-/usr/src/linux-source-6.1.tar.xz}
jobs=${JOBS:-2}
cross=${CROSS_COMPILE:-riscv64-linux-gnu-}
start=$(date +%s)

mkdir -p "$work"
work=$(cd "$work" && pwd -P)
src=${LINUX_SRC:-$work/src}
obj=$work/obj
out=$work/out
mkdir -p "$obj" "$out"

for tool in "${cross}gcc" make bc bison flex; do
    command -v "$tool" >/dev/null || { echo "build-kernel.sh: $tool not found" >&2; exit 1; }
done

# 1. Unpack the source once.
if [ ! -f "$src/Makefile" ]; then
    [ -f "$tarball" ] || { echo "build-kernel.sh: no kernel source at $tarball (apt-get install linux-source-6.1)" >&2; exit 1; }
    echo "== unpacking $tarball"
    rm -rf "$src.tmp"
    mkdir -p "$src.tmp"
    tar -xf "$tarball" -C "$src.tmp" --strip-components=1
    mv "$src.tmp" "$src"
fi
src=$(cd "$src" && pwd -P)
kmake() { nice make -C "$src" O="$obj" ARCH=riscv CROSS_COMPILE="$cross" "$@"; }

# 2. Configure: tinyconfig plus our fragments, then check every option we asked
#    for (a later fragment's line for an option replaces an earlier one's).
fragments=$here/stepvisor.config
[ "$kvm" = 0 ] || fragments="$fragments $here/kvm-host.config"
echo "== configuring (tinyconfig + $fragments)"
kmake -s tinyconfig
# shellcheck disable=SC2086
"$src/scripts/kconfig/merge_config.sh" -m -O "$obj" "$obj/.config" $fragments >/dev/null
kmake -s olddefconfig
missing=0
# shellcheck disable=SC2086
cat $fragments | awk '/^CONFIG_/ { o = $0; sub(/=.*/, "", o) }
                      /^# CONFIG_.* is not set$/ { o = $2 }
                      o { want[o] = $0; if (!(o in seen)) order[n++] = o; seen[o] = 1; o = "" }
                      END { for (i = 0; i < n; i++) print want[order[i]] }' > "$obj/wanted.config"
while IFS= read -r line; do
    case "$line" in
        CONFIG_*=*)
            grep -qx "$line" "$obj/.config" || { echo "build-kernel.sh: $line did not stick (got: $(grep "^${line%%=*}=" "$obj/.config" || echo unset))" >&2; missing=1; } ;;
        "# CONFIG_"*" is not set")
            opt=${line#\# }; opt=${opt%% *}
            ! grep -q "^$opt=" "$obj/.config" || { echo "build-kernel.sh: $opt is still set" >&2; missing=1; } ;;
    esac
done < "$obj/wanted.config"
[ "$missing" = 0 ] || exit 1

# 3. Build the kernel image.
echo "== building arch/riscv/boot/Image with -j$jobs"
kmake -j"$jobs" Image
cp "$obj/arch/riscv/boot/Image" "$out/Image"

# 4. The init and the initramfs (built with the kernel's gen_init_cpio, so
#    /dev/console can be a device node without root).
nolibc="-static -nostdlib -ffreestanding -fno-builtin -fno-tree-loop-distribute-patterns
    -fno-stack-protector -fno-pie -no-pie -O2 -Wall -Wl,--no-relax -Wl,--build-id=none"
cc -O2 -o "$out/gen_init_cpio" "$src/usr/gen_init_cpio.c"
cat > "$out/initramfs.list" <<LIST
dir /dev 0755 0 0
nod /dev/console 0600 0 0 c 5 1
dir /sys 0555 0 0
dir /proc 0555 0 0
LIST
if [ "$kvm" = 0 ]; then
    echo "== building /init and the initramfs"
    # shellcheck disable=SC2086
    "${cross}gcc" $nolibc -o "$out/init" "$here/init.c"
    echo "file /init $out/init 0755 0 0" >> "$out/initramfs.list"
else
    echo "== building /init, the VMM, its guests and the initramfs"
    "${cross}gcc" -static -O2 -Wall -Wextra -o "$out/init" "$here/kvm/init.c"
    "${cross}gcc" -static -O2 -Wall -Wextra -pthread -o "$out/vmm" "$here/kvm/vmm.c"
    guests=$here/../../firmware/guests
    mkdir -p "$out/guests"
    # shellcheck disable=SC2086
    common=$(sed "s#^#$guests/#" "$guests/common")
    for g in $(cat "$here/kvm/guests"); do
        "${cross}gcc" -march=rv64imac_zicsr_zifencei -mabi=lp64 -mcmodel=medany -O2 \
            -ffreestanding -nostdlib -nostartfiles -static -fno-builtin-printf \
            -fno-asynchronous-unwind-tables -fno-unwind-tables -Wl,--build-id=none -Wl,--no-warn-rwx-segments \
            -T "$guests/link.ld" -o "$out/guests/$g.elf" $common "$guests/$g.c"
        "${cross}objcopy" -O binary "$out/guests/$g.elf" "$out/guests/$g.bin"
    done
    cat >> "$out/initramfs.list" <<LIST
file /init $out/init 0755 0 0
file /vmm $out/vmm 0755 0 0
file /commands $here/kvm/commands 0644 0 0
dir /guests 0755 0 0
LIST
    for g in $(cat "$here/kvm/guests"); do
        echo "file /guests/$g.bin $out/guests/$g.bin 0644 0 0" >> "$out/initramfs.list"
    done
fi
"$out/gen_init_cpio" -t 0 "$out/initramfs.list" > "$out/initramfs.cpio"

end=$(date +%s)
echo "== done in $((end - start)) s"
echo "kernel:    $out/Image ($(wc -c < "$out/Image") bytes, Linux $(cat "$obj/include/config/kernel.release"))"
echo "initramfs: $out/initramfs.cpio ($(wc -c < "$out/initramfs.cpio") bytes)"
