/* SPDX-License-Identifier: MIT */
/*
 * goose_main: from the firmware's hand-off to the Go program's first
 * instruction (docs/boot.md walks through it). entry.S has turned on the
 * direct map and relocated the image; this hart won the entry lottery.
 */
#include "arch/riscv/extable.h"
#include "arch/riscv/ioremap.h"
#include "arch/riscv/kmap.h"
#include "arch/riscv/layout.h"
#include "arch/riscv/riscv.h"
#include "dev/console.h"
#include "dev/irq.h"
#include "dev/power.h"
#include "dev/random.h"
#include "dev/rtc.h"
#include "fs/devirq.h"
#include "fs/devmem.h"
#include "fs/file.h"
#include "fs/vfs.h"
#include "include/uapi/errno.h"
#include "include/uapi/fcntl.h"
#include "kernel/clock.h"
#include "kernel/loader.h"
#include "kernel/thread.h"
#include "kernel/trace.h"
#include "kernel/vector.h"
#include "lib/bootargs.h"
#include "lib/cpio.h"
#include "lib/efi.h"
#include "lib/elf.h"
#include "lib/fdt.h"
#include "lib/isa.h"
#include "mm/kmem.h"
#include "mm/vm.h"
#include "net/net.h"
#include "sbi/sbi.h"
#include "sys/sys.h"

#ifndef GOOSE_VERSION
#define GOOSE_VERSION "dev"
#endif

/* A device tree larger than this is not one (entry.S maps 4 MiB of it at least). */
#define FDT_MAX_SIZE (4ul << 20)

/* entry.S, payload.ld, kernel.S, trap.S */
extern uint64_t boot_pt[512];
extern char boot_stack[], boot_stack_top[];
extern char _start[], _end[];
extern const uint8_t goose_kernel_elf[];
extern const uint64_t goose_kernel_elf_size;
extern const char goose_kernel_name[];
extern uint64_t boot_instret, boot_time;
extern uint64_t boot_satp, secondary_trampoline_satp;
extern char secondary_entry[], hart_park_entry[];
void trap_resume(struct frame *f) __attribute__((noreturn));

static struct fdt_info info NOINIT;	/* fdt_parse clears it */
static struct bootargs bootargs;

/* Secondary harts turn the MMU on with this: goose's half of boot_pt plus
 * the identity mapping of the image (boot_pt_ident). */
static uint64_t trampoline_pt[512] __attribute__((aligned(4096)));
extern uint64_t boot_pt_ident[512];

/* Page-table pages for the direct map (kmap.c, which clears each as it takes it). */
#define KMAP_POOL_PAGES 64
static uint64_t kmap_pool[KMAP_POOL_PAGES][512] __attribute__((aligned(4096))) NOINIT;

static void __attribute__((noreturn)) boot_fail(void)
{
	goose_exit(POWER_EXIT_GOOSE_FAILURE);
}

static const struct fdt_hart *boot_hart(unsigned long hartid)
{
	for (int i = 0; i < info.nharts; i++)
		if (info.harts[i].hartid == hartid)
			return &info.harts[i];
	return NULL;
}

/*
 * Zkr's seed CSR (ISA manual, "Entropy Source"): OPST in bits 31:30 says
 * ES16 (0b10: 16 bits of entropy in 15:0), WAIT and BIST (try again) or
 * DEAD (never again). QEMU gives the 32-bit value sign-extended, so only
 * those two bits count. The firmware may keep seed closed to S-mode
 * (mseccfg.SSEED, set by OpenSBI from 1.4 on) whatever the ISA string
 * says: a read that traps, a DEAD source or one that stays silent is said
 * once and left alone.
 */
#define SEED_OPST(v) (((v) >> 30) & 3)
#define SEED_ES16 2
#define SEED_DEAD 3
#define SEED_MAX_READS (1u << 20)

static void boot_seed_zkr(uint32_t hartid)
{
	uint8_t seed[32];
	uint32_t reads = 0;

	for (size_t i = 0; i < sizeof(seed); i += 2) {
		uint64_t v;

		do {
			if (csr_try_swap_seed(&v)) {
				gmsg("hart %u: zkr: the seed CSR traps (absent, or the firmware keeps it from S-mode): not used", hartid);
				return;
			}
			if (SEED_OPST(v) == SEED_DEAD) {
				gmsg("hart %u: zkr: the seed CSR says DEAD: not used", hartid);
				return;
			}
			if (++reads == SEED_MAX_READS) {
				gmsg("hart %u: zkr: no entropy from the seed CSR in %u reads: not used", hartid, reads);
				return;
			}
		} while (SEED_OPST(v) != SEED_ES16);
		seed[i] = (uint8_t)v;
		seed[i + 1] = (uint8_t)(v >> 8);
	}
	random_seed(seed);
}

