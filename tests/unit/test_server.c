/*
 * Unit tests for the servers' request loop (lib/server): dispatch by m_type
 * from the table, -ENOSYS outside it or for a hole, the clean hook before
 * the handler, notifications to their callback, SERVER_SUSPEND sending no
 * reply, and the before_receive hook's alarm, set only when it is due sooner
 * than the one pending; SERVER_WHEN_IDLE's alarm (or idle), replaced or
 * cancelled by the next answer. IPC is stubbed: receive hands
 * out a scripted list of messages and then leaves the loop by longjmp.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>
#include <bulkhead/errno.h>
#include <bulkhead/server.h>

#define FIRST 0x4200
#define MAX_SCRIPT 8

static message script[MAX_SCRIPT];
static int scripted, next_in;
static message replies[MAX_SCRIPT];
static endpoint_t reply_to[MAX_SCRIPT];
static int nreplies, nnotified, ncleaned;
#define IDLE_ALARM 0x80000000u           /* alarms[]: one set with sys_alarm_or_idle */
static uint32_t alarms[MAX_SCRIPT + 1];
static int nalarms;
static jmp_buf out;

int ipc_receive(endpoint_t src, message *m)
{
	if (next_in == scripted)
		longjmp(out, 1);
	*m = script[next_in++];
	return 0;
}

int ipc_sendnb(endpoint_t dst, message *m)
{
	reply_to[nreplies] = dst;
	replies[nreplies++] = *m;
	return 0;
}

static uint32_t now_ms = 1000;

uint32_t sys_uptime_ms(void)
{
	return now_ms;
}

int sys_alarm(uint32_t ms)
{
	alarms[nalarms++] = ms;
	return 0;
}

int sys_alarm_or_idle(uint32_t ms)
{
	alarms[nalarms++] = ms | IDLE_ALARM;
	return 0;
}

static int echo_plus_one(message *m) { return (int)m->raw[0] + 1; }
static int suspend(message *m) { return SERVER_SUSPEND; }
static int saw_clean(message *m) { return m->raw[1] == 0xcc ? 7 : -1; }
static void clean(message *m) { ncleaned++; m->raw[1] = 0xcc; }
static void notified(const message *m) { nnotified++; }
static uint32_t timers(void) { return 250; }
static uint32_t answers[MAX_SCRIPT + 1];
static int nanswers;
static uint32_t scripted_timers(void) { return answers[nanswers++]; }

static const server_handler table[] = { echo_plus_one, NULL, suspend, saw_clean };

static void add(endpoint_t from, int32_t type, uint8_t first_byte)
{
	memset(&script[scripted], 0, sizeof script[scripted]);
	script[scripted].m_source = from;
	script[scripted].m_type = type;
	script[scripted].raw[0] = first_byte;
	scripted++;
}

static void run(const struct server *s)
{
	if (!setjmp(out))
		server_loop(s);
}

static int setup(void **state)
{
	scripted = next_in = nreplies = nnotified = ncleaned = nalarms = nanswers = 0;
	return 0;
}

static void test_dispatch_and_reply(void **state)
{
	struct server s = { FIRST, SERVER_TABLE(table), NULL, NULL, NULL };

	add(300, FIRST, 41);
	run(&s);
	assert_int_equal(nreplies, 1);
	assert_int_equal(reply_to[0], 300);
	assert_int_equal(replies[0].m_type, 42);
	assert_int_equal(nalarms, 0);
}

static void test_outside_table_enosys(void **state)
{
	struct server s = { FIRST, SERVER_TABLE(table), NULL, NULL, NULL };

	add(300, FIRST - 1, 0);
	add(301, FIRST + 4, 0);
	add(302, FIRST + 1, 0);           /* a hole in the table */
	add(303, -5, 0);
	run(&s);
	assert_int_equal(nreplies, 4);
	assert_int_equal(replies[0].m_type, -ENOSYS);
	assert_int_equal(replies[1].m_type, -ENOSYS);
	assert_int_equal(replies[2].m_type, -ENOSYS);
	assert_int_equal(replies[3].m_type, -ENOSYS);
}

static void test_suspend_sends_nothing(void **state)
{
	struct server s = { FIRST, SERVER_TABLE(table), NULL, NULL, NULL };

	add(300, FIRST + 2, 0);
	add(301, FIRST, 1);
	run(&s);
	assert_int_equal(nreplies, 1);
	assert_int_equal(reply_to[0], 301);
}

/* Handlers return counts: small ones (1 byte read, socket 1) are answered too. */
static void test_small_counts_answered(void **state)
{
	struct server s = { FIRST, SERVER_TABLE(table), NULL, NULL, NULL };

	add(300, FIRST, 0);
	add(301, FIRST, 1);
	add(302, FIRST, 255);
	run(&s);
	assert_int_equal(nreplies, 3);
	assert_int_equal(replies[0].m_type, 1);
	assert_int_equal(replies[1].m_type, 2);
	assert_int_equal(replies[2].m_type, 256);
}

