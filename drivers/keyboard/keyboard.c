/*
 * keyboard: the PS/2 keyboard behind the i8042 controller, as a user-level
 * driver (policy keyboard.conf: ports 60 and 64, IRQ 1). It turns scancodes
 * (set 1: the controller translates) into the bytes a terminal sends
 * (keymap.c) and hands them to the console driver (CON_KEYS), which treats
 * them as it treats the serial line; a key typed while the console driver
 * is away is lost. Nothing is kept across a restart but the controller's
 * state, which init sets again.
 */
#include <string.h>
#include <bulkhead/errno.h>
#include <bulkhead/driver.h>
#include "keymap.h"

#define DATA        0x60
#define STATUS      0x64          /* read: status; write: a controller command */
#define ST_OUT_FULL 0x01          /* a byte waits in DATA */
#define ST_IN_FULL  0x02          /* the controller has not taken our last byte */
#define ST_AUX      0x20          /* the waiting byte is the mouse's */
#define CMD_READ_CONFIG  0x20
#define CMD_WRITE_CONFIG 0x60
#define CMD_ENABLE_KBD   0xae
#define CFG_KBD_IRQ      0x01
#define CFG_KBD_CLOCK_OFF 0x10
#define CFG_TRANSLATE    0x40     /* set 2 from the keyboard arrives as set 1 */
#define KBD_ENABLE_SCAN  0xf4
#define IRQ         1
#define WAIT_SPINS  100000
#define DRAIN_MAX   64            /* bytes read from the controller per interrupt */

static struct keymap keymap;
static char out[CON_KEYS_MAX];
static uint32_t out_len;
static endpoint_t console = EP_NONE;

static uint32_t status(void)
{
	uint32_t v = 0;

	sys_inb(STATUS, &v);
	return v;
}

static int wait_writable(void)
{
	int spins;

	for (spins = 0; spins < WAIT_SPINS; spins++)
		if (!(status() & ST_IN_FULL))
			return 0;
	return -ETIMEDOUT;
}

static int wait_readable(void)
{
	int spins;

	for (spins = 0; spins < WAIT_SPINS; spins++)
		if (status() & ST_OUT_FULL)
			return 0;
	return -ETIMEDOUT;
}

static int write_port(uint32_t port, uint32_t v)
{
	int r = wait_writable();

	return r < 0 ? r : sys_outb(port, v);
}

/* Hand what was typed to the console driver; looked up again after it restarts. */
static void flush(void)
{
	message m;

	if (out_len == 0)
		return;
	memset(&m, 0, sizeof m);
	m.m_type = CON_KEYS;
	m.con_keys.len = out_len;
	memcpy(m.con_keys.bytes, out, out_len);
	out_len = 0;
	if (console == EP_NONE && ds_lookup("console", (uint32_t *)&console) < 0)
		return;
	if (ipc_sendrec(console, &m) < 0 || m.m_type < 0)
		console = EP_NONE;       /* gone or restarted: the next key looks it up */
}

static void emit(const char *s)
{
	for (; *s; s++) {
		if (out_len == sizeof out)
			flush();
		out[out_len++] = *s;
	}
}

static void interrupt(uint32_t irqs)
{
	char seq[KEYMAP_SEQ_MAX];
	uint32_t st, v;
	int n;

	(void)irqs;
	for (n = 0; n < DRAIN_MAX && ((st = status()) & ST_OUT_FULL); n++) {
		v = 0;
		sys_inb(DATA, &v);
		if (!(st & ST_AUX) && keymap_scancode(&keymap, (uint8_t)v, seq))
			emit(seq);
	}
	flush();
	sys_irqctl(IRQ_ENABLE, IRQ);
}

/* The keyboard port on, its interrupt on, translation to set 1 on, scanning on. */
static int init(int argc, char **argv)
{
	uint32_t cfg = 0, junk;
	int r, n;

	(void)argc; (void)argv;
	for (n = 0; n < DRAIN_MAX && (status() & ST_OUT_FULL); n++)
		sys_inb(DATA, &junk);
	if ((r = write_port(STATUS, CMD_READ_CONFIG)) < 0 || (r = wait_readable()) < 0 ||
	    (r = sys_inb(DATA, &cfg)) < 0)
		return r;
	cfg = (cfg | CFG_KBD_IRQ | CFG_TRANSLATE) & ~CFG_KBD_CLOCK_OFF;
	if ((r = write_port(STATUS, CMD_WRITE_CONFIG)) < 0 || (r = write_port(DATA, cfg)) < 0 ||
	    (r = write_port(STATUS, CMD_ENABLE_KBD)) < 0)
		return r;
	r = sys_irqctl(IRQ_SETPOLICY, IRQ);
	if (r < 0)
		return r;
	return write_port(DATA, KBD_ENABLE_SCAN);    /* its answer (FA) is not a key: ignored */
}

static const struct driver_ops ops = {
	.name = "keyboard",
	.init = init,
	.interrupt = interrupt,
};

int main(int argc, char **argv)
{
	driver_main(&ops, argc, argv);
}
