/* SPDX-License-Identifier: MIT */
/*
 * UEFI, as goose's EFI entry (boot/efi.c) meets it: the few tables and
 * protocols it calls, the hand-off from that entry to goose_main, and the
 * pure work between the two (load options to a command line, the memory map
 * to RAM banks and reservations, EFI_TIME to Unix time), which host tests
 * check (payload/tests/test_efi.c).
 *
 * Layouts are the UEFI Specification 2.10's; each struct names its section.
 * Only the members goose calls are typed; the others keep their place as
 * void pointers. RISC-V UEFI uses the ordinary LP64 calling convention
 * (spec 2.3.7), so these function pointers are plain C calls.
 *
 * Pure: no firmware call here; compiled natively for host tests.
 */
#ifndef GOOSE_EFI_H
#define GOOSE_EFI_H

#include "lib/bootargs.h"
#include "lib/lib.h"

typedef uint64_t efi_status;
typedef uint16_t char16;
typedef void *efi_handle;

#define EFI_SUCCESS 0
#define EFI_ERROR_BIT (1ull << 63)
#define EFI_LOAD_ERROR (EFI_ERROR_BIT | 1)
#define EFI_INVALID_PARAMETER (EFI_ERROR_BIT | 2)
#define EFI_UNSUPPORTED (EFI_ERROR_BIT | 3)
#define EFI_BUFFER_TOO_SMALL (EFI_ERROR_BIT | 5)
#define EFI_NOT_FOUND (EFI_ERROR_BIT | 14)

struct efi_guid {
	uint32_t a;
	uint16_t b, c;
	uint8_t d[8];
};

/* 4.2 EFI Table Header */
struct efi_table_header {
	uint64_t signature;
	uint32_t revision;	/* major << 16 | minor * 10 + patch: 2.70 is 0x20046 */
	uint32_t header_size;
	uint32_t crc32;
	uint32_t reserved;
};

/* 12.4 Simple Text Output Protocol */
struct efi_simple_text_output {
	void *reset;
	efi_status (*output_string)(struct efi_simple_text_output *self, const char16 *s);
};

/* 8.3 Time Services: EFI_TIME */
struct efi_time {
	uint16_t year;		/* 1900-9999 */
	uint8_t month;		/* 1-12 */
	uint8_t day;		/* 1-31 */
	uint8_t hour, minute, second;
	uint8_t pad1;
	uint32_t nanosecond;
	int16_t time_zone;	/* minutes: local = UTC - time_zone; EFI_UNSPECIFIED_TIMEZONE: local time */
	uint8_t daylight;
	uint8_t pad2;
};
#define EFI_UNSPECIFIED_TIMEZONE 0x07ff

/* 4.5 EFI Runtime Services Table */
struct efi_runtime_services {
	struct efi_table_header hdr;
	efi_status (*get_time)(struct efi_time *time, void *capabilities);
};

/* 7.2 Memory Allocation Services: EFI_MEMORY_DESCRIPTOR (read through
 * the map's own descriptor size, which may be larger). */
struct efi_memory_descriptor {
	uint32_t type;
	uint32_t pad;
	uint64_t physical_start;
	uint64_t virtual_start;
	uint64_t number_of_pages;
	uint64_t attribute;
};

enum efi_memory_type {
	EFI_RESERVED_MEMORY, EFI_LOADER_CODE, EFI_LOADER_DATA, EFI_BOOT_SERVICES_CODE, EFI_BOOT_SERVICES_DATA,
	EFI_RUNTIME_SERVICES_CODE, EFI_RUNTIME_SERVICES_DATA, EFI_CONVENTIONAL_MEMORY, EFI_UNUSABLE_MEMORY,
	EFI_ACPI_RECLAIM_MEMORY, EFI_ACPI_MEMORY_NVS, EFI_MEMORY_MAPPED_IO, EFI_MEMORY_MAPPED_IO_PORT_SPACE,
	EFI_PAL_CODE, EFI_PERSISTENT_MEMORY, EFI_UNACCEPTED_MEMORY,
};

enum efi_allocate_type { EFI_ALLOCATE_ANY_PAGES, EFI_ALLOCATE_MAX_ADDRESS, EFI_ALLOCATE_ADDRESS };

