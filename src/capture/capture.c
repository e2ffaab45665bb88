/*
 * The flow table and the per-day accumulators.  Decided flows add each
 * packet's bytes straight to the day's totals; undecided flows keep their
 * bytes in a pending slot (per day and direction) until the classifier
 * decides or the flow must be decided (ended, evicted, too many packets),
 * so no byte is lost and each byte counts once.  Memory is fixed up front
 * from the configured limit; pages are touched only as flows arrive.
 */
#include "capture/capture.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <time.h>

#include "util/date.h"
#include "capture/decode.h"

#define DEFAULT_MAX_MEMORY   (64ull << 20)
#define NONE                 UINT32_MAX
#define MAX_UNDECIDED_PKTS   48    /* packets fed before the fallback decides */
#define PENDING_SLOT_BUDGET  512   /* bytes per undecided flow waiting for its first payload */
#define PENDING_STATE_BUDGET 16384 /* bytes per undecided flow holding payload (reassembly) */
#define FRAG_SLOTS           4096  /* 256 below 16 MiB */
#define FRAG_TIMEOUT         30
#define TIMEOUT_TCP          600
#define TIMEOUT_TCP_CLOSED   10
#define TIMEOUT_OTHER        120
#define PREFETCH_FLOWS       2048 /* from here on a batch prefetches its slots and flows */

enum { V_EG_BYTES, V_IN_BYTES, V_EG_PKTS, V_IN_PKTS, V_N };

#define F_LOCAL_IS_A 0x01
#define F_DECIDED    0x02
#define F_FIN_A      0x04
#define F_FIN_B      0x08
#define F_RST        0x10
#define F_SEEN       0x20 /* a packet since the last flush: store its verdict */
#define F_FORCED     0x40 /* decided at the end of the capture: no verdict to keep */
#define F_DIR_GUESS  0x80 /* auto direction of a flow met mid-stream: bytes wait in pend */

#define LISTENER_SLOTS 4096

/* Odd constants (digits of pi) that key the flow and listener hashes. */
static const uint64_t HASH_K[4] = {0x243f6a8885a308d3ull, 0x13198a2e03707344ull,
                                   0xa4093822299f31d0ull, 0x082efa98ec4e6c89ull};

/*
 * Where a flow is found: its key's hash and its index, so that a probe
 * reads the flow itself only when the hashes agree, and a new flow costs
 * one cache line of the slot array, not a walk through other flows.
 */
struct slot {
	uint32_t hash;
	uint32_t idx1; /* the flow's index + 1; 0: empty, as fresh pages are */
};

/* 64 bytes: keep it that way, the table's capacity depends on it. */
struct flow {
	uint8_t a[16], b[16]; /* the two addresses, a <= b */
	uint16_t pa, pb;
	uint8_t proto, family, flags;
	uint16_t service;   /* valid with F_DECIDED */
	uint32_t last_seen; /* seconds since c->time_base */
	union {
		uint32_t hash; /* of the key, while in use */
		uint32_t next; /* the free list, once removed */
	};
	uint32_t lru_prev, lru_next;
	uint32_t pend; /* pending slot of an undecided flow, or NONE */
};

struct pending {
	struct classify_flow *state;
	uint32_t npkts;
	bool payload; /* the classifier holds payload: counts toward payload_cap */
	uint32_t next_free;
	struct {
		int32_t day;
		bool used;
		uint64_t v[V_N];
	} days[2];
};

struct frag {
	int family;
	uint8_t proto;
	uint32_t id;
	uint8_t src[16], dst[16];
	uint16_t sport, dport;
	int64_t sec;
};

struct day_acc {
	int32_t day;
	bool dirty;
	uint64_t *v; /* nsvc * V_N */
	struct store_coverage cov;
};

struct key {
	uint8_t a[16], b[16];
	uint16_t pa, pb;
	uint8_t proto, family;
};

/* An address and port seen accepting a connection (sending a SYN+ACK). */
struct listener {
	uint8_t addr[16];
	uint16_t port;
	uint8_t family;
};

/* A stored verdict, loaded at start (see capture_load_verdicts). */
struct verdict {
	struct key k;
	uint16_t service;
	bool local_is_a;
	int64_t expires;
	uint32_t seq; /* the order it was loaded in: newest first */
};

struct total {
	char *name;
	uint64_t egress, ingress;
};

struct capture {
	const struct classify *cls;
	uint64_t seed[4]; /* of key_hash */
	size_t nsvc;
	uint16_t other;
	int dlt;
	bool local_time, observe_by_packets;
	struct capture_cidr *local;
	size_t nlocal;

	struct flow *flows;
	uint32_t capacity, used, free_head;
	struct slot *slots;           /* open addressing, linear probing */
	uint32_t slot_mask, slot_max; /* grows by doubling up to slot_max */
	uint32_t lru_head, lru_tail;  /* head: most recently seen */
	int64_t time_base;
	bool have_base;

	struct pending *pend;
	uint32_t pend_cap, pend_free;
	uint32_t pend_fresh; /* slots from here on never used: not on the free list */
	uint32_t payload_cap, payload_used; /* undecided flows holding payload */

	struct frag *frags;
	uint32_t frag_mask;

	struct day_acc *days;
	size_t ndays, cur_idx;

	int64_t cached_sec;
	int32_t cached_day;
	bool have_cached;
	int64_t obs_last;
	bool obs_started;
	int64_t last_expire;

	struct listener *listeners; /* auto direction: LISTENER_SLOTS, lossy */
	struct verdict *verdicts;   /* sorted by key */
	size_t nverdicts;
	int64_t latest_sec; /* the latest packet's time */
	bool have_latest;

	struct total *totals;
	size_t ntotals;
	struct capture_stats st;
};

/*
 * The flow table: zeroed memory mapped as needed and, where the kernel
 * offers it, in huge pages: a million flows spread over 48 MiB would
 * otherwise cost a TLB miss (and a page walk) on nearly every packet.
 */
