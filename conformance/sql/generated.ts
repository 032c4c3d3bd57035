/**
 * The seeded random query generator: a case source for the differential SQL runner
 * (run-cases.ts) beside the hand-written case files. Each seed gives one case,
 * `generated/seed-<n>.sql`: a small schema — NULLs, duplicate values, mixed-case strings — and
 * SELECTs over it (filters, joins of every kind, GROUP BY with aggregates and HAVING, DISTINCT,
 * subqueries of every kind, derived tables, CTEs, UNION, ORDER BY / LIMIT), each run on the
 * reference and on Borealis and compared like any case statement.
 *
 * Each query is built so that MySQL 8 and MariaDB must agree on it:
 *   - results compare in order only when ORDER BY is a total order (it ends with the rows' keys,
 *     or covers every column of an already-distinct result), else as multisets;
 *   - wherever equal-but-different strings collapse ('ab' = 'AB' under a case-insensitive
 *     collation: GROUP BY, DISTINCT, UNION, MIN / MAX), the strings are LOWER()ed first, so the
 *     servers cannot pick different representatives;
 *   - the select lists hold columns, arithmetic and aggregates, never bare literals or
 *     predicates, whose column types the two servers report differently (known-differences);
 *   - strings are ASCII without trailing spaces (PAD SPACE and accents are collation matters).
 *
 * SEED=n runs only seed n (replay), SEED=a-b seeds a to b; the default list is GENERATED_SEEDS.
 *
 * Invariant (G1): the same seed always gives the same statements (generated.test.ts).
 */
import type { CaseFile, CaseStatement } from './case-file.js';

/** The seeds of a default run: 20 × 66 statements (6 of setup, 60 queries). */
export const GENERATED_SEEDS: readonly number[] = Array.from({ length: 20 }, (_, i) => i + 1);
export const QUERIES_PER_SEED = 60;

/** mulberry32: small, seeded, the same on every platform. */
class Random {
  private state: number;
  constructor(seed: number) {
    this.state = seed >>> 0;
  }
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  }
  int(n: number): number {
    return Math.floor(this.next() * n);
  }
  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)] as T;
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
}

const STRINGS = ['ab', 'AB', 'Ab', 'b', 'B', 'abc', 'x', 'X', 'q'];
const LIKE_PATTERNS = ['a%', '%b', 'A_', '%'];

/** Words of SQL joined by spaces. */
function words(...parts: readonly (string | number)[]): string {
  return parts.join(' ');
}

function select(what: string, from: string, where: string): string {
  return `SELECT ${what} FROM ${from} WHERE ${where}`;
}

interface Table {
  readonly name: string;
  readonly key: string;
  /** Integer columns (safe anywhere), decimal columns, string columns. */
  readonly ints: readonly string[];
  readonly decimals: readonly string[];
  readonly strings: readonly string[];
}

const G1: Table = {
  name: 'g1',
  key: 'id',
  ints: ['id', 'a', 'd'],
  decimals: ['c'],
  strings: ['b'],
};
const G2: Table = {
  name: 'g2',
  key: 'id',
  ints: ['id', 'g1_id', 'n'],
  decimals: [],
  strings: ['s'],
};
const G3: Table = { name: 'g3', key: 'k', ints: ['v'], decimals: [], strings: ['k', 'w'] };
const TABLES = [G1, G2, G3];

/** One table as a query uses it: the table and its alias. */
interface Ref {
  readonly table: Table;
  readonly alias: string;
}

