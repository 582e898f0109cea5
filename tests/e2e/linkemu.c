/*
 * linkemu: a slow, lossy, high-latency point-to-point link between two network namespaces,
 * for netem.sh on kernels without the netem queueing discipline (sch_netem).
 *
 *   linkemu NS_A NS_B RATE_BPS DELAY_MS LOSS_PERMILLE
 *
 * Creates a TUN device "bbl0" in each of the two namespaces (named by /run/netns/NS, as
 * `ip netns add` makes them) while inside it (setns), gives them to the caller to address, and
 * moves IP packets between them: each packet is lost with probability LOSS_PERMILLE / 1000,
 * else queued behind the ones before it, sent at RATE_BPS bits per second, and delivered
 * DELAY_MS later (one way; the round trip is twice that). A queue holding more than two
 * seconds of traffic drops new packets (tail drop, like a router's buffer). Prints "ready"
 * on stdout once both devices exist; runs until killed.
 *
 * Must never: touch any namespace but the two named, or run anywhere but in a test as root
 * (it is a test helper, not installed).
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <fcntl.h>
#include <linux/if.h>
#include <linux/if_tun.h>
#include <poll.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#define PKT_MAX 2048
#define QUEUE_MAX 512
#define BACKLOG_MAX_US 2000000

struct pkt {
	int64_t due_us;
	size_t len;
	unsigned char data[PKT_MAX];
};

struct dir {
	int from, to;
	int64_t busy_until_us;       /* when the sender's line is free again */
	struct pkt q[QUEUE_MAX];     /* a ring, due times ascending */
	size_t head, n;
	unsigned long sent, lost, dropped;
};

static int64_t now_us(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

/* Opens a TUN device named bbl0 inside namespace ns. */
static int tun_in(const char *ns)
{
	char path[256];
	snprintf(path, sizeof path, "/run/netns/%s", ns);
	int nsfd = open(path, O_RDONLY | O_CLOEXEC);
	if (nsfd < 0 || setns(nsfd, CLONE_NEWNET) != 0) {
		fprintf(stderr, "linkemu: namespace %s: %s\n", ns, strerror(errno));
		exit(1);
	}
	close(nsfd);
	int fd = open("/dev/net/tun", O_RDWR | O_CLOEXEC);
	struct ifreq ifr;
	memset(&ifr, 0, sizeof ifr);
	ifr.ifr_flags = IFF_TUN | IFF_NO_PI;
	snprintf(ifr.ifr_name, sizeof ifr.ifr_name, "bbl0");
	if (fd < 0 || ioctl(fd, TUNSETIFF, &ifr) != 0) {
		fprintf(stderr, "linkemu: tun in %s: %s\n", ns, strerror(errno));
		exit(1);
	}
	int fl = fcntl(fd, F_GETFL);
	if (fl < 0 || fcntl(fd, F_SETFL, fl | O_NONBLOCK) != 0)
		exit(1);
	return fd;
}

static void take(struct dir *d, int64_t rate_bps, int64_t delay_us, int loss_permille)
{
	unsigned char buf[PKT_MAX];
	for (;;) {
		ssize_t n = read(d->from, buf, sizeof buf);
		if (n <= 0)
			return;
		if (loss_permille > 0 && rand() % 1000 < loss_permille) {
			d->lost++;
			continue;
		}
		int64_t now = now_us();
		int64_t start = d->busy_until_us > now ? d->busy_until_us : now;
		if (start - now > BACKLOG_MAX_US || d->n == QUEUE_MAX) {
			d->dropped++;
			continue;
		}
		int64_t done = start + (int64_t)n * 8 * 1000000 / rate_bps;
		d->busy_until_us = done;
		struct pkt *p = &d->q[(d->head + d->n) % QUEUE_MAX];
		p->due_us = done + delay_us;
		p->len = (size_t)n;
		memcpy(p->data, buf, (size_t)n);
		d->n++;
	}
}

/* Delivers what is due; returns microseconds until the next one (-1: none queued). */
static int64_t deliver(struct dir *d)
{
	int64_t now = now_us();
	while (d->n > 0) {
		struct pkt *p = &d->q[d->head];
		if (p->due_us > now)
			return p->due_us - now;
		if (write(d->to, p->data, p->len) > 0)
			d->sent++;
		d->head = (d->head + 1) % QUEUE_MAX;
		d->n--;
	}
	return -1;
}

int main(int argc, char **argv)
{
	if (argc != 6) {
		fprintf(stderr, "usage: linkemu NS_A NS_B RATE_BPS DELAY_MS LOSS_PERMILLE\n");
		return 2;
	}
	int64_t rate = atoll(argv[3]), delay_us = atoll(argv[4]) * 1000;
	int loss = atoi(argv[5]);
	if (rate < 1000 || delay_us < 0 || loss < 0 || loss > 1000)
		return 2;
	srand((unsigned)now_us());
	static struct dir ab, ba;
	int a = tun_in(argv[1]);
	int b = tun_in(argv[2]);
	ab.from = a, ab.to = b;
	ba.from = b, ba.to = a;
	printf("ready\n");
	fflush(stdout);
	for (;;) {
		int64_t w1 = deliver(&ab), w2 = deliver(&ba);
		int64_t w = w1 < 0 ? w2 : w2 < 0 ? w1 : (w1 < w2 ? w1 : w2);
		struct pollfd p[2] = { { .fd = a, .events = POLLIN }, { .fd = b, .events = POLLIN } };
		int ms = w < 0 ? 1000 : (int)((w + 999) / 1000);
		if (poll(p, 2, ms) < 0 && errno != EINTR)
			return 1;
		if (p[0].revents & POLLIN)
			take(&ab, rate, delay_us, loss);
		if (p[1].revents & POLLIN)
			take(&ba, rate, delay_us, loss);
	}
}
