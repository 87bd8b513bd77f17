// SPDX-License-Identifier: GPL-2.0
/*
 * Memory slots: guest-physical ranges backed by the VM creator's memory.
 * The pages are pinned (FOLL_LONGTERM, so fork/COW cannot split guest and
 * runner) and charged to RLIMIT_MEMLOCK for the slot's lifetime.
 *
 * Writers hold vm->lock and publish a new slot array under SRCU; readers
 * (the fault path) hold vm->srcu.  Removing a slot: publish, wait for
 * readers, zap its second-level entries, flush every vCPU, then unpin.
 */
#include <linux/mm.h>
#include <linux/mm.h>
#include <linux/io.h>
#include <linux/sched/mm.h>
#include <linux/slab.h>

#include "hvm.h"
#include "backend.h"

static void memslot_unpin(struct hvm_vm *vm, struct hvm_memslot *slot,
			  unsigned long npinned)
{
	unpin_user_pages(slot->pages, npinned);
	account_locked_vm(vm->mm, slot->npages, false);
	kvfree(slot->pages);
	kfree(slot);
}

static long memslot_pin_range(struct hvm_memslot *slot, unsigned int gup,
			      unsigned long *done)
{
	long n;

	while (*done < slot->npages) {
		n = pin_user_pages(slot->uaddr + *done * PAGE_SIZE,
				   slot->npages - *done, gup,
				   slot->pages + *done, NULL);
		if (n <= 0)
			return n ? n : -EFAULT;
		*done += n;
		if (fatal_signal_pending(current))
			return -EINTR;
	}
	return 0;
}

/*
 * Pin for writing even a read-only slot when the memory allows it: a
 * read-only pin of untouched anonymous memory would pin the shared zero
 * page, and user space's later writes would go to a copy the guest never
 * sees.  Read-only memory (PROT_READ, a file opened read-only) is pinned
 * read-only.
 */
static int memslot_pin(struct hvm_vm *vm, struct hvm_memslot *slot)
{
	unsigned long done = 0;
	long r;

	r = account_locked_vm(vm->mm, slot->npages, true);
	if (r)
		return r;

	mmap_read_lock(vm->mm);
	r = memslot_pin_range(slot, FOLL_LONGTERM | FOLL_WRITE, &done);
	if (r == -EFAULT && (slot->flags & HVM_MEM_READONLY))
		r = memslot_pin_range(slot, FOLL_LONGTERM, &done);
	mmap_read_unlock(vm->mm);
	if (r) {
		unpin_user_pages(slot->pages, done);
		account_locked_vm(vm->mm, slot->npages, false);
		return r == -ENOMEM || r == -EINTR ? r : -EFAULT;
	}
	return 0;
}

static int memslot_check(const struct hvm_memory_region *r)
{
	if (r->slot >= HVM_MAX_SLOTS || (r->flags & ~HVM_MEM_READONLY))
		return -EINVAL;
	if (!PAGE_ALIGNED(r->guest_phys_addr) ||
	    !PAGE_ALIGNED(r->memory_size) || !PAGE_ALIGNED(r->userspace_addr))
		return -EINVAL;
	if (!r->memory_size)
		return 0;
	if (r->memory_size > HVM_MAX_SLOT_SIZE ||
	    r->guest_phys_addr >= HVM_GPA_LIMIT ||
	    r->memory_size > HVM_GPA_LIMIT - r->guest_phys_addr)
		return -EINVAL;
	if (r->userspace_addr + r->memory_size < r->userspace_addr ||
	    !access_ok((void __user *)(unsigned long)r->userspace_addr,
		       r->memory_size))
		return -EFAULT;
	return 0;
}

static bool memslot_overlaps(struct hvm_memslots *slots, u32 except,
			     u64 gfn, u64 npages)
{
	int i;

	for (i = 0; i < HVM_MAX_SLOTS; i++) {
		struct hvm_memslot *s = slots->slot[i];

		if (!s || i == except)
			continue;
		if (gfn < s->base_gfn + s->npages && s->base_gfn < gfn + npages)
			return true;
	}
	return false;
}

