/*
 * ds: the data store. Labels -> values (usually endpoints), with
 * subscriptions: a subscriber is notified whenever a key matching its
 * pattern is published or deleted, and asks what changed with DS_CHECK.
 * Protocol in include/bulkhead/ds.h.
 *
 * A key can be changed only by the process that published it (the driver
 * manager publishes drivers' labels, so it alone changes those); only uid 0
 * and system servers may publish. The process manager tells us of every
 * death: the dead process's keys are deleted (subscribers learn of it) and
 * its subscriptions dropped. A deleted key's slot is reused once no
 * subscriber still has its deletion to read. Replies are non-blocking: a
 * client that does not wait for its answer loses it.
 */
#include <stdio.h>
#include <string.h>
#include <bulkhead/errno.h>
#include <bulkhead/clients.h>
#include <bulkhead/posix.h>
#include <bulkhead/server.h>

#define MAX_KEYS DS_MAX_KEYS
#define MAX_SUBS DS_MAX_SUBS

struct entry {
	char key[DS_KEY_MAX];
	uint32_t value;
	endpoint_t owner;
	int used, deleted;
};

struct subscription {
	endpoint_t who;            /* EP_NONE: free */
	char pattern[DS_KEY_MAX];
	uint32_t changed[MAX_KEYS / 32];
};

static struct entry keys[MAX_KEYS];
static struct subscription subs[MAX_SUBS];

static int matches(const char *pattern, const char *key)
{
	size_t n = strlen(pattern);

	if (n && pattern[n - 1] == '*')
		return strncmp(pattern, key, n - 1) == 0;
	return strcmp(pattern, key) == 0;
}

static struct entry *find(const char *key)
{
	int i;

	for (i = 0; i < MAX_KEYS; i++)
		if (keys[i].used && !strcmp(keys[i].key, key))
			return &keys[i];
	return NULL;
}

static int may_change(const struct entry *e, endpoint_t who)
{
	return e->owner == who;
}

static int may_publish(endpoint_t who)
{
	struct procinfo info;

	return sys_procinfo(-1, who, &info) == 0 && (info.uid == 0 || (info.priv_flags & PRIV_SYSTEM));
}

/* Free, or deleted with no subscriber left to tell. */
static int reusable(int i)
{
	struct subscription *s;

	if (!keys[i].used)
		return 1;
	if (!keys[i].deleted)
		return 0;
	for (s = subs; s < subs + MAX_SUBS; s++)
		if (s->who != EP_NONE && bit_test(s->changed, (unsigned)i))
			return 0;
	return 1;
}

/* Tell every subscriber whose pattern matches e that it changed. */
static void announce(struct entry *e)
{
	struct subscription *s;

	for (s = subs; s < subs + MAX_SUBS; s++) {
		if (s->who == EP_NONE || !matches(s->pattern, e->key))
			continue;
		bit_set(s->changed, (unsigned)(e - keys));
		if (ipc_notify(s->who) == -ESRCH)
			s->who = EP_NONE;            /* the subscriber is gone */
	}
}

static int do_publish(message *m)
{
	struct entry *e = find(m->ds_req.key);
	int i;

	if (!m->ds_req.key[0])
		return -EINVAL;
	if (!may_publish(m->m_source))
		return -EPERM;
	if (e && !e->deleted && !may_change(e, m->m_source))
		return -EPERM;
	for (i = 0; !e && i < MAX_KEYS; i++)
		if (reusable(i))
			e = &keys[i];
	if (!e)
		return -ENOSPC;
	strcpy(e->key, m->ds_req.key);
	e->value = m->ds_req.value;
	e->owner = m->m_source;
	e->used = 1;
	e->deleted = 0;
	announce(e);
	return 0;
}

static int do_lookup(message *m)
{
	struct entry *e = find(m->ds_req.key);

	if (!e || e->deleted)
		return -ENOENT;
	m->ds_req.value = e->value;
	return 0;
}

