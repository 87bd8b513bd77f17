// SPDX-License-Identifier: GPL-2.0
/* hvm-run: copies a flat binary into guest RAM. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "runner.h"

int runner_load_image(struct hvm_vm *vm, const char *path, unsigned long long gpa,
		      size_t *loaded)
{
	struct stat st;
	size_t done = 0;
	char *dst;
	ssize_t n;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || fstat(fd, &st)) {
		fprintf(stderr, "hvm-run: %s: %m\n", path);
		goto fail;
	}
	dst = hvm_vm_gpa_to_hva(vm, gpa, st.st_size);
	if (!dst || !st.st_size) {
		fprintf(stderr, "hvm-run: %s (%lld bytes) does not fit in guest RAM at 0x%llx\n",
			path, (long long)st.st_size, gpa);
		goto fail;
	}
	while (done < (size_t)st.st_size) {
		n = read(fd, dst + done, st.st_size - done);
		if (n <= 0) {
			fprintf(stderr, "hvm-run: reading %s: %s\n", path,
				n ? strerror(errno) : "short file");
			goto fail;
		}
		done += n;
	}
	close(fd);
	*loaded = done;
	return 0;

fail:
	if (fd >= 0)
		close(fd);
	return -1;
}