/*
 * No fault handler can map from @old now; remove what it did.  Its pages
 * and the emptied tables go only once no vCPU can still use them.
 */
static void memslot_zap(struct hvm_vm *vm, struct hvm_memslot *old)
{
	LIST_HEAD(zapped);

	hvm_tdp_unmap(&vm->tdp, old->base_gfn << PAGE_SHIFT,
		      old->npages << PAGE_SHIFT, &zapped);
	hvm_vm_flush_remote_tlbs(vm);
	hvm_tdp_free_zapped(&vm->tdp, &zapped);
	memslot_unpin(vm, old, old->npages);
}

int hvm_memslot_set(struct hvm_vm *vm, const struct hvm_memory_region *r)
{
	struct hvm_memslots *old_slots, *new_slots;
	struct hvm_memslot *slot = NULL, *old;
	int ret;

	ret = memslot_check(r);
	if (ret)
		return ret;

	if (r->memory_size) {
		slot = kzalloc(sizeof(*slot), GFP_KERNEL_ACCOUNT);
		if (!slot)
			return -ENOMEM;
		slot->id = r->slot;
		slot->flags = r->flags;
		slot->base_gfn = r->guest_phys_addr >> PAGE_SHIFT;
		slot->npages = r->memory_size >> PAGE_SHIFT;
		slot->uaddr = r->userspace_addr;
		slot->pages = kvmalloc_array(slot->npages, sizeof(*slot->pages),
					     GFP_KERNEL_ACCOUNT);
		if (!slot->pages) {
			kfree(slot);
			return -ENOMEM;
		}
	}

	new_slots = kzalloc(sizeof(*new_slots), GFP_KERNEL_ACCOUNT);
	if (!new_slots) {
		ret = -ENOMEM;
		goto err_slot;
	}

	mutex_lock(&vm->lock);
	old_slots = rcu_dereference_protected(vm->memslots,
					      lockdep_is_held(&vm->lock));
	if (slot && memslot_overlaps(old_slots, r->slot, slot->base_gfn,
				     slot->npages)) {
		ret = -EEXIST;
		goto err_unlock;
	}
	if (slot) {
		ret = memslot_pin(vm, slot);
		if (ret)
			goto err_unlock;
	}

	*new_slots = *old_slots;
	old = old_slots->slot[r->slot];
	new_slots->slot[r->slot] = slot;
	rcu_assign_pointer(vm->memslots, new_slots);
	/* Expedited: the caller waits on it, and slot changes are rare. */
	synchronize_srcu_expedited(&vm->srcu);
	kfree(old_slots);

	if (old)
		memslot_zap(vm, old);
	mutex_unlock(&vm->lock);
	return 0;

err_unlock:
	mutex_unlock(&vm->lock);
	kfree(new_slots);
err_slot:
	if (slot) {
		kvfree(slot->pages);
		kfree(slot);
	}
	return ret;
}

/* Caller holds vm->srcu. */
struct hvm_memslot *hvm_memslot_find(struct hvm_vm *vm, u64 gfn)
{
	struct hvm_memslots *slots = srcu_dereference(vm->memslots, &vm->srcu);
	int i;

	for (i = 0; i < HVM_MAX_SLOTS; i++) {
		struct hvm_memslot *s = slots->slot[i];

		if (s && gfn >= s->base_gfn && gfn < s->base_gfn + s->npages)
			return s;
	}
	return NULL;
}

/* The VM is going away: nothing can run or fault any more. */
void hvm_memslots_free(struct hvm_vm *vm)
{
	struct hvm_memslots *slots = rcu_dereference_protected(vm->memslots, 1);
	int i;

	if (!slots)
		return;
	for (i = 0; i < HVM_MAX_SLOTS; i++)
		if (slots->slot[i])
			memslot_unpin(vm, slots->slot[i], slots->slot[i]->npages);
	kfree(slots);
}
