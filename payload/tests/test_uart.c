/* SPDX-License-Identifier: MIT */
/*
 * Host tests for uart.c: the 16550 and SiFive UART drivers run against a
 * simulated register file behind struct uart's accessors. The simulation
 * decodes every access (which register, how wide), counts status polls,
 * keeps the transmitter busy for N polls after each byte, and flags anything
 * a driver on real hardware must not do: touch a register it has no business
 * with (the divisor, LCR, FCR: the firmware set the baud rate), use the wrong
 * access width, write a byte before the status said there was room, or read
 * the receive register when the status said it was empty.
 *
 * Register layouts: TI PC16550D datasheet (THR/RBR 0, LSR 5; DesignWare's
 * DW_apb_uart is the same with registers reg-shift apart, reg-io-width wide;
 * the XScale UART adds IER bit 6, UUE, without which the unit sends nothing);
 * SiFive FU540-C000 manual, chapter 13 (txdata 0x00, rxdata 0x04, txctrl
 * 0x08, rxctrl 0x0c, ie 0x10, ip 0x14, div 0x18; all 32-bit).
 */
#include "dev/uart.h"
#include "test.h"

#define LSR_DR 0x01
#define LSR_THRE 0x20
#define LSR_TEMT 0x40
#define IER_UUE 0x40
#define SIFIVE_FULL (1u << 31)
#define SIFIVE_EMPTY (1u << 31)
/* Bits a 32-bit read returns above the 8 that matter, to prove the drivers mask. */
#define JUNK_HIGH 0x5a5a0000u

enum sim_kind { SIM_16550, SIM_SIFIVE };

struct sim {
	struct uart u;		/* first: the accessors get &sim->u back */
	enum sim_kind kind;
	/* transmitter: busy for busy_reload status reads after each byte */
	int busy, busy_reload;
	bool room_seen;		/* the last status read said a byte may be written */
	bool fifo;		/* 16550: FIFOs on (IIR bits 7:6 set): 16 bytes per THRE */
	bool xscale;		/* 16550: an XScale UART: IER (1) is the driver's too, and must keep UUE */
	uint32_t ier;
	int ier_writes;
	int room;		/* 16550: bytes that may be written since THRE was seen */
	char out[256];
	int nout;
	int status_reads;	/* LSR or txdata reads */
	/* receiver */
	uint8_t rx[64];
	int rx_head, rx_tail;
	/* SiFive control registers */
	uint32_t txctrl, rxctrl, ie, div;
	/* what the driver did wrong, first instance */
	int bad;
	char why[160];
};

static struct sim *sim_of(const struct uart *u)
{
	return (struct sim *)u;
}

static void sim_bad(struct sim *s, const char *fmt, uintptr_t addr, int width)
{
	if (!s->bad++)
		snprintf(s->why, sizeof(s->why), fmt, (unsigned long)addr, width);
}

static bool rx_empty(const struct sim *s)
{
	return s->rx_head == s->rx_tail;
}

/* 16550: which register index does addr name (-1: none of them)? */
static int sim16550_reg(struct sim *s, uintptr_t addr, int width)
{
	uintptr_t off;
	int i;

	if (width != (int)s->u.reg_io_width) {
		sim_bad(s, "access at 0x%lx is %d bytes wide, not reg-io-width", addr, width);
		return -1;
	}
	if (addr < s->u.base + s->u.reg_offset)
		goto outside;
	off = addr - s->u.base - s->u.reg_offset;
	for (i = 0; i < 8; i++)
		if (off == (uintptr_t)i << s->u.reg_shift)
			return i;
outside:
	sim_bad(s, "access at 0x%lx (%d bytes) is no 16550 register", addr, width);
	return -1;
}

