/*
 * The NFLOG reader of costs watch.  Each record carries the log prefix the
 * table gave it ("e:SERVICE" or "i:SERVICE": the direction and the service
 * whose counter counted the packet) and the first NFTC_SNAPLEN bytes of
 * the IP packet.  Connections are kept in a hash table keyed by their
 * local and remote endpoints until decided and a little after, so packets
 * logged before the kernel saw the new mark are moved too.
 */
#include "nft/watch.h"

#include <errno.h>
#include <libnetfilter_conntrack/libnetfilter_conntrack.h>
#include <netinet/in.h>
#include <pcap/pcap.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "capture/decode.h"
#include "classify/classify.h"
#include "nft/ruleset.h"
#include "nft/sample.h"
#include "util/dynlib.h"

#define NFULA_PAYLOAD 9
#define NFULA_PREFIX  10

/* An undecided connection falls back after this long or this many packets. */
#define UNDECIDED_US      (20 * 1000000LL)
#define UNDECIDED_PACKETS 256
/* A decided connection is forgotten after this long without a logged packet. */
#define DECIDED_IDLE_US (10 * 1000000LL)
#define BUCKETS         65536
/*
 * At most this many connections are followed at once (about 200 MB); the
 * packets of the others stay counted by port, as if watch were down.
 */
#define MAX_FLOWS (1u << 20)

struct wflow {
	struct wflow *next;
	int family;
	uint8_t proto;
	uint8_t local[16], remote[16];
	uint16_t lport, rport;
	int64_t first_us, last_us;
	struct classify_flow *cs;
	bool started, decided;
	unsigned packets;
	int svc;         /* decided: index into services */
	int fallback[2]; /* per direction (0 egress, 1 ingress): the counting service, -1 none */
	uint64_t bytes[2], pkts[2]; /* counted in the fallback, not yet moved */
};

struct wmove {
	int32_t day;
	int from, to;
	enum store_dir dir;
	uint64_t bytes, packets;
};

/*
 * libnetfilter_conntrack is opened when watch starts, not linked, like
 * libnftables (kernel.c): no other command needs it.
 */
struct conntrack_api {
	__typeof__(nfct_open) *open;
	__typeof__(nfct_close) *close;
	__typeof__(nfct_new) *new;
	__typeof__(nfct_destroy) *destroy;
	__typeof__(nfct_set_attr) *set_attr;
	__typeof__(nfct_set_attr_u8) *set_attr_u8;
	__typeof__(nfct_set_attr_u16) *set_attr_u16;
	__typeof__(nfct_set_attr_u32) *set_attr_u32;
	__typeof__(nfct_query) *query;
};

#define SYM(field) DYNLIB_SYM(struct conntrack_api, field, nfct_##field)
static const struct dynlib_sym conntrack_syms[] = {
    SYM(open),        SYM(close),        SYM(new),          SYM(destroy), SYM(set_attr),
    SYM(set_attr_u8), SYM(set_attr_u16), SYM(set_attr_u32), SYM(query),
};
#undef SYM
static struct conntrack_api nfct;
static struct dynlib conntrack_lib = {
    .soname = "libnetfilter_conntrack.so.3",
    .package = "libnetfilter-conntrack3",
    .syms = conntrack_syms,
    .nsyms = sizeof(conntrack_syms) / sizeof(conntrack_syms[0]),
    .table = &nfct,
};

struct nftc_watch {
	pcap_t *pcap;
	struct nfct_handle *ct;
	struct classify *cls;
	char **services; /* the table's services: index = what flows refer to */
	size_t nservices;
	struct wflow **buckets; /* BUCKETS chains */
	size_t nflows;
	struct wmove *moves;
	size_t nmoves, cap_moves;
	int64_t now_us;
	struct nftc_watch_stats stats;
	bool oom;
};

static void services_free(char **s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(s[i]);
	free(s);
}

static int compile(struct nftc_watch *w, const struct config *c, struct err *e)
{
	struct nftc_ruleset *r;
	struct classify *cls;

	if (nftc_ruleset_build(c, NULL, 0, &r, e))
		return -1;
	if (classify_new(c, &cls, e)) {
		nftc_ruleset_free(r);
		return -1;
	}
	if (w->cls)
		classify_free(w->cls);
	services_free(w->services, w->nservices);
	w->cls = cls;
	w->services = r->services;
	w->nservices = r->nservices;
	r->services = NULL;
	r->nservices = 0;
	nftc_ruleset_free(r);
	return 0;
}

