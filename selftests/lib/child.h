/* SPDX-License-Identifier: GPL-2.0 */
/* Selftests: running part of a test case in a forked child. */
#ifndef HVM_SELFTEST_CHILD_H
#define HVM_SELFTEST_CHILD_H

#include "test.h"

/*
 * Runs fn(arg) in a child process and returns its result: the child's
 * exit status is the enum test_result (a crash or signal is TEST_FAIL).
 * The child's diagnostics go to the same stdout.
 */
enum test_result run_in_child(enum test_result (*fn)(void *arg), void *arg);

#endif /* HVM_SELFTEST_CHILD_H */
