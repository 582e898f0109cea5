/*
 * bbsctl: administration without the UI, for the sysop's shell and for scripts.
 *
 *   bbsctl -d DIR init
 *   bbsctl -d DIR user add NAME [--role ROLE] [--password-stdin | --password | --random-password]
 *                              [--key FILE] [--name TEXT] [--org TEXT] [--sector TEXT] [--country TEXT]
 *                              [--region TEXT]
 *   bbsctl -d DIR user list | disable NAME | enable NAME | lock NAME | unlock NAME
 *   bbsctl -d DIR user role NAME ROLE | verify NAME | unverify NAME
 *   bbsctl -d DIR user password NAME (--password-stdin | --password | --random-password)
 *                              [--no-change-required]
 *   bbsctl -d DIR user export NAME [--output FILE]
 *   bbsctl -d DIR invite create [--expires DAYS] [--role ROLE] [--organisation TEXT]
 *                              [--sector SECTOR] [--note TEXT] | invite list | invite revoke ID
 *   bbsctl -d DIR application list [--all] | show HANDLE | approve HANDLE | decline HANDLE
 *   bbsctl -d DIR registration [open|invite|closed]
 *   bbsctl -d DIR announce --title TITLE < BODY
 *   bbsctl -d DIR key add NAME FILE | key list NAME | key remove NAME FINGERPRINT
 *   bbsctl -d DIR hostkey
 *   bbsctl -d DIR challenge export --format csv|json [--question ID]
 *   bbsctl -d DIR session list | session end ID
 *   bbsctl -d DIR audit verify | audit list [--filter WORDS] [--limit N]
 *   bbsctl -d DIR audit export [--output FILE]
 *   bbsctl -d DIR backup FILE
 *   bbsctl -d DIR restore FILE
 *
 * Passwords come from stdin or a terminal prompt, never from argv (argv is visible to every
 * user of the machine in ps). Commands are a table: name, handler, usage line.
 *
 * The console is actor 0 for the store: every change goes through a store function that
 * checks the rules (the last active sysop stays) and writes the audit entry; the few store
 * functions that take no actor get their entry from audit_console().
 *
 * Must never: store or log an invite code (it is printed once; only its hash is kept), print
 * text from the database without cleaning it for the terminal, or overwrite a file.
 */
#include "common/common.h"
#include "keys/keys.h"
#include "store/store.h"
#include "text/text.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/file.h>
#include <pwd.h>
#include <sys/stat.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

struct ctx {
	const char *dir;
	struct store *st;
};

static int open_store(struct ctx *x)
{
	char path[4096];
	if (x->st)
		return 0;   /* opened already (commands that check first, then edit) */
	if (bbs_snprintf(path, sizeof path, "%s/portal.db", x->dir) != 0) {
		fprintf(stderr, "bbsctl: data directory path too long\n");
		return 1;
	}
	struct stat sb;
	if (stat(path, &sb) != 0) {
		fprintf(stderr, "bbsctl: no portal in %s (run 'bbsctl -d %s init' first)\n", x->dir, x->dir);
		return 1;
	}
	int r = store_open(path, &x->st);
	if (r != 0) {
		fprintf(stderr, "bbsctl: cannot open %s: %s\n", path, bbs_strerror(r));
		return 1;
	}
	return 0;
}

/* Reads one line (the password) from f into buf; strips the newline. */
static int read_secret_line(FILE *f, char *buf, size_t size)
{
	if (!fgets(buf, (int)size, f))
		return BBS_ERR_INVALID;
	size_t len = strlen(buf);
	if (len > 0 && buf[len - 1] != '\n' && !feof(f))
		return BBS_ERR_TOOBIG;
	while (len > 0 && (buf[len - 1] == '\n' || buf[len - 1] == '\r'))
		buf[--len] = '\0';
	return 0;
}

static int prompt_secret(const char *prompt, char *buf, size_t size)
{
	FILE *tty = fopen("/dev/tty", "r+");
	if (!tty)
		return BBS_ERR_IO;
	struct termios old, noecho;
	int r = BBS_ERR_IO;
	if (tcgetattr(fileno(tty), &old) != 0)
		goto out;
	noecho = old;
	noecho.c_lflag &= ~(tcflag_t)ECHO;
	fputs(prompt, tty);
	fflush(tty);
	if (tcsetattr(fileno(tty), TCSAFLUSH, &noecho) != 0)
		goto out;
	r = read_secret_line(tty, buf, size);
	tcsetattr(fileno(tty), TCSAFLUSH, &old);
	fputs("\n", tty);
out:
	fclose(tty);
	return r;
}

enum pw_source { PW_NONE, PW_STDIN, PW_PROMPT, PW_RANDOM };

/* Gets a password from the chosen source, checks the policy and hashes it. */
static int get_password_hash(enum pw_source src, char hash[KEYS_PWHASH_LEN])
{
	char pw[BBS_PASSWORD_MAX + 2], again[BBS_PASSWORD_MAX + 2];
	const char *reason = NULL;
	int r;

	switch (src) {
	case PW_STDIN:
		r = read_secret_line(stdin, pw, sizeof pw);
		break;
	case PW_PROMPT:
		r = prompt_secret("New password: ", pw, sizeof pw);
		if (r == 0)
			r = prompt_secret("Again: ", again, sizeof again);
		if (r == 0 && strcmp(pw, again) != 0) {
			fprintf(stderr, "bbsctl: the passwords differ\n");
			r = BBS_ERR_INVALID;
		}
		keys_wipe(again, sizeof again);
		break;
	case PW_RANDOM:
		keys_random_password(pw, 17);
		r = 0;
		break;
	default:
		return BBS_ERR_INVALID;
	}
	if (r == BBS_ERR_TOOBIG)
		fprintf(stderr, "bbsctl: password longer than %d bytes\n", BBS_PASSWORD_MAX);
	else if (r != 0 && src != PW_PROMPT)
		fprintf(stderr, "bbsctl: no password on standard input\n");
	if (r == 0 && keys_password_policy(pw, strlen(pw), &reason) != 0) {
		fprintf(stderr, "bbsctl: %s\n", reason ? reason : "password refused");
		r = BBS_ERR_WEAK;
	}
	if (r == 0)
		r = keys_password_hash(pw, strlen(pw), hash);
	if (r == 0 && src == PW_RANDOM)
		printf("password: %s\n", pw);
	keys_wipe(pw, sizeof pw);
	return r;
}

static int add_key_file(struct ctx *x, int64_t user_id, const char *file)
{
	struct keys_pub k = { 0 };
	const char *reason = NULL;
	int r = keys_parse_file(file, &k, &reason);
	if (r != 0) {
		fprintf(stderr, "bbsctl: %s: %s\n", file, reason ? reason : bbs_strerror(r));
		return 1;
	}
	r = store_admin_key_add(x->st, 0, user_id, k.type, k.blob, k.fingerprint, k.comment);
	if (r == BBS_ERR_EXISTS)
		fprintf(stderr, "bbsctl: that key is already authorized: %s\n", k.fingerprint);
	else if (r != 0)
		fprintf(stderr, "bbsctl: cannot add the key: %s\n", bbs_strerror(r));
	else
		printf("key added: %d %s (%s)\n", k.bits, k.fingerprint, k.type);
	keys_pub_finish(&k);
	return r == 0 ? 0 : 1;
}

static int get_user(struct ctx *x, const char *name, struct store_user **u)
{
	int r = store_user_get(x->st, name, u);
	if (r == BBS_ERR_NOTFOUND) {
		char *h = text_escape_log(name, 64);  /* whatever was typed, never raw */
		fprintf(stderr, "bbsctl: no user '%s'\n", h);
		free(h);
	}
	else if (r != 0)
		fprintf(stderr, "bbsctl: %s\n", bbs_strerror(r));
	return r == 0 ? 0 : 1;
}

/* Why the store refused a sysop's change, for the console: the last-sysop rule is the one
 * refusal the console can meet (it may do everything else). */
static void admin_error(int r, const char *what, const char *handle)
{
	if (r == BBS_ERR_DENIED)
		fprintf(stderr, "bbsctl: refused: %s is the last active sysop; the portal must keep "
			"one (make another member sysop first)\n", handle);
	else
		fprintf(stderr, "bbsctl: cannot %s %s: %s\n", what, handle, bbs_strerror(r));
}

/* An audit entry the console writes itself, for the changes whose store function takes no
 * actor. A failure is reported (the change itself was made). */
static void audit_console(struct ctx *x, const char *action, const char *target,
	const char *detail)
{
	int r = store_audit_append(x->st, 0, action, target, detail, NULL);
	if (r != 0)
		fprintf(stderr, "bbsctl: warning: the audit entry (%s %s) was not written: %s\n",
			action, target, bbs_strerror(r));
}

/*
 * The service user: bbsd, started as root, drops to it (bbsd.conf User, default "bbs"), so it
 * must own the data directory and everything in it. bbsctl run as root gives what it creates
 * there to the owner of the directory (SQLite does the same for the -wal and -shm files it
 * creates as root), and `init` gives the directory itself to the service user first.
 */
#define SERVICE_USER "bbs"

/* The files of DIR that bbsd needs to own, besides the host keys. */
static const char *const owned_files[] = { "portal.db", "portal.db-wal", "portal.db-shm",
	"bbsd.pid", "bbsd.port" };

/* Run as root: gives name (in DIR) to DIR's owner, if that is not root. Missing files are
 * skipped; symbolic links are never followed. Returns 0 or -1 (printed). */
static int give_to_owner(const struct ctx *x, const char *name)
{
	struct stat ds;
	char path[4200];
	if (geteuid() != 0 || stat(x->dir, &ds) != 0 || ds.st_uid == 0)
		return 0;
	if (bbs_snprintf(path, sizeof path, "%s/%s", x->dir, name) != 0)
		return -1;
	if (fchownat(AT_FDCWD, path, ds.st_uid, ds.st_gid, AT_SYMLINK_NOFOLLOW) != 0 &&
	    errno != ENOENT) {
		fprintf(stderr, "bbsctl: cannot give %s to uid %u: %s\n", path, (unsigned)ds.st_uid,
			strerror(errno));
		return -1;
	}
	return 0;
}

