/*
 * store-backup.c: a consistent copy of a live portal database (store_backup), and putting such
 * a copy back (store_restore), with SQLite's online backup API.
 *
 * The backup holds one read transaction on the source for the whole copy: in WAL mode that
 * never blocks members who are posting, it pins one snapshot (every commit that returned
 * before the copy began is in it), and the copy is never restarted by their writes, however
 * busy the portal is. The copy is written next to its target as TARGET.tmp (mode 0600: it
 * holds password hashes), converted to a single self-contained file (rollback journal, no
 * -wal), checked with PRAGMA integrity_check, fsync'd, and only then given its name.
 *
 * The restore replaces the contents of DIR/portal.db in place (the backup API again, into the
 * live file), so the file keeps its owner and mode and no stale -wal can ever be applied to
 * the wrong database. It runs only while no other process has the database open: every
 * member session and command holds its connection for as long as it runs, and SQLite in WAL
 * mode keeps a shared lock on the file for each of them, so an exclusive lock is the test.
 *
 * Must never: overwrite an existing file, leave a half-written file under the target's name,
 * install a copy that failed its checks, or change the database being backed up.
 */
#include "store/private.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* Pages copied per backup step (4 KiB pages: 1 MiB a step), and how long a step that finds
 * the source or destination locked is retried, in total, before giving up. */
#define BACKUP_STEP_PAGES 256
#define BACKUP_BUSY_MS 30000
/* Restore waits this long for the exclusive lock: short, because "in use" means refuse. */
#define RESTORE_LOCK_MS 200

static void say(char *why, size_t whylen, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void say(char *why, size_t whylen, const char *fmt, ...)
{
	if (!why || whylen == 0)
		return;
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(why, whylen, fmt, ap);
	va_end(ap);
	if (n < 0)
		bbs_strlcpy(why, "error", whylen);
}

/* Opens a database file without migrating it, hardened like store_open: no schema tricks
 * from a hostile file, no extensions. flags: SQLITE_OPEN_READWRITE (never CREATE). */
static int open_raw(const char *path, int busy_ms, sqlite3 **out)
{
	*out = NULL;
	sqlite3 *db = NULL;
	int rc = sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, NULL);
	if (rc != SQLITE_OK) {
		sqlite3_close_v2(db);
		return rc;
	}
	sqlite3_extended_result_codes(db, 1);
	sqlite3_busy_timeout(db, busy_ms);
	sqlite3_db_config(db, SQLITE_DBCONFIG_DEFENSIVE, 1, NULL);
	sqlite3_db_config(db, SQLITE_DBCONFIG_TRUSTED_SCHEMA, 0, NULL);
	sqlite3_db_config(db, SQLITE_DBCONFIG_ENABLE_LOAD_EXTENSION, 0, NULL);
	*out = db;
	return SQLITE_OK;
}

/* Runs a constant statement and, when it returns a row, copies column 0 of the first row
 * (as text) into out. Returns the SQLite result code (SQLITE_OK when it ran). */
static int query_text(sqlite3 *db, const char *sql, char *out, size_t outlen)
{
	sqlite3_stmt *stmt = NULL;
	if (out && outlen)
		out[0] = '\0';
	int rc = sqlite3_prepare_v2(db, sql, -1, &stmt, NULL);
	if (rc == SQLITE_OK) {
		rc = sqlite3_step(stmt);
		if (rc == SQLITE_ROW && out && outlen) {
			const unsigned char *s = sqlite3_column_text(stmt, 0);
			bbs_strlcpy(out, s ? (const char *)s : "", outlen);
		}
		rc = rc == SQLITE_ROW || rc == SQLITE_DONE ? SQLITE_OK : rc;
	}
	sqlite3_finalize(stmt);
	return rc;
}

/* "ok", or the first problem PRAGMA integrity_check names (into why). */
static int check_integrity(sqlite3 *db, const char *name, char *why, size_t whylen)
{
	char res[256];
	int rc = query_text(db, "PRAGMA integrity_check", res, sizeof res);
	if (rc != SQLITE_OK) {
		say(why, whylen, "%s: %s", name, sqlite3_errstr(rc));
		return BBS_ERR_INVALID;
	}
	if (strcmp(res, "ok") != 0) {
		say(why, whylen, "%s fails the integrity check: %.200s", name, res);
		return BBS_ERR_INVALID;
	}
	return BBS_OK;
}

