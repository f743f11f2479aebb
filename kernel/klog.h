/* klog: the kernel event log and denial accounting (see klog.c). */
#ifndef KERNEL_KLOG_H
#define KERNEL_KLOG_H

#include <bulkhead/klog.h>

struct proc;

void klog_add(const struct proc *p, enum klog_kind kind, uint16_t code,
              uint32_t target, uint32_t detail);
void klog_add_as(endpoint_t who, const char *name, enum klog_kind kind, uint16_t code,
                 uint32_t target, uint32_t detail);   /* for a process that may be gone */
void deny(struct proc *p, enum deny_kind kind, uint32_t target, int err);
uint32_t klog_read(uint32_t from_seq, struct klog_entry *out, uint32_t max, uint32_t *next_seq);

#endif
