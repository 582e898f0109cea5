/*
 * store: the portal's SQLite database. The only module that includes sqlite3.h.
 *
 * One database file per portal (DIR/portal.db). WAL mode, foreign keys on, a busy timeout,
 * short write transactions, every statement prepared with bound parameters. The schema is
 * versioned with PRAGMA user_version and migrated forward on open. Each process opens its
 * own connection with store_open().
 *
 * Text handed to the store is cleaned (text_sanitize) before it is written; text read back is
 * clean. Strings in returned structs are heap-allocated and owned by the struct; free them with
 * the matching *_free / *_finish function (all accept NULL).
 */
#ifndef BBS_STORE_H
#define BBS_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct store;

/*
 * Size limits, in bytes of input before cleaning. Longer input is refused with BBS_ERR_TOOBIG
 * (nothing is truncated silently). Cleaning may make stored text longer (caret notation).
 */
#define STORE_FIELD_MAX 256        /* one-line fields: names, titles, summaries, comments */
#define STORE_SLUG_MAX 64          /* page and area slugs, setting keys: [a-z0-9_.-] */
#define STORE_SETTING_MAX 4096     /* a setting's value */
#define STORE_BODY_MAX 65536       /* a page body */
#define STORE_TOKEN_MAX 512        /* key types, fingerprints, password hashes */
#define STORE_KEY_BLOB_MAX 16384   /* base64 key blob */

/*
 * Errors, for every function below: BBS_ERR_INVALID for a malformed argument (bad handle,
 * slug, role...), BBS_ERR_TOOBIG over a limit, BBS_ERR_EXISTS when a unique value is taken,
 * BBS_ERR_NOTFOUND when the row (or the row it refers to) does not exist, BBS_ERR_BUSY when
 * other writers kept the database locked through the busy timeout and retries, BBS_ERR_DB
 * for anything else (logged). Out-parameters are cleared on entry and set only on success.
 */

/* Opens (creating if needed) the database at path and migrates it to the newest schema.
 * Returns 0 and sets *out, or a negative bbs_err. A new file is created with mode 0600.
 * Sets WAL mode, synchronous=FULL (a commit that returned survives a crash), foreign keys
 * and a busy timeout. A database whose schema is newer than store_schema_version() is
 * refused with BBS_ERR_DB (and logged) without being changed. */
int store_open(const char *path, struct store **out);
void store_close(struct store *st);
/* For a connection that writes only bookkeeping (bbsd's login records and session rows):
 * commits stop waiting for the disk (synchronous=NORMAL). The database stays consistent; a
 * power cut may lose the last of these commits, never a member's post (other connections keep
 * FULL). */
int store_relax_sync(struct store *st);

/* The schema version this build migrates to. */
int store_schema_version(void);

/* For migration tests only: store_open, but migrates no further than schema version version
 * (1..store_schema_version(); BBS_ERR_INVALID otherwise). A file already at a newer version
 * that this build knows is opened as it is. Never use it on a portal's database: the rest
 * of the store expects the newest schema. */
int store_open_at_version(const char *path, int version, struct store **out);

/* Writes the seed content (site name, welcome page, focus areas and their pages, the
 * "Who we are" page) if it is not there yet. Running it again changes nothing. */
int store_seed(struct store *st);

/* Settings: small key/value strings (e.g. "site_name"). *out is a heap string. */
int store_setting_get(struct store *st, const char *key, char **out);
int store_setting_set(struct store *st, const char *key, const char *value);

/* ---- users ---- */
enum store_role { STORE_ROLE_MEMBER = 1, STORE_ROLE_MODERATOR = 2, STORE_ROLE_SYSOP = 3 };
/* PENDING: an application waiting for a sysop (schema 4); DECLINED: an application a sysop
 * turned down. Only ACTIVE members may use the portal. */
enum store_status { STORE_STATUS_ACTIVE = 0, STORE_STATUS_DISABLED = 1, STORE_STATUS_PENDING = 2,
	STORE_STATUS_DECLINED = 3 };

/* Returns "member", "moderator", "sysop" (or "?"); parses the same words (BBS_ERR_INVALID). */
const char *store_role_name(int role);
int store_role_parse(const char *name, int *role);
/* "active", "disabled", "pending", "declined" (or "?"). */
const char *store_status_name(int status);

struct store_user {
	int64_t id;
	char *handle;
	char *display_name;
	char *organisation;
	char *sector;
	char *country;
	int role;            /* enum store_role */
	int status;          /* enum store_status */
	char *pwhash;        /* Argon2id string from keys_password_hash, or NULL if no password */
	int64_t created;     /* unix seconds */
	int64_t last_login;  /* unix seconds, 0 if never */
	char *region;        /* schema 3: where the member works ("" if not stated), one line */
	/* schema 4: profile and preferences (store_user_set_profile / store_user_set_prefs) */
	char *bio;                 /* short multi-line text, "" if none */
	bool in_directory;         /* listed in the member directory (new members: true) */
	bool named_endorsements;   /* named in endorsement breakdowns (new members: false) */
	bool must_change_password; /* a sysop reset the password: choose a new one at login */
	char *timezone;            /* IANA zone name for displayed times, "" = UTC */
	bool ascii_only;           /* draw with ASCII characters only */
	bool colour;               /* use colours (new members: true) */
	/* schema 5 (store_admin_user_edit, store_silence) */
	bool verified;             /* affiliation verified by a sysop (shown as a mark) */
	int64_t silenced_until;    /* 0, or unix seconds: no posting until then (store_silence) */
	char *silence_reason;      /* the moderator's reason, "" when never silenced */
	/* schema 7 (store_user_set_prefs, store_user_set_resume, store_user_remove) */
	bool compact;              /* the denser screen layout */
	bool line_mode;            /* the plain line mode instead of the full-screen UI */
	char *resume;              /* where the member was when the link dropped, "" if none */
	bool removed;              /* deleted by a sysop: handle and profile replaced */
};
void store_user_free(struct store_user *u);
void store_user_list_free(struct store_user **v, size_t n);

/* Adds a user. handle must be bbs_handle_valid(); display_name etc. may be NULL (empty).
 * pwhash may be NULL. Returns BBS_ERR_EXISTS if the handle is taken. Sets *id if id != NULL.
 * role 0 means STORE_ROLE_MEMBER; created 0 means now; u->id is ignored. Profile text is
 * cleaned (one line each, at most STORE_FIELD_MAX bytes of input). A reserved handle
 * (store_handle_reserved) is BBS_ERR_INVALID. The schema-4 fields of u (bio, in_directory ...
 * colour) are ignored: a new member gets the defaults noted in struct store_user. */
int store_user_add(struct store *st, const struct store_user *u, int64_t *id);
/* Looks a user up by handle. BBS_ERR_NOTFOUND if there is none (also for a string that is
 * not a valid handle at all). Text fields are never NULL ("" when empty), except pwhash. */
int store_user_get(struct store *st, const char *handle, struct store_user **out);
int store_user_get_by_id(struct store *st, int64_t id, struct store_user **out);
/* All users ordered by handle, removed members left out; *v is a heap array of heap structs. */
int store_user_list(struct store *st, struct store_user ***v, size_t *n);
/* The setters return BBS_ERR_NOTFOUND for an unknown id, BBS_ERR_INVALID for a value
 * outside its enum. (last_login and a key's last use: store_login_record.) */
int store_user_set_status(struct store *st, int64_t id, int status);
int store_user_set_role(struct store *st, int64_t id, int role);
/* pwhash may be NULL to remove the password. Clears must_change_password (the member chose
 * it, or a sysop set it for good). */
int store_user_set_password(struct store *st, int64_t id, const char *pwhash);
/* A sysop's password reset: sets the password and must_change_password, so that the member
 * must choose a new one at the next login. pwhash must not be NULL (BBS_ERR_INVALID). */
int store_user_reset_password(struct store *st, int64_t id, const char *pwhash);