/* Removes a database file and the files SQLite may keep next to it. */
static void unlink_db(const char *path)
{
	static const char *const sfx[] = { "", "-journal", "-wal", "-shm" };
	for (size_t i = 0; i < sizeof sfx / sizeof sfx[0]; i++) {
		char p[4200];
		if (bbs_snprintf(p, sizeof p, "%s%s", path, sfx[i]) == 0)
			(void)unlink(p);
	}
}

static int fsync_path(const char *path, bool dir)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC | (dir ? O_DIRECTORY : 0));
	if (fd < 0)
		return BBS_ERR_IO;
	int r = fsync(fd) == 0 ? BBS_OK : BBS_ERR_IO;
	close(fd);
	return r;
}

static int fsync_dir_of(const char *path)
{
	char *copy = xstrdup(path);
	int r = fsync_path(dirname(copy), true);
	free(copy);
	return r;
}

/*
 * Copies every page of src (which the caller may keep in an open read transaction, so that the
 * copy is one snapshot) into dst, a few pages at a time. Locked steps are retried with short
 * pauses up to BACKUP_BUSY_MS in all.
 */
static int copy_pages(sqlite3 *src, sqlite3 *dst, const char *dstname, char *why, size_t whylen)
{
	sqlite3_backup *b = sqlite3_backup_init(dst, "main", src, "main");
	if (!b) {
		say(why, whylen, "%s: cannot start the copy: %s", dstname, sqlite3_errmsg(dst));
		return BBS_ERR_DB;
	}
	long waited_ms = 0;
	int rc;
	for (;;) {
		rc = sqlite3_backup_step(b, BACKUP_STEP_PAGES);
		if (rc == SQLITE_OK)
			continue;
		if ((rc == SQLITE_BUSY || rc == SQLITE_LOCKED) && waited_ms < BACKUP_BUSY_MS) {
			struct timespec ts = { .tv_sec = 0, .tv_nsec = 20 * 1000000L };
			nanosleep(&ts, NULL);
			waited_ms += 20;
			continue;
		}
		break;
	}
	int frc = sqlite3_backup_finish(b);
	if (rc != SQLITE_DONE || frc != SQLITE_OK) {
		int bad = rc != SQLITE_DONE ? rc : frc;
		say(why, whylen, "%s: copy failed: %s", dstname,
			(bad & 0xff) == SQLITE_BUSY ? "the database stayed locked" : sqlite3_errstr(bad));
		return (bad & 0xff) == SQLITE_BUSY ? BBS_ERR_BUSY : BBS_ERR_DB;
	}
	return BBS_OK;
}

/* Creates path with O_EXCL and mode 0600 (whatever the umask), for SQLite to fill. */
static int create_exclusive(const char *path, char *why, size_t whylen)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW | O_NOCTTY, 0600);
	if (fd < 0) {
		int e = errno;
		say(why, whylen, "%s: %s%s", path, strerror(e), e == EEXIST
			? " (left by an interrupted run? remove it if so)" : "");
		return e == EEXIST ? BBS_ERR_EXISTS : BBS_ERR_IO;
	}
	int r = fchmod(fd, 0600) == 0 ? BBS_OK : BBS_ERR_IO;
	int e = errno;
	if (close(fd) != 0 && r == BBS_OK) {
		r = BBS_ERR_IO;
		e = errno;
	}
	if (r != BBS_OK)
		say(why, whylen, "%s: %s", path, strerror(e));
	return r;
}

/*
 * The part of a backup after the source is open (and pinned by the caller): writes target
 * through target.tmp. Never replaces an existing target.
 */
