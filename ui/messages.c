/*
 * messages.c: private messages between members.
 *
 * "Messages" is a list with two folders, Inbox and Sent (Tab switches). Each row: the unread
 * marker '*' (inbox), the date, who it is from (inbox) or to (sent), the subject. Enter reads
 * a message (a page; the store marks it read), r replies ("Re: subject", the message quoted
 * with "> " lines), c or m writes a new one (asks for the recipient's handle), d deletes it
 * from one's own folders (asks first; the other party keeps their copy), b blocks or unblocks
 * the other member (asks first), B lists the members one blocks (u unblocks).
 *
 * Writing uses the editor (ui_editor_custom) with the subject in its title field and drafts
 * under "message:HANDLE" and "message-reply:ID", so a dropped link loses nothing; each editor
 * has a client token, so a retried send stores one message.
 *
 * ! on a received message reports it to the moderators. A silenced member who tries to write
 * gets "You are silenced until DATE". A verified member's name carries the verified mark.
 *
 * Must never: show a message to anyone but its sender and recipient (the store checks; this
 * file only asks for the viewer's own), tell a blocked sender more than that the recipient
 * does not accept their messages, draw a byte of a subject or body other than through
 * ui_draw_text (pager included), or open anything for a guest.
 */
#include "ui/ui.h"

#include "common/common.h"
#include "store/store.h"

#include <stdlib.h>
#include <string.h>

#define MSG_PAGE 200
#define MSG_WHO_MAX 20            /* widest from/to column */
#define MSG_CTX_PREFIX "message:"
#define MSG_REPLY_PREFIX "message-reply:"

/* ---- writing ---- */

struct msg_send_ctx {
	char handle[64];
	int64_t reply_to;
};

/* The sentence for a refused send; NULL when r is 0. */
static void msg_send_error(struct ui_app *app, int r, const char *handle)
{
	switch (r) {
	case BBS_ERR_DENIED:
		ui_app_message(app, "%s does not accept messages from you", handle);
		break;
	case BBS_ERR_NOTFOUND:
		ui_app_message(app, "No member with the handle %s", handle);
		break;
	case BBS_ERR_INVALID:
		ui_app_message(app, "You cannot send a message to yourself, or without a subject and text");
		break;
	case BBS_ERR_TOOBIG:
		ui_app_message(app, "Too long: the message was not sent");
		break;
	default:
		ui_app_message(app, "Could not send, please try again");
		break;
	}
}

static bool msg_send(struct ui_app *app, struct ui_screen *ed, void *ctx, const char *title,
	const char *body, const char *token)
{
	struct msg_send_ctx *c = ctx;
	int64_t id = 0;

	(void)ed;
	int r = store_message_send(app->st, app->user->id, c->handle, title, body, c->reply_to,
		token, &id);
	if (r != 0) {
		if (r != BBS_ERR_DENIED && r != BBS_ERR_NOTFOUND)
			log_warn("message send: %s", bbs_strerror(r));
		if (r == BBS_ERR_DENIED && ui_silenced_message(app))
			return false;
		msg_send_error(app, r, c->handle);
		return false; /* the text stays in the editor (and its draft) */
	}
	ui_app_message(app, "Message sent to %s.", c->handle);
	return true;
}

static const struct ui_editor_hooks msg_hooks = { msg_send, free };

/* The recipient as an active member, or NULL (message shown). Refused at once when they block
 * the writer, so that nobody writes a long message for nothing. */
static struct store_user *msg_recipient(struct ui_app *app, const char *handle)
{
	struct store_user *u = NULL;
	bool blocked = false;

	if (ui_silenced_message(app))
		return NULL;
	if (!bbs_handle_valid(handle) || store_user_get(app->st, handle, &u) != 0 ||
	    u->status != STORE_STATUS_ACTIVE) {
		ui_app_message(app, "No member with the handle %s", handle);
		store_user_free(u);
		return NULL;
	}
	if (u->id == app->user->id) {
		ui_app_message(app, "You cannot send a message to yourself");
		store_user_free(u);
		return NULL;
	}
	if (store_block_check(app->st, u->id, app->user->id, &blocked) == 0 && blocked) {
		ui_app_message(app, "%s does not accept messages from you", u->handle);
		store_user_free(u);
		return NULL;
	}
	return u;
}

