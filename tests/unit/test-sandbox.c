/*
 * test-sandbox: sandbox_child and sandbox_session (sandbox/), each in a child process of its
 * own, as bbs, bbscmd and bbsd's session process use them. Inside: no_new_privs and a seccomp
 * filter are in force (/proc/self/status); execve, sockets other than AF_UNIX and new
 * namespaces fail; the data directory works, a database included (SQLite makes its -wal and
 * -shm files there); with Landlock (when the kernel has it) files outside the data directory
 * cannot be opened, written or created, the session may run only the programs it named, and
 * (Landlock ABI 6) an abstract Unix socket outside the domain cannot be reached.
 */
#include "tests/unit/check.h"

#include "common/common.h"
#include "sandbox/sandbox.h"
#include "store/store.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/landlock.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static char base[64], data[128], outside[160];
static struct sockaddr_un abstract;   /* a listening abstract socket of the parent's */

static int landlock_abi(void)
{
	long v = syscall(SYS_landlock_create_ruleset, NULL, 0, LANDLOCK_CREATE_RULESET_VERSION);
	return v < 0 ? 0 : (int)v;
}

/* The value of a "Name:\tvalue" line of /proc/self/status, or -1. */
static long status_field(const char *name)
{
	FILE *f = fopen("/proc/self/status", "r");
	char line[256];
	long v = -1;
	size_t n = strlen(name);
	while (f && fgets(line, sizeof line, f))
		if (strncmp(line, name, n) == 0 && line[n] == ':')
			v = strtol(line + n + 1, NULL, 10);
	if (f)
		fclose(f);
	return v;
}

/* execve(path) in a grandchild: 0 if it ran (and exited 0), else the errno execve set. */
static int try_exec(const char *path)
{
	int p[2];
	if (pipe(p) != 0)
		return -1;
	pid_t pid = fork();
	if (pid == 0) {
		close(p[0]);
		char *argv[] = { (char *)path, NULL }, *envp[] = { NULL };
		execve(path, argv, envp);
		int e = errno;
		(void)!write(p[1], &e, sizeof e);
		_exit(127);
	}
	close(p[1]);
	int e = 0, status = 0;
	if (read(p[0], &e, sizeof e) != (ssize_t)sizeof e)
		e = 0;
	close(p[0]);
	waitpid(pid, &status, 0);
	return e ? e : WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : -1;
}

/* What both kinds of confinement share. */
static void common_checks(int layers)
{
	CHECK(layers >= 0);
	CHECK(layers & SANDBOX_SECCOMP);
	CHECK(status_field("NoNewPrivs") == 1);
	CHECK(status_field("Seccomp") == 2);

	/* Sockets: AF_UNIX only. */
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	CHECK(fd < 0 && errno == EPERM);
	fd = socket(AF_INET6, SOCK_DGRAM, 0);
	CHECK(fd < 0 && errno == EPERM);
	fd = socket(AF_UNIX, SOCK_STREAM, 0);
	CHECK(fd >= 0);
	if (fd >= 0)
		close(fd);
	/* No new namespaces, no ptrace-like peeking. */
	CHECK(unshare(CLONE_NEWUSER) != 0);
	CHECK(unshare(CLONE_NEWNS) != 0);

	/* The data directory works, a database with its -wal and -shm files included. */
	char db[200];
	struct store *st = NULL;
	CHECK_INT(bbs_snprintf(db, sizeof db, "%s/portal.db", data), 0);
	CHECK_INT(store_open(db, &st), 0);
	store_close(st);
	char f[200];
	CHECK_INT(bbs_snprintf(f, sizeof f, "%s/new-file", data), 0);
	fd = open(f, O_CREAT | O_RDWR | O_CLOEXEC, 0600);
	CHECK(fd >= 0);
	if (fd >= 0) {
		CHECK(write(fd, "x", 1) == 1);
		close(fd);
	}
	CHECK(unlink(f) == 0);
	/* Reading the system's files still works (terminfo, zoneinfo, locales). */
	fd = open("/etc/passwd", O_RDONLY | O_CLOEXEC);
	CHECK(fd >= 0);
	if (fd >= 0)
		close(fd);

	if (!(layers & SANDBOX_LANDLOCK)) {
		printf("# this kernel has no Landlock: the file checks are skipped\n");
		return;
	}
	/* Outside the data directory: no reading, writing or creating (root included). */
	fd = open(outside, O_RDONLY | O_CLOEXEC);
	CHECK(fd < 0 && errno == EACCES);
	fd = open(outside, O_WRONLY | O_CLOEXEC);
	CHECK(fd < 0 && errno == EACCES);
	char made[200];
	CHECK_INT(bbs_snprintf(made, sizeof made, "%s/made-outside", base), 0);
	fd = open(made, O_CREAT | O_WRONLY | O_CLOEXEC, 0600);
	CHECK(fd < 0 && errno == EACCES);
	CHECK(unlink(outside) != 0);
	fd = open("/etc/passwd", O_WRONLY | O_CLOEXEC);
	CHECK(fd < 0 && errno == EACCES);
	/* Landlock ABI 6: no abstract Unix socket of a process outside the domain. */
	if (landlock_abi() >= 6) {
		fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
		CHECK(fd >= 0);
		CHECK(connect(fd, (struct sockaddr *)&abstract, sizeof abstract) != 0 &&
			errno == EPERM);
		close(fd);
	}
}

