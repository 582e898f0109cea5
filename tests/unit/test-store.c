/*
 * test-store.c: unit tests for store/ against real database files in a temporary directory.
 *
 * Covers migrations (new file, reopen, refusing a newer schema), the seed, users, keys,
 * settings, pages, cleaning of hostile text, and several connections and processes sharing
 * one file. The schema version is read from the SQLite file header (offset 60, big-endian),
 * so the test needs no SQL of its own.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check.h"
#include "common/common.h"
#include "store/store.h"
#include "text/text.h"
#include "tmpdir.h"

/* Reads the 4-byte big-endian user_version from a closed database file's header. */
static int header_user_version(const char *path)
{
	unsigned char b[4];
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	ssize_t r = pread(fd, b, sizeof b, 60);
	close(fd);
	if (r != (ssize_t)sizeof b)
		return -1;
	return (int)((unsigned)b[0] << 24 | (unsigned)b[1] << 16 | (unsigned)b[2] << 8 | b[3]);
}

static int header_set_user_version(const char *path, int v)
{
	unsigned char b[4] = { (unsigned char)(v >> 24), (unsigned char)(v >> 16),
		(unsigned char)(v >> 8), (unsigned char)v };
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	ssize_t r = pwrite(fd, b, sizeof b, 60);
	close(fd);
	return r == (ssize_t)sizeof b ? 0 : -1;
}

/* Whole file into a heap buffer; *len is its size. NULL on error. */
static unsigned char *read_all(const char *path, size_t *len)
{
	struct stat sb;
	unsigned char *buf = NULL;
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	*len = 0;
	if (fd < 0)
		return NULL;
	if (fstat(fd, &sb) == 0) {
		buf = xmalloc((size_t)sb.st_size);
		if (read(fd, buf, (size_t)sb.st_size) == sb.st_size) {
			*len = (size_t)sb.st_size;
		} else {
			free(buf);
			buf = NULL;
		}
	}
	close(fd);
	return buf;
}

static bool file_exists(const char *path)
{
	struct stat sb;
	return stat(path, &sb) == 0;
}

static void test_migrations(void)
{
	char *path = db_path("migrate.db");
	struct store *st = NULL;

	CHECK(store_schema_version() >= 1);
	CHECK_INT(store_open(path, &st), BBS_OK);
	CHECK(st != NULL);
	store_close(st);
	/* The last connection to close checkpoints the WAL into the file and removes it, so the
	 * header on disk is current. */
	char *wal = xasprintf("%s-wal", path);
	CHECK(!file_exists(wal));
	free(wal);
	CHECK_INT(header_user_version(path), store_schema_version());

	/* The file holds password hashes: private to the portal's account. */
	struct stat sb;
	CHECK(stat(path, &sb) == 0 && (sb.st_mode & 077) == 0);

	/* Reopening a current database changes nothing, not one byte. */
	size_t len1 = 0, len2 = 0;
	unsigned char *before = read_all(path, &len1);
	st = NULL;
	CHECK_INT(store_open(path, &st), BBS_OK);
	store_close(st);
	unsigned char *after = read_all(path, &len2);
	CHECK(before && after && len1 == len2 && len1 > 0 && memcmp(before, after, len1) == 0);
	CHECK_INT(header_user_version(path), store_schema_version());
	free(before);
	free(after);

	/* A schema newer than this build knows is refused and left as it is. */
	int newer = store_schema_version() + 1;
	CHECK_INT(header_set_user_version(path, newer), 0);
	st = (struct store *)1;
	CHECK_INT(store_open(path, &st), BBS_ERR_DB);
	CHECK(st == NULL);
	CHECK_INT(header_user_version(path), newer);

	/* Bad arguments. */
	CHECK_INT(store_open("", &st), BBS_ERR_INVALID);
	CHECK_INT(store_open(NULL, &st), BBS_ERR_INVALID);
	char *nodir = db_path("no/such/dir.db");
	CHECK(store_open(nodir, &st) < 0);
	CHECK(st == NULL);
	free(nodir);
	store_close(NULL);
	free(path);
}

