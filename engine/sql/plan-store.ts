/**
 * Plans of one parsed statement, kept for reuse: a prepared statement keeps one PlanStore, and
 * the text plan cache (plan-cache.ts) one per normalised text. A plan made with parameters P is
 * reused for parameters Q when (params.ts P1):
 *
 *   - the catalog has not changed since (Catalog.version),
 *   - the current database is the same (names resolve against it),
 *   - every parameter's type facts agree (typeKey), and
 *   - every parameter the planner read has the same value (readValues).
 *
 * Plans that bound a user or system variable are never kept (their types can change between
 * executions), nor are plans of statements other than SELECT, INSERT, UPDATE and DELETE.
 *
 * Invariant (PS1): a plan returned by `find` is one `planStatement` would make now for the same
 * statement and parameters.
 */
import type { Plan } from './plan.js';
import type { PlanParams } from './params.js';
import type { ExprInfo } from './plan.js';

interface Entry {
  readonly catalogVersion: number;
  readonly database: string | null;
  readonly typeKey: string;
  /** The type facts the key was made of: the same objects mean the same key. */
  readonly infos: readonly ExprInfo[];
  readonly reads: ReadonlyMap<number, string>;
  readonly plan: Plan;
}

const REUSABLE: ReadonlySet<Plan['kind']> = new Set(['select', 'insert', 'update', 'delete']);

export class PlanStore {
  private entries: Entry[] = [];

  constructor(private readonly capacity: number) {}

  find(params: PlanParams, catalogVersion: number, database: string | null): Plan | undefined {
    for (let i = 0; i < this.entries.length; i++) {
      const e = this.entries[i] as Entry;
      if (
        e.catalogVersion === catalogVersion &&
        e.database === database &&
        (params.sameInfos(e.infos) || e.typeKey === params.typeKey()) &&
        params.sameReads(e.reads)
      ) {
        if (i > 0) {
          // Most recently used first.
          this.entries.splice(i, 1);
          this.entries.unshift(e);
        }
        return e.plan;
      }
    }
    return undefined;
  }

  /** Keeps `plan`, made with `params`, unless it may not be reused (see the file comment). */
  remember(plan: Plan, params: PlanParams, catalogVersion: number, database: string | null): void {
    if (!REUSABLE.has(plan.kind) || params.variablesBound || params.preparing) return;
    this.entries = this.entries.filter((e) => e.catalogVersion === catalogVersion);
    this.entries.unshift({
      catalogVersion,
      database,
      typeKey: params.typeKey(),
      infos: params.infoList,
      reads: params.readValues(),
      plan,
    });
    if (this.entries.length > this.capacity) this.entries.length = this.capacity;
  }

  get size(): number {
    return this.entries.length;
  }
}
