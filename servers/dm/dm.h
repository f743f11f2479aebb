/*
 * dm: the driver manager's state, shared by dm.c (requests from `service`
 * and from drivers), lifecycle.c (starting, watching and restarting) and
 * hardware.c (who holds which hardware).
 */
#ifndef DM_H
#define DM_H

#include <bulkhead/clients.h>
#include <bulkhead/policy.h>

#define MAX_DRIVERS   16
#define HISTORY       16
#define POLICY_TEXT_MAX 2048
#define STABLE_MS     10000     /* serving this long resets the failures-in-a-row count */

struct driver {
	int used;
	char label[DM_LABEL_MAX];
	char binary[DM_PATH_MAX];
	char config[DM_PATH_MAX];
	uint32_t argc;
	char args[DM_ARGS_MAX];            /* argc strings, argv[0] first */
	uint32_t args_len;
	struct policy pol;
	char policy_text[POLICY_TEXT_MAX];

	endpoint_t ep;                     /* current incarnation, or EP_NONE */
	enum dm_state state;
	uint32_t incarnation, restarts, failures_in_row;
	uint32_t serving_ms;               /* when the current incarnation said it was up */
	uint32_t last_answer_ms;           /* last heartbeat answer */
	uint32_t next_ping_ms;
	uint32_t restart_at_ms;            /* DRV_RESTARTING: when */
	uint32_t stopped_ms;               /* DRV_DOWN, DRV_GAVE_UP: since when */
	uint32_t pending_cause;            /* why we are killing it, if we are */
	char pending_detail[DM_DETAIL_MAX];

	uint32_t last_cause, last_recovery_ms, next_delay_ms;
	char last_detail[DM_DETAIL_MAX];
	struct dm_failure history[HISTORY]; /* a ring, newest at (n_failures - 1) % HISTORY */
	uint32_t n_failures;
	uint64_t failed_tsc;               /* cycle counter when the last failure was detected */
	message up_request;                /* `service up` waits for the first start to succeed */
	int up_waiting;

	grant_id_t progress_grant;         /* its struct dm_progress (liveness.c), or GRANT_INVALID */
	struct dm_progress progress;       /* as last read */
	uint32_t progress_ms;              /* when it last completed work, or had none pending */
	uint32_t next_check_ms;            /* next CPU and progress check */
};

extern struct driver drivers[MAX_DRIVERS];

uint32_t now_ms(void);
uint32_t us_since(uint64_t tsc);
struct driver *driver_by_label(const char *label);
struct driver *driver_by_endpoint(endpoint_t ep);

int  driver_start(struct driver *d, char *why, size_t why_len);
void driver_refresh_peers(const char *label);
void driver_failed(struct driver *d, const struct kc_getdeath *death);
void driver_kill(struct driver *d, uint32_t cause, const char *detail);
void driver_serving(struct driver *d);
void driver_up_answer(struct driver *d, int result, const char *why);
void driver_heartbeat_answer(struct driver *d);
uint32_t driver_timers(void);        /* run what is due; ms until the next thing, or 0 */
uint32_t next_tick(uint32_t now, uint32_t every);   /* the first multiple of every ms after now */

/* hardware.c: which binary a policy runs, who holds which hardware. */
int  hardware_admit(struct driver *d, char *err, size_t errlen);   /* service up: 0 or -errno, why */
int  hardware_check_grant(const struct driver *d, const struct dm_pci_grant *g);
void hardware_record(struct driver *d, const struct dm_pci_grant *g);
int  hardware_held(uint32_t index, struct dm_pci_held *out);
int  hardware_dma_check(const struct driver *d, char *why, size_t why_len);   /* before a start */
enum dm_dma hardware_dma(const struct driver *d);
void hardware_serving(const struct driver *d);   /* d answered its start: the IOMMU has run */
/* liveness.c */
void liveness_serving(struct driver *d, const message *m);
void liveness_answer(struct driver *d);
uint32_t liveness_timer(struct driver *d, uint32_t now);   /* when next due, or 0 */
int  do_restart(message *m);

#endif
