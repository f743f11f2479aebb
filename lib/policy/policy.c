/*
 * policy: the parser for driver policy files (format in
 * include/bulkhead/policy.h).
 *
 * A tokenizer splits the text into words and the punctuation { } ;, with
 * '#' comments; then each statement is checked against a table of keywords.
 * Every problem is reported once, as "FILE:LINE: what was expected", and
 * parsing stops there. Uses only snprintf and string functions, so it runs
 * in the driver manager and on the host alike.
 */
#include <stdio.h>
#include <string.h>
#include <bulkhead/policy.h>
#include <bulkhead/kcall.h>

#define WORD_MAX 64
#define MAX_WORDS 16

struct parser {
	const char *text, *file;
	size_t len, pos;
	uint32_t line;
	char *err;
	size_t errlen;
	int failed;
};

struct token {
	char text[WORD_MAX];
	uint32_t line;
	int end;                 /* no more input */
};

/* Kernel calls a policy may give. The rest are for trusted servers only. */
static const struct { const char *name; int nr; } kcall_names[] = {
	{ "DEVIO", KC_DEVIO }, { "VDEVIO", KC_VDEVIO }, { "SETGRANT", KC_SETGRANT },
	{ "SAFECOPY", KC_SAFECOPY }, { "VSAFECOPY", KC_VSAFECOPY }, { "IRQCTL", KC_IRQCTL },
	{ "MAPMEM", KC_MAPMEM }, { "DMAALLOC", KC_DMAALLOC }, { "UMAP", KC_UMAP },
	{ "TRACE", KC_TRACE }, { "GETLOG", KC_GETLOG },
	{ "TIME", KC_TIME }, { "ALARM", KC_ALARM }, { "DIAG", KC_DIAG }, { "BRK", KC_BRK },
	{ "EXIT", KC_EXIT }, { "PROCINFO", KC_PROCINFO }, { "SYSINFO", KC_SYSINFO },
	{ "DMACTL", KC_DMACTL },     /* the IOMMU driver's alone (rules.c) */
	{ "SCREEN", KC_SCREEN },
};

int policy_kcall(const char *name)
{
	unsigned i;

	for (i = 0; i < sizeof kcall_names / sizeof kcall_names[0]; i++)
		if (!strcmp(kcall_names[i].name, name))
			return kcall_names[i].nr;
	return -1;
}

const char *policy_kcall_name(int nr)
{
	unsigned i;

	for (i = 0; i < sizeof kcall_names / sizeof kcall_names[0]; i++)
		if (kcall_names[i].nr == nr)
			return kcall_names[i].name;
	return NULL;
}

static void fail(struct parser *p, uint32_t line, const char *fmt, const char *arg)
{
	char what[128];

	if (p->failed)
		return;
	p->failed = 1;
	snprintf(what, sizeof what, fmt, arg);
	snprintf(p->err, p->errlen, "%s:%u: %s", p->file, (unsigned)line, what);
}

static int is_word_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '_' || c == '-' || c == '.' || c == '/' || c == ':';
}

/* The next token; on bad input, fails and returns an end token. */
static struct token next(struct parser *p)
{
	struct token t = { "", 0, 0 };
	size_t n = 0;

	for (;;) {
		while (p->pos < p->len && (p->text[p->pos] == ' ' || p->text[p->pos] == '\t' ||
		                           p->text[p->pos] == '\r' || p->text[p->pos] == '\n')) {
			if (p->text[p->pos] == '\n')
				p->line++;
			p->pos++;
		}
		if (p->pos < p->len && p->text[p->pos] == '#') {
			while (p->pos < p->len && p->text[p->pos] != '\n')
				p->pos++;
			continue;
		}
		break;
	}
	t.line = p->line;
	if (p->pos >= p->len || p->failed) {
		t.end = 1;
		return t;
	}
	if (strchr("{};", p->text[p->pos])) {
		t.text[0] = p->text[p->pos++];
		return t;
	}
	while (p->pos < p->len && is_word_char(p->text[p->pos])) {
		if (n + 1 >= WORD_MAX) {
			fail(p, p->line, "word too long%s", "");
			t.end = 1;
			return t;
		}
		t.text[n++] = p->text[p->pos++];
	}
	if (n == 0) {
		char c[2] = { p->text[p->pos], '\0' };
		if ((unsigned char)c[0] < 0x20 || (unsigned char)c[0] >= 0x7f)
			fail(p, p->line, "unexpected character (code %s)", "not printable");
		else
			fail(p, p->line, "unexpected character '%s'", c);
		t.end = 1;
	}
	t.text[n] = '\0';
	return t;
}

