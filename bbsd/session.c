/*
 * session.c: one SSH connection, in its own process.
 *
 * Key exchange with the portal's host keys, then authentication against the store by
 * password, keyboard-interactive or public key, then the relay (relay.c).
 *
 * Visitors are the exception: the users "guest" (a first-time visitor, the public pages) and
 * "join" (a newcomer with an invite code) are never members and never looked up in the store.
 * They get in by public key with any key of a supported type whose signature verifies (the
 * key is remembered and handed to the UI, so that an application or a join can bind it) or
 * by keyboard-interactive with no prompts at all; "none" is denied for them, so that clients
 * go on to offer their keys, and password is denied (it fails like an unknown user's). The
 * setting guest_access "off" closes every way in for "guest". relay.c starts `bbs --guest` or
 * `bbs --join` and refuses their commands.
 *
 * A member whose application is pending or was declined proves their credential like anyone
 * else, but gets one line saying so (relay.c) and exit status 1: no UI, no command.
 *
 * The login grace time is an alarm(): key exchange and authentication can otherwise wait
 * forever (libssh's timeout defaults to infinite and returns SSH_AGAIN, not an error).
 *
 * The cryptography policy (modern algorithms only, LegacyClients for old ones) is set on the
 * bind object here. Requests the portal does not serve (port forwarding, X11, agent
 * forwarding, subsystems, environment variables, more channels) are refused and logged, at
 * most REFUSALS_LOGGED times per connection.
 *
 * The audit log (issue 6): every login that succeeds (method, key fingerprint) and every
 * counted failure (method, the name as typed: escaped, cut to 64 bytes) is appended with
 * store_audit_append, with the source address (without the port). Unknown users are audited
 * like the others; the client learns nothing from it. Visitors' logins are "visitor-login".
 * After the shell (or exec) request the session registers itself in the store's sessions
 * (who is online); however it ends, the listener has the row removed (keeper.c); from then
 * on SIGTERM ends it cleanly
 * (relay.c), which is how a sysop ends a session.
 *
 * The login backoff (issue 8): every password or keyboard-interactive password attempt is
 * counted per account name as typed, in the store (store_throttle_begin), and after
 * AuthBackoffAfter failures in AuthBackoffWindow its answer waits AuthBackoffBase, doubling
 * up to AuthBackoffMax (defaults: 5 failures in 15 minutes, then 1 s, 2 s, 4 s ... 20 s),
 * whatever connection or source it comes from; a successful password login clears the count.
 * Public-key authentication never waits, so an account under attack stays open to its owner's
 * key. Per source, the listener's penalties apply as well (limits.c).
 *
 * The log (issue 10): one line per event, key=value fields, through conn_event: "session=TAG
 * event=E [user=U] from=ADDR ...". TAG (keys_session_tag over this process's pid and start
 * time) is the same on every line of the connection, in the listener's lines about it
 * (penalties, the grace time) and in `bbsctl session list`. Events: connect, auth-fail (the
 * name as typed, escaped by field_escape; the method; an offered key's fingerprint), auth-limit,
 * backoff, login (method, key fingerprint), visitor-login, refused, session-start (kind ui,
 * line or command), command (its first word only), hangup and abuse (relay.c, here), end
 * (reason, duration, channel bytes in and out, exit status).
 *
 * Must never: log a password, an invite code, a command's arguments or anything a member
 * wrote (REST fields are words this program chose, or numbers); delay a public-key attempt, or delay one name differently from another
 * because a member has it; accept a public-key probe for a member for a key that is not authorized for
 * that member (libssh's example accepts every probe), tell unknown, disabled and
 * wrong-password logins apart, log a password, or offer an algorithm outside the policy;
 * look a visitor's name up in the store, let a visitor in by password or "none", or let
 * anyone else in by "none"; count a "none" attempt or a key probe as a failure.
 */
#include "bbsd/bbsd.h"
#include "keys/keys.h"
#include "sandbox/sandbox.h"
#include "store/store.h"
#include "text/text.h"

#include <errno.h>
#include <malloc.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* What a member whose application is not accepted gets instead of the portal. */
#define LINE_PENDING "Your application for membership is waiting for a sysop's decision."
#define LINE_DECLINED "Your application for membership was declined."

enum visitor { NOT_VISITOR = 0, VISITOR_GUEST, VISITOR_JOIN };

static enum visitor visitor_of(const char *user)
{
	if (user && strcmp(user, BBSD_GUEST) == 0)
		return VISITOR_GUEST;
	if (user && strcmp(user, BBSD_JOIN) == 0)
		return VISITOR_JOIN;
	return NOT_VISITOR;
}

/* The source address for the audit log and the sessions: the peer ("ADDR port N") without
 * the port. */
static void set_source(struct conn *c)
{
	const char *sp = strstr(c->peer, " port ");
	size_t n = sp ? (size_t)(sp - c->peer) : strlen(c->peer);
	if (n >= sizeof c->source)
		n = sizeof c->source - 1;
	memcpy(c->source, c->peer, n);
	c->source[n] = '\0';
}

/* The audit log's target ("user NAME": what the client typed, escaped and cut to 64 bytes)
 * and detail ("METHOD[ DETAIL]") of a login entry. */
