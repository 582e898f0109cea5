/*
 * test-keys: unit tests for keys/ (host keys, members' public keys, passwords, randomness).
 *
 * Fingerprints are checked against the real ssh-keygen (/usr/bin/ssh-keygen), run with
 * fork/execvp and a pipe. Every file lives in a fresh temporary directory that is removed
 * at the end. Must never: depend on keys outside its temporary directory or sleep.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <dirent.h>

#include "check.h"
#include "common/common.h"
#include "keys/keys.h"
#include "text/text.h"
#include "tmpdir.h"

#define SSH_KEYGEN "/usr/bin/ssh-keygen"


/* Runs argv[0] (found by execvp), captures up to cap-1 bytes of stdout into out. Returns the
 * exit status, or -1 if it could not run. stderr goes to /dev/null. */
static int run_capture(char *const argv[], char *out, size_t cap)
{
	int pfd[2], status;
	size_t have = 0;
	pid_t pid;

	out[0] = '\0';
	if (pipe2(pfd, O_CLOEXEC) != 0)
		return -1;
	pid = fork();
	if (pid < 0) {
		close(pfd[0]);
		close(pfd[1]);
		return -1;
	}
	if (pid == 0) {
		int devnull = open("/dev/null", O_RDWR);
		if (dup2(pfd[1], 1) < 0 || devnull < 0 || dup2(devnull, 2) < 0 ||
		    dup2(devnull, 0) < 0)
			_exit(127);
		execvp(argv[0], argv);
		_exit(127);
	}
	close(pfd[1]);
	for (;;) {
		char junk[256];
		ssize_t r;
		if (have + 1 < cap)
			r = read(pfd[0], out + have, cap - 1 - have);
		else
			r = read(pfd[0], junk, sizeof(junk));
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		if (have + 1 < cap)
			have += (size_t)r;
	}
	out[have] = '\0';
	close(pfd[0]);
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return -1;
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/* ssh-keygen -lf path -> "BITS FP ... (TYPE)"; fills fp and "BITS FP (TYPE)" in line. */
static int keygen_fingerprint(const char *path, char *fp, size_t fpcap, char *line, size_t lcap)
{
	char out[1024], bits[16], *sp1, *sp2, *type;
	char *argv[] = { SSH_KEYGEN, "-l", "-E", "sha256", "-f", (char *)path, NULL };

	fp[0] = line[0] = '\0';
	if (run_capture(argv, out, sizeof(out)) != 0)
		return -1;
	out[strcspn(out, "\n")] = '\0';
	sp1 = strchr(out, ' ');
	if (!sp1)
		return -1;
	sp2 = strchr(sp1 + 1, ' ');
	type = strrchr(out, '(');
	if (!sp2 || !type || (size_t)(sp1 - out) >= sizeof(bits))
		return -1;
	memcpy(bits, out, (size_t)(sp1 - out));
	bits[sp1 - out] = '\0';
	*sp2 = '\0';
	if (bbs_snprintf(fp, fpcap, "%s", sp1 + 1) != 0 ||
	    bbs_snprintf(line, lcap, "%s %s %s", bits, fp, type) != 0)
		return -1;
	return 0;
}

/* Reads a whole (small) file into a heap buffer; *len gets its size. NULL on error. */
static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf;
	size_t n;

	*len = 0;
	if (!f)
		return NULL;
	buf = xmalloc(1 << 20);
	n = fread(buf, 1, (1 << 20) - 1, f);
	fclose(f);
	buf[n] = '\0';
	*len = n;
	return buf;
}

static int write_file(const char *path, const char *data, size_t len)
{
	FILE *f = fopen(path, "wb");
	int ok;

	if (!f)
		return -1;
	ok = fwrite(data, 1, len, f) == len;
	return (fclose(f) == 0 && ok) ? 0 : -1;
}