/* ---- user keys (authorized public keys) ---- */
struct store_key {
	int64_t id;
	int64_t user_id;
	char *type;          /* "ssh-ed25519", "ecdsa-sha2-nistp256", "ssh-rsa", ... */
	char *blob;          /* base64 of the public key blob, as in authorized_keys */
	char *fingerprint;   /* "SHA256:..." as ssh-keygen -lf prints it */
	char *comment;       /* may be empty, never NULL */
	int64_t added;
	int64_t last_used;   /* 0 if never */
};
void store_key_list_free(struct store_key *v, size_t n);

/* Authorizes a key for a user. BBS_ERR_EXISTS if this user already has this key,
 * BBS_ERR_NOTFOUND if there is no such user, BBS_ERR_INVALID if type or fingerprint is not
 * printable ASCII without spaces or blob is not base64. comment may be NULL (stored ""). */
int store_key_add(struct store *st, int64_t user_id, const char *type, const char *blob,
	const char *fingerprint, const char *comment, int64_t *id);
/* The user's keys, oldest first. *v is a heap array (may be NULL when *n == 0). */
int store_key_list(struct store *st, int64_t user_id, struct store_key **v, size_t *n);
/* Removes the user's key with that fingerprint. BBS_ERR_NOTFOUND if none. */
int store_key_remove(struct store *st, int64_t user_id, const char *fingerprint);
/* A member removing their own key: as store_key_remove, but BBS_ERR_DENIED (and nothing
 * removed) when it is their last key and they have no password (their last way in). */
int store_key_remove_own(struct store *st, int64_t user_id, const char *fingerprint);

/* ---- content: pages and focus areas ---- */
struct store_page {
	char *slug;     /* "welcome", "who-we-are", "area-global", ... */
	char *title;
	char *body;     /* multi-line clean text; blank lines separate paragraphs */
	int64_t updated;
};
void store_page_finish(struct store_page *p);
/* Fills *out (cleared first; free with store_page_finish). BBS_ERR_NOTFOUND if none. */
int store_page_get(struct store *st, const char *slug, struct store_page *out);
/* Creates or replaces a page. slug is [a-z0-9_.-]; title is cleaned as one line, body as
 * multi-line text (at most STORE_BODY_MAX bytes). updated becomes now. */
int store_page_set(struct store *st, const char *slug, const char *title, const char *body);

struct store_area {
	int64_t id;
	char *slug;       /* "global", "national", "technology" */
	char *name;       /* "Global response" */
	char *summary;    /* one line for menus */
	char *page_slug;  /* the area's description page ("" if none) */
	int position;
	bool archived;    /* only store_area_list_all lists archived areas */
};
void store_area_list_free(struct store_area *v, size_t n);
/* Focus areas in menu order (not archived). */
int store_area_list(struct store *st, struct store_area **v, size_t *n);

/* ---- discussion boards (schema version 2) ---- */
#define STORE_TITLE_MAX 200        /* a discussion title, bytes of input */
#define STORE_POST_MAX 65536       /* a post body, bytes of input */
#define STORE_QUERY_MAX 256        /* a search query */

struct store_board {
	int64_t id;
	int64_t area_id;        /* 0 for a general board not tied to a focus area */
	char *slug;             /* "general", "global-coordination", ... */
	char *name;
	char *description;
	int position;
	int64_t threads;        /* discussions in the board */
	int64_t unread;         /* discussions with posts the member has not read */
	int64_t last_post_at;   /* unix seconds, 0 if the board is empty */
	bool archived;          /* schema 5 lists (store_board_list_all, store_board_get) */
};
void store_board_finish(struct store_board *b);
void store_board_list_free(struct store_board *v, size_t n);
/* Boards in menu order with counts for member user_id. area_id: -1 all boards, 0 only
 * general boards, > 0 only that focus area's boards. Menu order: general boards by position,
 * then each area's boards (areas by their position). Archived boards are left out of lists;
 * store_board_get finds them (BBS_ERR_NOTFOUND for no such board). */
int store_board_list(struct store *st, int64_t user_id, int64_t area_id,
	struct store_board **v, size_t *n);
int store_board_get(struct store *st, int64_t user_id, int64_t board_id, struct store_board *out);

struct store_thread {
	int64_t id;
	int64_t board_id;
	char *title;
	int64_t author_id;
	char *author_handle;
	char *author_name;       /* display name ("" if none) */
	int64_t created;
	int64_t last_post_at;
	int64_t posts;           /* posts in the discussion, including the first */
	bool pinned;
	bool locked;             /* no new replies */
	int64_t unread;          /* posts member user_id has not read */
	int64_t first_unread;    /* seq of the first unread post, 0 if all read */
	int64_t challenge_id;    /* schema 3: the challenge it was promoted from, 0 if none */
};
void store_thread_finish(struct store_thread *t);
void store_thread_list_free(struct store_thread *v, size_t n);
/* One page of a board's discussions for member user_id: pinned first, then by latest
 * activity (newest first), then by id. Fast at any offset for boards of 100,000 discussions. */
int store_thread_page(struct store *st, int64_t user_id, int64_t board_id, int64_t offset,
	int64_t limit, struct store_thread **v, size_t *n);
int store_thread_get(struct store *st, int64_t user_id, int64_t thread_id,
	struct store_thread *out);
/* Starts a discussion: title (one line, 1..STORE_TITLE_MAX bytes) and its first post (body,
 * multi-line, 1..STORE_POST_MAX bytes), both cleaned, in one transaction. The author has read
 * their own post. Sets *thread_id and *post_id when not NULL. Over a limit: BBS_ERR_TOOBIG
 * (checked first); empty after trimming white space: BBS_ERR_INVALID (titles are trimmed,
 * bodies lose leading blank lines and trailing white space). No such board or author:
 * BBS_ERR_NOTFOUND; an archived board: BBS_ERR_DENIED. client_token: NULL, or a
 * caller-chosen token (1..64 bytes of printable ASCII without spaces, else BBS_ERR_INVALID)
 * that makes the call idempotent per author: a second call with the same token creates
 * nothing and returns the ids of the first (BBS_ERR_EXISTS if the token was used for another
 * board). When 0 is returned the discussion is on disk (synchronous commit). */
int store_thread_create(struct store *st, int64_t board_id, int64_t author_id, const char *title,
	const char *body, const char *client_token, int64_t *thread_id, int64_t *post_id);

/* Moderation: pins or unpins, locks or unlocks a discussion (the caller checks the role).
 * BBS_ERR_NOTFOUND for no such discussion. */
int store_thread_set_pinned(struct store *st, int64_t thread_id, bool pinned);
int store_thread_set_locked(struct store *st, int64_t thread_id, bool locked);

struct store_post {
	int64_t id;
	int64_t thread_id;
	int64_t seq;             /* 1-based position in the discussion */
	int64_t author_id;
	char *author_handle;
	char *author_name;
	char *author_org;
	char *author_sector;
	char *body;              /* "" when deleted */
	int64_t created;
	int64_t edited;          /* time of the last edit, 0 if never edited */
	bool deleted;            /* removed by its author (the record is kept) */
	int64_t quote_of;        /* id of the post this one quotes, 0 if none */
	/* schema 5: hidden by a moderator (store_post_hide). store_post_range and
	 * store_post_get keep the body; store_post_range_for blanks it for members. */
	bool hidden;
	char *hidden_reason;     /* "" unless hidden */
	int64_t hidden_at;       /* 0 unless hidden */
};
void store_post_finish(struct store_post *p);
void store_post_list_free(struct store_post *v, size_t n);
/* Posts of a discussion with seq >= from_seq, in order, at most limit (1..1000; more is
 * capped). *v is NULL when *n == 0. BBS_ERR_NOTFOUND for no such discussion. */
int store_post_range(struct store *st, int64_t thread_id, int64_t from_seq, int64_t limit,
	struct store_post **v, size_t *n);