static void audit_fields(const char *user, const char *method, const char *detail,
	char target[160], char what[512])
{
	char *u = text_escape_log(user ? user : "", 64);
	if (bbs_snprintf(target, 160, "user %s", u) != 0)
		bbs_strlcpy(target, "user ?", 160);
	if (bbs_snprintf(what, 512, "%s%s%s", method, detail && detail[0] ? " " : "",
		detail && detail[0] ? detail : "") != 0)
		bbs_strlcpy(what, method, 512);
	free(u);
}

/* Appends a login entry to the audit log. actor_id: the member, -1 for none (a failure or a
 * visitor). A failure to write is logged, never a reason to refuse or to let in. */
static void audit_login(struct conn *c, int64_t actor_id, const char *action, const char *user,
	const char *method, const char *detail)
{
	char target[160], what[512];
	audit_fields(user, method, detail, target, what);
	if (!c->st || store_audit_append(c->st, actor_id, action, target, what,
		c->source[0] ? c->source : NULL) != 0)
		conn_event(c, BBS_LOG_WARN, "error", user ? user : "", "what=audit-append action=%s",
			action);
}

/* A name as the client typed it, for one key=value field: escaped (text_escape_log: control,
 * non-ASCII and backslash as \xHH, at most 64 bytes) and spaces as \x20, so that the field
 * ends at the next blank. Heap. */
static char *field_escape(const char *s)
{
	char *e = text_escape_log(s ? s : "", 64);
	size_t n = 0;
	for (const char *p = e; *p; p++)
		n += *p == ' ' ? 4 : 1;
	char *out = xmalloc(n + 1), *o = out;
	for (const char *p = e; *p; p++) {
		if (*p == ' ') {
			memcpy(o, "\\x20", 4);
			o += 4;
		} else {
			*o++ = *p;
		}
	}
	*o = '\0';
	free(e);
	return out;
}

/* The member (or visitor) this connection is logged in as, or NULL before login. */
static const char *conn_user(const struct conn *c)
{
	if (c->guest)
		return BBSD_GUEST;
	if (c->join)
		return BBSD_JOIN;
	return c->handle[0] ? c->handle : NULL;
}

void conn_event(const struct conn *c, enum bbs_log_level level, const char *event,
	const char *user, const char *fmt, ...)
{
	char rest[512];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(rest, sizeof rest, fmt, ap);
	va_end(ap);
	if (n < 0)
		rest[0] = '\0';
	char *u = user ? field_escape(user) : NULL;
	const char *who = u ? u : conn_user(c);
	bbs_log(level, "session=%s event=%s%s%s from=%s%s%s", c->tag[0] ? c->tag : "-", event,
		who ? " user=" : "", who ? who : "", c->source[0] ? c->source : "-",
		rest[0] ? " " : "", rest);
	free(u);
}

/* The SHA256 fingerprint of key as ssh-keygen -lf prints it (heap), or NULL. */
static char *key_fingerprint(ssh_key key)
{
	unsigned char *hash = NULL;
	size_t hlen = 0;
	char *fp = NULL, *out = NULL;
	if (!key || ssh_get_publickey_hash(key, SSH_PUBLICKEY_HASH_SHA256, &hash, &hlen) != SSH_OK)
		return NULL;
	fp = ssh_get_fingerprint_hash(SSH_PUBLICKEY_HASH_SHA256, hash, hlen);
	if (fp)
		out = xstrdup(fp);
	ssh_string_free_char(fp);
	ssh_clean_pubkey_hash(&hash);
	return out;
}

/* A counted failure's line: the name as typed (escaped), the method, the key offered. */
static void log_failed(struct conn *c, const char *user, const char *method, const char *fp,
	const char *reason)
{
	conn_event(c, BBS_LOG_INFO, "auth-fail", user ? user : "", "method=%s%s%s%s%s", method,
		fp ? " key=" : "", fp ? fp : "", reason ? " reason=" : "", reason ? reason : "");
}

/* Looks up a member who may prove a credential: active, or with an application that is
 * pending or was declined (they are told so after logging in). Returns NULL (and logs
 * nothing) for unknown or disabled users and for reserved names, so that callers treat them
 * alike. */
static struct store_user *login_user(struct conn *c, const char *user)
{
	struct store_user *u = NULL;
	/* Visitors are never members, whatever the store holds: password, key and
	 * keyboard-interactive for them never reach a member's row. */
	if (!user || !bbs_handle_valid(user) || visitor_of(user) != NOT_VISITOR ||
	    store_handle_reserved(user) || store_user_get(c->st, user, &u) != 0)
		return NULL;
	if (u->status != STORE_STATUS_ACTIVE && u->status != STORE_STATUS_PENDING &&
	    u->status != STORE_STATUS_DECLINED) {
		store_user_free(u);
		return NULL;
	}
	return u;
}

/* The connection is authenticated: no more grace alarm, and the listener no longer counts
 * it as unauthenticated. */
static void mark_authenticated(struct conn *c)
{
	c->authenticated = true;
	alarm(0);
	if (c->notify >= 0) {
		(void)!write(c->notify, "a", 1);
		close(c->notify);
		c->notify = -1;
	}
}

/* A member proved their credential (key_id and fp: the key and its fingerprint, or 0 and
 * NULL). The login time, the key's use and the audit entry are one write (one disk sync). */
