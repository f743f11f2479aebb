/*
 * t_net NIC [bench|wire] [driver=WORD]: sets up a raw-Ethernet test (boot
 * configurations test-net-*; with "bench", the benchmark, bench-net-*; with
 * "wire", the hostile-wire test, test-wire-*; driver=WORD gives the driver
 * WORD as one more argument, e.g. driver=classic for the rtl8139's classic
 * mode):
 * starts the NIC's driver with its test policy (and --test; stopping it first
 * if /etc/rc started it under its usual policy), then the test
 * client t_netclient under its own policy; the client and the host peer
 * (tests/netpeer.py) do the rest. NIC is rtl8139, ne2000, ne2000_isa, e100 or e1000.
 *
 * With "wire" it first starts a NIC driver where its device is absent (it
 * must refuse, saying why, and leave nothing running), and right after the
 * driver the bystander t_bystander, whose memory must come through intact.
 */
#include <stdio.h>
#include <string.h>
#include <bulkhead/clients.h>
#include <bulkhead/policy.h>
#include "lib/testlib.h"

struct setup {
	const char *nic, *binary, *config, *args;
	const char *probe;           /* for the client: ports and a PCI id that are not the driver's */
	const char *absent_label, *absent_binary, *absent_args, *absent_reason;   /* a device this boot lacks */
	const char *client_config;   /* the test client's policy; NULL: /tests/netclient.conf */
};

static const struct setup setups[] = {
	{ "rtl8139",    "/drivers/rtl8139", "/tests/net-rtl8139.conf",    "--test",          "300 cf8 10ec 8029",
	  "nocard_ne2000", "/drivers/ne2000", "", "no RTL8029", NULL },
	{ "ne2000",     "/drivers/ne2000",  "/tests/net-ne2000.conf",     "--test",          "300 cf8 10ec 8139",
	  "nocard_rtl8139", "/drivers/rtl8139", "", "no RTL8139", NULL },
	{ "ne2000_isa", "/drivers/ne2000",  "/tests/net-ne2000_isa.conf", "isa 300 9 --test", "c000 cf8 10ec 8139",
	  "nocard_isa", "/drivers/ne2000", "isa 320 10", "no NE2000 card at ports 320", NULL },
	{ "e100",       "/drivers/e100",    "/tests/net-e100.conf",       "--test",          "300 cf8 10ec 8139",
	  "nocard_e1000", "/drivers/e1000", "", "no Intel 82540EM", "/tests/netclient-intel.conf" },
	{ "e1000",      "/drivers/e1000",   "/tests/net-e1000.conf",      "--test",          "300 cf8 10ec 8139",
	  "nocard_e100", "/drivers/e100", "", "no Intel 8255x", "/tests/netclient-intel.conf" },
};

#define DRIVER_ARG "driver="    /* t_net's word that is the driver's argument */

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

static int up_why(const char *binary, const char *config, const char *label, const char *a, const char *b,
                  char *err, uint32_t err_len)
{
	struct dm_up_request req;

	memset(&req, 0, sizeof req);
	strcpy(req.binary, binary);
	strcpy(req.config, config);
	strcpy(req.label, label);
	set_args(&req, a, b);
	return dm_up(&req, err, err_len);
}

static int up(const char *binary, const char *config, const char *label, const char *a, const char *b)
{
	char err[POLICY_ERR_MAX];
	int r;

	r = up_why(binary, config, label, a, b, err, sizeof err);
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

/* A NIC driver whose device is absent refuses to start, says why, and nothing of it runs. */
static void check_absent_device(const struct setup *s)
{
	struct dm_driver_info info;
	char err[POLICY_ERR_MAX] = "";
	int r, ri;

	r = up_why(s->absent_binary, "/tests/nocard.conf", s->absent_label, s->absent_args, "", err, sizeof err);
	ri = dm_info(s->absent_label, 0, &info);
	t_check("absent_device_refused", r < 0 && strstr(err, s->absent_reason) && ri == 0 &&
	        info.endpoint == EP_NONE && info.state == DRV_GAVE_UP,
	        "service up %s %s: %d, \"%s\"; then endpoint %d, state %u (want a refusal naming \"%s\", "
	        "nothing running)", s->absent_binary, s->absent_args, r, err, (int)info.endpoint, info.state,
	        s->absent_reason);
}

int main(int argc, char **argv)
{
	const struct setup *s = NULL;
	char probe[64];
	const char *kind = NULL, *driver_arg = "";
	int wire, i;

	for (i = 0; argc > 1 && i < (int)(sizeof setups / sizeof setups[0]); i++)
		if (!strcmp(argv[1], setups[i].nic))
			s = &setups[i];
	for (i = 2; i < argc; i++) {
		if (!strncmp(argv[i], DRIVER_ARG, strlen(DRIVER_ARG)))
			driver_arg = argv[i] + strlen(DRIVER_ARG);
		else
			kind = argv[i];
	}
	wire = kind && !strcmp(kind, "wire");
	if (!s) {
		printf("usage: t_net rtl8139|ne2000|ne2000_isa|e100|e1000\n");
		return 2;
	}
	stop_running(s->nic);
	if (wire)
		check_absent_device(s);
	strcpy(probe, s->probe);
	if (kind)
		strcat(strcat(probe, " "), kind);
	if (up(s->binary, s->config, s->nic, s->args, driver_arg) < 0 ||
	    (wire && up("/tests/t_bystander", "/tests/bystander.conf", "bystander", "", "") < 0) ||
	    up("/tests/t_netclient", s->client_config ? s->client_config : "/tests/netclient.conf", "netclient",
	       s->nic, probe) < 0)
		return 1;
	printf("t_net: %s and its test client are running\n", s->nic);
	return 0;
}