int store_post_get(struct store *st, int64_t post_id, struct store_post *out);
/* Replies to a discussion (quote_of: a post id in the same discussion, or 0; else
 * BBS_ERR_INVALID). The author has read their reply when they had read every post before it
 * (if others posted while they wrote, those posts stay unread for them). BBS_ERR_DENIED if
 * the discussion is locked (or its board archived). client_token as above (BBS_ERR_EXISTS if
 * it was used in another discussion). Sizes and errors as for store_thread_create. When 0 is
 * returned the reply is on disk. */
int store_post_reply(struct store *st, int64_t thread_id, int64_t author_id, const char *body,
	int64_t quote_of, const char *client_token, int64_t *post_id);
/* Edits a post: only its author (BBS_ERR_DENIED otherwise, or if deleted). The earlier text is
 * kept as a version; edited becomes now. The same text again changes nothing. */
int store_post_edit(struct store *st, int64_t post_id, int64_t user_id, const char *body);
/* Earlier versions of a post, oldest first (bodies only). (*bodies)[i] is a heap string and
 * (*times)[i] the time that text was written (posted or edited); free all three with
 * store_post_versions_free. A deleted post's last text is its last version. BBS_ERR_NOTFOUND
 * if there is no such post. */
int store_post_versions(struct store *st, int64_t post_id, char ***bodies, int64_t **times,
	size_t *n);
void store_post_versions_free(char **bodies, int64_t *times, size_t n);
/* Deletes a post as its author (BBS_ERR_DENIED for anyone else): it shows as removed by its
 * author; the record and its versions are kept (its text becomes the last version). Deleting
 * it again changes nothing and returns 0. */
int store_post_delete(struct store *st, int64_t post_id, int64_t user_id);

/* ---- read state ---- */
/* Marks posts up to and including seq as read for the member (never moves backwards; a seq
 * past the end means all). Cheap when nothing changes (no write). BBS_ERR_NOTFOUND for no
 * such discussion. */
int store_thread_mark_read(struct store *st, int64_t user_id, int64_t thread_id, int64_t seq);
int store_board_mark_read(struct store *st, int64_t user_id, int64_t board_id);
int store_mark_all_read(struct store *st, int64_t user_id);
/* Discussions with unread posts, over all boards that are not archived (the sum of the
 * unread counts of store_board_list(area -1)). */
int store_unread_total(struct store *st, int64_t user_id, int64_t *count);
/* The next discussion with unread posts (oldest unread activity first: the discussion whose
 * newest post is oldest, over all boards that are not archived) and the seq of its first
 * unread post. BBS_ERR_NOTFOUND when everything is read. */
int store_next_unread(struct store *st, int64_t user_id, int64_t *thread_id, int64_t *seq);

/* ---- search (FTS5 over post bodies and discussion titles) ---- */
struct store_hit {
	int64_t post_id;
	int64_t thread_id;
	int64_t seq;
	char *thread_title;
	char *author_handle;
	char *snippet;           /* one line of clean text around the match */
	int64_t created;
};
void store_hit_list_free(struct store_hit *v, size_t n);
/* Best-ranked posts matching the member's words (plain words, not FTS syntax: every word must
 * match; quotes and operators in the input are treated as text). When the words as typed
 * match fewer than limit posts and the last word has at least 3 letters, it also matches as
 * a prefix ("encrypt" finds "encryption").
 * A discussion's title counts as part of its first post (and weighs twice). Ranked by bm25
 * among the 5,000 most recent matching posts (so a common word stays fast), at most limit
 * hits (1..200). Deleted posts are never found. BBS_ERR_INVALID for a query
 * with no words (e.g. only punctuation), BBS_ERR_TOOBIG over STORE_QUERY_MAX bytes. */
int store_search(struct store *st, int64_t user_id, const char *query, int64_t limit,
	struct store_hit **v, size_t *n);

/* ---- drafts: what a member is writing, saved continuously ---- */
struct store_draft {
	char *context;   /* what it is for: "new:BOARD_ID", "reply:THREAD_ID[:QUOTED_POST_ID]",
	                    "edit:POST_ID", "challenge:QUESTION_ID", "challenge-edit:CHALLENGE_ID",
	                    schema 4: "message:HANDLE" (a new private message to HANDLE),
	                    "message-reply:MESSAGE_ID" */
	char *title;     /* "" for replies */
	char *body;
	int64_t updated;
};
void store_draft_finish(struct store_draft *d);
/* Creates or replaces the member's draft for context (exactly one of the forms above, else
 * BBS_ERR_INVALID). Sizes as for posts (BBS_ERR_TOOBIG); text is cleaned but may be empty.
 * get/delete: BBS_ERR_NOTFOUND when there is no such draft. */
int store_draft_save(struct store *st, int64_t user_id, const char *context, const char *title,
	const char *body);
int store_draft_get(struct store *st, int64_t user_id, const char *context, struct store_draft *out);
/* The member's most recently updated draft; BBS_ERR_NOTFOUND if none. */
int store_draft_latest(struct store *st, int64_t user_id, struct store_draft *out);
int store_draft_delete(struct store *st, int64_t user_id, const char *context);

/* ---- for benchmarks and tests ---- */
/* Generates `threads` discussions holding `posts` posts in all (posts >= threads) in board
 * board_id, with random (deterministic for a seed) titles and bodies by up to 200 generated
 * members ("bench-u000".."bench-u199", created if missing), spread over the last two years,
 * in large transactions. Keeps every counter and the search index as the API would. About
 * one post in 50,000 contains the rare word "quokka"; "safety" is a common word. Never call
 * this on a portal's real database. */
int store_bench_generate(struct store *st, int64_t board_id, int64_t threads, int64_t posts,
	uint64_t seed);

/* ---- the challenge question (schema version 3) ----
 *
 * The alliance asks its members one question at a time; members answer by naming specific
 * problems (challenges), endorse each other's, and moderators group duplicates and turn the
 * strongest into discussions. Results are open: counts by sector and region.
 * Permission checks live here too: actor_id is the member doing it; moderator-only functions
 * return BBS_ERR_DENIED for members (role < STORE_ROLE_MODERATOR), whatever the caller.
 */
#define STORE_CHALLENGE_TITLE_MAX 160   /* one line */
#define STORE_CHALLENGE_BODY_MAX 8192   /* the explanation */

struct store_question {
	int64_t id;
	char *text;            /* the question itself, one paragraph */
	char *intro;           /* an optional note under it ("" if none) */
	int64_t opens;         /* unix seconds; 0 = open from creation */
	int64_t closes;        /* unix seconds; 0 = no closing date */
	bool reveal_after_answer; /* members see others' answers only after submitting their own */
	bool current;          /* the question shown from the main menu */
	int64_t created;
	int64_t respondents;   /* members who submitted at least one challenge */
	int64_t challenges;    /* visible (not withdrawn, not merged away) challenges */
};
void store_question_finish(struct store_question *q);
void store_question_list_free(struct store_question *v, size_t n);
/* True when members may submit now (opens <= now < closes). */
bool store_question_is_open(const struct store_question *q, int64_t now);
/* The current question. BBS_ERR_NOTFOUND if none. */
int store_question_current(struct store *st, struct store_question *out);
int store_question_get(struct store *st, int64_t id, struct store_question *out);
/* All questions, newest first (the archive). */
int store_question_list(struct store *st, struct store_question **v, size_t *n);
/* Moderators: creates a question and makes it current (the previous one stays in the archive).
 * text 1..STORE_FIELD_MAX*4 bytes, cleaned multi-line. */
int store_question_create(struct store *st, int64_t actor_id, const char *text, const char *intro,
	int64_t opens, int64_t closes, bool reveal_after_answer, int64_t *id);
int store_question_update(struct store *st, int64_t actor_id, int64_t id, const char *text,
	const char *intro, int64_t opens, int64_t closes, bool reveal_after_answer);
int store_question_set_current(struct store *st, int64_t actor_id, int64_t id);