static int keygen_user(const char *name, const char *type, const char *bits, const char *comment)
{
	char out[512];
	char *path = db_path(name);
	char *argv[] = { SSH_KEYGEN, "-q", "-t", (char *)type, "-b", (char *)bits, "-N", "",
		"-C", (char *)comment, "-f", path, NULL };
	int rc;

	if (!bits) {
		/* drop "-b bits" */
		argv[4] = "-N";
		argv[5] = "";
		argv[6] = "-C";
		argv[7] = (char *)comment;
		argv[8] = "-f";
		argv[9] = path;
		argv[10] = NULL;
	}
	rc = run_capture(argv, out, sizeof(out));
	free(path);
	return rc;
}

/* The first line of NAME.pub without its newline (heap). */
static char *pub_line(const char *name)
{
	char *p = xasprintf("%s/%s.pub", tmpdir, name);
	size_t len;
	char *s = slurp(p, &len);

	free(p);
	if (!s)
		return xstrdup("");
	s[strcspn(s, "\n")] = '\0';
	return s;
}

/* Second word of a line (heap). */
static char *word2(const char *line)
{
	const char *a = strchr(line, ' '), *b;

	if (!a)
		return xstrdup("");
	b = strchr(a + 1, ' ');
	return b ? xstrndup(a + 1, (size_t)(b - a - 1)) : xstrdup(a + 1);
}

static void test_host_keys(void)
{
	char *files[3], *before[3];
	size_t lens[3];
	char **lines = NULL;
	size_t n = 0;

	CHECK_INT(keys_host_ensure(tmpdir), 0);
	for (int i = 0; i < 3; i++) {
		struct stat st;
		files[i] = db_path(keys_host_files[i]);
		CHECK(lstat(files[i], &st) == 0);
		CHECK(S_ISREG(st.st_mode));
		CHECK_INT(st.st_mode & 07777, 0600);
		before[i] = slurp(files[i], &lens[i]);
		CHECK(before[i] != NULL && lens[i] > 0);
	}
	/* Twice: nothing changes. */
	CHECK_INT(keys_host_ensure(tmpdir), 0);
	for (int i = 0; i < 3; i++) {
		size_t l;
		char *again = slurp(files[i], &l);
		CHECK(again && l == lens[i] && memcmp(again, before[i], l) == 0);
		free(again);
	}
	/* No temporary files left behind. */
	DIR *d = opendir(tmpdir);
	struct dirent *e;
	int stray = 0;
	CHECK(d != NULL);
	while (d && (e = readdir(d)) != NULL)
		if (strstr(e->d_name, ".tmp."))
			stray++;
	if (d)
		closedir(d);
	CHECK_INT(stray, 0);

	/* Fingerprints equal ssh-keygen -lf on the private key files. */
	CHECK_INT(keys_host_fingerprints(tmpdir, &lines, &n), 0);
	CHECK_INT(n, 3);
	const char *labels[3] = { "(ED25519)", "(ECDSA)", "(RSA)" };
	const char *bits[3] = { "256 ", "256 ", "3072 " };
	for (size_t i = 0; i < n && i < 3; i++) {
		char fp[256], kl[512];
		CHECK_INT(keygen_fingerprint(files[i], fp, sizeof(fp), kl, sizeof(kl)), 0);
		CHECK(strncmp(fp, "SHA256:", 7) == 0);
		CHECK(strstr(lines[i], fp) != NULL);
		CHECK_STR(lines[i], kl);
		CHECK(strncmp(lines[i], bits[i], strlen(bits[i])) == 0);
		CHECK(strstr(lines[i], labels[i]) != NULL);
	}
	keys_lines_free(lines, n);
	keys_lines_free(NULL, 0);

	/* A group/world-readable key is refused and left alone. */
	CHECK(chmod(files[0], 0644) == 0);
	CHECK_INT(keys_host_ensure(tmpdir), BBS_ERR_DENIED);
	{
		size_t l;
		struct stat st;
		char *again = slurp(files[0], &l);
		CHECK(again && l == lens[0] && memcmp(again, before[0], l) == 0);
		free(again);
		CHECK(stat(files[0], &st) == 0 && (st.st_mode & 0777) == 0644);
	}
	CHECK(chmod(files[0], 0600) == 0);
	CHECK(chmod(files[1], 0640) == 0);
	CHECK_INT(keys_host_ensure(tmpdir), BBS_ERR_DENIED);
	CHECK(chmod(files[1], 0600) == 0);
	CHECK_INT(keys_host_ensure(tmpdir), 0);

	/* A symlink in place of a key is refused. */
	{
		char *link = db_path("ssh_host_rsa_key");
		char *moved = db_path("moved_rsa");
		CHECK(rename(link, moved) == 0);
		CHECK(symlink(moved, link) == 0);
		CHECK(keys_host_ensure(tmpdir) < 0);
		CHECK(unlink(link) == 0);
		CHECK(rename(moved, link) == 0);
		free(link);
		free(moved);
	}
	/* A broken key is refused, not replaced. */
	{
		size_t l;
		CHECK(write_file(files[2], "garbage\n", 8) == 0);
		CHECK_INT(keys_host_ensure(tmpdir), BBS_ERR_INVALID);
		char *again = slurp(files[2], &l);
		CHECK(again && l == 8);
		free(again);
		CHECK(write_file(files[2], before[2], lens[2]) == 0);
		CHECK_INT(keys_host_ensure(tmpdir), 0);
	}
	/* A missing key is generated; the others stay. */
	CHECK(unlink(files[2]) == 0);
	CHECK_INT(keys_host_ensure(tmpdir), 0);
	{
		size_t l;
		struct stat st;
		char *a = slurp(files[0], &l);
		CHECK(a && l == lens[0] && memcmp(a, before[0], l) == 0);
		free(a);
		a = slurp(files[2], &l);
		CHECK(a && l > 0 && (l != lens[2] || memcmp(a, before[2], l) != 0));
		free(a);
		CHECK(stat(files[2], &st) == 0 && (st.st_mode & 07777) == 0600);
	}
	/* ensure into a directory that does not exist yet */
	{
		char *sub = db_path("sub");
		char **l2 = NULL;
		size_t n2 = 0;
		struct stat st;
		CHECK_INT(keys_host_ensure(sub), 0);
		CHECK(stat(sub, &st) == 0 && (st.st_mode & 0777) == 0700);
		CHECK_INT(keys_host_fingerprints(sub, &l2, &n2), 0);
		CHECK_INT(n2, 3);
		keys_lines_free(l2, n2);
		for (int i = 0; i < 3; i++) {
			char *f = xasprintf("%s/%s", sub, keys_host_files[i]);
			CHECK(unlink(f) == 0);
			free(f);
		}
		CHECK_INT(keys_host_fingerprints(sub, &l2, &n2), BBS_ERR_NOTFOUND);
		CHECK(l2 == NULL && n2 == 0);
		CHECK(rmdir(sub) == 0);
		free(sub);
	}
	for (int i = 0; i < 3; i++) {
		free(files[i]);
		free(before[i]);
	}
}