static void auth_succeeded(struct conn *c, const struct store_user *u, const char *method,
	int64_t key_id, const char *fp)
{
	char detail[256], target[160], what[512];
	const char *note = u->status == STORE_STATUS_PENDING ? "(application pending)"
		: u->status == STORE_STATUS_DECLINED ? "(application declined)" : NULL;
	bool active = u->status == STORE_STATUS_ACTIVE;
	bbs_strlcpy(c->handle, u->handle, sizeof c->handle);
	mark_authenticated(c);
	if (!active) {
		/* Not a login to the portal: the one line, then the connection ends. */
		c->refusal = u->status == STORE_STATUS_PENDING ? LINE_PENDING : LINE_DECLINED;
	}
	(void)bbs_snprintf(detail, sizeof detail, "%s%s%s", fp ? fp : "", fp && note ? " " : "",
		note ? note : "");
	c->line_pref = u->line_mode;
	conn_event(c, BBS_LOG_INFO, "login", NULL, "method=%s%s%s%s", method, fp ? " key=" : "",
		fp ? fp : "", u->status == STORE_STATUS_PENDING ? " application=pending"
		: u->status == STORE_STATUS_DECLINED ? " application=declined" : "");
	c->user_id = u->id;
	audit_fields(u->handle, method, detail, target, what);
	if (store_login_record(c->st, u->id, active, active ? key_id : 0, target, what,
		c->source[0] ? c->source : NULL) != 0)
		conn_event(c, BBS_LOG_WARN, "error", NULL, "what=login-record");
}

/* A counted failure: audited (the name as typed, the method), then counted. */
static void auth_failed(struct conn *c, const char *user, const char *method)
{
	audit_login(c, -1, "login-failed", user, method, NULL);
	if (++c->auth_failures >= c->cfg->max_auth_tries) {
		conn_event(c, BBS_LOG_INFO, "auth-limit", NULL, "failures=%d", c->auth_failures);
		ssh_disconnect(c->session);
	}
}

/* Guest access is on unless the setting guest_access is "off" (sysops can close it). A store
 * that cannot be read keeps it closed. */
static bool guest_access_on(struct conn *c)
{
	char *v = NULL;
	int r = store_setting_get(c->st, "guest_access", &v);
	bool on = (r == 0 && (!v || strcmp(v, "off") != 0)) || r == BBS_ERR_NOTFOUND;
	free(v);
	return on;
}

/* Whether visitor v may come in now ("join" always; "guest" while guest access is on). With
 * count, a refusal is logged and counted as a failed attempt (a key probe is not). */
static bool visitor_allowed(struct conn *c, enum visitor v, const char *method, bool count)
{
	if (v != VISITOR_GUEST || guest_access_on(c))
		return true;
	if (count) {
		log_failed(c, BBSD_GUEST, method, NULL, "guest-access-off");
		auth_failed(c, BBSD_GUEST, method);
	}
	return false;
}

/* A visitor is in. key: the key they signed with, "TYPE BASE64" (heap, taken), or NULL. */
static void visitor_in(struct conn *c, enum visitor v, const char *method, const char *fp,
	char *key)
{
	c->guest = v == VISITOR_GUEST;
	c->join = v == VISITOR_JOIN;
	c->handle[0] = '\0';
	free(c->login_key);
	c->login_key = key;
	mark_authenticated(c);
	conn_event(c, BBS_LOG_INFO, "visitor-login", NULL, "method=%s%s%s", method,
		fp ? " key=" : "", fp ? fp : "");
	audit_login(c, -1, "visitor-login", v == VISITOR_GUEST ? BBSD_GUEST : BBSD_JOIN, method, fp);
}

/*
 * The "none" method: denied for everyone. For visitors too, so that clients go on to offer
 * their keys (a key can be bound to an application or an invite) or keyboard-interactive.
 * It is what clients send first to learn the methods: neither logged nor counted.
 */
static int on_auth_none(ssh_session s, const char *user, void *ud)
{
	(void)s;
	(void)user;
	(void)ud;
	return SSH_AUTH_DENIED;
}

static int64_t mono_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/*
 * The login backoff per account name (issue 8). Counts this password attempt for the name as
 * typed in the store (shared by every session process) and waits as long as the name's recent
 * failures ask for, before the password is even checked, so the answer comes no sooner
 * whatever it is: a client that gives up early learns nothing, and an unknown, disabled or
 * existing name waits alike (the store never looks at whether a member has the name). The
 * wait blocks this connection's process only, and counts against the login grace time
 * (AuthBackoffMax is below LoginGraceTime by default, so that an answer can arrive). If the
 * store cannot count, the longest delay applies (an attacker must not gain from a busy
 * database). Public-key logins never come here.
 */
static void backoff(struct conn *c, const char *user)
{
	const struct bbsd_config *cfg = c->cfg;
	if (cfg->auth_backoff_base_ms <= 0)
		return;
	struct store_throttle_policy p = {
		.free_failures = cfg->auth_backoff_after,
		.window = cfg->auth_backoff_window,
		.base_ms = cfg->auth_backoff_base_ms,
		.max_ms = cfg->auth_backoff_max_ms,
	};
	int64_t delay = 0;
	int r = store_throttle_begin(c->st, user ? user : "", bbs_now(), &p, &delay);
	if (r != 0) {
		conn_event(c, BBS_LOG_WARN, "error", user ? user : "",
			"what=backoff-count err=%d note=longest-delay", r);
		delay = p.max_ms;
	}
	if (delay <= 0)
		return;
	/* Never cut short: if the grace time ends first, the connection ends unanswered (an
	 * attempt made just before the grace time runs out must not get a quick answer). */
	int64_t end = mono_ms() + delay;
	conn_event(c, BBS_LOG_INFO, "backoff", user ? user : "", "delay_ms=%lld", (long long)delay);
	for (int64_t now = mono_ms(); now < end; now = mono_ms()) {
		int64_t left = end - now;
		struct timespec ts = { .tv_sec = left / 1000, .tv_nsec = (left % 1000) * 1000000 };
		(void)nanosleep(&ts, NULL);   /* an interrupted sleep goes round again */
	}
}

