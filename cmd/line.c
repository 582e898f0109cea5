/*
 * line.c: the plain line mode: reading lines and bodies, numbered menus, the main menu, the
 * pages (focus areas, Who we are), news, and what happens right after login (a forced
 * password change, unread announcements, then the offer of an unsent draft), as the
 * full-screen UI does them; the idle warning and logout; the visitors' (guest) menu.
 *
 * For dumb terminals, connections without a pty and screen readers: every prompt is one
 * line ending in "> " or ": " and says what is expected, lists are numbered, a list is
 * printed again only when the member comes back to it (never after a mere message). Input
 * arrives a line at a time (cooked pty or pipe).
 *
 * Must never: print a control character or escape sequence (all store text goes through
 * line_clean, all input is cleaned), accept a line over CMD_LINE_MAX bytes, or lose a body
 * being typed when the link drops (it becomes a draft the UI offers back too).
 */
#include "cmd/cmd.h"
#include "common/common.h"
#include "store/store.h"
#include "text/text.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* SIGHUP (the link dropped) and SIGTERM (a sysop, a shutdown) interrupt the read: the input
 * is over, a body being typed is saved as a draft. */
static volatile sig_atomic_t hangup;

static void on_hangup(int sig)
{
	(void)sig;
	hangup = 1;
}

/*
 * The idle warning and logout, as the full-screen UI has them (settings idle_warn_minutes,
 * default 25, and idle_logout_minutes, default 30, 0 = off; idle_*_seconds take precedence):
 * an alarm armed before each line is read. The warning is written from the handler (the
 * prompt before it was flushed); the logout ends the input like a dropped link, so a text
 * being typed becomes a draft.
 */
#define IDLE_MAX_S (7 * 24 * 3600)
static unsigned idle_warn_s, idle_logout_s;
static volatile sig_atomic_t idle_warned, idle_out;
static char idle_msg[160];
static size_t idle_msg_len;
static int idle_fd = -1;         /* the output's descriptor, -1 when it has none */

static void on_alarm(int sig)
{
	(void)sig;
	if (!idle_warned && idle_warn_s > 0) {
		idle_warned = 1;
		if (idle_fd >= 0)
			(void)!write(idle_fd, idle_msg, idle_msg_len);
		if (idle_logout_s > 0)
			alarm(idle_logout_s - idle_warn_s);
		return;
	}
	idle_out = 1;
	hangup = 1;
}

/* A setting in seconds (minutes scaled by 60); -1 if absent or out of range. */
static int64_t idle_setting(struct store *st, const char *key, int64_t scale)
{
	char *v = NULL, *end = NULL;
	int64_t out = -1;
	if (store_setting_get(st, key, &v) == 0 && v && v[0]) {
		errno = 0;
		long long n = strtoll(v, &end, 10);
		if (errno == 0 && *end == '\0' && n >= 0 && n <= IDLE_MAX_S / scale)
			out = (int64_t)n * scale;
	}
	free(v);
	return out;
}

static void wording(unsigned s, char *buf, size_t size)
{
	if (s % 60 == 0)
		(void)bbs_snprintf(buf, size, "%u minute%s", s / 60, s == 60 ? "" : "s");
	else
		(void)bbs_snprintf(buf, size, "%u second%s", s, s == 1 ? "" : "s");
}

static void idle_setup(struct store *st, FILE *out)
{
	idle_fd = fileno(out);
	int64_t warn = idle_setting(st, "idle_warn_seconds", 1);
	int64_t logout = idle_setting(st, "idle_logout_seconds", 1);
	if (warn < 0)
		warn = idle_setting(st, "idle_warn_minutes", 60);
	if (warn < 0)
		warn = 25 * 60;
	if (logout < 0)
		logout = idle_setting(st, "idle_logout_minutes", 60);
	if (logout < 0)
		logout = 30 * 60;
	if (logout > 0 && warn >= logout)
		warn = 0;
	idle_warn_s = (unsigned)warn;
	idle_logout_s = (unsigned)logout;
	char left[48];
	wording(idle_logout_s - idle_warn_s, left, sizeof left);
	if (bbs_snprintf(idle_msg, sizeof idle_msg, "\nNo activity for a while: the session ends "
		"in %s unless you type something.\n", left) == 0)
		idle_msg_len = strlen(idle_msg);
	struct sigaction sa = { .sa_handler = on_alarm }; /* no SA_RESTART: the read returns */
	sigemptyset(&sa.sa_mask);
	sigaction(SIGALRM, &sa, NULL);
}

