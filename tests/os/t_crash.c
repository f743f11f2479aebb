/*
 * t_crash MODE: says hello to its manager, waits for GO, then commits the
 * fault MODE names. The kernel must end it and report the cause; nothing
 * else may be disturbed.
 */
#include <stdio.h>
#include <bulkhead/layout.h>
#include <string.h>
#include "lib/testlib.h"

int main(int argc, char **argv);

static volatile int zero;
static volatile int forever = 1;

/* Recurses until the stack runs out (the compiler cannot see that it never stops). */
static int recurse(int depth)
{
	volatile char pad[512];

	pad[0] = (char)depth;
	return forever ? recurse(depth + 1) + pad[0] : 0;
}

static void crash(const char *mode)
{
	static const uint8_t gdtr[6];

	if (!strcmp(mode, "kwrite"))
		*(volatile uint32_t *)0x100000 = 0xdeadbeef;      /* the kernel's text */
	else if (!strcmp(mode, "null"))
		(void)*(volatile uint32_t *)0;
	else if (!strcmp(mode, "cli"))
		__asm__ volatile("cli");
	else if (!strcmp(mode, "hlt"))
		__asm__ volatile("hlt");
	else if (!strcmp(mode, "out"))
		__asm__ volatile("outb %%al, $0x80" :: "a"(0));
	else if (!strcmp(mode, "in"))
		__asm__ volatile("inb $0x60, %%al" ::: "eax");
	else if (!strcmp(mode, "lgdt"))
		__asm__ volatile("lgdt %0" :: "m"(gdtr));
	else if (!strcmp(mode, "cr3"))
		__asm__ volatile("mov %%eax, %%cr3" :: "a"(0));
	else if (!strcmp(mode, "div0"))
		__asm__ volatile("divl %2" :: "a"(1), "d"(0), "r"(zero));
	else if (!strcmp(mode, "ud2"))
		__asm__ volatile("ud2");
	else if (!strcmp(mode, "stack"))
		printf("%d\n", recurse(0));
	else if (!strcmp(mode, "textwrite"))
		*(volatile uint8_t *)(uintptr_t)main = 0xcc;        /* our own code */
	else if (!strcmp(mode, "clkwrite"))
		((struct clock_page *)USER_CLOCK_PAGE)->uptime_ms = 0;   /* the kernel's clock, read-only */
	else if (!strcmp(mode, "kjump"))
		((void (*)(void))0x100000)();                       /* into the kernel */
	printf("t_crash: mode '%s' did not crash\n", mode);
}

int main(int argc, char **argv)
{
	message go;

	if (argc < 2 || t_hello(ROLE_CRASHER, &go) < 0)
		return 2;
	crash(argv[1]);
	return 1;
}
