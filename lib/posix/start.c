/* start: from the entry code (lib/crt/crt0.asm) to main() and exit(). */
#include <stdlib.h>

int main(int argc, char **argv);
void bh_start(int argc, char **argv);

static char *empty_environment[1];
char **environ = empty_environment;

void bh_start(int argc, char **argv)
{
	exit(main(argc, argv));
}
