/* SPDX-License-Identifier: MIT */
#include "kernel/vector.h"
#include "arch/riscv/riscv.h"
#include "arch/riscv/vector.h"
#include "include/uapi/errno.h"
#include "include/uapi/prctl.h"
#include "include/uapi/signal.h"
#include "kernel/signal.h"
#include "kernel/thread.h"
#include "mm/kmem.h"
#include "mm/vm.h"

BOOT_OPTION(vector_option, "goose.vector", "goose.vector=0",
	    "hide the vector extension: no V in AT_HWCAP or riscv_hwprobe, vector instructions are illegal (SIGILL)");

/* VLEN / 8 while programs may use V; 0 otherwise. */
static uint64_t vlenb;

bool vector_init(const struct bootargs *ba, bool hart_has_v)
{
	const char *opt = boot_option_value(ba, &vector_option);

	vlenb = 0;
	if (!hart_has_v || (opt && !strcmp(opt, "0")))
		return false;
	vlenb = vector_vlenb();
	/* Back off until a thread's first vector instruction. */
	csr_clear(CSR_SSTATUS, SSTATUS_VS);
	return vlenb != 0;
}

uint64_t vector_vlenb_bytes(void)
{
	return vlenb;
}

static bool vs_on(const struct thread *t)
{
	return vlenb && (t->frame.sstatus & SSTATUS_VS) != SSTATUS_VS_OFF;
}

static void vs_set(struct thread *t, uint64_t vs)
{
	t->frame.sstatus = (t->frame.sstatus & ~SSTATUS_VS) | vs;
}

/*
 * Whether insn would use the vector unit, by the encodings of the V 1.0
 * specification: OP-V (arithmetic, vsetvl*), OP-VE (the vector crypto
 * extensions), LOAD-FP and STORE-FP with a vector width (0, 5, 6, 7; the
 * others are scalar FP), and CSR instructions on a vector CSR.
 */
static bool insn_is_vector(uint32_t insn)
{
	uint32_t width = (insn >> 12) & 7, csr = insn >> 20;

	switch (insn & 0x7f) {
	case 0x57:	/* OP-V */
	case 0x77:	/* OP-VE */
		return true;
	case 0x07:	/* LOAD-FP */
	case 0x27:	/* STORE-FP */
		return width == 0 || width >= 5;
	case 0x73:	/* SYSTEM: csrrw/s/c and their immediate forms */
		if (width == 0 || width == 4)
			return false;
		return (csr >= CSR_VSTART && csr <= CSR_VCSR) || (csr >= CSR_VL && csr <= CSR_VLENB);
	default:
		return false;
	}
}

bool vector_first_use(struct thread *t)
{
	struct frame *f = &t->frame;
	uint16_t half[2];

	if (!vlenb || vs_on(t) || (t->vctrl & PR_RISCV_V_VSTATE_CTRL_CUR_MASK) != PR_RISCV_V_VSTATE_CTRL_ON)
		return false;
	/* The instruction itself (stval need not hold it): 32 bits long. */
	if (copy_from_user(&half[0], f->pc, 2) || (half[0] & 3) != 3 || copy_from_user(&half[1], f->pc + 2, 2))
		return false;
	if (!insn_is_vector(half[0] | (uint32_t)half[1] << 16))
		return false;
	size_t size = sizeof(struct vregs) + 32 * vlenb;

	if (!t->vregs)
		t->vregs = kzalloc(size);
	else
		memset(t->vregs, 0, size);
	if (!t->vregs) {
		/* As Linux when it cannot allocate the state. */
		signal_fault(t, SIGBUS, BUS_ADRERR, f->pc);
		return true;
	}
	/* A zeroed state (vl 0, vtype 0), loaded; the instruction runs again. */
	vector_restore(t->vregs);
	vs_set(t, SSTATUS_VS_CLEAN);
	return true;
}

void vector_sync(struct thread *t)
{
	if (vlenb && (t->frame.sstatus & SSTATUS_VS) == SSTATUS_VS_DIRTY) {
		vector_save(t->vregs);
		vs_set(t, SSTATUS_VS_CLEAN);
	}
}

void vector_leave(struct thread *t)
{
	vector_sync(t);
}

void vector_enter(struct thread *t)
{
	if (!vs_on(t))
		return;
	vector_restore(t->vregs);
	vs_set(t, SSTATUS_VS_CLEAN);
}

void vector_clone(const struct thread *parent, struct thread *child)
{
	/* Linux's copy_thread: the child's vector state is off, its first
	 * vector instruction gives it a fresh one; the control word goes
	 * with the thread. */
	child->vregs = NULL;
	child->vctrl = parent->vctrl;
	vs_set(child, SSTATUS_VS_OFF);
}