/* Before waiting for a line: the idle clock starts again. */
static void idle_arm(void)
{
	idle_warned = 0;
	alarm(idle_warn_s > 0 ? idle_warn_s : idle_logout_s);
}

bool line_done(const struct line *l)
{
	return l->eof || l->quit;
}

const char *line_clean(struct line *l, const char *s, bool multiline)
{
	int flags = (multiline ? TEXT_MULTILINE : 0) | (l->u && l->u->ascii_only ? TEXT_ASCII : 0);
	if (!s)
		return "";
	if (text_is_clean(s, flags))
		return s;
	free(l->ring[l->ringpos]);
	l->ring[l->ringpos] = text_sanitize(s, strlen(s), flags);
	const char *r = l->ring[l->ringpos];
	l->ringpos = (l->ringpos + 1) % 8;
	return r;
}

void line_apply_tz(struct line *l)
{
	struct stat sb;
	char path[STORE_TIMEZONE_MAX + 32];
	const char *zone = l->u && l->u->timezone ? l->u->timezone : "";
	/* The store allows only [A-Za-z0-9_+-/.], no leading '/', no "..": a path below
	 * zoneinfo. A zone this system does not know: UTC, as the full-screen UI does. */
	l->local_time = zone[0] && bbs_snprintf(path, sizeof path, "/usr/share/zoneinfo/%s",
		zone) == 0 && stat(path, &sb) == 0 && S_ISREG(sb.st_mode);
	if (setenv("TZ", l->local_time ? zone : "UTC0", 1) != 0)
		l->local_time = false;
	tzset();
}

void line_time(const struct line *l, int64_t t, char out[LINE_TIME_LEN])
{
	struct tm tm;
	time_t tt = (time_t)t;
	bool ok = l->local_time ? localtime_r(&tt, &tm) != NULL : gmtime_r(&tt, &tm) != NULL;
	if (!ok || strftime(out, LINE_TIME_LEN, l->local_time ? "%Y-%m-%d %H:%M %Z"
		: "%Y-%m-%d %H:%M UTC", &tm) == 0)
		bbs_strlcpy(out, "?", LINE_TIME_LEN);
}

void line_print_text(struct line *l, const char *s)
{
	cmd_print_indented(l->out, line_clean(l, s, true));
}

void line_unknown(struct line *l)
{
	fprintf(l->out, "That is not one of the choices. Type ? for the list of choices.\n");
}

/* The next input byte, or EOF. Once the link has dropped (SIGHUP) what was typed before it
 * may still wait in the pipe or pty: it is taken without waiting for more. */
static int next_char(struct line *l)
{
	for (;;) {
		if (hangup && !l->draining) {
			l->draining = true;
			clearerr(l->in);
			int fl = fcntl(fileno(l->in), F_GETFL);
			if (fl >= 0)
				(void)fcntl(fileno(l->in), F_SETFL, fl | O_NONBLOCK);
		}
		errno = 0;
		int c = getc(l->in);
		if (c == EOF && !hangup && errno == EINTR && ferror(l->in)) {
			clearerr(l->in); /* the idle warning interrupted the read */
			continue;
		}
		if (c != EOF || !hangup || l->draining)
			return c;
	}
}

/*
 * Reads one line of raw input (without the newline) into buf. Returns 1 for a line, 0 at the
 * end of input, -1 for a line longer than size - 1 (the rest of it is read and dropped, so a
 * 10 MiB line costs no memory).
 */
static int read_raw(struct line *l, char *buf, size_t size, size_t *len)
{
	size_t n = 0;
	bool over = false;
	int c;
	if (l->eof)
		return 0;
	idle_arm();
	for (;;) {
		c = next_char(l);
		if (c == EOF || c == '\n')
			break;
		if (n + 1 < size)
			buf[n++] = (char)c;
		else
			over = true;
	}
	alarm(0);
	buf[n] = '\0';
	*len = n;
	if (c == EOF && n == 0 && !over) {
		l->eof = true;
		return 0;
	}
	return over ? -1 : 1;
}

/* Removes control characters (a tab becomes a space) in place; returns the new length. */
static size_t strip_controls(char *s, size_t len)
{
	size_t o = 0;
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c == '\t')
			s[o++] = ' ';
		else if (c >= 0x20 && c != 0x7f)
			s[o++] = (char)c;
	}
	s[o] = '\0';
	return o;
}

