#!/usr/bin/env bash
# Installs the Debian packages goose needs to build and test, and does nothing
# when every one is already there. Called by `make deps`, and first by `make run`
# and `make test`, so a fresh Debian 12 machine needs no other step.
#
#   ci/deps.sh --stacks [NAME ...]
#
# then also fetches the newer QEMU, OpenSBI and U-Boot builds the matrix tests
# boot (ci/stacks.py: Debian packages of bookworm-backports, trixie and sid,
# downloaded with a private apt state and unpacked under build/stacks/, never
# installed) and prints where each is; `make stacks` runs this, and the
# matrix suite fetches what it needs the same way.
set -euo pipefail

stacks=0
if [ "${1:-}" = "--stacks" ]; then
	stacks=1
	shift
fi

packages=(
	make
	gcc                              # host unit tests (ASan/UBSan)
	gcc-riscv64-unknown-elf          # the payload
	binutils-riscv64-unknown-elf
	qemu-system-misc                 # qemu-system-riscv64
	qemu-user                        # qemu-riscv64: the Linux reference
	opensbi                          # fw_jump / fw_dynamic
	u-boot-qemu                      # U-Boot for qemu-riscv64_smode
	e2fsprogs                        # mke2fs -d: ci/uboot_disk.py's boot disk, no root needed
	mtools                           # mformat/mcopy: the FAT ESP of the UEFI boot tests (ci/esp.py), no root needed
	device-tree-compiler             # dtc
	gdb-multiarch                    # make debug
	golang-1.19-go                   # the second Go the tests build with
	cpio                             # initramfs images
	gnuplot-nox                      # make bench: docs/perf-ratios.png
	clang-14                         # ci/fuzz.sh: libFuzzer harnesses
	libclang-rt-14-dev               # libclang_rt.fuzzer/asan/ubsan for clang-14
	cppcheck                         # make lint (ci/lint.sh)
	clang-tidy-14                    # make lint (ci/lint.sh)
	python3
	graphviz                         # make docs: docs/boot-flow.svg
	curl                             # ci/examples.py: fetches the httpd example's pages
	gcc-riscv64-linux-gnu            # cgo tests (cgo=static): the C cross compiler
	libc6-dev-riscv64-cross          # ... and glibc to link them statically with
)

missing=()
for p in "${packages[@]}"; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q '^install ok installed$'; then
		missing+=("$p")
	fi
done

if [ ${#missing[@]} -gt 0 ]; then
	echo "goose: installing Debian packages: ${missing[*]}" >&2
	sudo=""
	[ "$(id -u)" -eq 0 ] || sudo="sudo"
	export DEBIAN_FRONTEND=noninteractive
	$sudo apt-get update -qq
	$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

if [ "$stacks" = 1 ]; then
	# apt-get, dpkg and ldd come with every Debian system: nothing more to install.
	exec python3 "$(dirname "$0")/stacks.py" "$@"
fi
