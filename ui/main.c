/*
 * main.c: the `bbs` program: command line, user lookup, startup and teardown.
 *
 *   bbs -d DIR --user HANDLE
 *   bbs -d DIR --guest [--key "TYPE BASE64"]
 *   bbs -d DIR --join [--key "TYPE BASE64"]
 *
 * --join is a newcomer with an invite code (bbsd's "join" login): the join screen (join.c),
 * top line "join". --key is the public key a guest or newcomer connected with (validated with
 * keys_parse_authorized): an application or a join can bind it.
 * A member whose password a sysop reset (must_change_password) gets the forced password
 * change before the menu. A member's preferences apply from the start: time zone (TZ, when
 * /usr/share/zoneinfo has it, else UTC), ASCII-only drawing, colour off.
 *
 * --guest is a first-time visitor (bbsd's "guest" login): no user is looked up, the top line
 * says "guest", and only the public pages can be reached (see menu.c and pager.c).
 * Opens DIR/portal.db, checks that HANDLE is an active user, starts the terminal and runs
 * the main menu. bbsd execs this on a pty after authentication (clean environment: TERM,
 * LC_ALL, HOME, PATH); a sysop can also run it on a local terminal.
 *
 * Exit status: 0 after log off, 1 for an unknown or disabled user or a startup failure,
 * 2 for bad arguments, 128+N after signal N.
 *
 * Must never: authenticate anyone (bbsd did that), create a database that is not there,
 * print member-supplied text unescaped, or take --guest together with --user.
 */
#include "ui/ui.h"

#include "common/common.h"
#include "keys/keys.h"
#include "sandbox/sandbox.h"
#include "store/store.h"
#include "text/text.h"

#include <getopt.h>
#include <langinfo.h>
#include <limits.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define DB_NAME "portal.db"
/* If the store has no site name yet (it is seed content, so this is rare). */
#define SITE_NAME_DEFAULT "Portal"

static void usage(FILE *f)
{
	fprintf(f,
		"usage: bbs -d DIR --user HANDLE\n"
		"       bbs -d DIR --guest [--key \"TYPE BASE64\"]\n"
		"       bbs -d DIR --join [--key \"TYPE BASE64\"]\n"
		"  -d, --dir DIR       the portal's data directory (holds " DB_NAME ")\n"
		"  -u, --user HANDLE   the member to show the portal for\n"
		"      --guest         the public pages only, for a visitor who is not a member\n"
		"      --join          join with an invite code\n"
		"      --key KEY       the public key a guest or newcomer connected with\n"
		"  -h, --help          show this help\n");
}

/* Prints "bbs: what: arg" on stderr with arg escaped (it came from outside). */
static void complain(const char *what, const char *arg)
{
	char *esc = text_escape_log(arg ? arg : "", 200);
	fprintf(stderr, "bbs: %s: %s\n", what, esc);
	free(esc);
}

struct options {
	const char *dir;
	const char *user;
	bool guest;
	bool join;
	const char *key;
};