static int do_delete(message *m)
{
	struct entry *e = find(m->ds_req.key);

	if (!e || e->deleted)
		return -ENOENT;
	if (!may_change(e, m->m_source))
		return -EPERM;
	e->deleted = 1;        /* kept until reused, so subscribers can learn of it */
	announce(e);
	return 0;
}

static int do_subscribe(message *m)
{
	struct subscription *s, *free_sub = NULL;
	int i, held = 0;

	for (s = subs; s < subs + MAX_SUBS; s++) {
		if (s->who == m->m_source && !strcmp(s->pattern, m->ds_req.key))
			return 0;
		held += s->who == m->m_source;
		if (s->who == EP_NONE && !free_sub)
			free_sub = s;
	}
	if (held >= DS_SUBS_PER_PROC)
		return -EMFILE;             /* this process holds its share */
	if (!free_sub)
		return -ENOSPC;
	free_sub->who = m->m_source;
	strcpy(free_sub->pattern, m->ds_req.key);
	memset(free_sub->changed, 0, sizeof free_sub->changed);
	for (i = 0; i < MAX_KEYS; i++)       /* what matches already counts as news */
		if (keys[i].used && !keys[i].deleted && matches(free_sub->pattern, keys[i].key))
			bit_set(free_sub->changed, (unsigned)i);
	return 0;
}

static int do_check(message *m)
{
	struct subscription *s;
	int i;

	for (s = subs; s < subs + MAX_SUBS; s++) {
		if (s->who != m->m_source)
			continue;
		for (i = 0; i < MAX_KEYS; i++) {
			if (!bit_test(s->changed, (unsigned)i))
				continue;
			bit_clear(s->changed, (unsigned)i);
			strcpy(m->ds_req.key, keys[i].key);
			m->ds_req.value = keys[i].value;
			m->ds_req.deleted = (uint32_t)keys[i].deleted;
			return 0;
		}
	}
	return -EAGAIN;
}

/* The process manager, the only one who may tell us of deaths. */
static int from_pm(endpoint_t who)
{
	static endpoint_t pm = EP_NONE;

	if (pm == EP_NONE)
		pm = find_boot_server("pm");
	return who == pm && pm != EP_NONE;
}

static int do_owner_died(message *m)
{
	endpoint_t dead = m->ds_owner.who;
	struct subscription *s;
	int i;

	if (!from_pm(m->m_source))
		return -EPERM;
	for (s = subs; s < subs + MAX_SUBS; s++)
		if (s->who == dead)
			s->who = EP_NONE;
	for (i = 0; i < MAX_KEYS; i++) {
		if (keys[i].used && !keys[i].deleted && keys[i].owner == dead) {
			keys[i].deleted = 1;
			announce(&keys[i]);
		}
	}
	return 0;
}

static int do_tables(message *m)
{
	struct ds_tables t = { 0, MAX_KEYS, 0, MAX_SUBS };
	int i;

	for (i = 0; i < MAX_KEYS; i++)
		t.keys += !reusable(i);
	for (i = 0; i < MAX_SUBS; i++)
		t.subs += subs[i].who != EP_NONE;
	m->ds_tables = t;
	return 0;
}

static const server_handler handlers[] = {
	[DS_PUBLISH - DS_PUBLISH]   = do_publish,
	[DS_LOOKUP - DS_PUBLISH]    = do_lookup,
	[DS_DELETE - DS_PUBLISH]    = do_delete,
	[DS_SUBSCRIBE - DS_PUBLISH] = do_subscribe,
	[DS_CHECK - DS_PUBLISH]     = do_check,
	[DS_OWNER_DIED - DS_PUBLISH] = do_owner_died,
	[DS_TABLES - DS_PUBLISH]    = do_tables,
};

static void clean(message *m)
{
	m->ds_req.key[DS_KEY_MAX - 1] = '\0';
}

static const struct server ds = { DS_PUBLISH, SERVER_TABLE(handlers), NULL, clean, NULL };

int main(void)
{
	int i;

	posix_use_kernel_console();
	for (i = 0; i < MAX_SUBS; i++)
		subs[i].who = EP_NONE;
	printf("ds: data store ready (endpoint %d)\n", (int)sys_self());
	server_loop(&ds);
}
