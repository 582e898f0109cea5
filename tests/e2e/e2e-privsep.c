/*
 * e2e-privsep: least privilege as it runs. With a member logged in, the listener, the session
 * process and the UI process all run as the service user (the "bbs" user bbsd drops to when
 * the test runs as root, as in CI; else the user running the test): every id of the Uid and
 * Gid lines of /proc/PID/status, no capability, no new privileges (NoNewPrivs 1, from the
 * listener on). The session and the UI are confined:
 * NoNewPrivs 1 and Seccomp 2 (a filter) in their status. The UI holds no host key and no
 * network socket: each of its descriptors is the pty, /dev/null, a file of the data directory,
 * an AF_UNIX socket (syslog) or a pipe of its own. What bbsd writes in the data directory belongs to the service
 * user.
 */
#include <dirent.h>
#include <errno.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tests/e2e/portal.h"
#include "tests/e2e/tclient.h"

/* One "Name:" line of /proc/PID/status, the text after the tab (into out), or false. */
static bool status_line(pid_t pid, const char *name, char *out, size_t n)
{
	char path[64], line[512];
	snprintf(path, sizeof path, "/proc/%d/status", (int)pid);
	FILE *f = fopen(path, "r");
	bool found = false;
	size_t len = strlen(name);
	while (f && !found && fgets(line, sizeof line, f)) {
		if (strncmp(line, name, len) == 0 && line[len] == ':') {
			const char *v = line + len + 1;
			v += strspn(v, " \t");
			snprintf(out, n, "%.*s", (int)strcspn(v, "\n"), v);
			found = true;
		}
	}
	if (f)
		fclose(f);
	return found;
}

/* True when the Uid (or Gid) line holds want four times: real, effective, saved, fs. */
static bool ids_are(pid_t pid, const char *name, unsigned want)
{
	char v[128];
	unsigned a[4];
	if (!status_line(pid, name, v, sizeof v) ||
	    sscanf(v, "%u %u %u %u", &a[0], &a[1], &a[2], &a[3]) != 4) {
		tc_note("pid %d: no %s line", (int)pid, name);
		return false;
	}
	for (int i = 0; i < 4; i++)
		if (a[i] != want) {
			tc_note("pid %d: %s: %s, want %u", (int)pid, name, v, want);
			return false;
		}
	return true;
}

static bool field_is(pid_t pid, const char *name, const char *want)
{
	char v[128];
	if (!status_line(pid, name, v, sizeof v) || strcmp(v, want) != 0) {
		tc_note("pid %d: %s is '%s', want '%s'", (int)pid, name, v, want);
		return false;
	}
	return true;
}

/* The first child of parent whose name (/proc/PID/comm) is comm (any name if NULL), or 0. */
static pid_t child_of(pid_t parent, const char *comm)
{
	DIR *d = opendir("/proc");
	struct dirent *e;
	pid_t found = 0;
	while (d && !found && (e = readdir(d))) {
		char path[300], buf[512];
		pid_t pid = (pid_t)atoi(e->d_name);
		if (pid <= 0)
			continue;
		snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
		FILE *f = fopen(path, "r");
		if (!f)
			continue;
		size_t n = fread(buf, 1, sizeof buf - 1, f);
		fclose(f);
		buf[n] = '\0';
		/* pid (comm) state ppid: comm may hold spaces and parentheses; the last ')' ends it. */
		char *rp = strrchr(buf, ')'), *lp = strchr(buf, '(');
		int ppid = 0;
		char state;
		if (!rp || !lp || sscanf(rp + 1, " %c %d", &state, &ppid) != 2 || ppid != parent ||
		    state == 'Z')
			continue;
		*rp = '\0';
		if (!comm || strcmp(lp + 1, comm) == 0)
			found = pid;
	}
	if (d)
		closedir(d);
	return found;
}

/* Waits (bounded) for such a child: the UI starts right after the session's shell request. */
static pid_t wait_child(pid_t parent, const char *comm)
{
	int64_t end = tc_now_ms() + TC_WAIT_MS;
	pid_t pid;
	while (!(pid = child_of(parent, comm)) && tc_now_ms() < end)
		usleep(20000);
	return pid;
}

/* True when inode is an AF_UNIX socket (listed in /proc/net/unix). */
static bool unix_socket(unsigned long inode)
{
	FILE *f = fopen("/proc/net/unix", "r");
	char line[512];
	bool found = false;
	while (f && !found && fgets(line, sizeof line, f)) {
		unsigned long ino = 0;
		/* Num RefCount Protocol Flags Type St Inode Path */
		if (sscanf(line, "%*s %*s %*s %*s %*s %*s %lu", &ino) == 1 && ino == inode)
			found = true;
	}
	if (f)
		fclose(f);
	return found;
}

/* Every descriptor of the UI: the pty, /dev/null or /dev/tty, the data directory, or an
 * AF_UNIX socket. Never a host key, never a TCP socket, never anything else. For the store
 * keeper (ui false), which keeps bbsd's standard descriptors: never a host key or a socket. */
