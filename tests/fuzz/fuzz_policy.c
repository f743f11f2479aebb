/*
 * libFuzzer target for the policy parser: any input must parse or be
 * refused with a message, without a crash, an out-of-bounds access or a leak
 * (built with AddressSanitizer, which also finds leaks).
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <bulkhead/policy.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct policy pol[4];
	char err[POLICY_ERR_MAX];
	int n = policy_parse((const char *)data, size, "fuzz.conf", pol, 4, err, sizeof err);

	if (n < 0 && (err[0] == '\0' || strncmp(err, "fuzz.conf:", 10)))
		__builtin_trap();      /* every refusal names the file and line */
	return 0;
}
