; Multiboot entry point: GRUB jumps here in 32-bit protected mode with paging
; off, eax = multiboot magic, ebx = physical address of the multiboot info.
; We set up the kernel stack and call kmain(magic, info); it never returns.

MB_MAGIC equ 0x1BADB002
MB_FLAGS equ (1 << 0) | (1 << 1) | (1 << 2)  ; page-align modules, memory map, screen
MB_SCREEN_TEXT equ 1                 ; wanted: VGA text; where there is none (UEFI)
                                     ; GRUB gives a framebuffer (grub.cfg: gfxpayload)

section .multiboot
align 4
	dd MB_MAGIC
	dd MB_FLAGS
	dd -(MB_MAGIC + MB_FLAGS)
	dd 0, 0, 0, 0, 0             ; load addresses: unused (the ELF headers say)
	dd MB_SCREEN_TEXT, 0, 0, 0     ; mode, and no preferred width, height, depth

section .bss
align 16
global kernel_stack_top
kernel_stack:
	resb 16384
kernel_stack_top:

section .text
global _start
extern kmain
_start:
	cli
	mov esp, kernel_stack_top
	xor ebp, ebp                 ; ends backtraces
	push ebx
	push eax
	call kmain
.halt:
	cli
	hlt
	jmp .halt