/* Seed the generator from everything that differs between boots. */
static void boot_seed(const struct fdt_hart *bh)
{
	uint8_t seed[32];
	uint64_t w[4] = { rdtime(), csr_read(CSR_CYCLE), clock_realtime_ns(), csr_read(CSR_INSTRET) };

	memcpy(seed, w, sizeof(seed));
	random_seed(seed);
	if (info.rng_seed) {
		for (uint32_t off = 0; off < info.rng_seed_len; off += sizeof(seed)) {
			memset(seed, 0, sizeof(seed));
			memcpy(seed, info.rng_seed + off, MIN(sizeof(seed), (size_t)(info.rng_seed_len - off)));
			random_seed(seed);
		}
	}
	if (bh && bh->has_zkr)
		boot_seed_zkr(bh->hartid);
}

static struct kmap_range kmap_holes[FDT_MAX_RANGES];
static struct kmap kmap;

/* The direct map's builder, its holes the firmware's /reserved-memory. */
static struct kmap *boot_kmap(void)
{
	int nholes = 0;

	for (int i = 0; i < info.nresv; i++)
		if (info.resv_node[i])
			kmap_holes[nholes++] = (struct kmap_range){ ALIGN_DOWN(info.resv[i].base, PAGE_SIZE),
								    ALIGN_UP(info.resv[i].base + info.resv[i].size, PAGE_SIZE) };
	kmap = (struct kmap){
		.root = boot_pt,
		.pool = kmap_pool,
		.npool = KMAP_POOL_PAGES,
		.pool_pa = IMAGE_PA(kmap_pool),
		.va_base = KERNEL_BASE,
		.va_limit = (uint64_t)KERNEL_DIRECT_GIB << 30,
		.holes = kmap_holes,
		.nholes = nholes,
		.leaf_flags = PTE_V | PTE_R | PTE_W | PTE_X | PTE_G | PTE_A | PTE_D,
	};
	return &kmap;
}

/*
 * The direct map of RAM and device registers, replacing entry.S's window
 * onto the FDT (kmap.h says why no large page may cover firmware memory).
 * The FDT is RAM, so what info points into stays reachable.
 */
static void boot_direct_map(uint64_t fdt_pa, size_t fdt_len)
{
	struct kmap *k = boot_kmap();
	int r = 0;

	for (int i = 256; i < 256 + KERNEL_DIRECT_GIB; i++)
		boot_pt[i] = 0;
	sfence_vma_all();
	for (int i = 0; i < info.nmem && !r; i++) {
		uint64_t b = ALIGN_UP(info.mem[i].base, PAGE_SIZE), e = ALIGN_DOWN(info.mem[i].base + info.mem[i].size, PAGE_SIZE);

		e = MIN(e, k->va_limit);
		if (b < e)
			r = kmap_add(k, b, e);
	}
	for (int i = 0; i < info.nmmio && !r; i++) {
		uint64_t b = ALIGN_DOWN(info.mmio[i].base, PAGE_SIZE);
		uint64_t e = ALIGN_UP(info.mmio[i].base + info.mmio[i].size, PAGE_SIZE);

		if (e <= k->va_limit)
			r = kmap_add(k, b, e);
	}
	/* The FDT stays readable even where the memory nodes leave it out. */
	if (!r)
		r = kmap_add(k, ALIGN_DOWN(fdt_pa, PAGE_SIZE), ALIGN_UP(fdt_pa + fdt_len, PAGE_SIZE));
	sfence_vma_all();
	if (r)
		panic("boot_direct_map: %d page-table pages are not enough for this machine's memory map",
		      KMAP_POOL_PAGES);
}

static void __attribute__((noinline)) boot_crashtest(void)
{
	/* An address no page table maps (page 0 of the program's half). */
	volatile uint64_t *nowhere = (volatile uint64_t *)(uintptr_t)strtou64("16");

	gmsg("goose.crashtest: faulting inside goose on purpose");
	*nowhere = 1;
}

/* goose.crashtest=locks: the random state's lock, then the heap's, whose
 * rank is lower (arch/riscv/spinlock.h): the lock checker's report. */
static void boot_crashtest_locks(void)
{
#ifdef GOOSE_DEBUG_LOCKS
	gmsg("goose.crashtest=locks: taking two locks against their order on purpose");
	struct spinlock outer = SPINLOCK_INIT("crashtest-outer", LOCK_RANK_RANDOM);
	struct spinlock inner = SPINLOCK_INIT("crashtest-inner", LOCK_RANK_KMEM);

	spin_lock(&outer);
	spin_lock(&inner);
	panic("goose.crashtest=locks: the lock checker let it pass");
#else
	gmsg("goose.crashtest=locks needs a build with the lock checker (GOOSE_DEBUG=locks)");
	boot_fail();
#endif
}

/*
 * goose.crashtest=nap: hart 1 holds a lock while the boot hart, its
 * interrupts not yet on, waits for it, until that wait has napped once
 * (arch/riscv/smp.c: spin_lock_slow) or a second went by; the nap must end,
 * and the boot go on. It once napped with no interrupt enabled to end it,
 * and the boot never did (found by make soak).
 */