static uint32_t sim16550_read(const struct uart *u, uintptr_t addr, int width)
{
	struct sim *s = sim_of(u);
	uint32_t v, junk = width == 4 ? JUNK_HIGH : 0;
	int i = sim16550_reg(s, addr, width);

	switch (i) {
	case 5:	/* LSR */
		s->status_reads++;
		if (s->busy > 0) {
			s->busy--;
			s->room_seen = false;
			v = 0;
		} else {
			s->room_seen = true;
			s->room = s->fifo ? 16 : 1;
			v = LSR_THRE | LSR_TEMT;
		}
		if (!rx_empty(s))
			v |= LSR_DR;
		return v | junk;
	case 2:	/* IIR: no interrupt pending, FIFOs on or off */
		return junk | (s->fifo ? 0xc1 : 0x01);
	case 1:	/* IER: only an XScale driver has business there (UUE) */
		if (!s->xscale)
			goto other;
		return junk | s->ier;
	case 0:	/* RBR */
		if (rx_empty(s)) {
			sim_bad(s, "RBR at 0x%lx read (%d bytes) with no data ready", addr, width);
			return junk | 0xee;
		}
		return junk | s->rx[s->rx_head++ % sizeof(s->rx)];
	case -1:
		return 0xffffffff;
	default:
	other:
		sim_bad(s, "16550 read at 0x%lx (%d bytes): the driver needs only LSR and RBR", addr, width);
		return 0;
	}
}

static void sim16550_write(const struct uart *u, uintptr_t addr, int width, uint32_t val)
{
	struct sim *s = sim_of(u);
	int i = sim16550_reg(s, addr, width);

	if (i == -1)
		return;
	if (i == 1 && s->xscale) {
		if (!(val & IER_UUE))
			sim_bad(s, "IER at 0x%lx written (%d bytes) without UUE: the XScale unit turns off", addr, width);
		s->ier = val;
		s->ier_writes++;
		return;
	}
	if (i != 0) {
		sim_bad(s, "16550 write at 0x%lx (%d bytes): only THR may be written (the firmware set the line)",
			addr, width);
		return;
	}
	if (s->room <= 0)
		sim_bad(s, "THR at 0x%lx written (%d bytes) with the FIFO full (no LSR.THRE seen for it)", addr, width);
	if (val > 0xff)
		sim_bad(s, "THR at 0x%lx written (%d bytes) with more than a byte", addr, width);
	if (s->xscale && !(s->ier & IER_UUE)) {
		sim_bad(s, "THR at 0x%lx written (%d bytes) with the XScale unit off (IER.UUE clear): lost", addr, width);
		return;
	}
	s->room--;
	s->room_seen = false;
	s->busy = s->busy_reload;
	if (s->nout < (int)sizeof(s->out))
		s->out[s->nout++] = (char)val;
}

static uint32_t simsifive_read(const struct uart *u, uintptr_t addr, int width)
{
	struct sim *s = sim_of(u);
	uintptr_t off = addr - s->u.base;

	if (width != 4 || addr < s->u.base || off > 0x18 || off % 4) {
		sim_bad(s, "SiFive read at 0x%lx (%d bytes) is no 32-bit register", addr, width);
		return 0;
	}
	switch (off) {
	case 0x00:	/* txdata: bit 31 full */
		s->status_reads++;
		if (s->busy > 0) {
			s->busy--;
			s->room_seen = false;
			return SIFIVE_FULL;
		}
		s->room_seen = true;
		return 0;
	case 0x04:	/* rxdata: bit 31 empty, else a byte (reading pops it) */
		if (rx_empty(s))
			return SIFIVE_EMPTY | 0x5a;
		return s->rx[s->rx_head++ % sizeof(s->rx)];
	case 0x08:
		return s->txctrl;
	case 0x0c:
		return s->rxctrl;
	case 0x10:
		return s->ie;
	case 0x14:	/* ip: txwm (txcnt = 1) while the FIFO is empty */
		if (s->busy > 0) {
			s->busy--;
			return 0;
		}
		return 1;
	case 0x18:
		return s->div;
	default:
		return 0;
	}
}

