/*
 * seed.c: the portal's first content (site name, welcome page, "Who we are", the three focus
 * areas and their pages, the five discussion boards, the first challenge question), written
 * once into a new database.
 *
 * The text is data: sysops edit it later with store_page_set, and the UI shows whatever the
 * database holds. Must never: overwrite anything that is already there (INSERT OR IGNORE),
 * so running it again, or after a sysop's edits, changes nothing.
 */
#include "store/private.h"

#include <stdlib.h>
#include <string.h>

#include "text/text.h"

static const char site_name[] = "Protectors' Portal";

static const char welcome_body[] =
	"Welcome to the Protectors' Portal, the meeting place of an alliance of experts from "
	"government, the private sector and civil society who work together to protect children "
	"from sexual exploitation and abuse online.\n"
	"\n"
	"Our members work in many countries and in very different settings. This portal is built "
	"so that all of them can take part: it runs in any terminal, needs very little bandwidth, "
	"and keeps what you write safe even when your connection drops.\n"
	"\n"
	"Here you can read about the alliance and its three focus areas: the global response, the "
	"national response and technology solutions. Members can discuss problems on the boards, "
	"name the challenges that slow our progress, endorse the challenges others raise, and "
	"find colleagues by sector, organisation and country.\n"
	"\n"
	"If you are visiting as a guest, you can read the public pages and apply for membership. "
	"Nothing that members write is shown to guests.\n"
	"\n"
	"Moving around:\n"
	"- Arrow keys or j and k move up and down.\n"
	"- Enter opens the selected item.\n"
	"- q or Esc goes back to the previous screen.\n"
	"- ? shows help for the screen you are on.\n"
	"The bottom line of every screen lists the keys that work there.\n"
	"\n"
	"Thank you for being here, and for the work you do.";

static const char who_body[] =
	"We are an alliance of experts from government, the technology industry and the wider "
	"private sector, and civil society. We come from many countries and many professions, "
	"and we share one aim: to protect children from sexual exploitation and abuse online.\n"
	"\n"
	"No single government, company or organisation can meet this threat alone. Offenders use "
	"the same global networks and services that everyone else uses, and they move quickly. "
	"Our response has to be just as connected, and faster.\n"
	"\n"
	"We work by five shared principles:\n"
	"1. A shared purpose and urgency: children are harmed every day, and we act with that "
	"in mind.\n"
	"2. Hard conversations that challenge conventions: we say what is not working, including "
	"in our own organisations.\n"
	"3. Innovating together through collaborative relationships: the best responses come "
	"from people who would not otherwise work side by side.\n"
	"4. An open mind, with data, transparency and accountability: we follow the evidence, "
	"share what we learn, and report openly on our progress.\n"
	"5. Identifying specific problems to develop new responses: we name concrete obstacles "
	"so that we can overcome them.\n"
	"\n"
	"To put these principles into practice we ask every member one question: what is stopping "
	"us making faster progress to protect children from sexual exploitation and abuse online? "
	"The answers become the challenges that members endorse and discuss, and the results are "
	"shown openly by focus area, sector and region.\n"
	"\n"
	"News and announcements from the sysops who run this portal appear here.";

static const char global_body[] =
	"Online child sexual exploitation and abuse happens in a borderless online world. An "
	"offender, a victim and the services they use may each be in a different country, and "
	"no country can answer this on its own.\n"
	"\n"
	"The global response brings governments, industry and civil society together to "
	"coordinate action internationally. The alliance's Global Strategic Response sets out "
	"how that coordination should work: shared priorities, shared understanding of the "
	"threat, and joint action where it makes the greatest difference.\n"
	"\n"
	"In this area members discuss international cooperation, the exchange of information and "
	"good practice across borders, common standards, and the gaps that appear between "
	"jurisdictions.\n"
	"\n"
	"If something is slowing international progress, name it as a challenge so that others "
	"can endorse it and we can work on it together.";

