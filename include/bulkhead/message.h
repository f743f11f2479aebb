/*
 * The IPC message: 64 bytes, fixed size.
 *
 * m_source is filled in by the kernel and cannot be forged; m_type says which
 * payload struct the rest holds. Every payload struct is checked at compile
 * time to fit (MSG_PAYLOAD in kcall.h) and the whole message to be 64 bytes.
 */
#ifndef BULKHEAD_MESSAGE_H
#define BULKHEAD_MESSAGE_H

#include <bulkhead/types.h>
#include <bulkhead/kcall.h>
#include <bulkhead/pm.h>
#include <bulkhead/ds.h>
#include <bulkhead/fs.h>
#include <bulkhead/console.h>
#include <bulkhead/dm.h>
#include <bulkhead/demo.h>
#include <bulkhead/pci.h>
#include <bulkhead/iommu.h>
#include <bulkhead/net.h>
#include <bulkhead/nettest.h>
#include <bulkhead/inet.h>
#include <bulkhead/testproto.h>

/* m_type of a notification delivered by receive(). */
#define NOTIFY_MESSAGE 0x100

struct msg_notify {
	uint32_t time_ms;       /* when it was delivered */
	uint32_t irq_pending;   /* from EP_HARDWARE: bit n = IRQ line n fired */
};
MSG_PAYLOAD(msg_notify);

typedef struct message {
	endpoint_t m_source;
	int32_t    m_type;
	union {
		uint8_t raw[MSG_PAYLOAD_MAX];
		struct msg_notify notify;

		struct kc_exit     kc_exit;
		struct kc_brk      kc_brk;
		struct kc_diag     kc_diag;
		struct kc_time     kc_time;
		struct kc_alarm    kc_alarm;
		struct kc_kill     kc_kill;
		struct kc_procinfo kc_procinfo;
		struct kc_getlog   kc_getlog;
		struct kc_shutdown kc_shutdown;
		struct kc_getdeath kc_getdeath;
		struct kc_sysinfo  kc_sysinfo;
		struct kc_privctl  kc_privctl;
		struct kc_devio    kc_devio;
		struct kc_vdevio   kc_vdevio;
		struct kc_setgrant kc_setgrant;
		struct kc_safecopy kc_safecopy;
		struct kc_vsafecopy kc_vsafecopy;
		struct kc_irqctl   kc_irqctl;
		struct kc_mapmem   kc_mapmem;
		struct kc_dmaalloc kc_dmaalloc;
		struct kc_umap     kc_umap;
		struct kc_trace    kc_trace;
		struct kc_fork     kc_fork;
		struct kc_exec     kc_exec;
		struct kc_setuid   kc_setuid;
		struct kc_dmactl   kc_dmactl;
		struct kc_screen   kc_screen;

		struct pm_exec     pm_exec;
		struct pm_wait     pm_wait;
		struct pm_kill     pm_kill;
		struct pm_reply    pm_reply;
		struct pm_setuid   pm_setuid;
		struct pm_tables   pm_tables;
		struct pm_shutdown pm_shutdown;
		struct ds_req      ds_req;
		struct ds_owner    ds_owner;
		struct ds_tables   ds_tables;
		struct fs_req      fs_req;
		struct fs_reply    fs_reply;
		struct con_req     con_req;
		struct con_keys    con_keys;
		struct con_mirror  con_mirror;
		struct dm_req      dm_req;
		struct demo_req    demo_req;
		struct demo_reply  demo_reply;
		struct pci_req     pci_req;
		struct iommu_req   iommu_req;
		struct net_req     net_req;
		struct net_init_reply net_init_reply;
		struct net_test_req net_test_req;
		struct net_probe_reply net_probe_reply;
		struct net_batch_reply net_batch_reply;
		struct inet_req    inet_req;
		struct inet_sock   inet_sock;
		struct inet_poll   inet_poll;
		struct inet_echo   inet_echo;

		struct test_ping   test_ping;
		struct test_hello  test_hello;
		struct test_go     test_go;
		struct test_done   test_done;
		struct test_attack test_attack;
		struct test_trace  test_trace;
		struct test_inject test_inject;
	};
} message;

BH_STATIC_ASSERT(sizeof(message) == 64, "a message is 64 bytes");

#endif
