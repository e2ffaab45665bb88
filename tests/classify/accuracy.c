/*
 * Test driver: reads captures with libpcap, tracks flows (the local side of
 * each is the one that accepted the TCP connection, else the lower port, as
 * `costs capture --local auto` does), feeds them through the classifier and
 * prints each service's egress bytes (layer 3) as CSV.  It lets the
 * classifier's accuracy be measured independently of the capture command.
 *   classify-accuracy [-c CONFIG] FILE...
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "classify.h"

struct flow {
	uint8_t proto;
	int family;
	uint8_t a[16], b[16]; /* a: the local (server) side */
	uint16_t pa, pb;
	struct classify_flow *st;
	bool decided;
	uint16_t service;
	uint64_t pending;
};

static struct flow *flows;
static size_t nflows, cflows;
static uint64_t *egress;
static struct classify *cl;

static struct flow *find(uint8_t proto, int family, const uint8_t *src, uint16_t sp,
                         const uint8_t *dst, uint16_t dp, bool *from_local, bool *fresh)
{
	size_t al = family == AF_INET ? 4 : 16;
	for (size_t i = nflows; i-- > 0;) {
		struct flow *f = &flows[i];
		if (f->proto != proto || f->family != family)
			continue;
		if (f->pa == sp && f->pb == dp && !memcmp(f->a, src, al) &&
		    !memcmp(f->b, dst, al)) {
			*from_local = true, *fresh = false;
			return f;
		}
		if (f->pa == dp && f->pb == sp && !memcmp(f->a, dst, al) &&
		    !memcmp(f->b, src, al)) {
			*from_local = false, *fresh = false;
			return f;
		}
	}
	if (nflows == cflows) {
		cflows = cflows ? cflows * 2 : 256;
		flows = realloc(flows, cflows * sizeof(*flows));
		if (!flows)
			abort();
	}
	*fresh = true;
	return &flows[nflows++];
}

static void decide(struct flow *f, uint16_t svc)
{
	f->decided = true;
	f->service = svc;
	egress[svc] += f->pending;
	f->pending = 0;
}

static void packet(const uint8_t *ip, size_t caplen)
{
	int family;
	uint8_t proto;
	const uint8_t *src, *dst;
	size_t hl, l3len;
	if (caplen < 1)
		return;
	if (ip[0] >> 4 == 4) {
		if (caplen < 20)
			return;
		family = AF_INET;
		hl = (size_t)(ip[0] & 15) * 4;
		l3len = (size_t)ip[2] << 8 | ip[3];
		proto = ip[9];
		src = ip + 12;
		dst = ip + 16;
		if (((ip[6] & 0x1f) << 8 | ip[7]) != 0)
			return; /* later fragments: not in these fixtures */
	} else if (ip[0] >> 4 == 6) {
		if (caplen < 40)
			return;
		family = AF_INET6;
		l3len = ((size_t)ip[4] << 8 | ip[5]) + 40;
		proto = ip[6];
		src = ip + 8;
		dst = ip + 24;
		hl = 40;
		while ((proto == 0 || proto == 43 || proto == 60 || proto == 44) &&
		       hl + 8 <= caplen) {
			uint8_t nh = ip[hl];
			hl += proto == 44 ? 8 : ((size_t)ip[hl + 1] + 1) * 8;
			proto = nh;
		}
	} else {
		return;
	}
	if (hl > caplen)
		return;
	const uint8_t *l4 = ip + hl;
	size_t l4cap = caplen - hl, l4len = l3len > hl ? l3len - hl : 0;
	uint16_t sp = 0, dp = 0;
	uint32_t seq = 0;
	uint8_t flags = 0;
	const uint8_t *pl = l4;
	size_t plcap = 0, pllen = 0;
	if (proto == IPPROTO_TCP && l4cap >= 20) {
		sp = (uint16_t)(l4[0] << 8 | l4[1]);
		dp = (uint16_t)(l4[2] << 8 | l4[3]);
		seq = (uint32_t)l4[4] << 24 | (uint32_t)l4[5] << 16 | (uint32_t)l4[6] << 8 | l4[7];
		size_t doff = (size_t)(l4[12] >> 4) * 4;
		flags = l4[13];
		if (doff < 20 || doff > l4cap)
			doff = l4cap;
		pl = l4 + doff;
		plcap = l4cap - doff;
		pllen = l4len > doff ? l4len - doff : 0;
	} else if (proto == IPPROTO_UDP && l4cap >= 8) {
		sp = (uint16_t)(l4[0] << 8 | l4[1]);
		dp = (uint16_t)(l4[2] << 8 | l4[3]);
		pl = l4 + 8;
		plcap = l4cap - 8;
		pllen = l4len > 8 ? l4len - 8 : 0;
	}
	if (plcap > pllen)
		plcap = pllen;
	bool from_local, fresh;
	struct flow *f = find(proto, family, src, sp, dst, dp, &from_local, &fresh);
	if (fresh) {
		size_t al = family == AF_INET ? 4 : 16;
		memset(f, 0, sizeof(*f));
		f->proto = proto;
		f->family = family;
		/* The server is local: the SYN's target, the SYN-ACK's sender, else the lower port.
		 */
		bool src_server;
		if (proto == IPPROTO_TCP && (flags & 0x12) == 0x02)
			src_server = false;
		else if (proto == IPPROTO_TCP && (flags & 0x12) == 0x12)
			src_server = true;
		else
			src_server = sp < dp;
		memcpy(f->a, src_server ? src : dst, al);
		memcpy(f->b, src_server ? dst : src, al);
		f->pa = src_server ? sp : dp;
		f->pb = src_server ? dp : sp;
		from_local = src_server;
	}
	if (from_local)
		f->pending += l3len;
	if (!f->decided) {
		struct classify_pkt p = {
		    .proto = proto,
		    .family = family,
		    .local_addr = f->a,
		    .remote_addr = f->b,
		    .local_port = f->pa,
		    .remote_port = f->pb,
		    .from_local = from_local,
		    .seq = seq,
		    .tcp_flags = flags,
		    .payload = pl,
		    .caplen = plcap,
		    .len = pllen,
		};
		uint16_t svc;
		enum classify_status s = fresh ? classify_flow_start(cl, &p, &f->st, &svc)
		                               : classify_flow_feed(cl, f->st, &p, &svc);
		if (s == CLASSIFY_DONE) {
			if (!fresh)
				classify_flow_free(f->st);
			f->st = NULL;
			decide(f, svc);
		}
	}
	if (f->decided) {
		egress[f->service] += f->pending;
		f->pending = 0;
	}
}