/* The database files (and bbsd's), and with keys the host keys too, to DIR's owner. */
static int give_all_to_owner(const struct ctx *x, bool keys)
{
	int r = 0;
	for (size_t i = 0; keys && i < sizeof keys_host_files / sizeof keys_host_files[0]; i++) {
		char pub[128];
		r |= give_to_owner(x, keys_host_files[i]);
		if (bbs_snprintf(pub, sizeof pub, "%s.pub", keys_host_files[i]) == 0)
			r |= give_to_owner(x, pub);
	}
	for (size_t i = 0; i < sizeof owned_files / sizeof owned_files[0]; i++)
		r |= give_to_owner(x, owned_files[i]);
	return r;
}

static void become_root_again(void)
{
	if (getuid() == 0 && (seteuid(0) != 0 || setegid(0) != 0))
		bbs_fatal("cannot return to root: %m");
}

/* Whether the user can reach dir (search its parent), asked as that user. */
static bool user_can_reach(const char *dir, uid_t uid, gid_t gid)
{
	char parent[4096];
	if (bbs_strlcpy(parent, dir, sizeof parent) >= sizeof parent)
		return false;
	size_t n = strlen(parent);
	while (n > 1 && parent[n - 1] == '/')
		parent[--n] = '\0';
	char *slash = strrchr(parent, '/');
	if (!slash)
		bbs_strlcpy(parent, ".", sizeof parent);
	else if (slash == parent)
		parent[1] = '\0';
	else
		*slash = '\0';
	if (setegid(gid) != 0 || seteuid(uid) != 0) {
		become_root_again();
		return false;
	}
	bool ok = faccessat(AT_FDCWD, parent, X_OK, AT_EACCESS) == 0;
	become_root_again();
	return ok;
}

/* init as root: DIR goes to the service user (--user NAME, or "bbs" if it exists), unless that
 * user could not reach it anyway. Returns 1 when DIR was given to it now, 0 when not, -1 on
 * error (printed). */
static int init_owner(const struct ctx *x, const char *user)
{
	if (geteuid() != 0)
		return 0;
	struct passwd *pw = getpwnam(user ? user : SERVICE_USER);
	if (!pw) {
		if (user) {
			fprintf(stderr, "bbsctl: no user %s\n", user);
			return -1;
		}
		fprintf(stderr, "bbsctl: warning: no user %s: %s stays root's, and bbsd started as "
			"root will refuse to serve. Create the user (useradd --system --user-group "
			"--shell /usr/sbin/nologin %s) and run init again, or give --user NAME\n",
			SERVICE_USER, x->dir, SERVICE_USER);
		return 0;
	}
	if (pw->pw_uid == 0) {
		fprintf(stderr, "bbsctl: the service user must not be root\n");
		return -1;
	}
	struct stat ds;
	if (!user && stat(x->dir, &ds) == 0 && ds.st_uid != 0)
		return 0;  /* already someone's own: theirs it stays (become_owner acts as them) */
	if (!user_can_reach(x->dir, pw->pw_uid, pw->pw_gid)) {
		fprintf(stderr, "bbsctl: warning: user %s cannot reach %s (a parent directory is "
			"closed to it): it stays root's, and bbsd started as root will refuse it\n",
			pw->pw_name, x->dir);
		return user ? -1 : 0;
	}
	if (stat(x->dir, &ds) == 0 && ds.st_uid == pw->pw_uid)
		return 0;
	if (chown(x->dir, pw->pw_uid, pw->pw_gid) != 0) {
		fprintf(stderr, "bbsctl: cannot give %s to %s: %s\n", x->dir, pw->pw_name,
			strerror(errno));
		return -1;
	}
	return 1;
}

/* Run as root on a directory of the service user: acts as that user (effective ids only)
 * while the host keys and the database are made and checked, so that they are its own (the
 * keys module refuses a key another user owns). Returns 0 or -1 (printed). */
static int become_owner(const struct ctx *x)
{
	struct stat ds;
	if (geteuid() != 0 || stat(x->dir, &ds) != 0 || ds.st_uid == 0)
		return 0;
	if (setegid(ds.st_gid) != 0 || seteuid(ds.st_uid) != 0) {
		fprintf(stderr, "bbsctl: cannot act as uid %u: %s\n", (unsigned)ds.st_uid,
			strerror(errno));
		return -1;
	}
	if (faccessat(AT_FDCWD, x->dir, R_OK | W_OK | X_OK, AT_EACCESS) != 0) {
		fprintf(stderr, "bbsctl: uid %u, which owns %s, cannot use it (is a parent "
			"directory closed to it?)\n", (unsigned)ds.st_uid, x->dir);
		return -1;
	}
	return 0;
}


static int cmd_init(struct ctx *x, int argc, char **argv)
{
	const char *user = NULL;
	if (argc == 2 && strcmp(argv[0], "--user") == 0 && argv[1][0])
		user = argv[1];
	else if (argc != 0)
		return 2;
	if (mkdir(x->dir, 0700) != 0 && errno != EEXIST) {
		fprintf(stderr, "bbsctl: cannot create %s: %s\n", x->dir, strerror(errno));
		return 1;
	}
	int given = init_owner(x, user);
	if (given < 0)
		return 1;
	/* A directory given to the service user just now: files a root-run bbsctl made there
	 * before (an older layout) go with it. */
	if (given && give_all_to_owner(x, true) != 0)
		return 1;
	/* Host keys root owns (bbsd reads them before it drops root, and the service user cannot
	 * read them) are checked as root; all else is made and checked as DIR's owner. */
	bool keys_of_root = geteuid() == 0 && keys_host_owned_by_root(x->dir);
	if (!keys_of_root && become_owner(x) != 0)
		return 1;
	int r = keys_host_ensure(x->dir);
	if (r != 0) {
		fprintf(stderr, "bbsctl: host keys: %s\n", bbs_strerror(r));
		return 1;
	}
	if (keys_of_root && become_owner(x) != 0)
		return 1;
	char path[4096];
	if (bbs_snprintf(path, sizeof path, "%s/portal.db", x->dir) != 0)
		return 1;
	r = store_open(path, &x->st);
	if (r == 0)
		r = store_seed(x->st);
	if (r != 0) {
		fprintf(stderr, "bbsctl: database %s: %s\n", path, bbs_strerror(r));
		return 1;
	}
	become_root_again();
	if (give_all_to_owner(x, false) != 0)
		return 1;
	printf("portal ready in %s\n", x->dir);
	return 0;
}

static int cmd_user_add(struct ctx *x, int argc, char **argv)
{
	struct store_user u = { .role = STORE_ROLE_MEMBER, .status = STORE_STATUS_ACTIVE };
	enum pw_source pw = PW_NONE;
	const char *keyfile = NULL;
	char hash[KEYS_PWHASH_LEN];

	if (argc < 1)
		return 2;
	u.handle = argv[0];
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		const char *val = i + 1 < argc ? argv[i + 1] : NULL;
		if (strcmp(a, "--password-stdin") == 0) pw = PW_STDIN;
		else if (strcmp(a, "--password") == 0) pw = PW_PROMPT;
		else if (strcmp(a, "--random-password") == 0) pw = PW_RANDOM;
		else if (!val) return 2;
		else if (strcmp(a, "--role") == 0) {
			if (store_role_parse(val, &u.role) != 0) {
				fprintf(stderr, "bbsctl: role must be member, moderator or sysop\n");
				return 2;
			}
			i++;
		} else if (strcmp(a, "--key") == 0) { keyfile = val; i++; }
		else if (strcmp(a, "--name") == 0) { u.display_name = (char *)val; i++; }
		else if (strcmp(a, "--org") == 0) { u.organisation = (char *)val; i++; }
		else if (strcmp(a, "--sector") == 0) { u.sector = (char *)val; i++; }
		else if (strcmp(a, "--country") == 0) { u.country = (char *)val; i++; }
		else if (strcmp(a, "--region") == 0) { u.region = (char *)val; i++; }
		else return 2;
	}
	if (!bbs_handle_valid(u.handle)) {
		fprintf(stderr, "bbsctl: a handle is 2 to %d characters a-z 0-9 _ . -, starting with a letter\n",
			BBS_HANDLE_MAX);
		return 2;
	}
	/* "guest" and "join" are the names visitors log in with (see bbsd/session.c): no
	 * member may ever have one of them. */
	if (store_handle_reserved(u.handle)) {
		fprintf(stderr, "bbsctl: the handle \"%s\" is reserved for visitors who are not "
			"members (guest, join); choose another\n", u.handle);
		return 2;
	}
	if (pw == PW_NONE && !keyfile) {
		fprintf(stderr, "bbsctl: give a way to log in: --password-stdin, --password, "
			"--random-password or --key FILE\n");
		return 2;
	}
	if (open_store(x) != 0)
		return 1;
	if (pw != PW_NONE) {
		if (get_password_hash(pw, hash) != 0)
			return 1;
		u.pwhash = hash;
	}
	if (keyfile) {
		/* Check the key before creating the account, so a bad key leaves nothing behind. */
		struct keys_pub k = { 0 };
		const char *reason = NULL;
		int r = keys_parse_file(keyfile, &k, &reason);
		keys_pub_finish(&k);
		if (r != 0) {
			fprintf(stderr, "bbsctl: %s: %s\n", keyfile, reason ? reason : bbs_strerror(r));
			return 1;
		}
	}
	if (!u.display_name)
		u.display_name = u.handle;
	int64_t id = 0;
	int r = store_user_add(x->st, &u, &id);
	if (r == BBS_ERR_EXISTS) {
		fprintf(stderr, "bbsctl: user '%s' already exists\n", u.handle);
		return 1;
	} else if (r != 0) {
		fprintf(stderr, "bbsctl: cannot add the user: %s\n", bbs_strerror(r));
		return 1;
	}
	char target[BBS_HANDLE_MAX + 8];
	(void)bbs_snprintf(target, sizeof target, "user %s", u.handle);
	audit_console(x, "user-add", target, store_role_name(u.role));
	printf("user added: %s (%s)\n", u.handle, store_role_name(u.role));
	return keyfile ? add_key_file(x, id, keyfile) : 0;
}

