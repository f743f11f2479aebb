/* screen: the KC_SCREEN wrappers (the boot screen and the kernel's console text). */
#include <string.h>
#include <bulkhead/syslib.h>

int sys_screen_info(struct screen_info *out)
{
	message m;

	memset(&m, 0, sizeof m);
	m.kc_screen.op = SCREEN_INFO;
	m.kc_screen.buf = (vir_bytes)out;
	return kernel_call(KC_SCREEN, &m);
}

int sys_screen_map(void **addr)
{
	message m;
	int r;

	memset(&m, 0, sizeof m);
	m.kc_screen.op = SCREEN_MAP;
	r = kernel_call(KC_SCREEN, &m);
	if (r == 0)
		*addr = (void *)m.kc_screen.addr;
	return r;
}

int sys_screen_text(uint32_t from, char *buf, uint32_t len, uint32_t *count, uint32_t *next)
{
	message m;
	int r;

	memset(&m, 0, sizeof m);
	m.kc_screen.op = SCREEN_TEXT;
	m.kc_screen.from = from;
	m.kc_screen.buf = (vir_bytes)buf;
	m.kc_screen.len = len;
	r = kernel_call(KC_SCREEN, &m);
	if (r == 0) {
		*count = m.kc_screen.count;
		*next = m.kc_screen.next;
	}
	return r;
}