static struct spinlock nap_test_lock = SPINLOCK_INIT("crashtest-nap", LOCK_RANK_CONSOLE);
static int nap_test;	/* 1: hart 1 is to hold the lock; 2: it does */

static void nap_test_hold(struct hart *h)
{
	if (h->index != 1 || !__atomic_load_n(&nap_test, __ATOMIC_SEQ_CST))
		return;
	spin_lock(&nap_test_lock);
	__atomic_store_n(&nap_test, 2, __ATOMIC_SEQ_CST);
	for (uint64_t t = rdtime(); !__atomic_load_n(&harts[0].spin_naps, __ATOMIC_RELAXED) &&
				    rdtime() - t < clock_timebase();)
		;
	spin_unlock(&nap_test_lock);
}

static void nap_test_wait(struct hart *h)
{
	if (!nap_test)
		return;
	if (nharts < 2) {
		gmsg("goose.crashtest=nap needs 2 harts or more");
		boot_fail();
	}
	while (__atomic_load_n(&nap_test, __ATOMIC_SEQ_CST) != 2)
		;
	uint64_t t = rdtime(), naps = h->spin_naps;

	spin_lock(&nap_test_lock);
	spin_unlock(&nap_test_lock);
	gmsg("goose.crashtest=nap: waited %lu us for the lock hart 1 held, %lu naps",
	     (rdtime() - t) * 1000000 / clock_timebase(), h->spin_naps - naps);
}

/* The options the boot itself acts on; the others are registered beside
 * their code (trace.c, loader.c, clock.c, devfs.c). */
static BOOT_OPTION(quiet_option, "goose.quiet", "goose.quiet", "no boot report");
static BOOT_OPTION(init_option, "goose.init", "goose.init=/path",
		   "the program to run from a cpio initramfs (default `/init`)");
static BOOT_OPTION(cwd_option, "goose.cwd", "goose.cwd=/path", "the program's working directory (default `/`)");
static BOOT_OPTION(harts_option, "goose.harts", "goose.harts=<n>",
		   "run on at most n harts (1: the boot hart alone)");
static BOOT_OPTION(faultahead_option, "goose.faultahead", "goose.faultahead=<pages>",
		   "pages a first touch maps at once when the program fills anonymous memory in address order "
		   "(default 16, at most 512; 0 or 1: one page a fault, as without it)");
static BOOT_OPTION(idlepoll_option, "goose.idlepoll", "goose.idlepoll=<us>",
		   "how long an idle hart polls for work before it waits for an interrupt (default 50, at most "
		   "10000; 0: it waits at once, and every wake-up takes an IPI)");
static BOOT_OPTION(tlbdefer_option, "goose.tlbdefer", "goose.tlbdefer=0",
		   "munmap waits for every other hart to flush its TLB, as Linux does. Default 1: munmap of private "
		   "anonymous memory lets them flush at their next trap (not a page fault, mmap or munmap), its pages "
		   "and addresses kept out of use until then (docs/architecture.md, \"TLB shootdowns\")");
static BOOT_OPTION(crashtest_option, "goose.crashtest", "goose.crashtest[=locks or nap]",
		   "fault inside goose on purpose before the program starts, to see the report a goose bug gives "
		   "(function, file and line of goose's code, registers); `=locks`: take two locks against their "
		   "order, which a GOOSE_DEBUG=locks build reports with both call sites; `=nap`: hart 1 holds a "
		   "lock until the boot hart's wait for it has napped (spinlocks), which must end");

/* Digits only, at least one. */
static bool is_number(const char *s)
{
	const char *e = s;

	while (*e >= '0' && *e <= '9')
		e++;
	return e != s && !*e;
}

/* goose.<name>=0 or 1: its value, dflt when not given; anything else stops
 * the boot. */
static bool flag_option(const struct boot_option *o, bool dflt)
{
	const char *v = boot_option_value(&bootargs, o);

	if (v && strcmp(v, "0") && strcmp(v, "1")) {
		gmsg("%s=%s: want 0 or 1", o->name, v);
		boot_fail();
	}
	return v ? !strcmp(v, "1") : dflt;
}

/* goose.<name>=<number>, 0 to max (of unit): its value, dflt when not
 * given; anything else stops the boot. */
static uint64_t number_option(const struct boot_option *o, uint64_t max, const char *unit, uint64_t dflt)
{
	const char *v = boot_option_value(&bootargs, o);

	if (v && (!is_number(v) || strtou64(v) > max)) {
		gmsg("%s=%s: want %s, 0 to %lu", o->name, v, unit, max);
		boot_fail();
	}
	return v ? strtou64(v) : dflt;
}

