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

/* The schema version this build migrates to. */
int store_schema_version(void);

/* Writes the seed content (site name, welcome page, focus areas and their pages, the
 * "Who we are" page) if it is not there yet. Running it again changes nothing. */
int store_seed(struct store *st);

/* Settings: small key/value strings (e.g. "site_name"). *out is a heap string. */
int store_setting_get(struct store *st, const char *key, char **out);
int store_setting_set(struct store *st, const char *key, const char *value);

/* ---- users ---- */
enum store_role { STORE_ROLE_MEMBER = 1, STORE_ROLE_MODERATOR = 2, STORE_ROLE_SYSOP = 3 };
enum store_status { STORE_STATUS_ACTIVE = 0, STORE_STATUS_DISABLED = 1 };

/* Returns "member", "moderator", "sysop" (or "?"); parses the same words (BBS_ERR_INVALID). */
const char *store_role_name(int role);
int store_role_parse(const char *name, int *role);
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
};
void store_user_free(struct store_user *u);
void store_user_list_free(struct store_user **v, size_t n);

/* Adds a user. handle must be bbs_handle_valid(); display_name etc. may be NULL (empty).
 * pwhash may be NULL. Returns BBS_ERR_EXISTS if the handle is taken. Sets *id if id != NULL.
 * role 0 means STORE_ROLE_MEMBER; created 0 means now; u->id is ignored. Profile text is
 * cleaned (one line each, at most STORE_FIELD_MAX bytes of input). */
int store_user_add(struct store *st, const struct store_user *u, int64_t *id);
/* Looks a user up by handle. BBS_ERR_NOTFOUND if there is none (also for a string that is
 * not a valid handle at all). Text fields are never NULL ("" when empty), except pwhash. */
int store_user_get(struct store *st, const char *handle, struct store_user **out);
int store_user_get_by_id(struct store *st, int64_t id, struct store_user **out);
/* All users ordered by handle; *v is a heap array of heap structs. */
int store_user_list(struct store *st, struct store_user ***v, size_t *n);
/* The setters return BBS_ERR_NOTFOUND for an unknown id, BBS_ERR_INVALID for a value
 * outside its enum. touch_login sets last_login to now. */
int store_user_set_status(struct store *st, int64_t id, int status);
int store_user_set_role(struct store *st, int64_t id, int role);
/* pwhash may be NULL to remove the password. */
int store_user_set_password(struct store *st, int64_t id, const char *pwhash);
int store_user_touch_login(struct store *st, int64_t id);

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
/* Sets the key's last_used to now. BBS_ERR_NOTFOUND if there is no such key. */
int store_key_touch(struct store *st, int64_t key_id);

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
};
void store_area_list_free(struct store_area *v, size_t n);
/* Focus areas in menu order (not archived). */
int store_area_list(struct store *st, struct store_area **v, size_t *n);

#endif
