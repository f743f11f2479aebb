/*
 * console: the serial console as a user-level driver. It owns the first
 * serial port's registers (3f8-3ff) and IRQ 4, nothing else (policy:
 * console.conf). Protocol in include/bulkhead/console.h.
 *
 * Output is copied from the client through its grant and written to the
 * UART's FIFO sixteen bytes at a time, at most CON_WRITE_MAX bytes a
 * request, so a long write never keeps the driver from its heartbeats or
 * its other clients. Input arrives by interrupt and goes through the line
 * editor (lib/text/lineedit.c: echo, cursor keys, history, beeps for what
 * it does not insert, an over-long line refused with a message), then
 * Ctrl-C (drop what was typed and interrupt the foreground program) and
 * Ctrl-D on an empty line (end of input). Only the foreground process
 * reads; it waits until a whole line is there. (The kernel also prints on
 * this port, directly.)
 *
 * The screen and keyboard console: the keyboard driver hands over what is
 * typed (CON_KEYS), which goes through the same line editor; everything
 * written to the port is also kept in a ring that the screen driver copies
 * out (CON_MIRROR), so the console never waits for the screen, and a
 * restarting screen driver costs the serial line nothing. Each of these is
 * taken only from the driver the driver manager runs for that binary.
 */
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <bulkhead/errno.h>
#include <bulkhead/driver.h>
#include <bulkhead/text.h>

#define COM1  0x3f8
#define IRQ   4
#define RBR   0          /* receive buffer / transmit holding register */
#define IER   1
#define FCR   2
#define MCR   4
#define LSR   5
#define LSR_DATA  0x01
#define LSR_EMPTY 0x20
#define FIFO  16
#define QUEUE_MAX 1024
#define FG_DEPTH  8            /* foreground hand-overs in a row (a shell in a shell ...) */
#define TYPED_AHEAD_MSG "console: too much typed ahead; line not sent\n"

static struct lineedit editor;       /* the line being typed, and the history */
static char queue[QUEUE_MAX];        /* finished lines not yet read */
static uint32_t queue_len;
static uint32_t eofs;                /* Ctrl-D presses not yet read */
static message reader;               /* a CON_READ waiting for a line */
static int reader_waiting;
static endpoint_t holders[FG_DEPTH]; /* [0] the session owner, then whom each gave the
                                        foreground to; the last one is the foreground */
static int nholders;
static char mirror[CON_MIRROR_KEEP];  /* what was written, for the screen driver */
static uint32_t mirrored;            /* bytes written since start; wraps (KEEP divides 2^32) */
static endpoint_t trusted[2];        /* the keyboard and screen drivers, once checked */

static uint32_t reg_in(uint32_t reg)
{
	uint32_t v = 0;

	sys_inb(COM1 + reg, &v);
	return v;
}

/* Write n bytes to the port, a FIFO-full at a time. */
static void put_raw(const char *s, uint32_t n)
{
	struct devio_req v[FIFO];
	uint32_t i, k, spins;

	for (i = 0; i < n; i++)
		mirror[mirrored++ % CON_MIRROR_KEEP] = s[i];
	for (i = 0; i < n; i += k) {
		for (spins = 0; !(reg_in(LSR) & LSR_EMPTY) && spins < 100000; spins++)
			;
		for (k = 0; k < FIFO && i + k < n; k++)
			v[k] = (struct devio_req){ COM1 + RBR, 1, DEVIO_OUT, (uint8_t)s[i + k] };
		sys_vdevio(v, k, NULL);
	}
}

/* Write text, turning each \n into \r\n. */
static void put_text(const char *s, uint32_t n)
{
	char out[2 * 256];
	uint32_t i, k = 0;

	for (i = 0; i < n; i++) {
		if (s[i] == '\n')
			out[k++] = '\r';
		out[k++] = s[i];
		if (k >= sizeof out - 2) {
			put_raw(out, k);
			k = 0;
		}
	}
	put_raw(out, k);
}

static void do_write(message *m)
{
	char buf[256];
	uint32_t done = 0, n;
	int r = 0;

	uint32_t len = m->con_req.len < CON_WRITE_MAX ? m->con_req.len : CON_WRITE_MAX;

	while (done < len) {
		n = len - done < sizeof buf ? len - done : sizeof buf;
		r = sys_safecopy(m->m_source, m->con_req.grant, done, buf, n, SAFECOPY_FROM);
		if (r < 0)
			break;
		put_text(buf, n);
		done += n;
	}
	driver_reply(m, m, done ? (int)done : r);
}