static bool all_ascii(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s >= 0x80)
			return false;
	return true;
}

static void check_page(struct store *st, const char *slug, const char *title)
{
	struct store_page p;
	CHECK_INT(store_page_get(st, slug, &p), BBS_OK);
	CHECK_STR(p.slug, slug);
	CHECK_STR(p.title, title);
	CHECK(p.body && strlen(p.body) > 300);
	CHECK(p.body && strstr(p.body, "\n\n") != NULL);  /* several paragraphs */
	CHECK(p.body && text_is_clean(p.body, TEXT_MULTILINE) && all_ascii(p.body));
	CHECK(p.updated > 0);
	store_page_finish(&p);
}

static void test_seed(void)
{
	char *path = db_path("seed.db");
	struct store *st = NULL;
	CHECK_INT(store_open(path, &st), BBS_OK);
	CHECK_INT(store_seed(st), BBS_OK);

	struct store_page first[5], again[5];
	static const char *const slugs[5] = { "welcome", "who-we-are", "area-global",
		"area-national", "area-technology" };
	for (int i = 0; i < 5; i++)
		CHECK_INT(store_page_get(st, slugs[i], &first[i]), BBS_OK);

	/* A second run changes nothing (same rows, same timestamps). */
	CHECK_INT(store_seed(st), BBS_OK);
	for (int i = 0; i < 5; i++) {
		CHECK_INT(store_page_get(st, slugs[i], &again[i]), BBS_OK);
		CHECK_STR(again[i].title, first[i].title);
		CHECK_STR(again[i].body, first[i].body);
		CHECK_INT(again[i].updated, first[i].updated);
		store_page_finish(&first[i]);
		store_page_finish(&again[i]);
	}

	char *name = NULL;
	CHECK_INT(store_setting_get(st, "site_name", &name), BBS_OK);
	CHECK_STR(name, "Protectors' Portal");
	free(name);

	check_page(st, "welcome", "Welcome");
	check_page(st, "who-we-are", "Who we are");
	check_page(st, "area-global", "Global response");
	check_page(st, "area-national", "National response");
	check_page(st, "area-technology", "Technology solutions");

	/* The welcome page explains the keys; "Who we are" lists the principles and news. */
	struct store_page p;
	CHECK_INT(store_page_get(st, "welcome", &p), BBS_OK);
	CHECK(p.body && strstr(p.body, "j and k") && strstr(p.body, "Enter")
		&& strstr(p.body, "- q ") && strstr(p.body, "- ? "));
	store_page_finish(&p);
	CHECK_INT(store_page_get(st, "who-we-are", &p), BBS_OK);
	CHECK(p.body && strstr(p.body, "shared purpose and urgency")
		&& strstr(p.body, "Hard conversations that challenge conventions")
		&& strstr(p.body, "collaborative relationships")
		&& strstr(p.body, "data, transparency and accountability")
		&& strstr(p.body, "specific problems to develop new responses")
		&& strstr(p.body, "News and announcements"));
	store_page_finish(&p);

	struct store_area *areas = NULL;
	size_t n = 0;
	CHECK_INT(store_area_list(st, &areas, &n), BBS_OK);
	CHECK_INT(n, 3);
	if (n == 3) {
		static const char *const aslug[3] = { "global", "national", "technology" };
		static const char *const aname[3] = { "Global response", "National response",
			"Technology solutions" };
		for (int i = 0; i < 3; i++) {
			CHECK_STR(areas[i].slug, aslug[i]);
			CHECK_STR(areas[i].name, aname[i]);
			CHECK(areas[i].summary && areas[i].summary[0] != '\0');
			CHECK_INT(areas[i].position, i + 1);
			CHECK(areas[i].id > 0);
			/* Every area's page exists. */
			CHECK_INT(store_page_get(st, areas[i].page_slug, &p), BBS_OK);
			CHECK_STR(p.title, aname[i]);
			store_page_finish(&p);
		}
	}
	store_area_list_free(areas, n);

	/* A sysop's edit survives a later seed. */
	CHECK_INT(store_page_set(st, "welcome", "Hello", "Edited.\n\nSecond paragraph."), BBS_OK);
	CHECK_INT(store_seed(st), BBS_OK);
	CHECK_INT(store_page_get(st, "welcome", &p), BBS_OK);
	CHECK_STR(p.title, "Hello");
	CHECK_STR(p.body, "Edited.\n\nSecond paragraph.");
	store_page_finish(&p);

	/* Pages: a new one, a missing one, a bad slug. */
	CHECK_INT(store_page_set(st, "news-1", "News", "Body"), BBS_OK);
	CHECK_INT(store_page_get(st, "news-1", &p), BBS_OK);
	CHECK_STR(p.body, "Body");
	store_page_finish(&p);
	CHECK_INT(store_page_get(st, "missing", &p), BBS_ERR_NOTFOUND);
	CHECK(p.slug == NULL && p.title == NULL && p.body == NULL);
	CHECK_INT(store_page_get(st, "../etc", &p), BBS_ERR_NOTFOUND);
	CHECK_INT(store_page_set(st, "Bad Slug", "t", "b"), BBS_ERR_INVALID);
	CHECK_INT(store_page_set(st, "ok", NULL, "b"), BBS_ERR_INVALID);
	store_page_finish(NULL);
	store_area_list_free(NULL, 0);

	store_close(st);
	free(path);
}