static void test_user_keys(void)
{
	static const struct {
		const char *name, *type, *bits, *word, *label;
		int nbits;
	} kinds[] = {
		{ "u_ed25519", "ed25519", NULL, "ssh-ed25519", "(ED25519)", 256 },
		{ "u_ecdsa", "ecdsa", "256", "ecdsa-sha2-nistp256", "(ECDSA)", 256 },
		{ "u_ecdsa384", "ecdsa", "384", "ecdsa-sha2-nistp384", "(ECDSA)", 384 },
		{ "u_rsa", "rsa", "3072", "ssh-rsa", "(RSA)", 3072 },
		{ "u_rsa2048", "rsa", "2048", "ssh-rsa", "(RSA)", 2048 },
	};

	for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++) {
		struct keys_pub k;
		const char *reason = "unset";
		char fp[256], kl[512];
		char *pub = xasprintf("%s/%s.pub", tmpdir, kinds[i].name);
		char *line, *blob;

		CHECK_INT(keygen_user(kinds[i].name, kinds[i].type, kinds[i].bits, "alice@example.org"), 0);
		CHECK_INT(keygen_fingerprint(pub, fp, sizeof(fp), kl, sizeof(kl)), 0);
		CHECK_INT(keys_parse_file(pub, &k, &reason), 0);
		CHECK(reason == NULL);
		CHECK_STR(k.fingerprint, fp);
		CHECK_STR(k.type, kinds[i].word);
		CHECK_INT(k.bits, kinds[i].nbits);
		CHECK_STR(k.comment, "alice@example.org");
		line = pub_line(kinds[i].name);
		blob = word2(line);
		CHECK_STR(k.blob, blob);            /* ssh-keygen's blob is already canonical */
		{
			char expect[512];
			/* kl is ssh-keygen's line without the comment field. */
			CHECK(bbs_snprintf(expect, sizeof(expect), "%d %s %s",
					   k.bits, k.fingerprint, kinds[i].label) == 0);
			CHECK_STR(kl, expect);
		}
		keys_pub_finish(&k);

		/* The same line through keys_parse_authorized, with CRLF and extra blanks. */
		char *l2 = xasprintf("  %s \r\n", line);
		CHECK_INT(keys_parse_authorized(l2, &k, &reason), 0);
		CHECK_STR(k.fingerprint, fp);
		CHECK_STR(k.comment, "alice@example.org");
		keys_pub_finish(&k);
		free(l2);

		/* No comment at all. */
		l2 = xasprintf("%s %s", kinds[i].word, blob);
		CHECK_INT(keys_parse_authorized(l2, &k, &reason), 0);
		CHECK_STR(k.comment, "");
		keys_pub_finish(&k);
		free(l2);

		free(line);
		free(blob);
		free(pub);
	}
	keys_pub_finish(NULL);
}

