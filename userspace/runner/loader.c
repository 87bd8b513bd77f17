// SPDX-License-Identifier: GPL-2.0
/*
 * hvm-run: reading IMAGE and putting it in guest RAM.  An ELF file is
 * loaded by its program headers (elf.c), and booted per Multiboot when it
 * has a Multiboot header (multiboot.c); anything else is a flat binary
 * copied to --load-addr.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "runner.h"

static unsigned char *read_file(const char *path, size_t *size)
{
	unsigned char *buf = NULL;
	size_t done = 0;
	struct stat st;
	ssize_t n;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || fstat(fd, &st)) {
		fprintf(stderr, "hvm-run: %s: %m\n", path);
		goto fail;
	}
	buf = malloc(st.st_size ? st.st_size : 1);
	if (!buf) {
		fprintf(stderr, "hvm-run: %s: %m\n", path);
		goto fail;
	}
	while (done < (size_t)st.st_size) {
		n = read(fd, buf + done, st.st_size - done);
		if (n <= 0) {
			fprintf(stderr, "hvm-run: reading %s: %s\n", path,
				n ? strerror(errno) : "short file");
			goto fail;
		}
		done += n;
	}
	close(fd);
	*size = done;
	return buf;

fail:
	free(buf);
	if (fd >= 0)
		close(fd);
	return NULL;
}

static int load_flat(struct hvm_vm *vm, const struct runner_options *o,
		     const unsigned char *data, size_t size, struct runner_image *img)
{
	unsigned char *dst = hvm_vm_gpa_to_hva(vm, o->load_addr, size);

	if (!dst || !size) {
		fprintf(stderr, "hvm-run: %s (%zu bytes) does not fit in guest RAM at 0x%llx\n",
			o->image, size, o->load_addr);
		return -1;
	}
	memcpy(dst, data, size);
	img->low = o->load_addr;
	img->end = o->load_addr + size;
	img->entry = o->entry_set ? o->entry : o->load_addr;
	img->mode = o->mode;
	return 0;
}

int runner_load_image(struct hvm_vm *vm, const struct runner_options *o,
		      struct runner_image *img)
{
	unsigned char *data;
	long mb_flags;
	size_t size;
	int r;

	memset(img, 0, sizeof(*img));
	data = read_file(o->image, &size);
	if (!data)
		return -1;
	if (!runner_is_elf(data, size)) {
		if (o->cmdline || o->nr_modules) {
			fprintf(stderr, "hvm-run: --cmdline and --module need a Multiboot ELF image\n");
			r = -1;
		} else {
			r = load_flat(vm, o, data, size, img);
		}
		free(data);
		return r;
	}
	if (o->load_set || o->mode_set || o->entry_set) {
		fprintf(stderr, "hvm-run: --load-addr, --mode and --entry are for flat "
			"binaries; %s is ELF\n", o->image);
		free(data);
		return -1;
	}
	mb_flags = runner_multiboot_flags(data, size);
	r = runner_load_elf(vm, data, size, img);
	if (!r && mb_flags >= 0)
		r = runner_multiboot_setup(vm, o, mb_flags, img);
	else if (!r && (o->cmdline || o->nr_modules)) {
		fprintf(stderr, "hvm-run: --cmdline and --module need a Multiboot header\n");
		r = -1;
	}
	free(data);
	return r;
}