/* Returns -1 to go on, else the exit status. */
static int parse_args(int argc, char **argv, struct options *o)
{
	static const struct option longopts[] = {
		{ "dir", required_argument, NULL, 'd' },
		{ "user", required_argument, NULL, 'u' },
		{ "help", no_argument, NULL, 'h' },
		{ "guest", no_argument, NULL, 'g' },
		{ "join", no_argument, NULL, 'J' },
		{ "key", required_argument, NULL, 'K' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	o->dir = NULL;
	o->user = NULL;
	o->guest = false;
	o->join = false;
	o->key = NULL;
	opterr = 0; /* our own one-line messages */
	while ((c = getopt_long(argc, argv, "d:u:h", longopts, NULL)) != -1) {
		switch (c) {
		case 'd': o->dir = optarg; break;
		case 'u': o->user = optarg; break;
		case 'g': o->guest = true; break;
		case 'J': o->join = true; break;
		case 'K': o->key = optarg; break;
		case 'h': usage(stdout); return 0;
		default:
			fprintf(stderr, "bbs: bad option\n");
			usage(stderr);
			return 2;
		}
	}
	/* Exactly one of --user, --guest and --join; --key only with --guest or --join. */
	if (optind < argc || !o->dir || !o->dir[0] ||
	    (o->user ? 1 : 0) + (o->guest ? 1 : 0) + (o->join ? 1 : 0) != 1 ||
	    (o->key && !o->guest && !o->join)) {
		usage(stderr);
		return 2;
	}
	if (o->key) {
		struct keys_pub pub = { 0 };
		const char *reason = NULL;
		int r = keys_parse_authorized(o->key, &pub, &reason);
		keys_pub_finish(&pub);
		if (r != 0) {
			fprintf(stderr, "bbs: --key: %s\n", reason ? reason : "not a public key");
			return 2;
		}
	}
	return -1;
}

/* Loads the user; prints one line and returns 1 if they cannot use the portal. */
static int load_user(struct store *st, const char *handle, struct store_user **out)
{
	*out = NULL;
	/* A handle that cannot exist is simply an unknown user. */
	if (!bbs_handle_valid(handle)) {
		complain("no such user", handle);
		return 1;
	}
	int r = store_user_get(st, handle, out);
	if (r == BBS_ERR_NOTFOUND) {
		complain("no such user", handle);
		return 1;
	}
	if (r != 0) {
		fprintf(stderr, "bbs: cannot read user: %s\n", bbs_strerror(r));
		return 1;
	}
	if ((*out)->status != STORE_STATUS_ACTIVE) {
		complain("account disabled", handle);
		store_user_free(*out);
		*out = NULL;
		return 1;
	}
	return 0;
}

/* A member's preferences that must be in place before the screen starts. */
static void apply_prefs(const struct store_user *user)
{
	const char *tz = "UTC";

	if (user && user->timezone && user->timezone[0] && ui_account_zone_valid(user->timezone))
		tz = user->timezone;
	/* ui_format_time uses localtime_r: TZ decides what members read. An unknown or
	 * unsafe name falls back to UTC (never a path of the member's choosing). */
	if (setenv("TZ", tz, 1) == 0)
		tzset();
	if (!user)
		return;
	if (user->ascii_only)
		ui_draw_set_ascii(true);
	ui_term_set_colour(user->colour);
}

/* user NULL: a guest, or a newcomer (join). */
static int run(struct store *st, const struct store_user *user, const struct options *o)
{
	struct ui_app app;
	char *site = NULL;
	const char *term = NULL;
	int status = 1;

	memset(&app, 0, sizeof app);
	if (store_setting_get(st, "site_name", &site) != 0 || !site) {
		free(site);
		site = xstrdup(SITE_NAME_DEFAULT);
	}
	char *identity = user ? xasprintf("%s (%s)", user->handle, store_role_name(user->role))
		: xstrdup(o->join ? "join" : "guest");
	app.st = st;
	app.user = user;
	app.compact = user && user->compact;
	app.guest = user == NULL && !o->join;
	app.join = o->join;
	app.login_key = o->key;
	app.site_name = site;
	app.identity = identity;

	/* Without a UTF-8 locale curses cannot show UTF-8: draw '?' for non-ASCII instead. */
	ui_draw_set_ascii(strcmp(nl_langinfo(CODESET), "UTF-8") != 0);
	apply_prefs(user);

	/* Read the store before the screen starts, so that errors can still go to stderr. */
	struct ui_screen *menu;
	if (o->join)
		menu = ui_join_create(&app);
	else if (user && user->must_change_password)
		menu = ui_password_forced_create(&app); /* the menu only after a new password */
	else
		menu = ui_menu_create(&app);

	switch (ui_term_open(&term)) {
	case UI_TERM_OK:
		/* stderr is the member's screen now: log lines would land in the middle of it. */
		bbs_log_init("bbs", true, BBS_LOG_WARN);
		status = ui_app_run(&app, menu);
		menu = NULL; /* the app destroyed it */
		ui_term_close();
		bbs_log_init("bbs", false, BBS_LOG_WARN);
		{
			char bye[160];
			/* Below the portal's screen, so the member sees why the session ended. */
			if (ui_idle_goodbye(bye, sizeof bye) || ui_join_goodbye(bye, sizeof bye))
				(void)printf("%s\r\n", bye);
		}
		break;
	case UI_TERM_DUMB:
		/* bbsd normally starts the plain line mode for such a terminal; say how to get it
		 * when this one still arrives here (an old bbsd, a local console). */
		fprintf(stderr, "bbs: the full-screen portal needs a real terminal "
			"(this one cannot move the cursor); please reconnect from a terminal such as xterm,\n"
			"or use the plain line mode: connect with 'ssh -T' (no terminal), or run "
			"'bbscmd -d DIR --user NAME --line' on the server\n");
		break;
	case UI_TERM_FAIL:
		if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO))
			fprintf(stderr, "bbs: not a terminal\n");
		else
			complain("cannot start the terminal; TERM", getenv("TERM"));
		break;
	}
	if (menu && menu->destroy)
		menu->destroy(menu);
	free(identity);
	free(site);
	return status;
}

int main(int argc, char **argv)
{
	struct options o;
	struct store *st = NULL;
	struct store_user *user = NULL;
	char path[PATH_MAX];
	int status;

	(void)setlocale(LC_ALL, "");
	bbs_log_init("bbs", false, BBS_LOG_WARN);

	status = parse_args(argc, argv, &o);
	if (status >= 0)
		return status;
	if (bbs_snprintf(path, sizeof path, "%s/%s", o.dir, DB_NAME) != 0) {
		fprintf(stderr, "bbs: directory name too long\n");
		usage(stderr);
		return 2;
	}
	/* store_open creates a missing database; bbs must only ever open an existing one. */
	if (access(path, R_OK | W_OK) != 0) {
		complain("no portal database in", o.dir);
		return 1;
	}
	int r = store_open(path, &st);
	if (r != 0) {
		fprintf(stderr, "bbs: cannot open the database: %s\n", bbs_strerror(r));
		return 1;
	}
	if (keys_init() != 0) {
		fprintf(stderr, "bbs: cannot start the cryptography library\n");
		store_close(st);
		return 1;
	}
	/* Confined from here on (sandbox/): the data directory, the system's read-only files, no
	 * exec, no sockets but AF_UNIX. The database is open and the crypto library started. */
	if (sandbox_child(o.dir) < 0)
		log_warn("bbs: the sandbox could not be set up");
	status = o.user ? load_user(st, o.user, &user) : 0;
	if (status == 0)
		status = run(st, user, &o);
	store_user_free(user);
	store_close(st);
	return status;
}
