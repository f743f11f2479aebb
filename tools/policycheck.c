/*
 * policycheck [--labels L1,L2...] FILE...: check driver policy files with
 * the parser and rules the driver manager uses (lib/policy). Each file must
 * parse, name its binary, and name none of the kernel's hardware and no
 * memory that may be RAM (lib/policy/rules.c). Then, across all the files
 * given together: every `ipc` target must be a system server, a driver of
 * one of the files, or a label given with --labels; and no two drivers may
 * name the same ports, memory or IRQ unless both say 'shared'. Prints each
 * file's drivers, or every problem as FILE:LINE: ..., and exits 1 if any.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <bulkhead/policy.h>

#define MAX_TEXT (64 * 1024)
#define MAX_DRIVERS 64          /* in all the files together */
#define MAX_LABELS_TEXT 512

static struct policy pols[MAX_DRIVERS];
static const char *file_of[MAX_DRIVERS];
static int n_pols;
static char extra_labels[MAX_LABELS_TEXT];

/* "3, 11" for bits 3 and 11; "none" for no bit. */
static void irq_lines(uint32_t irqs, char *out, size_t len)
{
	size_t at = 0;
	unsigned line;

	strcpy(out, "none");
	for (line = 0; line < 32 && at < len; line++)
		if (irqs & (1u << line))
			at += (size_t)snprintf(out + at, len - at, "%s%u", at ? ", " : "", line);
}
static int parse_file(const char *path)
{
	char irqs[32 * 4];
	static char text[MAX_TEXT];
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
	n = policy_parse(text, len, path, pols + n_pols, MAX_DRIVERS - n_pols, err, sizeof err);
	if (n < 0) {
		fprintf(stderr, "%s\n", err);
		return 1;
	}
	for (i = n_pols; i < n_pols + n; i++) {
		file_of[i] = path;
		irq_lines(pols[i].irqs, irqs, sizeof irqs);
		printf("%s: driver %s for %s: %u port ranges, %u memory ranges, IRQ lines %s, %u ipc targets, "
		       "%u PCI ids, heartbeat %u ms\n", path, pols[i].name, pols[i].binary, pols[i].n_io,
		       pols[i].n_mem, irqs, pols[i].n_ipc, pols[i].n_pci, pols[i].heartbeat_ms);
	}
	n_pols += n;
	return 0;
}

static int in_list(const char *list, const char *label)
{
	size_t n = strlen(label);
	const char *s;

	for (s = list; (s = strstr(s, label)); s += n)
		if ((s == list || s[-1] == ',') && (s[n] == ',' || s[n] == '\0'))
			return 1;
	return 0;
}

static int known_label(const char *label)
{
	int i;

	if (policy_system_label(label) || in_list(extra_labels, label))
		return 1;
	for (i = 0; i < n_pols; i++)
		if (!strcmp(pols[i].name, label))
			return 1;
	return 0;
}

static int check_ipc(const struct policy *p, const char *file)
{
	uint32_t i;
	int bad = 0;

	for (i = 0; i < p->n_ipc; i++) {
		if (known_label(p->ipc[i]))
			continue;
		fprintf(stderr, "%s:%u: ipc target '%s' is unknown: expected a system server (%s), "
		        "a driver of the files given, or a label given with --labels\n", file,
		        (unsigned)p->ipc_line[i], p->ipc[i], policy_system_labels);
		bad = 1;
	}
	return bad;
}

/* Rules between the files: IPC targets and overlapping hardware. */
static int check_together(void)
{
	char what[POLICY_ERR_MAX];
	uint32_t line;
	int i, j, bad = 0;

	for (i = 0; i < n_pols; i++) {
		bad |= check_ipc(&pols[i], file_of[i]);
		for (j = 0; j < i; j++) {
			if (policy_clash(&pols[i], &pols[j], &line, what, sizeof what) < 0) {
				fprintf(stderr, "%s:%u: %s (%s:%u)\n", file_of[i], (unsigned)line, what, file_of[j],
				        (unsigned)pols[j].line);
				bad = 1;
			}
		}
	}
	return bad;
}

int main(int argc, char **argv)
{
	int i = 1, bad = 0;

	if (argc > 2 && !strcmp(argv[1], "--labels")) {
		snprintf(extra_labels, sizeof extra_labels, "%s", argv[2]);
		i = 3;
	}
	if (i >= argc || !strcmp(argv[i], "--help")) {
		fprintf(stderr, "usage: policycheck [--labels LABEL,...] FILE...\n"
		        "Checks driver policy files (format: include/bulkhead/policy.h), each alone and\n"
		        "then together: ipc targets must be system servers (%s), drivers of\n"
		        "the files given or --labels; no two drivers may share hardware unless both say 'shared'.\n",
		        policy_system_labels);
		return i >= argc ? 2 : 0;
	}
	for (; i < argc; i++)
		bad |= parse_file(argv[i]);
	if (!bad)
		bad = check_together();
	return bad;
}