static void test_users(struct store *st)
{
	struct store_user u = {
		.handle = "alice",
		.display_name = "Alice Example",
		.organisation = "Example Org",
		.sector = "civil society",
		.country = "Kenya",
		.role = STORE_ROLE_MODERATOR,
		.status = STORE_STATUS_ACTIVE,
		.pwhash = "$argon2id$v=19$m=65536,t=2,p=1$c2FsdHNhbHQ$aGFzaGhhc2g",
		.created = 1700000000,
		.last_login = 1700000100,
	};
	int64_t id = 0;
	CHECK_INT(store_user_add(st, &u, &id), BBS_OK);
	CHECK(id > 0);

	struct store_user *got = NULL;
	CHECK_INT(store_user_get(st, "alice", &got), BBS_OK);
	if (got) {
		CHECK_INT(got->id, id);
		CHECK_STR(got->handle, u.handle);
		CHECK_STR(got->display_name, u.display_name);
		CHECK_STR(got->organisation, u.organisation);
		CHECK_STR(got->sector, u.sector);
		CHECK_STR(got->country, u.country);
		CHECK_INT(got->role, u.role);
		CHECK_INT(got->status, u.status);
		CHECK_STR(got->pwhash, u.pwhash);
		CHECK_INT(got->created, u.created);
		CHECK_INT(got->last_login, u.last_login);
	}
	store_user_free(got);
	got = NULL;
	CHECK_INT(store_user_get_by_id(st, id, &got), BBS_OK);
	CHECK(got && strcmp(got->handle, "alice") == 0);
	store_user_free(got);

	/* Duplicates and bad input. */
	int64_t id2 = 99;
	CHECK_INT(store_user_add(st, &u, &id2), BBS_ERR_EXISTS);
	CHECK_INT(id2, 0);
	struct store_user bad = u;
	bad.handle = "Alice";
	CHECK_INT(store_user_add(st, &bad, NULL), BBS_ERR_INVALID);
	bad.handle = "x";
	CHECK_INT(store_user_add(st, &bad, NULL), BBS_ERR_INVALID);
	bad.handle = "carol";
	bad.role = 7;
	CHECK_INT(store_user_add(st, &bad, NULL), BBS_ERR_INVALID);
	bad.role = STORE_ROLE_MEMBER;
	bad.pwhash = "has space";
	CHECK_INT(store_user_add(st, &bad, NULL), BBS_ERR_INVALID);
	CHECK_INT(store_user_add(st, NULL, NULL), BBS_ERR_INVALID);

	/* Minimal user: NULL profile fields come back empty, no password, member, now. */
	int64_t before = bbs_now();
	struct store_user min = { .handle = "zed" };
	int64_t zid = 0;
	CHECK_INT(store_user_add(st, &min, &zid), BBS_OK);
	got = NULL;
	CHECK_INT(store_user_get(st, "zed", &got), BBS_OK);
	if (got) {
		CHECK_STR(got->display_name, "");
		CHECK_STR(got->country, "");
		CHECK(got->pwhash == NULL);
		CHECK_INT(got->role, STORE_ROLE_MEMBER);
		CHECK_INT(got->status, STORE_STATUS_ACTIVE);
		CHECK(got->created >= before && got->created <= bbs_now());
		CHECK_INT(got->last_login, 0);
	}
	store_user_free(got);

	/* Not found. */
	got = (struct store_user *)1;
	CHECK_INT(store_user_get(st, "nobody", &got), BBS_ERR_NOTFOUND);
	CHECK(got == NULL);
	CHECK_INT(store_user_get(st, "'; DROP TABLE users; --", &got), BBS_ERR_NOTFOUND);
	CHECK_INT(store_user_get_by_id(st, 424242, &got), BBS_ERR_NOTFOUND);

	/* Changes. */
	CHECK_INT(store_user_set_status(st, zid, STORE_STATUS_DISABLED), BBS_OK);
	CHECK_INT(store_user_set_role(st, zid, STORE_ROLE_SYSOP), BBS_OK);
	CHECK_INT(store_user_set_password(st, zid, "$argon2id$v=19$new"), BBS_OK);
	CHECK_INT(store_login_record(st, zid, true, 0, "user z", "password", NULL), BBS_OK);
	got = NULL;
	CHECK_INT(store_user_get_by_id(st, zid, &got), BBS_OK);
	if (got) {
		CHECK_INT(got->status, STORE_STATUS_DISABLED);
		CHECK_INT(got->role, STORE_ROLE_SYSOP);
		CHECK_STR(got->pwhash, "$argon2id$v=19$new");
		CHECK(got->last_login >= before);
	}
	store_user_free(got);
	CHECK_INT(store_user_set_password(st, zid, NULL), BBS_OK);
	got = NULL;
	CHECK_INT(store_user_get_by_id(st, zid, &got), BBS_OK);
	CHECK(got && got->pwhash == NULL);
	store_user_free(got);
	CHECK_INT(store_user_set_status(st, zid, 5), BBS_ERR_INVALID);
	CHECK_INT(store_user_set_role(st, zid, 0), BBS_ERR_INVALID);
	CHECK_INT(store_user_set_role(st, 424242, STORE_ROLE_MEMBER), BBS_ERR_NOTFOUND);
	CHECK_INT(store_user_set_status(st, 424242, STORE_STATUS_ACTIVE), BBS_ERR_NOTFOUND);
	CHECK_INT(store_user_set_password(st, 424242, NULL), BBS_ERR_NOTFOUND);
	CHECK_INT(store_login_record(st, 424242, true, 0, "user x", "password", NULL),
		BBS_ERR_NOTFOUND);

	/* List: ordered by handle. */
	struct store_user mid = { .handle = "bob" };
	CHECK_INT(store_user_add(st, &mid, NULL), BBS_OK);
	struct store_user **v = NULL;
	size_t n = 0;
	CHECK_INT(store_user_list(st, &v, &n), BBS_OK);
	CHECK_INT(n, 3);
	if (n == 3) {
		CHECK_STR(v[0]->handle, "alice");
		CHECK_STR(v[1]->handle, "bob");
		CHECK_STR(v[2]->handle, "zed");
		CHECK_STR(v[0]->organisation, "Example Org");
	}
	store_user_list_free(v, n);
	store_user_list_free(NULL, 0);
	store_user_free(NULL);

	/* Role and status names. */
	int role = 0;
	CHECK_STR(store_role_name(STORE_ROLE_MEMBER), "member");
	CHECK_STR(store_role_name(STORE_ROLE_MODERATOR), "moderator");
	CHECK_STR(store_role_name(STORE_ROLE_SYSOP), "sysop");
	CHECK_STR(store_role_name(0), "?");
	CHECK_STR(store_role_name(99), "?");
	CHECK_INT(store_role_parse("sysop", &role), BBS_OK);
	CHECK_INT(role, STORE_ROLE_SYSOP);
	CHECK_INT(store_role_parse("root", &role), BBS_ERR_INVALID);
	CHECK_INT(store_role_parse(NULL, &role), BBS_ERR_INVALID);
	CHECK_STR(store_status_name(STORE_STATUS_ACTIVE), "active");
	CHECK_STR(store_status_name(STORE_STATUS_DISABLED), "disabled");
	CHECK_STR(store_status_name(-1), "?");
}