struct store_challenge {
	int64_t id;
	int64_t question_id;
	char *title;
	char *body;
	int64_t author_id;
	char *author_handle;
	char *author_name;
	char *credits;         /* handles credited after merges, comma-separated, "" if none */
	int64_t *areas;        /* focus area ids it is tagged with */
	size_t nareas;
	int64_t created;
	int64_t edited;        /* 0 if never */
	int64_t endorsements;  /* distinct members who endorse it (merges combined) */
	bool endorsed_by_viewer;
	bool withdrawn;        /* by its author */
	bool hidden;           /* by a moderator */
	char *hidden_reason;   /* "" unless hidden */
	int64_t hidden_at;
	int64_t merged_into;   /* 0, or the challenge it was merged into */
	int64_t thread_id;     /* the discussion it was promoted to, 0 if none */
};
void store_challenge_finish(struct store_challenge *c);
void store_challenge_list_free(struct store_challenge *v, size_t n);

/* Submits a challenge to an open question. areas: 1..8 focus area ids. Refused with
 * BBS_ERR_DENIED when the question is closed or not yet open. client_token as for posts. */
int store_challenge_submit(struct store *st, int64_t question_id, int64_t author_id,
	const char *title, const char *body, const int64_t *areas, size_t nareas,
	const char *client_token, int64_t *id);
/* The author, while the question is open (BBS_ERR_DENIED otherwise). */
int store_challenge_edit(struct store *st, int64_t id, int64_t actor_id, const char *title,
	const char *body, const int64_t *areas, size_t nareas);
int store_challenge_withdraw(struct store *st, int64_t id, int64_t actor_id);
/* A challenge as viewer_id may see it: BBS_ERR_DENIED when answer-before-reveal hides it from
 * this viewer; hidden ones come back with hidden=true and, for members other than moderators,
 * title and body blanked. */
int store_challenge_get(struct store *st, int64_t viewer_id, int64_t id, struct store_challenge *out);

enum store_challenge_order { STORE_CH_BY_ENDORSEMENTS = 0, STORE_CH_NEWEST = 1 };
/* Added by the store: a viewer_id for exports and published results (bbsctl challenge
 * export): sees what a member who has answered sees (hidden ones blanked, no
 * answer-before-reveal restriction, endorsed_by_viewer false). Never a real member's id. */
#define STORE_VIEWER_PUBLIC ((int64_t)-1)
/* Lists a question's challenges for viewer_id (not withdrawn, not merged away; hidden ones
 * included as above). area_id 0 = all areas; author_id 0 = everyone's. When answer-before-reveal
 * applies and the viewer (not a moderator) has not submitted yet, only the viewer's own are
 * listed and *reveal_pending is set true. */
int store_challenge_list(struct store *st, int64_t viewer_id, int64_t question_id,
	enum store_challenge_order order, int64_t area_id, int64_t author_id, int64_t offset,
	int64_t limit, struct store_challenge **v, size_t *n, bool *reveal_pending);

/* Endorses (on) or takes back (off) a challenge: once per member, never one's own
 * (BBS_ERR_DENIED), idempotent (endorsing twice is one endorsement, returns 0). Also refused
 * while the viewer may not see it. */
int store_challenge_endorse(struct store *st, int64_t id, int64_t user_id, bool on);

struct store_count {
	char *label;     /* a sector, a region, an area name; "Not stated" for empty */
	int64_t count;
};
void store_count_list_free(struct store_count *v, size_t n);
enum store_breakdown { STORE_BY_SECTOR = 0, STORE_BY_REGION = 1 };
/* Who endorses a challenge, as counts by sector or region (never names). */
int store_challenge_endorsers(struct store *st, int64_t id, enum store_breakdown by,
	struct store_count **v, size_t *n);
/* Members who answered a question, as counts by sector or region. */
int store_question_respondents(struct store *st, int64_t question_id, enum store_breakdown by,
	struct store_count **v, size_t *n);

/* Moderators. Merge: from's endorsements join into's (a member who endorsed both counts once),
 * from's author is credited on into, from shows as merged. Hide/unhide with a reason (1..
 * STORE_FIELD_MAX bytes). Promote: starts a discussion in board_id (normally the board of the
 * challenge's first focus area) with the challenge's title and body, authored by the
 * challenge's author, linked both ways (store_thread has challenge_id). Each writes a
 * moderation record entry. */
int store_challenge_merge(struct store *st, int64_t actor_id, int64_t from_id, int64_t into_id);
int store_challenge_hide(struct store *st, int64_t actor_id, int64_t id, const char *reason);
int store_challenge_unhide(struct store *st, int64_t actor_id, int64_t id);
int store_challenge_promote(struct store *st, int64_t actor_id, int64_t id, int64_t board_id,
	int64_t *thread_id);

/* The public moderation record: what moderators did, newest first. */
struct store_modlog {
	int64_t id;
	int64_t at;
	char *action;    /* "hidden", "unhidden", "merged", "promoted", ... */
	char *target;    /* "challenge 12: <title>" */
	char *reason;    /* "" if none */
	char *by_role;   /* "moderator" or "sysop" (names are not shown) */
};
void store_modlog_list_free(struct store_modlog *v, size_t n);
int store_modlog_list(struct store *st, int64_t offset, int64_t limit, struct store_modlog **v,
	size_t *n);

/* ---- membership (schema version 4) ----
 *
 * Joining (applications, invites, the registration mode), what members set themselves (profile,
 * preferences), the member directory, private messages, blocking and announcements.
 */
#define STORE_BIO_MAX 2000          /* a profile's bio, bytes of input */
#define STORE_REASON_MAX 4000       /* an application's "why I want to join" */
#define STORE_PENDING_MAX 500       /* pending applications at once (a guest cannot flood) */
#define STORE_TIMEZONE_MAX 64
#define STORE_MESSAGE_MAX 65536     /* a private message's body */
#define STORE_ANNOUNCEMENT_MAX 65536

/* The sectors members choose from, in the order forms offer them. Stored as these words. */
#define STORE_NSECTORS 4
extern const char *const store_sectors[STORE_NSECTORS];
/* "Government", "Private sector", "Civil society", "Other" */

/* Handles no member may take: the SSH user names of visitors ("guest", "join"). */
bool store_handle_reserved(const char *handle);

/* The registration mode (setting "registration"): OPEN takes applications and invites,
 * INVITE only invites, CLOSED neither. Default (setting absent or unreadable word): OPEN. */
enum store_registration { STORE_REG_OPEN = 0, STORE_REG_INVITE = 1, STORE_REG_CLOSED = 2 };
const char *store_registration_name(int mode);            /* "open", "invite", "closed" */
int store_registration_parse(const char *name, int *mode); /* BBS_ERR_INVALID otherwise */
int store_registration_get(struct store *st, int *mode);
int store_registration_set(struct store *st, int mode);

/* Profile fields a member edits (all cleaned one-line, bio multi-line up to STORE_BIO_MAX). */
struct store_profile {
	const char *display_name, *organisation, *sector, *country, *bio;
	bool in_directory, named_endorsements;
};
int store_user_set_profile(struct store *st, int64_t id, const struct store_profile *p);
/* timezone: "" (UTC) or 1..STORE_TIMEZONE_MAX bytes of letters, digits and _ + - / . not
 * starting with '/' and without ".." (BBS_ERR_INVALID otherwise, BBS_ERR_TOOBIG when longer;
 * whether the zone exists is the UI's check). Profile text: BBS_ERR_TOOBIG over its limit;
 * NULL or blank fields are stored as "". Both: BBS_ERR_NOTFOUND for an unknown id. */
struct store_prefs {
	const char *timezone;
	bool ascii_only, colour;
	bool compact, line_mode;   /* schema 7 */
};
int store_user_set_prefs(struct store *st, int64_t id, const struct store_prefs *p);

