/*
 * line-boards.c: the discussion boards in the plain line mode: boards with unread counts,
 * numbered discussions a page at a time, reading a discussion page by page (marked read as
 * it is shown), replying (with an optional quote, as the UI quotes), starting a discussion,
 * the next unread discussion, search, editing or deleting one's own post, reporting a post,
 * and marking a board (or everything) read.
 *
 * Same permissions as the UI: the store decides (locked discussions, archived boards,
 * silenced members, hidden posts blanked for members).
 * Must never: print store text that is not clean (line_clean), or store a body the member did
 * not end with "." (the end of input makes it a draft instead).
 */
#include "cmd/cmd.h"
#include "common/common.h"
#include "store/store.h"

#include <stdlib.h>
#include <string.h>

#define THREADS_PAGE 20
#define POSTS_PAGE 10

static void post_error(struct line *l, int r, const char *what)
{
	if (r == BBS_ERR_TOOBIG)
		fprintf(l->out, "Too long: nothing was %s.\n", what);
	else if (r == BBS_ERR_INVALID)
		fprintf(l->out, "The title and the text must not be empty: nothing was %s.\n", what);
	else if (r == BBS_ERR_DENIED)
		fprintf(l->out, "Not allowed here (the discussion is locked, the board archived, or "
			"you may not post at the moment): nothing was %s.\n", what);
	else if (r == BBS_ERR_NOTFOUND)
		fprintf(l->out, "That discussion or post no longer exists: nothing was %s.\n", what);
	else
		fprintf(l->out, "Could not do it (%s): nothing was %s, please try again.\n",
			bbs_strerror(r), what);
}

int line_reply(struct line *l, int64_t thread_id, int64_t quote_id, const char *draft_body)
{
	char context[64];
	char *quote = NULL, *body = NULL;
	if (quote_id > 0)
		(void)bbs_snprintf(context, sizeof context, "reply:%lld:%lld", (long long)thread_id,
			(long long)quote_id);
	else
		(void)bbs_snprintf(context, sizeof context, "reply:%lld", (long long)thread_id);
	if (!draft_body && quote_id > 0) {
		struct store_post p = { 0 };
		if (store_post_get(l->st, quote_id, &p) == 0 && p.thread_id == thread_id &&
		    !p.deleted && !p.hidden)
			quote = line_quote(p.author_handle, p.body);
		else
			quote_id = 0;
		store_post_finish(&p);
	}
	struct line_body b = { .what = "your reply", .max = STORE_POST_MAX, .context = context,
		.title = "", .initial = draft_body ? draft_body : quote };
	int r = line_body(l, &b, &body);
	free(quote);
	if (r != 0)
		return r;
	int64_t pid = 0;
	int e = store_post_reply(l->st, thread_id, l->u->id, body, quote_id, NULL, &pid);
	free(body);
	if (e != 0) {
		post_error(l, e, "posted");
		return 1;
	}
	(void)store_draft_delete(l->st, l->u->id, context);
	fprintf(l->out, "Your reply is posted (post %lld).\n", (long long)pid);
	return 0;
}

int line_new_thread(struct line *l, int64_t board_id, const char *title, const char *draft_body)
{
	char context[64], t[CMD_LINE_MAX + 1];
	char *body = NULL;
	(void)bbs_snprintf(context, sizeof context, "new:%lld", (long long)board_id);
	if (title && title[0]) {
		bbs_strlcpy(t, title, sizeof t);
	} else {
		fprintf(l->out, "A new discussion: first its title (one line, at most %d bytes), then "
			"its text.\n", STORE_TITLE_MAX);
		for (;;) {
			if (!line_read(l, "Title (empty line: cancel): ", t, sizeof t))
				return -1;
			if (!t[0]) {
				fprintf(l->out, "Cancelled: nothing was posted.\n");
				return 1;
			}
			if (strlen(t) <= STORE_TITLE_MAX)
				break;
			fprintf(l->out, "That title is too long (at most %d bytes).\n", STORE_TITLE_MAX);
		}
	}
	struct line_body b = { .what = "the text of the discussion's first post",
		.max = STORE_POST_MAX, .context = context, .title = t, .initial = draft_body };
	int r = line_body(l, &b, &body);
	if (r != 0)
		return r;
	int64_t tid = 0, pid = 0;
	int e = store_thread_create(l->st, board_id, l->u->id, t, body, NULL, &tid, &pid);
	free(body);
	if (e != 0) {
		post_error(l, e, "posted");
		return 1;
	}
	(void)store_draft_delete(l->st, l->u->id, context);
	fprintf(l->out, "Your discussion is posted (discussion %lld).\n", (long long)tid);
	return 0;
}

