// SPDX-License-Identifier: GPL-2.0
/*
 * hvm-run: the terminal as the guest's serial console.  When stdin is a
 * terminal it goes into raw mode (every key reaches the guest, Ctrl-C
 * included) and is restored on every way out of hvm-run (exit, a
 * terminating signal).  A thread reads the terminal and passes the bytes
 * to the UART through a pipe, after the escape: Ctrl-A x ends hvm-run
 * (status 0), Ctrl-A Ctrl-A sends one Ctrl-A, Ctrl-A and anything else
 * sends both.  Not a terminal (a pipe, a file): stdin goes to the UART as
 * it is, and its end only means no more input; the guest runs on.
 */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <termios.h>
#include <unistd.h>

#include "io_bus.h"
#include "runner.h"

#define CTRL_A		0x01

static struct termios saved_termios;
static volatile sig_atomic_t termios_saved;
static int pipe_wr = -1;

void console_restore(void)
{
	if (termios_saved) {
		tcsetattr(0, TCSANOW, &saved_termios);
		termios_saved = 0;
	}
}

static int write_all(int fd, const __u8 *buf, size_t len)
{
	ssize_t n;

	while (len) {
		n = write(fd, buf, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		buf += n;
		len -= n;
	}
	return 0;
}

static void *console_thread(void *arg)
{
	__u8 in[256], out[512];
	bool escape = false;
	size_t i, n_out;
	ssize_t n;

	(void)arg;
	for (;;) {
		n = read(0, in, sizeof(in));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		for (i = 0, n_out = 0; i < (size_t)n; i++) {
			if (!escape && in[i] == CTRL_A) {
				escape = true;
				continue;
			}
			if (escape) {
				escape = false;
				if (in[i] == 'x' || in[i] == 'X') {
					runner_request_exit(RUNNER_EXIT_ESCAPE);
					return NULL;
				}
				if (in[i] != CTRL_A)
					out[n_out++] = CTRL_A;
			}
			out[n_out++] = in[i];
		}
		if (n_out && write_all(pipe_wr, out, n_out))
			break;
	}
	close(pipe_wr);
	return NULL;
}

int console_setup(void)
{
	struct termios raw;
	pthread_t thread;
	int p[2], err;

	if (!isatty(0))
		return 0;
	if (tcgetattr(0, &saved_termios) || pipe(p))
		return -1;
	termios_saved = 1;
	atexit(console_restore);
	raw = saved_termios;
	cfmakeraw(&raw);
	raw.c_oflag = saved_termios.c_oflag;	/* our own messages keep \n -> \r\n */
	if (tcsetattr(0, TCSANOW, &raw))
		return -1;
	pipe_wr = p[1];
	uart16550_set_input_fd(p[0]);
	err = pthread_create(&thread, NULL, console_thread, NULL);
	if (err) {
		errno = err;
		return -1;
	}
	pthread_detach(thread);
	return 0;
}
