/*
 * KC_EXEC: the process manager replaces the program of a process it manages
 * with an ELF executable it holds in its own memory. The new address space
 * is built completely (kernel/load.c) before the old one is given up: on any
 * error the target is untouched.
 */
#include <bulkhead/errno.h>
#include "../system.h"
#include "../load.h"
#include "../klog.h"
#include "../pmem.h"

#define EXEC_SPARE_PAGES 16      /* page tables, stack, bss beyond the file: a rough allowance */

static char args[ARGS_MAX];

/* The process name: argv[0] without its directories. */
static const char *program_name(const char *argv0)
{
	const char *name = argv0, *s;

	for (s = argv0; *s; s++)
		if (*s == '/' && s[1])
			name = s + 1;
	return name;
}

int do_exec(struct proc *caller, message *m)
{
	const struct kc_exec *a = &m->kc_exec;
	struct proc *target = proc_lookup(a->target);
	struct image im = { .vm = &caller->vm, .base = a->image, .size = a->size };
	struct vmspace vm;
	const char *why;
	uint32_t entry, esp;
	int r;

	if (!target)
		return -ESRCH;
	if (target == caller || target->manager != caller->endpoint) {
		deny(caller, DENY_KCALL, (uint32_t)a->target, -EPERM);
		return -EPERM;
	}
	if (a->args_len == 0 || a->args_len > ARGS_MAX || a->argc == 0)
		return -E2BIG;
	if (!pmem_may_take(target->uid, a->size / PAGE_SIZE + EXEC_SPARE_PAGES))
		return -ENOMEM;
	if (vm_read(&caller->vm, a->args, args, a->args_len) < 0)
		return -EFAULT;
	args[a->args_len - 1] = '\0';
	r = vm_create(&vm);
	if (r < 0)
		return r;
	r = load_program(&vm, &im, &entry, &why);
	if (r == 0)
		r = load_args(&vm, args, a->args_len, (int)a->argc, &esp);
	if (r < 0) {
		vm_destroy(&vm);
		return r;
	}
	proc_replace_image(target, &vm, entry, esp, program_name(args));
	if (a->flags & EXEC_START)
		proc_start(target);
	return 0;
}