/* Expects line to be refused with err; returns the reason. */
static const char *refused(const char *line, int err)
{
	struct keys_pub k;
	const char *reason = NULL;
	int rc = keys_parse_authorized(line, &k, &reason);

	CHECK_INT(rc, err);
	CHECK(reason != NULL && reason[0] != '\0');
	CHECK(k.type == NULL && k.blob == NULL && k.fingerprint == NULL && k.comment == NULL);
	if (rc == 0)
		keys_pub_finish(&k);
	return reason ? reason : "";
}

static void test_bad_lines(void)
{
	char *ed = pub_line("u_ed25519");
	char *edblob = word2(ed);
	char *ec = pub_line("u_ecdsa");
	char *ecblob = word2(ec);
	char *rsa = pub_line("u_rsa");
	char *rsablob = word2(rsa);
	char *l;
	const char *r, *r_empty, *r_comment, *r_missing, *r_b64, *r_unknown, *r_opts, *r_mismatch;

	/* DSA */
	CHECK_INT(keygen_user("u_dsa", "dsa", NULL, "old"), 0);
	l = pub_line("u_dsa");
	r = refused(l, BBS_ERR_WEAK);
	CHECK_STR(r, "DSA keys are no longer accepted");
	free(l);
	/* Short RSA */
	CHECK_INT(keygen_user("u_rsa1024", "rsa", "1024", "short"), 0);
	l = pub_line("u_rsa1024");
	r = refused(l, BBS_ERR_WEAK);
	CHECK_STR(r, "RSA keys must be at least 2048 bits");
	free(l);
	{
		struct keys_pub k;
		char *p = db_path("u_rsa1024.pub");
		CHECK_INT(keys_parse_file(p, &k, &r), BBS_ERR_WEAK);
		CHECK_STR(r, "RSA keys must be at least 2048 bits");
		free(p);
	}

	r_empty = refused("", BBS_ERR_INVALID);
	CHECK_STR(refused("   \t \r\n", BBS_ERR_INVALID), r_empty);
	r_comment = refused("# ssh-ed25519 AAAA", BBS_ERR_INVALID);
	r_missing = refused("ssh-ed25519", BBS_ERR_INVALID);
	CHECK_STR(refused("ssh-ed25519    ", BBS_ERR_INVALID), r_missing);
	r_b64 = refused("ssh-ed25519 AAAA!!!! x", BBS_ERR_INVALID);
	/* truncated blob: not a multiple of 4 */
	l = xasprintf("ssh-ed25519 %.*s", (int)strlen(edblob) - 1, edblob);
	CHECK_STR(refused(l, BBS_ERR_INVALID), r_b64);
	free(l);
	r_unknown = refused("ssh-foo AAAAB3NzaC1yc2E= x", BBS_ERR_INVALID);
	/* options */
	l = xasprintf("command=\"ls\" %s", ed);
	r_opts = refused(l, BBS_ERR_INVALID);
	free(l);
	l = xasprintf("no-pty %s", ed);
	CHECK_STR(refused(l, BBS_ERR_INVALID), r_opts);
	free(l);
	l = xasprintf("from=\"10.0.0.1\",no-agent-forwarding %s", ed);
	CHECK_STR(refused(l, BBS_ERR_INVALID), r_opts);
	free(l);
	l = xasprintf("command=\"echo hi there\" %s", ed);
	CHECK_STR(refused(l, BBS_ERR_INVALID), r_opts);
	free(l);
	/* type mismatch */
	l = xasprintf("ssh-rsa %s x", edblob);
	r_mismatch = refused(l, BBS_ERR_INVALID);
	free(l);
	l = xasprintf("ssh-ed25519 %s x", rsablob);
	CHECK_STR(refused(l, BBS_ERR_INVALID), r_mismatch);
	free(l);
	l = xasprintf("ecdsa-sha2-nistp384 %s x", ecblob);
	CHECK_STR(refused(l, BBS_ERR_INVALID), r_mismatch);
	free(l);
	/* valid base64 that is not a key */
	r = refused("ssh-ed25519 AAAAC3NzaC1lZDI1NTE5 x", BBS_ERR_INVALID);
	CHECK(strcmp(r, r_b64) != 0);
	/* certificates */
	refused("ssh-ed25519-cert-v01@openssh.com AAAA x", BBS_ERR_INVALID);
	/* NULL */
	{
		struct keys_pub k;
		CHECK_INT(keys_parse_authorized(NULL, &k, &r), BBS_ERR_INVALID);
		CHECK(r != NULL);
	}

	/* Every refusal has its own sentence. */
	const char *all[] = { r_empty, r_comment, r_missing, r_b64, r_unknown, r_opts, r_mismatch };
	for (size_t i = 0; i < 7; i++)
		for (size_t j = i + 1; j < 7; j++)
			CHECK(strcmp(all[i], all[j]) != 0);

	/* Over 16 KiB: refused as too big; exactly 16 KiB is fine and the comment is capped. */
	{
		size_t base = strlen(ed);
		char *big = xmalloc(16 * 1024 + 2);
		struct keys_pub k;
		memcpy(big, ed, base);
		memset(big + base, 'c', 16 * 1024 + 1 - base);
		big[16 * 1024 + 1] = '\0';
		CHECK_INT(strlen(big), 16 * 1024 + 1);
		refused(big, BBS_ERR_TOOBIG);
		big[16 * 1024] = '\0';
		CHECK_INT(keys_parse_authorized(big, &k, &r), 0);
		CHECK(k.comment && strlen(k.comment) == 256);
		keys_pub_finish(&k);
		/* The file variant too. */
		char *p = db_path("big.pub");
		memset(big + base, 'c', 16 * 1024 + 1 - base);
		big[16 * 1024 + 1] = '\n';
		CHECK(write_file(p, big, 16 * 1024 + 2) == 0);
		CHECK_INT(keys_parse_file(p, &k, &r), BBS_ERR_TOOBIG);
		free(p);
		free(big);
	}

	/* Escape sequences and bidi controls in the comment are cleaned. */
	{
		struct keys_pub k;
		l = xasprintf("%s %s evil\x1b]0;pwned\x07\xe2\x80\xae\x9b" "2J", "ssh-ed25519", edblob);
		CHECK_INT(keys_parse_authorized(l, &k, &r), 0);
		CHECK_STR(k.comment, "evil^[]0;pwned^G\xef\xbf\xbd" "2J");
		CHECK(text_is_clean(k.comment, 0));
		keys_pub_finish(&k);
		free(l);
		/* Multi-byte comment capped at 256 bytes without splitting a character. */
		char cm[1200];
		size_t n = 0;
		while (n + 3 < sizeof(cm) - 1) {
			memcpy(cm + n, "\xe4\xb8\xad", 3);
			n += 3;
		}
		cm[n] = '\0';
		l = xasprintf("ssh-ed25519 %s %s", edblob, cm);
		CHECK_INT(keys_parse_authorized(l, &k, &r), 0);
		CHECK(strlen(k.comment) <= 256 && strlen(k.comment) % 3 == 0);
		CHECK(text_utf8_valid(k.comment, strlen(k.comment)));
		keys_pub_finish(&k);
		free(l);
	}
	/* Embedded NUL in a file's comment becomes "^@"; comments/blank lines are skipped. */
	{
		struct keys_pub k;
		char *p = db_path("nul.pub");
		char *body = xasprintf("# my key\n\n\nssh-ed25519 %s a_b\n", edblob);
		size_t bl = strlen(body);
		char *nulpos = strstr(body, "a_b");
		nulpos[1] = '\0';
		CHECK(write_file(p, body, bl) == 0);
		CHECK_INT(keys_parse_file(p, &k, &r), 0);
		CHECK_STR(k.comment, "a^@b");
		keys_pub_finish(&k);
		/* NUL inside the blob: refused. */
		free(body);
		body = xasprintf("ssh-ed25519 %s c\n", edblob);
		bl = strlen(body);
		body[20] = '\0';
		CHECK(write_file(p, body, bl) == 0);
		CHECK_INT(keys_parse_file(p, &k, &r), BBS_ERR_INVALID);
		/* No key in the file. */
		CHECK(write_file(p, "# nothing\n\n", 11) == 0);
		CHECK_INT(keys_parse_file(p, &k, &r), BBS_ERR_INVALID);
		CHECK(r != NULL);
		free(body);
		free(p);
		p = db_path("does-not-exist.pub");
		CHECK_INT(keys_parse_file(p, &k, &r), BBS_ERR_NOTFOUND);
		free(p);
		CHECK(keys_parse_file(tmpdir, &k, &r) < 0);  /* a directory */
	}
	free(ed);
	free(edblob);
	free(ec);
	free(ecblob);
	free(rsa);
	free(rsablob);
}