static int backup_from(sqlite3 *src, const char *target, char *why, size_t whylen)
{
	char tmp[4200];
	sqlite3 *dst = NULL;
	bool made_tmp = false;
	int r;

	if (bbs_snprintf(tmp, sizeof tmp, "%s.tmp", target) != 0) {
		say(why, whylen, "file name too long");
		return BBS_ERR_TOOBIG;
	}
	struct stat sb;
	if (lstat(target, &sb) == 0) {
		say(why, whylen, "%s exists; a backup never overwrites a file", target);
		return BBS_ERR_EXISTS;
	}
	if ((r = create_exclusive(tmp, why, whylen)) < 0)
		goto out;
	made_tmp = true;
	if (open_raw(tmp, STORE_BUSY_TIMEOUT_MS, &dst) != SQLITE_OK) {
		say(why, whylen, "%s: cannot open it", tmp);
		r = BBS_ERR_DB;
		goto out;
	}
	if ((r = copy_pages(src, dst, tmp, why, whylen)) < 0)
		goto out;
	/* The copied header says WAL (the portal's mode); make the copy one self-contained file
	 * that can be moved around without a -wal beside it. */
	char mode[32];
	if (query_text(dst, "PRAGMA journal_mode = DELETE", mode, sizeof mode) != SQLITE_OK
	    || strcmp(mode, "delete") != 0) {
		say(why, whylen, "%s: cannot leave WAL mode: %s", tmp, sqlite3_errmsg(dst));
		r = BBS_ERR_DB;
		goto out;
	}
	if ((r = check_integrity(dst, tmp, why, whylen)) < 0)
		goto out;
	if (sqlite3_close(dst) != SQLITE_OK) {
		say(why, whylen, "%s: cannot close it", tmp);
		r = BBS_ERR_DB;
		goto out;
	}
	dst = NULL;
	if (fsync_path(tmp, false) != 0) {
		say(why, whylen, "%s: fsync: %s", tmp, strerror(errno));
		r = BBS_ERR_IO;
		goto out;
	}
	/* link() fails if target appeared meanwhile, where rename() would replace it. */
	if (link(tmp, target) != 0) {
		int e = errno;
		say(why, whylen, "%s: %s", target, strerror(e));
		r = e == EEXIST ? BBS_ERR_EXISTS : BBS_ERR_IO;
		goto out;
	}
	if (fsync_dir_of(target) != 0) {
		say(why, whylen, "%s: cannot sync its directory: %s", target, strerror(errno));
		r = BBS_ERR_IO;
		goto out;
	}
	r = BBS_OK;
out:
	if (dst)
		sqlite3_close_v2(dst);
	if (made_tmp)
		unlink_db(tmp);
	return r;
}

int store_backup(const char *db_path, const char *target, char *why, size_t whylen)
{
	sqlite3 *src = NULL;
	int r;

	if (why && whylen)
		why[0] = '\0';
	if (!db_path || !target || !*target)
		return BBS_ERR_INVALID;
	struct stat sb;
	if (stat(db_path, &sb) != 0 || !S_ISREG(sb.st_mode)) {
		say(why, whylen, "%s: no database there", db_path);
		return BBS_ERR_NOTFOUND;
	}
	if (open_raw(db_path, STORE_BUSY_TIMEOUT_MS, &src) != SQLITE_OK) {
		say(why, whylen, "%s: cannot open it", db_path);
		r = BBS_ERR_DB;
		goto out;
	}
	/* The snapshot: a read transaction that lasts until the copy is done. Writers go on
	 * (WAL); what they commit from now on is not in this copy, and cannot restart it. */
	int rc = sqlite3_exec(src, "BEGIN", NULL, NULL, NULL);
	if (rc == SQLITE_OK)
		rc = query_text(src, "SELECT count(*) FROM sqlite_schema", NULL, 0);
	if (rc != SQLITE_OK) {
		say(why, whylen, "%s: %s", db_path, sqlite3_errstr(rc));
		r = (rc & 0xff) == SQLITE_BUSY ? BBS_ERR_BUSY : BBS_ERR_DB;
		goto out;
	}
	r = backup_from(src, target, why, whylen);
	(void)sqlite3_exec(src, "COMMIT", NULL, NULL, NULL);
out:
	if (src)
		sqlite3_close_v2(src);
	return r;
}

/* Is path a portal database this build can take? Sets *version. */
static int check_portal(sqlite3 *db, const char *name, int *version, char *why, size_t whylen)
{
	char v[32], tables[32];
	*version = 0;
	int rc = query_text(db, "PRAGMA user_version", v, sizeof v);
	if (rc != SQLITE_OK) {
		say(why, whylen, "%s is damaged or not an SQLite database (%s)", name,
			sqlite3_errstr(rc));
		return BBS_ERR_INVALID;
	}
	int r = check_integrity(db, name, why, whylen);
	if (r < 0)
		return r;
	*version = atoi(v);
	if (*version > store_schema_version()) {
		say(why, whylen, "%s has schema version %d, newer than this program knows (%d): "
			"restore it with the newer version of the portal", name, *version,
			store_schema_version());
		return BBS_ERR_INVALID;
	}
	rc = query_text(db, "SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name IN "
		"('settings', 'users', 'user_keys', 'pages', 'areas')", tables, sizeof tables);
	if (*version < 1 || rc != SQLITE_OK || strcmp(tables, "5") != 0) {
		say(why, whylen, "%s is an SQLite database, but not one of the portal", name);
		return BBS_ERR_INVALID;
	}
	return BBS_OK;
}

