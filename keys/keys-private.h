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

#endif