static const char national_body[] =
	"Governments have a central role in protecting children online. Laws, law enforcement, "
	"victim support, education and regulation are all national responsibilities, and each "
	"country starts from a different place.\n"
	"\n"
	"The alliance's Model National Response guides national action. It describes the "
	"capabilities a country needs, from policy and legislation to criminal justice, victim "
	"services, industry engagement and public awareness, and helps governments see where "
	"to act first.\n"
	"\n"
	"Members from government lead this work, with the support of members from industry and "
	"civil society. In this area members share experience of putting the Model National "
	"Response into practice, compare approaches, and ask for help where they need it.\n"
	"\n"
	"If something is holding back action in your country, name it as a challenge so that "
	"others can endorse it and we can look for answers together.";

static const char technology_body[] =
	"Technology is where much of this harm takes place, and it is also where much of the "
	"response must come from. Working with the technology industry, the alliance aims to "
	"step up the collective response with technology that puts the safety of children first.\n"
	"\n"
	"In this area members discuss safety by design, detection and reporting, tools that help "
	"smaller companies protect their users, and ways to share knowledge between companies, "
	"governments and civil society while respecting privacy and the law.\n"
	"\n"
	"Engineers, trust and safety teams, researchers and policy makers are all welcome here. "
	"The most useful discussions start from a specific problem and end with something that "
	"can be built, tested or changed.\n"
	"\n"
	"If a technical or practical obstacle is slowing progress, name it as a challenge so "
	"that others can endorse it and we can work on it together.";

static const struct {
	const char *slug;
	const char *title;
	const char *body;
} seed_pages[] = {
	{ "welcome", "Welcome", welcome_body },
	{ "who-we-are", "Who we are", who_body },
	{ "area-global", "Global response", global_body },
	{ "area-national", "National response", national_body },
	{ "area-technology", "Technology solutions", technology_body },
};

/* Areas and boards have the same shape: a name, a one-line text, the slug of what they
 * refer to (an area's page, a board's area) and a position. */
struct seed_item {
	const char *slug;
	const char *name;
	const char *summary;  /* an area's summary, a board's description */
	const char *ref;      /* an area's page slug; a board's area slug or NULL (general) */
	int position;
};

static const struct seed_item seed_areas[] = {
	{ "global", "Global response",
	  "Coordinating the response across borders", "area-global", 1 },
	{ "national", "National response",
	  "Action by governments, with the support of members", "area-national", 2 },
	{ "technology", "Technology solutions",
	  "Working with industry on technology that puts safety first", "area-technology", 3 },
};

/* The discussion boards (schema 2). ref is an area slug, or NULL for a general board. */
static const struct seed_item seed_boards[] = {
	{ "general", "General discussion",
	  "Anything about our shared work that does not fit a focus area", NULL, 1 },
	{ "introductions", "Introductions",
	  "New here? Say who you are, where you work and what you hope to do", NULL, 2 },
	{ "global-coordination", "International coordination",
	  "Working across borders: cooperation, information sharing, common standards",
	  "global", 1 },
	{ "national-action", "National action",
	  "Putting the Model National Response into practice in each country", "national", 1 },
	{ "safety-by-design", "Safety by design",
	  "Building products and tools that put the safety of children first", "technology", 1 },
};

/* The first challenge question (schema 3): current, open from the start, no closing date,
 * answers visible to all. */
static const char first_question[] =
	"What is stopping us making faster progress to protect children from sexual exploitation "
	"and abuse online?";
static const char first_question_intro[] =
	"Answer by naming a specific problem: one thing that slows down your work or the work of "
	"others, such as a law, a gap in data, a missing tool or a process that does not work. "
	"Give it a short title and explain it in a few lines. Endorse the challenges of others "
	"that you recognise; the most endorsed become discussions between members.";

#define N_ELEMS(a) (sizeof (a) / sizeof (a)[0])

/* Binds text cleaned like any other text written to the store, then steps and resets. */
static int bind_clean(sqlite3_stmt *stmt, int idx, const char *s, int flags)
{
	char *clean = text_sanitize(s, strlen(s), flags);
	int err = store_bind_text(stmt, idx, clean);
	free(clean);
	return err;
}

static int step_reset(struct store *st, sqlite3_stmt *stmt, const char *what)
{
	int err = store_exec_stmt(st, stmt, what);
	sqlite3_reset(stmt);
	sqlite3_clear_bindings(stmt);
	return err;
}