/* One line of input: 1 usable (cleaned), 0 end of input, -1 refused (message printed). */
static int read_clean(struct line *l, char *buf, size_t size, bool trim)
{
	size_t len = 0;
	int r = read_raw(l, buf, size, &len);
	if (r == 0)
		return 0;
	if (r < 0) {
		fprintf(l->out, "That line is too long (the limit is %zu bytes); it was ignored.\n",
			size - 1);
		return -1;
	}
	len = strip_controls(buf, len);
	if (!text_utf8_valid(buf, len)) {
		fprintf(l->out, "That line is not valid UTF-8 text; it was ignored.\n");
		return -1;
	}
	/* C1 controls and invisible characters: the sanitiser removes or replaces them. */
	if (!text_is_clean(buf, 0)) {
		char *c = text_sanitize(buf, len, 0);
		bbs_strlcpy(buf, c, size);
		free(c);
		len = strlen(buf);
		if (!text_utf8_valid(buf, len)) { /* cut inside a code point by the limit */
			fprintf(l->out, "That line is too long; it was ignored.\n");
			return -1;
		}
	}
	if (trim) {
		while (len > 0 && buf[len - 1] == ' ')
			buf[--len] = '\0';
		size_t lead = strspn(buf, " ");
		memmove(buf, buf + lead, len - lead + 1);
	}
	return 1;
}

bool line_read(struct line *l, const char *prompt, char *buf, size_t size)
{
	if (size > CMD_LINE_MAX + 1)
		size = CMD_LINE_MAX + 1;
	for (;;) {
		fputs(prompt, l->out);
		fflush(l->out);
		int r = read_clean(l, buf, size, true);
		if (r == 0) {
			fputc('\n', l->out);
			buf[0] = '\0';
			return false;
		}
		if (r > 0)
			return true;
	}
}

/* True when word is one of the space-separated words of keys (or "q"). */
static bool key_known(const char *keys, const char *word)
{
	size_t n = strlen(word);
	if (strcmp(word, "q") == 0)
		return true;
	for (const char *k = keys; n > 0 && *k;) {
		size_t len = strcspn(k, " ");
		if (len == n && strncmp(k, word, n) == 0)
			return true;
		k += len;
		k += strspn(k, " ");
	}
	return false;
}

int line_choose(struct line *l, const char *prompt, int n, const char *keys, const char *help,
	char *word, size_t wsize)
{
	char buf[CMD_LINE_MAX + 1];
	for (;;) {
		if (!line_read(l, prompt, buf, sizeof buf))
			return -1;
		if (!buf[0])
			continue;
		if (strcmp(buf, "x") == 0 || strcmp(buf, "X") == 0 || strcmp(buf, "0") == 0) {
			l->quit = true;
			return -1;
		}
		if (strcmp(buf, "?") == 0 && help) {
			fputs(help, l->out);
			continue;
		}
		int64_t v;
		if (cmd_parse_id(buf, &v)) {
			if (v >= 1 && v <= n)
				return (int)v;
			if (n > 0)
				fprintf(l->out, "There is no number %s here: choose 1 to %d, or ? for help.\n",
					strlen(buf) <= 12 ? buf : "that big", n);
			else
				fprintf(l->out, "There is nothing numbered here. Type ? for help.\n");
			continue;
		}
		for (size_t i = 0; buf[i]; i++)
			buf[i] = (char)tolower((unsigned char)buf[i]);
		if (!key_known(keys, buf)) {
			/* Asked again without drawing the list twice. */
			line_unknown(l);
			continue;
		}
		bbs_strlcpy(word, buf, wsize);
		return 0;
	}
}

bool line_yes(struct line *l, const char *prompt)
{
	char buf[64];
	for (;;) {
		if (!line_read(l, prompt, buf, sizeof buf))
			return false;
		if (buf[0] == 'y' || buf[0] == 'Y')
			return true;
		if (buf[0] == 'n' || buf[0] == 'N')
			return false;
		fprintf(l->out, "Please answer y (yes) or n (no).\n");
	}
}

/* Appends s[0..n) to a growing buffer. */
static void append(char **buf, size_t *len, size_t *cap, const char *s, size_t n)
{
	if (*len + n + 1 > *cap) {
		while (*len + n + 1 > *cap)
			*cap = *cap ? *cap * 2 : 4096;
		*buf = xrealloc(*buf, *cap);
	}
	memcpy(*buf + *len, s, n);
	*len += n;
	(*buf)[*len] = '\0';
}

