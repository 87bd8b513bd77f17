/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A 64-bit hvm-run guest for the UART's receive side: checks loopback
 * (MCR bit 4: MSR mirrors MCR, THR comes back in RBR), prints "ready",
 * then echoes what it receives in upper case until a newline and exits
 * with status 0 (0x61/0x62 when loopback is wrong).  Polls LSR; no IRQs.
 *
 *	echo hello | hvm-run --mode long64 --load-addr 0x10000 echo.bin
 */
#define UART_THR	0x3f8
#define UART_MCR	0x3fc
#define UART_LSR	0x3fd
#define UART_MSR	0x3fe
#define DEBUG_EXIT_PORT	0xf4

	.code64
	.text
	.globl	_start
_start:
	mov	$UART_MCR, %dx
	mov	$0x1a, %al		/* LOOP | OUT2 | RTS */
	out	%al, %dx
	mov	$UART_MSR, %dx
	in	%dx, %al
	and	$0xf0, %al
	mov	$0x61, %bl
	cmp	$0x90, %al		/* DCD | CTS */
	jne	fail
	mov	$'Z', %al
	mov	$UART_THR, %dx
	out	%al, %dx
	call	getc
	mov	$0x62, %bl
	cmp	$'Z', %al
	jne	fail
	mov	$UART_MCR, %dx
	mov	$0x0b, %al		/* OUT2 | RTS | DTR */
	out	%al, %dx

	lea	ready(%rip), %rsi
1:	lodsb
	test	%al, %al
	jz	2f
	call	putc
	jmp	1b
2:	call	getc
	cmp	$'\n', %al
	je	done
	cmp	$'a', %al
	jb	3f
	cmp	$'z', %al
	ja	3f
	sub	$0x20, %al
3:	call	putc
	jmp	2b
done:
	call	putc
	xor	%eax, %eax
	mov	$DEBUG_EXIT_PORT, %dx
	out	%al, %dx
	hlt
fail:
	mov	%bl, %al
	mov	$DEBUG_EXIT_PORT, %dx
	out	%al, %dx
	hlt

/* getc: wait for LSR.DR, AL = RBR */
getc:
	mov	$UART_LSR, %dx
4:	in	%dx, %al
	test	$1, %al
	jz	4b
	mov	$UART_THR, %dx
	in	%dx, %al
	ret

/* putc: AL to THR once LSR.THRE */
putc:
	mov	%al, %cl
	mov	$UART_LSR, %dx
5:	in	%dx, %al
	test	$0x20, %al
	jz	5b
	mov	%cl, %al
	mov	$UART_THR, %dx
	out	%al, %dx
	ret

ready:	.asciz	"ready\n"
