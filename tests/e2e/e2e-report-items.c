/*
 * e2e-report-items: ! (report to the moderators) on a challenge (its detail screen) and on a
 * received private message, driven over SSH. ravi reports sofia's challenge with a pasted
 * reason carrying escape sequences, a C0 control and invalid UTF-8: "Reported to the
 * moderators.", stored clean; a second ! says "You reported this already." and stores
 * nothing; an empty reason reports nothing. sofia's ! on her own challenge: "You cannot report
 * your own challenge". tariq reports alice's message ("Reported to the moderators.", twice:
 * "You reported this already."); alice's ! on the message she sent: "You can report only
 * messages you received". nora (moderator) finds both in Administration > Reports with the
 * reporter and the clean reason. Never sleeps a fixed time.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/common.h"
#include "tests/e2e/e2e-challenge.h"

#define X_T "Retention periods are too short"
#define SUBJECT "Shift swap on Friday"
#define BODY "Can you take my Friday shift?"
#define EVIL_REASON "Off \033[2J\033]0;pwned\007topic \001\xff\xfe here"
#define MSG_REASON "Unsolicited advertising"

/* The reports in the queue (open and resolved), as nora sees them. */
static size_t reports(struct store *st, int64_t nora, struct store_report **v)
{
	size_t n = 0;

	*v = NULL;
	TC_REQUIRE(store_report_list(st, nora, false, 0, 100, v, &n) == 0);
	return n;
}

static bool reason_clean(const char *s)
{
	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		if (*p < 0x20 || *p == 0x7f || *p == 0xff || *p == 0xfe)
			return false;
	return strstr(s, "Off") != NULL && strstr(s, "here") != NULL;
}

/* ! then a typed reason; waits for the answer on the message row. */
static bool report(struct tc *tc, const char *reason, const char *answer)
{
	return tc_send(tc, "!") == 0 &&
		portal_wait_bottom(tc, "Reason for reporting:", TC_WAIT_MS) &&
		tc_send(tc, reason) == 0 && tc_send(tc, "\r") == 0 &&
		portal_wait_message(tc, answer, TC_WAIT_MS);
}

static bool open_inbox_message(struct tc *tc, const char *folder_heading)
{
	if (tc_send(tc, PORTAL_KEY_MESSAGES) != 0 ||
	    !portal_wait_heading(tc, "Messages: Inbox", TC_WAIT_MS))
		return false;
	if (strcmp(folder_heading, "Messages: Inbox") != 0 &&
	    (tc_send(tc, BT_TAB) != 0 || !portal_wait_heading(tc, folder_heading, TC_WAIT_MS)))
		return false;
	return portal_list_select(tc, SUBJECT, 5) && tc_send(tc, TC_KEY_ENTER) == 0 &&
		tc_wait_text(tc, BODY, TC_WAIT_MS);
}