/* The same work for every outcome: an unknown or disabled user still costs one Argon2id
 * verification (against a dummy hash), so timing does not tell them apart; the backoff above
 * counts and delays every name alike. */
static bool check_password(struct conn *c, const char *user, const char *pw, const char *method)
{
	if (!c->authenticated)
		backoff(c, user);
	struct store_user *u = c->authenticated ? NULL : login_user(c, user);
	bool ok = keys_password_verify(u ? u->pwhash : NULL, pw, strlen(pw));
	if (ok && u) {
		/* A successful password login clears the name's count. */
		if (c->cfg->auth_backoff_base_ms > 0 && store_throttle_clear(c->st, user) != 0)
			conn_event(c, BBS_LOG_WARN, "error", u->handle, "what=backoff-clear");
		auth_succeeded(c, u, method, 0, NULL);
	} else {
		log_failed(c, user, method, NULL, NULL);
		auth_failed(c, user, method);
	}
	store_user_free(u);
	return ok && u;
}

static int on_auth_password(ssh_session s, const char *user, const char *password, void *ud)
{
	struct conn *c = ud;
	return check_password(c, user, password, "password") ? SSH_AUTH_SUCCESS : SSH_AUTH_DENIED;
}

/* Returns the id of the user's stored key equal to pubkey, or 0. */
static int64_t authorized_key(struct conn *c, int64_t user_id, ssh_key pubkey, char **fp)
{
	struct store_key *keys = NULL;
	size_t n = 0;
	int64_t found = 0;
	if (store_key_list(c->st, user_id, &keys, &n) != 0)
		return 0;
	for (size_t i = 0; i < n && !found; i++) {
		ssh_key k = NULL;
		if (ssh_pki_import_pubkey_base64(keys[i].blob, ssh_key_type_from_name(keys[i].type),
			&k) != SSH_OK)
			continue;
		if (ssh_key_cmp(k, pubkey, SSH_KEY_CMP_PUBLIC) == 0) {
			found = keys[i].id;
			if (fp)
				*fp = xstrdup(keys[i].fingerprint);
		}
		ssh_key_free(k);
	}
	store_key_list_free(keys, n);
	return found;
}

/*
 * A visitor's key as "TYPE BASE64" (heap), checked the way keys are checked everywhere
 * (keys_parse_authorized: the supported types, RSA of 2048 bits at least, no certificates),
 * so that the UI can bind it as it is. NULL for a key the portal would not accept. *fp gets
 * its fingerprint (heap) when fp is not NULL.
 */
static char *visitor_key(ssh_key pubkey, char **fp)
{
	char *b64 = NULL, *line = NULL, *out = NULL;
	struct keys_pub k = { 0 };
	const char *type = ssh_key_type_to_char(ssh_key_type(pubkey));
	if (fp)
		*fp = NULL;
	if (!type || ssh_pki_export_pubkey_base64(pubkey, &b64) != SSH_OK || !b64)
		goto out;
	line = xasprintf("%s %s", type, b64);
	if (keys_parse_authorized(line, &k, NULL) != 0)
		goto out;
	out = xasprintf("%s %s", k.type, k.blob);
	if (fp)
		*fp = xstrdup(k.fingerprint);
out:
	keys_pub_finish(&k);
	free(line);
	ssh_string_free_char(b64);
	return out;
}

static int on_auth_pubkey_visitor(struct conn *c, enum visitor v, const char *user,
	ssh_key pubkey, char state)
{
	char *fp = NULL;
	char *key = NULL;
	int rc = SSH_AUTH_DENIED;
	if (state == SSH_PUBLICKEY_STATE_NONE) {
		/* The probe: any key the portal accepts at all. Not counted as a failure. */
		key = visitor_allowed(c, v, "publickey", false) ? visitor_key(pubkey, NULL) : NULL;
		rc = key ? SSH_AUTH_SUCCESS : SSH_AUTH_DENIED;
	} else if (state == SSH_PUBLICKEY_STATE_VALID) {
		if (visitor_allowed(c, v, "publickey", true)) {
			key = visitor_key(pubkey, &fp);
			if (key) {
				visitor_in(c, v, "publickey", fp, key);
				key = NULL;
				rc = SSH_AUTH_SUCCESS;
			} else {
				char *kfp = key_fingerprint(pubkey);
				log_failed(c, user, "publickey", kfp, "key-type");
				free(kfp);
				auth_failed(c, user, "publickey");
			}
		}
	} else {
		log_failed(c, user, "publickey", NULL, NULL);
		auth_failed(c, user, "publickey");
	}
	free(key);
	free(fp);
	return rc;
}

