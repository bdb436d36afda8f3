/*
 * Received parsing: a table of real headers (from the SpamAssassin, rspamd and
 * sisimai test data, see tests/data/received/SOURCE.md) and a few synthetic
 * ones with exact expected fields; a robustness run over every distinct
 * Received field of those corpora (tests/data/received/headers.tsv) that must
 * parse without MV_RCVD_BAD for at least 95%; the clause-by-clause reader of
 * the common shape against the general parser on those fields and on
 * mutations of them; limits and pathological input.
 */
#include <stdint.h>
#include <stdlib.h>
#include <time.h>

#include "hdr_agree.h"
#include "mailvet/hdr.h"
#include "test.h"

struct rcvd_case {
	const char *in;
	const char *want[7];	/* from, helo, ip, by, with, id, for */
	int64_t date;
	unsigned flags;
};

static const struct rcvd_case cases[] = {
	/* spamassassin-tdata/data/spam/dmarc/noneko.eml */
	{ " from mail-pf1-x432.google.com (mail-pf1-x432.google.com [IPv6:2607:f8b0:4864:20::432])\n"
	  "\t(using TLSv1.3 with cipher AEAD-AES128-GCM-SHA256 (128/128 bits))\n"
	  "\t(No client certificate requested)\n"
	  "\tby dmarc1.spamassassin.org (Postfix) with ESMTPS id EDD4E2073D\n"
	  "\tfor <test@dmarc1.spamassassin.org>; Tue, 15 Jun 2021 11:55:45 +0200 (CEST)",
	  { "mail-pf1-x432.google.com", "mail-pf1-x432.google.com", "2607:f8b0:4864:20::432", "dmarc1.spamassassin.org", "ESMTPS", "EDD4E2073D", "test@dmarc1.spamassassin.org" }, 1623750945LL, MV_RCVD_TLS | MV_RCVD_IPV6 },
	/* spamassassin-tdata/data/nice/002 */
	{ " from localhost ([127.0.0.1] helo=usw-sf-list1.sourceforge.net)\n"
	  "    by usw-sf-list1.sourceforge.net with esmtp (Exim 3.31-VA-mm2 #1 (Debian))\n"
	  "    id 16BujB-0003YE-00; Thu, 06 Dec 2001 01:22:01 -0800",
	  { "localhost", "usw-sf-list1.sourceforge.net", "127.0.0.1", "usw-sf-list1.sourceforge.net", "esmtp", "16BujB-0003YE-00", "" }, 1007630521LL, 0 },
	/* spamassassin-tdata/data/nice/mime9 */
	{ " from [205.188.139.136] (helo=imo-d20.mx.aol.com)\n"
	  "\tby server11.arteryserver11.net with esmtp (Exim 4.24)\n"
	  "\tid 1AtWef-0007Y2-44\n"
	  "\tfor user@example.com; Wed, 18 Feb 2004 18:42:41 +0000",
	  { "", "imo-d20.mx.aol.com", "205.188.139.136", "server11.arteryserver11.net", "esmtp", "1AtWef-0007Y2-44", "user@example.com" }, 1077129761LL, 0 },
	/* rspamd-messages/messages/received1.eml */
	{ " from ca-18-193-131.service.infuturo.it ([151.18.193.131] helo=User)\n"
	  "\tby server.chat-met-vreemden.nl with esmtpa (Exim 4.76)\n"
	  "\t(envelope-from <upwest201diana@outlook.com>)\n"
	  "\tid 1ZC1sl-0006b4-TU; Mon, 06 Jul 2015 10:36:08 +0200",
	  { "ca-18-193-131.service.infuturo.it", "User", "151.18.193.131", "server.chat-met-vreemden.nl", "esmtpa", "1ZC1sl-0006b4-TU", "" }, 1436171768LL, MV_RCVD_AUTH },
	/* spamassassin-tdata/data/nice.mbox */
	{ " (qmail 27859 invoked by uid 1001); 5 Sep 2002 02:25:41 -0000",
	  { "", "", "", "", "", "", "" }, 1031192741LL, MV_RCVD_LOCAL },
	/* spamassassin-tdata/data/nice/cjk/iso-2022-jp.1 */
	{ " (qmail 18769 invoked from network); 16 Dec 2002 14:31:36 -0000",
	  { "", "", "", "", "", "", "" }, 1040049096LL, 0 },
	/* spamassassin-tdata/data/nice/cjk/gb2312.1 */
	{ " from unknown (HELO pc3) (202.108.68.140)\n"
	  "  by 0 with SMTP; 7 Jan 2003 11:59:56 -0000",
	  { "unknown", "pc3", "202.108.68.140", "0", "SMTP", "", "" }, 1041940796LL, 0 },
	/* spamassassin-tdata/data/spam/dmarc/noneko.eml */
	{ " from PC ([2409:4063:231e:c527:1997:664a:34e5:7d88])\n"
	  "        by smtp.gmail.com with ESMTPSA id n23sm15339981pgv.76.2021.06.15.02.55.37\n"
	  "        for <test@dmarc1.spamassassin.org>\n"
	  "        (version=TLS1 cipher=ECDHE-ECDSA-AES128-SHA bits=128/128);\n"
	  "        Tue, 15 Jun 2021 02:55:43 -0700 (PDT)",
	  { "", "PC", "2409:4063:231e:c527:1997:664a:34e5:7d88", "smtp.gmail.com", "ESMTPSA", "n23sm15339981pgv.76.2021.06.15.02.55.37", "test@dmarc1.spamassassin.org" }, 1623750943LL, MV_RCVD_AUTH | MV_RCVD_TLS | MV_RCVD_IPV6 },
	/* bounces-sisimai/msgs/0275.eml */
	{ " from r091.example.org (neko.example.co.jp [203.0.113.31])\n"
	  "\t(Authenticated sender: sironeko-nyaan)\n"
	  "\tby r1.example.co.jp (Postfix) with ESMTPA id EEEEEEEE000\n"
	  "\tfor <kijitora@hotmail.com>; Thu, 29 Apr 2015 23:34:45 +0000 (UTC)",
	  { "neko.example.co.jp", "r091.example.org", "203.0.113.31", "r1.example.co.jp", "ESMTPA", "EEEEEEEE000", "kijitora@hotmail.com" }, 1430350485LL, MV_RCVD_AUTH },
	/* spamassassin-tdata/data/nice.mbox */
	{ " by milkplus (Postfix, from userid 1000) id D3FDD10B051;\n"
	  "    Tue, 15 May 2001 17:31:22 -0400 (EDT)",
	  { "", "", "", "milkplus", "", "D3FDD10B051", "" }, 989962282LL, MV_RCVD_LOCAL },
	/* rspamd-messages/messages/external_relay.eml */
	{ " from trusted.com (trusted.com [192.168.1.1]) by\n"
	  " example.com with LMTP id MJX+NoRd5F2caAAAzslS3g for <test@example.com>;\n"
	  " Thu, 5 Dec 2019 18:22:18 +0300",
	  { "trusted.com", "trusted.com", "192.168.1.1", "example.com", "LMTP", "MJX+NoRd5F2caAAAzslS3g", "test@example.com" }, 1575559338LL, 0 },
	/* rspamd-messages/messages/bad_message.eml */
	{ " from mx.mezonplus.ru\n"
	  "\tby mx.mezon.local (Dovecot) with LMTP id YVBbOi5Cm1WCLgEAPZa6/Q\n"
	  "\t; Tue, 07 Jul 2015 06:06:22 +0300",
	  { "", "mx.mezonplus.ru", "", "mx.mezon.local", "LMTP", "YVBbOi5Cm1WCLgEAPZa6/Q", "" }, 1436238382LL, 0 },
	/* spamassassin-tdata/data/spam/004 */
	{ " from 144.137.3.98 (SquirrelMail authenticated user jmmail) by\n"
	  "    jmason.org with HTTP; Thu, 6 Dec 2001 09:21:06 -0000 (GMT)",
	  { "", "144.137.3.98", "144.137.3.98", "jmason.org", "HTTP", "", "" }, 1007630466LL, MV_RCVD_AUTH },
	/* bounces-sisimai/msgs/0159.eml */
	{ " by 10.66.159.39 with HTTP; Tue, 30 Oct 2012 02:28:41 -0700 (PDT)",
	  { "", "", "", "10.66.159.39", "HTTP", "", "" }, 1351589321LL, 0 },
	/* spamassassin-tdata/data/nice/007 */
	{ " from daf by green.daf.ddts.net with local (Exim 3.36 #1 (Debian))\n"
	  "\tid 192LJf-0005O7-00\n"
	  "\tfor <duncf@rogers.com>; Sun, 06 Apr 2003 21:20:55 -0400",
	  { "daf", "", "", "green.daf.ddts.net", "local", "192LJf-0005O7-00", "duncf@rogers.com" }, 1049678455LL, MV_RCVD_LOCAL },
	/* spamassassin-tdata/data/nice.mbox */
	{ " from dogma.slashnull.org (dogma.slashnull.org [212.17.35.15]) by\n"
	  "    mail.netnoteinc.com (Postfix) with ESMTP id 830E5115158 for\n"
	  "    <jm@netnoteinc.com>; Tue, 15 May 2001 23:40:33 +0000 (Eire)",
	  { "dogma.slashnull.org", "dogma.slashnull.org", "212.17.35.15", "mail.netnoteinc.com", "ESMTP", "830E5115158", "jm@netnoteinc.com" }, 989970033LL, 0 },
	/* rspamd-messages/messages/arcallow.eml */
	{ " from AM0PR09MB3876.eurprd09.prod.outlook.com (2a01:111:e400:7e0e::4d) by VI1EUR04FT008.mail.protection.outlook.com (2a01:111:e400:7e0e::406) with Microsoft SMTP Server (version=TLS1_2, cipher=TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384) id 15.20.3412.21 via Frontend Transport; Fri, 25 Sep 2020 17:19:07 +0000",
	  { "", "AM0PR09MB3876.eurprd09.prod.outlook.com", "2a01:111:e400:7e0e::4d", "VI1EUR04FT008.mail.protection.outlook.com", "Microsoft SMTP Server", "15.20.3412.21", "" }, 1601054347LL, MV_RCVD_TLS | MV_RCVD_IPV6 },
	/* bounces-sisimai/msgs/0526.eml */
	{ " from mail-qt0-x245.google.com (mail-qt0-x245.google.com. [2607:f8b0:400d:c0d::245])\n"
	  "        by mx.google.com with ESMTPS id f23si8140935ybj.231.2017.05.03.08.41.35\n"
	  "        for <kijitora@gmail.example.com>\n"
	  "        (version=TLS1_2 cipher=ECDHE-RSA-AES128-GCM-SHA256 bits=128/128);\n"
	  "        Wed, 03 May 2017 08:41:35 -0700 (PDT)",
	  { "mail-qt0-x245.google.com", "mail-qt0-x245.google.com", "2607:f8b0:400d:c0d::245", "mx.google.com", "ESMTPS", "f23si8140935ybj.231.2017.05.03.08.41.35", "kijitora@gmail.example.com" }, 1493826095LL, MV_RCVD_TLS | MV_RCVD_IPV6 },
	/* bounces-sisimai/msgs/0216.eml */
	{ " from (unknown [192.0.2.202]) by cat.example.co.jp with smtp\n"
	  "\t id SsPJmP-dwPFlG-vn; Thu, 29 Apr 2018 23:34:45 +0900",
	  { "unknown", "", "192.0.2.202", "cat.example.co.jp", "smtp", "SsPJmP-dwPFlG-vn", "" }, 1525012485LL, 0 },
	/* bounces-sisimai/msgs/0005.eml */
	{ " from 127.0.0.1  (EHLO a22-22.smtp-out.amazonses.com) (192.0.2.222)\n"
	  "  by mta2222.biz.mail.sg2.yahoo.com with SMTPS; Thu, 29 Apr 2017 23:34:45 +0000",
	  { "127.0.0.1", "a22-22.smtp-out.amazonses.com", "192.0.2.222", "mta2222.biz.mail.sg2.yahoo.com", "SMTPS", "", "" }, 1493508885LL, MV_RCVD_TLS },
	/* bounces-sisimai/msgs/0218.eml */
	{ " from mx ([192.0.2.34]:10000 \"EHLO smtp.example.net\")\n"
	  "    by mx4.example.net with ESMTP id 000000000000000;\n"
	  "    Thu, 29 Apr 2007 23:34:45 +0000",
	  { "mx", "smtp.example.net", "192.0.2.34", "mx4.example.net", "ESMTP", "000000000000000", "" }, 1177889685LL, 0 },
	/* bounces-sisimai/msgs/0408.eml */
	{ " from [10.64.19.206] (p0120-fxp0002kyoto.kyoto.example.ne.jp [192.0.2.222])\n"
	  "\t(authenticated bits=0)\n"
	  "\tby aneyakoji.example.jp (V8/cf) with ESMTP id t5EKjXJw020258\n"
	  "\tfor <=?utf-8?B?8J+QiPCfkIg=?=@example.org>; Mon, 15 Jun 2015 05:46:14 +0900",
	  { "p0120-fxp0002kyoto.kyoto.example.ne.jp", "[10.64.19.206]", "192.0.2.222", "aneyakoji.example.jp", "ESMTP", "t5EKjXJw020258", "=?utf-8?B?8J+QiPCfkIg=?=@example.org" }, 1434314774LL, MV_RCVD_AUTH },
	/* bounces-sisimai/msgs/0518.eml */
	{ " from p4.neko.example.net ([198.51.100.225]) by r2.nyaan.neko.example.com with Microsoft SMTPSVC(6.0.3790.3999);\n"
	  "\t Thu,29 Apr 2010 23:34:45 +0900",
	  { "", "p4.neko.example.net", "198.51.100.225", "r2.nyaan.neko.example.com", "Microsoft SMTPSVC", "", "" }, 1272551685LL, 0 },
	/* bounces-sisimai/msgs/0455.eml */
	{ " by mx1.example.net; (5.65/1.37) id 0000000; Thu, 29 Apr 1999 23:34:45 +0900",
	  { "", "", "", "mx1.example.net", "", "0000000", "" }, 925396485LL, 0 },
	/* bounces-sisimai/msgs/0237.eml */
	{ " FROM mx43.example.jp BY mxl8.example.net WITH local;\n"
	  "    Thu, 29 Apr 2012 23:34:45 +0900",
	  { "", "mx43.example.jp", "", "mxl8.example.net", "local", "", "" }, 1335710085LL, MV_RCVD_LOCAL },
	/* bounces-sisimai/msgs/0433.eml */
	{ " from localhost (localhost)\n"
	  "\tby nijo.libsisimai.org (V8/cf) id w4L4ep9h023039;\n"
	  "\tMon, 21 May 2018 13:40:51 +0900",
	  { "", "localhost", "", "nijo.libsisimai.org", "", "w4L4ep9h023039", "" }, 1526877651LL, 0 },
	/* bounces-sisimai/msgs/0216.eml */
	{ " by mail.example.jp (Postfix, from userid 500)\n"
	  "\tid B290529C56A9; Thu, 29 Apr 2018 23:34:45 +0900 (JST)",
	  { "", "", "", "mail.example.jp", "", "B290529C56A9", "" }, 1525012485LL, MV_RCVD_LOCAL },
	/* bounces-sisimai/msgs/0230.eml */
	{ " from 127.0.0.1 (127.0.0.1) by m-FILTER with ESMTP;\n"
	  "    Thu, 29 Apr 2011 23:34:45 +0900",
	  { "", "127.0.0.1", "127.0.0.1", "m-FILTER", "ESMTP", "", "" }, 1304087685LL, 0 },
	/* bounces-sisimai/msgs/0314.eml */
	{ " from mail.example.ne.jp ([127.0.0.1])\n"
	  "\tby localhost (mx4.example.ne.jp [127.0.0.1]) (amavisd-new, port 10024)\n"
	  "\twith ESMTP id LeojDijvoiff for <sotoneko-nyaan@example.com>;\n"
	  "\tThu, 29 Apr 2015 23:34:45 +0900 (JST)",
	  { "", "mail.example.ne.jp", "127.0.0.1", "localhost", "ESMTP", "LeojDijvoiff", "sotoneko-nyaan@example.com" }, 1430318085LL, 0 },
	/* bounces-sisimai/msgs/0245.eml */
	{ " from SLXP216MB0381.KORP216.PROD.OUTLOOK.COM\n"
	  " ([fe80::10d2:b426:34cf:d5d0]) by SLXP216MB0381.KORP216.PROD.OUTLOOK.COM\n"
	  " ([fe80::10d2:b426:34cf:d5d0%14]) with mapi id 15.20.0776.015; Mon, 21 May\n"
	  " 2018 05:07:53 +0000",
	  { "", "SLXP216MB0381.KORP216.PROD.OUTLOOK.COM", "fe80::10d2:b426:34cf:d5d0", "SLXP216MB0381.KORP216.PROD.OUTLOOK.COM", "mapi", "15.20.0776.015", "" }, 1526879273LL, MV_RCVD_IPV6 },
	/* rspamd-messages/messages/arcallow.eml */
	{ " from AM0PR09MB3876.eurprd09.prod.outlook.com ([fe80::d82c:67bf:ec39:a403]) by AM0PR09MB3876.eurprd09.prod.outlook.com ([fe80::d82c:67bf:ec39:a403%9]) with mapi id 15.20.3412.024; Fri, 25 Sep 2020 17:19:07 +0000",
	  { "", "AM0PR09MB3876.eurprd09.prod.outlook.com", "fe80::d82c:67bf:ec39:a403", "AM0PR09MB3876.eurprd09.prod.outlook.com", "mapi", "15.20.3412.024", "" }, 1601054347LL, MV_RCVD_IPV6 },
	/* spamassassin-tdata/data/spam/freemail1 */
	{ " by google-public-dns-a.google.com with SMTP id f21-v6so3811271wmc.5\n"
	  "        for <test@example.com>; Wed, 18 Jul 2018 12:12:22 -0700 (PDT)",
	  { "", "", "", "google-public-dns-a.google.com", "SMTP", "f21-v6so3811271wmc.5", "test@example.com" }, 1531941142LL, 0 },
	/* rspamd-messages/messages/received4.eml */
	{ " from ca-18-193-131.service.infuturo.it ([151.18.193.131] helo=User)\n"
	  "\tby server.chat-met-vreemden.nl with esmtpsa (Exim 4.76)\n"
	  "\t(envelope-from <upwest201diana@outlook.com>)\n"
	  "\tid 1ZC1sl-0006b4-TU; Mon, 06 Jul 2015 10:36:08 +0200",
	  { "ca-18-193-131.service.infuturo.it", "User", "151.18.193.131", "server.chat-met-vreemden.nl", "esmtpsa", "1ZC1sl-0006b4-TU", "" }, 1436171768LL, MV_RCVD_AUTH | MV_RCVD_TLS },
	/* spamassassin-tdata/data/spam/unicode2 */
	{ " from MZZTQKTVAKJHJCZ (unknown [163.125.18.151])\n"
	  "\tby nj080.top (Postfix) with ESMTPA id 253435234A8\n"
	  "\tfor <redacted@example.com>; Tue, 25 Apr 2023 02:15:34 +0000 (UTC)",
	  { "unknown", "MZZTQKTVAKJHJCZ", "163.125.18.151", "nj080.top", "ESMTPA", "253435234A8", "redacted@example.com" }, 1682388934LL, MV_RCVD_AUTH },
	/* bounces-sisimai/msgs/0497.eml */
	{ " from mail.zoho.com by mx.zohomail.com\n"
	  "    with SMTP id 1418381305038171.1991566282053; Fri, 12 Dec 2014 02:48:25 -0800 (PST)",
	  { "", "mail.zoho.com", "", "mx.zohomail.com", "SMTP", "1418381305038171.1991566282053", "" }, 1418381305LL, 0 },
	/* rspamd-messages/messages/received1.eml */
	{ " apparently",
	  { "", "", "", "", "", "", "" }, 0LL, MV_RCVD_BAD },
	/* spamassassin-tdata/data/spam/badmime2.txt */
	{ " from  by 24.3.96.11; Thu, 05 Feb 2004 00:24:38 +0500",
	  { "", "by", "", "", "", "", "" }, 1075922678LL, MV_RCVD_BAD },
	/* spamassassin-tdata/data/nice/cjk/gb2312.1 */
	{ " from 1234@e34.com by ahead.ncmbox.net by uid 89 with qmail-scanner-1.14 \n"
	  " (NetCom Media AV Sweep  Clear:SA:1(19.4/5.0):. \n"
	  " Processed in 67.40605 secs); 07 Jan 2003 12:01:04 -0000",
	  { "", "1234@e34.com", "", "ahead.ncmbox.net", "qmail-scanner-1.14", "", "" }, 1041940864LL, 0 },
	/* synthetic */
	{ " from netsvr.Internet (USR-157-050.dr.cgocable.ca [24.226.157.50] (may be forged))\n"
	  "\tby webnote.net (8.9.3/8.9.3) with ESMTP id IAA29903\n"
	  "\tfor <jm7@netnoteinc.com>; Sun, 18 Feb 2001 08:28:16 GMT",
	  { "USR-157-050.dr.cgocable.ca", "netsvr.Internet", "24.226.157.50", "webnote.net", "ESMTP", "IAA29903", "jm7@netnoteinc.com" }, 982484896LL, 0 },
	/* synthetic */
	{ " from host.example.com (HELO helo.example) (user@192.0.2.7)\n"
	  "  by mx.example.org with SMTP; 18 Jun 2002 11:23:45 -0000",
	  { "host.example.com", "helo.example", "192.0.2.7", "mx.example.org", "SMTP", "", "" }, 1024399425LL, 0 },
	/* synthetic */
	{ " from [IPv6:2001:db8::1] (helo=client.example)\n"
	  "\tby mx.example.org with esmtps (TLS1.3) tls TLS_AES_256_GCM_SHA384\n"
	  "\t(Exim 4.96) (envelope-from <a@b.example>) id 1qXyZ-000abc-12\n"
	  "\tfor bob@example.org; Tue, 18 Jun 2002 11:23:45 +0000",
	  { "", "client.example", "2001:db8::1", "mx.example.org", "esmtps", "1qXyZ-000abc-12", "bob@example.org" }, 1024399425LL, MV_RCVD_TLS | MV_RCVD_IPV6 },
	/* synthetic */
	{ " from mail.example.net [192.0.2.9] by mx.example.org with esmtp (Exim 4.96)\n"
	  "\tid 1qXyZ-000abc-13; Tue, 18 Jun 2002 11:23:45 +0000",
	  { "mail.example.net", "mail.example.net", "192.0.2.9", "mx.example.org", "esmtp", "1qXyZ-000abc-13", "" }, 1024399425LL, 0 },
	/* synthetic */
	{ " from helo.example (unknown [192.0.2.10])\n"
	  "\t(Authenticated sender: alice@example.org)\n"
	  "\tby smtp.example.org (Postfix) with ESMTPSA id 4ABCD\n"
	  "\tfor <bob@example.net>; Tue, 18 Jun 2002 11:23:45 +0000 (UTC)",
	  { "unknown", "helo.example", "192.0.2.10", "smtp.example.org", "ESMTPSA", "4ABCD", "bob@example.net" }, 1024399425LL, MV_RCVD_AUTH | MV_RCVD_TLS },
	/* synthetic */
	{ " (from alice@localhost)\n"
	  "\tby host.example.org (8.15.2/8.15.2/Submit) id 5ABC; Tue, 18 Jun 2002 11:23:45 +0000",
	  { "", "", "", "host.example.org", "", "5ABC", "" }, 1024399425LL, MV_RCVD_LOCAL },
	/* synthetic */
	{ " from a.example (b.example [192.0.2.1]) by c.example with ESMTP id X; not a date",
	  { "b.example", "a.example", "192.0.2.1", "c.example", "ESMTP", "X", "" }, 0LL, MV_RCVD_BAD },
	/* synthetic */
	{ " from a.example (b.example [192.0.2.1] by c.example with ESMTP id X; Tue, 18 Jun 2002 11:23:45 +0000",
	  { "b.example", "a.example", "192.0.2.1", "", "", "", "" }, 0LL, MV_RCVD_BAD },
	/* synthetic */
	{ " from a.example by",
	  { "", "a.example", "", "", "", "", "" }, 0LL, MV_RCVD_BAD },
	/* synthetic */
	{ " from mail.example.com (mail.example.com [192.0.2.1]) by mx.google.com with SMTPS id a1si2; Tue, 18 Jun 2002 11:23:45 -0700 (PDT)",
	  { "mail.example.com", "mail.example.com", "192.0.2.1", "mx.google.com", "SMTPS", "a1si2", "" }, 1024424625LL, MV_RCVD_TLS },
};