int line_body(struct line *l, const struct line_body *b, char **out)
{
	char buf[CMD_LINE_MAX + 1];
	char *text = NULL;
	size_t len = 0, cap = 0;
	bool over = false;

	*out = NULL;
	append(&text, &len, &cap, "", 0);
	if (b->initial && b->initial[0]) {
		append(&text, &len, &cap, b->initial, strlen(b->initial));
		fprintf(l->out, "Already written (your lines are added after it):\n");
		line_print_text(l, b->initial);
	}
	fprintf(l->out, "Type %s, at most %zu bytes, a line at a time. End with a line holding "
		"only a dot (.); a line holding only ~q abandons it.\n", b->what, b->max);
	for (;;) {
		fputs("Text (. ends, ~q abandons): ", l->out);
		fflush(l->out);
		int r = read_clean(l, buf, sizeof buf, false);
		if (r == 0) {
			/* The link dropped mid-text: keep it where the full-screen UI finds it too. */
			if (b->context && len > 0) {
				if (len > b->max) /* what fits, cut at a code point */
					len = b->max;
				while (len > 0 && ((unsigned char)text[len] & 0xc0) == 0x80)
					len--;
				text[len] = '\0';
				int e = store_draft_save(l->st, l->u->id, b->context,
					b->title ? b->title : "", text);
				if (e != 0)
					log_warn("draft save: %s", bbs_strerror(e));
			}
			free(text);
			return -1;
		}
		if (r < 0) {
			fprintf(l->out, "(That line was left out of the text; go on.)\n");
			continue;
		}
		if (strcmp(buf, ".") == 0)
			break;
		if (strcmp(buf, "~q") == 0) {
			fprintf(l->out, "Abandoned: nothing was kept.\n");
			if (b->context)
				(void)store_draft_delete(l->st, l->u->id, b->context);
			free(text);
			return 1;
		}
		if (over)
			continue;
		size_t n = strlen(buf);
		if (len + n + 1 > b->max) {
			/* Keep reading to the "." so that the rest is not taken for menu choices. */
			over = true;
			fprintf(l->out, "The text is now over the limit of %zu bytes. Type . to end; "
				"it will not be stored.\n", b->max);
			continue;
		}
		append(&text, &len, &cap, buf, n);
		append(&text, &len, &cap, "\n", 1);
	}
	if (over) {
		fprintf(l->out, "The text is too large (the limit is %zu bytes): nothing was stored.\n",
			b->max);
		free(text);
		return 1;
	}
	*out = text;
	return 0;
}

char *line_quote(const char *handle, const char *body)
{
	body = body ? body : "";
	size_t cap = strlen(handle) + 16 + 4 * strlen(body) + 8;
	char *out = xmalloc(cap);
	size_t o = 0;
	o += (size_t)snprintf(out + o, cap - o, "%s wrote:\n", handle);
	for (const char *line = body;;) {
		const char *nl = strchr(line, '\n');
		size_t len = nl ? (size_t)(nl - line) : strlen(line);
		/* cap covers "> " and "\n" for every line: o stays below it. */
		o += (size_t)snprintf(out + o, cap - o, "> %.*s\n", (int)len, line);
		if (!nl)
			break;
		line = nl + 1;
	}
	(void)snprintf(out + o, cap - o, "\n");
	return out;
}

void line_report(struct line *l, int kind, int64_t target_id)
{
	char reason[CMD_LINE_MAX + 1];
	if (!line_read(l, "Reason for reporting it to the moderators (empty: cancel): ", reason,
		sizeof reason))
		return;
	if (!reason[0]) {
		fprintf(l->out, "Not reported.\n");
		return;
	}
	int64_t id = 0;
	int r = store_report_create(l->st, l->u->id, kind, target_id, reason, &id);
	if (r == 0)
		fprintf(l->out, "Reported to the moderators.\n");
	else if (r == BBS_ERR_EXISTS)
		fprintf(l->out, "You reported this already.\n");
	else if (r == BBS_ERR_NOTFOUND)
		fprintf(l->out, "There is nothing to report here.\n");
	else if (r == BBS_ERR_INVALID || r == BBS_ERR_TOOBIG)
		fprintf(l->out, "Not reported: the reason is empty or too long.\n");
	else
		fprintf(l->out, "Could not save the report, please try again.\n");
}

/* ---- pages ---- */

static void show_page(struct line *l, const char *slug)
{
	struct store_page p = { 0 };
	if (store_page_get(l->st, slug, &p) != 0) {
		fprintf(l->out, "This page is not available.\n");
		store_page_finish(&p);
		return;
	}
	fprintf(l->out, "\n== %s ==\n\n", line_clean(l, p.title, false));
	line_print_text(l, p.body);
	fputc('\n', l->out);
	store_page_finish(&p);
}

