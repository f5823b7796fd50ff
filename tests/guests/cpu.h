/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * CPU helpers: system registers, barriers and MMIO accessors.
 *
 * MMIO goes through explicit single-register loads and stores without
 * writeback: KVM can only emulate an MMIO access whose syndrome is valid
 * (ESR_ELx.ISV = 1), which rules out LDP/STP and pre/post-indexed forms
 * that the compiler could pick for a plain volatile pointer.
 */
#ifndef PVGUEST_CPU_H
#define PVGUEST_CPU_H

#include <stdint.h>

/* Affinity fields of MPIDR_EL1 (Aff3, Aff2, Aff1, Aff0), as the DT cpu reg. */
#define MPIDR_HWID_MASK		0xff00ffffffULL

/* SCTLR_EL1.M: stage 1 MMU enable */
#define SCTLR_M			(1UL << 0)
/* DAIF as read by "mrs x, daif": D, A, I, F at bits 9..6 */
#define DAIF_ALL		0x3c0UL
/* CurrentEL reads EL << 2 */
#define CURRENT_EL1		(1UL << 2)

#define sysreg_read(reg) ({						\
	uint64_t sysreg_v;						\
	asm volatile("mrs %0, " #reg : "=r"(sysreg_v));			\
	sysreg_v;							\
})

#define sysreg_write(reg, val)						\
	asm volatile("msr " #reg ", %x0" : : "rZ"((uint64_t)(val)) : "memory")

static inline void isb(void)
{
	asm volatile("isb" : : : "memory");
}

static inline void dsb_sy(void)
{
	asm volatile("dsb sy" : : : "memory");
}

/* Spin-loop hint; also a compiler barrier so polled flags are re-read. */
static inline void cpu_relax(void)
{
	asm volatile("yield" : : : "memory");
}

static inline uint8_t mmio_read8(uintptr_t addr)
{
	uint8_t v;

	asm volatile("ldrb %w0, [%1]" : "=r"(v) : "r"(addr) : "memory");
	return v;
}

static inline uint16_t mmio_read16(uintptr_t addr)
{
	uint16_t v;

	asm volatile("ldrh %w0, [%1]" : "=r"(v) : "r"(addr) : "memory");
	return v;
}

static inline uint32_t mmio_read32(uintptr_t addr)
{
	uint32_t v;

	asm volatile("ldr %w0, [%1]" : "=r"(v) : "r"(addr) : "memory");
	return v;
}

static inline uint64_t mmio_read64(uintptr_t addr)
{
	uint64_t v;

	asm volatile("ldr %0, [%1]" : "=r"(v) : "r"(addr) : "memory");
	return v;
}

static inline void mmio_write8(uintptr_t addr, uint8_t v)
{
	asm volatile("strb %w0, [%1]" : : "rZ"(v), "r"(addr) : "memory");
}

static inline void mmio_write16(uintptr_t addr, uint16_t v)
{
	asm volatile("strh %w0, [%1]" : : "rZ"(v), "r"(addr) : "memory");
}

static inline void mmio_write32(uintptr_t addr, uint32_t v)
{
	asm volatile("str %w0, [%1]" : : "rZ"(v), "r"(addr) : "memory");
}

static inline void mmio_write64(uintptr_t addr, uint64_t v)
{
	asm volatile("str %x0, [%1]" : : "rZ"(v), "r"(addr) : "memory");
}

#endif