static void check_field(size_t i, const char *what, mv_str got, const char *want)
{
	test_checks++;
	if (got.len != strlen(want) || (got.len != 0 && memcmp(got.p, want, got.len) != 0)) {
		test_failures++;
		fprintf(stderr, "case %zu: %s = \"%.*s\", want \"%s\"\n", i, what, (int)got.len,
			got.p != NULL ? got.p : "", want);
	}
}

static void test_received_table(void)
{
	mv_arena *a = mv_arena_new(0);
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct mv_received r;

		CHECK_INT(mv_received_parse(a, mv_str_cstr(cases[i].in), &r), 0);
		check_field(i, "from", r.from, cases[i].want[0]);
		check_field(i, "helo", r.helo, cases[i].want[1]);
		check_field(i, "ip", r.ip, cases[i].want[2]);
		check_field(i, "by", r.by, cases[i].want[3]);
		check_field(i, "with", r.with, cases[i].want[4]);
		check_field(i, "id", r.id, cases[i].want[5]);
		check_field(i, "for", r.for_, cases[i].want[6]);
		test_checks++;
		if (r.date != cases[i].date || r.flags != cases[i].flags) {
			test_failures++;
			fprintf(stderr, "case %zu: date %lld flags %#x, want %lld %#x\n", i, (long long)r.date,
				r.flags, (long long)cases[i].date, cases[i].flags);
		}
	}
	mv_arena_free(&a);
}

