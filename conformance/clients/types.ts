/**
 * The contract between the client suite and each client runner (mysql CLI, mysqldump, mysql2,
 * Sequelize, Knex, TypeORM, Drizzle, sysbench).
 *
 * A runner drives one real client against one server and reports named steps. It declares its
 * steps (`plan`) before running them, so a step it never reached (a crash, a hang) still counts
 * as failed.
 * A step may report an *observation*: a deterministic rendering of what the client got back,
 * compared between the reference and the target when the step passes on both.
 */
import type { Endpoint } from '../harness/endpoint.js';

export interface StepResult {
  readonly step: string;
  readonly ok: boolean;
  /** Error or assertion text when !ok; free notes otherwise. */
  readonly detail: string;
  readonly observed?: string;
}

export interface RunContext {
  readonly endpoint: Endpoint;
  /** A fresh, empty database created for this runner on this side. */
  readonly database: string;
  /** A directory for this runner on this side (screens, dumps, logs). */
  readonly workDir: string;
  /** The reference side's workDir for this runner (it always runs first). */
  readonly referenceWorkDir: string;
}

export interface RunOutput {
  readonly plan: readonly string[];
  /** Results for steps of `plan`, in any order; missing steps count as not reached. */
  readonly results: readonly StepResult[];
}

export interface ClientRunner {
  readonly name: string;
  run(context: RunContext): Promise<RunOutput>;
}
