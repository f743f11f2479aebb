/*
 * rawclient [IFACE]: the Linux guest's raw-Ethernet benchmark client, the
 * counterpart of Bulkhead's tests/os/t_netclient.c in "bench" mode, over an
 * AF_PACKET socket on IFACE (default eth0) instead of Bulkhead's network
 * driver protocol. Same frames, same kinds, same script, so that the host
 * peer (tests/netpeer.py, run_bench) measures both guests identically:
 *
 *   1. broadcast HELLO until the peer answers HELLO_ACK (its MAC is the source);
 *   2. BENCH_FRAMES DATA frames of 1514 bytes to the peer as fast as the
 *      kernel takes them, then END;
 *   3. acknowledge the peer's DATA frames in order until its END (host to guest);
 *   4. the same for the peer's 64-byte pings;
 *   5. the same for the peer's recovery stream (Bulkhead kills its driver
 *      there; Linux has nothing to kill, so the figure is not compared);
 *   6. print "[netbench] done".
 *
 * Frame: Ethernet header (EtherType 0x88B5), then magic, kind, flags, seq,
 * size (big-endian), then byte i = seq + 31 i + 7 size (mod 256).
 * Statically linked for the initramfs (tools/mkinitramfs.py).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <netpacket/packet.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define ETHERTYPE      0x88b5
#define MAGIC          0x42484e54u
#define ETH_HEADER     14
#define WIRE_SIZE      16             /* magic, kind, flags, seq, size */
#define MIN_FRAME      60
#define MAX_FRAME      1514
#define BENCH_FRAMES   2000
#define HELLO_TRIES    600            /* one every HELLO_WAIT_MS: two minutes */
#define HELLO_WAIT_MS  200
#define PHASE_SILENCE_MS 60000        /* a phase with no frame for this long is over */
#define SEND_RETRY_US  200            /* the transmit queue is full: wait this long */
#define RCVBUF_BYTES   (4 << 20)

enum kind { K_HELLO = 1, K_HELLO_ACK, K_DATA, K_ACK, K_BCAST, K_FOREIGN, K_END, K_PROBE };

struct wire {
	uint32_t magic;
	uint16_t kind, flags;
	uint32_t seq, size;
};

static int sock = -1;
static int ifindex;
static uint8_t my_mac[6], peer_mac[6];
static const uint8_t broadcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };

static uint8_t pattern(uint32_t seq, uint32_t size, uint32_t i)
{
	return (uint8_t)(seq + i * 31 + size * 7);
}

static void put32(uint8_t *p, uint32_t v) { p[0] = v >> 24; p[1] = v >> 16; p[2] = v >> 8; p[3] = v; }
static void put16(uint8_t *p, uint16_t v) { p[0] = v >> 8; p[1] = v; }
static uint32_t get32(const uint8_t *p) { return (uint32_t)p[0] << 24 | p[1] << 16 | p[2] << 8 | p[3]; }
static uint16_t get16(const uint8_t *p) { return (uint16_t)(p[0] << 8 | p[1]); }

static void build(uint8_t *f, const uint8_t *dst, uint16_t kind, uint32_t seq, uint32_t size)
{
	uint32_t i;

	memcpy(f, dst, 6);
	memcpy(f + 6, my_mac, 6);
	put16(f + 12, ETHERTYPE);
	put32(f + 14, MAGIC);
	put16(f + 18, kind);
	put16(f + 20, 0);
	put32(f + 22, seq);
	put32(f + 26, size);
	for (i = ETH_HEADER + WIRE_SIZE; i < size; i++)
		f[i] = pattern(seq, size, i);
}

/* Send one frame; wait while the kernel's transmit queue is full. 0 or -errno. */
static int send_frame(const uint8_t *f, uint32_t len)
{
	struct sockaddr_ll to = { .sll_family = AF_PACKET, .sll_ifindex = ifindex, .sll_halen = 6 };

	memcpy(to.sll_addr, f, 6);
	for (;;) {
		if (sendto(sock, f, len, 0, (struct sockaddr *)&to, sizeof to) == (ssize_t)len)
			return 0;
		if (errno != ENOBUFS && errno != EAGAIN && errno != EINTR)
			return -errno;
		usleep(SEND_RETRY_US);
	}
}

static void send_kind(uint16_t kind, uint32_t seq)
{
	uint8_t f[MIN_FRAME];

	build(f, peer_mac, kind, seq, sizeof f);
	send_frame(f, sizeof f);
}