static int parse_hex(const char *s, const char *stop, uint32_t *out)
{
	uint32_t v = 0;
	int digits = 0;

	for (; s < stop; s++, digits++) {
		int d = *s >= '0' && *s <= '9' ? *s - '0' : *s >= 'a' && *s <= 'f' ? *s - 'a' + 10 :
		        *s >= 'A' && *s <= 'F' ? *s - 'A' + 10 : -1;
		if (d < 0 || digits >= 8)
			return -1;
		v = v * 16 + (uint32_t)d;
	}
	*out = v;
	return digits ? 0 : -1;
}

static int parse_dec(const char *s, uint32_t max, uint32_t *out)
{
	uint32_t v = 0;

	if (!*s)
		return -1;
	for (; *s; s++) {
		if (*s < '0' || *s > '9' || v > (max - (uint32_t)(*s - '0')) / 10)
			return -1;
		v = v * 10 + (uint32_t)(*s - '0');
	}
	*out = v;
	return 0;
}

/* "HEX<sep>HEX" */
static int parse_pair(const char *s, char sep, uint32_t *a, uint32_t *b)
{
	const char *mid = strchr(s, sep);

	return mid && parse_hex(s, mid, a) == 0 && parse_hex(mid + 1, s + strlen(s), b) == 0 ? 0 : -1;
}

typedef void (*statement_fn)(struct parser *p, struct policy *pol, struct token *w, int n);

/* A last word 'shared' marks every value of the statement as shareable: 1 if so. */
static int take_shared(struct parser *p, struct token *w, int *n)
{
	if (strcmp(w[*n - 1].text, "shared"))
		return 0;
	if (--*n == 0)
		fail(p, w[0].line, "expected a value before 'shared'%s", "");
	return 1;
}

static void st_pci(struct parser *p, struct policy *pol, struct token *w, int n)
{
	uint32_t v, d;
	int i;

	if (n < 2 || strcmp(w[0].text, "device")) {
		fail(p, w[0].line, "expected 'pci device VVVV/DDDD;'%s", "");
		return;
	}
	for (i = 1; i < n; i++) {
		if (parse_pair(w[i].text, '/', &v, &d) < 0 || v > 0xffff || d > 0xffff)
			fail(p, w[i].line, "expected a PCI id as vendor/device in hex (like 10ec/8139), found '%s'", w[i].text);
		else if (pol->n_pci == POLICY_MAX_PCI)
			fail(p, w[i].line, "too many PCI devices (at most 4)%s", "");
		else
			pol->pci[pol->n_pci++] = (struct pci_id){ (uint16_t)v, (uint16_t)d };
	}
}

static void st_io(struct parser *p, struct policy *pol, struct token *w, int n)
{
	uint32_t base, len;
	int i, shared = take_shared(p, w, &n);

	for (i = 0; i < n; i++) {
		if (parse_pair(w[i].text, ':', &base, &len) < 0)
			fail(p, w[i].line, "expected a port range as base:length in hex (like 300:20), found '%s'", w[i].text);
		else if (len == 0 || base > 0xffff || len > 0x10000 - base)
			fail(p, w[i].line, "port range '%s' is empty or runs past port ffff", w[i].text);
		else if (pol->n_io == PRIV_MAX_IO)
			fail(p, w[i].line, "too many port ranges (at most 8)%s", "");
		else {
			pol->io_shared |= shared ? 1u << pol->n_io : 0;
			pol->io_line[pol->n_io] = w[i].line;
			pol->io[pol->n_io++] = (struct io_range){ base, len };
		}
	}
}

