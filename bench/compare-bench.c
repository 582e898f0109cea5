/*
 * compare-bench: the portal against OpenSSH's sshd and dropbear, measured the same way.
 *
 * Each system is an SSH server on 127.0.0.1 whose session shows the same `bbs` UI for the
 * same portal user (bbsd execs it itself; sshd and dropbear run it as a forced command).
 * One load client, built on the e2e harness (libssh's client API + a libvterm screen),
 * measures for each system:
 *
 *   - login rate: connect, key exchange, public-key auth, pty + shell, until the main menu
 *     is drawn; at concurrency 1, 8 and 32 (logins/s, p50 and p99 time to the menu), and
 *     the server's CPU time per login (the listener's own plus its reaped descendants');
 *   - memory: PSS of the listener and all its descendants divided by the sessions held, at
 *     50 and 500 idle sessions, and the most sessions held at once (up to --max-sessions);
 *   - keystroke latency: `j`/`k` sent to the main menu until the selection has moved on
 *     screen; idle, while 8 other clients log in and out (paced at 25 logins/s in all, a
 *     rate each server sustains), and with the most sessions held;
 *   - bytes: channel payload and TCP bytes (TCP_INFO) for a fixed script of screens.
 *
 * It prints one table with the systems side by side and the ratios of the first system
 * (the portal) to each other one, and writes the same figures as JSON (--json).
 *
 * scripts/bench.sh builds, starts and stops the servers and calls this program; run that.
 * Progress goes to stderr; BENCH_DEBUG=1 also prints each login's connect+auth and
 * shell+menu times.
 *
 * Must never: start, signal or kill a server (the script owns them); connect anywhere but
 * 127.0.0.x; assert the targets (they are reported, not checked); run without bounds (every
 * phase has a deadline, and past --time-limit the remaining phases are skipped).
 */
#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <linux/tcp.h>
#include <time.h>
#include <unistd.h>

#include "common/common.h"
#include "tests/e2e/portal.h"
#include "tests/e2e/tclient.h"

#define MAX_SYS 4
#define N_CONC 3
static const int conc_levels[N_CONC] = { 1, 8, 32 };
#define LOAD_CONC 8              /* clients logging in and out during the latency test... */
#define LOAD_RATE 25             /* ...at this many logins per second in all (all can) */
#define HOLD_THREADS 8           /* clients opening the held sessions */
#define N_SOURCES 250            /* source addresses 127.0.0.2 .. 127.0.0.251 */
#define LOGIN_DEADLINE_MS 15000  /* one login, connect to menu */
#define KEY_DEADLINE_MS 5000     /* one keystroke to its screen update */
#define MEM_FLOOR_KB (2L * 1024 * 1024)  /* stop opening sessions below this MemAvailable */
#define TERM_NAME "xterm-256color"
#define ROUNDS 3                 /* timed phases alternate between the systems this often */

/* ================================================================ small helpers */

static int64_t now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static void msleep(int ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
		;
}