static void test_received_date_raw(void)
{
	mv_arena *a = mv_arena_new(0);
	struct mv_received r;

	mv_received_parse(a, mv_str_cstr("by x.example; Tue, 18 Jun 2002 11:23:45 +0000 (UTC) \r\n"), &r);
	CHECK_STR(r.date_raw, "Tue, 18 Jun 2002 11:23:45 +0000 (UTC)");
	CHECK_INT(r.date, 1024399425);
	mv_received_parse(a, mv_str_cstr(""), &r);
	CHECK_INT(r.flags, MV_RCVD_BAD);
	CHECK_INT(r.date, 0);
	mv_arena_free(&a);
}

/*
 * A date of the common shape right after a ';' is the date only when no ';'
 * follows outside comments and nothing is left open; the fast reader must
 * give way to the general search everywhere else.
 */
static void test_received_date_fast_path(void)
{
	static const struct {
		const char *in;
		const char *date_raw;
		int64_t date;
		unsigned flags;
	} tails[] = {
		{ "by x; 18 Jun 2002 11:23:45 +0000 (a;b) (c) ", "18 Jun 2002 11:23:45 +0000 (a;b) (c)", 1024399425, 0 },
		{ "by x; 18 Jun 2002 11:23:45 GMT", "18 Jun 2002 11:23:45 GMT", 1024399425, 0 },
		{ "by x; Tue, 18 Jun 2002 11:23:45 +0000; Tue, 18 Jun 2002 12:23:45 +0000",
		  "Tue, 18 Jun 2002 12:23:45 +0000", 1024403025, MV_RCVD_BAD },
		{ "by x; 18 Jun 2002 11:23:45 +0000 (x; 18 Jun 2002 12:23:45 +0000",
		  "18 Jun 2002 11:23:45 +0000 (x; 18 Jun 2002 12:23:45 +0000", 1024399425, MV_RCVD_BAD },
		{ "by x; 18 Jun 2002 11:23:45 +0000 (a (b) c)", "18 Jun 2002 11:23:45 +0000 (a (b) c)", 1024399425, 0 },
		{ "by x; 18 Jun 2002 11:23:45 +0000 (open", "18 Jun 2002 11:23:45 +0000 (open", 1024399425, MV_RCVD_BAD },
		{ "by x; 18 Jun 2002 11:23:45 +0000 [x", "18 Jun 2002 11:23:45 +0000 [x", 1024399425, MV_RCVD_BAD },
		{ "by x; 18 Jun 2002 11:23:45 +0000 x; 19 Jun 2002 11:23:45 +0000", "19 Jun 2002 11:23:45 +0000",
		  1024485825, MV_RCVD_BAD },
		{ "by x; 31 Jun 2002 11:23:45 +0000", "31 Jun 2002 11:23:45 +0000", 0, MV_RCVD_BAD },
	};
	mv_arena *a = mv_arena_new(0);
	struct mv_received r;
	size_t i;

	for (i = 0; i < sizeof(tails) / sizeof(tails[0]); i++) {
		mv_received_parse(a, mv_str_cstr(tails[i].in), &r);
		test_checks++;
		if (!mv_str_eq(r.date_raw, tails[i].date_raw) || r.date != tails[i].date ||
		    r.flags != tails[i].flags) {
			test_failures++;
			fprintf(stderr, "case %zu: [%.*s] %lld %#x, want [%s] %lld %#x\n", i, (int)r.date_raw.len,
				r.date_raw.p, (long long)r.date, r.flags, tails[i].date_raw, (long long)tails[i].date,
				tails[i].flags);
		}
	}
	mv_arena_free(&a);
}

