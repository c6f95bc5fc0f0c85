/* SPDX-License-Identifier: MIT */
/*
 * The compatible strings plic.c takes: every PLIC of Linux's binding
 * (Documentation/devicetree/bindings/interrupt-controller/sifive,plic-1.0.0.yaml)
 * whose registers are SiFive's layout and need no workaround beyond what
 * the firmware does. Kept here, not in plic.c alone, so that the host tests
 * find a tree's PLIC with the very same list.
 *
 * A SoC's node lists its own string, then the family's: sifive,plic-1.0.0
 * (QEMU virt: also riscv,plic0), thead,c900-plic (T-Head cores: OpenSBI sets
 * the delegation bit that opens it to S-mode; #interrupt-cells is 2, the
 * source number then the trigger type) or andestech,nceplic100. Both are
 * matched, so a tree naming only its SoC still finds its PLIC. Not taken:
 * ultrarisc,cp100-plic, whose claim register can return the wrong source
 * while several are pending (Linux masks all but one around each claim).
 */
#ifndef GOOSE_PLIC_H
#define GOOSE_PLIC_H

#define PLIC_COMPATIBLE                                                                                \
	"sifive,plic-1.0.0", "riscv,plic0", "thead,c900-plic", "andestech,nceplic100",                 \
	"anlogic,dr1v90-plic", "canaan,k210-plic", "eswin,eic7700-plic", "microchip,pic64gx-plic",     \
	"sifive,fu540-c000-plic", "spacemit,k1-plic", "starfive,jh7100-plic", "starfive,jh7110-plic",  \
	"tenstorrent,blackhole-plic", "allwinner,sun20i-d1-plic", "canaan,k230-plic",                  \
	"sophgo,cv1800b-plic", "sophgo,cv1812h-plic", "sophgo,sg2000-plic", "sophgo,sg2002-plic",      \
	"sophgo,sg2042-plic", "sophgo,sg2044-plic", "thead,th1520-plic", "andestech,qilai-plic",       \
	"renesas,r9a07g043-plic"

#endif
