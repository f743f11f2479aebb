/*
 * t_inject: the fault injector (a boot module with the installer flag, so it
 * can give itself trace rights over one driver at a time). A test sends it
 * TEST_INJECT: which process, which fault, and the function to put it at;
 * the function's address comes from the program's symbol table, which the
 * build puts in /tests/BINARY.sym (nm output). The fault is written over the
 * start of the function in the driver's own copy of its text with
 * KC_TRACE, as t_tracer does. The answer's m_type is 0 or -errno.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <bulkhead/errno.h>
#include <bulkhead/clients.h>
#include <bulkhead/testproto.h>
#include "lib/testlib.h"

#define SYMS_MAX 65536
#define CODE_MAX 32
#define SPIN_ROUNDS 1000000     /* empty loop rounds between two heartbeat answers */

static char syms[SYMS_MAX];

/* The address of `name` in /tests/BINARY.sym ("ADDR T NAME" lines), or 0. */
static uint32_t symbol(const char *binary, const char *name)
{
	char path[48], *line, *save;
	uint32_t ino, size, mode, off;
	int r;

	snprintf(path, sizeof path, "/tests/%s.sym", binary);
	if (fs_lookup(path, &ino, &size, &mode) < 0 || size >= SYMS_MAX)
		return 0;
	for (off = 0; off < size; off += (uint32_t)r)
		if ((r = fs_read(ino, off, syms + off, size - off < 4096 ? size - off : 4096)) <= 0)
			return 0;
	syms[size] = '\0';
	for (line = strtok_r(syms, "\n", &save); line; line = strtok_r(NULL, "\n", &save))
		if (strlen(line) > 11 && (line[9] == 'T' || line[9] == 't') && !strcmp(line + 11, name))
			return (uint32_t)strtoul(line, NULL, 16);
	return 0;
}

static void put32(uint8_t *at, uint32_t v) { memcpy(at, &v, 4); }

/* The machine code of the fault, to be placed at `at`; its length, or -errno. */
static int fault_code(const struct test_inject *t, uint32_t at, uint8_t *code)
{
	uint32_t notify;

	switch (t->fault) {
	case FAULT_SPIN_ANSWERING:
		/* again: mov ecx,N; 1: dec ecx; jnz 1b; push dm; call ipc_notify; add esp,4; jmp again */
		notify = symbol(t->binary, "ipc_notify");
		if (!notify)
			return -ENOENT;
		code[0] = 0xb9;
		put32(code + 1, SPIN_ROUNDS);
		code[5] = 0x49;
		code[6] = 0x75; code[7] = (uint8_t)-3;
		code[8] = 0x68;
		put32(code + 9, (uint32_t)find_boot_server("dm"));
		code[13] = 0xe8;
		put32(code + 14, notify - (at + 18));
		code[18] = 0x83; code[19] = 0xc4; code[20] = 0x04;
		code[21] = 0xeb; code[22] = (uint8_t)-23;
		return 23;
	case FAULT_RETURN_ZERO:                         /* xor eax,eax; ret */
		code[0] = 0x31; code[1] = 0xc0; code[2] = 0xc3;
		return 3;
	case FAULT_RETURN_EINVAL:                       /* mov eax,-EINVAL; ret */
		code[0] = 0xb8;
		put32(code + 1, (uint32_t)-EINVAL);
		code[5] = 0xc3;
		return 6;
	case FAULT_CRASH:                               /* ud2 */
		code[0] = 0x0f; code[1] = 0x0b;
		return 2;
	}
	return -EINVAL;
}

static int inject(struct test_inject *t)
{
	uint8_t code[CODE_MAX];
	struct priv p;
	uint32_t at;
	int n, r;

	t->binary[sizeof t->binary - 1] = t->function[sizeof t->function - 1] = '\0';
	at = symbol(t->binary, t->function);
	if (!at)
		return -ENOENT;
	n = fault_code(t, at, code);
	if (n < 0)
		return n;
	memset(&p, 0, sizeof p);
	bit_set(p.trace_to, (unsigned)endpoint_slot(t->target));
	r = sys_privctl(EP_SELF, PRIVCTL_EXTEND, &p);
	if (r == 0)
		r = sys_trace(TRACE_WRITE_TEXT, t->target, at, code, (uint32_t)n);
	printf("t_inject: fault %u at %s (%x) in %s, endpoint %d: %d\n", t->fault, t->function, at,
	       t->binary, (int)t->target, r);
	return r;
}

int main(void)
{
	message m;

	for (;;) {
		if (ipc_receive(EP_ANY, &m) < 0 || m.m_type == NOTIFY_MESSAGE)
			continue;
		m.m_type = m.m_type == TEST_INJECT ? inject(&m.test_inject) : -ENOSYS;
		ipc_sendnb(m.m_source, &m);
	}
}
