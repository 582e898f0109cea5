/*
 * sandbox.c: Landlock and seccomp confinement for the session, UI and command processes
 * (see sandbox.h for what each may still do).
 *
 * Landlock is driven through its system calls (glibc has no wrappers) and linux/landlock.h;
 * the rights a kernel knows depend on its ABI version, so the handled rights are cut down to
 * that version (TRUNCATE from ABI 3, TCP from ABI 4). Debian 12's headers stop at ABI 2: the
 * later constants and the longer ruleset attribute are defined here, as the kernel's uapi has
 * them. Abstract Unix sockets are scoped (ABI 6); signals deliberately are not: bbs ends a
 * member's session with kill() when a sysop asks, and that process is outside bbs's domain.
 *
 * Must never: grant more than the lists below, or leave a layer half set up without saying.
 */
#include "sandbox/sandbox.h"
#include "common/common.h"

#include <errno.h>
#include <fcntl.h>
#include <link.h>
#include <linux/landlock.h>
#include <sched.h>
#include <stddef.h>
#include <seccomp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

/* ---- Landlock ---- */

/* Constants and the attribute layout of later ABIs than Debian 12's headers know. */
#define LL_FS_TRUNCATE      (1ULL << 14)  /* ABI 3 */
#define LL_NET_BIND_TCP     (1ULL << 0)   /* ABI 4 */
#define LL_NET_CONNECT_TCP  (1ULL << 1)   /* ABI 4 */
#define LL_SCOPE_ABSTRACT_UNIX_SOCKET (1ULL << 0)  /* ABI 6 */
struct ll_ruleset_attr {
	uint64_t handled_access_fs;
	uint64_t handled_access_net;          /* ABI 4 */
	uint64_t scoped;                      /* ABI 6 */
};

#define LL_FS_ABI1 (LANDLOCK_ACCESS_FS_EXECUTE | LANDLOCK_ACCESS_FS_WRITE_FILE | \
	LANDLOCK_ACCESS_FS_READ_FILE | LANDLOCK_ACCESS_FS_READ_DIR | LANDLOCK_ACCESS_FS_REMOVE_DIR | \
	LANDLOCK_ACCESS_FS_REMOVE_FILE | LANDLOCK_ACCESS_FS_MAKE_CHAR | LANDLOCK_ACCESS_FS_MAKE_DIR | \
	LANDLOCK_ACCESS_FS_MAKE_REG | LANDLOCK_ACCESS_FS_MAKE_SOCK | LANDLOCK_ACCESS_FS_MAKE_FIFO | \
	LANDLOCK_ACCESS_FS_MAKE_BLOCK | LANDLOCK_ACCESS_FS_MAKE_SYM)

/* Rights on directories (and what is beneath them). */
#define RO_DIR (LANDLOCK_ACCESS_FS_READ_FILE | LANDLOCK_ACCESS_FS_READ_DIR)
#define RW_DIR (RO_DIR | LANDLOCK_ACCESS_FS_WRITE_FILE | LANDLOCK_ACCESS_FS_REMOVE_FILE | \
	LANDLOCK_ACCESS_FS_MAKE_REG | LANDLOCK_ACCESS_FS_MAKE_DIR | LANDLOCK_ACCESS_FS_REMOVE_DIR | \
	LANDLOCK_ACCESS_FS_REFER | LL_FS_TRUNCATE)
/* Rights on single files. */
#define RW_FILE (LANDLOCK_ACCESS_FS_READ_FILE | LANDLOCK_ACCESS_FS_WRITE_FILE | LL_FS_TRUNCATE)
#define EXEC_FILE (LANDLOCK_ACCESS_FS_READ_FILE | LANDLOCK_ACCESS_FS_EXECUTE)

#define PATH_MAX_INTERP 256  /* the ELF loader's path */

/* The sanitizer build (gcc defines the first, clang answers the second). */
#if defined(__SANITIZE_ADDRESS__)
#define ASAN_BUILD 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define ASAN_BUILD 1
#endif
#endif