void vector_exec(struct thread *t)
{
	/* riscv_v_vstate_ctrl_init at execve: on by default. */
	t->vctrl = vlenb ? PR_RISCV_V_VSTATE_CTRL_ON : 0;
	vs_set(t, SSTATUS_VS_OFF);
}

void vector_free(struct thread *t)
{
	kfree(t->vregs);
	t->vregs = NULL;
}

long vector_get_control(const struct thread *t)
{
	if (!vlenb)
		return -EINVAL;
	return t->vctrl & PR_RISCV_V_VSTATE_CTRL_MASK;
}

long vector_set_control(struct thread *t, uint64_t arg)
{
	uint64_t cur = arg & PR_RISCV_V_VSTATE_CTRL_CUR_MASK, next = (arg & PR_RISCV_V_VSTATE_CTRL_NEXT_MASK) >> 2;

	if (!vlenb || (arg & ~(uint64_t)PR_RISCV_V_VSTATE_CTRL_MASK))
		return -EINVAL;
	switch (cur) {
	case PR_RISCV_V_VSTATE_CTRL_OFF:
		/* No turning V off under a thread that uses it. */
		if (vs_on(t))
			return -EPERM;
		break;
	case PR_RISCV_V_VSTATE_CTRL_ON:
		break;
	case PR_RISCV_V_VSTATE_CTRL_DEFAULT:
		cur = PR_RISCV_V_VSTATE_CTRL_ON;	/* the default is on */
		break;
	default:
		return -EINVAL;
	}
	if (next > PR_RISCV_V_VSTATE_CTRL_ON)
		return -EINVAL;
	t->vctrl = (uint8_t)(cur | next << 2 | (arg & PR_RISCV_V_VSTATE_CTRL_INHERIT));
	return 0;
}

/* The V record: its header, struct __sc_riscv_v_state, v0-v31. */
static size_t v_record_size(void)
{
	return sizeof(struct k_ctx_hdr) + sizeof(struct k_v_state) + 32 * vlenb;
}

size_t vector_sigframe_extra(const struct thread *t)
{
	return vs_on(t) ? v_record_size() : 0;
}

size_t vector_sigframe_max_extra(void)
{
	return vlenb ? v_record_size() : 0;
}

int vector_sigframe_save(struct thread *t, uint64_t hdr)
{
	const struct k_ctx_hdr end = { END_MAGIC, END_HDR_SIZE };

	if (vs_on(t)) {
		vector_sync(t);
		const struct vregs *vr = t->vregs;
		uint64_t state = hdr + sizeof(struct k_ctx_hdr), datap = state + sizeof(struct k_v_state);
		const struct k_v_state st = { vr->vstart, vr->vl, vr->vtype, vr->vcsr, vlenb, datap };
		const struct k_ctx_hdr h = { RISCV_V_MAGIC, (uint32_t)v_record_size() };

		if (copy_to_user(state, &st, sizeof(st)) || copy_to_user(datap, vr->v, 32 * vlenb) ||
		    copy_to_user(hdr, &h, sizeof(h)))
			return -1;
		hdr += v_record_size();
	}
	return copy_to_user(hdr, &end, sizeof(end)) ? -1 : 0;
}

int vector_sigframe_restore(struct thread *t, uint64_t hdr)
{
	uint32_t reserved;

	/* The word before the first record must be 0 (restore_sigcontext). */
	if (copy_from_user(&reserved, hdr - 4, 4) || reserved)
		return -1;
	for (;;) {
		struct k_ctx_hdr h;
		struct k_v_state st;

		if (copy_from_user(&h, hdr, sizeof(h)))
			return -1;
		if (h.magic == END_MAGIC)
			return h.size == END_HDR_SIZE ? 0 : -1;
		if (h.magic != RISCV_V_MAGIC || !vs_on(t) || h.size != v_record_size())
			return -1;
		if (copy_from_user(&st, hdr + sizeof(h), sizeof(st)) ||
		    copy_from_user(t->vregs->v, st.datap, 32 * vlenb))
			return -1;
		t->vregs->vstart = st.vstart;
		t->vregs->vl = st.vl;
		t->vregs->vtype = st.vtype;
		t->vregs->vcsr = st.vcsr;
		/* rt_sigreturn runs on t's hart: load it now. */
		vector_restore(t->vregs);
		vs_set(t, SSTATUS_VS_CLEAN);
		hdr += h.size;
	}
}