static int read_file(const char *path)
{
	char eb[PCAP_ERRBUF_SIZE];
	pcap_t *pc = pcap_open_offline(path, eb);
	if (!pc) {
		fprintf(stderr, "classify-accuracy: %s\n", eb);
		return -1;
	}
	int dlt = pcap_datalink(pc);
	struct pcap_pkthdr *h;
	const uint8_t *d;
	while (pcap_next_ex(pc, &h, &d) == 1) {
		size_t n = h->caplen, off;
		uint16_t et = 0x0800;
		switch (dlt) {
		case DLT_EN10MB:
			if (n < 14)
				continue;
			et = (uint16_t)(d[12] << 8 | d[13]);
			off = 14;
			while ((et == 0x8100 || et == 0x88a8) && off + 4 <= n) {
				et = (uint16_t)(d[off + 2] << 8 | d[off + 3]);
				off += 4;
			}
			if (et == 0x8864 && off + 8 <= n) {
				uint16_t ppp = (uint16_t)(d[off + 6] << 8 | d[off + 7]);
				et = ppp == 0x21 ? 0x0800 : ppp == 0x57 ? 0x86dd : 0;
				off += 8;
			}
			break;
		case DLT_LINUX_SLL:
			off = 16;
			et = n >= 16 ? (uint16_t)(d[14] << 8 | d[15]) : 0;
			break;
		case DLT_LINUX_SLL2:
			off = 20;
			et = n >= 20 ? (uint16_t)(d[0] << 8 | d[1]) : 0;
			break;
		case DLT_NULL:
		case DLT_LOOP:
			off = 4;
			break;
		default:
			off = 0;
			break;
		}
		if (off > n || (et != 0x0800 && et != 0x86dd))
			continue;
		packet(d + off, n - off);
	}
	pcap_close(pc);
	return 0;
}

int main(int argc, char **argv)
{
	struct config *cfg = NULL;
	struct err e;
	int i = 1;
	if (argc > 2 && strcmp(argv[1], "-c") == 0) {
		if (config_load(argv[2], true, &cfg, &e) != 0) {
			fprintf(stderr, "classify-accuracy: %s\n", e.msg);
			return 1;
		}
		i = 3;
	}
	if (classify_new(cfg, &cl, &e) != 0) {
		fprintf(stderr, "classify-accuracy: %s\n", e.msg);
		return 1;
	}
	egress = calloc(classify_service_count(cl), sizeof(*egress));
	for (; i < argc; i++)
		if (read_file(argv[i]))
			return 1;
	for (size_t k = 0; k < nflows; k++)
		if (!flows[k].decided) {
			decide(&flows[k], classify_flow_fallback(cl, flows[k].st));
			classify_flow_free(flows[k].st);
		}
	printf("service,egress_bytes\n");
	for (uint16_t s = 0; s < classify_service_count(cl); s++)
		if (egress[s])
			printf("%s,%llu\n", classify_service_name(cl, s),
			       (unsigned long long)egress[s]);
	free(egress);
	free(flows);
	classify_free(cl);
	config_free(cfg);
	return 0;
}
