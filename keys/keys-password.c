/*
 * keys-password.c: library start-up, password policy, hashing and verification (Argon2id
 * through libsodium's crypto_pwhash_str with the INTERACTIVE limits), random passwords,
 * random numbers, and invite codes (random; only their BLAKE2b hash is ever stored).
 *
 * Must never: log or keep a password or an invite code, compare hashes with memcmp (crypto_pwhash_str_verify
 * does the constant-time work), or answer faster for an unknown user than for a known one.
 */
#include "keys/keys.h"

#include <stdio.h>
#include <string.h>

#include <sodium.h>

#include "common/common.h"
#include "text/text.h"

_Static_assert(KEYS_PWHASH_LEN == crypto_pwhash_STRBYTES, "hash buffer must fit crypto_pwhash_str");

int keys_init(void)
{
	/* 0 = initialised now, 1 = already initialised; both are fine. */
	if (sodium_init() < 0)
		return BBS_ERR_CRYPTO;
	return 0;
}

/* ---- passwords ---- */

int keys_password_policy(const char *pw, size_t len, const char **reason)
{
	const char *dummy;
	size_t chars = 0, i = 0;

	if (!reason)
		reason = &dummy;
	*reason = NULL;
	if (!pw) {
		*reason = "No password was given.";
		return BBS_ERR_INVALID;
	}
	if (len > BBS_PASSWORD_MAX) {
		*reason = "Passwords can be at most 1024 bytes long.";
		return BBS_ERR_TOOBIG;
	}
	if (!text_utf8_valid(pw, len)) {
		*reason = "The password is not valid UTF-8 text.";
		return BBS_ERR_INVALID;
	}
	/* A NUL would cut the password short wherever it travels as a C string (libssh does). */
	if (memchr(pw, '\0', len)) {
		*reason = "The password must not contain a NUL character.";
		return BBS_ERR_INVALID;
	}
	while (i < len) {
		uint32_t cp;
		i += text_utf8_decode(pw + i, len - i, &cp);
		chars++;
	}
	if (chars < BBS_PASSWORD_MIN) {
		*reason = "Passwords must be at least 10 characters long.";
		return BBS_ERR_WEAK;
	}
	return 0;
}

