#!/usr/bin/env bash
# The Linux kernels the tests boot, built once per machine into a cache outside
# the clone and reused until their inputs change:
#
#   eval "$(tests/linux/kernels.sh)"
#
# prints the environment the tests read (STEPVISOR_LINUX_IMAGE/_INITRD for the
# plain kernel, STEPVISOR_KVM_IMAGE/_INITRD for the KVM host), building what is
# missing first with build-kernel.sh. Each build is kept in
# $STEPVISOR_CACHE (default ~/.cache/stepvisor) as linux-VARIANT-HASH, HASH
# covering build-kernel.sh, its config fragments, the initramfs sources and the
# kernel source tarball; the unpacked source and the object trees stay there too,
# so a changed input rebuilds only what it touches. Variables already set are
# kept. Build output goes to linux-VARIANT.log in the cache; on a failed build
# the variables stay unset (the tests then skip) and the script exits 1.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
cache=${STEPVISOR_CACHE:-$HOME/.cache/stepvisor}
tarball=${LINUX_SOURCE_TARBALL:-/usr/src/linux-source-6.1.tar.xz}
mkdir -p "$cache"
# A tree linked in from elsewhere that is gone is built again here.
for d in linux-src linux-work-plain linux-work-kvm; do
    if [ -L "$cache/$d" ] && [ ! -e "$cache/$d" ]; then rm -f "$cache/$d"; fi
done

inputs() {   # the files a variant's outputs depend on
    echo "$here/build-kernel.sh" "$here/stepvisor.config" "$here/init.c"
    if [ "$1" = kvm ]; then
        echo "$here/kvm-host.config" "$here"/kvm/*
        local g=$root/firmware/guests
        echo "$g/link.ld" "$g/guest.h" "$g/common"
        sed "s#^#$g/#" "$g/common"
        for name in $(cat "$here/kvm/guests"); do echo "$g/$name.c"; done
    fi
}

key() {
    {
        # shellcheck disable=SC2046
        for f in $(inputs "$1"); do printf '%s\n' "${f#"$root"/}"; cat "$f"; done
        # The source by name, size and date: hashing 130 MB each run would cost more than it saves.
        stat -c '%n %s %Y' "$tarball" 2>/dev/null || echo "no source"
    } | sha256sum | cut -c1-16
}

status=0
ensure() {   # variant, IMAGE variable, INITRD variable
    local variant=$1 image_var=$2 initrd_var=$3
    if [ -n "${!image_var:-}" ] && [ -n "${!initrd_var:-}" ]; then
        printf 'export %s=%q %s=%q\n' "$image_var" "${!image_var}" "$initrd_var" "${!initrd_var}"
        return
    fi
    local dir=$cache/linux-$variant-$(key "$variant")
    if [ ! -f "$dir/Image" ] || [ ! -f "$dir/initramfs.cpio" ]; then
        local log=$cache/linux-$variant.log flag=()
        [ "$variant" = kvm ] && flag=(--kvm)
        echo "kernels.sh: building the $variant kernel into $dir (log: $log)" >&2
        local t0=$SECONDS
        if ! LINUX_SRC=$cache/linux-src LINUX_SOURCE_TARBALL=$tarball \
                "$here/build-kernel.sh" "${flag[@]}" "$cache/linux-work-$variant" > "$log" 2>&1; then
            echo "kernels.sh: the $variant kernel did not build; its tests will skip. Last lines of $log:" >&2
            tail -5 "$log" >&2
            status=1
            return
        fi
        # Older builds of this variant are of no further use.
        find "$cache" -maxdepth 1 -name "linux-$variant-*" ! -name "*.log" -exec rm -rf {} +
        mkdir -p "$dir.tmp"
        cp "$cache/linux-work-$variant/out/Image" "$cache/linux-work-$variant/out/initramfs.cpio" "$dir.tmp/"
        mv "$dir.tmp" "$dir"
        echo "kernels.sh: the $variant kernel built in $((SECONDS - t0)) s" >&2
    fi
    printf 'export %s=%q %s=%q\n' "$image_var" "$dir/Image" "$initrd_var" "$dir/initramfs.cpio"
}

# One build at a time on a machine: a second CI run waits for the first.
exec 9> "$cache/linux.lock"
flock 9
ensure plain STEPVISOR_LINUX_IMAGE STEPVISOR_LINUX_INITRD
ensure kvm STEPVISOR_KVM_IMAGE STEPVISOR_KVM_INITRD
exit $status
