/*
 * keys-libssh.c: libssh's public-key functions, loaded when first needed.
 *
 * Why: the `bbs` UI and `bbscmd` run once per member session and need libssh only to read a
 * public key a member pastes (or the key they logged in with, for a visitor). Linking libssh
 * into them would load libssh, OpenSSL's libcrypto and Kerberos into every session process:
 * their relocations alone cost about 500 kB of private memory per session (measured with
 * /proc/PID/smaps) and slow every start. So keys-pub.c reaches libssh only through the table
 * below, and the programs that parse keys rarely pay for libssh only when they do. In bbsd
 * and bbsctl, which link libssh anyway (keys-host.c), dlopen() returns the copy already
 * loaded.
 *
 * Must never: load anything but the libssh soname the build was made against, or be called
 * from two threads at once (every program here is single-threaded where it parses keys).
 */
#include "keys/keys-private.h"

#include <dlfcn.h>
#include <stddef.h>

#include "common/common.h"

#ifndef KEYS_LIBSSH_SONAME
#define KEYS_LIBSSH_SONAME "libssh.so.4"
#endif

/* Assigns dlsym's result to a function pointer (POSIX guarantees the conversion works). */
#define RESOLVE(h, field, name) \
	(*(void **)(&(field)) = dlsym((h), (name))) != NULL

const struct keys_libssh *keys_libssh(void)
{
	static struct keys_libssh fn;
	static int state; /* 0 not tried, 1 loaded, -1 failed (not retried) */

	if (state != 0)
		return state > 0 ? &fn : NULL;
	state = -1;
	void *h = dlopen(KEYS_LIBSSH_SONAME, RTLD_NOW | RTLD_LOCAL);
	if (!h) {
		log_error("keys: cannot load %s: %s", KEYS_LIBSSH_SONAME, dlerror());
		return NULL;
	}
	if (!(RESOLVE(h, fn.key_type, "ssh_key_type") &&
	      RESOLVE(h, fn.key_type_from_name, "ssh_key_type_from_name") &&
	      RESOLVE(h, fn.key_free, "ssh_key_free") &&
	      RESOLVE(h, fn.import_pubkey_base64, "ssh_pki_import_pubkey_base64") &&
	      RESOLVE(h, fn.export_pubkey_base64, "ssh_pki_export_pubkey_base64") &&
	      RESOLVE(h, fn.get_publickey_hash, "ssh_get_publickey_hash") &&
	      RESOLVE(h, fn.get_fingerprint_hash, "ssh_get_fingerprint_hash") &&
	      RESOLVE(h, fn.clean_pubkey_hash, "ssh_clean_pubkey_hash") &&
	      RESOLVE(h, fn.string_free_char, "ssh_string_free_char"))) {
		log_error("keys: %s lacks a function it should have: %s", KEYS_LIBSSH_SONAME,
			dlerror());
		(void)dlclose(h);
		return NULL;
	}
	state = 1; /* the handle stays open for the life of the process */
	return &fn;
}
