/*
 * Every built-in check, listed once, in the order they run when nothing else
 * orders them (a check's `after` list does).  Adding a check: write
 * checks/check_NAME.c defining `const struct check_def check_NAME`, and add
 * CHECK(NAME) here.
 */
CHECK(headers)
CHECK(content)
CHECK(structure)
CHECK(helo)
CHECK(smime)
CHECK(spf)
CHECK(dkim)
CHECK(arc)
CHECK(dmarc)
CHECK(authres)
CHECK(links)
CHECK(bounce)
CHECK(brand)
CHECK(sender)
CHECK(mdn)
CHECK(mdn_out)
CHECK(outbound)
CHECK(store)
