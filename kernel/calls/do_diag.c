/* KC_DIAG: print the caller's text on the kernel console. */
#include <bulkhead/errno.h>
#include "../system.h"
#include "../console.h"

#define DIAG_MAX 4096

int do_diag(struct proc *caller, message *m)
{
	vir_bytes buf = m->kc_diag.buf;
	uint32_t len = m->kc_diag.len, n;
	char chunk[128];

	if (len > DIAG_MAX)
		return -E2BIG;
	if (vm_check(&caller->vm, buf, len, 0) < 0)
		return -EFAULT;
	for (; len; len -= n, buf += n) {
		n = len < sizeof chunk ? len : sizeof chunk;
		vm_read(&caller->vm, buf, chunk, n);
		console_write(chunk, n);
	}
	return 0;
}