static int on_auth_pubkey(ssh_session s, const char *user, struct ssh_key_struct *pubkey,
	char state, void *ud)
{
	struct conn *c = ud;
	enum visitor v = visitor_of(user);
	if (c->authenticated)
		return SSH_AUTH_DENIED;
	if (v != NOT_VISITOR)
		return on_auth_pubkey_visitor(c, v, user, pubkey, state);

	struct store_user *u = login_user(c, user);
	char *fp = NULL;
	int64_t key_id = u ? authorized_key(c, u->id, pubkey, &fp) : 0;
	int rc = SSH_AUTH_DENIED;

	if (state == SSH_PUBLICKEY_STATE_NONE) {
		/* The probe: say yes only for a key this user may log in with. Not counted as a
		 * failure (clients offer every key they hold). */
		rc = key_id ? SSH_AUTH_SUCCESS : SSH_AUTH_DENIED;
	} else if (state == SSH_PUBLICKEY_STATE_VALID && key_id) {
		auth_succeeded(c, u, "publickey", key_id, fp);
		rc = SSH_AUTH_SUCCESS;
	} else {
		char *kfp = key_fingerprint(pubkey);
		log_failed(c, user, "publickey", kfp, NULL);
		free(kfp);
		auth_failed(c, user, "publickey");
	}
	free(fp);
	store_user_free(u);
	return rc;
}

/* Refusals logged per connection at most; a client repeating requests cannot flood the log. */
#define REFUSALS_LOGGED 10

/* Logs that a request the portal does not serve was refused (the first few per connection). */
static void log_refused(struct conn *c, const char *what)
{
	if (c->refusals < REFUSALS_LOGGED)
		conn_event(c, BBS_LOG_INFO, "refused", NULL, "request=%s", what);
	else if (c->refusals == REFUSALS_LOGGED)
		conn_event(c, BBS_LOG_INFO, "refused", NULL, "request=more note=no-longer-logged");
	if (c->refusals <= REFUSALS_LOGGED)
		c->refusals++;
}

/* What a message asks for that the portal does not serve, or NULL (not worth a log line). */
static const char *unserved(ssh_message msg)
{
	int sub = ssh_message_subtype(msg);
	switch (ssh_message_type(msg)) {
	case SSH_REQUEST_CHANNEL_OPEN:
		return sub == SSH_CHANNEL_DIRECT_TCPIP ? "local-port-forwarding"
			: sub == SSH_CHANNEL_FORWARDED_TCPIP ? "forwarded-tcpip-channel"
			: sub == SSH_CHANNEL_X11 ? "x11-channel"
			: sub == SSH_CHANNEL_AUTH_AGENT ? "agent-channel" : "other-channel";
	case SSH_REQUEST_CHANNEL:
		return sub == SSH_CHANNEL_REQUEST_ENV ? "environment-variable"
			: sub == SSH_CHANNEL_REQUEST_SUBSYSTEM ? "subsystem"
			: sub == SSH_CHANNEL_REQUEST_X11 ? "x11-forwarding"
			: sub == SSH_CHANNEL_REQUEST_UNKNOWN ? "other-channel-request"
			: "channel-request";
	case SSH_REQUEST_GLOBAL:
		/* keepalive@openssh.com is routine: the refusal is its expected answer. */
		return sub == SSH_GLOBAL_REQUEST_TCPIP_FORWARD ? "remote-port-forwarding"
			: sub == SSH_GLOBAL_REQUEST_CANCEL_TCPIP_FORWARD ? "cancel-tcpip-forward" : NULL;
	default:
		return NULL;
	}
}

/* Keyboard-interactive has no server callback in libssh 0.10: it arrives as a message. The
 * user name is NULL on the INFO_RESPONSE, so it is kept from the first request. Everything
 * else that reaches this callback is something the portal does not serve (port forwarding,
 * X11, agent forwarding, subsystems, environment variables): libssh refuses it. */
static int on_message(ssh_session s, ssh_message msg, void *ud)
{
	struct conn *c = ud;
	if (ssh_message_type(msg) != SSH_REQUEST_AUTH ||
	    ssh_message_subtype(msg) != SSH_AUTH_METHOD_INTERACTIVE) {
		const char *what = unserved(msg);
		if (what)
			log_refused(c, what);
		return 1; /* libssh sends the default (refusing) reply */
	}

	if (!ssh_message_auth_kbdint_is_response(msg)) {
		const char *user = ssh_message_auth_user(msg);
		enum visitor v = visitor_of(user);
		if (v != NOT_VISITOR && !c->authenticated) {
			/* A visitor: in at once, with no prompt at all (no password to ask for). */
			if (visitor_allowed(c, v, "keyboard-interactive", true)) {
				visitor_in(c, v, "keyboard-interactive", NULL, NULL);
				ssh_message_auth_reply_success(msg, 0);
			} else {
				ssh_message_auth_set_methods(msg, SSH_AUTH_METHOD_PASSWORD |
					SSH_AUTH_METHOD_PUBLICKEY | SSH_AUTH_METHOD_INTERACTIVE);
				ssh_message_reply_default(msg);
			}
			return 0;
		}
		bbs_strlcpy(c->kbdint_user, user ? user : "", sizeof c->kbdint_user);
		const char *prompts[] = { "Password: " };
		char echo[] = { 0 };
		ssh_message_auth_interactive_request(msg, "", "", 1, prompts, echo);
		return 0;
	}
	bool ok = false;
	if (ssh_userauth_kbdint_getnanswers(s) == 1) {
		const char *pw = ssh_userauth_kbdint_getanswer(s, 0);
		ok = pw && check_password(c, c->kbdint_user, pw, "keyboard-interactive");
	} else {
		auth_failed(c, c->kbdint_user, "keyboard-interactive");
	}
	if (ok) {
		ssh_message_auth_reply_success(msg, 0);
	} else {
		ssh_message_auth_set_methods(msg, SSH_AUTH_METHOD_PASSWORD | SSH_AUTH_METHOD_PUBLICKEY |
			SSH_AUTH_METHOD_INTERACTIVE);
		ssh_message_reply_default(msg);
	}
	return 0;
}