static void simsifive_write(const struct uart *u, uintptr_t addr, int width, uint32_t val)
{
	struct sim *s = sim_of(u);
	uintptr_t off = addr - s->u.base;

	if (width != 4 || addr < s->u.base || off > 0x18 || off % 4) {
		sim_bad(s, "SiFive write at 0x%lx (%d bytes) is no 32-bit register", addr, width);
		return;
	}
	switch (off) {
	case 0x00:
		if (!s->room_seen)
			sim_bad(s, "txdata at 0x%lx written (%d bytes) without a read showing room", addr, width);
		if (val > 0xff)
			sim_bad(s, "txdata at 0x%lx written (%d bytes) with more than a byte", addr, width);
		s->room_seen = false;
		s->busy = s->busy_reload;
		if (s->nout < (int)sizeof(s->out))
			s->out[s->nout++] = (char)val;
		return;
	case 0x08:
		s->txctrl = val;
		return;
	case 0x0c:
		s->rxctrl = val;
		return;
	default:
		sim_bad(s, "SiFive write at 0x%lx (%d bytes): the driver needs only txdata, txctrl and rxctrl",
			addr, width);
	}
}

static void sim_init(struct sim *s, enum sim_kind kind, uintptr_t base, uint32_t shift, uint32_t width,
		     uint32_t offset, int busy)
{
	memset(s, 0, sizeof(*s));
	s->kind = kind;
	s->u.base = base;
	s->u.reg_shift = shift;
	s->u.reg_io_width = width;
	s->u.reg_offset = offset;
	s->u.read = kind == SIM_16550 ? sim16550_read : simsifive_read;
	s->u.write = kind == SIM_16550 ? sim16550_write : simsifive_write;
	/* Busy from the start too, as when the firmware's last line is still going out. */
	s->busy = s->busy_reload = busy;
	/* Reset values a firmware leaves: txcnt 1 / nstop 1, rxcnt 0, a 115200 divisor. */
	s->txctrl = 0x00010002;
	s->rxctrl = 0x00000000;
	s->div = 0x21d;
}

static void sim_rx(struct sim *s, const void *p, int n)
{
	const uint8_t *b = p;

	for (int i = 0; i < n; i++)
		s->rx[s->rx_tail++ % sizeof(s->rx)] = b[i];
}

/* ---- 16550 ---- */

struct cfg16550 {
	const char *name;
	uintptr_t base;
	uint32_t shift, width, offset;
};

static const struct cfg16550 cfgs16550[] = {
	{ "QEMU virt ns16550a",		0x10000000, 0, 1, 0 },
	{ "JH7110 dw-apb-uart",		0x10000000, 2, 4, 0 },
	{ "shift 2, byte access",	0x10010000, 2, 1, 0 },
	{ "shift 0, 32-bit access",	0x10020000, 0, 4, 0 },
	{ "shift 2, width 4, offset",	0x12000000, 2, 4, 0x100 },
	{ "shift 1, offset",		0x54000000, 1, 1, 0x40 },
};

static const int busy_polls[] = { 0, 1, 7, 50 };

static void put_string(struct sim *s, const char *msg)
{
	for (const char *p = msg; *p; p++) {
		if (s->kind == SIM_16550)
			uart16550_putc(&s->u, *p);
		else
			uart_sifive_putc(&s->u, *p);
	}
}

static void test_16550_putc(void)
{
	static const char msg[] = "goose: exit status 0\r\n\x01\xff";
	int n = (int)strlen(msg);
	struct sim s;

	for (size_t c = 0; c < ARRAY_SIZE(cfgs16550); c++) {
		for (size_t b = 0; b < ARRAY_SIZE(busy_polls); b++) {
			const struct cfg16550 *k = &cfgs16550[c];

			sim_init(&s, SIM_16550, k->base, k->shift, k->width, k->offset, busy_polls[b]);
			put_string(&s, msg);
			CHECK(s.bad == 0, "%s, busy %d: %s", k->name, busy_polls[b], s.why);
			CHECK(s.nout == n && !memcmp(s.out, msg, (size_t)n), "%s, busy %d: %d bytes out, want %d in order",
			      k->name, busy_polls[b], s.nout, n);
			/* One LSR read per byte, plus one per busy poll. */
			CHECK(s.status_reads == n * (busy_polls[b] + 1), "%s, busy %d: %d LSR reads, want %d", k->name,
			      busy_polls[b], s.status_reads, n * (busy_polls[b] + 1));
		}
	}
}

