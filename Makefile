# goose: an OpenSBI payload that boots unmodified Go programs in S-mode.
# `make help` lists the targets; README.md is the front door.

SHELL := /bin/bash
.DEFAULT_GOAL := help

# ---- what to build and boot -------------------------------------------------
KERNEL ?= go-kernel/examples/hello
SMP ?= 1
MEM ?= 512M
# The stack: each variable defaults from a GOOSE_* environment variable of
# the same name (GOOSE_QEMU, GOOSE_FIRMWARE, ...), which ci/qemu.py reads too,
# so that every test driver booting through `make run` or ci/qemu.py runs on
# the stack the environment names (docs/boot.md). Empty: Debian 12's.
QEMU ?= $(GOOSE_QEMU)
FIRMWARE ?= $(GOOSE_FIRMWARE)
FW ?= $(GOOSE_FW)
CPU ?= $(GOOSE_CPU)
MACHINE ?= $(or $(GOOSE_MACHINE),virt)
LOADER ?= $(or $(GOOSE_LOADER),opensbi)
UBOOT ?= $(GOOSE_UBOOT)
EDK2 ?= $(GOOSE_EDK2)
CONSOLE ?= $(GOOSE_CONSOLE)
# `make test GOOSE_QEMU=...` (on make's command line): the test drivers, and
# the ci/qemu.py they run directly, see them too.
export GOOSE_QEMU GOOSE_FIRMWARE GOOSE_FW GOOSE_CPU GOOSE_MACHINE GOOSE_LOADER GOOSE_UBOOT GOOSE_EDK2 GOOSE_CONSOLE
BOOTARGS ?=
# NET=user: a virtio-net device on QEMU's user network, restricted to the
# forwards (NET=user-open: not restricted); HOSTFWD=8080 or 8080:80,...:
# TCP ports from the host's 127.0.0.1 to the guest (docs/networking.md).
NET ?=
HOSTFWD ?=
QEMU_EXTRA ?=
INITRD ?=
TIMEOUT ?= 0
GO ?= go

# ---- tools ------------------------------------------------------------------
CROSS := riscv64-unknown-elf-
CC := $(CROSS)gcc
OBJCOPY := $(CROSS)objcopy
HOSTCC := gcc
PYTHON := python3
# GOOSE_DEBUG=locks: the lock checker (arch/riscv/spinlock.h); events: the
# timeline of goose's work on each hart for ci/events.py
# (arch/riscv/events.h). Each is built apart, in build/debug-NAME/, so
# builds never mix objects.
GOOSE_DEBUG ?=
ifneq ($(filter-out locks events,$(GOOSE_DEBUG))$(word 2,$(GOOSE_DEBUG)),)
$(error GOOSE_DEBUG=$(GOOSE_DEBUG): want locks or events (one, or nothing))
endif
BUILD := build$(if $(GOOSE_DEBUG),/debug-$(GOOSE_DEBUG))
VERSION := $(shell git describe --always --dirty 2>/dev/null || echo dev)

# ---- the payload --------------------------------------------------------------
# payload/'s folders, lowest layer first (ci/layers.py checks the order;
# docs/architecture.md draws it).
PAYLOAD_DIRS := payload/include/uapi payload/lib payload/arch/riscv payload/dev payload/mm payload/kernel \
	payload/fs payload/net payload/sys payload/boot
