/* SPDX-License-Identifier: MIT */
/*
 * The virtio console (Virtual I/O Device (VIRTIO) Version 1.2, 5.3) over
 * virtio-mmio (4.2), legacy (version 1) or modern (version 2) registers:
 * QEMU's `-device virtio-serial-device -device virtconsole`. A UART on QEMU
 * costs a host system call per byte (0.68 MiB/s); here a write is one
 * notification per 4 KiB. Port 0 only (no MULTIPORT): receiveq 0,
 * transmitq 1. Polled, as goose polls its UARTs: a write waits until the
 * device has used the buffer, and input sits in buffers the device filled
 * until getc takes it.
 *
 * The machine's virtio console is preferred over the UART /chosen/stdout-path
 * names (console.c, CONSOLE_PREFERRED): it is there only when asked for
 * (`make run CONSOLE=virtio`). Queues and buffers are goose's own BSS (the
 * console starts before the page allocator), given to the device by
 * physical address (IMAGE_PA).
 */
#include "dev/console.h"
#include "arch/riscv/ioremap.h"
#include "arch/riscv/layout.h"
#include "lib/fdt.h"

/* virtio-mmio registers (4.2.2). */
#define VMMIO_MAGIC 0x000		/* "virt" */
#define VMMIO_VERSION 0x004		/* 1 legacy, 2 modern */
#define VMMIO_DEVICE_ID 0x008
#define VMMIO_DEVICE_FEATURES 0x010
#define VMMIO_DEVICE_FEATURES_SEL 0x014
#define VMMIO_DRIVER_FEATURES 0x020
#define VMMIO_DRIVER_FEATURES_SEL 0x024
#define VMMIO_GUEST_PAGE_SIZE 0x028	/* legacy */
#define VMMIO_QUEUE_SEL 0x030
#define VMMIO_QUEUE_NUM_MAX 0x034
#define VMMIO_QUEUE_NUM 0x038
#define VMMIO_QUEUE_ALIGN 0x03c		/* legacy */
#define VMMIO_QUEUE_PFN 0x040		/* legacy */
#define VMMIO_QUEUE_READY 0x044
#define VMMIO_QUEUE_NOTIFY 0x050
#define VMMIO_INTERRUPT_STATUS 0x060
#define VMMIO_INTERRUPT_ACK 0x064
#define VMMIO_STATUS 0x070
#define VMMIO_QUEUE_DESC_LOW 0x080
#define VMMIO_QUEUE_DESC_HIGH 0x084
#define VMMIO_QUEUE_DRIVER_LOW 0x090
#define VMMIO_QUEUE_DRIVER_HIGH 0x094
#define VMMIO_QUEUE_DEVICE_LOW 0x0a0
#define VMMIO_QUEUE_DEVICE_HIGH 0x0a4
#define VMMIO_REGS_SIZE 0x200

#define VIRTIO_MAGIC 0x74726976
#define VIRTIO_ID_CONSOLE 3
#define VIRTIO_F_VERSION_1 32
#define STATUS_ACKNOWLEDGE 1
#define STATUS_DRIVER 2
#define STATUS_DRIVER_OK 4
#define STATUS_FEATURES_OK 8
#define VIRTQ_DESC_F_WRITE 2

#define QSIZE 8
#define RXBUF 64
#define TXBUF 4096
#define VQ_PAGE 4096

/* Split virtqueues (2.7): descriptors, then the available ring, then (on the
 * next page, as legacy devices place it) the used ring. */
struct virtq_desc {
	uint64_t addr;
	uint32_t len;
	uint16_t flags, next;
};
struct virtq_avail {
	uint16_t flags, idx, ring[QSIZE], used_event;
};
struct virtq_used_elem {
	uint32_t id, len;
};
struct virtq_used {
	uint16_t flags, idx;
	struct virtq_used_elem ring[QSIZE];
	uint16_t avail_event;
};
struct virtq {
	struct virtq_desc desc[QSIZE];
	struct virtq_avail avail;
	uint8_t pad[VQ_PAGE - QSIZE * sizeof(struct virtq_desc) - sizeof(struct virtq_avail)];
	struct virtq_used used;
} __attribute__((aligned(VQ_PAGE)));
_Static_assert(__builtin_offsetof(struct virtq, used) == VQ_PAGE, "the used ring starts the second page");