/* Asks for a post number (#N) of the discussion; returns its post, or NULL. */
static struct store_post *ask_post(struct line *l, int64_t thread_id, const char *prompt)
{
	char buf[32];
	int64_t seq;
	if (!line_read(l, prompt, buf, sizeof buf) || !buf[0])
		return NULL;
	if (!cmd_parse_id(buf[0] == '#' ? buf + 1 : buf, &seq)) {
		fprintf(l->out, "That is not a post number.\n");
		return NULL;
	}
	struct store_post *v = NULL;
	size_t n = 0;
	if (store_post_range_for(l->st, l->u->id, thread_id, seq, 1, &v, &n) != 0 || n == 0 ||
	    v[0].seq != seq) {
		store_post_list_free(v, n);
		fprintf(l->out, "There is no post #%lld in this discussion.\n", (long long)seq);
		return NULL;
	}
	return v; /* one element: free with store_post_list_free(v, 1) */
}

/* One post as the command interface prints it (cmd_print_post), with times in the member's
 * time zone and every field cleaned. */
static void print_post(struct line *l, const struct store_post *p)
{
	char when[LINE_TIME_LEN];
	line_time(l, p->created, when);
	fprintf(l->out, "#%lld  ", (long long)p->seq);
	cmd_print_party(l->out, line_clean(l, p->author_name, false),
		line_clean(l, p->author_handle, false));
	if (p->author_org[0])
		fprintf(l->out, ", %s", line_clean(l, p->author_org, false));
	fprintf(l->out, "  %s%s  [post %lld]\n", when, p->edited ? "  (edited)" : "",
		(long long)p->id);
	if (p->deleted) {
		fprintf(l->out, "  [removed by its author]\n");
	} else if (p->hidden) {
		/* The body is "" unless the reader is a moderator (store_post_range_for). */
		line_time(l, p->hidden_at, when);
		fprintf(l->out, "  [Hidden by a moderator on %s: %s]\n", when,
			line_clean(l, p->hidden_reason, false));
		if (p->body && p->body[0])
			line_print_text(l, p->body);
	} else {
		line_print_text(l, p->body);
	}
	fputc('\n', l->out);
}

/* Moderators: hide (with a reason) or unhide a post of the discussion. The store checks the
 * role and records it. */
static void moderate_post(struct line *l, int64_t thread_id, bool hide)
{
	struct store_post *p = ask_post(l, thread_id, hide ? "Hide which post? Its number (#N): "
		: "Unhide which post? Its number (#N): ");
	if (!p)
		return;
	char reason[CMD_LINE_MAX + 1];
	int r;
	if (hide) {
		if (!line_read(l, "Reason, shown to members (one line; empty: cancel): ", reason,
			sizeof reason) || !reason[0]) {
			store_post_list_free(p, 1);
			return;
		}
		r = store_post_hide(l->st, l->u->id, p->id, reason);
	} else {
		r = store_post_unhide(l->st, l->u->id, p->id);
	}
	store_post_list_free(p, 1);
	if (r == 0)
		fprintf(l->out, hide ? "Hidden; the moderation record shows it.\n" : "Shown again.\n");
	else if (r == BBS_ERR_INVALID || r == BBS_ERR_TOOBIG)
		fprintf(l->out, "Not changed: the reason is empty or too long.\n");
	else
		fprintf(l->out, "Not changed (%s).\n", bbs_strerror(r));
}

/* Moderators: lock or unlock (lock), pin or unpin (!lock) the discussion, whichever it is not. */
static void moderate_thread(struct line *l, int64_t thread_id, bool lock)
{
	struct store_thread t = { 0 };
	int r = store_thread_get(l->st, l->u->id, thread_id, &t);
	bool on = lock ? !t.locked : !t.pinned;
	store_thread_finish(&t);
	if (r != 0) {
		fprintf(l->out, "That discussion cannot be changed now.\n");
		return;
	}
	char reason[CMD_LINE_MAX + 1] = "";
	if (lock && on && !line_read(l, "Reason for locking (one line; may be empty): ", reason,
		sizeof reason))
		return;
	r = lock ? store_mod_thread_lock(l->st, l->u->id, thread_id, on, reason[0] ? reason : NULL)
		: store_mod_thread_pin(l->st, l->u->id, thread_id, on);
	if (r != 0)
		fprintf(l->out, "Not changed (%s).\n", bbs_strerror(r));
	else if (lock)
		fprintf(l->out, on ? "Locked: no new replies.\n" : "Unlocked.\n");
	else
		fprintf(l->out, on ? "Pinned to the top of its board.\n" : "Unpinned.\n");
}