static int service_index(const struct nftc_watch *w, const char *name, size_t len)
{
	for (size_t i = 0; i < w->nservices; i++)
		if (strlen(w->services[i]) == len && memcmp(w->services[i], name, len) == 0)
			return (int)i;
	return -1;
}

int nftc_watch_new_offline(const struct config *c, struct nftc_watch **out, struct err *e)
{
	struct nftc_watch *w = calloc(1, sizeof(*w));

	if (!w || !(w->buckets = calloc(BUCKETS, sizeof(*w->buckets)))) {
		free(w);
		return err_set(e, "out of memory");
	}
	if (compile(w, c, e)) {
		free(w->buckets);
		free(w);
		return -1;
	}
	*out = w;
	return 0;
}

int nftc_watch_new(const struct config *c, struct nftc_watch **out, struct err *e)
{
	char dev[32], ebuf[PCAP_ERRBUF_SIZE] = "";
	struct nftc_watch *w = calloc(1, sizeof(*w));
	int rc;

	if (!w || !(w->buckets = calloc(BUCKETS, sizeof(*w->buckets)))) {
		free(w);
		return err_set(e, "out of memory");
	}
	if (compile(w, c, e)) {
		free(w->buckets);
		free(w);
		return -1;
	}
	snprintf(dev, sizeof(dev), "nflog:%u", NFTC_NFLOG_GROUP);
	if (!(w->pcap = pcap_create(dev, ebuf))) {
		err_set(e, "cannot open %s: %s", dev, ebuf);
		goto fail;
	}
	pcap_set_snaplen(w->pcap, 65535);
	pcap_set_buffer_size(w->pcap, 8 << 20);
	if ((rc = pcap_activate(w->pcap)) < 0) {
		err_set(e, "cannot open %s: %s", dev, pcap_geterr(w->pcap));
		goto fail;
	}
	if (pcap_datalink(w->pcap) != DLT_NFLOG) {
		err_set(e, "%s is not an NFLOG device", dev);
		goto fail;
	}
	if (dynlib_load(&conntrack_lib, e))
		goto fail;
	if (!(w->ct = nfct.open(CONNTRACK, 0))) {
		err_set(e, "cannot open ctnetlink: %s", strerror(errno));
		goto fail;
	}
	*out = w;
	return 0;
fail:
	nftc_watch_free(w);
	return -1;
}

static void flows_clear(struct nftc_watch *w)
{
	w->nflows = 0;
	for (size_t b = 0; w->buckets && b < BUCKETS; b++) {
		struct wflow *f = w->buckets[b], *n;
		for (; f; f = n) {
			n = f->next;
			classify_flow_free(f->cs);
			free(f);
		}
		w->buckets[b] = NULL;
	}
}

void nftc_watch_free(struct nftc_watch *w)
{
	if (!w)
		return;
	flows_clear(w);
	free(w->buckets);
	if (w->pcap)
		pcap_close(w->pcap);
	if (w->ct)
		nfct.close(w->ct);
	classify_free(w->cls);
	services_free(w->services, w->nservices);
	free(w->moves);
	free(w);
}

int nftc_watch_fd(const struct nftc_watch *w)
{
	return pcap_get_selectable_fd(w->pcap);
}

const struct nftc_watch_stats *nftc_watch_stats(const struct nftc_watch *w)
{
	return &w->stats;
}

static uint32_t hash_key(int family, uint8_t proto, const uint8_t *l, const uint8_t *r, uint16_t lp,
                         uint16_t rp)
{
	uint32_t h = 2166136261u ^ (uint32_t)family ^ ((uint32_t)proto << 8);
	size_t n = family == AF_INET ? 4 : 16;

	for (size_t i = 0; i < n; i++)
		h = (h ^ l[i]) * 16777619u;
	for (size_t i = 0; i < n; i++)
		h = (h ^ r[i]) * 16777619u;
	h = (h ^ lp) * 16777619u;
	h = (h ^ rp) * 16777619u;
	return h;
}