/* 4.4 EFI Boot Services Table: members in the table's order. */
struct efi_boot_services {
	struct efi_table_header hdr;
	void *raise_tpl, *restore_tpl;
	efi_status (*allocate_pages)(int type, int memory_type, uint64_t pages, uint64_t *memory);
	efi_status (*free_pages)(uint64_t memory, uint64_t pages);
	efi_status (*get_memory_map)(uint64_t *map_size, void *map, uint64_t *map_key, uint64_t *desc_size,
				     uint32_t *desc_version);
	efi_status (*allocate_pool)(int pool_type, uint64_t size, void **buffer);
	efi_status (*free_pool)(void *buffer);
	void *create_event, *set_timer, *wait_for_event, *signal_event, *close_event, *check_event;
	void *install_protocol_interface, *reinstall_protocol_interface, *uninstall_protocol_interface;
	efi_status (*handle_protocol)(efi_handle handle, const struct efi_guid *protocol, void **interface);
	void *reserved, *register_protocol_notify, *locate_handle;
	efi_status (*locate_device_path)(const struct efi_guid *protocol, void **device_path, efi_handle *device);
	void *install_configuration_table;
	void *load_image, *start_image, *exit, *unload_image;
	efi_status (*exit_boot_services)(efi_handle image, uint64_t map_key);
	void *get_next_monotonic_count, *stall, *set_watchdog_timer;
	void *connect_controller, *disconnect_controller;
	void *open_protocol, *close_protocol, *open_protocol_information;
	void *protocols_per_handle, *locate_handle_buffer;
	efi_status (*locate_protocol)(const struct efi_guid *protocol, void *registration, void **interface);
};

/* 4.6 EFI Configuration Table */
struct efi_configuration_table {
	struct efi_guid guid;
	void *table;
};

/* 4.3 EFI System Table */
struct efi_system_table {
	struct efi_table_header hdr;
	const char16 *firmware_vendor;
	uint32_t firmware_revision;
	efi_handle console_in_handle;
	void *con_in;
	efi_handle console_out_handle;
	struct efi_simple_text_output *con_out;
	efi_handle standard_error_handle;
	void *std_err;
	struct efi_runtime_services *runtime_services;
	struct efi_boot_services *boot_services;
	uint64_t number_of_table_entries;
	struct efi_configuration_table *configuration_table;
};

/* 9.1 EFI Loaded Image Protocol */
struct efi_loaded_image {
	uint32_t revision;
	efi_handle parent_handle;
	struct efi_system_table *system_table;
	efi_handle device_handle;
	void *file_path;		/* a device path: the image's file on device_handle */
	void *reserved;
	uint32_t load_options_size;	/* bytes */
	void *load_options;
	void *image_base;
	uint64_t image_size;
	int image_code_type, image_data_type;
	void *unload;
};

/* 10.2 EFI Device Path Protocol: a node's header; the path ends with type 0x7f. */
struct efi_device_path {
	uint8_t type, subtype;
	uint8_t length[2];
};
#define EFI_DP_MEDIA 4
#define EFI_DP_MEDIA_VENDOR 3
#define EFI_DP_MEDIA_FILE_PATH 4
#define EFI_DP_END 0x7f
#define EFI_DP_END_ENTIRE 0xff

/* 13.2 Load File 2 Protocol */
struct efi_load_file2 {
	efi_status (*load_file)(struct efi_load_file2 *self, void *file_path, bool boot_policy, uint64_t *buffer_size,
				void *buffer);
};

/* 13.4 Simple File System Protocol, 13.5 File Protocol */
struct efi_file {
	uint64_t revision;
	efi_status (*open)(struct efi_file *self, struct efi_file **new_handle, const char16 *name, uint64_t mode,
			   uint64_t attributes);
	efi_status (*close)(struct efi_file *self);
	void *delete;
	efi_status (*read)(struct efi_file *self, uint64_t *size, void *buffer);
	void *write, *get_position, *set_position;
	efi_status (*get_info)(struct efi_file *self, const struct efi_guid *type, uint64_t *size, void *buffer);
};
#define EFI_FILE_MODE_READ 1

struct efi_simple_file_system {
	uint64_t revision;
	efi_status (*open_volume)(struct efi_simple_file_system *self, struct efi_file **root);
};

/* 13.5: EFI_FILE_INFO (the name follows) */
struct efi_file_info {
	uint64_t size, file_size, physical_size;
	struct efi_time create_time, last_access_time, modification_time;
	uint64_t attribute;
};

/* The RISC-V UEFI protocol specification: RISCV_EFI_BOOT_PROTOCOL. */
struct riscv_efi_boot_protocol {
	uint64_t revision;
	efi_status (*get_boot_hartid)(struct riscv_efi_boot_protocol *self, uint64_t *hartid);
};

/* The GUIDs goose looks for. */
#define EFI_LOADED_IMAGE_PROTOCOL_GUID \
	{ 0x5b1b31a1, 0x9562, 0x11d2, { 0x8e, 0x3f, 0x00, 0xa0, 0xc9, 0x69, 0x72, 0x3b } }
#define EFI_SIMPLE_FILE_SYSTEM_PROTOCOL_GUID \
	{ 0x964e5b22, 0x6459, 0x11d2, { 0x8e, 0x39, 0x00, 0xa0, 0xc9, 0x69, 0x72, 0x3b } }
