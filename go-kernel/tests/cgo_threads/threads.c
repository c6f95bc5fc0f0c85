// C side of cgo_threads: n threads, each calling goAdd iters times.
#include <pthread.h>
#include "_cgo_export.h"

struct arg {
	int id, iters;
};

static void *worker(void *p)
{
	struct arg *a = p;

	for (int i = 0; i < a->iters; i++)
		goAdd(a->id, i);
	return 0;
}

int run_threads(int n, int iters)
{
	pthread_t t[64];
	struct arg a[64];
	int started = 0;

	if (n > 64)
		n = 64;
	for (int i = 0; i < n; i++) {
		a[i].id = i;
		a[i].iters = iters;
		if (pthread_create(&t[i], 0, worker, &a[i]) == 0)
			started++;
	}
	for (int i = 0; i < started; i++)
		pthread_join(t[i], 0);
	return started;
}