/* A whole buffer: with FIFOs on, one THRE wait per 16 bytes; without, per byte. */
static void test_16550_write(void)
{
	static const char msg[] = "0123456789abcdef0123456789abcdef01234567"; /* 40 bytes */
	struct sim s;

	for (int fifo = 0; fifo < 2; fifo++) {
		sim_init(&s, SIM_16550, 0x10000000, 0, 1, 0, 0);
		s.fifo = fifo;
		uart16550_init(&s.u);
		uart16550_write(&s.u, msg, 40);
		CHECK(s.bad == 0, "fifo %d: %s", fifo, s.why);
		CHECK(s.nout == 40 && !memcmp(s.out, msg, 40), "fifo %d: %d bytes out in order", fifo, s.nout);
		CHECK(s.status_reads == (fifo ? 3 : 40), "fifo %d: %d LSR reads, want %d", fifo, s.status_reads,
		      fifo ? 3 : 40);
	}
	/* A busy transmitter: waits, and still never overfills the FIFO. */
	sim_init(&s, SIM_16550, 0x10000000, 2, 4, 0, 3);
	s.fifo = true;
	uart16550_init(&s.u);
	uart16550_write(&s.u, msg, 40);
	CHECK(s.bad == 0 && s.nout == 40, "busy, fifo: %s, %d out", s.why, s.nout);
}

static void test_16550_getc(void)
{
	struct sim s;
	int c;

	for (size_t i = 0; i < ARRAY_SIZE(cfgs16550); i++) {
		const struct cfg16550 *k = &cfgs16550[i];

		sim_init(&s, SIM_16550, k->base, k->shift, k->width, k->offset, 0);
		c = uart16550_getc(&s.u);
		CHECK(c == -1 && s.bad == 0, "%s: getc with nothing received: %d (%s)", k->name, c, s.why);
		/* Bytes come back in order, 0x00 and 0xff as data (not as "no data"). */
		sim_rx(&s, "a\0\xffz", 4);
		c = uart16550_getc(&s.u);
		CHECK(c == 'a', "%s: first byte %d", k->name, c);
		c = uart16550_getc(&s.u);
		CHECK(c == 0, "%s: NUL byte %d", k->name, c);
		c = uart16550_getc(&s.u);
		CHECK(c == 0xff, "%s: 0xff byte %d", k->name, c);
		c = uart16550_getc(&s.u);
		CHECK(c == 'z', "%s: last byte %d", k->name, c);
		c = uart16550_getc(&s.u);
		CHECK(c == -1, "%s: drained: %d", k->name, c);
		CHECK(s.bad == 0, "%s: %s", k->name, s.why);
		/* Receiving does not disturb sending: a byte is read while the transmitter is busy. */
		sim_init(&s, SIM_16550, k->base, k->shift, k->width, k->offset, 3);
		uart16550_putc(&s.u, 'x');
		sim_rx(&s, "q", 1);
		c = uart16550_getc(&s.u);
		uart16550_putc(&s.u, 'y');
		CHECK(c == 'q' && s.nout == 2 && !memcmp(s.out, "xy", 2) && s.bad == 0, "%s: getc between putc: %d (%s)",
		      k->name, c, s.why);
	}
}

/* The console's probe (dev/console.c reads this register once before it takes
 * the UART) leaves a byte already typed where getc finds it. */
static void test_16550_probe(void)
{
	struct sim s;

	for (size_t i = 0; i < ARRAY_SIZE(cfgs16550); i++) {
		const struct cfg16550 *k = &cfgs16550[i];
		uint32_t off = uart16550_probe_offset(k->shift);

		sim_init(&s, SIM_16550, k->base, k->shift, k->width, k->offset, 0);
		sim_rx(&s, "k", 1);
		s.u.read(&s.u, s.u.base + s.u.reg_offset + off, (int)s.u.reg_io_width);
		int c = uart16550_getc(&s.u);

		CHECK(c == 'k' && s.bad == 0, "%s: the byte waiting before the probe (offset 0x%x) reads back as %d (%s)",
		      k->name, off, c, s.why);
	}
}

/*
 * XScale (the SpacemiT K1's UART: reg-shift 2, io-width 4): init turns the
 * unit on when it is off, keeping the other IER bits, leaves it alone when
 * it is on, and the bytes then go out. A plain 16550 never has IER touched
 * (the simulation flags any IER access there).
 */