#ifndef GOOSE_HOST
static struct {
	volatile uint8_t *regs;
	struct virtq rx, tx;
	uint16_t rx_seen;	/* used entries of rx taken so far */
	uint16_t rx_at, rx_len;	/* the next byte of the buffer being read, and its length */
	int rx_desc;		/* that buffer's descriptor, -1 when none */
	char rxbuf[QSIZE][RXBUF];
	char txbuf[TXBUF];
} vc;

static uint32_t rd(uint32_t off)
{
	return *(volatile uint32_t *)(vc.regs + off);
}

static void wr(uint32_t off, uint32_t v)
{
	*(volatile uint32_t *)(vc.regs + off) = v;
}

/* Queue q on (4.2.3.2); legacy devices take one page frame number. */
static int vc_queue(uint32_t q, struct virtq *vq, uint32_t version)
{
	uint64_t pa = IMAGE_PA(vq);

	wr(VMMIO_QUEUE_SEL, q);
	if (rd(VMMIO_QUEUE_NUM_MAX) < QSIZE)
		return -1;
	wr(VMMIO_QUEUE_NUM, QSIZE);
	if (version == 1) {
		wr(VMMIO_QUEUE_ALIGN, VQ_PAGE);
		wr(VMMIO_QUEUE_PFN, (uint32_t)(pa / VQ_PAGE));
		return 0;
	}
	wr(VMMIO_QUEUE_DESC_LOW, (uint32_t)pa);
	wr(VMMIO_QUEUE_DESC_HIGH, (uint32_t)(pa >> 32));
	wr(VMMIO_QUEUE_DRIVER_LOW, (uint32_t)(pa + offsetof(struct virtq, avail)));
	wr(VMMIO_QUEUE_DRIVER_HIGH, (uint32_t)((pa + offsetof(struct virtq, avail)) >> 32));
	wr(VMMIO_QUEUE_DEVICE_LOW, (uint32_t)(pa + offsetof(struct virtq, used)));
	wr(VMMIO_QUEUE_DEVICE_HIGH, (uint32_t)((pa + offsetof(struct virtq, used)) >> 32));
	wr(VMMIO_QUEUE_READY, 1);
	return 0;
}

/* Receive buffer d back to the device. */
static void vc_rx_post(int d)
{
	vc.rx.desc[d] = (struct virtq_desc){ IMAGE_PA(vc.rxbuf[d]), RXBUF, VIRTQ_DESC_F_WRITE, 0 };
	vc.rx.avail.ring[vc.rx.avail.idx % QSIZE] = (uint16_t)d;
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	vc.rx.avail.idx++;
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	wr(VMMIO_QUEUE_NOTIFY, 0);
}

