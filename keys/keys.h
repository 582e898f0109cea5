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
#include <stdint.h>

/* Must be called once per process before any other keys_ function. Returns 0 or BBS_ERR_CRYPTO. */
int keys_init(void);

/* ---- host keys ---- */
/* File names inside the data directory, in the order the server offers them. */
extern const char *const keys_host_files[3]; /* "ssh_host_ed25519_key", "ssh_host_ecdsa_key", "ssh_host_rsa_key" */

/*
 * Makes sure dir holds the three host keys (ed25519, ECDSA P-256, RSA 3072) with mode 0600,
 * generating the missing ones (dir itself is created with mode 0700 if it does not exist).
 * File format: what libssh 0.10 writes, i.e. OpenSSH format for ed25519 and unencrypted
 * PKCS#8 PEM for ECDSA and RSA (libssh 0.10 cannot write those in OpenSSH format); both
 * libssh and ssh-keygen read them. A new key is written to a temporary file in dir, synced
 * and then linked into place, so a crash never leaves half a key.
 * Existing keys are never replaced. An existing key that is not a regular file, not owned by
 * the effective user, readable or writable by group/others, or not loadable as the right
 * type is refused with a logged explanation (the mode is not "repaired": the key may already
 * have been copied). Returns 0 or a negative bbs_err (BBS_ERR_DENIED for a key file with bad
 * ownership or mode, BBS_ERR_INVALID for a wrong or broken key, BBS_ERR_IO, BBS_ERR_CRYPTO).
 */
int keys_host_ensure(const char *dir);
/* True when every host key file that exists in dir belongs to root, and one does: then bbsd
 * started as root reads them before it drops its privileges (as sshd), and bbsctl leaves
 * them to root. */
bool keys_host_owned_by_root(const char *dir);

/*
 * Writes one line per host key in dir to *lines (heap array of heap strings, caller frees with
 * keys_lines_free), formatted as ssh-keygen -lf prints it but without the comment field:
 * "256 SHA256:xxxx (ED25519)", "256 SHA256:xxxx (ECDSA)", "3072 SHA256:xxxx (RSA)"; the
 * SHA256 field is byte-identical to ssh-keygen's. Missing key files are skipped.
 * Returns 0, BBS_ERR_NOTFOUND if there is no key at all, or BBS_ERR_INVALID for a broken one.
 */
int keys_host_fingerprints(const char *dir, char ***lines, size_t *n);
void keys_lines_free(char **lines, size_t n);  /* accepts NULL */

/* ---- members' public keys ---- */
struct keys_pub {
	char *type;         /* key type name as in authorized_keys, e.g. "ssh-ed25519" */
	char *blob;         /* base64 of the key blob */
	char *fingerprint;  /* "SHA256:..." identical to ssh-keygen -lf */
	char *comment;      /* trailing comment, sanitized; "" when absent */
	int bits;           /* key size in bits (256 for ed25519) */
};
/* Frees the strings of k and zeroes it. Accepts NULL and an all-zero struct. */
void keys_pub_finish(struct keys_pub *k);

/*
 * Parses one authorized_keys line ("type base64 [comment]"; options before the type are refused).
 * Accepts ssh-ed25519, ecdsa-sha2-nistp256/384/521 and ssh-rsa of 2048..16384 bits, plus the
 * sk- variants libssh knows. Refuses DSA, short RSA, certificates, malformed base64, a blob whose
 * type does not match, and lines over 16 KiB. Leading blanks and trailing blanks/CR/LF are
 * ignored. On success fills *out (free with keys_pub_finish): blob is libssh's canonical
 * re-export, comment is text_sanitize()d and cut to at most 256 bytes at a character boundary.
 * On failure *out is all zero, returns BBS_ERR_INVALID, BBS_ERR_WEAK (DSA, RSA < 2048 bits) or
 * BBS_ERR_TOOBIG (line over 16 KiB) and sets *reason to a static, human-readable sentence
 * (never NULL on failure; NULL on success). reason may be NULL if the caller does not care.
 */