static void area_page(struct line *l, const struct store_area *a)
{
	static const char help[] = "Choices: 1 the boards of this focus area; q back to the main "
		"menu; x log off.\n";
	if (a->page_slug[0])
		show_page(l, a->page_slug);
	else
		fprintf(l->out, "\n== %s ==\n\n  %s\n\n", line_clean(l, a->name, false),
			line_clean(l, a->summary, false));
	while (!line_done(l)) {
		char word[16];
		fprintf(l->out, "  1. Boards of %s\n", line_clean(l, a->name, false));
		int c = line_choose(l, "Focus area: type 1 for its boards, q to go back> ", 1, "", help,
			word, sizeof word);
		if (c < 0 || (c == 0 && strcmp(word, "q") == 0))
			return;
		if (c == 1)
			line_boards(l, a->id);
		else
			line_unknown(l);
	}
}

/* ---- news ---- */

static void print_announcement(struct line *l, const struct store_announcement *a)
{
	char when[LINE_TIME_LEN];
	line_time(l, a->created, when);
	fprintf(l->out, "\n%s  %s\n\n", when, line_clean(l, a->title, false));
	line_print_text(l, a->body);
}

static void news(struct line *l)
{
	static const char help[] = "Choices: a number reads that announcement; q back; x log off.\n";
	while (!line_done(l)) {
		struct store_announcement *v = NULL;
		size_t n = 0;
		if (store_announcement_list(l->st, l->u->id, 0, 50, &v, &n) != 0) {
			fprintf(l->out, "The news cannot be read right now.\n");
			return;
		}
		fprintf(l->out, "\nNews and announcements (newest first, %zu):\n", n);
		for (size_t i = 0; i < n; i++) {
			char when[LINE_TIME_LEN];
			line_time(l, v[i].created, when);
			fprintf(l->out, "  %zu. %s%s  %s\n", i + 1, v[i].unread ? "(new) " : "",
				line_clean(l, v[i].title, false), when);
		}
		if (n == 0)
			fprintf(l->out, "  There is no news yet.\n");
		char word[16];
		int c = line_choose(l, "News: type a number to read, q to go back> ", (int)n, "", help,
			word, sizeof word);
		if (c > 0) {
			print_announcement(l, &v[c - 1]);
			(void)store_announcement_mark_seen(l->st, l->u->id, v[c - 1].id);
		}
		store_announcement_list_free(v, n);
		if (c < 0 || (c == 0 && strcmp(word, "q") == 0))
			return;
		if (c == 0)
			line_unknown(l);
	}
}

/* ---- after login ---- */

static void login_news(struct line *l)
{
	struct store_announcement *v = NULL;
	size_t n = 0;
	if (store_announcement_unread(l->st, l->u->id, &v, &n) != 0 || n == 0) {
		store_announcement_list_free(v, n);
		return;
	}
	fprintf(l->out, "\nNews and announcements you have not seen (%zu):\n", n);
	int64_t upto = 0;
	for (size_t i = 0; i < n; i++) {
		print_announcement(l, &v[i]);
		if (v[i].id > upto)
			upto = v[i].id;
	}
	store_announcement_list_free(v, n);
	char buf[16];
	/* Seen once the member goes on, as the UI marks them when its pager is left. */
	if (line_read(l, "Press Enter to go on: ", buf, sizeof buf))
		(void)store_announcement_mark_seen(l->st, l->u->id, upto);
}

/* Parses "PREFIX:N" or "PREFIX:N:M" (m may be NULL: then only the first form). */
static bool ctx_ids(const char *c, const char *prefix, int64_t *n, int64_t *m)
{
	size_t pl = strlen(prefix);
	if (strncmp(c, prefix, pl) != 0)
		return false;
	char *end;
	long long v = strtoll(c + pl, &end, 10);
	if (end == c + pl || v <= 0)
		return false;
	*n = v;
	if (m)
		*m = 0;
	if (*end == ':' && m) {
		const char *p = end + 1;
		v = strtoll(p, &end, 10);
		if (end == p || v <= 0)
			return false;
		*m = v;
	}
	return *end == '\0';
}