#define BLOB_A "AAAAC3NzaC1lZDI1NTE5AAAAIOv1nE4QHjRpi3b9kbu2AtlBVVxkRB0J1S8ktOQjMeZS"
#define BLOB_B "AAAAC3NzaC1lZDI1NTE5AAAAIBp0Y1yTgbyFFnbOg9qhj7ilEbGaUMHZZFzmYMn4YGxN"

static void test_keys(struct store *st)
{
	int64_t alice = 0, bob = 0;
	struct store_user *u = NULL;
	CHECK_INT(store_user_get(st, "alice", &u), BBS_OK);
	if (u)
		alice = u->id;
	store_user_free(u);
	u = NULL;
	CHECK_INT(store_user_get(st, "bob", &u), BBS_OK);
	if (u)
		bob = u->id;
	store_user_free(u);

	int64_t k1 = 0, k2 = 0, k3 = 0;
	int64_t before = bbs_now();
	CHECK_INT(store_key_add(st, alice, "ssh-ed25519", BLOB_A, "SHA256:aaaa", "alice@laptop", &k1),
		BBS_OK);
	CHECK_INT(store_key_add(st, alice, "ssh-ed25519", BLOB_B, "SHA256:bbbb", NULL, &k2), BBS_OK);
	CHECK(k1 > 0 && k2 > 0 && k1 != k2);

	/* The same key twice for one user; the same key for another user is fine. */
	int64_t kd = 5;
	CHECK_INT(store_key_add(st, alice, "ssh-ed25519", BLOB_A, "SHA256:aaaa", "again", &kd),
		BBS_ERR_EXISTS);
	CHECK_INT(kd, 0);
	CHECK_INT(store_key_add(st, bob, "ssh-ed25519", BLOB_A, "SHA256:aaaa", "", &k3), BBS_OK);
	/* A user that does not exist, and malformed keys. */
	CHECK_INT(store_key_add(st, 424242, "ssh-ed25519", BLOB_B, "SHA256:bbbb", "", NULL),
		BBS_ERR_NOTFOUND);
	CHECK_INT(store_key_add(st, alice, "ssh-ed25519", "not base64!", "SHA256:x", "", NULL),
		BBS_ERR_INVALID);
	CHECK_INT(store_key_add(st, alice, "ssh ed25519", BLOB_B, "SHA256:x", "", NULL),
		BBS_ERR_INVALID);
	CHECK_INT(store_key_add(st, alice, "ssh-ed25519", BLOB_B, "", "", NULL), BBS_ERR_INVALID);
	CHECK_INT(store_key_add(st, alice, NULL, BLOB_B, "SHA256:x", "", NULL), BBS_ERR_INVALID);

	struct store_key *v = NULL;
	size_t n = 0;
	CHECK_INT(store_key_list(st, alice, &v, &n), BBS_OK);
	CHECK_INT(n, 2);
	if (n == 2) {
		CHECK_INT(v[0].id, k1);
		CHECK_INT(v[0].user_id, alice);
		CHECK_STR(v[0].type, "ssh-ed25519");
		CHECK_STR(v[0].blob, BLOB_A);
		CHECK_STR(v[0].fingerprint, "SHA256:aaaa");
		CHECK_STR(v[0].comment, "alice@laptop");
		CHECK(v[0].added >= before && v[0].added <= bbs_now());
		CHECK_INT(v[0].last_used, 0);
		CHECK_INT(v[1].id, k2);
		CHECK_STR(v[1].comment, "");  /* NULL comment: empty, never NULL */
	}
	store_key_list_free(v, n);

	/* Touch. */
	CHECK_INT(store_login_record(st, alice, true, k2, "user alice", "publickey", NULL), BBS_OK);
	CHECK_INT(store_login_record(st, alice, true, 424242, "user alice", "publickey", NULL),
		BBS_ERR_NOTFOUND);
	CHECK_INT(store_login_record(st, alice, true, -1, "user alice", "publickey", NULL),
		BBS_ERR_INVALID);
	CHECK_INT(store_key_list(st, alice, &v, &n), BBS_OK);
	CHECK(n == 2 && v[1].last_used >= before && v[0].last_used == 0);
	store_key_list_free(v, n);

	/* Remove by fingerprint: only that user's key goes. */
	CHECK_INT(store_key_remove(st, alice, "SHA256:aaaa"), BBS_OK);
	CHECK_INT(store_key_remove(st, alice, "SHA256:aaaa"), BBS_ERR_NOTFOUND);
	CHECK_INT(store_key_remove(st, alice, "SHA256:zzzz"), BBS_ERR_NOTFOUND);
	CHECK_INT(store_key_list(st, alice, &v, &n), BBS_OK);
	CHECK(n == 1 && v[0].id == k2);
	store_key_list_free(v, n);
	CHECK_INT(store_key_list(st, bob, &v, &n), BBS_OK);
	CHECK(n == 1 && v[0].id == k3);
	store_key_list_free(v, n);

	/* A user without keys: an empty list. */
	struct store_user *zed = NULL;
	CHECK_INT(store_user_get(st, "zed", &zed), BBS_OK);
	v = (struct store_key *)1;
	n = 7;
	CHECK_INT(store_key_list(st, zed ? zed->id : 0, &v, &n), BBS_OK);
	CHECK(v == NULL && n == 0);
	store_user_free(zed);
	store_key_list_free(NULL, 0);
}