int keys_password_hash(const char *pw, size_t len, char out[KEYS_PWHASH_LEN])
{
	int ret;

	if (!out)
		return BBS_ERR_INVALID;
	memset(out, 0, KEYS_PWHASH_LEN);
	ret = keys_password_policy(pw, len, NULL);
	if (ret != 0)
		return ret;
	/* Fails only when the 64 MiB work area cannot be allocated. */
	if (crypto_pwhash_str(out, pw, len, crypto_pwhash_OPSLIMIT_INTERACTIVE,
			      crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0) {
		sodium_memzero(out, KEYS_PWHASH_LEN);
		return BBS_ERR_NOMEM;
	}
	return 0;
}

/*
 * A hash of a random password, made on first use. Verifying against it costs what a real
 * verification costs, so "no such user" and "no password set" cannot be told apart from
 * "wrong password" by timing.
 */
static const char *dummy_hash(void)
{
	static char hash[KEYS_PWHASH_LEN];
	static bool made;
	unsigned char pw[32];

	if (!made) {
		randombytes_buf(pw, sizeof(pw));
		if (crypto_pwhash_str(hash, (const char *)pw, sizeof(pw),
				      crypto_pwhash_OPSLIMIT_INTERACTIVE,
				      crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0)
			bbs_fatal("keys: cannot compute the dummy password hash (out of memory)");
		sodium_memzero(pw, sizeof(pw));
		made = true;
	}
	return hash;
}

bool keys_password_verify(const char *hash, const char *pw, size_t len)
{
	char buf[KEYS_PWHASH_LEN];
	bool real, ok;

	if (!pw) {
		pw = "";
		len = 0;
	}
	/* A password over the limit could never have been set; still spend the time. */
	real = hash && hash[0] && strnlen(hash, KEYS_PWHASH_LEN) < KEYS_PWHASH_LEN &&
		len <= BBS_PASSWORD_MAX;
	/* crypto_pwhash_str_verify takes a crypto_pwhash_STRBYTES array: give it one. */
	memset(buf, 0, sizeof(buf));
	bbs_strlcpy(buf, real ? hash : dummy_hash(), sizeof(buf));
	ok = crypto_pwhash_str_verify(buf, pw, real ? len : (len > BBS_PASSWORD_MAX ? 0 : len)) == 0;
	sodium_memzero(buf, sizeof(buf));
	return real && ok;
}

/* ---- randomness ---- */

void keys_random_password(char *out, size_t len)
{
	/* No 0/O, 1/l/I: passwords are read aloud and typed from paper. */
	static const char alphabet[] = "23456789abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ";

	if (!out || len == 0)
		return;
	for (size_t i = 0; i + 1 < len; i++)
		out[i] = alphabet[randombytes_uniform((uint32_t)(sizeof(alphabet) - 1))];
	out[len - 1] = '\0';
}

unsigned keys_random_uniform(unsigned upper)
{
	if (upper < 2)
		return 0;
	return (unsigned)randombytes_uniform((uint32_t)upper);
}

void keys_wipe(void *p, size_t n)
{
	if (p && n)
		sodium_memzero(p, n);
}

/* ---- invite codes ---- */

/* Upper case without the look-alikes 0/O and 1/I/L: codes are read aloud and typed from
 * paper or a phone. 31 symbols, 16 of them: log2(31^16) is about 79 bits. */
static const char invite_alphabet[] = "23456789ABCDEFGHJKMNPQRSTUVWXYZ";
#define INVITE_SYMBOLS 16

void keys_invite_code(char out[KEYS_INVITE_CODE_LEN])
{
	size_t o = 0;

	if (!out)
		return;
	for (int i = 0; i < INVITE_SYMBOLS; i++) {
		if (i > 0 && i % 4 == 0)
			out[o++] = '-';
		out[o++] = invite_alphabet[randombytes_uniform((uint32_t)(sizeof invite_alphabet - 1))];
	}
	out[o] = '\0';
}

int keys_invite_hash(const char *code, char out[KEYS_INVITE_HASH_LEN])
{
	char norm[INVITE_SYMBOLS];
	unsigned char digest[32];
	size_t n = 0;
	int r = BBS_ERR_INVALID;

	if (!out)
		return BBS_ERR_INVALID;
	out[0] = '\0';
	if (!code)
		return BBS_ERR_INVALID;
	/* Bounded: a code with its separators is 19 bytes; anything far longer is not a code. */
	for (size_t i = 0; code[i]; i++) {
		char ch = code[i];
		if (i >= 256)
			goto out;
		if (ch == ' ' || ch == '\t' || ch == '-')
			continue;
		if (ch >= 'a' && ch <= 'z')
			ch = (char)(ch - 'a' + 'A');
		if (ch == '\0' || !memchr(invite_alphabet, ch, sizeof invite_alphabet - 1) ||
		    n >= INVITE_SYMBOLS)
			goto out;
		norm[n++] = ch;
	}
	if (n != INVITE_SYMBOLS)
		goto out;
	if (crypto_generichash(digest, sizeof digest, (const unsigned char *)norm, n, NULL, 0) != 0)
		goto out;
	sodium_bin2hex(out, KEYS_INVITE_HASH_LEN, digest, sizeof digest);
	r = 0;
out:
	sodium_memzero(norm, sizeof norm);
	sodium_memzero(digest, sizeof digest);
	return r;
}

/* ---- the audit log's chain ---- */

void keys_hash_hex(const void *data, size_t len, char out[KEYS_HASH_HEX_LEN])
{
	unsigned char digest[32];
	static const unsigned char empty;

	/* crypto_generichash wants a valid pointer even for no bytes. */
	if (crypto_generichash(digest, sizeof digest, data && len ? data : &empty,
		    data ? len : 0, NULL, 0) != 0) {
		out[0] = '\0';  /* cannot happen with these sizes; never a stale hash */
		return;
	}
	sodium_bin2hex(out, KEYS_HASH_HEX_LEN, digest, sizeof digest);
}

void keys_session_tag(int64_t pid, int64_t pid_start, char out[KEYS_SESSION_TAG_LEN])
{
	char in[64], hex[KEYS_HASH_HEX_LEN] = "00000000";
	int n = snprintf(in, sizeof in, "bbsd-session:%lld:%lld", (long long)pid,
		(long long)pid_start);
	keys_hash_hex(in, n > 0 && (size_t)n < sizeof in ? (size_t)n : 0, hex);
	memcpy(out, hex, KEYS_SESSION_TAG_LEN - 1);
	out[KEYS_SESSION_TAG_LEN - 1] = '\0';
}
