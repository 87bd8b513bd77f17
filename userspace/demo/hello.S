/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A 64-bit hvm-run guest: prints a greeting through the 16550 UART at
 * 0x3f8, polling LSR.THRE (bit 5) before every byte, then exits with
 * status 0 through the debug-exit port 0xf4.  Position independent
 * (RIP-relative data), so it runs at any load address:
 *
 *	hvm-run --mode long64 --load-addr 0x10000 hello.bin
 */
#define UART_THR	0x3f8
#define UART_LSR	0x3fd
#define UART_LSR_THRE	0x20
#define DEBUG_EXIT_PORT	0xf4

	.code64
	.text
	.globl	_start
_start:
	lea	message(%rip), %rsi
	cld
next_char:
	lodsb
	test	%al, %al
	jz	done
	mov	%al, %bl
	mov	$UART_LSR, %dx
wait_thre:
	in	%dx, %al
	test	$UART_LSR_THRE, %al
	jz	wait_thre
	mov	$UART_THR, %dx
	mov	%bl, %al
	out	%al, %dx
	jmp	next_char
done:
	xor	%eax, %eax
	out	%al, $DEBUG_EXIT_PORT
	hlt			/* not reached: hvm-run stops at the OUT */
	jmp	done

message:
	.asciz	"Hello from an hvm guest!\n"
