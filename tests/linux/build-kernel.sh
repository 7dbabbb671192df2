#!/bin/sh
# Builds a small Linux kernel for QEMU virt / stepvisor and an initramfs whose
# /init prints "stepvisor: hello from /init, N CPUs" and powers off.
#
#   tests/linux/build-kernel.sh [WORKDIR]      (default: ./linux-build)
#
# Needs Debian's linux-source-6.1 (/usr/src/linux-source-6.1.tar.xz, or set
# LINUX_SOURCE_TARBALL), gcc-riscv64-linux-gnu, and the kernel's build deps
# (make, gcc, bc, bison, flex, libssl-dev, libelf-dev). JOBS (default 2) sets
# make's -j; the build runs under nice. Re-running reuses the unpacked source
# and the object tree. Outputs: WORKDIR/out/Image and WORKDIR/out/initramfs.cpio.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
work=${1:-$PWD/linux-build}
tarball=${LINUX_SOURCE_TARBALL:-/usr/src/linux-source-6.1.tar.xz}
jobs=${JOBS:-2}
cross=${CROSS_COMPILE:-riscv64-linux-gnu-}
start=$(date +%s)

mkdir -p "$work"
work=$(cd "$work" && pwd)
src=$work/src
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
kmake() { nice make -C "$src" O="$obj" ARCH=riscv CROSS_COMPILE="$cross" "$@"; }

# 2. Configure: tinyconfig plus our fragment, then check every option we asked for.
echo "== configuring (tinyconfig + $here/stepvisor.config)"
kmake -s tinyconfig
"$src/scripts/kconfig/merge_config.sh" -m -O "$obj" "$obj/.config" "$here/stepvisor.config" >/dev/null
kmake -s olddefconfig
missing=0
while IFS= read -r line; do
    case "$line" in
        CONFIG_*=*)
            grep -qx "$line" "$obj/.config" || { echo "build-kernel.sh: $line did not stick (got: $(grep "^${line%%=*}=" "$obj/.config" || echo unset))" >&2; missing=1; } ;;
        "# CONFIG_"*" is not set")
            opt=${line#\# }; opt=${opt%% *}
            ! grep -q "^$opt=" "$obj/.config" || { echo "build-kernel.sh: $opt is still set" >&2; missing=1; } ;;
    esac
done < "$here/stepvisor.config"
[ "$missing" = 0 ] || exit 1

# 3. Build the kernel image.
echo "== building arch/riscv/boot/Image with -j$jobs"
kmake -j"$jobs" Image
cp "$obj/arch/riscv/boot/Image" "$out/Image"

# 4. The init (no libc) and the initramfs (built with the kernel's gen_init_cpio,
#    so /dev/console can be a device node without root).
echo "== building /init and the initramfs"
"${cross}gcc" -static -nostdlib -ffreestanding -fno-builtin -fno-tree-loop-distribute-patterns \
    -fno-stack-protector -fno-pie -no-pie -O2 -Wall -Wl,--no-relax -Wl,--build-id=none \
    -o "$out/init" "$here/init.c"
cc -O2 -o "$out/gen_init_cpio" "$src/usr/gen_init_cpio.c"
cat > "$out/initramfs.list" <<LIST
dir /dev 0755 0 0
nod /dev/console 0600 0 0 c 5 1
dir /sys 0555 0 0
dir /proc 0555 0 0
file /init $out/init 0755 0 0
LIST
"$out/gen_init_cpio" -t 0 "$out/initramfs.list" > "$out/initramfs.cpio"

end=$(date +%s)
echo "== done in $((end - start)) s"
echo "kernel:    $out/Image ($(wc -c < "$out/Image") bytes, Linux $(cat "$obj/include/config/kernel.release"))"
echo "initramfs: $out/initramfs.cpio ($(wc -c < "$out/initramfs.cpio") bytes)"