/* A note is found however far into a long comment it sits (there used to be a 512-byte cut). */
static void test_received_note_deep_in_comment(void)
{
	static const size_t pads[] = { 0, 100, 505, 600, 5000 };
	mv_arena *a = mv_arena_new(0);
	char field[6000];
	size_t i;

	for (i = 0; i < sizeof(pads) / sizeof(pads[0]); i++) {
		struct mv_received r;
		int n = snprintf(field, sizeof(field),
				 "from a.example (%*sauthenticated bits=0) by mx.example with ESMTP id 1; "
				 "Tue, 18 Jun 2002 11:23:45 +0000", (int)pads[i], "");

		CHECK(n > 0 && (size_t)n < sizeof(field));
		CHECK_INT(mv_received_parse(a, mv_str_make(field, (size_t)n), &r), 0);
		CHECK((r.flags & MV_RCVD_AUTH) != 0);
		if ((r.flags & MV_RCVD_AUTH) == 0)
			fprintf(stderr, "  note after %zu bytes of padding was missed\n", pads[i]);
	}
	mv_arena_free(&a);
}

/*
 * Notes are looked for 16 positions at a time: each note must be found at
 * every offset into its comment and whatever follows it, also at the very
 * end of the field; a note cut by the comment's end or after a NUL is not one.
 */
