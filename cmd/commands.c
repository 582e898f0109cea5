/*
 * commands.c: the commands of the command interface, as a table (name, handler, usage).
 *
 * Output is for people reading it on a small screen and for scripts: one record per line
 * where possible, fields separated by two spaces, times as "YYYY-MM-DD HH:MM" UTC. Text from
 * the store is already clean (no control characters but newlines).
 */
#include "cmd/cmd.h"
#include "common/common.h"
#include "store/store.h"
#include "text/text.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

struct ctx {
	struct store *st;
	const struct store_user *u;
	FILE *in, *out, *err;
};

static int fail(struct ctx *x, int err, const char *what)
{
	fprintf(x->err, "bbs: %s: %s\n", what, bbs_strerror(err));
	return 1;
}

static int board_by_name(struct ctx *x, const char *name, int64_t *id)
{
	struct store_board *v = NULL;
	size_t n = 0;
	int64_t want = 0;
	bool numeric = cmd_parse_id(name, &want);
	int r = store_board_list(x->st, x->u->id, -1, &v, &n);
	if (r != 0)
		return r;
	r = BBS_ERR_NOTFOUND;
	for (size_t i = 0; i < n; i++) {
		if ((numeric && v[i].id == want) || strcmp(v[i].slug, name) == 0) {
			*id = v[i].id;
			r = 0;
			break;
		}
	}
	store_board_list_free(v, n);
	return r;
}

static int c_boards(struct ctx *x, int argc, char **argv)
{
	if (argc != 1)
		return 2;
	struct store_board *v = NULL;
	size_t n = 0;
	int r = store_board_list(x->st, x->u->id, -1, &v, &n);
	if (r != 0)
		return fail(x, r, "boards");
	for (size_t i = 0; i < n; i++)
		fprintf(x->out, "%-24s  %s  %lld discussion%s  %lld unread\n", v[i].slug, v[i].name,
			(long long)v[i].threads, v[i].threads == 1 ? "" : "s", (long long)v[i].unread);
	store_board_list_free(v, n);
	return 0;
}

/* Calls fn for each discussion with activity after since (newest first per board), at most
 * limit discussions in all. */
typedef void thread_fn(struct ctx *x, const struct store_board *b, const struct store_thread *t,
	int64_t since);
static int each_recent_thread(struct ctx *x, int64_t since, bool unread_only, int limit,
	thread_fn *fn)
{
	struct store_board *bv = NULL;
	size_t bn = 0;
	int r = store_board_list(x->st, x->u->id, -1, &bv, &bn);
	if (r != 0)
		return r;
	int shown = 0;
	for (size_t i = 0; i < bn && shown < limit; i++) {
		if (unread_only && bv[i].unread == 0)
			continue;
		for (int64_t off = 0; shown < limit; off += 50) {
			struct store_thread *tv = NULL;
			size_t tn = 0;
			if (store_thread_page(x->st, x->u->id, bv[i].id, off, 50, &tv, &tn) != 0 || tn == 0) {
				store_thread_list_free(tv, tn);
				break;
			}
			bool older = false;
			for (size_t j = 0; j < tn && shown < limit; j++) {
				if (tv[j].last_post_at <= since) {
					if (!tv[j].pinned)
						older = true;
					continue;
				}
				if (unread_only && tv[j].unread == 0)
					continue;
				fn(x, &bv[i], &tv[j], since);
				shown++;
			}
			store_thread_list_free(tv, tn);
			if (older || tn < 50)
				break;
		}
	}
	store_board_list_free(bv, bn);
	return 0;
}

static void show_unread(struct ctx *x, const struct store_board *b, const struct store_thread *t,
	int64_t since)
{
	char when[20];
	cmd_fmt_time(t->last_post_at, when);
	fprintf(x->out, "%lld  [%s] %s  (%lld unread, last %s)\n", (long long)t->id, b->slug,
		t->title, (long long)t->unread, when);
}

static int c_unread(struct ctx *x, int argc, char **argv)
{
	if (argc != 1)
		return 2;
	int64_t total = 0;
	int r = store_unread_total(x->st, x->u->id, &total);
	if (r == 0)
		r = each_recent_thread(x, 0, true, 200, show_unread);
	if (r != 0)
		return fail(x, r, "unread");
	if (total == 0)
		fprintf(x->out, "no unread posts\n");
	return 0;
}