static void test_passwords(void)
{
	char hash[KEYS_PWHASH_LEN];
	const char *r;
	const char *pw = "correct horse battery";
	char big[1100];

	CHECK_INT(keys_password_policy("123456789", 9, &r), BBS_ERR_WEAK);
	CHECK(r != NULL);
	CHECK_INT(keys_password_policy("1234567890", 10, &r), 0);
	/* characters, not bytes: 9 x "é" is 18 bytes but 9 characters */
	CHECK_INT(keys_password_policy("\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9"
		"\xc3\xa9\xc3\xa9", 18, &r), BBS_ERR_WEAK);
	CHECK_INT(keys_password_policy("\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9"
		"\xc3\xa9\xc3\xa9\xc3\xa9", 20, &r), 0);
	memset(big, 'a', sizeof(big));
	CHECK_INT(keys_password_policy(big, 1025, &r), BBS_ERR_TOOBIG);
	CHECK(r != NULL);
	CHECK_INT(keys_password_policy(big, 1024, &r), 0);
	CHECK_INT(keys_password_policy("abcdefghij\xff", 11, &r), BBS_ERR_INVALID);
	CHECK(r != NULL);
	CHECK_INT(keys_password_policy("abcdefghij\xed\xa0\x80", 13, &r), BBS_ERR_INVALID);
	CHECK_INT(keys_password_policy("abcde\0fghijk", 12, &r), BBS_ERR_INVALID);
	CHECK_INT(keys_password_policy(NULL, 0, &r), BBS_ERR_INVALID);

	CHECK_INT(keys_password_hash("short", 5, hash), BBS_ERR_WEAK);
	CHECK_STR(hash, "");
	CHECK_INT(keys_password_hash(pw, strlen(pw), hash), 0);
	CHECK(strncmp(hash, "$argon2id$", 10) == 0);
	CHECK(keys_password_verify(hash, pw, strlen(pw)));
	CHECK(!keys_password_verify(hash, "correct horse batterY", strlen(pw)));
	CHECK(!keys_password_verify(hash, pw, strlen(pw) - 1));
	CHECK(!keys_password_verify(hash, NULL, 0));
	CHECK(!keys_password_verify(NULL, pw, strlen(pw)));
	CHECK(!keys_password_verify("", pw, strlen(pw)));
	CHECK(!keys_password_verify("$argon2id$garbage", pw, strlen(pw)));
	CHECK(!keys_password_verify(hash, big, sizeof(big)));
	/* Two hashes of one password differ (random salt) and both verify. */
	{
		char h2[KEYS_PWHASH_LEN];
		CHECK_INT(keys_password_hash(pw, strlen(pw), h2), 0);
		CHECK(strcmp(h2, hash) != 0);
		CHECK(keys_password_verify(h2, pw, strlen(pw)));
	}
}

