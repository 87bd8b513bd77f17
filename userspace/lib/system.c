// SPDX-License-Identifier: GPL-2.0
/* libhvm: opening /dev/hvm and querying it. */
#include <errno.h>
#include <fcntl.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "libhvm.h"

/* Opens /dev/hvm and checks that it speaks HVM_API_VERSION. */
int hvm_dev_open(void)
{
	int fd, version;

	fd = open(HVM_DEV_PATH, O_RDWR | O_CLOEXEC);
	if (fd < 0)
		return -1;
	version = ioctl(fd, HVM_GET_API_VERSION, 0);
	if (version != HVM_API_VERSION) {
		close(fd);
		errno = version < 0 ? errno : EPROTO;
		return -1;
	}
	return fd;
}

int hvm_dev_get_info(int dev_fd, struct hvm_info *info)
{
	return ioctl(dev_fd, HVM_GET_INFO, info) < 0 ? -1 : 0;
}
