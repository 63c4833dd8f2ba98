import { resolve } from 'node:path';

/** The repository root (six levels above this folder). */
export const REPO_ROOT = resolve(__dirname, '../../../../../..');
/** The shared real data, `../shared/data` from the repository root (never copied into the repo). */
export const SHARED_DATA = resolve(REPO_ROOT, '../shared/data');
export const ROUTERBENCH_DIR = resolve(SHARED_DATA, 'routerbench-routerdc');
export const ARENA_DIR = resolve(SHARED_DATA, 'arena-bench-v1');
export const FUSIONBENCH_FIXTURE_DIR = resolve(__dirname, 'fusionbench');