static void test_random(void)
{
	static const char alphabet[] = "23456789abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ";
	char a[21], b[21];
	int seen[10] = { 0 }, bad = 0;

	keys_random_password(a, sizeof(a));
	keys_random_password(b, sizeof(b));
	CHECK_INT(strlen(a), 20);
	CHECK(strcmp(a, b) != 0);
	CHECK(strspn(a, alphabet) == 20);
	CHECK(strpbrk(a, "0O1lI") == NULL);
	for (int i = 0; i < 2000; i++) {
		unsigned v = keys_random_uniform(10);
		if (v >= 10)
			bad++;
		else
			seen[v]++;
	}
	CHECK_INT(bad, 0);
	for (int i = 0; i < 10; i++)
		CHECK(seen[i] > 0);
	CHECK_INT(keys_random_uniform(0), 0);
	CHECK_INT(keys_random_uniform(1), 0);
	keys_wipe(a, sizeof(a));
	for (size_t i = 0; i < sizeof(a); i++)
		CHECK(a[i] == 0);
	keys_wipe(NULL, 10);
}

/* Invite codes: the format, the alphabet, normalisation of what people type, refusals. */
static void test_invite(void)
{
	static const char alphabet[] = "23456789ABCDEFGHJKMNPQRSTUVWXYZ";
	char a[KEYS_INVITE_CODE_LEN], b[KEYS_INVITE_CODE_LEN];
	char h1[KEYS_INVITE_HASH_LEN], h2[KEYS_INVITE_HASH_LEN];
	int seen[128] = { 0 };

	for (int round = 0; round < 2000; round++) {
		keys_invite_code(a);
		CHECK_INT(strlen(a), KEYS_INVITE_CODE_LEN - 1);
		for (int i = 0; i < KEYS_INVITE_CODE_LEN - 1; i++) {
			if (i % 5 == 4) {
				CHECK(a[i] == '-');
			} else {
				CHECK(a[i] && strchr(alphabet, a[i]) != NULL);
				seen[(unsigned char)a[i] & 127]++;
			}
		}
		/* Its own hash works. */
		CHECK_INT(keys_invite_hash(a, h1), 0);
	}
	/* Every symbol of the alphabet comes up (32,000 draws of 31), no look-alike ever. */
	for (const char *p = alphabet; *p; p++)
		CHECK(seen[(unsigned char)*p] > 0);
	CHECK(seen['0'] == 0 && seen['O'] == 0 && seen['1'] == 0 && seen['I'] == 0 &&
		seen['L'] == 0);
	keys_invite_code(a);
	keys_invite_code(b);
	CHECK(strcmp(a, b) != 0);

	/* Normalisation: blanks and '-' dropped, lower case raised. */
	CHECK_INT(keys_invite_hash("abcd efgh-jkmn pqrs", h1), 0);
	CHECK_INT(keys_invite_hash("ABCD-EFGH-JKMN-PQRS", h2), 0);
	CHECK_STR(h1, h2);
	CHECK_INT(strlen(h1), 64);
	for (int i = 0; i < 64; i++)
		CHECK((h1[i] >= '0' && h1[i] <= '9') || (h1[i] >= 'a' && h1[i] <= 'f'));
	CHECK_INT(keys_invite_hash("ABCDEFGHJKMNPQRS", h2), 0);
	CHECK_STR(h1, h2);
	CHECK_INT(keys_invite_hash(" abcd-efgh-jkmn-pqrs\t", h2), 0);
	CHECK_STR(h1, h2);
	CHECK_INT(keys_invite_hash("\tabcd-efgh-jkmn-pqrs ", h2), 0);
	CHECK_STR(h1, h2);
	/* Different codes, different hashes. */
	CHECK_INT(keys_invite_hash("ABCD-EFGH-JKMN-PQRT", h2), 0);
	CHECK(strcmp(h1, h2) != 0);

	/* Wrong length or alphabet: refused, out is "". */
	static const char *const bad[] = {
		"", "ABCD-EFGH-JKMN-PQR", "ABCD-EFGH-JKMN-PQRSS", "ABCD-EFGH-JKMN-PQR0",
		"ABCD-EFGH-JKMN-PQRO", "ABCD-EFGH-JKMN-PQR1", "ABCD-EFGH-JKMN-PQRI",
		"ABCD-EFGH-JKMN-PQRL", "abcd-efgh-jkmn-pqrl", "ABCD_EFGH_JKMN_PQRS",
		"ABCD-EFGH-JKMN-PQR\xc3\xa9", "ABCD-EFGH-JKMN-PQR\n", "ABCD.EFGH.JKMN.PQRS",
		"----------------", "ABCD-EFGH-JKMN-PQRS-ABCD",
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		memset(h2, 'x', sizeof h2);
		CHECK_INT(keys_invite_hash(bad[i], h2), BBS_ERR_INVALID);
		CHECK_STR(h2, "");
	}
	CHECK_INT(keys_invite_hash(NULL, h2), BBS_ERR_INVALID);
	CHECK_STR(h2, "");
	/* A very long string of blanks around a code is not a code. */
	char longer[600];
	memset(longer, ' ', sizeof longer);
	memcpy(longer + 500, "ABCDEFGHJKMNPQRS", 16);
	longer[516] = '\0';
	CHECK_INT(keys_invite_hash(longer, h2), BBS_ERR_INVALID);
}

