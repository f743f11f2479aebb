; Program entry. The kernel starts a process with esp pointing at
; [argc][argv], 16-byte aligned, so calling bh_start passes them as its
; arguments (lib/posix/start.c).
global _start
extern bh_start

section .text
_start:
	xor ebp, ebp
	call bh_start
	ud2
