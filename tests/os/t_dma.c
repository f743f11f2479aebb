/*
 * t_dma: hostile DMA against the IOMMU (boot test-dma, q35 with intel-iommu).
 *
 * Starts a victim (one DMA page with a pattern) and, one after another,
 * hostile RTL8139 drivers (t_dmaevil) that make the NIC write into a kernel
 * code page, into the victim's page, into a page they freed, and read
 * (transmit) from a kernel code page. Each attack must be refused by the
 * IOMMU and logged in the kernel as a DMA refusal against the attacker at
 * the address it aimed at; the kernel's code (KC_SYSINFO's checksum) and the
 * victim's page stay unchanged; and a driver whose device faults on and on
 * is restarted by the IOMMU driver through the driver manager.
 */
#include <stdio.h>
#include <string.h>
#include <bulkhead/clients.h>
#include <bulkhead/dm.h>
#include <bulkhead/iommu.h>
#include <bulkhead/policy.h>
#include <bulkhead/syslib.h>
#include "lib/testlib.h"

#define WAIT_MS 10000

static uint32_t log_seq = 1;

static int up(const char *label, const char *a, const char *b)
{
	struct dm_up_request req;
	char err[POLICY_ERR_MAX] = "";
	uint32_t off = 0;
	int r;

	memset(&req, 0, sizeof req);
	strcpy(req.binary, "/tests/t_dmaevil");
	strcpy(req.config, "/tests/dmaevil.conf");
	strcpy(req.label, label);
	strcpy(req.args + off, a);
	off += (uint32_t)strlen(a) + 1;
	req.argc++;
	if (b) {
		strcpy(req.args + off, b);
		req.argc++;
	}
	r = dm_up(&req, err, sizeof err);
	if (r < 0)
		printf("t_dma: cannot start %s %s: %s (%d)\n", label, a, err, r);
	return r;
}

static int wait_key(const char *key, uint32_t *v)
{
	uint32_t t;

	for (t = 0; t < WAIT_MS; t += 20) {
		if (ds_lookup(key, v) == 0)
			return 0;
		t_sleep(20);
	}
	return -1;
}

/* DMA refusals logged since the last call against `who` at `addr`: how many, and writes among them. */
static uint32_t refusals(endpoint_t who, phys_bytes addr, uint32_t *writes)
{
	static struct klog_entry log[64];
	uint32_t n, i, count = 0, next;

	*writes = 0;
	while (sys_getlog(log_seq, log, 64, &n, &next) == 0 && n > 0) {
		for (i = 0; i < n; i++) {
			if (log[i].kind != KLOG_DENIED || log[i].code != DENY_DMA || log[i].who != who ||
			    (log[i].target & ~0xfffu) != (addr & ~0xfffu))
				continue;
			count++;
			*writes += IOMMU_FAULT_WRITE(log[i].detail);
		}
		log_seq = next;
	}
	return count;
}

static uint32_t kernel_sum(void)
{
	struct kc_sysinfo si;

	sys_sysinfo(&si);
	return si.text_sum;
}

/* One attack: start it, let its frames fly, check the refusals, stop it. */
static void attack(const char *test_case, const char *mode, const char *arg, int want_write)
{
	struct dm_driver_info info;
	struct procinfo pi;
	uint32_t target = 0, sent = 0, writes, n, denied = 0;

	ds_delete("dma_target");
	ds_delete("dma_sent");
	if (up("dmaevil", mode, arg) < 0 || wait_key("dma_sent", &sent) < 0 || wait_key("dma_target", &target) < 0) {
		t_fail(test_case, "the hostile driver did not run (%s)", mode);
		return;
	}
	t_sleep(200);                                        /* the IOMMU driver polls every 20 ms */
	dm_info("dmaevil", 0, &info);
	if (sys_procinfo(-1, info.endpoint, &pi) == 0)
		denied = pi.denied[DENY_DMA];
	n = refusals(info.endpoint, target, &writes);
	t_check(test_case, n > 0 && denied > 0 && (want_write ? writes == n : writes == 0),
	        "%s: %u frames; %u DMA %ss at %x refused and logged against the driver (its DMA refusal "
	        "count %u)", mode, sent, n, want_write ? "write" : "read", target, denied);
	dm_down("dmaevil");
	t_sleep(100);
}

static void repeated_faults_restart(void)
{
	struct dm_driver_info info;
	uint32_t sent, i, first;

	ds_delete("dma_sent");
	up("dmaevil", "kernel", "many");
	wait_key("dma_sent", &sent);
	dm_info("dmaevil", 0, &info);
	first = info.incarnation;
	for (i = 0; i < 50 && dm_info("dmaevil", 0, &info) == 0 && info.last_cause != CAUSE_CLIENT; i++) {
		ds_delete("dma_sent");               /* each incarnation attacks again */
		t_sleep(100);
	}
	/* dmaevil.conf names no clients: a restart asked by a client can only be the IOMMU driver's */
	t_check("dma_faulting_driver_restarted", info.last_cause == CAUSE_CLIENT, "after its device kept "
	        "faulting: restart asked (cause %u, want %u), incarnation %u -> %u", info.last_cause,
	        CAUSE_CLIENT, first, info.incarnation);
	dm_down("dmaevil");
	t_sleep(100);
}

int main(void)
{
	uint32_t sum0 = kernel_sum(), victim = 0, ok = 0;
	char hex[16];

	dm_down("rtl8139");                                  /* /etc/rc started it: free the NIC */
	t_sleep(300);
	if (up("victim", "victim", NULL) < 0 || wait_key("dma_victim", &victim) < 0)
		t_fail("dma_victim_started", "no victim");
	else
		t_pass("dma_victim_started", "one DMA page with a pattern at %x", victim);
	snprintf(hex, sizeof hex, "%x", victim);
	attack("dma_write_to_kernel_blocked", "kernel", NULL, 1);
	attack("dma_write_to_other_process_blocked", "other", hex, 1);
	attack("dma_write_to_freed_page_blocked", "freed", NULL, 1);
	attack("dma_read_from_kernel_blocked", "txkernel", NULL, 0);
	repeated_faults_restart();
	ds_publish("dma_check", 1);
	wait_key("dma_victim_ok", &ok);
	t_check("dma_victim_unchanged", ok == 2, "the victim's page after every attack: %s",
	        ok == 2 ? "pattern intact" : ok == 1 ? "CHANGED" : "no answer");
	t_check("dma_kernel_code_unchanged", kernel_sum() == sum0, "kernel code checksum %x before, %x after",
	        sum0, kernel_sum());
	t_finish();
}