struct ll_path {
	const char *path;
	uint64_t access;
};

/* What every confined process may read: programs' libraries and data (terminfo, zoneinfo,
 * locales, gconv modules), /etc (ld.so.cache, localtime, nsswitch), /proc (its own maps for
 * the sanitizers; other sessions' stat for the list of who is online), the CPU count. */
static const struct ll_path system_paths[] = {
	{ "/usr", RO_DIR },
	{ "/lib", RO_DIR },
	{ "/lib64", RO_DIR },
	{ "/etc", RO_DIR },
	{ "/proc", RO_DIR },
	{ "/sys/devices/system/cpu", RO_DIR },
	/* Terminals: the session opens the member's pty; bbs has it already. */
	{ "/dev/ptmx", RW_FILE },
	{ "/dev/pts", RW_DIR & ~(LANDLOCK_ACCESS_FS_MAKE_REG | LANDLOCK_ACCESS_FS_MAKE_DIR |
		LANDLOCK_ACCESS_FS_REMOVE_DIR | LANDLOCK_ACCESS_FS_REMOVE_FILE | LANDLOCK_ACCESS_FS_REFER) },
	{ "/dev/tty", RW_FILE },
	{ "/dev/null", RW_FILE },
	{ "/dev/urandom", LANDLOCK_ACCESS_FS_READ_FILE },
	{ "/dev/random", LANDLOCK_ACCESS_FS_READ_FILE },
};

static int ll_abi(void)
{
	long v = syscall(SYS_landlock_create_ruleset, NULL, 0, LANDLOCK_CREATE_RULESET_VERSION);
	return v < 0 ? 0 : (int)v;
}

/* Adds a rule for path (a missing path is skipped: not every system has /lib64). Rights the
 * ruleset does not handle are dropped, and a file gets only the rights a file can have. */
static int ll_add(int ruleset, const char *path, uint64_t access, uint64_t handled)
{
	int fd = open(path, O_PATH | O_CLOEXEC);
	if (fd < 0)
		return errno == ENOENT || errno == ENOTDIR ? 0 : BBS_ERR_IO;
	struct stat sb;
	if (fstat(fd, &sb) != 0) {
		close(fd);
		return BBS_ERR_IO;
	}
	if (!S_ISDIR(sb.st_mode))
		access &= LANDLOCK_ACCESS_FS_EXECUTE | LANDLOCK_ACCESS_FS_WRITE_FILE |
			LANDLOCK_ACCESS_FS_READ_FILE | LL_FS_TRUNCATE;
	struct landlock_path_beneath_attr pb = { .allowed_access = access & handled,
		.parent_fd = fd };
	long r = pb.allowed_access ? syscall(SYS_landlock_add_rule, ruleset,
		LANDLOCK_RULE_PATH_BENEATH, &pb, 0) : 0;
	int saved = errno;
	close(fd);
	if (r != 0) {
		errno = saved;
		log_warn("sandbox: Landlock rule for %s: %m", path);
		return BBS_ERR_IO;
	}
	return 0;
}

/* The loader named in this program's PT_INTERP: execve() opens it for execution too. */
static int find_interp(struct dl_phdr_info *info, size_t size, void *data)
{
	(void)size;
	for (int i = 0; i < info->dlpi_phnum; i++) {
		if (info->dlpi_phdr[i].p_type == PT_INTERP) {
			bbs_strlcpy(data, (const char *)(info->dlpi_addr + info->dlpi_phdr[i].p_vaddr),
				PATH_MAX_INTERP);
			break;
		}
	}
	return 1; /* the first object is the program itself: stop there */
}

