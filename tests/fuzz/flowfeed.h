/*
 * Fuzz helper: feeds bytes through the classify API as a TCP flow, the
 * client's and the server's halves split at the first "\n--\n" (if any),
 * in segments whose sizes come from the input's first byte.
 */
#ifndef COSTS_FUZZ_FLOWFEED_H
#define COSTS_FUZZ_FLOWFEED_H

#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>

#include "classify/classify.h"

static inline void fuzz_flow(const struct classify *c, const uint8_t *data, size_t size)
{
	static const uint8_t laddr[4] = {192, 0, 2, 1}, raddr[4] = {198, 51, 100, 2};
	if (size < 1)
		return;
	size_t seg = (size_t)data[0] % 97 + 1;
	data++;
	size--;
	const uint8_t *sep = memmem(data, size, "\n--\n", 4);
	size_t clen = sep ? (size_t)(sep - data) : size;
	const uint8_t *srv = sep ? sep + 4 : NULL;
	size_t slen = sep ? size - clen - 4 : 0;

	struct classify_pkt p = {
	    .proto = IPPROTO_TCP,
	    .family = AF_INET,
	    .local_addr = laddr,
	    .remote_addr = raddr,
	    .local_port = 443,
	    .remote_port = 40000,
	    .from_local = false,
	    .seq = 100,
	    .tcp_flags = 0x02,
	};
	struct classify_flow *f = NULL;
	uint16_t svc;
	if (classify_flow_start(c, &p, &f, &svc) == CLASSIFY_DONE)
		return;
	uint32_t cseq = 101, sseq = 9000;
	size_t co = 0, so = 0;
	bool done = false;
	for (int turn = 0; !done && (co < clen || so < slen); turn++) {
		bool client = (turn % 3 != 2 && co < clen) || so >= slen;
		const uint8_t *b = client ? data + co : srv + so;
		size_t left = client ? clen - co : slen - so;
		size_t n = left < seg ? left : seg;
		p.from_local = !client;
		p.tcp_flags = 0x18;
		p.payload = b;
		p.caplen = n;
		p.len = n + (turn % 11 == 10 ? 7 : 0); /* now and then a snaplen cut */
		p.seq = client ? cseq : sseq;
		if (client)
			cseq += (uint32_t)p.len, co += n;
		else
			sseq += (uint32_t)p.len, so += n;
		done = classify_flow_feed(c, f, &p, &svc) == CLASSIFY_DONE;
	}
	if (!done)
		svc = classify_flow_fallback(c, f);
	classify_flow_free(f);
	if (svc >= classify_service_count(c))
		__builtin_trap();
}

static inline struct classify *fuzz_classifier(const char *conf)
{
	struct config *cfg = NULL;
	struct classify *c = NULL;
	struct err e;
	if (config_parse(conf, strlen(conf), "fuzz.conf", &cfg, &e) != 0)
		__builtin_trap();
	if (classify_new(cfg, &c, &e) != 0)
		__builtin_trap();
	config_free(cfg);
	return c;
}

#endif
