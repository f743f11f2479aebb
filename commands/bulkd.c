/*
 * bulkd: TCP bulk transfer for measuring the network from the host.
 *   port 5001, a sink: read until the client half-closes, then send
 *     "<byte_count> <crc32>\n" (the zlib/IEEE CRC-32, 8 lowercase hex
 *     digits) and close;
 *   port 5002, a source: read one line "<N>\n", send N bytes, byte i being
 *     byte (i mod 4) of the little-endian uint32 floor(i/4), then close.
 * One process per port (forked); connections one after another. Runs until
 * killed.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <sys/socket.h>

#define SINK_PORT   5001
#define SOURCE_PORT 5002
#define CHUNK       32768
#define LINE_MAX    32
#define CRC_POLY    0xedb88320u       /* IEEE 802.3, reflected */

static uint8_t buf[CHUNK];
static uint32_t crc_table[256];

static void crc_init(void)
{
	uint32_t c, n, k;

	for (n = 0; n < 256; n++) {
		for (c = n, k = 0; k < 8; k++)
			c = c & 1 ? CRC_POLY ^ (c >> 1) : c >> 1;
		crc_table[n] = c;
	}
}

static uint32_t crc_update(uint32_t crc, const uint8_t *p, size_t len)
{
	crc = ~crc;
	while (len--)
		crc = crc_table[(crc ^ *p++) & 0xff] ^ (crc >> 8);
	return ~crc;
}

static int listener(int port)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port) };
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	if (fd < 0 || bind(fd, (struct sockaddr *)&a, sizeof a) < 0 || listen(fd, SOMAXCONN) < 0) {
		fprintf(stderr, "bulkd: cannot listen on TCP port %d: %s\n", port, strerror(errno));
		exit(1);
	}
	return fd;
}

static void sink(int c)
{
	uint32_t crc = 0, count = 0;
	char line[LINE_MAX];
	ssize_t n;

	while ((n = recv(c, buf, sizeof buf, 0)) > 0) {
		crc = crc_update(crc, buf, (size_t)n);
		count += (uint32_t)n;
	}
	if (n == 0) {
		snprintf(line, sizeof line, "%lu %08lx\n", (unsigned long)count, (unsigned long)crc);
		send(c, line, strlen(line), 0);
	}
}

static void source(int c)
{
	char line[LINE_MAX];
	uint32_t total, done = 0, i, n;
	size_t got = 0;
	ssize_t r;

	while (got < sizeof line - 1 && (r = recv(c, line + got, 1, 0)) == 1 && line[got] != '\n')
		got++;
	line[got] = '\0';
	total = (uint32_t)strtoul(line, NULL, 10);
	while (done < total) {
		n = total - done < CHUNK ? total - done : CHUNK;
		for (i = 0; i < n; i++)
			buf[i] = (uint8_t)((done + i) / 4 >> (8 * ((done + i) % 4)));
		if (send(c, buf, n, 0) != (ssize_t)n)
			return;
		done += n;
	}
}

static void __attribute__((noreturn)) serve(int port, void (*each)(int))
{
	int l = listener(port), c;

	for (;;) {
		c = accept(l, NULL, NULL);
		if (c < 0) {
			fprintf(stderr, "bulkd: accept on port %d: %s\n", port, strerror(errno));
			exit(1);
		}
		each(c);
		close(c);
	}
}

int main(void)
{
	int pid;

	crc_init();
	pid = fork();
	if (pid < 0) {
		fprintf(stderr, "bulkd: cannot fork: %s\n", strerror(errno));
		return 1;
	}
	if (pid == 0)
		serve(SOURCE_PORT, source);
	printf("bulkd: TCP port %d (sink) and %d (source)\n", SINK_PORT, SOURCE_PORT);
	serve(SINK_PORT, sink);
}