/* BLAKE2b-256 as 64 lowercase hex digits (reference values from Python's hashlib). */
static void test_hash_hex(void)
{
	char h[KEYS_HASH_HEX_LEN];
	keys_hash_hex("", 0, h);
	CHECK_STR(h, "0e5751c026e543b2e8ab2eb06099daa1d1e5df47778f7787faab45cdf12fe3a8");
	keys_hash_hex(NULL, 0, h);
	CHECK_STR(h, "0e5751c026e543b2e8ab2eb06099daa1d1e5df47778f7787faab45cdf12fe3a8");
	keys_hash_hex("abc", 3, h);
	CHECK_STR(h, "bddd813c634239723171ef3fee98579b94964e3bb1cb3e427262c8c068d52319");
	/* Bytes after a NUL count: the length is what is hashed, not a C string. */
	keys_hash_hex("a\0b", 3, h);
	CHECK_STR(h, "f2c67fb755da2d22dea00c49aa161fa4457ada51c50260da341260b4752f74d1");
	CHECK_INT(strlen(h), KEYS_HASH_HEX_LEN - 1);
}

/* keys_init may be called again. */
static void test_init(void)
{
	CHECK_INT(keys_init(), 0);
	CHECK_INT(keys_init(), 0);
}

int main(void)
{
	static void (*const steps[])(void) = {
		test_init, test_host_keys, test_user_keys, test_bad_lines, test_passwords,
		test_random, test_invite, test_hash_hex
	};
	return tmpdir_main("test-keys", BBS_LOG_WARN, steps, sizeof steps / sizeof steps[0]);
}
