/*
 * Test helpers for the classifier: a ClientHello builder and a simulated
 * TCP connection that feeds packets through the classify API.
 */
#ifndef COSTS_TEST_CLASSIFY_HELPERS_H
#define COSTS_TEST_CLASSIFY_HELPERS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

struct buf {
	uint8_t b[20000];
	size_t n;
};

static inline void put8(struct buf *b, unsigned v)
{
	b->b[b->n++] = (uint8_t)v;
}
static inline void put16(struct buf *b, unsigned v)
{
	put8(b, v >> 8);
	put8(b, v);
}
static inline void put24(struct buf *b, unsigned v)
{
	put8(b, v >> 16);
	put16(b, v);
}
static inline void putn(struct buf *b, const void *p, size_t n)
{
	memcpy(b->b + b->n, p, n);
	b->n += n;
}
static inline void putz(struct buf *b, size_t n, uint8_t fill)
{
	memset(b->b + b->n, fill, n);
	b->n += n;
}
/* Patches a big-endian length of w bytes at off to cover up to the end. */
static inline void patch(struct buf *b, size_t off, int w)
{
	size_t v = b->n - off - (size_t)w;
	for (int i = w - 1; i >= 0; i--, v >>= 8)
		b->b[off + (size_t)i] = (uint8_t)v;
}

struct hello_opts {
	const char *sni; /* NULL: no server_name extension */
	const char *alpn[4];
	bool tls13;        /* supported_versions 1.3, 1.2 */
	bool ech;          /* an encrypted_client_hello extension */
	size_t key_share;  /* bytes of key share (1216+32 for X25519MLKEM768) */
	size_t padding;    /* padding extension bytes */
	size_t record_max; /* split the handshake into records of this size (0: one) */
};

/* Builds a ClientHello in TLS records into out. */
static inline void build_hello(struct buf *out, const struct hello_opts *o)
{
	static struct buf hs;
	hs.n = 0;
	put8(&hs, 1);
	put24(&hs, 0);
	put16(&hs, 0x0303);
	putz(&hs, 32, 0xab);
	put8(&hs, 32);
	putz(&hs, 32, 0xcd);
	put16(&hs, 6);
	put16(&hs, 0x1301);
	put16(&hs, 0x1302);
	put16(&hs, 0xc02f);
	put8(&hs, 1);
	put8(&hs, 0);
	size_t ext = hs.n;
	put16(&hs, 0);
	put16(&hs, 0x0a0a); /* GREASE, empty */
	put16(&hs, 0);
	if (o->sni) {
		size_t l = strlen(o->sni);
		put16(&hs, 0);
		put16(&hs, (unsigned)l + 5);
		put16(&hs, (unsigned)l + 3);
		put8(&hs, 0);
		put16(&hs, (unsigned)l);
		putn(&hs, o->sni, l);
	}
	if (o->alpn[0]) {
		put16(&hs, 0x0010);
		size_t a = hs.n;
		put16(&hs, 0);
		size_t l = hs.n;
		put16(&hs, 0);
		for (int i = 0; i < 4 && o->alpn[i]; i++) {
			put8(&hs, (unsigned)strlen(o->alpn[i]));
			putn(&hs, o->alpn[i], strlen(o->alpn[i]));
		}
		patch(&hs, l, 2);
		patch(&hs, a, 2);
	}
	if (o->tls13) {
		put16(&hs, 0x002b);
		put16(&hs, 5);
		put8(&hs, 4);
		put16(&hs, 0x0304);
		put16(&hs, 0x0303);
	}
	if (o->key_share) {
		put16(&hs, 0x0033);
		put16(&hs, (unsigned)o->key_share + 6);
		put16(&hs, (unsigned)o->key_share + 4);
		put16(&hs, 0x11ec);
		put16(&hs, (unsigned)o->key_share);
		putz(&hs, o->key_share, 0x5a);
	}
	if (o->ech) {
		put16(&hs, 0xfe0d);
		put16(&hs, 40);
		putz(&hs, 40, 0x77);
	}
	if (o->padding) {
		put16(&hs, 0x0015);
		put16(&hs, (unsigned)o->padding);
		putz(&hs, o->padding, 0);
	}
	patch(&hs, ext, 2);
	hs.b[0] = 1;
	{
		size_t v = hs.n - 4;
		hs.b[1] = (uint8_t)(v >> 16);
		hs.b[2] = (uint8_t)(v >> 8);
		hs.b[3] = (uint8_t)v;
	}
	size_t max = o->record_max ? o->record_max : 16384;
	out->n = 0;
	for (size_t off = 0; off < hs.n; off += max) {
		size_t n = hs.n - off < max ? hs.n - off : max;
		put8(out, 0x16);
		put16(out, 0x0301);
		put16(out, (unsigned)n);
		putn(out, hs.b + off, n);
	}
}

#endif