static const char thread_help[] =
	"Discussion choices:\n"
	"  m           the next page of posts\n"
	"  b           back to the first page\n"
	"  r           reply\n"
	"  t           reply quoting a post (you give its #number)\n"
	"  e           edit one of your posts      d  delete one of your posts\n"
	"  !           report a post to the moderators\n"
	"  moderators: h hide a post, u unhide a post, l lock or unlock, p pin or unpin\n"
	"  q           back                        x  log off\n";

void line_thread(struct line *l, int64_t thread_id, int64_t from_seq)
{
	struct store_thread t = { 0 };
	int r = store_thread_get(l->st, l->u->id, thread_id, &t);
	if (r != 0) {
		fprintf(l->out, "That discussion cannot be opened.\n");
		store_thread_finish(&t);
		return;
	}
	if (from_seq <= 0)
		from_seq = t.first_unread > 0 ? t.first_unread : 1;
	fprintf(l->out, "\nDiscussion: %s (%lld post%s%s)\n\n", line_clean(l, t.title, false),
		(long long)t.posts, t.posts == 1 ? "" : "s", t.locked ? ", locked: no new replies" : "");
	bool show = true;
	while (!line_done(l)) {
		if (show) {
			struct store_post *v = NULL;
			size_t n = 0;
			if (store_post_range_for(l->st, l->u->id, thread_id, from_seq, POSTS_PAGE, &v,
				&n) != 0) {
				fprintf(l->out, "The posts cannot be read right now.\n");
				break;
			}
			for (size_t i = 0; i < n; i++)
				print_post(l, &v[i]);
			if (n > 0) {
				(void)store_thread_mark_read(l->st, l->u->id, thread_id, v[n - 1].seq);
				from_seq = v[n - 1].seq + 1;
			}
			if (n < POSTS_PAGE)
				fprintf(l->out, "(End of the discussion.)\n");
			store_post_list_free(v, n);
			show = false;
		}
		char word[CMD_LINE_MAX + 1] = "";
		bool mod = l->u->role >= STORE_ROLE_MODERATOR;
		int c = line_choose(l, "Discussion: m more, r reply, t quote, q back, ? help> ", 0,
			mod ? "m b r t e d ! h u l p" : "m b r t e d !", thread_help, word, sizeof word);
		if (c < 0 || strcmp(word, "q") == 0)
			break;
		if (strcmp(word, "m") == 0) {
			show = true;
		} else if (strcmp(word, "b") == 0) {
			from_seq = 1;
			show = true;
		} else if (strcmp(word, "r") == 0) {
			(void)line_reply(l, thread_id, 0, NULL);
		} else if (strcmp(word, "t") == 0) {
			struct store_post *p = ask_post(l, thread_id, "Quote which post? Its number "
				"(#N, empty: none): ");
			if (p)
				(void)line_reply(l, thread_id, p->id, NULL);
			store_post_list_free(p, p ? 1 : 0);
		} else if (strcmp(word, "!") == 0) {
			struct store_post *p = ask_post(l, thread_id, "Report which post? Its number "
				"(#N): ");
			if (p)
				line_report(l, STORE_REPORT_POST, p->id);
			store_post_list_free(p, p ? 1 : 0);
		} else if (mod && (strcmp(word, "h") == 0 || strcmp(word, "u") == 0)) {
			moderate_post(l, thread_id, word[0] == 'h');
		} else if (mod && (strcmp(word, "l") == 0 || strcmp(word, "p") == 0)) {
			moderate_thread(l, thread_id, word[0] == 'l');
		} else if (strcmp(word, "e") == 0 || strcmp(word, "d") == 0) {
			bool del = word[0] == 'd';
			struct store_post *p = ask_post(l, thread_id, del ? "Delete which of your posts? "
				"Its number (#N): " : "Edit which of your posts? Its number (#N): ");
			if (p && p->author_id != l->u->id) {
				fprintf(l->out, "That post is not yours.\n");
			} else if (p && del) {
				if (line_yes(l, "Delete it? It will show as removed by its author. (y/n): ")) {
					int e = store_post_delete(l->st, p->id, l->u->id);
					fprintf(l->out, e == 0 ? "Deleted.\n" : "Could not delete it.\n");
				}
			} else if (p) {
				char context[64], *body = NULL;
				(void)bbs_snprintf(context, sizeof context, "edit:%lld", (long long)p->id);
				fprintf(l->out, "Its text now:\n");
				line_print_text(l, p->body);
				struct line_body b = { .what = "the new text (it replaces the old one)",
					.max = STORE_POST_MAX, .context = context, .title = "" };
				if (line_body(l, &b, &body) == 0) {
					int e = store_post_edit(l->st, p->id, l->u->id, body);
					if (e == 0) {
						(void)store_draft_delete(l->st, l->u->id, context);
						fprintf(l->out, "Your post is changed.\n");
					} else {
						post_error(l, e, "changed");
					}
					free(body);
				}
			}
			store_post_list_free(p, p ? 1 : 0);
		} else {
			line_unknown(l);
		}
	}
	store_thread_finish(&t);
}

