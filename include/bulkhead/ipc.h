/*
 * IPC primitives: the trap interface.
 *
 * User code enters the kernel with `int $IPC_VECTOR`, eax = enum ipc_op,
 * ebx = endpoint, ecx = address of a message in the caller's memory; eax
 * returns 0 or a negated errno.
 *
 *   send(dst, m)      block until dst receives m
 *   sendnb(dst, m)    deliver m only if dst is waiting for it, else -EAGAIN
 *   receive(src, m)   block until a message or notification from src (or
 *                     EP_ANY) arrives; m_source says who sent it
 *   sendrec(dst, m)   send, then receive the answer from dst into m; a kernel
 *                     call is sendrec(EP_KERNEL, m)
 *   notify(dst)       set a pending bit for the caller at dst; never blocks;
 *                     repeated notifies before dst receives coalesce into one
 */
#ifndef BULKHEAD_IPC_H
#define BULKHEAD_IPC_H

#include <bulkhead/message.h>
#include <bulkhead/endpoint.h>

#define IPC_VECTOR 0x80

enum ipc_op {
	IPC_SEND = 1,
	IPC_RECEIVE,
	IPC_SENDREC,
	IPC_NOTIFY,
	IPC_SENDNB,
};

#endif
