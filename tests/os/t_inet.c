/*
 * t_inet NIC: the network server test (boot configurations test-inet-*).
 * Starts the NIC's driver (unless /etc/rc already did) and inet under their
 * usual policies, inet with eth0 at 10.0.2.15/24 (gateway 10.0.2.2), and
 * watches inet through INET_IFINFO while the host peer (tests/ippeer.py)
 * resolves the guest with ARP and pings it: first a sweep of sizes, then a
 * steady stream, during which this program kills the driver, and another,
 * during which it makes the driver crash (a CPU exception, as in tcp mode
 * below). inet must re-attach to the next incarnation by itself, and pings
 * must be answered again (the peer counts them; here, the frames inet sends
 * afterwards).
 *
 * Sockets: the UDP socket calls refuse bad input with POSIX's errors; the
 * peer exchanges datagrams with echod (started here, with bulkd, whose TCP
 * ports the peer floods with bad input at the end) and, on UDP port
 * SIGNAL_PORT, tells this program when to kill the driver.
 *
 * t_inet NIC tcp (boot test-inet-tcp, QEMU's user network with ports
 * forwarded from 127.0.0.1): starts bulkd (TCP ports 5001 and 5002) for the
 * host peer (tests/tcppeer.py), and listens on TCP port CONTROL_PORT: when
 * the peer says "kill", this program kills the NIC driver every second
 * until it says "stop"; when it says "crash", it makes the driver crash every
 * second instead (t_inject writes ud2 over the start of the running
 * incarnation's nic_send or, every other time, of its receive: it dies of a
 * CPU exception, invalid opcode, on its next frame out or in), and checks
 * that the driver manager put each of those deaths down to that exception.
 * On "stop" it answers "stop" at once (frames to send and acknowledge: a
 * crash still pending comes now), checks the phase, and then "done FAILURES
 * EXCEPTIONS". When it says "synack", it makes the driver crash on the
 * SYN-ACK of the peer's next connection. Before any of that, it kills the
 * driver as it accepts each of the peer's connections to ACCEPT_KILL_PORT
 * and checks what arrives.
 *
 * t_inet NIC dhcp (boot test-inet-dhcp): inet configures eth0 by DHCP from
 * QEMU's user network instead, which must give it 10.0.2.15/24 (and, with
 * restrict=on, no gateway: QEMU then offers no router).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/wait.h>
#include <arpa/inet.h>
#include <sys/socket.h>
#include <bulkhead/clients.h>
#include <bulkhead/inet.h>
#include <bulkhead/policy.h>
#include <bulkhead/posix.h>
#include <bulkhead/testproto.h>
#include "lib/testlib.h"
#include "../../servers/inet/quiet.h"   /* inet's quiet time and probe wait (the deaf driver's bound), REFUSED_MAX */

#define AFTER_KILL    200           /* frames inet must send after the restart */
#define WAIT_MS       60000
#define DEAF_SLACK_MS 3000          /* beyond inet's quiet time and probe wait, for a loaded host */
#define REFUSE_GAP_MS 20            /* between two datagrams to a refusing driver: each its own batch */
#define GATEWAY       "10.0.2.2"    /* QEMU's user network, on eth0's subnet */
#define SIGNAL_PORT   9             /* the peer says "kill" here (tests/ippeer.py) */
#define BUSY_PORT     5555
#define RESTART_PORT  11
#define CONTROL_PORT  5003
#define KILL_EVERY_MS 1000          /* also the crash period */
#define ACK_GONE_MS   1500          /* by then inet has acknowledged a command (lwIP delays an ACK 250 ms at
                                       most), and its acknowledgements again after the last restart, for
                                       1 s (RECOVER_MS, servers/inet/tcp.c), are over */
#define VECTOR_INVALID_OPCODE 6     /* what the injected ud2 raises */
#define CRASH_SITES   2             /* where the crashes go in turn: crash_sites */
#define MIN_KILLS     3
#define BULKD_PROCS   4             /* more than bulkd ever runs (one per port) */
#define ACCEPT_KILL_PORT   5004     /* the driver is killed as each connection here is accepted */
#define ACCEPT_KILL_ROUNDS 3        /* ... this many connections (tests/tcppeer.py: ACCEPT_KILL_ROUNDS) */
#define PATTERN_PERIOD     251      /* byte i of what the peer sends there is i mod this */

struct setup { const char *nic, *binary, *args; };

/* Functions of every NIC driver: the transmit path (inside inet's NET_SEND
   request) and the receive path (from the interrupt, inet not waiting). */
static const char *const crash_sites[CRASH_SITES] = { "nic_send", "receive" };

static const struct setup setups[] = {
	{ "rtl8139", "/drivers/rtl8139", "" },
	{ "ne2000",  "/drivers/ne2000",  "" },
	{ "ne2000_isa", "/drivers/ne2000", "isa 300 9" },
	{ "e100",    "/drivers/e100",    "" },
	{ "e1000",   "/drivers/e1000",   "" },
};

/* eth0's counters and state. */
static int ifinfo(struct inet_ifinfo *out)
{
	return inet_info(INET_IFINFO, 0, out, sizeof *out);
}

/* Poll inet until cond(info) holds or ms pass; 0 if it held. */
static int wait_until(int (*cond)(const struct inet_ifinfo *, uint32_t), uint32_t arg,
                      struct inet_ifinfo *info, uint32_t ms)
{
	uint32_t until = sys_uptime_ms() + ms;