static void add_move(struct nftc_watch *w, int from, int to, enum store_dir dir, uint64_t bytes,
                     uint64_t packets)
{
	int32_t day = nftc_local_day(w->now_us);

	if (from < 0 || to < 0 || from == to || bytes == 0)
		return;
	w->stats.moved_bytes += bytes;
	for (size_t i = 0; i < w->nmoves; i++) {
		struct wmove *m = &w->moves[i];
		if (m->day == day && m->from == from && m->to == to && m->dir == dir) {
			m->bytes += bytes;
			m->packets += packets;
			return;
		}
	}
	if (w->nmoves == w->cap_moves) {
		size_t nc = w->cap_moves ? w->cap_moves * 2 : 16;
		struct wmove *m = realloc(w->moves, nc * sizeof(*m));
		if (!m) {
			w->oom = true;
			return;
		}
		w->moves = m;
		w->cap_moves = nc;
	}
	w->moves[w->nmoves++] = (struct wmove){day, from, to, dir, bytes, packets};
}

/* Sets the mark of the connection of f, whichever direction its tuple has. */
static bool set_mark(struct nftc_watch *w, const struct wflow *f, uint32_t mark)
{
	bool ok = false;

	for (int pass = 0; w->ct && pass < 2 && !ok; pass++) {
		struct nf_conntrack *ct = nfct.new();
		/* First as the remote side opened it, then the other way round. */
		const uint8_t *src = pass == 0 ? f->remote : f->local;
		const uint8_t *dst = pass == 0 ? f->local : f->remote;
		uint16_t sport = pass == 0 ? f->rport : f->lport;
		uint16_t dport = pass == 0 ? f->lport : f->rport;

		if (!ct)
			return false;
		nfct.set_attr_u8(ct, ATTR_L3PROTO, (uint8_t)f->family);
		if (f->family == AF_INET) {
			uint32_t a, b;
			memcpy(&a, src, 4);
			memcpy(&b, dst, 4);
			nfct.set_attr_u32(ct, ATTR_IPV4_SRC, a);
			nfct.set_attr_u32(ct, ATTR_IPV4_DST, b);
		} else {
			nfct.set_attr(ct, ATTR_IPV6_SRC, src);
			nfct.set_attr(ct, ATTR_IPV6_DST, dst);
		}
		nfct.set_attr_u8(ct, ATTR_L4PROTO, f->proto);
		nfct.set_attr_u16(ct, ATTR_PORT_SRC, htons(sport));
		nfct.set_attr_u16(ct, ATTR_PORT_DST, htons(dport));
		nfct.set_attr_u32(ct, ATTR_MARK, mark);
		ok = nfct.query(w->ct, NFCT_Q_UPDATE, ct) == 0;
		nfct.destroy(ct);
	}
	return ok;
}

/* Decides f for service index svc: marks it and moves what it counted so far. */
static void decide(struct nftc_watch *w, struct wflow *f, int svc)
{
	f->decided = true;
	f->svc = svc;
	classify_flow_free(f->cs);
	f->cs = NULL;
	if (set_mark(w, f, nftc_service_mark(w->services[svc])))
		w->stats.marked++;
	else
		w->stats.mark_failed++;
	for (int d = 0; d < 2; d++) {
		add_move(w, f->fallback[d], svc, d == 0 ? STORE_EGRESS : STORE_INGRESS, f->bytes[d],
		         f->pkts[d]);
		f->bytes[d] = f->pkts[d] = 0;
	}
}

/* The table's service for a classifier's answer ("other" when the table has none). */
static int table_service(const struct nftc_watch *w, uint16_t id)
{
	const char *name = classify_service_name(w->cls, id);
	int i = service_index(w, name, strlen(name));

	return i >= 0 ? i : service_index(w, "other", 5);
}

static struct wflow *lookup(struct nftc_watch *w, const struct decoded *d, bool egress)
{
	const uint8_t *l = egress ? d->src : d->dst, *r = egress ? d->dst : d->src;
	uint16_t lp = egress ? d->sport : d->dport, rp = egress ? d->dport : d->sport;
	size_t n = d->family == AF_INET ? 4 : 16;
	uint32_t b = hash_key(d->family, d->proto, l, r, lp, rp) % BUCKETS;
	struct wflow *f;