/* goose's options: a misspelt one is an error, not silently nothing. */
static void boot_check_options(void)
{
	char known[256];
	const char *bad = bootargs_unknown(&bootargs, known, sizeof(known));

	if (bad) {
		size_t n = strchr(bad, '=') ? (size_t)(strchr(bad, '=') - bad) : strlen(bad);

		gmsg("bootargs: unknown option %.*s (goose knows %s; docs/boot.md)", (int)MIN(n, (size_t)64), bad, known);
		boot_fail();
	}
}

/* Why an initrd /chosen names was left alone (for the no-program line), or "". */
static char initrd_ignored[112];

/*
 * The initrd must be RAM goose can read (inside one memory bank) and be an
 * ELF or a cpio archive. Firmware may leave linux,initrd-* behind from a
 * tree of its own (StarFive's VisionFive 2 tree names 0x46100000-0x4c000000
 * whether an initrd was loaded or not): what is neither is said and ignored.
 */
static void boot_check_initrd(void)
{
	uint64_t b = info.initrd_start, e = info.initrd_end;
	const uint8_t *p = PA2VA(b);

	if (e <= b)
		return;
	for (int i = 0; i < info.nmem; i++) {
		uint64_t mb = info.mem[i].base, me = MIN(mb + info.mem[i].size, (uint64_t)KERNEL_DIRECT_GIB << 30);

		if (b >= mb && e <= me) {
			if (cpio_is_archive(p, e - b) || (e - b >= 4 && !memcmp(p, "\177ELF", 4)))
				return;
			snprintf(initrd_ignored, sizeof(initrd_ignored),
				 "the initrd 0x%lx-0x%lx (%lu KiB) is neither an ELF nor a cpio archive", b, e,
				 (e - b) >> 10);
			info.initrd_start = info.initrd_end = 0;
			if (goose_kernel_elf_size)
				gmsg("%s (a stale linux,initrd-* from the firmware?): ignored", initrd_ignored);
			return;
		}
	}
	gmsg("fdt: /chosen: initrd 0x%lx-0x%lx is not inside RAM", b, e);
	boot_fail();
}

/* ---- started as an EFI application (boot/efi.c) ---------------------------- */

extern struct efi_handoff efi_handoff;

static bool booted_by_uefi(void)
{
	return efi_handoff.magic == EFI_HANDOFF_MAGIC;
}

/*
 * What the EFI entry learnt, over what the FDT says: its memory map's RAM
 * banks (the FDT's /memory when they agree; said when not), the command
 * line from the load options, the initrd it loaded, and the boot hart when
 * firmware has no RISCV_EFI_BOOT_PROTOCOL (/chosen/boot-hartid then).
 */
static void boot_efi(unsigned long *hartid)
{
	const struct efi_handoff *e = &efi_handoff;
	bool same = e->nram == info.nmem;

	if (!booted_by_uefi())
		return;
	if (*hartid == EFI_HARTID_UNKNOWN) {
		if (!info.has_boot_hartid) {
			gmsg("UEFI: no boot hart: the firmware has no RISCV_EFI_BOOT_PROTOCOL and the FDT no "
			     "/chosen/boot-hartid");
			boot_fail();
		}
		*hartid = info.boot_hartid;
	}
	for (int i = 0; i < e->nram && same; i++) {
		same = false;
		for (int j = 0; j < info.nmem; j++)
			if (info.mem[j].base == e->ram[i].base && info.mem[j].base + info.mem[j].size == e->ram[i].end)
				same = true;
	}
	if (!e->nram) {
		gmsg("UEFI: the memory map has no RAM; using the FDT's /memory");
	} else {
		uint64_t efi_mib = 0, fdt_mib = 0;

		for (int i = 0; i < e->nram; i++)
			efi_mib += (e->ram[i].end - e->ram[i].base) >> 20;
		for (int i = 0; i < info.nmem; i++)
			fdt_mib += info.mem[i].size >> 20;
		if (!same)
			gmsg("UEFI: the memory map's RAM (%lu MiB in %d bank%s) is not the FDT's /memory (%lu MiB in %d "
			     "bank%s): goose uses the memory map", efi_mib, e->nram, e->nram == 1 ? "" : "s", fdt_mib,
			     info.nmem, info.nmem == 1 ? "" : "s");
		for (int i = 0; i < e->nram; i++)
			info.mem[i] = (struct fdt_range){ e->ram[i].base, e->ram[i].end - e->ram[i].base };
		info.nmem = e->nram;
	}
	if (e->ram_lost)
		gmsg("UEFI: %d RAM bank%s past the first %d left unused", e->ram_lost, e->ram_lost == 1 ? "" : "s",
		     EFI_MAX_RAM);
	if (e->cmdline_from[0])
		info.bootargs = e->cmdline;
	if (e->initrd_end > e->initrd_start) {
		info.initrd_start = e->initrd_start;
		info.initrd_end = e->initrd_end;
	}
}