	do {
		if (ifinfo(info) == 0 && cond(info, arg))
			return 0;
		t_sleep(20);
	} while ((int32_t)(sys_uptime_ms() - until) < 0);
	return -ETIMEDOUT;
}

/*
 * After the peer's floods: every NET_RECV_BATCH answer inet got checked out.
 * (A driver that answered with more than NET_BATCH_FRAMES small frames had
 * them refused by inet, and lost: the RST flood's probe RSTs among them.)
 */
static void batches_checked_out(void)
{
	struct inet_ifinfo info;
	int r = ifinfo(&info);

	t_check("inet_batches_checked_out", r == 0 && info.rx_bad_batches == 0,
	        "%u NET_RECV_BATCH answers of %u frames in all did not check out (info: %d)",
	        r == 0 ? info.rx_bad_batches : 0, r == 0 ? info.rx_frames : 0, r);
	t_check("inet_sends_without_waiting", r == 0 && info.tx_async_batches > 0 &&
	        info.tx_async_batches <= info.tx_batches,
	        "%u of inet's %u batches to the driver went without waiting for its reply (NET_SEND_ASYNC)",
	        info.tx_async_batches, info.tx_batches);
}

/* A UDP socket bound to port (any address); its descriptor or -1. */
static int udp_socket(int port)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port) };
	int fd = socket(AF_INET, SOCK_DGRAM, 0);

	if (fd >= 0 && bind(fd, (struct sockaddr *)&a, sizeof a) < 0) {
		close(fd);
		return -1;
	}
	return fd;
}

/* A TCP listener on port; its descriptor or -1. */
static int tcp_listener(int port)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port) };
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	if (fd >= 0 && (bind(fd, (struct sockaddr *)&a, sizeof a) < 0 || listen(fd, 1) < 0)) {
		close(fd);
		return -1;
	}
	return fd;
}

static int start(char *path)
{
	char *argv[] = { path, NULL };
	int pid = fork();

	if (pid == 0) {
		execve(argv[0], argv, NULL);
		_exit(127);
	}
	return pid > 0 ? 0 : -1;
}

/* The result of a call that must fail: 0 if it did with errno want. */
static int refused(long r, int want, const char *what, char *log, size_t *at)
{
	int ok = r == -1 && errno == want;

	*at += (size_t)snprintf(log + *at, *at < 400 ? 400 - *at : 0, "%s%s: %s", *at ? "; " : "", what,
	                        r == -1 ? strerror(errno) : "succeeded");
	return ok;
}

