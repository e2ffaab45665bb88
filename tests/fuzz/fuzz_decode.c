/*
 * Fuzz target for the packet decoder and the flow table behind it: the
 * first byte chooses the link type, the second how many frames the rest is
 * split into; each frame is decoded and accounted by a fresh capture.
 * The decoder's fast path must give the general decoders' answer.
 */
#include <pcap/dlt.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "capture/capture.h"
#include "classify/classify.h"
#include "capture/decode.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void same_answer(int dlt, const uint8_t *p, size_t caplen, size_t wirelen)
{
	struct decoded f, g;
	enum decode_status sf = capture_decode(dlt, p, caplen, wirelen, &f);
	enum decode_status sg = capture_decode_general(dlt, p, caplen, wirelen, &g);
	if (sf != sg || f.family != g.family || f.proto != g.proto || f.has_l3 != g.has_l3 ||
	    f.has_ports != g.has_ports || memcmp(f.src, g.src, 16) || memcmp(f.dst, g.dst, 16) ||
	    f.l3_len != g.l3_len || f.sport != g.sport || f.dport != g.dport ||
	    f.tcp_flags != g.tcp_flags || f.seq != g.seq || f.payload != g.payload ||
	    f.payload_caplen != g.payload_caplen || f.payload_len != g.payload_len ||
	    f.fragment != g.fragment || f.frag_first != g.frag_first || f.frag_id != g.frag_id)
		abort();
}

static const int linktypes[] = {DLT_EN10MB, DLT_LINUX_SLL, DLT_LINUX_SLL2, DLT_RAW,
                                DLT_IPV4,   DLT_IPV6,      DLT_NULL,       DLT_LOOP};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct classify *cls;
	struct capture *cap;
	struct capture_config cc = {.max_memory = 64u << 10};
	struct err e;

	if (size < 2)
		return 0;
	int dlt = linktypes[data[0] % (sizeof(linktypes) / sizeof(*linktypes))];
	size_t frames = (size_t)(data[1] % 4) + 1;
	data += 2;
	size -= 2;
	/* One classifier for the whole run: it holds no per-input state. */
	if (!cls && classify_new(NULL, &cls, &e))
		return 0;
	if (capture_new(&cc, cls, &cap, &e))
		return 0;
	capture_set_linktype(cap, dlt);
	size_t chunk = size / frames;
	for (size_t i = 0; i < frames; i++) {
		const uint8_t *p = data + i * chunk;
		size_t len = i + 1 == frames ? size - i * chunk : chunk;
		/* The wire length may exceed the captured length (a snaplen cut). */
		same_answer(dlt, p, len, len + (len ? p[0] : 0));
		capture_packet(cap, 1700000000 + (int64_t)i * 40000, 0, p, len, len);
	}
	capture_decide_all(cap);
	capture_free(cap);
	return 0;
}