	for (f = w->buckets[b]; f; f = f->next)
		if (f->family == d->family && f->proto == d->proto && f->lport == lp &&
		    f->rport == rp && memcmp(f->local, l, n) == 0 && memcmp(f->remote, r, n) == 0)
			return f;
	if (w->nflows >= MAX_FLOWS) {
		w->stats.untracked++;
		return NULL;
	}
	if (!(f = calloc(1, sizeof(*f)))) {
		w->oom = true;
		return NULL;
	}
	w->nflows++;
	f->family = d->family;
	f->proto = d->proto;
	memcpy(f->local, l, n);
	memcpy(f->remote, r, n);
	f->lport = lp;
	f->rport = rp;
	f->first_us = w->now_us;
	f->fallback[0] = f->fallback[1] = -1;
	f->next = w->buckets[b];
	w->buckets[b] = f;
	w->stats.flows++;
	return f;
}

void nftc_watch_record(struct nftc_watch *w, const uint8_t *rec, size_t len, int64_t now_us)
{
	const uint8_t *payload = NULL, *prefix = NULL;
	size_t plen = 0, prelen = 0, off = 4;
	struct classify_pkt p;
	struct decoded d;
	struct wflow *f;
	enum classify_status stt;
	uint16_t id;
	bool egress;
	int fb, dir;

	w->now_us = now_us;
	w->stats.packets++;
	while (off + 4 <= len) {
		uint16_t tl, tt;
		memcpy(&tl, rec + off, 2);
		memcpy(&tt, rec + off + 2, 2);
		if (tl < 4 || off + tl > len)
			break;
		if ((tt & 0x7fff) == NFULA_PAYLOAD) {
			payload = rec + off + 4;
			plen = tl - 4u;
		} else if ((tt & 0x7fff) == NFULA_PREFIX) {
			prefix = rec + off + 4;
			prelen = strnlen((const char *)prefix, tl - 4u);
		}
		off += (tl + 3u) & ~3u;
	}
	if (!payload || !prefix || prelen < 3 || prefix[1] != ':' ||
	    (prefix[0] != 'e' && prefix[0] != 'i')) {
		w->stats.malformed++;
		return;
	}
	egress = prefix[0] == 'e';
	dir = egress ? 0 : 1;
	fb = service_index(w, (const char *)prefix + 2, prelen - 2);
	if (capture_decode(DLT_RAW, payload, plen, DECODE_MAX_WIRELEN, &d) == DECODE_NOT_IP ||
	    !d.has_l3 || !d.has_ports || d.fragment ||
	    (d.proto != IPPROTO_TCP && d.proto != IPPROTO_UDP)) {
		w->stats.malformed++;
		return;
	}
	if (!(f = lookup(w, &d, egress)))
		return;
	f->last_us = now_us;
	if (fb < 0)
		fb = service_index(w, "other", 5);
	f->fallback[dir] = fb;
	if (f->decided) {
		/* Logged before the kernel saw the mark: counted in the fallback too. */
		add_move(w, fb, f->svc, egress ? STORE_EGRESS : STORE_INGRESS, d.l3_len, 1);
		return;
	}
	f->bytes[dir] += d.l3_len;
	f->pkts[dir]++;
	f->packets++;
	p = (struct classify_pkt){
	    .proto = d.proto,
	    .family = d.family,
	    .local_addr = f->local,
	    .remote_addr = f->remote,
	    .local_port = f->lport,
	    .remote_port = f->rport,
	    .from_local = egress,
	    .seq = d.seq,
	    .tcp_flags = d.tcp_flags,
	    .payload = d.payload,
	    .caplen = d.payload_caplen,
	    .len = d.payload_len,
	};
	if (!f->started) {
		f->started = true;
		stt = classify_flow_start(w->cls, &p, &f->cs, &id);
	} else {
		stt = classify_flow_feed(w->cls, f->cs, &p, &id);
	}
	if (stt == CLASSIFY_DONE) {
		w->stats.decided++;
		decide(w, f, table_service(w, id));
	} else if (f->packets >= UNDECIDED_PACKETS) {
		w->stats.fallbacks++;
		decide(w, f, f->fallback[dir]);
	}
}

