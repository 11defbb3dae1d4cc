/**
 * Catalogue benchmark: 100 institutions x 200 components (20,000 entries) loaded through
 * the batch route of a local exchange, then p50/p99 latency over HTTP and DynamoDB read
 * capacity per page of representative searches, and the time and capacity of one
 * 500-item batch import.
 *
 * Capacity is what DynamoDB (Local) reports: a middleware on the store's client asks for
 * `ReturnConsumedCapacity: 'INDEXES'` on every command and adds up the `ConsumedCapacity`
 * of the answers sent while one HTTP request is served (requests run one at a time).
 * Reads are GetItem, BatchGetItem and Query; writes are TransactWriteItems.
 *
 * `pnpm bench catalogue` runs this section alone (about three minutes on two cores, most
 * of it loading); CX_BENCH_INSTITUTIONS=5 makes a quick, smaller run.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { seededRandom } from '@cx/domain';
import { startLocalExchange, type LocalExchange } from '@cx/local';
import { percentile, printTable } from './report.js';

export const name = 'catalogue';
export const description = '20,000 components over 100 institutions: search latency and RCU per page, a 500-item batch import';

/** 100 as the issue asks; CX_BENCH_INSTITUTIONS makes a smaller run. */
const INSTITUTIONS = Number(process.env.CX_BENCH_INSTITUTIONS ?? 100);
const COMPONENTS_PER_INSTITUTION = 200;
/** Batches imported at once while loading (each batch writes 16 items at a time). */
const LOAD_CONCURRENCY = 3;
const PAGE_SIZE = 20;

// ---- deterministic data -------------------------------------------------------------

const FIELDS = [
  '0613', '0613', '0613', '0612', '0611', '0619', '0688', '0541', '0542', '0533', '0531', '0532', '0511', '0512', '0521',
  '0311', '0312', '0313', '0314', '0321', '0411', '0412', '0413', '0414', '0421', '0231', '0232', '0222', '0223', '0211',
  '0213', '0215', '0711', '0713', '0714', '0715', '0732', '0912', '0913', '0923', '1015', '1041', '0111', '0114', '0188',
];
const LEVELS = [4, 5, 5, 6, 6, 6, 6, 7, 7, 7, 8];
const LANGUAGES = ['en', 'en', 'en', 'nl', 'de', 'fr', 'es', 'it', 'pl', 'pt', 'sv', 'fi', 'cs', 'hu', 'el', 'ro'];
const PARTICIPATION = ['online', 'onsite', 'blended'];
const ASSESSMENTS = ['written-exam', 'oral-exam', 'project', 'portfolio', 'practical', 'continuous', 'other'];
const SUPERVISION = ['unsupervised', 'supervised', 'supervised-id-check'];
/** Subject words: each entry uses a handful, so one word matches a few percent of the catalogue. */
const TOPICS = (
  'algorithms analytics architecture bioinformatics blockchain chemistry climate cloud compilers cryptography databases ' +
  'demography ecology econometrics electronics energy entrepreneurship ethics finance forensics genetics geology ' +
  'governance graphics hydrology immunology journalism linguistics logistics marketing materials mechanics microbiology ' +
  'migration networks neuroscience nutrition oceanography optics philosophy photonics planning policy psychology ' +
  'python robotics semantics sociology statistics sustainability taxation thermodynamics tourism typography urbanism ' +
  'virology visualisation welding'
).split(' ');
/** Words that occur in about one entry in a thousand. */
const RARE = ['quasicrystal', 'palaeography', 'glaciology', 'cartolamination', 'hydroacoustics', 'ethnobotany'];
const VERBS = ['Explain', 'Apply', 'Analyse', 'Design', 'Evaluate', 'Implement', 'Compare', 'Model', 'Critique', 'Present'];
const FILLER = 'students work on case studies in small groups with weekly feedback from staff and peers and a final reflection'.split(' ');

