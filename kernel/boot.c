/*
 * boot: turning what GRUB hands over into free memory and the first processes.
 *
 * Every GRUB module is an ELF program started as a boot process. GRUB
 * passes the words after the module's path, which are
 *
 *     NAME [priv=system|user] [prio=P] [manager] [install] [stopped]
 *          [image=DATA] [-- args...]
 *     NAME data
 *
 * NAME is the process name and its argv[0]. A module marked `data` is not a
 * program: `image=DATA` copies it, read-only, into that process (at the
 * start of its mapping area) and adds the argument --image=ADDRESS:SIZE;
 * that is how the boot file system server gets its archive.
 * `priv` picks a privilege template (below), `manager` makes this process the
 * one that receives the death reports of the other boot processes, `install`
 * lets it set privilege records (KC_PRIVCTL), `stopped` keeps it from running
 * until an installer gives it its privileges. A module that does not parse or
 * is not a valid executable is refused with a message and the rest boot.
 * Once the boot processes are loaded, the modules' memory is freed.
 */
#include "boot.h"
#include "proc.h"
#include "pmem.h"
#include "load.h"
#include "console.h"
#include "panic.h"
#include "string.h"
#include "format.h"
#include "priv.h"

#define MAX_MODULES 32
#define CMDLINE_MAX 256
#define DEFAULT_PRIORITY 4

struct priv_template {
	const char *name;
	uint32_t flags;
	uint32_t kcalls;
};

/* system: a trusted server that anyone may call; user: an ordinary program. */
static const struct priv_template templates[] = {
	{ "system", PRIV_IPC_ANY | PRIV_SYSTEM | PRIV_PUBLIC, 0xffffffffu },
	{ "user",   PRIV_USER,                                KCALLS_BASIC },
};

struct boot_module {
	phys_bytes start, end;
	char cmdline[CMDLINE_MAX];
	char data_name[PROC_NAME_LEN];     /* set if this is a data module */
};

struct boot_options {
	char name[PROC_NAME_LEN];
	const struct priv_template *priv;
	int priority;
	int manager, install, stopped;
	char image[PROC_NAME_LEN];
	char args[CMDLINE_MAX];
	size_t args_len;
	int argc;
};

static struct boot_module modules[MAX_MODULES];
static int nr_modules;
static uint32_t total_pages;
static struct screen_info screen;

/* The RAM the memory map lists: whatever else lies below 4 GiB is firmware's or devices'. */
#define BOOT_RAM_RANGES 16
static struct { uint64_t base, len; } ram[BOOT_RAM_RANGES];
static int nr_ram;

extern char kernel_start[], kernel_end[];

static int add_arg(struct boot_options *o, const char *word);

int boot_is_firmware(phys_bytes base, uint32_t len)
{
	uint64_t end = (uint64_t)base + len;
	int i;

	for (i = 0; i < nr_ram; i++)
		if (base < ram[i].base + ram[i].len && ram[i].base < end)
			return 0;
	return end <= 0x100000000ull;
}

static void copy_string(char *dst, phys_bytes src, size_t size)
{
	strlcpy(dst, src ? (const char *)src : "", size);
}

/* "NAME data": remember NAME. */
static void mark_data_module(struct boot_module *m)
{
	size_t n = 0;

	while (m->cmdline[n] && m->cmdline[n] != ' ')
		n++;
	if (n == 0 || n >= PROC_NAME_LEN || strncmp(m->cmdline + n, " data", 6) != 0)
		return;
	memcpy(m->data_name, m->cmdline, n);
	m->data_name[n] = '\0';
}

static const struct boot_module *find_data(const char *name)
{
	int i;

	for (i = 0; i < nr_modules; i++)
		if (modules[i].data_name[0] && strncmp(modules[i].data_name, name, PROC_NAME_LEN) == 0)
			return &modules[i];
	return NULL;
}

/* Copy data module d into p, read-only, and tell p where it is. */
static const char *give_image(struct proc *p, struct boot_options *o)
{
	const struct boot_module *d = find_data(o->image);
	uint32_t size, pages;
	vir_bytes at = p->vm.map_next;
	char arg[48];

	if (!d)
		return "no data module of that image= name";
	size = d->end - d->start;
	pages = (size + PAGE_SIZE - 1) / PAGE_SIZE;
	if (vm_alloc(&p->vm, at, pages * PAGE_SIZE, 0) < 0 || vm_load(&p->vm, at, (const void *)d->start, size) < 0)
		return "out of memory for its image";
	p->vm.map_next += pages * PAGE_SIZE;
	ksnprintf(arg, sizeof arg, "--image=%x:%u", at, size);
	return add_arg(o, arg) < 0 ? "arguments too long" : NULL;
}

/*
 * The screen GRUB set up, if it says; under UEFI there is no VGA text memory,
 * so nothing is assumed. A screen that is not whole below 4 GiB, whose rows
 * are narrower than its width, or whose memory is RAM the kernel manages, is
 * ignored (the screen driver then has no screen).
 */
