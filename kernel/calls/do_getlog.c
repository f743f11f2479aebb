/* KC_GETLOG: copy kernel log entries from a sequence number on. */
#include <bulkhead/errno.h>
#include "../system.h"
#include "../klog.h"

int do_getlog(struct proc *caller, message *m)
{
	struct kc_getlog *a = &m->kc_getlog;
	struct klog_entry chunk[8];
	uint32_t n, done = 0, seq = a->from_seq;

	if (a->max > KLOG_ENTRIES)
		a->max = KLOG_ENTRIES;
	if (vm_check(&caller->vm, a->buf, a->max * sizeof chunk[0], 1) < 0)
		return -EFAULT;
	while (done < a->max) {
		n = a->max - done < 8 ? a->max - done : 8;
		n = klog_read(seq, chunk, n, &seq);
		if (n == 0)
			break;
		vm_write(&caller->vm, a->buf + done * sizeof chunk[0], chunk, n * sizeof chunk[0]);
		done += n;
	}
	a->count = done;
	a->next_seq = seq;
	return 0;
}
