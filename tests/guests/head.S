/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * arm64 Image header, linked in front of the code for pvguest.img only
 * (Documentation/arch/arm64/booting.rst, "Call the kernel image"). With it
 * pinvm (and QEMU) load the guest through the Image path at the same
 * address as the header-less pvguest.bin: RAM base + text_offset.
 */
	.section .head, "ax"
	b	_start			/* code0: jump over the 64-byte header */
	.long	0			/* code1 */
	.quad	0x80000			/* text_offset */
	.quad	pvguest_image_size	/* image_size: file + .bss + stacks (link.ld) */
	/* flags: bit 0 = 0 little endian, bits 1-2 = 1 4K pages, bit 3 = 0 */
	.quad	0x2
	.quad	0			/* res2 */
	.quad	0			/* res3 */
	.quad	0			/* res4 */
	.ascii	"ARM\x64"		/* magic */
	.long	0			/* res5: no PE/COFF header */