/* Copies the bytes of file (a regular file) into the new file dst (created 0600). */
static int copy_file(const char *file, const char *dst, char *why, size_t whylen)
{
	int in = -1, out = -1, r = BBS_ERR_IO;
	char buf[65536];

	in = open(file, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	struct stat sb;
	if (in < 0 || fstat(in, &sb) != 0) {
		int e = errno;
		say(why, whylen, "%s: %s", file, strerror(e));
		r = e == ENOENT ? BBS_ERR_NOTFOUND : BBS_ERR_IO;
		goto out;
	}
	if (!S_ISREG(sb.st_mode)) {
		say(why, whylen, "%s is not a regular file", file);
		r = BBS_ERR_INVALID;
		goto out;
	}
	if ((r = create_exclusive(dst, why, whylen)) < 0)
		goto out;
	r = BBS_ERR_IO;
	out = open(dst, O_WRONLY | O_CLOEXEC | O_NOFOLLOW);
	if (out < 0) {
		say(why, whylen, "%s: %s", dst, strerror(errno));
		goto out;
	}
	for (;;) {
		ssize_t n = read(in, buf, sizeof buf);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			say(why, whylen, "%s: %s", file, strerror(errno));
			goto out;
		}
		if (n == 0)
			break;
		for (ssize_t off = 0; off < n;) {
			ssize_t w = write(out, buf + off, (size_t)(n - off));
			if (w < 0 && errno == EINTR)
				continue;
			if (w <= 0) {
				say(why, whylen, "%s: %s", dst, strerror(errno));
				goto out;
			}
			off += w;
		}
	}
	r = BBS_OK;
out:
	if (in >= 0)
		close(in);
	if (out >= 0 && close(out) != 0 && r == BBS_OK) {
		say(why, whylen, "%s: %s", dst, strerror(errno));
		r = BBS_ERR_IO;
	}
	return r;
}

/* Takes the live database for this process alone, or says who may be using it. The lock is
 * kept until the connection closes (locking_mode EXCLUSIVE). *objects: how many tables,
 * indexes... it has (0 for a new file). */
static int lock_live(sqlite3 *live, const char *db_path, int *objects, char *why, size_t whylen)
{
	char n[32] = "0";
	int rc = query_text(live, "PRAGMA locking_mode = EXCLUSIVE", NULL, 0);
	if (rc == SQLITE_OK)
		rc = sqlite3_exec(live, "BEGIN EXCLUSIVE", NULL, NULL, NULL);
	if (rc == SQLITE_OK) {
		rc = query_text(live, "SELECT count(*) FROM sqlite_schema", n, sizeof n);
		int crc = sqlite3_exec(live, rc == SQLITE_OK ? "COMMIT" : "ROLLBACK", NULL, NULL, NULL);
		if (rc == SQLITE_OK)
			rc = crc;
	}
	if ((rc & 0xff) == SQLITE_BUSY || (rc & 0xff) == SQLITE_LOCKED) {
		say(why, whylen, "%s is in use (bbsd sessions, commands or another bbsctl); stop bbsd "
			"and try again", db_path);
		return BBS_ERR_BUSY;
	}
	if (rc != SQLITE_OK) {
		say(why, whylen, "%s: %s", db_path, sqlite3_errstr(rc));
		return BBS_ERR_DB;
	}
	*objects = atoi(n);
	return BBS_OK;
}

/* A name for the current database that does not exist yet: PATH.before-restore-STAMP[.N]. */
static int before_name(const char *db_path, char *out, size_t outlen)
{
	char stamp[32];
	struct tm tm;
	time_t now = time(NULL);
	if (!gmtime_r(&now, &tm) || strftime(stamp, sizeof stamp, "%Y%m%dT%H%M%SZ", &tm) == 0)
		return BBS_ERR_INVALID;
	for (int i = 1; i < 100; i++) {
		int e = i == 1 ? bbs_snprintf(out, outlen, "%s.before-restore-%s", db_path, stamp)
			: bbs_snprintf(out, outlen, "%s.before-restore-%s.%d", db_path, stamp, i);
		struct stat sb;
		char tmp[4300];
		if (e != 0 || bbs_snprintf(tmp, sizeof tmp, "%s.tmp", out) != 0)
			return BBS_ERR_TOOBIG;
		if (lstat(out, &sb) != 0 && lstat(tmp, &sb) != 0)
			return BBS_OK;
	}
	return BBS_ERR_EXISTS;
}

