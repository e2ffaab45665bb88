/*
 * Whether two decodings of a frame agree in every field: the decoder's
 * fast path against its general decoders (test_decode.c, fuzz_decode.c).
 */
#ifndef COSTS_TESTS_DECODED_SAME_H
#define COSTS_TESTS_DECODED_SAME_H

#include <stdbool.h>
#include <string.h>

#include "capture/decode.h"

static inline bool decoded_same(const struct decoded *f, const struct decoded *g)
{
	return f->family == g->family && f->proto == g->proto && f->has_l3 == g->has_l3 &&
	       f->has_ports == g->has_ports && !memcmp(f->src, g->src, 16) &&
	       !memcmp(f->dst, g->dst, 16) && f->l3_len == g->l3_len && f->sport == g->sport &&
	       f->dport == g->dport && f->tcp_flags == g->tcp_flags && f->seq == g->seq &&
	       f->payload == g->payload && f->payload_caplen == g->payload_caplen &&
	       f->payload_len == g->payload_len && f->fragment == g->fragment &&
	       f->frag_first == g->frag_first && f->frag_id == g->frag_id;
}

#endif
