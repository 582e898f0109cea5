/*
 * keys-private.h: what the files of keys/ share with each other and with nobody else.
 * Includes libssh's key API; never include this outside keys/.
 */
#ifndef BBS_KEYS_PRIVATE_H
#define BBS_KEYS_PRIVATE_H

#include <libssh/libssh.h>

/*
 * Fills the "SHA256:..." fingerprint (heap string, caller frees), the size in bits and the
 * ssh-keygen style type label ("ED25519", "ECDSA", "RSA", ...) of a public or private key.
 * Any out-parameter may be NULL. Returns 0 or a negative bbs_err.
 */
int keys_ssh_key_info(const ssh_key key, char **fingerprint, int *bits, const char **label);

/*
 * libssh's public-key functions, resolved at first use (keys-libssh.c explains why): the
 * table, or NULL (logged once) if libssh cannot be loaded. keys-pub.c calls libssh only
 * through it, so that programs which never parse a key never load libssh.
 */
struct keys_libssh {
	__typeof__(&ssh_key_type) key_type;
	__typeof__(&ssh_key_type_from_name) key_type_from_name;
	__typeof__(&ssh_key_free) key_free;
	__typeof__(&ssh_pki_import_pubkey_base64) import_pubkey_base64;
	__typeof__(&ssh_pki_export_pubkey_base64) export_pubkey_base64;
	__typeof__(&ssh_get_publickey_hash) get_publickey_hash;
	__typeof__(&ssh_get_fingerprint_hash) get_fingerprint_hash;
	__typeof__(&ssh_clean_pubkey_hash) clean_pubkey_hash;
	__typeof__(&ssh_string_free_char) string_free_char;
};
const struct keys_libssh *keys_libssh(void);

#endif