static void st_memory(struct parser *p, struct policy *pol, struct token *w, int n)
{
	uint32_t base, len;
	int i, shared = take_shared(p, w, &n);

	for (i = 0; i < n; i++) {
		if (parse_pair(w[i].text, ':', &base, &len) < 0)
			fail(p, w[i].line, "expected a memory range as base:length in hex, found '%s'", w[i].text);
		else if (len == 0 || (base | len) % 4096 || base > 0xffffffffu - (len - 1))
			fail(p, w[i].line, "memory range '%s' must be whole pages inside 4 GiB", w[i].text);
		else if (pol->n_mem == PRIV_MAX_MEM)
			fail(p, w[i].line, "too many memory ranges (at most 4)%s", "");
		else {
			pol->mem_shared |= shared ? 1u << pol->n_mem : 0;
			pol->mem_line[pol->n_mem] = w[i].line;
			pol->mem[pol->n_mem++] = (struct mem_range){ base, len };
		}
	}
}

static void st_irq(struct parser *p, struct policy *pol, struct token *w, int n)
{
	uint32_t irq;
	int i, shared = take_shared(p, w, &n);

	for (i = 0; i < n; i++) {
		if (parse_dec(w[i].text, 15, &irq) < 0)
			fail(p, w[i].line, "expected an IRQ line from 1 to 15, found '%s'", w[i].text);
		else if (irq == 0 || irq == 2)
			fail(p, w[i].line, "IRQ %s is the kernel's (clock or cascade)", w[i].text);
		else {
			pol->irqs |= 1u << irq;
			pol->irqs_shared |= shared ? 1u << irq : 0;
			pol->irq_line[irq] = w[i].line;
		}
	}
}

static void st_ipc(struct parser *p, struct policy *pol, struct token *w, int n)
{
	int i;

	for (i = 0; i < n; i++) {
		if (strlen(w[i].text) >= POLICY_NAME_MAX || strchr(w[i].text, ':') || strchr(w[i].text, '/'))
			fail(p, w[i].line, "expected a process label (at most 15 letters), found '%s'", w[i].text);
		else if (pol->n_ipc == POLICY_MAX_IPC)
			fail(p, w[i].line, "too many ipc targets (at most 8)%s", "");
		else {
			pol->ipc_line[pol->n_ipc] = w[i].line;
			strcpy(pol->ipc[pol->n_ipc++], w[i].text);
		}
	}
}

static void st_kernel(struct parser *p, struct policy *pol, struct token *w, int n)
{
	int i, nr;

	for (i = 0; i < n; i++) {
		nr = policy_kcall(w[i].text);
		if (nr < 0)
			fail(p, w[i].line, "'%s' is not a kernel call a driver may be given "
			     "(DEVIO VDEVIO SETGRANT SAFECOPY VSAFECOPY IRQCTL MAPMEM DMAALLOC UMAP TRACE ...)", w[i].text);
		else
			bit_set(pol->kcalls, (unsigned)nr);
	}
}

static void one_number(struct parser *p, struct token *w, int n, uint32_t max, uint32_t *out, const char *what)
{
	if (n != 1 || parse_dec(w[0].text, max, out) < 0)
		fail(p, w[0].line, "expected %s", what);
}

/* The one value of statement `name`: a time in ms, 0 (what says what 0 means) or min..POLICY_MS_MAX. */
static void one_ms(struct parser *p, struct token *w, int n, const char *name, uint32_t min, uint32_t *out,
                   const char *what)
{
	char msg[128];

	if (n != 1 || parse_dec(w[0].text, POLICY_MS_MAX, out) < 0)
		snprintf(msg, sizeof msg, "expected %s, at most %u", what, (unsigned)POLICY_MS_MAX);
	else if (*out && *out < min)
		snprintf(msg, sizeof msg, "%s %s ms is too short (at least %u)", name, w[0].text, (unsigned)min);
	else
		return;
	fail(p, w[0].line, "%s", msg);
}

static void st_heartbeat(struct parser *p, struct policy *pol, struct token *w, int n)
{
	one_ms(p, w, n, "heartbeat", POLICY_HEARTBEAT_MIN_MS, &pol->heartbeat_ms, "one period in ms (0: none)");
}

static void st_restart(struct parser *p, struct policy *pol, struct token *w, int n)
{
	one_number(p, w, n, POLICY_RESTARTS_MAX, &pol->restart_limit, "how many failures in a row to allow (0: no limit)");
}

