/*
 * tclient.c: the end-to-end test harness (see tclient.h): fixture (bbsctl + bbsd in a
 * temporary directory), libssh client with a pinned host key, libvterm screen.
 *
 * It must never: sleep a fixed time instead of waiting for a condition; connect anywhere
 * but 127.0.0.1; read ~/.ssh or an ssh config file; answer terminal queries back to the
 * server; kill a process it did not start; run a shell (fork/execv only).
 */
#include "tests/e2e/tclient.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <netinet/in.h>
#include <linux/tcp.h>   /* TCP_INFO with tcpi_bytes_received (glibc's is older) */
#include <arpa/inet.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <libssh/libssh.h>
#include <vterm.h>

#include "common/common.h"

/* ================================================================ results */

static struct tc_fixture *g_fx;      /* the registered fixture, torn down on failure */
static pid_t g_owner;                 /* only this process tears the fixture down */
static int g_checks, g_failures;

int64_t tc_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void tc_note(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "# ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

static void teardown(bool failed)
{
	/* A forked client (e2e-drop) inherits g_fx but must never stop bbsd or remove DIR. */
	if (!g_fx || getpid() != g_owner)
		return;
	if (failed)
		tc_fixture_dump_log(g_fx);
	tc_fixture_finish(g_fx);
	g_fx = NULL;
}

void tc_fail(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "FAIL: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	g_failures++;
	fprintf(stderr, "%d checks, %d failed (stopped early)\n", g_checks, g_failures);
	teardown(true);
	exit(1);
}

bool tc_check_at(bool ok, const char *file, int line, const char *what)
{
	g_checks++;
	if (!ok) {
		g_failures++;
		fprintf(stderr, "%s:%d: CHECK failed: %s\n", file, line, what);
	}
	return ok;
}

void tc_require_at(bool ok, const char *file, int line, const char *what)
{
	if (!ok)
		tc_fail("%s:%d: REQUIRE failed: %s", file, line, what);   /* counts the failure */
	g_checks++;
}

int tc_done(void)
{
	/* Teardown first: it checks that a stopped bbsd leaves nothing, which may fail too. */
	teardown(g_failures > 0);
	fprintf(stderr, "%d checks, %d failed\n", g_checks, g_failures);
	return g_failures ? 1 : 0;
}

/* Async-signal-safe last resort: stop bbsd (bounded wait) and leave. */
static void on_fatal_signal(int sig)
{
	static const char msg_alarm[] = "FAIL: test deadline (alarm) reached\n";
	static const char msg_sig[] = "FAIL: test interrupted by a signal\n";

	if (sig == SIGALRM)
		(void)!write(2, msg_alarm, sizeof msg_alarm - 1);
	else
		(void)!write(2, msg_sig, sizeof msg_sig - 1);
	if (g_fx && g_fx->bbsd_pid > 0 && getpid() == g_owner) {
		pid_t pid = g_fx->bbsd_pid;
		struct timespec ts = { 0, 10 * 1000 * 1000 };

		kill(pid, SIGTERM);
		for (int i = 0; i < 300; i++) {
			if (waitpid(pid, NULL, WNOHANG) == pid)
				_exit(1);
			nanosleep(&ts, NULL);
		}
		kill(pid, SIGKILL);
	}
	_exit(1);
}

/* ================================================================ processes */

/* In a forked child: die with the test, so no bbsd outlives a killed test. */
static void child_setup(void)
{
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	signal(SIGPIPE, SIG_DFL);
}

static void exec_argv(char *const argv[])
{
	if (strchr(argv[0], '/'))
		execv(argv[0], argv);
	else
		execvp(argv[0], argv);
	dprintf(2, "exec %s: %s\n", argv[0], strerror(errno));
	_exit(127);
}

int tc_run(char *const argv[], const char *input, char *out, size_t n, int timeout_ms)
{
	int in_pipe[2] = { -1, -1 }, out_pipe[2] = { -1, -1 };
	size_t used = 0;
	int status = -1, rc = -1;
	pid_t pid;
	int64_t deadline = tc_now_ms() + timeout_ms;

	if (out && n)
		out[0] = '\0';
	if (pipe2(in_pipe, O_CLOEXEC) < 0 || pipe2(out_pipe, O_CLOEXEC) < 0)
		goto out;
	pid = fork();
	if (pid < 0)
		goto out;
	if (pid == 0) {
		child_setup();
		if (dup2(in_pipe[0], 0) < 0 || dup2(out_pipe[1], 1) < 0 || dup2(out_pipe[1], 2) < 0)
			_exit(127);
		exec_argv(argv);
	}
	close(in_pipe[0]);
	in_pipe[0] = -1;
	close(out_pipe[1]);
	out_pipe[1] = -1;
	/* Input is small (a password): it fits the pipe buffer, so write it all first. */
	if (input) {
		size_t len = strlen(input), off = 0;

		while (off < len) {
			ssize_t w = write(in_pipe[1], input + off, len - off);

			if (w < 0 && errno == EINTR)
				continue;
			if (w <= 0)
				break;
			off += (size_t)w;
		}
	}
	close(in_pipe[1]);
	in_pipe[1] = -1;
	for (;;) {
		struct pollfd pfd = { .fd = out_pipe[0], .events = POLLIN };
		int64_t left = deadline - tc_now_ms();
		char buf[4096];
		ssize_t r;

		if (left <= 0) {
			kill(pid, SIGKILL);
			break;
		}
		if (poll(&pfd, 1, (int)left) <= 0)
			continue;
		r = read(out_pipe[0], buf, sizeof buf);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		if (out && n > 1 && used < n - 1) {
			size_t take = (size_t)r < n - 1 - used ? (size_t)r : n - 1 - used;

			memcpy(out + used, buf, take);
			used += take;
			out[used] = '\0';
		}
	}
	/* The output closed: the child is exiting; wait with the same deadline. */
	for (;;) {
		pid_t w = waitpid(pid, &status, WNOHANG);
		struct timespec ts = { 0, 5 * 1000 * 1000 };

		if (w == pid)
			break;
		if (w < 0 && errno != EINTR)
			goto out;
		if (tc_now_ms() > deadline) {
			kill(pid, SIGKILL);
			waitpid(pid, &status, 0);
			break;
		}
		nanosleep(&ts, NULL);
	}
	if (WIFEXITED(status))
		rc = WEXITSTATUS(status);
	else if (WIFSIGNALED(status))
		rc = 128 + WTERMSIG(status);
out:
	for (int i = 0; i < 2; i++) {
		if (in_pipe[i] >= 0)
			close(in_pipe[i]);
		if (out_pipe[i] >= 0)
			close(out_pipe[i]);
	}
	return rc;
}

/* ================================================================ fixture */

static void path_join(char *dst, size_t n, const char *dir, const char *name)
{
	if (bbs_snprintf(dst, n, "%s/%s", dir, name) != 0)
		tc_fail("path too long: %s/%s", dir, name);
}

static void env_path(char *dst, size_t n, const char *var)
{
	const char *v = getenv(var);

	if (!v || !*v)
		tc_fail("environment variable %s (path of the program) is not set", var);
	if (bbs_strlcpy(dst, v, n) >= n)
		tc_fail("%s too long", var);
}

void tc_fixture_init(struct tc_fixture *fx, int timeout_s)
{
	const char *tmp = getenv("TMPDIR");
	char out[4096];
	struct sigaction sa;
	int rc;

	memset(fx, 0, sizeof *fx);
	setvbuf(stderr, NULL, _IOLBF, 0);
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_fatal_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGALRM, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	/* An inherited SIG_IGN for SIGCHLD would make waitpid() fail with ECHILD (children
	 * reaped behind our back), and an inherited mask could hide SIGALRM: reset both. */
	signal(SIGCHLD, SIG_DFL);
	{
		sigset_t none;

		sigemptyset(&none);
		sigprocmask(SIG_SETMASK, &none, NULL);
	}
	/* Processes orphaned by bbsd (a UI that outlived its session) re-parent to us. */
	if (prctl(PR_SET_CHILD_SUBREAPER, 1) != 0)
		tc_fail("prctl(PR_SET_CHILD_SUBREAPER): %s", strerror(errno));
	if (timeout_s > 0)
		alarm((unsigned)timeout_s);

	env_path(fx->bbsd, sizeof fx->bbsd, "BBSD");
	env_path(fx->bbsctl, sizeof fx->bbsctl, "BBSCTL");
	env_path(fx->bbs, sizeof fx->bbs, "BBS");
	if (bbs_snprintf(fx->dir, sizeof fx->dir, "%s/bbs-e2e-XXXXXX",
			tmp && *tmp ? tmp : "/tmp") != 0 || !mkdtemp(fx->dir))
		tc_fail("mkdtemp: %s", strerror(errno));
	g_fx = fx;
	g_owner = getpid();
	path_join(fx->log, sizeof fx->log, fx->dir, "bbsd.log");
	path_join(fx->hostkey, sizeof fx->hostkey, fx->dir, "ssh_host_ed25519_key");

	{
		char *argv[] = { fx->bbsctl, "-d", fx->dir, "init", NULL };

		rc = tc_run(argv, NULL, out, sizeof out, 60000);
	}
	if (rc != 0)
		tc_fail("bbsctl -d %s init: status %d, output:\n%s", fx->dir, rc, out);
	if (access(fx->hostkey, R_OK) != 0)
		tc_fail("bbsctl init made no %s: %s", fx->hostkey, strerror(errno));
}

int tc_fixture_user_add(struct tc_fixture *fx, const char *name, const char *role,
	const char *password, const char *pubkey_file)
{
	char *argv[12];
	char out[4096], input[BBS_PASSWORD_MAX + 2];
	int i = 0, rc;

	argv[i++] = fx->bbsctl;
	argv[i++] = "-d";
	argv[i++] = fx->dir;
	argv[i++] = "user";
	argv[i++] = "add";
	argv[i++] = (char *)name;
	argv[i++] = "--role";
	argv[i++] = (char *)role;
	if (password)
		argv[i++] = "--password-stdin";
	if (pubkey_file) {
		argv[i++] = "--key";
		argv[i++] = (char *)pubkey_file;
	}
	argv[i] = NULL;
	if (password && bbs_snprintf(input, sizeof input, "%s\n", password) != 0)
		return -1;
	rc = tc_run(argv, password ? input : NULL, out, sizeof out, 60000);
	if (rc != 0)
		tc_note("bbsctl user add %s: status %d: %s", name, rc, out);
	return rc;
}

int tc_fixture_user_disable(struct tc_fixture *fx, const char *name)
{
	char *argv[] = { fx->bbsctl, "-d", fx->dir, "user", "disable", (char *)name, NULL };
	char out[4096];
	int rc = tc_run(argv, NULL, out, sizeof out, 60000);

	if (rc != 0)
		tc_note("bbsctl user disable %s: status %d: %s", name, rc, out);
	return rc;
}

void tc_fixture_keygen(struct tc_fixture *fx, const char *name, char *path, size_t n)
{
	char out[4096];
	int rc;

	path_join(path, n, fx->dir, name);
	{
		char *argv[] = { "ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C",
			(char *)name, "-f", path, NULL };

		rc = tc_run(argv, NULL, out, sizeof out, 30000);
	}
	if (rc != 0)
		tc_fail("ssh-keygen -f %s: status %d: %s", path, rc, out);
}

static int read_port_file(const char *path)
{
	char buf[32];
	ssize_t r;
	char *end;
	long v;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return 0;
	r = read(fd, buf, sizeof buf - 1);
	close(fd);
	if (r <= 0)
		return 0;
	buf[r] = '\0';
	errno = 0;
	v = strtol(buf, &end, 10);
	if (errno || end == buf || v <= 0 || v > 65535)
		return 0;
	while (*end == '\n' || *end == ' ' || *end == '\r')
		end++;
	return *end == '\0' ? (int)v : 0;
}

bool tc_fixture_alive(struct tc_fixture *fx)
{
	int status;

	if (fx->bbsd_pid <= 0)
		return false;
	if (waitpid(fx->bbsd_pid, &status, WNOHANG) == fx->bbsd_pid) {
		tc_note("bbsd (pid %d) exited: %s %d", (int)fx->bbsd_pid,
			WIFEXITED(status) ? "status" : "signal",
			WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status));
		fx->bbsd_pid = 0;
		return false;
	}
	return true;
}