static ssh_channel on_channel_open(ssh_session s, void *ud)
{
	struct conn *c = ud;
	/* One session channel per connection; further channels are refused. */
	if (!c->authenticated || c->channel) {
		if (c->channel)
			log_refused(c, "another-session-channel");
		return NULL;
	}
	c->channel = ssh_channel_new(s);
	if (c->channel)
		relay_channel_callbacks(c);
	return c->channel;
}

/*
 * The cryptography policy: modern algorithms only. Nothing with SHA-1 (no group1/group14-sha1,
 * no group-exchange-sha1, no hmac-sha1, no ssh-rsa signatures), no CBC, no 3DES, no DSA, RSA
 * keys of 2048 bits at least. LegacyClients adds diffie-hellman-group14-sha256 and ssh-rsa
 * (SHA-1) signatures for host and user keys, for clients too old for rsa-sha2. Every name here
 * is one libssh 0.10.6 accepts: its setters refuse a list with an unknown name, and
 * session_bind_create() fails rather than run with a policy it could not set.
 * Compression is left to libssh's default: zlib@openssh.com (after authentication) or none,
 * never pre-authentication zlib.
 */
#define KEX_MODERN "curve25519-sha256,curve25519-sha256@libssh.org," \
	"ecdh-sha2-nistp256,ecdh-sha2-nistp384,ecdh-sha2-nistp521"
#define KEX_LEGACY ",diffie-hellman-group14-sha256"
#define CIPHERS "chacha20-poly1305@openssh.com,aes256-gcm@openssh.com," \
	"aes128-gcm@openssh.com,aes256-ctr,aes128-ctr"
#define MACS "hmac-sha2-256-etm@openssh.com,hmac-sha2-512-etm@openssh.com," \
	"hmac-sha2-256,hmac-sha2-512"
#define HOSTKEY_MODERN "ssh-ed25519,ecdsa-sha2-nistp256,rsa-sha2-512,rsa-sha2-256"
#define USERKEY_MODERN "ssh-ed25519,ecdsa-sha2-nistp256,ecdsa-sha2-nistp384," \
	"ecdsa-sha2-nistp521,sk-ssh-ed25519@openssh.com,sk-ecdsa-sha2-nistp256@openssh.com," \
	"rsa-sha2-512,rsa-sha2-256"
#define ALGS_LEGACY ",ssh-rsa"
#define RSA_MIN_BITS 2048

static int set_crypto_policy(ssh_bind b, bool legacy)
{
	const struct {
		enum ssh_bind_options_e opt;
		const char *what, *modern, *legacy;
	} algs[] = {
		{ SSH_BIND_OPTIONS_KEY_EXCHANGE, "key exchange", KEX_MODERN, KEX_MODERN KEX_LEGACY },
		{ SSH_BIND_OPTIONS_CIPHERS_C_S, "ciphers", CIPHERS, CIPHERS },
		{ SSH_BIND_OPTIONS_CIPHERS_S_C, "ciphers", CIPHERS, CIPHERS },
		{ SSH_BIND_OPTIONS_HMAC_C_S, "MACs", MACS, MACS },
		{ SSH_BIND_OPTIONS_HMAC_S_C, "MACs", MACS, MACS },
		{ SSH_BIND_OPTIONS_HOSTKEY_ALGORITHMS, "host key algorithms", HOSTKEY_MODERN,
			HOSTKEY_MODERN ALGS_LEGACY },
		{ SSH_BIND_OPTIONS_PUBKEY_ACCEPTED_KEY_TYPES, "user key types", USERKEY_MODERN,
			USERKEY_MODERN ALGS_LEGACY },
	};
	for (size_t i = 0; i < sizeof algs / sizeof algs[0]; i++) {
		if (ssh_bind_options_set(b, algs[i].opt, legacy ? algs[i].legacy : algs[i].modern)
			!= SSH_OK) {
			log_error("libssh refuses the %s list: %s", algs[i].what, ssh_get_error(b));
			return BBS_ERR_INVALID;
		}
	}
	int bits = RSA_MIN_BITS;
	if (ssh_bind_options_set(b, SSH_BIND_OPTIONS_RSA_MIN_SIZE, &bits) != SSH_OK) {
		log_error("libssh refuses the RSA minimum size: %s", ssh_get_error(b));
		return BBS_ERR_INVALID;
	}
	return 0;
}

ssh_bind session_bind_create(const struct bbsd_config *cfg)
{
	ssh_bind b = ssh_bind_new();
	if (!b)
		return NULL;
	bool no = false;
	int verbosity = SSH_LOG_NOLOG;
	ssh_bind_options_set(b, SSH_BIND_OPTIONS_PROCESS_CONFIG, &no);
	ssh_bind_options_set(b, SSH_BIND_OPTIONS_LOG_VERBOSITY, &verbosity);
	if (set_crypto_policy(b, cfg->legacy_clients) != 0) {
		ssh_bind_free(b);
		return NULL;
	}
	/* Parsed once here; each session process gets copies through fork instead of reading
	 * and parsing three private keys per connection. */
	for (size_t i = 0; i < sizeof keys_host_files / sizeof keys_host_files[0]; i++) {
		char path[4096];
		ssh_key key = NULL;
		if (bbs_snprintf(path, sizeof path, "%s/%s", cfg->dir, keys_host_files[i]) != 0 ||
		    ssh_pki_import_privkey_file(path, NULL, NULL, NULL, &key) != SSH_OK ||
		    ssh_bind_options_set(b, SSH_BIND_OPTIONS_IMPORT_KEY, key) != SSH_OK) {
			log_error("cannot load host key %s", keys_host_files[i]);
			ssh_key_free(key);
			ssh_bind_free(b);
			return NULL;
		}
	}
	return b;
}