bool line_next_unread(struct line *l)
{
	int64_t tid = 0, seq = 0;
	int r = store_next_unread(l->st, l->u->id, &tid, &seq);
	if (r == BBS_ERR_NOTFOUND) {
		fprintf(l->out, "Everything is read: no unread discussions.\n");
		return false;
	} else if (r != 0) {
		fprintf(l->out, "The unread discussions cannot be found right now.\n");
		return false;
	}
	line_thread(l, tid, seq);
	return true;
}

void line_search(struct line *l)
{
	char q[CMD_LINE_MAX + 1];
	static const char help[] = "Search results: a number opens that discussion at the post "
		"found; q back; x log off.\n";
	if (!line_read(l, "Search the discussions for (words; empty: cancel): ", q, sizeof q) ||
	    !q[0])
		return;
	struct store_hit *v = NULL;
	size_t n = 0;
	int r = store_search(l->st, l->u->id, q, 20, &v, &n);
	if (r == BBS_ERR_TOOBIG) {
		fprintf(l->out, "The search is too long (at most %d bytes).\n", STORE_QUERY_MAX);
		return;
	} else if (r == BBS_ERR_INVALID) {
		fprintf(l->out, "Give some words to search for.\n");
		return;
	} else if (r != 0) {
		fprintf(l->out, "Search is not available right now.\n");
		return;
	}
	while (!line_done(l)) {
		fprintf(l->out, "\n%zu post%s found:\n", n, n == 1 ? "" : "s");
		for (size_t i = 0; i < n; i++) {
			char when[LINE_TIME_LEN];
			line_time(l, v[i].created, when);
			fprintf(l->out, "  %zu. %s, #%lld by %s, %s\n     %s\n", i + 1,
				line_clean(l, v[i].thread_title, false), (long long)v[i].seq,
				line_clean(l, v[i].author_handle, false), when,
				line_clean(l, v[i].snippet, false));
		}
		char word[16];
		int c = line_choose(l, "Search: type a number to open, q to go back> ", (int)n, "", help,
			word, sizeof word);
		if (c < 0 || (c == 0 && strcmp(word, "q") == 0))
			break;
		if (c > 0)
			line_thread(l, v[c - 1].thread_id, v[c - 1].seq);
		else
			line_unknown(l);
	}
	store_hit_list_free(v, n);
}

static const char board_help[] =
	"Board choices:\n"
	"  a number  open that discussion (at its first unread post)\n"
	"  m         more (the next page)    p  the previous page\n"
	"  w         write a new discussion\n"
	"  a         mark the whole board read\n"
	"  n         the next unread discussion anywhere\n"
	"  q         back                    x  log off\n";