void tc_fixture_start(struct tc_fixture *fx)
{
	tc_fixture_start_conf(fx, NULL);
}

void tc_fixture_start_conf(struct tc_fixture *fx, const char *conf_text)
{
	char port_path[TC_PATH_MAX], conf[TC_PATH_MAX];
	int64_t deadline;
	pid_t pid;

	path_join(port_path, sizeof port_path, fx->dir, "bbsd.port");
	path_join(conf, sizeof conf, fx->dir, "bbsd.conf");
	if (conf_text) {
		FILE *f = fopen(conf, "w");
		if (!f || fputs(conf_text, f) == EOF || fclose(f) != 0)
			tc_fail("cannot write %s", conf);
	}
	pid = fork();
	if (pid < 0)
		tc_fail("fork: %s", strerror(errno));
	if (pid == 0) {
		char *plain[] = { fx->bbsd, "-d", fx->dir, "-l", "127.0.0.1", "-p", "0", "-D", NULL };
		char *with_conf[] = { fx->bbsd, "-f", conf, "-d", fx->dir, "-l", "127.0.0.1", "-p",
			"0", "-D", NULL };
		int logfd, nul;

		child_setup();
		logfd = open(fx->log, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
		nul = open("/dev/null", O_RDONLY | O_CLOEXEC);
		if (logfd < 0 || nul < 0 || dup2(nul, 0) < 0 || dup2(logfd, 1) < 0 ||
		    dup2(logfd, 2) < 0)
			_exit(127);
		exec_argv(conf_text ? with_conf : plain);
	}
	fx->bbsd_pid = pid;
	deadline = tc_now_ms() + TC_WAIT_MS;
	for (;;) {
		struct timespec ts = { 0, 10 * 1000 * 1000 };

		fx->port = read_port_file(port_path);
		if (fx->port > 0)
			break;
		if (!tc_fixture_alive(fx))
			tc_fail("bbsd exited before it was listening");
		if (tc_now_ms() > deadline)
			tc_fail("bbsd wrote no port to %s within %d ms", port_path, TC_WAIT_MS);
		nanosleep(&ts, NULL);   /* polling interval, not a fixed wait */
	}
	tc_note("bbsd pid %d listening on 127.0.0.1:%d, dir %s", (int)pid, fx->port, fx->dir);
}

int tc_fixture_stop(struct tc_fixture *fx)
{
	int status = -1;
	int64_t deadline;

	if (fx->bbsd_pid <= 0)
		return -1;
	kill(fx->bbsd_pid, SIGTERM);
	deadline = tc_now_ms() + 5000;
	for (;;) {
		struct timespec ts = { 0, 5 * 1000 * 1000 };
		pid_t w = waitpid(fx->bbsd_pid, &status, WNOHANG);

		if (w == fx->bbsd_pid)
			break;
		/* Not waitable (should not happen): judge by kill(0), never give up silently. */
		if (w < 0 && errno != EINTR && kill(fx->bbsd_pid, 0) != 0) {
			status = -1;
			break;
		}
		if (tc_now_ms() > deadline) {
			tc_note("bbsd did not exit on SIGTERM within 5 s; SIGKILL");
			kill(fx->bbsd_pid, SIGKILL);
			waitpid(fx->bbsd_pid, &status, 0);
			break;
		}
		nanosleep(&ts, NULL);
	}
	fx->bbsd_pid = 0;
	return status;
}

static int rm_entry(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)sb;
	(void)flag;
	(void)ftw;
	if (remove(path) != 0)
		fprintf(stderr, "remove %s: %s\n", path, strerror(errno));
	return 0;
}