/*
 * Key exchange, driven step by step so that TCP_QUICKACK can be set before each wait.
 * Clients send their key exchange packets with Nagle on; once this side has sent its own
 * KEXINIT the kernel delays its ACKs, and each client packet then waits ~40 ms for one.
 * Quick-ack mode does not stick, so it is asked for again at every step.
 */
static int key_exchange(ssh_session s, int fd)
{
	int one = 1, rc;
	ssh_set_blocking(s, 0);
	for (;;) {
		(void)setsockopt(fd, IPPROTO_TCP, TCP_QUICKACK, &one, sizeof one);
		rc = ssh_handle_key_exchange(s);
		if (rc != SSH_AGAIN)
			break;
		struct pollfd p = { .fd = fd, .events = POLLIN };
		if (ssh_get_poll_flags(s) & SSH_WRITE_PENDING)
			p.events |= POLLOUT;
		if (poll(&p, 1, -1) < 0 && errno != EINTR) {
			rc = SSH_ERROR;
			break;
		}
	}
	ssh_set_blocking(s, 1);
	return rc;
}

/* Registers the session in the store's sessions (who is online) and makes SIGTERM end it
 * cleanly. An applicant's one line is not a session. A failure is logged: the member still
 * gets the portal (they only do not show as online). */
static void session_register(struct conn *c)
{
	if (c->refusal)
		return;
	if (relay_catch_term(c) != 0)
		conn_event(c, BBS_LOG_WARN, "error", NULL, "what=catch-sigterm");
	/* With the pid, the start time names this process: a sysop never signals a process that
	 * merely reuses the pid. (Read at the connection's start: it also makes the log tag.) */
	int64_t start = c->pid_start;
	struct store_session s = {
		.user_id = c->guest || c->join ? 0 : c->user_id,
		.handle = c->handle,
		.kind = c->guest ? "guest" : c->join ? "join" : c->command ? "command" : "member",
		.pid = (int64_t)getpid(),
		.pid_start = start,
		.since = bbs_now(),
		.source = c->source,
	};
	/* The listener has the row removed when this process has ended (keeper.c). */
	int r = store_session_add(c->st, &s, NULL);
	if (r != 0)
		conn_event(c, BBS_LOG_WARN, "error", NULL, "what=session-register err=%d", r);
}

/* The command's name for the log: its first word if that is a plain word, else "other". Never
 * its arguments, and never the text it reads. */
static void command_name(const char *command, char *out, size_t outsize)
{
	size_t n = 0;
	const char *p = command ? command : "";
	while (*p == ' ' || *p == '\t')
		p++;
	while (p[n] && p[n] != ' ' && p[n] != '\t' && n < 24 && n + 1 < outsize) {
		char ch = p[n];
		if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
		      (ch >= '0' && ch <= '9') || ch == '-' || ch == '_'))
			break;
		out[n] = ch;
		n++;
	}
	if (n == 0 || (p[n] && p[n] != ' ' && p[n] != '\t')) {
		bbs_strlcpy(out, "other", outsize);
		return;
	}
	out[n] = '\0';
}

/* What relay_start did: a session started (its kind: ui, line or command, and a command's
 * name), or the one line a refusal gets. */
static void log_start(struct conn *c)
{
	if (!c->started) {
		const char *why = c->refusal ? (strcmp(c->refusal, LINE_DECLINED) == 0
				? "application-declined" : "application-pending")
			: c->command && (c->guest || c->join) ? "visitor-command"
			: c->command ? "no-command-interface" : "no-terminal";
		conn_event(c, BBS_LOG_INFO, "refused", NULL, "reason=%s", why);
		return;
	}
	const char *kind = c->command ? "command"
		: (!c->pty || c->line_pref || strcmp(c->term, "dumb") == 0) ? "line" : "ui";
	conn_event(c, BBS_LOG_INFO, "session-start", NULL, "kind=%s term=%s size=%dx%d", kind,
		c->pty ? c->term : "-", c->cols, c->rows);
	if (c->command) {
		char name[32];
		command_name(c->command, name, sizeof name);
		conn_event(c, BBS_LOG_INFO, "command", NULL, "name=%s", name);
	}
}

