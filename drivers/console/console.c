/*
 * console: the serial console as a user-level driver. It owns the first
 * serial port's registers (3f8-3ff) and IRQ 4, nothing else (policy:
 * console.conf). Protocol in include/bulkhead/console.h.
 *
 * Output is copied from the client through its grant and written to the
 * UART's FIFO sixteen bytes at a time. Input arrives by interrupt and goes
 * through a small line discipline: echo, backspace, Ctrl-C (drop the line),
 * Ctrl-D on an empty line (end of input). A reader waits until a whole line
 * is there. (The kernel also prints on this port, directly.)
 */
#include <stdio.h>
#include <string.h>
#include <bulkhead/errno.h>
#include <bulkhead/driver.h>

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
#define LINE_MAX 256
#define QUEUE_MAX 1024

static char edit[LINE_MAX];          /* the line being typed */
static uint32_t edit_len;
static char queue[QUEUE_MAX];        /* finished lines not yet read */
static uint32_t queue_len;
static uint32_t eofs;                /* Ctrl-D presses not yet read */
static message reader;               /* a CON_READ waiting for a line */
static int reader_waiting;

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

	while (done < m->con_req.len) {
		n = m->con_req.len - done < sizeof buf ? m->con_req.len - done : sizeof buf;
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

static void do_read(message *m)
{
	if (reader_waiting) {
		driver_reply(m, m, -EBUSY);
		return;
	}
	reader = *m;
	reader_waiting = 1;
	serve_reader();
}

static void request(message *m)
{
	if (m->m_type == CON_WRITE)
		do_write(m);
	else if (m->m_type == CON_READ)
		do_read(m);
	else
		driver_reply(m, m, -ENOSYS);
}

static void finish_line(void)
{
	if (queue_len + edit_len + 1 > QUEUE_MAX)
		edit_len = QUEUE_MAX - queue_len - 1;        /* typing far ahead: the tail is lost */
	memcpy(queue + queue_len, edit, edit_len);
	queue_len += edit_len;
	queue[queue_len++] = '\n';
	edit_len = 0;
}

static void typed(char c)
{
	if (c == '\r' || c == '\n') {
		put_raw("\r\n", 2);
		finish_line();
	} else if (c == 0x7f || c == 0x08) {
		if (edit_len) {
			edit_len--;
			put_raw("\b \b", 3);
		}
	} else if (c == 0x03) {
		put_raw("^C\r\n", 4);
		edit_len = 0;
	} else if (c == 0x04) {
		if (edit_len == 0)
			eofs++;
	} else if (c >= 0x20 && c < 0x7f && edit_len < LINE_MAX - 1) {
		edit[edit_len++] = c;
		put_raw(&c, 1);
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