static int cmd_user_list(struct ctx *x, int argc, char **argv)
{
	if (argc != 0)
		return 2;
	if (open_store(x) != 0)
		return 1;
	struct store_user **v = NULL;
	size_t n = 0;
	if (store_user_list(x->st, &v, &n) != 0)
		return 1;
	printf("%-20s %-10s %-9s %s\n", "HANDLE", "ROLE", "STATUS", "NAME");
	for (size_t i = 0; i < n; i++)
		printf("%-20s %-10s %-9s %s\n", v[i]->handle, store_role_name(v[i]->role),
			store_status_name(v[i]->status), v[i]->display_name ? v[i]->display_name : "");
	store_user_list_free(v, n);
	return 0;
}

/* A member edit by the console (audited by the store, last-sysop rule included). */
static int edit_user(struct ctx *x, const char *name, const struct store_user_edit *e,
	const char *what, struct store_user **out)
{
	struct store_user *u = NULL;
	*out = NULL;
	if (open_store(x) != 0 || get_user(x, name, &u) != 0)
		return 1;
	int r = store_admin_user_edit(x->st, 0, u->id, e);
	if (r != 0) {
		admin_error(r, what, u->handle);
		store_user_free(u);
		return 1;
	}
	*out = u;
	return 0;
}

/* An application is decided with "application approve/decline", not by enabling it. */
static bool is_applicant(struct ctx *x, const char *name)
{
	struct store_user *u = NULL;
	bool app = false;
	if (store_user_get(x->st, name, &u) == 0 &&
	    (u->status == STORE_STATUS_PENDING || u->status == STORE_STATUS_DECLINED)) {
		fprintf(stderr, "bbsctl: %s has an application (%s): decide it with 'bbsctl "
			"application approve|decline %s'\n", u->handle, store_status_name(u->status),
			u->handle);
		app = true;
	}
	store_user_free(u);
	return app;
}

static int set_status(struct ctx *x, int argc, char **argv, int status)
{
	if (argc != 1)
		return 2;
	struct store_user_edit e = { .status = status, .verified = -1 };
	struct store_user *u = NULL;
	if (open_store(x) != 0)
		return 1;
	if (status == STORE_STATUS_ACTIVE && is_applicant(x, argv[0]))
		return 1;
	if (edit_user(x, argv[0], &e, status == STORE_STATUS_ACTIVE ? "enable" : "disable",
		&u) != 0)
		return 1;
	printf("%s: %s\n", u->handle, store_status_name(status));
	store_user_free(u);
	return 0;
}

static int cmd_user_disable(struct ctx *x, int argc, char **argv)
{
	return set_status(x, argc, argv, STORE_STATUS_DISABLED);
}

static int cmd_user_enable(struct ctx *x, int argc, char **argv)
{
	return set_status(x, argc, argv, STORE_STATUS_ACTIVE);
}

/* A sysop's reset: the member must choose a new password at the next login (the sysop has
 * seen this one), unless --no-change-required sets it for good. */
static int cmd_user_password(struct ctx *x, int argc, char **argv)
{
	enum pw_source src = PW_NONE;
	bool for_good = false;
	if (argc < 2 || argc > 3)
		return 2;
	for (int i = 1; i < argc; i++) {
		enum pw_source s = strcmp(argv[i], "--password-stdin") == 0 ? PW_STDIN
			: strcmp(argv[i], "--password") == 0 ? PW_PROMPT
			: strcmp(argv[i], "--random-password") == 0 ? PW_RANDOM : PW_NONE;
		if (s != PW_NONE && src == PW_NONE)
			src = s;
		else if (strcmp(argv[i], "--no-change-required") == 0 && !for_good)
			for_good = true;
		else
			return 2;
	}
	if (src == PW_NONE)
		return 2;
	struct store_user *u = NULL;
	char hash[KEYS_PWHASH_LEN];
	if (open_store(x) != 0 || get_user(x, argv[0], &u) != 0)
		return 1;
	int r = get_password_hash(src, hash);
	if (r == 0 && for_good) {
		/* Set for good: no store_admin_* function for it, so the console writes the
		 * entry itself. */
		r = store_user_set_password(x->st, u->id, hash);
		if (r == 0) {
			char target[BBS_HANDLE_MAX + 8];
			(void)bbs_snprintf(target, sizeof target, "user %s", u->handle);
			audit_console(x, "password-set", target, "no change required");
		}
	} else if (r == 0) {
		r = store_admin_password_reset(x->st, 0, u->id, hash);
	}
	if (r == 0 && for_good)
		printf("password set for %s\n", u->handle);
	else if (r == 0)
		printf("password set for %s; they must choose a new one at their next login\n",
			u->handle);
	else if (r != 0)
		fprintf(stderr, "bbsctl: cannot set the password: %s\n", bbs_strerror(r));
	keys_wipe(hash, sizeof hash);
	store_user_free(u);
	return r == 0 ? 0 : 1;
}

static int cmd_key_add(struct ctx *x, int argc, char **argv)
{
	if (argc != 2)
		return 2;
	struct store_user *u = NULL;
	if (open_store(x) != 0 || get_user(x, argv[0], &u) != 0)
		return 1;
	int r = add_key_file(x, u->id, argv[1]);
	store_user_free(u);
	return r;
}

static void format_day(int64_t t, char *out, size_t size)
{
	struct tm tm;
	time_t tt = (time_t)t;
	if (t == 0 || !gmtime_r(&tt, &tm) || strftime(out, size, "%Y-%m-%d", &tm) == 0)
		bbs_strlcpy(out, "never", size);
}

static int cmd_key_list(struct ctx *x, int argc, char **argv)
{
	if (argc != 1)
		return 2;
	struct store_user *u = NULL;
	if (open_store(x) != 0 || get_user(x, argv[0], &u) != 0)
		return 1;
	struct store_key *k = NULL;
	size_t n = 0;
	int r = store_key_list(x->st, u->id, &k, &n);
	for (size_t i = 0; r == 0 && i < n; i++) {
		char added[16], used[16];
		format_day(k[i].added, added, sizeof added);
		format_day(k[i].last_used, used, sizeof used);
		printf("%s %s added %s last used %s %s\n", k[i].fingerprint, k[i].type, added, used,
			k[i].comment);
	}
	store_key_list_free(k, n);
	store_user_free(u);
	return r == 0 ? 0 : 1;
}

static int cmd_key_remove(struct ctx *x, int argc, char **argv)
{
	if (argc != 2)
		return 2;
	struct store_user *u = NULL;
	if (open_store(x) != 0 || get_user(x, argv[0], &u) != 0)
		return 1;
	int r = store_admin_key_remove(x->st, 0, u->id, argv[1]);
	if (r == BBS_ERR_NOTFOUND)
		fprintf(stderr, "bbsctl: %s has no key %s\n", u->handle, argv[1]);
	else if (r != 0)
		fprintf(stderr, "bbsctl: cannot remove the key: %s\n", bbs_strerror(r));
	else
		printf("key removed: %s\n", argv[1]);
	store_user_free(u);
	return r == 0 ? 0 : 1;
}

static int cmd_hostkey(struct ctx *x, int argc, char **argv)
{
	if (argc != 0)
		return 2;
	char **lines = NULL;
	size_t n = 0;
	int r = keys_host_fingerprints(x->dir, &lines, &n);
	if (r != 0) {
		fprintf(stderr, "bbsctl: host keys in %s: %s\n", x->dir, bbs_strerror(r));
		return 1;
	}
	for (size_t i = 0; i < n; i++)
		printf("%s\n", lines[i]);
	keys_lines_free(lines, n);
	return 0;
}

/* ---- challenge export ---- */

/*
 * What members see of a question, for analysis elsewhere: the question, its challenges as
 * listed by endorsements (hidden ones with an empty title and body), and who answered by
 * sector and region. CSV (RFC 4180, CRLF line ends) comes as four tables, each with its
 * header row, separated by an empty line; JSON is one object with the same four parts. Text
 * is clean (the store sanitised it) but still quoted or escaped for the format: titles may
 * hold commas, quotes and newlines.
 */
enum export_format { EXPORT_CSV, EXPORT_JSON };

/* A table's columns: names, and which are JSON numbers (null when empty). */
struct export_table {
	const char *name;  /* the JSON member */
	size_t n;
	const char *cols[10];
	bool numeric[10];
};

static const struct export_table question_table = { "question", 5,
	{ "id", "text", "opens", "closes", "respondents" },
	{ true, false, true, true, true } };
static const struct export_table challenge_table = { "challenges", 10,
	{ "id", "title", "body", "areas", "endorsements", "author", "created", "hidden",
	  "merged_into", "thread_id" },
	{ true, false, false, false, true, false, false, true, true, true } };
static const struct export_table sector_table = { "respondents_by_sector", 2,
	{ "sector", "respondents" }, { false, true } };
static const struct export_table region_table = { "respondents_by_region", 2,
	{ "region", "respondents" }, { false, true } };

/* A CSV field: quoted when it holds a comma, a quote or a line break; quotes doubled. */
static void csv_field(FILE *f, const char *s, bool last)
{
	if (strpbrk(s, ",\"\r\n")) {
		fputc('"', f);
		for (; *s; s++) {
			if (*s == '"')
				fputc('"', f);
			fputc(*s, f);
		}
		fputc('"', f);
	} else {
		fputs(s, f);
	}
	fputs(last ? "\r\n" : ",", f);
}

/* A JSON string: quotes, backslashes and control characters escaped; UTF-8 passed through. */
static void json_string(FILE *f, const char *s)
{
	fputc('"', f);
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (*p == '"' || *p == '\\')
			fprintf(f, "\\%c", *p);
		else if (*p == '\n')
			fputs("\\n", f);
		else if (*p < 0x20 || *p == 0x7f)
			fprintf(f, "\\u%04x", *p);
		else
			fputc(*p, f);
	}
	fputc('"', f);
}