static void show_digest(struct ctx *x, const struct store_board *b, const struct store_thread *t,
	int64_t since)
{
	fprintf(x->out, "== [%s] %s  (discussion %lld)\n\n", b->slug, t->title, (long long)t->id);
	/* Posts are in time order: only the newest ones can be after since. */
	int64_t from = t->posts > 100 ? t->posts - 99 : 1;
	struct store_post *pv = NULL;
	size_t pn = 0;
	if (store_post_range_for(x->st, x->u->id, t->id, from, 100, &pv, &pn) != 0)
		return;
	for (size_t i = 0; i < pn; i++)
		if (pv[i].created > since)
			cmd_print_post(x->out, &pv[i]);
	store_post_list_free(pv, pn);
}

/* Parses "YYYY-MM-DD" or "YYYY-MM-DDTHH:MM" (UTC). */
static bool parse_date(const char *s, int64_t *t)
{
	struct tm tm = { 0 };
	const char *end = strptime(s, "%Y-%m-%d", &tm);
	if (end && *end == 'T')
		end = strptime(end + 1, "%H:%M", &tm);
	if (!end || *end)
		return false;
	int mday = tm.tm_mday, mon = tm.tm_mon;
	*t = (int64_t)timegm(&tm);
	/* timegm moves an impossible day on (2025-02-30 -> 2025-03-02): refuse it instead. */
	return *t > 0 && tm.tm_mday == mday && tm.tm_mon == mon;
}

static int c_digest(struct ctx *x, int argc, char **argv)
{
	char key[64];
	char *last = NULL;
	int64_t since = 0, now = bbs_now();
	if (bbs_snprintf(key, sizeof key, "digest.last.%lld", (long long)x->u->id) != 0)
		return 1;
	if (argc == 3 && strcmp(argv[1], "--since") == 0 && strcmp(argv[2], "last") != 0) {
		if (!parse_date(argv[2], &since)) {
			fprintf(x->err, "bbs: --since wants YYYY-MM-DD, YYYY-MM-DDTHH:MM (UTC) or last\n");
			return 2;
		}
	} else if (argc == 1 || (argc == 3 && strcmp(argv[1], "--since") == 0)) {
		/* Since the previous digest; the first one covers a week. */
		since = now - 7 * 86400;
		if (store_setting_get(x->st, key, &last) == 0) {
			int64_t t;
			if (cmd_parse_id(last, &t))
				since = t;
			free(last);
		}
	} else {
		return 2;
	}
	char when[20];
	cmd_fmt_time(since, when);
	fprintf(x->out, "digest since %s UTC\n\n", when);
	int r = each_recent_thread(x, since, false, 500, show_digest);
	if (r != 0)
		return fail(x, r, "digest");
	char stamp[24];
	if (bbs_snprintf(stamp, sizeof stamp, "%lld", (long long)now) == 0 &&
	    store_setting_set(x->st, key, stamp) != 0)
		fprintf(x->err, "bbs: could not record the time of this digest\n");
	return 0;
}

static int c_read(struct ctx *x, int argc, char **argv)
{
	int64_t id;
	if (argc != 2 || !cmd_parse_id(argv[1], &id))
		return 2;
	struct store_thread t = { 0 };
	int r = store_thread_get(x->st, x->u->id, id, &t);
	if (r != 0)
		return fail(x, r, "read");
	fprintf(x->out, "%s  (discussion %lld, %lld posts%s)\n\n", t.title, (long long)t.id,
		(long long)t.posts, t.locked ? ", locked" : "");
	int64_t last = 0;
	for (int64_t from = 1; r == 0;) {
		struct store_post *pv = NULL;
		size_t pn = 0;
		r = store_post_range_for(x->st, x->u->id, id, from, 200, &pv, &pn);
		for (size_t i = 0; r == 0 && i < pn; i++) {
			cmd_print_post(x->out, &pv[i]);
			last = pv[i].seq;
		}
		store_post_list_free(pv, pn);
		if (pn < 200)
			break;
		from = last + 1;
	}
	if (r == 0 && last > 0)
		r = store_thread_mark_read(x->st, x->u->id, id, last);
	store_thread_finish(&t);
	return r == 0 ? 0 : fail(x, r, "read");
}