/* The wall clock from UEFI's GetTime (read by the EFI entry), when there is one. */
static const char *boot_efi_time(uint64_t *ns)
{
	const struct efi_handoff *e = &efi_handoff;

	if (!booted_by_uefi() || !e->time_ns || !info.timebase_hz)
		return NULL;
	*ns = e->time_ns + (rdtime() - e->time_ticks) * NSEC_PER_SEC / info.timebase_hz;
	return "UEFI GetTime";
}

static void boot_memory(uint64_t fdt_pa, size_t fdt_len)
{
	struct pmem_range ram[FDT_MAX_RANGES], holes[FDT_MAX_RANGES + EFI_MAX_RESV + 3];
	int nholes = 0;

	/* RAM past the direct map's end is out of goose's reach. */
	for (int i = 0; i < info.nmem; i++)
		ram[i] = (struct pmem_range){ info.mem[i].base,
					      MIN(info.mem[i].base + info.mem[i].size, (uint64_t)KERNEL_DIRECT_GIB << 30) };
	/* Firmware, reserved-memory (with or without no-map: neither may be handed out). */
	for (int i = 0; i < info.nresv; i++)
		holes[nholes++] = (struct pmem_range){ info.resv[i].base, info.resv[i].base + info.resv[i].size };
	holes[nholes++] = (struct pmem_range){ IMAGE_PA(_start), IMAGE_PA(_end) };
	holes[nholes++] = (struct pmem_range){ fdt_pa, fdt_pa + fdt_len };
	if (info.initrd_end > info.initrd_start)
		holes[nholes++] = (struct pmem_range){ info.initrd_start, info.initrd_end };
	/* What UEFI's memory map keeps: runtime services, ACPI, reserved. */
	for (int i = 0; booted_by_uefi() && i < efi_handoff.nresv; i++)
		holes[nholes++] = (struct pmem_range){ efi_handoff.resv[i].base, efi_handoff.resv[i].end };
	if (pmem_init(&pmem, KERNEL_BASE, ram, info.nmem, holes, nholes)) {
		gmsg("memory: no free RAM left after the firmware, goose, the FDT and the initrd");
		boot_fail();
	}
	/* The Go program's half of the address space starts empty: drop the
	 * identity entry entry.S used to turn the MMU on. boot_pt stays the
	 * root for good: goose's upper half and the program's lower half. */
	for (int i = 0; i < 256; i++)
		boot_pt[i] = 0;
	sfence_vma_all();
	vm_init(boot_pt);
}

/*
 * /proc/self/exe names the program (os.Executable reads it): its path in the
 * initramfs, or, for a program that is not in the tree (embedded in the
 * image, or the initrd itself), a read-only file at /<name> whose bytes stay
 * where they are; that path is then argv[0] too, as exec would give it. And
 * /etc/hosts names localhost unless the initramfs brought one: Go's
 * resolver reads it before it would ask DNS.
 */
static void boot_name_program(const char **argv0, const void *elf, size_t len)
{
	static const char hosts[] = "127.0.0.1\tlocalhost\n";
	static char path[VFS_NAME_MAX + 2];
	const char *name = *argv0, *base = name;
	int r;

	for (const char *p = name; *p; p++)
		if (*p == '/')
			base = p + 1;
	if (elf) {
		snprintf(path, sizeof(path), "/%s", base);
		name = *argv0 = path;
		if (vfs_add_static(path, elf, len, 0555) == -EEXIST)
			gmsg("/proc/self/exe: the initramfs has a %s too; that file is what it names", path);
	}
	r = vfs_add_static("/etc/hosts", hosts, sizeof(hosts) - 1, 0644);
	if ((r && r != -EEXIST) || procfs_exe(name))
		gmsg("no memory for /proc/self/exe and /etc/hosts");
}

/* The program: embedded in the image, else the initrd (an ELF, or a cpio
 * archive holding goose.init=<path>, default /init). */
static void boot_find_program(struct loader_info *li)
{
	const uint8_t *initrd = info.initrd_end > info.initrd_start ? PA2VA(info.initrd_start) : NULL;
	size_t initrd_len = initrd ? info.initrd_end - info.initrd_start : 0;
	const char *init = boot_option_value(&bootargs, &init_option);

	if (initrd && cpio_is_archive(initrd, initrd_len) && vfs_unpack_cpio(initrd, initrd_len))
		boot_fail();
	if (goose_kernel_elf_size) {
		li->elf = goose_kernel_elf;
		li->len = goose_kernel_elf_size;
		li->argv0 = goose_kernel_name[0] ? goose_kernel_name : "/init";
		boot_name_program(&li->argv0, li->elf, li->len);
		return;
	}
	if (initrd && !cpio_is_archive(initrd, initrd_len)) {
		li->elf = initrd;
		li->len = initrd_len;
		li->argv0 = init ? init : "/init";
		boot_name_program(&li->argv0, li->elf, li->len);
		return;
	}
	if (!init)
		init = "/init";
	int r = initrd ? vfs_file_bytes(init, &li->elf, &li->len) : -1;

	if (r) {
		if (initrd_ignored[0])
			gmsg("no program to run: none is embedded in the image, and %s (a stale linux,initrd-* from the "
			     "firmware?)", initrd_ignored);
		else
			gmsg("no program to run: none is embedded in the image, and %s%s%s",
			     initrd ? "the initramfs has no " : "there is no initrd", initrd ? init : "",
			     initrd ? " (set goose.init=<path>)" : " (make image KERNEL=... embeds one)");
		boot_fail();
	}
	li->argv0 = init;
	boot_name_program(&li->argv0, NULL, 0);
}

