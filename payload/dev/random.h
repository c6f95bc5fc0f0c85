/* SPDX-License-Identifier: MIT */
/*
 * getrandom, /dev/urandom and AT_RANDOM: ChaCha20 (RFC 8439) keyed at boot
 * from what the machine offers: the Zkr `seed` CSR when the hart has it, the
 * RTC, and jitter between `time` and `cycle` reads. See docs/architecture.md.
 */
#ifndef GOOSE_RANDOM_H
#define GOOSE_RANDOM_H

#include "lib/lib.h"

/* Mix 32 bytes of seed material into the key (called at boot). */
void random_seed(const uint8_t seed[32]);
void random_fill(void *buf, size_t len);

#endif
