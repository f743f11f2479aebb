/*
 * t_worker ROLE: a helper process for the in-OS tests. It announces itself
 * to its manager (the test controller), then does what ROLE does each time
 * the controller sends TEST_GO, and reports with TEST_DONE.
 */
#include <stdio.h>
#include <string.h>
#include <bulkhead/errno.h>
#include "lib/testlib.h"

static endpoint_t manager;

static void done(int32_t result, uint32_t work, const int32_t *detail, int n)
{
	message m;

	memset(&m, 0, sizeof m);
	m.test_done.result = result;
	m.test_done.work = work;
	if (detail)
		memcpy(m.test_done.detail, detail, (size_t)n * sizeof *detail);
	t_send_type(manager, TEST_DONE, &m);
}

/* Answer pings forever: each word transformed, and who the kernel says sent it. */
static void echo(void)
{
	message m;
	uint32_t i;

	for (;;) {
		if (ipc_receive(EP_ANY, &m) < 0 || m.m_type != TEST_PING)
			continue;
		for (i = 0; i < 12; i++)
			m.test_ping.words[i] = t_echo_word(m.test_ping.words[i], m.test_ping.seq, i);
		m.test_ping.words[12] = (uint32_t)m.m_source;
		ipc_send(m.m_source, &m);
	}
}

/* Answer each request, but notify the client first. */
static void replier(void)
{
	message m;

	for (;;) {
		if (ipc_receive(EP_ANY, &m) < 0 || m.m_type != TEST_PING)
			continue;
		ipc_notify(m.m_source);
		ipc_send(m.m_source, &m);
	}
}

/* count round trips to the echo server, every word of every reply checked. */
static void client(const struct test_go *go)
{
	uint32_t state = go->seed | 1, n, i, sent[12], errors = 0;
	message m;

	for (n = 0; n < go->count; n++) {
		memset(&m, 0, sizeof m);
		m.m_type = TEST_PING;
		m.test_ping.seq = n;
		for (i = 0; i < 12; i++)
			sent[i] = m.test_ping.words[i] = t_rand(&state);
		if (ipc_sendrec(go->peer, &m) < 0 || m.m_source != go->peer) {
			errors++;
			continue;
		}
		for (i = 0; i < 12; i++)
			if (m.test_ping.words[i] != t_echo_word(sent[i], n, i))
				errors++;
	}
	done((int32_t)errors, n, NULL, 0);
}

static void notifier(const struct test_go *go)
{
	uint32_t ok = 0, n;
	int32_t first_error = 0;
	int r;

	for (n = 0; n < go->count; n++) {
		r = ipc_notify(go->peer);
		if (r == 0)
			ok++;
		else if (!first_error)
			first_error = r;
	}
	done(first_error, ok, NULL, 0);
}

/* Sleep, send to the peer, then take the one message someone sent us meanwhile. */
static void sleeper(const struct test_go *go)
{
	message m;
	int r;

	t_sleep(go->delay_ms);
	memset(&m, 0, sizeof m);
	m.m_type = TEST_PING;
	r = ipc_send(go->peer, &m);
	t_receive(EP_ANY, &m, 2000);
	done(r, 0, NULL, 0);
}

/* Unprivileged: each of these must be refused. */
static void user(const struct test_go *go)
{
	int32_t d[5];
	message m;

	memset(&m, 0, sizeof m);
	m.m_type = TEST_PING;
	d[0] = ipc_send(go->peer, &m);
	d[1] = ipc_notify(go->peer);
	d[2] = kernel_call(KC_SHUTDOWN, &m);
	d[3] = kernel_call(KC_DEVIO, &m);
	d[4] = kernel_call(200, &m);
	done(0, 5, d, 5);
}

int main(int argc, char **argv)
{
	enum t_role role = t_role_by_name(argc > 1 ? argv[1] : NULL);
	message go;

	manager = t_manager();
	if (role == ROLE_NONE) {
		printf("t_worker: unknown role '%s'\n", argc > 1 ? argv[1] : "");
		return 2;
	}
	if (t_hello(role, &go) < 0) {
		printf("t_worker %s: cannot reach manager %d\n", argv[1], (int)manager);
		return 3;
	}
	for (;;) {
		switch (role) {
		case ROLE_ECHO:      echo(); break;
		case ROLE_REPLIER:   replier(); break;
		case ROLE_CLIENT:    client(&go.test_go); break;
		case ROLE_NOTIFIER:  notifier(&go.test_go); break;
		case ROLE_SLEEPER1:
		case ROLE_SLEEPER2:  sleeper(&go.test_go); break;
		case ROLE_MORTAL:    return 7;
		case ROLE_USER1:
		case ROLE_USER2:     user(&go.test_go); break;
		case ROLE_BYSTANDER:
		case ROLE_WORKER:    done((int32_t)t_work(go.test_go.count), go.test_go.count, NULL, 0); break;
		case ROLE_SPINNER:   for (;;) ; break;
		default:             return 4;
		}
		ipc_receive(manager, &go);
	}
}
