/*
 * policycheck FILE...: check driver policy files with the parser the driver
 * manager uses (lib/policy). Prints each file's drivers, or the first
 * problem as FILE:LINE: ..., and exits 1 if any file is bad.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <bulkhead/policy.h>

#define MAX_TEXT (64 * 1024)
#define MAX_DRIVERS 16

static int check(const char *path)
{
	static char text[MAX_TEXT];
	struct policy pol[MAX_DRIVERS];
	char err[POLICY_ERR_MAX];
	size_t len;
	FILE *f = fopen(path, "rb");
	int n, i;

	if (!f) {
		fprintf(stderr, "%s: cannot open\n", path);
		return 1;
	}
	len = fread(text, 1, sizeof text, f);
	fclose(f);
	if (len == sizeof text) {
		fprintf(stderr, "%s: larger than %d bytes\n", path, MAX_TEXT);
		return 1;
	}
	n = policy_parse(text, len, path, pol, MAX_DRIVERS, err, sizeof err);
	if (n < 0) {
		fprintf(stderr, "%s\n", err);
		return 1;
	}
	for (i = 0; i < n; i++)
		printf("%s: driver %s: %u port ranges, %u memory ranges, IRQs %x, %u ipc targets, "
		       "%u PCI ids, heartbeat %u ms\n", path, pol[i].name, pol[i].n_io, pol[i].n_mem,
		       pol[i].irqs, pol[i].n_ipc, pol[i].n_pci, pol[i].heartbeat_ms);
	return 0;
}

int main(int argc, char **argv)
{
	int i, bad = 0;

	if (argc < 2 || !strcmp(argv[1], "--help")) {
		fprintf(stderr, "usage: policycheck FILE...\n"
		        "Checks driver policy files (format: include/bulkhead/policy.h).\n");
		return argc < 2 ? 2 : 0;
	}
	for (i = 1; i < argc; i++)
		bad |= check(argv[i]);
	return bad;
}
