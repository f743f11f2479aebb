/*
 * clients: calling the system servers (lib/client). Each call returns 0 (or
 * a count) or -errno. Data goes through grants made and revoked inside the
 * call; the caller just passes buffers.
 *
 * Finding servers: the data store is a boot process found by name; every
 * other server is looked up in it by label, and found again if it was
 * restarted (its old endpoint then fails with ESRCH).
 */
#ifndef BULKHEAD_CLIENTS_H
#define BULKHEAD_CLIENTS_H

#include <bulkhead/syslib.h>
#include <bulkhead/errno.h>
#include <bulkhead/pm.h>
#include <bulkhead/ds.h>
#include <bulkhead/fs.h>
#include <bulkhead/dm.h>
#include <bulkhead/console.h>

/* A live system server (PRIV_SYSTEM) with this process name, or EP_NONE. */
endpoint_t find_boot_server(const char *name);
/* The endpoint published under label, looked up again if `stale` is the last answer. */
endpoint_t server_endpoint(const char *label, endpoint_t stale);
/* sendrec to the server behind label; if it died meanwhile, once more to its successor. */
int server_call(const char *label, message *m);
/* server_call with buf granted to the server for the call, its ID put in *field. */
int server_call_granted(const char *label, message *m, grant_id_t *field,
                        void *buf, uint32_t len, uint32_t rights);

int ds_publish(const char *key, uint32_t value);
int ds_lookup(const char *key, uint32_t *value);
int ds_delete(const char *key);
int ds_subscribe(const char *pattern);
int ds_check(char key[DS_KEY_MAX], uint32_t *value, int *deleted);
int ds_owner_died(endpoint_t who);            /* the process manager only */
int ds_tables(struct ds_tables *out);

int fs_lookup(const char *path, uint32_t *ino, uint32_t *size, uint32_t *mode);
int fs_read(uint32_t ino, uint32_t offset, void *buf, uint32_t len);
int fs_list(uint32_t dir, uint32_t index, char *name, uint32_t name_len,
            uint32_t *ino, uint32_t *size, uint32_t *mode);

int pm_fork(void);
endpoint_t pm_spawn(void);
int pm_exec(endpoint_t target, const char *path, int argc, char *const argv[],
            uint32_t flags, char why[PM_WHY_MAX]);
int pm_wait(endpoint_t pid, int *status, uint32_t options);
int pm_kill(endpoint_t pid, int sig);
int pm_reap(struct kc_getdeath *out);
int pm_setuid(uint32_t uid);
int pm_tables(struct pm_tables *out);
int pm_shutdown(uint32_t how);        /* returns only if refused */

int con_write(const void *buf, uint32_t len);
int con_read(void *buf, uint32_t len);
int con_poll(void);                        /* 1: a con_read would be answered at once */
int con_set_foreground(endpoint_t pid);
int con_foreground(endpoint_t *pid);
/* Wait until this process is the console's foreground (a child whose parent makes it so). */
int con_wait_foreground(uint32_t timeout_ms);

int dm_up(const struct dm_up_request *req, char *err, uint32_t err_len);
int dm_down(const char *label);
int dm_refresh(const char *label);
int dm_trace(const char *label);           /* trace rights over a driver (DM_TRACE): its endpoint */
int dm_restart(const char *label);        /* as a client named in the driver's policy */
int dm_info(const char *label, uint32_t index, struct dm_driver_info *out);
int dm_history(const char *label, uint32_t index, struct dm_failure *out);
int dm_policy(const char *label, char *buf, uint32_t len);

/* inet's INET_IFINFO or INET_SOCKINFO about interface or socket slot index, into out: 0 or -errno. */
int inet_info(int type, uint32_t index, void *out, uint32_t len);

#endif
