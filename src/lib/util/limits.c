/* Safe defaults for every limit a caller left at 0. */
#include "mailvet/limits.h"

#define FILL(field, def) do { if (limits->field == 0) limits->field = (def); } while (0)

void mv_limits_fill(struct mv_limits *limits)
{
	FILL(max_header_bytes, MV_DEFAULT_MAX_HEADER_BYTES);
	FILL(max_header_value, MV_DEFAULT_MAX_HEADER_VALUE);
	FILL(max_headers, MV_DEFAULT_MAX_HEADERS);
	FILL(max_mime_depth, MV_DEFAULT_MAX_MIME_DEPTH);
	FILL(max_parts, MV_DEFAULT_MAX_PARTS);
	FILL(max_decoded_bytes, MV_DEFAULT_MAX_DECODED_BYTES);
	FILL(max_html_bytes, MV_DEFAULT_MAX_HTML_BYTES);
	FILL(max_urls, MV_DEFAULT_MAX_URLS);
	FILL(max_message_bytes, MV_DEFAULT_MAX_MESSAGE_BYTES);
}