static void read_screen(const struct multiboot_info *mbi)
{
	uint64_t size = (uint64_t)mbi->fb_pitch * mbi->fb_height;
	uint64_t base = mbi->fb_addr & ~(uint64_t)(PAGE_SIZE - 1);
	uint64_t end = (mbi->fb_addr + size + PAGE_SIZE - 1) & ~(uint64_t)(PAGE_SIZE - 1);

	if (!(mbi->flags & MB_INFO_FRAMEBUFFER))
		return;
	if (size == 0 || end > 0x100000000ull || (mbi->fb_type != MB_FB_RGB && mbi->fb_type != MB_FB_EGA_TEXT) ||
	    mbi->fb_pitch < (uint64_t)mbi->fb_width * ((mbi->fb_bpp + 7u) / 8) ||
	    !priv_device_memory((phys_bytes)base, (uint32_t)(end - base))) {
		kprintf("boot: the boot loader's screen (type %u, %ux%u, %u bits) is not usable; no screen console\n",
		        mbi->fb_type, mbi->fb_width, mbi->fb_height, mbi->fb_bpp);
		return;
	}
	screen = (struct screen_info){
		.type = mbi->fb_type == MB_FB_RGB ? SCREEN_RGB : SCREEN_EGA_TEXT,
		.addr = (phys_bytes)mbi->fb_addr, .pitch = mbi->fb_pitch,
		.width = mbi->fb_width, .height = mbi->fb_height, .bpp = mbi->fb_bpp,
		.red_pos = mbi->fb_red_pos, .red_size = mbi->fb_red_size,
		.green_pos = mbi->fb_green_pos, .green_size = mbi->fb_green_size,
		.blue_pos = mbi->fb_blue_pos, .blue_size = mbi->fb_blue_size,
	};
	if (screen.type == SCREEN_EGA_TEXT)
		kprintf("boot: screen %ux%u text cells at %x\n", screen.width, screen.height, screen.addr);
	else
		kprintf("boot: screen %ux%u pixels at %x, %u bits (red %u:%u green %u:%u blue %u:%u)\n",
		        screen.width, screen.height, screen.addr, screen.bpp, screen.red_pos, screen.red_size,
		        screen.green_pos, screen.green_size, screen.blue_pos, screen.blue_size);
}

const struct screen_info *boot_screen(void) { return &screen; }

void boot_read_info(uint32_t magic, const struct multiboot_info *mbi)
{
	const struct multiboot_module *mod;
	const uint8_t *p, *end;
	int i;

	if (magic != MULTIBOOT_LOADER_MAGIC)
		panic("not started by a Multiboot loader (magic %x)", magic);
	if (!(mbi->flags & MB_INFO_MMAP))
		panic("the boot loader gave no memory map");

	p = (const uint8_t *)mbi->mmap_addr;
	end = p + mbi->mmap_length;
	for (; p < end; p += ((const struct multiboot_mmap *)p)->size + 4) {
		const struct multiboot_mmap *m = (const void *)p;
		if (m->type != MB_MMAP_RAM)
			continue;
		pmem_mark_free(m->base, m->len);
		if (nr_ram < BOOT_RAM_RANGES)
			ram[nr_ram].base = m->base, ram[nr_ram++].len = m->len;
		else                     /* unrecorded RAM: from here on nothing counts as firmware's */
			ram[BOOT_RAM_RANGES - 1].len = ~0ull - ram[BOOT_RAM_RANGES - 1].base;
	}
	pmem_mark_used(0, 0x100000);   /* BIOS area and boot loader data */
	total_pages = pmem_free_pages();
	read_screen(mbi);
	pmem_mark_used((phys_bytes)kernel_start, (phys_bytes)(kernel_end - kernel_start));

	if (!(mbi->flags & MB_INFO_MODS))
		return;
	mod = (const struct multiboot_module *)mbi->mods_addr;
	if (mbi->mods_count > MAX_MODULES)
		kprintf("boot: %u modules, only the first %d are used\n", mbi->mods_count, MAX_MODULES);
	for (i = 0; i < (int)mbi->mods_count && i < MAX_MODULES; i++) {
		modules[i].start = mod[i].start;
		modules[i].end = mod[i].end;
		copy_string(modules[i].cmdline, mod[i].cmdline, CMDLINE_MAX);
		pmem_mark_used(mod[i].start, mod[i].end - mod[i].start);
		mark_data_module(&modules[i]);
	}
	nr_modules = i;
}

static const struct priv_template *find_template(const char *name)
{
	unsigned i;

	for (i = 0; i < sizeof templates / sizeof templates[0]; i++)
		if (strncmp(templates[i].name, name, CMDLINE_MAX) == 0)
			return &templates[i];
	return NULL;
}

static int parse_number(const char *s, int *out)
{
	int v = 0;

	if (!*s)
		return -1;
	for (; *s; s++) {
		if (*s < '0' || *s > '9' || v > 1000)
			return -1;
		v = v * 10 + (*s - '0');
	}
	*out = v;
	return 0;
}