function schema(r: Random): string[] {
  const out = [
    'CREATE TABLE g1 (id INT PRIMARY KEY, a INT, b VARCHAR(8), c DECIMAL(6,2), d INT NOT NULL)',
    'CREATE TABLE g2 (id INT PRIMARY KEY, g1_id INT, s VARCHAR(8), n INT, KEY g2_g1 (g1_id))',
    'CREATE TABLE g3 (k VARCHAR(8) PRIMARY KEY, v INT, w VARCHAR(8))',
  ];
  const maybe = (v: string): string => (r.chance(0.15) ? 'NULL' : v);
  const g1: string[] = [];
  for (let id = 1; id <= 14; id++) {
    const c = `${r.int(50)}.${String(r.int(100)).padStart(2, '0')}`;
    g1.push(
      `(${[id, maybe(String(r.int(6))), maybe(`'${r.pick(STRINGS)}'`), maybe(c), r.int(4)]
        .join(', ')})`,
    );
  }
  out.push(`INSERT INTO g1 VALUES ${g1.join(', ')}`);
  const g2: string[] = [];
  for (let id = 1; id <= 18; id++) {
    g2.push(
      `(${[
        id,
        maybe(String(1 + r.int(16))),
        maybe(`'${r.pick(STRINGS)}'`),
        maybe(String(r.int(7))),
      ].join(', ')})`,
    );
  }
  out.push(`INSERT INTO g2 VALUES ${g2.join(', ')}`);
  const keys = ['k1', 'K2', 'k3', 'Kb', 'kc', 'KD', 'ke', 'x', 'ab'];
  out.push(
    `INSERT INTO g3 VALUES ${keys
      .map((k) => `('${k}', ${maybe(String(r.int(6)))}, ${maybe(`'${r.pick(STRINGS)}'`)})`)
      .join(', ')}`,
  );
  return out;
}

class QueryGenerator {
  private aliasCount = 0;

  constructor(private readonly r: Random) {}

  private ref(table: Table): Ref {
    return { table, alias: `t${++this.aliasCount}` };
  }

  private named(ref: Ref): string {
    return `${ref.table.name} ${ref.alias}`;
  }

  private stringColumn(ref: Ref): string {
    return `${ref.alias}.${this.r.pick(ref.table.strings)}`;
  }

  private inList(): string {
    const r = this.r;
    return `${r.int(5)}, ${r.int(5)}, ${r.pick(['NULL', String(r.int(9))])}`;
  }

  private intColumn(ref: Ref): string {
    return `${ref.alias}.${this.r.pick(ref.table.ints)}`;
  }

  private anyColumn(ref: Ref): string {
    const { table } = ref;
    const all = [...table.ints, ...table.decimals, ...table.strings];
    return `${ref.alias}.${this.r.pick(all)}`;
  }

  /** A condition over `refs` (and, for correlated subqueries, `outer`). */
  predicate(refs: readonly Ref[], depth = 0): string {
    const r = this.r;
    const ref = r.pick(refs);
    const choice = r.int(depth > 1 ? 8 : 12);
    switch (choice) {
      case 0:
      case 1:
        return `${this.intColumn(ref)} ${r.pick(['=', '<>', '<', '<=', '>', '>='])} ${r.int(7)}`;
      case 2:
        return `${this.intColumn(ref)} ${r.pick(['=', '<', '>='])} ${this.intColumn(r.pick(refs))}`;
      case 3:
        return `${this.anyColumn(ref)} IS ${r.pick(['', 'NOT '])}NULL`;
      case 4:
        return `${this.intColumn(ref)} ${r.pick(['', 'NOT '])}BETWEEN ${r.int(3)} AND ${
          2 + r.int(4)
        }`;
      case 5:
        return `${this.intColumn(ref)} ${r.pick(['', 'NOT '])}IN (${this.inList()})`;
      case 6:
        if (ref.table.strings.length === 0) return this.predicate(refs, depth);
        return words(
          this.stringColumn(ref),
          r.pick(['=', '<>', '<', '>=']),
          `'${r.pick(STRINGS)}'`,
        );
      case 7:
        if (ref.table.strings.length === 0) return this.predicate(refs, depth);
        return `${this.stringColumn(ref)} ${r.pick(['', 'NOT '])}LIKE '${r.pick(LIKE_PATTERNS)}'`;
      case 8:
        return `(${words(
          this.predicate(refs, depth + 1),
          r.pick(['AND', 'OR']),
          this.predicate(refs, depth + 1),
        )})`;
      case 9:
        return `NOT (${this.predicate(refs, depth + 1)})`;
      case 10:
        return this.subqueryPredicate(refs, depth);
      default:
        return `${this.intColumn(ref)} + ${r.int(3)} > ${this.intColumn(r.pick(refs))}`;
    }
  }