struct ui_screen *ui_message_compose(struct ui_app *app, const char *handle)
{
	char typed[64];

	if (app->guest || !app->user)
		return NULL;
	if (!handle) {
		if (!ui_app_input(app, "To (handle):", typed, sizeof typed) || !typed[0])
			return NULL;
		handle = typed;
	}
	struct store_user *u = msg_recipient(app, handle);
	if (!u)
		return NULL;
	char context[96];
	if (bbs_snprintf(context, sizeof context, MSG_CTX_PREFIX "%s", u->handle) != 0)
		context[0] = '\0';
	struct msg_send_ctx *c = xcalloc(1, sizeof *c);
	bbs_strlcpy(c->handle, u->handle, sizeof c->handle);
	char *heading = u->display_name[0]
		? xasprintf("Message to %s (%s)", u->display_name, u->handle)
		: xasprintf("Message to %s", u->handle);
	struct ui_editor_spec spec = {
		.heading = heading,
		.context = context[0] ? context : NULL,
		.with_title = true,
		.title_max = STORE_TITLE_MAX,
		.body_max = STORE_MESSAGE_MAX,
	};
	struct ui_screen *s = ui_editor_custom(app, &spec, &msg_hooks, c);
	free(heading);
	store_user_free(u);
	return s;
}

/* "handle wrote:", then each line of body as "> line", then an empty line. */
static char *msg_quote(const char *handle, const char *body)
{
	char *out = NULL;

	ui_format_append(&out, "%s wrote:\n", handle);
	for (const char *line = body ? body : "";;) {
		const char *nl = strchr(line, '\n');
		int len = nl ? (int)(nl - line) : (int)strlen(line);
		ui_format_append(&out, "> %.*s\n", len, line);
		if (!nl)
			break;
		line = nl + 1;
	}
	ui_format_append(&out, "\n");
	return out;
}

/* The editor for a reply to message id (to its other party), or NULL (message shown). */
static struct ui_screen *msg_reply(struct ui_app *app, int64_t id)
{
	struct store_message m = { 0 };
	struct ui_screen *s = NULL;

	int r = store_message_get(app->st, app->user->id, id, &m);
	if (r != 0) {
		ui_app_message(app, r == BBS_ERR_NOTFOUND ? "No such message"
							  : "Could not read the message, please try again");
		store_message_finish(&m);
		return NULL;
	}
	bool mine = m.sender_id == app->user->id;
	const char *other = mine ? m.recipient_handle : m.sender_handle;
	struct store_user *u = msg_recipient(app, other);
	if (!u) {
		store_message_finish(&m);
		return NULL;
	}
	char context[64];
	(void)bbs_snprintf(context, sizeof context, MSG_REPLY_PREFIX "%lld", (long long)id);
	bool has_re = strncmp(m.subject, "Re: ", 4) == 0;
	char *subject = xasprintf("%s%s", has_re ? "" : "Re: ", m.subject);
	if (strlen(subject) > STORE_TITLE_MAX)
		subject[STORE_TITLE_MAX] = '\0'; /* may cut a character: the editbuf sanitises it */
	char *quote = msg_quote(m.sender_handle, m.body);
	char *heading = xasprintf("Reply to %s", u->handle);
	struct msg_send_ctx *c = xcalloc(1, sizeof *c);
	bbs_strlcpy(c->handle, u->handle, sizeof c->handle);
	c->reply_to = id;
	struct ui_editor_spec spec = {
		.heading = heading,
		.context = context,
		.with_title = true,
		.title_max = STORE_TITLE_MAX,
		.body_max = STORE_MESSAGE_MAX,
		.title = subject,
		.body = quote,
	};
	s = ui_editor_custom(app, &spec, &msg_hooks, c);
	free(heading);
	free(quote);
	free(subject);
	store_user_free(u);
	store_message_finish(&m);
	return s;
}

