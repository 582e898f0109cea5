/*
 * keys-pub.c: members' public keys (authorized_keys lines and .pub files).
 *
 * Parsing of the key itself is libssh's (reached through keys_libssh(), loaded at first use
 * so that the UI does not carry libssh in every session); this file only splits the line, refuses what the
 * policy does not accept (options, DSA, short RSA, certificates, mismatched types), and
 * re-exports the blob so that what is stored is libssh's canonical form.
 *
 * Must never: accept a line whose declared type differs from the blob's type, keep any
 * option (command=, from=...) from a line, let an unsanitised comment out, or read more
 * than 16 KiB of one line.
 */
#include "keys/keys.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sodium.h>

#include "common/common.h"
#include "keys/keys-private.h"
#include "text/text.h"

#define LINE_MAX_BYTES (16 * 1024)
#define COMMENT_MAX_BYTES 256
#define RSA_MIN_BITS 2048
#define RSA_MAX_BITS 16384
#define FILE_MAX_BYTES (1024 * 1024)

void keys_pub_finish(struct keys_pub *k)
{
	if (!k)
		return;
	free(k->type);
	free(k->blob);
	free(k->fingerprint);
	free(k->comment);
	memset(k, 0, sizeof(*k));
}

/* ---- SSH wire format helpers (RFC 4251 strings) ---- */

static bool wire_string(const unsigned char **p, size_t *rem, const unsigned char **s, size_t *n)
{
	uint32_t len;

	if (*rem < 4)
		return false;
	len = (uint32_t)(*p)[0] << 24 | (uint32_t)(*p)[1] << 16 | (uint32_t)(*p)[2] << 8 | (*p)[3];
	if (len > *rem - 4)
		return false;
	*s = *p + 4;
	*n = len;
	*p += 4 + (size_t)len;
	*rem -= 4 + (size_t)len;
	return true;
}

/* Bits of an RSA public key blob: string "ssh-rsa", mpint e, mpint n. Returns -1 if malformed. */
static int rsa_blob_bits(const unsigned char *blob, size_t len)
{
	const unsigned char *s;
	size_t n, i;
	int bits;

	if (!wire_string(&blob, &len, &s, &n) || !wire_string(&blob, &len, &s, &n) ||
	    !wire_string(&blob, &len, &s, &n))
		return -1;
	for (i = 0; i < n && s[i] == 0; i++)
		;
	if (i == n || n - i > 8192)
		return -1;
	bits = (int)(n - i - 1) * 8;
	for (unsigned char top = s[i]; top; top >>= 1)
		bits++;
	return bits;
}

/* Decodes padded standard base64 into a new heap buffer. Returns false if malformed. */
static bool b64_decode(const char *b64, size_t b64len, unsigned char **bin, size_t *binlen)
{
	size_t cap = b64len / 4 * 3 + 3;
	const char *end = NULL;
	unsigned char *buf = xmalloc(cap);

	*bin = NULL;
	*binlen = 0;
	if (b64len == 0 || b64len % 4 != 0 ||
	    sodium_base642bin(buf, cap, b64, b64len, NULL, binlen, &end,
			      sodium_base64_VARIANT_ORIGINAL) != 0 ||
	    end != b64 + b64len) {
		free(buf);
		return false;
	}
	*bin = buf;
	return true;
}

