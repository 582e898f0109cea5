/*
 * keeper.c: the store keeper, a child of the listener that holds one connection to the
 * database for as long as bbsd runs, and does the listener's writes.
 *
 * Why a process: SQLite drops the write-ahead log when its last connection closes (a
 * checkpoint, the log deleted) and the next connection re-creates it (the log's header and
 * the directory synced). With members logging in and off one at a time, every login paid for
 * that. An idle connection held here keeps the log open. The listener cannot hold it itself:
 * an SQLite connection must not cross fork(), and the listener forks every session.
 *
 * What it does: removes the sessions rows of session processes the listener has reaped (pid
 * and start time, 16 bytes per process through a pipe, removed in batches), and drops source
 * addresses older than SourceRetentionDays once an hour. It reads nothing but that pipe, runs
 * confined as bbs does (sandbox_child), and ends when the listener closes the pipe.
 *
 * Must never: block the listener (the pipe is non-blocking on the listener's side: a row it
 * cannot hand over is pruned when sessions are listed), or hold the listener's sockets.
 */
#include "bbsd/bbsd.h"
#include "sandbox/sandbox.h"
#include "store/store.h"
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#define KEEPER_FD 3                /* the pipe's read end, in the keeper */
#define FORGET_INTERVAL 3600       /* seconds between drops of old source addresses */
#define RESTART_DELAY 10           /* seconds before a keeper that ended is started again */
#define BATCH 256                  /* processes read (and their rows removed) at once */

static void forget_sources(struct store *st, int days)
{
	if (days <= 0)
		return;
	int64_t cleared = 0;
	int r = store_forget_sources(st, days, &cleared);
	if (r != 0)
		log_warn("cannot drop old source addresses: %s", bbs_strerror(r));
	else if (cleared > 0)
		log_info("dropped %lld source addresses older than %d days", (long long)cleared, days);
}

