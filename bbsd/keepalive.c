/*
 * keepalive.c: noticing a client that has gone silent (ClientAliveInterval, ClientAliveCountMax).
 *
 * A link can die without a FIN or RST (a NAT that forgets the connection, a mobile network
 * that drops out, a firewall that starts discarding): TCP then waits for hours, and the member's
 * session, UI and draft hang on. As OpenSSH's sshd does, after client_alive_interval seconds in
 * which nothing arrived from the client, the session sends a "keepalive@openssh.com" global
 * request that wants an answer (ssh_send_keepalive), then one more per interval; any packet from
 * the client (its answer, a key, a window change) proves it alive and starts over. When
 * client_alive_count_max requests in a row got nothing back, the session ends as for a dropped
 * link (the UI is hung up, so it saves the draft and where the member was). So a client that
 * stops answering is let go between interval * count and interval * (count + 1) seconds after
 * it last sent anything: each request is given a whole interval to be answered.
 *
 * How answers are seen (libssh 0.10.6): ssh_send_keepalive ignores the answer, and in
 * non-blocking mode a call made while an earlier request is still recorded as pending or
 * answered only collects that state and sends nothing. So "did the client send anything" is
 * read from libssh's packet counters (ssh_set_counters: in_packets), and "was a request sent"
 * from out_packets: when a call sent nothing because it only collected the previous answer, it
 * is made once more. The call is made non-blocking: blocking, it would wait for the answer with
 * no time limit, which is exactly what a dead link never gives.
 *
 * One connection per session process, so the state is this file's own.
 *
 * Must never: block the relay, end a session whose client answers, or send anything before the
 * member has logged in (the relay calls it only once it runs).
 */
#include "bbsd/bbsd.h"

#include <time.h>

static struct ssh_counter_struct ka_raw;  /* libssh counts packets in and out here */
static bool ka_on;
static uint64_t ka_seen_in;               /* in_packets when last looked at */
static int64_t ka_last_rx;                /* monotonic ms of the last packet from the client */
static int ka_unanswered;                 /* requests sent since then */

static int64_t ka_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void keepalive_start(struct conn *c)
{
	ka_on = c->cfg->client_alive_interval > 0 && c->session;
	if (!ka_on)
		return;
	ka_raw = (struct ssh_counter_struct){ 0 };
	ssh_set_counters(c->session, NULL, &ka_raw);
	ka_seen_in = 0;
	ka_last_rx = ka_now();
	ka_unanswered = 0;
}

/* When the next request (or the end) is due. */
static int64_t ka_deadline(const struct conn *c)
{
	return ka_last_rx + (int64_t)c->cfg->client_alive_interval * 1000 * (ka_unanswered + 1);
}

int keepalive_timeout(const struct conn *c, int timeout_ms)
{
	if (!ka_on)
		return timeout_ms;
	int64_t left = ka_deadline(c) - ka_now();
	if (left < 0)
		left = 0;
	if (timeout_ms >= 0 && timeout_ms < left)
		return timeout_ms;
	return left > 86400000 ? 86400000 : (int)left;
}

bool keepalive_check(struct conn *c)
{
	if (!ka_on)
		return true;
	int64_t now = ka_now();
	if (ka_raw.in_packets != ka_seen_in) {
		ka_seen_in = ka_raw.in_packets;
		ka_last_rx = now;
		ka_unanswered = 0;
	}
	if (now < ka_deadline(c))
		return true;
	if (ka_unanswered >= c->cfg->client_alive_count_max) {
		conn_event(c, BBS_LOG_INFO, "keepalive-timeout", NULL, "interval=%d count=%d",
			c->cfg->client_alive_interval, c->cfg->client_alive_count_max);
		return false;
	}
	uint64_t out = ka_raw.out_packets;
	ssh_set_blocking(c->session, 0);
	(void)ssh_send_keepalive(c->session);
	if (ka_raw.out_packets == out)   /* it only collected the previous answer: again */
		(void)ssh_send_keepalive(c->session);
	ssh_set_blocking(c->session, 1);
	ka_unanswered++;
	/* The call may have read packets (an answer to an earlier request, a key): seen next time
	 * round, which comes at once if it brought data for the UI. */
	return true;
}