int keys_parse_authorized(const char *line, struct keys_pub *out, const char **reason);

/* Reads the first key line of a .pub / authorized_keys file (a regular file; blank and '#'
 * lines are skipped, at most 1 MiB is read) and parses it as above. A NUL byte in the comment
 * comes out as "^@". Also returns BBS_ERR_NOTFOUND / BBS_ERR_IO (with *reason) if the file
 * cannot be read. */
int keys_parse_file(const char *path, struct keys_pub *out, const char **reason);

/* ---- passwords (Argon2id via crypto_pwhash_str, INTERACTIVE limits) ---- */
#define KEYS_PWHASH_LEN 128  /* buffer size for a hash string, including NUL */

/* Checks the policy: at least BBS_PASSWORD_MIN characters (UTF-8 code points), at most
 * BBS_PASSWORD_MAX bytes, valid UTF-8, no NUL byte. Returns 0, or BBS_ERR_WEAK / BBS_ERR_TOOBIG /
 * BBS_ERR_INVALID with *reason set to a static sentence (reason may be NULL). */
int keys_password_policy(const char *pw, size_t len, const char **reason);
/* Hashes pw into out ("$argon2id$..."). Returns 0, the policy's error if pw fails the policy,
 * or BBS_ERR_NOMEM (the 64 MiB work area could not be had); out is "" on failure. */
int keys_password_hash(const char *pw, size_t len, char out[KEYS_PWHASH_LEN]);
/* Returns true only if pw matches hash. A NULL or empty hash verifies against a dummy hash
 * (made once per process from a random password) so that unknown users cost the same time, and
 * returns false. pw may be NULL (treated as ""). A password over BBS_PASSWORD_MAX is false. */
bool keys_password_verify(const char *hash, const char *pw, size_t len);

/* ---- randomness and tokens ---- */
/* Fills out with a random password of len-1 characters from an unambiguous alphabet
 * (no 0/O, 1/l/I), NUL-terminated. len >= 11. */
void keys_random_password(char *out, size_t len);
/* Uniform random integer in [0, upper); 0 when upper < 2. */
unsigned keys_random_uniform(unsigned upper);
/* ---- invite codes ---- */
#define KEYS_INVITE_CODE_LEN 20   /* "XXXX-XXXX-XXXX-XXXX" + NUL */
#define KEYS_INVITE_HASH_LEN 65   /* 64 lowercase hex digits + NUL */
/* A new random invite code: four groups of four characters from an unambiguous upper-case
 * alphabet (no 0/O, 1/I/L), about 78 bits. */
void keys_invite_code(char out[KEYS_INVITE_CODE_LEN]);
/* The hash the store keeps for a code (BLAKE2b-256, hex). The code is normalised first: blanks
 * and '-' dropped, letters upper-cased, so "abcd efgh-..." as typed matches. Returns 0, or
 * BBS_ERR_INVALID for a code that is not 16 characters of the alphabet once normalised (then
 * out is ""), so a wrong guess never reaches the store. */
int keys_invite_hash(const char *code, char out[KEYS_INVITE_HASH_LEN]);

/* BLAKE2b-256 of data[0..len) as 64 lowercase hex digits (the audit log's chain). */
#define KEYS_HASH_HEX_LEN 65
void keys_hash_hex(const void *data, size_t len, char out[KEYS_HASH_HEX_LEN]);

/* The short tag that names one bbsd session process in its log lines and in `bbsctl session
 * list`: the first 8 hex digits of BLAKE2b over its process id and start time (as
 * store_proc_start_time gives it), so that whoever knows both (the session process itself, the
 * listener that forked it, bbsctl reading the sessions table) finds the same tag without it
 * being stored anywhere. Not a secret and not unguessable: a name for matching lines. */
#define KEYS_SESSION_TAG_LEN 9
void keys_session_tag(int64_t pid, int64_t pid_start, char out[KEYS_SESSION_TAG_LEN]);

/* Overwrites n bytes at p with zeros in a way the compiler keeps. p may be NULL. */
void keys_wipe(void *p, size_t n);

#endif