/*
 * OpenSBI before 1.3 (its commit c6a092cd) leaves pending the IPI that ends
 * a secondary hart's wait for the cold boot, and the hart then waits for
 * HSM hart_start in a wfi that returns at once: a hart no one starts spins,
 * a whole host CPU under QEMU, power on a board. Started once it has the
 * IPI cleared; it stops again at once (hart_park_entry) and waits in a wfi
 * that halts. A hart with no S-mode gets as far as the firmware's switch
 * to S-mode, which hangs it in a wfi loop, halted as well.
 */
static void park_hart(unsigned long hartid)
{
	static int needed = -1;	/* asked of the firmware the first time a hart is left over */

	if (needed < 0)
		needed = sbi_impl_id() == 1 && sbi_impl_version() < (1 << 16 | 3);
	if (!needed)
		return;
	struct sbiret s = sbi_hart_get_status(hartid);

	if (s.error || s.value != SBI_HSM_STOPPED)
		return;	/* not the firmware's to start (another domain's), or running */
	struct sbiret r = sbi_hart_start(hartid, IMAGE_PA(hart_park_entry), 0);

	if (r.error)
		gmsg("hart %lu: not used, and SBI hart_start to stop it failed (error %ld)", hartid, r.error);
}

/*
 * Start every other usable hart (okay, with an MMU) with SBI HSM; they run
 * secondary_main. goose.harts=<n> caps the count (1: the boot hart alone).
 * Where the firmware needs it, the harts left (past the cap, or not usable:
 * sifive_u's E51, which OpenSBI marks disabled for having no MMU) are
 * parked.
 */
static void boot_start_harts(void)
{
	const char *opt = boot_option_value(&bootargs, &harts_option);
	uint64_t want = opt ? strtou64(opt) : MAX_HARTS;

	if (opt && !want) {
		gmsg("goose.harts=%s: want a number of harts, 1 or more", opt);
		boot_fail();
	}
	if (!sbi_probe(SBI_EXT_HSM))
		return;
	boot_satp = SATP_MODE_SV39 | IMAGE_PA(boot_pt) >> PAGE_SHIFT;
	memcpy(&trampoline_pt[256], &boot_pt[256], 256 * sizeof(uint64_t));
	trampoline_pt[IMAGE_PA(_start) >> 30] = IMAGE_PA(boot_pt_ident) >> PAGE_SHIFT << PTE_PPN_SHIFT | PTE_V;
	secondary_trampoline_satp = SATP_MODE_SV39 | IMAGE_PA(trampoline_pt) >> PAGE_SHIFT;
	__atomic_thread_fence(__ATOMIC_SEQ_CST);

	for (int i = 0; i < info.nharts; i++) {
		const struct fdt_hart *fh = &info.harts[i];

		if (fh->hartid == harts[0].hartid)
			continue;
		if (!fh->usable || (uint64_t)nharts >= MIN(want, (uint64_t)MAX_HARTS)) {
			park_hart(fh->hartid);
			continue;
		}
		struct hart *h = &harts[nharts];
		uint8_t *stack = kzalloc(HART_STACK_SIZE);

		if (!stack) {
			gmsg("hart %u: no memory for its stack; not started", fh->hartid);
			break;
		}
		h->kstack_top = (uint64_t)(stack + HART_STACK_SIZE);
		h->kstack_canary = (uint64_t *)stack;
		*h->kstack_canary = HART_STACK_CANARY;
		h->hartid = fh->hartid;
		h->index = nharts;
		h->has_sstc = fh->has_sstc;
		h->timer_armed = UINT64_MAX;
		/* Until it takes the big lock it has no program translations. */
		h->tlb_lazy = TLB_AWAY;
		struct sbiret r = sbi_hart_start(fh->hartid, IMAGE_PA(secondary_entry), (unsigned long)h);

		if (r.error) {
			gmsg("hart %u: SBI hart_start failed (error %ld); not started", fh->hartid, r.error);
			kfree(stack);
			continue;
		}
		nharts++;
	}
}

/* A started hart: run threads like the boot hart does. */
void secondary_main(struct hart *h)
{
	nap_test_hold(h);
	clock_probe_sstc(h);
	csr_set(CSR_SSTATUS, SSTATUS_FS);
	csr_set(CSR_SIE, SIE_STIE | SIE_SSIE);
	big_lock_take(h);
	struct frame *f = sched_resume(h, NULL);

	big_lock_release();
	trap_resume(f);
}

