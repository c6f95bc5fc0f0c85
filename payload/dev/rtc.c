/* SPDX-License-Identifier: MIT */
#include "dev/rtc.h"
#include "lib/fdt.h"

const char *rtc_read(const struct fdt_info *info, uint64_t *ns)
{
	REGISTRY_FOREACH(rtcs, struct rtc_driver, d)
	{
		const struct fdt_device *dev = fdt_find_any(info, (*d)->compatible);

		if (dev && !(*d)->read(dev, ns))
			return (*d)->name;
	}
	return NULL;
}
