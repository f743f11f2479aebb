/*
 * t_net NIC [bench]: sets up a raw-Ethernet test (boot configurations
 * test-net-*; with "bench", the benchmark, bench-net-*):
 * starts the NIC's driver with its test policy (and --test; stopping it first
 * if /etc/rc started it under its usual policy), then the test
 * client t_netclient under its own policy; the client and the host peer
 * (tests/netpeer.py) do the rest. NIC is rtl8139, ne2000 or ne2000_isa.
 */
#include <stdio.h>
#include <string.h>
#include <bulkhead/clients.h>
#include <bulkhead/policy.h>
#include "lib/testlib.h"

struct setup {
	const char *nic, *binary, *config, *args;
	const char *probe;           /* for the client: ports and a PCI id that are not the driver's */
};

static const struct setup setups[] = {
	{ "rtl8139",    "/drivers/rtl8139", "/tests/net-rtl8139.conf",    "--test",          "300 cf8 10ec 8029" },
	{ "ne2000",     "/drivers/ne2000",  "/tests/net-ne2000.conf",     "--test",          "300 cf8 10ec 8139" },
	{ "ne2000_isa", "/drivers/ne2000",  "/tests/net-ne2000_isa.conf", "isa 300 9 --test", "c000 cf8 10ec 8139" },
};

/* Put words (separated by spaces) into req's argument block. */
static void set_args(struct dm_up_request *req, const char *a, const char *b)
{
	char text[DM_ARGS_MAX], *w;
	uint32_t off = 0;

	snprintf(text, sizeof text, "%s %s", a, b);
	for (w = strtok(text, " "); w; w = strtok(NULL, " ")) {
		strcpy(req->args + off, w);
		off += (uint32_t)strlen(w) + 1;
		req->argc++;
	}
}

static int up(const char *binary, const char *config, const char *label, const char *a, const char *b)
{
	struct dm_up_request req;
	char err[POLICY_ERR_MAX];
	int r;

	memset(&req, 0, sizeof req);
	strcpy(req.binary, binary);
	strcpy(req.config, config);
	strcpy(req.label, label);
	set_args(&req, a, b);
	r = dm_up(&req, err, sizeof err);
	if (r < 0)
		printf("t_net: cannot start %s: %s\n", label, err);
	return r;
}

/* /etc/rc may have started the driver under its usual policy: stop it, and
   wait until it is gone, so that its device is free again. */
static void stop_running(const char *label)
{
	struct dm_driver_info info;
	int i;

	if (dm_down(label) < 0)
		return;
	for (i = 0; i < 500 && dm_info(label, 0, &info) == 0 && info.endpoint != EP_NONE; i++)
		t_sleep(10);
}

int main(int argc, char **argv)
{
	const struct setup *s = NULL;
	char probe[64];
	unsigned i;

	for (i = 0; argc > 1 && i < sizeof setups / sizeof setups[0]; i++)
		if (!strcmp(argv[1], setups[i].nic))
			s = &setups[i];
	if (!s) {
		printf("usage: t_net rtl8139|ne2000|ne2000_isa\n");
		return 2;
	}
	stop_running(s->nic);
	if (up(s->binary, s->config, s->nic, s->args, "") < 0 ||
	    up("/tests/t_netclient", "/tests/netclient.conf", "netclient", s->nic,
	       argc > 2 && !strcmp(argv[2], "bench") ? strcat(strcpy(probe, s->probe), " bench") : s->probe) < 0)
		return 1;
	printf("t_net: %s and its test client are running\n", s->nic);
	return 0;
}