/* Another process naming our socket (a forked child's copy of the descriptor) is refused. */
static int foreign_socket_refused(int fd)
{
	struct sockaddr_in to = { .sin_family = AF_INET, .sin_port = htons(7), .sin_addr = { htonl(0x0a000202) } };
	int pid, status = -1;

	pid = fork();
	if (pid == 0)
		_exit(sendto(fd, "x", 1, 0, (struct sockaddr *)&to, sizeof to) == -1 && errno == EBADF ? 0 : 1);
	return pid > 0 && waitpid(pid, &status, 0) == pid && WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

/* A raw request with a grant that is not one: refused, and inet still answers. */
static int bad_grant_refused(int fd)
{
	struct inet_ifinfo info;
	message m;
	int r;

	memset(&m, 0, sizeof m);
	m.m_type = INET_SENDTO;
	m.inet_sock.sock = posix_fd_socket(fd);
	m.inet_sock.addr = htonl(0x0a000202);
	m.inet_sock.port = htons(7);
	m.inet_sock.grant = 0x1234567;
	m.inet_sock.len = 100;
	r = server_call("inet", &m);
	return r < 0 && r != -ESRCH && ifinfo(&info) == 0;
}

/* INET_RECVFROM, not waiting, on socket `number` as inet knows it: the result. */
static int raw_recv(int number)
{
	char buf[16];
	message m;

	memset(&m, 0, sizeof m);
	m.m_type = INET_RECVFROM;
	m.inet_sock.sock = number;
	m.inet_sock.flags = INET_NONBLOCK;
	m.inet_sock.len = sizeof buf;
	return server_call_granted("inet", &m, &m.inet_sock.grant, buf, sizeof buf, GRANT_WRITE);
}

/* TCP calls out of order: each refused with POSIX's error. udp is a UDP socket. */
static void tcp_errors(int udp)
{
	struct sockaddr_in peer = { .sin_family = AF_INET, .sin_port = htons(1), .sin_addr = { htonl(0x0a000202) } };
	int t = socket(AF_INET, SOCK_STREAM, 0), l = tcp_listener(BUSY_PORT + 1), ok = t >= 0 && l >= 0;
	char log[400], buf[16];
	size_t at = 0;

	ok &= refused(listen(udp, 1), EOPNOTSUPP, "listen on UDP", log, &at);
	ok &= refused(accept(udp, NULL, NULL), EOPNOTSUPP, "accept on UDP", log, &at);
	ok &= refused(accept(t, NULL, NULL), EINVAL, "accept unlistening", log, &at);
	ok &= refused(send(t, "x", 1, 0), ENOTCONN, "send unconnected", log, &at);
	ok &= refused(recv(t, buf, sizeof buf, 0), ENOTCONN, "recv unconnected", log, &at);
	ok &= refused(shutdown(t, SHUT_WR), ENOTCONN, "shutdown unconnected", log, &at);
	ok &= refused(shutdown(t, 7), EINVAL, "shutdown how 7", log, &at);
	ok &= refused(connect(l, (struct sockaddr *)&peer, sizeof peer), EOPNOTSUPP, "connect a listener", log, &at);
	ok &= refused(connect(t, (struct sockaddr *)&peer, 3), EINVAL, "short address", log, &at);
	t_check("tcp_bad_input_refused", ok, "%s", log);
	close(t);
	close(l);
}

/* Bad input to the socket calls: each refused with POSIX's error, nothing else changed. */
static void socket_errors(void)
{
	struct sockaddr_in any = { .sin_family = AF_INET, .sin_port = htons(BUSY_PORT) };
	struct sockaddr_in foreign = { .sin_family = AF_INET, .sin_port = htons(1), .sin_addr = { htonl(0x0a000263) } };
	struct sockaddr_in to = { .sin_family = AF_INET, .sin_port = htons(7), .sin_addr = { htonl(0x0a000202) } };
	struct sockaddr bad_family = { .sa_family = 99 };
	static char big[70000];
	char log[400], buf[16];
	size_t at = 0;
	int a, b, ok = 1, number;

	a = udp_socket(BUSY_PORT);
	b = socket(AF_INET, SOCK_DGRAM, 0);
	ok &= refused(socket(AF_UNSPEC, SOCK_DGRAM, 0), EAFNOSUPPORT, "AF_UNSPEC", log, &at);
	ok &= refused(socket(AF_INET, 99, 0), EPROTONOSUPPORT, "type 99", log, &at);
	ok &= refused(socket(AF_INET, SOCK_DGRAM, 99), EPROTONOSUPPORT, "protocol 99", log, &at);
	ok &= refused(bind(99, (struct sockaddr *)&any, sizeof any), EBADF, "bind fd 99", log, &at);
	ok &= refused(bind(-1, (struct sockaddr *)&any, sizeof any), EBADF, "bind fd -1", log, &at);
	ok &= refused(bind(1, (struct sockaddr *)&any, sizeof any), ENOTSOCK, "bind stdout", log, &at);
	ok &= refused(bind(b, (struct sockaddr *)&any, sizeof any), EADDRINUSE, "port in use", log, &at);
	ok &= refused(bind(b, (struct sockaddr *)&foreign, sizeof foreign), EADDRNOTAVAIL, "10.0.2.99", log, &at);
	ok &= refused(bind(b, NULL, sizeof any), EINVAL, "no address", log, &at);
	ok &= refused(bind(b, (struct sockaddr *)&any, 3), EINVAL, "short address", log, &at);
	ok &= refused(bind(b, &bad_family, sizeof any), EAFNOSUPPORT, "family 99", log, &at);
	ok &= refused(sendto(b, "x", 1, 0, NULL, 0), EDESTADDRREQ, "no destination", log, &at);
	ok &= refused(write(b, "x", 1), EDESTADDRREQ, "write", log, &at);
	ok &= refused(sendto(b, big, sizeof big, 0, (struct sockaddr *)&to, sizeof to), EMSGSIZE, "70000 bytes",
	              log, &at);
	ok &= refused(recv(b, buf, sizeof buf, MSG_DONTWAIT), EAGAIN, "nothing to receive", log, &at);
	ok &= refused(sendto(b, (void *)0x10, 8, 0, (struct sockaddr *)&to, sizeof to), EFAULT, "bad buffer",
	              log, &at);
	t_check("socket_bad_input_refused", ok && a >= 0 && b >= 0, "%s", log);
	tcp_errors(b);
	t_check("socket_of_another_process", foreign_socket_refused(b), "a forked child using our socket gets EBADF");
	t_check("socket_bad_grant", bad_grant_refused(b), "INET_SENDTO with a made-up grant refused; inet still answers");
	close(a);
	a = udp_socket(BUSY_PORT);
	at = 0;
	number = posix_fd_socket(b);
	ok = a >= 0 && close(b) == 0;
	ok &= refused(close(b), EBADF, "closed twice", log, &at);
	ok &= refused(recv(b, buf, sizeof buf, MSG_DONTWAIT), EBADF, "closed", log, &at);
	b = socket(AF_INET, SOCK_DGRAM, 0);              /* takes the closed one's place in inet */
	ok &= raw_recv(number) == -EBADF && raw_recv(posix_fd_socket(b)) == -EAGAIN;
	t_check("socket_close", ok, "port %d free again after close; %s; the closed socket's number (%d) does "
	        "not name the next socket (%d)", BUSY_PORT, log, number, posix_fd_socket(b));
	close(a);
	close(b);
}

static int configured(const struct inet_ifinfo *i, uint32_t arg) { return i->driver != EP_NONE && i->configured; }
static int reattached(const struct inet_ifinfo *i, uint32_t n) { return i->attaches >= n && i->driver != EP_NONE; }
static int sent(const struct inet_ifinfo *i, uint32_t n) { return i->tx_frames >= n; }

static void report(const struct inet_ifinfo *i)
{
	printf("[inet] %s (%s, endpoint %d, %u attaches): rx %u frames %u bytes, tx %u frames %u bytes, "
	       "rx dropped %u, bad batches %u, tx queued %u, resent after restart %u, dropped %u\n", i->name,
	       i->label, (int)i->driver, i->attaches, i->rx_frames, i->rx_bytes, i->tx_frames, i->tx_bytes,
	       i->rx_dropped, i->rx_bad_batches, i->tx_queued, i->tx_resent, i->tx_dropped);
}

/* The peer's datagram `word` on the signal socket, within 2 * WAIT_MS. */
static int wait_for_signal(int fd, const char *word)
{
	uint32_t until = sys_uptime_ms() + 2 * WAIT_MS;
	char buf[8];
	ssize_t n;

	do {
		n = recv(fd, buf, sizeof buf, MSG_DONTWAIT);
		if (n == (ssize_t)strlen(word) && !memcmp(buf, word, (size_t)n))
			return 0;
		if (n < 0 && errno != EAGAIN)
			return -errno;
		t_sleep(5);
	} while ((int32_t)(sys_uptime_ms() - until) < 0);
	return -ETIMEDOUT;
}

static void kill_mid_ping(const char *nic, int signal_fd)
{
	struct inet_ifinfo before, after;
	struct dm_driver_info d;
	uint32_t killed_at;
	int r;

	r = wait_for_signal(signal_fd, "kill");
	ifinfo(&before);
	if (!t_check("peer_signals_kill", r == 0, "the peer asked for the kill on UDP port %d (%u frames received "
	             "by inet so far)", SIGNAL_PORT, before.rx_frames))
		return;
	dm_info(nic, 0, &d);
	killed_at = sys_uptime_ms();
	r = pm_kill(d.endpoint, 9);
	t_check("driver_killed_mid_ping", r == 0, "killed %s (endpoint %d, incarnation %u) with %u frames received",
	        nic, (int)d.endpoint, d.incarnation, before.rx_frames);
	r = wait_until(reattached, before.attaches + 1, &after, WAIT_MS);
	t_check("inet_reattached", r == 0 && after.driver != d.endpoint,
	        "inet re-attached to %s at endpoint %d (was %d) %u ms after the kill", nic, (int)after.driver,
	        (int)d.endpoint, sys_uptime_ms() - killed_at);
	r = wait_until(sent, after.tx_frames + AFTER_KILL, &after, WAIT_MS);
	t_check("answers_after_restart", r == 0, "inet sent %u more frames through the new incarnation",
	        after.tx_frames - before.tx_frames);
	t_check("in_flight_resent", after.tx_resent > before.tx_resent, "%u frames the dead driver had taken "
	        "shortly before were sent again to its successor", after.tx_resent - before.tx_resent);
	report(&after);
}

/* ud2 over the start of function in the driver at ep (by t_inject): it dies of a CPU exception when it runs it. */
static int inject_crash(const struct setup *s, endpoint_t ep, const char *function)
{
	return t_inject(ep, FAULT_CRASH, strrchr(s->binary, '/') + 1, function);
}

/* Did incarnation inc, the driver's latest failure, die of the crash it was given? */
static int died_of_crash(const char *nic, uint32_t inc, struct dm_failure *f)
{
	memset(f, 0, sizeof *f);
	return dm_history(nic, 0, f) == 0 && f->incarnation == inc && f->cause == CAUSE_EXCEPTION &&
	       f->status == VECTOR_INVALID_OPCODE;
}

/* The driver made to crash mid-stream (ud2 in its nic_send): inet re-attaches as after a kill. */
static void crash_mid_ping(const struct setup *s, int signal_fd)
{
	struct inet_ifinfo before, after;
	struct dm_driver_info d, next;
	struct dm_failure f;
	uint32_t given_at;
	int r, crashed;

	r = wait_for_signal(signal_fd, "crash");
	ifinfo(&before);
	if (!t_check("peer_signals_crash", r == 0, "the peer asked for the crash on UDP port %d (%u frames "
	             "received by inet so far)", SIGNAL_PORT, before.rx_frames))
		return;
	dm_info(s->nic, 0, &d);
	given_at = sys_uptime_ms();
	r = inject_crash(s, d.endpoint, crash_sites[0]);
	crashed = r == 0 && t_wait_driver(s->nic, d.incarnation, &next, WAIT_MS) == 0 &&
	          died_of_crash(s->nic, d.incarnation, &f);
	t_check("driver_crashed_mid_ping", crashed, "ud2 put over the start of %s's nic_send (endpoint %d, "
	        "incarnation %u): %d; the driver manager saw it die %u ms later of cause %u (%s)", s->nic,
	        (int)d.endpoint, d.incarnation, r, crashed ? f.failed_ms - given_at : 0, crashed ? f.cause : 0,
	        crashed ? f.detail : "no such death");
	r = wait_until(reattached, before.attaches + 1, &after, WAIT_MS);
	t_check("inet_reattached_after_crash", r == 0 && after.driver != d.endpoint,
	        "inet re-attached to %s at endpoint %d (was %d) %u ms after the crash was put in", s->nic,
	        (int)after.driver, (int)d.endpoint, sys_uptime_ms() - given_at);
	r = wait_until(sent, after.tx_frames + AFTER_KILL, &after, WAIT_MS);
	t_check("answers_after_crash", r == 0, "inet sent %u more frames through the new incarnation",
	        after.tx_frames - before.tx_frames);
	t_check("in_flight_resent_after_crash", after.tx_resent > before.tx_resent, "%u frames the crashed "
	        "driver had been handed without a confirmed transmit were sent again to its successor",
	        after.tx_resent - before.tx_resent);
	report(&after);
}

/* One phase of the peer's tcp script: the driver killed, or made to crash, every second. */
struct failing {
	const struct setup *s;
	int crash;
	uint32_t count;                   /* kills, or crashes given */
	uint32_t pending;                 /* the incarnation given a crash it has not had yet (0: none) */
	uint32_t exceptions;              /* crashes the driver manager put down to the CPU exception */
	uint32_t attaches;                /* inet's attaches when the phase began (the first: 1, from boot) */
	char odd[DM_DETAIL_MAX + 48];     /* the first death put down to something else */
};

/* The driver's incarnation f->pending is gone: did it die of its crash? */
static void crash_came(struct failing *f)
{
	struct dm_failure h;

	if (died_of_crash(f->s->nic, f->pending, &h))
		f->exceptions++;
	else if (!f->odd[0])
		snprintf(f->odd, sizeof f->odd, "; incarnation %u (given a crash) died of cause %u: %s",
		         h.incarnation, h.cause, h.detail);
	f->pending = 0;
}

/* Once a second: kill the driver, or give its running incarnation a crash (one each, the sites in turn). */
static void fail_once(struct failing *f)
{
	struct dm_driver_info d;

	if (dm_info(f->s->nic, 0, &d) < 0 || d.endpoint == EP_NONE)
		return;
	if (!f->crash) {
		f->count += pm_kill(d.endpoint, 9) == 0;
		return;
	}
	if (d.incarnation == f->pending || d.state != DRV_RUNNING)
		return;                   /* it has sent no frame since, or is still starting */
	if (f->pending)
		crash_came(f);
	if (inject_crash(f->s, d.endpoint, crash_sites[f->count % CRASH_SITES]) == 0) {
		f->count++;
		f->pending = d.incarnation;
	}
}

/* "stop": answer at once (a frame the driver must send, so a crash still
   pending comes now), check the phase, then tell the peer what happened. */
static void end_phase(int c, struct failing *f)
{
	const char *nic = f->s->nic;
	struct dm_driver_info d;
	struct inet_ifinfo info;
	char done[48];
	int n;

	send(c, "stop\n", 5, 0);
	if (f->pending && t_wait_driver(nic, f->pending, &d, WAIT_MS) == 0)
		crash_came(f);
	wait_until(reattached, f->attaches + f->count, &info, WAIT_MS);
	if (f->crash)
		t_check("driver_crashed_every_second", f->count >= MIN_KILLS && f->exceptions == f->count &&
		        !f->pending && info.attaches == f->attaches + f->count,
		        "%s made to crash %u times, once a second, during the peer's transfers (ud2 over the "
		        "start of its nic_send and of its receive in turn); the driver manager put %u of those "
		        "deaths down to a CPU "
		        "exception, invalid opcode%s%s; inet attached %u times more", nic, f->count, f->exceptions,
		        f->pending ? "; the last crash never came" : "", f->odd, info.attaches - f->attaches);
	else
		t_check("driver_killed_every_second", f->count >= MIN_KILLS && info.attaches == f->attaches + f->count,
		        "%s killed %u times, once a second, during the peer's transfers; inet attached %u times",
		        nic, f->count, info.attaches);
	report(&info);
	n = snprintf(done, sizeof done, "done %u %u\n", f->count, f->exceptions);
	send(c, done, (size_t)n, 0);
}

/* "count": how many times this phase has failed the driver so far. */
static void tell_count(int c, const struct failing *f)
{
	char line[24];
	int n = snprintf(line, sizeof line, "count %u\n", f->count);

	send(c, line, (size_t)n, 0);
}

/*
 * "synack": the driver dies of a crash on the next frame it sends, which,
 * once inet has nothing else to send (ACK_GONE_MS), is the SYN-ACK of the
 * peer's next connection (it connects 2.5 s after the command). inet
 * does not resend a SYN from its queue; it must have TCP send it again to
 * the successor at once (tx_syn_again), not after TCP's retransmission
 * timeout (tests/tcppeer.py checks the wire). Answers "synack CRASHED AGAIN";
 * inet's count of attaches after it.
 */
static uint32_t crash_at_synack(int c, const struct setup *s)
{
	struct dm_driver_info d, next;
	struct inet_ifinfo before, after;
	struct dm_failure f;
	char line[40];
	int r = -1, crashed = 0, n;

	uint32_t t0 = sys_uptime_ms(), put_in = 0;

	memset(&before, 0, sizeof before);
	memset(&after, 0, sizeof after);       /* (what it reports if inet never answers) */
	t_sleep(ACK_GONE_MS);
	if (ifinfo(&before) == 0 && dm_info(s->nic, 0, &d) == 0)
		r = inject_crash(s, d.endpoint, crash_sites[0]);
	put_in = sys_uptime_ms() - t0;
	if (r == 0 && t_wait_driver(s->nic, d.incarnation, &next, WAIT_MS) == 0)
		crashed = died_of_crash(s->nic, d.incarnation, &f);
	wait_until(reattached, before.attaches + 1, &after, WAIT_MS);
	t_check("driver_crashed_at_synack", crashed && after.tx_syn_again > before.tx_syn_again,
	        "ud2 put over the start of %s's nic_send (%d) %u ms after the command, before the peer's "
	        "next connection: the driver died of it: %d; inet had TCP send %u SYN(s) of opening "
	        "connections again to its successor", s->nic, r, put_in, crashed,
	        after.tx_syn_again - before.tx_syn_again);
	n = snprintf(line, sizeof line, "synack %d %u\n", crashed, after.tx_syn_again - before.tx_syn_again);
	send(c, line, (size_t)n, 0);
	return after.attaches;
}

/* Follow the peer's commands on connection c until it closes: "kill" or
   "crash" makes the driver fail every second, "count" asks how many times
   it has so far, "stop" ends the phase; "synack" makes the driver crash on
   the SYN-ACK of the peer's next connection. */
static void follow_commands(int c, const struct setup *s, uint32_t attaches)
{
	uint32_t next = 0, active = 0, phases = 0;
	struct inet_ifinfo info;
	struct failing f;
	char line[16];
	ssize_t n;

	for (;;) {
		n = recv(c, line, sizeof line - 1, MSG_DONTWAIT);
		if (n == 0 || (n < 0 && errno != EAGAIN))
			return;
		if (n > 0 && active && !strncmp(line, "stop", 4)) {
			end_phase(c, &f);
			active = 0;
		} else if (n > 0 && active && !strncmp(line, "count", 5)) {
			tell_count(c, &f);
		} else if (n > 0 && !active && !strncmp(line, "synack", 6)) {
			attaches = crash_at_synack(c, s);
		} else if (n > 0 && !active && (!strncmp(line, "kill", 4) || !strncmp(line, "crash", 5))) {
			memset(&f, 0, sizeof f);
			f.s = s;
			f.crash = line[0] == 'c';
			/* the first phase counts from `attaches`: nothing else may have restarted the driver */
			f.attaches = phases++ == 0 || ifinfo(&info) < 0 ? attaches : info.attaches;
			active = 1;
			next = sys_uptime_ms() + KILL_EVERY_MS;
		}
		if (active && (int32_t)(sys_uptime_ms() - next) >= 0) {
			fail_once(&f);
			next += KILL_EVERY_MS;
		}
		t_sleep(10);
	}
}

/* Kill the NIC driver now: 1 if it was, else 0. */
static int kill_driver(const char *nic)
{
	struct dm_driver_info d;

	return dm_info(nic, 0, &d) == 0 && d.endpoint != EP_NONE && pm_kill(d.endpoint, 9) == 0;
}

/* Read c to its end: "<count> <1 if every byte followed the pattern>\n" back. */
static uint32_t sink_pattern(int c)
{
	static uint8_t buf[16384];
	uint32_t count = 0, good = 1;
	char line[32];
	ssize_t n, k;

	while ((n = recv(c, buf, sizeof buf, 0)) > 0)
		for (k = 0; k < n; k++, count++)
			good &= buf[k] == count % PATTERN_PERIOD;
	snprintf(line, sizeof line, "%lu %lu\n", (unsigned long)count, (unsigned long)good);
	send(c, line, strlen(line), 0);
	return count;
}

/*
 * The driver killed the moment a connection is accepted, while the SYN-ACK
 * the dead driver sent is still among the frames inet sends again to its
 * successor (eth.c), and the peer's data is already waiting in QEMU's user
 * network: every byte must still arrive (tests/tcppeer.py checks the answer).
 * How many times it was killed.
 */
static uint32_t kill_at_accept(int l, const char *nic)
{
	uint32_t kills = 0, k, got = 0;
	struct inet_ifinfo info;
	int c;

	for (k = 0; k < ACCEPT_KILL_ROUNDS; k++) {
		c = accept(l, NULL, NULL);
		if (c < 0)
			break;
		kills += kill_driver(nic);
		got += sink_pattern(c);
		close(c);
		wait_until(reattached, kills + 1, &info, WAIT_MS);
	}
	t_check("driver_killed_at_accept", kills == ACCEPT_KILL_ROUNDS, "%s killed as each of %u connections "
	        "was accepted; %lu bytes received in all (the peer checks each)", nic, k, (unsigned long)got);
	return kills;
}

static int received(const struct inet_ifinfo *i, uint32_t n) { return i->rx_frames >= n; }

/*
 * The driver goes deaf: t_inject makes its receive routine a no-op, so it
 * answers its heartbeats and every request and delivers nothing. Nobody but
 * inet can tell: after its quiet time without a frame it probes the gateway
 * (QEMU's user network answers ARP), and when not even that is answered it
 * asks the driver manager to restart the driver.
 */
static void deaf_driver(const struct setup *s)
{
	struct dm_driver_info d, next;
	struct inet_ifinfo before, after;
	struct dm_failure f;
	uint32_t t0, bound = QUIET_MS + PROBE_WAIT_MS + DEAF_SLACK_MS;
	int r, restarted = 0;

	dm_info(s->nic, 0, &d);
	t0 = sys_uptime_ms();
	r = t_inject(d.endpoint, FAULT_RETURN_ZERO, strrchr(s->binary, '/') + 1, "receive");
	memset(&f, 0, sizeof f);
	if (r == 0 && t_wait_driver(s->nic, d.incarnation, &next, 2 * bound) == 0 && dm_history(s->nic, 0, &f) == 0)
		restarted = f.incarnation == d.incarnation && f.cause == CAUSE_CLIENT && strstr(f.detail, "inet") &&
		            f.failed_ms - t0 <= bound;
	t_check("deaf_driver_restarted_by_inet", restarted, "receive routine made a no-op: %d; the driver manager "
	        "restarted it %u ms later, cause %u (%s); bound: inet's quiet time %u + probe wait %u + %u ms",
	        r, f.failed_ms ? f.failed_ms - t0 : 0, f.cause, f.detail, QUIET_MS, PROBE_WAIT_MS, DEAF_SLACK_MS);
	ifinfo(&before);
	r = wait_until(received, before.rx_frames + 1, &after, 2 * QUIET_MS + PROBE_WAIT_MS + DEAF_SLACK_MS);
	t_check("deaf_driver_successor_hears", r == 0, "inet received %u frames through the new incarnation",
	        after.rx_frames - before.rx_frames);
}

/*
 * The driver refuses every batch inet sends: t_inject makes its batch check
 * fail, so it answers everyone and still receives, but sends nothing. inet's
 * batches are well-formed: after REFUSED_MAX refusals in a row it asks the
 * driver manager to restart the driver. Datagrams to the gateway (QEMU's
 * user network drops them) make the frames to refuse, each its own batch.
 */
static void refusing_driver(const struct setup *s)
{
	struct sockaddr_in to = { .sin_family = AF_INET, .sin_port = htons(SIGNAL_PORT) };
	struct dm_driver_info d, next;
	struct inet_ifinfo before, after;
	struct dm_failure f;
	uint32_t k, sent = 0, t0;
	int r, fd = socket(AF_INET, SOCK_DGRAM, 0), restarted = 0;

	to.sin_addr.s_addr = inet_addr(GATEWAY);
	dm_info(s->nic, 0, &d);
	t0 = sys_uptime_ms();
	r = t_inject(d.endpoint, FAULT_RETURN_EINVAL, strrchr(s->binary, '/') + 1, "net_batch_check");
	for (k = 0; r == 0 && fd >= 0 && k < 4 * REFUSED_MAX; k++) {
		sent += sendto(fd, "x", 1, 0, (struct sockaddr *)&to, sizeof to) == 1;
		t_sleep(REFUSE_GAP_MS);
		if (dm_info(s->nic, 0, &next) == 0 && next.incarnation != d.incarnation)
			break;
	}
	memset(&f, 0, sizeof f);
	if (r == 0 && t_wait_driver(s->nic, d.incarnation, &next, WAIT_MS) == 0 && dm_history(s->nic, 0, &f) == 0)
		restarted = f.incarnation == d.incarnation && f.cause == CAUSE_CLIENT && strstr(f.detail, "inet");
	t_check("refusing_driver_restarted_by_inet", restarted && k >= REFUSED_MAX - 1 && k < 4 * REFUSED_MAX &&
	        f.failed_ms - t0 < QUIET_MS,
	        "batch check made to refuse: %d; the driver manager restarted it after %u datagrams, %u ms (inet "
	        "gives up after %u refusals in a row; its deaf-driver watch would take over %u ms), cause %u (%s)",
	        r, sent, f.failed_ms ? f.failed_ms - t0 : 0, REFUSED_MAX, QUIET_MS, f.cause, f.detail);
	ifinfo(&before);
	for (k = 0; k < REFUSED_MAX && fd >= 0; k++) {
		sendto(fd, "x", 1, 0, (struct sockaddr *)&to, sizeof to);
		t_sleep(REFUSE_GAP_MS);
	}
	ifinfo(&after);
	t_check("refusing_driver_successor_sends", after.tx_frames - before.tx_frames >= REFUSED_MAX,
	        "the new incarnation took %u of %u frames", after.tx_frames - before.tx_frames, REFUSED_MAX);
	if (fd >= 0)
		close(fd);
}

/* TCP from the host (tests/tcppeer.py) to bulkd, with the driver killed, then crashing, on command. */
static void tcp_control(const struct setup *s)
{
	struct dm_driver_info d;
	struct inet_ifinfo info;
	int l = tcp_listener(CONTROL_PORT), a = tcp_listener(ACCEPT_KILL_PORT), c, r;
	uint32_t kills;

	t_check("bulkd_started", start("/bin/bulkd") == 0 && l >= 0 && a >= 0, "bulkd on TCP ports 5001 and "
	        "5002; our control port %d and port %d", CONTROL_PORT, ACCEPT_KILL_PORT);
	c = accept(l, NULL, NULL);
	if (!t_check("peer_connected", c >= 0, "the host peer connected to TCP port %d: %s", CONTROL_PORT,
	             c >= 0 ? "yes" : strerror(errno)))
		return;
	kills = kill_at_accept(a, s->nic);
	follow_commands(c, s, 1 + kills);
	r = ifinfo(&info);
	t_check("tcp_segments_coalesced", r == 0 && info.rx_coalesced > 0 && info.rx_coalesced < info.rx_frames, "of the %u frames received, %u went up to lwIP merged with "
	        "others (runs of one connection's segments in order; the rest one by one)", info.rx_frames,
	        info.rx_coalesced);
	memset(&d, 0, sizeof d);
	r = dm_info(s->nic, 0, &d);                /* (before t_check reads d: argument order is unspecified) */
	t_check("restarts_not_backed_off", r == 0 && d.failures_in_row <= 1,
	        "each incarnation had moved frames when it was killed or crashed, so the driver manager counts "
	        "%u failures in a row (next restart after %u ms), not one per failure (%d)", d.failures_in_row,
	        d.next_delay_ms, r);
	close(c);
	close(l);
	close(a);
	deaf_driver(s);
	refusing_driver(s);
}

/* bulkd's processes (one per port) go before inet is killed: they would report their sockets' end. */
static void stop_bulkd(void)
{
	endpoint_t ep;
	int k;

	for (k = 0; k < BULKD_PROCS && (ep = t_find("bulkd")) != EP_NONE; k++)
		pm_kill(ep, 9);
}

/* Kill inet in a while (in a child: we are waiting in recv then). */
static int kill_inet_later(void)
{
	struct dm_driver_info d;
	int pid = fork();

	if (pid == 0) {
		t_sleep(300);
		_exit(dm_info("inet", 0, &d) == 0 && pm_kill(d.endpoint, 9) == 0 ? 0 : 1);
	}
	return pid;
}

/*
 * inet itself is killed while we wait in recv on one of its sockets: the
 * call fails (it does not hang), the driver manager restarts inet, which
 * attaches to the driver again, and a new socket works at once.
 */
static void restart_inet(void)
{
	struct inet_ifinfo info;
	int fd = udp_socket(RESTART_PORT), pid, status = -1, again, ok;
	char buf[16];
	ssize_t n;

	pid = kill_inet_later();
	n = recv(fd, buf, sizeof buf, 0);
	t_check("inet_killed_call_fails", fd >= 0 && n == -1 && (errno == EBADF || errno == ENETDOWN) && pid > 0 &&
	        waitpid(pid, &status, 0) == pid && WIFEXITED(status) && WEXITSTATUS(status) == 0,
	        "recv on a socket of the killed inet: %d (%s)", (int)n, n < 0 ? strerror(errno) : "data");
	again = udp_socket(RESTART_PORT);
	memset(&info, 0, sizeof info);
	ok = again >= 0 && wait_until(configured, 0, &info, WAIT_MS) == 0 && info.attaches == 1;
	t_check("inet_restarted", ok,
	        "a new socket on UDP port %d: descriptor %d; the new inet on %s (endpoint %d) configured",
	        RESTART_PORT, again, info.label, (int)info.driver);
	t_check("old_socket_stays_dead", recv(fd, buf, sizeof buf, MSG_DONTWAIT) == -1 && errno == EBADF,
	        "the socket from before the restart, after a new one was made: %s", strerror(errno));
	close(fd);
	close(again);
}

int main(int argc, char **argv)
{
	const struct setup *s = NULL;
	struct inet_ifinfo info;
	char args[DM_ARGS_MAX];
	unsigned k;
	int r, dhcp, tcp, signal_fd;

	for (k = 0; argc > 1 && k < sizeof setups / sizeof setups[0]; k++)
		if (!strcmp(argv[1], setups[k].nic))
			s = &setups[k];
	if (!s) {
		printf("usage: t_inet rtl8139|ne2000|ne2000_isa|e100|e1000 [dhcp|tcp]\n");
		return 2;
	}
	dhcp = argc > 2 && !strcmp(argv[2], "dhcp");
	tcp = argc > 2 && !strcmp(argv[2], "tcp");
	snprintf(args, sizeof args, "drivers=%s eth0=%s", s->nic, dhcp ? "dhcp" : "10.0.2.15/24,10.0.2.2");
	r = t_up(s->binary, s->nic, s->args);
	if (r == 0)
		r = t_up("/servers/inet", "inet", args);
	t_check("inet_started", r == 0, "%s and inet started by the driver manager", s->nic);
	r = wait_until(configured, 0, &info, WAIT_MS);
	t_check("inet_attached", r == 0 && !strcmp(info.name, "eth0") && !strcmp(info.label, s->nic),
	        "%s on %s (endpoint %d), MAC %02x:%02x:%02x:%02x:%02x:%02x, address %08x, link %u",
	        info.name, info.label, (int)info.driver, info.mac[0], info.mac[1], info.mac[2], info.mac[3],
	        info.mac[4], info.mac[5], __builtin_bswap32(info.addr), info.link);
	if (tcp && r == 0)
		tcp_control(s);
	else if (dhcp)             /* restricted, QEMU's DHCP server names no router */
		t_check("dhcp_configured", r == 0 && info.dhcp && info.addr == 0x0f02000a &&
		        info.netmask == 0x00ffffff && info.gateway == 0,
		        "address %08x netmask %08x gateway %08x, from DHCP: %u", __builtin_bswap32(info.addr),
		        __builtin_bswap32(info.netmask), __builtin_bswap32(info.gateway), info.dhcp);
	else if (r == 0) {
		socket_errors();
		signal_fd = udp_socket(SIGNAL_PORT);
		t_check("echod_started", start("/bin/echod") == 0 && start("/bin/bulkd") == 0 && signal_fd >= 0,
		        "echod on UDP port 7, bulkd on TCP ports 5001 and 5002 (for the peer's floods), "
		        "and our signal socket on port %d", SIGNAL_PORT);
		kill_mid_ping(s->nic, signal_fd);
		crash_mid_ping(s, signal_fd);
		if (t_check("peer_done", wait_for_signal(signal_fd, "done") == 0, "the peer finished its script")) {
			batches_checked_out();
			stop_bulkd();
			restart_inet();
		}
	}
	t_summary();
	for (;;)                   /* the harness stops the machine once the peer is done */
		t_sleep(60000);
}