static int vc_attach(const struct fdt_device *dev)
{
	uint32_t magic, version;

	vc.regs = ioremap(dev->base, VMMIO_REGS_SIZE);
	if (!vc.regs || io_probe32(vc.regs + VMMIO_MAGIC, &magic) || magic != VIRTIO_MAGIC)
		return -1;
	version = rd(VMMIO_VERSION);
	if ((version != 1 && version != 2) || rd(VMMIO_DEVICE_ID) != VIRTIO_ID_CONSOLE)
		return -1;
	/* 3.1.1: reset, acknowledge, driver, features, FEATURES_OK, queues, DRIVER_OK. */
	wr(VMMIO_STATUS, 0);
	wr(VMMIO_STATUS, STATUS_ACKNOWLEDGE);
	wr(VMMIO_STATUS, STATUS_ACKNOWLEDGE | STATUS_DRIVER);
	wr(VMMIO_DRIVER_FEATURES_SEL, 0);
	wr(VMMIO_DRIVER_FEATURES, 0);
	wr(VMMIO_DRIVER_FEATURES_SEL, 1);
	wr(VMMIO_DRIVER_FEATURES, version == 2 ? 1u << (VIRTIO_F_VERSION_1 - 32) : 0);
	if (version == 1) {
		wr(VMMIO_GUEST_PAGE_SIZE, VQ_PAGE);
	} else {
		wr(VMMIO_STATUS, STATUS_ACKNOWLEDGE | STATUS_DRIVER | STATUS_FEATURES_OK);
		if (!(rd(VMMIO_STATUS) & STATUS_FEATURES_OK))
			return -1;
	}
	memset(&vc.rx, 0, sizeof(vc.rx));
	memset(&vc.tx, 0, sizeof(vc.tx));
	vc.rx_seen = 0;
	vc.rx_desc = -1;
	if (vc_queue(0, &vc.rx, version) || vc_queue(1, &vc.tx, version)) {
		wr(VMMIO_STATUS, 0);
		return -1;
	}
	wr(VMMIO_STATUS, STATUS_ACKNOWLEDGE | STATUS_DRIVER | (version == 2 ? STATUS_FEATURES_OK : 0) |
				 STATUS_DRIVER_OK);
	for (int d = 0; d < QSIZE; d++)
		vc_rx_post(d);
	return 0;
}

/* One buffer at a time, waited for: the bytes may be anywhere (the
 * program's buffer), so they go through txbuf. */
static void vc_write(const char *s, size_t n)
{
	while (n) {
		size_t chunk = MIN(n, sizeof(vc.txbuf));
		uint16_t want = (uint16_t)(vc.tx.used.idx + 1);

		memcpy(vc.txbuf, s, chunk);
		vc.tx.desc[0] = (struct virtq_desc){ IMAGE_PA(vc.txbuf), (uint32_t)chunk, 0, 0 };
		vc.tx.avail.ring[vc.tx.avail.idx % QSIZE] = 0;
		__atomic_thread_fence(__ATOMIC_SEQ_CST);
		vc.tx.avail.idx++;
		__atomic_thread_fence(__ATOMIC_SEQ_CST);
		wr(VMMIO_QUEUE_NOTIFY, 1);
		while (*(volatile uint16_t *)&vc.tx.used.idx != want)
			;
		/* Nothing here uses interrupts: keep the line low. */
		wr(VMMIO_INTERRUPT_ACK, rd(VMMIO_INTERRUPT_STATUS));
		s += chunk;
		n -= chunk;
	}
}

static int vc_getc(void)
{
	for (;;) {
		if (vc.rx_desc < 0) {
			if (*(volatile uint16_t *)&vc.rx.used.idx == vc.rx_seen)
				return -1;
			__atomic_thread_fence(__ATOMIC_SEQ_CST);
			const struct virtq_used_elem *e = &vc.rx.used.ring[vc.rx_seen % QSIZE];

			vc.rx_seen++;
			vc.rx_desc = (int)(e->id % QSIZE);
			vc.rx_len = (uint16_t)MIN(e->len, RXBUF);
			vc.rx_at = 0;
		}
		if (vc.rx_at < vc.rx_len)
			return (unsigned char)vc.rxbuf[vc.rx_desc][vc.rx_at++];
		/* That buffer is read: back to the device. */
		vc_rx_post(vc.rx_desc);
		vc.rx_desc = -1;
	}
}
#endif

static const char *const compatible[] = { "virtio,mmio", NULL };

static const struct console_driver virtio_console = {
	.compatible = compatible,
	.name = "virtio-console",
	.preferred = true,
	.init = HW(vc_attach),
	.write = HW(vc_write),
	.getc = HW(vc_getc),
};
REGISTER(consoles, struct console_driver, virtio_console);