static void test_received_note_offsets(void)
{
	static const struct { const char *note; unsigned flag; } notes[] = {
		{ "using TLSv1.3", MV_RCVD_TLS }, { "USING SSL", MV_RCVD_TLS }, { "version=TLS1_2", MV_RCVD_TLS },
		{ "cipher=AES", MV_RCVD_TLS }, { "with cipher X", MV_RCVD_TLS },
		{ "No client certificate requested", MV_RCVD_TLS }, { "Authenticated sender: x", MV_RCVD_AUTH },
		{ "from userid 1000", MV_RCVD_LOCAL }, { "invoked by uid 7", MV_RCVD_LOCAL },
		{ "Invoked By Alias", MV_RCVD_LOCAL },
	};
	mv_arena *a = mv_arena_new(0);
	char field[256];
	size_t i, pad, tail;

	for (i = 0; i < sizeof(notes) / sizeof(notes[0]); i++) {
		for (pad = 0; pad <= 40; pad++) {
			for (tail = 0; tail <= 20; tail += 5) {
				struct mv_received r;
				int at_end, n;

				for (at_end = 0; at_end <= 1; at_end++) {
					n = snprintf(field, sizeof(field), "%sby mx.example (%*s%s%*s)%s",
						     at_end ? "" : "from a.example ", (int)pad, "", notes[i].note,
						     (int)tail, "", at_end ? "" : " with SMTP id 1; 18 Jun 2002 11:23:45 +0000");
					CHECK(n > 0 && (size_t)n < sizeof(field));
					mv_received_parse(a, mv_str_make(field, (size_t)n), &r);
					CHECK((r.flags & notes[i].flag) != 0);
					if ((r.flags & notes[i].flag) == 0)
						fprintf(stderr, "  \"%s\" missed in \"%s\"\n", notes[i].note, field);
				}
			}
		}
	}
	{
		static const char *const none[] = {
			"by mx (x authenticat) (ated) id 1; 18 Jun 2002 11:23:45 +0000",
			"by mx (abcdefghijklmnopqrstuvwx ciphe)r= id 1; 18 Jun 2002 11:23:45 +0000",
			"by mx (abcdefghijklmnop authenticated but not authenticated) id 1; 18 Jun 2002 11:23:45 +0000",
		};
		struct mv_received r;

		for (i = 0; i < sizeof(none) / sizeof(none[0]); i++) {
			mv_received_parse(a, mv_str_cstr(none[i]), &r);
			CHECK_INT(r.flags & (MV_RCVD_TLS | MV_RCVD_AUTH), 0);
		}
		/* The search stops at a NUL, as strstr() did. */
		mv_received_parse(a, mv_str_make("by mx (abcdefghijklmnopqr\0 using TLS) id 1", 43), &r);
		CHECK_INT(r.flags & MV_RCVD_TLS, 0);
		mv_received_parse(a, mv_str_make("by mx (abcdefghijklmnopqr using TLS \0) id 1", 43), &r);
		CHECK_INT(r.flags & MV_RCVD_TLS, MV_RCVD_TLS);
	}
	mv_arena_free(&a);
}

