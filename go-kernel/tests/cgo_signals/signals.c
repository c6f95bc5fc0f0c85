// C side of cgo_signals.
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

static int initial_flags = -1;

// Runs before Go's runtime (glibc calls constructors before main).
__attribute__((constructor)) static void record_altstack(void)
{
	stack_t ss;

	if (sigaltstack(0, &ss) == 0)
		initial_flags = ss.ss_flags;
}

int initial_altstack_disabled(void)
{
	return initial_flags == SS_DISABLE;
}

static volatile sig_atomic_t usr2_ran, usr2_onstack;

static void usr2_handler(int sig, siginfo_t *info, void *uc)
{
	stack_t ss;

	(void)info;
	(void)uc;
	if (sig != SIGUSR2)
		return;
	usr2_ran = 1;
	usr2_onstack = sigaltstack(0, &ss) == 0 && (ss.ss_flags & SS_ONSTACK);
}

void install_usr2(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = usr2_handler;
	sa.sa_flags = SA_SIGINFO | SA_ONSTACK | SA_RESTART;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGUSR2, &sa, 0);
}

void raise_usr1(void)
{
	raise(SIGUSR1);
}

static void *kill_self(void *p)
{
	(void)p;
	return (void *)(long)pthread_kill(pthread_self(), SIGUSR1);
}

int kill_usr1_from_c_thread(void)
{
	pthread_t t;
	void *r = (void *)-1;

	if (pthread_create(&t, 0, kill_self, 0))
		return -1;
	pthread_join(t, &r);
	return (int)(long)r;
}

static int usr2_result(void)
{
	return usr2_ran ? usr2_onstack : -1;
}

int usr2_here(void)
{
	usr2_ran = 0;
	raise(SIGUSR2);
	return usr2_result();
}

static void *usr2_thread(void *p)
{
	stack_t ss;

	if (p) {
		ss.ss_sp = malloc(65536);
		ss.ss_size = 65536;
		ss.ss_flags = 0;
		if (!ss.ss_sp || sigaltstack(&ss, 0))
			return (void *)-2L;
	}
	usr2_ran = 0;
	raise(SIGUSR2);
	int r = usr2_result();
	if (p) {
		ss.ss_flags = SS_DISABLE;
		sigaltstack(&ss, 0);
	}
	return (void *)(long)r;
}

int usr2_on_c_thread(int with_altstack)
{
	pthread_t t;
	void *r = (void *)-3L;

	if (pthread_create(&t, 0, usr2_thread, with_altstack ? (void *)1 : 0))
		return -3;
	pthread_join(t, &r);
	return (int)(long)r;
}
