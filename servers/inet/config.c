/*
 * config: how inet configures its interfaces. At start, from a file (the
 * config=FILE argument, say /etc/net.conf), one line per interface:
 *
 *   ethN dhcp
 *   ethN address A.B.C.D netmask A.B.C.D [gateway A.B.C.D]
 *
 * ('#' starts a comment). A malformed line is reported with its file and
 * line number and ignored; the other lines still apply. Later, the
 * administrator changes an interface with INET_IFCONFIG (ifconfig): a static
 * address, DHCP, up or down. Only uid 0 may; inet asks the kernel who is
 * asking.
 */
#include <stdio.h>
#include <string.h>
#include <bulkhead/errno.h>
#include "lwip/dhcp.h"
#include "lwip/netif.h"
#include "inet.h"

#define CONF_LINE_MAX  128
#define WORDS_MAX 8

/* "A.B.C.D" into a; 0 or -EINVAL. */
static int parse_addr(const char *text, ip4_addr_t *a)
{
	unsigned b[4];
	int used = 0;

	if (sscanf(text, "%3u.%3u.%3u.%3u%n", &b[0], &b[1], &b[2], &b[3], &used) != 4 || text[used] ||
	    b[0] > 255 || b[1] > 255 || b[2] > 255 || b[3] > 255)
		return -EINVAL;
	IP4_ADDR(a, b[0], b[1], b[2], b[3]);
	return 0;
}

/* A netmask is ones, then zeros. */
static int contiguous(const ip4_addr_t *mask)
{
	uint32_t zeros = ~lwip_ntohl(ip4_addr_get_u32(mask));

	return (zeros & (zeros + 1)) == 0;
}

/* The words after "ethN" into c; NULL, or what is wrong. */
static const char *parse_setting(char **w, int n, struct if_config *c)
{
	int k, have_addr = 0, have_mask = 0;

	memset(c, 0, sizeof *c);
	if (n == 1 && !strcmp(w[0], "dhcp")) {
		c->dhcp = 1;
		return NULL;
	}
	for (k = 0; k < n; k += 2) {
		ip4_addr_t *to = !strcmp(w[k], "address") ? &c->addr : !strcmp(w[k], "netmask") ? &c->netmask :
		                 !strcmp(w[k], "gateway") ? &c->gateway : NULL;
		if (!to)
			return "unknown word (want dhcp, or address A.B.C.D netmask A.B.C.D [gateway A.B.C.D])";
		if (k + 1 == n || parse_addr(w[k + 1], to) < 0)
			return "a dotted IPv4 address must follow address, netmask and gateway";
		have_addr |= to == &c->addr;
		have_mask |= to == &c->netmask;
	}
	if (!have_addr || !have_mask)
		return "a static setting needs both address and netmask";
	if (!contiguous(&c->netmask))
		return "the netmask is not contiguous ones then zeros";
	return NULL;
}

/* One line of the file into configs[]; NULL, or what is wrong. */
static const char *parse_line(char *line, struct if_config configs[], int n_configs)
{
	char *w[WORDS_MAX], *s;
	struct if_config c;
	const char *why;
	unsigned n_if;
	int n = 0, used = 0;

	line[strcspn(line, "#\r\n")] = '\0';
	for (s = strtok(line, " \t"); s; s = strtok(NULL, " \t")) {
		if (n == WORDS_MAX)
			return "too many words";
		w[n++] = s;
	}
	if (n == 0)
		return NULL;
	if (sscanf(w[0], "eth%u%n", &n_if, &used) != 1 || w[0][used] || n_if >= (unsigned)n_configs)
		return "the first word must name an interface, eth0 to eth3";
	if (n == 1)
		return "no setting for the interface (want dhcp, or address ... netmask ...)";
	why = parse_setting(w + 1, n - 1, &c);
	if (!why)
		configs[n_if] = c;
	return why;
}

int config_read(const char *path, struct if_config configs[], int n_configs)
{
	char line[CONF_LINE_MAX];
	const char *why;
	int number = 0, bad = 0;
	FILE *f = fopen(path, "r");

	if (!f) {
		printf("inet: cannot read %s; interfaces use DHCP unless told otherwise\n", path);
		return -ENOENT;
	}
	while (fgets(line, sizeof line, f)) {
		int whole = strchr(line, '\n') || feof(f);

		number++;
		why = whole ? parse_line(line, configs, n_configs) : "line too long";
		if (why) {
			printf("inet: %s:%d: %s; line ignored\n", path, number, why);
			bad++;
		}
		while (!whole && fgets(line, sizeof line, f))
			whole = strchr(line, '\n') || feof(f);  /* the rest of a long line */
	}
	fclose(f);
	return bad ? -EINVAL : 0;
}

/* The caller is the administrator. */
static int is_root(endpoint_t who)
{
	struct procinfo info;

	return sys_procinfo(-1, who, &info) == 0 && info.uid == 0;
}

static int set_static(struct netif *n, const struct inet_ifconf *c)
{
	ip4_addr_t a, m, g;

	ip4_addr_set_u32(&a, c->addr);
	ip4_addr_set_u32(&m, c->netmask);
	ip4_addr_set_u32(&g, c->gateway);
	if (ip4_addr_isany_val(a) || !contiguous(&m) || ip4_addr_isany_val(m))
		return -EINVAL;
	if (!ip4_addr_isany_val(g) && !ip4_addr_netcmp(&a, &g, &m))
		return -ENETUNREACH;             /* the gateway must be on the interface's network */
	dhcp_release_and_stop(n);
	netif_set_addr(n, &a, &m, &g);
	return 0;
}

int config_do_ifconfig(message *m)
{
	struct inet_ifconf c;
	struct netif *n;
	int r;

	if (!is_root(m->m_source))
		return -EPERM;
	n = eth_netif(m->inet_req.index);
	if (!n)
		return -ENODEV;
	if (m->inet_req.len != sizeof c)
		return -EINVAL;
	r = sys_safecopy(m->m_source, m->inet_req.grant, 0, &c, sizeof c, SAFECOPY_FROM);
	if (r < 0)
		return r;
	switch (c.op) {
	case INET_IF_STATIC:
		return set_static(n, &c);
	case INET_IF_DHCP:
		netif_set_addr(n, IP4_ADDR_ANY4, IP4_ADDR_ANY4, IP4_ADDR_ANY4);
		return dhcp_start(n) == ERR_OK ? 0 : -ENOMEM;
	case INET_IF_UP:
		netif_set_up(n);
		return 0;
	case INET_IF_DOWN:
		netif_set_down(n);
		return 0;
	default:
		return -EINVAL;
	}
}
