/* SPDX-License-Identifier: MIT */
#include "dev/random.h"
#include "arch/riscv/spinlock.h"

static struct {
	struct spinlock lock;
	uint32_t key[8];
	uint64_t counter;
} rng = { .lock = SPINLOCK_INIT("random", LOCK_RANK_RANDOM) };

static uint32_t rotl32(uint32_t v, int n)
{
	return v << n | v >> (32 - n);
}

#define QR(a, b, c, d)                                                  \
	do {                                                            \
		(a) += (b), (d) ^= (a), (d) = rotl32((d), 16);          \
		(c) += (d), (b) ^= (c), (b) = rotl32((b), 12);          \
		(a) += (b), (d) ^= (a), (d) = rotl32((d), 8);           \
		(c) += (d), (b) ^= (c), (b) = rotl32((b), 7);           \
	} while (0)

/* One ChaCha20 block (RFC 8439, 2.3) with a 64-bit counter and zero nonce. */
static void chacha20_block(const uint32_t key[8], uint64_t counter, uint32_t out[16])
{
	uint32_t s[16] = { 0x61707865, 0x3320646e, 0x79622d32, 0x6b206574, key[0], key[1], key[2], key[3],
			   key[4], key[5], key[6], key[7], (uint32_t)counter, (uint32_t)(counter >> 32), 0, 0 };
	uint32_t x[16];

	memcpy(x, s, sizeof(x));
	for (int i = 0; i < 10; i++) {
		QR(x[0], x[4], x[8], x[12]);
		QR(x[1], x[5], x[9], x[13]);
		QR(x[2], x[6], x[10], x[14]);
		QR(x[3], x[7], x[11], x[15]);
		QR(x[0], x[5], x[10], x[15]);
		QR(x[1], x[6], x[11], x[12]);
		QR(x[2], x[7], x[8], x[13]);
		QR(x[3], x[4], x[9], x[14]);
	}
	for (int i = 0; i < 16; i++)
		out[i] = x[i] + s[i];
}

void random_seed(const uint8_t seed[32])
{
	uint32_t block[16];

	spin_lock(&rng.lock);
	for (int i = 0; i < 8; i++)
		rng.key[i] ^= (uint32_t)seed[4 * i] | (uint32_t)seed[4 * i + 1] << 8 |
			      (uint32_t)seed[4 * i + 2] << 16 | (uint32_t)seed[4 * i + 3] << 24;
	/* Re-key from the stream so the raw seed never stays in the key. */
	chacha20_block(rng.key, rng.counter++, block);
	memcpy(rng.key, block, sizeof(rng.key));
	spin_unlock(&rng.lock);
}

void random_fill(void *buf, size_t len)
{
	uint8_t *p = buf;
	uint32_t block[16];

	spin_lock(&rng.lock);
	while (len) {
		chacha20_block(rng.key, rng.counter++, block);
		size_t n = MIN(len, 32);	/* the other half re-keys below */
		memcpy(p, block + 8, n);
		p += n;
		len -= n;
	}
	/* Fast key erasure: what was handed out cannot be recomputed. */
	chacha20_block(rng.key, rng.counter++, block);
	memcpy(rng.key, block, sizeof(rng.key));
	spin_unlock(&rng.lock);
}
