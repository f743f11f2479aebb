/*
 * t_fuzz: makes TEST_GO's count random kernel calls with random arguments
 * (seeded; the controller prints the seed), plus a random non-blocking IPC
 * trap every 16 calls. The arguments mix small numbers, any number, pointers
 * into its own scratch memory, kernel addresses, values near 2^32, port-like
 * numbers, endpoints and grant-like IDs.
 *
 * Left out, because they would end the fuzzer rather than test the kernel:
 * KC_EXIT, killing itself, shrinking its own heap (KC_BRK only grows and is
 * put back), and pointers to its own stack or library data (the only
 * writable memory it names is its scratch buffer). KC_DIAG is left out so
 * the console is not flooded.
 */
#include <string.h>
#include <bulkhead/errno.h>
#include <bulkhead/layout.h>
#include "lib/testlib.h"

#define SCRATCH (64 * 1024)

static uint8_t scratch[SCRATCH];
static uint32_t state;
static endpoint_t eps[8];

static uint32_t rnd(void) { return t_rand(&state) >> 3 ^ t_rand(&state) << 13; }

/* Any number, except addresses of our own program, heap or stack. */
static uint32_t any_number(void)
{
	uint32_t v = rnd();

	if (v >= USER_BASE && v < USER_HEAP_LIMIT)
		v -= USER_BASE;                                   /* into kernel space */
	if (v >= USER_STACK_TOP - USER_STACK_SIZE && v < USER_STACK_TOP)
		v += USER_STACK_SIZE;
	return v;
}

static uint32_t random_word(void)
{
	switch (rnd() % 9) {
	case 0:  return rnd() % 16;
	case 1:  return any_number();
	case 2:  return (uint32_t)scratch + rnd() % (SCRATCH / 2);
	case 3:  return 0x100000 + rnd() % 0x100000;            /* the kernel */
	case 4:  return eps[rnd() % 8];
	case 5:  return (uint32_t)grant_make_id(rnd() % 4, rnd() % 16);
	case 6:  return 0xffffffffu - rnd() % 4096;
	case 7:  return rnd() % 0x10000;                         /* port-like */
	default: return USER_BASE + rnd() % 4096;                 /* our first text page: read-only */
	}
}

static int random_call(endpoint_t self)
{
	static const uint8_t sizes[] = { 1, 2, 4 };
	uint32_t nr = rnd() % 64 == 0 ? rnd() : rnd() % (NR_KCALLS + 3);
	vir_bytes brk = 0;
	message m;
	uint32_t i;
	int r;

	if (nr == KC_EXIT || nr == KC_DIAG)
		nr = KC_TIME;
	for (i = 0; i < sizeof m.raw / 4; i++)
		((uint32_t *)m.raw)[i] = random_word();
	if (nr == KC_DEVIO)
		m.kc_devio.size = sizes[rnd() % 3];
	if (nr == KC_KILL && (m.kc_kill.target == EP_SELF || m.kc_kill.target == self))
		m.kc_kill.target = EP_NONE;
	if (nr == KC_BRK) {
		sys_brk(0, &brk);
		m.kc_brk.addr = brk + rnd() % (64 << 10);
	}
	r = kernel_call((int)nr, &m);
	if (brk)
		sys_brk(brk, NULL);
	return r;
}

static int random_ipc(endpoint_t self)
{
	endpoint_t ep = (endpoint_t)random_word();
	message *msg = rnd() % 4 ? (message *)(scratch + rnd() % (SCRATCH / 2)) : (message *)any_number();
	int op = rnd() % 4;
	int r;

	if (ep == self || ep == t_manager())      /* the controller must not get garbage */
		ep = EP_NONE;
	if (op == 0)
		return ipc_notify(ep);
	if (op == 1)
		return ipc_sendnb(ep, msg);
	op = op == 2 ? 0 : 6 + (int)(rnd() % 100);  /* operations that do not exist */
	__asm__ volatile("int %1" : "=a"(r) : "i"(IPC_VECTOR), "a"(op), "b"(ep), "c"(msg) : "memory");
	return r;
}

int main(void)
{
	int32_t counts[6] = { 0 };
	endpoint_t self = sys_self();
	uint32_t n, ipcs = 0;
	message m;
	int r;

	if (t_hello(ROLE_NONE, &m) < 0)
		return 2;
	state = m.test_go.seed;
	eps[0] = self; eps[1] = t_manager(); eps[2] = m.test_go.peer; eps[3] = EP_ANY;
	eps[4] = EP_SELF; eps[5] = EP_KERNEL; eps[6] = make_endpoint(1, 5); eps[7] = (endpoint_t)rnd();
	for (n = 0; n < m.test_go.count; n++) {
		r = random_call(self);
		counts[r == 0 ? 0 : r == -EPERM ? 1 : r == -ENOSYS ? 2 : r == -EFAULT ? 3 : r == -EINVAL ? 4 : 5]++;
		if (n % 16 == 0) {
			random_ipc(self);
			ipcs++;
		}
	}
	memset(&m, 0, sizeof m);
	m.test_done.result = (int32_t)n;
	m.test_done.work = ipcs;
	memcpy(m.test_done.detail, counts, sizeof counts);
	t_send_type(t_manager(), TEST_DONE, &m);
	for (;;)
		ipc_receive(t_manager(), &m);
}