static void test_xscale(void)
{
	static const struct {
		uint32_t ier, want;
		int writes;
	} cases[] = {
		{ 0x00, IER_UUE, 1 },		/* off: turned on */
		{ IER_UUE, IER_UUE, 0 },	/* on (as the firmware leaves it): untouched */
		{ 0x05, 0x45, 1 },		/* off, with interrupt enables: those kept */
		{ 0x5f, 0x5f, 0 },
	};
	struct sim s;

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		for (int fifo = 0; fifo < 2; fifo++) {
			sim_init(&s, SIM_16550, 0xd4017000, 2, 4, 0, 1);
			s.xscale = true;
			s.fifo = fifo;
			s.ier = cases[i].ier;
			s.u.uue = true;
			uart16550_init(&s.u);
			uart16550_write(&s.u, "k1 says hi\r\n", 12);
			CHECK(s.bad == 0, "xscale IER 0x%x fifo %d: %s", cases[i].ier, fifo, s.why);
			CHECK(s.ier == cases[i].want && s.ier_writes == cases[i].writes,
			      "xscale IER 0x%x fifo %d: IER 0x%x after %d writes, want 0x%x after %d", cases[i].ier, fifo,
			      s.ier, s.ier_writes, cases[i].want, cases[i].writes);
			CHECK(s.nout == 12 && !memcmp(s.out, "k1 says hi\r\n", 12), "xscale IER 0x%x fifo %d: %d bytes out",
			      cases[i].ier, fifo, s.nout);
		}
	}
	/* The simulation catches a driver that forgets the unit: nothing goes out. */
	sim_init(&s, SIM_16550, 0xd4017000, 2, 4, 0, 0);
	s.xscale = true;
	uart16550_init(&s.u);
	uart16550_putc(&s.u, 'x');
	CHECK(s.bad == 1 && s.nout == 0, "sim: THR written with UUE clear is caught (%s)", s.why);
	sim_init(&s, SIM_16550, 0xd4017000, 2, 4, 0, 0);
	s.xscale = true;
	s.ier = IER_UUE;
	s.u.write(&s.u, 0xd4017000 + (1 << 2), 4, 0x01);
	CHECK(s.bad == 1, "sim: IER written without UUE is caught");
	/* Not an XScale: init reads IIR only. */
	sim_init(&s, SIM_16550, 0xd4017000, 2, 4, 0, 0);
	uart16550_init(&s.u);
	CHECK(s.bad == 0, "16550 init touches no IER: %s", s.why);
}

/* ---- SiFive ---- */

static void test_sifive_init(void)
{
	struct sim s;

	sim_init(&s, SIM_SIFIVE, 0x10010000, 0, 4, 0, 0);
	uart_sifive_init(&s.u);
	CHECK(s.bad == 0, "init: %s", s.why);
	CHECK((s.txctrl & 1) && (s.rxctrl & 1), "init enables tx and rx: txctrl 0x%x rxctrl 0x%x", s.txctrl, s.rxctrl);
	CHECK(s.txctrl == 0x00010003 && s.rxctrl == 0x00000001, "init keeps the other control bits: txctrl 0x%x rxctrl 0x%x",
	      s.txctrl, s.rxctrl);
	CHECK(s.div == 0x21d, "init keeps the divisor the firmware set: 0x%x", s.div);
	/* Twice is harmless. */
	uart_sifive_init(&s.u);
	CHECK(s.txctrl == 0x00010003 && s.rxctrl == 0x00000001 && s.bad == 0, "init twice");
}

static void test_sifive_putc(void)
{
	static const char msg[] = "Hello from go\r\n\x7f\x80";
	int n = (int)strlen(msg);
	struct sim s;

	for (size_t b = 0; b < ARRAY_SIZE(busy_polls); b++) {
		sim_init(&s, SIM_SIFIVE, 0x10010000, 0, 4, 0, busy_polls[b]);
		uart_sifive_init(&s.u);
		put_string(&s, msg);
		CHECK(s.bad == 0, "sifive busy %d: %s", busy_polls[b], s.why);
		CHECK(s.nout == n && !memcmp(s.out, msg, (size_t)n), "sifive busy %d: %d bytes out, want %d in order",
		      busy_polls[b], s.nout, n);
		CHECK(s.status_reads == n * (busy_polls[b] + 1), "sifive busy %d: %d txdata reads, want %d", busy_polls[b],
		      s.status_reads, n * (busy_polls[b] + 1));
	}
	/* reg-shift/-offset are 16550 properties: the SiFive layout is fixed. */
	sim_init(&s, SIM_SIFIVE, 0x10011000, 2, 1, 0, 2);
	s.u.reg_shift = 2;
	s.u.reg_io_width = 1;
	uart_sifive_init(&s.u);
	put_string(&s, "ok");
	CHECK(s.bad == 0 && s.nout == 2 && !memcmp(s.out, "ok", 2), "sifive ignores reg-shift/width: %s", s.why);
}