static void *table_alloc(size_t bytes)
{
	void *p = mmap(NULL, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		return NULL;
#ifdef MADV_HUGEPAGE
	if (bytes >= (4u << 20))
		(void)madvise(p, bytes, MADV_HUGEPAGE);
#endif
	return p;
}

static void table_free(void *p, size_t bytes)
{
	if (p)
		munmap(p, bytes);
}

/* Day numbers, converted once per distinct second (localtime is not cheap). */
static int32_t day_of(struct capture *c, int64_t sec)
{
	if (c->have_cached && sec == c->cached_sec)
		return c->cached_day;
	int32_t day;
	if (c->local_time) {
		time_t t = (time_t)sec;
		struct tm tm;
		if (localtime_r(&t, &tm))
			day = date_from_civil(tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
		else
			day = date_utc_day(t);
	} else {
		int64_t d = sec / 86400;
		if (sec % 86400 < 0)
			d--;
		day = (int32_t)d;
	}
	c->cached_sec = sec;
	c->cached_day = day;
	c->have_cached = true;
	return day;
}

static struct day_acc *day_acc_get(struct capture *c, int32_t day)
{
	if (c->ndays && c->days[c->cur_idx].day == day)
		return &c->days[c->cur_idx];
	for (size_t i = 0; i < c->ndays; i++)
		if (c->days[i].day == day) {
			c->cur_idx = i;
			return &c->days[i];
		}
	struct day_acc *n = realloc(c->days, (c->ndays + 1) * sizeof(*n));
	if (!n)
		return NULL;
	c->days = n;
	struct day_acc *d = &c->days[c->ndays];
	memset(d, 0, sizeof(*d));
	d->day = day;
	d->v = calloc(c->nsvc * V_N, sizeof(uint64_t));
	if (!d->v)
		return NULL;
	c->cur_idx = c->ndays++;
	return d;
}

/*
 * Adds to a day's totals.  Allocation failure here (a few hundred bytes per
 * day) is not recoverable in the packet path; the bytes are dropped rather
 * than crashing, which cannot happen with overcommit in practice.
 */
static void acc_add(struct capture *c, int32_t day, uint16_t svc, const uint64_t v[V_N])
{
	struct day_acc *d = day_acc_get(c, day);
	if (!d)
		return;
	uint64_t *row = &d->v[(size_t)svc * V_N];
	for (int i = 0; i < V_N; i++)
		row[i] += v[i];
	d->dirty = true;
}

static void acc_packet(struct capture *c, int32_t day, uint16_t svc, bool egress, uint64_t bytes)
{
	struct day_acc *d = day_acc_get(c, day);
	if (!d)
		return;
	uint64_t *row = &d->v[(size_t)svc * V_N];
	row[egress ? V_EG_BYTES : V_IN_BYTES] += bytes;
	row[egress ? V_EG_PKTS : V_IN_PKTS] += 1;
	d->dirty = true;
}

int capture_parse_cidrs(const char *text, struct capture_cidr **out, size_t *n, struct err *e)
{
	struct capture_cidr *v = NULL;
	size_t count = 0;
	char *copy, *save = NULL;

	*out = NULL;
	*n = 0;
	if (strcmp(text, "auto") == 0)
		return 0;
	if (!(copy = strdup(text)))
		return err_set(e, "out of memory");
	for (char *tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		struct capture_cidr cidr = {0};
		char *slash = strchr(tok, '/');
		long prefix = -1;
		if (slash) {
			char *end;
			*slash = '\0';
			prefix = strtol(slash + 1, &end, 10);
			if (!slash[1] || *end || prefix < 0)
				goto bad;
		}
		if (inet_pton(AF_INET, tok, cidr.addr) == 1) {
			cidr.family = AF_INET;
			if (prefix > 32)
				goto bad;
			cidr.prefix = (uint8_t)(prefix < 0 ? 32 : prefix);
		} else if (inet_pton(AF_INET6, tok, cidr.addr) == 1) {
			cidr.family = AF_INET6;
			if (prefix > 128)
				goto bad;
			cidr.prefix = (uint8_t)(prefix < 0 ? 128 : prefix);
		} else {
			goto bad;
		}
		struct capture_cidr *nv = realloc(v, (count + 1) * sizeof(*nv));
		if (!nv) {
			free(v);
			free(copy);
			return err_set(e, "out of memory");
		}
		v = nv;
		v[count++] = cidr;
		continue;
	bad:
		if (slash)
			*slash = '/';
		err_set(e, "bad address or network '%s' (want ADDR[/PREFIX] or auto)", tok);
		free(v);
		free(copy);
		return -1;
	}
	free(copy);
	if (count == 0)
		return err_set(e, "empty --local list");
	*out = v;
	*n = count;
	return 0;
}

static bool cidr_match(const struct capture_cidr *n, int family, const uint8_t *addr)
{
	if (n->family != family)
		return false;
	int bytes = family == AF_INET ? 4 : 16;
	for (int i = 0; i < bytes; i++) {
		int bits = (int)n->prefix - i * 8;
		if (bits <= 0)
			return true;
		uint8_t mask = bits >= 8 ? 0xff : (uint8_t)(0xff << (8 - bits));
		if ((addr[i] & mask) != (n->addr[i] & mask))
			return false;
	}
	return true;
}

static bool is_local(const struct capture *c, int family, const uint8_t *addr)
{
	for (size_t i = 0; i < c->nlocal; i++)
		if (cidr_match(&c->local[i], family, addr))
			return true;
	return false;
}

int capture_set_local(struct capture *c, const struct capture_cidr *nets, size_t n, struct err *e)
{
	struct capture_cidr *copy = NULL;

	if (n) {
		if (!(copy = malloc(n * sizeof(*copy))))
			return err_set(e, "out of memory");
		memcpy(copy, nets, n * sizeof(*copy));
	}
	if (n) {
		free(c->listeners); /* given networks decide every direction */
		c->listeners = NULL;
	}
	free(c->local);
	c->local = copy;
	c->nlocal = n;
	return 0;
}

void capture_set_linktype(struct capture *c, int dlt)
{
	c->dlt = dlt;
}

int capture_new(const struct capture_config *cfg, const struct classify *cls, struct capture **out,
                struct err *e)
{
	struct capture *c = calloc(1, sizeof(*c));
	uint64_t mem = cfg->max_memory ? cfg->max_memory : DEFAULT_MAX_MEMORY;

	if (!c)
		return err_set(e, "out of memory");
	if (mem < (64u << 10)) {
		free(c);
		return err_set(e, "memory limit too small (at least 64 KiB)");
	}
	c->cls = cls;
	c->nsvc = classify_service_count(cls);
	c->other = classify_other(cls);
	c->local_time = cfg->local_time;
	c->observe_by_packets = cfg->observe_by_packets;
	c->dlt = 1;
	/* The fixed constants, made this run's own when the kernel gives randomness. */
	uint64_t r[4];
	if (getrandom(r, sizeof(r), GRND_NONBLOCK) != (ssize_t)sizeof(r))
		memset(r, 0, sizeof(r));
	for (int i = 0; i < 4; i++)
		c->seed[i] = HASH_K[i] ^ r[i];

	/*
	 * A quarter for undecided flows' state, the rest for the table.  A
	 * flow waiting for its first payload costs a slot and the classifier's
	 * small per-flow record; one whose payload the classifier holds may
	 * cost up to its reassembly limits.  So many flows can wait (a quarter
	 * over PENDING_SLOT_BUDGET), and at most a quarter over
	 * PENDING_STATE_BUDGET of them hold payload at once.
	 */
	uint64_t pend_cap = mem / 4 / PENDING_SLOT_BUDGET;
	uint64_t payload_cap = mem / 4 / PENDING_STATE_BUDGET;
	uint32_t nfrag = mem >= (16u << 20) ? FRAG_SLOTS : 256;
	uint64_t frag_bytes = nfrag * sizeof(struct frag);
	uint64_t table = mem - mem / 4;
	table = table > 2 * frag_bytes ? table - frag_bytes : table / 2;
	/*
	 * The most flows whose entries and slot array fit, the slots at most
	 * three quarters full (so that probes stay short).
	 */
	uint64_t cap = 16, nb = 32;
	for (uint64_t n = 32; n <= (1ull << 31) && n * sizeof(struct slot) < table; n <<= 1) {
		uint64_t fit = (table - n * sizeof(struct slot)) / sizeof(struct flow);
		if (fit > n / 4 * 3)
			fit = n / 4 * 3;
		if (fit > cap) {
			cap = fit;
			nb = n;
		}
	}
	c->capacity = (uint32_t)cap;
	c->slot_max = (uint32_t)nb;
	/*
	 * Start small and double with the number of flows: a few hundred
	 * flows then hash into a few pages instead of megabytes (TLB misses).
	 */
	if (nb > 2048)
		nb = 2048;
	c->slot_mask = (uint32_t)nb - 1;
	if (pend_cap > UINT32_MAX / 4)
		pend_cap = UINT32_MAX / 4;
	c->pend_cap = (uint32_t)(pend_cap < 16 ? 16 : pend_cap);
	c->payload_cap = (uint32_t)(payload_cap < 16 ? 16 : payload_cap);
	c->flows = table_alloc((size_t)c->capacity * sizeof(*c->flows));
	c->slots = table_alloc((size_t)nb * sizeof(*c->slots));
	c->pend = calloc(c->pend_cap, sizeof(*c->pend));
	c->frags = calloc(nfrag, sizeof(*c->frags));
	c->frag_mask = nfrag - 1;
	if (!c->flows || !c->slots || !c->pend || !c->frags) {
		capture_free(c);
		return err_set(e, "out of memory for a flow table of %u entries", (unsigned)cap);
	}
	/* Free lists are threaded lazily: entries beyond `used` are fresh. */
	c->free_head = NONE;
	c->lru_head = c->lru_tail = NONE;
	/* As with flows, slots join the free list once used: untouched pages stay unmapped. */
	c->pend_free = NONE;
	/*
	 * Whole files start with auto direction, where a flow met without its
	 * handshake is decided late by the sides seen accepting connections.
	 */
	if (cfg->late_direction &&
	    !(c->listeners = calloc(LISTENER_SLOTS, sizeof(*c->listeners)))) {
		capture_free(c);
		return err_set(e, "out of memory");
	}
	c->st.flow_capacity = c->capacity;
	*out = c;
	return 0;
}

/* ---- pending slots ---- */

/* A free pending slot taken off the list, or NONE when all are in use. */
static uint32_t pending_take(struct capture *c)
{
	uint32_t idx = c->pend_free;

	if (idx != NONE)
		c->pend_free = c->pend[idx].next_free;
	else if (c->pend_fresh < c->pend_cap)
		idx = c->pend_fresh++;
	return idx;
}

static void pending_release(struct capture *c, uint32_t idx)
{
	struct pending *p = &c->pend[idx];
	if (p->payload)
		c->payload_used--;
	classify_flow_free(p->state);
	memset(p, 0, sizeof(*p));
	p->next_free = c->pend_free;
	c->pend_free = idx;
}

/*
 * Moves an undecided flow's pending bytes to service svc and frees its
 * slot.  A flow whose direction is still a guess keeps the slot (without
 * classifier state) and its bytes there until dir_settle.
 */
static void flow_settle(struct capture *c, struct flow *f, uint16_t svc)
{
	if (f->pend != NONE && (f->flags & F_DIR_GUESS)) {
		struct pending *p = &c->pend[f->pend];
		classify_flow_free(p->state);
		p->state = NULL;
		if (p->payload)
			c->payload_used--;
		p->payload = false;
	} else if (f->pend != NONE) {
		struct pending *p = &c->pend[f->pend];
		for (int i = 0; i < 2; i++)
			if (p->days[i].used)
				acc_add(c, p->days[i].day, svc, p->days[i].v);
		pending_release(c, f->pend);
		f->pend = NONE;
	}
	f->service = svc;
	f->flags |= F_DECIDED;
}

/*
 * Ends a flow's direction guess, swapping it first when flip: the bytes it
 * held go to the totals of its (decided) service.
 */
static void dir_settle(struct capture *c, struct flow *f, bool flip)
{
	if (!(f->flags & F_DIR_GUESS))
		return;
	f->flags &= (uint8_t)~F_DIR_GUESS;
	if (f->pend == NONE)
		return;
	struct pending *p = &c->pend[f->pend];
	if (flip) {
		f->flags ^= F_LOCAL_IS_A;
		for (int i = 0; i < 2; i++) {
			uint64_t b = p->days[i].v[V_EG_BYTES], n = p->days[i].v[V_EG_PKTS];
			p->days[i].v[V_EG_BYTES] = p->days[i].v[V_IN_BYTES];
			p->days[i].v[V_EG_PKTS] = p->days[i].v[V_IN_PKTS];
			p->days[i].v[V_IN_BYTES] = b;
			p->days[i].v[V_IN_PKTS] = n;
		}
	}
	if (f->flags & F_DECIDED)
		flow_settle(c, f, f->service);
}

static void flow_fallback(struct capture *c, struct flow *f)
{
	if (f->flags & F_DECIDED)
		return;
	uint16_t svc = f->pend != NONE ? classify_flow_fallback(c->cls, c->pend[f->pend].state)
	                               : classify_flow_fallback(c->cls, NULL);
	if (svc >= c->nsvc)
		svc = c->other;
	flow_settle(c, f, svc);
}

/* ---- the table ---- */

__extension__ typedef unsigned __int128 u128;

/* The high and low halves of a full product, folded: every input bit reaches both. */
static inline uint64_t fold_mul(uint64_t x, uint64_t y)
{
	u128 p = (u128)x * y;
	return (uint64_t)p ^ (uint64_t)(p >> 64);
}

/*
 * Two independent products, then a third: a few cycles of latency where a
 * chain of one multiply per word took five.  Seeded per run, so that
 * crafted addresses cannot line up in one bucket.
 */
static uint32_t key_hash(const struct capture *c, const struct key *k)
{
	uint64_t w[4];
	memcpy(w, k->a, 16);
	memcpy(w + 2, k->b, 16);
	uint64_t ports = ((uint64_t)k->proto << 40) ^ ((uint64_t)k->pa << 16) ^ k->pb;
	uint64_t h = fold_mul(w[0] ^ c->seed[0], w[2] ^ c->seed[1]) ^
	             fold_mul(w[1] ^ c->seed[2], w[3] ^ ports ^ c->seed[3]);
	return (uint32_t)fold_mul(h, 0x9e3779b97f4a7c15ull);
}

static bool key_eq(const struct flow *f, const struct key *k)
{
	uint64_t x[4], y[4];
	if (f->pa != k->pa || f->pb != k->pb || f->proto != k->proto || f->family != k->family)
		return false;
	memcpy(x, f->a, 16);
	memcpy(x + 2, f->b, 16);
	memcpy(y, k->a, 16);
	memcpy(y + 2, k->b, 16);
	return ((x[0] ^ y[0]) | (x[1] ^ y[1]) | (x[2] ^ y[2]) | (x[3] ^ y[3])) == 0;
}

/* The slot of the flow with this key and hash, or the empty slot where it would go. */
static uint32_t slot_find(const struct capture *c, const struct key *k, uint32_t hash)
{
	uint32_t p = hash & c->slot_mask;
	for (;; p = (p + 1) & c->slot_mask) {
		const struct slot *sl = &c->slots[p];
		if (!sl->idx1 || (sl->hash == hash && key_eq(&c->flows[sl->idx1 - 1], k)))
			return p;
	}
}

/*
 * Doubles the slot array, placing every slot again by the hash it keeps
 * (the flows themselves are not read).  Fresh zeroed pages: no clearing.
 */
static void slots_grow(struct capture *c)
{
	uint32_t old = c->slot_mask + 1, nb = old * 2;
	struct slot *b = table_alloc((size_t)nb * sizeof(*b));

	if (!b)
		return; /* fuller, still correct: the capacity is under the old size */
	for (uint32_t i = 0; i < old; i++) {
		struct slot sl = c->slots[i];
		if (!sl.idx1)
			continue;
		uint32_t p = sl.hash & (nb - 1);
		while (b[p].idx1)
			p = (p + 1) & (nb - 1);
		b[p] = sl;
	}
	table_free(c->slots, (size_t)old * sizeof(*b));
	c->slots = b;
	c->slot_mask = nb - 1;
}

/*
 * Empties slot p and moves later slots of its run back into the hole
 * when their home allows, so that no probe ever stops short of its flow.
 */
static void slot_delete(struct capture *c, uint32_t p)
{
	uint32_t m = c->slot_mask;

	for (uint32_t j = p;;) {
		j = (j + 1) & m;
		if (!c->slots[j].idx1)
			break;
		uint32_t home = c->slots[j].hash & m;
		/* It stays when its home lies cyclically in (p, j]. */
		if (((j - home) & m) < ((j - p) & m))
			continue;
		c->slots[p] = c->slots[j];
		p = j;
	}
	c->slots[p].idx1 = 0;
}

static void lru_unlink(struct capture *c, uint32_t i)
{
	struct flow *f = &c->flows[i];
	if (f->lru_prev != NONE)
		c->flows[f->lru_prev].lru_next = f->lru_next;
	else
		c->lru_head = f->lru_next;
	if (f->lru_next != NONE)
		c->flows[f->lru_next].lru_prev = f->lru_prev;
	else
		c->lru_tail = f->lru_prev;
}

static void lru_push_head(struct capture *c, uint32_t i)
{
	struct flow *f = &c->flows[i];
	f->lru_prev = NONE;
	f->lru_next = c->lru_head;
	if (c->lru_head != NONE)
		c->flows[c->lru_head].lru_prev = i;
	c->lru_head = i;
	if (c->lru_tail == NONE)
		c->lru_tail = i;
}

static void flow_remove(struct capture *c, uint32_t i)
{
	struct flow *f = &c->flows[i];
	flow_fallback(c, f);
	dir_settle(c, f, false);
	for (uint32_t p = f->hash & c->slot_mask; c->slots[p].idx1; p = (p + 1) & c->slot_mask)
		if (c->slots[p].idx1 == i + 1) {
			slot_delete(c, p);
			break;
		}
	lru_unlink(c, i);
	f->next = c->free_head;
	c->free_head = i;
	c->used--;
}

static uint32_t flow_timeout(const struct flow *f)
{
	if (f->proto == IPPROTO_TCP) {
		if ((f->flags & F_RST) || (f->flags & (F_FIN_A | F_FIN_B)) == (F_FIN_A | F_FIN_B))
			return TIMEOUT_TCP_CLOSED;
		return TIMEOUT_TCP;
	}
	return TIMEOUT_OTHER;
}

void capture_expire(struct capture *c, int64_t now)
{
	if (!c->have_base)
		return;
	int64_t rel = now - c->time_base;
	while (c->lru_tail != NONE) {
		struct flow *f = &c->flows[c->lru_tail];
		if (rel - (int64_t)f->last_seen <= (int64_t)flow_timeout(f))
			break;
		flow_remove(c, c->lru_tail);
	}
}

static uint32_t flow_alloc(struct capture *c)
{
	uint32_t i;

	if (c->free_head != NONE) {
		i = c->free_head;
		c->free_head = c->flows[i].next;
	} else if (c->used < c->capacity) {
		i = c->used; /* never used yet: free list empty means the prefix is full */
	} else {
		flow_remove(c, c->lru_tail);
		c->st.evicted++;
		i = c->free_head;
		c->free_head = c->flows[i].next;
	}
	c->used++;
	return i;
}

/* ---- fragments ---- */

static uint32_t frag_slot(const struct capture *c, const struct decoded *d)
{
	uint32_t h = d->frag_id * 2654435761u ^ d->proto;
	for (int i = 0; i < 16; i++)
		h = (h ^ d->src[i] ^ ((uint32_t)d->dst[i] << 8)) * 16777619u;
	return h & c->frag_mask;
}

static bool frag_match(const struct frag *fr, const struct decoded *d)
{
	return fr->family == d->family && fr->proto == d->proto && fr->id == d->frag_id &&
	       memcmp(fr->src, d->src, 16) == 0 && memcmp(fr->dst, d->dst, 16) == 0;
}

/* Remembers a first fragment's ports, or gives a later fragment its flow's ports. */
static void frag_track(struct capture *c, struct decoded *d, int64_t sec)
{
	struct frag *fr = &c->frags[frag_slot(c, d)];

	if (d->frag_first) {
		if (!d->has_ports)
			return;
		fr->family = d->family;
		fr->proto = d->proto;
		fr->id = d->frag_id;
		memcpy(fr->src, d->src, 16);
		memcpy(fr->dst, d->dst, 16);
		fr->sport = d->sport;
		fr->dport = d->dport;
		fr->sec = sec;
		return;
	}
	if (fr->family && frag_match(fr, d) && sec - fr->sec <= FRAG_TIMEOUT) {
		d->sport = fr->sport;
		d->dport = fr->dport;
		d->has_ports = true;
	}
}

/* ---- per packet ---- */

static bool decides_local_is_src(const struct capture *c, const struct decoded *d)
{
	if (c->nlocal) {
		bool sl = is_local(c, d->family, d->src), dl = is_local(c, d->family, d->dst);
		if (sl != dl)
			return sl;
	}
	if (d->proto == IPPROTO_TCP && (d->tcp_flags & 0x02))
		return (d->tcp_flags & 0x10) != 0; /* SYN+ACK: the sender accepted */
	if (d->sport != d->dport)
		return d->sport < d->dport;
	return false; /* the receiver of the first packet */
}

static void classify_fill(const struct flow *f, const struct decoded *d, bool from_a,
                          struct classify_pkt *p)
{
	bool local_a = f->flags & F_LOCAL_IS_A;
	p->proto = d->proto;
	p->family = d->family;
	p->local_addr = local_a ? f->a : f->b;
	p->remote_addr = local_a ? f->b : f->a;
	p->local_port = local_a ? f->pa : f->pb;
	p->remote_port = local_a ? f->pb : f->pa;
	p->from_local = from_a == local_a;
	p->seq = d->seq;
	p->tcp_flags = d->tcp_flags;
	/* Later fragments carry no transport header: nothing to parse. */
	bool later_frag = d->fragment && !d->frag_first;
	p->payload = later_frag ? NULL : d->payload;
	p->caplen = later_frag ? 0 : d->payload_caplen;
	p->len = later_frag ? 0 : d->payload_len;
}

static void pending_add(struct capture *c, struct flow *f, int32_t day, bool egress, uint64_t bytes)
{
	struct pending *p = &c->pend[f->pend];
	int slot = -1;
	for (int i = 0; i < 2; i++)
		if (p->days[i].used && p->days[i].day == day)
			slot = i;
	for (int i = 0; slot < 0 && i < 2; i++)
		if (!p->days[i].used) {
			slot = i;
			p->days[i].used = true;
			p->days[i].day = day;
		}
	if (slot < 0) {
		/* A third day while undecided: decide now rather than lose a day. */
		flow_fallback(c, f);
		acc_packet(c, day, f->service, egress, bytes);
		return;
	}
	p->days[slot].v[egress ? V_EG_BYTES : V_IN_BYTES] += bytes;
	p->days[slot].v[egress ? V_EG_PKTS : V_IN_PKTS] += 1;
}

static int verdict_cmp(const void *x, const void *y)
{
	return memcmp(&((const struct verdict *)x)->k, &((const struct verdict *)y)->k,
	              sizeof(struct key));
}

/* By key, then in the order they were loaded. */
static int verdict_load_cmp(const void *x, const void *y)
{
	const struct verdict *v = x, *w = y;
	int r = verdict_cmp(v, w);
	return r ? r : (v->seq > w->seq) - (v->seq < w->seq);
}

/* The stored verdict of flow k, if one is loaded and has not expired by sec. */
static const struct verdict *verdict_find(const struct capture *c, const struct key *k, int64_t sec)
{
	struct verdict probe;
	probe.k = *k;
	const struct verdict *v =
	    bsearch(&probe, c->verdicts, c->nverdicts, sizeof(*c->verdicts), verdict_cmp);
	return v && sec <= v->expires ? v : NULL;
}

/* Not seeded: which listeners a full table forgets must not change from run to run. */
static uint32_t listener_slot(int family, const uint8_t *addr, uint16_t port)
{
	uint64_t w[2];
	memcpy(w, addr, 16);
	uint64_t h =
	    fold_mul(w[0] ^ HASH_K[0], w[1] ^ HASH_K[1] ^ ((uint64_t)port << 8 | (uint64_t)family));
	return (uint32_t)fold_mul(h, 0x9e3779b97f4a7c15ull) & (LISTENER_SLOTS - 1);
}

static void listener_add(struct capture *c, int family, const uint8_t *addr, uint16_t port)
{
	struct listener *l = &c->listeners[listener_slot(family, addr, port)];
	memcpy(l->addr, addr, 16);
	l->port = port;
	l->family = (uint8_t)family;
}

static bool listener_has(const struct capture *c, int family, const uint8_t *addr, uint16_t port)
{
	const struct listener *l = &c->listeners[listener_slot(family, addr, port)];
	return l->family == family && l->port == port && memcmp(l->addr, addr, 16) == 0;
}

/*
 * A flow met mid-stream (auto direction): when one side is known to accept
 * connections, that side is local.  Returns 1 when side a is, 0 when side
 * b is, -1 when neither or both are known.
 */
static int listener_side(const struct capture *c, const struct flow *f)
{
	bool a = listener_has(c, f->family, f->a, f->pa),
	     b = listener_has(c, f->family, f->b, f->pb);
	return a == b ? -1 : a ? 1 : 0;
}

/*
 * An undecided flow that passed payload to the classifier now holds
 * reassembly buffers: when too many do at once, it is decided now.
 */
static void pending_payload(struct capture *c, struct flow *f, size_t len)
{
	struct pending *p = &c->pend[f->pend];
	if (!len || p->payload)
		return;
	if (c->payload_used >= c->payload_cap) {
		flow_fallback(c, f);
		return;
	}
	p->payload = true;
	c->payload_used++;
}

/* The flow's key, both directions alike; returns whether the sender is side a. */
static bool make_key(const struct decoded *d, struct key *k)
{
	uint64_t sw[2], dw[2];
	memcpy(sw, d->src, 16);
	memcpy(dw, d->dst, 16);
	/* Any total order will do to put both directions in one entry. */
	bool from_a = sw[0] != dw[0]   ? sw[0] < dw[0]
	              : sw[1] != dw[1] ? sw[1] < dw[1]
	                               : d->sport <= d->dport;

	memset(k, 0, sizeof(*k));
	memcpy(k->a, from_a ? d->src : d->dst, 16);
	memcpy(k->b, from_a ? d->dst : d->src, 16);
	k->pa = from_a ? d->sport : d->dport;
	k->pb = from_a ? d->dport : d->sport;
	k->proto = d->proto;
	k->family = (uint8_t)d->family;
	return from_a;
}

/* A frame's flow key (from_a: its source is side a) and the key's hash. */
struct keyed {
	struct key k;
	bool from_a;
	uint32_t hash;
};

static void key_of(const struct capture *c, const struct decoded *d, struct keyed *kd)
{
	kd->from_a = make_key(d, &kd->k);
	kd->hash = key_hash(c, &kd->k);
}

static void flow_packet(struct capture *c, struct decoded *d, const struct keyed *kd, int64_t sec,
                        int32_t day)
{
	struct key k = kd->k;
	bool from_a = kd->from_a;

	if (!c->have_base) {
		c->time_base = sec;
		c->have_base = true;
	}
	uint32_t rel = sec > c->time_base ? (uint32_t)(sec - c->time_base) : 0;
	uint32_t at = slot_find(c, &k, kd->hash);
	uint32_t i = c->slots[at].idx1 - 1; /* NONE when empty */

	struct flow *f;
	struct classify_pkt cp;
	uint16_t svc;
	bool created = false;
	const struct verdict *verdict = NULL;

	if (!c->have_latest || sec > c->latest_sec) {
		c->latest_sec = sec;
		c->have_latest = true;
	}
	if (c->listeners && d->proto == IPPROTO_TCP && (d->tcp_flags & 0x12) == 0x12)
		listener_add(c, d->family, d->src, d->sport);
	if (i == NONE) {
		i = flow_alloc(c); /* may evict a flow and move slots */
		if (c->used > (c->slot_mask + 1) / 2 && c->slot_mask + 1 < c->slot_max)
			slots_grow(c);
		at = slot_find(c, &k, kd->hash);
		f = &c->flows[i];
		memcpy(f->a, k.a, 16);
		memcpy(f->b, k.b, 16);
		f->pa = k.pa;
		f->pb = k.pb;
		f->proto = k.proto;
		f->family = k.family;
		f->flags = decides_local_is_src(c, d) == from_a ? F_LOCAL_IS_A : 0;
		/* A SYN starts a new connection: an old verdict for its ports is stale. */
		if (c->nverdicts && !(d->proto == IPPROTO_TCP && (d->tcp_flags & 0x02)))
			verdict = verdict_find(c, &k, sec);
		if (verdict)
			f->flags = verdict->local_is_a ? F_LOCAL_IS_A : 0;
		f->pend = NONE;
		/*
		 * Auto direction without the handshake: the side known to accept
		 * connections, else a guess that a side seen accepting later in
		 * the file can still correct (its bytes wait in the pending slot).
		 */
		if (!verdict && c->listeners && d->proto == IPPROTO_TCP && !(d->tcp_flags & 0x02)) {
			int side = listener_side(c, f);
			if (side >= 0)
				f->flags = side ? F_LOCAL_IS_A : 0;
			else
				f->flags |= F_DIR_GUESS;
		}
		c->slots[at] = (struct slot){kd->hash, i + 1};
		f->hash = kd->hash;
		lru_push_head(c, i);
		c->st.flows++;
		created = true;
	} else {
		f = &c->flows[i];
		/*
		 * The list stays ordered by last_seen when a flow moves to the
		 * head only as its second changes: one move per flow and second.
		 */
		if (f->last_seen != rel && c->lru_head != i) {
			lru_unlink(c, i);
			lru_push_head(c, i);
		}
	}
	f->last_seen = rel;
	f->flags |= F_SEEN;
	if ((f->flags & F_DIR_GUESS) && !created) {
		int side = listener_side(c, f);
		if (side >= 0)
			dir_settle(c, f, side != ((f->flags & F_LOCAL_IS_A) != 0));
	}
	bool egress = from_a == ((f->flags & F_LOCAL_IS_A) != 0);

	if (verdict) {
		c->st.verdicts++;
		flow_settle(c, f, verdict->service);
	} else if (created) {
		struct classify_flow *state = NULL;
		classify_fill(f, d, from_a, &cp);
		if (classify_flow_start(c->cls, &cp, &state, &svc) == CLASSIFY_DONE) {
			classify_flow_free(state);
			if (f->flags & F_DIR_GUESS)
				f->pend = pending_take(c); /* holds the bytes until the direction
				                              is known */
			flow_settle(c, f, svc < c->nsvc ? svc : c->other);
		} else if ((f->pend = pending_take(c)) == NONE) {
			/* Too many undecided flows at once: decide this one now. */
			f->flags &= (uint8_t)~F_DIR_GUESS;
			svc = classify_flow_fallback(c->cls, state);
			classify_flow_free(state);
			flow_settle(c, f, svc < c->nsvc ? svc : c->other);
		} else {
			c->pend[f->pend].state = state;
			c->pend[f->pend].npkts = 1;
			pending_payload(c, f, cp.len);
		}
	} else if (!(f->flags & F_DECIDED)) {
		struct pending *p = &c->pend[f->pend];
		classify_fill(f, d, from_a, &cp);
		if (classify_flow_feed(c->cls, p->state, &cp, &svc) == CLASSIFY_DONE)
			flow_settle(c, f, svc < c->nsvc ? svc : c->other);
		else if (++p->npkts >= MAX_UNDECIDED_PKTS)
			flow_fallback(c, f);
		else
			pending_payload(c, f, cp.len);
	}

	if ((f->flags & F_DECIDED) && f->pend == NONE)
		acc_packet(c, day, f->service, egress, d->l3_len);
	else
		pending_add(c, f, day, egress, d->l3_len);

	if (d->proto == IPPROTO_TCP) {
		if (d->tcp_flags & 0x04)
			f->flags |= F_RST;
		if (d->tcp_flags & 0x01)
			f->flags |= from_a ? F_FIN_A : F_FIN_B;
		/* A connection that ended undecided will not say more. */
		if (!(f->flags & F_DECIDED) &&
		    ((f->flags & F_RST) || (f->flags & (F_FIN_A | F_FIN_B)) == (F_FIN_A | F_FIN_B)))
			flow_fallback(c, f);
	}
}

static void observe_to(struct capture *c, int64_t t)
{
	if (!c->obs_started) {
		c->obs_started = true;
		c->obs_last = t;
		return;
	}
	/*
	 * A jump of more than an hour between packets of a file (or between
	 * two live observations) is a hole in the recording, not time watched:
	 * a file holding two packets months apart has not observed the months.
	 */
	if (t - c->obs_last > 3600) {
		c->obs_last = t;
		return;
	}
	while (c->obs_last < t) {
		int32_t d0 = day_of(c, c->obs_last);
		int64_t hi = t;
		if (day_of(c, hi) != d0) {
			/* Find the first second of the next day (DST-proof). */
			int64_t lo = c->obs_last;
			while (hi - lo > 1) {
				int64_t mid = lo + (hi - lo) / 2;
				if (day_of(c, mid) == d0)
					lo = mid;
				else
					hi = mid;
			}
		}
		struct day_acc *d = day_acc_get(c, d0);
		if (d) {
			d->cov.seconds += (uint64_t)(hi - c->obs_last);
			d->dirty = true;
		}
		c->obs_last = hi;
	}
}

void capture_observe(struct capture *c, int64_t now)
{
	observe_to(c, now);
}

void capture_add_drops(struct capture *c, int64_t now, uint64_t drops)
{
	if (!drops)
		return;
	struct day_acc *d = day_acc_get(c, day_of(c, now));
	if (d) {
		d->cov.drops += drops;
		d->dirty = true;
	}
	c->st.drops += drops;
}

/*
 * Accounts one decoded frame; kd is its flow key when the caller made it
 * (a frame with ports that is not a fragment), else NULL.
 */
static void account(struct capture *c, int64_t sec, struct decoded *d, enum decode_status s,
                    const struct keyed *kd)
{
	if (c->observe_by_packets && (!c->obs_started || sec != c->obs_last))
		observe_to(c, sec);
	int32_t day = day_of(c, sec);
	struct day_acc *da = day_acc_get(c, day);
	if (!da)
		return;
	da->cov.packets++;
	da->dirty = true;
	c->st.packets++;

	if (s == DECODE_NOT_IP)
		return;
	c->st.ip_packets++;
	c->st.bytes += d->l3_len;
	if (s == DECODE_MALFORMED) {
		da->cov.malformed++;
		c->st.malformed++;
	} else if (s == DECODE_TRUNCATED) {
		c->st.truncated++;
	}
	if (s == DECODE_OK && d->fragment)
		frag_track(c, d, sec);
	bool flowable = s == DECODE_OK &&
	                (d->has_ports || (d->proto != IPPROTO_TCP && d->proto != IPPROTO_UDP));
	if (!flowable) {
		bool egress = d->has_l3 && c->nlocal && is_local(c, d->family, d->src);
		acc_packet(c, day, c->other, egress, d->l3_len);
		return;
	}
	struct keyed own;
	if (!kd) { /* keyed only now: a fragment's ports come from its first */
		key_of(c, d, &own);
		kd = &own;
	}
	flow_packet(c, d, kd, sec, day);
	if (sec - c->last_expire >= 1) {
		c->last_expire = sec;
		capture_expire(c, sec);
	}
}

/* The key of a frame decoded whole, with ports of its own (not a fragment). */
static bool keyable(const struct decoded *d, enum decode_status s)
{
	return s == DECODE_OK && d->has_ports && !d->fragment;
}

void capture_packet(struct capture *c, int64_t sec, uint32_t usec, const uint8_t *data,
                    size_t caplen, size_t wirelen)
{
	struct decoded d;
	struct keyed kd;
	(void)usec;

	enum decode_status s = capture_decode(c->dlt, data, caplen, wirelen, &d);
	if (keyable(&d, s))
		key_of(c, &d, &kd);
	account(c, sec, &d, s, keyable(&d, s) ? &kd : NULL);
}

void capture_packets(struct capture *c, const struct capture_frame *fr, size_t n)
{
	struct decoded d[CAPTURE_BATCH];
	enum decode_status s[CAPTURE_BATCH];
	struct keyed kd[CAPTURE_BATCH];

	for (; n > CAPTURE_BATCH; fr += CAPTURE_BATCH, n -= CAPTURE_BATCH)
		capture_packets(c, fr, CAPTURE_BATCH);
	for (size_t i = 0; i < n; i++) {
		s[i] = capture_decode(c->dlt, fr[i].data, fr[i].caplen, fr[i].wirelen, &d[i]);
		if (keyable(&d[i], s[i]))
			key_of(c, &d[i], &kd[i]);
	}
	/*
	 * Once the table outgrows the caches, every frame's slot and then
	 * its flow entry are fetched from memory together, not one by one.
	 */
	if (c->used >= PREFETCH_FLOWS) {
		for (size_t i = 0; i < n; i++)
			if (keyable(&d[i], s[i]))
				__builtin_prefetch(&c->slots[kd[i].hash & c->slot_mask]);
		for (size_t i = 0; i < n; i++) {
			if (!keyable(&d[i], s[i]))
				continue;
			const struct slot *sl = &c->slots[kd[i].hash & c->slot_mask];
			if (sl->idx1 && sl->hash == kd[i].hash)
				__builtin_prefetch(&c->flows[sl->idx1 - 1], 1);
		}
		/*
		 * The flow evicted next was fetched a batch ago: now its slot,
		 * and the flow after it.
		 */
		if (c->used >= c->capacity && c->lru_tail != NONE) {
			const struct flow *t = &c->flows[c->lru_tail];
			__builtin_prefetch(&c->slots[t->hash & c->slot_mask], 1);
			if (t->lru_prev != NONE)
				__builtin_prefetch(&c->flows[t->lru_prev], 1);
		}
	}
	for (size_t i = 0; i < n; i++)
		account(c, fr[i].sec, &d[i], s[i], keyable(&d[i], s[i]) ? &kd[i] : NULL);
}

void capture_decide_all(struct capture *c)
{
	for (uint32_t i = c->lru_head; i != NONE; i = c->flows[i].lru_next) {
		struct flow *f = &c->flows[i];
		if (!(f->flags & F_DECIDED))
			f->flags |= F_FORCED; /* a guess: the next capture may see more */
		flow_fallback(c, f);
		dir_settle(c, f, false);
	}
}

struct load_ctx {
	struct capture *c;
	int failed;
	char last[64]; /* the service name met last, and its index: they come in runs */
	size_t last_svc;
};

static int load_one(void *ctx, const struct store_verdict *sv)
{
	struct load_ctx *l = ctx;
	struct capture *c = l->c;
	struct verdict *v;
	size_t svc;

	if (c->nverdicts >= c->capacity / 2)
		return 1; /* the most recent ones: a table's worth would double the memory */
	if (l->last[0] && strcmp(l->last, sv->service) == 0) {
		svc = l->last_svc;
	} else {
		for (svc = 0; svc < c->nsvc; svc++)
			if (strcmp(classify_service_name(c->cls, (uint16_t)svc), sv->service) == 0)
				break;
		snprintf(l->last, sizeof(l->last), "%s", sv->service);
		l->last_svc = svc;
	}
	if (svc == c->nsvc)
		return 0; /* a service the config no longer has */
	/* All the room at once: pages are only backed as they fill, and nothing is copied. */
	if (!c->verdicts && !(c->verdicts = malloc((c->capacity / 2 + 1) * sizeof(*v)))) {
		l->failed = 1;
		return 1;
	}
	v = &c->verdicts[c->nverdicts++];
	memset(v, 0, sizeof(*v));
	memcpy(v->k.a, sv->a, 16);
	memcpy(v->k.b, sv->b, 16);
	v->k.pa = sv->pa;
	v->k.pb = sv->pb;
	v->k.proto = sv->proto;
	v->k.family = (uint8_t)(sv->family == 6 ? AF_INET6 : AF_INET);
	v->service = (uint16_t)svc;
	v->local_is_a = sv->local_is_a;
	v->expires = sv->expires;
	v->seq = (uint32_t)(c->nverdicts - 1);
	return 0;
}

int capture_load_verdicts(struct capture *c, struct store *s, const char *host, struct err *e)
{
	struct load_ctx l = {.c = c};

	/* Expiry is checked against packet times as flows appear (files are not "now"). */
	int rc = store_verdict_each(s, host, INT64_MIN, load_one, &l, e);
	if (!rc && l.failed)
		rc = err_set(e, "out of memory for %zu stored verdicts", c->nverdicts);
	if (rc) { /* none, rather than some of them unsorted */
		free(c->verdicts);
		c->verdicts = NULL;
		c->nverdicts = 0;
		return -1;
	}
	if (c->nverdicts > 1) { /* none: verdicts is NULL, which qsort must not get */
		/* Newest sets came first: of a flow's verdicts, keep the first loaded. */
		qsort(c->verdicts, c->nverdicts, sizeof(*c->verdicts), verdict_load_cmp);
		size_t kept = 1;
		for (size_t i = 1; i < c->nverdicts; i++)
			if (verdict_cmp(&c->verdicts[kept - 1], &c->verdicts[i]))
				c->verdicts[kept++] = c->verdicts[i];
		c->nverdicts = kept;
	}
	return 0;
}

/*
 * A verdict is stored for a flow seen since the last flush and decided by
 * what it carried (not forced by the capture's end), unless it has already
 * expired by the latest packet: the expiry that follows would drop it.
 */
static bool verdict_worth_storing(const struct capture *c, const struct flow *f)
{
	if ((f->flags & (F_SEEN | F_DECIDED | F_FORCED)) != (F_SEEN | F_DECIDED))
		return false;
	return !c->have_latest ||
	       c->time_base + (int64_t)f->last_seen + (int64_t)flow_timeout(f) >= c->latest_sec;
}

/* Walks the flows worth storing in LRU order, as the store asks for them (in order). */
struct verdict_out {
	const struct capture *c;
	size_t next; /* the index of the flow at cur */
	uint32_t cur;
};

static void verdict_get(void *ctx, size_t i, struct store_verdict *v, uint16_t *service)
{
	struct verdict_out *o = ctx;
	const struct capture *c = o->c;

	if (i == 0 || i < o->next) {
		o->cur = c->lru_head;
		o->next = 0;
	}
	for (;; o->cur = c->flows[o->cur].lru_next) {
		if (!verdict_worth_storing(c, &c->flows[o->cur]))
			continue;
		if (o->next++ == i)
			break;
	}
	const struct flow *f = &c->flows[o->cur];
	o->cur = f->lru_next;
	v->proto = f->proto;
	v->family = f->family == AF_INET6 ? 6 : 4;
	memcpy(v->a, f->a, 16);
	memcpy(v->b, f->b, 16);
	v->pa = f->pa;
	v->pb = f->pb;
	v->local_is_a = (f->flags & F_LOCAL_IS_A) != 0;
	v->last_seen = c->time_base + (int64_t)f->last_seen;
	v->expires = v->last_seen + (int64_t)flow_timeout(f);
	*service = f->service;
}

/*
 * Stores the verdicts of the flows seen since the last flush as one set
 * (inside the flush's transaction), then drops the sets expired by the
 * latest packet.
 */
static int put_verdicts(struct capture *c, struct store *s, const char *host, struct err *e)
{
	size_t n = 0;
	const char **names;
	int rc;

	for (uint32_t i = c->lru_head; i != NONE; i = c->flows[i].lru_next)
		n += verdict_worth_storing(c, &c->flows[i]);
	if (n) {
		struct verdict_out out = {.c = c};
		struct store_verdict_batch b = {
		    .nservices = c->nsvc, .n = n, .get = verdict_get, .ctx = &out};
		if (!(names = malloc(c->nsvc * sizeof(*names))))
			return err_set(e, "out of memory for %zu service names", c->nsvc);
		for (size_t svc = 0; svc < c->nsvc; svc++)
			names[svc] = classify_service_name(c->cls, (uint16_t)svc);
		b.services = names;
		rc = store_verdicts_put(s, host, &b, e);
		free(names);
		if (rc)
			return -1;
	}
	if (c->have_latest && store_verdict_expire(s, host, c->latest_sec, NULL, e))
		return -1;
	return 0;
}

static struct total *total_get(struct capture *c, const char *name)
{
	for (size_t i = 0; i < c->ntotals; i++)
		if (strcmp(c->totals[i].name, name) == 0)
			return &c->totals[i];
	struct total *n = realloc(c->totals, (c->ntotals + 1) * sizeof(*n));
	if (!n)
		return NULL;
	c->totals = n;
	n = &c->totals[c->ntotals];
	memset(n, 0, sizeof(*n));
	if (!(n->name = strdup(name)))
		return NULL;
	c->ntotals++;
	return n;
}

int capture_flush(struct capture *c, struct store *s, const char *host, struct err *e)
{
	bool any = false;

	for (size_t i = 0; i < c->ndays; i++)
		any |= c->days[i].dirty;
	if (!any)
		return 0;
	if (store_begin(s, e))
		return -1;
	for (size_t i = 0; i < c->ndays; i++) {
		struct day_acc *d = &c->days[i];
		if (!d->dirty)
			continue;
		for (size_t svc = 0; svc < c->nsvc; svc++) {
			const uint64_t *row = &d->v[svc * V_N];
			const char *name = classify_service_name(c->cls, (uint16_t)svc);
			for (int dir = 0; dir < 2; dir++) {
				if (!row[V_EG_BYTES + dir] && !row[V_EG_PKTS + dir])
					continue;
				if (store_add_daily(s, host, d->day, name,
				                    dir ? STORE_INGRESS : STORE_EGRESS,
				                    STORE_SOURCE_PCAP, row[V_EG_BYTES + dir],
				                    row[V_EG_PKTS + dir], e))
					goto fail;
			}
		}
		if (store_add_coverage(s, host, d->day, STORE_SOURCE_PCAP, &d->cov, e))
			goto fail;
	}
	if (put_verdicts(c, s, host, e))
		goto fail;
	if (store_commit(s, e))
		goto fail;
	for (uint32_t i = c->lru_head; i != NONE; i = c->flows[i].lru_next)
		c->flows[i].flags &= (uint8_t)~F_SEEN;
	/* Committed: fold into the summary totals and clear. */
	for (size_t i = 0; i < c->ndays; i++) {
		struct day_acc *d = &c->days[i];
		for (size_t svc = 0; svc < c->nsvc; svc++) {
			uint64_t *row = &d->v[svc * V_N];
			if (row[V_EG_PKTS] || row[V_IN_PKTS]) {
				struct total *t =
				    total_get(c, classify_service_name(c->cls, (uint16_t)svc));
				if (t) {
					t->egress += row[V_EG_BYTES];
					t->ingress += row[V_IN_BYTES];
				}
			}
		}
		memset(d->v, 0, c->nsvc * V_N * sizeof(uint64_t));
		memset(&d->cov, 0, sizeof(d->cov));
		d->dirty = false;
	}
	/* Keep only the current day's accumulator. */
	if (c->ndays > 1) {
		struct day_acc keep = c->days[c->cur_idx];
		for (size_t i = 0; i < c->ndays; i++)
			if (i != c->cur_idx)
				free(c->days[i].v);
		c->days[0] = keep;
		c->ndays = 1;
		c->cur_idx = 0;
	}
	return 0;
fail:
	store_rollback(s);
	return -1;
}

int capture_reload(struct capture *c, const struct classify *cls, struct err *e)
{
	size_t nsvc = classify_service_count(cls);
	uint16_t *map = malloc(c->nsvc * sizeof(*map));

	if (!map)
		return err_set(e, "out of memory");
	capture_decide_all(c);
	for (size_t i = 0; i < c->nsvc; i++) {
		const char *name = classify_service_name(c->cls, (uint16_t)i);
		map[i] = classify_other(cls);
		for (size_t j = 0; j < nsvc; j++)
			if (strcmp(classify_service_name(cls, (uint16_t)j), name) == 0) {
				map[i] = (uint16_t)j;
				break;
			}
	}
	for (size_t i = 0; i < c->ndays; i++) {
		uint64_t *v = calloc(nsvc * V_N, sizeof(uint64_t));
		if (!v) {
			free(map);
			return err_set(e, "out of memory");
		}
		for (size_t s = 0; s < c->nsvc; s++)
			for (int k = 0; k < V_N; k++)
				v[(size_t)map[s] * V_N + k] += c->days[i].v[s * V_N + k];
		free(c->days[i].v);
		c->days[i].v = v;
	}
	for (uint32_t i = c->lru_head; i != NONE; i = c->flows[i].lru_next)
		c->flows[i].service = map[c->flows[i].service];
	free(map);
	c->cls = cls;
	c->nsvc = nsvc;
	c->other = classify_other(cls);
	return 0;
}

void capture_get_stats(const struct capture *c, struct capture_stats *st)
{
	*st = c->st;
}

void capture_each_total(const struct capture *c,
                        void (*fn)(void *ctx, const char *service, uint64_t egress,
                                   uint64_t ingress),
                        void *ctx)
{
	for (size_t i = 0; i < c->ntotals; i++)
		fn(ctx, c->totals[i].name, c->totals[i].egress, c->totals[i].ingress);
}

void capture_free(struct capture *c)
{
	if (!c)
		return;
	if (c->pend) /* slots past pend_fresh were never used (nor their pages touched) */
		for (uint32_t i = 0; i < c->pend_fresh; i++)
			classify_flow_free(c->pend[i].state);
	for (size_t i = 0; i < c->ndays; i++)
		free(c->days[i].v);
	for (size_t i = 0; i < c->ntotals; i++)
		free(c->totals[i].name);
	free(c->totals);
	free(c->verdicts);
	free(c->listeners);
	free(c->days);
	table_free(c->flows, (size_t)c->capacity * sizeof(*c->flows));
	table_free(c->slots, (size_t)(c->slot_mask + 1) * sizeof(*c->slots));
	free(c->pend);
	free(c->frags);
	free(c->local);
	free(c);
}
