/* grant: checking memory grants for SAFECOPY (see grant.c, include/bulkhead/grant.h). */
#ifndef KERNEL_GRANT_H
#define KERNEL_GRANT_H

#include <bulkhead/grant.h>
#include "proc.h"

int safecopy_check(struct proc *caller, const struct safecopy_req *r,
                   struct proc **owner, vir_bytes *owner_addr);
void safecopy_do(struct proc *caller, const struct safecopy_req *r,
                 struct proc *owner, vir_bytes owner_addr);

#endif
