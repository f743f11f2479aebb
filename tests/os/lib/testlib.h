/*
 * testlib: helpers for in-OS test programs.
 *
 * Results are printed as lines the host harness (tests/run.py) reads:
 *     [test] PASS <case>: <detail>
 *     [test] FAIL <case>: <detail>
 * A controller ends the run with t_finish(), which shuts the machine down
 * with status 0 if every case passed.
 *
 * t_receive() waits for a message from one endpoint with a timeout; messages
 * from others that arrive meanwhile are kept for later calls.
 */
#ifndef TESTLIB_H
#define TESTLIB_H

#include <bulkhead/syslib.h>
#include <bulkhead/dm.h>

void t_pass(const char *name, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void t_fail(const char *name, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* PASS or FAIL by cond; the detail is printed either way. Returns cond. */
int  t_check(const char *name, int cond, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
int  t_failures(void);
void t_summary(void);                          /* print the summary line */
void t_finish(void) __attribute__((noreturn));  /* ... and shut down (or exit, unprivileged) */

int  t_receive(endpoint_t src, message *m, uint32_t timeout_ms);
int  t_send_type(endpoint_t dst, int type, message *m);
void t_sleep(uint32_t ms);
/* Worker roles, named on the worker's command line. */
enum t_role {
	ROLE_NONE, ROLE_ECHO, ROLE_CLIENT, ROLE_NOTIFIER, ROLE_SLEEPER1, ROLE_SLEEPER2,
	ROLE_MORTAL, ROLE_USER1, ROLE_USER2, ROLE_BYSTANDER, ROLE_SPINNER, ROLE_WORKER,
	ROLE_CRASHER, ROLE_REPLIER, NR_ROLES
};
extern const char *const t_role_names[NR_ROLES];
enum t_role t_role_by_name(const char *name);

int  t_hello(uint32_t role, message *reply);   /* worker: announce to the manager, await GO */
int  t_go(endpoint_t worker, endpoint_t peer, uint32_t count, uint32_t delay_ms);
/* Collect TEST_HELLO from n workers; eps[role] = endpoint. 0 if all came. */
int  t_collect(endpoint_t eps[NR_ROLES], int n, uint32_t timeout_ms);
/* The deterministic work a bystander does: a checksum over count rounds. */
uint32_t t_work(uint32_t count);
/* The echo server's transformation of a ping word. */
static inline uint32_t t_echo_word(uint32_t w, uint32_t seq, uint32_t i) { return ~w ^ (seq * 31u + i); }
endpoint_t t_manager(void);
endpoint_t t_find(const char *name);        /* a live process by name, or EP_NONE */
void t_wait_death(endpoint_t who, struct kc_getdeath *d, uint32_t timeout_ms);
uint32_t t_rand(uint32_t *state);
/* Wait until the driver `label` runs an incarnation after `old`; 0 or -ETIMEDOUT. */
int  t_wait_driver(const char *label, uint32_t old, struct dm_driver_info *info, uint32_t timeout_ms);
/* Start binary under label with the policy file config ("": its usual one) and args (words
   split at spaces); the driver manager's refusal is printed and returned. */
int  t_dm_up(const char *binary, const char *config, const char *label, const char *args);
/* The same with its usual policy, unless label already runs (then 0). */
int  t_up(const char *binary, const char *label, const char *args);

/* Have the fault injector (tests/os/t_inject.c) put `fault` (FAULT_*) at the start of
   `function` in target, which runs /.../BINARY; 0 or -errno. */
int  t_inject(endpoint_t target, uint32_t fault, const char *binary, const char *function);

/* Port instructions made by hand (tests/os/lib/pio.c): 1 if the kernel refused them. */
struct t_pio_string { uint32_t ecx, index; };   /* ecx and esi/edi after a rep ins/outs */
int  t_pio_in(uint16_t port, int size, uint32_t eax_before, uint32_t *eax_after);
int  t_pio_out(uint16_t port, int size, uint32_t v);
int  t_pio_in_imm64(uint32_t eax_before, uint32_t *eax_after);
int  t_pio_in_prefixed(uint16_t port, uint32_t eax_before, uint32_t *eax_after);
int  t_pio_rep_outs(uint16_t port, int size, const void *buf, uint32_t count, struct t_pio_string *after);
int  t_pio_rep_ins(uint16_t port, int size, void *buf, uint32_t count, int down, struct t_pio_string *after);
uint32_t t_denied_port_logged(uint32_t seq, uint32_t port);
uint32_t t_log_next(void);

#endif