static void handler(u_char *user, const struct pcap_pkthdr *h, const u_char *bytes)
{
	struct nftc_watch *w = (void *)user; /* what nftc_watch_read handed pcap_dispatch */

	nftc_watch_record(w, bytes, h->caplen, w->now_us);
}

int nftc_watch_read(struct nftc_watch *w, int64_t now_us, struct err *e)
{
	struct pollfd pfd = {.fd = pcap_get_selectable_fd(w->pcap), .events = POLLIN};

	w->now_us = now_us;
	/*
	 * The device stays blocking (libpcap's nflog reader reports EAGAIN of
	 * a non-blocking socket as an error): read only what poll says waits.
	 */
	for (int i = 0; i < 1024 && poll(&pfd, 1, 0) > 0; i++) {
		if (pcap_dispatch(w->pcap, -1, handler, (u_char *)w) != PCAP_ERROR)
			continue;
		/* The kernel dropped messages the socket had no room for. */
		if (strstr(pcap_geterr(w->pcap), "No buffer space")) {
			w->stats.overruns++;
			continue;
		}
		if (strstr(pcap_geterr(w->pcap), "temporarily unavailable"))
			break;
		return err_set(e, "cannot read the NFLOG group: %s", pcap_geterr(w->pcap));
	}
	if (w->oom) {
		w->oom = false;
		return err_set(e, "out of memory");
	}
	return 0;
}

void nftc_watch_expire(struct nftc_watch *w, int64_t now_us)
{
	w->now_us = now_us;
	for (size_t b = 0; b < BUCKETS; b++) {
		struct wflow **pp = &w->buckets[b];
		while (*pp) {
			struct wflow *f = *pp;
			if (!f->decided && now_us - f->first_us >= UNDECIDED_US) {
				int fb = f->fallback[0] >= 0 ? f->fallback[0] : f->fallback[1];
				w->stats.fallbacks++;
				if (fb < 0)
					fb = service_index(w, "other", 5);
				decide(w, f, fb);
			}
			if (f->decided && now_us - f->last_us >= DECIDED_IDLE_US) {
				*pp = f->next;
				free(f);
				w->nflows--;
				continue;
			}
			pp = &f->next;
		}
	}
}

int nftc_watch_flush(struct nftc_watch *w, struct store *st, const char *host, struct err *e)
{
	if (w->nmoves == 0)
		return 0;
	if (store_begin(st, e))
		return -1;
	for (size_t i = 0; i < w->nmoves; i++) {
		const struct wmove *m = &w->moves[i];
		if (store_move_add(st, host, m->day, w->services[m->from], w->services[m->to],
		                   m->dir, m->bytes, m->packets, e)) {
			store_rollback(st);
			return -1;
		}
	}
	if (store_commit(st, e))
		return -1;
	w->nmoves = 0;
	return 0;
}

int nftc_watch_reload(struct nftc_watch *w, const struct config *c, struct err *e)
{
	if (w->nmoves > 0)
		return err_set(e, "moves not yet stored");
	if (compile(w, c, e))
		return -1;
	flows_clear(w);
	return 0;
}

bool nftc_watch_listening(const char *path, bool *known)
{
	FILE *f = fopen(path, "r");
	char line[256];
	bool found = false;

	*known = f != NULL;
	if (!f)
		return false;
	while (fgets(line, sizeof(line), f))
		if (strtoul(line, NULL, 10) == NFTC_NFLOG_GROUP)
			found = true;
	fclose(f);
	return found;
}

int nftc_watch_missing(struct store *st, const struct config *c, int64_t now_us, const char *proc,
                       bool *say, struct err *e)
{
	static const char name[] = "watch/warned";
	struct store_counter sc;
	bool known, found;
	int32_t day = nftc_local_day(now_us);

	*say = false;
	if (!nftc_config_payload(c) || nftc_watch_listening(proc, &known) || !known)
		return 0;
	if (store_counter_get(st, name, &sc, &found, e))
		return -1;
	if (found && sc.value == (uint64_t)(int64_t)day)
		return 0;
	memset(&sc, 0, sizeof(sc));
	sc.value = (uint64_t)(int64_t)day;
	sc.time_us = now_us;
	if (store_counter_put(st, name, &sc, e))
		return -1;
	*say = true;
	return 0;
}
