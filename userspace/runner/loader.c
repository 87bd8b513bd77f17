// SPDX-License-Identifier: GPL-2.0
/*
 * hvm-run: reading IMAGE and putting it in guest RAM.  A Linux bzImage
 * (the "HdrS" setup header) boots per the x86 boot protocol (linux.c).  An
 * ELF file is loaded by its program headers (elf.c), and booted per
 * Multiboot when it has a Multiboot header (multiboot.c), or at its PVH
 * entry point when it has that Xen ELF note (pvh.c, a Linux vmlinux);
 * anything else is a flat binary copied to --load-addr.
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

static unsigned char *image_data;
static size_t image_size;

/* Reads IMAGE and finds its kind; a Linux boot's default --mem. */
int runner_read_image(struct runner_options *o)
{
	image_data = read_file(o->image, &image_size);
	if (!image_data)
		return -1;
	if (runner_is_bzimage(image_data, image_size))
		o->linux_boot = RUNNER_LINUX_BZIMAGE;
	else if (runner_is_elf(image_data, image_size) &&
		 runner_multiboot_flags(image_data, image_size) < 0 &&
		 runner_pvh_entry(image_data, image_size) >= 0)
		o->linux_boot = RUNNER_LINUX_PVH;
	if (o->linux_boot && !o->mem_set)
		o->mem_size = RUNNER_LINUX_DEFAULT_MEM;
	if (!o->linux_boot && o->initrd) {
		fprintf(stderr, "hvm-run: --initrd needs a Linux kernel (bzImage or PVH vmlinux)\n");
		return -1;
	}
	if (!o->linux_boot && o->nr_cpus > 1) {
		fprintf(stderr, "hvm-run: --cpus needs a Linux kernel (bzImage or PVH vmlinux)\n");
		return -1;
	}
	if (o->linux_boot && (o->load_set || o->mode_set || o->entry_set || o->nr_modules)) {
		fprintf(stderr, "hvm-run: --load-addr, --mode, --entry and --module do not "
			"apply to a Linux kernel\n");
		return -1;
	}
	return 0;
}

int runner_load_image(struct hvm_vm *vm, const struct runner_options *o,
		      struct runner_image *img)
{
	unsigned char *data = image_data;
	size_t size = image_size;
	long mb_flags;
	int r;

	memset(img, 0, sizeof(*img));
	image_data = NULL;
	if (o->linux_boot == RUNNER_LINUX_BZIMAGE) {
		r = runner_load_bzimage(vm, o, data, size, img);
		free(data);
		return r;
	}
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
	if (!r && o->linux_boot == RUNNER_LINUX_PVH)
		r = runner_pvh_setup(vm, o, runner_pvh_entry(data, size), img);
	else if (!r && mb_flags >= 0)
		r = runner_multiboot_setup(vm, o, mb_flags, img);
	else if (!r && (o->cmdline || o->nr_modules)) {
		fprintf(stderr, "hvm-run: --cmdline and --module need a Multiboot header\n");
		r = -1;
	}
	free(data);
	return r;
}
