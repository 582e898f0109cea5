/*
 * e2e-messages: private messages between members, driven over SSH like members would.
 *
 * alice writes to bob from Messages (c, the handle prompt, subject in the title field, ^X);
 * bob's main menu says "1 unread", his inbox marks the message '*', reading it drops the count
 * ("no unread messages"); bob replies with r ("Re: ..." and the original quoted with "> "
 * lines) and alice reads the reply. carol, a third member, cannot read it: not in her inbox,
 * not through the store, not with `message read ID` over exec. bob deletes a second message:
 * gone from his inbox, still in alice's Sent. bob blocks alice (b, y): her next message is
 * refused at the handle prompt ("bob does not accept messages from you") and by the store; the
 * block list (B) shows her. Hostile input: escape sequences and OSC in a subject and body (put
 * in through the store) reach bob's screen as visible text only; a pasted handle with an
 * escape sequence is refused with a clean message. A draft of a message is offered back after
 * login and resumes the message editor.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/common.h"
#include "tests/e2e/e2e-boards.h"

#define SUBJECT "Hash sharing pilot"
#define BODY1 "Could your team join the pilot next month?"
#define REPLY "Yes, count us in."
#define SUBJECT2 "Please delete me"
#define HOSTILE_SUBJECT "Evil \033]0;PWNED-TITLE\007 \033[2J subject"
#define HOSTILE_BODY "Body \033]52;c;ZXZpbA==\007 and \033[31mred\033[0m \xc2\x9b text"

static void check_events(struct tc *tc, const char *where)
{
	struct tc_screen_events ev;

	tc_screen_events(tc_screen(tc), &ev);
	if (!TC_CHECK(ev.titles == 0 && ev.oscs == 0 && ev.dcss == 0))
		tc_note("%s: %d title changes (last \"%s\"), %d OSC (last \"%s\"), %d DCS", where,
			ev.titles, ev.title, ev.oscs, ev.osc, ev.dcss);
}

/* The text of the main menu's Messages row. */
static bool menu_messages_row(struct tc *tc, char *buf, size_t n)
{
	return bt_row_with(tc, "Messages", buf, n, NULL);
}

struct row_has {
	const char *row;
	const char *text;
};

static bool row_has(const struct tc_screen *sc, void *arg)
{
	const struct row_has *rh = arg;
	int rows;
	char buf[1024];

	tc_screen_size(sc, NULL, &rows);
	for (int r = 1; r < rows - 1; r++) {
		if (tc_screen_find_in_row(sc, r, rh->row) >= 0) {
			tc_screen_row(sc, r, buf, sizeof buf);
			if (strstr(buf, rh->text))
				return true;
		}
	}
	return false;
}

static bool wait_row_has(struct tc *tc, const char *row, const char *text)
{
	struct row_has rh = { row, text };
	char what[256];

	snprintf(what, sizeof what, "row \"%s\" with \"%s\"", row, text);
	return tc_wait_pred(tc, row_has, &rh, what, TC_WAIT_MS);
}

/* alice: Messages, c, bob, subject, Tab, body, ^X. */
static void alice_writes(struct tc_fixture *fx, const char *subject, const char *body)
{
	struct tc *tc = bt_login(fx, "alice", 80, 24);

	tc_note("alice writes \"%s\" to bob", subject);
	TC_REQUIRE(tc_send(tc, PORTAL_KEY_MESSAGES) == 0);
	TC_REQUIRE(portal_wait_heading(tc, "Messages: Inbox", TC_WAIT_MS));
	TC_REQUIRE(tc_send(tc, "c") == 0);
	TC_REQUIRE(portal_wait_bottom(tc, "To (handle):", TC_WAIT_MS));
	TC_REQUIRE(tc_send(tc, "bob\r") == 0);
	TC_REQUIRE(portal_wait_editor(tc, "Message to", TC_WAIT_MS));
	TC_REQUIRE(tc_send(tc, subject) == 0);
	TC_REQUIRE(tc_wait_text(tc, subject, TC_WAIT_MS));
	TC_REQUIRE(tc_send(tc, BT_TAB) == 0);
	TC_REQUIRE(tc_send(tc, body) == 0);
	TC_REQUIRE(tc_wait_text(tc, body, TC_WAIT_MS));
	TC_REQUIRE(tc_send(tc, BT_CTRL_X) == 0);
	TC_REQUIRE(portal_wait_message(tc, "Message sent to bob.", TC_WAIT_MS));
	TC_REQUIRE(portal_wait_heading(tc, "Messages: Inbox", TC_WAIT_MS));
	/* Sent: the message, addressed to bob. */
	TC_REQUIRE(tc_send(tc, BT_TAB) == 0);
	TC_REQUIRE(portal_wait_heading(tc, "Messages: Sent", TC_WAIT_MS));
	TC_CHECK(wait_row_has(tc, subject, "to bob"));
	TC_REQUIRE(bt_back_to_menu(tc));
	TC_CHECK(portal_logoff(tc, "q") == 0);
	tc_close(tc);
}

