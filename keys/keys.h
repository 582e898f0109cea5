/*
 * keys: host keys, members' public keys, passwords and random tokens.
 *
 * The only module that includes sodium.h. It also uses libssh's key functions (parsing,
 * generation, fingerprints) so that key handling is the well-kept library's, not ours; libssh's
 * session API stays in bbsd/.
 *
 * Secrets (passwords, private keys) are wiped after use and never logged.
 */
#ifndef BBS_KEYS_H
#define BBS_KEYS_H

#include <stdbool.h>
#include <stddef.h>

/* Must be called once per process before any other keys_ function. Returns 0 or BBS_ERR_CRYPTO. */
int keys_init(void);

/* ---- host keys ---- */
/* File names inside the data directory, in the order the server offers them. */
extern const char *const keys_host_files[3]; /* "ssh_host_ed25519_key", "ssh_host_ecdsa_key", "ssh_host_rsa_key" */

/*
 * Makes sure dir holds the three host keys (ed25519, ECDSA P-256, RSA 3072) in OpenSSH private
 * key format with mode 0600, generating the missing ones. Existing keys are never replaced.
 * Returns 0 or a negative bbs_err.
 */
int keys_host_ensure(const char *dir);

/*
 * Writes one line per host key in dir to *lines (heap array of heap strings, caller frees with
 * keys_lines_free), formatted as ssh-keygen -lf prints it: "256 SHA256:xxxx (ED25519)".
 */
int keys_host_fingerprints(const char *dir, char ***lines, size_t *n);
void keys_lines_free(char **lines, size_t n);

/* ---- members' public keys ---- */
struct keys_pub {
	char *type;         /* key type name as in authorized_keys, e.g. "ssh-ed25519" */
	char *blob;         /* base64 of the key blob */
	char *fingerprint;  /* "SHA256:..." identical to ssh-keygen -lf */
	char *comment;      /* trailing comment, sanitized; "" when absent */
	int bits;           /* key size in bits (256 for ed25519) */
};
void keys_pub_finish(struct keys_pub *k);

/*
 * Parses one authorized_keys line ("type base64 [comment]"; options before the type are refused).
 * Accepts ssh-ed25519, ecdsa-sha2-nistp256/384/521 and ssh-rsa of at least 2048 bits, plus the
 * sk- variants libssh knows. Refuses DSA, short RSA, malformed base64, a blob whose type does not
 * match, and lines over 16 KiB. On failure returns BBS_ERR_INVALID or BBS_ERR_WEAK and sets
 * *reason to a static, human-readable sentence (never NULL on failure).
 */
int keys_parse_authorized(const char *line, struct keys_pub *out, const char **reason);

/* Reads the first key line of a .pub / authorized_keys file and parses it as above. */
int keys_parse_file(const char *path, struct keys_pub *out, const char **reason);

/* ---- passwords (Argon2id via crypto_pwhash_str, INTERACTIVE limits) ---- */
#define KEYS_PWHASH_LEN 128  /* buffer size for a hash string, including NUL */

/* Checks the policy: at least BBS_PASSWORD_MIN characters, at most BBS_PASSWORD_MAX bytes, valid
 * UTF-8. Returns 0, or BBS_ERR_WEAK / BBS_ERR_TOOBIG / BBS_ERR_INVALID with *reason set. */
int keys_password_policy(const char *pw, size_t len, const char **reason);
/* Hashes pw (which must pass the policy) into out. Returns 0 or a negative bbs_err. */
int keys_password_hash(const char *pw, size_t len, char out[KEYS_PWHASH_LEN]);
/* Returns true only if pw matches hash. A NULL or empty hash verifies against a fixed dummy hash
 * so that unknown users cost the same time, and returns false. */
bool keys_password_verify(const char *hash, const char *pw, size_t len);

/* ---- randomness and tokens ---- */
/* Fills out with a random password of len-1 characters from an unambiguous alphabet
 * (no 0/O, 1/l/I), NUL-terminated. len >= 11. */
void keys_random_password(char *out, size_t len);
/* Uniform random integer in [0, upper). */
unsigned keys_random_uniform(unsigned upper);
/* Overwrites n bytes at p with zeros in a way the compiler keeps. */
void keys_wipe(void *p, size_t n);

#endif