static void st_backoff(struct parser *p, struct policy *pol, struct token *w, int n)
{
	char msg[64];

	if (n != 2 || parse_dec(w[0].text, POLICY_MS_MAX, &pol->backoff_base_ms) < 0 ||
	    parse_dec(w[1].text, POLICY_MS_MAX, &pol->backoff_max_ms) < 0) {
		snprintf(msg, sizeof msg, "expected 'backoff BASE MAX;' in ms (at most %u)", (unsigned)POLICY_MS_MAX);
		fail(p, w[0].line, "%s", msg);
	} else if (pol->backoff_max_ms < pol->backoff_base_ms)
		fail(p, w[0].line, "backoff maximum %s is below its base", w[1].text);
}

static void st_public(struct parser *p, struct policy *pol, struct token *w, int n)
{
	if (n)
		fail(p, w[0].line, "'public' takes no value, found '%s'", w[0].text);
	pol->flags |= POLICY_PUBLIC;
}

static void st_dma(struct parser *p, struct policy *pol, struct token *w, int n)
{
	if (n > 1 || (n == 1 && strcmp(w[0].text, "iommu")))
		fail(p, w[0].line, "expected 'dma;' or 'dma iommu;', found '%s'", w[0].text);
	pol->flags |= POLICY_DMA | (n ? POLICY_DMA_IOMMU : 0);
}

static void st_binary(struct parser *p, struct policy *pol, struct token *w, int n)
{
	if (n != 1 || w[0].text[0] != '/')
		fail(p, w[0].line, "expected 'binary /PATH;' (the one program this policy is for)%s", "");
	else if (strlen(w[0].text) >= POLICY_PATH_MAX)
		fail(p, w[0].line, "binary path '%s' is too long (at most 63 characters)", w[0].text);
	else {
		strcpy(pol->binary, w[0].text);
		pol->binary_line = w[0].line;
	}
}

static void st_cpu(struct parser *p, struct policy *pol, struct token *w, int n)
{
	one_ms(p, w, n, "cpu", POLICY_CPU_MIN_MS, &pol->cpu_ms, "ms of CPU a driver may use without blocking "
	       "(0: no limit)");
}

static void st_liveness(struct parser *p, struct policy *pol, struct token *w, int n)
{
	one_ms(p, w, n, "liveness", POLICY_LIVENESS_MIN_MS, &pol->liveness_ms, "ms a driver may hold work "
	       "without doing any (0: not checked)");
}

static void st_clients(struct parser *p, struct policy *pol, struct token *w, int n)
{
	int i;

	for (i = 0; i < n; i++) {
		if (strlen(w[i].text) >= POLICY_NAME_MAX || strchr(w[i].text, ':') || strchr(w[i].text, '/'))
			fail(p, w[i].line, "expected a client's label (at most 15 letters), found '%s'", w[i].text);
		else if (pol->n_clients == POLICY_MAX_CLIENTS)
			fail(p, w[i].line, "too many clients (at most 4)%s", "");
		else
			strcpy(pol->clients[pol->n_clients++], w[i].text);
	}
}

static const struct { const char *word; statement_fn fn; int once; } statements[] = {
	{ "pci", st_pci, 0 }, { "io", st_io, 0 }, { "memory", st_memory, 0 }, { "irq", st_irq, 0 },
	{ "ipc", st_ipc, 0 }, { "kernel", st_kernel, 0 }, { "heartbeat", st_heartbeat, 1 },
	{ "restart", st_restart, 1 }, { "backoff", st_backoff, 1 }, { "public", st_public, 1 },
	{ "dma", st_dma, 1 }, { "cpu", st_cpu, 1 }, { "liveness", st_liveness, 1 },
	{ "clients", st_clients, 0 }, { "binary", st_binary, 1 },
};
#define NR_STATEMENTS (sizeof statements / sizeof statements[0])