/* Give the waiting reader the next line (or end of input), if there is one. */
static void serve_reader(void)
{
	uint32_t n = 0;
	int r;

	if (!reader_waiting)
		return;
	while (n < queue_len && queue[n] != '\n')
		n++;
	if (n < queue_len) {
		n++;                                 /* the line with its newline */
	} else if (eofs && queue_len == 0) {
		eofs--;
		reader_waiting = 0;
		driver_reply(&reader, &reader, 0);
		return;
	} else {
		return;
	}
	if (n > reader.con_req.len)
		n = reader.con_req.len;
	r = sys_safecopy(reader.m_source, reader.con_req.grant, 0, queue, n, SAFECOPY_TO);
	memmove(queue, queue + n, queue_len - n);
	queue_len -= n;
	reader_waiting = 0;
	driver_reply(&reader, &reader, r < 0 ? r : (int)n);
}

static int alive(endpoint_t ep)
{
	struct procinfo info;

	return ep != EP_NONE && sys_procinfo(-1, ep, &info) == 0 &&
	       info.state != PSTATE_FREE && info.state != PSTATE_ZOMBIE;
}

/* The live process init named as the console's user, or EP_NONE. */
static endpoint_t session_owner(void)
{
	uint32_t value;

	if (ds_lookup(CON_SESSION_KEY, &value) < 0 || !alive((endpoint_t)value))
		return EP_NONE;
	return (endpoint_t)value;
}

/* Who may read now. Holders that ended, or that another owner's session had, are forgotten. */
static endpoint_t foreground(void)
{
	endpoint_t owner = session_owner();

	if (nholders == 0 || holders[0] != owner) {
		holders[0] = owner;
		nholders = owner != EP_NONE;
	}
	while (nholders > 1 && !alive(holders[nholders - 1]))
		nholders--;
	return nholders ? holders[nholders - 1] : EP_NONE;
}

/* CON_POLL: would m's sender's CON_READ be answered now? */
static int read_ready(const message *m)
{
	return m->m_source != foreground() || memchr(queue, '\n', queue_len) != NULL ||
	       (eofs && queue_len == 0);
}

static int holder_index(endpoint_t ep)
{
	int i;

	for (i = 0; i < nholders; i++)
		if (holders[i] == ep)
			return i;
	return -1;
}

/* A waiting read whose caller is no longer the foreground ends with EIO. */
static void end_stale_read(endpoint_t now)
{
	if (reader_waiting && reader.m_source != now) {
		reader_waiting = 0;
		driver_reply(&reader, &reader, -EIO);
	}
}

static void do_read(message *m)
{
	endpoint_t now = foreground();

	if (m->m_source != now) {
		driver_reply(m, m, -EIO);
		return;
	}
	end_stale_read(now);          /* the foreground has one read at a time: any other is stale */
	reader = *m;
	reader_waiting = 1;
	serve_reader();
}

/*
 * A holder (the owner, or one it gave the foreground to, and so on) gives
 * the foreground to pid: back down to a holder, or on to a new process,
 * which then holds it above the caller.
 */
static int set_foreground(endpoint_t caller, endpoint_t pid)
{
	int at, to;

	foreground();
	at = holder_index(caller);
	to = holder_index(pid);
	if (at < 0)
		return -EPERM;
	if (to >= 0) {
		nholders = to + 1;
		return 0;
	}
	if (!alive(pid))
		return -ESRCH;
	if (at + 1 >= FG_DEPTH)
		return -ENOSPC;
	nholders = at + 1;
	holders[nholders++] = pid;
	return 0;
}

static void do_setfg(message *m)
{
	int r = set_foreground(m->m_source, m->con_req.pid);

	end_stale_read(foreground());
	driver_reply(m, m, r);
}

static void typed(char c);

/* Is ep the running driver of binary? Asks the driver manager once per endpoint. */
static int is_driver(endpoint_t ep, const char *binary, endpoint_t *cache)
{
	struct dm_driver_info info;
	const char *label = strrchr(binary, '/') + 1;

	if (ep == *cache)
		return 1;
	if (dm_info(label, 0, &info) < 0 || info.endpoint != ep || strcmp(info.binary, binary) != 0)
		return 0;
	*cache = ep;
	return 1;
}

static void do_keys(message *m)
{
	uint32_t i;

	if (!is_driver(m->m_source, CON_KEYBOARD_BINARY, &trusted[0])) {
		driver_reply(m, m, -EPERM);
		return;
	}
	for (i = 0; i < m->con_keys.len && i < CON_KEYS_MAX; i++)
		typed(m->con_keys.bytes[i]);
	serve_reader();
	driver_reply(m, m, 0);
}