int store_restore(const char *db_path, const char *file, int *from_version, char *saved,
	size_t savedlen, char *why, size_t whylen)
{
	char tmp[4200];
	sqlite3 *live = NULL, *copy = NULL;
	bool made_tmp = false, made_live = false;
	int r;

	if (why && whylen)
		why[0] = '\0';
	if (saved && savedlen)
		saved[0] = '\0';
	if (from_version)
		*from_version = 0;
	if (!db_path || !file)
		return BBS_ERR_INVALID;
	if (bbs_snprintf(tmp, sizeof tmp, "%s.restore-tmp", db_path) != 0) {
		say(why, whylen, "path too long");
		return BBS_ERR_TOOBIG;
	}

	/* The live database first: nobody may be using it from here to the end. */
	struct stat sb;
	if (stat(db_path, &sb) != 0) {
		if ((r = create_exclusive(db_path, why, whylen)) < 0)
			return r;
		made_live = true;
	}
	if (open_raw(db_path, RESTORE_LOCK_MS, &live) != SQLITE_OK) {
		say(why, whylen, "%s: cannot open it", db_path);
		r = BBS_ERR_DB;
		goto out;
	}
	int objects = 0;
	if ((r = lock_live(live, db_path, &objects, why, whylen)) < 0)
		goto out;
	/* A new file has to be put in WAL mode (the portal's), or the copy's commit would leave
	 * a rollback journal beside it. */
	char mode[32];
	if (query_text(live, "PRAGMA journal_mode = WAL", mode, sizeof mode) != SQLITE_OK
	    || strcmp(mode, "wal") != 0) {
		say(why, whylen, "%s: %s", db_path, sqlite3_errmsg(live));
		r = BBS_ERR_DB;
		goto out;
	}

	/* Check (and migrate) a private copy, never the file we were given. */
	if ((r = copy_file(file, tmp, why, whylen)) < 0)
		goto out;
	made_tmp = true;
	if (open_raw(tmp, STORE_BUSY_TIMEOUT_MS, &copy) != SQLITE_OK) {
		say(why, whylen, "%s: cannot open it", file);
		r = BBS_ERR_DB;
		goto out;
	}
	int version = 0;
	if ((r = check_portal(copy, file, &version, why, whylen)) < 0)
		goto out;
	sqlite3_close_v2(copy);
	copy = NULL;
	struct store *st = NULL;
	if ((r = store_open(tmp, &st)) < 0) {
		say(why, whylen, "%s: cannot migrate it to schema version %d: %s", file,
			store_schema_version(), bbs_strerror(r));
		goto out;
	}
	store_close(st);
	if (open_raw(tmp, STORE_BUSY_TIMEOUT_MS, &copy) != SQLITE_OK) {
		say(why, whylen, "%s: cannot open it", tmp);
		r = BBS_ERR_DB;
		goto out;
	}

	/* Keep what is there now, unless there is nothing (a new data directory). */
	if (objects > 0) {
		char before[4300];
		if ((r = before_name(db_path, before, sizeof before)) < 0) {
			say(why, whylen, "no free name for the current database");
			goto out;
		}
		if ((r = backup_from(live, before, why, whylen)) < 0)
			goto out;
		if (saved && savedlen)
			bbs_strlcpy(saved, before, savedlen);
	}

	/* Into the live file: one write transaction of the backup API, under our lock. */
	if ((r = copy_pages(copy, live, db_path, why, whylen)) < 0)
		goto out;
	if ((r = check_integrity(live, db_path, why, whylen)) < 0)
		goto out;
	if (sqlite3_close(live) != SQLITE_OK) {
		say(why, whylen, "%s: cannot close it", db_path);
		r = BBS_ERR_DB;
		goto out;
	}
	live = NULL;
	made_live = false;
	if (from_version)
		*from_version = version;
	r = BBS_OK;
out:
	if (copy)
		sqlite3_close_v2(copy);
	if (live)
		sqlite3_close_v2(live);
	if (made_tmp)
		unlink_db(tmp);
	if (made_live)
		unlink_db(db_path);
	return r;
}