void tc_fixture_finish(struct tc_fixture *fx)
{
	if (!fx || getpid() != g_owner)
		return;
	if (fx->bbsd_pid > 0) {
		pid_t pids[64];
		int n;

		tc_fixture_stop(fx);
		/*
		 * A stopped bbsd must leave no session or UI behind. Any that remain were started
		 * by our bbsd (they re-parent to us, the subreaper): report them as a failure and
		 * kill them, so no test leaves processes on the machine.
		 */
		if (tc_fixture_wait_no_leftovers(fx, NULL, 0, 5000) > 0) {
			n = tc_fixture_leftovers(fx, NULL, 0, pids, 64);
			fprintf(stderr, "FAIL: %d processes of bbsd are left after it stopped:\n", n);
			tc_print_procs(pids, n < 64 ? n : 64);
			tc_fixture_dump_log(fx);
			g_failures++;
			for (int i = 0; i < n && i < 64; i++)
				kill(pids[i], SIGKILL);
			tc_fixture_wait_no_leftovers(fx, NULL, 0, 5000);
		}
	}
	if (fx->dir[0]) {
		if (getenv("E2E_KEEP"))
			tc_note("kept %s", fx->dir);
		else
			nftw(fx->dir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
		fx->dir[0] = '\0';
	}
	if (g_fx == fx)
		g_fx = NULL;
}

char *tc_fixture_read_log(const struct tc_fixture *fx, size_t *n)
{
	size_t cap = 4 * 1024 * 1024, len = 0;
	char *buf = xmalloc(cap + 1);
	int fd = open(fx->log, O_RDONLY | O_CLOEXEC);

	if (fd >= 0) {
		ssize_t r;

		while (len < cap && (r = read(fd, buf + len, cap - len)) > 0)
			len += (size_t)r;
		close(fd);
	}
	buf[len] = '\0';
	if (n)
		*n = len;
	return buf;
}

void tc_fixture_dump_log(const struct tc_fixture *fx)
{
	char buf[4096];
	ssize_t r;
	size_t total = 0;
	int fd;

	if (!fx->log[0])
		return;
	fd = open(fx->log, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return;
	fprintf(stderr, "----- bbsd log %s -----\n", fx->log);
	/* Bounded: a flood test may make a long log. */
	while (total < 256 * 1024 && (r = read(fd, buf, sizeof buf)) > 0) {
		fwrite(buf, 1, (size_t)r, stderr);
		total += (size_t)r;
	}
	fprintf(stderr, "----- end of bbsd log -----\n");
	close(fd);
}

void tc_fixture_standard(struct tc_fixture *fx, struct tc_users *u, int timeout_s)
{
	char pub[TC_PATH_MAX + 8];

	tc_fixture_init(fx, timeout_s);
	tc_fixture_keygen(fx, "sysop_key", u->sysop_key, sizeof u->sysop_key);
	tc_fixture_keygen(fx, "alice_key", u->alice_key, sizeof u->alice_key);
	tc_fixture_keygen(fx, "bob_key", u->bob_key, sizeof u->bob_key);
	if (bbs_snprintf(pub, sizeof pub, "%s.pub", u->sysop_key) != 0 ||
	    tc_fixture_user_add(fx, "sysop", "sysop", TC_PASSWORD, pub) != 0)
		tc_fail("bbsctl user add sysop failed");
	if (bbs_snprintf(pub, sizeof pub, "%s.pub", u->alice_key) != 0 ||
	    tc_fixture_user_add(fx, "alice", "member", TC_PASSWORD, pub) != 0)
		tc_fail("bbsctl user add alice failed");
	if (bbs_snprintf(pub, sizeof pub, "%s.pub", u->bob_key) != 0 ||
	    tc_fixture_user_add(fx, "bob", "member", TC_PASSWORD, pub) != 0)
		tc_fail("bbsctl user add bob failed");
	if (tc_fixture_user_disable(fx, "bob") != 0)
		tc_fail("bbsctl user disable bob failed");
	tc_fixture_start(fx);
}

/* One process from /proc. */
struct proc {
	pid_t pid, ppid;
	char state;
	bool keeper;   /* bbsd's store keeper (keeper.c names it) */
};

/* Reads all processes (bounded); returns the count. */
static int proc_scan(struct proc *ps, int max)
{
	DIR *d = opendir("/proc");
	struct dirent *de;
	int n = 0;

	if (!d)
		return 0;
	while (n < max && (de = readdir(d)) != NULL) {
		char path[64], buf[512], *p;
		ssize_t r;
		int fd, ppid;
		char state;

		if (de->d_name[0] < '0' || de->d_name[0] > '9')
			continue;
		if (bbs_snprintf(path, sizeof path, "/proc/%s/stat", de->d_name) != 0)
			continue;
		fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			continue;
		r = read(fd, buf, sizeof buf - 1);
		close(fd);
		if (r <= 0)
			continue;
		buf[r] = '\0';
		/* "pid (comm) S ppid ...": comm may hold spaces and parens, so take the last ')'. */
		p = strrchr(buf, ')');
		if (!p || sscanf(p + 1, " %c %d", &state, &ppid) != 2)
			continue;
		ps[n].pid = (pid_t)atoi(de->d_name);
		ps[n].ppid = (pid_t)ppid;
		ps[n].state = state;
		ps[n].keeper = strncmp(strchr(buf, '(') ? strchr(buf, '(') : buf,
			"(" TC_KEEPER_NAME ")", sizeof TC_KEEPER_NAME + 1) == 0;
		n++;
	}
	closedir(d);
	return n;
}

static bool pid_in(pid_t pid, const pid_t *set, int n)
{
	for (int i = 0; i < n; i++)
		if (set[i] == pid)
			return true;
	return false;
}

int tc_fixture_leftovers(struct tc_fixture *fx, const pid_t *ignore, int n_ignore,
	pid_t *pids, int max)
{
	enum { MAXP = 8192 };
	struct proc *ps = xcalloc(MAXP, sizeof *ps);
	pid_t *roots = xcalloc(MAXP, sizeof *roots);
	bool *mark = xcalloc(MAXP, sizeof *mark);
	int n = proc_scan(ps, MAXP), count = 0, nroots = 0;
	pid_t self = getpid();
	bool grew = true;

	/* Roots: bbsd, and our own children that are neither bbsd nor ignored (orphans). */
	for (int i = 0; i < n; i++) {
		if (ps[i].pid == fx->bbsd_pid && fx->bbsd_pid > 0)
			continue;
		if (ps[i].ppid == self && !pid_in(ps[i].pid, ignore, n_ignore)) {
			if (ps[i].state == 'Z') {
				waitpid(ps[i].pid, NULL, WNOHANG);   /* reap an orphaned zombie */
				continue;
			}
			mark[i] = true;
		}
	}
	if (fx->bbsd_pid > 0)
		roots[nroots++] = fx->bbsd_pid;
	/* Transitive closure over ppid; bbsd's store keeper is not left behind while bbsd runs. */
	while (grew) {
		grew = false;
		for (int i = 0; i < n; i++) {
			if (mark[i] || (ps[i].keeper && ps[i].ppid == fx->bbsd_pid && fx->bbsd_pid > 0))
				continue;
			for (int j = 0; j < n; j++) {
				if (mark[j] && ps[j].pid == ps[i].ppid) {
					mark[i] = grew = true;
					break;
				}
			}
			if (!mark[i] && pid_in(ps[i].ppid, roots, nroots))
				mark[i] = grew = true;
		}
	}
	for (int i = 0; i < n; i++) {
		if (!mark[i] || ps[i].state == 'Z')
			continue;
		if (pids && count < max)
			pids[count] = ps[i].pid;
		count++;
	}
	free(ps);
	free(roots);
	free(mark);
	return count;
}

int tc_fixture_wait_no_leftovers(struct tc_fixture *fx, const pid_t *ignore, int n_ignore,
	int ms)
{
	int64_t deadline = tc_now_ms() + ms;
	int count;

	for (;;) {
		struct timespec ts = { 0, 20 * 1000 * 1000 };

		count = tc_fixture_leftovers(fx, ignore, n_ignore, NULL, 0);
		if (count == 0 || tc_now_ms() > deadline)
			return count;
		nanosleep(&ts, NULL);   /* polling interval */
	}
}

int tc_proc_winsize(pid_t pid, int *cols, int *rows)
{
	char path[64];
	struct winsize ws;
	int fd, rc;

	*cols = *rows = -1;
	if (bbs_snprintf(path, sizeof path, "/proc/%d/fd/0", (int)pid) != 0)
		return -1;
	/* O_NOCTTY: looking at the pty must not make it our controlling terminal. */
	fd = open(path, O_RDONLY | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0)
		return -1;
	rc = ioctl(fd, TIOCGWINSZ, &ws);
	close(fd);
	if (rc != 0)
		return -1;
	*cols = ws.ws_col;
	*rows = ws.ws_row;
	return 0;
}

void tc_fixture_print_ui_sizes(struct tc_fixture *fx)
{
	char want[PATH_MAX];
	pid_t pids[64];
	int n = tc_fixture_leftovers(fx, NULL, 0, pids, 64);

	if (!realpath(fx->bbs, want))
		return;
	for (int i = 0; i < n && i < 64; i++) {
		char path[64], exe[PATH_MAX];
		ssize_t r;
		int cols, rows;

		if (bbs_snprintf(path, sizeof path, "/proc/%d/exe", (int)pids[i]) != 0)
			continue;
		r = readlink(path, exe, sizeof exe - 1);
		if (r <= 0)
			continue;
		exe[r] = '\0';
		if (strcmp(exe, want) != 0)
			continue;
		if (tc_proc_winsize(pids[i], &cols, &rows) == 0)
			fprintf(stderr, "  bbs pid %d: its pty is %dx%d\n", (int)pids[i], cols, rows);
		else
			fprintf(stderr, "  bbs pid %d: pty size unknown (%s)\n", (int)pids[i],
				strerror(errno));
	}
}

void tc_print_procs(const pid_t *pids, int n)
{
	for (int i = 0; i < n; i++) {
		char path[64], exe[TC_PATH_MAX], comm[64] = "?";
		ssize_t r;
		int fd;

		if (bbs_snprintf(path, sizeof path, "/proc/%d/comm", (int)pids[i]) == 0 &&
		    (fd = open(path, O_RDONLY | O_CLOEXEC)) >= 0) {
			r = read(fd, comm, sizeof comm - 1);
			comm[r > 0 ? r : 0] = '\0';
			comm[strcspn(comm, "\n")] = '\0';
			close(fd);
		}
		exe[0] = '\0';
		if (bbs_snprintf(path, sizeof path, "/proc/%d/exe", (int)pids[i]) == 0) {
			r = readlink(path, exe, sizeof exe - 1);
			exe[r > 0 ? r : 0] = '\0';
		}
		fprintf(stderr, "  pid %d comm %s exe %s\n", (int)pids[i], comm, exe);
	}
}

/* ================================================================ screen */

struct tc_screen {
	VTerm *vt;
	VTermScreen *vs;
	int cols, rows;
	struct tc_screen_events ev;
};

/*
 * What a hostile byte stream could do besides drawing: change the window title or icon
 * name (settermprop), or pass an OSC/DCS that libvterm does not handle itself (OSC 52
 * clipboard writes, among others) to the fallbacks. Counted so tests can assert none came.
 */
static void keep_string(char *dst, size_t n, const char *s, size_t len)
{
	if (n == 0)
		return;
	if (len > n - 1)
		len = n - 1;
	memcpy(dst, s, len);
	dst[len] = '\0';
}

static int on_settermprop(VTermProp prop, VTermValue *val, void *user)
{
	struct tc_screen *sc = user;

	if (prop == VTERM_PROP_TITLE || prop == VTERM_PROP_ICONNAME) {
		sc->ev.titles++;
		if (val && val->string)
			keep_string(sc->ev.title, sizeof sc->ev.title, val->string,
				strlen(val->string));
	}
	return 1;
}

static int on_osc(const char *command, size_t cmdlen, void *user)
{
	struct tc_screen *sc = user;

	sc->ev.oscs++;
	keep_string(sc->ev.osc, sizeof sc->ev.osc, command, cmdlen);
	return 1;
}

static int on_dcs(const char *command, size_t cmdlen, void *user)
{
	struct tc_screen *sc = user;

	(void)command;
	(void)cmdlen;
	sc->ev.dcss++;
	return 1;
}

static const VTermScreenCallbacks screen_cbs = {
	.settermprop = on_settermprop,
};

static const VTermParserCallbacks fallback_cbs = {
	.osc = on_osc,
	.dcs = on_dcs,
};

/* Terminal answers (device attributes, cursor reports) go nowhere: we answer nothing. */
static void discard_output(const char *s, size_t len, void *user)
{
	(void)s;
	(void)len;
	(void)user;
}

struct tc_screen *tc_screen_create(int cols, int rows)
{
	struct tc_screen *sc = xcalloc(1, sizeof *sc);

	sc->vt = vterm_new(rows, cols);
	if (!sc->vt)
		tc_fail("vterm_new(%d, %d) failed", rows, cols);
	vterm_set_utf8(sc->vt, 1);
	vterm_output_set_callback(sc->vt, discard_output, NULL);
	sc->vs = vterm_obtain_screen(sc->vt);
	/* ncurses switches to the alternate screen (smcup); render it like xterm does. */
	vterm_screen_enable_altscreen(sc->vs, 1);
	vterm_screen_set_callbacks(sc->vs, &screen_cbs, sc);
	vterm_screen_set_unrecognised_fallbacks(sc->vs, &fallback_cbs, sc);
	vterm_screen_reset(sc->vs, 1);
	sc->cols = cols;
	sc->rows = rows;
	return sc;
}

void tc_screen_destroy(struct tc_screen *sc)
{
	if (!sc)
		return;
	vterm_free(sc->vt);
	free(sc);
}

void tc_screen_feed(struct tc_screen *sc, const char *bytes, size_t n)
{
	vterm_input_write(sc->vt, bytes, n);
	vterm_screen_flush_damage(sc->vs);
}

void tc_screen_resize(struct tc_screen *sc, int cols, int rows)
{
	vterm_set_size(sc->vt, rows, cols);
	vterm_screen_flush_damage(sc->vs);
	sc->cols = cols;
	sc->rows = rows;
}

void tc_screen_size(const struct tc_screen *sc, int *cols, int *rows)
{
	if (cols)
		*cols = sc->cols;
	if (rows)
		*rows = sc->rows;
}

static size_t utf8_put(char *dst, size_t room, uint32_t c)
{
	char tmp[4];
	size_t len;

	if (c < 0x80) {
		tmp[0] = (char)c;
		len = 1;
	} else if (c < 0x800) {
		tmp[0] = (char)(0xC0 | (c >> 6));
		tmp[1] = (char)(0x80 | (c & 0x3F));
		len = 2;
	} else if (c < 0x10000) {
		tmp[0] = (char)(0xE0 | (c >> 12));
		tmp[1] = (char)(0x80 | ((c >> 6) & 0x3F));
		tmp[2] = (char)(0x80 | (c & 0x3F));
		len = 3;
	} else if (c < 0x110000) {
		tmp[0] = (char)(0xF0 | (c >> 18));
		tmp[1] = (char)(0x80 | ((c >> 12) & 0x3F));
		tmp[2] = (char)(0x80 | ((c >> 6) & 0x3F));
		tmp[3] = (char)(0x80 | (c & 0x3F));
		len = 4;
	} else {
		tmp[0] = '?';
		len = 1;
	}
	if (len > room)
		return 0;
	memcpy(dst, tmp, len);
	return len;
}

/*
 * Renders row r into buf (size n) with trailing blanks kept; colstart[c] (when not NULL,
 * size cols + 1) gets the byte offset where column c starts. Returns the length.
 */
static size_t render_row(const struct tc_screen *sc, int r, char *buf, size_t n,
	size_t *colstart)
{
	size_t len = 0;

	if (n == 0)
		return 0;
	buf[0] = '\0';
	for (int c = 0; c < sc->cols; c++) {
		VTermScreenCell cell;
		VTermPos pos = { .row = r, .col = c };

		if (colstart)
			colstart[c] = len;
		if (!vterm_screen_get_cell(sc->vs, pos, &cell))
			continue;
		if (cell.chars[0] == (uint32_t)-1)
			continue;   /* right half of a double-width character */
		if (cell.chars[0] == 0) {
			len += utf8_put(buf + len, n - 1 - len, ' ');
			continue;
		}
		for (int i = 0; i < VTERM_MAX_CHARS_PER_CELL && cell.chars[i]; i++)
			len += utf8_put(buf + len, n - 1 - len, cell.chars[i]);
	}
	if (colstart)
		colstart[sc->cols] = len;
	buf[len] = '\0';
	return len;
}

char *tc_screen_row(const struct tc_screen *sc, int r, char *buf, size_t n)
{
	size_t len;

	if (n == 0)
		return buf;
	buf[0] = '\0';
	if (r < 0 || r >= sc->rows)
		return buf;
	len = render_row(sc, r, buf, n, NULL);
	while (len > 0 && buf[len - 1] == ' ')
		buf[--len] = '\0';
	return buf;
}

char *tc_screen_text(const struct tc_screen *sc)
{
	size_t rowmax = (size_t)sc->cols * 4 * VTERM_MAX_CHARS_PER_CELL + 2;
	size_t cap = rowmax * (size_t)sc->rows + 1, used = 0;
	char *text = xmalloc(cap);

	text[0] = '\0';
	for (int r = 0; r < sc->rows; r++) {
		tc_screen_row(sc, r, text + used, cap - used);
		used += strlen(text + used);
		if (r + 1 < sc->rows && used + 1 < cap) {
			text[used++] = '\n';
			text[used] = '\0';
		}
	}
	return text;
}

int tc_screen_find_in_row(const struct tc_screen *sc, int r, const char *text)
{
	size_t rowmax = (size_t)sc->cols * 4 * VTERM_MAX_CHARS_PER_CELL + 2;
	char *buf, *hit;
	size_t *colstart;
	int col = -1;

	if (r < 0 || r >= sc->rows)
		return -1;
	buf = xmalloc(rowmax);
	colstart = xcalloc((size_t)sc->cols + 1, sizeof *colstart);
	render_row(sc, r, buf, rowmax, colstart);
	hit = strstr(buf, text);
	if (hit) {
		size_t off = (size_t)(hit - buf);

		col = 0;
		while (col < sc->cols && colstart[col + 1] <= off)
			col++;
	}
	free(buf);
	free(colstart);
	return col;
}

int tc_screen_find(const struct tc_screen *sc, const char *text, int *col)
{
	if (col)
		*col = -1;
	for (int r = 0; r < sc->rows; r++) {
		int c = tc_screen_find_in_row(sc, r, text);

		if (c >= 0) {
			if (col)
				*col = c;
			return r;
		}
	}
	return -1;
}

bool tc_screen_cell(const struct tc_screen *sc, int row, int col, struct tc_cell *cell)
{
	VTermScreenCell vc;
	VTermPos pos = { .row = row, .col = col };
	size_t len = 0;

	memset(cell, 0, sizeof *cell);
	if (row < 0 || row >= sc->rows || col < 0 || col >= sc->cols)
		return false;
	if (!vterm_screen_get_cell(sc->vs, pos, &vc))
		return false;
	for (int i = 0; i < VTERM_MAX_CHARS_PER_CELL && vc.chars[i] &&
	     vc.chars[i] != (uint32_t)-1; i++)
		len += utf8_put(cell->text + len, sizeof cell->text - 1 - len, vc.chars[i]);
	cell->text[len] = '\0';
	cell->width = vc.width;
	cell->bold = vc.attrs.bold;
	cell->underline = vc.attrs.underline != 0;
	cell->reverse = vc.attrs.reverse;
	return true;
}

void tc_screen_events(const struct tc_screen *sc, struct tc_screen_events *out)
{
	*out = sc->ev;
}

void tc_screen_cursor(const struct tc_screen *sc, int *row, int *col)
{
	VTermPos pos;

	vterm_state_get_cursorpos(vterm_obtain_state(sc->vt), &pos);
	if (row)
		*row = pos.row;
	if (col)
		*col = pos.col;
}

void tc_screen_print(const struct tc_screen *sc, const char *title)
{
	size_t rowmax = (size_t)sc->cols * 4 * VTERM_MAX_CHARS_PER_CELL + 2;
	char *buf = xmalloc(rowmax);

	fprintf(stderr, "----- screen %dx%d%s%s -----\n", sc->cols, sc->rows,
		title ? ": " : "", title ? title : "");
	for (int r = 0; r < sc->rows; r++) {
		char marks[8] = "";

		/* Mark rows that show reverse video, where a menu highlight would be. */
		for (int c = 0; c < sc->cols; c++) {
			struct tc_cell cell;

			if (tc_screen_cell(sc, r, c, &cell) && cell.reverse) {
				bbs_strlcpy(marks, "R", sizeof marks);
				break;
			}
		}
		render_row(sc, r, buf, rowmax, NULL);
		fprintf(stderr, "%2d%-1s|%s|\n", r, marks, buf);
	}
	fprintf(stderr, "----- end of screen -----\n");
	free(buf);
}

/* ================================================================ client */

#define TC_OUTPUT_MAX (1024 * 1024)

struct tc {
	ssh_session s;
	ssh_channel ch;
	struct tc_screen *sc;
	uint64_t bytes;
	char *out;              /* everything received, bounded by TC_OUTPUT_MAX */
	size_t out_len;
	char err[512];
	char prompts[512];
	bool dropped;
};

static void keep_error(struct tc *tc)
{
	bbs_strlcpy(tc->err, ssh_get_error(tc->s), sizeof tc->err);
}

/* The compression list tc_connect offers ("" : libssh's default); see tc_set_compression. */
static char tc_compression[128];

void tc_set_compression(const char *algs)
{
	bbs_strlcpy(tc_compression, algs ? algs : "", sizeof tc_compression);
}

struct tc *tc_connect(const struct tc_fixture *fx, const char *user, const char *bind_addr,
	const char *expect_hostkey, char *err, size_t n)
{
	struct tc *tc = xcalloc(1, sizeof *tc);
	ssh_key srv = NULL, want = NULL;
	unsigned int port = (unsigned int)fx->port;
	long timeout = 10;
	bool no = false;
	int verbosity = getenv("E2E_SSH_VERBOSE") ? SSH_LOG_PROTOCOL : SSH_LOG_NOLOG;
	const char *keyfile = expect_hostkey ? expect_hostkey : fx->hostkey;

	if (n)
		err[0] = '\0';
	tc->s = ssh_new();
	if (!tc->s) {
		bbs_strlcpy(err, "ssh_new failed", n);
		goto fail;
	}
	if (ssh_options_set(tc->s, SSH_OPTIONS_PROCESS_CONFIG, &no) < 0 ||
	    ssh_options_set(tc->s, SSH_OPTIONS_HOST, "127.0.0.1") < 0 ||
	    ssh_options_set(tc->s, SSH_OPTIONS_PORT, &port) < 0 ||
	    ssh_options_set(tc->s, SSH_OPTIONS_USER, user) < 0 ||
	    ssh_options_set(tc->s, SSH_OPTIONS_HOSTKEYS, "ssh-ed25519") < 0 ||
	    ssh_options_set(tc->s, SSH_OPTIONS_KNOWNHOSTS, "/dev/null") < 0 ||
	    ssh_options_set(tc->s, SSH_OPTIONS_GLOBAL_KNOWNHOSTS, "/dev/null") < 0 ||
	    ssh_options_set(tc->s, SSH_OPTIONS_TIMEOUT, &timeout) < 0 ||
	    ssh_options_set(tc->s, SSH_OPTIONS_LOG_VERBOSITY, &verbosity) < 0 ||
	    (bind_addr && ssh_options_set(tc->s, SSH_OPTIONS_BINDADDR, bind_addr) < 0) ||
	    (tc_compression[0] &&
	     ssh_options_set(tc->s, SSH_OPTIONS_COMPRESSION, tc_compression) < 0)) {
		snprintf(err, n, "ssh_options_set: %s", ssh_get_error(tc->s));
		goto fail;
	}
	if (ssh_connect(tc->s) != SSH_OK) {
		snprintf(err, n, "ssh_connect: %s", ssh_get_error(tc->s));
		goto fail;
	}
	/* Pin the host key: it must be the public half of the fixture's ed25519 key. */
	if (ssh_get_server_publickey(tc->s, &srv) != SSH_OK) {
		snprintf(err, n, "no server host key: %s", ssh_get_error(tc->s));
		goto fail;
	}
	if (ssh_pki_import_privkey_file(keyfile, NULL, NULL, NULL, &want) != SSH_OK) {
		snprintf(err, n, "cannot import expected host key %s", keyfile);
		goto fail;
	}
	if (ssh_key_cmp(srv, want, SSH_KEY_CMP_PUBLIC) != 0) {
		snprintf(err, n, "host key mismatch: server sent a %s key that is not %s",
			ssh_key_type_to_char(ssh_key_type(srv)), keyfile);
		goto fail;
	}
	ssh_key_free(srv);
	ssh_key_free(want);
	return tc;
fail:
	ssh_key_free(srv);
	ssh_key_free(want);
	tc_close(tc);
	return NULL;
}

int tc_auth_password(struct tc *tc, const char *password)
{
	int rc = ssh_userauth_password(tc->s, NULL, password);

	keep_error(tc);
	return rc;
}

int tc_auth_none(struct tc *tc)
{
	int rc = ssh_userauth_none(tc->s, NULL);

	keep_error(tc);
	return rc;
}

int tc_auth_pubkey(struct tc *tc, const char *keyfile)
{
	ssh_key key = NULL;
	int rc;

	if (ssh_pki_import_privkey_file(keyfile, NULL, NULL, NULL, &key) != SSH_OK) {
		snprintf(tc->err, sizeof tc->err, "cannot import %s", keyfile);
		return SSH_AUTH_ERROR;
	}
	rc = ssh_userauth_publickey(tc->s, NULL, key);
	keep_error(tc);
	ssh_key_free(key);
	return rc;
}

int tc_auth_pubkey_probe(struct tc *tc, const char *keyfile)
{
	ssh_key key = NULL, pub = NULL;
	int rc;

	if (ssh_pki_import_privkey_file(keyfile, NULL, NULL, NULL, &key) != SSH_OK ||
	    ssh_pki_export_privkey_to_pubkey(key, &pub) != SSH_OK) {
		snprintf(tc->err, sizeof tc->err, "cannot import %s", keyfile);
		ssh_key_free(key);
		return SSH_AUTH_ERROR;
	}
	rc = ssh_userauth_try_publickey(tc->s, NULL, pub);
	keep_error(tc);
	ssh_key_free(pub);
	ssh_key_free(key);
	return rc;
}

int tc_auth_kbdint_noprompt(struct tc *tc)
{
	int rc = tc_auth_kbdint(tc, "");

	if (rc == SSH_AUTH_SUCCESS && tc->prompts[0] != '\0')
		return SSH_AUTH_ERROR;
	return rc;
}

int tc_auth_kbdint(struct tc *tc, const char *password)
{
	int rc, rounds = 0;

	tc->prompts[0] = '\0';
	rc = ssh_userauth_kbdint(tc->s, NULL, NULL);
	while (rc == SSH_AUTH_INFO && rounds++ < 10) {
		int np = ssh_userauth_kbdint_getnprompts(tc->s);

		for (int i = 0; i < np; i++) {
			char echo = 0;
			const char *p = ssh_userauth_kbdint_getprompt(tc->s, (unsigned)i, &echo);
			size_t used = strlen(tc->prompts);

			if (used && used + 1 < sizeof tc->prompts)
				tc->prompts[used++] = '|';
			bbs_strlcpy(tc->prompts + used, p ? p : "", sizeof tc->prompts - used);
			if (ssh_userauth_kbdint_setanswer(tc->s, (unsigned)i, password) < 0) {
				keep_error(tc);
				return SSH_AUTH_ERROR;
			}
		}
		rc = ssh_userauth_kbdint(tc->s, NULL, NULL);
	}
	keep_error(tc);
	return rc;
}

const char *tc_kbdint_prompts(const struct tc *tc)
{
	return tc->prompts;
}

const char *tc_error(const struct tc *tc)
{
	return tc->err;
}

int tc_auth_methods(struct tc *tc)
{
	int rc = ssh_userauth_none(tc->s, NULL);

	keep_error(tc);
	if (rc == SSH_AUTH_ERROR)
		return -1;
	return ssh_userauth_list(tc->s, NULL);
}

int tc_open_channel_only(struct tc *tc)
{
	tc->ch = ssh_channel_new(tc->s);
	if (!tc->ch) {
		keep_error(tc);
		return -1;
	}
	if (ssh_channel_open_session(tc->ch) != SSH_OK) {
		keep_error(tc);
		ssh_channel_free(tc->ch);
		tc->ch = NULL;
		return -1;
	}
	return 0;
}

int tc_open_shell(struct tc *tc, bool pty, const char *term, int cols, int rows)
{
	int scols = cols, srows = rows;

	if (!pty) {
		scols = 80;
		srows = 24;
	}
	/* A hostile size (0, or absurd) goes to the server as is; the local screen is bounded. */
	scols = scols < 1 ? 1 : scols > 1000 ? 1000 : scols;
	srows = srows < 1 ? 1 : srows > 1000 ? 1000 : srows;
	tc_screen_destroy(tc->sc);
	tc->sc = tc_screen_create(scols, srows);
	if (tc_open_channel_only(tc) != 0)
		return -1;
	if (pty && ssh_channel_request_pty_size(tc->ch, term, cols, rows) != SSH_OK) {
		keep_error(tc);
		return -1;
	}
	if (ssh_channel_request_shell(tc->ch) != SSH_OK) {
		keep_error(tc);
		return -1;
	}
	return 0;
}

int tc_open_exec(struct tc *tc, const char *command)
{
	tc_screen_destroy(tc->sc);
	tc->sc = tc_screen_create(80, 24);
	if (tc_open_channel_only(tc) != 0)
		return -1;
	if (ssh_channel_request_exec(tc->ch, command) != SSH_OK) {
		keep_error(tc);
		return -1;
	}
	return 0;
}

static struct tc *login(const struct tc_fixture *fx, const char *user, const char *password,
	const char *keyfile, const char *term, int cols, int rows)
{
	char err[512];
	struct tc *tc = tc_connect(fx, user, NULL, NULL, err, sizeof err);
	int rc;

	if (!tc)
		tc_fail("connect as %s: %s", user, err);
	rc = keyfile ? tc_auth_pubkey(tc, keyfile) : tc_auth_password(tc, password);
	if (rc != SSH_AUTH_SUCCESS)
		tc_fail("%s auth as %s: rc %d (%s)", keyfile ? "publickey" : "password", user, rc,
			tc_error(tc));
	if (tc_open_shell(tc, true, term, cols, rows) != 0)
		tc_fail("shell for %s: %s", user, tc_error(tc));
	return tc;
}

struct tc *tc_login_password(const struct tc_fixture *fx, const char *user,
	const char *password, const char *term, int cols, int rows)
{
	return login(fx, user, password, NULL, term, cols, rows);
}

struct tc *tc_login_key(const struct tc_fixture *fx, const char *user, const char *keyfile,
	const char *term, int cols, int rows)
{
	return login(fx, user, NULL, keyfile, term, cols, rows);
}

struct tc *tc_login_visitor(const struct tc_fixture *fx, const char *user, const char *keyfile,
	const char *term, int cols, int rows)
{
	char err[512];
	struct tc *tc = tc_connect(fx, user, NULL, NULL, err, sizeof err);
	int rc;

	if (!tc)
		tc_fail("connect as %s: %s", user, err);
	rc = keyfile ? tc_auth_pubkey(tc, keyfile) : tc_auth_kbdint_noprompt(tc);
	if (rc != SSH_AUTH_SUCCESS)
		tc_fail("%s auth as %s: rc %d (%s; prompts \"%s\")",
			keyfile ? "publickey" : "keyboard-interactive", user, rc, tc_error(tc),
			tc->prompts);
	if (tc_open_shell(tc, true, term, cols, rows) != 0)
		tc_fail("shell for %s: %s", user, tc_error(tc));
	return tc;
}

static void take(struct tc *tc, const char *buf, int n)
{
	tc->bytes += (uint64_t)n;
	if (!tc->out)
		tc->out = xcalloc(1, TC_OUTPUT_MAX + 1);
	if (tc->out_len < TC_OUTPUT_MAX) {
		size_t k = (size_t)n < TC_OUTPUT_MAX - tc->out_len ? (size_t)n :
			TC_OUTPUT_MAX - tc->out_len;

		memcpy(tc->out + tc->out_len, buf, k);
		tc->out_len += k;
		tc->out[tc->out_len] = '\0';
	}
	tc_screen_feed(tc->sc, buf, (size_t)n);
}

int tc_pump(struct tc *tc, int ms)
{
	char buf[16384];
	int total = 0, r;

	if (!tc->ch || tc->dropped)
		return -1;
	r = ssh_channel_read_timeout(tc->ch, buf, sizeof buf, 0, ms);
	if (r == SSH_ERROR) {
		keep_error(tc);
		return -1;
	}
	if (r > 0) {
		take(tc, buf, r);
		total += r;
		/* Drain what else is buffered without waiting. */
		while ((r = ssh_channel_read_nonblocking(tc->ch, buf, sizeof buf, 0)) > 0) {
			take(tc, buf, r);
			total += r;
		}
	}
	while ((r = ssh_channel_read_nonblocking(tc->ch, buf, sizeof buf, 1)) > 0) {
		take(tc, buf, r);
		total += r;
	}
	if (total == 0 && (ssh_channel_is_eof(tc->ch) || ssh_channel_is_closed(tc->ch)))
		return -1;
	return total;
}

int tc_send_n(struct tc *tc, const char *bytes, size_t n)
{
	size_t off = 0;

	if (!tc->ch || tc->dropped)
		return -1;
	while (off < n) {
		int w = ssh_channel_write(tc->ch, bytes + off, (uint32_t)(n - off));

		if (w == SSH_ERROR) {
			keep_error(tc);
			return -1;
		}
		off += (size_t)w;
	}
	return 0;
}

int tc_send(struct tc *tc, const char *bytes)
{
	return tc_send_n(tc, bytes, strlen(bytes));
}

bool tc_wait_pred(struct tc *tc, tc_pred *pred, void *arg, const char *what, int ms)
{
	int64_t deadline = tc_now_ms() + ms;
	const char *why = "deadline passed";

	for (;;) {
		int64_t left;

		if (tc->sc && pred(tc->sc, arg))
			return true;
		left = deadline - tc_now_ms();
		if (left <= 0)
			break;
		if (tc_pump(tc, left < 50 ? (int)left : 50) < 0) {
			if (tc->sc && pred(tc->sc, arg))
				return true;
			why = "channel closed";
			break;
		}
	}
	fprintf(stderr, "wait for %s failed after %d ms: %s\n", what, ms, why);
	if (tc->sc)
		tc_screen_print(tc->sc, what);
	return false;
}

static bool has_text(const struct tc_screen *sc, void *arg)
{
	return tc_screen_find(sc, arg, NULL) >= 0;
}

static bool lacks_text(const struct tc_screen *sc, void *arg)
{
	return tc_screen_find(sc, arg, NULL) < 0;
}

bool tc_wait_text(struct tc *tc, const char *text, int ms)
{
	char what[256];

	snprintf(what, sizeof what, "text \"%s\"", text);
	return tc_wait_pred(tc, has_text, (void *)text, what, ms);
}

bool tc_wait_gone(struct tc *tc, const char *text, int ms)
{
	char what[256];

	snprintf(what, sizeof what, "text \"%s\" to go", text);
	return tc_wait_pred(tc, lacks_text, (void *)text, what, ms);
}

bool tc_wait_quiet(struct tc *tc, int quiet_ms, int ms)
{
	int64_t start = tc_now_ms(), last = start;

	while (tc_now_ms() - start < ms) {
		int r = tc_pump(tc, 20);

		if (r < 0)
			return true;   /* closed: certainly quiet */
		if (r > 0)
			last = tc_now_ms();
		else if (tc_now_ms() - last >= quiet_ms)
			return true;
	}
	return false;
}

int tc_resize(struct tc *tc, int cols, int rows)
{
	if (!tc->ch || ssh_channel_change_pty_size(tc->ch, cols, rows) != SSH_OK) {
		if (tc->ch)
			keep_error(tc);
		return -1;
	}
	tc_screen_resize(tc->sc, cols, rows);
	return 0;
}

bool tc_wait_exit(struct tc *tc, int *status, int ms)
{
	int64_t deadline = tc_now_ms() + ms;
	bool closed = false;

	*status = -1;
	if (!tc->ch)
		return false;
	while (tc_now_ms() < deadline) {
		if (tc_pump(tc, 50) < 0) {
			closed = true;
			break;
		}
	}
	if (!closed) {
		fprintf(stderr, "channel did not close within %d ms\n", ms);
		if (tc->sc)
			tc_screen_print(tc->sc, "waiting for exit");
		return false;
	}
	/* bbsd sends exit-status before EOF, so this returns at once. */
	*status = ssh_channel_get_exit_status(tc->ch);
	return true;
}

const char *tc_output(const struct tc *tc, size_t *n)
{
	if (n)
		*n = tc->out_len;
	return tc->out ? tc->out : "";
}

struct tc_screen *tc_screen(struct tc *tc)
{
	return tc->sc;
}

uint64_t tc_bytes(const struct tc *tc)
{
	return tc->bytes;
}

int tc_fd(struct tc *tc)
{
	return ssh_get_fd(tc->s);
}

void tc_wire_bytes(struct tc *tc, uint64_t *rx, uint64_t *tx)
{
	struct tcp_info ti;
	socklen_t len = sizeof ti;

	*rx = *tx = 0;
	memset(&ti, 0, sizeof ti);
	/* The kernel's own counts of payload bytes on this TCP connection (Linux 4.1+): what
	 * the SSH packets cost on the wire, with padding, MACs and any compression. */
	if (getsockopt(ssh_get_fd(tc->s), IPPROTO_TCP, TCP_INFO, &ti, &len) == 0) {
		*rx = ti.tcpi_bytes_received;
		*tx = ti.tcpi_bytes_acked;
	}
}

void tc_drop(struct tc *tc)
{
	int fd = ssh_get_fd(tc->s), nul;
	struct linger lg = { .l_onoff = 1, .l_linger = 0 };

	if (fd < 0)
		return;
	/*
	 * Linger 0 makes the close send RST, the way a dead NAT or a killed client looks.
	 * dup2 closes the socket and leaves /dev/null on the same fd number, so libssh's own
	 * close later cannot hit an unrelated descriptor.
	 */
	setsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, sizeof lg);
	nul = open("/dev/null", O_RDWR | O_CLOEXEC);
	if (nul >= 0) {
		dup2(nul, fd);
		close(nul);
	} else {
		shutdown(fd, SHUT_RDWR);
	}
	tc->dropped = true;
}

void tc_close(struct tc *tc)
{
	if (!tc)
		return;
	if (tc->ch) {
		if (!tc->dropped && ssh_channel_is_open(tc->ch)) {
			ssh_channel_send_eof(tc->ch);
			ssh_channel_close(tc->ch);
		}
		ssh_channel_free(tc->ch);
	}
	if (tc->s) {
		if (!tc->dropped && ssh_is_connected(tc->s))
			ssh_disconnect(tc->s);
		ssh_free(tc->s);
	}
	tc_screen_destroy(tc->sc);
	free(tc->out);
	free(tc);
}

char *tc_row(struct tc *tc, int r, char *buf, size_t n)
{
	return tc_screen_row(tc->sc, r, buf, n);
}

int tc_find(struct tc *tc, const char *text, int *col)
{
	return tc_screen_find(tc->sc, text, col);
}

/* ================================================================ raw sockets */

int tc_raw_connect(int port, const char *bind_addr)
{
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port) };
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

	if (fd < 0)
		return -1;
	if (bind_addr) {
		struct sockaddr_in ba = { .sin_family = AF_INET };

		if (inet_pton(AF_INET, bind_addr, &ba.sin_addr) != 1 ||
		    bind(fd, (struct sockaddr *)&ba, sizeof ba) != 0) {
			close(fd);
			return -1;
		}
	}
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (connect(fd, (struct sockaddr *)&sa, sizeof sa) != 0) {
		close(fd);
		return -1;
	}
	return fd;
}