static void do_mirror(message *m)
{
	struct con_mirror *a = &m->con_mirror;
	uint32_t n, first, r;

	if (!is_driver(m->m_source, CON_SCREEN_BINARY, &trusted[1])) {
		driver_reply(m, m, -EPERM);
		return;
	}
	if (mirrored - a->from > CON_MIRROR_KEEP)          /* too old, or from before a restart */
		a->from = mirrored > CON_MIRROR_KEEP ? mirrored - CON_MIRROR_KEEP : 0;
	n = mirrored - a->from < a->len ? mirrored - a->from : a->len;
	first = a->from % CON_MIRROR_KEEP;
	r = CON_MIRROR_KEEP - first < n ? CON_MIRROR_KEEP - first : n;   /* up to the ring's end */
	if (sys_safecopy(m->m_source, a->grant, 0, mirror + first, r, SAFECOPY_TO) < 0 ||
	    (n > r && sys_safecopy(m->m_source, a->grant, r, mirror, n - r, SAFECOPY_TO) < 0)) {
		driver_reply(m, m, -EFAULT);
		return;
	}
	a->next = a->from + n;
	driver_reply(m, m, (int)n);
}

static void request(message *m)
{
	if (m->m_type == CON_KEYS) {
		do_keys(m);
	} else if (m->m_type == CON_MIRROR) {
		do_mirror(m);
	} else if (m->m_type == CON_WRITE) {
		do_write(m);
	} else if (m->m_type == CON_READ) {
		do_read(m);
	} else if (m->m_type == CON_SETFG) {
		do_setfg(m);
	} else if (m->m_type == CON_POLL) {
		driver_reply(m, m, read_ready(m));
	} else if (m->m_type == CON_GETFG) {
		m->con_req.pid = foreground();
		driver_reply(m, m, 0);
	} else {
		driver_reply(m, m, -ENOSYS);
	}
}

/* A finished line goes to the queue (typing far ahead: a line that does not fit is refused). */
static void finish_line(const char *text, uint32_t len)
{
	if (queue_len + len + 1 > QUEUE_MAX) {
		put_text(TYPED_AHEAD_MSG, sizeof TYPED_AHEAD_MSG - 1);
		return;
	}
	memcpy(queue + queue_len, text, len);
	queue_len += len;
	queue[queue_len++] = '\n';
}

/* Ctrl-C: what was typed is dropped, and a foreground program is interrupted. */
static void interrupt_foreground(void)
{
	endpoint_t now = foreground();
	int r;

	le_clear(&editor);
	queue_len = eofs = 0;
	if (nholders < 2) {
		finish_line("", 0);             /* the owner (the shell) gets an empty line: a new prompt */
		return;
	}
	r = pm_kill(now, SIGINT);
	if (r < 0)
		printf("console: cannot interrupt %d: %d\n", (int)now, r);
}

static void too_long(void)
{
	char msg[80];
	int n = snprintf(msg, sizeof msg, "console: line too long (at most %d characters); not sent\n",
	                 LE_LINE_MAX - 1);

	put_text(msg, (uint32_t)n);
}

static void typed(char c)
{
	char echo[LE_ECHO_MAX];
	uint32_t n;
	enum le_result r = le_key(&editor, (unsigned char)c, echo, &n);

	put_raw(echo, n);
	if (r == LE_DONE) {
		finish_line(editor.done, editor.done_len);
	} else if (r == LE_TOO_LONG) {
		too_long();
		finish_line("", 0);                  /* the reader asks again (a shell prompts) */
	} else if (r == LE_INTERRUPT) {
		put_raw("^C\r\n", 4);
		interrupt_foreground();
	} else if (r == LE_EOF) {
		eofs++;
	}
}

static void interrupt(uint32_t irqs)
{
	int n = 0;

	(void)irqs;
	while ((reg_in(LSR) & LSR_DATA) && n++ < 4096)
		typed((char)reg_in(RBR));
	serve_reader();
	sys_irqctl(IRQ_ENABLE, IRQ);
}

static int init(int argc, char **argv)
{
	int r;

	(void)argc; (void)argv;
	sys_outb(COM1 + IER, 0);
	sys_outb(COM1 + FCR, 0x07);          /* FIFOs on and cleared, interrupt at 1 byte */
	sys_outb(COM1 + MCR, 0x0b);          /* DTR, RTS, and OUT2, which gates the IRQ */
	while (reg_in(LSR) & LSR_DATA)
		reg_in(RBR);
	r = sys_irqctl(IRQ_SETPOLICY, IRQ);
	if (r < 0)
		return r;
	return sys_outb(COM1 + IER, 0x01);   /* interrupt when a byte arrives */
}

static const struct driver_ops ops = {
	.name = "console",
	.init = init,
	.request = request,
	.interrupt = interrupt,
};

int main(int argc, char **argv)
{
	driver_main(&ops, argc, argv);
}