static void test_settings(struct store *st)
{
	char *v = (char *)1;
	CHECK_INT(store_setting_get(st, "motd", &v), BBS_ERR_NOTFOUND);
	CHECK(v == NULL);
	CHECK_INT(store_setting_set(st, "motd", "first"), BBS_OK);
	CHECK_INT(store_setting_get(st, "motd", &v), BBS_OK);
	CHECK_STR(v, "first");
	free(v);
	CHECK_INT(store_setting_set(st, "motd", "second"), BBS_OK);
	CHECK_INT(store_setting_get(st, "motd", &v), BBS_OK);
	CHECK_STR(v, "second");
	free(v);
	CHECK_INT(store_setting_set(st, "motd", ""), BBS_OK);
	CHECK_INT(store_setting_get(st, "motd", &v), BBS_OK);
	CHECK_STR(v, "");
	free(v);
	CHECK_INT(store_setting_set(st, "Bad Key", "x"), BBS_ERR_INVALID);
	CHECK_INT(store_setting_set(st, "", "x"), BBS_ERR_INVALID);
	CHECK_INT(store_setting_set(st, "k", NULL), BBS_ERR_INVALID);
	CHECK_INT(store_setting_get(st, "a;b", &v), BBS_ERR_INVALID);
}

static void test_hostile(struct store *st)
{
	/* ESC sequences (colour, title change, OSC 52 clipboard), C1, bidi, invalid UTF-8. */
	static char evil[] = "\x1b[31mRed\x1b]0;pwned\x07 \x1b]52;c;ZXZpbA==\x07"
		"\xc2\x9b" "2J \xe2\x80\xae" "txet \xff\xfe\xc0\xaf end";
	int64_t id = 0;
	struct store_user u = { .handle = "mallory", .display_name = evil, .organisation = evil,
		.sector = "a\nb", .country = evil };
	CHECK_INT(store_user_add(st, &u, &id), BBS_OK);
	struct store_user *got = NULL;
	CHECK_INT(store_user_get(st, "mallory", &got), BBS_OK);
	char *want = text_sanitize(evil, strlen(evil), 0);
	if (got) {
		CHECK_STR(got->display_name, want);
		CHECK(strchr(got->display_name, '\x1b') == NULL);
		CHECK(text_is_clean(got->display_name, 0));
		CHECK(text_utf8_valid(got->display_name, strlen(got->display_name)));
		CHECK(strstr(got->display_name, "\xe2\x80\xae") == NULL);
		CHECK(strstr(got->display_name, "\xc2\x9b") == NULL);
		CHECK(strchr(got->sector, '\n') == NULL);  /* one-line field */
		CHECK(text_is_clean(got->organisation, 0) && text_is_clean(got->country, 0));
	}
	store_user_free(got);

	CHECK_INT(store_key_add(st, id, "ssh-ed25519", BLOB_A, "SHA256:aaaa", evil, NULL), BBS_OK);
	struct store_key *k = NULL;
	size_t n = 0;
	CHECK_INT(store_key_list(st, id, &k, &n), BBS_OK);
	CHECK(n == 1 && strcmp(k[0].comment, want) == 0);
	store_key_list_free(k, n);

	CHECK_INT(store_setting_set(st, "motd", evil), BBS_OK);
	char *v = NULL;
	CHECK_INT(store_setting_get(st, "motd", &v), BBS_OK);
	CHECK_STR(v, want);
	free(v);
	free(want);

	/* Page bodies keep their lines (CR LF becomes LF) and lose everything else. */
	static const char body[] = "Line one\r\n\x1b[2JLine two\n\nPara\xff two\tend\x7f";
	CHECK_INT(store_page_set(st, "evil", evil, body), BBS_OK);
	struct store_page p;
	CHECK_INT(store_page_get(st, "evil", &p), BBS_OK);
	want = text_sanitize(body, strlen(body), TEXT_MULTILINE);
	CHECK_STR(p.body, want);
	CHECK(p.body && text_is_clean(p.body, TEXT_MULTILINE) && strchr(p.body, '\x1b') == NULL
		&& strchr(p.body, '\r') == NULL && strstr(p.body, "Line one\n") != NULL);
	CHECK(p.title && text_is_clean(p.title, 0) && strchr(p.title, '\x1b') == NULL);
	store_page_finish(&p);
	free(want);

	/* Oversized input is refused, not truncated. */
	char big[STORE_FIELD_MAX + 2];
	memset(big, 'x', sizeof big - 1);
	big[sizeof big - 1] = '\0';
	struct store_user bigu = { .handle = "biggie", .display_name = big };
	CHECK_INT(store_user_add(st, &bigu, NULL), BBS_ERR_TOOBIG);
	CHECK_INT(store_user_get(st, "biggie", &got), BBS_ERR_NOTFOUND);
	big[STORE_FIELD_MAX] = '\0';
	CHECK_INT(store_user_add(st, &bigu, NULL), BBS_OK);
	size_t blen = STORE_BODY_MAX + 1;
	char *bigbody = xmalloc(blen + 1);
	memset(bigbody, 'y', blen);
	bigbody[blen] = '\0';
	CHECK_INT(store_page_set(st, "big", "Big", bigbody), BBS_ERR_TOOBIG);
	bigbody[STORE_BODY_MAX] = '\0';
	CHECK_INT(store_page_set(st, "big", "Big", bigbody), BBS_OK);
	free(bigbody);
}