/* Options after the fixed arguments: --title T, --quote N, --id TOKEN. */
struct post_opts {
	const char *title;
	int64_t quote;
	const char *token;
};

static bool parse_opts(int argc, char **argv, int first, struct post_opts *o, bool title_ok,
	bool quote_ok)
{
	for (int i = first; i < argc; i += 2) {
		if (i + 1 >= argc)
			return false;
		if (title_ok && strcmp(argv[i], "--title") == 0)
			o->title = argv[i + 1];
		else if (quote_ok && strcmp(argv[i], "--quote") == 0) {
			if (!cmd_parse_id(argv[i + 1], &o->quote))
				return false;
		} else if (strcmp(argv[i], "--id") == 0 && cmd_token_valid(argv[i + 1]))
			o->token = argv[i + 1];
		else
			return false;
	}
	return true;
}

static int post_error(struct ctx *x, int r)
{
	if (r == BBS_ERR_TOOBIG)
		fprintf(x->err, "bbs: too long; nothing was posted\n");
	else if (r == BBS_ERR_INVALID)
		fprintf(x->err, "bbs: the title and the text must not be empty; nothing was posted\n");
	else if (r == BBS_ERR_DENIED)
		fprintf(x->err, "bbs: this discussion is locked; nothing was posted\n");
	else if (r == BBS_ERR_NOTFOUND)
		fprintf(x->err, "bbs: no such discussion or post\n");
	else
		fprintf(x->err, "bbs: could not post (%s); nothing was posted, please try again\n",
			bbs_strerror(r));
	return 1;
}

static int c_post(struct ctx *x, int argc, char **argv)
{
	struct post_opts o = { 0 };
	int64_t board, tid = 0, pid = 0;
	if (argc < 2 || !parse_opts(argc, argv, 2, &o, true, false) || !o.title)
		return 2;
	int r = board_by_name(x, argv[1], &board);
	if (r == BBS_ERR_NOTFOUND) {
		fprintf(x->err, "bbs: no board '%s' (see: boards)\n", argv[1]);
		return 1;
	} else if (r != 0) {
		return fail(x, r, "post");
	}
	char *body = cmd_read_body(x->in, x->err, STORE_POST_MAX, "posted");
	if (!body)
		return 1;
	r = store_thread_create(x->st, board, x->u->id, o.title, body, o.token, &tid, &pid);
	free(body);
	if (r != 0)
		return post_error(x, r);
	fprintf(x->out, "posted: discussion %lld, post %lld\n", (long long)tid, (long long)pid);
	return 0;
}

static int c_reply(struct ctx *x, int argc, char **argv)
{
	struct post_opts o = { 0 };
	int64_t tid, pid = 0;
	if (argc < 2 || !cmd_parse_id(argv[1], &tid) || !parse_opts(argc, argv, 2, &o, false, true))
		return 2;
	char *body = cmd_read_body(x->in, x->err, STORE_POST_MAX, "posted");
	if (!body)
		return 1;
	int r = store_post_reply(x->st, tid, x->u->id, body, o.quote, o.token, &pid);
	free(body);
	if (r != 0)
		return post_error(x, r);
	fprintf(x->out, "posted: post %lld in discussion %lld\n", (long long)pid, (long long)tid);
	return 0;
}

static int c_search(struct ctx *x, int argc, char **argv)
{
	if (argc < 2)
		return 2;
	char q[STORE_QUERY_MAX + 1] = "";
	size_t len = 0;
	for (int i = 1; i < argc; i++) {
		size_t n = strlen(argv[i]);
		if (len + n + 1 > STORE_QUERY_MAX) {
			fprintf(x->err, "bbs: the search is too long (at most %d bytes)\n", STORE_QUERY_MAX);
			return 1;
		}
		if (len)
			q[len++] = ' ';
		memcpy(q + len, argv[i], n);
		len += n;
		q[len] = '\0';
	}
	struct store_hit *v = NULL;
	size_t n = 0;
	int r = store_search(x->st, x->u->id, q, 20, &v, &n);
	if (r == BBS_ERR_INVALID) {
		fprintf(x->err, "bbs: give some words to search for\n");
		return 1;
	} else if (r != 0) {
		return fail(x, r, "search");
	}
	if (n == 0)
		fprintf(x->out, "no posts match %s\n", q);
	for (size_t i = 0; i < n; i++) {
		char when[20];
		cmd_fmt_time(v[i].created, when);
		fprintf(x->out, "%lld#%lld  %s  %s  %s\n  %s\n", (long long)v[i].thread_id,
			(long long)v[i].seq, v[i].thread_title, v[i].author_handle, when, v[i].snippet);
	}
	store_hit_list_free(v, n);
	return 0;
}

