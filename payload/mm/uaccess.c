/* SPDX-License-Identifier: MIT */
/*
 * goose reading and writing the program's memory for a system call: every
 * page checked (and faulted in, as the program's own touch would) before
 * the copy, so a bad pointer is -EFAULT and never a fault inside goose.
 */
#include "arch/riscv/layout.h"
#include "arch/riscv/riscv.h"
#include "include/uapi/errno.h"
#include "include/uapi/mman.h"
#include "mm/vm.h"

int uaccess_ok(uint64_t va, uint64_t len, uint32_t access)
{
	if (len == 0)
		return 0;
	if (va >= USER_TOP || len > USER_TOP - va)
		return -EFAULT;
	for (uint64_t p = ALIGN_DOWN(va, PAGE_SIZE); p < va + len; p += PAGE_SIZE) {
		if (vm_allows(p, access))
			continue;
		int r = vm_fault(p, access);

		if (r == -ENOMEM)
			vm_oom(p);
		if (r)
			return -EFAULT;
	}
	return 0;
}

/* Bytes up to the end of va's page. */
static size_t page_left(uint64_t va)
{
	return PAGE_SIZE - (va & (PAGE_SIZE - 1));
}

static int user_copy(void *kbuf, uint64_t uva, size_t len, bool to_user)
{
	uint8_t *k = kbuf;

	if (uaccess_ok(uva, len, to_user ? PROT_WRITE : PROT_READ))
		return -EFAULT;
	while (len) {
		size_t n = MIN(len, page_left(uva));

		if (to_user)
			memcpy(user_ptr(uva), k, n);
		else
			memcpy(k, user_ptr(uva), n);
		k += n;
		uva += n;
		len -= n;
	}
	return 0;
}

int copy_from_user(void *dst, uint64_t src, size_t len)
{
	return user_copy(dst, src, len, false);
}

int copy_to_user(uint64_t dst, const void *src, size_t len)
{
	return user_copy((void *)src, dst, len, true);
}

int strncpy_from_user(char *dst, uint64_t src, size_t max)
{
	size_t i = 0;

	while (i < max) {
		size_t n = MIN(max - i, page_left(src + i));

		if (uaccess_ok(src + i, n, PROT_READ))
			return -EFAULT;
		const char *p = user_ptr(src + i);

		for (size_t j = 0; j < n; j++, i++) {
			dst[i] = p[j];
			if (!dst[i])
				return 0;
		}
	}
	return -ENAMETOOLONG;
}