/* One statement inside a driver block; returns 0 at the closing brace. */
static int statement(struct parser *p, struct policy *pol, uint32_t *seen)
{
	struct token kw = next(p), w[MAX_WORDS];
	unsigned i;
	int n = 0;

	if (kw.end) {
		fail(p, kw.line, "expected '}' to close driver %s, found the end of the file", pol->name);
		return 0;
	}
	if (!strcmp(kw.text, "}"))
		return 0;
	for (i = 0; i < NR_STATEMENTS && strcmp(statements[i].word, kw.text); i++)
		;
	if (i == NR_STATEMENTS) {
		fail(p, kw.line, "unknown statement '%s' (expected pci, io, memory, irq, ipc, kernel, "
		     "heartbeat, restart, backoff, public, dma, cpu, liveness, clients or binary)", kw.text);
		return 0;
	}
	if (statements[i].once && (*seen & (1u << i))) {
		fail(p, kw.line, "'%s' is given twice", kw.text);
		return 0;
	}
	*seen |= 1u << i;
	for (;;) {
		w[n] = next(p);
		if (w[n].end) {
			fail(p, w[n].line, "expected ';' after '%s', found the end of the file", kw.text);
			return 0;
		}
		if (!strcmp(w[n].text, ";"))
			break;
		if (!strcmp(w[n].text, "{") || !strcmp(w[n].text, "}")) {
			fail(p, w[n].line, "expected ';' to end the statement, found '%s'", w[n].text);
			return 0;
		}
		if (++n == MAX_WORDS) {
			fail(p, w[0].line, "too many values after '%s'", kw.text);
			return 0;
		}
	}
	if (n == 0 && strcmp(kw.text, "public") && strcmp(kw.text, "dma")) {
		fail(p, kw.line, "expected a value after '%s'", kw.text);
		return 0;
	}
	statements[i].fn(p, pol, w, n);
	return !p->failed;
}

/* After a block: it names its binary, and no hardware the kernel keeps. */
static void check_block(struct parser *p, struct policy *pol)
{
	char what[POLICY_ERR_MAX];
	uint32_t line;

	if (p->failed)
		return;
	if (!pol->binary[0])
		fail(p, pol->line, "driver %s: expected 'binary /PATH;' naming the program it is for", pol->name);
	else if (policy_check_hardware(pol, &line, what, sizeof what) < 0)
		fail(p, line, "%s", what);
}

static void block(struct parser *p, struct policy *pol, uint32_t line)
{
	struct token name = next(p), brace;
	uint32_t seen = 0;

	memset(pol, 0, sizeof *pol);
	pol->line = line;
	pol->cpu_ms = POLICY_CPU_DEFAULT_MS;
	pol->liveness_ms = POLICY_LIVENESS_DEFAULT_MS;
	if (name.end || strlen(name.text) >= POLICY_NAME_MAX || strchr("{};", name.text[0]) ||
	    strchr(name.text, ':') || strchr(name.text, '/')) {
		fail(p, name.line, "expected a driver name (at most 15 letters) after 'driver'%s", "");
		return;
	}
	strcpy(pol->name, name.text);
	brace = next(p);
	if (strcmp(brace.text, "{")) {
		fail(p, brace.line, "expected '{' after 'driver %s'", pol->name);
		return;
	}
	while (statement(p, pol, &seen))
		;
	check_block(p, pol);
}

int policy_parse(const char *text, size_t len, const char *file,
                 struct policy *out, int max, char *err, size_t errlen)
{
	struct parser p = { text, file ? file : "(policy)", len, 0, 1, err, errlen, 0 };
	struct token t;
	int count = 0, i;

	if (errlen)
		err[0] = '\0';
	for (;;) {
		t = next(&p);
		if (t.end)
			break;
		if (!strcmp(t.text, ";"))            /* the ';' after a closing brace */
			continue;
		if (strcmp(t.text, "driver")) {
			fail(&p, t.line, "expected 'driver NAME {', found '%s'", t.text);
			break;
		}
		if (count == max) {
			fail(&p, t.line, "too many driver blocks in one file%s", "");
			break;
		}
		block(&p, &out[count], t.line);
		for (i = 0; i < count && !p.failed; i++)
			if (!strcmp(out[i].name, out[count].name))
				fail(&p, t.line, "driver '%s' is defined twice", out[count].name);
		count++;
	}
	if (!p.failed && count == 0)
		fail(&p, p.line, "no 'driver NAME { ... };' block in the file%s", "");
	return p.failed ? -1 : count;
}
