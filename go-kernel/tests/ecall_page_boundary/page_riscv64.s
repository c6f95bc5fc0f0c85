// Two write system calls whose ecalls sit 2046 and 4094 bytes past a
// 2048-byte boundary, so that one of them straddles a page boundary
// whichever half of a page the boundary is in: goose must rewrite each
// 16-bit parcel through its own page, whose frames need not be neighbours.
// Every instruction is a WORD, so that no assembler compresses or moves one;
// 0x0001 is c.nop, ecall is 0x00000073. The frame: fd at 8(SP), p at 16,
// n at 24, r1 at 32, r2 at 40.

#include "textflag.h"

// Padding: NOP is one 4-byte nop (addi x0, x0, 0).
#define NOP WORD $0x00000013
#define NOP5 NOP; NOP; NOP; NOP; NOP
#define NOP10 NOP5; NOP5
#define NOP100 NOP10; NOP10; NOP10; NOP10; NOP10; NOP10; NOP10; NOP10; NOP10; NOP10
#define NOP500 NOP100; NOP100; NOP100; NOP100; NOP100

// func writeTwice(fd uintptr, p *byte, n uintptr) (r1, r2 uintptr)
TEXT ·writeTwice(SB), NOSPLIT, $0-40
	WORD	$0x00813503		// ld a0, 8(sp)
	WORD	$0x01013583		// ld a1, 16(sp)
	WORD	$0x01813603		// ld a2, 24(sp)
	WORD	$0x04000893		// li a7, 64 (SYS_write)
	PCALIGN	$2048			// offset 0
	NOP500
	NOP10				// 510 nops: offsets 0-2039
	WORD	$0x00010001		// 2040: c.nop; c.nop
	WORD	$0x00730001		// 2044: c.nop; 2046: ecall, first parcel
	WORD	$0x00010000		// 2048: ecall, second parcel; 2050: c.nop
	WORD	$0x02a13023		// 2052: sd a0, 32(sp)
	WORD	$0x00813503		// 2056: ld a0, 8(sp)
	WORD	$0x01013583		// 2060: ld a1, 16(sp)
	WORD	$0x01813603		// 2064: ld a2, 24(sp)
	NOP500
	NOP5				// 505 nops: offsets 2068-4087
	WORD	$0x00010001		// 4088: c.nop; c.nop
	WORD	$0x00730001		// 4092: c.nop; 4094: ecall, first parcel
	WORD	$0x00010000		// 4096: ecall, second parcel; 4098: c.nop
	WORD	$0x02a13423		// 4100: sd a0, 40(sp)
	RET