static void progress(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void progress(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "[bench] ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

/* A growable list of samples (milliseconds). */
struct samples {
	double *v;
	size_t n, cap;
};

static void samples_add(struct samples *s, double x)
{
	if (s->n == s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 256;
		double *v = realloc(s->v, cap * sizeof *v);

		if (!v) {
			fprintf(stderr, "out of memory\n");
			exit(2);
		}
		s->v = v;
		s->cap = cap;
	}
	s->v[s->n++] = x;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* Percentile p (0..1) by nearest rank; NAN for no samples. Sorts s. */
static double samples_pct(struct samples *s, double p)
{
	if (s->n == 0)
		return NAN;
	qsort(s->v, s->n, sizeof *s->v, cmp_double);
	size_t i = (size_t)ceil(p * (double)s->n);
	if (i > 0)
		i--;
	if (i >= s->n)
		i = s->n - 1;
	return s->v[i];
}

static void samples_free(struct samples *s)
{
	free(s->v);
	memset(s, 0, sizeof *s);
}

/* The 1-minute load average: other work on the machine skews every figure. */
static double loadavg(void)
{
	double l = NAN;
	FILE *f = fopen("/proc/loadavg", "r");

	if (f) {
		if (fscanf(f, "%lf", &l) != 1)
			l = NAN;
		fclose(f);
	}
	return l;
}

static long mem_available_kb(void)
{
	char line[256];
	long kb = -1;
	FILE *f = fopen("/proc/meminfo", "r");

	if (!f)
		return -1;
	while (fgets(line, sizeof line, f))
		if (sscanf(line, "MemAvailable: %ld kB", &kb) == 1)
			break;
	fclose(f);
	return kb;
}

static void source_addr(int i, char *buf, size_t n)
{
	snprintf(buf, n, "127.0.0.%d", 2 + i % N_SOURCES);
}

/* ================================================================ metrics */

enum metric {
	M_RATE_1, M_RATE_8, M_RATE_32,
	M_P50_1, M_P99_1, M_P50_8, M_P99_8, M_P50_32, M_P99_32,
	M_FAIL_1, M_FAIL_8, M_FAIL_32, M_CPU_SERVER, M_CPU_CLIENT,
	M_PSS_50, M_PSS_500, M_HELD, M_PSS_MAX,
	M_KEY_IDLE_P50, M_KEY_IDLE_P99,
	M_KEY_LOAD_P50, M_KEY_LOAD_P99, M_LOAD_RATE,
	M_KEY_MAX_P50, M_KEY_MAX_P99,
	M_B_LOGIN, M_W_LOGIN, M_B_PAGE, M_W_PAGE, M_B_BACK1, M_W_BACK1,
	M_B_HELP, M_W_HELP, M_B_BACK2, M_W_BACK2,
	M_B_TOTAL, M_W_TOTAL, M_W_SCREENS, M_TX_TOTAL,
	N_METRICS
};

/* better: +1 higher is better, -1 lower is better, 0 neither (a count of something). */
struct metric_info {
	const char *key, *label;
	int decimals, better;
};

static struct metric_info metric_info[N_METRICS] = {
	[M_RATE_1] = { "login_rate_c1", "login rate, concurrency 1 (/s)", 1, +1 },
	[M_RATE_8] = { "login_rate_c8", "login rate, concurrency 8 (/s)", 1, +1 },
	[M_RATE_32] = { "login_rate_c32", "login rate, concurrency 32 (/s)", 1, +1 },
	[M_P50_1] = { "menu_ms_p50_c1", "connect->menu p50, c=1 (ms)", 1, -1 },
	[M_P99_1] = { "menu_ms_p99_c1", "connect->menu p99, c=1 (ms)", 1, -1 },
	[M_P50_8] = { "menu_ms_p50_c8", "connect->menu p50, c=8 (ms)", 1, -1 },
	[M_P99_8] = { "menu_ms_p99_c8", "connect->menu p99, c=8 (ms)", 1, -1 },
	[M_P50_32] = { "menu_ms_p50_c32", "connect->menu p50, c=32 (ms)", 1, -1 },
	[M_P99_32] = { "menu_ms_p99_c32", "connect->menu p99, c=32 (ms)", 1, -1 },
	[M_FAIL_1] = { "login_fail_c1", "failed logins, c=1", 0, 0 },
	[M_FAIL_8] = { "login_fail_c8", "failed logins, c=8", 0, 0 },
	[M_FAIL_32] = { "login_fail_c32", "failed logins, c=32", 0, 0 },
	[M_CPU_SERVER] = { "server_cpu_ms_per_login", "server CPU per login, all procs (ms)", 2, -1 },
	[M_CPU_CLIENT] = { "client_cpu_ms_per_login", "  (load client's CPU per login, ms)", 2, 0 },
	[M_PSS_50] = { "pss_kb_per_session_50", "PSS per session, 50 held (kB)", 0, -1 },
	[M_PSS_500] = { "pss_kb_per_session_500", "PSS per session, 500 held (kB)", 0, -1 },
	[M_HELD] = { "sessions_held_max", "most sessions held at once", 0, +1 },
	[M_PSS_MAX] = { "pss_kb_per_session_max", "PSS per session, most held (kB)", 0, -1 },
	[M_KEY_IDLE_P50] = { "key_ms_p50_idle", "keystroke p50, idle (ms)", 2, -1 },
	[M_KEY_IDLE_P99] = { "key_ms_p99_idle", "keystroke p99, idle (ms)", 2, -1 },
	[M_KEY_LOAD_P50] = { "key_ms_p50_login_load", "keystroke p50, logins going on (ms)", 2, -1 },
	[M_KEY_LOAD_P99] = { "key_ms_p99_login_load", "keystroke p99, logins going on (ms)", 2, -1 },
	[M_LOAD_RATE] = { "login_rate_during_keys", "  (background logins/s meanwhile)", 1, 0 },
	[M_KEY_MAX_P50] = { "key_ms_p50_most_held", "keystroke p50, most sessions held (ms)", 2, -1 },
	[M_KEY_MAX_P99] = { "key_ms_p99_most_held", "keystroke p99, most sessions held (ms)", 2, -1 },
	[M_B_LOGIN] = { "bytes_login_menu", "bytes: login + main menu, payload", 0, -1 },
	[M_W_LOGIN] = { "wire_login_menu", "bytes: login + main menu, TCP in", 0, -1 },
	[M_B_PAGE] = { "bytes_focus_page", "bytes: open focus area, payload", 0, -1 },
	[M_W_PAGE] = { "wire_focus_page", "bytes: open focus area, TCP in", 0, -1 },
	[M_B_BACK1] = { "bytes_back_1", "bytes: back to menu, payload", 0, -1 },
	[M_W_BACK1] = { "wire_back_1", "bytes: back to menu, TCP in", 0, -1 },
	[M_B_HELP] = { "bytes_help", "bytes: help, payload", 0, -1 },
	[M_W_HELP] = { "wire_help", "bytes: help, TCP in", 0, -1 },
	[M_B_BACK2] = { "bytes_back_2", "bytes: back to menu, payload", 0, -1 },
	[M_W_BACK2] = { "wire_back_2", "bytes: back to menu, TCP in", 0, -1 },
	[M_B_TOTAL] = { "bytes_total", "bytes: whole script, payload", 0, -1 },
	[M_W_TOTAL] = { "wire_total_in", "bytes: whole script, TCP in", 0, -1 },
	[M_W_SCREENS] = { "wire_screens_in", "bytes: script after login, TCP in", 0, -1 },
	[M_TX_TOTAL] = { "wire_total_out", "bytes: whole script, TCP out", 0, -1 },
};

/* Sections of the printed table: the first metric of each gets a heading. */
static const struct {
	enum metric first;
	const char *title;
} sections[] = {
	{ M_RATE_1, "Login (connect, kex, public key, pty, until the main menu is drawn)" },
	{ M_PSS_50, "Memory (PSS of the listener and all its descendants / sessions held)" },
	{ M_KEY_IDLE_P50, "Keystroke latency (j/k on the main menu until the selection moved)" },
	{ M_B_LOGIN, "Bytes at 80x24 (menu, open a focus area, back, help, back)" },
};

/* Memory detail: where each kind of server process's PSS goes. */
enum mem_class {
	C_SSH, C_CRYPTO, C_CURSES, C_SQLITE, C_LIBC, C_OTHERLIB, C_BIN, C_HEAP, C_ANON, C_STACK,
	C_OTHER, N_CLASS
};
static const char *const class_names[N_CLASS] = {
	"libssh", "libcrypto/ssl", "ncurses/tinfo", "sqlite(+shm)", "libc/ld.so", "other libs",
	"program", "heap", "anon", "stack", "other",
};

#define MAX_GROUPS 8
struct proc_group {
	char name[48];       /* e.g. "bbs (uid 0)" */
	int count;
	long pss_kb;         /* sum over the group */
	pid_t sample;        /* one process of the group, for the breakdown */
	long cls_kb[N_CLASS];/* breakdown of the sample's PSS */
};

struct mem_detail {
	int held;
	int nproc;
	long total_kb;
	int ngroups;
	struct proc_group g[MAX_GROUPS];
};

/* One measurement summed over the rounds. */
struct acc {
	struct samples lat;   /* ms */
	int ok, fail;
	double secs;
	char err[256];
};

struct sys {
	char name[32];
	struct tc_fixture fx;     /* only port and hostkey are used */
	char user[64];
	pid_t root;               /* the listener: PSS counts it and all its descendants */
	bool ok;                  /* reachable and logged in once */
	char err[256];
	double m[N_METRICS];
	struct mem_detail detail; /* at 500 sessions (or the most held below that) */
	struct acc rate[N_CONC], keys_idle, keys_load;
	double cpu_srv, cpu_cli;  /* ms over the login-rate runs */
	int cpu_logins;
};

static struct sys systems[MAX_SYS];
static int nsys;
static const char *client_key;
static int max_sessions = 1000;
static int rate_seconds = 6;
static int mem_steps[2] = { 50, 500 };
static int idle_keys = 1000;
static int load_seconds = 6;
static double load_rate = LOAD_RATE;
static const char *phases = "bytes,keys,rate,load,memory";

static bool phase_on(const char *name)
{
	size_t n = strlen(name);

	for (const char *p = phases; (p = strstr(p, name)) != NULL; p += n)
		if ((p == phases || p[-1] == ',') && (p[n] == ',' || p[n] == '\0'))
			return true;
	return false;
}
static const char *note;
static bool print_failed_screen;
static double load_before, load_after;
static int64_t run_deadline;   /* past it, phases are skipped */

static bool time_left(const struct sys *s, const char *phase)
{
	if (now_us() < run_deadline)
		return true;
	progress("%s: %s skipped: the time limit has passed", s->name, phase);
	return false;
}   /* only while one thread logs in */

/* ================================================================ screens */

/*
 * The main menu as the issue defines it: "Main menu" and "Log off" on the screen. The
 * items are the rows from the first non-blank one under the heading down to "Log off";
 * the selection is the row with the '>' marker in reverse video. Nothing else about the
 * menu's content is assumed, so the benchmark survives menu changes.
 */
struct menu_geo {
	int top, bottom, sel;
};

static bool menu_geometry(const struct tc_screen *sc, struct menu_geo *g)
{
	char buf[512];
	int rows, h = tc_screen_find(sc, PORTAL_MENU, NULL);

	g->top = g->bottom = g->sel = -1;
	if (h < 0)
		return false;
	tc_screen_size(sc, NULL, &rows);
	for (int r = h + 1; r < rows - 1 && g->bottom < 0; r++)
		if (tc_screen_find_in_row(sc, r, "Log off") >= 0)
			g->bottom = r;
	for (int r = h + 1; r <= g->bottom && g->top < 0; r++)
		if (tc_screen_row(sc, r, buf, sizeof buf)[0])
			g->top = r;
	g->sel = portal_list_selected_row(sc);
	return g->bottom >= 0 && g->sel >= g->top && g->sel <= g->bottom;
}

static bool menu_ready(const struct tc_screen *sc, void *arg)
{
	struct menu_geo g;

	(void)arg;
	return menu_geometry(sc, &g) && portal_hints_last_row(sc);
}

/* The selection is on screen row *arg. */
static bool selected_is(const struct tc_screen *sc, void *arg)
{
	struct menu_geo g;

	return menu_geometry(sc, &g) && g.sel == *(const int *)arg;
}

static bool page_shown(const struct tc_screen *sc, void *arg)
{
	return tc_screen_find(sc, PORTAL_MENU, NULL) < 0 &&
		tc_screen_find(sc, (const char *)arg, NULL) >= 0 && portal_hints_last_row(sc);
}

/* The help screen has its own hints; the quiet wait after it collects the rest. */
static bool help_shown(const struct tc_screen *sc, void *arg)
{
	(void)arg;
	return tc_screen_find(sc, "Help:", NULL) >= 0;
}

static bool menu_back(const struct tc_screen *sc, void *arg)
{
	return tc_screen_find(sc, "Help:", NULL) < 0 && menu_ready(sc, arg);
}

/*
 * Reads from the channel until pred holds (true) or the deadline passes / the channel
 * closes (false). Quiet: unlike tc_wait_pred it prints nothing, since threads call it.
 */
static bool wait_for(struct tc *tc, tc_pred *pred, void *arg, int64_t deadline_us)
{
	for (;;) {
		if (pred(tc_screen(tc), arg))
			return true;
		int64_t left_ms = (deadline_us - now_us()) / 1000;
		if (left_ms <= 0)
			return false;
		if (tc_pump(tc, left_ms > 200 ? 200 : (int)left_ms + 1) < 0)
			return false;
	}
}

/*
 * One login to the main menu from source address src. Returns the session, with the time
 * from before the TCP connect to the menu in *ms; NULL with a reason in err.
 */
static struct tc *login_one(const struct sys *s, const char *src, double *ms, char *err,
	size_t n)
{
	int64_t t0 = now_us();
	struct tc *tc = tc_connect(&s->fx, s->user, src, NULL, err, n);

	*ms = 0;
	if (!tc)
		return NULL;
	if (tc_auth_pubkey(tc, client_key) != 0) {
		snprintf(err, n, "public-key auth refused: %s", tc_error(tc));
		goto fail;
	}
	int64_t t_auth = now_us();
	if (tc_open_shell(tc, true, TERM_NAME, 80, 24) != 0) {
		snprintf(err, n, "pty/shell refused: %s", tc_error(tc));
		goto fail;
	}
	if (!wait_for(tc, menu_ready, NULL, t0 + LOGIN_DEADLINE_MS * 1000LL)) {
		char row[200];

		snprintf(err, n, "no main menu within %d ms (row 0: \"%s\")", LOGIN_DEADLINE_MS,
			tc_row(tc, 0, row, sizeof row));
		if (print_failed_screen)
			tc_screen_print(tc_screen(tc), "no main menu on this screen");
		goto fail;
	}
	*ms = (double)(now_us() - t0) / 1000.0;
	if (getenv("BENCH_DEBUG"))
		fprintf(stderr, "%s: connect+kex+auth %.1f ms, shell+menu %.1f ms\n", s->name,
			(double)(t_auth - t0) / 1000.0, (double)(now_us() - t_auth) / 1000.0);
	return tc;
fail:
	tc_close(tc);
	return NULL;
}

/* ================================================================ server processes */

struct proc {
	pid_t pid, ppid;
	unsigned uid;
	char comm[32];
};

/* Reads ppid, comm and uid of pid; false when it has gone. */
static bool proc_read(pid_t pid, struct proc *p)
{
	char path[64], buf[1024];
	FILE *f;
	size_t n;

	memset(p, 0, sizeof *p);
	p->pid = pid;
	snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
	f = fopen(path, "r");
	if (!f)
		return false;
	n = fread(buf, 1, sizeof buf - 1, f);
	fclose(f);
	buf[n] = '\0';
	char *open = strchr(buf, '('), *close = strrchr(buf, ')');
	if (!open || !close || close < open)
		return false;
	size_t len = (size_t)(close - open - 1);
	if (len >= sizeof p->comm)
		len = sizeof p->comm - 1;
	memcpy(p->comm, open + 1, len);
	p->comm[len] = '\0';
	int ppid = 0;
	char state = 0;
	if (sscanf(close + 2, "%c %d", &state, &ppid) != 2 || state == 'Z')
		return false;
	p->ppid = ppid;
	snprintf(path, sizeof path, "/proc/%d/status", (int)pid);
	f = fopen(path, "r");
	if (f) {
		while (fgets(buf, sizeof buf, f))
			if (sscanf(buf, "Uid: %u", &p->uid) == 1)
				break;
		fclose(f);
	}
	return true;
}

/* The live descendants of root (not root itself). Returns a heap array, count in *n. */
static struct proc *descendants(pid_t root, int *n)
{
	struct proc *all = NULL, *out = NULL;
	int nall = 0, cap = 0, nout = 0;
	DIR *d = opendir("/proc");
	struct dirent *e;

	*n = 0;
	while (d && (e = readdir(d))) {
		pid_t pid = (pid_t)atoi(e->d_name);
		struct proc p;

		if (pid <= 0 || !proc_read(pid, &p))
			continue;
		if (nall == cap) {
			cap = cap ? cap * 2 : 1024;
			struct proc *v = realloc(all, (size_t)cap * sizeof *v);
			if (!v)
				break;
			all = v;
		}
		all[nall++] = p;
	}
	if (d)
		closedir(d);
	out = calloc((size_t)(nall ? nall : 1), sizeof *out);
	if (!out) {
		free(all);
		return NULL;
	}
	for (int i = 0; i < nall; i++) {
		pid_t p = all[i].ppid;
		/* Walk up through the table; depth is small (listener -> session -> UI). */
		for (int depth = 0; p > 1 && depth < 16; depth++) {
			if (p == root) {
				out[nout++] = all[i];
				break;
			}
			int j;
			for (j = 0; j < nall && all[j].pid != p; j++)
				;
			p = j < nall ? all[j].ppid : 0;
		}
	}
	free(all);
	*n = nout;
	return out;
}

static long pss_kb(pid_t pid)
{
	char path[64], line[256];
	long kb = 0;
	FILE *f;

	snprintf(path, sizeof path, "/proc/%d/smaps_rollup", (int)pid);
	f = fopen(path, "r");
	if (!f)
		return 0;
	while (fgets(line, sizeof line, f))
		if (sscanf(line, "Pss: %ld kB", &kb) == 1)
			break;
	fclose(f);
	return kb;
}

static enum mem_class classify(const char *path)
{
	if (!path[0])
		return C_ANON;
	if (strcmp(path, "[heap]") == 0)
		return C_HEAP;
	if (strncmp(path, "[stack", 6) == 0)
		return C_STACK;
	if (strstr(path, "libssh."))
		return C_SSH;
	if (strstr(path, "libcrypto.") || strstr(path, "libssl."))
		return C_CRYPTO;
	if (strstr(path, "libncurses") || strstr(path, "libtinfo"))
		return C_CURSES;
	if (strstr(path, "libsqlite3") || strstr(path, "-shm"))
		return C_SQLITE;
	if (strstr(path, "/libc.so") || strstr(path, "/ld-linux"))
		return C_LIBC;
	if (strstr(path, ".so"))
		return C_OTHERLIB;
	if (path[0] == '/' && !strstr(path, "/dev/"))
		return C_BIN;
	return C_OTHER;
}

/* Sums /proc/PID/smaps Pss per class of mapping. */
static void pss_breakdown(pid_t pid, long cls[N_CLASS])
{
	char path[64], line[1024], name[768] = "";
	FILE *f;

	memset(cls, 0, N_CLASS * sizeof *cls);
	snprintf(path, sizeof path, "/proc/%d/smaps", (int)pid);
	f = fopen(path, "r");
	if (!f)
		return;
	while (fgets(line, sizeof line, f)) {
		unsigned long a, b;
		long kb;
		int off = 0;

		if (sscanf(line, "%lx-%lx %*s %*s %*s %*s %n", &a, &b, &off) == 2 && off > 0) {
			size_t len = strcspn(line + off, "\n");
			if (len >= sizeof name)
				len = sizeof name - 1;
			memcpy(name, line + off, len);
			name[len] = '\0';
		} else if (sscanf(line, "Pss: %ld kB", &kb) == 1) {
			cls[classify(name)] += kb;
		}
	}
	fclose(f);
}

static void group_add(struct mem_detail *md, const char *name, pid_t pid, long kb)
{
	int i;

	for (i = 0; i < md->ngroups && strcmp(md->g[i].name, name) != 0; i++)
		;
	if (i == md->ngroups) {
		if (md->ngroups == MAX_GROUPS)
			i = MAX_GROUPS - 1;   /* lump the rest into the last group */
		else {
			md->ngroups++;
			bbs_strlcpy(md->g[i].name, name, sizeof md->g[i].name);
			md->g[i].sample = pid;
		}
	}
	md->g[i].count++;
	md->g[i].pss_kb += kb;
}

/*
 * PSS of the listener and every descendant, grouped by program and uid. With breakdown,
 * also splits one sample process of each group by mapping (library, heap, ...).
 */
static void server_mem(const struct sys *s, int held, struct mem_detail *md, bool breakdown)
{
	int n = 0;
	struct proc *ps = descendants(s->root, &n);
	struct proc self;

	memset(md, 0, sizeof *md);
	md->held = held;
	if (proc_read(s->root, &self)) {
		char name[48];

		snprintf(name, sizeof name, "%s listener", self.comm);
		long kb = pss_kb(s->root);
		group_add(md, name, s->root, kb);
		md->total_kb += kb;
		md->nproc++;
	}
	for (int i = 0; ps && i < n; i++) {
		char name[48];
		long kb = pss_kb(ps[i].pid);

		if (ps[i].uid == 0)
			snprintf(name, sizeof name, "%s (root)", ps[i].comm);
		else
			snprintf(name, sizeof name, "%s (uid %u)", ps[i].comm, ps[i].uid);
		group_add(md, name, ps[i].pid, kb);
		md->total_kb += kb;
		md->nproc++;
	}
	free(ps);
	if (breakdown)
		for (int i = 0; i < md->ngroups; i++)
			pss_breakdown(md->g[i].sample, md->g[i].cls_kb);
}

static int ui_count(const struct mem_detail *md)
{
	int n = 0;

	for (int i = 0; i < md->ngroups; i++)
		if (strncmp(md->g[i].name, "bbs ", 4) == 0)
			n += md->g[i].count;
	return n;
}

static int server_nproc(const struct sys *s)
{
	int n = 0;

	free(descendants(s->root, &n));
	return n;
}

/* Waits (polling /proc) until the server is back to at most `baseline` descendants. */
static bool wait_drained(const struct sys *s, int baseline, int ms)
{
	int64_t end = now_us() + ms * 1000LL;

	while (server_nproc(s) > baseline) {
		if (now_us() > end)
			return false;
		msleep(100);
	}
	return true;
}

static int baseline_nproc[MAX_SYS];

static void drain(struct sys *s, int ms)
{
	if (!wait_drained(s, baseline_nproc[s - systems], ms))
		progress("%s: %d server processes still there after %d ms", s->name,
			server_nproc(s), ms);
}

/* ================================================================ login rate */

struct rate_job {
	const struct sys *s;
	int64_t end_us;
	double pace;          /* logins per second in all; 0: as fast as they go */
	int64_t next_us;      /* when the next paced login starts */
	atomic_bool stop;
	pthread_mutex_t mu;
	struct samples lat;
	int ok, fail;
	char err[256];
};

struct rate_arg {
	struct rate_job *job;
	int idx;
	pthread_t th;
};

static void *rate_thread(void *p)
{
	struct rate_arg *a = p;
	struct rate_job *j = a->job;
	char src[32], err[256];

	source_addr(a->idx, src, sizeof src);
	while (!atomic_load(&j->stop) && now_us() < j->end_us) {
		double ms;

		if (j->pace > 0) {
			/* Take the next start slot; a late slot starts at once (no catching up). */
			pthread_mutex_lock(&j->mu);
			int64_t t = j->next_us > now_us() ? j->next_us : now_us();
			j->next_us = t + (int64_t)(1e6 / j->pace);
			pthread_mutex_unlock(&j->mu);
			int64_t wait_ms = (t - now_us()) / 1000;
			if (wait_ms > 0)
				msleep((int)wait_ms);
			if (atomic_load(&j->stop))
				break;
		}
		struct tc *tc = login_one(j->s, src, &ms, err, sizeof err);

		pthread_mutex_lock(&j->mu);
		if (tc) {
			samples_add(&j->lat, ms);
			j->ok++;
		} else {
			j->fail++;
			bbs_strlcpy(j->err, err, sizeof j->err);
		}
		pthread_mutex_unlock(&j->mu);
		if (tc)
			tc_close(tc);
		else
			msleep(20);   /* refused: back off a little rather than spin */
	}
	return NULL;
}

static int rate_start(struct rate_job *j, struct rate_arg *args, int nthreads, int first_idx)
{
	int started = 0;

	for (int i = 0; i < nthreads; i++) {
		args[i].job = j;
		args[i].idx = first_idx + i;
		if (pthread_create(&args[i].th, NULL, rate_thread, &args[i]) != 0)
			break;
		started++;
	}
	return started;
}

static void rate_join(struct rate_arg *args, int n)
{
	for (int i = 0; i < n; i++)
		pthread_join(args[i].th, NULL);
}

static void rate_job_init(struct rate_job *j, const struct sys *s, int64_t end_us)
{
	memset(j, 0, sizeof *j);
	j->s = s;
	j->end_us = end_us;
	atomic_init(&j->stop, false);
	pthread_mutex_init(&j->mu, NULL);
}

static void rate_job_finish(struct rate_job *j)
{
	samples_free(&j->lat);
	pthread_mutex_destroy(&j->mu);
}

/* CPU time in ms of pid and its reaped descendants (utime+stime+cutime+cstime). */
static double cpu_ms(pid_t pid)
{
	char path[64], buf[1024];
	FILE *f;
	size_t n;
	unsigned long long ut, st;
	long long cut, cst;

	snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
	f = fopen(path, "r");
	if (!f)
		return NAN;
	n = fread(buf, 1, sizeof buf - 1, f);
	fclose(f);
	buf[n] = '\0';
	char *p = strrchr(buf, ')');
	/* After the comm: state ppid pgrp session tty tpgid flags minflt cminflt majflt cmajflt
	 * utime stime cutime cstime. */
	if (!p || sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %llu %llu %lld %lld",
		&ut, &st, &cut, &cst) != 4)
		return NAN;
	return (double)(ut + st + (unsigned long long)cut + (unsigned long long)cst) * 1000.0 /
		(double)sysconf(_SC_CLK_TCK);
}

static double self_cpu_ms(void)
{
	struct rusage ru;

	if (getrusage(RUSAGE_SELF, &ru) != 0)
		return NAN;
	return (double)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1000.0 +
		(double)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1000.0;
}

/*
 * One run of `secs` seconds at concurrency conc_levels[c], added to s->rate[c]. Runs of the
 * three systems alternate (ROUNDS each), so that whatever else the machine is doing weighs
 * on all of them alike.
 */
static void rate_round(struct sys *s, int c, double secs)
{
	struct acc *a = &s->rate[c];
	struct rate_job j;
	struct rate_arg args[64];
	double srv0 = cpu_ms(s->root), cli0 = self_cpu_ms();
	int64_t t0 = now_us();

	rate_job_init(&j, s, t0 + (int64_t)(secs * 1e6));
	int n = rate_start(&j, args, conc_levels[c], 0);
	rate_join(args, n);
	a->secs += (double)(now_us() - t0) / 1e6;
	double cli1 = self_cpu_ms();
	a->ok += j.ok;
	a->fail += j.fail;
	if (j.fail)
		bbs_strlcpy(a->err, j.err, sizeof a->err);
	for (size_t i = 0; i < j.lat.n; i++)
		samples_add(&a->lat, j.lat.v[i]);
	rate_job_finish(&j);
	/* Drained, every session process has been reaped: its CPU time is in cutime. */
	drain(s, 30000);
	s->cpu_srv += cpu_ms(s->root) - srv0;
	s->cpu_cli += cli1 - cli0;
	s->cpu_logins += j.ok;
}

static void rate_finish(struct sys *s)
{
	static const enum metric rate_m[N_CONC] = { M_RATE_1, M_RATE_8, M_RATE_32 };
	static const enum metric p50_m[N_CONC] = { M_P50_1, M_P50_8, M_P50_32 };
	static const enum metric p99_m[N_CONC] = { M_P99_1, M_P99_8, M_P99_32 };
	static const enum metric fail_m[N_CONC] = { M_FAIL_1, M_FAIL_8, M_FAIL_32 };

	for (int c = 0; c < N_CONC; c++) {
		struct acc *a = &s->rate[c];

		if (a->secs <= 0)
			continue;
		s->m[rate_m[c]] = a->ok / a->secs;
		s->m[p50_m[c]] = samples_pct(&a->lat, 0.50);
		s->m[p99_m[c]] = samples_pct(&a->lat, 0.99);
		s->m[fail_m[c]] = a->fail;
		progress("%s: concurrency %d: %d logins in %.1f s = %.1f/s, p50 %.1f ms, p99 %.1f ms,"
			" %d failed%s%s", s->name, conc_levels[c], a->ok, a->secs, s->m[rate_m[c]],
			s->m[p50_m[c]], s->m[p99_m[c]], a->fail, a->fail ? ": " : "",
			a->fail ? a->err : "");
	}
	if (s->cpu_logins > 0) {
		s->m[M_CPU_SERVER] = s->cpu_srv / s->cpu_logins;
		s->m[M_CPU_CLIENT] = s->cpu_cli / s->cpu_logins;
		progress("%s: CPU per login: server %.2f ms, client %.2f ms", s->name,
			s->m[M_CPU_SERVER], s->m[M_CPU_CLIENT]);
	}
}

/* ================================================================ keystrokes */

/*
 * Sends j (or k at the bottom of the menu) nkeys times, or until until_us (0: no limit),
 * each time waiting until the screen shows the selection on the next item. Samples in ms.
 */
static bool key_latency(struct tc *tc, int nkeys, int64_t until_us, struct samples *out,
	char *err, size_t n)
{
	int dir = 1;

	while (tc_pump(tc, 0) > 0)
		;
	if (!wait_for(tc, menu_ready, NULL, now_us() + KEY_DEADLINE_MS * 1000LL)) {
		snprintf(err, n, "session not at the main menu");
		return false;
	}
	for (int i = 0; i < nkeys && (until_us == 0 || now_us() < until_us); i++) {
		struct menu_geo g;

		if (!menu_geometry(tc_screen(tc), &g)) {
			snprintf(err, n, "no selection on the menu");
			return false;
		}
		if (g.sel + dir < g.top || g.sel + dir > g.bottom)
			dir = -dir;
		int want = g.sel + dir;
		int64_t t0 = now_us();
		if (tc_send(tc, dir > 0 ? "j" : "k") != 0) {
			snprintf(err, n, "send failed: %s", tc_error(tc));
			return false;
		}
		if (!wait_for(tc, selected_is, &want, t0 + KEY_DEADLINE_MS * 1000LL)) {
			snprintf(err, n, "selection did not move within %d ms", KEY_DEADLINE_MS);
			return false;
		}
		samples_add(out, (double)(now_us() - t0) / 1000.0);
	}
	return true;
}

/* One login and nkeys keystrokes, added to s->keys_idle. */
static void keys_idle_round(struct sys *s, int nkeys)
{
	char err[256];
	double ms;
	struct tc *tc = login_one(s, "127.0.0.2", &ms, err, sizeof err);

	if (!tc || !key_latency(tc, nkeys, 0, &s->keys_idle.lat, err, sizeof err)) {
		s->keys_idle.fail++;
		progress("%s: keystrokes (idle): %s", s->name, err);
	}
	tc_close(tc);
	drain(s, 10000);
}

/*
 * Keystrokes for secs seconds while LOAD_CONC other clients log in and out at load_rate
 * logins/s in all; added to s->keys_load.
 */
static void keys_load_round(struct sys *s, double secs)
{
	char err[256];
	double ms;
	struct rate_job j;
	struct rate_arg args[LOAD_CONC];
	struct tc *tc = login_one(s, "127.0.0.200", &ms, err, sizeof err);

	if (!tc) {
		s->keys_load.fail++;
		progress("%s: keystrokes (load): %s", s->name, err);
		return;
	}
	int64_t t0 = now_us();
	rate_job_init(&j, s, t0 + (int64_t)((secs + 30) * 1e6));
	j.pace = load_rate;
	int n = rate_start(&j, args, LOAD_CONC, 100);
	/* Measure once the background logins are under way (the first has completed). */
	for (int64_t end = now_us() + LOGIN_DEADLINE_MS * 1000LL; now_us() < end;) {
		pthread_mutex_lock(&j.mu);
		int done = j.ok + j.fail;
		pthread_mutex_unlock(&j.mu);
		if (done > 0)
			break;
		msleep(5);
	}
	if (!key_latency(tc, 1000000, now_us() + (int64_t)(secs * 1e6), &s->keys_load.lat, err,
		sizeof err)) {
		s->keys_load.fail++;
		progress("%s: keystrokes (load): %s", s->name, err);
	}
	pthread_mutex_lock(&j.mu);
	s->keys_load.ok += j.ok;   /* background logins, for the rate they reached */
	pthread_mutex_unlock(&j.mu);
	s->keys_load.secs += (double)(now_us() - t0) / 1e6;
	atomic_store(&j.stop, true);
	rate_join(args, n);
	if (j.fail)
		progress("%s: %d background logins failed: %s", s->name, j.fail, j.err);
	rate_job_finish(&j);
	tc_close(tc);
	drain(s, 30000);
}

static void keys_finish(struct sys *s)
{
	if (s->keys_idle.lat.n) {
		s->m[M_KEY_IDLE_P50] = samples_pct(&s->keys_idle.lat, 0.50);
		s->m[M_KEY_IDLE_P99] = samples_pct(&s->keys_idle.lat, 0.99);
		progress("%s: keystrokes idle: %zu, p50 %.2f ms, p99 %.2f ms, max %.2f ms", s->name,
			s->keys_idle.lat.n, s->m[M_KEY_IDLE_P50], s->m[M_KEY_IDLE_P99],
			s->keys_idle.lat.v[s->keys_idle.lat.n - 1]);
	}
	if (s->keys_load.lat.n) {
		s->m[M_KEY_LOAD_P50] = samples_pct(&s->keys_load.lat, 0.50);
		s->m[M_KEY_LOAD_P99] = samples_pct(&s->keys_load.lat, 0.99);
		s->m[M_LOAD_RATE] = s->keys_load.secs > 0 ? s->keys_load.ok / s->keys_load.secs : NAN;
		progress("%s: keystrokes while logins go on: %zu, p50 %.2f ms, p99 %.2f ms, "
			"max %.2f ms (%.1f logins/s meanwhile)", s->name, s->keys_load.lat.n,
			s->m[M_KEY_LOAD_P50], s->m[M_KEY_LOAD_P99],
			s->keys_load.lat.v[s->keys_load.lat.n - 1], s->m[M_LOAD_RATE]);
	}
}

/* ================================================================ bytes */

struct counts {
	uint64_t payload, rx, tx;
};

static void counts_now(struct tc *tc, struct counts *c)
{
	struct tcp_info ti;
	socklen_t len = sizeof ti;

	memset(&ti, 0, sizeof ti);
	c->payload = tc_bytes(tc);
	c->rx = c->tx = 0;
	if (getsockopt(tc_fd(tc), IPPROTO_TCP, TCP_INFO, &ti, &len) == 0) {
		c->rx = ti.tcpi_bytes_received;
		c->tx = ti.tcpi_bytes_acked;
	}
}

/* Sends keys, waits for the screen, then for 250 ms of quiet; records the deltas. */
static bool bytes_step(struct tc *tc, const char *keys, tc_pred *pred, void *arg,
	double *payload, double *wire)
{
	struct counts a, b;

	counts_now(tc, &a);
	if (tc_send(tc, keys) != 0 ||
	    !wait_for(tc, pred, arg, now_us() + KEY_DEADLINE_MS * 1000LL))
		return false;
	tc_wait_quiet(tc, 250, 3000);
	counts_now(tc, &b);
	*payload = (double)(b.payload - a.payload);
	*wire = (double)(b.rx - a.rx);
	return true;
}

static void phase_bytes(struct sys *s)
{
	char err[256];
	double ms;
	struct counts c;
	struct tc *tc = login_one(s, "127.0.0.3", &ms, err, sizeof err);

	if (!tc) {
		progress("%s: bytes: %s", s->name, err);
		return;
	}
	tc_wait_quiet(tc, 250, 3000);
	counts_now(tc, &c);
	s->m[M_B_LOGIN] = (double)c.payload;
	s->m[M_W_LOGIN] = (double)c.rx;
	char title[] = "Global response";
	if (!bytes_step(tc, "1", page_shown, title, &s->m[M_B_PAGE], &s->m[M_W_PAGE]) ||
	    !bytes_step(tc, "q", menu_ready, NULL, &s->m[M_B_BACK1], &s->m[M_W_BACK1]) ||
	    !bytes_step(tc, "?", help_shown, NULL, &s->m[M_B_HELP], &s->m[M_W_HELP]) ||
	    !bytes_step(tc, "q", menu_back, NULL, &s->m[M_B_BACK2], &s->m[M_W_BACK2])) {
		progress("%s: bytes: a screen of the script did not come", s->name);
		tc_screen_print(tc_screen(tc), "screen when the script stopped");
	} else {
		counts_now(tc, &c);
		s->m[M_B_TOTAL] = (double)c.payload;
		s->m[M_W_TOTAL] = (double)c.rx;
		s->m[M_W_SCREENS] = (double)c.rx - s->m[M_W_LOGIN];
		s->m[M_TX_TOTAL] = (double)c.tx;
	}
	progress("%s: bytes: login %.0f payload / %.0f TCP; script %.0f payload / %.0f TCP in,"
		" %.0f out", s->name, s->m[M_B_LOGIN], s->m[M_W_LOGIN], s->m[M_B_TOTAL],
		s->m[M_W_TOTAL], s->m[M_TX_TOTAL]);
	tc_close(tc);
	drain(s, 10000);
}

/* ================================================================ memory */

struct hold_job {
	const struct sys *s;
	struct tc **held;
	int target, claimed, fails, consecutive;
	int64_t deadline;
	bool low_mem;
	pthread_mutex_t mu;
	char err[256];
};

static void *hold_thread(void *p)
{
	struct hold_job *j = p;
	char src[32], err[256];

	for (;;) {
		pthread_mutex_lock(&j->mu);
		if (j->claimed >= j->target || j->fails >= 50 || j->consecutive >= 10 ||
		    j->low_mem || now_us() > j->deadline) {
			pthread_mutex_unlock(&j->mu);
			break;
		}
		int slot = j->claimed++;
		pthread_mutex_unlock(&j->mu);
		if (slot % 25 == 0 && mem_available_kb() < MEM_FLOOR_KB) {
			pthread_mutex_lock(&j->mu);
			j->low_mem = true;
			pthread_mutex_unlock(&j->mu);
			break;
		}
		double ms;
		source_addr(slot, src, sizeof src);
		struct tc *tc = login_one(j->s, src, &ms, err, sizeof err);
		pthread_mutex_lock(&j->mu);
		if (tc) {
			j->held[slot] = tc;
			j->consecutive = 0;
		} else {
			j->fails++;
			j->consecutive++;
			bbs_strlcpy(j->err, err, sizeof j->err);
		}
		pthread_mutex_unlock(&j->mu);
		if (!tc)
			msleep(20);
	}
	return NULL;
}

/* Opens sessions until `target` are held (or a limit); returns how many are held. */
static int hold_to(struct hold_job *j, int have, int target, int64_t deadline)
{
	pthread_t th[HOLD_THREADS];
	int n = 0;

	j->target = target;
	j->claimed = have;
	j->deadline = deadline;
	for (int i = 0; i < HOLD_THREADS; i++)
		if (pthread_create(&th[n], NULL, hold_thread, j) == 0)
			n++;
	for (int i = 0; i < n; i++)
		pthread_join(th[i], NULL);
	/* Compact: failed slots are NULL. */
	int k = 0;
	for (int i = 0; i < j->claimed; i++)
		if (j->held[i])
			j->held[k++] = j->held[i];
	for (int i = k; i < j->claimed; i++)
		j->held[i] = NULL;
	return k;
}

static void print_detail(FILE *f, const struct sys *s)
{
	const struct mem_detail *md = &s->detail;

	if (md->held <= 0)
		return;
	fprintf(f, "  %s, %d sessions held: %d processes, %.1f MB PSS in all\n", s->name,
		md->held, md->nproc, md->total_kb / 1024.0);
	for (int i = 0; i < md->ngroups; i++) {
		const struct proc_group *g = &md->g[i];

		fprintf(f, "    %-22s x%-4d %7.0f kB per session (%5.0f kB each); one of them:", g->name,
			g->count, (double)g->pss_kb / md->held, (double)g->pss_kb / g->count);
		for (int c = 0; c < N_CLASS; c++)
			if (g->cls_kb[c] >= 8)
				fprintf(f, " %s %ld", class_names[c], g->cls_kb[c]);
		fputc('\n', f);
	}
}

static void phase_memory(struct sys *s, int64_t budget_us)
{
	struct hold_job j;
	int steps[3] = { mem_steps[0], mem_steps[1], max_sessions };
	static const enum metric step_m[3] = { M_PSS_50, M_PSS_500, M_PSS_MAX };
	int have = 0;
	int64_t deadline = now_us() + budget_us;

	if (deadline > run_deadline)
		deadline = run_deadline;

	memset(&j, 0, sizeof j);
	j.s = s;
	j.held = calloc((size_t)max_sessions + 1, sizeof *j.held);
	pthread_mutex_init(&j.mu, NULL);
	if (!j.held)
		return;
	for (int st = 0; st < 3; st++) {
		int target = steps[st] < max_sessions ? steps[st] : max_sessions;
		int64_t t0 = now_us();

		if (st < 2 && steps[st] > max_sessions)
			continue;
		have = hold_to(&j, have, target, deadline);
		double secs = (double)(now_us() - t0) / 1e6;
		if (have == 0) {
			progress("%s: could not hold any session: %s", s->name, j.err);
			break;
		}
		struct mem_detail md;
		bool detail_here = st == 1 || (st == 2 && s->detail.held == 0);
		server_mem(s, have, &md, detail_here);
		if (detail_here)
			s->detail = md;
		int uis = ui_count(&md);
		s->m[step_m[st]] = (double)md.total_kb / have;
		progress("%s: %d sessions held (%d UI processes; reached in %.1f s): %.1f MB PSS, "
			"%.0f kB per session%s%s%s", s->name, have, uis, secs, md.total_kb / 1024.0,
			s->m[step_m[st]], j.fails ? "; last failure: " : "", j.fails ? j.err : "",
			j.low_mem ? "; stopped: memory low" : "");
		if (st == 2 || have < target) {
			s->m[M_HELD] = uis < have ? uis : have;
			s->m[M_PSS_MAX] = (double)md.total_kb / have;
			break;
		}
	}
	if (have > 0) {
		char err[256];
		struct samples lat = { 0 };

		if (!key_latency(j.held[0], idle_keys, 0, &lat, err, sizeof err))
			progress("%s: keystrokes with %d held: %s", s->name, have, err);
		s->m[M_KEY_MAX_P50] = samples_pct(&lat, 0.50);
		s->m[M_KEY_MAX_P99] = samples_pct(&lat, 0.99);
		progress("%s: keystrokes with %d sessions held: %zu, p50 %.2f ms, p99 %.2f ms",
			s->name, have, lat.n, s->m[M_KEY_MAX_P50], s->m[M_KEY_MAX_P99]);
		samples_free(&lat);
	}
	for (int i = 0; i < have; i++)
		tc_close(j.held[i]);
	free(j.held);
	pthread_mutex_destroy(&j.mu);
	drain(s, 90000);
}

/* ================================================================ output */

static void print_value(FILE *f, double v, int decimals)
{
	if (isnan(v))
		fprintf(f, " %10s", "-");
	else
		fprintf(f, " %10.*f", decimals, v);
}

static double ratio(double a, double b)
{
	if (isnan(a) || isnan(b) || b == 0)
		return NAN;
	return a / b;
}

static void print_table(FILE *f)
{
	fprintf(f, "\n%-40s", "");
	for (int i = 0; i < nsys; i++)
		fprintf(f, " %10s", systems[i].name);
	for (int i = 1; i < nsys; i++) {
		char h[64];
		snprintf(h, sizeof h, "%s/%s", systems[0].name, systems[i].name);
		fprintf(f, " %15s", h);
	}
	fputc('\n', f);
	for (int m = 0; m < N_METRICS; m++) {
		for (size_t k = 0; k < sizeof sections / sizeof sections[0]; k++)
			if (sections[k].first == (enum metric)m)
				fprintf(f, "-- %s\n", sections[k].title);
		fprintf(f, "%-40s", metric_info[m].label);
		for (int i = 0; i < nsys; i++)
			print_value(f, systems[i].m[m], metric_info[m].decimals);
		for (int i = 1; i < nsys; i++) {
			double r = ratio(systems[0].m[m], systems[i].m[m]);
			if (isnan(r) || metric_info[m].better == 0)
				fprintf(f, " %15s", "");
			else
				fprintf(f, " %14.2fx", r);
		}
		fputc('\n', f);
	}
}

struct target {
	char what[96];
	double value;    /* the figure compared */
	double limit;
	bool met, known;
};

#define MAX_TARGETS 12
static struct target targets[MAX_TARGETS];
static int ntargets;

static struct sys *find_sys(const char *name)
{
	for (int i = 0; i < nsys; i++)
		if (strcmp(systems[i].name, name) == 0)
			return &systems[i];
	return NULL;
}

static void target_add(const char *what, double value, double limit, bool higher_ok)
{
	struct target *t;

	if (ntargets == MAX_TARGETS)
		return;
	t = &targets[ntargets++];
	bbs_strlcpy(t->what, what, sizeof t->what);
	t->value = value;
	t->limit = limit;
	t->known = !isnan(value) && !isnan(limit);
	t->met = t->known && (higher_ok ? value >= limit : value <= limit);
}

static void eval_targets(void)
{
	const struct sys *p = &systems[0], *o = find_sys("sshd"), *d = find_sys("dropbear");
	double nan = NAN;

	target_add("login rate c=8 / sshd's >= 4", o ? ratio(p->m[M_RATE_8], o->m[M_RATE_8]) : nan,
		4, true);
	target_add("login rate c=8 / dropbear's >= 3",
		d ? ratio(p->m[M_RATE_8], d->m[M_RATE_8]) : nan, 3, true);
	target_add("connect->menu p50 at c=1 < 10 ms", p->m[M_P50_1], 10, false);
	char what[96];
	snprintf(what, sizeof what, "PSS/session (%d held) / sshd's <= 0.25", mem_steps[1]);
	target_add(what, o ? ratio(p->m[M_PSS_500], o->m[M_PSS_500]) : nan, 0.25, false);
	snprintf(what, sizeof what, "PSS/session (%d held) < 512 kB", mem_steps[1]);
	target_add(what, p->m[M_PSS_500], 512, false);
	target_add("PSS/session (most held) < 512 kB", p->m[M_PSS_MAX], 512, false);
	target_add("keystroke p99 idle <= sshd's (ms)", p->m[M_KEY_IDLE_P99],
		o ? o->m[M_KEY_IDLE_P99] : nan, false);
	target_add("keystroke p99 under login load <= sshd's", p->m[M_KEY_LOAD_P99],
		o ? o->m[M_KEY_LOAD_P99] : nan, false);
	target_add("keystroke p99, most held <= sshd's", p->m[M_KEY_MAX_P99],
		o ? o->m[M_KEY_MAX_P99] : nan, false);
	target_add("sessions held at once >= 1000", p->m[M_HELD], 1000, true);
}

static void print_targets(FILE *f)
{
	fprintf(f, "\nTargets for %s (reported, not asserted):\n", systems[0].name);
	for (int i = 0; i < ntargets; i++) {
		const struct target *t = &targets[i];

		if (!t->known)
			fprintf(f, "  %-44s %10s   not measured\n", t->what, "-");
		else
			fprintf(f, "  %-44s %10.2f   %s (limit %.2f)\n", t->what, t->value,
				t->met ? "met" : "MISSED", t->limit);
	}
}

static void json_str(FILE *f, const char *s)
{
	fputc('"', f);
	for (; s && *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			fprintf(f, "\\%c", c);
		else if (c < 0x20)
			fprintf(f, "\\u%04x", c);
		else
			fputc(c, f);
	}
	fputc('"', f);
}

static void json_num(FILE *f, double v)
{
	if (isnan(v) || isinf(v))
		fputs("null", f);
	else
		fprintf(f, "%.3f", v);
}

static int write_json(const char *path)
{
	FILE *f = fopen(path, "w");

	if (!f)
		return -1;
	fprintf(f, "{\n  \"note\": ");
	json_str(f, note ? note : "");
	fprintf(f, ",\n  \"loadavg_before\": ");
	json_num(f, load_before);
	fprintf(f, ",\n  \"loadavg_after\": ");
	json_num(f, load_after);
	fprintf(f, ",\n  \"config\": {\"term\": \"%s\", \"cols\": 80, \"rows\": 24, "
		"\"rate_seconds\": %d, \"max_sessions\": %d, \"source_addresses\": %d, "
		"\"login_load_concurrency\": %d, \"login_load_rate\": %.1f, \"steps\": [%d, %d]},\n"
		"  \"systems\": {\n", TERM_NAME, rate_seconds, max_sessions, N_SOURCES, LOAD_CONC,
		load_rate, mem_steps[0], mem_steps[1]);
	for (int i = 0; i < nsys; i++) {
		const struct sys *s = &systems[i];

		fprintf(f, "    ");
		json_str(f, s->name);
		fprintf(f, ": {\"ok\": %s, \"error\": ", s->ok ? "true" : "false");
		json_str(f, s->err);
		fprintf(f, ",\n      \"metrics\": {");
		for (int m = 0; m < N_METRICS; m++) {
			fprintf(f, "%s\"%s\": ", m ? ", " : "", metric_info[m].key);
			json_num(f, s->m[m]);
		}
		fprintf(f, "},\n      \"memory_detail\": {\"held\": %d, \"processes\": %d, "
			"\"pss_kb\": %ld, \"groups\": [", s->detail.held, s->detail.nproc,
			s->detail.total_kb);
		for (int g = 0; g < s->detail.ngroups; g++) {
			const struct proc_group *pg = &s->detail.g[g];

			fprintf(f, "%s{\"name\": ", g ? ", " : "");
			json_str(f, pg->name);
			fprintf(f, ", \"count\": %d, \"pss_kb\": %ld, \"sample_kb\": {", pg->count,
				pg->pss_kb);
			for (int c = 0; c < N_CLASS; c++)
				fprintf(f, "%s\"%s\": %ld", c ? ", " : "", class_names[c], pg->cls_kb[c]);
			fprintf(f, "}}");
		}
		fprintf(f, "]}}%s\n", i + 1 < nsys ? "," : "");
	}
	fprintf(f, "  },\n  \"ratios\": {");
	for (int i = 1; i < nsys; i++) {
		fprintf(f, "%s\n    \"%s/%s\": {", i > 1 ? "," : "", systems[0].name,
			systems[i].name);
		bool first = true;
		for (int m = 0; m < N_METRICS; m++) {
			if (metric_info[m].better == 0)
				continue;
			fprintf(f, "%s\"%s\": ", first ? "" : ", ", metric_info[m].key);
			json_num(f, ratio(systems[0].m[m], systems[i].m[m]));
			first = false;
		}
		fprintf(f, "}");
	}
	fprintf(f, "\n  },\n  \"targets\": [");
	for (int i = 0; i < ntargets; i++) {
		fprintf(f, "%s\n    {\"what\": ", i ? "," : "");
		json_str(f, targets[i].what);
		fprintf(f, ", \"value\": ");
		json_num(f, targets[i].value);
		fprintf(f, ", \"limit\": ");
		json_num(f, targets[i].limit);
		fprintf(f, ", \"met\": %s}", !targets[i].known ? "null" : targets[i].met ?
			"true" : "false");
	}
	fprintf(f, "\n  ]\n}\n");
	return fclose(f) == 0 ? 0 : -1;
}

/* ================================================================ main */

static void usage(FILE *f)
{
	fprintf(f,
		"usage: compare-bench --key KEY [options] NAME:PORT:HOSTKEY:USER:PID...\n"
		"       compare-bench --free-port\n"
		"Measures each SSH server on 127.0.0.1:PORT (host key pinned to the private key file\n"
		"HOSTKEY, logging in as USER with KEY; PID is its listener, whose descendants are the\n"
		"server's processes). The first system is the one the ratios are about.\n"
		"  --json FILE         also write the results as JSON\n"
		"  --seconds N         length of each login-rate and login-load run (default 6)\n"
		"  --max-sessions N    most sessions to try to hold (default 1000)\n"
		"  --steps A,B         the two smaller held-session counts (default 50,500)\n"
		"  --keys N            keystrokes per latency sample (default 1000)\n"
		"  --hold-seconds N    time allowed per system to open the held sessions (default 150)\n"
		"  --load-rate N       logins/s (by 8 clients) during the keystroke test (default 25)\n"
		"  --time-limit N      skip the phases not started within N s (default 540)\n"
		"  --phases LIST       some of bytes,keys,rate,load,memory (default: all)\n"
		"  --note TEXT         printed above the table and stored in the JSON\n");
}

/* Prints a TCP port on 127.0.0.1 that is free right now. */
static int free_port(void)
{
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t len = sizeof sa;

	if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof sa) != 0 ||
	    getsockname(fd, (struct sockaddr *)&sa, &len) != 0) {
		perror("free port");
		return 1;
	}
	printf("%d\n", ntohs(sa.sin_port));
	close(fd);
	return 0;
}