int keys_ssh_key_info(const ssh_key key, char **fingerprint, int *bits, const char **label)
{
	unsigned char *hash = NULL;
	size_t hlen = 0;
	char *fp = NULL, *b64 = NULL;
	unsigned char *bin = NULL;
	size_t binlen = 0;
	int ret = BBS_ERR_CRYPTO, b = 0;
	const char *lab = NULL;

	if (fingerprint)
		*fingerprint = NULL;
	if (bits)
		*bits = 0;
	if (label)
		*label = NULL;
	if (!key)
		return BBS_ERR_INVALID;
	const struct keys_libssh *L = keys_libssh();
	if (!L)
		return BBS_ERR_CRYPTO;

	switch (L->key_type(key)) {
	case SSH_KEYTYPE_ED25519:
		lab = "ED25519"; b = 256; break;
	case SSH_KEYTYPE_SK_ED25519:
		lab = "ED25519-SK"; b = 256; break;
	case SSH_KEYTYPE_ECDSA_P256:
		lab = "ECDSA"; b = 256; break;
	case SSH_KEYTYPE_ECDSA_P384:
		lab = "ECDSA"; b = 384; break;
	case SSH_KEYTYPE_ECDSA_P521:
		lab = "ECDSA"; b = 521; break;
	case SSH_KEYTYPE_SK_ECDSA:
		lab = "ECDSA-SK"; b = 256; break;
	case SSH_KEYTYPE_DSS:
		lab = "DSA"; b = 1024; break;
	case SSH_KEYTYPE_RSA:
		/* libssh 0.10 has no public ssh_key_size(): count the modulus bits in the blob. */
		lab = "RSA";
		if (L->export_pubkey_base64(key, &b64) != SSH_OK || !b64)
			goto out;
		if (!b64_decode(b64, strlen(b64), &bin, &binlen)) {
			ret = BBS_ERR_INVALID;
			goto out;
		}
		b = rsa_blob_bits(bin, binlen);
		if (b < 0) {
			ret = BBS_ERR_INVALID;
			goto out;
		}
		break;
	default:
		ret = BBS_ERR_INVALID;
		goto out;
	}
	if (fingerprint) {
		if (L->get_publickey_hash(key, SSH_PUBLICKEY_HASH_SHA256, &hash, &hlen) != 0 ||
		    !hash)
			goto out;
		fp = L->get_fingerprint_hash(SSH_PUBLICKEY_HASH_SHA256, hash, hlen);
		if (!fp)
			goto out;
		*fingerprint = xstrdup(fp);
	}
	if (bits)
		*bits = b;
	if (label)
		*label = lab;
	ret = 0;
out:
	if (hash)
		L->clean_pubkey_hash(&hash);
	if (fp)
		L->string_free_char(fp);
	if (b64)
		L->string_free_char(b64);
	free(bin);
	return ret;
}

/* ---- line parsing ---- */

static bool is_blank(char c)
{
	return c == ' ' || c == '\t';
}

static bool is_b64_char(char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		c == '+' || c == '/' || c == '=';
}

/* Does the first word look like authorized_keys options rather than a mistyped key type? */
static bool looks_like_options(const char *w, size_t n)
{
	static const char *const words[] = {
		"agent-forwarding", "cert-authority", "no-agent-forwarding", "no-port-forwarding",
		"no-pty", "no-user-rc", "no-X11-forwarding", "port-forwarding", "pty", "restrict",
		"user-rc", "X11-forwarding", "no-touch-required", "verify-required",
	};

	if (memchr(w, '=', n) || memchr(w, ',', n) || memchr(w, '"', n))
		return true;
	for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++)
		if (strlen(words[i]) == n && strncasecmp(words[i], w, n) == 0)
			return true;
	return false;
}

/* Length of the longest prefix of s (length n) that is at most max bytes of whole UTF-8
 * characters. s is valid UTF-8. */
static size_t utf8_prefix(const char *s, size_t n, size_t max)
{
	size_t i = 0;

	while (i < n) {
		uint32_t cp;
		size_t k = text_utf8_decode(s + i, n - i, &cp);
		if (i + k > max)
			break;
		i += k;
	}
	return i;
}

/*
 * The parser behind keys_parse_authorized and keys_parse_file. line[0..len) may contain NUL
 * bytes (from a file); they can only end up in the comment, where text_sanitize shows them.
 */
