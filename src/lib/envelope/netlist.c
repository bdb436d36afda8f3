/* Address networks for trusted_relays and local_networks: parsing and matching. */
#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>

#include "envelope/envelope_int.h"

bool net_parse_ip(mv_str text, uint8_t out[16])
{
	char buf[64];
	struct in_addr v4;

	if (text.len == 0 || text.len >= sizeof(buf))
		return false;
	memcpy(buf, text.p, text.len);
	buf[text.len] = '\0';
	if (inet_pton(AF_INET, buf, &v4) == 1) {
		memset(out, 0, 10);
		out[10] = 0xff;
		out[11] = 0xff;
		memcpy(out + 12, &v4, 4);
		return true;
	}
	return inet_pton(AF_INET6, buf, out) == 1;
}

int netlist_add(struct netlist *list, const char *text)
{
	const char *slash = strchr(text, '/');
	size_t len = slash != NULL ? (size_t)(slash - text) : strlen(text);
	struct net_entry e;
	struct net_entry *items;
	bool v4;
	long bits;

	/* Postfix writes IPv6 networks in brackets: [2001:db8::]/32. */
	if (len >= 2 && text[0] == '[' && text[len - 1] == ']') {
		text++;
		len -= 2;
	}
	if (!net_parse_ip(mv_str_make(text, len), e.addr))
		return 0;
	v4 = memchr(text, ':', len) == NULL;
	if (slash == NULL) {
		bits = 128;
	} else {
		char *end;

		bits = strtol(slash + 1, &end, 10);
		if (end == slash + 1 || *end != '\0' || bits < 0 || bits > (v4 ? 32 : 128))
			return -1;
		if (v4)
			bits += 96;
	}
	e.bits = (uint8_t)bits;
	items = realloc(list->items, (list->n + 1) * sizeof(*items));
	if (items == NULL)
		return -1;
	list->items = items;
	list->items[list->n++] = e;
	return 1;
}

void netlist_free(struct netlist *list)
{
	free(list->items);
	list->items = NULL;
	list->n = 0;
}

static bool prefix_match(const uint8_t *a, const uint8_t *b, unsigned bits)
{
	unsigned full = bits / 8, rest = bits % 8;

	if (memcmp(a, b, full) != 0)
		return false;
	return rest == 0 || ((a[full] ^ b[full]) & (uint8_t)(0xff << (8 - rest))) == 0;
}

bool netlist_match(const struct netlist *list, mv_str ip)
{
	uint8_t addr[16];
	size_t i;

	if (list->n == 0 || !net_parse_ip(ip, addr))
		return false;
	for (i = 0; i < list->n; i++) {
		if (prefix_match(addr, list->items[i].addr, list->items[i].bits))
			return true;
	}
	return false;
}