int main(void)
{
	struct tc_fixture fx;
	struct tc_users u;
	struct store *st;
	struct tc *tc;
	struct store_report *v = NULL;
	size_t n;
	int64_t msg = 0;

	tc_fixture_standard(&fx, &u, 150);
	ch_user_add(&fx, "sofia", "Sofia Alves", "member", "Civil society", "Europe");
	ch_user_add(&fx, "ravi", "Ravi Nair", "member", "Industry", "Asia");
	ch_user_add(&fx, "tariq", "Tariq Khan", "member", "Government", "Asia");
	ch_user_add(&fx, "nora", "Nora Berg", "moderator", "Government", "Europe");
	st = bt_store_open(&fx);
	int64_t q = ch_question_id(st);
	int64_t sofia = bt_user_id(st, "sofia"), nora = bt_user_id(st, "nora");
	int64_t alice = bt_user_id(st, "alice");
	int64_t x = ch_submit(st, q, sofia, X_T, "Judges ask for the images.",
		CH_AREA_BIT(CH_NATIONAL));
	int r = store_message_send(st, alice, "tariq", SUBJECT, BODY, 0, NULL, &msg);
	if (r != 0)
		tc_fail("store_message_send: %s", bbs_strerror(r));
	n = reports(st, nora, &v);
	store_report_list_free(v, n);
	TC_REQUIRE(n == 0);

	tc_note("ravi reports sofia's challenge with a hostile pasted reason");
	tc = bt_login(&fx, "ravi", 100, 32);
	TC_REQUIRE(ch_open(tc));
	TC_REQUIRE(ch_open_detail(tc, X_T, x));
	TC_REQUIRE(tc_send(tc, "!") == 0);
	TC_REQUIRE(portal_wait_bottom(tc, "Reason for reporting:", TC_WAIT_MS));
	TC_REQUIRE(tc_send(tc, "\r") == 0);   /* empty: nothing reported */
	TC_CHECK(portal_wait_message(tc, "Not reported: please give a reason", TC_WAIT_MS));
	n = reports(st, nora, &v);
	store_report_list_free(v, n);
	TC_CHECK(n == 0);
	TC_REQUIRE(tc_send(tc, "!") == 0);
	TC_REQUIRE(portal_wait_bottom(tc, "Reason for reporting:", TC_WAIT_MS));
	/* Pasted: a typed Esc would cancel the prompt. */
	TC_REQUIRE(bt_paste(tc, EVIL_REASON, strlen(EVIL_REASON)) == 0);
	TC_REQUIRE(tc_wait_text(tc, "here", TC_WAIT_MS));
	TC_REQUIRE(tc_send(tc, "\r") == 0);
	TC_CHECK(portal_wait_message(tc, "Reported to the moderators.", TC_WAIT_MS));
	TC_CHECK(report(tc, "again", "You reported this already."));
	{
		struct tc_screen_events ev;
		tc_screen_events(tc_screen(tc), &ev);
		TC_CHECK(ev.oscs == 0);
	}
	tc_close(tc);
	n = reports(st, nora, &v);
	TC_CHECK(n == 1);
	if (n >= 1) {
		TC_CHECK(v[0].kind == STORE_REPORT_CHALLENGE && v[0].target_id == x && v[0].open);
		TC_CHECK(strcmp(v[0].reporter, "ravi") == 0);
		TC_CHECK(reason_clean(v[0].reason));
		if (!reason_clean(v[0].reason))
			tc_note("stored reason: %s", v[0].reason);
	}
	store_report_list_free(v, n);

	tc_note("sofia cannot report her own challenge");
	tc = bt_login(&fx, "sofia", 100, 32);
	TC_REQUIRE(ch_open(tc));
	TC_REQUIRE(ch_open_detail(tc, X_T, x));
	TC_REQUIRE(tc_send(tc, "!") == 0);
	TC_CHECK(portal_wait_message(tc, "You cannot report your own challenge", TC_WAIT_MS));
	TC_CHECK(tc_find(tc, "Reason for reporting:", NULL) < 0);
	tc_close(tc);

	tc_note("tariq reports alice's message, twice");
	tc = bt_login(&fx, "tariq", 100, 30);
	TC_REQUIRE(open_inbox_message(tc, "Messages: Inbox"));
	TC_CHECK(report(tc, MSG_REASON, "Reported to the moderators."));
	TC_CHECK(report(tc, "once more", "You reported this already."));
	tc_close(tc);

	tc_note("alice cannot report the message she sent");
	tc = bt_login(&fx, "alice", 100, 30);
	TC_REQUIRE(open_inbox_message(tc, "Messages: Sent"));
	TC_REQUIRE(tc_send(tc, "!") == 0);
	TC_CHECK(portal_wait_message(tc, "You can report only messages you received", TC_WAIT_MS));
	TC_CHECK(tc_find(tc, "Reason for reporting:", NULL) < 0);
	tc_close(tc);

	n = reports(st, nora, &v);
	TC_CHECK(n == 2);
	for (size_t i = 0; i < n; i++)
		if (v[i].kind == STORE_REPORT_MESSAGE)
			TC_CHECK(v[i].target_id == msg && strcmp(v[i].reporter, "tariq") == 0 &&
				strcmp(v[i].reason, MSG_REASON) == 0);
	store_report_list_free(v, n);

	tc_note("nora sees both in Administration > Reports");
	tc = bt_login(&fx, "nora", 120, 32);
	TC_REQUIRE(portal_list_select(tc, PORTAL_ADMIN, 15));
	TC_REQUIRE(tc_send(tc, TC_KEY_ENTER) == 0);
	TC_REQUIRE(portal_wait_heading(tc, PORTAL_ADMIN, TC_WAIT_MS));
	TC_REQUIRE(portal_list_select(tc, "Reports", 8));
	TC_REQUIRE(tc_send(tc, TC_KEY_ENTER) == 0);
	TC_REQUIRE(portal_wait_heading(tc, "Reports", TC_WAIT_MS));
	TC_CHECK(tc_wait_text(tc, "ravi  challenge:", TC_WAIT_MS));
	TC_CHECK(tc_wait_text(tc, "tariq  message:", TC_WAIT_MS));
	/* Open reports oldest first: the challenge is selected and its detail shown. */
	TC_CHECK(tc_wait_text(tc, "Reported challenge:", TC_WAIT_MS));
	TC_CHECK(tc_wait_text(tc, "Reason:    Off", TC_WAIT_MS));
	TC_REQUIRE(tc_send(tc, "j") == 0);
	TC_CHECK(tc_wait_text(tc, "Reported message:", TC_WAIT_MS));
	TC_CHECK(tc_wait_text(tc, "Reason:    " MSG_REASON, TC_WAIT_MS));
	{
		struct tc_screen_events ev;
		tc_screen_events(tc_screen(tc), &ev);
		TC_CHECK(ev.oscs == 0);
	}
	tc_close(tc);

	store_close(st);
	TC_CHECK(tc_fixture_alive(&fx));
	return tc_done();
}