/* The next frame of ours (magic right), its length; -ETIMEDOUT after timeout_ms. */
static int recv_frame(uint8_t *f, struct wire *w, int timeout_ms)
{
	struct pollfd p = { .fd = sock, .events = POLLIN };
	ssize_t n;

	for (;;) {
		if (poll(&p, 1, timeout_ms) <= 0)
			return -ETIMEDOUT;
		n = recv(sock, f, MAX_FRAME, MSG_TRUNC);
		if (n < ETH_HEADER + WIRE_SIZE || n > MAX_FRAME || get16(f + 12) != ETHERTYPE)
			continue;
		w->magic = get32(f + 14);
		w->kind = get16(f + 18);
		w->flags = get16(f + 20);
		w->seq = get32(f + 22);
		w->size = get32(f + 26);
		if (w->magic == MAGIC)
			return (int)n;
	}
}

static int hello(void)
{
	static uint8_t f[MAX_FRAME];
	uint8_t h[MIN_FRAME];
	struct wire w;
	int i;

	for (i = 0; i < HELLO_TRIES; i++) {
		build(h, broadcast, K_HELLO, 0, sizeof h);
		send_frame(h, sizeof h);
		if (recv_frame(f, &w, HELLO_WAIT_MS) > 0 && w.kind == K_HELLO_ACK) {
			memcpy(peer_mac, f + 6, 6);
			return 0;
		}
	}
	return -ETIMEDOUT;
}

/* Acknowledge every in-order DATA frame until END (as t_netclient's ack_until_end); how many arrived. */
static uint32_t ack_until_end(void)
{
	static uint8_t f[MAX_FRAME];
	uint32_t next = 0;
	struct wire w = { 0 };

	while (recv_frame(f, &w, PHASE_SILENCE_MS) > 0 && w.kind != K_END) {
		if (w.kind == K_DATA && w.seq == next)
			next++;
		if (w.kind == K_DATA)
			send_kind(K_ACK, w.seq < next ? w.seq + 1 : next);
	}
	send_kind(K_ACK, w.seq + 1);
	return next;
}

static int open_socket(const char *iface)
{
	struct sockaddr_ll me = { .sll_family = AF_PACKET, .sll_protocol = htons(ETHERTYPE) };
	struct ifreq ifr;
	int size = RCVBUF_BYTES;

	sock = socket(AF_PACKET, SOCK_RAW, htons(ETHERTYPE));
	if (sock < 0)
		return -errno;
	memset(&ifr, 0, sizeof ifr);
	snprintf(ifr.ifr_name, sizeof ifr.ifr_name, "%s", iface);
	if (ioctl(sock, SIOCGIFINDEX, &ifr) < 0)
		return -errno;
	ifindex = ifr.ifr_ifindex;
	if (ioctl(sock, SIOCGIFHWADDR, &ifr) < 0)
		return -errno;
	memcpy(my_mac, ifr.ifr_hwaddr.sa_data, 6);
	me.sll_ifindex = ifindex;
	if (bind(sock, (struct sockaddr *)&me, sizeof me) < 0)
		return -errno;
	setsockopt(sock, SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof size);
	return 0;
}

int main(int argc, char **argv)
{
	static uint8_t f[MAX_FRAME];
	const char *iface = argc > 1 ? argv[1] : "eth0";
	uint32_t i, got;
	int r;

	setvbuf(stdout, NULL, _IOLBF, 0);
	r = open_socket(iface);
	if (r < 0) {
		printf("rawclient: cannot open a packet socket on %s: %s\n", iface, strerror(-r));
		return 1;
	}
	if (hello() < 0) {
		printf("rawclient: the host peer did not answer our hello\n");
		return 1;
	}
	printf("[netbench] peer %02x:%02x:%02x:%02x:%02x:%02x answered\n", peer_mac[0], peer_mac[1],
	       peer_mac[2], peer_mac[3], peer_mac[4], peer_mac[5]);
	for (i = 0; i < BENCH_FRAMES; i++) {
		build(f, peer_mac, K_DATA, i, MAX_FRAME);
		r = send_frame(f, MAX_FRAME);
		if (r < 0)
			printf("rawclient: sending frame %u: %s\n", i, strerror(-r));
	}
	send_kind(K_END, BENCH_FRAMES);
	got = ack_until_end();
	printf("[netbench] received %u of %u frames from the peer\n", got, BENCH_FRAMES);
	got = ack_until_end();
	printf("[netbench] answered %u pings\n", got);
	ack_until_end();
	printf("[netbench] done\n");
	return 0;
}