/* Keywords in any case, and the RFC 3848 protocol names. */
static void test_received_keywords_and_protocols(void)
{
	static const struct { const char *with; unsigned flags; } protos[] = {
		{ "ESMTP", 0 }, { "ESMTPS", MV_RCVD_TLS }, { "esmtpa", MV_RCVD_AUTH },
		{ "ESMTPSA", MV_RCVD_TLS | MV_RCVD_AUTH }, { "SMTPS", MV_RCVD_TLS }, { "LMTPA", MV_RCVD_AUTH },
		{ "UTF8ESMTPSA", MV_RCVD_TLS | MV_RCVD_AUTH }, { "utf8smtps", MV_RCVD_TLS }, { "UTF8LMTP", 0 },
		{ "HTTPS", MV_RCVD_TLS }, { "local", MV_RCVD_LOCAL }, { "ESMTPX", 0 }, { "ESMTPSAX", 0 },
		{ "utf8", 0 }, { "HTTP", 0 }, { "SMTPAS", 0 }, { "localhost", 0 },
	};
	mv_arena *a = mv_arena_new(0);
	struct mv_received r;
	char field[256];
	size_t i;

	mv_received_parse(a, mv_str_cstr("FROM a.example (b.example [192.0.2.1]) BY mx.example WITH ESMTP ID 7 "
					 "FoR <x@y.example> Envelope-FROM <z@y.example>; 18 Jun 2002 11:23:45 +0000"), &r);
	CHECK_STR(r.from, "b.example");
	CHECK_STR(r.helo, "a.example");
	CHECK_STR(r.ip, "192.0.2.1");
	CHECK_STR(r.by, "mx.example");
	CHECK_STR(r.id, "7");
	CHECK_STR(r.for_, "x@y.example");
	CHECK_INT(r.flags, 0);
	/* Words that only look like keywords are values. */
	mv_received_parse(a, mv_str_cstr("by bye id idx for fro (tls) with froM; 18 Jun 2002 11:23:45 +0000"), &r);
	CHECK_STR(r.by, "bye");
	CHECK_STR(r.id, "idx");
	CHECK_STR(r.for_, "fro");
	CHECK_STR(r.with, "froM");
	CHECK_INT(r.flags, MV_RCVD_TLS);
	mv_received_parse(a, mv_str_cstr("by mx id 1 for4 x; 18 Jun 2002 11:23:45 +0000"), &r);
	CHECK_INT(r.flags, MV_RCVD_BAD);
	/* Where a keyword is expected, a short word may still open a quoted span. */
	mv_received_parse(a, mv_str_cstr("from a.example [192.0.2.1 x] by mx; 18 Jun 2002 11:23:45 +0000"), &r);
	CHECK_STR(r.ip, "192.0.2.1 x");
	CHECK_INT(r.flags, 0);
	mv_received_parse(a, mv_str_cstr("by mx id 1 f\"o r\" x; 18 Jun 2002 11:23:45 +0000"), &r);
	CHECK_INT(r.flags, MV_RCVD_BAD);
	CHECK_INT(r.date, 1024399425);
	for (i = 0; i < sizeof(protos) / sizeof(protos[0]); i++) {
		int n = snprintf(field, sizeof(field), "by mx.example with %s id 1; 18 Jun 2002 11:23:45 +0000",
				 protos[i].with);

		mv_received_parse(a, mv_str_make(field, (size_t)n), &r);
		CHECK_INT(r.flags, protos[i].flags);
	}
	mv_arena_free(&a);
}