static int parse_line(const char *line, size_t len, struct keys_pub *out, const char **reason)
{
	const char *type_s, *blob_s, *cmt_s;
	size_t type_n, blob_n, cmt_n, i = 0, binlen = 0;
	char *type = NULL, *blob = NULL, *canon = NULL, *fp = NULL, *clean = NULL;
	unsigned char *bin = NULL;
	const unsigned char *bp, *bt;
	size_t brem, btn;
	enum ssh_keytypes_e kt;
	ssh_key key = NULL;
	int ret = BBS_ERR_INVALID, bits = 0;
	const struct keys_libssh *L = keys_libssh();

	if (!L) {
		*reason = "Keys cannot be checked on this server just now (libssh is missing).";
		return BBS_ERR_CRYPTO;
	}
	if (len > LINE_MAX_BYTES) {
		*reason = "The line is longer than 16 KiB.";
		return BBS_ERR_TOOBIG;
	}
	/* Trim leading blanks and trailing blanks / CR / LF. */
	while (i < len && is_blank(line[i]))
		i++;
	while (len > i && (is_blank(line[len - 1]) || line[len - 1] == '\r' ||
			   line[len - 1] == '\n'))
		len--;
	if (i == len) {
		*reason = "The line is empty.";
		goto out;
	}
	if (line[i] == '#') {
		*reason = "The line is a comment, not a key.";
		goto out;
	}

	/* Word 1: the key type. */
	type_s = line + i;
	while (i < len && !is_blank(line[i]))
		i++;
	type_n = (size_t)(line + i - type_s);
	while (i < len && is_blank(line[i]))
		i++;
	/* Word 2: the base64 blob. */
	blob_s = line + i;
	while (i < len && !is_blank(line[i]))
		i++;
	blob_n = (size_t)(line + i - blob_s);
	while (i < len && is_blank(line[i]))
		i++;
	/* The rest: the comment. */
	cmt_s = line + i;
	cmt_n = len - i;

	if (memchr(type_s, '\0', type_n)) {
		*reason = "The key type is not valid.";
		goto out;
	}
	type = xstrndup(type_s, type_n);
	kt = L->key_type_from_name(type);
	if (kt == SSH_KEYTYPE_UNKNOWN) {
		char *second = xstrndup(blob_s, blob_n);
		/* OpenSSH's rule: if the first word is not a key type, it is an options list. */
		bool opts = looks_like_options(type_s, type_n) ||
			(blob_n > 0 && !memchr(blob_s, '\0', blob_n) &&
			 L->key_type_from_name(second) != SSH_KEYTYPE_UNKNOWN);
		free(second);
		if (opts) {
			*reason = "Options before the key type (such as command= or from=) are not "
				"accepted; give just the key.";
		} else if (strcmp(type, "ssh-dss") == 0) {
			/* libssh built without DSA does not know the name at all. */
			*reason = "DSA keys are no longer accepted";
			ret = BBS_ERR_WEAK;
		} else {
			*reason = "Unknown key type; use ssh-ed25519, ecdsa-sha2-nistp256 or ssh-rsa.";
		}
		goto out;
	}
	switch (kt) {
	case SSH_KEYTYPE_DSS:
	case SSH_KEYTYPE_DSS_CERT01:
		*reason = "DSA keys are no longer accepted";
		ret = BBS_ERR_WEAK;
		goto out;
	case SSH_KEYTYPE_ED25519:
	case SSH_KEYTYPE_ECDSA_P256:
	case SSH_KEYTYPE_ECDSA_P384:
	case SSH_KEYTYPE_ECDSA_P521:
	case SSH_KEYTYPE_RSA:
	case SSH_KEYTYPE_SK_ECDSA:
	case SSH_KEYTYPE_SK_ED25519:
		break;
	case SSH_KEYTYPE_RSA_CERT01:
	case SSH_KEYTYPE_ECDSA_P256_CERT01:
	case SSH_KEYTYPE_ECDSA_P384_CERT01:
	case SSH_KEYTYPE_ECDSA_P521_CERT01:
	case SSH_KEYTYPE_ED25519_CERT01:
	case SSH_KEYTYPE_SK_ECDSA_CERT01:
	case SSH_KEYTYPE_SK_ED25519_CERT01:
		*reason = "Certificates are not accepted; give the plain public key.";
		goto out;
	default:
		*reason = "Unknown key type; use ssh-ed25519, ecdsa-sha2-nistp256 or ssh-rsa.";
		goto out;
	}

	if (blob_n == 0) {
		*reason = "The key data is missing after the key type.";
		goto out;
	}
	for (size_t k = 0; k < blob_n; k++) {
		if (!is_b64_char(blob_s[k])) {
			*reason = "The key data is not valid base64.";
			goto out;
		}
	}
	if (!b64_decode(blob_s, blob_n, &bin, &binlen)) {
		*reason = "The key data is not valid base64.";
		goto out;
	}
	/*
	 * The blob names its own type; libssh trusts the blob, so compare it with the declared
	 * type here: "ssh-ed25519 <rsa blob>" is a confused or hostile line.
	 */
	bp = bin;
	brem = binlen;
	if (!wire_string(&bp, &brem, &bt, &btn)) {
		*reason = "The key data is not a valid public key.";
		goto out;
	}
	if (btn != type_n || memcmp(bt, type, type_n) != 0) {
		*reason = "The key type does not match the key data.";
		goto out;
	}
	if (kt == SSH_KEYTYPE_RSA) {
		bits = rsa_blob_bits(bin, binlen);
		if (bits < 0) {
			*reason = "The key data is not a valid public key.";
			goto out;
		}
		if (bits < RSA_MIN_BITS) {
			*reason = "RSA keys must be at least 2048 bits";
			ret = BBS_ERR_WEAK;
			goto out;
		}
		if (bits > RSA_MAX_BITS) {
			*reason = "RSA keys over 16384 bits are not accepted.";
			goto out;
		}
	}
	blob = xstrndup(blob_s, blob_n);
	if (L->import_pubkey_base64(blob, kt, &key) != SSH_OK || !key) {
		*reason = "The key data is not a valid public key.";
		goto out;
	}
	if (L->key_type(key) != kt) {
		*reason = "The key type does not match the key data.";
		goto out;
	}
	ret = keys_ssh_key_info(key, &fp, &bits, NULL);
	if (ret != 0) {
		*reason = "The key data is not a valid public key.";
		ret = BBS_ERR_INVALID;
		goto out;
	}
	ret = BBS_ERR_INVALID;
	if (L->export_pubkey_base64(key, &canon) != SSH_OK || !canon) {
		*reason = "The key could not be re-encoded.";
		ret = BBS_ERR_CRYPTO;
		goto out;
	}

	clean = text_sanitize(cmt_s, cmt_n, 0);
	clean[utf8_prefix(clean, strlen(clean), COMMENT_MAX_BYTES)] = '\0';

	out->type = type;
	out->blob = xstrdup(canon);
	out->fingerprint = fp;
	out->comment = clean;
	out->bits = bits;
	type = NULL;
	fp = NULL;
	clean = NULL;
	ret = 0;
out:
	if (canon)
		L->string_free_char(canon);
	L->key_free(key);
	free(type);
	free(blob);
	free(bin);
	free(fp);
	free(clean);
	return ret;
}