/* ---- drafts ---- */

bool ui_message_context(const char *context)
{
	return context && (strncmp(context, MSG_CTX_PREFIX, strlen(MSG_CTX_PREFIX)) == 0 ||
		strncmp(context, MSG_REPLY_PREFIX, strlen(MSG_REPLY_PREFIX)) == 0);
}

/* "message-reply:ID" -> ID, else 0. */
static int64_t msg_reply_id(const char *context)
{
	size_t n = strlen(MSG_REPLY_PREFIX);
	char *end;

	if (strncmp(context, MSG_REPLY_PREFIX, n) != 0)
		return 0;
	long long v = strtoll(context + n, &end, 10);
	return end != context + n && *end == '\0' && v > 0 ? v : 0;
}

struct ui_screen *ui_message_from_context(struct ui_app *app, const char *context)
{
	if (!ui_message_context(context) || app->guest || !app->user)
		return NULL;
	int64_t id = msg_reply_id(context);
	if (id > 0)
		return msg_reply(app, id);
	const char *handle = context + strlen(MSG_CTX_PREFIX);
	return bbs_handle_valid(handle) ? ui_message_compose(app, handle) : NULL;
}

bool ui_message_describe(struct ui_app *app, const char *context, char *buf, size_t size)
{
	if (!ui_message_context(context) || !app->user)
		return false;
	int64_t id = msg_reply_id(context);
	if (id > 0) {
		struct store_message m = { 0 };
		bool ok = false;
		/* store_message_get marks an inbox message read: it was read to reply to it. */
		if (store_message_get(app->st, app->user->id, id, &m) == 0)
			ok = bbs_snprintf(buf, size, "reply to the message \"%s\"", m.subject) == 0;
		store_message_finish(&m);
		return ok;
	}
	const char *handle = context + strlen(MSG_CTX_PREFIX);
	struct store_user *u = NULL;
	bool ok = bbs_handle_valid(handle) && store_user_get(app->st, handle, &u) == 0 &&
		u->status == STORE_STATUS_ACTIVE &&
		bbs_snprintf(buf, size, "message to %s", u->handle) == 0;
	store_user_free(u);
	return ok;
}

/* ---- blocking ---- */

/* Asks, then blocks or unblocks handle (other_id). Returns true if something changed. */
static bool msg_block_toggle(struct ui_app *app, const char *handle, int64_t other_id)
{
	bool blocked = false;
	char q[160];

	if (other_id == app->user->id)
		return false;
	if (store_block_check(app->st, app->user->id, other_id, &blocked) != 0) {
		ui_app_message(app, "Could not read your blocks, please try again");
		return false;
	}
	if (blocked)
		(void)bbs_snprintf(q, sizeof q, "Unblock %s? (y/n)", handle);
	else
		(void)bbs_snprintf(q, sizeof q,
			"Block %s? They can no longer send you messages. (y/n)", handle);
	if (!ui_app_confirm(app, q))
		return false;
	int r = store_block_set(app->st, app->user->id, handle, !blocked);
	if (r != 0) {
		log_warn("block: %s", bbs_strerror(r));
		ui_app_message(app, "Could not save, please try again");
		return false;
	}
	ui_app_message(app, blocked ? "%s is no longer blocked." : "%s is blocked.", handle);
	return true;
}

/* The members one blocks: a list, u unblocks. */
struct blocked {
	struct ui_screen base;   /* first member */
	struct store_user **v;
	size_t n;
	struct ui_select ls;
	struct ui_list_geom g;
};

static void blocked_load(struct blocked *b, struct ui_app *app)
{
	store_user_list_free(b->v, b->n);
	b->v = NULL;
	b->n = 0;
	int r = store_block_list(app->st, app->user->id, &b->v, &b->n);
	if (r != 0) {
		log_warn("block list: %s", bbs_strerror(r));
		ui_app_message(app, "Could not read your blocks, please try again");
		b->v = NULL;
		b->n = 0;
	}
	b->ls.total = (int)b->n;
	ui_select_clamp(&b->ls);
}

static void blocked_layout(struct ui_screen *s, const struct ui_rect *r)
{
	struct blocked *b = (struct blocked *)s;

	ui_list_layout(r, &b->g, &b->ls);
}

static void blocked_draw(struct ui_screen *s, WINDOW *w)
{
	struct blocked *b = (struct blocked *)s;
	int x0 = b->g.x0, width = b->g.width;

	if (width <= 0)
		return;
	ui_draw_str(w, b->g.heading_y, x0, width, "Members you block", ui_term_heading_attr());
	if (b->n == 0) {
		ui_draw_str(w, b->g.list_y, x0, width, "You block nobody.", A_NORMAL);
		return;
	}
	for (int row = 0; row < b->ls.view; row++) {
		int i = b->ls.top + row;
		if (i >= (int)b->n)
			break;
		int y = b->g.list_y + row;
		bool sel = i == b->ls.sel;
		int attr = sel ? A_REVERSE : A_NORMAL;
		const struct store_user *u = b->v[i];
		char line[STORE_FIELD_MAX * 2 + 80];
		if (u->display_name && u->display_name[0])
			(void)bbs_snprintf(line, sizeof line, "%s (%s)", u->display_name, u->handle);
		else
			(void)bbs_snprintf(line, sizeof line, "%s", u->handle);
		if (sel)
			ui_draw_fill(w, y, x0, width, A_REVERSE);
		ui_draw_str(w, y, x0, width, sel ? "> " : "  ", attr);
		ui_draw_str(w, y, x0 + 2, width - 2, line, attr);
	}
}

static void blocked_cursor(struct ui_screen *s, int *y, int *x)
{
	struct blocked *b = (struct blocked *)s;

	*y = b->n > 0 && b->ls.view > 0 ? b->g.list_y + b->ls.sel - b->ls.top : b->g.heading_y;
	*x = b->g.x0;
}

static enum ui_result blocked_action(struct ui_screen *s, struct ui_app *app, int action,
	int key)
{
	struct blocked *b = (struct blocked *)s;

	(void)key;
	switch (action) {
	case UI_ACT_BACK:
		ui_app_pop(app);
		return UI_RES_REDRAW;
	case UI_ACT_BLOCK:
		if (b->n > 0 && msg_block_toggle(app, b->v[b->ls.sel]->handle, b->v[b->ls.sel]->id))
			blocked_load(b, app);
		return UI_RES_REDRAW;
	default:
		return ui_select_action(&b->ls, action);
	}
}

static void blocked_destroy(struct ui_screen *s)
{
	struct blocked *b = (struct blocked *)s;

	if (!b)
		return;
	store_user_list_free(b->v, b->n);
	free(b);
}

static struct ui_screen *msg_blocked_create(struct ui_app *app)
{
	struct blocked *b = xcalloc(1, sizeof *b);

	b->base.keymap = &ui_keymap_blocked;
	b->base.layout = blocked_layout;
	b->base.draw = blocked_draw;
	b->base.cursor = blocked_cursor;
	b->base.action = blocked_action;
	b->base.destroy = blocked_destroy;
	blocked_load(b, app);
	return &b->base;
}

/* ---- reading one message ---- */

struct reading {
	int64_t id;
	int64_t other_id;
	char other[64];
	bool deleted;
	bool received;    /* the viewer is the recipient (only they may report it) */
};

/* Asks, then deletes message id from the viewer's folders. True when deleted. */
static bool msg_delete(struct ui_app *app, int64_t id)
{
	if (!ui_app_confirm(app, "Delete this message? (y/n)"))
		return false;
	int r = store_message_delete(app->st, app->user->id, id);
	if (r != 0) {
		log_warn("message delete: %s", bbs_strerror(r));
		ui_app_message(app, "Could not delete, please try again");
		return false;
	}
	ui_app_message(app, "Message deleted.");
	return true;
}

static enum ui_result reading_action(struct ui_screen *s, struct ui_app *app, void *ctx,
	int action)
{
	struct reading *rd = ctx;

	(void)s;
	switch (action) {
	case UI_ACT_REPLY:
		ui_app_push(app, msg_reply(app, rd->id));
		return UI_RES_REDRAW;
	case UI_ACT_DELETE:
		if (msg_delete(app, rd->id))
			ui_app_pop(app); /* destroys s and rd */
		return UI_RES_REDRAW;
	case UI_ACT_BLOCK:
		(void)msg_block_toggle(app, rd->other, rd->other_id);
		return UI_RES_REDRAW;
	case UI_ACT_REPORT:
		if (!rd->received)
			ui_app_message(app, "You can report only messages you received");
		else
			ui_report_ask(app, STORE_REPORT_MESSAGE, rd->id);
		return UI_RES_REDRAW;
	default:
		return UI_RES_NONE;
	}
}

static const struct ui_pager_ops reading_ops = { reading_action, NULL, free };

static void msg_party(struct ui_app *app, char **text, const char *label, int64_t id,
	const char *name, const char *handle)
{
	struct store_user *u = NULL;
	bool verified = store_user_get_by_id(app->st, id, &u) == 0 && u && u->verified;

	store_user_free(u);
	if (name && name[0])
		ui_format_append(text, "%s%s%s (%s)\n", label, name, ui_verified_mark(verified),
			handle);
	else
		ui_format_append(text, "%s%s%s\n", label, handle, ui_verified_mark(verified));
}

/* A page with message id; NULL (message shown) if the viewer may not read it. */
static struct ui_screen *msg_read_create(struct ui_app *app, int64_t id)
{
	struct store_message m = { 0 };
	char *text = NULL, when[UI_TIME_LEN];

	int r = store_message_get(app->st, app->user->id, id, &m);
	if (r != 0) {
		ui_app_message(app, r == BBS_ERR_NOTFOUND ? "No such message"
							  : "Could not read the message, please try again");
		store_message_finish(&m);
		return NULL;
	}
	ui_format_time(m.created, when, sizeof when);
	msg_party(app, &text, "From:     ", m.sender_id, m.sender_name, m.sender_handle);
	msg_party(app, &text, "To:       ", m.recipient_id, m.recipient_name, m.recipient_handle);
	ui_format_append(&text, "Date:     %s\nSubject:  %s\n\n%s\n", when, m.subject, m.body);

	struct reading *rd = xcalloc(1, sizeof *rd);
	bool mine = m.sender_id == app->user->id;
	rd->id = id;
	rd->received = !mine;
	rd->other_id = mine ? m.recipient_id : m.sender_id;
	bbs_strlcpy(rd->other, mine ? m.recipient_handle : m.sender_handle, sizeof rd->other);
	struct ui_screen *s = ui_pager_create_ops(m.subject, text, &ui_keymap_message, &reading_ops,
		rd);
	free(text);
	store_message_finish(&m);
	return s;
}

/* ---- the folders ---- */

struct messages {
	struct ui_screen base;   /* first member */
	struct ui_app *app;
	enum store_folder folder;
	struct store_message *v;
	size_t n;
	bool more;
	int64_t unread;
	struct ui_select ls;
	struct ui_list_geom g;
	int who_w;
};

static const char *msgs_who(const struct messages *ms, const struct store_message *m)
{
	if (ms->folder == STORE_INBOX)
		return m->sender_name && m->sender_name[0] ? m->sender_name : m->sender_handle;
	return m->recipient_name && m->recipient_name[0] ? m->recipient_name : m->recipient_handle;
}

static void msgs_load(struct messages *ms, struct ui_app *app, bool append)
{
	struct store_message *v = NULL;
	size_t n = 0;

	if (!append) {
		store_message_list_free(ms->v, ms->n);
		ms->v = NULL;
		ms->n = 0;
	}
	int r = store_message_list(app->st, app->user->id, ms->folder, (int64_t)ms->n, MSG_PAGE,
		&v, &n);
	if (r != 0) {
		log_warn("message list: %s", bbs_strerror(r));
		ui_app_message(app, "Could not read your messages, please try again");
		ms->more = false;
	} else {
		ms->v = xrealloc(ms->v, (ms->n + n + 1) * sizeof ms->v[0]);
		if (n)
			memcpy(ms->v + ms->n, v, n * sizeof v[0]);
		ms->n += n;
		free(v); /* the array only: the structs moved */
		ms->more = n == MSG_PAGE;
	}
	if (store_message_unread(app->st, app->user->id, &ms->unread) != 0)
		ms->unread = 0;
	ms->ls.total = (int)ms->n;
	ui_select_clamp(&ms->ls);
	ms->who_w = 0;
	for (size_t i = 0; i < ms->n; i++) {
		int w = ui_draw_width(msgs_who(ms, &ms->v[i]));
		if (w > ms->who_w)
			ms->who_w = w > MSG_WHO_MAX ? MSG_WHO_MAX : w;
	}
}

static void msgs_layout(struct ui_screen *s, const struct ui_rect *r)
{
	struct messages *ms = (struct messages *)s;

	ui_list_layout(r, &ms->g, &ms->ls);
}

static void msgs_draw(struct ui_screen *s, WINDOW *w)
{
	struct messages *ms = (struct messages *)s;
	int x0 = ms->g.x0, width = ms->g.width;
	char right[64];

	if (width <= 0)
		return;
	bool inbox = ms->folder == STORE_INBOX;
	if (ms->unread > 0)
		(void)bbs_snprintf(right, sizeof right, "%lld unread", (long long)ms->unread);
	else
		bbs_strlcpy(right, "no unread messages", sizeof right);
	int rw = ui_draw_width(right);
	bool show_right = width >= 40 + rw;
	if (show_right)
		ui_draw_str(w, ms->g.heading_y, x0 + width - rw, rw, right, A_NORMAL);
	ui_draw_str(w, ms->g.heading_y, x0, show_right ? width - rw - 2 : width,
		inbox ? "Messages: Inbox" : "Messages: Sent", ui_term_heading_attr());
	if (ms->n == 0) {
		ui_draw_str(w, ms->g.list_y, x0, width,
			inbox ? "No messages. Press c to write one, Tab for the messages you sent."
			      : "You have sent no messages. Press c to write one.", A_NORMAL);
		return;
	}
	bool show_time = width >= 50;
	for (int row = 0; row < ms->ls.view; row++) {
		int i = ms->ls.top + row;
		if (i >= (int)ms->n)
			break;
		const struct store_message *m = &ms->v[i];
		int y = ms->g.list_y + row, x = x0, end = x0 + width;
		bool sel = i == ms->ls.sel;
		int attr = sel ? A_REVERSE : A_NORMAL;
		if (sel)
			ui_draw_fill(w, y, x0, width, A_REVERSE);
		ui_draw_str(w, y, x, end - x, sel ? ">" : " ", attr);
		x++;
		ui_draw_str(w, y, x, end - x, inbox && m->read_at == 0 ? "*" : " ", attr);
		x += 2;
		if (show_time) {
			char when[UI_TIME_LEN];
			ui_format_time(m->created, when, sizeof when);
			x += ui_draw_str(w, y, x, end - x, when, attr) + 2;
		}
		if (x < end) {
			char who[MSG_WHO_MAX * 4 + 8];
			(void)bbs_snprintf(who, sizeof who, "%s%s", inbox ? "" : "to ", msgs_who(ms, m));
			int ww = ms->who_w + (inbox ? 0 : 3);
			ui_draw_str(w, y, x, ww < end - x ? ww : end - x, who, attr);
			x += ww + 2;
		}
		if (x < end)
			ui_draw_str(w, y, x, end - x, m->subject, attr);
	}
}

static void msgs_cursor(struct ui_screen *s, int *y, int *x)
{
	struct messages *ms = (struct messages *)s;

	*y = ms->n > 0 && ms->ls.view > 0 ? ms->g.list_y + ms->ls.sel - ms->ls.top : ms->g.heading_y;
	*x = ms->g.x0;
}

static const struct store_message *msgs_selected(const struct messages *ms)
{
	return ms->n > 0 && ms->ls.sel >= 0 && ms->ls.sel < (int)ms->n ? &ms->v[ms->ls.sel] : NULL;
}

static enum ui_result msgs_action(struct ui_screen *s, struct ui_app *app, int action, int key)
{
	struct messages *ms = (struct messages *)s;
	const struct store_message *m = msgs_selected(ms);

	(void)key;
	switch (action) {
	case UI_ACT_BACK:
		ui_app_pop(app); /* destroys ms */
		return UI_RES_REDRAW;
	case UI_ACT_OPEN:
		if (m)
			ui_app_push(app, msg_read_create(app, m->id));
		return UI_RES_REDRAW;
	case UI_ACT_NEW:
		ui_app_push(app, ui_message_compose(app, NULL));
		return UI_RES_REDRAW;
	case UI_ACT_REPLY:
		if (m)
			ui_app_push(app, msg_reply(app, m->id));
		return UI_RES_REDRAW;
	case UI_ACT_SWITCH:
		ms->folder = ms->folder == STORE_INBOX ? STORE_SENT : STORE_INBOX;
		ms->ls.sel = ms->ls.top = 0;
		msgs_load(ms, app, false);
		return UI_RES_REDRAW;
	case UI_ACT_DELETE:
		if (m && msg_delete(app, m->id))
			msgs_load(ms, app, false);
		return UI_RES_REDRAW;
	case UI_ACT_BLOCK:
		if (!m)
			return UI_RES_NONE;
		if (ms->folder == STORE_INBOX) {
			char handle[64];
			bbs_strlcpy(handle, m->sender_handle, sizeof handle);
			if (msg_block_toggle(app, handle, m->sender_id))
				msgs_load(ms, app, false); /* a blocked sender's messages leave the inbox */
		} else {
			(void)msg_block_toggle(app, m->recipient_handle, m->recipient_id);
		}
		return UI_RES_REDRAW;
	case UI_ACT_BLOCKED:
		ui_app_push(app, msg_blocked_create(app));
		return UI_RES_REDRAW;
	default: {
		enum ui_result res = ui_select_action(&ms->ls, action);
		if (ms->more && ms->ls.sel >= (int)ms->n - 1) {
			msgs_load(ms, app, true);
			res = UI_RES_REDRAW;
		}
		return res;
	}
	}
}

static void msgs_resume(struct ui_screen *s, struct ui_app *app)
{
	struct messages *ms = (struct messages *)s;
	int64_t keep = msgs_selected(ms) ? msgs_selected(ms)->id : 0;

	msgs_load(ms, app, false);
	for (size_t i = 0; keep && i < ms->n; i++)
		if (ms->v[i].id == keep)
			ms->ls.sel = (int)i;
	ui_select_clamp(&ms->ls);
}

static void msgs_destroy(struct ui_screen *s)
{
	struct messages *ms = (struct messages *)s;

	if (!ms)
		return;
	store_message_list_free(ms->v, ms->n);
	free(ms);
}

/* resume.c: "messages" (the folders open at the inbox). */
static bool msgs_where(struct ui_screen *s, char *buf, size_t size)
{
	(void)s;
	return bbs_snprintf(buf, size, "messages") == 0;
}

struct ui_screen *ui_messages_create(struct ui_app *app)
{
	if (app->guest || !app->user)
		return NULL;
	struct messages *ms = xcalloc(1, sizeof *ms);

	ms->base.keymap = &ui_keymap_messages;
	ms->base.layout = msgs_layout;
	ms->base.draw = msgs_draw;
	ms->base.cursor = msgs_cursor;
	ms->base.action = msgs_action;
	ms->base.destroy = msgs_destroy;
	ms->base.resume = msgs_resume;
	ms->base.where = msgs_where;
	ms->app = app;
	ms->folder = STORE_INBOX;
	msgs_load(ms, app, false);
	return &ms->base;
}