/* ---- private messages ---- */

/* messages [--sent]: one line per message, newest first: id, date, from (or to), subject, and
 * "*" in front of the id for an unread one. */
static int c_messages(struct ctx *x, int argc, char **argv)
{
	bool sent = false;
	if (argc == 2 && strcmp(argv[1], "--sent") == 0)
		sent = true;
	else if (argc != 1)
		return 2;
	int64_t unread = 0;
	int r = store_message_unread(x->st, x->u->id, &unread);
	if (r != 0)
		return fail(x, r, "messages");
	int shown = 0;
	for (int64_t off = 0;; off += 200) {
		struct store_message *v = NULL;
		size_t n = 0;
		r = store_message_list(x->st, x->u->id, sent ? STORE_SENT : STORE_INBOX, off, 200, &v,
			&n);
		if (r != 0)
			return fail(x, r, "messages");
		for (size_t i = 0; i < n; i++) {
			char when[20];
			cmd_fmt_time(v[i].created, when);
			fprintf(x->out, "%s%lld  %s  %s", !sent && v[i].read_at == 0 ? "*" : " ",
				(long long)v[i].id, when, sent ? "to " : "");
			if (sent)
				cmd_print_party(x->out, v[i].recipient_name, v[i].recipient_handle);
			else
				cmd_print_party(x->out, v[i].sender_name, v[i].sender_handle);
			fprintf(x->out, "  %s\n", v[i].subject);
			shown++;
		}
		store_message_list_free(v, n);
		if (n < 200 || shown >= 2000)
			break;
	}
	if (shown == 0)
		fprintf(x->out, sent ? "no messages sent\n" : "no messages\n");
	else if (!sent)
		fprintf(x->out, "%lld unread\n", (long long)unread);
	return 0;
}

static int msg_read(struct ctx *x, int argc, char **argv)
{
	int64_t id;
	if (argc != 3 || !cmd_parse_id(argv[2], &id))
		return 2;
	struct store_message m = { 0 };
	/* The store shows a message only to its sender and recipient: anyone else gets the same
	 * answer as for a message that does not exist. */
	int r = store_message_get(x->st, x->u->id, id, &m);
	if (r == BBS_ERR_NOTFOUND) {
		store_message_finish(&m);
		fprintf(x->err, "bbs: no message %lld\n", (long long)id);
		return 1;
	} else if (r != 0) {
		store_message_finish(&m);
		return fail(x, r, "message read");
	}
	char when[20];
	cmd_fmt_time(m.created, when);
	fprintf(x->out, "Message %lld\nFrom: ", (long long)m.id);
	cmd_print_party(x->out, m.sender_name, m.sender_handle);
	fprintf(x->out, "\nTo: ");
	cmd_print_party(x->out, m.recipient_name, m.recipient_handle);
	fprintf(x->out, "\nDate: %s UTC\nSubject: %s\n", when, m.subject);
	if (m.reply_to > 0)
		fprintf(x->out, "In reply to: %lld\n", (long long)m.reply_to);
	fputc('\n', x->out);
	cmd_print_indented(x->out, m.body);
	store_message_finish(&m);
	return 0;
}

