/*
 * t_bystander: the wire test's bystander (boots test-wire-*). Started by
 * t_net right after the NIC driver, under /tests/bystander.conf (DMAALLOC,
 * the data store), it fills BYSTANDER_PAGES pages with a seeded pattern,
 * checks every byte of them every CHECK_MS while the host peer floods the
 * NIC with hostile frames, and once more when the test client publishes
 * "wire_done"; it reports bystander_intact, then publishes "bystander_done".
 *
 * Where its memory lies: the kernel hands out DMA memory first-fit from the
 * lowest free physical page (pmem_alloc_contig), and the driver's DMA
 * buffers were just taken the same way. So one-page DMA buffers asked for
 * right after the driver started are the lowest free pages of the machine:
 * among them whatever free pages lie physically right after the driver's
 * buffers, where a device that writes past its buffer lands. (Ordinary
 * memory would not do: pmem_alloc goes on from where its last search ended.)
 * Each DMA buffer costs the kernel's guard pages too (kernel/calls/
 * do_dmaalloc.c), counted against the per-process DMA limit: so the first
 * SINGLE_PAGES pages come one by one, the rest as one buffer.
 */
#include <stdio.h>
#include <string.h>
#include <bulkhead/clients.h>
#include <bulkhead/dm.h>
#include <bulkhead/layout.h>
#include <bulkhead/posix.h>
#include "lib/testlib.h"

#define BYSTANDER_PAGES 816           /* 3.2 MiB ... */
#define SINGLE_PAGES    48            /* ... the first ones a page at a time */
#define PAGE_WORDS      (PAGE_SIZE / 4)
#define CHECK_MS        250
#define GIVE_UP_MS      170000        /* the boot's own timeout ends it before this */
#define SEED            0x8017c0deu

static volatile uint32_t *pages[BYSTANDER_PAGES];
static phys_bytes phys[BYSTANDER_PAGES];
static uint32_t n_pages;

static uint32_t expected(uint32_t page, uint32_t word)
{
	uint32_t x = SEED ^ (page * 0x9e3779b9u) ^ (word * 0x85ebca6bu);

	x ^= x >> 15;
	x *= 0x2c1b3c6du;
	return x ^ (x >> 12);
}

static void fill(void)
{
	uint32_t i, w;

	for (i = 0; i < n_pages; i++)
		for (w = 0; w < PAGE_WORDS; w++)
			pages[i][w] = expected(i, w);
}

/* Words that differ from the pattern; the first one's physical address in *where. */
static uint32_t check(phys_bytes *where)
{
	uint32_t i, w, bad = 0;

	for (i = 0; i < n_pages; i++)
		for (w = 0; w < PAGE_WORDS; w++)
			if (pages[i][w] != expected(i, w) && bad++ == 0)
				*where = phys[i] + w * 4;
	return bad;
}

/* Count one-page buffers (the lowest free pages), then one buffer for the rest. */
static void take_pages(void)
{
	phys_bytes lo = ~0u, hi = 0, base;
	uint32_t i, rest;
	void *addr;

	while (n_pages < SINGLE_PAGES && sys_dmaalloc(PAGE_SIZE, &addr, &phys[n_pages]) == 0)
		pages[n_pages++] = addr;
	rest = BYSTANDER_PAGES - n_pages;
	if (sys_dmaalloc(rest * PAGE_SIZE, &addr, &base) == 0)
		for (i = 0; i < rest; i++, n_pages++) {
			pages[n_pages] = (volatile uint32_t *)((uint8_t *)addr + i * PAGE_SIZE);
			phys[n_pages] = base + i * PAGE_SIZE;
		}
	for (i = 0; i < n_pages; i++) {
		lo = phys[i] < lo ? phys[i] : lo;
		hi = phys[i] > hi ? phys[i] : hi;
	}
	printf("bystander: %u pages at physical %x-%x filled with a pattern (the first %u one by one, from %x)\n",
	       n_pages, lo, hi + PAGE_SIZE - 1, SINGLE_PAGES, phys[0]);
}

int main(void)
{
	uint32_t start, value, bad = 0, rounds = 0;
	phys_bytes where = 0;
	message m;

	posix_use_kernel_console();
	take_pages();
	fill();
	memset(&m, 0, sizeof m);
	m.m_type = DM_INIT_DONE;                 /* the driver manager started us: say we are up */
	ipc_sendrec(find_boot_server("dm"), &m);
	start = sys_uptime_ms();
	do {
		t_sleep(CHECK_MS);
		rounds++;
		if (!bad && (bad = check(&where)) != 0)
			printf("bystander: %u words changed, the first at physical %x\n", bad, where);
	} while (ds_lookup("wire_done", &value) < 0 && sys_uptime_ms() - start < GIVE_UP_MS);
	if (!bad)
		bad = check(&where);
	t_check("bystander_intact", n_pages == BYSTANDER_PAGES && bad == 0,
	        "%u of %u pages held; %u checks; %u words changed%s", n_pages, BYSTANDER_PAGES, rounds + 1, bad,
	        bad ? " (see the physical address above)" : "");
	ds_publish("bystander_done", 1);
	for (;;)
		t_sleep(60000);
}