/* Where the member was when the link dropped (schema 7): the UI's own short string of
 * printable ASCII (at most STORE_RESUME_MAX bytes, else BBS_ERR_INVALID), "" to clear it
 * (a normal log off). BBS_ERR_NOTFOUND for an unknown id. Read back as store_user.resume. */
#define STORE_RESUME_MAX 200
int store_user_set_resume(struct store *st, int64_t id, const char *where);

/* A way to log in given when joining: a public key (type, blob, fingerprint, comment as from
 * keys_parse_authorized) or a password hash; exactly one (BBS_ERR_INVALID otherwise). */
struct store_credential {
	const char *pwhash;
	const char *key_type, *key_blob, *key_fp, *key_comment;
};

/* ---- applications ---- */
struct store_application_form {
	const char *handle;        /* bbs_handle_valid, not reserved (BBS_ERR_INVALID) */
	const char *display_name, *organisation, *sector, *country; /* one line each */
	const char *reason;        /* why they want to join, multi-line, 1..STORE_REASON_MAX */
	const char *contact;       /* how to reach them, one line, 1..STORE_FIELD_MAX */
	struct store_credential cred;
};
/* Creates a member with status PENDING (role member), the credential and the application, in
 * one transaction. BBS_ERR_EXISTS if the handle is taken; BBS_ERR_DENIED if the registration
 * mode is not OPEN; BBS_ERR_BUSY if STORE_PENDING_MAX applications are pending already;
 * BBS_ERR_INVALID for an empty required field (handle, display_name, reason, contact). */
int store_application_submit(struct store *st, const struct store_application_form *f,
	int64_t *user_id);

struct store_application {
	int64_t user_id;
	char *handle, *display_name, *organisation, *sector, *country;
	char *reason, *contact;
	char *login;           /* "key SHA256:..." or "password" */
	int status;            /* the member's status now: PENDING, ACTIVE (accepted), DECLINED... */
	int64_t created;
	int64_t decided;       /* 0 while pending */
	char *decided_by;      /* handle of the sysop, "" for the console (bbsctl) or pending */
};
void store_application_finish(struct store_application *a);
void store_application_list_free(struct store_application *v, size_t n);
/* Applications, pending ones first (oldest first), then decided ones (newest first). */
int store_application_list(struct store *st, bool pending_only, struct store_application **v,
	size_t *n);
int store_application_get(struct store *st, const char *handle, struct store_application *out);
/* Accepts (status ACTIVE) or declines (DECLINED) a pending application. actor_id: the sysop, 0
 * for the console. BBS_ERR_NOTFOUND: no application by that handle; BBS_ERR_INVALID: it was
 * decided already; BBS_ERR_DENIED: actor_id is not a sysop. */
int store_application_decide(struct store *st, int64_t actor_id, const char *handle, bool accept);

/* ---- invites ----
 * The store keeps only a hash of each code (keys_invite_hash: 64 lowercase hex digits). */
enum store_invite_state { STORE_INVITE_VALID = 0, STORE_INVITE_USED = 1, STORE_INVITE_EXPIRED = 2,
	STORE_INVITE_REVOKED = 3 };
const char *store_invite_state_name(int state);  /* "valid", "used", "expired", "revoked" */
struct store_invite {
	int64_t id;
	int64_t created;
	int64_t expires;           /* unix seconds */
	char *created_by;          /* handle, "" for the console */
	int role;                  /* preset role (STORE_ROLE_MEMBER if none was given) */
	char *organisation, *sector;  /* presets, "" if none */
	char *note;                /* the sysop's note (who it is for), "" if none */
	int state;                 /* enum store_invite_state, as of now */
	char *used_by;             /* handle of the member who used it, "" if unused */
	int64_t used_at;
};
void store_invite_finish(struct store_invite *inv);
void store_invite_list_free(struct store_invite *v, size_t n);
/* created_by: a sysop's id, or 0 for the console (BBS_ERR_DENIED for a non-sysop). expires must
 * be in the future (BBS_ERR_INVALID). role 0 = member. */
int store_invite_create(struct store *st, int64_t created_by, const char *code_hash,
	int64_t expires, int role, const char *organisation, const char *sector, const char *note,
	int64_t *id);
/* Newest first. */
int store_invite_list(struct store *st, struct store_invite **v, size_t *n);
/* BBS_ERR_NOTFOUND: no such invite; BBS_ERR_INVALID: already used. Revoking twice is fine. */
int store_invite_revoke(struct store *st, int64_t id);
/* store_invite_revoke by actor_id (a sysop, 0 the console; BBS_ERR_DENIED otherwise), with
 * its audit entry (store_invite_revoke itself is audited as the console). */
int store_admin_invite_revoke(struct store *st, int64_t actor_id, int64_t id);
/* Looks a code up by its hash: 0 and *out (with its state) or BBS_ERR_NOTFOUND. */
int store_invite_check(struct store *st, const char *code_hash, struct store_invite *out);

struct store_join_form {
	const char *code_hash;
	const char *handle;        /* as for applications */
	const char *display_name, *organisation, *sector, *country; /* "" or NULL: the preset */
	struct store_credential cred;
};
/* Uses an invite: creates an ACTIVE member with the invite's role (and its organisation and
 * sector where the form leaves them empty) and the credential, and marks the invite used, in
 * one transaction. BBS_ERR_NOTFOUND: unknown code; BBS_ERR_DENIED: the invite is not VALID
 * (used, expired, revoked) or the registration mode is CLOSED; BBS_ERR_EXISTS: handle taken
 * (the invite stays valid). */
int store_invite_redeem(struct store *st, const struct store_join_form *f, int64_t *user_id);

/* ---- the member directory ---- */
/* Active members who are listed (in_directory), ordered by display name (then handle).
 * query: NULL/"" for all, else words that must each appear (case-insensitive, ASCII folding)
 * in the handle, display name, organisation, sector or country. sector: NULL/"" or one sector
 * to keep. pwhash is NULL in the results. limit 1..500 (more is capped; < 1 or a negative
 * offset: BBS_ERR_INVALID). A query over STORE_QUERY_MAX bytes: BBS_ERR_TOOBIG. Folding is
 * ASCII only ("Ä" matches only "Ä"). */
int store_directory(struct store *st, const char *query, const char *sector, int64_t offset,
	int64_t limit, struct store_user ***v, size_t *n);

/* ---- private messages ---- */
struct store_message {
	int64_t id;
	int64_t sender_id;
	char *sender_handle, *sender_name;
	int64_t recipient_id;
	char *recipient_handle, *recipient_name;
	char *subject;             /* one line, 1..STORE_TITLE_MAX */
	char *body;                /* multi-line, 1..STORE_MESSAGE_MAX */
	int64_t created;
	int64_t read_at;           /* 0 while the recipient has not opened it */
	int64_t reply_to;          /* the message this answers, 0 if none */
};
void store_message_finish(struct store_message *m);
void store_message_list_free(struct store_message *v, size_t n);
/* Sends a message to an active member. BBS_ERR_NOTFOUND: no active member by that handle;
 * BBS_ERR_INVALID: to oneself, empty subject/body, or reply_to not a message the sender can see;
 * BBS_ERR_DENIED: the recipient blocks the sender. client_token as for posts (a second send
 * with the same token creates nothing and returns the first id; BBS_ERR_EXISTS if the token
 * was used for another recipient). Committed when 0 returns. A sender who is not an active
 * member gets BBS_ERR_NOTFOUND. */
int store_message_send(struct store *st, int64_t sender_id, const char *recipient_handle,
	const char *subject, const char *body, int64_t reply_to, const char *client_token,
	int64_t *id);
enum store_folder { STORE_INBOX = 0, STORE_SENT = 1 };
/* A folder, newest first. The inbox leaves out messages from members the viewer blocks and
 * messages the viewer deleted. limit 1..500. */
int store_message_list(struct store *st, int64_t user_id, enum store_folder folder,
	int64_t offset, int64_t limit, struct store_message **v, size_t *n);