  private subqueryPredicate(refs: readonly Ref[], depth: number): string {
    const r = this.r;
    const outer = r.pick(refs);
    const inner = this.ref(r.pick(TABLES));
    const innerCol = this.intColumn(inner);
    const correlate = r.chance(0.5)
      ? ` AND ${innerCol} ${r.pick(['=', '<', '>'])} ${this.intColumn(outer)}`
      : '';
    const where = `${this.predicate([inner], depth + 2)}${correlate}`;
    const from = `${inner.table.name} ${inner.alias}`;
    switch (r.int(5)) {
      case 0:
        return `${this.intColumn(outer)} ${r.pick(['', 'NOT '])}IN (${select(
          innerCol,
          from,
          where,
        )})`;
      case 1:
        return `${r.pick(['', 'NOT '])}EXISTS (SELECT 1 FROM ${from} WHERE ${where})`;
      case 2:
        return words(
          this.intColumn(outer),
          r.pick(['>', '<=', '=']),
          `(${select(`${r.pick(['MIN', 'MAX', 'COUNT'])}(${innerCol})`, from, where)})`,
        );
      case 3:
        return words(
          this.intColumn(outer),
          r.pick(['>', '<', '=']),
          r.pick(['ANY', 'ALL']),
          `(${select(innerCol, from, where)})`,
        );
      default:
        return words(
          `(${this.intColumn(outer)}, ${this.intColumn(outer)})`,
          `IN (SELECT ${innerCol}, ${this.intColumn(inner)} FROM ${from})`,
        );
    }
  }

  /** FROM with 1–3 tables joined; the refs in join order. */
  private from(): { sql: string; refs: Ref[] } {
    const r = this.r;
    const first = this.ref(r.pick(TABLES));
    let sql = `${first.table.name} ${first.alias}`;
    const refs = [first];
    const joins = r.int(3);
    for (let i = 0; i < joins; i++) {
      const next = this.ref(r.pick(TABLES));
      // A comma binds looser than JOIN, so later ON clauses could not see the tables before it.
      const last = i === joins - 1;
      const kind = r.pick([
        'JOIN',
        'LEFT JOIN',
        'RIGHT JOIN',
        'JOIN',
        'LEFT JOIN',
        'CROSS JOIN',
        last ? ',' : 'JOIN',
      ]);
      const prev = r.pick(refs);
      const on = `${this.intColumn(next)} ${r.pick(['=', '=', '=', '<'])} ${this.intColumn(prev)}`;
      const extra = r.chance(0.3) ? ` AND ${this.predicate([next, prev], 2)}` : '';
      if (kind === 'CROSS JOIN' || kind === ',')
        sql += `${kind === ',' ? ',' : ` ${kind}`} ${next.table.name} ${next.alias}`;
      else sql += ` ${kind} ${next.table.name} ${next.alias} ON ${on}${extra}`;
      refs.push(next);
    }
    return { sql, refs };
  }

  /** ORDER BY every ref's key: a total order over joined rows. */
  private keyOrder(refs: readonly Ref[]): string {
    return refs
      .map((ref) => `${ref.alias}.${ref.table.key}${this.r.chance(0.3) ? ' DESC' : ''}`)
      .join(', ');
  }

  plain(): { sql: string; ordered: boolean } {
    const r = this.r;
    const { sql: from, refs } = this.from();
    const cols = Array.from({ length: 1 + r.int(3) }, () => {
      const ref = r.pick(refs);
      return r.chance(0.2) ? `${this.intColumn(ref)} * 2 + ${r.int(3)}` : this.anyColumn(ref);
    });
    const where = r.chance(0.8) ? ` WHERE ${this.predicate(refs)}` : '';
    if (r.chance(0.6)) {
      const limit = r.chance(0.4)
        ? ` LIMIT ${r.int(6)}${r.chance(0.3) ? ` OFFSET ${r.int(4)}` : ''}`
        : '';
      return {
        sql: `SELECT ${cols.join(', ')} FROM ${from}${where} ORDER BY ${this.keyOrder(refs)}${
          limit
        }`,
        ordered: true,
      };
    }
    return { sql: `SELECT ${cols.join(', ')} FROM ${from}${where}`, ordered: false };
  }

  /** A grouping expression (strings LOWER()ed) of `refs`. */
  private groupExpr(ref: Ref): string {
    const r = this.r;
    if (ref.table.strings.length > 0 && r.chance(0.3)) {
      return `LOWER(${ref.alias}.${r.pick(ref.table.strings)})`;
    }
    return this.intColumn(ref);
  }

