/*
 * e2e-challenge.h: shared helpers of the challenge-question end-to-end tests
 * (e2e-challenge-*.c, issue 4). Members with a sector and a region, the question and its
 * challenges set up and checked through the store API, and the screen steps of the contract
 * (/work/briefs/challenge-contract.md): opening the challenge screen, submitting through the
 * editor and the area chooser, reading list rows ("N endorsements", the "+" marker),
 * selecting rows in either direction, and sections of the detail and results screens.
 * Builds on e2e-boards.h (store open, login, messages). The SQL stays in store/; never sleeps
 * a fixed time (waits are for text, a condition, or a quiet channel).
 */
#ifndef BBS_TEST_E2E_CHALLENGE_H
#define BBS_TEST_E2E_CHALLENGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "store/store.h"
#include "tests/e2e/e2e-boards.h"
#include "tests/e2e/portal.h"
#include "tests/e2e/tclient.h"

/* The contract's words. */
#define CH_MENU_ITEM "The challenge question"
#define CH_MENU_KEY PORTAL_KEY_CHALLENGE
#define CH_HEADING "The challenge question"
#define CH_SUBMITTED "Challenge submitted."
#define CH_ENDORSED "Endorsed."
#define CH_TAKEN_BACK "Endorsement taken back."
#define CH_OWN "You cannot endorse your own challenge"
#define CH_ONLY_MODS "Only moderators can do that"
#define CH_CLOSED "This question is closed: no new answers"
#define CH_REVEAL "Other members' answers are shown after you submit your own."
#define CH_AREAS "Focus areas for your challenge"
#define CH_NO_AREA "Choose at least one focus area"
#define CH_SORT_ENDORSED "Sorted by: most endorsed"
#define CH_SORT_NEWEST "Sorted by: newest"
#define CH_HIDDEN_PREFIX "[hidden by a moderator: "
#define CH_MERGED "Merged."
#define CH_PROMOTED "Promoted to a discussion."
#define CH_REASON_PROMPT "Reason for hiding: "
#define CH_SETTINGS "Question settings"
#define CH_MODLOG "Moderation record"
#define CH_RESULTS "Results"

/* Focus areas, in menu order (the seed's slugs and names). */
enum { CH_GLOBAL = 0, CH_NATIONAL = 1, CH_TECHNOLOGY = 2, CH_N_AREAS = 3 };
#define CH_AREA_BIT(i) (1u << (i))
extern const char *const ch_area_slugs[CH_N_AREAS];
extern const char *const ch_area_names[CH_N_AREAS];

/* ---------------------------------------------------------------- setup (store API) */

/*
 * A member with a profile: `bbsctl user add HANDLE --role ROLE --password-stdin --name NAME
 * --sector SECTOR --region REGION` (password TC_PASSWORD). When this bbsctl has no --region,
 * the user is added through store_user_add with the same fields instead (the password
 * hashed with keys_password_hash), and a note says so. Fails the test on error.
 * Call it before the test opens its own store connection: a second connection opened and
 * closed in this process while the first is open loses the first one's POSIX locks (see
 * store_open's create_private), after which other processes stop seeing its commits.
 */
void ch_user_add(struct tc_fixture *fx, const char *handle, const char *name, const char *role,
	const char *sector, const char *region);
/* True when the stored profile has this sector and region (a note says what it has). */
bool ch_profile_is(struct store *st, const char *handle, const char *sector, const char *region);

/* The current question's id (store_question_current); fails the test when there is none. */
int64_t ch_question_id(struct store *st);
/* The focus area ids, indexed CH_GLOBAL.. (by the seed's slugs); fails the test if absent. */
void ch_area_ids(struct store *st, int64_t ids[CH_N_AREAS]);
/* store_challenge_submit with the areas in mask (CH_AREA_BIT); returns the id. */
int64_t ch_submit(struct store *st, int64_t question_id, int64_t author, const char *title,
	const char *body, unsigned mask);
/* store_challenge_endorse(on); fails the test on error. */
void ch_endorse(struct store *st, int64_t id, int64_t user);
/* store_challenge_get as viewer; fails the test on error. Free with store_challenge_finish. */
void ch_get(struct store *st, int64_t viewer, int64_t id, struct store_challenge *out);
/* Every listed challenge of the question for viewer (order as given, all areas, authors). */
size_t ch_list(struct store *st, int64_t viewer, int64_t question_id,
	enum store_challenge_order order, struct store_challenge **v, bool *reveal_pending);
