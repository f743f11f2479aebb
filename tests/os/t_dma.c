/*
 * t_dma: hostile DMA (boot test-dma), with the host peer tests/dmapeer.py
 * sending the frames the devices write.
 *
 * With the IOMMU (q35, intel-iommu): a victim (one DMA page with a pattern)
 * and, one after another, hostile RTL8139 drivers (t_dmaevil) that make the
 * NIC write the peer's frames into a kernel code page, into the victim's
 * page, into a page they freed, and transmit from a kernel code page. Each
 * attack must be refused by the IOMMU and logged in the kernel as a DMA
 * refusal against the attacker at the address it aimed at; the kernel's code
 * (KC_SYSINFO's checksum) and the victim's page stay unchanged; a driver
 * whose device faults on and on is restarted by the IOMMU driver. Then:
 *
 *  - a driver killed in the middle of DMA: its device goes on writing at its
 *    old ring while the peer keeps sending; the ring's pages are given to a
 *    new process (the reuser) before the next incarnation resets the device.
 *    The late writes must be refused and logged, and the reuser's pages
 *    untouched: only if the old ring was unmapped before its pages were
 *    freed;
 *  - the IOMMU driver killed, then crashed, while a driver receives: it comes
 *    back with the domains rebuilt from the kernel's record of DMA buffers
 *    (the driver goes on receiving, no refusals); while it is stopped a DMA
 *    driver is refused, saying why; after it is back a DMA driver works.
 *
 * Without an IOMMU (plain pc) only what cannot harm the run: the victim's
 * page written by a hostile driver's device and the kernel's code read out
 * on the wire: both documented as the known limit they are.
 */
#include <stdio.h>
#include <string.h>
#include <bulkhead/clients.h>
#include <bulkhead/dm.h>
#include <bulkhead/iommu.h>
#include <bulkhead/layout.h>
#include <bulkhead/policy.h>
#include <bulkhead/syslib.h>
#include <bulkhead/testproto.h>
#include "lib/testlib.h"

#define WAIT_MS 10000
#define FAULT_POLL_MS 200        /* the IOMMU driver polls every 20 ms: ten polls */
#define LIVE_CHECK_MS 400

static uint32_t log_seq = 1;

static int up_err(const char *label, const char *a, const char *b, const char *c, char *err)
{
	const char *args[3] = { a, b, c };
	struct dm_up_request req;
	uint32_t off = 0, i;

	memset(&req, 0, sizeof req);
	strcpy(req.binary, "/tests/t_dmaevil");
	strcpy(req.config, "/tests/dmaevil.conf");
	strcpy(req.label, label);
	for (i = 0; i < 3 && args[i]; i++) {
		strcpy(req.args + off, args[i]);
		off += (uint32_t)strlen(args[i]) + 1;
		req.argc++;
	}
	err[0] = '\0';
	return dm_up(&req, err, POLICY_ERR_MAX);
}