/* Offers the latest draft back, as the UI's main menu does after login. */
static void offer_draft(struct line *l)
{
	struct store_draft d = { 0 };
	if (store_draft_latest(l->st, l->u->id, &d) != 0)
		return;
	int64_t a = 0, b = 0;
	char what[STORE_FIELD_MAX + 64] = "";
	struct store_thread t = { 0 };
	struct store_message m = { 0 };
	int kind = 0;
	if (ctx_ids(d.context, "new:", &a, NULL)) {
		kind = 1;
		(void)bbs_snprintf(what, sizeof what, "a new discussion \"%s\"",
			line_clean(l, d.title, false));
	} else if (ctx_ids(d.context, "reply:", &a, &b) &&
		   store_thread_get(l->st, l->u->id, a, &t) == 0) {
		kind = 2;
		(void)bbs_snprintf(what, sizeof what, "a reply in \"%s\"", line_clean(l, t.title, false));
	} else if (strncmp(d.context, "message:", 8) == 0 && bbs_handle_valid(d.context + 8)) {
		kind = 3;
		(void)bbs_snprintf(what, sizeof what, "a message to %s", d.context + 8);
	} else if (ctx_ids(d.context, "message-reply:", &a, NULL) &&
		   store_message_get(l->st, l->u->id, a, &m) == 0) {
		kind = 4;
		(void)bbs_snprintf(what, sizeof what, "a reply to %s", m.sender_handle);
	} else if (ctx_ids(d.context, "challenge:", &a, NULL)) {
		kind = 5;
		(void)bbs_snprintf(what, sizeof what, "a challenge \"%s\"",
			line_clean(l, d.title, false));
	}
	if (kind == 0) {
		/* An edit or another kind only the full-screen UI resumes. */
		fprintf(l->out, "You have an unsent draft that the full-screen UI can resume.\n");
		goto out;
	}
	fprintf(l->out, "\nYou have an unsent draft (%s):\n", what);
	line_print_text(l, d.body);
	if (!line_yes(l, "Resume it now? (y/n): ")) {
		if (!line_done(l))
			fprintf(l->out, "The draft is kept for later.\n");
		goto out;
	}
	switch (kind) {
	case 1: (void)line_new_thread(l, a, d.title, d.body); break;
	case 2: (void)line_reply(l, a, b, d.body); break;
	case 3: (void)line_message_write(l, d.context + 8, 0, d.title, d.body); break;
	case 4: (void)line_message_write(l, m.sender_handle, m.id, d.title, d.body); break;
	case 5: (void)line_challenge_submit(l, a, d.title, d.body); break;
	}
out:
	store_thread_finish(&t);
	store_message_finish(&m);
	store_draft_finish(&d);
}

/* ---- the main menu ---- */

enum item { IT_AREA, IT_BOARDS, IT_CHALLENGE, IT_MESSAGES, IT_DIRECTORY, IT_NEWS, IT_ADMIN,
	IT_ACCOUNT, IT_WHO, IT_LOGOFF };

static const char main_help[] =
	"Main menu choices:\n"
	"  a number   open that item\n"
	"  n          the next discussion with posts you have not read\n"
	"  /          search the discussions\n"
	"  x or 0     log off (q asks first)\n"
	"Everywhere: numbers choose, q goes back, ? lists the choices, x logs off.\n";