static void test_sifive_getc(void)
{
	struct sim s;
	int c;

	sim_init(&s, SIM_SIFIVE, 0x10010000, 0, 4, 0, 0);
	uart_sifive_init(&s.u);
	c = uart_sifive_getc(&s.u);
	CHECK(c == -1, "sifive getc with nothing received: %d", c);
	sim_rx(&s, "h\0\xff", 3);
	c = uart_sifive_getc(&s.u);
	CHECK(c == 'h', "sifive first byte %d", c);
	c = uart_sifive_getc(&s.u);
	CHECK(c == 0, "sifive NUL byte %d", c);
	c = uart_sifive_getc(&s.u);
	CHECK(c == 0xff, "sifive 0xff byte %d", c);
	c = uart_sifive_getc(&s.u);
	CHECK(c == -1, "sifive drained: %d", c);
	CHECK(s.bad == 0, "sifive getc: %s", s.why);
}

/* The simulation itself must catch a driver that breaks the rules. */
static void test_sim_catches(void)
{
	struct sim s;

	sim_init(&s, SIM_16550, 0x10000000, 2, 4, 0, 1);
	s.u.write(&s.u, 0x10000000, 4, 'x');
	CHECK(s.bad == 1, "sim: THR written without THRE is caught");
	sim_init(&s, SIM_16550, 0x10000000, 2, 4, 0, 0);
	s.u.read(&s.u, 0x10000000 + 5, 4);
	CHECK(s.bad == 1, "sim: unshifted LSR address is caught");
	sim_init(&s, SIM_16550, 0x10000000, 2, 4, 0, 0);
	s.u.read(&s.u, 0x10000000 + (5 << 2), 1);
	CHECK(s.bad == 1, "sim: byte read of a 32-bit register is caught");
	sim_init(&s, SIM_16550, 0x10000000, 0, 1, 0, 0);
	s.u.write(&s.u, 0x10000000 + 3, 1, 0x80);
	CHECK(s.bad == 1, "sim: LCR write is caught");
	sim_init(&s, SIM_SIFIVE, 0x10010000, 0, 4, 0, 0);
	s.u.write(&s.u, 0x10010000 + 0x18, 4, 1);
	CHECK(s.bad == 1, "sim: divisor write is caught");
}

/* flush waits for the transmitter to drain, and gives up on one that never does. */
static void test_flush(void)
{
	struct sim s;

	sim_init(&s, SIM_16550, 0x10000000, 0, 1, 0, 5);
	s.busy = 5;
	uart16550_flush(&s.u);
	CHECK(s.busy == 0 && s.bad == 0, "16550 flush waits for TEMT: busy %d", s.busy);
	sim_init(&s, SIM_16550, 0x10000000, 0, 1, 0, 0);
	s.busy = 1 << 30;
	uart16550_flush(&s.u);
	CHECK(s.busy > 0, "16550 flush of a stuck transmitter returns");
	sim_init(&s, SIM_SIFIVE, 0x10010000, 0, 4, 0, 0);
	s.busy = 7;
	uart_sifive_flush(&s.u);
	CHECK(s.busy == 0 && s.bad == 0, "SiFive flush waits for ip.txwm: busy %d (%s)", s.busy, s.why);
}

int main(void)
{
	test_flush();
	test_sim_catches();
	test_16550_putc();
	test_16550_write();
	test_16550_getc();
	test_16550_probe();
	test_xscale();
	test_sifive_init();
	test_sifive_putc();
	test_sifive_getc();
	return test_done("uart");
}
