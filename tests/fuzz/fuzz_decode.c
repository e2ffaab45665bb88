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
#include "../capture/decoded_same.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void same_answer(int dlt, const uint8_t *p, size_t caplen, size_t wirelen)
{
	struct decoded f, g;
	enum decode_status sf = capture_decode(dlt, p, caplen, wirelen, &f);
	enum decode_status sg = capture_decode_general(dlt, p, caplen, wirelen, &g);
	if (sf != sg || !decoded_same(&f, &g))
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