/* Two connections to one file: each sees what the other committed. */
static void test_two_connections(void)
{
	char *path = db_path("shared.db");
	struct store *a = NULL, *b = NULL;
	CHECK_INT(store_open(path, &a), BBS_OK);
	CHECK_INT(store_open(path, &b), BBS_OK);
	if (!a || !b)
		goto out;

	struct store_user u = { .handle = "dora" };
	int64_t id = 0;
	CHECK_INT(store_user_add(a, &u, &id), BBS_OK);
	struct store_user *got = NULL;
	CHECK_INT(store_user_get(b, "dora", &got), BBS_OK);
	CHECK(got && got->id == id);
	store_user_free(got);

	CHECK_INT(store_user_set_role(b, id, STORE_ROLE_SYSOP), BBS_OK);
	got = NULL;
	CHECK_INT(store_user_get(a, "dora", &got), BBS_OK);
	CHECK(got && got->role == STORE_ROLE_SYSOP);
	store_user_free(got);

	/* Unique constraints hold across connections. */
	CHECK_INT(store_user_add(b, &u, NULL), BBS_ERR_EXISTS);
	CHECK_INT(store_setting_set(b, "site_name", "Other"), BBS_OK);
	char *v = NULL;
	CHECK_INT(store_setting_get(a, "site_name", &v), BBS_OK);
	CHECK_STR(v, "Other");
	free(v);
out:
	store_close(a);
	store_close(b);
	free(path);
}