/* One option word; NULL if fine, else what is wrong. */
static const char *parse_option(char *word, struct boot_options *o)
{
	if (strncmp(word, "priv=", 5) == 0) {
		o->priv = find_template(word + 5);
		return o->priv ? NULL : "unknown priv= template (expected system or user)";
	}
	if (strncmp(word, "prio=", 5) == 0)
		return parse_number(word + 5, &o->priority) == 0 && o->priority < NR_PRIORITIES ?
		       NULL : "prio= needs a number from 0 to 7";
	if (strncmp(word, "manager", 8) == 0) {
		o->manager = 1;
		return NULL;
	}
	if (strncmp(word, "install", 8) == 0) {
		o->install = 1;
		return NULL;
	}
	if (strncmp(word, "stopped", 8) == 0) {
		o->stopped = 1;
		return NULL;
	}
	if (strncmp(word, "image=", 6) == 0) {
		strlcpy(o->image, word + 6, sizeof o->image);
		return o->image[0] ? NULL : "empty image=";
	}
	return "unknown option (expected priv=, prio=, manager, install, stopped, image= or --)";
}

static int add_arg(struct boot_options *o, const char *word)
{
	size_t n = strlen(word) + 1;

	if (o->args_len + n > sizeof o->args)
		return -1;
	memcpy(o->args + o->args_len, word, n);
	o->args_len += n;
	o->argc++;
	return 0;
}

/* Split the command line in place. NULL if fine, else what is wrong. */
static const char *parse_cmdline(char *line, struct boot_options *o)
{
	char *words[48], *s = line;
	int n = 0, i, in_args = 0;
	const char *err;

	while (*s && n < 48) {
		while (*s == ' ')
			*s++ = '\0';
		if (*s)
			words[n++] = s;
		while (*s && *s != ' ')
			s++;
	}
	if (n == 0)
		return "no process name on the module's command line";
	memset(o, 0, sizeof *o);
	o->priv = &templates[0];
	o->priority = DEFAULT_PRIORITY;
	strlcpy(o->name, words[0], sizeof o->name);
	for (i = 1; i < n && !in_args; i++) {
		if (strncmp(words[i], "--", 3) == 0) {
			in_args = i;
			continue;
		}
		err = parse_option(words[i], o);
		if (err)
			return err;
	}
	if (add_arg(o, o->name) < 0)
		return "arguments too long";
	for (i = in_args ? in_args + 1 : n; i < n; i++)
		if (add_arg(o, words[i]) < 0)
			return "arguments too long";
	return NULL;
}

static void apply_template(struct proc *p, const struct boot_options *o)
{
	p->priv.flags |= o->priv->flags | (o->install ? PRIV_CAN_INSTALL : 0);
	p->priv.kcalls[0] |= o->priv->kcalls;
	if (o->priv->kcalls == 0xffffffffu)
		p->priv.kcalls[1] = 0xffffffffu;
}

static struct proc *start_module(const struct boot_module *m, struct boot_options *o)
{
	char line[CMDLINE_MAX];
	struct image im = { 0 };
	const char *why;
	struct proc *p;
	uint32_t entry, esp;

	strlcpy(line, m->cmdline, sizeof line);
	if (m->data_name[0])
		return NULL;
	why = parse_cmdline(line, o);
	if (why) {
		kprintf("boot: module '%s' refused: %s\n", m->cmdline, why);
		return NULL;
	}
	p = proc_alloc(o->name, EP_NONE, o->priority);
	if (!p) {
		kprintf("boot: module '%s' refused: no free process slot or memory\n", o->name);
		return NULL;
	}
	im.mem = (const uint8_t *)m->start;
	im.size = m->end - m->start;
	if (load_program(&p->vm, &im, &entry, &why) < 0 || (o->image[0] && (why = give_image(p, o))) ||
	    load_args(&p->vm, o->args, o->args_len, o->argc, &esp) < 0) {
		kprintf("boot: module '%s' refused: %s\n", o->name, why ? why : "bad arguments");
		proc_discard(p);
		return NULL;
	}
	p->regs.eip = entry;
	p->regs.esp = esp;
	apply_template(p, o);
	return p;
}

uint32_t boot_total_pages(void) { return total_pages; }

void boot_start_processes(void)
{
	struct proc *started[MAX_MODULES], *manager = NULL;
	struct boot_options opts[MAX_MODULES];
	int n = 0, i;

	for (i = 0; i < nr_modules; i++) {
		struct proc *p = start_module(&modules[i], &opts[n]);
		if (!p)
			continue;
		if (opts[n].manager)
			manager = p;
		started[n++] = p;
	}
	for (i = 0; i < n; i++) {
		struct proc *p = started[i];
		if (p != manager && manager)
			p->manager = manager->endpoint;
		kprintf("boot: %s is endpoint %d (priv %s%s%s%s)\n", p->name, p->endpoint, opts[i].priv->name,
		        p == manager ? ", manager" : "", opts[i].install ? ", install" : "",
		        opts[i].stopped ? ", waits for its privileges" : "");
		if (!opts[i].stopped)
			proc_start(p);
	}
	if (n == 0)
		kprintf("boot: no boot process could be started; nothing to run\n");
	for (i = 0; i < nr_modules; i++)            /* everything is copied out now */
		pmem_release(modules[i].start, modules[i].end - modules[i].start);
}