/* One message, only for its sender or recipient (BBS_ERR_NOTFOUND for anyone else, and once
 * they deleted it). When the viewer is the recipient it becomes read. */
int store_message_get(struct store *st, int64_t user_id, int64_t id, struct store_message *out);
/* Deletes it from the viewer's folders (the other party keeps their copy). BBS_ERR_NOTFOUND
 * when it is not the viewer's or they deleted it already. */
int store_message_delete(struct store *st, int64_t user_id, int64_t id);
/* Unread messages in the inbox (as store_message_list counts them). */
int store_message_unread(struct store *st, int64_t user_id, int64_t *count);

/* Blocking: user_id no longer gets messages from the member handle (their sends are refused
 * with BBS_ERR_DENIED) and does not see earlier ones in the inbox. Idempotent. BBS_ERR_NOTFOUND
 * for no such member; BBS_ERR_INVALID for oneself. */
int store_block_set(struct store *st, int64_t user_id, const char *handle, bool blocked);
/* Members user_id blocks, by handle (pwhash NULL). */
int store_block_list(struct store *st, int64_t user_id, struct store_user ***v, size_t *n);
int store_block_check(struct store *st, int64_t user_id, int64_t other_id, bool *blocked);

/* ---- news and announcements ---- */
struct store_announcement {
	int64_t id;
	char *title;
	char *body;
	char *author_handle;       /* "" for the console */
	int64_t created;
	bool unread;               /* for the member asked about */
};
void store_announcement_finish(struct store_announcement *a);
void store_announcement_list_free(struct store_announcement *v, size_t n);
/* author_id: a sysop (else BBS_ERR_DENIED), or 0 for the console. title one line
 * 1..STORE_TITLE_MAX, body multi-line 1..STORE_ANNOUNCEMENT_MAX. */
int store_announcement_create(struct store *st, int64_t author_id, const char *title,
	const char *body, int64_t *id);
int store_announcement_delete(struct store *st, int64_t actor_id, int64_t id);
/* Newest first, with unread flags for user_id. limit 1..500. Read state is one watermark per
 * member (announcements are never edited, ids only grow): a new member has seen none. */
int store_announcement_list(struct store *st, int64_t user_id, int64_t offset, int64_t limit,
	struct store_announcement **v, size_t *n);
/* The ones user_id has not seen, oldest first (at most 20). */
int store_announcement_unread(struct store *st, int64_t user_id, struct store_announcement **v,
	size_t *n);
/* Marks every announcement up to and including id as seen by user_id. */
int store_announcement_mark_seen(struct store *st, int64_t user_id, int64_t id);

/* Names of a challenge's endorsers who chose to be named (named_endorsements), as "Display
 * Name (handle)" (or the handle), alphabetical; *others gets how many endorsers are not named.
 * Free with store_strings_free. */
int store_challenge_endorser_names(struct store *st, int64_t id, char ***names, size_t *n,
	int64_t *others);
void store_strings_free(char **v, size_t n);

/* ---- data rights ---- */
/* Everything the store holds about member user_id as one JSON document (profile, keys'
 * fingerprints, posts, challenges, endorsements, messages sent and received, drafts,
 * applications): a heap string. Never includes the password hash. */
int store_user_export(struct store *st, int64_t user_id, char **json);

/* ---- administration, moderation and the audit log (schema version 5) ----
 *
 * Functions that take actor_id check the actor's role themselves (BBS_ERR_DENIED otherwise)
 * and write their audit entry (and, for moderation, their public moderation record entry) in
 * the same transaction as the change, so no action goes unrecorded. actor_id 0 means the
 * console (bbsctl, run by whoever owns the data directory) and is allowed everything.
 * "Sysop" below means role STORE_ROLE_SYSOP, "moderator" role >= STORE_ROLE_MODERATOR.
 */

/* ---- the audit log ----
 * Each entry's hash is BLAKE2b-256 (keys_hash_hex) over its id, time, actor, action, target,
 * detail and the previous entry's hash, so editing or deleting an entry breaks the chain at
 * that entry. The source address is kept beside the chain, not in it, so that it can be
 * dropped after the retention period (store_forget_sources) without breaking the chain. */
struct store_audit {
	int64_t id;
	int64_t at;
	char *actor;     /* handle, "console" for bbsctl, "-" for none (a failed login) */
	char *action;    /* "login", "login-failed", "key-add", "key-remove", "password-change",
	                    "password-reset", "role", "status", "lock", "unlock", "verify",
	                    "application-accept", "invite-create", "hide", "silence", ... */
	char *target;    /* what it was done to: "user alice", "post 12", "board general" */
	char *detail;    /* method and fingerprint for logins, old -> new values, a reason */
	char *source;    /* source address, "" if none or dropped */
	char *hash;      /* 64 hex digits */
	char *prev_hash; /* the previous entry's hash ("" for the first) */
};
void store_audit_list_free(struct store_audit *v, size_t n);
/* Appends an entry (actor_id 0 and actor NULL: "console"; actor_id -1: "-"). All text cleaned
 * one-line, at most STORE_FIELD_MAX bytes each (longer detail is cut at a character boundary,
 * marked with "..."; an audit entry is never refused for size). source may be NULL. */
int store_audit_append(struct store *st, int64_t actor_id, const char *action,
	const char *target, const char *detail, const char *source);
/* A member's successful login in one write transaction, so that a login costs one disk sync
 * instead of three: last_login set to now when touch is true, the key's last use when
 * key_id > 0, and the audit entry "login" by user_id (target, detail and source as for
 * store_audit_append). Nothing is written if any part fails: BBS_ERR_NOTFOUND for an unknown
 * member (with touch) or a key that is not theirs. */
int store_login_record(struct store *st, int64_t user_id, bool touch, int64_t key_id,
	const char *target, const char *detail, const char *source);
/* Newest first. filter: NULL or words that must each appear in actor, action, target or
 * detail (case-insensitive). limit 1..1000. */
int store_audit_list(struct store *st, const char *filter, int64_t offset, int64_t limit,
	struct store_audit **v, size_t *n);
/* Walks the whole chain. 0 when it is intact (*count entries, *head the last hash, "" when
 * empty; a heap string); BBS_ERR_INVALID when it is broken, with *first_bad the id of the first
 * entry that does not verify (changed, or following a deleted one: ids run 1, 2, 3 ... without
 * gaps) and *count the entries before it. head may be NULL. The store also keeps the newest
 * id and hash apart from the entries, so deleting the newest entries is reported too
 * (*first_bad is then the first missing id), and entries appended after such a deletion keep
 * the gap. Anyone who can write the file can rebuild a whole chain: keep the printed head
 * somewhere else to detect that. */
int store_audit_verify(struct store *st, int64_t *count, int64_t *first_bad, char **head);
/* Clears source addresses older than days days (0..36500; 0 = all up to now) in the audit
 * log and in sessions; *cleared (may be NULL) gets how many. The chain stays intact. */
int store_forget_sources(struct store *st, int days, int64_t *cleared);

/* ---- members, for sysops ---- */
/* struct store_user gains (schema 5): bool verified (affiliation verified by a sysop) and
 * int64_t silenced_until (0 or unix seconds: until then the member cannot post, reply,
 * submit challenges or send messages: BBS_ERR_DENIED from those functions). */
/* Members for the admin list: pending applications first (oldest first), then by handle.
 * status/role: -1 for any; sector/country: NULL or "" for any; query as store_directory but
 * over every member (listed or not; removed members never). limit 1..1000. */
int store_user_search(struct store *st, const char *query, int status, int role,
	const char *sector, const char *country, int64_t offset, int64_t limit,
	struct store_user ***v, size_t *n);
/* Sysops edit a member: profile fields (NULL: unchanged), role, status (ACTIVE or DISABLED
 * only here; applications are decided with store_application_decide, so changing the status
 * of a PENDING or DECLINED member is BBS_ERR_INVALID), verified. Refused with
 * BBS_ERR_DENIED when it would leave no active sysop (the last active sysop cannot be demoted
 * or disabled, also not by themselves). Each change audited with old -> new. */
