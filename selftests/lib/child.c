// SPDX-License-Identifier: GPL-2.0
/* Selftests: running part of a test case in a forked child. */
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include "child.h"

enum test_result run_in_child(enum test_result (*fn)(void *arg), void *arg)
{
	int status;
	pid_t pid;

	fflush(stdout);
	fflush(stderr);
	pid = fork();
	if (pid < 0)
		return test_fail("fork: %s", strerror(errno));
	if (!pid) {
		alarm(TEST_CASE_TIMEOUT);
		fflush(stdout);
		_exit(fn(arg));
	}
	while (waitpid(pid, &status, 0) < 0) {
		if (errno != EINTR)
			return test_fail("waitpid: %s", strerror(errno));
	}
	if (WIFSIGNALED(status))
		return test_fail("the child died of signal %d", WTERMSIG(status));
	if (!WIFEXITED(status) || WEXITSTATUS(status) > TEST_SKIP)
		return test_fail("the child exited with status 0x%x", status);
	return WEXITSTATUS(status);
}