static int msg_send(struct ctx *x, int argc, char **argv)
{
	const char *subject = NULL, *token = NULL;
	int64_t reply_to = 0;
	if (argc < 3)
		return 2;
	const char *handle = argv[2];
	for (int i = 3; i < argc; i += 2) {
		if (i + 1 >= argc)
			return 2;
		if (strcmp(argv[i], "--subject") == 0)
			subject = argv[i + 1];
		else if (strcmp(argv[i], "--reply-to") == 0) {
			if (!cmd_parse_id(argv[i + 1], &reply_to))
				return 2;
		} else if (strcmp(argv[i], "--id") == 0 && cmd_token_valid(argv[i + 1]))
			token = argv[i + 1];
		else
			return 2;
	}
	if (!subject)
		return 2;
	struct store_user *to = NULL;
	bool known = bbs_handle_valid(handle) && store_user_get(x->st, handle, &to) == 0 &&
		to->status == STORE_STATUS_ACTIVE;
	store_user_free(to);
	if (!known) {
		/* handle may hold anything the member typed: never echo it. */
		fprintf(x->err, "bbs: no member with that handle; nothing was sent\n");
		return 1;
	}
	if (strlen(subject) > STORE_TITLE_MAX) {
		fprintf(x->err, "bbs: the subject is too long (at most %d bytes); nothing was sent\n",
			STORE_TITLE_MAX);
		return 1;
	}
	char *body = cmd_read_body(x->in, x->err, STORE_MESSAGE_MAX, "sent");
	if (!body)
		return 1;
	int64_t id = 0;
	int r = store_message_send(x->st, x->u->id, handle, subject, body, reply_to, token, &id);
	free(body);
	switch (r) {
	case 0:
		fprintf(x->out, "sent: message %lld to %s\n", (long long)id, handle);
		return 0;
	case BBS_ERR_DENIED:
		fprintf(x->err, "bbs: %s does not accept messages from you; nothing was sent\n", handle);
		return 1;
	case BBS_ERR_NOTFOUND:
		fprintf(x->err, "bbs: no member with that handle; nothing was sent\n");
		return 1;
	case BBS_ERR_INVALID:
		fprintf(x->err, "bbs: a message needs a subject and text, goes to someone else, and "
			"--reply-to must be a message of yours; nothing was sent\n");
		return 1;
	case BBS_ERR_TOOBIG:
		fprintf(x->err, "bbs: too long; nothing was sent\n");
		return 1;
	case BBS_ERR_EXISTS:
		fprintf(x->err, "bbs: that --id was used for another message; nothing was sent\n");
		return 1;
	default:
		fprintf(x->err, "bbs: could not send (%s); nothing was sent, please try again\n",
			bbs_strerror(r));
		return 1;
	}
}

#define MESSAGE_USAGE "message read ID | message send HANDLE --subject S [--reply-to ID] " \
	"[--id TOKEN] < text"

static int c_message(struct ctx *x, int argc, char **argv)
{
	if (argc >= 2 && strcmp(argv[1], "read") == 0)
		return msg_read(x, argc, argv);
	if (argc >= 2 && strcmp(argv[1], "send") == 0)
		return msg_send(x, argc, argv);
	return 2;
}

/* block HANDLE / unblock HANDLE: as the UI's b. */
static int block_set(struct ctx *x, int argc, char **argv, bool on)
{
	if (argc != 2)
		return 2;
	int r = store_block_set(x->st, x->u->id, argv[1], on);
	if (r == BBS_ERR_NOTFOUND || r == BBS_ERR_INVALID) {
		fprintf(x->err, "bbs: %s\n", r == BBS_ERR_INVALID ? "you cannot block yourself"
			: "no member with that handle");
		return 1;
	} else if (r != 0) {
		return fail(x, r, on ? "block" : "unblock");
	}
	/* argv[1] is a valid handle here (the store found the member): clean text. */
	fprintf(x->out, on ? "%s is blocked: their messages are refused\n"
			   : "%s is no longer blocked\n", argv[1]);
	return 0;
}

static int c_block(struct ctx *x, int argc, char **argv)
{
	return block_set(x, argc, argv, true);
}

static int c_unblock(struct ctx *x, int argc, char **argv)
{
	return block_set(x, argc, argv, false);
}