void session_run(const struct bbsd_config *cfg, ssh_bind b, int fd, int notify, const char *peer)
{
	struct conn c = { .cfg = cfg, .peer = peer, .in_fd = -1, .out_fd = -1, .err_fd = -1,
		.cols = 80, .rows = 24,
		.notify = notify };
	int status = SESSION_EXIT_ERROR;

	set_source(&c);
	/* The grace time covers everything up to a successful login, including key exchange. */
	alarm((unsigned)cfg->grace_seconds);
	bbs_strlcpy(c.term, "vt100", sizeof c.term);
	/* The tag that names this connection in every line it logs: the listener (which forked
	 * it) and `bbsctl session list` (from the sessions row) derive the same one. */
	c.start_ms = mono_ms();
	if (store_proc_start_time((int64_t)getpid(), &c.pid_start) != 0)
		c.pid_start = 0;
	keys_session_tag((int64_t)getpid(), c.pid_start, c.tag);
	const char *port = strstr(peer, " port ");
	conn_event(&c, BBS_LOG_INFO, "connect", NULL, "port=%s", port ? port + 6 : "-");

	char dbpath[4096];
	if (bbs_snprintf(dbpath, sizeof dbpath, "%s/portal.db", cfg->dir) != 0 ||
	    store_open(dbpath, &c.st) != 0) {
		conn_event(&c, BBS_LOG_ERROR, "error", NULL, "what=database-open");
		close(fd);
		_exit(SESSION_EXIT_ERROR);
	}
	/* This connection writes only the login's bookkeeping (store_relax_sync). */
	if (store_relax_sync(c.st) != 0)
		conn_event(&c, BBS_LOG_WARN, "error", NULL, "what=relax-sync");
	c.session = ssh_new();
	if (!c.session)
		goto out;
	if (ssh_bind_accept_fd(b, c.session, fd) != SSH_OK) {
		char *e = field_escape(ssh_get_error(b));
		conn_event(&c, BBS_LOG_WARN, "error", NULL, "what=accept error=%s", e);
		free(e);
		c.end_reason = "error";
		goto out;
	}
	ssh_set_auth_methods(c.session, SSH_AUTH_METHOD_PASSWORD | SSH_AUTH_METHOD_PUBLICKEY |
		SSH_AUTH_METHOD_INTERACTIVE);
	struct ssh_server_callbacks_struct cb = {
		.userdata = &c,
		.auth_password_function = on_auth_password,
		.auth_none_function = on_auth_none,
		.auth_pubkey_function = on_auth_pubkey,
		.channel_open_request_session_function = on_channel_open,
	};
	ssh_callbacks_init(&cb);
	ssh_set_server_callbacks(c.session, &cb);
	ssh_set_message_callback(c.session, on_message, &c);

	if (key_exchange(c.session, fd) != SSH_OK) {
		char *e = field_escape(ssh_get_error(c.session));
		conn_event(&c, BBS_LOG_INFO, "kex-fail", NULL, "error=%s", e);
		free(e);
		c.end_reason = "kex-fail";
		goto out;
	}
	/* The session has its own copy of the host keys (libssh signs every re-key with them and
	 * offers no way to drop them); the bind object's copy is freed now. */
	ssh_bind_free(b);
	b = NULL;
	c.event = ssh_event_new();
	if (!c.event || ssh_event_add_session(c.event, c.session) != SSH_OK)
		goto out;

	/* Until a shell (or exec) is requested on an authenticated session channel. */
	while (!c.shell) {
		if (ssh_event_dopoll(c.event, -1) == SSH_ERROR || !ssh_is_connected(c.session) ||
		    c.closing) {
			status = c.authenticated ? SESSION_EXIT_OK
				: c.auth_failures ? SESSION_EXIT_AUTH_FAILED : SESSION_EXIT_NOAUTH;
			c.end_reason = c.authenticated ? "closed" : c.auth_failures ? "auth-fail"
				: "no-auth";
			goto out;
		}
	}
	session_register(&c);
	/* The store was for logging in; the session no longer needs it (nor its memory). */
	store_close(c.st);
	c.st = NULL;
	malloc_trim(0);
	/* Confined from here on (sandbox/): files only in the data directory (and the system's
	 * read-only ones), no program but bbs and bbscmd, no new TCP socket. */
	const char *const programs[] = { cfg->ui_path, cfg->cmd_path, NULL };
	if (sandbox_session(cfg->dir, programs) < 0)
		log_error("session from %s: the sandbox could not be set up", peer);
	if (relay_start(&c) != 0)
		goto out;
	log_start(&c);
	while (relay_step(&c))
		;
	/* A visitor the UI ended for abuse (too many wrong invite codes) counts as a failed
	 * login, so that the listener's per-source penalty applies. */
	if (relay_finish(&c) == BBSD_UI_EXIT_ABUSE && (c.guest || c.join)) {
		conn_event(&c, BBS_LOG_INFO, "abuse", NULL, "reason=invite-codes");
		c.end_reason = "invite-codes";
		status = SESSION_EXIT_AUTH_FAILED;
	} else {
		status = SESSION_EXIT_OK;
	}
out:
	/* Duration, and the channel payload relayed both ways (counted by relay.c); the UI's or
	 * the command's exit status once one ran. */
	char st_field[32] = "";
	if (c.started || c.ui_done)
		(void)bbs_snprintf(st_field, sizeof st_field, " status=%d", c.ui_status);
	conn_event(&c, BBS_LOG_INFO, "end", NULL, "reason=%s duration=%lld in=%llu out=%llu%s",
		c.end_reason ? c.end_reason : "error", (long long)((mono_ms() - c.start_ms) / 1000),
		(unsigned long long)c.bytes_in, (unsigned long long)c.bytes_out, st_field);
	if (c.channel)
		ssh_channel_free(c.channel);
	if (c.event)
		ssh_event_free(c.event);
	if (c.session) {
		ssh_disconnect(c.session);
		ssh_free(c.session);
	}
	ssh_bind_free(b);
	store_close(c.st);
	free(c.login_key);
	_exit(status);
}