static _Noreturn void keeper_main(const struct bbsd_config *cfg)
{
	char path[4200];
	struct store *st = NULL;
	int r = bbs_snprintf(path, sizeof path, "%s/portal.db", cfg->dir);
	if (r == 0)
		r = store_open(path, &st);
	if (r != 0) {
		log_error("store keeper: cannot open the database: %s", bbs_strerror(r));
		_exit(1);
	}
	/* Its writes are bookkeeping (rows of ended sessions, old addresses). */
	if (store_relax_sync(st) != 0)
		log_warn("store keeper: commits stay synchronous");
	if (sandbox_child(cfg->dir) < 0)
		log_warn("store keeper: the sandbox could not be set up");

	struct store_proc batch[BATCH];
	size_t have = 0;   /* bytes of a partial entry carried over */
	int64_t next_forget = bbs_now();
	for (;;) {
		int64_t now = bbs_now();
		if (now >= next_forget) {
			forget_sources(st, cfg->source_retention_days);
			next_forget = now + FORGET_INTERVAL;
		}
		/* Never longer than one interval (the clock may jump). */
		int64_t wait_s = next_forget - now;
		if (wait_s > FORGET_INTERVAL)
			wait_s = FORGET_INTERVAL;
		struct pollfd p = { .fd = KEEPER_FD, .events = POLLIN };
		if (poll(&p, 1, (int)(wait_s * 1000)) < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		if (p.revents == 0)
			continue;   /* the hourly timer; anything else (input, hangup, error) reads */
		ssize_t n = read(KEEPER_FD, (char *)batch + have, sizeof batch - have);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;   /* the listener closed the pipe (or it failed): done */
		have += (size_t)n;
		size_t count = have / sizeof batch[0];
		if (count > 0 && (r = store_session_remove_ended(st, batch, count, NULL)) != 0)
			log_warn("store keeper: cannot remove %zu ended sessions: %s (pruned when listed)",
				count, bbs_strerror(r));
		/* The listener writes whole entries (16 bytes, atomic on a pipe); keep any rest. */
		size_t rest = have - count * sizeof batch[0];
		memmove(batch, (char *)batch + count * sizeof batch[0], rest);
		have = rest;
	}
	store_close(st);
	_exit(0);
}

static void keeper_start(struct keeper *k, const struct bbsd_config *cfg, ssh_bind b)
{
	int fds[2];
	k->pid = 0;
	k->fd = -1;
	if (pipe2(fds, O_CLOEXEC) != 0) {
		log_error("store keeper: pipe: %m");
		k->restart_at = bbs_now() + RESTART_DELAY;
		return;
	}
	pid_t pid = fork();
	if (pid < 0) {
		log_error("store keeper: fork: %m");
		close(fds[0]);
		close(fds[1]);
		k->restart_at = bbs_now() + RESTART_DELAY;
		return;
	}
	if (pid == 0) {
		/* Nothing of the listener's: its sockets, its signal pipe, the sessions' notify pipes
		 * and the host keys go; the pipe's read end becomes fd 3. */
		ssh_bind_free(b);
		prctl(PR_SET_NAME, "bbsd-keeper");   /* what ps and the tests show */
		if (dup2(fds[0], KEEPER_FD) < 0)
			_exit(1);
		close_range(KEEPER_FD + 1, ~0U, 0);
		/* It ends when the listener closes the pipe (also when the listener is killed), so
		 * a SIGTERM or ^C sent to all of bbsd's processes at once leaves the listener to
		 * stop it in order; SIGHUP (a reload) is the listener's business. */
		struct sigaction dfl = { .sa_handler = SIG_DFL }, ign = { .sa_handler = SIG_IGN };
		sigaction(SIGCHLD, &dfl, NULL);
		sigaction(SIGTERM, &ign, NULL);
		sigaction(SIGINT, &ign, NULL);
		sigaction(SIGHUP, &ign, NULL);
		keeper_main(cfg);
	}
	close(fds[0]);
	if (fcntl(fds[1], F_SETFL, O_NONBLOCK) != 0)
		log_warn("store keeper: pipe: %m");
	k->pid = pid;
	k->fd = fds[1];
	log_debug("store keeper started (pid %d)", (int)pid);
}

int keeper_tend(struct keeper *k, const struct bbsd_config *cfg, ssh_bind b)
{
	if (k->pid > 0)
		return -1;
	if (bbs_now() >= k->restart_at) {
		keeper_start(k, cfg, b);
		if (k->pid > 0)
			return -1;
	}
	int64_t wait_s = k->restart_at - bbs_now();
	/* The clock may jump: never longer than one delay, never a busy loop. */
	return (int)((wait_s > 0 && wait_s <= RESTART_DELAY ? wait_s : 1) * 1000);
}

void keeper_ended(struct keeper *k, pid_t pid, int64_t start)
{
	struct store_proc p = { .pid = pid, .start = start };
	if (k->fd < 0 || start <= 0)
		return;
	if (write(k->fd, &p, sizeof p) != (ssize_t)sizeof p)
		log_debug("store keeper: cannot hand over ended session %d: %m", (int)pid);
}

bool keeper_reaped(struct keeper *k, pid_t pid, int status)
{
	if (k->pid <= 0 || pid != k->pid)
		return false;
	log_warn("store keeper (pid %d) ended (status %d); starting another in %d s", (int)pid,
		WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status), RESTART_DELAY);
	if (k->fd >= 0)
		close(k->fd);
	k->fd = -1;
	k->pid = 0;
	k->restart_at = bbs_now() + RESTART_DELAY;
	return true;
}

void keeper_stop(struct keeper *k, bool wait)
{
	if (k->fd >= 0)
		close(k->fd);   /* the keeper reads the end of the pipe, closes the store, exits */
	k->fd = -1;
	if (wait && k->pid > 0)
		while (waitpid(k->pid, NULL, 0) < 0 && errno == EINTR)
			;
	k->pid = 0;
	k->restart_at = 0;   /* keeper_tend starts another at once */
}
