/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A Multiboot (v1) kernel for hvm-run: checks the boot magic, then prints
 * what the Multiboot information block says (boot loader name, command
 * line, upper memory, memory map entries, modules and the first module's
 * contents) through the 16550 UART and exits with status 0 through the
 * debug-exit port; a missing field exits with status 0x5x instead.
 *
 *	hvm-run --cmdline "hello" --module "mod.txt arg" multiboot.elf
 */
#define UART_THR	0x3f8
#define UART_LSR	0x3fd
#define DEBUG_EXIT_PORT	0xf4
#define MB_MAGIC	0x1badb002
#define MB_FLAGS	0x3		/* page-aligned modules, memory info */

	.code32
	.text
	.globl	_start
	.align	4
mb_header:
	.long	MB_MAGIC, MB_FLAGS, -(MB_MAGIC + MB_FLAGS)

_start:
	mov	$stack_top, %esp
	mov	$0x50, %dl
	cmp	$0x2badb002, %eax
	jne	fail
	mov	%ebx, %ebp			/* the information block */
	mov	$0x51, %dl
	mov	(%ebp), %eax
	and	$0x24d, %eax			/* mem, cmdline, mods, mmap, name */
	cmp	$0x24d, %eax
	jne	fail

	mov	$msg_loader, %esi
	call	puts
	mov	64(%ebp), %esi			/* boot_loader_name */
	call	puts
	mov	$msg_cmdline, %esi
	call	puts
	mov	16(%ebp), %esi			/* cmdline */
	call	puts
	mov	$msg_mem, %esi
	call	puts
	mov	8(%ebp), %eax			/* mem_upper, KB */
	call	puthex
	mov	$msg_mmap, %esi
	call	puts
	mov	44(%ebp), %eax			/* mmap_length / 24 entries */
	xor	%edx, %edx
	mov	$24, %ecx
	div	%ecx
	call	puthex
	mov	$msg_mods, %esi
	call	puts
	mov	20(%ebp), %eax			/* mods_count */
	call	puthex
	mov	$msg_nl, %esi
	call	puts

	mov	$0x52, %dl
	cmpl	$0, 20(%ebp)
	je	done
	mov	24(%ebp), %edi			/* mods[0] */
	mov	$msg_modstr, %esi
	call	puts
	mov	8(%edi), %esi			/* its string */
	call	puts
	mov	$msg_modtext, %esi
	call	puts
	mov	(%edi), %esi			/* its contents, up to mod_end */
	mov	4(%edi), %ecx
1:	cmp	%ecx, %esi
	jae	done
	lodsb
	call	putc
	jmp	1b
done:
	mov	$0, %al
	mov	$DEBUG_EXIT_PORT, %dx
	out	%al, %dx
	hlt

fail:
	mov	%dl, %al
	mov	$DEBUG_EXIT_PORT, %dx
	out	%al, %dx
	hlt

/* putc: AL to the UART, polling LSR.THRE; keeps every register. */
putc:
	push	%edx
	push	%eax
	mov	$UART_LSR, %dx
2:	in	%dx, %al
	test	$0x20, %al
	jz	2b
	pop	%eax
	mov	$UART_THR, %dx
	out	%al, %dx
	pop	%edx
	ret

/* puts: the NUL-terminated string at ESI. */
puts:
	push	%eax
3:	lodsb
	test	%al, %al
	jz	4f
	call	putc
	jmp	3b
4:	pop	%eax
	ret

/* puthex: EAX as 0x and 8 hex digits. */
puthex:
	push	%ecx
	push	%eax
	mov	%eax, %ecx
	mov	$'0', %al
	call	putc
	mov	$'x', %al
	call	putc
	push	%ebx
	mov	$8, %ebx
5:	rol	$4, %ecx
	mov	%ecx, %eax
	and	$0xf, %eax
	add	$'0', %al
	cmp	$'9', %al
	jbe	6f
	add	$('a' - '9' - 1), %al
6:	call	putc
	dec	%ebx
	jnz	5b
	pop	%ebx
	pop	%eax
	pop	%ecx
	ret

	.data
msg_loader:	.asciz	"Multiboot from "
msg_cmdline:	.asciz	", cmdline '"
msg_mem:	.asciz	"', mem_upper "
msg_mmap:	.asciz	" KB, mmap entries "
msg_mods:	.asciz	", modules "
msg_nl:		.asciz	"\n"
msg_modstr:	.asciz	"module 0 '"
msg_modtext:	.asciz	"': "

	.bss
	.align	16
	.space	4096
stack_top:
