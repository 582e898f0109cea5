/*
 * line-messages.c: private messages and the member directory in the plain line mode: inbox
 * and sent folders, reading (marks read), replying, writing to a handle, deleting, blocking
 * and unblocking; the directory list and search, profiles, a message from a profile.
 *
 * Drafts use the UI's contexts ("message:HANDLE", "message-reply:ID") so that either mode
 * offers them back. Must never: echo a handle the member typed that is not a valid handle,
 * or print store text that is not clean.
 */
#include "cmd/cmd.h"
#include "common/common.h"
#include "store/store.h"

#include <stdlib.h>
#include <string.h>

#define MSG_PAGE 20
#define DIR_PAGE 20

static void print_party(struct line *l, const char *name, const char *handle)
{
	cmd_print_party(l->out, line_clean(l, name, false), line_clean(l, handle, false));
}

int line_message_write(struct line *l, const char *handle, int64_t reply_to,
	const char *subject, const char *draft_body)
{
	char to[BBS_HANDLE_MAX + 2], subj[CMD_LINE_MAX + 1], context[96];
	char *body = NULL;
	if (handle) {
		bbs_strlcpy(to, handle, sizeof to);
	} else {
		char buf[CMD_LINE_MAX + 1];
		if (!line_read(l, "Send to (the member's handle; empty: cancel): ", buf, sizeof buf) ||
		    !buf[0])
			return 1;
		struct store_user *u = NULL;
		bool ok = bbs_handle_valid(buf) && store_user_get(l->st, buf, &u) == 0 &&
			u->status == STORE_STATUS_ACTIVE;
		store_user_free(u);
		if (!ok) {
			/* buf may hold anything: never echoed. */
			fprintf(l->out, "There is no member with that handle: nothing was sent.\n");
			return 1;
		}
		bbs_strlcpy(to, buf, sizeof to);
	}
	if (subject && subject[0]) {
		bbs_strlcpy(subj, subject, sizeof subj);
	} else {
		for (;;) {
			if (!line_read(l, "Subject (one line; empty: cancel): ", subj, sizeof subj))
				return -1;
			if (!subj[0]) {
				fprintf(l->out, "Cancelled: nothing was sent.\n");
				return 1;
			}
			if (strlen(subj) <= STORE_TITLE_MAX)
				break;
			fprintf(l->out, "That subject is too long (at most %d bytes).\n", STORE_TITLE_MAX);
		}
	}
	if (reply_to > 0)
		(void)bbs_snprintf(context, sizeof context, "message-reply:%lld", (long long)reply_to);
	else
		(void)bbs_snprintf(context, sizeof context, "message:%s", to);
	char what[BBS_HANDLE_MAX + 32];
	(void)bbs_snprintf(what, sizeof what, "your message to %s", to);
	struct line_body b = { .what = what, .max = STORE_MESSAGE_MAX, .context = context,
		.title = subj, .initial = draft_body };
	int r = line_body(l, &b, &body);
	if (r != 0)
		return r;
	int64_t id = 0;
	int e = store_message_send(l->st, l->u->id, to, subj, body, reply_to, NULL, &id);
	free(body);
	switch (e) {
	case 0:
		(void)store_draft_delete(l->st, l->u->id, context);
		fprintf(l->out, "Sent to %s (message %lld).\n", to, (long long)id);
		return 0;
	case BBS_ERR_DENIED:
		fprintf(l->out, "%s does not accept messages from you: nothing was sent.\n", to);
		break;
	case BBS_ERR_NOTFOUND:
		fprintf(l->out, "There is no member with that handle: nothing was sent.\n");
		break;
	case BBS_ERR_INVALID:
		fprintf(l->out, "A message needs a subject and text, and goes to someone else: "
			"nothing was sent.\n");
		break;
	case BBS_ERR_TOOBIG:
		fprintf(l->out, "Too long: nothing was sent.\n");
		break;
	default:
		fprintf(l->out, "Could not send it (%s): nothing was sent, please try again.\n",
			bbs_strerror(e));
	}
	return 1;
}

static const char message_help[] =
	"Message choices:\n"
	"  r  reply          d  delete it (from your folders)\n"
	"  b  block the sender (their messages are refused)\n"
	"  !  report it to the moderators\n"
	"  q  back           x  log off\n";

/* Shows one message; its choices. */
static void message(struct line *l, int64_t id)
{
	struct store_message m = { 0 };
	if (store_message_get(l->st, l->u->id, id, &m) != 0) {
		fprintf(l->out, "That message cannot be opened.\n");
		store_message_finish(&m);
		return;
	}
	char when[LINE_TIME_LEN];
	line_time(l, m.created, when);
	fprintf(l->out, "\nFrom: ");
	print_party(l, m.sender_name, m.sender_handle);
	fprintf(l->out, "\nTo: ");
	print_party(l, m.recipient_name, m.recipient_handle);
	fprintf(l->out, "\nDate: %s\nSubject: %s\n\n", when, line_clean(l, m.subject, false));
	line_print_text(l, m.body);
	fputc('\n', l->out);
	bool mine = m.sender_id == l->u->id;
	while (!line_done(l)) {
		char word[16];
		int c = line_choose(l, mine ? "Message: d delete, q back, ? help> "
			: "Message: r reply, d delete, b block, ! report, q back> ", 0,
			mine ? "d" : "r d b !",
			message_help, word, sizeof word);
		if (c < 0 || strcmp(word, "q") == 0)
			break;
		if (strcmp(word, "r") == 0 && !mine) {
			char subj[STORE_TITLE_MAX + 8];
			if (strncmp(m.subject, "Re: ", 4) == 0)
				bbs_strlcpy(subj, m.subject, sizeof subj);
			else
				(void)bbs_snprintf(subj, sizeof subj, "Re: %s", m.subject);
			if (strlen(subj) > STORE_TITLE_MAX)
				bbs_strlcpy(subj, m.subject, sizeof subj);
			/* Quoted, as the full-screen reply starts. */
			char *quote = line_quote(m.sender_handle, m.body);
			(void)line_message_write(l, m.sender_handle, m.id, subj, quote);
			free(quote);
		} else if (strcmp(word, "d") == 0) {
			if (line_yes(l, "Delete this message from your folders? (y/n): ")) {
				int e = store_message_delete(l->st, l->u->id, m.id);
				fprintf(l->out, e == 0 ? "Deleted.\n" : "Could not delete it.\n");
				if (e == 0)
					break;
			}
		} else if (strcmp(word, "!") == 0 && !mine) {
			line_report(l, STORE_REPORT_MESSAGE, m.id);
		} else if (strcmp(word, "b") == 0 && !mine) {
			if (line_yes(l, "Block the sender? Their messages will be refused. (y/n): ")) {
				int e = store_block_set(l->st, l->u->id, m.sender_handle, true);
				if (e == 0)
					fprintf(l->out, "%s is blocked.\n",
						line_clean(l, m.sender_handle, false));
				else
					fprintf(l->out, "Could not block them.\n");
			}
		} else {
			line_unknown(l);
		}
	}
	store_message_finish(&m);
}

static void folder(struct line *l, enum store_folder f)
{
	static const char help[] = "Folder choices: a number reads that message; m more; p "
		"previous page; w write a message; q back; x log off.\n";
	int64_t off = 0;
	bool sent = f == STORE_SENT;
	bool show = true;  /* false: only a message was printed, the list stands */
	while (!line_done(l)) {
		struct store_message *v = NULL;
		size_t n = 0;
		if (store_message_list(l->st, l->u->id, f, off, MSG_PAGE, &v, &n) != 0) {
			fprintf(l->out, "The messages cannot be read right now.\n");
			return;
		}
		if (show) {
			fprintf(l->out, "\n%s, newest first:\n", sent ? "Sent messages" : "Inbox");
			for (size_t i = 0; i < n; i++) {
				char when[LINE_TIME_LEN];
				line_time(l, v[i].created, when);
				fprintf(l->out, "  %zu. %s%s, %s ", i + 1,
					!sent && v[i].read_at == 0 ? "(unread) " : "",
					line_clean(l, v[i].subject, false), sent ? "to" : "from");
				if (sent)
					print_party(l, v[i].recipient_name, v[i].recipient_handle);
				else
					print_party(l, v[i].sender_name, v[i].sender_handle);
				fprintf(l->out, ", %s\n", when);
			}
			if (n == 0)
				fprintf(l->out, "  No messages%s.\n", off ? " here" : "");
		}
		show = true;
		char word[16];
		int c = line_choose(l, "Messages: type a number to read, w write, m more, q back> ",
			(int)n, "m p w", help, word, sizeof word);
		int64_t open = c > 0 ? v[c - 1].id : 0;
		store_message_list_free(v, n);
		if (c < 0 || (c == 0 && strcmp(word, "q") == 0))
			return;
		if (open)
			message(l, open);
		else if (strcmp(word, "m") == 0 && n == MSG_PAGE)
			off += MSG_PAGE;
		else if (strcmp(word, "m") == 0) {
			fprintf(l->out, "There are no more messages.\n");
			show = false;
		}
		else if (strcmp(word, "p") == 0)
			off = off > MSG_PAGE ? off - MSG_PAGE : 0;
		else if (strcmp(word, "w") == 0)
			(void)line_message_write(l, NULL, 0, NULL, NULL);
		else
			line_unknown(l);
	}
}

static void blocked(struct line *l)
{
	static const char help[] = "Blocked members: a number unblocks that member; b blocks "
		"another member (by handle); q back; x log off.\n";
	while (!line_done(l)) {
		struct store_user **v = NULL;
		size_t n = 0;
		if (store_block_list(l->st, l->u->id, &v, &n) != 0) {
			fprintf(l->out, "The list cannot be read right now.\n");
			return;
		}
		fprintf(l->out, "\nMembers you block (their messages are refused):\n");
		for (size_t i = 0; i < n; i++)
			fprintf(l->out, "  %zu. %s\n", i + 1, line_clean(l, v[i]->handle, false));
		if (n == 0)
			fprintf(l->out, "  You block nobody.\n");
		char word[16];
		int c = line_choose(l, "Blocked: type a number to unblock, b block someone, q back> ",
			(int)n, "b", help, word, sizeof word);
		if (c > 0) {
			int e = store_block_set(l->st, l->u->id, v[c - 1]->handle, false);
			fprintf(l->out, e == 0 ? "%s is no longer blocked.\n" : "Could not unblock %s.\n",
				line_clean(l, v[c - 1]->handle, false));
		}
		store_user_list_free(v, n);
		if (c < 0 || (c == 0 && strcmp(word, "q") == 0))
			return;
		if (c == 0 && strcmp(word, "b") == 0) {
			char h[CMD_LINE_MAX + 1];
			if (!line_read(l, "Block whom? Their handle (empty: cancel): ", h, sizeof h) || !h[0])
				continue;
			int e = bbs_handle_valid(h) ? store_block_set(l->st, l->u->id, h, true)
				: BBS_ERR_NOTFOUND;
			if (e == 0)
				fprintf(l->out, "%s is blocked.\n", h);
			else if (e == BBS_ERR_INVALID)
				fprintf(l->out, "You cannot block yourself.\n");
			else
				fprintf(l->out, "There is no member with that handle.\n");
		} else if (c == 0) {
			line_unknown(l);
		}
	}
}

static const char messages_help[] =
	"Messages choices: 1 inbox, 2 sent, 3 write a message, 4 blocked members; q back; x log "
	"off.\n";

void line_messages(struct line *l)
{
	while (!line_done(l)) {
		int64_t unread = 0;
		(void)store_message_unread(l->st, l->u->id, &unread);
		fprintf(l->out, "\nMessages\n  1. Inbox - %lld unread\n  2. Sent\n  3. Write a "
			"message\n  4. Blocked members\n", (long long)unread);
		char word[16];
		int c = line_choose(l, "Messages: type 1-4, q back> ", 4, "", messages_help, word,
			sizeof word);
		if (c < 0 || (c == 0 && strcmp(word, "q") == 0))
			return;
		switch (c) {
		case 1: folder(l, STORE_INBOX); break;
		case 2: folder(l, STORE_SENT); break;
		case 3: (void)line_message_write(l, NULL, 0, NULL, NULL); break;
		case 4: blocked(l); break;
		default: line_unknown(l);
		}
	}
}

/* ---- the member directory ---- */

static void profile(struct line *l, const char *handle)
{
	struct store_user *u = NULL;
	if (store_user_get(l->st, handle, &u) != 0 || u->status != STORE_STATUS_ACTIVE ||
	    (!u->in_directory && u->id != l->u->id)) {
		fprintf(l->out, "That profile is not available.\n");
		store_user_free(u);
		return;
	}
	fprintf(l->out, "\nProfile of %s%s\n", line_clean(l, u->handle, false),
		u->verified ? " (affiliation verified)" : "");
	fprintf(l->out, "  Name: %s\n  Organisation: %s\n  Sector: %s\n  Country: %s\n",
		line_clean(l, u->display_name, false), line_clean(l, u->organisation, false),
		line_clean(l, u->sector, false), line_clean(l, u->country, false));
	if (u->region[0])
		fprintf(l->out, "  Region: %s\n", line_clean(l, u->region, false));
	if (u->bio[0]) {
		fprintf(l->out, "  About:\n");
		line_print_text(l, u->bio);
	}
	if (u->id != l->u->id) {
		char word[16];
		int c = line_choose(l, "Profile: w write them a message, q back> ", 0, "w",
			"Profile choices: w write a message; q back; x log off.\n", word, sizeof word);
		if (c == 0 && strcmp(word, "w") == 0)
			(void)line_message_write(l, u->handle, 0, NULL, NULL);
	}
	store_user_free(u);
}

void line_directory(struct line *l)
{
	static const char help[] = "Directory: a number shows that profile; m more; p previous "
		"page; s a new search; q back; x log off.\n";
	char q[CMD_LINE_MAX + 1];
	if (!line_read(l, "Member directory: words to search for (empty: everyone): ", q,
		sizeof q))
		return;
	int64_t off = 0;
	bool show = true;  /* false: only a message was printed, the list stands */
	while (!line_done(l)) {
		struct store_user **v = NULL;
		size_t n = 0;
		int r = store_directory(l->st, q, NULL, off, DIR_PAGE, &v, &n);
		if (r == BBS_ERR_TOOBIG) {
			fprintf(l->out, "The search is too long (at most %d bytes).\n", STORE_QUERY_MAX);
			q[0] = '\0';
			continue;
		} else if (r != 0) {
			fprintf(l->out, "The directory cannot be read right now.\n");
			return;
		}
		if (show) {
			fprintf(l->out, "\nMembers%s:\n", q[0] ? " found" : "");
			for (size_t i = 0; i < n; i++) {
				fprintf(l->out, "  %zu. ", i + 1);
				print_party(l, v[i]->display_name, v[i]->handle);
				if (v[i]->organisation[0])
					fprintf(l->out, ", %s", line_clean(l, v[i]->organisation, false));
				if (v[i]->sector[0])
					fprintf(l->out, ", %s", line_clean(l, v[i]->sector, false));
				if (v[i]->country[0])
					fprintf(l->out, ", %s", line_clean(l, v[i]->country, false));
				fputc('\n', l->out);
			}
			if (n == 0)
				fprintf(l->out, "  Nobody%s.\n", off ? " more" : " found");
		}
		show = true;
		char word[16];
		int c = line_choose(l, "Directory: type a number for a profile, m more, s search, q "
			"back> ", (int)n, "m p s", help, word, sizeof word);
		char handle[BBS_HANDLE_MAX + 1] = "";
		if (c > 0)
			bbs_strlcpy(handle, v[c - 1]->handle, sizeof handle);
		store_user_list_free(v, n);
		if (c < 0 || (c == 0 && strcmp(word, "q") == 0))
			return;
		if (c > 0)
			profile(l, handle);
		else if (strcmp(word, "m") == 0 && n == DIR_PAGE)
			off += DIR_PAGE;
		else if (strcmp(word, "m") == 0) {
			fprintf(l->out, "There are no more members.\n");
			show = false;
		}
		else if (strcmp(word, "p") == 0)
			off = off > DIR_PAGE ? off - DIR_PAGE : 0;
		else if (strcmp(word, "s") == 0) {
			off = 0;
			if (!line_read(l, "Words to search for (empty: everyone): ", q, sizeof q))
				return;
		} else
			line_unknown(l);
	}
}