# A source file by name, wherever it lives in payload/ (host tests, fuzzers).
payload_src = $(firstword $(wildcard $(addsuffix /$(1),$(PAYLOAD_DIRS))))
PAYLOAD_C := $(sort $(wildcard $(addsuffix /*.c,$(PAYLOAD_DIRS)))) sbi/sbi.c
PAYLOAD_S := $(filter-out %/kernel.S %/syms-none.S,$(sort $(wildcard $(addsuffix /*.S,$(PAYLOAD_DIRS)))))
KERNEL_S := $(call payload_src,kernel.S)
SYMS_NONE_S := $(call payload_src,syms-none.S)
LDSCRIPT := $(call payload_src,payload.ld)
# Includes name their folder ("mm/vm.h"), from payload/ or the top (sbi/);
# build/gen/ holds the headers made from payload/sys/syscalls.tbl.
GEN := $(BUILD)/gen
PAYLOAD_INC := -Ipayload -I$(GEN) -I.
GEN_HEADERS := $(GEN)/include/uapi/unistd.h $(GEN)/sys/syscall_table.h
# goose's own symbol table comes from a first link (ci/mksyms.py).
SYMS_OBJ := $(BUILD)/obj/syms.o
PAYLOAD_OBJS := $(patsubst %,$(BUILD)/obj/%.o,$(PAYLOAD_C) $(PAYLOAD_S))
ARCH := -march=rv64imac_zicsr_zifencei -mabi=lp64 -mcmodel=medany
CFLAGS := $(ARCH) -std=gnu11 -O2 -g -ffreestanding -fno-pie -fno-pic -fno-stack-protector \
	-fno-omit-frame-pointer -fno-common -Wall -Wextra -Werror -Wno-unused-parameter \
	-DGOOSE_VERSION='"$(VERSION)"' $(PAYLOAD_INC) -MMD -MP $(if $(filter locks,$(GOOSE_DEBUG)),-DGOOSE_DEBUG_LOCKS) $(if $(filter events,$(GOOSE_DEBUG)),-DGOOSE_DEBUG_EVENTS)
LDFLAGS := $(ARCH) -nostdlib -static -Wl,-T,$(LDSCRIPT) -Wl,--no-relax -Wl,-z,max-page-size=4096 \
	-Wl,--build-id=none -Wl,--no-warn-rwx-segments
# libgcc of the soft-float rv64imac multilib (the -march spelling picks it).
# (expanded when a link runs: on a fresh machine the compiler arrives with $(DEPS_STAMP))
LIBGCC = $(shell $(CC) -march=rv64imac -mabi=lp64 -print-libgcc-file-name 2>/dev/null)

DEPS_STAMP := $(BUILD)/.deps-ok

# Build progress lines ("  CC  file"), left out under `make -s` so that
# `make -s run` prints only what the machine prints.
ifneq ($(findstring s,$(firstword -$(MAKEFLAGS))),)
SAY := @true
else
SAY := @echo
endif

.PHONY: FORCE gen help deps stacks matrix board-check debug gdb docs bench soak soak-cgo stdtest stdtest-net gotest modules payload run image test test-host test-go dtbs fuzz lint mutants clean

help:
	@echo "goose: boot unmodified Go programs as supervisor-mode kernels on RISC-V"
	@echo
	@echo "  make deps                 install the Debian packages goose needs (no-op when present)"
	@echo "  make run [KERNEL=...]     build and boot a Go program on QEMU (default: $(KERNEL))"
	@echo "        KERNEL=<Go package dir | riscv64 Go ELF>  SMP=<harts> MEM=<qemu -m>"
	@echo "        BOOTARGS=\"env words -- args\"  INITRD=<cpio archive or ELF>  QEMU_EXTRA=\"<more qemu arguments>\""
	@echo "        TIMEOUT=<seconds, 0 = none>  FIRMWARE_LOG=1 (show OpenSBI's output too)"
	@echo "        CONSOLE=uart|virtio (virtio: a virtio console beside the UART, which goose then uses)"
	@echo "        NET=user|user-open (a virtio-net on QEMU's user network; user: restricted)  HOSTFWD=8080[:80],..."
	@echo "      the stack (each defaults from GOOSE_<NAME> in the environment, then Debian 12's):"
	@echo "        QEMU=<qemu-system-riscv64>  FIRMWARE=<OpenSBI fw_dynamic/fw_jump .bin | default (QEMU's own)>"
	@echo "        FW=jump|dynamic (the firmware's kind, when its file name does not tell)  CPU=<qemu -cpu model>"
	@echo "        MACHINE=virt|sifive_u[,<machine options>] (virt,aia=aplic-imsic)"
	@echo "        LOADER=opensbi|uboot|uboot-efi  UBOOT=<S-mode u-boot.bin>"
	@echo "        LOADER=uefi  EDK2=<RISCV_VIRT_CODE.fd> (QEMU 8 or later; make stacks fetches both)"
	@echo "        GOOSE_DEBUG=locks (the lock checker) | events (each hart's timeline for ci/events.py)"
	@echo "  make stacks               fetch newer QEMU, OpenSBI and U-Boot builds (Debian packages, unpacked"
	@echo "                            under $(BUILD)/stacks/, nothing installed) and print their paths"
	@echo "  make matrix [MATRIX=\"<row name patterns>\"]"
	@echo "                            boot hello on every QEMU x OpenSBI x CPU x machine -> docs/compat-firmware.md"
	@echo "  make image [KERNEL=...] [BOARD=virt|sifive_u|unmatched|visionfive2]"
	@echo "                            write the bootable image and print its path: booti and UEFI both take it"
	@echo "                            (Linux image header and PE/COFF EFI application); goose.efi beside it"
	@echo "  make debug [KERNEL=...]   like run, but QEMU waits for gdb (port GDB_PORT=1234)"
	@echo "  make gdb [KERNEL=...]     gdb-multiarch with goose's and the program's symbols, connected"
	@echo "  make test                 every test: host unit tests, QEMU boots, Go conformance"
	@echo "  make lint                 layering, cppcheck and clang-tidy-14 on payload/ and sbi/ (ci/lint.sh)"
	@echo "  make mutants [MUTANTS=\"04-sigtrap-si-kernel ...\"]"
	@echo "                            deliberate bugs (ci/mutants/) the tests must catch: N killed, N survived"
	@echo "  make stdtest [PKGS=\"strconv sort ...\"] [GO=/path/to/go] [STDTEST_TIMEOUT=300]"
	@echo "                            Go's own package tests under goose and qemu-riscv64 (docs/compat.md)"
	@echo "  make stdtest-net [SMP=1] [PKGS=\"net net/http\"]"
	@echo "                            net's and net/http's tests with the network provider (go-kernel/net)"
	@echo "  make gotest PKG=<package pattern> [DIR=<module dir>] [GO=/path/to/go]"
	@echo "                            any module's tests: go test -exec ci/goose-exec beside -exec qemu-riscv64"
	@echo "                            (docs/compat.md; ci/goose-exec works with go test -exec on its own too)"
	@echo "  make modules [MODULES=\"bbolt uuid\"]  popular modules' own tests (ci/modules.txt, pinned) under goose"
	@echo "                            and the reference; make test runs the lines marked short"
	@echo "  make soak                 the stress programs 100 times at SMP 2 and 4 under the lock checker (SOAK_EACH=10)"
	@echo "  make soak-cgo             every cgo test 20 times at SMP 1 and 2 (SOAK_RUNS=20, SOAK_SMP=1,2)"
	@echo "  make bench                goose vs qemu-riscv64 benchmarks -> docs/perf.md (BENCH_REPS=5, BENCH_QUICK=1)"
	@echo "  make payload              build $(BUILD)/goose.bin (no program embedded: it boots the initrd)"
	@echo "  make dtbs                 compile dts/*.dts and dts/variants/*.dts into $(BUILD)/dtb/"
	@echo "  make board-check DTB=f    goose's boot plan for a board from its device tree (.dtb or .dts;"
	@echo "                            BOOTARGS= too): RAM, console, harts, interrupts, warnings"
	@echo "  make fuzz [FUZZ_SECONDS=60] [FUZZ=\"fdt elf\"]  run the libFuzzer harnesses (fuzz/README.md)"
	@echo "  make docs                 docs/syscalls.md from payload/sys/syscalls.tbl, docs/boot.md's options from"
	@echo "                            BOOT_OPTION lines, docs/layers.{dot,svg} from payload/'s includes,"
	@echo "                            docs/boot-flow.svg from its .dot"
	@echo "  make clean                remove $(BUILD)/"

# `make deps` installs; every other target only checks, once per build dir.
deps:
	@bash ci/deps.sh

# The newer stacks (ci/stacks.py): unpacked under $(BUILD)/stacks/, never installed.
stacks:
	@bash ci/deps.sh --stacks

$(DEPS_STAMP): ci/deps.sh
	@bash ci/deps.sh
	@mkdir -p $(@D) && touch $@

# ---- payload objects --------------------------------------------------------
# The system-call table's headers (ci/mksyscalls.py writes a file only when it changes).
$(GEN_HEADERS) &: payload/sys/syscalls.tbl ci/mksyscalls.py
	@$(PYTHON) ci/mksyscalls.py --unistd $(GEN)/include/uapi/unistd.h --table $(GEN)/sys/syscall_table.h
	@touch $(GEN_HEADERS)

gen: $(GEN_HEADERS)

$(BUILD)/obj/%.c.o: %.c | $(DEPS_STAMP) $(GEN_HEADERS)
	@mkdir -p $(@D)
	$(SAY) "  CC      $<"
	@$(CC) $(CFLAGS) -c -o $@ $<

# What goose's EFI entry runs before it is where it was linked (boot/efi.c):
# no jump tables, whose entries are absolute addresses.
$(BUILD)/obj/payload/boot/efi.c.o $(BUILD)/obj/payload/lib/efi.c.o $(BUILD)/obj/payload/lib/lib.c.o: \
	CFLAGS += -fno-jump-tables

$(BUILD)/obj/%.S.o: %.S | $(DEPS_STAMP) $(GEN_HEADERS)
	@mkdir -p $(@D)
	$(SAY) "  AS      $<"
	@$(CC) $(CFLAGS) -D__ASSEMBLER__ -c -o $@ $<

# The banner's version: main.c is rebuilt when `git describe` changes (a
# commit, or a clean tree turning dirty), not only when its sources do.
VERSION_STAMP := $(BUILD)/obj/version
$(VERSION_STAMP): FORCE
	@mkdir -p $(@D)
	@[ "$$(cat $@ 2>/dev/null)" = "$(VERSION)" ] || echo "$(VERSION)" > $@
$(BUILD)/obj/$(call payload_src,main.c).o: $(VERSION_STAMP)

-include $(PAYLOAD_OBJS:.o=.d) $(BUILD)/obj/kernel-none.d

# The payload with no program inside: it runs the initrd.
$(BUILD)/stage1.elf: $(PAYLOAD_OBJS) $(BUILD)/obj/kernel-none.o $(BUILD)/obj/syms-none.o $(LDSCRIPT)
	$(SAY) "  LD      $@"
	@$(CC) $(LDFLAGS) -o $@ $(PAYLOAD_OBJS) $(BUILD)/obj/syms-none.o $(BUILD)/obj/kernel-none.o $(LIBGCC)

$(BUILD)/obj/syms.S: $(BUILD)/stage1.elf ci/mksyms.py
	$(SAY) "  SYMS    $@"
	@$(PYTHON) ci/mksyms.py $< $@

$(SYMS_OBJ): $(BUILD)/obj/syms.S
	@$(CC) $(CFLAGS) -c -o $@ $<

$(BUILD)/obj/syms-none.o: $(SYMS_NONE_S) | $(DEPS_STAMP)
	@mkdir -p $(@D)
	@$(CC) $(CFLAGS) -c -o $@ $<

$(BUILD)/goose.elf: $(PAYLOAD_OBJS) $(SYMS_OBJ) $(BUILD)/obj/kernel-none.o $(LDSCRIPT)
	$(SAY) "  LD      $@"
	@$(CC) $(LDFLAGS) -o $@ $(PAYLOAD_OBJS) $(SYMS_OBJ) $(BUILD)/obj/kernel-none.o $(LIBGCC)
	@$(PYTHON) ci/mksyms.py --verify $(BUILD)/stage1.elf $@

$(BUILD)/obj/kernel-none.o: $(KERNEL_S) | $(DEPS_STAMP)
	@mkdir -p $(@D)
	@$(CC) $(CFLAGS) -c -o $@ $<

%.bin: %.elf
	$(SAY) "  OBJCOPY $@"
	@$(OBJCOPY) -O binary $< $@

payload: $(BUILD)/goose.bin

# ---- the program --------------------------------------------------------------
# KERNEL is a Go package directory (built here for linux/riscv64) or an ELF.
KERNEL_NAME := $(notdir $(abspath $(KERNEL)))
ifeq ($(wildcard $(KERNEL)/*.go),)
KERNEL_ELF := $(abspath $(KERNEL))
KERNEL_DIR := $(BUILD)/k/$(KERNEL_NAME)-$(shell echo '$(KERNEL_ELF)' | md5sum | cut -c1-8)
else
KERNEL_DIR := $(BUILD)/k/$(KERNEL_NAME)-$(shell echo '$(abspath $(KERNEL))' | md5sum | cut -c1-8)
KERNEL_ELF := $(KERNEL_DIR)/$(KERNEL_NAME).elf
# Go decides what to rebuild (the package, the module, its go.mod): always
# ask it, and keep the old file (and the image) when nothing changed.
$(KERNEL_ELF): FORCE | $(DEPS_STAMP)
	@mkdir -p $(@D)
	@cd $(abspath $(KERNEL)) && GOOS=linux GOARCH=riscv64 CGO_ENABLED=0 GOFLAGS=-trimpath $(GO) build -o $(abspath $@).new .
	@if cmp -s $@.new $@; then rm -f $@.new; else mv -f $@.new $@; $(if $(filter @true,$(SAY)),:,echo "  GO      $(KERNEL)"); fi
endif

# The image: the payload with the program linked in (.kernel).
IMAGE := $(KERNEL_DIR)/goose.bin
$(KERNEL_DIR)/kernel.o: $(KERNEL_S) $(KERNEL_ELF) | $(DEPS_STAMP)
	@test -f "$(KERNEL_ELF)" || { echo "make: KERNEL=$(KERNEL): no such Go package directory or ELF file" >&2; exit 2; }
	@mkdir -p $(@D)
	@$(CC) $(CFLAGS) -DGOOSE_KERNEL_ELF='"$(KERNEL_ELF)"' -DGOOSE_KERNEL_NAME='"$(KERNEL_NAME)"' -c -o $@ $<

$(KERNEL_DIR)/goose.elf: $(PAYLOAD_OBJS) $(SYMS_OBJ) $(KERNEL_DIR)/kernel.o $(LDSCRIPT)
	$(SAY) "  LD      $@"
	@$(CC) $(LDFLAGS) -o $@ $(PAYLOAD_OBJS) $(SYMS_OBJ) $(KERNEL_DIR)/kernel.o $(LIBGCC)

# One image serves every board (docs/boards/); BOARD= also copies it, with
# the board's device tree, under build/images/<board>/ for an SD card or TFTP.
BOARD ?=
BOARD_DTS_virt := qemu-virt
BOARD_DTS_sifive_u := sifive_u
BOARD_DTS_unmatched := unmatched
BOARD_DTS_visionfive2 := visionfive2
ifneq ($(BOARD),)
ifeq ($(BOARD_DTS_$(BOARD)),)
$(error BOARD=$(BOARD): want virt, sifive_u, unmatched or visionfive2)
endif
endif
image: $(IMAGE) $(if $(BOARD),$(BUILD)/dtb/$(BOARD_DTS_$(BOARD)).dtb)
	@cp $(IMAGE) $(KERNEL_DIR)/goose.efi
ifeq ($(BOARD),)
	@echo $(IMAGE)
else
	@mkdir -p $(BUILD)/images/$(BOARD)
	@cp $(IMAGE) $(BUILD)/images/$(BOARD)/goose.bin
	@cp $(IMAGE) $(BUILD)/images/$(BOARD)/goose.efi
	@cp $(BUILD)/dtb/$(BOARD_DTS_$(BOARD)).dtb $(BUILD)/images/$(BOARD)/$(BOARD).dtb
	@echo $(BUILD)/images/$(BOARD)/goose.bin
endif

GDB_PORT ?= 1234
# QEMU waits for gdb before the first instruction; `make gdb` (another
# terminal) connects with both symbol sets (docs/debugging.md).
debug: $(IMAGE)
	@$(PYTHON) ci/gdbinit.py $(abspath $(KERNEL_DIR)/goose.elf) $(KERNEL_ELF) $(GDB_PORT) > $(BUILD)/debug.gdb
	@echo "goose: QEMU waits for gdb on 127.0.0.1:$(GDB_PORT); in another terminal: make gdb KERNEL=$(KERNEL)" >&2
	@GOOSE_BOOTARGS='$(subst ','\'',$(value BOOTARGS))' $(PYTHON) ci/qemu.py --image $(IMAGE) $(QEMU_STACK) \
		--smp $(SMP) --mem $(MEM) --gdb $(GDB_PORT) \
		$(if $(INITRD),--initrd $(abspath $(INITRD))) -- $(QEMU_EXTRA)

gdb: $(IMAGE)
	@$(PYTHON) ci/gdbinit.py $(abspath $(KERNEL_DIR)/goose.elf) $(KERNEL_ELF) $(GDB_PORT) > $(BUILD)/debug.gdb
	@gdb-multiarch -q -x $(BUILD)/debug.gdb

# A path (with a slash) is taken from where make runs; a bare name is looked up on PATH.
stack_path = $(if $(findstring /,$(1)),$(abspath $(1)),$(1))
# ci/qemu.py's options for the stack variables above (empty ones: its defaults).
QEMU_STACK = --machine $(MACHINE) --loader $(LOADER) $(if $(QEMU),--qemu $(call stack_path,$(QEMU))) \
	$(if $(filter default,$(FIRMWARE)),--firmware default,$(if $(FIRMWARE),--firmware $(abspath $(FIRMWARE)))) \
	$(if $(FW),--fw $(FW)) $(if $(CPU),--cpu $(CPU)) $(if $(UBOOT),--uboot $(abspath $(UBOOT))) \
	$(if $(EDK2),--edk2 $(abspath $(EDK2))) $(if $(CONSOLE),--console $(CONSOLE)) \
	$(if $(NET),--net $(NET)) $(if $(HOSTFWD),--hostfwd $(HOSTFWD))

run: $(IMAGE)
	@GOOSE_BOOTARGS='$(subst ','\'',$(value BOOTARGS))' $(PYTHON) ci/qemu.py --image $(IMAGE) $(QEMU_STACK) \
		--smp $(SMP) --mem $(MEM) --timeout $(TIMEOUT) $(if $(FIRMWARE_LOG),--firmware-log) \
		$(if $(INITRD),--initrd $(abspath $(INITRD))) \
		-- $(QEMU_EXTRA)

# ---- device trees -----------------------------------------------------------
DTBS := $(patsubst dts/%.dts,$(BUILD)/dtb/%.dtb,$(wildcard dts/*.dts dts/variants/*.dts))
# A variant /include/s a board's tree.
$(filter $(BUILD)/dtb/variants/%,$(DTBS)): $(wildcard dts/*.dts)
$(BUILD)/dtb/%.dtb: dts/%.dts | $(DEPS_STAMP)
	@mkdir -p $(@D)
	@dtc -q -I dts -O dtb -o $@ $<
dtbs: $(DTBS)

# ---- tests --------------------------------------------------------------------
HOST_TESTS := $(patsubst payload/tests/test_%.c,%,$(wildcard payload/tests/test_*.c))
HOST_CFLAGS := -std=gnu11 -g -O1 -DGOOSE_HOST -fsanitize=address,undefined -fno-sanitize-recover=all \
	-Wall -Wextra -Werror $(PAYLOAD_INC)
# The payload sources each host test links (the pure code it tests).
HOST_SRC_boards := fdt.c
HOST_SRC_clock :=
HOST_SRC_bootargs := bootargs.c
HOST_SRC_cpio := cpio.c
HOST_SRC_efi := efi.c
HOST_SRC_elf := elf.c gosym.c
HOST_SRC_fdt := fdt.c
HOST_SRC_gosym := gosym.c elf.c
HOST_SRC_kmap := kmap.c
# test_lib.c includes lib.c itself, under other names than libc's.
HOST_SRC_lib :=
HOST_SRC_pmem := pmem.c
HOST_SRC_uart := uart16550.c uart_sifive.c
HOST_SRC_vm := vm.c defer.c fault.c uaccess.c pmem.c
# The stateful half (fs/, net/) over the real mm/ and tests/host_kernel.c's
# stand-ins for the kernel and devices below them.
HOST_FS := tmpfs.c namei.c tree.c initramfs.c file.c locks.c pipe.c epoll.c eventfd.c devfs.c vm.c defer.c fault.c uaccess.c \
	pmem.c \
	kmem.c \
	cpio.c bootargs.c
HOST_SRC_fs := $(HOST_FS)
HOST_SRC_pipe := $(HOST_FS)
HOST_SRC_epoll := $(HOST_FS)
HOST_SRC_locks := $(HOST_FS)
HOST_SRC_net := $(HOST_FS) socket.c msg.c stream.c unix.c inet.c raw.c netlink.c provider.c
HOST_KERNEL := payload/tests/host_kernel.c
HOST_KERNEL_fs := $(HOST_KERNEL)
HOST_KERNEL_pipe := $(HOST_KERNEL)
HOST_KERNEL_epoll := $(HOST_KERNEL)
HOST_KERNEL_locks := $(HOST_KERNEL)
HOST_KERNEL_net := $(HOST_KERNEL)
host_srcs = $(foreach f,$(HOST_SRC_$(1)),$(call payload_src,$(f))) $(HOST_KERNEL_$(1))
PAYLOAD_H := $(wildcard $(addsuffix /*.h,$(PAYLOAD_DIRS)))
.SECONDEXPANSION:
$(BUILD)/host/test_%: payload/tests/test_%.c $$(call host_srcs,$$*) $(PAYLOAD_H) $(GEN_HEADERS) | $(DEPS_STAMP)
	@mkdir -p $(@D)
	$(HOSTCC) $(HOST_CFLAGS) -o $@ $< $(call host_srcs,$*)

# make board-check DTB=<file.dtb or .dts> [BOOTARGS=...]: goose's boot plan for a
# board from its device tree (tools/board_check.c), built from goose's own FDT
# parser and driver tables.
BOARD_CHECK_SRC := fdt.c bootargs.c uart16550.c uart_sifive.c sbi_console.c plic.c sifive_test.c rtc_goldfish.c
board_check_srcs = $(foreach f,$(BOARD_CHECK_SRC),$(call payload_src,$(f)))
$(BUILD)/host/board_check: tools/board_check.c $$(board_check_srcs) $(PAYLOAD_H) | $(DEPS_STAMP)
	@mkdir -p $(@D)
	$(HOSTCC) $(HOST_CFLAGS) -o $@ $< $(board_check_srcs)
board-check: $(BUILD)/host/board_check
	@test -n "$(DTB)" || { echo "usage: make board-check DTB=<file.dtb or .dts> [BOOTARGS=...]" >&2; exit 2; }
	@case "$(DTB)" in *.dts) dtc -q -I dts -O dtb -o $(BUILD)/board-check.dtb "$(DTB)" && \
		$(BUILD)/host/board_check $(BUILD)/board-check.dtb "$(BOOTARGS)";; \
		*) $(BUILD)/host/board_check "$(DTB)" "$(BOOTARGS)";; esac

# test_fdt and test_boards check every compiled tree.
$(BUILD)/host/test_fdt $(BUILD)/host/test_boards: $(DTBS)
$(BUILD)/host/test_lib: payload/lib/lib.c

test: $(DEPS_STAMP)
	@$(PYTHON) ci/test.py

test-host: $(addprefix $(BUILD)/host/test_,$(HOST_TESTS))
	@$(PYTHON) ci/test.py --only host

test-go: $(BUILD)/goose.bin
	@$(PYTHON) ci/gotest.py

# cgo programs, again and again: what fails once in a few boots shows here.
SOAK_RUNS ?= 20
SOAK_SMP ?= 1,2
# make soak: the stress programs booted again and again at 2 and 4 harts under
# the lock checker, 120 boots by default (6 programs x 2 x SOAK_EACH=10);
# make test runs each once (its suite soak).
SOAK_PROGRAMS := stress tlb_reuse munmap_race futex gc_churn signals_notify
SOAK_EACH ?= 10
soak:
	@GOOSE_DEBUG=locks $(PYTHON) ci/soak.py --runs $(SOAK_EACH) --smp 2,4 -j 2 $(SOAK_PROGRAMS)

soak-cgo: $(BUILD)/goose.bin
	@$(PYTHON) ci/soak.py --runs $(SOAK_RUNS) --smp $(SOAK_SMP)

# docs/boot-flow.svg is drawn from its source (graphviz); docs/syscalls.md
# is made from the system-call table.
docs: docs/boot-flow.svg
	@$(PYTHON) ci/mksyscalls.py --docs
	@$(PYTHON) ci/mkoptions.py
	@$(PYTHON) ci/layers.py --dot
	@dot -Tsvg docs/layers.dot -o docs/layers.svg
	@$(PYTHON) ci/mkboards.py
docs/boot-flow.svg: docs/boot-flow.dot | $(DEPS_STAMP)
	@dot -Tsvg $< -o $@

lint: $(DEPS_STAMP)
	@bash ci/lint.sh

bench: $(DEPS_STAMP)
	@$(PYTHON) ci/bench.py

# Go's own package tests (ci/stdtest.py): PKGS picks packages (default: the
# full list), GO a toolchain (default: every one ci/gotest.py knows),
# STDTEST_TIMEOUT is the limit per package and run.
STDTEST_TIMEOUT ?= 300
stdtest: $(DEPS_STAMP)
	@$(PYTHON) ci/stdtest.py --timeout $(STDTEST_TIMEOUT) $(if $(PKGS),--pkgs "$(PKGS)") \
		$(if $(GO),--go "$(GO)")

# net's and net/http's own tests with goose's network provider linked in
# (ci/stdtest.py --provider: gVisor's netstack over virtio-net, on QEMU's
# restricted user network), on SMP harts; PKGS, GO and STDTEST_TIMEOUT as
# for stdtest.
stdtest-net: $(DEPS_STAMP)
	@$(PYTHON) ci/stdtest.py --provider --smp $(SMP) --timeout $(STDTEST_TIMEOUT) \
		--pkgs "$(if $(PKGS),$(PKGS),net net/http)" $(if $(GO),--go "$(GO)")

# Any module's package tests (ci/pkgtest.py): go test -exec ci/goose-exec, and
# go test -exec qemu-riscv64 as the reference, for each package PKG matches in DIR.
DIR ?= .
PKG ?=
gotest: $(DEPS_STAMP)
	@test -n '$(PKG)' || { echo "make gotest: PKG=<package pattern> (and DIR=<module dir>) please" >&2; exit 2; }
	@$(PYTHON) ci/pkgtest.py --dir $(abspath $(DIR)) --go "$(GO)" $(PKG)

# Popular modules' own tests (ci/modules.txt, pinned versions from the Go
# module proxy) under goose and the reference; MODULES="bbolt uuid" picks some.
modules: $(DEPS_STAMP)
	@$(PYTHON) ci/modules.py $(MODULES)

# The whole cross product of QEMU x OpenSBI x firmware kind x CPU, machines
# and loaders (ci/matrix.py --full), written to docs/compat-firmware.md;
# MATRIX="<row name patterns>" boots some rows only, and writes no doc.
matrix: $(DEPS_STAMP)
	@$(PYTHON) ci/matrix.py --full -j 2 $(if $(MATRIX),$(foreach p,$(MATRIX),--only '$(p)'),--doc docs/compat-firmware.md)

# Deliberate bugs the tests must catch (ci/mutants/README.md).
mutants: $(DEPS_STAMP)
	@$(PYTHON) ci/mutants.py $(MUTANTS)

FUZZ_SECONDS ?= 60
fuzz: $(DEPS_STAMP)
	@bash ci/fuzz.sh --seconds $(FUZZ_SECONDS) $(FUZZ)

clean:
	rm -rf $(BUILD)

FORCE:
