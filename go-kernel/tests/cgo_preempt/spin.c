// C side of cgo_preempt: n threads each call the Go function spin.
#include <pthread.h>
#include "_cgo_export.h"

static void *worker(void *p)
{
	return (void *)(long)spin((int)(long)p);
}

int run_spinners(int n, int round)
{
	pthread_t t[32];
	int started = 0, spun = 0;

	(void)round;
	for (int i = 0; i < n && i < 32; i++)
		if (pthread_create(&t[i], 0, worker, (void *)(long)i) == 0)
			started++;
	for (int i = 0; i < started; i++) {
		void *r = 0;

		pthread_join(t[i], &r);
		spun += (int)(long)r;
	}
	return spun;
}
