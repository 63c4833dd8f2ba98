import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { DomainError } from '@fusion/shared/kernel';
import { datasetInfoEntry } from '../../domain/dataset-info';
import type {
  DatasetFileRequest,
  DatasetFileWriter,
  WrittenDataset,
} from '../../application/ports/dataset-file-writer.port';

const DATASET_INFO = 'dataset_info.json';

function safeSegment(s: string): string {
  return s.replace(/[^A-Za-z0-9._-]+/g, '_').replace(/^\.+/, '_') || '_';
}

async function writeAtomically(path: string, text: string): Promise<void> {
  const tmp = `${path}.${process.pid}.${Date.now()}.tmp`;
  await writeFile(tmp, text, 'utf8');
  await rename(tmp, path);
}

/**
 * Writes datasets under one root directory (DISTILLATION_DATASET_DIR). Requests may name a place inside it
 * only, so a client can never make the service write elsewhere. Each directory's `dataset_info.json` is
 * updated (read, merged, replaced atomically) one writer at a time.
 */
export class FsDatasetFileWriter implements DatasetFileWriter {
  readonly root: string;
  private readonly locks = new Map<string, Promise<unknown>>();

  constructor(root: string) {
    this.root = resolve(root);
  }

  hostDir(relativeDir: string): string {
    return resolve(this.root, relativeDir);
  }

  async write(req: DatasetFileRequest): Promise<WrittenDataset> {
    const path = this.target(req);
    const dir = dirname(path);
    await mkdir(dir, { recursive: true });
    await writeAtomically(path, `${JSON.stringify(req.records, null, 2)}\n`);
    const datasetInfoPath = join(dir, DATASET_INFO);
    await this.serialised(dir, async () => {
      let info: Record<string, unknown> = {};
      try {
        info = JSON.parse(await readFile(datasetInfoPath, 'utf8')) as Record<string, unknown>;
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'ENOENT') {
          throw DomainError.failedPrecondition(
            `${datasetInfoPath} exists but is not readable JSON: ${(err as Error).message}`,
          );
        }
      }
      info[req.datasetName] = datasetInfoEntry(basename(path));
      await writeAtomically(datasetInfoPath, `${JSON.stringify(info, null, 2)}\n`);
    });
    return { path, relativeDir: relative(this.root, dir).split(sep).join('/'), datasetInfoPath };
  }

  private target(req: DatasetFileRequest): string {
    const out = req.outPath.trim();
    if (out === '') return join(this.root, safeSegment(req.tenant), `${req.datasetName}.json`);
    const wanted = isAbsolute(out) ? resolve(out) : resolve(this.root, out);
    const path = out.endsWith('/') || out.endsWith(sep) ? join(wanted, `${req.datasetName}.json`) : wanted;
    const rel = relative(this.root, path);
    if (rel === '' || rel.startsWith('..') || isAbsolute(rel)) {
      throw DomainError.invalidArgument(
        'out_path',
        `'${req.outPath}' is outside the dataset directory ${this.root} (DISTILLATION_DATASET_DIR)`,
      );
    }
    if (!path.endsWith('.json'))
      throw DomainError.invalidArgument(
        'out_path',
        `'${req.outPath}' must name a .json file (or a directory ending in /)`,
      );
    if (basename(path) === DATASET_INFO)
      throw DomainError.invalidArgument(
        'out_path',
        `'${DATASET_INFO}' is LLaMA-Factory's registry, not a dataset file`,
      );
    return path;
  }

  private async serialised<T>(key: string, work: () => Promise<T>): Promise<T> {
    const previous = this.locks.get(key) ?? Promise.resolve();
    const run = previous.then(work, work);
    const settled = run.catch(() => undefined);
    this.locks.set(key, settled);
    try {
      return await run;
    } finally {
      if (this.locks.get(key) === settled) this.locks.delete(key);
    }
  }
}