struct store_user_edit {
	const char *display_name, *organisation, *sector, *country;
	int role;        /* 0: unchanged */
	int status;      /* -1: unchanged */
	int verified;    /* -1: unchanged, 0, 1 */
};
int store_admin_user_edit(struct store *st, int64_t actor_id, int64_t user_id,
	const struct store_user_edit *e);
/* A sysop's password reset (store_user_reset_password plus the audit entry). */
int store_admin_password_reset(struct store *st, int64_t actor_id, int64_t user_id,
	const char *pwhash);
/* A sysop adds or revokes a member's key (audited; revoking the last way in is allowed for a
 * sysop: that locks the member out, which may be what they want). */
int store_admin_key_add(struct store *st, int64_t actor_id, int64_t user_id, const char *type,
	const char *blob, const char *fingerprint, const char *comment);
int store_admin_key_remove(struct store *st, int64_t actor_id, int64_t user_id,
	const char *fingerprint);
/* Moderators silence a member until `until` (0 lifts it), with a reason (moderation record
 * and audit). Moderators cannot silence sysops (BBS_ERR_DENIED). The reason is required
 * (1..STORE_FIELD_MAX, one line; kept in silence_reason) unless lifting. */
int store_silence(struct store *st, int64_t actor_id, int64_t user_id, int64_t until,
	const char *reason);

/* ---- deleting a member (issue 10; store-remove.c) ----
 * A sysop (actor_id; 0 the console) deletes member user_id: the row stays as an author with
 * handle "removed-<id>", shown everywhere as STORE_REMOVED_NAME; profile, password, keys,
 * drafts, read marks, blocks, application are gone; status disabled, removed = 1. Their
 * messages leave their own folders and stay with the other party. remove_posts false keeps
 * their posts (from STORE_REMOVED_NAME); true deletes them as a member deletes their own
 * (tombstones: threads, counters and the search index stay consistent; earlier versions go
 * too) and retitles the discussions they started STORE_REMOVED_TITLE (others' replies stay).
 * Endorsements are kept, never named. Audited ("member-remove": old handle, id, choice);
 * their live sessions are then ended. The old handle stays reserved for good: no new member
 * may take it (store_user_add and joining answer BBS_ERR_EXISTS).
 * *old_handle (may be NULL) gets the handle it had (heap). Returns 0, BBS_ERR_DENIED (actor
 * not an active sysop, the actor themselves, or the last active sysop), BBS_ERR_NOTFOUND
 * (no such member, or removed already), BBS_ERR_INVALID, or a store error. */
#define STORE_REMOVED_NAME "removed member"
#define STORE_REMOVED_TITLE "(a discussion started by a removed member)"
int store_user_remove(struct store *st, int64_t actor_id, int64_t user_id, bool remove_posts,
	char **old_handle);

/* ---- sessions (who is online) ----
 * bbsd's session process registers itself after login; when it has ended, bbsd's listener has
 * its row removed (store_session_remove_ended). A row whose process is gone (bbsd stopped
 * hard) is pruned when listed: kill(pid, 0) fails or the process's start time (from /proc)
 * differs. */
struct store_session {
	int64_t id;
	int64_t user_id;    /* 0 for a guest or join visitor */
	char *handle;       /* "" for visitors */
	char *kind;         /* "member", "guest", "join", "command" */
	int64_t pid;
	int64_t pid_start;  /* the process's start time in clock ticks since boot (/proc/PID/stat) */
	int64_t since;
	char *source;       /* source address, "" once dropped */
};
void store_session_list_free(struct store_session *v, size_t n);
/* s->kind must be one of the four words, s->pid > 0, s->handle is ignored (read from
 * user_id), since 0 means now, source may be NULL (cleaned one line). */
int store_session_add(struct store *st, const struct store_session *s, int64_t *id);
/* A process: its pid and its start time (store_proc_start_time). */
struct store_proc {
	int64_t pid, start;
};
/* Removes the rows of the n ended processes v in one transaction; a row of a newer process
 * that reuses a pid (another start time) stays. *removed (may be NULL) gets how many. */
int store_session_remove_ended(struct store *st, const struct store_proc *v, size_t n,
	int64_t *removed);
/* Live sessions, oldest first (stale rows pruned). */
int store_session_list(struct store *st, struct store_session **v, size_t *n);
/* Ends session id (a sysop; audited): sends SIGTERM to its process after checking it is still
 * the same process (pid and start time). BBS_ERR_NOTFOUND if it is gone. */
int store_session_end(struct store *st, int64_t actor_id, int64_t id);
/* Ends every session of user_id (a sysop; audited); *ended gets how many. */
int store_session_end_user(struct store *st, int64_t actor_id, int64_t user_id, int64_t *ended);
/* The start time of process pid in clock ticks since boot (field 22 of /proc/PID/stat), as
 * sessions record it in pid_start: bbsd calls this with getpid() when it registers. 0 and
 * *start, BBS_ERR_NOTFOUND when there is no such process, BBS_ERR_INVALID for pid <= 0,
 * BBS_ERR_IO when /proc cannot be read. */
int store_proc_start_time(int64_t pid, int64_t *start);

/* ---- structure and content, for sysops ---- */
/* Focus areas: slug [a-z0-9-], name and summary one line. The area's page is "area-SLUG"
 * (created empty when missing). Moving swaps position with the neighbour (delta -1 or +1;
 * else BBS_ERR_INVALID; at either end nothing changes and 0 is returned). Updates: NULL
 * leaves name or summary unchanged. Changing nothing records nothing.
 * Archived areas leave the menu; their boards stay readable but take no new discussions. */
int store_area_create(struct store *st, int64_t actor_id, const char *slug, const char *name,
	const char *summary, int64_t *id);
int store_area_update(struct store *st, int64_t actor_id, int64_t id, const char *name,
	const char *summary);
int store_area_move(struct store *st, int64_t actor_id, int64_t id, int delta);
int store_area_set_archived(struct store *st, int64_t actor_id, int64_t id, bool archived);
/* Boards: area_id 0 for a general board. Same rules. store_board_list_all lists archived ones
 * too (b->archived). */
int store_board_create(struct store *st, int64_t actor_id, int64_t area_id, const char *slug,
	const char *name, const char *description, int64_t *id);
int store_board_update(struct store *st, int64_t actor_id, int64_t id, const char *name,
	const char *description);
int store_board_move(struct store *st, int64_t actor_id, int64_t id, int delta);
int store_board_set_archived(struct store *st, int64_t actor_id, int64_t id, bool archived);
int store_board_list_all(struct store *st, struct store_board **v, size_t *n);
/* Every focus area, archived ones too (a->archived), in menu order (added by the store). */
int store_area_list_all(struct store *st, struct store_area **v, size_t *n);
/* Pages (welcome, who-we-are, area pages) edited by a sysop (store_page_set plus audit). */
int store_admin_page_set(struct store *st, int64_t actor_id, const char *slug, const char *title,
	const char *body);
/* A setting changed by a sysop (audited). Only these keys, else BBS_ERR_INVALID: site_name
 * and who_we_are_summary (one line, 1..STORE_FIELD_MAX), registration (open, invite,
 * closed), guest_access (on, off), idle_warn_minutes and idle_logout_minutes (0..10080,
 * decimal). */
int store_admin_setting_set(struct store *st, int64_t actor_id, const char *key,
	const char *value);

/* ---- moderation of discussions ---- */
/* Reports: a member reports a post, a challenge or a private message they received to the
 * moderators, with a reason (1..STORE_FIELD_MAX*4 bytes). A member may report one thing once
 * (BBS_ERR_EXISTS). A message can be reported only by its recipient (BBS_ERR_NOTFOUND
 * otherwise: nobody learns about others' messages). */
