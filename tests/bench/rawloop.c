/*
 * The benchmark's baseline: a lean libpcap read loop over a file that does
 * the least a per-port byte counter must do: pcap_next_ex, the Ethernet
 * (and 802.1Q) header, IPv4 or IPv6, the TCP/UDP ports, and a sum of the
 * IP length per local port.  Not a test.  Prints "PACKETS packets BYTES
 * bytes" (wire lengths), then a checksum of the per-port sums.  The file
 * is read through a 1 MiB stdio buffer.
 *
 * With --flows it also sums bytes per connection (both directions of a
 * TCP/UDP 5-tuple) in an open-addressing table with the keys inline: the
 * least any per-connection counter must add, one table probe per packet,
 * and the floor for a tool that attributes connections (not ports).  The
 * table starts small, doubles at half full (in huge pages once large),
 * never evicts, and prints how many connections it saw.
 */
#include <pcap/pcap.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

static uint64_t port_bytes[65536];

struct conn {
	uint8_t a[16], b[16];
	uint16_t pa, pb;
	uint32_t proto; /* 0: empty */
	uint64_t bytes;
};
static struct conn *conns;
static uint64_t nconns, nslots;

static struct conn *table(uint64_t n)
{
	size_t bytes = n * sizeof(struct conn);
	void *p = mmap(NULL, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED) {
		perror("rawloop");
		exit(1);
	}
	if (bytes >= (4u << 20))
		madvise(p, bytes, MADV_HUGEPAGE);
	return p;
}

__extension__ typedef unsigned __int128 u128;

static uint64_t fold_mul(uint64_t x, uint64_t y)
{
	u128 p = (u128)x * y;
	return (uint64_t)p ^ (uint64_t)(p >> 64);
}

static uint32_t conn_hash(const struct conn *k)
{
	uint64_t w[4];
	memcpy(w, k->a, 16);
	memcpy(w + 2, k->b, 16);
	uint64_t h = fold_mul(w[0] ^ 0x243f6a8885a308d3ull, w[2] ^ 0x13198a2e03707344ull) ^
	             fold_mul(w[1] ^ 0xa4093822299f31d0ull,
	                      w[3] ^ ((uint64_t)k->pa << 16 | k->pb | (uint64_t)k->proto << 32));
	return (uint32_t)fold_mul(h, 0x9e3779b97f4a7c15ull);
}

static void grow(void)
{
	struct conn *old = conns;
	uint64_t n = nslots;
	nslots *= 2;
	conns = table(nslots);
	for (uint64_t i = 0; i < n; i++) {
		if (!old[i].proto)
			continue;
		uint32_t j = conn_hash(&old[i]) & (nslots - 1);
		while (conns[j].proto)
			j = (j + 1) & (nslots - 1);
		conns[j] = old[i];
	}
	munmap(old, n * sizeof(*old));
}

static void count_conn(const u_char *src, const u_char *dst, size_t alen, unsigned proto,
                       unsigned sport, unsigned dport, unsigned len)
{
	struct conn k;
	memset(&k, 0, sizeof(k));
	int order = memcmp(src, dst, alen);
	bool swap = order > 0 || (order == 0 && sport > dport);
	memcpy(k.a, swap ? dst : src, alen);
	memcpy(k.b, swap ? src : dst, alen);
	k.pa = (uint16_t)(swap ? dport : sport);
	k.pb = (uint16_t)(swap ? sport : dport);
	k.proto = proto;
	for (uint32_t i = conn_hash(&k) & (nslots - 1);; i = (i + 1) & (nslots - 1)) {
		struct conn *c = &conns[i];
		if (!c->proto) {
			k.bytes = len;
			*c = k;
			if (++nconns > nslots / 2)
				grow();
			return;
		}
		if (memcmp(c, &k, offsetof(struct conn, bytes)) == 0) {
			c->bytes += len;
			return;
		}
	}
}

static unsigned be16(const u_char *p)
{
	return (unsigned)p[0] << 8 | p[1];
}

static void parse(const u_char *b, size_t caplen)
{
	size_t off = 14;
	unsigned type;

	if (caplen < 14)
		return;
	type = be16(b + 12);
	while ((type == 0x8100 || type == 0x88a8) && off + 4 <= caplen) {
		type = be16(b + off + 2);
		off += 4;
	}
	unsigned proto, len, sport, dport;
	const u_char *l4, *src, *dst;
	size_t alen;
	if (type == 0x0800 && off + 20 <= caplen) {
		const u_char *ip = b + off;
		size_t hl = (size_t)(ip[0] & 15) * 4;
		proto = ip[9];
		len = be16(ip + 2);
		src = ip + 12;
		dst = ip + 16;
		alen = 4;
		if (off + hl + 4 > caplen || (be16(ip + 6) & 0x1fff))
			return;
		l4 = ip + hl;
	} else if (type == 0x86dd && off + 44 <= caplen) {
		const u_char *ip = b + off;
		proto = ip[6];
		len = be16(ip + 4) + 40;
		src = ip + 8;
		dst = ip + 24;
		alen = 16;
		l4 = ip + 40;
	} else {
		return;
	}
	if (proto != 6 && proto != 17)
		return;
	sport = be16(l4);
	dport = be16(l4 + 2);
	port_bytes[sport < dport ? sport : dport] += len;
	if (conns)
		count_conn(src, dst, alen, proto, sport, dport, len);
}

int main(int argc, char **argv)
{
	char errbuf[PCAP_ERRBUF_SIZE];
	uint64_t n = 0, bytes = 0, check = 0;
	struct pcap_pkthdr *h;
	const u_char *data;

	if (argc == 3 && strcmp(argv[1], "--flows") == 0) {
		nslots = 1024;
		conns = table(nslots);
		argv++;
		argc--;
	}
	if (argc != 2) {
		fprintf(stderr, "usage: rawloop [--flows] FILE\n");
		return 2;
	}
	FILE *f = fopen(argv[1], "rb");
	static char iobuf[1 << 20];
	if (!f) {
		perror(argv[1]);
		return 1;
	}
	setvbuf(f, iobuf, _IOFBF, sizeof(iobuf));
	pcap_t *p = pcap_fopen_offline(f, errbuf);
	if (!p) {
		fprintf(stderr, "rawloop: %s\n", errbuf);
		return 1;
	}
	while (pcap_next_ex(p, &h, &data) == 1) {
		n++;
		bytes += h->len;
		parse(data, h->caplen);
	}
	pcap_close(p);
	for (size_t i = 0; i < 65536; i++)
		check = check * 31 + port_bytes[i];
	printf("%llu packets %llu bytes %llx", (unsigned long long)n, (unsigned long long)bytes,
	       (unsigned long long)check);
	if (conns)
		printf(" %llu connections", (unsigned long long)nconns);
	printf("\n");
	return 0;
}