  private aggregate(refs: readonly Ref[]): string {
    const r = this.r;
    const ref = r.pick(refs);
    switch (r.int(8)) {
      case 0:
        return 'COUNT(*)';
      case 1:
        return `COUNT(${this.anyColumn(ref)})`;
      case 2:
        return `SUM(${this.intColumn(ref)})`;
      case 3:
        return `MIN(${this.intColumn(ref)})`;
      case 4:
        return `MAX(${this.intColumn(ref)})`;
      case 5:
        return `AVG(${this.intColumn(ref)})`;
      case 6:
        return `COUNT(DISTINCT ${this.intColumn(ref)})`;
      default:
        return ref.table.decimals.length > 0
          ? `SUM(${ref.alias}.c)`
          : `MAX(LOWER(${this.anyColumn(ref)}))`;
    }
  }

  /** GROUP BY with aggregates; `aliased`: every item named c0, c1, … (for derived tables). */
  grouped(aliased = false): { sql: string; ordered: boolean } {
    const r = this.r;
    const { sql: from, refs } = this.from();
    const keys = [
      ...new Set(Array.from({ length: 1 + r.int(2) }, () => this.groupExpr(r.pick(refs)))),
    ];
    const aggs = [...new Set(Array.from({ length: 1 + r.int(3) }, () => this.aggregate(refs)))];
    const where = r.chance(0.6) ? ` WHERE ${this.predicate(refs)}` : '';
    const having = r.chance(0.3)
      ? ` HAVING ${this.aggregate(refs)} ${r.pick(['>', '<=', '='])} ${r.int(4)}`
      : '';
    const scalar = r.chance(0.15);
    const items = (list: readonly string[]): string =>
      list.map((e, i) => (aliased ? `${e} AS c${i}` : e)).join(', ');
    if (scalar) return { sql: `SELECT ${items(aggs)} FROM ${from}${where}`, ordered: false };
    const select =
      `SELECT ${items([...keys, ...aggs])} FROM ${from}${where} ` +
      `GROUP BY ${keys.join(', ')}${having}`;
    if (!aliased && r.chance(0.5))
      return { sql: `${select} ORDER BY ${keys.join(', ')}`, ordered: true };
    return { sql: select, ordered: false };
  }

  distinct(): { sql: string; ordered: boolean } {
    const r = this.r;
    const { sql: from, refs } = this.from();
    const cols = [
      ...new Set(Array.from({ length: 1 + r.int(2) }, () => this.groupExpr(r.pick(refs)))),
    ];
    const where = r.chance(0.7) ? ` WHERE ${this.predicate(refs)}` : '';
    const base = `SELECT DISTINCT ${cols.join(', ')} FROM ${from}${where}`;
    if (r.chance(0.5)) {
      const limit = r.chance(0.4) ? ` LIMIT ${1 + r.int(4)}` : '';
      return { sql: `${base} ORDER BY ${cols.join(', ')}${limit}`, ordered: true };
    }
    return { sql: base, ordered: false };
  }

  union(): { sql: string; ordered: boolean } {
    const r = this.r;
    const side = (): string => {
      const ref = this.ref(r.pick(TABLES));
      const col = r.pick(ref.table.ints.filter((c) => c !== 'id' || ref.table !== G3));
      return `SELECT ${ref.alias}.${col} AS u FROM ${this.named(ref)} WHERE ${this.predicate([
        ref,
      ])}`;
    };
    const op = r.pick(['UNION', 'UNION ALL', 'UNION DISTINCT']);
    const sql = `${side()} ${op} ${side()}`;
    if (r.chance(0.5))
      return { sql: `${sql} ORDER BY u${r.chance(0.5) ? ' DESC' : ''}`, ordered: true };
    return { sql, ordered: false };
  }

  derived(): { sql: string; ordered: boolean } {
    const r = this.r;
    const wrap = this.grouped(true).sql;
    if (!/GROUP BY/.test(wrap)) return { sql: `SELECT * FROM (${wrap}) AS x`, ordered: false };
    const kind = r.int(3);
    if (kind === 0) return { sql: `SELECT COUNT(*) FROM (${wrap}) AS x`, ordered: false };
    if (kind === 1) return { sql: `WITH x AS (${wrap}) SELECT * FROM x`, ordered: false };
    return { sql: `SELECT * FROM (${wrap}) AS x`, ordered: false };
  }