static int child_ui(void)
{
	int layers = sandbox_child(data);
	printf("# sandbox_child: layers %d\n", layers);
	fflush(stdout);
	common_checks(layers);
	/* No program at all: execve fails with EPERM (seccomp), whatever Landlock says. */
	CHECK_INT(try_exec("/bin/true"), EPERM);
	CHECK_INT(try_exec("/bin/sh"), EPERM);
	return check_done();
}

static int child_session(void)
{
	const char *const programs[] = { "/bin/true", NULL };
	int layers = sandbox_session(data, programs);
	printf("# sandbox_session: layers %d\n", layers);
	fflush(stdout);
	common_checks(layers);
	/* The named program runs; with Landlock, nothing else does. */
	CHECK_INT(try_exec("/bin/true"), 0);
	if (layers & SANDBOX_LANDLOCK)
		CHECK_INT(try_exec("/bin/sh"), EACCES);
	return check_done();
}

static void run_child(const char *what, int (*fn)(void))
{
	fflush(stdout);
	pid_t pid = fork();
	CHECK(pid >= 0);
	if (pid == 0)
		exit(fn());
	int status = 0;
	CHECK(waitpid(pid, &status, 0) == pid);
	bool ok = WIFEXITED(status) && WEXITSTATUS(status) == 0;
	CHECK(ok);
	if (!ok)
		printf("# %s child: status %d\n", what, status);
}

int main(void)
{
	bbs_log_init("test-sandbox", false, BBS_LOG_DEBUG);
	bbs_strlcpy(base, "/tmp/test-sandbox-XXXXXX", sizeof base);
	CHECK(mkdtemp(base) != NULL);
	CHECK_INT(bbs_snprintf(data, sizeof data, "%s/data", base), 0);
	CHECK_INT(bbs_snprintf(outside, sizeof outside, "%s/outside", base), 0);
	CHECK(mkdir(data, 0700) == 0);
	int fd = open(outside, O_CREAT | O_WRONLY | O_CLOEXEC, 0600);
	CHECK(fd >= 0 && write(fd, "secret\n", 7) == 7);
	close(fd);

	/* An abstract socket outside the children's domain; reachable from here. */
	int lfd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	abstract.sun_family = AF_UNIX;
	(void)bbs_snprintf(abstract.sun_path + 1, sizeof abstract.sun_path - 1, "test-sandbox-%d",
		(int)getpid());
	CHECK(lfd >= 0 && bind(lfd, (struct sockaddr *)&abstract, sizeof abstract) == 0 &&
		listen(lfd, 4) == 0);

	run_child("sandbox_child", child_ui);
	run_child("sandbox_session", child_session);

	/* The parent was never confined. */
	CHECK(status_field("Seccomp") == 0);
	int cfd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	CHECK(cfd >= 0 && connect(cfd, (struct sockaddr *)&abstract, sizeof abstract) == 0);
	close(cfd);
	close(lfd);
	unlink(outside);
	char path[200];
	const char *const leftovers[] = { "portal.db", "portal.db-wal", "portal.db-shm" };
	for (size_t i = 0; i < 3; i++)
		if (bbs_snprintf(path, sizeof path, "%s/%s", data, leftovers[i]) == 0)
			unlink(path);
	rmdir(data);
	CHECK(rmdir(base) == 0);
	return check_done();
}