function componentItem(random: () => number, institution: number, index: number) {
  const pick = <T>(list: readonly T[]) => list[Math.floor(random() * list.length)]!;
  const topics = [pick(TOPICS), pick(TOPICS), pick(TOPICS)];
  const rare = random() < 0.001 ? ` ${pick(RARE)}` : '';
  const languages = [...new Set([pick(LANGUAGES), ...(random() < 0.4 ? [pick(LANGUAGES)] : []), ...(random() < 0.15 ? [pick(LANGUAGES)] : [])])];
  const sentence = (n: number) => Array.from({ length: n }, () => pick(FILLER)).join(' ');
  return {
    code: `I${institution}-C${String(index).padStart(3, '0')}`,
    title: `${topics[0]![0]!.toUpperCase()}${topics[0]!.slice(1)} and ${topics[1]} ${index}`,
    description: `An introduction to ${topics[0]} for ${topics[2]}: ${sentence(12)}.${rare} ${sentence(10)}.`,
    learningOutcomes: Array.from({ length: 2 + Math.floor(random() * 4) }, (_, i) => `${pick(VERBS)} ${topics[i % 3]} ${sentence(6)}`),
    ects: (1 + Math.floor(random() * 20)) * 0.5 * (random() < 0.2 ? 3 : 1),
    eqfLevel: pick(LEVELS),
    iscedField: pick(FIELDS),
    languages,
    assessment: { type: pick(ASSESSMENTS), supervision: pick(SUPERVISION) },
    participation: pick(PARTICIPATION),
    qualityAssurance: `Internal quality assurance of institution ${institution}, externally accredited programme`,
    ...(random() < 0.3 ? { prerequisites: `Basic ${pick(TOPICS)}` } : {}),
    ...(random() < 0.5 ? { url: `https://inst-${institution}.example.edu/courses/${index}` } : {}),
  };
}

// ---- capacity accounting -------------------------------------------------------------

interface Capacity {
  read: number;
  write: number;
  /** Of `write`, the units spent on index entries (the head item is projected into three GSIs). */
  writeIndexes: number;
}

const READS = new Set(['GetItemCommand', 'BatchGetItemCommand', 'QueryCommand']);
const WRITES = new Set(['TransactWriteItemsCommand', 'PutItemCommand', 'UpdateItemCommand', 'DeleteItemCommand', 'BatchWriteItemCommand']);

/** Asks DynamoDB for the capacity of every command the store sends and adds it to `current`. */
function meterCapacity(exchange: LocalExchange): { current: Capacity; reset(): Capacity } {
  const meter = {
    current: { read: 0, write: 0, writeIndexes: 0 },
    reset() {
      const was = meter.current;
      meter.current = { read: 0, write: 0, writeIndexes: 0 };
      return was;
    },
  };
  exchange.deps.store.table.doc.middlewareStack.add(
    (next, context) => async (args) => {
      const command = context.commandName ?? '';
      const metered = READS.has(command) || WRITES.has(command);
      if (metered) (args.input as { ReturnConsumedCapacity?: string }).ReturnConsumedCapacity = 'INDEXES';
      const result = await next(args);
      if (metered) {
        type Consumed = { CapacityUnits?: number; GlobalSecondaryIndexes?: Record<string, { CapacityUnits?: number }> };
        const consumed = [(result.output as { ConsumedCapacity?: Consumed | Consumed[] }).ConsumedCapacity ?? []].flat();
        const units = consumed.reduce((sum, c) => sum + (c.CapacityUnits ?? 0), 0);
        const indexUnits = consumed.reduce((sum, c) => sum + Object.values(c.GlobalSecondaryIndexes ?? {}).reduce((s, i) => s + (i.CapacityUnits ?? 0), 0), 0);
        if (READS.has(command)) meter.current.read += units;
        else {
          meter.current.write += units;
          meter.current.writeIndexes += indexUnits;
        }
      }
      return result;
    },
    { step: 'initialize', name: 'benchConsumedCapacity' },
  );
  return meter;
}

// ---- measuring -------------------------------------------------------------------------

interface SearchRow {
  search: string;
  pages: number;
  p50: number;
  p99: number;
  itemsPerPage: number;
  rcuMean: number;
  rcuMax: number;
}