static void boot_report(const struct loader_info *li, const char *console_name)
{
	char gover[32] = "unknown Go";
	uint64_t ram = 0;
	long impl = sbi_impl_id(), ver = sbi_impl_version(), spec = sbi_spec_version();
	static const char *const impls[] = { "Berkeley BBL", "OpenSBI", "Xvisor", "KVM", "RustSBI", "Diosix" };

	for (int i = 0; i < info.nmem; i++)
		ram += info.mem[i].size;
	elf_go_version(li->elf, li->len, gover, sizeof(gover));
	gmsg("goose %s on %s %ld.%ld (SBI %ld.%ld), boot hart %lu, %d of %d hart%s running, timebase %lu Hz",
	     GOOSE_VERSION, impl >= 0 && impl < (long)ARRAY_SIZE(impls) ? impls[impl] : "unknown SBI", ver >> 16,
	     ver & 0xffff, (spec >> 24) & 0x7f, spec & 0xffffff, harts[0].hartid, nharts, info.nharts,
	     info.nharts == 1 ? "" : "s", clock_timebase());
	for (int i = 0; i < info.nmem; i++)
		gmsg("RAM 0x%lx-0x%lx (%lu MiB)", info.mem[i].base, info.mem[i].base + info.mem[i].size,
		     info.mem[i].size >> 20);
	gmsg("memory: %lu MiB of %lu MiB free for the program; console %s; clock %s", pmem.free_pages >> 8,
	     ram >> 20, console_name, clock_source());
	gmsg("program %s: %s, %zu KiB, %zu syscall sites rewritten", li->argv0, gover, li->len >> 10,
	     loader_nsites());
	if (booted_by_uefi()) {
		const struct efi_handoff *e = &efi_handoff;
		uint64_t kib = 0;

		for (int i = 0; i < e->nresv; i++)
			kib += (e->resv[i].end - e->resv[i].base) >> 10;
		gmsg("UEFI: initrd %s; command line from %s; memory map of %u descriptors: %d reserved range%s "
		     "(%lu KiB) kept", e->initrd_from[0] ? e->initrd_from : "none", e->cmdline_from[0] ? e->cmdline_from :
		     "the FDT", e->ndesc, e->nresv, e->nresv == 1 ? "" : "s", kib);
	}
}

