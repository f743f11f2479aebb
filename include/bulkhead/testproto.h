/* Messages exchanged by the in-OS test programs (tests/os/). */
#ifndef BULKHEAD_TESTPROTO_H
#define BULKHEAD_TESTPROTO_H

#include <bulkhead/types.h>

enum {
	TEST_PING = 0x7e00,    /* client -> echo server: words to be transformed */
	TEST_HELLO,            /* a worker announces itself to its manager */
	TEST_GO,               /* the manager tells a worker what to do */
	TEST_DONE,             /* a worker reports its result */
	TEST_ATTACK,           /* the isolation controller arms the hostile process */
	TEST_TRACE,            /* ... and tells the tracer what to patch */
	TEST_INJECT,           /* a test asks the fault injector (t_inject) to patch a driver */
	TEST_SLICE,            /* t_swifi asks its workload for one slice (test_go: count frames,
	                          seed the trial); the answer is a test_done (see t_netclient.c) */
};

struct test_ping  { uint32_t seq; uint32_t words[13]; };
struct test_hello { endpoint_t ep; uint32_t role; };
struct test_go    { endpoint_t peer; uint32_t count; uint32_t delay_ms; uint32_t seed; };
struct test_done  { int32_t result; uint32_t work; int32_t detail[8]; };

/* What the hostile process in the isolation test is given to attack with. */
struct test_attack {
	endpoint_t dead, bystander;
	grant_id_t ro, wo, other, revoked, reused_old, reused_new;
	grant_id_t clock;           /* the controller's grant over the clock page: not its memory */
	phys_bytes victim_phys;     /* a page of the controller's memory */
};

MSG_PAYLOAD(test_ping);
MSG_PAYLOAD(test_hello);
MSG_PAYLOAD(test_go);
MSG_PAYLOAD(test_done);
MSG_PAYLOAD(test_attack);

struct test_trace {
	endpoint_t victim, other_victim, bystander;
	vir_bytes text;          /* a function in the victim's text */
	vir_bytes data;          /* a variable in the victim's data */
	uint32_t old_value, new_value;   /* the immediate to find and what to put there */
};
MSG_PAYLOAD(test_trace);

/* Faults t_inject can put into a running driver, at the start of one function. */
enum test_fault {
	FAULT_SPIN_ANSWERING = 1,  /* spin forever, notifying the driver manager now and then (heartbeat answers) */
	FAULT_RETURN_ZERO,         /* return 0 at once, doing nothing */
	FAULT_CRASH,               /* an invalid instruction: the driver dies of a CPU exception */
	FAULT_RETURN_EINVAL,       /* return -EINVAL at once, doing nothing */
};
struct test_inject {
	endpoint_t target;
	uint32_t fault;            /* enum test_fault */
	char binary[16];           /* its program's name: symbols in /tests/BINARY.sym */
	char function[24];
};
MSG_PAYLOAD(test_inject);

#endif
