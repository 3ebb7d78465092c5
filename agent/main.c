/* main.c - placeholder until the CLI lands. */
#include <stdio.h>

int main(void)
{
	puts("fleetcensus-agent " FC_VERSION);
	return 0;
}