static void bob_reads_and_replies(struct tc_fixture *fx)
{
	struct tc *tc = bt_login(fx, "bob", 80, 24);
	char buf[1024];

	tc_note("bob: 1 unread on the menu, '*' in the inbox, read, count drops, reply");
	TC_CHECK(menu_messages_row(tc, buf, sizeof buf) && strstr(buf, "1 unread"));
	TC_REQUIRE(tc_send(tc, PORTAL_KEY_MESSAGES) == 0);
	TC_REQUIRE(portal_wait_heading(tc, "Messages: Inbox", TC_WAIT_MS));
	TC_REQUIRE(tc_wait_text(tc, SUBJECT, TC_WAIT_MS));
	TC_CHECK(portal_thread_unread(tc_screen(tc), SUBJECT));
	TC_CHECK(tc_find(tc, "1 unread", NULL) >= 0);
	TC_REQUIRE(portal_list_select(tc, SUBJECT, 5));
	TC_REQUIRE(tc_send(tc, TC_KEY_ENTER) == 0);
	TC_REQUIRE(tc_wait_text(tc, BODY1, TC_WAIT_MS));
	TC_CHECK(tc_find(tc, "From:", NULL) >= 0 && tc_find(tc, "alice", NULL) >= 0);
	TC_REQUIRE(tc_send(tc, "q") == 0);
	TC_REQUIRE(portal_wait_heading(tc, "Messages: Inbox", TC_WAIT_MS));
	TC_CHECK(tc_wait_text(tc, "no unread messages", TC_WAIT_MS));
	TC_CHECK(!portal_thread_unread(tc_screen(tc), SUBJECT));

	/* r: "Re: subject", the original quoted. */
	TC_REQUIRE(portal_list_select(tc, SUBJECT, 5));
	TC_REQUIRE(tc_send(tc, "r") == 0);
	TC_REQUIRE(portal_wait_editor(tc, "Reply to alice", TC_WAIT_MS));
	TC_CHECK(tc_wait_text(tc, "Re: " SUBJECT, TC_WAIT_MS));
	TC_CHECK(tc_wait_text(tc, "alice wrote:", TC_WAIT_MS));
	TC_CHECK(tc_wait_text(tc, "> " BODY1, TC_WAIT_MS));
	TC_REQUIRE(tc_send(tc, BT_CTRL_E "\r" REPLY) == 0);
	TC_REQUIRE(tc_wait_text(tc, REPLY, TC_WAIT_MS));
	TC_REQUIRE(tc_send(tc, BT_CTRL_X) == 0);
	TC_REQUIRE(portal_wait_message(tc, "Message sent to alice.", TC_WAIT_MS));
	TC_REQUIRE(bt_back_to_menu(tc));
	TC_CHECK(wait_row_has(tc, "Messages", "no unread messages"));
	TC_CHECK(portal_logoff(tc, "q") == 0);
	tc_close(tc);
}

static void alice_reads_reply(struct tc_fixture *fx)
{
	struct tc *tc = bt_login(fx, "alice", 80, 24);
	char buf[1024];

	tc_note("alice reads bob's reply with the quote");
	TC_CHECK(menu_messages_row(tc, buf, sizeof buf) && strstr(buf, "1 unread"));
	TC_REQUIRE(tc_send(tc, PORTAL_KEY_MESSAGES) == 0);
	TC_REQUIRE(portal_wait_heading(tc, "Messages: Inbox", TC_WAIT_MS));
	TC_REQUIRE(portal_list_select(tc, "Re: " SUBJECT, 5));
	TC_REQUIRE(tc_send(tc, TC_KEY_ENTER) == 0);
	TC_REQUIRE(tc_wait_text(tc, REPLY, TC_WAIT_MS));
	TC_CHECK(tc_find(tc, "> " BODY1, NULL) >= 0);
	TC_REQUIRE(bt_back_to_menu(tc));
	TC_CHECK(portal_logoff(tc, "q") == 0);
	tc_close(tc);
}