  correlatedSelect(): { sql: string; ordered: boolean } {
    const r = this.r;
    const outer = this.ref(r.pick(TABLES));
    const inner = this.ref(r.pick(TABLES));
    const agg = r.pick([
      'COUNT(*)',
      `MAX(${this.intColumn(inner)})`,
      `SUM(${this.intColumn(inner)})`,
    ]);
    const where = `${this.intColumn(inner)} = ${this.intColumn(outer)}`;
    const sub = `(${select(agg, this.named(inner), where)})`;
    const sql = `SELECT ${outer.alias}.${outer.table.key}, ${sub} AS m FROM ${this.named(outer)}`;
    return { sql: `${sql} ORDER BY ${outer.alias}.${outer.table.key}`, ordered: true };
  }

  /** GROUP BY … WITH ROLLUP (MariaDB refuses ORDER BY with it: compared as a multiset). */
  rollup(): { sql: string; ordered: boolean } {
    const r = this.r;
    const ref = this.ref(r.pick(TABLES));
    const keys = [...new Set([this.intColumn(ref), this.intColumn(ref)])];
    // MariaDB sums COUNT(DISTINCT) subtotals in super-aggregate rows (MySQL 8 counts): not here.
    let agg = this.aggregate([ref]);
    while (agg.includes('DISTINCT')) agg = this.aggregate([ref]);
    const where = r.chance(0.5) ? ` WHERE ${this.predicate([ref])}` : '';
    const from = `${ref.table.name} ${ref.alias}`;
    return {
      sql:
        `SELECT ${keys.join(', ')}, ${agg} FROM ${from}${where} GROUP BY ${keys.join(', ')} ` +
        'WITH ROLLUP',
      ordered: false,
    };
  }

  /** ORDER BY by alias, position and expression over a grouped or plain query. */
  orderForms(): { sql: string; ordered: boolean } {
    const r = this.r;
    const ref = this.ref(r.pick([G1, G2]));
    const from = `${ref.table.name} ${ref.alias}`;
    const col = this.intColumn(ref);
    if (r.chance(0.5)) {
      const sql =
        `SELECT ${col} AS g, COUNT(*) AS n, SUM(${ref.alias}.id) AS s FROM ${from} ` + 'GROUP BY g';
      return {
        sql: `${sql} ORDER BY ${r.pick(['n DESC, g', '2, 1', 's DESC, g', 'g DESC'])}`,
        ordered: true,
      };
    }
    const sql = `SELECT ${ref.alias}.id, ${col} * 3 AS x FROM ${from} WHERE ${this.predicate([
      ref,
    ])}`;
    return {
      sql: `${sql} ORDER BY ${r.pick(['x, 1', '-x, id', `${col} % 3, id`, '2 DESC, 1'])}`,
      ordered: true,
    };
  }

  /** INTERSECT / EXCEPT, and a UNION ordered and limited as a whole. */
  setOperations(): { sql: string; ordered: boolean } {
    const r = this.r;
    const side = (): string => {
      const ref = this.ref(r.pick([G1, G2]));
      const col = r.pick(['a', 'd', 'n', 'id'].filter((c) => ref.table.ints.includes(c)));
      return `SELECT ${ref.alias}.${col} AS u FROM ${this.named(ref)} WHERE ${this.predicate([
        ref,
      ])}`;
    };
    const op = r.pick(['INTERSECT', 'EXCEPT', 'UNION ALL', 'UNION']);
    return {
      sql: `${side()} ${op} ${side()} ORDER BY u LIMIT ${1 + r.int(5)}`,
      ordered: op !== 'UNION ALL',
    };
  }

  /** A CTE read twice, or a small recursive one. */
  cte(): { sql: string; ordered: boolean } {
    const r = this.r;
    if (r.chance(0.4)) {
      const limit = 2 + r.int(8);
      return {
        // The anchor is a column's MIN (an INT on both servers; a bare literal's type differs).
        sql:
          'WITH RECURSIVE seq (n) AS (SELECT MIN(id) FROM g1 UNION ALL ' +
          `SELECT n + 1 FROM seq WHERE n < ${limit}) ` +
          'SELECT s.n, COUNT(g1.id) AS c FROM seq s LEFT JOIN g1 ON g1.a = s.n GROUP BY s.n ' +
          'ORDER BY s.n',
        ordered: true,
      };
    }
    const ref = this.ref(r.pick([G1, G2]));
    const body =
      `SELECT ${ref.alias}.id AS i, ${this.intColumn(ref)} AS v FROM ${this.named(ref)} ` +
      `WHERE ${this.predicate([ref])}`;
    return {
      sql:
        `WITH c AS (${body}) SELECT x.i, y.i FROM c x JOIN c y ON x.v = y.v AND x.i < y.i ` +
        'ORDER BY x.i, y.i',
      ordered: true,
    };
  }