enum store_report_kind { STORE_REPORT_POST = 1, STORE_REPORT_CHALLENGE = 2,
	STORE_REPORT_MESSAGE = 3 };
struct store_report {
	int64_t id;
	int kind;
	int64_t target_id;
	char *target;      /* "post 12 in <title>", "challenge 3: <title>", "message 7 from bob" */
	char *excerpt;     /* the first line of the reported text (moderators only) */
	char *reporter;    /* handle */
	char *reason;
	int64_t created;
	bool open;         /* not yet resolved */
	char *resolution;  /* "" while open */
};
void store_report_list_free(struct store_report *v, size_t n);
int store_report_create(struct store *st, int64_t reporter_id, int kind, int64_t target_id,
	const char *reason, int64_t *id);
/* Moderators: open reports first (oldest first), then resolved (newest first). */
int store_report_list(struct store *st, int64_t actor_id, bool open_only, int64_t offset,
	int64_t limit, struct store_report **v, size_t *n);
/* Moderators close a report with a one-line note (1..STORE_FIELD_MAX; audited).
 * BBS_ERR_INVALID when it was resolved already. Reporting is for active members only (the
 * console and others get BBS_ERR_DENIED); target and excerpt are taken when reported. */
int store_report_resolve(struct store *st, int64_t actor_id, int64_t id, const char *note);

/* Moderators hide or unhide a post with a reason (1..STORE_FIELD_MAX, one line; unhiding a
 * post that is not hidden changes and records nothing). A hidden post shows to members as a notice
 * (store_post gains: bool hidden, char *hidden_reason, int64_t hidden_at; its body is "" for
 * viewers who are not moderators: store_post_range_for(viewer) below) and is not found by
 * search; moderators still read the text. */
int store_post_hide(struct store *st, int64_t actor_id, int64_t post_id, const char *reason);
int store_post_unhide(struct store *st, int64_t actor_id, int64_t post_id);
/* store_post_range as seen by viewer_id: hidden posts' bodies blanked unless the viewer is a
 * moderator. (store_post_range itself keeps returning bodies: only the UI and command paths
 * must use this one.) */
int store_post_range_for(struct store *st, int64_t viewer_id, int64_t thread_id,
	int64_t from_seq, int64_t limit, struct store_post **v, size_t *n);
/* Moderators lock/unlock, pin/unpin and move a discussion to another board (moderation record
 * and audit; the lock's reason may be NULL). Moving into an archived board: BBS_ERR_DENIED.
 * Asking for what already is changes and records nothing. */
int store_mod_thread_lock(struct store *st, int64_t actor_id, int64_t thread_id, bool locked,
	const char *reason);
int store_mod_thread_pin(struct store *st, int64_t actor_id, int64_t thread_id, bool pinned);
int store_mod_thread_move(struct store *st, int64_t actor_id, int64_t thread_id,
	int64_t board_id);

/* ---- login throttle (issue 8): failed password logins per account name ---- */

/*
 * Failed password and keyboard-interactive logins are counted per account name, shared by
 * every session process through the database, so that guessing one account's password slows
 * down whichever connection or source the guesses come from. The name is the one the client
 * typed, whether or not a member has it: an unknown name is counted exactly like a real one,
 * so the delay never tells whether an account exists. Names are bytes (any content, never
 * interpreted); only the first STORE_THROTTLE_NAME_MAX bytes count. Public-key logins never
 * touch this.
 */
#define STORE_THROTTLE_NAME_MAX 64      /* bytes of a name that are kept */
#define STORE_THROTTLE_ROWS_MAX 50000   /* names remembered at most (least recent go first) */

struct store_throttle_policy {
	int free_failures;   /* failures within the window that are answered without delay */
	int64_t window;      /* seconds: a name's count is forgotten this long after its last
	                      * failure (> 0) */
	int64_t base_ms;     /* delay of the first attempt after free_failures (0: no delays) */
	int64_t max_ms;      /* cap on the delay; it doubles with each further failure */
};

/*
 * The delay (ms) for an attempt made after `failures` counted failures: 0 while failures <
 * free_failures, then base_ms, 2 * base_ms, 4 * base_ms ... never above max_ms. Pure; p must
 * not be NULL.
 */
int64_t store_throttle_delay_ms(const struct store_throttle_policy *p, int failures);

/*
 * Starts a password attempt for name at time now (seconds): in one write transaction, drops
 * the rows whose last failure is a window old (and the least recent beyond
 * STORE_THROTTLE_ROWS_MAX), reads the name's count, and counts this attempt as a failure
 * before its answer is known (so that an attempt whose connection is dropped during the delay,
 * and attempts made in parallel, still count; store_throttle_clear undoes it on success).
 * *delay_ms receives store_throttle_delay_ms(p, count before this attempt): the caller waits
 * that long before answering, whatever the outcome. name: NUL-terminated, any bytes, cut to
 * STORE_THROTTLE_NAME_MAX; NULL is BBS_ERR_INVALID, as are a NULL p or delay_ms and a window
 * <= 0. Returns 0 or a negative bbs_err (*delay_ms is then 0: the caller decides).
 */
int store_throttle_begin(struct store *st, const char *name, int64_t now,
	const struct store_throttle_policy *p, int64_t *delay_ms);

/* A password login as name succeeded: its count is cleared (the row removed). Returns 0
 * (also when there was no row) or a negative bbs_err; NULL name is BBS_ERR_INVALID. */
int store_throttle_clear(struct store *st, const char *name);

/* The failures counted for name that are still within window seconds of now (0 when none).
 * For tests and tools. Returns 0 or a negative bbs_err. */
int store_throttle_failures(struct store *st, const char *name, int64_t now, int64_t window,
	int *failures);

/* Removes the rows whose last failure is window seconds old or older, then the least recent
 * beyond max_rows (> 0). *removed (may be NULL) gets how many went. Returns 0 or a negative
 * bbs_err. store_throttle_begin already does this; callable on its own (e.g. tests). */
int store_throttle_prune(struct store *st, int64_t now, int64_t window, int64_t max_rows,
	int *removed);

/* ---- backup ---- */

/*
 * Writes a consistent copy of the database at db_path to target while other processes keep
 * reading and writing it (SQLite's online backup API, one read snapshot: every commit that
 * returned before the call is in the copy; writers are never blocked). The copy is built in
 * target.tmp (mode 0600), made a self-contained file (rollback journal, no -wal), checked
 * with PRAGMA integrity_check, fsync'd and then linked to target, so target either does not
 * exist or is complete. db_path is only read. Returns 0, or BBS_ERR_EXISTS (target or
 * target.tmp exists; nothing is overwritten), BBS_ERR_NOTFOUND (no database at db_path),
 * BBS_ERR_BUSY (locked for 30 s), BBS_ERR_IO, BBS_ERR_DB, BBS_ERR_INVALID (the copy failed its
 * check). why (may be NULL) receives a one-line reason for the sysop on failure.
 */
int store_backup(const char *db_path, const char *target, char *why, size_t whylen);

/*
 * Replaces the contents of the database at db_path (created with mode 0600 if missing) with
 * the portal database in file, only while no other process has db_path open (refused with
 * BBS_ERR_BUSY otherwise; the check holds an exclusive lock until the end). file must be an
 * SQLite database of the portal that passes PRAGMA integrity_check, with a schema version
 * from 1 to store_schema_version() (else BBS_ERR_INVALID); a private copy of it is migrated
 * to the current schema first (file itself is never changed). The database as it was is kept
 * with the backup API as db_path.before-restore-YYYYMMDDTHHMMSSZ (its name into saved, ""
 * if db_path was new or empty). db_path keeps its inode, owner and mode. Sets *from_version
 * (may be NULL) to file's schema version. BBS_ERR_NOTFOUND when file does not exist. why as
 * for store_backup.
 */
int store_restore(const char *db_path, const char *file, int *from_version, char *saved,
	size_t savedlen, char *why, size_t whylen);

#endif