/* Returns 1 when in force, 0 when the kernel has no Landlock, or a negative bbs_err. */
static int landlock_apply(const char *data_dir, const char *const *programs)
{
	static bool told;
	int abi = ll_abi();
	if (abi < 1) {
		if (!told)
			log_debug("sandbox: this kernel has no Landlock; going on without it");
		told = true;
		return 0;
	}
	struct ll_ruleset_attr attr = { .handled_access_fs = LL_FS_ABI1 };
	size_t attr_size = sizeof attr.handled_access_fs;
	if (abi >= 2)
		attr.handled_access_fs |= LANDLOCK_ACCESS_FS_REFER;
	if (abi >= 3)
		attr.handled_access_fs |= LL_FS_TRUNCATE;
	if (abi >= 4) {
		/* Handled with no rule at all: no TCP bind or connect. */
		attr.handled_access_net = LL_NET_BIND_TCP | LL_NET_CONNECT_TCP;
		attr_size = offsetof(struct ll_ruleset_attr, scoped);
	}
	if (abi >= 6) {
		/* No connecting to abstract Unix sockets of processes outside the domain (D-Bus,
		 * others' services). Signals stay unscoped: see the top of this file. */
		attr.scoped = LL_SCOPE_ABSTRACT_UNIX_SOCKET;
		attr_size = sizeof attr;
	}
	int rs = (int)syscall(SYS_landlock_create_ruleset, &attr, attr_size, 0);
	if (rs < 0) {
		log_warn("sandbox: cannot create a Landlock ruleset: %m");
		return BBS_ERR_IO;
	}
	uint64_t h = attr.handled_access_fs;
	int r = ll_add(rs, data_dir, RW_DIR, h);
	for (size_t i = 0; r == 0 && i < sizeof system_paths / sizeof system_paths[0]; i++)
		r = ll_add(rs, system_paths[i].path, system_paths[i].access, h);
	if (r == 0 && programs && programs[0]) {
		char interp[PATH_MAX_INTERP] = "";
		dl_iterate_phdr(find_interp, interp);
		if (interp[0])
			r = ll_add(rs, interp, EXEC_FILE, h);
		for (size_t i = 0; r == 0 && programs[i]; i++)
			if (programs[i][0])
				r = ll_add(rs, programs[i], EXEC_FILE, h);
	}
	if (r == 0 && syscall(SYS_landlock_restrict_self, rs, 0) != 0) {
		log_warn("sandbox: cannot enter the Landlock domain: %m");
		r = BBS_ERR_IO;
	}
	close(rs);
	return r == 0 ? 1 : r;
}

/* ---- seccomp ---- */

/* One argument comparison (libseccomp's SCMP_A* macros leave datum_b out, which clang's
 * -Wextra reports). */
static struct scmp_arg_cmp arg_cmp(unsigned arg, enum scmp_compare op, scmp_datum_t a,
	scmp_datum_t b)
{
	return (struct scmp_arg_cmp){ .arg = arg, .op = op, .datum_a = a, .datum_b = b };
}