  /** A derived table joined to a table, with a LIMIT inside the derived table. */
  derivedJoin(): { sql: string; ordered: boolean } {
    const r = this.r;
    const ref = this.ref(r.pick([G1, G2]));
    const other = this.ref(G1);
    const limit = r.chance(0.5) ? ` ORDER BY ${ref.alias}.id LIMIT ${1 + r.int(8)}` : '';
    const column = this.intColumn(ref);
    const inner = `SELECT ${ref.alias}.id AS i, ${column} AS v FROM ${this.named(ref)}${limit}`;
    const join = r.pick(['JOIN', 'LEFT JOIN']);
    return {
      sql:
        `SELECT d.i, d.v, ${other.alias}.id FROM (${inner}) d ${join} g1 ${other.alias} ` +
        `ON ${other.alias}.${r.pick(['a', 'd', 'id'])} = d.v ORDER BY d.i, ${other.alias}.id`,
      ordered: true,
    };
  }

  /** GROUP_CONCAT of integers in a total order. */
  concat(): { sql: string; ordered: boolean } {
    const r = this.r;
    const ref = this.ref(r.pick([G1, G2]));
    const col = this.intColumn(ref);
    const key = `${ref.alias}.${ref.table === G1 ? 'd' : 'n'}`;
    const sep = r.pick([',', '|', ' - ']);
    const distinct = r.chance(0.3) ? 'DISTINCT ' : '';
    const order = distinct === '' ? `${col} DESC, ${ref.alias}.id` : `${col} DESC`;
    return {
      sql:
        `SELECT ${key}, GROUP_CONCAT(${distinct}${col} ORDER BY ${order} SEPARATOR '${sep}') ` +
        `FROM ${this.named(ref)} GROUP BY ${key} ORDER BY ${key}`,
      ordered: true,
    };
  }

  query(): { sql: string; ordered: boolean } {
    this.aliasCount = 0;
    const shapes = [
      () => this.plain(),
      () => this.plain(),
      () => this.plain(),
      () => this.grouped(),
      () => this.grouped(),
      () => this.distinct(),
      () => this.union(),
      () => this.derived(),
      () => this.correlatedSelect(),
      () => this.rollup(),
      () => this.orderForms(),
      () => this.setOperations(),
      () => this.cte(),
      () => this.derivedJoin(),
      () => this.concat(),
    ];
    return this.r.pick(shapes)();
  }
}

/** Statements as they appear in a case file: numbered from line 1, one per line. */
function statements(sqls: readonly { sql: string; ordered: boolean }[]): CaseStatement[] {
  return sqls.map((s, i) => ({ line: i + 1, sql: s.sql, ordered: s.ordered, expectedErrors: [] }));
}

/** The generated case of `seed` (G1). */
export function generatedCase(seed: number, queries = QUERIES_PER_SEED): CaseFile {
  const r = new Random(seed);
  const setup = schema(r).map((sql) => ({ sql, ordered: false }));
  const gen = new QueryGenerator(r);
  const body = Array.from({ length: queries }, () => gen.query());
  return { path: `generated/seed-${seed}.sql`, statements: statements([...setup, ...body]) };
}

/** The seeds to run: SEED=n alone (a replay), SEED=a-b a range (a search), else the default. */
export function generatedSeeds(env: NodeJS.ProcessEnv = process.env): readonly number[] {
  const one = env.SEED;
  if (one !== undefined && /^\d+$/.test(one)) return [Number(one)];
  const range = one === undefined ? null : /^(\d+)-(\d+)$/.exec(one);
  if (range !== null) {
    const [a, b] = [Number(range[1]), Number(range[2])];
    return Array.from({ length: Math.max(0, b - a + 1) }, (_, i) => a + i);
  }
  return GENERATED_SEEDS;
}

/** The text of a generated case, as a case file would hold it (for reading or replaying). */
export function caseText(file: CaseFile): string {
  return file.statements
    .map((s) => `${s.ordered ? '-- ordered\n' : '-- unordered\n'}${s.sql};`)
    .join('\n');
}