/* Quoted spans in words ("<...>", "[...]", "\"...\"") of any length, with a backslash anywhere. */
static void test_received_quoted_spans(void)
{
	mv_arena *a = mv_arena_new(0);
	char field[256], want[128];
	size_t pad;

	for (pad = 0; pad <= 40; pad++) {
		struct mv_received r;
		int n;

		/* "<xxx\> y>": the escaped '>' and the space do not end the span */
		n = snprintf(field, sizeof(field), "by mx id 1 for <%*s\\> y>; 18 Jun 2002 11:23:45 +0000", (int)pad, "");
		snprintf(want, sizeof(want), "%*s\\> y", (int)pad, "");
		mv_received_parse(a, mv_str_make(field, (size_t)n), &r);
		CHECK_STR(r.for_, want);
		CHECK_INT(r.flags, 0);
		/* a plain span: "[IPv6:...]" of growing length */
		n = snprintf(field, sizeof(field), "from h [IPv6:%.*s] by mx; 18 Jun 2002 11:23:45 +0000", (int)pad,
			     "2001:db8:1:2:3:4:5:6:7:8:9:a:b:c:d:e:f:1:2:3:4:5");
		snprintf(want, sizeof(want), "%.*s", (int)pad, "2001:db8:1:2:3:4:5:6:7:8:9:a:b:c:d:e:f:1:2:3:4:5");
		mv_received_parse(a, mv_str_make(field, (size_t)n), &r);
		CHECK_STR(r.ip, want);
	}
	{
		/* Address literals, short (one 16-byte look) and long. */
		static const char *const lits[][2] = {
			{ "[192.0.2.1]", "192.0.2.1" }, { "[192.0.2.1:25]", "192.0.2.1" },
			{ "[192.0.2.1]:25", "192.0.2.1" }, { "[192.0.2.1:25:1]", "192.0.2.1:25:1" },
			{ "[1:2.3]", "1:2.3" }, { "[IPv6:::1]", "::1" }, { "[ipv6:2001:db8::1]", "2001:db8::1" },
			{ "[IPv6:2001:db8:0:0:0:0:0:1]", "2001:db8:0:0:0:0:0:1" }, { "[]", "" }, { "[", "" },
			{ "[203.0.113.255:2525]", "203.0.113.255" }, { "[10.0.0.1", "10.0.0.1" },
		};
		size_t i;

		for (i = 0; i < sizeof(lits) / sizeof(lits[0]); i++) {
			struct mv_received r;
			int n = snprintf(field, sizeof(field), "from h (r %s) by mx; 18 Jun 2002 11:23:45 +0000",
					 lits[i][0]);

			mv_received_parse(a, mv_str_make(field, (size_t)n), &r);
			CHECK_STR(r.ip, lits[i][1]);
		}
	}
	mv_arena_free(&a);
}

