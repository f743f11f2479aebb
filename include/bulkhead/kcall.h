/*
 * Kernel calls: numbers and message payloads.
 *
 * A kernel call is sendrec(EP_KERNEL, m) with m.m_type set to the call
 * number; the kernel answers in the same message, m_type holding 0 or a
 * negated errno. The numbers are ABI: add new calls at the end.
 */
#ifndef BULKHEAD_KCALL_H
#define BULKHEAD_KCALL_H

#include <bulkhead/types.h>

enum kcall_nr {
	KC_EXIT,        /* end the caller */
	KC_BRK,         /* move the caller's heap end */
	KC_DIAG,        /* print a string on the kernel console */
	KC_TIME,        /* uptime and cycle counter */
	KC_ALARM,       /* notify the caller from EP_CLOCK after some ms */
	KC_GETDEATH,    /* manager: collect one death report */
	KC_KILL,        /* manager: end a process */
	KC_PROCINFO,    /* read one process-table slot */
	KC_GETLOG,      /* read the kernel event log */
	KC_SHUTDOWN,    /* power off (isa-debug-exit status for the test harness) */
	NR_KCALLS
};

/* Every privilege record has these. */
#define KCALLS_BASIC ((1u << KC_EXIT) | (1u << KC_BRK) | (1u << KC_DIAG) | \
                      (1u << KC_TIME) | (1u << KC_ALARM) | (1u << KC_PROCINFO))

#define MSG_PAYLOAD_MAX 56
#define MSG_PAYLOAD(type) \
	BH_STATIC_ASSERT(sizeof(struct type) <= MSG_PAYLOAD_MAX, #type " does not fit in a message")

struct kc_exit      { int32_t status; };
struct kc_brk       { vir_bytes addr; };            /* in: wanted end (0: query); out: end */
struct kc_diag      { vir_bytes buf; uint32_t len; };
struct kc_time      { uint64_t tsc; uint32_t uptime_ms; uint32_t tsc_khz; };
struct kc_alarm     { uint32_t ms; };               /* 0 cancels */
struct kc_kill      { endpoint_t target; int32_t status; };
struct kc_procinfo  { int32_t slot; endpoint_t target; vir_bytes buf; };  /* slot < 0: by target */
struct kc_getlog    { uint32_t from_seq; vir_bytes buf; uint32_t max;     /* in */
                      uint32_t count; uint32_t next_seq; };                /* out */
struct kc_shutdown  { int32_t status; };

/* How a process ended, as reported by KC_GETDEATH. */
enum death_cause {
	DEATH_EXIT = 1,     /* called KC_EXIT; status is its exit status */
	DEATH_EXCEPTION,    /* CPU exception: vector, error, addr (cr2), eip */
	DEATH_KILLED,       /* KC_KILL by killer */
};

struct kc_getdeath {
	endpoint_t who;
	uint32_t   cause;    /* enum death_cause */
	int32_t    status;
	uint32_t   vector, error, addr, eip;
	endpoint_t killer;
	uint32_t   time_ms;
	char       name[16];
};

MSG_PAYLOAD(kc_exit);
MSG_PAYLOAD(kc_brk);
MSG_PAYLOAD(kc_diag);
MSG_PAYLOAD(kc_time);
MSG_PAYLOAD(kc_alarm);
MSG_PAYLOAD(kc_kill);
MSG_PAYLOAD(kc_procinfo);
MSG_PAYLOAD(kc_getlog);
MSG_PAYLOAD(kc_shutdown);
MSG_PAYLOAD(kc_getdeath);

#endif