static bool parse_system(const char *arg, struct sys *s)
{
	char buf[1024], *save = NULL;
	char *f[5];

	if (bbs_strlcpy(buf, arg, sizeof buf) >= sizeof buf)
		return false;
	memset(s, 0, sizeof *s);
	f[0] = strtok_r(buf, ":", &save);
	for (int i = 1; i < 5; i++)
		f[i] = f[i - 1] ? strtok_r(NULL, ":", &save) : NULL;
	if (!f[4])
		return false;
	bbs_strlcpy(s->name, f[0], sizeof s->name);
	s->fx.port = atoi(f[1]);
	bbs_strlcpy(s->fx.hostkey, f[2], sizeof s->fx.hostkey);
	bbs_strlcpy(s->user, f[3], sizeof s->user);
	s->root = (pid_t)atoi(f[4]);
	for (int m = 0; m < N_METRICS; m++)
		s->m[m] = NAN;
	return s->fx.port > 0 && s->fx.port < 65536 && s->root > 1;
}

/* Waits for the port to accept, then logs in once (which also warms caches). */
static void check_system(struct sys *s)
{
	int64_t end = now_us() + 15000000;
	int fd = -1;
	double ms;

	while ((fd = tc_raw_connect(s->fx.port, NULL)) < 0 && now_us() < end)
		msleep(50);
	if (fd < 0) {
		snprintf(s->err, sizeof s->err, "nothing listens on 127.0.0.1:%d", s->fx.port);
		return;
	}
	close(fd);
	drain(s, 5000);
	print_failed_screen = true;
	struct tc *tc = login_one(s, "127.0.0.2", &ms, s->err, sizeof s->err);
	print_failed_screen = false;
	if (!tc)
		return;
	tc_close(tc);
	drain(s, 10000);
	s->ok = true;
	progress("%s: first login to the menu in %.1f ms", s->name, ms);
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "key", required_argument, NULL, 'k' },
		{ "json", required_argument, NULL, 'j' },
		{ "seconds", required_argument, NULL, 't' },
		{ "max-sessions", required_argument, NULL, 'm' },
		{ "steps", required_argument, NULL, 'S' },
		{ "keys", required_argument, NULL, 'K' },
		{ "hold-seconds", required_argument, NULL, 'H' },
		{ "note", required_argument, NULL, 'n' },
		{ "load-rate", required_argument, NULL, 'L' },
		{ "phases", required_argument, NULL, 'p' },
		{ "time-limit", required_argument, NULL, 'T' },
		{ "free-port", no_argument, NULL, 'P' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *json = NULL;
	int hold_seconds = 150, time_limit = 540, c;

	while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (c) {
		case 'k': client_key = optarg; break;
		case 'j': json = optarg; break;
		case 't': rate_seconds = atoi(optarg); load_seconds = rate_seconds; break;
		case 'm': max_sessions = atoi(optarg); break;
		case 'S':
			if (sscanf(optarg, "%d,%d", &mem_steps[0], &mem_steps[1]) != 2) {
				usage(stderr);
				return 2;
			}
			break;
		case 'K': idle_keys = atoi(optarg); break;
		case 'H': hold_seconds = atoi(optarg); break;
		case 'n': note = optarg; break;
		case 'L': load_rate = atof(optarg); break;
		case 'p': phases = optarg; break;
		case 'T': time_limit = atoi(optarg); break;
		case 'P': return free_port();
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	}
	if (!client_key || optind >= argc || rate_seconds < 1 || max_sessions < 1 ||
	    idle_keys < 1 || hold_seconds < 1 || load_rate <= 0 || time_limit < 1 || mem_steps[0] < 1 || mem_steps[1] < 1) {
		usage(stderr);
		return 2;
	}
	for (; optind < argc; optind++) {
		if (nsys == MAX_SYS || !parse_system(argv[optind], &systems[nsys])) {
			fprintf(stderr, "compare-bench: bad system \"%s\"\n", argv[optind]);
			usage(stderr);
			return 2;
		}
		nsys++;
	}
	static char lab_pss1[64], lab_pss2[64], lab_load[64];
	snprintf(lab_pss1, sizeof lab_pss1, "PSS per session, %d held (kB)", mem_steps[0]);
	snprintf(lab_pss2, sizeof lab_pss2, "PSS per session, %d held (kB)", mem_steps[1]);
	snprintf(lab_load, sizeof lab_load, "  (logins/s meanwhile, paced at %.0f/s)", load_rate);
	metric_info[M_PSS_50].label = lab_pss1;
	metric_info[M_PSS_500].label = lab_pss2;
	metric_info[M_LOAD_RATE].label = lab_load;
	signal(SIGPIPE, SIG_IGN);
	/* One socket per held session, plus libssh's and /proc's. */
	struct rlimit rl;
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < (rlim_t)max_sessions + 64) {
		max_sessions = (int)rl.rlim_cur - 64;
		progress("open files limited to %ld: holding at most %d sessions",
			(long)rl.rlim_cur, max_sessions);
	}

	load_before = loadavg();
	int64_t run_t0 = now_us();
	run_deadline = run_t0 + time_limit * 1000000LL;
	for (int i = 0; i < nsys; i++) {
		baseline_nproc[i] = server_nproc(&systems[i]);
		check_system(&systems[i]);
		if (!systems[i].ok)
			progress("%s: unavailable: %s", systems[i].name, systems[i].err);
	}
	for (int i = 0; i < nsys; i++)
		if (systems[i].ok && phase_on("bytes") && time_left(&systems[i], "bytes"))
			phase_bytes(&systems[i]);
	if (phase_on("keys")) {
		int per = idle_keys / ROUNDS > 0 ? idle_keys / ROUNDS : 1;
		for (int r = 0; r < ROUNDS; r++)
			for (int i = 0; i < nsys; i++)
				if (systems[i].ok && time_left(&systems[i], "keys"))
					keys_idle_round(&systems[i], per);
	}
	if (phase_on("rate"))
		for (int k = 0; k < N_CONC; k++)
			for (int r = 0; r < ROUNDS; r++)
				for (int i = 0; i < nsys; i++)
					if (systems[i].ok && time_left(&systems[i], "rate"))
						rate_round(&systems[i], k, (double)rate_seconds / ROUNDS);
	for (int i = 0; i < nsys; i++)
		rate_finish(&systems[i]);
	if (phase_on("load"))
		for (int r = 0; r < ROUNDS; r++)
			for (int i = 0; i < nsys; i++)
				if (systems[i].ok && time_left(&systems[i], "load"))
					keys_load_round(&systems[i], (double)load_seconds / ROUNDS);
	for (int i = 0; i < nsys; i++)
		keys_finish(&systems[i]);
	for (int i = 0; i < nsys; i++)
		if (systems[i].ok && phase_on("memory") && time_left(&systems[i], "memory"))
			phase_memory(&systems[i], hold_seconds * 1000000LL);

	load_after = loadavg();
	double run_secs = (double)(now_us() - run_t0) / 1e6;
	eval_targets();
	printf("\nThe portal vs OpenSSH sshd vs dropbear: the same `bbs` UI for the same user, "
		"%s at 80x24,\none libssh client with public-key logins; ratio = %s / other "
		"(above 1 is better for rates\nand sessions held, below 1 for times, memory and "
		"bytes).\n", TERM_NAME, systems[0].name);
	if (note)
		printf("%s\n", note);
	printf("Measured in %.0f s; load average (1 min) %.2f before, %.2f after (%ld CPUs): "
		"other work on the machine\nskews the times, not the CPU-per-login or memory figures.\n",
		run_secs, load_before, load_after, sysconf(_SC_NPROCESSORS_ONLN));
	for (int i = 0; i < nsys; i++)
		if (!systems[i].ok)
			printf("%s was not measured: %s\n", systems[i].name, systems[i].err);
	print_table(stdout);
	printf("\nWhere the memory goes (PSS; breakdown by mapping of one process per kind, kB):\n");
	for (int i = 0; i < nsys; i++)
		print_detail(stdout, &systems[i]);
	print_targets(stdout);
	if (json) {
		if (write_json(json) != 0)
			fprintf(stderr, "compare-bench: cannot write %s\n", json);
		else
			printf("\nJSON: %s\n", json);
	}
	fflush(stdout);
	return 0;
}