/* carol: not in her inbox, refused by the store and by `message read ID` over exec. */
static void carol_cannot_read(struct tc_fixture *fx, struct store *st, int64_t carol, int64_t id)
{
	struct store_message m = { 0 };
	char cmd[64], err[256];
	int status = -1;
	size_t n = 0;

	tc_note("carol cannot read message %lld", (long long)id);
	TC_CHECK(store_message_get(st, carol, id, &m) == BBS_ERR_NOTFOUND);
	store_message_finish(&m);

	struct tc *tc = bt_login(fx, "carol", 80, 24);
	TC_REQUIRE(tc_send(tc, PORTAL_KEY_MESSAGES) == 0);
	TC_REQUIRE(portal_wait_heading(tc, "Messages: Inbox", TC_WAIT_MS));
	TC_CHECK(tc_wait_text(tc, "No messages.", TC_WAIT_MS));
	TC_CHECK(tc_find(tc, SUBJECT, NULL) < 0);
	TC_REQUIRE(tc_send(tc, BT_TAB) == 0);
	TC_REQUIRE(portal_wait_heading(tc, "Messages: Sent", TC_WAIT_MS));
	TC_CHECK(tc_find(tc, SUBJECT, NULL) < 0);
	TC_REQUIRE(bt_back_to_menu(tc));
	TC_CHECK(portal_logoff(tc, "q") == 0);
	tc_close(tc);

	tc = tc_connect(fx, "carol", "127.0.0.1", NULL, err, sizeof err);
	TC_REQUIRE(tc != NULL);
	TC_REQUIRE(tc_auth_password(tc, TC_PASSWORD) == 0);
	(void)snprintf(cmd, sizeof cmd, "message read %lld", (long long)id);
	TC_REQUIRE(tc_open_exec(tc, cmd) == 0);
	TC_REQUIRE(tc_wait_exit(tc, &status, TC_WAIT_MS));
	const char *out = tc_output(tc, &n);
	TC_CHECK(status == 1);
	TC_CHECK(strstr(out, "no message") != NULL);
	TC_CHECK(strstr(out, BODY1) == NULL && strstr(out, SUBJECT) == NULL);
	tc_close(tc);
}

/* bob deletes SUBJECT2: gone from his inbox, still in alice's Sent. */
static void bob_deletes(struct tc_fixture *fx, struct store *st, int64_t alice)
{
	struct tc *tc = bt_login(fx, "bob", 80, 24);
	struct store_message *v = NULL;
	size_t n = 0;
	bool in_sent = false;

	tc_note("bob deletes \"%s\"", SUBJECT2);
	TC_REQUIRE(tc_send(tc, PORTAL_KEY_MESSAGES) == 0);
	TC_REQUIRE(portal_wait_heading(tc, "Messages: Inbox", TC_WAIT_MS));
	TC_REQUIRE(portal_list_select(tc, SUBJECT2, 5));
	TC_REQUIRE(tc_send(tc, "d") == 0);
	TC_REQUIRE(portal_wait_bottom(tc, "Delete this message? (y/n)", TC_WAIT_MS));
	TC_REQUIRE(tc_send(tc, "n") == 0);
	TC_REQUIRE(tc_wait_gone(tc, "Delete this message?", TC_WAIT_MS));
	TC_CHECK(tc_find(tc, SUBJECT2, NULL) >= 0);
	TC_REQUIRE(tc_send(tc, "d") == 0);
	TC_REQUIRE(portal_wait_bottom(tc, "Delete this message? (y/n)", TC_WAIT_MS));
	TC_REQUIRE(tc_send(tc, "y") == 0);
	TC_REQUIRE(portal_wait_message(tc, "Message deleted.", TC_WAIT_MS));
	TC_CHECK(tc_wait_gone(tc, SUBJECT2, TC_WAIT_MS));
	TC_CHECK(tc_find(tc, SUBJECT, NULL) >= 0);
	TC_REQUIRE(bt_back_to_menu(tc));
	TC_CHECK(portal_logoff(tc, "q") == 0);
	tc_close(tc);

	TC_REQUIRE(store_message_list(st, alice, STORE_SENT, 0, 100, &v, &n) == 0);
	for (size_t i = 0; i < n; i++)
		in_sent |= strcmp(v[i].subject, SUBJECT2) == 0;
	store_message_list_free(v, n);
	TC_CHECK(in_sent);
}

