/*
 * sandbox: how the portal's processes confine themselves once they no longer need more.
 *
 * Two layers, both inherited by children and never lifted:
 *  - Landlock (Linux 5.13+; best effort: a kernel without it is logged once at debug level and
 *    the process goes on): files only in the data directory (read-write) and read-only in the
 *    system places a process needs (/usr, /etc, /proc, the terminal devices...); no TCP bind
 *    or connect (Linux 6.7+); no execution except the programs named.
 *  - a seccomp filter (libseccomp), a deny-list: administration and debugging calls (ptrace,
 *    mount, namespaces, bpf, keyrings, module loading, io_uring...), sockets other than
 *    AF_UNIX, faking terminal input (TIOCSTI), and for bbs and bbscmd execve/execveat. Each
 *    fails with EPERM; everything else is allowed. A deny-list, not an allow-list, because the
 *    programs (SQLite, ncurses, libsodium, glibc, and AddressSanitizer in the CI build) make
 *    calls no list can foresee, and an unforeseen call must not lose a member's work.
 * Both set no_new_privs first, as the kernel requires.
 *
 * Must never: widen what a process may do, or fail open silently (what is not in force is
 * logged); it must not block kill() on session processes (a sysop ends a session from bbs).
 */
#ifndef BBS_SANDBOX_H
#define BBS_SANDBOX_H

/* What sandbox_session/sandbox_child put in force (a bit mask, >= 0). */
enum sandbox_layer {
	SANDBOX_LANDLOCK = 1,
	SANDBOX_SECCOMP = 2,
};

/* For bbsd's session process after authentication: files as above, execution only of the
 * programs in the NULL-terminated list (bbs and bbscmd) and of the ELF loader they need; the
 * seccomp deny-list without the exec rules. data_dir must exist. Returns the layers in force,
 * or a negative bbs_err when a layer the kernel offers could not be set (logged). */
int sandbox_session(const char *data_dir, const char *const *programs);

/* For bbs and bbscmd (the UI and command processes), once they have started: files as above,
 * no execution at all, the whole seccomp deny-list (execve and execveat included), and not
 * dumpable (other processes of the service user cannot ptrace it). Same returns. */
int sandbox_child(const char *data_dir);

#endif