/**
 * Fetches the first pages of each query (following cursors up to `pagesPerQuery`), one
 * request at a time, and summarises latency, items and read capacity per page.
 */
async function measureSearch(
  label: string,
  base: string,
  meter: ReturnType<typeof meterCapacity>,
  queries: string[],
  pagesPerQuery: number,
): Promise<SearchRow> {
  const latencies: number[] = [];
  const rcus: number[] = [];
  let items = 0;
  for (const query of queries) {
    let cursor: string | undefined;
    for (let page = 0; page < pagesPerQuery; page++) {
      meter.reset();
      const started = performance.now();
      const response = await fetch(`${base}/v1/components?${query}&limit=${PAGE_SIZE}${cursor ? `&cursor=${cursor}` : ''}`);
      const body = (await response.json()) as { items: unknown[]; nextCursor?: string };
      latencies.push(performance.now() - started);
      if (response.status !== 200) throw new Error(`search ${query} answered ${response.status}: ${JSON.stringify(body)}`);
      rcus.push(meter.reset().read);
      items += body.items.length;
      cursor = body.nextCursor;
      if (!cursor) break;
    }
  }
  return {
    search: label,
    pages: latencies.length,
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    itemsPerPage: items / latencies.length,
    rcuMean: rcus.reduce((a, b) => a + b, 0) / rcus.length,
    rcuMax: Math.max(...rcus),
  };
}