static int c_blocked(struct ctx *x, int argc, char **argv)
{
	if (argc != 1)
		return 2;
	struct store_user **v = NULL;
	size_t n = 0;
	int r = store_block_list(x->st, x->u->id, &v, &n);
	if (r != 0)
		return fail(x, r, "blocked");
	for (size_t i = 0; i < n; i++) {
		fprintf(x->out, "%s", v[i]->handle);
		if (v[i]->display_name && v[i]->display_name[0])
			fprintf(x->out, "  %s", v[i]->display_name);
		fputc('\n', x->out);
	}
	if (n == 0)
		fprintf(x->out, "you block nobody\n");
	store_user_list_free(v, n);
	return 0;
}

/* Data rights: everything the portal holds about the member, as JSON (strings escaped by the
 * store, so no control byte reaches the output). */
static int c_export(struct ctx *x, int argc, char **argv)
{
	(void)argv;
	if (argc != 1)
		return 2;
	char *json = NULL;
	int r = store_user_export(x->st, x->u->id, &json);
	if (r != 0)
		return fail(x, r, "export");
	fputs(json, x->out);
	fputc('\n', x->out);
	free(json);
	return 0;
}

static int c_challenge(struct ctx *x, int argc, char **argv)
{
	return cmd_challenge(x->st, x->u, argc, argv, x->in, x->out, x->err);
}

static int c_help(struct ctx *x, int argc, char **argv);

static const struct command {
	const char *name;
	int (*run)(struct ctx *, int, char **);
	const char *usage;
	const char *what;
} commands[] = {
	{ "help", c_help, "help", "this list" },
	{ "boards", c_boards, "boards", "the boards, with counts of discussions and unread ones" },
	{ "unread", c_unread, "unread", "discussions with posts you have not read" },
	{ "digest", c_digest, "digest [--since YYYY-MM-DD[THH:MM]|last]",
		"everything new, in one text (default: since your previous digest)" },
	{ "read", c_read, "read DISCUSSION", "a whole discussion (marks it read)" },
	{ "post", c_post, "post BOARD --title TITLE [--id TOKEN] < text",
		"start a discussion; --id makes a retry after a dropped link safe" },
	{ "reply", c_reply, "reply DISCUSSION [--quote POST] [--id TOKEN] < text", "reply" },
	{ "search", c_search, "search WORDS...", "search all posts" },
	{ "messages", c_messages, "messages [--sent]",
		"your private messages, newest first (* = unread)" },
	{ "message", c_message, MESSAGE_USAGE,
		"read one message (marks it read); send one (--id makes a retry safe)" },
	{ "block", c_block, "block HANDLE", "refuse messages from a member" },
	{ "unblock", c_unblock, "unblock HANDLE", "accept their messages again" },
	{ "blocked", c_blocked, "blocked", "the members you block" },
	{ "export", c_export, "export", "everything the portal holds about you, as JSON" },
	{ "challenge", c_challenge, CMD_CHALLENGE_USAGE,
		"the challenge question; list, show, submit (--id: retry safe), endorse" },
};

static int c_help(struct ctx *x, int argc, char **argv)
{
	fprintf(x->out, "Commands (ssh ... COMMAND):\n");
	for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++) {
		/* Alternatives ("a | b") one per line, the description on the first. */
		const char *u = commands[i].usage;
		for (bool first = true;; first = false) {
			const char *bar = strstr(u, " | ");
			int len = bar ? (int)(bar - u) : (int)strlen(u);
			if (first)
				fprintf(x->out, "  %-52.*s %s\n", len, u, commands[i].what);
			else
				fprintf(x->out, "  %.*s\n", len, u);
			if (!bar)
				break;
			u = bar + 3;
		}
	}
	return 0;
}

int cmd_run(struct store *st, const struct store_user *u, int n, char **words, FILE *in,
	FILE *out, FILE *err)
{
	struct ctx x = { .st = st, .u = u, .in = in, .out = out, .err = err };
	if (n < 1) {
		c_help(&x, n, words);
		return 2;
	}
	for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++) {
		if (strcmp(words[0], commands[i].name) != 0)
			continue;
		int r = commands[i].run(&x, n, words);
		if (r == 2)
			fprintf(err, "usage: %s\n", commands[i].usage);
		return r;
	}
	char *name = text_sanitize(words[0], strlen(words[0]), 0);
	fprintf(err, "bbs: unknown command '%s' (try: help)\n", name);
	free(name);
	return 2;
}