/* Keeps the question's text and intro, sets opens/closes/reveal (store_question_update as
 * actor, a moderator). Fails the test on error. */
void ch_question_set(struct store *st, int64_t actor, int64_t question_id, int64_t opens,
	int64_t closes, bool reveal);
/* Entries in the moderation record (first 1000). */
size_t ch_modlog_count(struct store *st);
/* "YYYY-MM-DD" of a unix time in UTC. */
void ch_date(int64_t t, char *buf, size_t n);

/*
 * Waits (pumping the client so its screen stays current) until cond(arg) is true or ms pass.
 * For conditions on the store after a key was sent. Returns the last value.
 */
bool ch_wait_cond(struct tc *tc, bool (*cond)(void *arg), void *arg, const char *what, int ms);

/*
 * A sample for the results and export tests: seven members (ada, bo, cy, dee, eli, fay, gus)
 * with sectors and regions; ada..fay each submitted one challenge, with 6, 5, 4, 3, 2 and 1
 * endorsements (distinct, so orders are certain); gus answered nothing.
 */
#define CH_SAMPLE_N 6
struct ch_sample {
	int64_t question_id;
	int64_t ids[CH_SAMPLE_N];           /* most endorsed first */
	const char *titles[CH_SAMPLE_N];
	long counts[CH_SAMPLE_N];
	unsigned areas[CH_SAMPLE_N];        /* CH_AREA_BIT masks */
	int64_t viewer;                     /* gus */
};
/* Adds the members (bbsctl), then opens the store and puts the sample in; returns the store. */
struct store *ch_sample_setup(struct tc_fixture *fx, struct ch_sample *s);

/* ---------------------------------------------------------------- screens */

/* From the main menu: 5, waits for the challenge screen. Returns false (screen printed). */
bool ch_open(struct tc *tc);
/* Waits for the challenge screen (heading and hints) and a settled redraw. */
bool ch_wait_screen(struct tc *tc);

/*
 * The list row showing text (the first BT_LIST_PREFIX bytes of a title are enough): its
 * endorsement count ("N endorsements" / "1 endorsement", -1 when the row has none) and
 * whether it carries the "+" marker left of the title. Returns the row, -1 when absent.
 */
int ch_row(const struct tc_screen *sc, const char *text, long *count, bool *plus);
/* Waits until the row with text shows count endorsements and the marker as given. */
bool ch_wait_row(struct tc *tc, const char *text, long count, bool plus, int ms);

/*
 * Moves the list selection (">" and reverse video) with Down, and then Up, until the row
 * with text is selected; every key's effect is waited for. Returns false (screen printed).
 */
bool ch_select(struct tc *tc, const char *text);
/* Selects the row with title and opens it (Enter): waits for the heading "Challenge #id". */
bool ch_open_detail(struct tc *tc, const char *title, int64_t id);

/*
 * In the area chooser ("Focus areas for your challenge"): moves the chooser's cursor and
 * toggles with Space until exactly the areas in mask are "[x]" (each step waited for).
 * Does not confirm. Returns false (screen printed).
 */
bool ch_choose_areas(struct tc *tc, unsigned mask);
/*
 * On the challenge screen: a, the title, Tab, the body (newlines as Enter), ^X, the areas,
 * Enter; waits for "Challenge submitted." and the challenge screen. Returns false.
 */
bool ch_submit_ui(struct tc *tc, const char *title, const char *body, unsigned mask);

/*
 * Rows between the row holding `from` and the next row holding `to` (or the hints), as a
 * check: some row there reads exactly "<label>: <count>" after leading blanks. -1 when
 * `from` is not on the screen.
 */
int ch_section_has(const struct tc_screen *sc, const char *from, const char *to,
	const char *label, long count);
/* Lines in that section that look like "label: N" (counts every such row). */
int ch_section_lines(const struct tc_screen *sc, const char *from, const char *to);
/* The row index of text in the section (first match), or -1. */
int ch_section_row(const struct tc_screen *sc, const char *from, const char *to,
	const char *text);

#endif