/* A board's page of discussions, numbered from 1. */
static void print_threads(struct line *l, const struct store_board *b,
	const struct store_thread *v, size_t n, int64_t off)
{
	fprintf(l->out, "\nBoard: %s (discussions %lld-%lld)\n", line_clean(l, b->name, false),
		(long long)(n ? off + 1 : 0), (long long)(off + (int64_t)n));
	if (n == 0)
		fprintf(l->out, "  No discussions%s. Type w to start one.\n", off ? " here" : " yet");
	for (size_t i = 0; i < n; i++) {
		char when[LINE_TIME_LEN];
		line_time(l, v[i].last_post_at, when);
		fprintf(l->out, "  %zu. %s%s%s - %s, %lld post%s", i + 1,
			v[i].pinned ? "(pinned) " : "", v[i].locked ? "(locked) " : "",
			line_clean(l, v[i].title, false), line_clean(l, v[i].author_handle, false),
			(long long)v[i].posts, v[i].posts == 1 ? "" : "s");
		if (v[i].unread > 0)
			fprintf(l->out, ", %lld unread", (long long)v[i].unread);
		fprintf(l->out, ", last %s\n", when);
	}
}

static void board(struct line *l, const struct store_board *b)
{
	int64_t off = 0;
	bool show = true;  /* false: only a message was printed, the list stands */
	while (!line_done(l)) {
		struct store_thread *v = NULL;
		size_t n = 0;
		if (store_thread_page(l->st, l->u->id, b->id, off, THREADS_PAGE, &v, &n) != 0) {
			fprintf(l->out, "The discussions cannot be read right now.\n");
			return;
		}
		if (show)
			print_threads(l, b, v, n, off);
		show = true;
		char word[16];
		int c = line_choose(l, "Board: type a number to read, w write, m more, q back, ? "
			"help> ", (int)n, "m p w n a", board_help, word, sizeof word);
		int64_t open = c > 0 ? v[c - 1].id : 0;
		store_thread_list_free(v, n);
		if (c < 0 || (c == 0 && strcmp(word, "q") == 0))
			return;
		if (open)
			line_thread(l, open, 0);
		else if (strcmp(word, "m") == 0) {
			if (n == THREADS_PAGE) {
				off += THREADS_PAGE;
			} else {
				fprintf(l->out, "There are no more discussions.\n");
				show = false;
			}
		} else if (strcmp(word, "p") == 0) {
			show = off > 0;
			if (!show)
				fprintf(l->out, "This is the first page.\n");
			off = off > THREADS_PAGE ? off - THREADS_PAGE : 0;
		}
		else if (strcmp(word, "w") == 0)
			(void)line_new_thread(l, b->id, NULL, NULL);
		else if (strcmp(word, "a") == 0)
			fprintf(l->out, store_board_mark_read(l->st, l->u->id, b->id) == 0
				? "The whole board is marked read.\n" : "Could not mark it read.\n");
		/* (after a, the list shows the new unread counts) */
		else if (strcmp(word, "n") == 0)
			show = line_next_unread(l);
		else
			line_unknown(l);
	}
}

static const char boards_help[] =
	"Boards choices:\n"
	"  a number  open that board\n"
	"  n         the next discussion with posts you have not read\n"
	"  /         search the discussions\n"
	"  a         mark everything read\n"
	"  q         back                    x  log off\n";

void line_boards(struct line *l, int64_t area_id)
{
	while (!line_done(l)) {
		struct store_board *v = NULL;
		size_t n = 0;
		if (store_board_list(l->st, l->u->id, area_id, &v, &n) != 0) {
			fprintf(l->out, "The boards cannot be read right now.\n");
			return;
		}
		fprintf(l->out, "\nDiscussion boards\n");
		for (size_t i = 0; i < n; i++)
			fprintf(l->out, "  %zu. %s - %lld discussion%s, %lld unread\n", i + 1,
				line_clean(l, v[i].name, false), (long long)v[i].threads,
				v[i].threads == 1 ? "" : "s", (long long)v[i].unread);
		if (n == 0)
			fprintf(l->out, "  There are no boards here.\n");
		char word[16];
		int c = line_choose(l, "Boards: type a number to open, n next unread, / search, q "
			"back> ", (int)n, "n / a", boards_help, word, sizeof word);
		if (c > 0)
			board(l, &v[c - 1]);
		store_board_list_free(v, n);
		if (c < 0 || (c == 0 && strcmp(word, "q") == 0))
			return;
		if (c == 0 && strcmp(word, "n") == 0)
			line_next_unread(l);
		else if (c == 0 && strcmp(word, "/") == 0)
			line_search(l);
		else if (c == 0 && strcmp(word, "a") == 0 &&
			 line_yes(l, "Mark every discussion of every board read? (y/n): "))
			fprintf(l->out, store_mark_all_read(l->st, l->u->id) == 0
				? "Everything is marked read.\n" : "Could not mark it read.\n");
		else if (c == 0)
			line_unknown(l);
	}
}