/* Prints a line of the main menu when it is shown this time. */
static void say(struct line *l, bool show, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void say(struct line *l, bool show, const char *fmt, ...)
{
	va_list ap;
	if (!show)
		return;
	va_start(ap, fmt);
	vfprintf(l->out, fmt, ap);
	va_end(ap);
}

static void main_menu(struct line *l)
{
	bool show = true;  /* false: only a message was printed, the menu stands */
	while (!line_done(l)) {
		struct store_area *areas = NULL;
		size_t na = 0;
		if (store_area_list(l->st, &areas, &na) != 0) {
			areas = NULL;
			na = 0;
		}
		enum item kinds[32];
		int n = 0;
		say(l, show, "\nMain menu\n");
		for (size_t i = 0; i < na && n < 20; i++) {
			kinds[n++] = IT_AREA;
			say(l, show, "  %d. %s - %s\n", n, line_clean(l, areas[i].name, false),
				line_clean(l, areas[i].summary, false));
		}
		int64_t unread = 0, msgs = 0;
		struct store_announcement *av = NULL;
		size_t an = 0;
		kinds[n++] = IT_BOARDS;
		if (store_unread_total(l->st, l->u->id, &unread) == 0 && unread > 0)
			say(l, show, "  %d. Discussion boards - %lld unread\n", n, (long long)unread);
		else
			say(l, show, "  %d. Discussion boards - all read\n", n);
		kinds[n++] = IT_CHALLENGE;
		say(l, show, "  %d. The challenge question\n", n);
		kinds[n++] = IT_MESSAGES;
		if (store_message_unread(l->st, l->u->id, &msgs) == 0 && msgs > 0)
			say(l, show, "  %d. Messages - %lld unread\n", n, (long long)msgs);
		else
			say(l, show, "  %d. Messages - no unread messages\n", n);
		kinds[n++] = IT_DIRECTORY;
		say(l, show, "  %d. Member directory - find members by name, organisation, sector, "
			"country\n", n);
		kinds[n++] = IT_NEWS;
		if (store_announcement_unread(l->st, l->u->id, &av, &an) == 0 && an > 0)
			say(l, show, "  %d. News and announcements - %zu new\n", n, an);
		else
			say(l, show, "  %d. News and announcements - nothing new\n", n);
		store_announcement_list_free(av, an);
		if (l->u->role >= STORE_ROLE_MODERATOR) {
			kinds[n++] = IT_ADMIN;
			say(l, show, "  %d. Administration - %s\n", n, l->u->role >= STORE_ROLE_SYSOP ?
				"reports, members, invites, online, audit log, structure" :
				"reports from members");
		}
		kinds[n++] = IT_ACCOUNT;
		say(l, show, "  %d. Your account - profile, keys, password, preferences\n", n);
		kinds[n++] = IT_WHO;
		say(l, show, "  %d. Who we are\n", n);
		kinds[n++] = IT_LOGOFF;
		say(l, show, "  %d. Log off\n", n);

		char word[CMD_LINE_MAX + 1];
		char prompt[96];
		(void)bbs_snprintf(prompt, sizeof prompt, "Main menu: type 1-%d, n next unread, "
			"/ search, ? help> ", n);
		int c = line_choose(l, prompt, n, "n /", main_help, word, sizeof word);
		int areaix = c - 1;
		show = true;
		if (c < 0 || (c > 0 && kinds[c - 1] == IT_LOGOFF)) {
			l->quit = true;
		} else if (c == 0 && strcmp(word, "q") == 0) {
			/* One q too many must not end the session: asked, as on the screen. */
			if (line_yes(l, "Log off? (y/n): "))
				l->quit = true;
			show = false;
		} else if (c == 0 && strcmp(word, "n") == 0) {
			show = line_next_unread(l);
		} else if (c == 0 && strcmp(word, "/") == 0) {
			line_search(l);
		} else if (c == 0) {
			line_unknown(l);
		} else {
			switch (kinds[c - 1]) {
			case IT_AREA: area_page(l, &areas[areaix]); break;
			case IT_BOARDS: line_boards(l, -1); break;
			case IT_CHALLENGE: line_challenge(l); break;
			case IT_MESSAGES: line_messages(l); break;
			case IT_DIRECTORY: line_directory(l); break;
			case IT_NEWS: news(l); break;
			case IT_ADMIN: line_admin(l); break;
			case IT_ACCOUNT: line_account(l); break;
			case IT_WHO: show_page(l, "who-we-are"); break;
			case IT_LOGOFF: break;
			}
		}
		store_area_list_free(areas, na);
	}
}

/* ---- visitors ---- */

/* The current question for a visitor: its text and dates only (the intro, challenges and
 * counts are members' work). */
static void guest_question(struct line *l)
{
	struct store_question q = { 0 };
	int r = store_question_current(l->st, &q);
	if (r != 0) {
		fprintf(l->out, r == BBS_ERR_NOTFOUND ? "There is no question yet.\n"
			: "The question cannot be shown right now.\n");
		store_question_finish(&q);
		return;
	}
	char day[20];
	fprintf(l->out, "\nThe challenge question\n\n");
	line_print_text(l, q.text);
	if (q.opens > 0) {
		cmd_fmt_time(q.opens, day);
		fprintf(l->out, "Opens: %.10s UTC\n", day);
	}
	if (q.closes > 0) {
		cmd_fmt_time(q.closes, day);
		fprintf(l->out, "Closes: %.10s UTC\n", day);
	}
	fprintf(l->out, "\n%s. Members answer it by naming specific problems; their answers are "
		"for members.\n", store_question_is_open(&q, bbs_now()) ? "Open for answers"
		: "Not open for answers now");
	store_question_finish(&q);
}

static const char guest_help[] =
	"Choices: a number opens that page; x or 0 logs off (q asks first).\n";

/*
 * A visitor ("guest"): the public pages only, as the full-screen UI's guest menu: Welcome,
 * the focus area pages, the challenge question's text and dates, Who we are, how to apply.
 * Nothing members wrote, and no count of it, is ever read here.
 */
static void guest_menu(struct line *l)
{
	while (!line_done(l)) {
		struct store_area *areas = NULL;
		size_t na = 0;
		if (store_area_list(l->st, &areas, &na) != 0) {
			areas = NULL;
			na = 0;
		}
		if (na > 20)
			na = 20;
		int mode = STORE_REG_OPEN;
		bool apply = store_registration_get(l->st, &mode) == 0 && mode == STORE_REG_OPEN;
		int n = 0;
		fprintf(l->out, "\nMain menu (visitor)\n  %d. Welcome\n", ++n);
		for (size_t i = 0; i < na; i++)
			fprintf(l->out, "  %d. %s - %s\n", ++n, line_clean(l, areas[i].name, false),
				line_clean(l, areas[i].summary, false));
		fprintf(l->out, "  %d. The challenge question\n  %d. Who we are\n", n + 1, n + 2);
		n += 2;
		if (apply)
			fprintf(l->out, "  %d. Apply for membership\n", ++n);
		fprintf(l->out, "  %d. Log off\n", ++n);
		char word[16], prompt[64];
		(void)bbs_snprintf(prompt, sizeof prompt, "Main menu: type 1-%d, ? help> ", n);
		int c = line_choose(l, prompt, n, "", guest_help, word, sizeof word);
		int ix = c - 2; /* an area's index */
		if (c < 0 || c == n) {
			l->quit = c == n || l->quit;
		} else if (c == 0) {
			if (line_yes(l, "Log off? (y/n): "))
				l->quit = true;
		} else if (c == 1) {
			show_page(l, "welcome");
		} else if (ix >= 0 && ix < (int)na) {
			if (areas[ix].page_slug[0])
				show_page(l, areas[ix].page_slug);
			else
				fprintf(l->out, "\n== %s ==\n\n  %s\n", line_clean(l, areas[ix].name,
					false), line_clean(l, areas[ix].summary, false));
		} else if (c == (int)na + 2) {
			guest_question(l);
		} else if (c == (int)na + 3) {
			show_page(l, "who-we-are");
		} else {
			fprintf(l->out, "The application form needs a terminal: connect as guest "
				"with ssh -t, and choose Apply for membership there.\n");
		}
		store_area_list_free(areas, na);
	}
}

int line_guest(struct store *st, FILE *in, FILE *out)
{
	struct line l = { .st = st, .in = in, .out = out };
	struct sigaction sa = { .sa_handler = on_hangup };
	sigemptyset(&sa.sa_mask);
	sigaction(SIGHUP, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	signal(SIGINT, SIG_IGN);
	signal(SIGQUIT, SIG_IGN);
	idle_setup(st, out);
	fprintf(out, "The portal, plain line mode, as a visitor: the public pages. Menus are "
		"numbered: type a number and Enter; ? lists the choices, x logs off.\n");
	guest_menu(&l);
	if (idle_out)
		fprintf(out, "Logged out without activity. Goodbye.\n");
	else if (l.quit)
		fprintf(out, "Goodbye.\n");
	fflush(out);
	for (int i = 0; i < 8; i++)
		free(l.ring[i]);
	return 0;
}

int line_main(struct store *st, struct store_user *u, FILE *in, FILE *out, bool tty)
{
	struct line l = { .st = st, .u = u, .in = in, .out = out, .tty = tty };
	struct sigaction sa = { .sa_handler = on_hangup }; /* no SA_RESTART: the read returns */
	sigemptyset(&sa.sa_mask);
	sigaction(SIGHUP, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	signal(SIGINT, SIG_IGN);   /* ^C on a pty: not a way to lose a half-typed post */
	signal(SIGQUIT, SIG_IGN);
	idle_setup(st, out);
	line_apply_tz(&l);

	char *site = NULL;
	if (store_setting_get(st, "site_name", &site) != 0)
		site = NULL;
	fprintf(out, "%s, plain line mode. Welcome, %s.\n", site ? line_clean(&l, site, false)
		: "The portal", line_clean(&l, u->display_name[0] ? u->display_name : u->handle,
		false));
	free(site);
	fprintf(out, "Menus are numbered: type a number and Enter. q goes back, ? lists the "
		"choices, x logs off.\n");
	if (u->must_change_password && !line_password_forced(&l))
		l.eof = true;
	if (!line_done(&l))
		login_news(&l);
	if (!line_done(&l))
		offer_draft(&l);
	if (!line_done(&l))
		main_menu(&l);
	if (idle_out) {
		char after[48];
		wording(idle_logout_s, after, sizeof after);
		fprintf(out, "Logged out after %s without activity. Goodbye.\n", after);
	} else if (l.quit) {
		fprintf(out, "Goodbye.\n");
	}
	fflush(out);
	for (int i = 0; i < 8; i++)
		free(l.ring[i]);
	store_user_free(l.u);
	return 0;
}