static void test_clean_before_handler(void **state)
{
	struct server s = { FIRST, SERVER_TABLE(table), NULL, clean, NULL };

	add(300, FIRST + 3, 0);
	add(301, FIRST + 9, 0);           /* refused: not cleaned */
	run(&s);
	assert_int_equal(replies[0].m_type, 7);
	assert_int_equal(ncleaned, 1);
}

static void test_notifications_to_callback(void **state)
{
	struct server s = { FIRST, SERVER_TABLE(table), notified, NULL, NULL };
	struct server deaf = { FIRST, SERVER_TABLE(table), NULL, NULL, NULL };

	add(EP_CLOCK, NOTIFY_MESSAGE, 0);
	add(300, NOTIFY_MESSAGE, 0);
	run(&s);
	assert_int_equal(nnotified, 2);
	assert_int_equal(nreplies, 0);
	setup(state);
	add(300, NOTIFY_MESSAGE, 0);
	run(&deaf);
	assert_int_equal(nreplies, 0);
}

static void test_alarm_only_when_sooner(void **state)
{
	struct server s = { FIRST, SERVER_TABLE(table), NULL, NULL, timers };

	add(300, FIRST, 0);
	add(301, FIRST, 0);
	run(&s);
	assert_int_equal(nalarms, 1);     /* the same deadline before every receive: set once */
	assert_int_equal(alarms[0], 250);
}

/*
 * SERVER_WHEN_IDLE sets the idle alarm every time; the next ordinary
 * answer replaces it even if it is due later (it would wake the server for
 * nothing), and an answer of no timer cancels it.
 */
static void test_when_idle(void **state)
{
	struct server s = { FIRST, SERVER_TABLE(table), NULL, NULL, scripted_timers };
	const uint32_t script_answers[] = { 250, SERVER_WHEN_IDLE, 250, SERVER_WHEN_IDLE, 0, 0 };

	memcpy(answers, script_answers, sizeof script_answers);
	add(300, FIRST, 0);
	add(300, FIRST, 0);
	add(300, FIRST, 0);
	add(300, FIRST, 0);
	add(300, FIRST, 0);
	run(&s);
	assert_int_equal(nanswers, 6);
	assert_int_equal(nalarms, 5);
	assert_int_equal(alarms[0], 250);
	assert_int_equal(alarms[1], SERVER_IDLE_MAX_MS | IDLE_ALARM);
	assert_int_equal(alarms[2], 250);                 /* the same deadline as before: set again */
	assert_int_equal(alarms[3], SERVER_IDLE_MAX_MS | IDLE_ALARM);
	assert_int_equal(alarms[4], 0);                   /* cancelled; the next no-timer answer sets nothing */
}

static void test_rearm_decisions(void **state)
{
	uint32_t at = 0;
	int armed = 0;

	assert_int_equal(server_rearm(1000, 0, &armed, &at), 0);       /* no timer, nothing pending */
	assert_int_equal(server_rearm(1000, 50, &armed, &at), 1);      /* the first: set, due at 1050 */
	assert_int_equal(at, 1050);
	assert_int_equal(server_rearm(1010, 40, &armed, &at), 0);      /* the same deadline */
	assert_int_equal(server_rearm(1010, 100, &armed, &at), 0);     /* later: the pending one wakes us first */
	assert_int_equal(server_rearm(1010, 0, &armed, &at), 0);       /* none: the pending one is harmless */
	assert_int_equal(server_rearm(1010, 10, &armed, &at), 1);      /* sooner: set */
	assert_int_equal(at, 1020);
	assert_int_equal(server_rearm(1020, 100, &armed, &at), 1);     /* the pending one has fired */
	assert_int_equal(at, 1120);
	assert_int_equal(server_rearm(0xfffffff0u, 0x20, &armed, &at), 1);   /* across the wrap */
	assert_int_equal(server_rearm(0xfffffff8u, 0x20, &armed, &at), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_dispatch_and_reply, setup),
		cmocka_unit_test_setup(test_outside_table_enosys, setup),
		cmocka_unit_test_setup(test_suspend_sends_nothing, setup),
		cmocka_unit_test_setup(test_small_counts_answered, setup),
		cmocka_unit_test_setup(test_clean_before_handler, setup),
		cmocka_unit_test_setup(test_notifications_to_callback, setup),
		cmocka_unit_test_setup(test_alarm_only_when_sooner, setup),
		cmocka_unit_test_setup(test_when_idle, setup),
		cmocka_unit_test_setup(test_rearm_decisions, setup),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