async function post(url: string, key: string, body: unknown): Promise<Response> {
  return fetch(url, { method: 'POST', headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
}

async function importBatch(base: string, institution: string, key: string, items: unknown[]): Promise<{ created: number; updated: number; unchanged: number; invalid: number; failed: number }> {
  const response = await post(`${base}/v1/institutions/${institution}/components:batch`, key, { items });
  const body = (await response.json()) as { summary: { created: number; updated: number; unchanged: number; invalid: number; failed: number } };
  if (response.status !== 200) throw new Error(`batch for ${institution} answered ${response.status}: ${JSON.stringify(body)}`);
  return body.summary;
}

const fmt = (n: number, digits = 1) => n.toFixed(digits);

export async function run(): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'cx-bench-catalogue-'));
  const exchange = await startLocalExchange({ port: 0, dataDir, inMemory: true, tableName: 'bench-catalogue' });
  try {
    // the server listens on IPv4; `localhost` may be tried as ::1 first
    const base = `http://127.0.0.1:${exchange.port}`;
    const adminKey = exchange.generatedAdminKey!;
    const meter = meterCapacity(exchange);
    const random = seededRandom(20_000);

    // -- load: onboard, then import each catalogue in one batch of 200
    const loadStarted = performance.now();
    const keys: string[] = [];
    for (let i = 0; i < INSTITUTIONS; i++) {
      const response = await post(`${base}/v1/institutions`, adminKey, { id: `inst-${i}`, name: `Institution ${i}`, country: 'NL', homepage: `https://inst-${i}.example.edu` });
      if (response.status !== 201) throw new Error(`onboarding inst-${i} answered ${response.status}: ${await response.text()}`);
      keys.push(((await response.json()) as { apiKey: string }).apiKey);
    }
    const catalogues = keys.map((_, i) => Array.from({ length: COMPONENTS_PER_INSTITUTION }, (_, j) => componentItem(random, i, j)));
    let next = 0;
    let loaded = 0;
    const loader = async () => {
      for (let i = next++; i < INSTITUTIONS; i = next++) {
        const summary = await importBatch(base, `inst-${i}`, keys[i]!, catalogues[i]!);
        if (summary.created !== COMPONENTS_PER_INSTITUTION) throw new Error(`inst-${i}: ${JSON.stringify(summary)}`);
        loaded += summary.created;
      }
    };
    await Promise.all(Array.from({ length: LOAD_CONCURRENCY }, loader));
    const loadSeconds = (performance.now() - loadStarted) / 1000;
    meter.reset();
    console.log(`catalogue: loaded ${loaded} components of ${INSTITUTIONS} institutions in ${fmt(loadSeconds)} s (${fmt(loaded / loadSeconds, 0)} entries/s)`);

    // -- warm-up (JIT, connections, the engine's first queries), not measured
    for (const query of ['field=0613', 'field=0613&eqfLevel=6&language=en', 'q=python', 'q=glaciology'].flatMap((q) => Array(5).fill(q) as string[])) {
      await fetch(`${base}/v1/components?${query}&limit=${PAGE_SIZE}`).then((r) => r.text());
    }

    // -- searches: first pages and a few following ones, varied parameters, one request at a time
    const detailed = [...new Set(FIELDS)];
    const pickFrom = seededRandom(7);
    const some = <T>(list: T[], n: number) => Array.from({ length: n }, () => list[Math.floor(pickFrom() * list.length)]!);
    const rows: SearchRow[] = [];
    rows.push(await measureSearch('field (4-digit ISCED)', base, meter, some(detailed, 40).map((f) => `field=${f}`), 3));
    rows.push(
      await measureSearch(
        'field + eqfLevel + language',
        base,
        meter,
        some(detailed, 40).map((f, i) => `field=${f}&eqfLevel=${[5, 6, 7][i % 3]}&language=${['en', 'nl', 'de', 'fr'][i % 4]}`),
        3,
      ),
    );
    rows.push(await measureSearch('q (one subject word)', base, meter, some(TOPICS, 40).map((w) => `q=${w}`), 3));
    rows.push(await measureSearch('q (a rare word, ~0.1%)', base, meter, RARE.map((w) => `q=${w}`), 10));
    rows.push(await measureSearch('field (2-digit) + q', base, meter, some(TOPICS, 20).map((w, i) => `field=${['06', '05', '03', '04'][i % 4]}&q=${w}`), 3));

    // -- one 500-item batch import of new components, then the same request again
    const newItems = Array.from({ length: 500 }, (_, j) => ({ ...componentItem(random, 0, 1000 + j) }));
    meter.reset();
    let started = performance.now();
    const created = await importBatch(base, 'inst-0', keys[0]!, newItems);
    const importMs = performance.now() - started;
    const importCapacity = meter.reset();
    started = performance.now();
    const unchanged = await importBatch(base, 'inst-0', keys[0]!, newItems);
    const retryMs = performance.now() - started;
    const retryCapacity = meter.reset();
    if (created.created !== 500 || unchanged.unchanged !== 500) throw new Error(`batch import: ${JSON.stringify({ created, unchanged })}`);

    console.log(`\nSearches over ${loaded} components (limit ${PAGE_SIZE}; latency over HTTP to the local exchange, DynamoDB Local in memory)`);
    printTable(
      ['search', 'pages', 'p50 ms', 'p99 ms', 'items/page', 'RCU/page mean', 'RCU/page max'],
      rows.map((r) => [r.search, String(r.pages), fmt(r.p50), fmt(r.p99), fmt(r.itemsPerPage), fmt(r.rcuMean), fmt(r.rcuMax)]),
    );
    console.log('\nBatch import of 500 new components (one request)');
    printTable(
      ['import', 'time ms', 'WCU', 'of which GSIs', 'WCU/item', 'RCU'],
      [
        ['500 new items', fmt(importMs, 0), fmt(importCapacity.write), fmt(importCapacity.writeIndexes), fmt(importCapacity.write / 500, 2), fmt(importCapacity.read)],
        ['same request again (unchanged)', fmt(retryMs, 0), fmt(retryCapacity.write), fmt(retryCapacity.writeIndexes), fmt(retryCapacity.write / 500, 2), fmt(retryCapacity.read)],
      ],
    );
    console.log(
      '\nCapacity units as DynamoDB Local reports them (ReturnConsumedCapacity INDEXES), summed over the commands of each request. ' +
        'A Query pays for every item it evaluates, filtered out or not (4 KB units, halved as searches read eventually consistent); ' +
        'a write pays for the head, the version and the audit record (transactional, so twice) and for the head in three GSIs. ' +
        'The RCU of an import are the consistent reads of each head (and the caller\'s API key) before writing.',
    );
  } finally {
    await exchange.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}