/* Every distinct Received field of the three corpora; prints the rate. */
static void test_received_corpus_rate(void)
{
	FILE *f = fopen("data/received/headers.tsv", "r");
	mv_arena *a = mv_arena_new(0);
	static char line[1 << 16];
	unsigned n = 0, bad = 0;

	CHECK(f != NULL);
	if (f == NULL)
		return;
	while (fgets(line, sizeof(line), f) != NULL) {
		char *v = strchr(line, '\t'), *r, *w;
		struct mv_received rc;

		if (v == NULL)
			continue;
		/* The file stores the folding as the two characters "\n". */
		for (r = w = ++v; *r != '\0' && *r != '\n'; r++) {
			if (r[0] == '\\' && r[1] == 'n') {
				*w++ = '\n';
				r++;
			} else {
				*w++ = *r;
			}
		}
		CHECK_INT(mv_received_parse(a, mv_str_make(v, (size_t)(w - v)), &rc), 0);
		n++;
		if (rc.flags & MV_RCVD_BAD)
			bad++;
		mv_arena_reset(a);
	}
	fclose(f);
	mv_arena_free(&a);
	printf("received corpus: %u fields, %u MV_RCVD_BAD, %.2f%% parsed in full\n", n, bad,
		100.0 * (n - bad) / (n != 0 ? n : 1));
	CHECK(n > 1500);
	CHECK((n - bad) * 100 >= n * 95);
}

static unsigned next_rand(unsigned *seed)
{
	*seed = *seed * 1103515245u + 12345u;
	return *seed >> 8;
}

/*
 * Every corpus field, and 40 mutations of each (a byte replaced, the text cut,
 * or a piece of Received syntax inserted): the reader of the common shape
 * either declines or agrees with the general parser on every field.
 */
static void test_received_common_matches_general(void)
{
	static const char *const pieces[] = { "(", ")", "[", "]", "<", ">", "\"", ";", "\\", " ", "\t",
		"\n", "=", "@", ":", ".", "from ", "by ", "with ", "id ", "for ", "via ", "tls ", "over ",
		"FROM ", "By ", " uid ", "envelope-from ", "(Exim 4.1) ", "exim ", "[1.2.3.4] ", "[IPv6:::1]",
		"1.2.3.4", "helo=x", "(HELO x) ", "ESMTPSA ", "Microsoft SMTPSVC ", "(using TLS) ", "(local) ",
		"(from u@h) ", "; 18 Jun 2002 11:23:45 +0000", "; Tue, 18 Jun 2002 11:23:45 -0700 (PDT)", "\0" };
	FILE *f = fopen("data/received/headers.tsv", "r");
	static char line[1 << 16], m[1 << 16];
	unsigned seed = 12345, r;

	CHECK(f != NULL);
	if (f == NULL)
		return;
	while (fgets(line, sizeof(line), f) != NULL) {
		char *v = strchr(line, '\t'), *rd, *w;
		size_t n;

		if (v == NULL)
			continue;
		for (rd = w = ++v; *rd != '\0' && *rd != '\n'; rd++) {
			if (rd[0] == '\\' && rd[1] == 'n') {
				*w++ = '\n';
				rd++;
			} else {
				*w++ = *rd;
			}
		}
		n = (size_t)(w - v);
		check_received_agrees(v, n);
		for (r = 0; r < 40 && n + 64 < sizeof(m); r++) {
			size_t len = n, pos = next_rand(&seed) % (n + 1);
			const char *piece = pieces[next_rand(&seed) % (sizeof(pieces) / sizeof(pieces[0]))];
			size_t pl = piece[0] != '\0' ? strlen(piece) : 1;

			memcpy(m, v, n);
			switch (next_rand(&seed) % 4) {
			case 0:
				if (n != 0)
					m[next_rand(&seed) % n] = piece[0];
				break;
			case 1:
				len = pos;
				break;
			default:
				memmove(m + pos + pl, m + pos, n - pos);
				memcpy(m + pos, piece, pl);
				len += pl;
				break;
			}
			check_received_agrees(m, len);
		}
	}
	fclose(f);
}

static void test_received_pathological_fast(void)
{
	static const char *const units[] = { "from ", "(", "[", "; ", "a ", "(a [1.2.3.4]) ", "with x " };
	size_t size = 3u << 20, u, i;
	char *big = malloc(size);
	mv_arena *a = mv_arena_new(0);

	for (u = 0; u < sizeof(units) / sizeof(units[0]); u++) {
		size_t ul = strlen(units[u]);
		struct mv_received r;
		clock_t t0 = clock();

		for (i = 0; i + ul <= size; i += ul)
			memcpy(big + i, units[u], ul);
		CHECK_INT(mv_received_parse(a, mv_str_make(big, i), &r), 0);
		CHECK((double)(clock() - t0) / CLOCKS_PER_SEC < time_bound(1.0));
	}
	/* Past RCVD_MAX_TOKENS words the rest is not read. */
	{
		struct mv_received r;

		for (i = 0; i + 2 <= 2000; i += 2)
			memcpy(big + i, "x ", 2);
		memcpy(big + i, "; 18 Jun 2002 11:23:45 +0000", 28);
		mv_received_parse(a, mv_str_make(big, i + 28), &r);
		CHECK(r.flags & MV_RCVD_BAD);
		CHECK_INT(r.date, 1024399425);
	}
	mv_arena_free(&a);
	free(big);
}

int main(void)
{
	RUN(test_received_table);
	RUN(test_received_date_raw);
	RUN(test_received_date_fast_path);
	RUN(test_received_note_deep_in_comment);
	RUN(test_received_note_offsets);
	RUN(test_received_keywords_and_protocols);
	RUN(test_received_quoted_spans);
	RUN(test_received_corpus_rate);
	RUN(test_received_common_matches_general);
	RUN(test_received_pathological_fast);
	return test_summary();
}