/* Writes areas or boards with stmt: ?1 slug, ?2 name, ?3 summary, ?4 ref, ?5 position. */
static int seed_items(struct store *st, sqlite3_stmt *stmt, const struct seed_item *items,
	size_t n, const char *what)
{
	int err = BBS_OK;
	for (size_t i = 0; i < n && err >= 0; i++) {
		if ((err = store_bind_text(stmt, 1, items[i].slug)) >= 0
		    && (err = bind_clean(stmt, 2, items[i].name, 0)) >= 0
		    && (err = bind_clean(stmt, 3, items[i].summary, 0)) >= 0
		    && (err = store_bind_text(stmt, 4, items[i].ref)) >= 0
		    && (err = store_bind_i64(stmt, 5, items[i].position)) >= 0)
			err = step_reset(st, stmt, what);
	}
	return err;
}

static int seed_tx(struct store *st, void *ctx)
{
	sqlite3_stmt *setting = NULL, *page = NULL, *area = NULL, *board = NULL, *question = NULL;
	int err;

	if ((err = store_prepare(st, "INSERT OR IGNORE INTO settings (key, value) VALUES (?1, ?2)",
		     &setting)) < 0
	    || (err = store_prepare(st, "INSERT OR IGNORE INTO pages (slug, title, body, updated) "
			"VALUES (?1, ?2, ?3, ?4)", &page)) < 0
	    || (err = store_prepare(st, "INSERT OR IGNORE INTO areas (slug, name, summary, "
			"page_slug, position) VALUES (?1, ?2, ?3, ?4, ?5)", &area)) < 0
	    || (err = store_prepare(st, "INSERT OR IGNORE INTO boards (slug, name, description, "
			"area_id, position) VALUES (?1, ?2, ?3, "
			"(SELECT id FROM areas WHERE slug = ?4), ?5)", &board)) < 0)
		goto out;

	if ((err = store_bind_text(setting, 1, "site_name")) < 0
	    || (err = bind_clean(setting, 2, site_name, 0)) < 0
	    || (err = step_reset(st, setting, "seed settings")) < 0)
		goto out;

	/* Pages first: areas refer to them. */
	for (size_t i = 0; i < N_ELEMS(seed_pages); i++) {
		if ((err = store_bind_text(page, 1, seed_pages[i].slug)) < 0
		    || (err = bind_clean(page, 2, seed_pages[i].title, 0)) < 0
		    || (err = bind_clean(page, 3, seed_pages[i].body, TEXT_MULTILINE)) < 0
		    || (err = store_bind_i64(page, 4, bbs_now())) < 0
		    || (err = step_reset(st, page, "seed pages")) < 0)
			goto out;
	}

	/* Boards after areas: a board refers to its area (an area a sysop removed leaves the
	 * board general rather than failing the seed). */
	if ((err = seed_items(st, area, seed_areas, N_ELEMS(seed_areas), "seed areas")) < 0)
		goto out;
	if ((err = seed_items(st, board, seed_boards, N_ELEMS(seed_boards), "seed boards")) < 0)
		goto out;

	/* Only into a portal that has no question at all: a sysop's later questions (or their
	 * removal of this one from the current slot) are never undone. */
	if ((err = store_prepare(st, "INSERT INTO questions (text, intro, opens, closes, "
			"reveal_after_answer, current, created) SELECT ?1, ?2, 0, 0, 0, 1, ?3 "
			"WHERE NOT EXISTS (SELECT 1 FROM questions)", &question)) < 0
	    || (err = bind_clean(question, 1, first_question, TEXT_MULTILINE)) < 0
	    || (err = bind_clean(question, 2, first_question_intro, TEXT_MULTILINE)) < 0
	    || (err = store_bind_i64(question, 3, bbs_now())) < 0)
		goto out;
	err = step_reset(st, question, "seed question");
out:
	sqlite3_finalize(question);
	sqlite3_finalize(board);
	sqlite3_finalize(setting);
	sqlite3_finalize(page);
	sqlite3_finalize(area);
	return err;
}

int store_seed(struct store *st)
{
	return store_write(st, seed_tx, NULL);
}