void goose_main(unsigned long hartid, uint64_t fdt_pa)
{
	struct hart *h = &harts[0];
	const void *fdt = PA2VA(fdt_pa);
	char err[200];
	size_t fdt_len;

	h->kstack_top = (uint64_t)boot_stack_top;
	h->kstack_canary = (uint64_t *)boot_stack;
	*h->kstack_canary = HART_STACK_CANARY;
	h->hartid = hartid;
	h->index = 0;
	nharts = 1;
	asm volatile("mv tp, %0" : : "r"(h));
	trace_boot_phase("entry");

	/* The SBI console until the FDT names a UART. */
	console_init(NULL);
	fdt_len = fdt_pa ? fdt_totalsize(fdt, FDT_MAX_SIZE) : 0;
	if (!fdt_len) {
		if (!fdt_pa)
			gmsg("fdt: no device tree (a1 = 0): boot goose with OpenSBI or U-Boot's booti");
		else if (fdt_check(fdt, FDT_MAX_SIZE, err, sizeof(err)))
			gmsg("%s (at 0x%lx)", err, fdt_pa);
		boot_fail();
	}
	int fdt_bad = fdt_parse(fdt, fdt_len, &info, err, sizeof(err));

	if (!fdt_bad) {
		boot_efi(&hartid);
		h->hartid = hartid;
	}

	if (!fdt_bad && !info.nmem)
		snprintf(err, sizeof(err), "fdt: no /memory node: the firmware must add one (goose learns RAM from "
			 "nothing else; a tree passed by hand needs memory@<base> with device_type \"memory\")");
	if (fdt_bad || !info.nmem) {
		/* A tree with no usable memory may still name the test device,
		 * so that QEMU's status says the boot failed. */
		const struct fdt_device *off = power_device(&info);

		if (off && !kmap_add(boot_kmap(), ALIGN_DOWN(off->base, PAGE_SIZE),
				     ALIGN_UP(off->base + off->size, PAGE_SIZE)))
			power_init(&info);
		gmsg("%s", err);
		boot_fail();
	}
	trace_boot_phase("fdt");
	boot_direct_map(fdt_pa, fdt_len);
	trace_boot_phase("direct map");
	io_init(&kmap);
	const char *console_name = console_init_machine(&info);

	power_init(&info);
	if (bootargs_split(info.bootargs, BOOTARGS_MAX_LEN, &bootargs, err, sizeof(err))) {
		gmsg("%s", err);
		boot_fail();
	}
	boot_check_options();
	boot_check_initrd();
	const char *opt = boot_option_value(&bootargs, &trace_option);

	if (opt && trace_init(opt))
		boot_fail();
	opt = boot_option_value(&bootargs, &time_option);
	uint64_t now_ns = 0;
	const char *time_source = rtc_read(&info, &now_ns);

	if (!time_source)
		time_source = boot_efi_time(&now_ns);

	if (!time_source && opt) {
		now_ns = strtou64(opt) * NSEC_PER_SEC;
		time_source = "goose.time";
	}
	clock_init(info.timebase_hz, now_ns, time_source);

	const struct fdt_hart *bh = boot_hart(hartid);

	h->has_sstc = bh && bh->has_sstc;
	h->timer_armed = UINT64_MAX;	/* the firmware leaves no timer set */
	clock_probe_sstc(h);
	boot_seed(bh);
	trace_boot_phase("console, clock");
	boot_memory(fdt_pa, fdt_len);
	trace_boot_phase("memory");

	vfs_init();
	if (devfs_stdio(boot_option_value(&bootargs, &stdin_option)))
		boot_fail();
	if (vfs_add_static("/sys/firmware/fdt", fdt, fdt_len, 0400))
		panic("goose_main: no memory for /sys/firmware/fdt");
	devmem_init(&info);
	procfs_init();
	if (net_procfs_init())
		panic("goose_main: no memory for /proc/net");
	irq_init(&info, h);
	devirq_init();
	trace_boot_phase("files, devices");

	struct loader_info li = { .ba = &bootargs, .hwcap = bh ? loader_hwcap(bh->isa) : 0 };

	/* V for the program when the hart has it, unless goose.vector=0:
	 * then AT_HWCAP and riscv_hwprobe do not show it either. */
	if (!vector_init(&bootargs, li.hwcap & ISA_LETTER('v')))
		li.hwcap &= ~ISA_LETTER('v');

	/* goose.vdso=0: time without the vDSO, as Linux's vdso=0 (docs/boot.md). */
	li.no_vdso_clock = !flag_option(&vdso_option, true);
	vm_set_fault_ahead(number_option(&faultahead_option, VM_FAULT_AHEAD_MAX, "a number of pages",
					 VM_FAULT_AHEAD_DEFAULT));
	sched_set_idle_poll(number_option(&idlepoll_option, IDLE_POLL_US_MAX, "microseconds", IDLE_POLL_US_DEFAULT));
	vm_set_tlb_defer(flag_option(&tlbdefer_option, true));

	syscall_set_cpu(li.hwcap, bh ? bh->ext : 0);
	if (bh && bh->isa[0])
		procfs_set_isa(bh->isa);

	boot_find_program(&li);
	trace_boot_phase("find program");
	if (procfs_process(li.argv0, &bootargs))
		gmsg("no memory for /proc/self/cmdline");
	opt = boot_option_value(&bootargs, &cwd_option);
	if (opt && vfs_chdir(opt)) {
		gmsg("goose.cwd=%s: no such directory", opt);
		boot_fail();
	}
	/* The most one mapping may ask: the program's whole half of the
	 * address space (mm/vm.h: memory is committed on touch). */
	vm_set_commit_limit(USER_TOP >> PAGE_SHIFT);
	struct thread *t = thread_alloc();

	if (!t || loader_load(&li, t))
		boot_fail();
	proc_thread_add(t->tid);
	sys_brk_init(loader_image_end());
	trace_boot_phase("stack, auxv");
	/* goose.crashtest: fault inside goose on purpose, to see (and test)
	 * the report a goose bug would give, as Linux's sysrq-c does. */
	opt = boot_option_value(&bootargs, &crashtest_option);
	if (opt && !strcmp(opt, "locks"))
		boot_crashtest_locks();
	else if (opt && !strcmp(opt, "nap"))
		nap_test = 1;
	else if (opt)
		boot_crashtest();
	boot_start_harts();
	ev_start();
	nap_test_wait(h);
	trace_boot_phase("harts");
	if (!boot_option_value(&bootargs, &quiet_option))
		boot_report(&li, console_name);
	sched_make_runnable(t);
	trace_boot_phase("report");

	/* Timer and software interrupts end time slices and wake idle harts;
	 * they are taken only while Go code runs (sstatus.SIE stays 0 in goose). */
	csr_set(CSR_SSTATUS, SSTATUS_FS);
	csr_set(CSR_SIE, SIE_STIE | SIE_SSIE);
	trace_boot_report(boot_instret);
	if (!boot_option_value(&bootargs, &quiet_option)) {
		uint64_t n = rdinstret() - boot_instret, ns = (rdtime() - boot_time) * 1000000000ull / clock_timebase();

		/* instret counts instructions on hardware and under QEMU -icount;
		 * plain QEMU reports host ticks there (docs/boot.md). */
		gmsg("%lu us and %lu instret from goose's entry to the Go program", ns / 1000, n);
	}
	big_lock_take(h);
	struct frame *f = sched_resume(h, NULL);

	big_lock_release();
	trap_resume(f);
}