#define EFI_FILE_INFO_GUID \
	{ 0x09576e92, 0x6d3f, 0x11d2, { 0x8e, 0x39, 0x00, 0xa0, 0xc9, 0x69, 0x72, 0x3b } }
#define EFI_LOAD_FILE2_PROTOCOL_GUID \
	{ 0x4006c0c1, 0xfcb3, 0x403e, { 0x99, 0x6d, 0x4a, 0x6c, 0x87, 0x24, 0xe0, 0x6d } }
/* Linux's: the vendor media node of the initrd's LoadFile2 (what GRUB,
 * systemd-boot, U-Boot and EDK2's QEMU loader provide). */
#define LINUX_EFI_INITRD_MEDIA_GUID \
	{ 0x5568e427, 0x68fc, 0x4f3d, { 0xac, 0x74, 0xca, 0x55, 0x52, 0x31, 0xcc, 0x68 } }
#define EFI_DEVICE_TREE_GUID \
	{ 0xb1b621d5, 0xf19c, 0x41a5, { 0x83, 0x0b, 0xd9, 0x15, 0x2c, 0x69, 0xaa, 0xe0 } }
#define RISCV_EFI_BOOT_PROTOCOL_GUID \
	{ 0xccd15fec, 0x6f73, 0x4eec, { 0x83, 0x95, 0x3e, 0x69, 0xe4, 0xb9, 0x40, 0xbf } }

/* ---- the hand-off: what the EFI entry learnt, for goose_main ---------------- */

#define EFI_HANDOFF_MAGIC 0x66666f646e616865ull	/* "ehandoff" */
/* The hart id the entry passes in a0 when firmware has no
 * RISCV_EFI_BOOT_PROTOCOL: goose_main takes /chosen/boot-hartid then. */
#define EFI_HARTID_UNKNOWN (~0ul)
#define EFI_MAX_RAM 32
#define EFI_MAX_RESV 64

struct efi_range {
	uint64_t base, end;	/* page-aligned, end exclusive */
};

struct efi_handoff {
	uint64_t magic;			/* EFI_HANDOFF_MAGIC when goose started as an EFI application */
	uint32_t efi_revision;		/* the system table's */
	uint32_t fw_revision;
	char fw_vendor[40];		/* ASCII */
	/* The final memory map (the one ExitBootServices took): the RAM
	 * banks (every memory-type descriptor, merged) and what in them must
	 * stay untouched (all but loader, boot-services and conventional
	 * memory), merged too. ram_lost/resv_merged: banks past EFI_MAX_RAM
	 * left out; reservations merged with a neighbour (and the gap
	 * between) to fit EFI_MAX_RESV. */
	struct efi_range ram[EFI_MAX_RAM];
	struct efi_range resv[EFI_MAX_RESV];
	int nram, nresv, ram_lost, resv_merged;
	uint32_t ndesc;
	/* What the entry loaded as the initrd (LoadFile2, or a file on the
	 * image's volume), 0 when nothing. */
	uint64_t initrd_start, initrd_end;
	char initrd_from[80];
	/* GetTime as Unix time in ns (0: none), read when rdtime() was time_ticks. */
	uint64_t time_ns, time_ticks;
	/* The command line (from the load options, or goose.cmdline beside
	 * the image), without its initrd= word; cmdline_from says which. */
	char cmdline_from[24];
	char cmdline[BOOTARGS_MAX_LEN];
};

/*
 * UTF-16 load options (n bytes) to a UTF-8 command line in out (a NUL
 * always written). Returns 0; -1 when they are not text (an odd length,
 * neither NUL-terminated nor plain ASCII, a unit below 0x20 other than tab,
 * CR and LF before the first NUL, a lone surrogate: EDK2's auto-created
 * boot entries carry a 16-byte GUID there) or do not fit.
 */
int efi_load_options_text(const void *opts, size_t n, char *out, size_t outlen);

/*
 * Takes the first initrd=PATH word out of cmdline (in place) into path,
 * '/' turned into '\\' (paths are from the volume's root, as Linux's EFI
 * stub reads them). Returns 1 when one was found, 0 when none, -1 when a
 * second one is there too or the path does not fit (err says which).
 */
int efi_take_initrd(char *cmdline, char *path, size_t pathlen, char *err, size_t errlen);

/* EFI_TIME to ns since the Unix epoch (UTC); -1 when a field is out of range. */
int efi_time_to_unix_ns(const struct efi_time *t, uint64_t *ns);

/*
 * The memory map (map_size bytes of desc_size descriptors) into h's RAM
 * banks and reservations. Returns the number of descriptors.
 */
uint32_t efi_memmap_ranges(const void *map, uint64_t map_size, uint64_t desc_size, struct efi_handoff *h);

/* UTF-16 (NUL-terminated or n units) to ASCII, others as '?'; out always NUL-terminated. */
void efi_ascii(const char16 *s, size_t n, char *out, size_t outlen);

#endif