static int up(const char *label, const char *a, const char *b)
{
	char err[POLICY_ERR_MAX];
	int r = up_err(label, a, b, NULL, err);

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

/* DMA refusals logged since the last call against `who` (EP_ANY: anyone) at [addr, addr + len): how many, and writes. */
static uint32_t refusals_in(endpoint_t who, phys_bytes addr, uint32_t len, uint32_t *writes)
{
	static struct klog_entry log[64];
	uint32_t n, i, count = 0, next;

	*writes = 0;
	while (sys_getlog(log_seq, log, 64, &n, &next) == 0 && n > 0) {
		for (i = 0; i < n; i++) {
			if (log[i].kind != KLOG_DENIED || log[i].code != DENY_DMA || (who != EP_ANY && log[i].who != who) ||
			    log[i].target < (addr & ~0xfffu) || log[i].target >= addr + len)
				continue;
			count++;
			*writes += IOMMU_FAULT_WRITE(log[i].detail);
		}
		log_seq = next;
	}
	return count;
}

static uint32_t refusals(endpoint_t who, phys_bytes addr, uint32_t *writes)
{
	return refusals_in(who, addr, PAGE_SIZE, writes);
}

static uint32_t denied_dma(endpoint_t who)
{
	struct procinfo pi;

	return sys_procinfo(-1, who, &pi) == 0 ? pi.denied[DENY_DMA] : 0;
}

static uint32_t kernel_sum(void)
{
	struct kc_sysinfo si;

	sys_sysinfo(&si);
	return si.text_sum;
}

static void down(const char *label)
{
	dm_down(label);
	t_sleep(100);
}

/* One attack: start it, let the peer's frames fly, check the refusals, stop it. */
static void attack(const char *test_case, const char *mode, const char *arg, int want_write)
{
	struct dm_driver_info info;
	uint32_t target = 0, sent = 0, writes, n, denied;

	if (up("dmaevil", mode, arg) < 0 || wait_key("dma_sent", &sent) < 0 || wait_key("dma_target", &target) < 0) {
		t_fail(test_case, "the hostile driver did not run (%s)", mode);
		return;
	}
	t_sleep(FAULT_POLL_MS);
	dm_info("dmaevil", 0, &info);
	denied = denied_dma(info.endpoint);
	n = refusals(info.endpoint, target, &writes);
	t_check(test_case, n > 0 && denied > 0 && (want_write ? writes == n : writes == 0),
	        "%s: %u frames; %u DMA %ss at %x refused and logged against the driver (its DMA refusal "
	        "count %u)", mode, sent, n, want_write ? "write" : "read", target, denied);
	down("dmaevil");
}

static void repeated_faults_restart(void)
{
	struct dm_driver_info info;
	uint32_t sent, i, first;

	up("dmaevil", "kernel", "many");
	wait_key("dma_sent", &sent);
	dm_info("dmaevil", 0, &info);
	first = info.incarnation;
	for (i = 0; i < 50 && dm_info("dmaevil", 0, &info) == 0 && info.last_cause != CAUSE_CLIENT; i++)
		t_sleep(100);
	/* dmaevil.conf names no clients: a restart asked by a client can only be the IOMMU driver's */
	t_check("dma_faulting_driver_restarted", info.last_cause == CAUSE_CLIENT, "after its device kept "
	        "faulting: restart asked (cause %u, want %u), incarnation %u -> %u", info.last_cause,
	        CAUSE_CLIENT, first, info.incarnation);
	down("dmaevil");
}

/*
 * A driver killed while its device receives: the device writes on at the old
 * ring; the ring's pages go to the reuser; only then does the next incarnation
 * claim the device, and it leaves it writing a while before resetting it.
 */
static void killed_mid_dma(void)
{
	struct dm_driver_info info;
	uint32_t rx = 0, pages = 0, reused = 0, rx2 = 0, ok = 0, n, writes, first;
	char pa_arg[16], pages_arg[8], err[POLICY_ERR_MAX];
	endpoint_t dead;

	if (up("midrx", "midrx", NULL) < 0 || wait_key("dma_rx", &rx) < 0 || wait_key("dma_rx_pages", &pages) < 0) {
		t_fail("dma_killed_driver_late_writes_blocked", "the receiving driver did not run");
		return;
	}
	ds_publish("dma_rx_old", rx);
	snprintf(pa_arg, sizeof pa_arg, "%x", rx);
	snprintf(pages_arg, sizeof pages_arg, "%u", pages);
	if (up_err("reuser", "reuser", pa_arg, pages_arg, err) < 0)
		printf("t_dma: no reuser: %s\n", err);
	refusals(EP_ANY, 0, &writes);                        /* from here on */
	dm_info("midrx", 0, &info);
	first = info.incarnation;
	dead = info.endpoint;
	pm_kill(dead, 9);                           /* no chance to stop its card */
	ds_publish("dma_reuse_go", 1);
	wait_key("dma_reused", &reused);
	wait_key("dma_rx2", &rx2);                           /* the next incarnation ran */
	t_sleep(FAULT_POLL_MS);
	n = refusals_in(dead, rx, pages * PAGE_SIZE, &writes);
	dm_info("midrx", 0, &info);
	t_check("dma_killed_driver_late_writes_blocked", n > 0 && writes == n,
	        "after the driver (incarnation %u, endpoint %d) was killed mid-DMA, %u late DMA writes into its old "
	        "ring %x-%x refused and logged under its endpoint", first, (int)dead, n, rx, rx + pages * PAGE_SIZE - 1);
	ds_publish("dma_check2", 1);
	wait_key("dma_reused_ok", &ok);
	t_check("dma_freed_ring_not_written_after_reuse", reused && reused < rx + pages * PAGE_SIZE &&
	        rx < reused + pages * PAGE_SIZE && ok == 2, "the old ring's pages, given to another process at %x "
	        "while the device still wrote there: %s", reused, !reused ? "never reused" : ok == 2 ?
	        "pattern intact" : ok == 1 ? "WRITTEN BY THE DEVICE" : "no answer");
	t_check("dma_restarted_driver_receives", info.incarnation == first + 1 && rx2 == 2,
	        "incarnation %u -> %u, frames landing in its own ring: %s", first, info.incarnation,
	        rx2 == 2 ? "yes" : rx2 == 1 ? "no" : "never reported");
	down("midrx");
	down("reuser");
	ds_delete("dma_rx_old");
	ds_delete("dma_reuse_go");
	ds_delete("dma_check2");
}

static uint32_t live_rx(void)
{
	uint32_t v = 0;

	ds_lookup("dma_live_rx", &v);
	return v;
}

/* Is `label`'s incarnation past `incarnation` and running? Waits for it. */
static int back(const char *label, uint32_t incarnation, struct dm_driver_info *info)
{
	uint32_t t;

	for (t = 0; t < WAIT_MS; t += 20) {
		if (dm_info(label, 0, info) == 0 && info->incarnation > incarnation && info->state == DRV_RUNNING)
			return 1;
		t_sleep(20);
	}
	return 0;
}

/* The IOMMU driver killed (crash: crashed) while the live driver receives. */
static void iommu_fails(const char *test_case, int crash)
{
	struct dm_driver_info live, before, after;
	uint32_t rx0, rx1, denied0, r;

	dm_info("dmaevil", 0, &live);
	dm_info(IOMMU_LABEL, 0, &before);
	denied0 = denied_dma(live.endpoint);
	r = crash ? (uint32_t)t_inject(before.endpoint, FAULT_CRASH, "iommu", "alarm")   /* it runs every 20 ms */
	          : (uint32_t)pm_kill(before.endpoint, 9);
	if (!back(IOMMU_LABEL, before.incarnation, &after)) {
		t_fail(test_case, "the IOMMU driver did not come back (%d; cause %u)", (int)r, after.last_cause);
		return;
	}
	rx0 = live_rx();
	t_sleep(LIVE_CHECK_MS);
	rx1 = live_rx();
	t_check(test_case, r == 0 && rx1 > rx0 && denied_dma(live.endpoint) == denied0 &&
	        after.last_cause == (crash ? CAUSE_EXCEPTION : CAUSE_KILLED),
	        "the IOMMU driver %s, back as incarnation %u (%u ms): the receiving driver's device got %u bytes "
	        "in %u ms after, through the rebuilt domain, %u DMA refusals", crash ? "crashed" : "killed",
	        after.incarnation, after.last_recovery_ms, rx1 - rx0, LIVE_CHECK_MS,
	        denied_dma(live.endpoint) - denied0);
}

static void iommu_restart(void)
{
	struct dm_driver_info before, after;
	struct dm_up_request req;
	char err[POLICY_ERR_MAX];
	uint32_t rx0, rx1, denied0;
	int r;

	if (up("dmaevil", "live", NULL) < 0 || !back("dmaevil", 0, &after)) {
		t_fail("iommu_killed_domains_rebuilt", "the receiving driver did not run");
		return;
	}
	t_sleep(LIVE_CHECK_MS);
	iommu_fails("iommu_killed_domains_rebuilt", 0);
	iommu_fails("iommu_crashed_domains_rebuilt", 1);
	down("dmaevil");
	dm_info(IOMMU_LABEL, 0, &before);
	down(IOMMU_LABEL);
	r = up_err("dmaevil", "live", NULL, NULL, err);
	dm_info("dmaevil", 0, &after);
	t_check("dma_driver_refused_while_iommu_down", r < 0 && strstr(err, "IOMMU") && after.dma == DMA_WAITING,
	        "a DMA driver started while the IOMMU driver is stopped: %d, '%s'; %s", r, err,
	        after.dma == DMA_WAITING ? "it waits for the IOMMU" : "NOT said to wait for the IOMMU");
	memset(&req, 0, sizeof req);
	strcpy(req.binary, "/drivers/iommu");
	strcpy(req.label, IOMMU_LABEL);
	r = dm_up(&req, err, sizeof err);
	if (r < 0 || up("dmaevil", "live", NULL) < 0 || !back("dmaevil", 0, &after)) {
		t_fail("dma_traffic_after_iommu_back", "no IOMMU driver (%d: %s) or no DMA driver after it", r, err);
		return;
	}
	rx0 = live_rx();
	denied0 = denied_dma(after.endpoint);      /* (the device's writes for the last driver, before its reset) */
	t_sleep(LIVE_CHECK_MS);
	rx1 = live_rx();
	t_check("dma_traffic_after_iommu_back", rx1 > rx0 && denied_dma(after.endpoint) == denied0,
	        "the IOMMU driver started again; a new DMA driver's device got %u bytes in %u ms, %u DMA refusals",
	        rx1 - rx0, LIVE_CHECK_MS, denied_dma(after.endpoint) - denied0);
	ds_publish("dma_end", 1);                            /* the live driver tells the peer */
	t_sleep(300);
	down("dmaevil");
}

/* What the driver manager says of DMA drivers with the IOMMU, and that 'dma iommu' policies start. */
static void confined(void)
{
	struct dm_driver_info info;
	char err[POLICY_ERR_MAX];
	int r = up_err("dmastrict", "victim", NULL, NULL, err);

	dm_info("dmastrict", 0, &info);
	t_check("dma_iommu_policy_started", r == 0 && info.dma == DMA_CONFINED, "a policy saying 'dma iommu' "
	        "with the IOMMU: %d '%s', DMA %s", r, err, info.dma == DMA_CONFINED ? "confined" : "not confined");
	down("dmastrict");
}

static void with_iommu(uint32_t victim)
{
	char hex[16];

	snprintf(hex, sizeof hex, "%x", victim);
	confined();
	attack("dma_write_to_kernel_blocked", "kernel", NULL, 1);
	attack("dma_write_to_other_process_blocked", "other", hex, 1);
	attack("dma_write_to_freed_page_blocked", "freed", NULL, 1);
	attack("dma_read_from_kernel_blocked", "txkernel", NULL, 0);
	repeated_faults_restart();
	killed_mid_dma();
	iommu_restart();
}

/* No IOMMU: the hole, shown only where it harms nothing but the test's own victim. */
static void without_iommu(uint32_t victim)
{
	struct dm_driver_info info;
	char hex[16], err[POLICY_ERR_MAX];
	uint32_t sent = 0, ok = 0;
	int r;

	snprintf(hex, sizeof hex, "%x", victim);
	up("dmaevil", "other", hex);
	wait_key("dma_sent", &sent);
	dm_info("dmaevil", 0, &info);
	t_check("dma_unconfined_reported", info.dma == DMA_UNCONFINED, "the driver manager says of a dma "
	        "driver: %s", info.dma == DMA_UNCONFINED ? "DMA unconfined" : "something else");
	down("dmaevil");
	r = up_err("dmastrict", "victim", NULL, NULL, err);
	t_check("dma_iommu_policy_refused", r < 0 && strstr(err, "dma iommu"), "a policy saying 'dma iommu' "
	        "without an IOMMU: %d, '%s'", r, err);
	if (r == 0)
		down("dmastrict");
	ds_publish("dma_check", 1);
	wait_key("dma_victim_ok", &ok);
	t_check("known_limit_dma_unconfined_without_iommu", ok == 1, "KNOWN LIMIT without an IOMMU: a hostile "
	        "driver's device wrote %u frames into another process's DMA page: %s", sent,
	        ok == 1 ? "changed, nothing refused" : ok == 2 ? "unchanged (no hole?)" : "no answer");
	up("dmaevil", "txkernel", NULL);                     /* the peer looks for the kernel's code */
	wait_key("dma_sent", &sent);
	down("dmaevil");
}

int main(void)
{
	uint32_t sum0 = kernel_sum(), victim = 0, ok = 0, ep;
	int iommu = ds_lookup(IOMMU_LABEL, &ep) == 0;

	down("rtl8139");                                     /* /etc/rc started it: free the NIC */
	t_sleep(200);
	if (up("victim", "victim", NULL) < 0 || wait_key("dma_victim", &victim) < 0)
		t_fail("dma_victim_started", "no victim");
	else
		t_pass("dma_victim_started", "one DMA page with a pattern at %x (%s)", victim,
		       iommu ? "with the IOMMU" : "no IOMMU");
	if (iommu) {
		with_iommu(victim);
		ds_publish("dma_check", 1);
		wait_key("dma_victim_ok", &ok);
		t_check("dma_victim_unchanged", ok == 2, "the victim's page after every attack: %s",
		        ok == 2 ? "pattern intact" : ok == 1 ? "CHANGED" : "no answer");
	} else {
		without_iommu(victim);
		up("dmaevil", "end", NULL);
		t_sleep(300);
	}
	t_check("dma_kernel_code_unchanged", kernel_sum() == sum0, "kernel code checksum %x before, %x after",
	        sum0, kernel_sum());
	t_finish();
}
