/*
 * /proc/net/dev: two header lines, then "name: rx_bytes rx_packets ... (8
 * receive fields) tx_bytes tx_packets ... (8 transmit fields)".  Values are
 * 64-bit on 64-bit kernels and may be 32-bit elsewhere; the wrap is
 * sample.c's concern.
 */
#include "nft/iface.h"

#include <errno.h>
#include <inttypes.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>

static int parse_line(char *line, struct nftc_iface *f, unsigned lineno, struct err *e)
{
	char *colon = strchr(line, ':'), *p, *end;
	uint64_t v[16];
	size_t len;

	p = line + strspn(line, " \t");
	if (!colon || colon == p)
		return err_set(e, "/proc/net/dev:%u: no interface name", lineno);
	len = (size_t)(colon - p);
	if (len >= sizeof(f->name))
		return err_set(e, "/proc/net/dev:%u: interface name too long", lineno);
	memcpy(f->name, p, len);
	f->name[len] = '\0';
	p = colon + 1;
	for (int i = 0; i < 16; i++) {
		while (*p == ' ' || *p == '\t')
			p++;
		if (*p < '0' || *p > '9')
			return err_set(e, "/proc/net/dev:%u: expected 16 counters for '%s'", lineno,
			               f->name);
		errno = 0;
		unsigned long long x = strtoull(p, &end, 10);
		if (errno == ERANGE)
			return err_set(e, "/proc/net/dev:%u: counter out of range for '%s'", lineno,
			               f->name);
		v[i] = x;
		p = end;
	}
	f->rx_bytes = v[0];
	f->rx_packets = v[1];
	f->tx_bytes = v[8];
	f->tx_packets = v[9];
	return 0;
}

int nftc_iface_parse(const char *text, struct nftc_iface **out, size_t *n, struct err *e)
{
	struct nftc_iface *arr = NULL;
	size_t cnt = 0, cap = 0;
	unsigned lineno = 0;
	const char *p = text;

	while (*p) {
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) : strlen(p);
		char line[1024];
		struct nftc_iface f = {0};

		lineno++;
		if (len >= sizeof(line)) {
			free(arr);
			return err_set(e, "/proc/net/dev:%u: line too long", lineno);
		}
		memcpy(line, p, len);
		line[len] = '\0';
		p += len + (nl ? 1 : 0);
		if (lineno <= 2 || line[strspn(line, " \t")] == '\0')
			continue;
		if (parse_line(line, &f, lineno, e)) {
			free(arr);
			return -1;
		}
		if (strcmp(f.name, "lo") == 0)
			continue;
		if (cnt == cap) {
			size_t nc = cap ? cap * 2 : 8;
			struct nftc_iface *g = realloc(arr, nc * sizeof(*g));
			if (!g) {
				free(arr);
				return err_set(e, "out of memory");
			}
			arr = g;
			cap = nc;
		}
		arr[cnt++] = f;
	}
	*out = arr;
	*n = cnt;
	return 0;
}

bool nftc_iface_counters_32bit(void)
{
	struct utsname u;

	if (uname(&u) != 0)
		return false;
	/* x86_64, aarch64, ppc64le, riscv64, mips64, sparc64, loongarch64, s390x, alpha. */
	return !(strstr(u.machine, "64") || strcmp(u.machine, "s390x") == 0 ||
	         strcmp(u.machine, "alpha") == 0);
}

int nftc_iface_read(const char *path, struct nftc_iface **out, size_t *n, struct err *e)
{
	size_t len = 0, cap = 16384;
	char *buf = malloc(cap);
	FILE *f;
	int rc;

	if (!buf)
		return err_set(e, "out of memory");
	if (!(f = fopen(path, "r"))) {
		free(buf);
		return err_set(e, "cannot open '%s': %s", path, strerror(errno));
	}
	/* A host with many containers has a long file: grow until it all fits. */
	for (;;) {
		len += fread(buf + len, 1, cap - 1 - len, f);
		if (len < cap - 1 || feof(f) || ferror(f))
			break;
		char *g = cap < (64u << 20) ? realloc(buf, cap * 2) : NULL;
		if (!g) {
			fclose(f);
			free(buf);
			return err_set(e, "'%s' is too large", path);
		}
		buf = g;
		cap *= 2;
	}
	rc = ferror(f);
	fclose(f);
	if (rc) {
		free(buf);
		return err_set(e, "cannot read '%s'", path);
	}
	buf[len] = '\0';
	rc = nftc_iface_parse(buf, out, n, e);
	free(buf);
	for (size_t i = 0; rc == 0 && i < *n; i++)
		(*out)[i].ifindex = if_nametoindex((*out)[i].name);
	return rc;
}
