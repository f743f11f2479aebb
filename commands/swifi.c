/*
 * swifi [-q] DRIVER TYPE COUNT [SEED]: the software fault injector.
 *
 * Puts COUNT faults of one TYPE (source, destination, pointer, interface,
 * loop, text, nop, random: include/bulkhead/x86.h) into the text of the
 * running driver labelled DRIVER, at places chosen with SEED (default: the
 * clock), and prints what it changed: address, old and new bytes, the
 * instruction before and after. With -q only the summary line.
 *
 * It is an ordinary program. The driver manager gives it the right to read
 * and patch that one driver's text (DM_TRACE: for the administrator, only for
 * drivers /etc/swifi.conf lists, never a system server, and only for the
 * incarnation running now). The text's place comes from the driver's binary
 * in the boot file system (its executable ELF segment); the bytes are the
 * driver's own copy, read and patched with KC_TRACE.
 *
 * Exit status: 0 every fault applied; 3 the driver died before all were
 * (the summary says how many); 1 refused or failed; 2 usage.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <bulkhead/errno.h>
#include <bulkhead/clients.h>
#include <bulkhead/elf.h>
#include <bulkhead/layout.h>
#include <bulkhead/x86.h>

#define TEXT_MAX  (512u * 1024u)   /* the largest driver text it patches */
#define HEAD_MAX  4096u            /* the ELF header and program headers must fit */
#define CHUNK     4096u            /* KC_TRACE moves at most a page */
#define EXIT_DRIVER_GONE 3

static uint8_t text[TEXT_MAX];
static int quiet;

static const char *type_names(void)
{
	return "source destination pointer interface loop text nop random";
}

/* The driver's text: where its binary's executable segment is loaded. */
static int text_range(const char *binary, uint32_t *base, uint32_t *len)
{
	static uint8_t head[HEAD_MAX];
	struct elf_image img;
	uint32_t ino, size, mode, i;
	const char *why = "";
	int r;

	r = fs_lookup(binary, &ino, &size, &mode);
	if (r < 0)
		return r;
	r = fs_read(ino, 0, head, size < HEAD_MAX ? size : HEAD_MAX);
	if (r < 0)
		return r;
	if (elf_parse(head, (size_t)r, size, USER_BASE, USER_HEAP_LIMIT, &img, &why) < 0) {
		printf("swifi: %s: %s\n", binary, why);
		return -ENOEXEC;
	}
	for (i = 0; i < img.nseg; i++)
		if (img.seg[i].flags & ELF_SEG_EXEC) {
			*base = img.seg[i].vaddr;
			*len = img.seg[i].filesz;
			return *len <= TEXT_MAX ? 0 : -E2BIG;
		}
	return -ENOEXEC;
}

static int read_text(endpoint_t ep, uint32_t base, uint32_t len)
{
	uint32_t off, n;
	int r;

	for (off = 0; off < len; off += n) {
		n = len - off < CHUNK ? len - off : CHUNK;
		r = sys_trace(TRACE_READ_TEXT, ep, base + off, text + off, n);
		if (r < 0)
			return r;
	}
	return 0;
}

static void describe(const uint8_t *code, uint32_t len, char *buf, size_t size)
{
	struct x86_insn in;

	if (x86_decode(code, len, &in) == 0)
		x86_format(code, &in, buf, size);
	else
		snprintf(buf, size, "(no instruction)");
}

static void show(int i, const struct x86_patch *p, uint32_t base, uint32_t len)
{
	char before[X86_FORMAT_MIN], after[X86_FORMAT_MIN];
	uint8_t old[X86_MAX_LEN * 2];
	uint32_t j, room = len - p->off < sizeof old ? len - p->off : sizeof old;

	memcpy(old, text + p->off, room);
	memcpy(old, p->old, p->len);
	describe(old, room, before, sizeof before);
	describe(text + p->off, room, after, sizeof after);
	printf("swifi: #%d %s at %x:", i, x86_fault_name((enum x86_fault)p->type), base + p->off);
	for (j = 0; j < p->len; j++)
		printf(" %02x", p->old[j]);
	printf(" ->");
	for (j = 0; j < p->len; j++)
		printf(" %02x", p->new_bytes[j]);
	printf("\n  before: %s\n  after:  %s\n", before, after);
}

/* Choose one fault of `type`, patch it into the driver and into our copy. */
static int inject_one(int i, enum x86_fault type, endpoint_t ep, uint32_t base, uint32_t len,
                      struct x86_rng *rng)
{
	struct x86_patch p;
	enum x86_fault t = x86_fault_choose(type, rng);
	size_t off;
	int r;

	r = x86_fault_pick(t, text, len, rng, &off);
	if (r == 0)
		r = x86_fault_apply(t, text, len, off, rng, &p);
	if (r < 0)
		return r;
	r = sys_trace(TRACE_WRITE_TEXT, ep, base + p.off, p.new_bytes, p.len);
	if (r < 0)
		return r;
	memcpy(text + p.off, p.new_bytes, p.len);
	if (!quiet)
		show(i, &p, base, len);
	return 0;
}

int main(int argc, char **argv)
{
	struct dm_driver_info info;
	struct x86_rng rng;
	uint32_t base = 0, len = 0, seed;
	int type, count, done, r, ep;

	if (argc > 1 && !strcmp(argv[1], "-q")) {
		quiet = 1;
		argc--;
		argv++;
	}
	type = argc > 2 ? x86_fault_from_name(argv[2]) : -EINVAL;
	count = argc > 3 ? atoi(argv[3]) : 0;
	if (argc < 4 || argc > 5 || type < 0 || count <= 0) {
		printf("usage: swifi [-q] DRIVER TYPE COUNT [SEED]\n  TYPE: %s\n", type_names());
		return 2;
	}
	seed = argc > 4 ? (uint32_t)strtoul(argv[4], NULL, 0) : sys_uptime_ms();
	ep = dm_trace(argv[1]);
	if (ep < 0) {
		printf("swifi: %s: trace rights refused (%d)%s\n", argv[1], ep,
		       ep == -EPERM ? ": not a driver listed in " DM_TRACERS_FILE : ep == -ENOENT ? ": no such driver" : "");
		return 1;
	}
	r = dm_info(argv[1], 0, &info);
	if (r == 0)
		r = text_range(info.binary, &base, &len);
	if (r == 0)
		r = read_text(ep, base, len);
	if (r < 0) {
		printf("swifi: %s: cannot read its text (%d)\n", argv[1], r);
		return 1;
	}
	x86_rng_seed(&rng, seed);
	for (done = 0, r = 0; done < count && r == 0; done += r == 0)
		r = inject_one(done, (enum x86_fault)type, ep, base, len, &rng);
	printf("swifi: %s (endpoint %d): %d of %d %s faults applied to text %x+%x, seed %u%s\n", argv[1], ep,
	       done, count, x86_fault_name((enum x86_fault)type), base, len, seed,
	       r == -ESRCH ? "; the driver died meanwhile" : "");
	if (r == -ESRCH)
		return EXIT_DRIVER_GONE;
	return r < 0 ? 1 : 0;
}