/* ISO 8601 UTC, or "" for 0 (no date). */
static void format_iso(int64_t t, char *out, size_t size)
{
	struct tm tm;
	time_t tt = (time_t)t;
	out[0] = '\0';
	if (t != 0 && (!gmtime_r(&tt, &tm) || strftime(out, size, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0))
		out[0] = '\0';
}

/* Starts a table: CSV an empty line (except before the first) and the header row; JSON the
 * member (the question is an object, the others arrays). */
static void table_begin(FILE *f, enum export_format fmt, const struct export_table *t,
	bool first)
{
	if (fmt == EXPORT_JSON) {
		fprintf(f, "%s\"%s\":%s", first ? "{" : ",\n", t->name, first ? "" : "[");
		return;
	}
	if (!first)
		fputs("\r\n", f);
	for (size_t i = 0; i < t->n; i++)
		csv_field(f, t->cols[i], i + 1 == t->n);
}

static void table_end(FILE *f, enum export_format fmt, bool first)
{
	if (fmt == EXPORT_JSON && !first)
		fputs("]", f);
}

/* One record of table t (values[0..t->n-1]); first: the first in its table. */
static void rec_write(FILE *f, enum export_format fmt, const struct export_table *t,
	const char *const *values, bool first)
{
	if (fmt == EXPORT_CSV) {
		for (size_t i = 0; i < t->n; i++)
			csv_field(f, values[i], i + 1 == t->n);
		return;
	}
	fputs(first ? "{" : ",{", f);
	for (size_t i = 0; i < t->n; i++) {
		if (i)
			fputc(',', f);
		json_string(f, t->cols[i]);
		fputc(':', f);
		if (!t->numeric[i])
			json_string(f, values[i]);
		else if (!*values[i])
			fputs("null", f);
		else if (values[i][0] >= '0' && values[i][0] <= '9')
			fputs(values[i], f);
		else
			json_string(f, values[i]);  /* a date: a string */
	}
	fputc('}', f);
}

/* "global;technology": the slugs of a challenge's areas (an unknown id as its number). */
static void area_slugs(const struct store_area *areas, size_t nareas, const int64_t *ids,
	size_t n, char *out, size_t size)
{
	out[0] = '\0';
	for (size_t i = 0; i < n; i++) {
		char num[24];
		const char *slug = NULL;
		for (size_t a = 0; a < nareas && !slug; a++)
			if (areas[a].id == ids[i])
				slug = areas[a].slug;
		if (!slug) {
			(void)bbs_snprintf(num, sizeof num, "%lld", (long long)ids[i]);
			slug = num;
		}
		size_t len = strlen(out);
		/* 8 areas of at most 64-byte slugs always fit; stop rather than cut a slug. */
		if (bbs_snprintf(out + len, size - len, "%s%s", i ? ";" : "", slug) != 0) {
			out[len] = '\0';
			break;
		}
	}
}

static int export_counts(FILE *f, enum export_format fmt, struct store *st, int64_t qid,
	enum store_breakdown by)
{
	const struct export_table *t = by == STORE_BY_SECTOR ? &sector_table : &region_table;
	struct store_count *v = NULL;
	size_t n = 0;
	int r = store_question_respondents(st, qid, by, &v, &n);
	if (r != 0) {
		fprintf(stderr, "bbsctl: cannot read the results: %s\n", bbs_strerror(r));
		return 1;
	}
	table_begin(f, fmt, t, false);
	for (size_t i = 0; i < n; i++) {
		char count[24];
		(void)bbs_snprintf(count, sizeof count, "%lld", (long long)v[i].count);
		const char *values[2] = { v[i].label, count };
		rec_write(f, fmt, t, values, i == 0);
	}
	table_end(f, fmt, false);
	store_count_list_free(v, n);
	return 0;
}

#define EXPORT_PAGE 500

static int export_challenges(FILE *f, enum export_format fmt, struct store *st, int64_t qid)
{
	struct store_area *areas = NULL;
	size_t nareas = 0, total = 0;
	int r = store_area_list(st, &areas, &nareas);
	table_begin(f, fmt, &challenge_table, false);
	for (int64_t offset = 0; r == 0;) {
		struct store_challenge *v = NULL;
		size_t n = 0;
		r = store_challenge_list(st, STORE_VIEWER_PUBLIC, qid, STORE_CH_BY_ENDORSEMENTS, 0, 0,
			offset, EXPORT_PAGE, &v, &n, NULL);
		for (size_t i = 0; r == 0 && i < n; i++) {
			const struct store_challenge *c = &v[i];
			char id[24], ends[24], created[32], merged[24], thread[24], slugs[1024];
			(void)bbs_snprintf(id, sizeof id, "%lld", (long long)c->id);
			(void)bbs_snprintf(ends, sizeof ends, "%lld", (long long)c->endorsements);
			(void)bbs_snprintf(merged, sizeof merged, "%lld", (long long)c->merged_into);
			(void)bbs_snprintf(thread, sizeof thread, "%lld", (long long)c->thread_id);
			format_iso(c->created, created, sizeof created);
			area_slugs(areas, nareas, c->areas, c->nareas, slugs, sizeof slugs);
			const char *values[10] = { id, c->title, c->body, slugs, ends, c->author_handle,
				created, c->hidden ? "1" : "0", merged, thread };
			rec_write(f, fmt, &challenge_table, values, total++ == 0);
		}
		store_challenge_list_free(v, n);
		if (n < EXPORT_PAGE)
			break;
		offset += (int64_t)n;
	}
	table_end(f, fmt, false);
	store_area_list_free(areas, nareas);
	if (r != 0) {
		fprintf(stderr, "bbsctl: cannot list the challenges: %s\n", bbs_strerror(r));
		return 1;
	}
	return 0;
}

static int cmd_challenge_export(struct ctx *x, int argc, char **argv)
{
	enum export_format fmt = EXPORT_CSV;
	bool have_format = false;
	int64_t qid = 0;

	/* Options come in pairs: --format csv|json, --question ID (a positive number). */
	for (int i = 0; i < argc; i += 2) {
		if (i + 1 >= argc)
			return 2;
		const char *opt = argv[i], *val = argv[i + 1];
		if (strcmp(opt, "--format") == 0 && !have_format
		    && (strcmp(val, "csv") == 0 || strcmp(val, "json") == 0)) {
			fmt = strcmp(val, "csv") == 0 ? EXPORT_CSV : EXPORT_JSON;
			have_format = true;
		} else if (strcmp(opt, "--question") == 0 && qid == 0) {
			char *end = NULL;
			errno = 0;
			long long v = strtoll(val, &end, 10);
			if (errno || end == val || *end || v <= 0)
				return 2;
			qid = v;
		} else {
			return 2;
		}
	}
	if (!have_format)
		return 2;
	if (open_store(x) != 0)
		return 1;

	struct store_question q = { 0 };
	int r = qid ? store_question_get(x->st, qid, &q) : store_question_current(x->st, &q);
	if (r == BBS_ERR_NOTFOUND) {
		if (qid)
			fprintf(stderr, "bbsctl: no question %lld\n", (long long)qid);
		else
			fprintf(stderr, "bbsctl: no current question\n");
		return 1;
	} else if (r != 0) {
		fprintf(stderr, "bbsctl: cannot read the question: %s\n", bbs_strerror(r));
		return 1;
	}

	FILE *f = stdout;
	char id[24], opens[32], closes[32], resp[24];
	(void)bbs_snprintf(id, sizeof id, "%lld", (long long)q.id);
	(void)bbs_snprintf(resp, sizeof resp, "%lld", (long long)q.respondents);
	format_iso(q.opens, opens, sizeof opens);
	format_iso(q.closes, closes, sizeof closes);
	const char *values[5] = { id, q.text, opens, closes, resp };
	table_begin(f, fmt, &question_table, true);
	rec_write(f, fmt, &question_table, values, true);
	table_end(f, fmt, true);
	int rc = export_challenges(f, fmt, x->st, q.id);
	if (rc == 0)
		rc = export_counts(f, fmt, x->st, q.id, STORE_BY_SECTOR);
	if (rc == 0)
		rc = export_counts(f, fmt, x->st, q.id, STORE_BY_REGION);
	if (fmt == EXPORT_JSON)
		fputs("}\n", f);
	store_question_finish(&q);
	if (rc == 0 && (fflush(f) != 0 || ferror(f))) {
		fprintf(stderr, "bbsctl: cannot write the export: %s\n", strerror(errno));
		rc = 1;
	}
	return rc;
}

/* ---- backup and restore ---- */

static int db_path(struct ctx *x, char *out, size_t size)
{
	if (bbs_snprintf(out, size, "%s/portal.db", x->dir) != 0) {
		fprintf(stderr, "bbsctl: data directory path too long\n");
		return 1;
	}
	return 0;
}

/* A consistent copy while members go on posting (store_backup); never overwrites FILE. */
static int cmd_backup(struct ctx *x, int argc, char **argv)
{
	char path[4096], why[1024];
	if (argc != 1 || !argv[0][0])
		return 2;
	if (db_path(x, path, sizeof path) != 0)
		return 1;
	int r = store_backup(path, argv[0], why, sizeof why);
	if (r != 0) {
		fprintf(stderr, "bbsctl: backup refused or failed: %s\n", why[0] ? why : bbs_strerror(r));
		return 1;
	}
	struct stat sb;
	long long size = stat(argv[0], &sb) == 0 ? (long long)sb.st_size : 0;
	printf("backup written: %s (%lld bytes, integrity check ok)\n", argv[0], size);
	return 0;
}

/*
 * Puts a backup back. Refused while bbsd may be running: when DIR/bbsd.port exists (a bbsd
 * started with -p 0 writes it and removes it when it stops) and, whatever the port, when any
 * process has the database open (every member session and command does; store_restore
 * checks it with an exclusive lock that it holds to the end). bbsd's listener itself does not
 * keep the database open, so the sysop stops bbsd first, as the manual says.
 */
/* True while a bbsd (or one of its sessions) holds DIR/bbsd.pid locked. */
static bool bbsd_running(const char *dir)
{
	char path[4200];
	if (bbs_snprintf(path, sizeof path, "%s/bbsd.pid", dir) != 0)
		return false;
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		return false;
	bool busy = flock(fd, LOCK_SH | LOCK_NB) != 0;
	close(fd);
	return busy;
}

static int cmd_restore(struct ctx *x, int argc, char **argv)
{
	char path[4096], saved[4400], why[1024];
	if (argc != 1 || !argv[0][0])
		return 2;
	if (db_path(x, path, sizeof path) != 0)
		return 1;
	struct stat sb;
	if (stat(argv[0], &sb) != 0) {
		fprintf(stderr, "bbsctl: restore refused: %s: %s\n", argv[0], strerror(errno));
		return 1;
	}
	if (bbsd_running(x->dir)) {
		fprintf(stderr, "bbsctl: restore refused: bbsd is running on %s; stop it first\n",
			x->dir);
		return 1;
	}
	if (mkdir(x->dir, 0700) != 0 && errno != EEXIST) {
		fprintf(stderr, "bbsctl: cannot create %s: %s\n", x->dir, strerror(errno));
		return 1;
	}
	int version = 0;
	int r = store_restore(path, argv[0], &version, saved, sizeof saved, why, sizeof why);
	if (r != 0) {
		fprintf(stderr, "bbsctl: restore refused: %s\n", why[0] ? why : bbs_strerror(r));
		return 1;
	}
	if (give_all_to_owner(x, false) != 0)
		return 1;
	printf("restored %s into %s (schema version %d", argv[0], path, version);
	if (version != store_schema_version())
		printf(", migrated to %d", store_schema_version());
	printf(")\n");
	if (saved[0])
		printf("the database as it was is kept as %s\n", saved);
	return 0;
}

/* ---- membership: invites, applications, registration, announcements ---- */

/* Parses a whole decimal number in [min, max]; false for anything else ("", "1x", "-3"). */
static bool parse_int(const char *s, long long min, long long max, long long *out)
{
	char *end = NULL;
	if (!s || !*s || (*s < '0' || *s > '9'))
		return false;
	errno = 0;
	long long v = strtoll(s, &end, 10);
	if (errno || !end || *end || v < min || v > max)
		return false;
	*out = v;
	return true;
}

/* A sector as the forms offer it (store_sectors), matched without regard to case; NULL for
 * anything else. */
static const char *sector_canonical(const char *s)
{
	for (size_t i = 0; i < STORE_NSECTORS; i++)
		if (strcasecmp(s, store_sectors[i]) == 0)
			return store_sectors[i];
	return NULL;
}

static void sector_usage(void)
{
	fprintf(stderr, "bbsctl: the sector must be one of:");
	for (size_t i = 0; i < STORE_NSECTORS; i++)
		fprintf(stderr, "%s \"%s\"", i ? "," : "", store_sectors[i]);
	fprintf(stderr, "\n");
}

/*
 * Text from the store for the sysop's terminal: cleaned again (whatever the database holds,
 * no escape sequence reaches the terminal), one line, or with TEXT_MULTILINE each further
 * line indented by indent.
 */
static void put_text(FILE *f, const char *s, int flags, const char *indent)
{
	char *clean = text_sanitize(s ? s : "", s ? strlen(s) : 0, flags);
	for (const char *p = clean; *p; p++) {
		if (*p == '\n')
			fprintf(f, "\n%s", indent);
		else
			fputc(*p, f);
	}
	free(clean);
}

/* The port members connect to, for the join command line: DIR/bbsd.port when bbsd picked
 * one itself, else bbsd's default. */
static int portal_port(const struct ctx *x)
{
	char path[4200], buf[16] = "";
	long long port = 0;
	if (bbs_snprintf(path, sizeof path, "%s/bbsd.port", x->dir) == 0) {
		FILE *f = fopen(path, "r");
		if (f) {
			if (fgets(buf, sizeof buf, f))
				buf[strcspn(buf, "\r\n")] = '\0';
			fclose(f);
		}
	}
	return parse_int(buf, 1, 65535, &port) ? (int)port : 2222;
}

static void format_time(int64_t t, char *out, size_t size)
{
	struct tm tm;
	time_t tt = (time_t)t;
	if (t == 0 || !gmtime_r(&tt, &tm) || strftime(out, size, "%Y-%m-%d %H:%M UTC", &tm) == 0)
		bbs_strlcpy(out, "-", size);
}

#define INVITE_DAYS_DEFAULT 14
#define INVITE_DAYS_MAX 365

static int cmd_invite_create(struct ctx *x, int argc, char **argv)
{
	long long days = INVITE_DAYS_DEFAULT;
	int role = STORE_ROLE_MEMBER;
	const char *org = NULL, *sector = NULL, *note = NULL;

	for (int i = 0; i < argc; i += 2) {
		const char *opt = argv[i], *val = i + 1 < argc ? argv[i + 1] : NULL;
		if (!val)
			return 2;
		if (strcmp(opt, "--expires") == 0) {
			if (!parse_int(val, 1, INVITE_DAYS_MAX, &days)) {
				fprintf(stderr, "bbsctl: --expires takes a number of days from 1 to %d\n",
					INVITE_DAYS_MAX);
				return 2;
			}
		} else if (strcmp(opt, "--role") == 0) {
			if (store_role_parse(val, &role) != 0) {
				fprintf(stderr, "bbsctl: role must be member, moderator or sysop\n");
				return 2;
			}
		} else if (strcmp(opt, "--organisation") == 0 || strcmp(opt, "--org") == 0) {
			org = val;
		} else if (strcmp(opt, "--sector") == 0) {
			sector = sector_canonical(val);
			if (!sector) {
				sector_usage();
				return 2;
			}
		} else if (strcmp(opt, "--note") == 0) {
			note = val;
		} else {
			return 2;
		}
	}
	if (open_store(x) != 0)
		return 1;

	char code[KEYS_INVITE_CODE_LEN], hash[KEYS_INVITE_HASH_LEN];
	int64_t id = 0, expires = bbs_now() + (int64_t)days * 86400;
	keys_invite_code(code);
	int r = keys_invite_hash(code, hash);
	if (r == 0)
		r = store_invite_create(x->st, 0, hash, expires, role, org, sector, note, &id);
	if (r != 0) {
		keys_wipe(code, sizeof code);
		if (r == BBS_ERR_TOOBIG)
			fprintf(stderr, "bbsctl: the organisation or note is too long (at most %d bytes)\n",
				STORE_FIELD_MAX);
		else
			fprintf(stderr, "bbsctl: cannot create the invite: %s\n", bbs_strerror(r));
		return 1;
	}
	char when[40];
	format_time(expires, when, sizeof when);
	printf("invite %lld created (%s), valid until %s\n", (long long)id, store_role_name(role),
		when);
	printf("code: %s\n", code);
	printf("The code is shown only this once (the portal keeps only its hash): send it to the\n"
		"newcomer now. They join with:\n");
	printf("  ssh -p %d join@HOST\n", portal_port(x));
	printf("(HOST: this portal's host name) and type the code when asked.\n");
	keys_wipe(code, sizeof code);
	return 0;
}

static int cmd_invite_list(struct ctx *x, int argc, char **argv)
{
	(void)argv;
	if (argc != 0)
		return 2;
	if (open_store(x) != 0)
		return 1;
	struct store_invite *v = NULL;
	size_t n = 0;
	int r = store_invite_list(x->st, &v, &n);
	if (r != 0) {
		fprintf(stderr, "bbsctl: cannot list the invites: %s\n", bbs_strerror(r));
		return 1;
	}
	printf("%-5s %-8s %-17s %-10s %-12s %s\n", "ID", "STATE", "EXPIRES", "ROLE", "USED BY",
		"PRESETS / NOTE");
	for (size_t i = 0; i < n; i++) {
		char when[40];
		format_time(v[i].expires, when, sizeof when);
		when[16] = '\0';  /* "YYYY-MM-DD HH:MM": the column; all times are UTC */
		printf("%-5lld %-8s %-17s %-10s %-12s ", (long long)v[i].id,
			store_invite_state_name(v[i].state), when, store_role_name(v[i].role),
			v[i].used_by[0] ? v[i].used_by : "-");
		bool any = false;
		if (v[i].organisation[0]) {
			printf("organisation: ");
			put_text(stdout, v[i].organisation, 0, "");
			any = true;
		}
		if (v[i].sector[0]) {
			printf("%ssector: ", any ? "; " : "");
			put_text(stdout, v[i].sector, 0, "");
			any = true;
		}
		if (v[i].note[0]) {
			printf("%snote: ", any ? "; " : "");
			put_text(stdout, v[i].note, 0, "");
			any = true;
		}
		printf("%s\n", any ? "" : "-");
	}
	store_invite_list_free(v, n);
	return 0;
}

/* The commands that name one row by its number ("invite revoke 7"): checks there is exactly
 * one argument, a whole number >= 1 (else prints usage_hint and returns 2), then opens the
 * store (1 when it cannot). 0 with *id set otherwise. */
static int open_with_id(struct ctx *x, int argc, char **argv, const char *usage_hint,
	long long *id)
{
	*id = 0;
	if (argc != 1)
		return 2;
	if (!parse_int(argv[0], 1, INT64_MAX, id)) {
		fprintf(stderr, "bbsctl: %s\n", usage_hint);
		return 2;
	}
	return open_store(x) != 0 ? 1 : 0;
}

static int cmd_invite_revoke(struct ctx *x, int argc, char **argv)
{
	long long id = 0;
	int rc = open_with_id(x, argc, argv,
		"an invite is named by its number (see 'invite list')", &id);
	if (rc != 0)
		return rc;
	int r = store_admin_invite_revoke(x->st, 0, id);
	if (r == BBS_ERR_NOTFOUND)
		fprintf(stderr, "bbsctl: no invite %lld\n", id);
	else if (r == BBS_ERR_INVALID)
		fprintf(stderr, "bbsctl: invite %lld was used already; it cannot be revoked\n", id);
	else if (r != 0)
		fprintf(stderr, "bbsctl: cannot revoke invite %lld: %s\n", id, bbs_strerror(r));
	else
		printf("invite %lld revoked\n", id);
	return r == 0 ? 0 : 1;
}

static int cmd_application_list(struct ctx *x, int argc, char **argv)
{
	bool all = false;
	if (argc > 1 || (argc == 1 && strcmp(argv[0], "--all") != 0))
		return 2;
	all = argc == 1;
	if (open_store(x) != 0)
		return 1;
	struct store_application *v = NULL;
	size_t n = 0;
	int r = store_application_list(x->st, !all, &v, &n);
	if (r != 0) {
		fprintf(stderr, "bbsctl: cannot list the applications: %s\n", bbs_strerror(r));
		return 1;
	}
	if (n == 0) {
		printf(all ? "no applications\n" : "no applications waiting for a decision\n");
		return 0;
	}
	printf("%-20s %-9s %-10s %s\n", "HANDLE", "STATUS", "APPLIED", "NAME (ORGANISATION)");
	for (size_t i = 0; i < n; i++) {
		char day[16];
		format_day(v[i].created, day, sizeof day);
		printf("%-20s %-9s %-10s ", v[i].handle, store_status_name(v[i].status), day);
		put_text(stdout, v[i].display_name, 0, "");
		if (v[i].organisation[0]) {
			printf(" (");
			put_text(stdout, v[i].organisation, 0, "");
			printf(")");
		}
		printf("\n");
	}
	store_application_list_free(v, n);
	return 0;
}

static int cmd_application_show(struct ctx *x, int argc, char **argv)
{
	if (argc != 1)
		return 2;
	if (open_store(x) != 0)
		return 1;
	struct store_application a = { 0 };
	int r = store_application_get(x->st, argv[0], &a);
	if (r == BBS_ERR_NOTFOUND) {
		char *h = text_escape_log(argv[0], 64);
		fprintf(stderr, "bbsctl: no application from '%s'\n", h);
		free(h);
		return 1;
	} else if (r != 0) {
		fprintf(stderr, "bbsctl: cannot read the application: %s\n", bbs_strerror(r));
		return 1;
	}
	char applied[40], decided[40];
	format_time(a.created, applied, sizeof applied);
	format_time(a.decided, decided, sizeof decided);
	const struct { const char *label, *value; } one[] = {
		{ "handle", a.handle }, { "status", store_status_name(a.status) },
		{ "name", a.display_name }, { "organisation", a.organisation },
		{ "sector", a.sector }, { "country", a.country }, { "contact", a.contact },
		{ "log in with", a.login }, { "applied", applied },
	};
	for (size_t i = 0; i < sizeof one / sizeof one[0]; i++) {
		printf("%-13s ", one[i].label);
		put_text(stdout, one[i].value, 0, "");
		printf("\n");
	}
	if (a.decided) {
		printf("%-13s %s by %s\n", "decided", decided,
			a.decided_by[0] ? a.decided_by : "the console (bbsctl)");
	}
	printf("%-13s ", "reason");
	put_text(stdout, a.reason, TEXT_MULTILINE, "              ");
	printf("\n");
	store_application_finish(&a);
	return 0;
}

static int decide(struct ctx *x, int argc, char **argv, bool accept)
{
	if (argc != 1)
		return 2;
	if (open_store(x) != 0)
		return 1;
	char *h = text_escape_log(argv[0], 64);
	int r = store_application_decide(x->st, 0, argv[0], accept);
	if (r == BBS_ERR_NOTFOUND) {
		fprintf(stderr, "bbsctl: no application from '%s'\n", h);
	} else if (r == BBS_ERR_INVALID) {
		struct store_application a = { 0 };
		const char *now = store_application_get(x->st, argv[0], &a) == 0
			? store_status_name(a.status) : "decided";
		fprintf(stderr, "bbsctl: the application from '%s' was decided already (%s)\n", h,
			strcmp(now, "active") == 0 ? "accepted" : now);
		store_application_finish(&a);
	} else if (r != 0) {
		fprintf(stderr, "bbsctl: cannot decide the application: %s\n", bbs_strerror(r));
	} else if (accept) {
		printf("%s: application accepted; they can log in now\n", h);
	} else {
		printf("%s: application declined\n", h);
	}
	free(h);
	return r == 0 ? 0 : 1;
}

static int cmd_application_approve(struct ctx *x, int argc, char **argv)
{
	return decide(x, argc, argv, true);
}

static int cmd_application_decline(struct ctx *x, int argc, char **argv)
{
	return decide(x, argc, argv, false);
}

static int cmd_registration(struct ctx *x, int argc, char **argv)
{
	int mode = 0;
	if (argc > 1)
		return 2;
	if (argc == 1 && store_registration_parse(argv[0], &mode) != 0) {
		fprintf(stderr, "bbsctl: the registration mode is open, invite or closed\n");
		return 2;
	}
	if (open_store(x) != 0)
		return 1;
	int r = argc == 1 ? store_admin_setting_set(x->st, 0, "registration",
			store_registration_name(mode))
		: store_registration_get(x->st, &mode);
	if (r != 0) {
		fprintf(stderr, "bbsctl: registration mode: %s\n", bbs_strerror(r));
		return 1;
	}
	static const char *const what[] = {
		"applications and invites", "invites only", "no new members",
	};
	printf("registration: %s (%s)\n", store_registration_name(mode),
		mode >= 0 && mode <= 2 ? what[mode] : "?");
	return 0;
}

/* Reads all of stdin, at most max bytes. BBS_ERR_TOOBIG when there is more (nothing is
 * kept), BBS_ERR_IO on a read error. *out is a heap string. */
static int read_stdin(size_t max, char **out, size_t *len)
{
	size_t cap = 4096, n = 0;
	char *buf = xmalloc(cap + 1);
	*out = NULL;
	*len = 0;
	for (;;) {
		if (n == cap) {
			if (cap > max) {
				free(buf);
				return BBS_ERR_TOOBIG;
			}
			cap *= 2;
			buf = xrealloc(buf, cap + 1);
		}
		size_t got = fread(buf + n, 1, cap - n, stdin);
		n += got;
		if (n > max) {
			free(buf);
			return BBS_ERR_TOOBIG;
		}
		if (got == 0) {
			if (ferror(stdin)) {
				free(buf);
				return BBS_ERR_IO;
			}
			break;
		}
	}
	buf[n] = '\0';
	*out = buf;
	*len = n;
	return 0;
}

static int cmd_announce(struct ctx *x, int argc, char **argv)
{
	if (argc != 2 || strcmp(argv[0], "--title") != 0)
		return 2;
	const char *title = argv[1];
	size_t tlen = strlen(title);
	if (tlen == 0 || tlen > STORE_TITLE_MAX || !text_utf8_valid(title, tlen)) {
		fprintf(stderr, "bbsctl: the title must be 1 to %d bytes of UTF-8 text\n",
			STORE_TITLE_MAX);
		return 2;
	}
	char *body = NULL;
	size_t len = 0;
	int r = read_stdin(STORE_ANNOUNCEMENT_MAX, &body, &len);
	if (r == BBS_ERR_TOOBIG) {
		fprintf(stderr, "bbsctl: the announcement is longer than %d bytes; nothing was "
			"posted\n", STORE_ANNOUNCEMENT_MAX);
		return 1;
	} else if (r != 0) {
		fprintf(stderr, "bbsctl: cannot read the announcement from standard input\n");
		return 1;
	}
	if (!text_utf8_valid(body, len) || memchr(body, '\0', len)) {
		fprintf(stderr, "bbsctl: the announcement is not valid UTF-8 text; nothing was "
			"posted\n");
		free(body);
		return 1;
	}
	int64_t id = 0;
	if (open_store(x) != 0) {
		free(body);
		return 1;
	}
	r = store_announcement_create(x->st, 0, title, body, &id);
	free(body);
	if (r == BBS_ERR_INVALID)
		fprintf(stderr, "bbsctl: the announcement needs a title and a body (on standard "
			"input)\n");
	else if (r == BBS_ERR_TOOBIG)
		fprintf(stderr, "bbsctl: the announcement is too long; nothing was posted\n");
	else if (r != 0)
		fprintf(stderr, "bbsctl: cannot post the announcement: %s\n", bbs_strerror(r));
	else
		printf("announcement %lld posted; members see it once at their next login\n",
			(long long)id);
	return r == 0 ? 0 : 1;
}

/* Writes len bytes to fd, all of them. */
static int write_all(int fd, const char *p, size_t len)
{
	while (len > 0) {
		ssize_t n = write(fd, p, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return BBS_ERR_IO;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

/* Creates an export file: a new file only (0600, never one that exists: it may be someone
 * else's, and never through a link). The descriptor, or -1 after saying why on stderr. */
static int open_export_file(const char *file)
{
	int fd = open(file, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0)
		fprintf(stderr, "bbsctl: %s: %s%s\n", file, strerror(errno),
			errno == EEXIST ? " (an export never overwrites a file)" : "");
	return fd;
}

/* A member's data (data rights): JSON on stdout, or into a new file (0600, never one that
 * exists: it may be someone else's). */
static int cmd_user_export(struct ctx *x, int argc, char **argv)
{
	const char *file = NULL;
	if (argc == 3 && strcmp(argv[1], "--output") == 0 && argv[2][0])
		file = argv[2];
	else if (argc != 1)
		return 2;
	struct store_user *u = NULL;
	if (open_store(x) != 0 || get_user(x, argv[0], &u) != 0)
		return 1;
	char *json = NULL;
	int r = store_user_export(x->st, u->id, &json);
	if (r != 0) {
		fprintf(stderr, "bbsctl: cannot export %s: %s\n", u->handle, bbs_strerror(r));
		store_user_free(u);
		return 1;
	}
	size_t len = strlen(json);
	int fd = 1;
	if (file) {
		fd = open_export_file(file);
		if (fd < 0) {
			free(json);
			store_user_free(u);
			return 1;
		}
	}
	r = write_all(fd, json, len);
	if (r == 0 && (len == 0 || json[len - 1] != '\n'))
		r = write_all(fd, "\n", 1);
	if (file) {
		if (r == 0 && fsync(fd) != 0)
			r = BBS_ERR_IO;
		if (close(fd) != 0)
			r = BBS_ERR_IO;
	}
	if (r != 0) {
		fprintf(stderr, "bbsctl: cannot write the export: %s\n", strerror(errno));
		if (file)
			(void)unlink(file);
	} else if (file) {
		fprintf(stderr, "exported %s to %s (%zu bytes)\n", u->handle, file, len);
	}
	free(json);
	store_user_free(u);
	return r == 0 ? 0 : 1;
}

/* ---- administration (issue 6): locks, roles, verification, sessions, the audit log ---- */

/* Disables the member and ends every session they have now. */
static int cmd_user_lock(struct ctx *x, int argc, char **argv)
{
	if (argc != 1)
		return 2;
	struct store_user_edit e = { .status = STORE_STATUS_DISABLED, .verified = -1 };
	struct store_user *u = NULL;
	if (edit_user(x, argv[0], &e, "lock", &u) != 0)
		return 1;
	int64_t ended = 0;
	int r = store_session_end_user(x->st, 0, u->id, &ended);
	if (r != 0)
		fprintf(stderr, "bbsctl: %s is locked, but their sessions could not be ended: %s\n",
			u->handle, bbs_strerror(r));
	else
		printf("%s: locked (disabled); %lld session%s ended\n", u->handle, (long long)ended,
			ended == 1 ? "" : "s");
	store_user_free(u);
	return r == 0 ? 0 : 1;
}

/*
 * Deletes a member (store_user_remove): --keep-posts or --remove-posts must be given, one of
 * them. Without --yes the handle must be typed again on a terminal; with no terminal and no
 * --yes nothing is deleted (a script must say --yes, never get it by accident).
 */
static int cmd_user_delete(struct ctx *x, int argc, char **argv)
{
	const char *name = NULL;
	int keep = 0, remove = 0;
	bool yes = false;
	for (int i = 0; i < argc; i++) {
		if (strcmp(argv[i], "--keep-posts") == 0)
			keep++;
		else if (strcmp(argv[i], "--remove-posts") == 0)
			remove++;
		else if (strcmp(argv[i], "--yes") == 0)
			yes = true;
		else if (argv[i][0] != '-' && !name)
			name = argv[i];
		else
			return 2;
	}
	if (!name || keep + remove != 1) {
		fprintf(stderr, "bbsctl: say what happens to their posts: --keep-posts (shown as "
			"from a removed member) or --remove-posts\n");
		return 2;
	}
	struct store_user *u = NULL;
	if (open_store(x) != 0 || get_user(x, name, &u) != 0)
		return 1;
	int rc = 1;
	if (u->removed) {
		fprintf(stderr, "bbsctl: %s was deleted already\n", u->handle);
		goto out;
	}
	if (!yes) {
		if (!isatty(STDIN_FILENO)) {
			fprintf(stderr, "bbsctl: not deleting %s: no terminal to confirm on (add --yes)\n",
				u->handle);
			goto out;
		}
		char typed[BBS_HANDLE_MAX + 8];
		printf("Delete member %s for good, %s? Their name, profile, keys and password go; "
			"this cannot be undone.\nType the handle to confirm: ", u->handle,
			remove ? "removing their posts" : "keeping their posts (shown as from a removed "
			"member)");
		fflush(stdout);
		if (read_secret_line(stdin, typed, sizeof typed) != 0 || strcmp(typed, u->handle) != 0) {
			fprintf(stderr, "bbsctl: not confirmed; nothing deleted\n");
			goto out;
		}
	}
	char *old = NULL;
	int r = store_user_remove(x->st, 0, u->id, remove != 0, &old);
	if (r == BBS_ERR_DENIED) {
		admin_error(r, "delete", u->handle);
		goto out;
	} else if (r != 0) {
		fprintf(stderr, "bbsctl: cannot delete %s: %s\n", u->handle, bbs_strerror(r));
		goto out;
	}
	printf("%s: deleted (now removed-%lld); posts %s; the handle stays reserved\n", old,
		(long long)u->id, remove ? "removed" : "kept, shown as from a removed member");
	free(old);
	rc = 0;
out:
	store_user_free(u);
	return rc;
}

static int cmd_user_unlock(struct ctx *x, int argc, char **argv)
{
	if (argc != 1)
		return 2;
	struct store_user_edit e = { .status = STORE_STATUS_ACTIVE, .verified = -1 };
	struct store_user *u = NULL;
	if (open_store(x) != 0 || is_applicant(x, argv[0]) ||
	    edit_user(x, argv[0], &e, "unlock", &u) != 0)
		return 1;
	printf("%s: unlocked (active)\n", u->handle);
	store_user_free(u);
	return 0;
}

static int set_verified(struct ctx *x, int argc, char **argv, bool verified)
{
	if (argc != 1)
		return 2;
	struct store_user_edit e = { .status = -1, .verified = verified ? 1 : 0 };
	struct store_user *u = NULL;
	if (edit_user(x, argv[0], &e, verified ? "verify" : "unverify", &u) != 0)
		return 1;
	printf("%s: affiliation %s\n", u->handle, verified ? "verified" : "no longer verified");
	store_user_free(u);
	return 0;
}

static int cmd_user_verify(struct ctx *x, int argc, char **argv)
{
	return set_verified(x, argc, argv, true);
}

static int cmd_user_unverify(struct ctx *x, int argc, char **argv)
{
	return set_verified(x, argc, argv, false);
}

static int cmd_user_role(struct ctx *x, int argc, char **argv)
{
	int role = 0;
	if (argc != 2)
		return 2;
	if (store_role_parse(argv[1], &role) != 0) {
		fprintf(stderr, "bbsctl: role must be member, moderator or sysop\n");
		return 2;
	}
	struct store_user_edit e = { .role = role, .status = -1, .verified = -1 };
	struct store_user *u = NULL;
	if (edit_user(x, argv[0], &e, "change the role of", &u) != 0)
		return 1;
	printf("%s: %s\n", u->handle, store_role_name(role));
	store_user_free(u);
	return 0;
}

static int cmd_session_list(struct ctx *x, int argc, char **argv)
{
	(void)argv;
	if (argc != 0)
		return 2;
	if (open_store(x) != 0)
		return 1;
	struct store_session *v = NULL;
	size_t n = 0;
	int r = store_session_list(x->st, &v, &n);
	if (r != 0) {
		fprintf(stderr, "bbsctl: cannot list the sessions: %s\n", bbs_strerror(r));
		return 1;
	}
	if (n == 0) {
		printf("no sessions\n");
		return 0;
	}
	/* SESSION: the tag bbsd's log lines of that connection carry (session=...). */
	printf("%-6s %-20s %-8s %-20s %-8s %-8s %s\n", "ID", "MEMBER", "KIND", "SINCE", "PID",
		"SESSION", "SOURCE");
	for (size_t i = 0; i < n; i++) {
		char since[40], tag[KEYS_SESSION_TAG_LEN];
		format_time(v[i].since, since, sizeof since);
		keys_session_tag(v[i].pid, v[i].pid_start, tag);
		printf("%-6lld %-20s %-8s %-20s %-8lld %-8s ", (long long)v[i].id,
			v[i].handle && v[i].handle[0] ? v[i].handle : "-", v[i].kind, since,
			(long long)v[i].pid, tag);
		put_text(stdout, v[i].source && v[i].source[0] ? v[i].source : "-", 0, "");
		printf("\n");
	}
	store_session_list_free(v, n);
	return 0;
}

static int cmd_session_end(struct ctx *x, int argc, char **argv)
{
	long long id = 0;
	int rc = open_with_id(x, argc, argv,
		"a session is named by its number (see 'session list')", &id);
	if (rc != 0)
		return rc;
	int r = store_session_end(x->st, 0, id);
	if (r == BBS_ERR_NOTFOUND)
		fprintf(stderr, "bbsctl: no session %lld (it may have ended already)\n", id);
	else if (r != 0)
		fprintf(stderr, "bbsctl: cannot end session %lld: %s\n", id, bbs_strerror(r));
	else
		printf("session %lld ended\n", id);
	return r == 0 ? 0 : 1;
}

static int cmd_audit_verify(struct ctx *x, int argc, char **argv)
{
	(void)argv;
	if (argc != 0)
		return 2;
	if (open_store(x) != 0)
		return 1;
	int64_t count = 0, bad = 0;
	char *head = NULL;
	int r = store_audit_verify(x->st, &count, &bad, &head);
	if (r == BBS_ERR_INVALID) {
		printf("audit log broken at entry %lld\n", (long long)bad);
		return 1;
	} else if (r != 0) {
		fprintf(stderr, "bbsctl: cannot verify the audit log: %s\n", bbs_strerror(r));
		return 1;
	}
	printf("%lld entries, chain intact, head %s\n", (long long)count,
		head && head[0] ? head : "-");
	free(head);
	return 0;
}

#define AUDIT_PAGE 1000
#define AUDIT_LIST_DEFAULT 50
#define AUDIT_FILTER_WORDS 8    /* what store_audit_list takes */

/* "2026-11-26T19:41:35Z" for the list and the export. */
static void audit_line(FILE *f, const struct store_audit *a)
{
	char when[32];
	format_iso(a->at, when, sizeof when);
	fprintf(f, "%-6lld %-20s ", (long long)a->id, when);
	put_text(f, a->actor, 0, "");
	fputc(' ', f);
	put_text(f, a->action, 0, "");
	fputs(" [", f);
	put_text(f, a->target, 0, "");
	fputc(']', f);
	if (a->detail && a->detail[0]) {
		fputc(' ', f);
		put_text(f, a->detail, 0, "");
	}
	if (a->source && a->source[0]) {
		fputs(" from ", f);
		put_text(f, a->source, 0, "");
	}
	fputc('\n', f);
}

static int cmd_audit_list(struct ctx *x, int argc, char **argv)
{
	const char *filter = NULL;
	long long limit = AUDIT_LIST_DEFAULT;
	for (int i = 0; i < argc; i += 2) {
		if (i + 1 >= argc)
			return 2;
		if (strcmp(argv[i], "--filter") == 0 && !filter) {
			filter = argv[i + 1];
			if (strlen(filter) > STORE_QUERY_MAX) {
				fprintf(stderr, "bbsctl: the filter is longer than %d bytes\n",
					STORE_QUERY_MAX);
				return 2;
			}
			int words = 0;
			for (const char *p = filter; *p; p++)
				if (*p != ' ' && (p == filter || p[-1] == ' '))
					words++;
			if (words > AUDIT_FILTER_WORDS) {
				fprintf(stderr, "bbsctl: the filter takes at most %d words\n",
					AUDIT_FILTER_WORDS);
				return 2;
			}
		} else if (strcmp(argv[i], "--limit") == 0) {
			if (!parse_int(argv[i + 1], 1, 1000, &limit)) {
				fprintf(stderr, "bbsctl: --limit wants a number from 1 to 1000\n");
				return 2;
			}
		} else {
			return 2;
		}
	}
	if (open_store(x) != 0)
		return 1;
	struct store_audit *v = NULL;
	size_t n = 0;
	int r = store_audit_list(x->st, filter && filter[0] ? filter : NULL, 0, limit, &v, &n);
	if (r != 0) {
		fprintf(stderr, "bbsctl: cannot list the audit log: %s\n", bbs_strerror(r));
		return 1;
	}
	if (n == 0)
		printf("no entries\n");
	for (size_t i = 0; i < n; i++)
		audit_line(stdout, &v[i]);
	store_audit_list_free(v, n);
	return 0;
}

/* One entry as a line of JSON. Numbers as numbers, text as JSON strings. */
static void audit_json(FILE *f, const struct store_audit *a)
{
	char when[32];
	format_iso(a->at, when, sizeof when);
	fprintf(f, "{\"id\":%lld,\"at\":%lld,\"time\":\"%s\",\"actor\":", (long long)a->id,
		(long long)a->at, when);
	json_string(f, a->actor ? a->actor : "");
	fputs(",\"action\":", f);
	json_string(f, a->action ? a->action : "");
	fputs(",\"target\":", f);
	json_string(f, a->target ? a->target : "");
	fputs(",\"detail\":", f);
	json_string(f, a->detail ? a->detail : "");
	fputs(",\"source\":", f);
	json_string(f, a->source ? a->source : "");
	fputs(",\"hash\":", f);
	json_string(f, a->hash ? a->hash : "");
	fputs(",\"prev_hash\":", f);
	json_string(f, a->prev_hash ? a->prev_hash : "");
	fputs("}\n", f);
}

/*
 * The whole log as JSON lines, oldest first, on stdout or into a new file (0600, never one
 * that exists). The store lists newest first in pages; entries appended meanwhile shift the
 * pages, so only ids below the smallest seen are taken (none is lost, none twice), and the
 * pages are written out in reverse.
 */
static int cmd_audit_export(struct ctx *x, int argc, char **argv)
{
	const char *file = NULL;
	if (argc == 2 && strcmp(argv[0], "--output") == 0 && argv[1][0])
		file = argv[1];
	else if (argc != 0)
		return 2;
	if (open_store(x) != 0)
		return 1;
	struct page { struct store_audit *v; size_t n; } *pages = NULL;
	size_t np = 0, cap = 0, total = 0;
	int64_t below = INT64_MAX;
	int r = 0;
	for (int64_t offset = 0;;) {
		struct store_audit *v = NULL;
		size_t n = 0;
		r = store_audit_list(x->st, NULL, offset, AUDIT_PAGE, &v, &n);
		if (r != 0)
			break;
		if (np == cap) {
			cap = cap ? cap * 2 : 16;
			pages = xrealloc(pages, cap * sizeof *pages);
		}
		pages[np++] = (struct page){ v, n };
		if (n < AUDIT_PAGE)
			break;
		offset += (int64_t)n;
	}
	if (r != 0) {
		fprintf(stderr, "bbsctl: cannot read the audit log: %s\n", bbs_strerror(r));
		goto out;
	}
	FILE *f = stdout;
	int fd = -1;
	if (file) {
		fd = open_export_file(file);
		if (fd >= 0 && !(f = fdopen(fd, "w")))
			fprintf(stderr, "bbsctl: %s: %s\n", file, strerror(errno));
		if (fd < 0 || !f) {
			if (fd >= 0)
				close(fd);
			r = BBS_ERR_IO;
			goto out;
		}
	}
	/* Newest first in each page and across pages. Mark the ids to keep: going newest to oldest, only ids below the smallest seen. */
	for (size_t p = 0; p < np; p++) {
		for (size_t i = 0; i < pages[p].n; i++) {
			if (pages[p].v[i].id < below)
				below = pages[p].v[i].id;
			else
				pages[p].v[i].id = -pages[p].v[i].id - 1; /* a repeat: skipped */
		}
	}
	/* Then write oldest first: both walked backwards. */
	for (size_t p = np; p-- > 0;) {
		for (size_t i = pages[p].n; i-- > 0;) {
			if (pages[p].v[i].id < 0)
				continue;
			audit_json(f, &pages[p].v[i]);
			total++;
		}
	}
	if (fflush(f) != 0 || ferror(f))
		r = BBS_ERR_IO;
	if (file) {
		if (r == 0 && fsync(fileno(f)) != 0)
			r = BBS_ERR_IO;
		if (fclose(f) != 0)
			r = BBS_ERR_IO;
	}
	if (r != 0) {
		fprintf(stderr, "bbsctl: cannot write the export: %s\n", strerror(errno));
		if (file)
			(void)unlink(file);
	} else if (file) {
		fprintf(stderr, "exported %zu audit entries to %s\n", total, file);
	}
out:
	for (size_t p = 0; p < np; p++)
		store_audit_list_free(pages[p].v, pages[p].n);
	free(pages);
	return r == 0 ? 0 : 1;
}

static const struct command {
	const char *group, *name;
	int (*run)(struct ctx *, int, char **);
	const char *usage;
} commands[] = {
	{ "init", NULL, cmd_init, "init [--user NAME]" },
	{ "user", "add", cmd_user_add, "user add NAME [--role member|moderator|sysop] "
		"[--password-stdin|--password|--random-password] [--key FILE] [--name TEXT] "
		"[--org TEXT] [--sector TEXT] [--country TEXT] [--region TEXT]" },
	{ "user", "list", cmd_user_list, "user list" },
	{ "user", "disable", cmd_user_disable, "user disable NAME" },
	{ "user", "enable", cmd_user_enable, "user enable NAME" },
	{ "user", "lock", cmd_user_lock, "user lock NAME" },
	{ "user", "unlock", cmd_user_unlock, "user unlock NAME" },
	{ "user", "delete", cmd_user_delete, "user delete NAME --keep-posts|--remove-posts [--yes]" },
	{ "user", "role", cmd_user_role, "user role NAME member|moderator|sysop" },
	{ "user", "verify", cmd_user_verify, "user verify NAME" },
	{ "user", "unverify", cmd_user_unverify, "user unverify NAME" },
	{ "user", "password", cmd_user_password,
		"user password NAME --password-stdin|--password|--random-password "
		"[--no-change-required]" },
	{ "user", "export", cmd_user_export, "user export NAME [--output FILE]" },
	{ "key", "add", cmd_key_add, "key add NAME FILE" },
	{ "key", "list", cmd_key_list, "key list NAME" },
	{ "key", "remove", cmd_key_remove, "key remove NAME FINGERPRINT" },
	{ "hostkey", NULL, cmd_hostkey, "hostkey" },
	{ "challenge", "export", cmd_challenge_export,
		"challenge export --format csv|json [--question ID]" },
	{ "invite", "create", cmd_invite_create, "invite create [--expires DAYS] "
		"[--role member|moderator|sysop] [--organisation TEXT] [--sector SECTOR] "
		"[--note TEXT]" },
	{ "invite", "list", cmd_invite_list, "invite list" },
	{ "invite", "revoke", cmd_invite_revoke, "invite revoke ID" },
	{ "application", "list", cmd_application_list, "application list [--all]" },
	{ "application", "show", cmd_application_show, "application show HANDLE" },
	{ "application", "approve", cmd_application_approve, "application approve HANDLE" },
	{ "application", "decline", cmd_application_decline, "application decline HANDLE" },
	{ "registration", NULL, cmd_registration, "registration [open|invite|closed]" },
	{ "announce", NULL, cmd_announce, "announce --title TITLE < BODY" },
	{ "session", "list", cmd_session_list, "session list" },
	{ "session", "end", cmd_session_end, "session end ID" },
	{ "audit", "verify", cmd_audit_verify, "audit verify" },
	{ "audit", "list", cmd_audit_list, "audit list [--filter WORDS] [--limit N]" },
	{ "audit", "export", cmd_audit_export, "audit export [--output FILE]" },
	{ "backup", NULL, cmd_backup, "backup FILE" },
	{ "restore", NULL, cmd_restore, "restore FILE" },
};

static void usage(FILE *f)
{
	fprintf(f, "usage: bbsctl -d DIR COMMAND\ncommands:\n");
	for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
		fprintf(f, "  %s\n", commands[i].usage);
}

int main(int argc, char **argv)
{
	struct ctx x = { 0 };
	int i = 1;

	if (argc >= 3 && strcmp(argv[1], "-d") == 0) {
		x.dir = argv[2];
		i = 3;
	} else if (argc == 2 && (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0)) {
		usage(stdout);
		return 0;
	}
	if (!x.dir || i >= argc) {
		usage(stderr);
		return 2;
	}
	bbs_log_init("bbsctl", false, BBS_LOG_WARN);
	if (keys_init() != 0) {
		fprintf(stderr, "bbsctl: cannot initialise the crypto library\n");
		return 1;
	}
	for (size_t c = 0; c < sizeof commands / sizeof commands[0]; c++) {
		const struct command *cmd = &commands[c];
		if (strcmp(argv[i], cmd->group) != 0)
			continue;
		if (cmd->name && (i + 1 >= argc || strcmp(argv[i + 1], cmd->name) != 0))
			continue;
		int skip = cmd->name ? 2 : 1;
		int r = cmd->run(&x, argc - i - skip, argv + i + skip);
		if (r == 2)
			fprintf(stderr, "usage: bbsctl -d DIR %s\n", cmd->usage);
		store_close(x.st);
		return r;
	}
	fprintf(stderr, "bbsctl: unknown command '%s'\n", argv[i]);
	usage(stderr);
	return 2;
}