/*
 * Several processes open a new file at the same moment (so they race to migrate it) and
 * write at once: every write lands, none fails with busy, and the schema is migrated once.
 */
#define PROCS 4
#define ADDS 20

static void test_processes(void)
{
	char *path = db_path("procs.db");
	pid_t pids[PROCS];
	int pipes[PROCS][2];

	/* Children wait on a pipe so they start together. */
	for (int i = 0; i < PROCS; i++) {
		CHECK(pipe(pipes[i]) == 0);
		pids[i] = fork();
		if (pids[i] == 0) {
			char c;
			close(pipes[i][1]);
			if (read(pipes[i][0], &c, 1) != 1)
				_exit(2);
			struct store *st = NULL;
			int err = store_open(path, &st);
			if (err != BBS_OK) {
				fprintf(stderr, "child %d: store_open: %s\n", i, bbs_strerror(err));
				_exit(3);
			}
			int bad = 0;
			for (int j = 0; j < ADDS; j++) {
				char handle[32];
				snprintf(handle, sizeof handle, "p%d-u%02d", i, j);
				struct store_user u = { .handle = handle };
				if (store_user_add(st, &u, NULL) != BBS_OK)
					bad++;
			}
			if (store_seed(st) != BBS_OK)
				bad++;
			store_close(st);
			_exit(bad ? 4 : 0);
		}
		close(pipes[i][0]);
	}
	for (int i = 0; i < PROCS; i++) {
		CHECK(write(pipes[i][1], "g", 1) == 1);
		close(pipes[i][1]);
	}
	for (int i = 0; i < PROCS; i++) {
		int status = 0;
		CHECK(waitpid(pids[i], &status, 0) == pids[i]);
		CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	}

	struct store *st = NULL;
	CHECK_INT(store_open(path, &st), BBS_OK);
	struct store_user **v = NULL;
	size_t n = 0;
	CHECK_INT(store_user_list(st, &v, &n), BBS_OK);
	CHECK_INT(n, PROCS * ADDS);
	store_user_list_free(v, n);
	struct store_area *areas = NULL;
	CHECK_INT(store_area_list(st, &areas, &n), BBS_OK);
	CHECK_INT(n, 3);
	store_area_list_free(areas, n);
	store_close(st);
	CHECK_INT(header_user_version(path), store_schema_version());
	free(path);
}

/* The tests that share one (unseeded) database. */
static void test_one_database(void)
{
	char *path = db_path("main.db");
	struct store *st = NULL;
	CHECK_INT(store_open(path, &st), BBS_OK);
	if (st) {
		test_users(st);
		test_keys(st);
		test_settings(st);
		test_hostile(st);
	}
	store_close(st);
	free(path);
}

int main(void)
{
	static void (*const steps[])(void) = {
		test_migrations, test_seed, test_one_database, test_two_connections, test_processes
	};
	return tmpdir_main("test-store", BBS_LOG_WARN, steps, sizeof steps / sizeof steps[0]);
}