static void check_fds(const struct tc_fixture *fx, pid_t ui, bool is_ui)
{
	char dir[64];
	snprintf(dir, sizeof dir, "/proc/%d/fd", (int)ui);
	DIR *d = opendir(dir);
	if (!d && errno == EACCES && getuid() != 0) {
		/* The UI is not dumpable: only root may look at its descriptors. */
		tc_note("not root: the UI's descriptors cannot be listed; skipped");
		return;
	}
	TC_REQUIRE(d != NULL);
	struct dirent *e;
	int n = 0;
	size_t dl = strlen(fx->dir);
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		char path[384], target[4200];
		snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
		ssize_t len = readlink(path, target, sizeof target - 1);
		if (len < 0)
			continue;  /* closed meanwhile */
		target[len] = '\0';
		n++;
		unsigned long inode = 0;
		/* Pipes and anonymous inodes the UI made itself (its signal pipe): bbsd closes
		 * every descriptor above 2 before the exec. */
		bool ok = strncmp(target, "/dev/pts/", 9) == 0 || strcmp(target, "/dev/null") == 0 ||
			strncmp(target, "pipe:", 5) == 0 || strncmp(target, "anon_inode:", 11) == 0 ||
			strcmp(target, "/dev/tty") == 0 ||
			(strncmp(target, fx->dir, dl) == 0 && target[dl] == '/' &&
			 !strstr(target, "ssh_host_")) ||
			(sscanf(target, "socket:[%lu]", &inode) == 1 && unix_socket(inode));
		if (!is_ui)
			ok = !strstr(target, "ssh_host_") && strncmp(target, "socket:", 7) != 0;
		if (!TC_CHECK(ok))
			tc_note("%s fd %s -> %s", is_ui ? "UI" : "keeper", e->d_name, target);
	}
	closedir(d);
	tc_note("the %s holds %d descriptors", is_ui ? "UI" : "keeper", n);
	TC_CHECK(n >= 3 && n < 16);
}

int main(void)
{
	struct tc_fixture fx;
	struct tc_users u;
	tc_fixture_standard(&fx, &u, 120);

	/* Whom bbsd must run as: the default User when we are root, else ourselves. */
	unsigned uid = (unsigned)getuid(), gid = (unsigned)getgid();
	if (getuid() == 0) {
		struct passwd *pw = getpwnam("bbs");
		TC_REQUIRE(pw != NULL);
		uid = (unsigned)pw->pw_uid;
		gid = (unsigned)pw->pw_gid;
		TC_REQUIRE(uid != 0);
	}
	tc_note("service user: uid %u gid %u", uid, gid);

	tc_note("the listener");
	TC_CHECK(ids_are(fx.bbsd_pid, "Uid", uid));
	TC_CHECK(ids_are(fx.bbsd_pid, "Gid", gid));
	TC_CHECK(field_is(fx.bbsd_pid, "CapEff", "0000000000000000"));
	TC_CHECK(field_is(fx.bbsd_pid, "CapPrm", "0000000000000000"));
	TC_CHECK(field_is(fx.bbsd_pid, "NoNewPrivs", "1"));
	char path[4200];
	struct stat sb;
	snprintf(path, sizeof path, "%s/bbsd.pid", fx.dir);
	TC_CHECK(stat(path, &sb) == 0 && sb.st_uid == uid);
	snprintf(path, sizeof path, "%s/ssh_host_ed25519_key", fx.dir);
	TC_CHECK(stat(path, &sb) == 0 && sb.st_uid == uid && (sb.st_mode & 077) == 0);

	tc_note("a member's session and UI");
	struct tc *tc = tc_login_key(&fx, "alice", u.alice_key, "xterm", 80, 24);
	TC_REQUIRE(portal_wait_menu(tc, TC_WAIT_MS));
	pid_t session = wait_child(fx.bbsd_pid, "bbsd");
	TC_REQUIRE(session > 0);
	pid_t ui = wait_child(session, "bbs");
	TC_REQUIRE(ui > 0);
	tc_note("listener %d, session %d, UI %d", (int)fx.bbsd_pid, (int)session, (int)ui);
	TC_CHECK(ids_are(session, "Uid", uid));
	TC_CHECK(ids_are(session, "Gid", gid));
	TC_CHECK(field_is(session, "CapEff", "0000000000000000"));
	TC_CHECK(field_is(session, "NoNewPrivs", "1"));
	TC_CHECK(field_is(session, "Seccomp", "2"));
	TC_CHECK(ids_are(ui, "Uid", uid));
	TC_CHECK(ids_are(ui, "Gid", gid));
	TC_CHECK(field_is(ui, "CapEff", "0000000000000000"));
	/* The UI cannot exec: the seccomp filter it sets up denies execve (tests/unit
	 * test-sandbox shows the filter at work); no_new_privs is what lets it install one. */
	TC_CHECK(field_is(ui, "NoNewPrivs", "1"));
	TC_CHECK(field_is(ui, "Seccomp", "2"));
	check_fds(&fx, ui, true);

	tc_note("the store keeper (bbsd's one child that is not a session)");
	pid_t keeper = child_of(fx.bbsd_pid, TC_KEEPER_NAME);
	TC_REQUIRE(keeper > 0);
	TC_CHECK(ids_are(keeper, "Uid", uid));
	TC_CHECK(field_is(keeper, "CapEff", "0000000000000000"));
	TC_CHECK(field_is(keeper, "NoNewPrivs", "1"));
	TC_CHECK(field_is(keeper, "Seccomp", "2"));
	check_fds(&fx, keeper, false);

	TC_CHECK(portal_logoff(tc, "q") == 0);
	tc_close(tc);
	tc_fixture_finish(&fx);
	return tc_done();
}