static int seccomp_apply(bool deny_exec)
{
	/* Calls no part of the portal makes, which would let a compromised process reach
	 * beyond its own files: debugging other processes, mounts and namespaces, the kernel's
	 * keyrings, modules, BPF, io_uring (whose operations seccomp cannot see), the clock. */
	static const char *const denied[] = {
		"process_vm_readv", "process_vm_writev", "pidfd_getfd", "kcmp",
		"mount", "umount2", "pivot_root", "chroot", "unshare", "setns", "move_mount",
		"open_tree", "fsopen", "fsconfig", "fsmount", "fspick", "mount_setattr",
		"bpf", "perf_event_open", "userfaultfd", "io_uring_setup", "io_uring_enter",
		"io_uring_register", "kexec_load", "kexec_file_load", "init_module", "finit_module",
		"delete_module", "add_key", "request_key", "keyctl", "open_by_handle_at",
		"name_to_handle_at", "iopl", "ioperm", "syslog", "swapon", "swapoff", "reboot",
		"acct", "quotactl", "settimeofday", "clock_settime", "clock_adjtime", "adjtimex",
		"sethostname", "setdomainname", "mknod", "mknodat", "fanotify_init", "vhangup",
		"lookup_dcookie", "personality", "uselib",
#ifndef ASAN_BUILD
		/* LeakSanitizer stops the world with ptrace at exit: the sanitizer build keeps
		 * it (Landlock still confines ptrace to this process's own domain). */
		"ptrace",
#endif
	};
	static const char *const exec_calls[] = { "execve", "execveat" };
	static const unsigned long new_ns[] = { CLONE_NEWNS, CLONE_NEWUSER, CLONE_NEWPID,
		CLONE_NEWNET, CLONE_NEWIPC, CLONE_NEWUTS, CLONE_NEWCGROUP };
	scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_ALLOW);
	if (!ctx)
		return BBS_ERR_NOMEM;
	int rc = 0;
	const uint32_t eperm = SCMP_ACT_ERRNO(EPERM);
	for (size_t i = 0; rc == 0 && i < sizeof denied / sizeof denied[0]; i++) {
		int nr = seccomp_syscall_resolve_name(denied[i]);
		if (nr != __NR_SCMP_ERROR)
			rc = seccomp_rule_add(ctx, eperm, nr, 0);
	}
	for (size_t i = 0; deny_exec && rc == 0 && i < 2; i++)
		rc = seccomp_rule_add(ctx, eperm, seccomp_syscall_resolve_name(exec_calls[i]), 0);
	/* Sockets: only AF_UNIX (syslog). The session's TCP socket was made by the listener. */
	if (rc == 0)
		rc = seccomp_rule_add(ctx, eperm, SCMP_SYS(socket), 1,
			arg_cmp(0, SCMP_CMP_NE, AF_UNIX, 0));
	/* New namespaces through clone; clone3 passes its flags in memory seccomp cannot read,
	 * so it answers ENOSYS and glibc falls back to clone. */
	for (size_t i = 0; rc == 0 && i < sizeof new_ns / sizeof new_ns[0]; i++)
		rc = seccomp_rule_add(ctx, eperm, SCMP_SYS(clone), 1,
			arg_cmp(0, SCMP_CMP_MASKED_EQ, new_ns[i], new_ns[i]));
	if (rc == 0)
		rc = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(ENOSYS), SCMP_SYS(clone3), 0);
	/* Typing into the terminal as if the member had. */
	if (rc == 0)
		rc = seccomp_rule_add(ctx, eperm, SCMP_SYS(ioctl), 1,
			arg_cmp(1, SCMP_CMP_EQ, TIOCSTI, 0));
	if (rc == 0)
		rc = seccomp_rule_add(ctx, eperm, SCMP_SYS(ioctl), 1,
			arg_cmp(1, SCMP_CMP_EQ, TIOCLINUX, 0));
	if (rc == 0)
		rc = seccomp_load(ctx);
	seccomp_release(ctx);
	if (rc != 0) {
		log_warn("sandbox: cannot load the seccomp filter: %s", strerror(-rc));
		return BBS_ERR_IO;
	}
	return 0;
}

static int confine(const char *data_dir, const char *const *programs, bool deny_exec)
{
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) {
		log_warn("sandbox: cannot set no_new_privs: %m");
		return BBS_ERR_IO;
	}
	/* No /tmp or /var/tmp: SQLite's temporary files (large sorts; unlinked at once) go to
	 * the data directory, where the process may write anyway. */
	if (setenv("SQLITE_TMPDIR", data_dir, 1) != 0)
		return BBS_ERR_NOMEM;
	int layers = 0;
	int r = landlock_apply(data_dir, programs);
	if (r < 0)
		return r;
	if (r == 1)
		layers |= SANDBOX_LANDLOCK;
	r = seccomp_apply(deny_exec);
	if (r < 0)
		return r;
	return layers | SANDBOX_SECCOMP;
}

int sandbox_session(const char *data_dir, const char *const *programs)
{
	return confine(data_dir, programs, false);
}

int sandbox_child(const char *data_dir)
{
	static const char *const none[] = { NULL };
	int r = confine(data_dir, none, true);
#ifndef ASAN_BUILD
	/* exec made it dumpable again; LeakSanitizer (the sanitizer build) needs it so. */
	if (r >= 0)
		prctl(PR_SET_DUMPABLE, 0);
#endif
	return r;
}