bool tc_raw_wait_closed(int fd, int ms, size_t *nread)
{
	int64_t deadline = tc_now_ms() + ms;

	if (nread)
		*nread = 0;
	for (;;) {
		struct pollfd pfd = { .fd = fd, .events = POLLIN };
		int64_t left = deadline - tc_now_ms();
		char buf[4096];
		ssize_t r;

		if (left <= 0)
			return false;
		if (poll(&pfd, 1, (int)left) <= 0)
			continue;
		r = recv(fd, buf, sizeof buf, 0);
		if (r == 0)
			return true;
		if (r < 0) {
			if (errno == EINTR || errno == EAGAIN)
				continue;
			return true;   /* ECONNRESET: closed by the server */
		}
		if (nread)
			*nread += (size_t)r;
	}
}

int tc_raw_read_line(int fd, char *buf, size_t n, int ms)
{
	int64_t deadline = tc_now_ms() + ms;
	size_t len = 0;

	if (n == 0)
		return -1;
	buf[0] = '\0';
	while (len + 1 < n) {
		struct pollfd pfd = { .fd = fd, .events = POLLIN };
		int64_t left = deadline - tc_now_ms();
		ssize_t r;

		if (left <= 0)
			return -1;
		if (poll(&pfd, 1, (int)left) <= 0)
			continue;
		/* One byte at a time: we must not consume past the line (the banner). */
		r = recv(fd, buf + len, 1, 0);
		if (r <= 0)
			return -1;
		len++;
		buf[len] = '\0';
		if (buf[len - 1] == '\n')
			return (int)len;
	}
	return (int)len;
}
