; Trap entry and exit.
;
; Every interrupt, exception and the IPC trap builds a struct trapframe
; (trap.h) and calls trap(frame). From user mode the CPU starts the frame on
; the stack the TSS names, which is the end of the running process's saved
; registers (gdt_enter): the whole frame lands in its process-table slot,
; and the stub then moves to the kernel stack. Traps from user mode never
; return here: the kernel leaves through restore_user(), which irets from a
; process's saved frame. Only an interrupt that arrives while the kernel
; idles (in ring 0, on the kernel stack) returns through trap_return.
; Every stub counts its entries in trap_counts (trap.c sums them by kind).

KERNEL_DS equ 0x10
USER_DS   equ 0x23        ; SEL_UDATA: flat, so the kernel can use it as it is
FRAME_CS  equ 60          ; offsetof(struct trapframe, cs)
IPC_VECTOR equ 0x80       ; include/bulkhead/ipc.h
NR_STUBS  equ 48          ; vectors 0-47 (trap.c); trap_counts[NR_STUBS] counts IPC traps

extern trap
extern kernel_stack_top
extern trap_counts
global trap_stubs
global trap_stubs_end
global restore_user

%macro STUB_NOERR 1
stub_%1:
	push 0
	push %1
	inc dword [trap_counts + 4 * %1]
	jmp trap_common
%endmacro

%macro STUB_ERR 1
stub_%1:
	push %1
	inc dword [trap_counts + 4 * %1]
	jmp trap_common
%endmacro

; Pop a saved selector into sreg, loading it only if it differs.
%macro RESTORE 1
	mov ax, %1
	cmp ax, [esp]
	je %%same
	mov %1, [esp]
%%same:
	add esp, 4
%endmacro

section .text

; The IPC trap, the common case: it runs on into trap_common, no jump.
stub_128:
	push 0
	push IPC_VECTOR
	inc dword [trap_counts + 4 * NR_STUBS]
trap_common:
	pusha
	push ds
	push es
	push fs
	push gs
	mov ax, ds                ; the kernel needs flat ds and es; it never uses
	cmp ax, USER_DS           ; fs or gs. A user's own flat selector stays:
	jne .load                 ; loading a segment costs an emulator dearly
	mov ax, es
	cmp ax, USER_DS
	je .flat
.load:
	mov ax, KERNEL_DS
	mov ds, ax
	mov es, ax
.flat:
	cld
	mov eax, esp
	test byte [esp + FRAME_CS], 3
	jz .on_kernel_stack
	mov esp, kernel_stack_top
.on_kernel_stack:
	push eax
	call trap
	add esp, 4
trap_return:
	RESTORE gs
	RESTORE fs
	RESTORE es
	RESTORE ds
	popa
	add esp, 8
	iret

; void restore_user(struct trapframe *frame): resume a process.
restore_user:
	mov esp, [esp + 4]
	jmp trap_return

; CPU exceptions: these push an error code themselves.
%assign v 0
%rep 32
%if v == 8 || (v >= 10 && v <= 14) || v == 17 || v == 21 || v == 29 || v == 30
	STUB_ERR v
%else
	STUB_NOERR v
%endif
%assign v v + 1
%endrep

; IRQ 0-15 remapped to 32-47, and the IPC trap.
%rep 16
	STUB_NOERR v
%assign v v + 1
%endrep

section .rodata
align 4
trap_stubs:                      ; vectors 0 to NR_STUBS - 1, then the IPC trap
%assign v 0
%rep NR_STUBS
	dd stub_ %+ v
%assign v v + 1
%endrep
	dd stub_128
trap_stubs_end:                  ; (idt_init checks the table's size against trap.c's NR_STUBS)