int keys_parse_authorized(const char *line, struct keys_pub *out, const char **reason)
{
	const char *dummy;

	if (!reason)
		reason = &dummy;
	*reason = NULL;
	if (!out) {
		*reason = "No key was given.";
		return BBS_ERR_INVALID;
	}
	memset(out, 0, sizeof(*out));
	if (!line) {
		*reason = "No key was given.";
		return BBS_ERR_INVALID;
	}
	/* strnlen bounds the scan: a huge line is refused without reading all of it. */
	return parse_line(line, strnlen(line, LINE_MAX_BYTES + 1), out, reason);
}

int keys_parse_file(const char *path, struct keys_pub *out, const char **reason)
{
	const char *dummy;
	struct stat st;
	char *buf = NULL;
	size_t have = 0, pos = 0;
	int fd = -1, ret = BBS_ERR_IO;

	if (!reason)
		reason = &dummy;
	*reason = NULL;
	if (!out || !path) {
		*reason = "No key file was given.";
		return BBS_ERR_INVALID;
	}
	memset(out, 0, sizeof(*out));
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd < 0) {
		*reason = errno == ENOENT ? "The key file does not exist." :
			"The key file could not be opened.";
		ret = errno == ENOENT ? BBS_ERR_NOTFOUND : BBS_ERR_IO;
		goto out;
	}
	/* A FIFO or device could block or never end: only regular files. */
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		*reason = "The key file is not a regular file.";
		ret = BBS_ERR_INVALID;
		goto out;
	}
	buf = xmalloc(FILE_MAX_BYTES + 1);
	while (have < FILE_MAX_BYTES) {
		ssize_t r = read(fd, buf + have, FILE_MAX_BYTES - have);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			*reason = "The key file could not be read.";
			goto out;
		}
		if (r == 0)
			break;
		have += (size_t)r;
	}
	/* Skip blank and comment lines; parse the first other line. */
	while (pos < have) {
		const char *nl = memchr(buf + pos, '\n', have - pos);
		size_t end = nl ? (size_t)(nl - buf) : have, k = pos;
		while (k < end && (is_blank(buf[k]) || buf[k] == '\r'))
			k++;
		if (k == end || buf[k] == '#') {
			pos = end + 1;
			continue;
		}
		if (!nl && have == FILE_MAX_BYTES && end - pos <= LINE_MAX_BYTES) {
			/* The line may go on past what we read; treat as too long. */
			*reason = "The line is longer than 16 KiB.";
			ret = BBS_ERR_TOOBIG;
			goto out;
		}
		ret = parse_line(buf + pos, end - pos, out, reason);
		goto out;
	}
	*reason = "The key file holds no key.";
	ret = BBS_ERR_INVALID;
out:
	if (fd >= 0)
		close(fd);
	free(buf);
	return ret;
}