/* Hostile text from alice (through the store, as a hostile client's bytes would arrive). */
static void bob_sees_hostile(struct tc_fixture *fx)
{
	struct tc *tc = bt_login(fx, "bob", 100, 30);

	tc_note("bob reads a message with escape sequences in subject and body");
	TC_REQUIRE(tc_send(tc, PORTAL_KEY_MESSAGES) == 0);
	TC_REQUIRE(portal_wait_heading(tc, "Messages: Inbox", TC_WAIT_MS));
	TC_REQUIRE(tc_wait_text(tc, "Evil ", TC_WAIT_MS));
	TC_CHECK(tc_find(tc, "PWNED-TITLE", NULL) >= 0);  /* drawn as visible text */
	TC_REQUIRE(portal_list_select(tc, "Evil ", 5));
	TC_REQUIRE(tc_send(tc, TC_KEY_ENTER) == 0);
	TC_REQUIRE(tc_wait_text(tc, "Body ", TC_WAIT_MS));
	TC_CHECK(tc_wait_text(tc, "red", TC_WAIT_MS));
	TC_CHECK(portal_hints_last_row(tc_screen(tc)));
	TC_CHECK(portal_top_line(tc_screen(tc), "bob (member)"));
	check_events(tc, "hostile message");
	TC_REQUIRE(bt_back_to_menu(tc));
	TC_CHECK(portal_logoff(tc, "q") == 0);
	tc_close(tc);
}

/* bob blocks alice; her next message is refused, the block list shows her. */
static void bob_blocks(struct tc_fixture *fx, struct store *st, int64_t alice)
{
	struct tc *tc = bt_login(fx, "bob", 80, 24);
	int64_t id = 0;

	tc_note("bob blocks alice");
	TC_REQUIRE(tc_send(tc, PORTAL_KEY_MESSAGES) == 0);
	TC_REQUIRE(portal_wait_heading(tc, "Messages: Inbox", TC_WAIT_MS));
	TC_REQUIRE(portal_list_select(tc, SUBJECT, 5));
	TC_REQUIRE(tc_send(tc, "b") == 0);
	TC_REQUIRE(portal_wait_bottom(tc, "Block alice?", TC_WAIT_MS));
	TC_REQUIRE(tc_send(tc, "y") == 0);
	TC_REQUIRE(portal_wait_message(tc, "alice is blocked.", TC_WAIT_MS));
	/* Her messages leave the inbox. */
	TC_CHECK(tc_wait_gone(tc, SUBJECT, TC_WAIT_MS));
	TC_REQUIRE(tc_send(tc, "B") == 0);
	TC_REQUIRE(portal_wait_heading(tc, "Members you block", TC_WAIT_MS));
	TC_CHECK(tc_wait_text(tc, "alice", TC_WAIT_MS));
	TC_REQUIRE(bt_back_to_menu(tc));
	TC_CHECK(portal_logoff(tc, "q") == 0);
	tc_close(tc);

	TC_CHECK(store_message_send(st, alice, "bob", "Still there?", "Hello?", 0, NULL, &id) ==
		BBS_ERR_DENIED);

	tc = bt_login(fx, "alice", 80, 24);
	tc_note("alice's next message to bob is refused");
	TC_REQUIRE(tc_send(tc, PORTAL_KEY_MESSAGES) == 0);
	TC_REQUIRE(portal_wait_heading(tc, "Messages: Inbox", TC_WAIT_MS));
	TC_REQUIRE(tc_send(tc, "c") == 0);
	TC_REQUIRE(portal_wait_bottom(tc, "To (handle):", TC_WAIT_MS));
	TC_REQUIRE(tc_send(tc, "bob\r") == 0);
	TC_CHECK(portal_wait_message(tc, "bob does not accept messages from you", TC_WAIT_MS));
	TC_CHECK(tc_find(tc, PORTAL_EDITOR_HINT, NULL) < 0);

	/* Hostile handle: a pasted escape sequence is refused with clean text. */
	tc_note("alice pastes an escape sequence at the handle prompt");
	TC_REQUIRE(tc_send(tc, "c") == 0);
	TC_REQUIRE(portal_wait_bottom(tc, "To (handle):", TC_WAIT_MS));
	{
		static const char hostile[] = "\033]0;HANDLE-TITLE\007bo\033[2Jb";
		TC_REQUIRE(bt_paste(tc, hostile, sizeof hostile - 1) == 0);
	}
	TC_REQUIRE(tc_send(tc, "\r") == 0);
	TC_CHECK(portal_wait_message(tc, "No member with the handle", TC_WAIT_MS));
	TC_CHECK(portal_top_line(tc_screen(tc), "alice (member)"));
	check_events(tc, "hostile handle");
	TC_REQUIRE(bt_back_to_menu(tc));
	TC_CHECK(portal_logoff(tc, "q") == 0);
	tc_close(tc);
}

