import type { SelectionStrategy } from '../../domain/template-selection';

/** Build (replace) a tenant's thought-template library. */
export interface BuildTemplatesCommand {
  tenant: string;
  /** performance, judge or hybrid; empty = hybrid. */
  selection: string;
  /** Queries summarised per task; 0 = the configured default. */
  queriesPerTask: number;
}

export interface BuildTemplatesResult {
  buildId: string;
  templates: number;
  tasks: number;
  summarizer: string;
  selection: SelectionStrategy;
  /** Queries whose summary failed (tolerated up to 10%). */
  failed: number;
}