/* A message draft left by a dropped link is offered back and resumes the message editor. */
static void draft_resumes(struct tc_fixture *fx, struct store *st, int64_t carol)
{
	struct tc *tc;

	tc_note("carol's message draft is offered back after login");
	TC_REQUIRE(store_draft_save(st, carol, "message:alice", "Draft subject", "Draft body") == 0);
	tc = tc_login_password(fx, "carol", TC_PASSWORD, "xterm-256color", 80, 24);
	TC_REQUIRE(portal_wait_bottom(tc, "message to alice", TC_WAIT_MS));
	TC_REQUIRE(tc_send(tc, "y") == 0);
	TC_REQUIRE(portal_wait_editor(tc, "Message to", TC_WAIT_MS));
	TC_CHECK(tc_wait_text(tc, "Draft subject", TC_WAIT_MS));
	TC_CHECK(tc_wait_text(tc, "Draft body", TC_WAIT_MS));
	TC_REQUIRE(tc_send(tc, BT_CTRL_X) == 0);
	TC_REQUIRE(portal_wait_message(tc, "Message sent to alice.", TC_WAIT_MS));
	TC_REQUIRE(bt_back_to_menu(tc));
	TC_CHECK(portal_logoff(tc, "q") == 0);
	tc_close(tc);
	struct store_draft d = { 0 };
	TC_CHECK(store_draft_get(st, carol, "message:alice", &d) == BBS_ERR_NOTFOUND);
	store_draft_finish(&d);
}

int main(void)
{
	struct tc_fixture fx;
	struct tc_users u;
	struct store *st;
	int64_t alice, bob, carol, id = 0, first = 0;

	tc_fixture_standard(&fx, &u, 170);
	bt_user_add(&fx, "carol", "Carol Jones", "Hotline Network", "Civil society");
	st = bt_store_open(&fx);
	alice = bt_user_id(st, "alice");
	bob = bt_user_id(st, "bob");
	carol = bt_user_id(st, "carol");
	TC_REQUIRE(store_user_set_status(st, bob, STORE_STATUS_ACTIVE) == 0);

	alice_writes(&fx, SUBJECT, BODY1);
	{
		struct store_message *v = NULL;
		size_t n = 0;
		TC_REQUIRE(store_message_list(st, bob, STORE_INBOX, 0, 10, &v, &n) == 0);
		TC_REQUIRE(n == 1 && strcmp(v[0].subject, SUBJECT) == 0 && v[0].read_at == 0);
		first = v[0].id;
		store_message_list_free(v, n);
	}
	bob_reads_and_replies(&fx);
	alice_reads_reply(&fx);
	carol_cannot_read(&fx, st, carol, first);
	TC_REQUIRE(store_message_send(st, alice, "bob", SUBJECT2, "Nothing important.", 0, NULL,
		&id) == 0);
	bob_deletes(&fx, st, alice);
	TC_REQUIRE(store_message_send(st, alice, "bob", HOSTILE_SUBJECT, HOSTILE_BODY, 0, NULL,
		&id) == 0);
	bob_sees_hostile(&fx);
	bob_blocks(&fx, st, alice);
	draft_resumes(&fx, st, carol);
	store_close(st);
	TC_CHECK(tc_fixture_alive(&fx));
	return tc_done();
}
